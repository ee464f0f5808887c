//! Every object returns exactly the mock's rows through the component: all pages, each
//! row once, `attrs` equal to the object Clerk sent.

mod common;
use clerk_fdw_testhost::host::{Cell, QualSpec, TypeOid};
use common::*;
use serde_json::Value;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Scan `object` (id, attrs) and compare with `expected`.
fn check_list(
    mock: &clerk_fdw_testhost::mock::MockClerk,
    object: &str,
    expected: &[Value],
    quals: Vec<QualSpec>,
) {
    let rows = scan(
        mock,
        object,
        cols(&[("id", TypeOid::String), ("attrs", TypeOid::Json)]),
        quals,
    )
    .unwrap_or_else(|e| panic!("{object}: {e}"));
    let got = first_texts(&rows);
    let mut unique = got.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), got.len(), "{object}: duplicated rows");
    assert_eq!(sorted(got), sorted(ids(expected)), "{object}: wrong rows");
    assert!(
        !expected.is_empty(),
        "{object}: the dataset should have rows"
    );
    for row in &rows {
        let attrs = json(&row[1]);
        let id = attrs["id"].as_str().unwrap();
        let want = expected.iter().find(|e| e["id"] == id).unwrap();
        // members_count is only sent on request; everything else must be identical.
        let mut attrs = attrs.clone();
        if let Some(o) = attrs.as_object_mut() {
            o.remove("members_count");
        }
        assert_eq!(&attrs, want, "{object}: attrs of {id}");
    }
}

#[test]
fn every_list_object_returns_all_rows_once() {
    let mock = mock(1200);
    let ds = mock.dataset();
    let lists: Vec<(&str, &Vec<Value>)> = vec![
        ("allowlist_identifiers", &ds.allowlist_identifiers),
        ("machines", &ds.machines),
        ("role_sets", &ds.role_sets),
        ("blocklist_identifiers", &ds.blocklist_identifiers),
        ("domains", &ds.domains),
        ("invitations", &ds.invitations),
        ("jwt_templates", &ds.jwt_templates),
        ("oauth_applications", &ds.oauth_applications),
        ("organizations", &ds.organizations),
        ("organization_invitations", &ds.organization_invitations),
        ("organization_memberships", &ds.organization_memberships),
        ("redirect_urls", &ds.redirect_urls),
        ("saml_connections", &ds.saml_connections),
        ("users", &ds.users),
        ("billing_plans", &ds.billing_plans),
        ("billing_subscription_items", &ds.billing_subscription_items),
        ("billing_statements", &ds.billing_statements),
        ("organization_roles", &ds.organization_roles),
        ("organization_permissions", &ds.organization_permissions),
        ("waitlist_entries", &ds.waitlist_entries),
        ("organization_domains", &ds.organization_domains),
        ("enterprise_connections", &ds.enterprise_connections),
        ("billing_prices", &ds.billing_prices),
        ("directories", &ds.directories),
        ("scim_directories", &ds.directories),
    ];
    for (object, expected) in lists {
        check_list(&mock, object, expected, vec![]);
    }
    assert!(ds.users.len() > 1000 && !ds.organization_memberships.is_empty());
}

#[test]
fn path_style_names_are_accepted() {
    let mock = mock(30);
    let ds = mock.dataset();
    check_list(&mock, "billing/plans", &ds.billing_plans, vec![]);
    check_list(
        &mock,
        "billing/subscription_items",
        &ds.billing_subscription_items,
        vec![],
    );
    check_list(&mock, "billing/statements", &ds.billing_statements, vec![]);
    let statement_ids: Vec<_> = ids(&ds.billing_statements).iter().map(|i| s(i)).collect();
    for name in [
        "billing/statements/payment_attempts",
        "billing/payment_attempts",
    ] {
        check_list(
            &mock,
            name,
            &ds.billing_payment_attempts,
            vec![QualSpec::is_in("statement_id", statement_ids.clone())],
        );
    }
}

#[test]
fn payment_attempts_per_statement() {
    let mock = mock(30);
    let ds = mock.dataset();
    let statement_ids = ids(&ds.billing_statements);
    check_list(
        &mock,
        "billing_payment_attempts",
        &ds.billing_payment_attempts,
        vec![QualSpec::is_in(
            "statement_id",
            statement_ids.iter().map(|i| s(i)).collect(),
        )],
    );
    for st in &statement_ids {
        let want: Vec<Value> = ds
            .billing_payment_attempts
            .iter()
            .filter(|a| a["statement_id"] == st.as_str())
            .cloned()
            .collect();
        let rows = scan(
            &mock,
            "billing_payment_attempts",
            text_cols(&["statement_id", "id"]),
            vec![QualSpec::eq("statement_id", s(st))],
        )
        .unwrap();
        assert_eq!(rows.len(), want.len(), "statement {st}");
        assert!(rows
            .iter()
            .all(|r| text(&r[0]).as_deref() == Some(st.as_str())));
    }
}

#[test]
fn subscriptions_need_their_owner_and_echo_it() {
    let mock = mock(60);
    let ds = mock.dataset();
    for (object, col, subs, owners) in [
        (
            "user_billing_subscriptions",
            "user_id",
            &ds.user_subscriptions,
            ids(&ds.users),
        ),
        (
            "organization_billing_subscriptions",
            "organization_id",
            &ds.organization_subscriptions,
            ids(&ds.organizations),
        ),
    ] {
        assert!(!subs.is_empty() && subs.len() < owners.len());
        let rows = scan(
            &mock,
            object,
            cols(&[
                (col, TypeOid::String),
                ("id", TypeOid::String),
                ("attrs", TypeOid::Json),
            ]),
            vec![QualSpec::is_in(col, owners.iter().map(|o| s(o)).collect())],
        )
        .unwrap_or_else(|e| panic!("{object}: {e}"));
        // Owners without a subscription (404) are simply absent.
        assert_eq!(rows.len(), subs.len(), "{object}");
        for (owner, sub) in subs.iter() {
            let row = rows
                .iter()
                .find(|r| text(&r[0]).as_deref() == Some(owner.as_str()))
                .unwrap_or_else(|| panic!("{object}: no row for {owner}"));
            assert_eq!(text(&row[1]).as_deref(), sub["id"].as_str());
            assert_eq!(&json(&row[2]), sub);
        }
        // One request per owner, no more.
        assert_eq!(requests_to(&mock, "/v1/"), owners.len());
        mock.clear_requests();
    }
}

#[test]
fn an_unknown_object_lists_the_valid_names() {
    let mock = mock(5);
    let err = scan(&mock, "userz", text_cols(&["id"]), vec![]).unwrap_err();
    assert!(err.contains("unknown object 'userz'"), "{err}");
    for name in [
        "users",
        "billing_payment_attempts",
        "organization_billing_subscriptions",
    ] {
        assert!(err.contains(name), "{err}");
    }
    assert_eq!(mock.requests().len(), 0);
}

#[test]
fn count_star_is_one_request_for_every_object_and_exact() {
    // `select count(*) from clerk.<object>`: no column, no condition.
    for n_users in [0, 1234] {
        let mock = mock(n_users);
        let ds = mock.dataset();
        let lists: Vec<(&str, usize)> = vec![
            ("allowlist_identifiers", ds.allowlist_identifiers.len()),
            ("blocklist_identifiers", ds.blocklist_identifiers.len()),
            ("domains", ds.domains.len()),
            ("invitations", ds.invitations.len()),
            ("jwt_templates", ds.jwt_templates.len()),
            ("oauth_applications", ds.oauth_applications.len()),
            ("organizations", ds.organizations.len()),
            (
                "organization_invitations",
                ds.organization_invitations.len(),
            ),
            (
                "organization_memberships",
                ds.organization_memberships.len(),
            ),
            ("redirect_urls", ds.redirect_urls.len()),
            ("saml_connections", ds.saml_connections.len()),
            ("users", ds.users.len()),
            ("billing_plans", ds.billing_plans.len()),
            (
                "billing_subscription_items",
                ds.billing_subscription_items.len(),
            ),
            ("billing_statements", ds.billing_statements.len()),
            ("organization_roles", ds.organization_roles.len()),
            (
                "organization_permissions",
                ds.organization_permissions.len(),
            ),
            ("waitlist_entries", ds.waitlist_entries.len()),
            ("organization_domains", ds.organization_domains.len()),
            ("enterprise_connections", ds.enterprise_connections.len()),
            ("machines", ds.machines.len()),
            ("role_sets", ds.role_sets.len()),
            ("directories", ds.directories.len()),
            ("billing_prices", ds.billing_prices.len()),
        ];
        for (object, want) in lists {
            mock.clear_requests();
            let mut q = query(&mock, object, vec![], vec![]);
            let rows = q.scan_all().unwrap_or_else(|e| panic!("{object}: {e}"));
            assert_eq!(rows.len(), want, "{object} with {n_users} users");
            assert!(rows.iter().all(Vec::is_empty));
            // Invitations: Clerk hides the revoked ones unless asked, so two totals.
            let requests = if object == "invitations" { 2 } else { 1 };
            assert_eq!(mock.requests().len(), requests, "{object}: one request");
            assert_eq!(q.stats().rows_out, want as i64, "{object}");
        }
        if n_users > 0 {
            assert!(ds.users.len() > 500, "a count larger than a page");
            assert_eq!(
                mock.requests()[0].path,
                "/v1/billing/prices",
                "the last one asked the list itself"
            );
        }
    }
    // With a condition Postgres rechecks values, so the rows are read.
    let mock = mock(1234);
    let rows = scan(
        &mock,
        "users",
        text_cols(&["banned"]),
        vec![QualSpec::eq(
            "banned",
            clerk_fdw_testhost::host::Cell::Bool(true),
        )],
    )
    .unwrap();
    assert!(!rows.is_empty());
    assert!(mock.requests().iter().all(|r| r.path == "/v1/users"));
}

#[test]
fn tables_made_for_the_supabase_wrapper_keep_working() {
    // Its `billing/statement` table: (statement_id, id, status, timestamp timestamp, attrs),
    // queried with `where statement_id = '…'`.
    let mock = mock(30);
    let ds = mock.dataset();
    let st = &ds.billing_statements[1];
    let id = st["id"].as_str().unwrap();
    let rows = scan(
        &mock,
        "billing/statement",
        cols(&[
            ("statement_id", TypeOid::String),
            ("id", TypeOid::String),
            ("status", TypeOid::String),
            ("timestamp", TypeOid::Timestamp),
            ("attrs", TypeOid::Json),
        ]),
        vec![QualSpec::eq("statement_id", s(id))],
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        text(&rows[0][0]).as_deref(),
        Some(id),
        "rechecks statement_id = x"
    );
    assert_eq!(text(&rows[0][1]).as_deref(), Some(id));
    assert_eq!(json(&rows[0][4]), *st);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, format!("/v1/billing/statements/{id}"));
    // Its other path-style names are ours too.
    for name in [
        "users/billing/subscription",
        "organizations/billing/subscription",
        "billing/payment_attempts",
        "billing/plans",
        "billing/subscription_items",
        "billing/statements",
    ] {
        assert!(clerk_fdw::catalog::find(name).is_some(), "{name}");
    }
}

#[test]
fn machines_tokens_role_sets_devices_test_runs_and_settings() {
    let mock = mock(60);
    let ds = mock.dataset().clone();
    let attrs = |object: &str, quals: Vec<QualSpec>| -> Vec<Value> {
        let rows = scan(&mock, object, cols(&[("attrs", TypeOid::Json)]), quals)
            .unwrap_or_else(|e| panic!("{object}: {e}"));
        rows.iter().map(|r| json(&r[0])).collect()
    };
    // M2M tokens of a machine: pages of 100 under `m2m_tokens`, every token once.
    let machine = ds.machines[0]["id"].as_str().unwrap().to_string();
    mock.clear_requests();
    let got = attrs("m2m_tokens", vec![QualSpec::eq("subject", s(&machine))]);
    let want: Vec<&Value> = ds
        .m2m_tokens
        .iter()
        .filter(|t| t["subject"] == machine.as_str())
        .collect();
    assert_eq!(got.len(), 130);
    assert_eq!(got.iter().collect::<Vec<_>>(), want);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].param("limit"), Some("100"));
    assert!(got
        .iter()
        .all(|t| t.get("token").is_none() && t.get("secret").is_none()));
    let revoked = attrs(
        "m2m_tokens",
        vec![
            QualSpec::eq("subject", s(&machine)),
            QualSpec::eq("revoked", clerk_fdw_testhost::host::Cell::Bool(true)),
        ],
    );
    assert!(!revoked.is_empty() && revoked.iter().all(|t| t["revoked"] == true));
    let e = scan(&mock, "m2m_tokens", text_cols(&["id"]), vec![]).unwrap_err();
    assert!(
        e.contains("m2m_tokens needs a WHERE condition on subject"),
        "{e}"
    );
    // Machines: by id, and a name prefix is Clerk's `query`.
    mock.clear_requests();
    let one = attrs("machines", vec![QualSpec::eq("id", s(&machine))]);
    assert_eq!(one, vec![ds.machines[0].clone()]);
    assert_eq!(mock.requests()[0].path, format!("/v1/machines/{machine}"));
    mock.clear_requests();
    let named = attrs("machines", vec![QualSpec::op("name", "~~", s("worker 1%"))]);
    assert!(named.iter().any(|m| m["name"] == "worker 1"));
    assert_eq!(mock.requests()[0].param("query"), Some("worker 1"));
    // Role sets by key (a `:` in the path) and by id.
    mock.clear_requests();
    let by_key = attrs(
        "role_sets",
        vec![QualSpec::eq("key", s("role_set:support"))],
    );
    assert_eq!(by_key, vec![ds.role_sets[1].clone()]);
    assert_eq!(mock.requests().len(), 1);
    // Trusted devices of a user; test runs of a connection with a status list.
    let (user, device) = ds.trusted_devices[0].clone();
    let devices = scan(
        &mock,
        "user_trusted_devices",
        cols(&[("user_id", TypeOid::String), ("attrs", TypeOid::Json)]),
        vec![QualSpec::eq("user_id", s(&user))],
    )
    .unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(text(&devices[0][0]), Some(user.clone()));
    assert_eq!(json(&devices[0][1]), device);
    let (conn, _) = ds.test_runs[0].clone();
    mock.clear_requests();
    let runs = attrs(
        "enterprise_connection_test_runs",
        vec![
            QualSpec::eq("enterprise_connection_id", s(&conn)),
            QualSpec::is_in("status", vec![s("failed"), s("success")]),
        ],
    );
    assert_eq!(runs.len(), 4, "7 runs cycle pending, success, failed");
    assert_eq!(
        mock.requests()[0]
            .query
            .iter()
            .filter(|(k, _)| k == "status")
            .count(),
        2
    );
    // Credit balances: one GET per payer; a payer that never had credits has a row with
    // a NULL balance, an unknown one none.
    let (user, balance) = ds.credits[0].clone();
    let plain = ds.users[0]["id"].as_str().unwrap().to_string();
    mock.clear_requests();
    let rows = scan(
        &mock,
        "user_billing_credits",
        cols(&[
            ("user_id", TypeOid::String),
            ("balance", TypeOid::I64),
            ("currency", TypeOid::String),
        ]),
        vec![QualSpec::is_in(
            "user_id",
            vec![s(&user), s(&plain), s("user_unknown")],
        )],
    )
    .unwrap();
    assert_eq!(
        rows,
        vec![
            vec![
                Some(s(&user)),
                Some(Cell::I64(balance["amount"].as_i64().unwrap())),
                Some(s("USD"))
            ],
            vec![Some(s(&plain)), None, None],
        ]
    );
    let paths: Vec<String> = mock.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [&user, &plain, "user_unknown"]
            .iter()
            .map(|u| format!("/v1/users/{u}/billing/credits"))
            .collect::<Vec<_>>()
    );
    let org = ds.organizations[0]["id"].as_str().unwrap();
    let org_rows = attrs(
        "organization_billing_credits",
        vec![QualSpec::eq("organization_id", s(org))],
    );
    assert_eq!(org_rows[0]["balance"]["amount"], 12_500);
    // A directory's group-to-role mappings: one request, by precedence, the role flattened.
    let dir = ds.directories[0]["id"].as_str().unwrap().to_string();
    mock.clear_requests();
    let rows = scan(
        &mock,
        "directory_group_role_mappings",
        text_cols(&[
            "id",
            "directory_group_id",
            "role_key",
            "precedence",
            "rowid",
        ]),
        vec![QualSpec::eq("directory_id", s(&dir))],
    )
    .unwrap();
    let want: Vec<Vec<Option<String>>> = ds
        .directory_mappings
        .iter()
        .map(|m| {
            let id = m["id"].as_str().unwrap();
            vec![
                Some(id.to_string()),
                m["directory_group_id"].as_str().map(String::from),
                m["role"]["key"].as_str().map(String::from),
                Some(m["precedence"].to_string()),
                Some(format!("{dir}/{id}")),
            ]
        })
        .collect();
    let got: Vec<Vec<Option<String>>> = rows.iter().map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(got, want);
    assert_eq!(mock.requests().len(), 1);
    assert_eq!(
        mock.requests()[0].path,
        format!("/v1/directories/{dir}/group_role_mappings")
    );
    // A directory by id; the second has no mappings.
    mock.clear_requests();
    assert_eq!(
        attrs("directories", vec![QualSpec::eq("id", s(&dir))]),
        vec![ds.directories[0].clone()]
    );
    assert_eq!(mock.requests()[0].path, format!("/v1/directories/{dir}"));
    let other = ds.directories[1]["id"].as_str().unwrap();
    let none = attrs(
        "directory_group_role_mappings",
        vec![QualSpec::eq("directory_id", s(other))],
    );
    assert!(none.is_empty());
    // Lookups by id that need no list condition.
    mock.clear_requests();
    let key = ds.api_keys[0]["id"].as_str().unwrap();
    assert_eq!(
        attrs("api_keys", vec![QualSpec::eq("id", s(key))]),
        vec![ds.api_keys[0].clone()]
    );
    let role = ds.organization_roles[0]["id"].as_str().unwrap();
    assert_eq!(
        attrs("organization_roles", vec![QualSpec::eq("id", s(role))]).len(),
        1
    );
    let paths: Vec<String> = mock.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        vec![
            format!("/v1/api_keys/{key}"),
            format!("/v1/organization_roles/{role}")
        ]
    );
    // The instance's settings: one row each, the object Clerk sent.
    for (object, which) in [
        ("instance", ""),
        ("instance_protect", "protect"),
        ("instance_communication", "communication"),
        (
            "instance_oauth_application_settings",
            "oauth_application_settings",
        ),
        ("instance_organization_settings", "organization_settings"),
    ] {
        let want = &ds
            .instance_settings
            .iter()
            .find(|(w, _)| *w == which)
            .unwrap()
            .1;
        assert_eq!(&attrs(object, vec![]), &vec![want.clone()], "{object}");
        let count = query(&mock, object, vec![], vec![]).scan_all().unwrap();
        assert_eq!(count.len(), 1, "count(*) of {object}");
    }
}
