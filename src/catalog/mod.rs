//! The object catalog: one declarative entry per foreign table. Everything object-specific
//! (endpoints, list shape, columns, derived values, pushable and required quals) lives here;
//! the planner, pager and projection are generic over it.
//!
//! `types.rs` holds the shapes, `define.rs` the constructors the table is written with,
//! `writes.rs` each writable object's endpoints (named `<OBJECT>_WRITES`, referenced from
//! its entry), and `objects.rs` the table itself.

use crate::prelude::*;
use crate::text::{fill, trim_slashes};

mod types;
pub use types::*;
#[macro_use]
mod define;
mod objects;
mod writes;
pub use objects::OBJECTS;

/// Find an object by table-style or path-style name (case-insensitive, slashes trimmed;
/// `billing/plans` is `billing_plans`, so only other path names need an alias).
pub fn find(name: &str) -> Option<&'static Object> {
    let n = trim_slashes(name.trim_ascii()).to_ascii_lowercase();
    let path_style = |o: &Object| {
        let same = |(a, b)| a == b || (a, b) == (b'/', b'_');
        n.len() == o.name.len() && n.bytes().zip(o.name.bytes()).all(same)
    };
    OBJECTS
        .iter()
        .find(|o| path_style(o) || o.aliases.contains(&n.as_str()))
}

/// The error for an unknown `object` option, listing what is valid.
pub fn unknown_object(name: &str) -> String {
    let mut names = String::new();
    for o in OBJECTS {
        if !names.is_empty() {
            names.push_str(", ");
        }
        names.push_str(o.name);
    }
    fill(
        "unknown object '{name}' in the foreign table option 'object'; valid objects: {valid}",
        &[("name", name.trim_ascii()), ("valid", &names)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_is_found_by_name_and_alias() {
        assert_eq!(OBJECTS.len(), 45);
        for o in OBJECTS {
            assert_eq!(find(o.name).unwrap().name, o.name);
            for a in o.aliases {
                assert_eq!(find(a).unwrap().name, o.name, "alias {a}");
            }
        }
        assert_eq!(find(" /Billing/Plans/ ").unwrap().name, "billing_plans");
        // A `/` reads as `_` (path-style names), and only there.
        assert_eq!(
            find("instance/oauth_application_settings").unwrap().name,
            "instance_oauth_application_settings"
        );
        assert_eq!(
            find("billing/payment_attempts").unwrap().name,
            "billing_payment_attempts"
        );
        assert!(find("billing/plan/s").is_none() && find("billing_plans_").is_none());
        assert!(find("users_billing_subscription").is_none());
        assert_eq!(
            find("users/billing/subscription").unwrap().name,
            "user_billing_subscriptions"
        );
        assert!(find("session").is_none());
    }

    #[test]
    fn unknown_object_error_lists_valid_names() {
        let e = unknown_object("userz");
        assert!(e.contains("'userz'"));
        for o in OBJECTS {
            assert!(e.contains(o.name));
        }
    }

    #[test]
    fn catalog_is_consistent() {
        for o in OBJECTS {
            let mut names: Vec<&str> = o.columns.iter().map(|c| c.name).collect();
            // Every row has an id (or a rowid of ids), except one-object answers: the
            // instance's settings, a payer's credit balance.
            let single = o
                .list
                .iter()
                .chain(o.routes.iter().map(|r| &r.endpoint))
                .any(|e| e.paging == Paging::Single);
            assert!(
                names.contains(&"id") || names.contains(&"rowid") || single,
                "{} has an id column",
                o.name
            );
            assert!(!names.contains(&"attrs"), "attrs is appended, not declared");
            names.sort();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{} has duplicate columns", o.name);
            let endpoints = o.list.iter().chain(o.routes.iter().map(|r| &r.endpoint));
            for e in endpoints {
                assert!(e.path.starts_with('/') && !e.path.ends_with('/'));
                for f in e.filters {
                    assert!(
                        o.column(f.column).is_some(),
                        "{}: filter on {}",
                        o.name,
                        f.column
                    );
                }
            }
            for r in o.routes {
                assert!(
                    o.column(r.column).is_some(),
                    "{}: route {}",
                    o.name,
                    r.column
                );
                // The value goes in the path's one `{}`, or in the query parameter.
                let holes = crate::path::holes(r.endpoint.path);
                assert_eq!(holes, usize::from(r.param.is_none()), "{}", o.name);
            }
            for l in o.lookups {
                assert!(
                    o.column(l.column).is_some() && l.path.ends_with("/{}"),
                    "{}",
                    o.name
                );
            }
            // Objects without a list must have exactly one route, which is then required.
            assert_eq!(o.list.is_none(), o.required_route().is_some());
        }
    }

    #[test]
    fn write_declarations_are_consistent() {
        let holes = |p: &str| p.matches("{}").count();
        for o in OBJECTS {
            let Some(w) = o.writes else { continue };
            // The row's address takes as many ids as its rowid column joins; a one-row
            // table's takes none, and can only be updated.
            let single = o.list.is_some_and(|l| l.paging == Paging::Single);
            // A credit balance's rowid also carries the balance read.
            let credit = w.update.iter().any(|s| s.put == Put::Credit);
            let parts = match o.column("rowid").map(|c| &c.def.src) {
                _ if single => 0,
                Some(Src::Joined(parts)) => parts.len() - usize::from(credit),
                _ => 1,
            };
            assert!(!credit || w.update.len() == 1, "{}", o.name);
            assert_eq!(holes(w.row), parts, "{}", o.name);
            assert!(!single || (w.create.is_none() && w.delete == Delete::Refused));
            // A create path takes one parent id, named by the one Parent column.
            let parents = w.insert.iter().filter(|s| s.put == Put::Parent).count();
            assert_eq!(w.create.map_or(0, holes), parents, "{}", o.name);
            assert_eq!(w.create.is_none(), w.insert.is_empty(), "{}", o.name);
            for s in w.insert.iter().chain(w.update) {
                assert!(o.column(s.column).is_some(), "{}.{}", o.name, s.column);
            }
            // Actions and replaced metadata belong to UPDATE; parents to INSERT.
            for s in w.insert {
                assert!(
                    !matches!(s.put, Put::Switch(_) | Put::Status(_) | Put::Action(_)),
                    "{}",
                    o.name
                );
            }
            for s in w.update {
                assert!(!matches!(s.put, Put::Parent | Put::List), "{}", o.name);
            }
            for need in w.patch_needs {
                assert!(w.update.iter().any(|s| s.column == *need), "{}", o.name);
            }
            // Bulk creation needs a create endpoint, and a batch of at least two rows
            // (Clerk's limits are 10 and 50).
            assert!(w.bulk == 0 || (w.create.is_some() && (2..=50).contains(&w.bulk)));
            // A bulk switch stands for an UPDATE switch of the same column.
            if let Some(b) = w.bulk_switch {
                let s = w.update.iter().find(|s| s.column == b.column);
                assert!(
                    matches!(s.map(|s| s.put), Some(Put::Switch(_))),
                    "{}",
                    o.name
                );
                assert!(b.paths.iter().all(|p| p.starts_with('/') && holes(p) == 0));
            }
        }
    }
}
