use super::*;
use crate::catalog::find;
use crate::fake::FakeHost;

fn obj(name: &str) -> (&'static Object, &'static Writes) {
    let o = find(name).unwrap();
    (o, target(o, true, o.rowid_column()).unwrap())
}

fn row(cells: &[(&str, Option<Cell>)]) -> Vec<(String, Option<Cell>)> {
    cells
        .iter()
        .map(|(n, c)| (n.to_string(), c.clone()))
        .collect()
}

fn text(s: &str) -> Option<Cell> {
    Some(Cell::String(s.into()))
}

fn json(s: &str) -> Option<Cell> {
    Some(Cell::Json(s.into()))
}

fn req(method: Method, path: &str, body: &str) -> Request {
    Request {
        method,
        path: path.into(),
        body: body.into(),
    }
}

#[test]
fn only_writable_objects_on_servers_that_allow_writes_with_the_right_rowid() {
    let plans = find("billing_plans").unwrap();
    let e = target(plans, true, "id").unwrap_err();
    assert!(e.starts_with("billing_plans is read-only"), "{e}");
    assert!(e.ends_with("can change are allowlist_identifiers, blocklist_identifiers, domains, invitations, jwt_templates, oauth_applications, organizations, organization_invitations, organization_memberships, redirect_urls, organization_roles, organization_permissions, waitlist_entries, organization_domains, enterprise_connections, api_keys, user_email_addresses, user_phone_numbers, user_external_accounts, user_web3_wallets, sessions, users, billing_subscription_items, user_billing_credits, organization_billing_credits, machines, machine_scopes, m2m_tokens, role_sets, directories, directory_group_role_mappings, instance, instance_protect, instance_communication, instance_oauth_application_settings, instance_organization_settings"), "{e}");
    let users = find("users").unwrap();
    let e = target(users, false, "id").unwrap_err();
    assert!(
        e.contains("ALTER SERVER … OPTIONS (ADD allow_writes 'true')"),
        "{e}"
    );
    assert!(e.contains("nothing was sent for users"), "{e}");
    let members = find("organization_memberships").unwrap();
    assert_eq!(members.rowid_column(), "rowid");
    let e = target(members, true, "id").unwrap_err();
    assert!(e.contains("OPTIONS (SET rowid_column 'rowid')"), "{e}");
    assert!(target(members, true, "rowid").is_ok());
    // Every writable object can be addressed: its rowid column exists.
    for o in OBJECTS.iter().filter(|o| o.writes.is_some()) {
        assert!(o.column(o.rowid_column()).is_some(), "{}", o.name);
    }
}

#[test]
fn insert_sends_the_set_columns_in_clerks_shapes() {
    let (o, w) = obj("users");
    let r = insert(
        o,
        w,
        &row(&[
            ("id", None),
            ("email_address", text("a+b@x.co")),
            ("first_name", text("Zoë \"Z\"")),
            ("last_name", None),
            ("public_metadata", json(r#"{"plan":"pro"}"#)),
            ("banned", Some(Cell::Bool(false))),
            ("created_at", text("2023-11-22T20:00:00.123+00:00")),
            (
                "attrs",
                json(r#"{"password":"s3cret-pass","skip_password_checks":true}"#),
            ),
        ]),
    )
    .unwrap();
    assert_eq!(
        r,
        req(
            Method::Post,
            "/users",
            r#"{"email_address":["a+b@x.co"],"first_name":"Zoë \"Z\"","public_metadata":{"plan":"pro"},"banned":false,"created_at":"2023-11-22T20:00:00.123+00:00","password":"s3cret-pass","skip_password_checks":true}"#
        )
    );
    // Nothing set at all is still a JSON object.
    let (o, w) = obj("allowlist_identifiers");
    assert_eq!(insert(o, w, &row(&[("id", None)])).unwrap().body, "{}");
}

#[test]
fn insert_refuses_what_clerk_cannot_take() {
    let (o, w) = obj("users");
    let e = insert(o, w, &row(&[("id", text("user_1"))])).unwrap_err();
    assert!(
        e.starts_with("users.id cannot be set by INSERT: Clerk sets it"),
        "{e}"
    );
    assert!(
        e.contains("INSERT can set email_address, phone_number,"),
        "{e}"
    );
    let e = insert(o, w, &row(&[("nickname", text("x"))])).unwrap_err();
    assert!(e.contains("not a column clerk_fdw knows"), "{e}");
    let e = insert(o, w, &row(&[("public_metadata", json("[1]"))])).unwrap_err();
    assert!(
        e.contains("users.public_metadata must be a JSON object"),
        "{e}"
    );
    let e = insert(
        o,
        w,
        &row(&[
            ("first_name", text("A")),
            ("attrs", json(r#"{"first_name":"B"}"#)),
        ]),
    )
    .unwrap_err();
    assert!(e.contains("attrs sets \"first_name\""), "{e}");
    let e = insert(o, w, &row(&[("attrs", json("[]"))])).unwrap_err();
    assert!(e.contains("users.attrs must be a jsonb object"), "{e}");
    let (o, w) = obj("organizations");
    let e = insert(
        o,
        w,
        &row(&[("max_allowed_memberships", Some(Cell::F64(2.5)))]),
    )
    .unwrap_err();
    assert!(
        e.contains("organizations.max_allowed_memberships must be a whole number"),
        "{e}"
    );
    let r = insert(
        o,
        w,
        &row(&[("max_allowed_memberships", Some(Cell::Numeric(5.0)))]),
    );
    assert_eq!(r.unwrap().body, r#"{"max_allowed_memberships":5}"#);
}

#[test]
fn insert_under_a_parent_puts_its_id_in_the_path() {
    let (o, w) = obj("organization_memberships");
    let r = insert(
        o,
        w,
        &row(&[
            ("organization_id", text("org_1")),
            ("user_id", text("user_2")),
            ("role", text("org:member")),
            ("rowid", None),
        ]),
    )
    .unwrap();
    assert_eq!(
        r,
        req(
            Method::Post,
            "/organizations/org_1/memberships",
            r#"{"user_id":"user_2","role":"org:member"}"#
        )
    );
    let e = insert(o, w, &row(&[("user_id", text("user_2"))])).unwrap_err();
    assert_eq!(
        e,
        "INSERT into organization_memberships needs organization_id: Clerk creates the row \
         under it"
    );
    let (o, w) = obj("organization_invitations");
    let r = insert(
        o,
        w,
        &row(&[
            ("organization_id", text("org/1")),
            ("inviter_id", text("user_9")),
        ]),
    );
    assert_eq!(
        r.unwrap(),
        req(
            Method::Post,
            "/organizations/org%2F1/invitations",
            r#"{"inviter_user_id":"user_9"}"#
        )
    );
}

#[test]
fn update_splits_a_row_into_patch_metadata_and_actions() {
    let (o, w) = obj("users");
    let rowid = Cell::String("user_1".into());
    let reqs = update(
        o,
        w,
        &rowid,
        &row(&[
            ("banned", Some(Cell::Bool(true))),
            ("private_metadata", None),
            ("first_name", text("Ann")),
            ("public_metadata", json(r#"{"a":{"b":1}}"#)),
            ("locked", Some(Cell::Bool(false))),
            ("attrs", json(r#"{"sign_out_of_other_sessions":true}"#)),
        ]),
        0,
    )
    .unwrap();
    assert_eq!(
        reqs,
        vec![
            req(
                Method::Patch,
                "/users/user_1",
                r#"{"first_name":"Ann","sign_out_of_other_sessions":true}"#
            ),
            req(
                Method::Put,
                "/users/user_1/metadata",
                r#"{"private_metadata":{},"public_metadata":{"a":{"b":1}}}"#
            ),
            req(Method::Post, "/users/user_1/ban", ""),
            req(Method::Post, "/users/user_1/unlock", ""),
        ]
    );
    let only_meta = update(o, w, &rowid, &row(&[("unsafe_metadata", json("{}"))]), 0).unwrap();
    assert_eq!(
        only_meta,
        vec![req(
            Method::Put,
            "/users/user_1/metadata",
            r#"{"unsafe_metadata":{}}"#
        )]
    );
}

#[test]
fn update_refuses_nulls_and_values_clerk_cannot_apply() {
    let (o, w) = obj("users");
    let rowid = Cell::String("user_1".into());
    let e = update(o, w, &rowid, &row(&[("first_name", None)]), 0).unwrap_err();
    assert!(
        e.starts_with("users.first_name cannot be set to NULL"),
        "{e}"
    );
    let e = update(o, w, &rowid, &row(&[("banned", None)]), 0).unwrap_err();
    assert_eq!(e, "users.banned must be true or false");
    let e = update(o, w, &rowid, &row(&[("created_by", text("x"))]), 0).unwrap_err();
    assert!(e.contains("not a column clerk_fdw knows"), "{e}");
    let e = update(
        o,
        w,
        &rowid,
        &row(&[("primary_email_address", text("a@b.co"))]),
        0,
    )
    .unwrap_err();
    assert!(
        e.starts_with("users.primary_email_address cannot be set by UPDATE"),
        "{e}"
    );

    let (o, w) = obj("invitations");
    let inv = Cell::String("inv_1".into());
    let r = update(o, w, &inv, &row(&[("status", text("revoked"))]), 0).unwrap();
    assert_eq!(r, vec![req(Method::Post, "/invitations/inv_1/revoke", "")]);
    let e = update(o, w, &inv, &row(&[("status", text("pending"))]), 0).unwrap_err();
    assert!(e.contains("can only be set to 'revoked'"), "{e}");
    // No PATCH for invitations, so attrs has nowhere to go.
    let e = update(o, w, &inv, &row(&[("attrs", json("{}"))]), 0).unwrap_err();
    assert!(
        e.starts_with("invitations.attrs cannot be set by UPDATE"),
        "{e}"
    );

    assert!(!e.contains("and attrs"), "{e}");
    // The host leaves the rowid out of the SET columns: `set id = …` arrives empty.
    let e = update(o, w, &inv, &row(&[]), 0).unwrap_err();
    assert_eq!(
        e,
        "UPDATE of invitations cannot change id: it is the row's id in Clerk"
    );

    let (o, w) = obj("allowlist_identifiers");
    let e = update(o, w, &inv, &row(&[("identifier", text("x"))]), 0).unwrap_err();
    assert!(e.contains("DELETE the row and INSERT a new one"), "{e}");
}

#[test]
fn a_jwt_template_patch_carries_name_and_claims() {
    let (o, w) = obj("jwt_templates");
    let id = Cell::String("jtmp_1".into());
    let e = update(o, w, &id, &row(&[("lifetime", Some(Cell::I32(60)))]), 0).unwrap_err();
    assert_eq!(
        e,
        "UPDATE of jwt_templates must also set name and claims, as Clerk requires them in \
         every change: keep them as they are with SET name = name, claims = claims"
    );
    let r = update(
        o,
        w,
        &id,
        &row(&[
            ("lifetime", Some(Cell::I32(60))),
            ("name", text("t")),
            ("claims", json(r#"{"a":1}"#)),
        ]),
        0,
    )
    .unwrap();
    assert_eq!(
        r,
        vec![req(
            Method::Patch,
            "/jwt_templates/jtmp_1",
            r#"{"lifetime":60,"name":"t","claims":{"a":1}}"#
        )]
    );
}

#[test]
fn a_credit_balance_is_set_by_one_ledger_entry_of_the_difference() {
    let (o, w) = obj("user_billing_credits");
    let read = Cell::String("user_1/1500".into());
    let set = |v: i64| row(&[("balance", Some(Cell::I64(v)))]);
    assert_eq!(
        update(o, w, &read, &set(2000), 1_700_000_000).unwrap(),
        vec![req(
            Method::Post,
            "/users/user_1/billing/credits",
            r#"{"amount":500,"action":"increase","idempotency_key":"clerk_fdw/user_1/1500/500/1700000000"}"#
        )]
    );
    assert_eq!(
        update(o, w, &read, &set(0), 7).unwrap(),
        vec![req(
            Method::Post,
            "/users/user_1/billing/credits",
            r#"{"amount":1500,"action":"decrease","idempotency_key":"clerk_fdw/user_1/1500/-1500/7"}"#
        )]
    );
    // The balance it already has: nothing to send, so a second run changes nothing.
    assert_eq!(update(o, w, &read, &set(1500), 7).unwrap(), vec![]);
    // A payer that never had credits reads as 0.
    let none = Cell::String("user_2/0".into());
    let r = update(o, w, &none, &set(250), 7).unwrap();
    assert!(r[0]
        .body
        .starts_with(r#"{"amount":250,"action":"increase""#));
    for bad in [
        row(&[("balance", None)]),
        row(&[("balance", text("250"))]),
        row(&[("currency", text("EUR"))]),
    ] {
        let e = update(o, w, &read, &bad, 7).unwrap_err();
        assert!(e.contains("user_billing_credits."), "{e}");
    }
    let e = update(o, w, &read, &row(&[("balance", text("250"))]), 7).unwrap_err();
    assert!(e.contains("must be a bigint of cents"), "{e}");
    let e = update(o, w, &Cell::String("user_1".into()), &set(2), 7).unwrap_err();
    assert!(e.contains("must be a bigint of cents"), "{e}");
}

#[test]
fn delete_addresses_the_row_by_its_rowid() {
    let (o, w) = obj("organization_memberships");
    let r = delete(o, w, &Cell::String("org_1/user 2".into())).unwrap();
    assert_eq!(
        r,
        req(
            Method::Delete,
            "/organizations/org_1/memberships/user%202",
            ""
        )
    );
    for bad in ["org_1", "org_1/", "/user_2", "a/b/c"] {
        let e = delete(o, w, &Cell::String(bad.into())).unwrap_err();
        assert!(
            e.contains("its rowid should be 2 id(s) joined by '/'"),
            "{bad}: {e}"
        );
    }
    let e = delete(o, w, &Cell::I64(1)).unwrap_err();
    assert_eq!(e, "organization_memberships.rowid must be text");
    let (o, w) = obj("organization_invitations");
    let r = delete(o, w, &Cell::String("org_1/orginv_2".into())).unwrap();
    assert_eq!(
        r,
        req(
            Method::Post,
            "/organizations/org_1/invitations/orginv_2/revoke",
            ""
        )
    );
    let (o, w) = obj("users");
    let e = delete(o, w, &Cell::String("user_1/x".into())).unwrap_err();
    assert!(e.contains("its id should be 1 id(s)"), "{e}");
}

fn cfg() -> Config {
    crate::config::from_options(
        |k| (k == "api_key").then(|| "sk_test_s3cr3t".into()),
        |_| None,
    )
    .unwrap()
}

/// One UPDATE row of user_1.
fn update_user_1(st: &mut Statement, host: &mut FakeHost, set: &Cells) -> Result<(), String> {
    let id = Cell::String("user_1".into());
    st.row(host, &cfg(), Change::Update(&id, set))
}

#[test]
fn a_statement_counts_its_rows_and_tells_what_a_failure_left_behind() {
    let mut st = Statement::new(find("users").unwrap(), true, "id").unwrap();
    let mut host = FakeHost::scripted(vec![
        (200, r#"{"id":"user_1","object":"user"}"#),
        (200, r#"{"id":"user_1"}"#),
        (200, r#"{"id":"user_1"}"#),
        (
            422,
            r#"{"errors":[{"code":"form_param_format_invalid","long_message":"bad"}]}"#,
        ),
    ]);
    let row_a = row(&[("email_address", text("a@b.co"))]);
    st.row(&mut host, &cfg(), Change::Insert(&row_a)).unwrap();
    assert_eq!(host.notices, vec!["clerk_fdw: created users user_1"]);
    // An UPDATE of two kinds of column: the PATCH succeeds, the metadata PUT is refused.
    let set = row(&[("first_name", text("A")), ("public_metadata", json("[]"))]);
    let e = update_user_1(&mut st, &mut host, &set).unwrap_err();
    assert!(
        e.starts_with("UPDATE on users stopped: users.public_metadata must be a JSON object"),
        "{e}"
    );
    assert!(
        e.contains("1 earlier row(s) of this statement were written"),
        "{e}"
    );
    assert_eq!(host.sent.len(), 1, "a refused row sends nothing");
    let set = row(&[("first_name", text("A")), ("public_metadata", json("{}"))]);
    update_user_1(&mut st, &mut host, &set).unwrap();
    let set = row(&[("last_name", text("B")), ("banned", Some(Cell::Bool(true)))]);
    let e = update_user_1(&mut st, &mut host, &set).unwrap_err();
    assert!(
        e.contains("HTTP 422: form_param_format_invalid: bad"),
        "{e}"
    );
    assert!(e.contains("2 earlier row(s)"), "{e}");
    assert!(!e.contains("s3cr3t"));
}

#[test]
fn a_failure_after_part_of_a_row_names_what_succeeded() {
    let mut st = Statement::new(find("users").unwrap(), true, "id").unwrap();
    // The PATCH succeeds, then the ban cannot reach Clerk (not retried: a POST).
    let mut host = FakeHost::scripted(vec![(200, r#"{"id":"user_1"}"#), (0, "")]);
    let set = row(&[("last_name", text("B")), ("banned", Some(Cell::Bool(true)))]);
    let e = update_user_1(&mut st, &mut host, &set).unwrap_err();
    assert!(
        e.contains("Clerk may or may not have applied POST /users/user_1/ban"),
        "{e}"
    );
    assert!(
        e.ends_with("; for this row, PATCH /users/user_1 had already succeeded"),
        "{e}"
    );
    assert_eq!(host.sent.len(), 2);
    // A 404: the row is gone.
    let mut host = FakeHost::scripted(vec![(404, "{}")]);
    let e = st
        .row(
            &mut host,
            &cfg(),
            Change::Delete(&Cell::String("user_9".into())),
        )
        .unwrap_err();
    assert!(
        e.contains("Clerk has nothing at /users/user_9 (HTTP 404)"),
        "{e}"
    );
}

#[test]
fn email_addresses_and_phone_numbers_are_created_with_their_user_and_deleted_by_id() {
    let (o, w) = obj("user_email_addresses");
    let row_a = row(&[
        ("user_id", text("user_1")),
        ("email_address", text("a@b.co")),
        ("is_primary", Some(Cell::Bool(true))),
        ("verification_status", None),
    ]);
    let r = plan(o, w, Change::Insert(&row_a), 0).unwrap();
    assert_eq!(
        r,
        vec![req(
            Method::Post,
            "/email_addresses",
            r#"{"user_id":"user_1","email_address":"a@b.co","primary":true}"#
        )]
    );
    let r = plan(o, w, Change::Delete(&Cell::String("idn_1".into())), 0).unwrap();
    assert_eq!(r, vec![req(Method::Delete, "/email_addresses/idn_1", "")]);
    // Clerk cannot undo "verified" or "primary": UPDATE is refused, whatever it sets.
    let id = Cell::String("idn_1".into());
    let set = row(&[("is_primary", Some(Cell::Bool(false)))]);
    let e = plan(o, w, Change::Update(&id, &set), 0).unwrap_err();
    assert!(e.contains("user_email_addresses"), "{e}");
    let (o, w) = obj("user_phone_numbers");
    let row_p = row(&[
        ("user_id", text("user_2")),
        ("phone_number", text("+15550100")),
    ]);
    let r = plan(o, w, Change::Insert(&row_p), 0).unwrap();
    assert_eq!(
        r,
        vec![req(
            Method::Post,
            "/phone_numbers",
            r#"{"user_id":"user_2","phone_number":"+15550100"}"#
        )]
    );
}

#[test]
fn rows_for_a_bulk_endpoint_wait_for_a_full_batch_or_the_statements_end() {
    let mut st = Statement::new(find("invitations").unwrap(), true, "id").unwrap();
    let mut host = FakeHost::scripted(vec![(200, r#"[{"id":"inv_1"},{"id":"inv_2"}]"#)]);
    for email in ["a@x.co", "b@x.co"] {
        let row = vec![(
            "email_address".to_string(),
            Some(Cell::String(email.into())),
        )];
        st.row(&mut host, &cfg(), Change::Insert(&row)).unwrap();
    }
    assert!(
        host.sent.is_empty(),
        "nothing goes before the batch is complete"
    );
    st.finish(&mut host, &cfg()).unwrap();
    assert_eq!(
        host.sent,
        [(
            Method::Post,
            "https://api.clerk.com/v1/invitations/bulk".to_string(),
            r#"[{"email_address":"a@x.co"},{"email_address":"b@x.co"}]"#.to_string()
        )]
    );
    assert_eq!(
        host.notices,
        [
            "clerk_fdw: created invitations inv_1",
            "clerk_fdw: created invitations inv_2"
        ]
    );
    // Nothing is left to send twice.
    st.finish(&mut host, &cfg()).unwrap();
    assert_eq!(host.sent.len(), 1);
}

#[test]
fn only_an_update_of_the_switch_alone_is_batched() {
    let users = find("users").unwrap();
    let w = users.writes.unwrap();
    let id = Cell::String("user_1".into());
    let ban = vec![("banned".to_string(), Some(Cell::Bool(true)))];
    let r = plan(users, w, Change::Update(&id, &ban), 0).unwrap();
    let (path, field, max, item) = bulk(w, Change::Update(&id, &ban), &r).unwrap();
    assert_eq!(
        (path.as_str(), field, max, item.as_str()),
        ("/users/ban", "user_ids", 50, "\"user_1\"")
    );
    let both = vec![
        ("banned".to_string(), Some(Cell::Bool(false))),
        ("first_name".to_string(), Some(Cell::String("A".into()))),
    ];
    let r = plan(users, w, Change::Update(&id, &both), 0).unwrap();
    assert!(bulk(w, Change::Update(&id, &both), &r).is_none());
    let locked = vec![("locked".to_string(), Some(Cell::Bool(true)))];
    let r = plan(users, w, Change::Update(&id, &locked), 0).unwrap();
    assert!(bulk(w, Change::Update(&id, &locked), &r).is_none());
}
