//! IMPORT FOREIGN SCHEMA: one CREATE FOREIGN TABLE per catalog object.

use crate::prelude::*;

use crate::catalog::{Object, OBJECTS};
use crate::text::{cat, replace};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListType {
    All,
    LimitTo,
    Except,
}

/// Statements for the selected objects. Postgres applies LIMIT TO / EXCEPT and the target
/// schema itself too; filtering here keeps the answer small and correct for any caller.
pub fn import(server: &str, list_type: ListType, tables: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for o in OBJECTS {
        let listed = tables.iter().any(|t| t == o.name);
        let wanted = match list_type {
            ListType::All => true,
            ListType::LimitTo => listed,
            ListType::Except => !listed,
        };
        if wanted {
            out.push(create_table(o, server));
        }
    }
    out
}

pub fn create_table(o: &Object, server: &str) -> String {
    let mut out = cat(&[
        "create foreign table if not exists ",
        &ident(o.name),
        " (\n",
    ]);
    for c in o.columns {
        out.push_str(&cat(&[
            "  ",
            &ident(c.name),
            " ",
            c.def.ty.sql_name(),
            ",\n",
        ]));
    }
    // Every table carries rowid_column, read-only ones too: then a write meets the
    // component's explanation rather than the host's "option 'rowid_column' is required".
    out.push_str(&cat(&[
        "  attrs jsonb\n) server ",
        &ident(server),
        " options (object '",
        o.name,
        "', rowid_column '",
        o.rowid_column(),
        "')",
    ]));
    out
}

/// Quote an identifier when Postgres would otherwise fold or reject it.
pub fn ident(s: &str) -> String {
    const RESERVED: &[&str] = &["user", "timestamp", "default", "order", "group", "table"];
    let plain = s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !RESERVED.contains(&s);
    if plain {
        s.to_string()
    } else {
        cat(&["\"", &replace(s, "\"", "\"\""), "\""])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_every_object_with_attrs_last() {
        let stmts = import("clerk_server", ListType::All, &[]);
        assert_eq!(stmts.len(), OBJECTS.len());
        for (s, o) in stmts.iter().zip(OBJECTS) {
            assert!(s.starts_with(&format!("create foreign table if not exists {} (", o.name)));
            assert!(s.contains("\n  attrs jsonb\n) server clerk_server options (object '"));
            // Objects addressed by two ids carry a `rowid` column.
            let two_ids = [
                "organization_memberships",
                "organization_invitations",
                "organization_domains",
                "user_external",
                "user_web3",
                "machine_scopes",
                "directory_group_role_mappings",
            ];
            // So do the one-row settings tables and credit balances, whose rows have no id.
            let settings = o.name.starts_with("instance_") || o.name.ends_with("_credits");
            let rowid = if two_ids.iter().any(|p| o.name.starts_with(p)) && o.writes.is_some()
                || settings
            {
                "rowid"
            } else {
                "id"
            };
            assert!(
                s.ends_with(&format!("(object '{}', rowid_column '{rowid}')", o.name)),
                "{s}"
            );
            assert_eq!(s.matches(",\n").count(), o.columns.len(), "{s}");
        }
        let users = &stmts[OBJECTS.iter().position(|o| o.name == "users").unwrap()];
        assert!(users.contains("  primary_email_address text,"));
        assert!(users.contains("  created_at timestamptz,"));
        let st = &stmts[OBJECTS
            .iter()
            .position(|o| o.name == "billing_statements")
            .unwrap()];
        assert!(st.contains("  \"timestamp\" timestamptz,"), "{st}");
    }

    #[test]
    fn limit_to_and_except() {
        let t = vec![
            "users".to_string(),
            "domains".to_string(),
            "nope".to_string(),
        ];
        let only = import("s", ListType::LimitTo, &t);
        assert_eq!(only.len(), 2);
        assert!(only[0].contains(" domains (") && only[1].contains(" users ("));
        assert_eq!(import("s", ListType::Except, &t).len(), OBJECTS.len() - 2);
    }

    #[test]
    fn identifiers_are_quoted_when_needed() {
        assert_eq!(ident("clerk_server"), "clerk_server");
        assert_eq!(ident("Clerk Server"), "\"Clerk Server\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(ident("1x"), "\"1x\"");
    }
}
