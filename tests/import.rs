//! IMPORT FOREIGN SCHEMA through the component.

mod common;
use clerk_fdw_testhost::host::ImportListType;
use common::*;

const OBJECTS: [&str; 45] = [
    "allowlist_identifiers",
    "blocklist_identifiers",
    "domains",
    "invitations",
    "jwt_templates",
    "oauth_applications",
    "organizations",
    "organization_invitations",
    "organization_memberships",
    "redirect_urls",
    "saml_connections",
    "users",
    "billing_plans",
    "billing_subscription_items",
    "billing_statements",
    "billing_payment_attempts",
    "user_billing_subscriptions",
    "organization_billing_subscriptions",
    "user_billing_credits",
    "organization_billing_credits",
    "sessions",
    "user_email_addresses",
    "user_phone_numbers",
    "user_external_accounts",
    "user_web3_wallets",
    "organization_roles",
    "organization_permissions",
    "waitlist_entries",
    "organization_domains",
    "enterprise_connections",
    "billing_prices",
    "api_keys",
    "machines",
    "machine_scopes",
    "m2m_tokens",
    "role_sets",
    "user_trusted_devices",
    "enterprise_connection_test_runs",
    "directories",
    "directory_group_role_mappings",
    "instance",
    "instance_protect",
    "instance_communication",
    "instance_oauth_application_settings",
    "instance_organization_settings",
];

fn import(list: ImportListType, tables: &[&str]) -> Vec<String> {
    let mock = mock(1);
    let mut q = query(&mock, "users", text_cols(&[]), vec![]);
    let stmts = q
        .import_foreign_schema(
            "clerk_server",
            "clerk",
            "clerk",
            list,
            tables.iter().map(|t| t.to_string()).collect(),
        )
        .unwrap();
    assert!(mock.requests().is_empty(), "import needs no API call");
    stmts
}

#[test]
fn imports_every_table_with_attrs_last() {
    let stmts = import(ImportListType::All, &[]);
    assert_eq!(stmts.len(), OBJECTS.len());
    // The list above is the catalog, nothing more or less.
    let mut catalog: Vec<&str> = clerk_fdw::catalog::OBJECTS.iter().map(|o| o.name).collect();
    let mut listed = OBJECTS.to_vec();
    catalog.sort();
    listed.sort();
    assert_eq!(catalog, listed);
    for name in OBJECTS {
        let s = stmts
            .iter()
            .find(|s| s.starts_with(&format!("create foreign table if not exists {name} (")))
            .unwrap_or_else(|| panic!("{name} missing"));
        // Every row has an id, except the instance's one-row settings tables, credit
        // balances (one per payer) and a machine's scopes (addressed by the two machines'
        // ids).
        let has_id = clerk_fdw::catalog::find(name)
            .unwrap()
            .column("id")
            .is_some();
        assert_eq!(s.contains("  id text,"), has_id, "{s}");
        assert!(
            has_id
                || name.starts_with("instance_")
                || name.ends_with("_credits")
                || name == "machine_scopes",
            "{name}"
        );
        // Every table names its rowid column, so a write reaches the component's checks.
        let rowid = match name {
            "organization_memberships"
            | "organization_invitations"
            | "organization_domains"
            | "user_external_accounts"
            | "user_web3_wallets"
            | "machine_scopes"
            | "directory_group_role_mappings" => "rowid",
            // The one-row settings tables: a constant rowid, as their rows have no id.
            _ if name.starts_with("instance_") || name.ends_with("_credits") => "rowid",
            _ => "id",
        };
        assert!(
            s.ends_with(&format!(
                "  attrs jsonb\n) server clerk_server options (object '{name}', rowid_column '{rowid}')"
            )),
            "{s}"
        );
        assert!(
            !s.contains(" varchar") && !s.contains(" json,"),
            "only host-safe types: {s}"
        );
    }
    let users = stmts.iter().find(|s| s.contains(" users (")).unwrap();
    for col in [
        "primary_email_address text",
        "email_address text",
        "created_at timestamptz",
        "banned boolean",
        "public_metadata jsonb",
    ] {
        assert!(users.contains(col), "{col}");
    }
    let m = stmts
        .iter()
        .find(|s| s.contains(" organization_memberships ("))
        .unwrap();
    assert!(m.contains("  user_id text,") && m.contains("  organization_id text,"));
    let subs = stmts
        .iter()
        .find(|s| s.contains(" user_billing_subscriptions ("))
        .unwrap();
    assert!(subs.contains("  user_id text,"));
}

#[test]
fn limit_to_and_except() {
    let only = import(ImportListType::LimitTo, &["users", "billing_plans"]);
    assert_eq!(only.len(), 2);
    let rest = import(ImportListType::Except, &["users", "billing_plans"]);
    assert_eq!(rest.len(), OBJECTS.len() - 2);
    assert!(rest
        .iter()
        .all(|s| !s.contains(" users (") && !s.contains(" billing_plans (")));
}
