//! INSERT, UPDATE and DELETE through the test host, as Postgres and supabase-wrappers run
//! them (`host::modify`), against the mock's write endpoints: the exact requests Clerk gets,
//! the rows a later scan sees, the errors, the opt-in and the retry rules.

mod common;
use clerk_fdw_testhost::host::{Cell, ImportListType, Outcome, QualSpec, QuerySpec, Table};
use clerk_fdw_testhost::mock::{Fault, MockClerk, RecordedRequest, MOCK_CLIENT_SECRET};
use common::*;
use serde_json::{json, Value};

/// A server with writes allowed (or not).
fn server(mock: &MockClerk, allow_writes: bool) -> QuerySpec {
    let mut opts = server_options(mock);
    if allow_writes {
        opts.push(("allow_writes".into(), "true".into()));
    }
    QuerySpec {
        server_options: opts,
        ..QuerySpec::default()
    }
}

/// The foreign table exactly as `IMPORT FOREIGN SCHEMA` creates it.
fn table(mock: &MockClerk, name: &str) -> Table {
    let mut q = query(mock, "users", text_cols(&[]), vec![]);
    let ddl = q
        .import_foreign_schema(
            "clerk_server",
            "clerk",
            "clerk",
            ImportListType::LimitTo,
            vec![name.to_string()],
        )
        .unwrap();
    Table::from_ddl(&ddl[0])
}

/// The requests that were not reads.
fn writes(mock: &MockClerk) -> Vec<RecordedRequest> {
    mock.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

fn call(r: &RecordedRequest) -> (String, String, Value) {
    let body = if r.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&r.body).unwrap()
    };
    (r.method.clone(), r.path.clone(), body)
}

fn calls(mock: &MockClerk) -> Vec<(String, String, Value)> {
    writes(mock).iter().map(call).collect()
}

fn c(method: &str, path: &str, body: Value) -> (String, String, Value) {
    (method.to_string(), format!("/v1{path}"), body)
}

fn ok(o: &Outcome) -> usize {
    match &o.result {
        Ok(n) => *n,
        Err(e) => panic!("the statement failed: {e}"),
    }
}

fn err(o: &Outcome) -> String {
    o.result.clone().expect_err("the statement should fail")
}

/// The id a NOTICE reported for each created row.
fn created(o: &Outcome, object: &str) -> Vec<String> {
    let prefix = format!("clerk_fdw: created {object} ");
    o.notices
        .iter()
        .filter_map(|n| n.strip_prefix(&prefix).map(String::from))
        .collect()
}

/// One row of `object` by id, as a scan returns it: the named columns as JSON values.
fn read(mock: &MockClerk, object: &str, id: &str, columns: &[&str]) -> Option<Value> {
    let t = table(mock, object);
    let cols: Vec<_> = columns
        .iter()
        .map(|c| {
            let ty = t.columns.iter().find(|(n, _)| n == c).unwrap().1.clone();
            (c.to_string(), ty)
        })
        .collect();
    let rows = scan(mock, object, cols, vec![QualSpec::eq("id", s(id))]).unwrap();
    rows.first().map(|r| {
        let mut out = json!({});
        for (name, cell) in columns.iter().zip(r) {
            out[*name] = match cell {
                None => Value::Null,
                Some(Cell::String(s)) => json!(s),
                Some(Cell::Bool(b)) => json!(b),
                Some(Cell::I32(i)) => json!(i),
                Some(Cell::I64(i)) => json!(i),
                Some(Cell::Json(s)) => serde_json::from_str(s).unwrap(),
                Some(Cell::Timestamptz(us)) => json!(us),
                Some(other) => panic!("{other:?}"),
            };
        }
        out
    })
}

fn j(v: &str) -> Cell {
    Cell::Json(v.to_string())
}

/// `field` of the first record of `list` whose `key` is `value` (a fixture to act on).
fn first(list: &[Value], key: &str, value: &str, field: &str) -> String {
    let record = list
        .iter()
        .find(|r| r[key] == value)
        .expect("a matching record");
    record[field].as_str().unwrap().to_string()
}

#[test]
fn nothing_is_written_unless_the_server_allows_writes() {
    let mock = mock(5);
    let users = table(&mock, "users");
    assert_eq!(users.option("rowid_column"), Some("id"));
    let off = server(&mock, false);
    let o = host().insert(&off, &users, &[vec![("email_address", s("a@b.co"))]]);
    let e = err(&o);
    assert!(e.contains("writes to Clerk are off for this server"), "{e}");
    assert!(e.contains("OPTIONS (ADD allow_writes 'true')"), "{e}");
    let id = mock.dataset().users[0]["id"].as_str().unwrap().to_string();
    let q = vec![QualSpec::eq("id", s(&id))];
    assert!(err(&host().update(
        &off,
        &users,
        q.clone(),
        &[("banned", Some(Cell::Bool(true)))]
    ))
    .contains("allow_writes"));
    assert!(err(&host().delete(&off, &users, q)).contains("allow_writes"));
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());

    // The host's own rules come first: RETURNING and a table without rowid_column.
    let on = server(&mock, true);
    assert_eq!(err(&host().returning(&users)), "RETURNING is not supported");
    let mut bare = users.clone();
    bare.options.retain(|(k, _)| k != "rowid_column");
    let o = host().insert(&on, &bare, &[vec![("first_name", s("A"))]]);
    assert_eq!(err(&o), "option 'rowid_column' is required");
    // A hand-written table with the wrong rowid column is told the right one.
    let mut members = table(&mock, "organization_memberships");
    assert_eq!(members.option("rowid_column"), Some("rowid"));
    members.options.retain(|(k, _)| k != "rowid_column");
    members.options.push(("rowid_column".into(), "id".into()));
    let e = err(&host().delete(&on, &members, vec![]));
    assert!(e.contains("SET rowid_column 'rowid'"), "{e}");
    assert!(writes(&mock).is_empty());
}

#[test]
fn read_only_objects_say_so_before_any_request() {
    let mock = mock(5);
    let on = server(&mock, true);
    for object in [
        "billing_plans",
        "billing_prices",
        "saml_connections",
        "user_trusted_devices",
        "billing_statements",
    ] {
        let t = table(&mock, object);
        // Imported tables carry rowid_column, so the host lets the statement reach us.
        assert_eq!(t.option("rowid_column"), Some("id"), "{object}");
        let e = err(&host().insert(&on, &t, &[vec![("id", s("x"))]]));
        assert!(e.starts_with(&format!("{object} is read-only")), "{e}");
        assert!(e.contains("users"), "{e}");
    }
    assert!(mock.requests().is_empty());
}

#[test]
fn users_are_created_changed_banned_and_deleted() {
    let mock = mock(8);
    let on = server(&mock, true);
    let users = table(&mock, "users");
    let o = host().insert(
        &on,
        &users,
        &[vec![
            ("email_address", s("new.person+1@example.com")),
            ("first_name", s("Zoë")),
            ("username", s("zoe")),
            ("public_metadata", j(r#"{"plan": "pro", "seats": 3}"#)),
            ("created_at", Cell::Timestamptz(1_700_683_200_123_000)),
            (
                "attrs",
                j(r#"{"password": "correct horse battery", "skip_password_checks": true}"#),
            ),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/users",
            json!({
                "email_address": ["new.person+1@example.com"],
                "first_name": "Zoë",
                "username": "zoe",
                "public_metadata": {"plan": "pro", "seats": 3},
                // Formatted by the host's chrono, as the real host does.
                "created_at": "2023-11-22T20:00:00.123+00:00",
                "password": "correct horse battery",
                "skip_password_checks": true,
            })
        )]
    );
    let id = created(&o, "users").pop().expect("the new id in a NOTICE");
    assert!(id.starts_with("user_"), "{id}");
    // No NOTICE says more than the id: no email, no password.
    for n in &o.notices {
        assert!(!n.contains("example.com") && !n.contains("horse"), "{n}");
    }
    let cols = [
        "primary_email_address",
        "first_name",
        "public_metadata",
        "created_at",
        "banned",
    ];
    assert_eq!(
        read(&mock, "users", &id, &cols).unwrap(),
        json!({
            "primary_email_address": "new.person+1@example.com",
            "first_name": "Zoë",
            "public_metadata": {"plan": "pro", "seats": 3},
            "created_at": 1_700_683_200_123_000i64,
            "banned": false,
        })
    );

    // One UPDATE: a PATCH of plain fields, one PUT of the metadata, then the ban.
    mock.clear_requests();
    let o = host().update(
        &on,
        &users,
        vec![QualSpec::eq("id", s(&id))],
        &[
            ("last_name", Some(s("O'Brien"))),
            ("public_metadata", Some(j(r#"{"plan": "team"}"#))),
            ("private_metadata", None),
            ("banned", Some(Cell::Bool(true))),
        ],
    );
    assert_eq!(ok(&o), 1);
    let reads: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    assert_eq!(
        reads,
        vec![format!("/v1/users/{id}")],
        "one lookup finds the row"
    );
    assert_eq!(
        calls(&mock),
        vec![
            c(
                "PATCH",
                &format!("/users/{id}"),
                json!({"last_name": "O'Brien"})
            ),
            c(
                "PUT",
                &format!("/users/{id}/metadata"),
                json!({"public_metadata": {"plan": "team"}, "private_metadata": {}})
            ),
            c("POST", &format!("/users/{id}/ban"), Value::Null),
        ]
    );
    // SET replaces the metadata: the "seats" key is gone.
    let after = read(
        &mock,
        "users",
        &id,
        &["last_name", "public_metadata", "private_metadata", "banned"],
    );
    assert_eq!(
        after.unwrap(),
        json!({"last_name": "O'Brien", "public_metadata": {"plan": "team"}, "private_metadata": {}, "banned": true})
    );

    mock.clear_requests();
    let o = host().update(
        &on,
        &users,
        vec![QualSpec::eq("id", s(&id))],
        &[
            ("banned", Some(Cell::Bool(false))),
            ("locked", Some(Cell::Bool(true))),
        ],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![
            c("POST", &format!("/users/{id}/unban"), Value::Null),
            c("POST", &format!("/users/{id}/lock"), Value::Null),
        ]
    );

    mock.clear_requests();
    let o = host().delete(&on, &users, vec![QualSpec::eq("id", s(&id))]);
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c("DELETE", &format!("/users/{id}"), Value::Null)]
    );
    assert_eq!(read(&mock, "users", &id, &["id"]), None);
}

#[test]
fn bad_rows_are_refused_by_name_before_anything_is_sent() {
    let mock = mock(5);
    let on = server(&mock, true);
    let users = table(&mock, "users");
    let cases: Vec<(Vec<(&str, Cell)>, &str)> = vec![
        (
            vec![("id", s("user_x"))],
            "users.id cannot be set by INSERT",
        ),
        (
            vec![("primary_email_address", s("a@b.co"))],
            "users.primary_email_address cannot be set by INSERT",
        ),
        (
            vec![("public_metadata", j("[1, 2]"))],
            "users.public_metadata must be a JSON object",
        ),
        (
            vec![("attrs", j("\"x\""))],
            "users.attrs must be a jsonb object",
        ),
        (
            vec![
                ("first_name", s("A")),
                ("attrs", j(r#"{"first_name": "B"}"#)),
            ],
            "attrs sets \"first_name\", which a column of the statement sets too",
        ),
    ];
    for (row, want) in cases {
        let e = err(&host().insert(&on, &users, &[row]));
        assert!(e.starts_with("INSERT on users stopped: "), "{e}");
        assert!(e.contains(want), "{e}");
    }
    let id = mock.dataset().users[1]["id"].as_str().unwrap().to_string();
    let q = vec![QualSpec::eq("id", s(&id))];
    // The host leaves the rowid column out of the SET columns; nothing must pass silently.
    let e = err(&host().update(&on, &users, q.clone(), &[("id", Some(s("user_new")))]));
    assert!(
        e.contains("UPDATE of users cannot change id: it is the row's id in Clerk"),
        "{e}"
    );
    for (set, want) in [
        (
            ("first_name", None),
            "users.first_name cannot be set to NULL",
        ),
        (("banned", None), "users.banned must be true or false"),
        (
            ("has_image", Some(Cell::Bool(true))),
            "users.has_image cannot be set by UPDATE: Clerk sets it",
        ),
    ] {
        let e = err(&host().update(&on, &users, q.clone(), &[set]));
        assert!(e.contains(want), "{e}");
    }
    assert!(writes(&mock).is_empty(), "{:?}", writes(&mock));
}

#[test]
fn clerks_refusal_stops_the_statement_and_says_what_was_written() {
    let mock = mock(5);
    let on = server(&mock, true);
    let users = table(&mock, "users");
    let taken = mock.dataset().users[0]["email_addresses"][0]["email_address"]
        .as_str()
        .unwrap()
        .to_string();
    let o = host().insert(
        &on,
        &users,
        &[
            vec![("email_address", s("first@example.org"))],
            vec![("email_address", s(&taken))],
            vec![("email_address", s("third@example.org"))],
        ],
    );
    let e = err(&o);
    assert!(
        e.starts_with("INSERT on users stopped: Clerk rejected"),
        "{e}"
    );
    assert!(
        e.contains("HTTP 422: form_identifier_exists: That email address is taken"),
        "{e}"
    );
    assert!(
        e.contains("1 earlier row(s) of this statement were written to Clerk and stay written"),
        "{e}"
    );
    // The first row exists, the third was never sent.
    assert_eq!(writes(&mock).len(), 2);
    assert_eq!(created(&o, "users").len(), 1);
    let count = scan(&mock, "users", text_cols(&["id"]), vec![])
        .unwrap()
        .len();
    assert_eq!(count, 6);
    // Nothing of the email reached the message but Clerk's own text (no query strings).
    assert!(!e.contains('?'), "{e}");
}

#[test]
fn organizations_and_their_metadata() {
    let mock = mock(6);
    let on = server(&mock, true);
    let orgs = table(&mock, "organizations");
    let creator = mock.dataset().users[2]["id"].as_str().unwrap().to_string();
    let o = host().insert(
        &on,
        &orgs,
        &[vec![
            ("name", s("Blue Team")),
            ("slug", s("blue-team")),
            ("created_by", s(&creator)),
            ("max_allowed_memberships", Cell::I32(10)),
            ("private_metadata", j(r#"{"crm": 7}"#)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/organizations",
            json!({"name": "Blue Team", "slug": "blue-team", "created_by": creator, "max_allowed_memberships": 10, "private_metadata": {"crm": 7}})
        )]
    );
    let id = created(&o, "organizations").pop().unwrap();
    mock.clear_requests();
    let o = host().update(
        &on,
        &orgs,
        vec![QualSpec::eq("slug", s("blue-team"))],
        &[
            ("name", Some(s("Blue"))),
            ("admin_delete_enabled", Some(Cell::Bool(false))),
            ("public_metadata", Some(j(r#"{"tier": 2}"#))),
        ],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![
            c(
                "PATCH",
                &format!("/organizations/{id}"),
                json!({"name": "Blue", "admin_delete_enabled": false})
            ),
            c(
                "PUT",
                &format!("/organizations/{id}/metadata"),
                json!({"public_metadata": {"tier": 2}})
            ),
        ]
    );
    assert_eq!(
        read(
            &mock,
            "organizations",
            &id,
            &["name", "public_metadata", "private_metadata"]
        )
        .unwrap(),
        json!({"name": "Blue", "public_metadata": {"tier": 2}, "private_metadata": {"crm": 7}})
    );
    mock.clear_requests();
    assert_eq!(
        ok(&host().delete(&on, &orgs, vec![QualSpec::eq("id", s(&id))])),
        1
    );
    assert_eq!(
        calls(&mock),
        vec![c("DELETE", &format!("/organizations/{id}"), Value::Null)]
    );
}

#[test]
fn memberships_are_addressed_by_organization_and_user() {
    let mock = mock(30);
    let on = server(&mock, true);
    let members = table(&mock, "organization_memberships");
    let (org, user) = {
        let d = mock.dataset();
        let org = d.organizations[0]["id"].as_str().unwrap().to_string();
        // A user who is not yet a member.
        let taken: Vec<&str> = d
            .organization_memberships
            .iter()
            .filter(|m| m["organization"]["id"] == org.as_str())
            .map(|m| m["public_user_data"]["user_id"].as_str().unwrap())
            .collect();
        let user = d
            .users
            .iter()
            .map(|u| u["id"].as_str().unwrap())
            .find(|u| !taken.contains(u))
            .unwrap()
            .to_string();
        (org, user)
    };
    let o = host().insert(
        &on,
        &members,
        &[vec![
            ("organization_id", s(&org)),
            ("user_id", s(&user)),
            ("role", s("org:member")),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/organizations/{org}/memberships"),
            json!({"user_id": user, "role": "org:member"})
        )]
    );
    // The scan reads the rowid, organization id/user id, which addresses the membership.
    let rowid = format!("{org}/{user}");
    let found = scan(
        &mock,
        "organization_memberships",
        text_cols(&["rowid", "role"]),
        vec![
            QualSpec::eq("organization_id", s(&org)),
            QualSpec::eq("user_id", s(&user)),
        ],
    )
    .unwrap();
    assert_eq!(found, vec![vec![Some(s(&rowid)), Some(s("org:member"))]]);

    mock.clear_requests();
    let q = vec![
        QualSpec::eq("organization_id", s(&org)),
        QualSpec::eq("user_id", s(&user)),
    ];
    let o = host().update(&on, &members, q.clone(), &[("role", Some(s("org:admin")))]);
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/organizations/{org}/memberships/{user}"),
            json!({"role": "org:admin"})
        )]
    );
    // Its metadata cannot be replaced (Clerk only merges): refused with that reason, and
    // the role set beside it is not sent either.
    mock.clear_requests();
    let set = [
        ("role", Some(s("org:member"))),
        ("public_metadata", Some(j(r#"{"team": "a"}"#))),
    ];
    let e = err(&host().update(&on, &members, q.clone(), &set));
    assert!(
        e.contains(
            "organization_memberships.public_metadata cannot be replaced: Clerk only merges"
        ),
        "{e}"
    );
    assert!(calls(&mock).is_empty());
    assert_eq!(ok(&host().delete(&on, &members, q.clone())), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "DELETE",
            &format!("/organizations/{org}/memberships/{user}"),
            Value::Null
        )]
    );
    assert!(
        scan(&mock, "organization_memberships", text_cols(&["rowid"]), q)
            .unwrap()
            .is_empty()
    );

    // Without the organization, Clerk has nowhere to create it.
    let e = err(&host().insert(
        &on,
        &members,
        &[vec![("user_id", s(&user)), ("role", s("org:member"))]],
    ));
    assert!(
        e.contains("INSERT into organization_memberships needs organization_id"),
        "{e}"
    );
}

#[test]
fn invitations_are_sent_and_revoked() {
    let mock = mock(10);
    let on = server(&mock, true);
    let invitations = table(&mock, "invitations");
    let o = host().insert(
        &on,
        &invitations,
        &[vec![
            ("email_address", s("friend@example.net")),
            ("public_metadata", j(r#"{"source": "sql"}"#)),
            (
                "attrs",
                j(r#"{"notify": false, "redirect_url": "https://app.example.com/welcome"}"#),
            ),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        // One row through Clerk's bulk endpoint: a list of one, with the row's fields.
        vec![c(
            "POST",
            "/invitations/bulk",
            json!([{"email_address": "friend@example.net", "public_metadata": {"source": "sql"}, "notify": false, "redirect_url": "https://app.example.com/welcome"}])
        )]
    );
    let id = created(&o, "invitations").pop().unwrap();
    mock.clear_requests();
    let o = host().update(
        &on,
        &invitations,
        vec![QualSpec::eq("id", s(&id))],
        &[("status", Some(s("revoked")))],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c("POST", &format!("/invitations/{id}/revoke"), Value::Null)]
    );
    assert_eq!(
        read(&mock, "invitations", &id, &["status", "revoked"]).unwrap(),
        json!({"status": "revoked", "revoked": true})
    );
    let e = err(&host().update(
        &on,
        &invitations,
        vec![QualSpec::eq("id", s(&id))],
        &[("status", Some(s("pending")))],
    ));
    assert!(
        e.contains("invitations.status can only be set to 'revoked'"),
        "{e}"
    );

    // DELETE revokes too; a second revoke is Clerk's error, quoted.
    let pending = first(&mock.dataset().invitations, "status", "pending", "id");
    mock.clear_requests();
    assert_eq!(
        ok(&host().delete(&on, &invitations, vec![QualSpec::eq("id", s(&pending))])),
        1
    );
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/invitations/{pending}/revoke"),
            Value::Null
        )]
    );
    let e = err(&host().delete(&on, &invitations, vec![QualSpec::eq("id", s(&pending))]));
    assert!(e.contains("HTTP 400: invitation_not_pending"), "{e}");
}

#[test]
fn organization_invitations_name_the_inviter_and_revoke_by_both_ids() {
    let mock = mock(20);
    let on = server(&mock, true);
    let t = table(&mock, "organization_invitations");
    let (org, inviter) = {
        let d = mock.dataset();
        (
            d.organizations[1]["id"].as_str().unwrap().to_string(),
            d.users[3]["id"].as_str().unwrap().to_string(),
        )
    };
    let o = host().insert(
        &on,
        &t,
        &[vec![
            ("organization_id", s(&org)),
            ("email_address", s("new.hire@example.net")),
            ("role", s("org:member")),
            ("inviter_id", s(&inviter)),
            ("attrs", j(r#"{"expires_in_days": 7}"#)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/organizations/{org}/invitations/bulk"),
            json!([{"email_address": "new.hire@example.net", "role": "org:member", "inviter_user_id": inviter, "expires_in_days": 7}])
        )]
    );
    let id = created(&o, "organization_invitations").pop().unwrap();
    mock.clear_requests();
    let q = vec![
        QualSpec::eq("organization_id", s(&org)),
        QualSpec::eq("id", s(&id)),
    ];
    assert_eq!(ok(&host().delete(&on, &t, q.clone())), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/organizations/{org}/invitations/{id}/revoke"),
            Value::Null
        )]
    );
    let rows = scan(&mock, "organization_invitations", text_cols(&["status"]), q).unwrap();
    assert_eq!(rows, vec![vec![Some(s("revoked"))]]);
}

#[test]
fn identifiers_and_redirect_urls_are_added_and_removed_never_changed() {
    let mock = mock(3);
    let on = server(&mock, true);
    for (object, column, value, path) in [
        (
            "allowlist_identifiers",
            "identifier",
            "vip@example.org",
            "/allowlist_identifiers",
        ),
        (
            "blocklist_identifiers",
            "identifier",
            "spammer@example.org",
            "/blocklist_identifiers",
        ),
        (
            "redirect_urls",
            "url",
            "https://app.example.com/cb",
            "/redirect_urls",
        ),
    ] {
        mock.clear_requests();
        let t = table(&mock, object);
        let o = host().insert(&on, &t, &[vec![(column, s(value))]]);
        assert_eq!(ok(&o), 1, "{object}");
        assert_eq!(
            calls(&mock),
            vec![c("POST", path, json!({ column: value }))]
        );
        let id = created(&o, object).pop().unwrap();
        let rows = scan(&mock, object, text_cols(&["id", column]), vec![]).unwrap();
        assert!(
            rows.contains(&vec![Some(s(&id)), Some(s(value))]),
            "{object}"
        );
        let e = err(&host().update(
            &on,
            &t,
            vec![QualSpec::eq("id", s(&id))],
            &[(column, Some(s("x")))],
        ));
        assert!(
            e.contains(&format!("{object} rows cannot be changed in Clerk")),
            "{e}"
        );
        mock.clear_requests();
        assert_eq!(
            ok(&host().delete(&on, &t, vec![QualSpec::eq("id", s(&id))])),
            1
        );
        assert_eq!(
            calls(&mock),
            vec![c("DELETE", &format!("{path}/{id}"), Value::Null)]
        );
        let rows = scan(&mock, object, text_cols(&["id"]), vec![]).unwrap();
        assert!(!rows.contains(&vec![Some(s(&id))]), "{object}");
    }
}

#[test]
fn jwt_templates_domains_and_oauth_applications() {
    let mock = mock(3);
    let on = server(&mock, true);
    let jwt = table(&mock, "jwt_templates");
    let o = host().insert(
        &on,
        &jwt,
        &[vec![
            ("name", s("edge")),
            ("claims", j(r#"{"aud": "edge"}"#)),
            ("lifetime", Cell::I32(120)),
        ]],
    );
    let id = created(&o, "jwt_templates").pop().unwrap();
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/jwt_templates",
            json!({"name": "edge", "claims": {"aud": "edge"}, "lifetime": 120})
        )]
    );
    // Clerk's PATCH needs name and claims, even unchanged (SET name = name passes them).
    let q = vec![QualSpec::eq("id", s(&id))];
    let e = err(&host().update(&on, &jwt, q.clone(), &[("lifetime", Some(Cell::I32(60)))]));
    assert!(e.contains("must also set name"), "{e}");
    mock.clear_requests();
    let o = host().update(
        &on,
        &jwt,
        q.clone(),
        &[
            ("lifetime", Some(Cell::I32(60))),
            ("name", Some(s("edge"))),
            ("claims", Some(j(r#"{"aud": "edge"}"#))),
        ],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/jwt_templates/{id}"),
            json!({"lifetime": 60, "name": "edge", "claims": {"aud": "edge"}})
        )]
    );
    assert_eq!(
        read(&mock, "jwt_templates", &id, &["lifetime"]).unwrap(),
        json!({"lifetime": 60})
    );
    assert_eq!(ok(&host().delete(&on, &jwt, q)), 1);

    mock.clear_requests();
    let domains = table(&mock, "domains");
    let o = host().insert(
        &on,
        &domains,
        &[vec![
            ("name", s("eu.example.com")),
            ("is_satellite", Cell::Bool(true)),
        ]],
    );
    let id = created(&o, "domains").pop().unwrap();
    let q = vec![QualSpec::eq("id", s(&id))];
    assert_eq!(
        ok(&host().update(
            &on,
            &domains,
            q.clone(),
            &[("proxy_url", Some(s("https://eu.example.com/__clerk")))]
        )),
        1
    );
    assert_eq!(ok(&host().delete(&on, &domains, q)), 1);
    assert_eq!(
        calls(&mock),
        vec![
            c(
                "POST",
                "/domains",
                json!({"name": "eu.example.com", "is_satellite": true})
            ),
            c(
                "PATCH",
                &format!("/domains/{id}"),
                json!({"proxy_url": "https://eu.example.com/__clerk"})
            ),
            c("DELETE", &format!("/domains/{id}"), Value::Null),
        ]
    );

    // The client secret Clerk shows once never appears in a message.
    let apps = table(&mock, "oauth_applications");
    let o = host().insert(
        &on,
        &apps,
        &[vec![
            ("name", s("CLI")),
            ("redirect_uris", j(r#"["http://localhost:8787/cb"]"#)),
            ("public", Cell::Bool(true)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    let id = created(&o, "oauth_applications").pop().unwrap();
    assert!(id.starts_with("oa_"), "{id}");
    for n in &o.notices {
        assert!(!n.contains(MOCK_CLIENT_SECRET), "{n}");
    }
    assert_eq!(
        read(&mock, "oauth_applications", &id, &["name", "public"]).unwrap(),
        json!({"name": "CLI", "public": true})
    );
}

#[test]
fn a_failed_create_is_not_sent_again_but_a_rate_limit_is_and_changes_retry() {
    let mock = mock(3);
    let on = server(&mock, true);
    let t = table(&mock, "allowlist_identifiers");
    // A 503 on a POST: Clerk may have created it, so no second POST.
    mock.push_fault(Fault::status("/v1/allowlist_identifiers", 503, 1).on("POST"));
    let e = err(&host().insert(&on, &t, &[vec![("identifier", s("a@example.org"))]]));
    assert!(e.contains("HTTP 503"), "{e}");
    assert!(
        e.contains("Clerk may or may not have applied POST /allowlist_identifiers"),
        "{e}"
    );
    assert_eq!(writes(&mock).len(), 1);

    // A 429 is Clerk saying it did nothing: sent again, and the row is created once.
    mock.clear_requests();
    mock.push_fault(Fault::rate_limited("/v1/allowlist_identifiers", "1", 1).on("POST"));
    let o = host().insert(&on, &t, &[vec![("identifier", s("b@example.org"))]]);
    assert_eq!(ok(&o), 1);
    let statuses: Vec<u16> = writes(&mock).iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![429, 200]);

    // A PATCH or DELETE repeats the same change, so a 5xx is retried.
    mock.clear_requests();
    let users = table(&mock, "users");
    let id = mock.dataset().users[0]["id"].as_str().unwrap().to_string();
    mock.push_fault(Fault::status(&format!("/v1/users/{id}"), 502, 2).on("PATCH"));
    let o = host().update(
        &on,
        &users,
        vec![QualSpec::eq("id", s(&id))],
        &[("first_name", Some(s("Ann")))],
    );
    assert_eq!(ok(&o), 1);
    let statuses: Vec<u16> = writes(&mock).iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![502, 502, 200]);
}

#[test]
fn the_hosts_own_retry_of_a_create_ends_in_clerks_already_exists() {
    // The real host retries a 5xx POST itself, before the component sees it. If Clerk had
    // created the row, the repeat is refused as a duplicate: the message says what to check.
    let mock = mock(3);
    let mut on = server(&mock, true);
    on.host_retries = true;
    let t = table(&mock, "allowlist_identifiers");
    mock.push_fault(
        Fault::status("/v1/allowlist_identifiers", 502, 1)
            .on("POST")
            .after_applying(),
    );
    let e = err(&host().insert(&on, &t, &[vec![("identifier", s("c@example.org"))]]));
    assert!(e.contains("HTTP 422: duplicate_record"), "{e}");
    let statuses: Vec<u16> = writes(&mock).iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![502, 422]);
    let rows = scan(
        &mock,
        "allowlist_identifiers",
        text_cols(&["identifier"]),
        vec![],
    )
    .unwrap();
    assert_eq!(
        rows.iter()
            .filter(|r| r[0] == Some(s("c@example.org")))
            .count(),
        1
    );
}

#[test]
fn a_row_deleted_meanwhile_is_an_error_that_says_so() {
    let mock = mock(3);
    let on = server(&mock, true);
    let t = table(&mock, "redirect_urls");
    let id = mock.dataset().redirect_urls[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    mock.push_fault(Fault::status(&format!("/v1/redirect_urls/{id}"), 404, 1).on("DELETE"));
    let e = err(&host().delete(&on, &t, vec![QualSpec::eq("id", s(&id))]));
    assert!(
        e.contains(&format!(
            "Clerk has nothing at /redirect_urls/{id} (HTTP 404)"
        )),
        "{e}"
    );
}

#[test]
fn a_create_that_could_not_reach_clerk_is_sent_once() {
    let mock = mock(3);
    let t = table(&mock, "redirect_urls");
    // A server whose api_url is a closed port.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut dead = server(&mock, true);
    dead.server_options.retain(|(k, _)| k != "api_url");
    dead.server_options
        .push(("api_url".into(), format!("http://127.0.0.1:{closed}/v1")));
    let o = host().insert(&dead, &t, &[vec![("url", s("https://a.example.com"))]]);
    assert_eq!(o.writes.len(), 1, "a POST is not repeated: {:?}", o.writes);
    assert!(o.writes[0].error.is_some());
    let e = err(&o);
    assert!(e.contains("could not reach Clerk"), "{e}");
    assert!(
        e.contains("Clerk may or may not have applied POST /redirect_urls"),
        "{e}"
    );
}

#[test]
fn clerks_validation_reaches_the_user() {
    let mock = mock(3);
    let on = server(&mock, true);
    // A required field missing: Clerk's 422 names it.
    let e = err(&host().insert(
        &on,
        &table(&mock, "organizations"),
        &[vec![("slug", s("x"))]],
    ));
    assert!(
        e.contains("HTTP 422: form_param_missing: name must be included"),
        "{e}"
    );
    // attrs is passed as is; a field Clerk does not know is Clerk's 422.
    let e = err(&host().insert(
        &on,
        &table(&mock, "redirect_urls"),
        &[vec![
            ("url", s("https://x.example.com")),
            ("attrs", j(r#"{"colour": "red"}"#)),
        ]],
    ));
    assert!(
        e.contains("HTTP 422: form_param_unknown: colour is not a valid parameter"),
        "{e}"
    );
    assert_eq!(
        writes(&mock).iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![422, 422]
    );
}

#[test]
fn a_bulk_delete_never_skips_rows_that_moved_up() {
    // An offset-paged list: each page's rows are deleted before the next page is read, so
    // the list shrinks under the scan. One statement still deletes every row.
    let mock = mock(3);
    let on = server(&mock, true);
    let t = table(&mock, "allowlist_identifiers");
    let rows: Vec<Vec<(&str, Cell)>> = (0..600)
        .map(|i| vec![("identifier", s(&format!("bulk{i}@example.org")))])
        .collect();
    assert_eq!(ok(&host().insert(&on, &t, &rows)), 600);
    let all = scan(&mock, "allowlist_identifiers", text_cols(&["id"]), vec![]).unwrap();
    assert_eq!(all.len(), 605);
    mock.clear_requests();
    assert_eq!(ok(&host().delete(&on, &t, vec![])), 605);
    assert!(
        scan(&mock, "allowlist_identifiers", text_cols(&["id"]), vec![])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        writes(&mock)
            .iter()
            .filter(|r| r.method == "DELETE")
            .count(),
        605,
        "each row deleted once"
    );

    // Users page by cursor, and Clerk cannot page after a deleted user: the statement
    // stops after the first page, says so, and the next run deletes the rest.
    let mock = common::mock(700);
    let on = server(&mock, true);
    let users = table(&mock, "users");
    let o = host().delete(&on, &users, vec![]);
    let e = err(&o);
    assert!(
        e.contains("users changed while it was read: the last row read"),
        "{e}"
    );
    assert!(e.contains("run the statement again for the rest"), "{e}");
    assert_eq!(mock.dataset().users.len(), 200);
    assert_eq!(ok(&host().delete(&on, &users, vec![])), 200);
    assert!(mock.dataset().users.is_empty());
}

#[test]
fn sessions_are_revoked_and_the_waitlist_is_worked_through() {
    let mock = mock(40);
    let on = server(&mock, true);
    let sessions = table(&mock, "sessions");
    let (user, active) = {
        let d = mock.dataset();
        let s = d.sessions.iter().find(|s| s["status"] == "active").unwrap();
        (
            s["user_id"].as_str().unwrap().to_string(),
            s["id"].as_str().unwrap().to_string(),
        )
    };
    // Sign a user out everywhere: revoke every active session.
    let q = vec![
        QualSpec::eq("user_id", s(&user)),
        QualSpec::eq("status", s("active")),
    ];
    let n = ok(&host().delete(&on, &sessions, q.clone()));
    assert!(n >= 1);
    let revoked: Vec<_> = calls(&mock).into_iter().map(|(m, p, _)| (m, p)).collect();
    assert!(
        revoked.contains(&("POST".into(), format!("/v1/sessions/{active}/revoke"))),
        "{revoked:?}"
    );
    assert!(scan(&mock, "sessions", text_cols(&["id"]), q)
        .unwrap()
        .is_empty());
    let e = err(&host().insert(&on, &sessions, &[vec![("user_id", s(&user))]]));
    assert!(
        e.contains("sessions rows cannot be created through Clerk's API"),
        "{e}"
    );

    mock.clear_requests();
    let waitlist = table(&mock, "waitlist_entries");
    let o = host().insert(
        &on,
        &waitlist,
        &[
            vec![("email_address", s("early@example.net"))],
            vec![("email_address", s("late@example.net"))],
        ],
    );
    let ids = created(&o, "waitlist_entries");
    assert_eq!(ids.len(), 2);
    let set = |id: &str, status: &str| {
        host().update(
            &on,
            &waitlist,
            vec![QualSpec::eq("id", s(id))],
            &[("status", Some(s(status)))],
        )
    };
    assert_eq!(ok(&set(&ids[0], "invited")), 1);
    assert_eq!(ok(&set(&ids[1], "rejected")), 1);
    let e = err(&set(&ids[1], "completed"));
    assert!(
        e.contains("waitlist_entries.status can only be set to 'invited' or 'rejected'"),
        "{e}"
    );
    assert_eq!(
        calls(&mock),
        vec![
            // Two rows: one bulk request.
            c(
                "POST",
                "/waitlist_entries/bulk",
                json!([{"email_address": "early@example.net"}, {"email_address": "late@example.net"}])
            ),
            c(
                "POST",
                &format!("/waitlist_entries/{}/invite", ids[0]),
                Value::Null
            ),
            c(
                "POST",
                &format!("/waitlist_entries/{}/reject", ids[1]),
                Value::Null
            ),
        ]
    );
    let rows = scan(
        &mock,
        "waitlist_entries",
        text_cols(&["id", "status", "invitation_id"]),
        vec![QualSpec::eq("email_address", s("early@example.net"))],
    )
    .unwrap();
    assert_eq!(rows[0][1], Some(s("invited")));
    assert!(rows[0][2].is_some(), "the invitation Clerk sent");
}

#[test]
fn organization_domains_are_addressed_by_organization_and_domain() {
    let mock = mock(40);
    let on = server(&mock, true);
    let t = table(&mock, "organization_domains");
    assert_eq!(t.option("rowid_column"), Some("rowid"));
    let org = mock.dataset().organizations[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = host().insert(
        &on,
        &t,
        &[vec![
            ("organization_id", s(&org)),
            ("name", s("acme.test")),
            ("enrollment_mode", s("automatic_invitation")),
            ("verified", Cell::Bool(true)),
        ]],
    );
    let id = created(&o, "organization_domains").pop().unwrap();
    let q = vec![
        QualSpec::eq("organization_id", s(&org)),
        QualSpec::eq("name", s("acme.test")),
    ];
    assert_eq!(
        scan(
            &mock,
            "organization_domains",
            text_cols(&["rowid", "verification_status"]),
            q.clone()
        )
        .unwrap(),
        vec![vec![Some(s(&format!("{org}/{id}"))), Some(s("verified"))]]
    );
    assert_eq!(
        ok(&host().update(
            &on,
            &t,
            q.clone(),
            &[("enrollment_mode", Some(s("manual_invitation")))]
        )),
        1
    );
    assert_eq!(ok(&host().delete(&on, &t, q.clone())), 1);
    assert_eq!(
        calls(&mock),
        vec![
            c(
                "POST",
                &format!("/organizations/{org}/domains"),
                json!({"name": "acme.test", "enrollment_mode": "automatic_invitation", "verified": true})
            ),
            c(
                "PATCH",
                &format!("/organizations/{org}/domains/{id}"),
                json!({"enrollment_mode": "manual_invitation"})
            ),
            c(
                "DELETE",
                &format!("/organizations/{org}/domains/{id}"),
                Value::Null
            ),
        ]
    );
    assert!(scan(&mock, "organization_domains", text_cols(&["id"]), q)
        .unwrap()
        .is_empty());
}

#[test]
fn a_parent_id_that_is_a_path_step_is_refused_before_anything_is_sent() {
    // `/organizations/../domains` is `/domains` once a URL parser reads it: creating an
    // organization domain must never create an instance domain.
    let mock = mock(10);
    let on = server(&mock, true);
    let t = table(&mock, "organization_domains");
    for parent in ["..", ".", ""] {
        let o = host().insert(
            &on,
            &t,
            &[vec![
                ("organization_id", s(parent)),
                ("name", s("evil.test")),
            ]],
        );
        let e = err(&o);
        assert!(
            e.contains("organization_id") && e.contains("must be an id"),
            "{e}"
        );
    }
    assert!(writes(&mock).is_empty(), "{:?}", calls(&mock));
}

#[test]
fn email_addresses_and_phone_numbers_are_added_to_a_user_and_removed() {
    let mock = mock(12);
    let on = server(&mock, true);
    let user = mock.dataset().users[2]["id"].as_str().unwrap().to_string();
    for (object, column, value, path) in [
        (
            "user_email_addresses",
            "email_address",
            "second@example.org",
            "/email_addresses",
        ),
        (
            "user_phone_numbers",
            "phone_number",
            "+15550100999",
            "/phone_numbers",
        ),
    ] {
        mock.clear_requests();
        let t = table(&mock, object);
        let row = vec![
            ("user_id", s(&user)),
            (column, s(value)),
            ("is_primary", Cell::Bool(false)),
        ];
        let o = host().insert(&on, &t, std::slice::from_ref(&row));
        assert_eq!(ok(&o), 1, "{object}");
        assert_eq!(
            calls(&mock),
            vec![c(
                "POST",
                path,
                json!({"user_id": user, column: value, "primary": false})
            )]
        );
        let id = created(&o, object).pop().unwrap();
        // The user's pages show it, with the user.
        let rows = scan(
            &mock,
            object,
            text_cols(&["id", "user_id", column]),
            vec![QualSpec::eq("user_id", s(&user))],
        )
        .unwrap();
        assert!(
            rows.contains(&vec![Some(s(&id)), Some(s(&user)), Some(s(value))]),
            "{object}"
        );
        // The same address again is Clerk's "taken", and nothing else was sent.
        mock.clear_requests();
        let e = err(&host().insert(&on, &t, &[row]));
        assert!(e.contains("is taken"), "{e}");
        assert_eq!(writes(&mock).len(), 1);
        // UPDATE is refused before any request: Clerk cannot undo verified or primary.
        mock.clear_requests();
        let e = err(&host().update(
            &on,
            &t,
            vec![QualSpec::eq("id", s(&id))],
            &[("is_primary", Some(Cell::Bool(true)))],
        ));
        assert!(
            e.contains(&format!("{object} rows cannot be changed")),
            "{e}"
        );
        assert!(writes(&mock).is_empty());
        mock.clear_requests();
        assert_eq!(
            ok(&host().delete(&on, &t, vec![QualSpec::eq("id", s(&id))])),
            1
        );
        assert_eq!(
            calls(&mock),
            vec![c("DELETE", &format!("{path}/{id}"), Value::Null)]
        );
    }
}

#[test]
fn external_accounts_and_web3_wallets_are_unlinked_from_their_user() {
    use clerk_fdw_testhost::mock::Dataset;
    let mut ds = Dataset::generate(12);
    let wallet = json!({"object": "web3_wallet", "id": "idn_w1", "web3_wallet": "0xabc",
        "verification": null, "created_at": 1, "updated_at": 1});
    ds.users[4]["web3_wallets"] = json!([wallet]);
    let mock = MockClerk::start(ds);
    let on = server(&mock, true);
    let user = mock.dataset().users[4]["id"].as_str().unwrap().to_string();
    let account = mock
        .dataset()
        .users
        .iter()
        .find_map(|u| {
            let a = u["external_accounts"].as_array()?.first()?;
            Some((u["id"].as_str()?.to_string(), a["id"].as_str()?.to_string()))
        })
        .expect("a user with an external account");
    for (object, owner, id, list) in [
        (
            "user_web3_wallets",
            user.clone(),
            "idn_w1".to_string(),
            "web3_wallets",
        ),
        (
            "user_external_accounts",
            account.0.clone(),
            account.1.clone(),
            "external_accounts",
        ),
    ] {
        let t = table(&mock, object);
        assert_eq!(t.option("rowid_column"), Some("rowid"), "{object}");
        let rows = scan(&mock, object, text_cols(&["rowid"]), vec![]).unwrap();
        assert!(
            rows.contains(&vec![Some(s(&format!("{owner}/{id}")))]),
            "{object}"
        );
        // INSERT and UPDATE are refused before any request.
        mock.clear_requests();
        let e = err(&host().insert(&on, &t, &[vec![("user_id", s(&owner))]]));
        assert!(e.contains("INSERT"), "{e}");
        assert!(writes(&mock).is_empty());
        mock.clear_requests();
        let pinned = vec![
            QualSpec::eq("user_id", s(&owner)),
            QualSpec::eq("id", s(&id)),
        ];
        assert_eq!(ok(&host().delete(&on, &t, pinned)), 1, "{object}");
        assert_eq!(
            calls(&mock),
            vec![c(
                "DELETE",
                &format!("/users/{owner}/{list}/{id}"),
                Value::Null
            )]
        );
        let rows = scan(&mock, object, text_cols(&["id"]), vec![]).unwrap();
        assert!(!rows.contains(&vec![Some(s(&id))]), "{object}");
    }
}

/// The invitations of a bulk request's body, by email.
fn bulk_emails(body: &Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|i| i["email_address"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_multi_row_insert_goes_through_clerks_bulk_endpoint_in_batches() {
    let mock = mock(10);
    let on = server(&mock, true);
    let invitations = table(&mock, "invitations");
    let emails: Vec<String> = (0..23).map(|i| format!("guest{i}@example.net")).collect();
    let rows: Vec<Vec<(&str, Cell)>> = emails
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut row = vec![("email_address", s(e))];
            if i == 4 {
                row.push(("public_metadata", j(r#"{"team": "b"}"#)));
                row.push(("attrs", j(r#"{"notify": false}"#)));
            }
            row
        })
        .collect();
    let o = host().insert(&on, &invitations, &rows);
    assert_eq!(ok(&o), 23);
    let sent = calls(&mock);
    let paths: Vec<_> = sent.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    assert_eq!(paths, vec!["POST /v1/invitations/bulk"; 3]);
    let mut batches = sent.iter().map(|(_, _, b)| bulk_emails(b));
    assert_eq!(batches.next().unwrap(), emails[..10]);
    assert_eq!(batches.next().unwrap(), emails[10..20]);
    assert_eq!(batches.next().unwrap(), emails[20..]);
    // Each row's fields travel with it, as they would alone.
    assert_eq!(
        sent[0].2[4],
        json!({"email_address": "guest4@example.net", "public_metadata": {"team": "b"}, "notify": false})
    );
    // Every created id is told, in the statement's order, and reads back as that row.
    let ids = created(&o, "invitations");
    assert_eq!(ids.len(), 23);
    for (id, email) in ids.iter().zip(&emails).step_by(7) {
        let row = read(&mock, "invitations", id, &["email_address"]).unwrap();
        assert_eq!(row["email_address"], json!(email));
    }
}

#[test]
fn rows_for_another_parent_start_a_new_bulk_request() {
    let mock = mock(40);
    let on = server(&mock, true);
    let t = table(&mock, "organization_invitations");
    let (a, b) = {
        let d = mock.dataset();
        let id = |k: usize| d.organizations[k]["id"].as_str().unwrap().to_string();
        (id(0), id(1))
    };
    let row = |org: &str, n: usize| {
        vec![
            ("organization_id", s(org)),
            ("email_address", s(&format!("m{n}@example.net"))),
            ("role", s("org:member")),
        ]
    };
    let rows = vec![
        row(&a, 1),
        row(&a, 2),
        row(&a, 3),
        row(&b, 4),
        row(&b, 5),
        row(&a, 6),
    ];
    let o = host().insert(&on, &t, &rows);
    assert_eq!(ok(&o), 6);
    let sent: Vec<_> = calls(&mock)
        .into_iter()
        .map(|(_, p, b)| {
            let n = b.as_array().map_or(1, Vec::len);
            (p, n)
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            (format!("/v1/organizations/{a}/invitations/bulk"), 3),
            (format!("/v1/organizations/{b}/invitations/bulk"), 2),
            // The last row alone: a bulk request of one (the same fields and checks).
            (format!("/v1/organizations/{a}/invitations/bulk"), 1),
        ]
    );
    assert_eq!(created(&o, "organization_invitations").len(), 6);
}

#[test]
fn a_refused_bulk_request_names_its_rows_and_what_stays_written() {
    let mock = mock(10);
    let on = server(&mock, true);
    let invitations = table(&mock, "invitations");
    let pending = first(
        &mock.dataset().invitations,
        "status",
        "pending",
        "email_address",
    );
    let before = mock.dataset().invitations.len();
    // Row 15 already has a pending invitation: Clerk refuses the batch of rows 11 to 20.
    let emails: Vec<String> = (1..=25)
        .map(|i| match i {
            15 => pending.clone(),
            i => format!("guest{i}@example.net"),
        })
        .collect();
    let rows: Vec<_> = emails
        .iter()
        .map(|e| vec![("email_address", s(e))])
        .collect();
    let o = host().insert(&on, &invitations, &rows);
    let e = err(&o);
    assert!(
        e.starts_with("INSERT on invitations stopped: Clerk rejected"),
        "{e}"
    );
    assert!(e.contains("HTTP 422: duplicate_record"), "{e}");
    assert!(
        e.contains("rows 11 to 20 of the statement went to Clerk in that one request"),
        "{e}"
    );
    assert!(
        e.contains("10 earlier row(s) of this statement were written to Clerk and stay written"),
        "{e}"
    );
    // Rows 21 to 25 were never sent; the first ten exist, each told by a NOTICE.
    assert_eq!(writes(&mock).len(), 2);
    assert_eq!(created(&o, "invitations").len(), 10);
    assert_eq!(mock.dataset().invitations.len(), before + 10);

    // A batch still waiting at the statement's end goes then, and its refusal fails the
    // statement with nothing written.
    mock.clear_requests();
    let rows = vec![
        vec![("email_address", s("late1@example.net"))],
        vec![("email_address", s(&pending))],
    ];
    let e = err(&host().insert(&on, &invitations, &rows));
    assert!(
        e.contains("rows 1 to 2 of the statement went to Clerk"),
        "{e}"
    );
    assert!(!e.contains("earlier row(s)"), "{e}");
    assert_eq!(writes(&mock).len(), 1);
    assert_eq!(mock.dataset().invitations.len(), before + 10);
}

#[test]
fn waitlist_rows_go_fifty_at_a_time_and_a_repeated_address_starts_a_new_batch() {
    let mock = mock(10);
    let on = server(&mock, true);
    let t = table(&mock, "waitlist_entries");
    let mut emails: Vec<String> = (0..60).map(|i| format!("wait{i}@example.net")).collect();
    // Clerk refuses an address twice in one bulk request; alone, it returns the entry.
    emails[29] = "WAIT28@example.net".into();
    let rows: Vec<_> = emails
        .iter()
        .map(|e| vec![("email_address", s(e))])
        .collect();
    let o = host().insert(&on, &t, &rows);
    assert_eq!(ok(&o), 60);
    let sizes: Vec<_> = calls(&mock)
        .iter()
        .map(|(_, p, b)| (p.clone(), b.as_array().unwrap().len()))
        .collect();
    let bulk = "/v1/waitlist_entries/bulk".to_string();
    assert_eq!(sizes, vec![(bulk.clone(), 29), (bulk, 31)]);
    let ids = created(&o, "waitlist_entries");
    assert_eq!(ids.len(), 60);
    assert_eq!(ids[28], ids[29], "the same entry, told twice");
}

#[test]
fn banning_many_users_takes_one_request_per_fifty() {
    let mock = mock(120);
    let on = server(&mock, true);
    let users = table(&mock, "users");
    let n = ok(&host().update(&on, &users, vec![], &[("banned", Some(Cell::Bool(true)))]));
    assert_eq!(n, 120);
    let sent = calls(&mock);
    let sizes: Vec<_> = sent
        .iter()
        .map(|(m, p, b)| (format!("{m} {p}"), b["user_ids"].as_array().unwrap().len()))
        .collect();
    let ban = "POST /v1/users/ban".to_string();
    assert_eq!(sizes, vec![(ban.clone(), 50), (ban.clone(), 50), (ban, 20)]);
    assert!(mock.dataset().users.iter().all(|u| u["banned"] == true));

    // Unbanning a few: one request; one user alone too.
    mock.clear_requests();
    let few: Vec<String> = mock.dataset().users[..3]
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    let q = vec![QualSpec::is_in("id", few.iter().map(|i| s(i)).collect())];
    assert_eq!(
        ok(&host().update(&on, &users, q, &[("banned", Some(Cell::Bool(false)))])),
        3
    );
    let sent = calls(&mock);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1, "/v1/users/unban");
    let mut unbanned: Vec<String> = serde_json::from_value(sent[0].2["user_ids"].clone()).unwrap();
    unbanned.sort();
    assert_eq!(unbanned, few);
    mock.clear_requests();
    let one = vec![QualSpec::eq("id", s(&few[0]))];
    assert_eq!(
        ok(&host().update(&on, &users, one, &[("banned", Some(Cell::Bool(true)))])),
        1
    );
    assert_eq!(
        calls(&mock),
        vec![c("POST", "/users/ban", json!({"user_ids": [few[0]]}))]
    );
}

#[test]
fn organization_roles_and_permissions_are_created_changed_and_deleted() {
    let mock = mock(40);
    let on = server(&mock, true);
    let permissions = table(&mock, "organization_permissions");
    let o = host().insert(
        &on,
        &permissions,
        &[vec![
            ("key", s("org:reports:read")),
            ("name", s("Read reports")),
            ("description", s("See the monthly reports")),
        ]],
    );
    assert_eq!(ok(&o), 1);
    let perm = created(&o, "organization_permissions").pop().unwrap();
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/organization_permissions",
            json!({"key": "org:reports:read", "name": "Read reports", "description": "See the monthly reports"})
        )]
    );

    // A role with that permission (its ids go in `attrs`: Clerk takes ids, the column
    // shows the permission objects).
    mock.clear_requests();
    let roles = table(&mock, "organization_roles");
    let attrs = format!(r#"{{"permissions": ["{perm}"]}}"#);
    let o = host().insert(
        &on,
        &roles,
        &[vec![
            ("key", s("org:analyst")),
            ("name", s("Analyst")),
            ("attrs", j(&attrs)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    let role = created(&o, "organization_roles").pop().unwrap();
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/organization_roles",
            json!({"key": "org:analyst", "name": "Analyst", "permissions": [perm]})
        )]
    );
    let row = read(&mock, "organization_roles", &role, &["key", "permissions"]).unwrap();
    assert_eq!(row["key"], json!("org:analyst"));
    assert_eq!(row["permissions"][0]["key"], json!("org:reports:read"));

    // UPDATE: one PATCH; a key Clerk refuses is Clerk's error, quoted.
    mock.clear_requests();
    let by_id = |id: &str| vec![QualSpec::eq("id", s(id))];
    let o = host().update(
        &on,
        &roles,
        by_id(&role),
        &[
            ("name", Some(s("Data analyst"))),
            ("description", Some(s("Reads reports"))),
        ],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/organization_roles/{role}"),
            json!({"name": "Data analyst", "description": "Reads reports"})
        )]
    );
    let e = err(&host().update(&on, &roles, by_id(&role), &[("key", Some(s("analyst")))]));
    assert!(e.contains("HTTP 422: form_param_format_invalid"), "{e}");

    // DELETE: a role members have is refused by Clerk; a new one goes.
    let admin = first(&mock.dataset().organization_roles, "key", "org:admin", "id");
    let e = err(&host().delete(&on, &roles, by_id(&admin)));
    assert!(e.starts_with("DELETE on organization_roles stopped"), "{e}");
    assert!(e.contains("role_in_use"), "{e}");
    assert_eq!(ok(&host().delete(&on, &roles, by_id(&role))), 1);
    assert!(read(&mock, "organization_roles", &role, &["id"]).is_none());
    mock.clear_requests();
    assert_eq!(ok(&host().delete(&on, &permissions, by_id(&perm))), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "DELETE",
            &format!("/organization_permissions/{perm}"),
            Value::Null
        )]
    );
    // Columns Clerk sets are refused by name before anything is sent.
    let e = err(&host().insert(
        &on,
        &roles,
        &[vec![("is_creator_eligible", Cell::Bool(true))]],
    ));
    assert!(
        e.contains("organization_roles.is_creator_eligible cannot be set by INSERT"),
        "{e}"
    );
}

#[test]
fn machines_and_api_keys_are_created_changed_and_deleted_and_no_secret_is_shown() {
    let mock = mock(10);
    let on = server(&mock, true);
    let machines = table(&mock, "machines");
    let peer = mock.dataset().machines[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let attrs = format!(r#"{{"scoped_machines": ["{peer}"]}}"#);
    let o = host().insert(
        &on,
        &machines,
        &[vec![
            ("name", s("billing worker")),
            ("default_token_ttl", Cell::I64(900)),
            ("attrs", j(&attrs)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/machines",
            json!({"name": "billing worker", "default_token_ttl": 900, "scoped_machines": [peer]})
        )]
    );
    let machine = created(&o, "machines").pop().unwrap();
    // Clerk's answer held the machine's secret key; no message shows it.
    assert!(
        o.notices.iter().all(|n| !n.contains("secret")),
        "{:?}",
        o.notices
    );
    let row = read(&mock, "machines", &machine, &["name", "scoped_machines"]).unwrap();
    assert_eq!(row["name"], json!("billing worker"));
    assert_eq!(row["scoped_machines"][0]["id"], json!(peer));

    mock.clear_requests();
    let by_id = |id: &str| vec![QualSpec::eq("id", s(id))];
    assert_eq!(
        ok(&host().update(
            &on,
            &machines,
            by_id(&machine),
            &[("default_token_ttl", Some(Cell::I64(60)))]
        )),
        1
    );
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/machines/{machine}"),
            json!({"default_token_ttl": 60})
        )]
    );
    let e = err(&host().update(
        &on,
        &machines,
        by_id(&machine),
        &[("default_token_ttl", Some(Cell::I64(0)))],
    ));
    assert!(e.contains("HTTP 422: form_param_value_invalid"), "{e}");
    assert_eq!(ok(&host().delete(&on, &machines, by_id(&machine))), 1);
    assert!(read(&mock, "machines", &machine, &["id"]).is_none());

    // An API key of a user: created, rescoped, deleted; its secret never shown.
    mock.clear_requests();
    let keys = table(&mock, "api_keys");
    let user = mock.dataset().users[2]["id"].as_str().unwrap().to_string();
    let o = host().insert(
        &on,
        &keys,
        &[vec![
            ("name", s("reporting")),
            ("subject", s(&user)),
            ("scopes", j(r#"["read"]"#)),
            ("claims", j(r#"{"team": "finance"}"#)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/api_keys",
            json!({"name": "reporting", "subject": user, "scopes": ["read"], "claims": {"team": "finance"}})
        )]
    );
    let key = created(&o, "api_keys").pop().unwrap();
    assert!(
        o.notices.iter().all(|n| !n.contains("ak_mock_secret")),
        "{:?}",
        o.notices
    );
    mock.clear_requests();
    assert_eq!(
        ok(&host().update(
            &on,
            &keys,
            by_id(&key),
            &[("scopes", Some(j(r#"["read", "write"]"#)))]
        )),
        1
    );
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/api_keys/{key}"),
            json!({"scopes": ["read", "write"]})
        )]
    );
    let row = read(&mock, "api_keys", &key, &["scopes", "subject"]).unwrap();
    assert_eq!(row, json!({"scopes": ["read", "write"], "subject": user}));
    // A key's name is Clerk's to keep: refused by name, nothing sent.
    mock.clear_requests();
    let e = err(&host().update(&on, &keys, by_id(&key), &[("name", Some(s("x")))]));
    assert!(e.contains("api_keys.name cannot be set by UPDATE"), "{e}");
    assert!(writes(&mock).is_empty());
    // A revocation reason revokes the key with it (the key stays, revoked).
    let set = [("revocation_reason", Some(s("rotated")))];
    assert_eq!(ok(&host().update(&on, &keys, by_id(&key), &set)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/api_keys/{key}/revoke"),
            json!({"revocation_reason": "rotated"})
        )]
    );
    let row = read(&mock, "api_keys", &key, &["revoked", "revocation_reason"]).unwrap();
    assert_eq!(
        row,
        json!({"revoked": true, "revocation_reason": "rotated"})
    );
    mock.clear_requests();
    assert_eq!(ok(&host().delete(&on, &keys, by_id(&key))), 1);
    assert_eq!(
        calls(&mock),
        vec![c("DELETE", &format!("/api_keys/{key}"), Value::Null)]
    );
}

#[test]
fn enterprise_connections_are_created_changed_and_deleted() {
    let mock = mock(40);
    let on = server(&mock, true);
    let t = table(&mock, "enterprise_connections");
    let org = mock.dataset().organizations[2]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = host().insert(
        &on,
        &t,
        &[vec![
            ("name", s("Acme SSO")),
            ("provider", s("saml_custom")),
            ("domains", j(r#"["acme.test"]"#)),
            ("organization_id", s(&org)),
            (
                "attrs",
                j(r#"{"saml": {"idp_metadata_url": "https://idp.acme.test/metadata"}}"#),
            ),
        ]],
    );
    // Clerk answers 201 Created here.
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/enterprise_connections",
            json!({"name": "Acme SSO", "provider": "saml_custom", "domains": ["acme.test"], "organization_id": org, "saml": {"idp_metadata_url": "https://idp.acme.test/metadata"}})
        )]
    );
    let id = created(&o, "enterprise_connections").pop().unwrap();
    let by_id = vec![QualSpec::eq("id", s(&id))];
    mock.clear_requests();
    let set = [
        ("active", Some(Cell::Bool(true))),
        ("domains", Some(j(r#"["acme.test", "acme.example"]"#))),
    ];
    assert_eq!(ok(&host().update(&on, &t, by_id.clone(), &set)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/enterprise_connections/{id}"),
            json!({"active": true, "domains": ["acme.test", "acme.example"]})
        )]
    );
    let row = read(&mock, "enterprise_connections", &id, &["active", "domains"]).unwrap();
    assert_eq!(
        row,
        json!({"active": true, "domains": ["acme.test", "acme.example"]})
    );
    let e = err(&host().update(&on, &t, by_id.clone(), &[("domains", Some(j("[]")))]));
    assert!(e.contains("HTTP 422: form_param_value_invalid"), "{e}");
    let e = err(&host().update(
        &on,
        &t,
        by_id.clone(),
        &[("provider", Some(s("oidc_custom")))],
    ));
    assert!(
        e.contains("enterprise_connections.provider cannot be set by UPDATE"),
        "{e}"
    );
    assert_eq!(ok(&host().delete(&on, &t, by_id)), 1);
    assert!(read(&mock, "enterprise_connections", &id, &["id"]).is_none());
}

#[test]
fn deleting_a_subscription_item_cancels_it_at_the_end_of_its_period() {
    let mock = mock(40);
    let on = server(&mock, true);
    let t = table(&mock, "billing_subscription_items");
    let id = first(
        &mock.dataset().billing_subscription_items,
        "status",
        "active",
        "id",
    );
    let by_id = vec![QualSpec::eq("id", s(&id))];
    assert_eq!(ok(&host().delete(&on, &t, by_id.clone())), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "DELETE",
            &format!("/billing/subscription_items/{id}"),
            Value::Null
        )]
    );
    // The row stays, canceled (no filter on id is pushed: Postgres keeps the one row).
    let rows = scan(
        &mock,
        "billing_subscription_items",
        text_cols(&["id", "status"]),
        by_id.clone(),
    )
    .unwrap();
    let row: Vec<_> = rows.into_iter().filter(|r| r[0] == Some(s(&id))).collect();
    assert_eq!(row, vec![vec![Some(s(&id)), Some(s("canceled"))]]);
    // Twice is Clerk's error; INSERT and UPDATE are refused before any request.
    let e = err(&host().delete(&on, &t, by_id.clone()));
    assert!(e.contains("subscription_item_not_active"), "{e}");
    // `status = 'ended'` ends it now: DELETE with end_now; other statuses are refused.
    mock.clear_requests();
    let e = err(&host().update(&on, &t, by_id.clone(), &[("status", Some(s("active")))]));
    assert!(
        e.contains("billing_subscription_items.status can only be set to 'ended'"),
        "{e}"
    );
    assert!(writes(&mock).is_empty());
    let set = [("status", Some(s("ended")))];
    assert_eq!(ok(&host().update(&on, &t, by_id.clone(), &set)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "DELETE",
            &format!("/billing/subscription_items/{id}"),
            Value::Null
        )]
    );
    assert_eq!(writes(&mock)[0].param("end_now"), Some("true"));
    let rows = scan(
        &mock,
        "billing_subscription_items",
        text_cols(&["id", "status"]),
        by_id.clone(),
    )
    .unwrap();
    let row: Vec<_> = rows.into_iter().filter(|r| r[0] == Some(s(&id))).collect();
    assert_eq!(row, vec![vec![Some(s(&id)), Some(s("ended"))]]);
    mock.clear_requests();
    let e = err(&host().insert(&on, &t, &[vec![("plan_id", s("x"))]]));
    assert!(
        e.contains("rows cannot be created through Clerk's API"),
        "{e}"
    );
    assert!(writes(&mock).is_empty());
}

#[test]
fn deleting_an_m2m_token_revokes_it() {
    let mock = mock(10);
    let on = server(&mock, true);
    let t = table(&mock, "m2m_tokens");
    let (subject, id) = {
        let d = mock.dataset();
        let tok = d.m2m_tokens.iter().find(|t| t["revoked"] == false).unwrap();
        (
            tok["subject"].as_str().unwrap().to_string(),
            tok["id"].as_str().unwrap().to_string(),
        )
    };
    let q = vec![
        QualSpec::eq("subject", s(&subject)),
        QualSpec::eq("id", s(&id)),
    ];
    assert_eq!(ok(&host().delete(&on, &t, q.clone())), 1);
    // Clerk requires a JSON body here, even an empty object.
    assert_eq!(
        calls(&mock),
        vec![c("POST", &format!("/m2m_tokens/{id}/revoke"), json!({}))]
    );
    let tok = mock
        .dataset()
        .m2m_tokens
        .iter()
        .find(|t| t["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(tok["revoked"], json!(true));
    let e = err(&host().insert(&on, &t, &[vec![("subject", s(&subject))]]));
    assert!(e.contains("m2m_tokens rows cannot be created"), "{e}");
    // Setting a revocation reason revokes with it.
    let other = mock
        .dataset()
        .m2m_tokens
        .iter()
        .find(|t| t["revoked"] == false && t["subject"] == subject.as_str())
        .map(|t| t["id"].as_str().unwrap().to_string())
        .unwrap();
    mock.clear_requests();
    let q = vec![
        QualSpec::eq("subject", s(&subject)),
        QualSpec::eq("id", s(&other)),
    ];
    let set = [("revocation_reason", Some(s("leaked")))];
    assert_eq!(ok(&host().update(&on, &t, q, &set)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/m2m_tokens/{other}/revoke"),
            json!({"revocation_reason": "leaked"})
        )]
    );
}

#[test]
fn role_sets_are_created_and_changed_with_their_role_keys_in_attrs() {
    let mock = mock(10);
    let on = server(&mock, true);
    let t = table(&mock, "role_sets");
    let attrs = r#"{"roles": ["org:admin", "org:billing"], "default_role_key": "org:billing", "creator_role_key": "org:admin"}"#;
    let o = host().insert(
        &on,
        &t,
        &[vec![
            ("key", s("role_set:finance")),
            ("name", s("Finance")),
            ("attrs", j(attrs)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/role_sets",
            json!({"key": "role_set:finance", "name": "Finance", "roles": ["org:admin", "org:billing"], "default_role_key": "org:billing", "creator_role_key": "org:admin"})
        )]
    );
    let id = created(&o, "role_sets").pop().unwrap();
    let row = read(&mock, "role_sets", &id, &["key", "default_role", "roles"]).unwrap();
    assert_eq!(row["key"], json!("role_set:finance"));
    assert_eq!(row["default_role"]["key"], json!("org:billing"));
    assert_eq!(row["roles"].as_array().unwrap().len(), 2);

    mock.clear_requests();
    let by_id = vec![QualSpec::eq("id", s(&id))];
    let set = [
        ("description", Some(s("Billing staff"))),
        ("attrs", Some(j(r#"{"default_role_key": "org:admin"}"#))),
    ];
    assert_eq!(ok(&host().update(&on, &t, by_id.clone(), &set)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/role_sets/{id}"),
            json!({"description": "Billing staff", "default_role_key": "org:admin"})
        )]
    );
    let row = read(&mock, "role_sets", &id, &["description", "default_role"]).unwrap();
    assert_eq!(row["description"], json!("Billing staff"));
    assert_eq!(row["default_role"]["key"], json!("org:admin"));
    // A default role outside the set is Clerk's refusal; DELETE is refused before any request.
    let bad = [("attrs", Some(j(r#"{"default_role_key": "org:member"}"#)))];
    let e = err(&host().update(&on, &t, by_id.clone(), &bad));
    assert!(e.contains("HTTP 422: form_param_value_invalid"), "{e}");
    mock.clear_requests();
    let e = err(&host().delete(&on, &t, by_id));
    assert!(
        e.contains("role_sets rows cannot be deleted through Clerk's API"),
        "{e}"
    );
    assert!(writes(&mock).is_empty());
}

#[test]
fn machine_scopes_are_read_granted_and_removed() {
    let mock = mock(5);
    let on = server(&mock, true);
    let scopes = table(&mock, "machine_scopes");
    assert_eq!(scopes.option("rowid_column"), Some("rowid"));
    let ids: Vec<String> = mock
        .dataset()
        .machines
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let (m0, m1) = (&ids[0], &ids[1]);
    let cols = text_cols(&["machine_id", "to_machine_id", "to_machine_name", "rowid"]);
    let of = |m: &str| vec![QualSpec::eq("machine_id", s(m))];

    // One machine's scopes: one GET of that machine.
    mock.clear_requests();
    let rows = scan(&mock, "machine_scopes", cols.clone(), of(m0)).unwrap();
    assert_eq!(
        rows,
        vec![vec![
            Some(s(m0)),
            Some(s(m1)),
            Some(s("worker 1")),
            Some(s(&format!("{m0}/{m1}")))
        ]]
    );
    let paths: Vec<String> = mock.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, vec![format!("/v1/machines/{m0}")]);
    // Every machine's: one row per scope, from the machine list.
    let all = scan(&mock, "machine_scopes", cols.clone(), vec![]).unwrap();
    assert_eq!(all.len(), ids.len());

    // Granted: POST under the calling machine, the called one in the body.
    mock.clear_requests();
    let grant = vec![("machine_id", s(m1)), ("to_machine_id", s(m0))];
    let o = host().insert(&on, &scopes, std::slice::from_ref(&grant));
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/machines/{m1}/scopes"),
            json!({"to_machine_id": m0})
        )]
    );
    assert_eq!(
        scan(&mock, "machine_scopes", cols.clone(), of(m1))
            .unwrap()
            .len(),
        2
    );
    // Granting it again: Clerk's 409 says so.
    let e = err(&host().insert(&on, &scopes, &[grant]));
    assert!(e.contains("HTTP 409"), "{e}");
    // Without the calling machine, nothing is sent.
    mock.clear_requests();
    let e = err(&host().insert(&on, &scopes, &[vec![("to_machine_id", s(m0))]]));
    assert!(e.contains("machine_id"), "{e}");
    assert!(calls(&mock).is_empty());

    // A scope has nothing to change.
    let e = err(&host().update(&on, &scopes, of(m1), &[("to_machine_id", Some(s(m1)))]));
    assert!(e.contains("machine_scopes"), "{e}");
    assert!(calls(&mock).is_empty());

    // Removed: DELETE of the scope, addressed by both machines.
    let q = vec![
        QualSpec::eq("machine_id", s(m1)),
        QualSpec::eq("to_machine_id", s(m0)),
    ];
    assert_eq!(ok(&host().delete(&on, &scopes, q)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "DELETE",
            &format!("/machines/{m1}/scopes/{m0}"),
            Value::Null
        )]
    );
    let left = scan(&mock, "machine_scopes", cols, of(m1)).unwrap();
    assert_eq!(left.len(), 1);
}

#[test]
fn directories_and_their_group_role_mappings_are_written_and_no_api_key_is_shown() {
    let mock = mock(5);
    let on = server(&mock, true);
    let ds = mock.dataset().clone();
    let dirs = table(&mock, "directories");
    let conn = ds.enterprise_connections[2]["id"].as_str().unwrap();
    let role = ds.organization_roles[1]["id"].as_str().unwrap();
    let attrs = format!(
        r#"{{"group_role_mappings": [{{"directory_group_id": "eng", "role_id": "{role}"}}]}}"#
    );
    let o = host().insert(
        &on,
        &dirs,
        &[vec![
            ("enterprise_connection_id", s(conn)),
            ("provider", s("okta")),
            ("name", s("Okta")),
            ("attrs", j(&attrs)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    let sent: Value = serde_json::from_str(&attrs).unwrap();
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            "/directories",
            json!({"enterprise_connection_id": conn, "provider": "okta", "name": "Okta",
                "group_role_mappings": sent["group_role_mappings"]})
        )]
    );
    // Clerk's answer held the directory's API key; no message shows it.
    assert!(
        o.notices.iter().all(|n| !n.contains("secret")),
        "{:?}",
        o.notices
    );
    let dir = created(&o, "directories").pop().unwrap();
    let row = read(&mock, "directories", &dir, &["name", "enabled", "attrs"]).unwrap();
    assert_eq!(row["name"], json!("Okta"));
    assert_eq!(row["attrs"]["api_key"], Value::Null);

    // UPDATE of plain fields is one PATCH; attribute_mapping goes as Clerk's merge, in attrs.
    mock.clear_requests();
    let by_id = vec![QualSpec::eq("id", s(&dir))];
    let set = [
        ("enabled", Some(Cell::Bool(false))),
        (
            "attrs",
            Some(j(r#"{"attribute_mapping": {"username": "userName"}}"#)),
        ),
    ];
    assert_eq!(ok(&host().update(&on, &dirs, by_id.clone(), &set)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            &format!("/directories/{dir}"),
            json!({"enabled": false, "attribute_mapping": {"username": "userName"}})
        )]
    );
    // SET attribute_mapping = … would read as a replacement, which Clerk does not do.
    mock.clear_requests();
    let e = err(&host().update(
        &on,
        &dirs,
        by_id.clone(),
        &[("attribute_mapping", Some(j(r#"{"username": "userName"}"#)))],
    ));
    assert!(
        e.contains("directories.attribute_mapping cannot be set by UPDATE"),
        "{e}"
    );
    assert!(calls(&mock).is_empty());

    // The mapping made with the directory, read back; another added, then one deleted.
    let maps = table(&mock, "directory_group_role_mappings");
    assert_eq!(maps.option("rowid_column"), Some("rowid"));
    let of = vec![QualSpec::eq("directory_id", s(&dir))];
    let cols = text_cols(&["directory_group_id", "role_id", "precedence"]);
    let rows = scan(
        &mock,
        "directory_group_role_mappings",
        cols.clone(),
        of.clone(),
    )
    .unwrap();
    assert_eq!(
        rows,
        vec![vec![Some(s("eng")), Some(s(role)), Some(s("1"))]]
    );
    mock.clear_requests();
    let o = host().insert(
        &on,
        &maps,
        &[vec![
            ("directory_id", s(&dir)),
            ("directory_group_id", s("ops")),
            ("role_id", s(role)),
        ]],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "POST",
            &format!("/directories/{dir}/group_role_mappings"),
            json!({"directory_group_id": "ops", "role_id": role})
        )]
    );
    let mapping = created(&o, "directory_group_role_mappings").pop().unwrap();
    let rows = scan(
        &mock,
        "directory_group_role_mappings",
        cols.clone(),
        of.clone(),
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][2], Some(s("2")), "appended last");
    mock.clear_requests();
    let q = vec![
        QualSpec::eq("directory_id", s(&dir)),
        QualSpec::eq("directory_group_id", s("ops")),
    ];
    assert_eq!(ok(&host().delete(&on, &maps, q)), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "DELETE",
            &format!("/directories/{dir}/group_role_mappings/{mapping}"),
            Value::Null
        )]
    );
    // A mapping has nothing to update.
    let e = err(&host().update(
        &on,
        &maps,
        of.clone(),
        &[("precedence", Some(Cell::I32(3)))],
    ));
    assert!(e.contains("directory_group_role_mappings"), "{e}");
    // A directory without group mapping: Clerk refuses, and the error says which request.
    let other = ds.directories[1]["id"].as_str().unwrap();
    let e = err(&host().insert(
        &on,
        &maps,
        &[vec![
            ("directory_id", s(other)),
            ("directory_group_id", s("x")),
            ("role_id", s(role)),
        ]],
    ));
    assert!(e.contains("Group role mapping must be enabled"), "{e}");

    // DELETE of the directory.
    mock.clear_requests();
    assert_eq!(ok(&host().delete(&on, &dirs, by_id)), 1);
    assert_eq!(
        calls(&mock),
        vec![c("DELETE", &format!("/directories/{dir}"), Value::Null)]
    );
    assert!(read(&mock, "directories", &dir, &["id"]).is_none());
}

#[test]
fn instance_settings_are_updated_in_place_and_nothing_else() {
    let mock = mock(5);
    let on = server(&mock, true);
    let protect = table(&mock, "instance_protect");
    assert_eq!(protect.option("rowid_column"), Some("rowid"));
    let o = host().update(
        &on,
        &protect,
        vec![],
        &[("rules_enabled", Some(Cell::Bool(false)))],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            "/instance/protect",
            json!({"rules_enabled": false})
        )]
    );
    let rows = scan(
        &mock,
        "instance_protect",
        vec![
            (
                "rules_enabled".into(),
                clerk_fdw_testhost::host::TypeOid::Bool,
            ),
            ("rowid".into(), clerk_fdw_testhost::host::TypeOid::String),
        ],
        vec![],
    )
    .unwrap();
    assert_eq!(rows, vec![vec![Some(Cell::Bool(false)), Some(s(""))]]);

    // The instance itself (addressed by its id, which the path does not take): Clerk
    // answers 204 with no body; other fields of the endpoint go in attrs.
    mock.clear_requests();
    let instance = table(&mock, "instance");
    let o = host().update(
        &on,
        &instance,
        vec![],
        &[
            ("allowed_origins", Some(j(r#"["chrome-extension://abc"]"#))),
            ("attrs", Some(j(r#"{"hibp": true}"#))),
        ],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            "/instance",
            json!({"allowed_origins": ["chrome-extension://abc"], "hibp": true})
        )]
    );
    let settings = mock.dataset().instance_settings.clone();
    assert_eq!(
        settings[0].1["allowed_origins"],
        json!(["chrome-extension://abc"])
    );

    // Organization settings: a number and a list; a key Clerk does not take is its 422.
    mock.clear_requests();
    let orgs = table(&mock, "instance_organization_settings");
    let o = host().update(
        &on,
        &orgs,
        vec![],
        &[
            ("max_allowed_memberships", Some(Cell::I32(25))),
            (
                "domains_enrollment_modes",
                Some(j(r#"["manual_invitation"]"#)),
            ),
        ],
    );
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock),
        vec![c(
            "PATCH",
            "/instance/organization_settings",
            json!({"max_allowed_memberships": 25, "domains_enrollment_modes": ["manual_invitation"]})
        )]
    );
    // A column Clerk computes is refused before anything is sent.
    mock.clear_requests();
    let e = err(&host().update(
        &on,
        &orgs,
        vec![],
        &[("max_allowed_roles", Some(Cell::I32(3)))],
    ));
    assert!(
        e.contains("instance_organization_settings.max_allowed_roles"),
        "{e}"
    );
    assert!(calls(&mock).is_empty());
    // One row, which is never created or deleted.
    let e = err(&host().insert(&on, &protect, &[vec![("rules_enabled", Cell::Bool(true))]]));
    assert!(e.contains("instance_protect rows cannot be created"), "{e}");
    let e = err(&host().delete(&on, &protect, vec![]));
    assert!(e.contains("instance_protect rows cannot be deleted"), "{e}");
    assert!(calls(&mock).is_empty());
}

#[test]
fn setting_a_trial_items_period_end_extends_its_free_trial() {
    let mock = mock(60);
    let on = server(&mock, true);
    let t = table(&mock, "billing_subscription_items");
    let items = mock.dataset().billing_subscription_items.clone();
    let trial = items.iter().find(|i| i["is_free_trial"] == true).unwrap();
    let id = trial["id"].as_str().unwrap().to_string();
    let in_30_days =
        chrono::Utc::now().timestamp_micros() / 1_000_000 * 1_000_000 + 30 * 86_400 * 1_000_000;
    let by_id = vec![QualSpec::eq("id", s(&id))];
    let set = [("period_end", Some(Cell::Timestamptz(in_30_days)))];
    assert_eq!(ok(&host().update(&on, &t, by_id.clone(), &set)), 1);
    let sent = calls(&mock);
    assert_eq!(sent.len(), 1);
    let (method, path, body) = &sent[0];
    assert_eq!(
        (method.as_str(), path.as_str()),
        (
            "POST",
            format!("/v1/billing/subscription_items/{id}/extend_free_trial").as_str()
        )
    );
    // One field, `extend_to`: the same instant as RFC 3339 text.
    assert_eq!(body.as_object().unwrap().len(), 1);
    let to = chrono::DateTime::parse_from_rfc3339(body["extend_to"].as_str().unwrap()).unwrap();
    assert_eq!(to.timestamp_micros(), in_30_days);
    // The list has no lookup by id: Postgres keeps the one row.
    let stored = mock.dataset().billing_subscription_items.clone();
    let stored = stored.iter().find(|i| i["id"] == id.as_str()).unwrap();
    assert_eq!(stored["period_end"], json!(in_30_days / 1000));

    // An item not in a trial: Clerk's refusal, told as such. NULL is refused before any
    // request, as is another column.
    let paid = items.iter().find(|i| i["is_free_trial"] == false).unwrap();
    let paid = vec![QualSpec::eq("id", s(paid["id"].as_str().unwrap()))];
    let e = err(&host().update(&on, &t, paid, &set));
    assert!(e.contains("not in a free trial period"), "{e}");
    mock.clear_requests();
    let e = err(&host().update(&on, &t, by_id.clone(), &[("period_end", None)]));
    assert!(e.contains("cannot be set to NULL"), "{e}");
    let e = err(&host().update(
        &on,
        &t,
        by_id,
        &[("period_start", Some(Cell::Timestamptz(in_30_days)))],
    ));
    assert!(
        e.contains("billing_subscription_items.period_start cannot be set by UPDATE"),
        "{e}"
    );
    assert!(calls(&mock).is_empty());
}

#[test]
fn setting_a_credit_balance_adds_one_ledger_entry_once() {
    let mock = mock(20);
    let on = server(&mock, true);
    let t = table(&mock, "user_billing_credits");
    assert_eq!(t.option("rowid_column"), Some("rowid"));
    let (user, balance) = mock.dataset().credits[0].clone();
    let old = balance["amount"].as_i64().unwrap();
    let of = vec![QualSpec::eq("user_id", s(&user))];
    let set = [("balance", Some(Cell::I64(old + 700)))];
    assert_eq!(ok(&host().update(&on, &t, of.clone(), &set)), 1);
    let sent = calls(&mock);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (method, path, body) = &sent[0];
    assert_eq!(method, "POST");
    assert_eq!(path, &format!("/v1/users/{user}/billing/credits"));
    assert_eq!(body["amount"], 700);
    assert_eq!(body["action"], "increase");
    let key = body["idempotency_key"].as_str().unwrap().to_string();
    assert!(
        key.starts_with(&format!("clerk_fdw/{user}/{old}/700/")),
        "{key}"
    );
    let now = mock.dataset().credits[0].1["amount"].as_i64().unwrap();
    assert_eq!(now, old + 700);

    // The same statement again: the balance is already that, so nothing is sent.
    mock.clear_requests();
    assert_eq!(ok(&host().update(&on, &t, of.clone(), &set)), 1);
    assert!(calls(&mock).is_empty());

    // The same request sent twice (a retry of the host's HTTP client) is applied once:
    // Clerk answers the original entry for a known key.
    let payload = serde_json::to_string(body).unwrap();
    let headers = vec![
        (
            "authorization".to_string(),
            format!("Bearer {}", mock.api_key()),
        ),
        ("content-type".to_string(), "application/json".to_string()),
    ];
    let url = format!("{}/users/{user}/billing/credits", mock.base_url());
    let again = clerk_fdw_testhost::http::request("POST", &url, &headers, &payload).unwrap();
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(mock.dataset().credits[0].1["amount"], old + 700);

    // A payer that never had credits: its balance reads NULL and counts from 0.
    let fresh = mock.dataset().users[1]["id"].as_str().unwrap().to_string();
    mock.clear_requests();
    let of_fresh = vec![QualSpec::eq("user_id", s(&fresh))];
    let o = host().update(&on, &t, of_fresh, &[("balance", Some(Cell::I64(250)))]);
    assert_eq!(ok(&o), 1);
    assert_eq!(calls(&mock)[0].2["amount"], 250);
    // A decrease; then values Clerk's ledger cannot express are refused before any request.
    mock.clear_requests();
    let o = host().update(&on, &t, of.clone(), &[("balance", Some(Cell::I64(old)))]);
    assert_eq!(ok(&o), 1);
    assert_eq!(calls(&mock)[0].2["action"], "decrease");
    mock.clear_requests();
    // `balance + n` on a balance never set is NULL in SQL: the error says what to write.
    let e = err(&host().update(&on, &t, of.clone(), &[("balance", None)]));
    assert!(
        e.contains("user_billing_credits.balance cannot be NULL (one never set reads NULL): add to coalesce(balance, 0)"),
        "{e}"
    );
    let e = err(&host().update(&on, &t, of, &[("currency", Some(s("EUR")))]));
    assert!(
        e.contains("user_billing_credits.currency cannot be set by UPDATE"),
        "{e}"
    );
    assert!(calls(&mock).is_empty());
    // Organizations' balances the same way.
    let orgs = table(&mock, "organization_billing_credits");
    let org = mock.dataset().organizations[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let of_org = vec![QualSpec::eq("organization_id", s(&org))];
    let o = host().update(&on, &orgs, of_org, &[("balance", Some(Cell::I64(10_000)))]);
    assert_eq!(ok(&o), 1);
    assert_eq!(
        calls(&mock)[0].1,
        format!("/v1/organizations/{org}/billing/credits")
    );
    assert_eq!(calls(&mock)[0].2["amount"], 2_500);
}
