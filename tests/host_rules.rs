//! Rules of the real Wrappers host that the test host enforces, checked against the
//! component: executor phases (no SQL at executor end) and what Postgres refuses in a cell.

mod common;
use clerk_fdw_testhost::host::{Host, QualSpec, QuerySpec, TypeOid, NO_SNAPSHOT};
use clerk_fdw_testhost::mock::{Dataset, MockClerk};
use common::*;
use serde_json::json;
use std::path::Path;

/// The 0.3.0 release (sha256 9ad37195…), which called `inc_stats` from `end_scan`: every
/// `select` failed in a real Wrappers host with exactly this error.
fn release_030() -> Host {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/clerk_fdw-0.3.0.wasm");
    Host::load(&path).expect("fixture loads")
}

fn spec(mock: &MockClerk, object: &str, columns: &[&str]) -> QuerySpec {
    QuerySpec {
        server_options: server_options(mock),
        table_options: vec![("object".into(), object.into())],
        columns: text_cols(columns),
        ..QuerySpec::default()
    }
}

#[test]
fn a_stats_call_in_end_scan_fails_the_statement_as_in_the_real_host() {
    let mock = mock(30);
    let mut q = release_030()
        .new_query(spec(&mock, "users", &["id"]))
        .unwrap();
    q.begin_scan().unwrap();
    let mut rows = 0;
    while q.iter_scan().unwrap().is_some() {
        rows += 1;
    }
    assert_eq!(rows, 30, "rows come back; the statement fails after them");
    assert_eq!(q.end_scan().unwrap_err(), NO_SNAPSHOT);
}

#[test]
fn the_same_call_is_allowed_when_a_parameter_change_restarts_the_scan() {
    // supabase-wrappers calls end_scan + begin_scan from inside the executor's run when a
    // join's parameter changes; the snapshot is still there, so stats may be written.
    let mock = mock(30);
    let users = ids(&mock.dataset().users);
    let mut q = release_030()
        .new_query(QuerySpec {
            quals: vec![QualSpec::eq("id", s(&users[0])).with_param(1)],
            ..spec(&mock, "users", &["id"])
        })
        .unwrap();
    q.begin_scan().unwrap();
    assert!(q.iter_scan().unwrap().is_some());
    q.rescan_with_quals(vec![QualSpec::eq("id", s(&users[1])).with_param(1)])
        .unwrap();
    let row = q.iter_scan().unwrap().unwrap();
    assert_eq!(text(&row[0]).as_deref(), Some(users[1].as_str()));
    assert_eq!(q.end_scan().unwrap_err(), NO_SNAPSHOT);
}

#[test]
fn every_object_scans_to_the_end_with_no_sql_at_executor_end() {
    let mock = mock(60);
    let ds = mock.dataset();
    let pinned = [
        (
            "billing_payment_attempts",
            "statement_id",
            ds.billing_statements[0]["id"].clone(),
        ),
        (
            "user_billing_subscriptions",
            "user_id",
            json!(ids(&ds.users)[0]),
        ),
        (
            "organization_billing_subscriptions",
            "organization_id",
            ds.organizations[0]["id"].clone(),
        ),
        ("sessions", "user_id", json!(ids(&ds.users)[3])),
        ("api_keys", "subject", ds.organizations[0]["id"].clone()),
        ("m2m_tokens", "subject", ds.machines[0]["id"].clone()),
        (
            "user_trusted_devices",
            "user_id",
            json!(ds.trusted_devices[0].0),
        ),
        (
            "enterprise_connection_test_runs",
            "enterprise_connection_id",
            json!(ds.test_runs[0].0),
        ),
        (
            "directory_group_role_mappings",
            "directory_id",
            ds.directories[0]["id"].clone(),
        ),
        ("user_billing_credits", "user_id", json!(ds.credits[0].0)),
        (
            "organization_billing_credits",
            "organization_id",
            ds.organizations[0]["id"].clone(),
        ),
    ];
    for o in clerk_fdw::catalog::OBJECTS {
        let object = o.name;
        let quals = pinned
            .iter()
            .filter(|(name, _, _)| *name == object)
            .map(|(_, col, v)| QualSpec::eq(col, s(v.as_str().unwrap())))
            .collect();
        // The one-row settings tables have no id: they are scanned for no column.
        let column = match (o.column("id"), o.column("rowid")) {
            (Some(_), _) => text_cols(&["id"]),
            (None, Some(_)) => text_cols(&["rowid"]),
            (None, None) => vec![],
        };
        let mut q = query(&mock, object, column, quals);
        let rows = q.scan_all().unwrap_or_else(|e| panic!("{object}: {e}"));
        let st = q.stats();
        // Rows out were counted while the executor ran, so none are lost.
        assert_eq!(st.rows_out, rows.len() as i64, "{object}");
    }
}

/// Users whose metadata and name hold U+0000, which end users can write from the browser.
fn nul_mock() -> (MockClerk, String) {
    let mut ds = Dataset::generate(40);
    let id = ds.users[7]["id"].as_str().unwrap().to_string();
    ds.users[7]["unsafe_metadata"] = json!({"x": "a\u{0}b", "k\u{0}": ["\u{0}"]});
    ds.users[7]["first_name"] = json!("An\u{0}n");
    ds.users[9]["unsafe_metadata"] = json!({"y": "\u{0}"});
    (MockClerk::start(ds), id)
}

#[test]
fn a_nul_in_clerk_data_gives_rows_with_u_fffd_and_one_notice() {
    let (mock, id) = nul_mock();
    let mut q = query(
        &mock,
        "users",
        cols(&[
            ("id", TypeOid::String),
            ("first_name", TypeOid::String),
            ("unsafe_metadata", TypeOid::Json),
            ("attrs", TypeOid::Json),
        ]),
        vec![],
    );
    let rows = q.scan_all().expect("rows, not an error");
    assert_eq!(rows.len(), 40);
    let row = rows
        .iter()
        .find(|r| text(&r[0]).as_deref() == Some(id.as_str()))
        .unwrap();
    assert_eq!(text(&row[1]).as_deref(), Some("An\u{FFFD}n"));
    assert_eq!(
        json(&row[2]),
        json!({"x": "a\u{FFFD}b", "k\u{FFFD}": ["\u{FFFD}"]})
    );
    assert_eq!(json(&row[3])["unsafe_metadata"], json(&row[2]));
    // Every other user is untouched.
    let others = rows
        .iter()
        .filter(|r| text(&r[0]).as_deref() != Some(id.as_str()));
    for r in others {
        let attrs = json(&r[3]);
        let ds = mock.dataset();
        let want = by_id(&ds.users, attrs["id"].as_str().unwrap());
        if !want.to_string().contains("\\u0000") {
            assert_eq!(&attrs, want);
        }
    }
    // One notice for the scan, naming the object, column and id of the first such row.
    let first = rows
        .iter()
        .map(|r| text(&r[0]).unwrap())
        .find(|i| i == &id || i == &ids(&mock.dataset().users)[9])
        .unwrap();
    let notices = q.notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let n = &notices[0];
    assert!(
        n.contains("users.unsafe_metadata") && n.contains(&first) && n.contains("U+FFFD"),
        "{n}"
    );
}

#[test]
fn the_030_release_fails_on_the_same_data_as_the_real_host_did() {
    let (mock, _) = nul_mock();
    let mut q = release_030()
        .new_query(QuerySpec {
            columns: vec![("attrs".into(), TypeOid::Json)],
            ..spec(&mock, "users", &[])
        })
        .unwrap();
    q.begin_scan().unwrap();
    let err = loop {
        match q.iter_scan() {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the whole table came back"),
            Err(e) => break e,
        }
    };
    assert!(
        err.starts_with("unsupported Unicode escape sequence"),
        "{err}"
    );
}

#[test]
fn a_subquerys_value_is_not_pushed_down_so_no_row_is_lost() {
    // `where id = (select …)`: the real host hands the guest I64(0) at begin_scan. 0.3.0
    // asked Clerk for GET /users/0 and returned no row; now the list is read and Postgres
    // filters it.
    let mock = mock(30);
    let want = ids(&mock.dataset().users)[3].clone();
    let mut q = query(
        &mock,
        "users",
        text_cols(&["id"]),
        vec![QualSpec::eq("id", s(&want)).from_subquery(0)],
    );
    let rows = q.scan_all().unwrap();
    assert!(first_texts(&rows).contains(&want));
    assert_eq!(rows.len(), 30);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/v1/users");
    let notices = q.notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("users.id"), "{notices:?}");

    // The same with the 0.3.0 release: a request for user "0", and no row.
    mock.clear_requests();
    let mut old = release_030()
        .new_query(QuerySpec {
            quals: vec![QualSpec::eq("id", s(&want)).from_subquery(0)],
            ..spec(&mock, "users", &["id"])
        })
        .unwrap();
    old.begin_scan().unwrap();
    assert!(old.iter_scan().unwrap().is_none(), "0.3.0 lost the row");
    assert_eq!(mock.requests()[0].path, "/v1/users/0");
}

#[test]
fn a_statement_parameter_is_pushed_down_where_the_guard_lets_it_run() {
    // `$1` reaches a scan only through a plan Postgres may run again (tests/plans.rs);
    // with the table option plan_guard 'false' (a SQL function called once per query) its
    // real value is pushed down like a constant.
    let mock = mock(30);
    let want = ids(&mock.dataset().users)[3].clone();
    let run = |qual: QualSpec| {
        host()
            .new_query(QuerySpec {
                table_options: vec![
                    ("object".into(), "users".into()),
                    ("plan_guard".into(), "false".into()),
                ],
                quals: vec![qual],
                ..spec(&mock, "users", &["id"])
            })
            .unwrap()
            .scan_all()
            .unwrap()
    };
    let rows = run(QualSpec::eq("id", s(&want)).with_param(1));
    assert_eq!(first_texts(&rows), vec![want.clone()]);
    assert_eq!(mock.requests()[0].path, format!("/v1/users/{want}"));
    let rows = run(QualSpec::is_in("id", vec![s(&want)]).with_param(1));
    assert_eq!(first_texts(&rows), vec![want]);
}

#[test]
fn a_joins_inner_scan_starts_with_placeholders_and_runs_with_real_values() {
    // A LATERAL subquery's inner scan: begin_scan sees the placeholder, every outer row
    // re-scans it with the real value. Starting must not fail even for a required qual.
    let mock = mock(30);
    let ds = mock.dataset();
    let users = ids(&ds.users);
    let mut q = query(
        &mock,
        "user_billing_subscriptions",
        text_cols(&["user_id", "status"]),
        vec![],
    );
    let found = join_inner(&mut q, "user_id", &users[..6]);
    let want = ds
        .user_subscriptions
        .iter()
        .filter(|(u, _)| users[..6].contains(u))
        .count();
    assert_eq!(found, want);
    assert_eq!(mock.requests().len(), 6);
    assert!(
        q.logs().iter().all(|(l, _)| l != "notice"),
        "{:?}",
        q.logs()
    );

    // Asked for rows with only the placeholder, it says what to do.
    let mut q = query(
        &mock,
        "user_billing_subscriptions",
        text_cols(&["user_id"]),
        vec![QualSpec::eq("user_id", s(&users[0])).from_subquery(0)],
    );
    let e = q.scan_all().unwrap_err();
    assert!(e.contains("subquery") && e.contains("user_id"), "{e}");
}
