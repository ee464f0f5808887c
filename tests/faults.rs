//! Faults, each ending with every row exactly once or a clear error, never fewer rows; and
//! the statement's time budget during a rate-limit storm, with the host's own retries
//! emulated on the virtual clock.

mod common;
use clerk_fdw_testhost::host::{Cell, Host, Query, QuerySpec};
use clerk_fdw_testhost::mock::{Fault, MockClerk};
use common::*;
use std::path::Path;

/// `object`'s ids through the component, with the real host's retries emulated.
fn query_with_host_retries(mock: &MockClerk, object: &str, extra: &[(&str, &str)]) -> Query {
    host_query(host(), mock, object, extra)
}

fn host_query(h: &Host, mock: &MockClerk, object: &str, extra: &[(&str, &str)]) -> Query {
    let mut server_options = server_options(mock);
    for (k, v) in extra {
        server_options.push((k.to_string(), v.to_string()));
    }
    h.new_query(QuerySpec {
        server_options,
        table_options: vec![("object".into(), object.into())],
        columns: text_cols(&["id"]),
        host_retries: true,
        ..QuerySpec::default()
    })
    .expect("init")
}

fn assert_every_row_once(rows: &[Vec<Option<Cell>>], want: &[serde_json::Value]) {
    let mut got = first_texts(rows);
    got.sort();
    let mut want = ids(want);
    want.sort();
    assert_eq!(got, want, "every row exactly once");
}

#[test]
fn a_rate_limit_storm_ends_within_the_statements_budget() {
    let mock = mock(50);
    mock.push_fault(Fault::rate_limited("/v1/users", "10", 1_000));
    let mut q = query_with_host_retries(&mock, "users", &[]);
    let e = q.scan_all().unwrap_err();
    assert!(
        e.contains("budget of 30 s") && e.contains("timeout_secs") && e.contains("429"),
        "{e}"
    );
    // The host's retries of the last request (1 + 2 + 4 s) may run past the budget; no
    // wait of ours does.
    let waited = q.waited_ms();
    assert!(waited <= 30_000 + 7_000, "waited {waited} ms");
    assert!(
        mock.requests().len() >= 8,
        "the host and the component both retried"
    );

    // 0.3.0 had no budget: the same storm held the statement for over a minute.
    let mock = common::mock(50);
    mock.push_fault(Fault::rate_limited("/v1/users", "10", 1_000));
    let old = Host::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/clerk_fdw-0.3.0.wasm"),
    )
    .unwrap();
    let mut q = host_query(&old, &mock, "users", &[]);
    q.begin_scan().unwrap();
    assert!(q.iter_scan().is_err());
    assert!(q.waited_ms() > 60_000, "0.3.0 waited {} ms", q.waited_ms());
}

#[test]
fn the_budget_is_a_server_option() {
    let mock = mock(50);
    mock.push_fault(Fault::rate_limited("/v1/users", "2", 1_000));
    let mut q = query_with_host_retries(&mock, "users", &[("timeout_secs", "10")]);
    let e = q.scan_all().unwrap_err();
    assert!(e.contains("budget of 10 s"), "{e}");
    assert!(
        q.waited_ms() <= 10_000 + 7_000,
        "waited {} ms",
        q.waited_ms()
    );
}

#[test]
fn bursts_longer_than_the_hosts_retries_still_give_every_row() {
    let mock = mock(1234);
    // The host retries 3 times, so the component sees 429 (and 503) and retries itself.
    mock.push_fault(Fault::rate_limited("/v1/users", "1", 6));
    mock.push_fault(Fault::status("/v1/organizations", 503, 5));
    mock.push_fault(Fault::status("/v1/organizations", 502, 2));
    let rows = query_with_host_retries(&mock, "users", &[])
        .scan_all()
        .unwrap();
    assert_every_row_once(&rows, &mock.dataset().users);
    let rows = query_with_host_retries(&mock, "organizations", &[])
        .scan_all()
        .unwrap();
    assert_every_row_once(&rows, &mock.dataset().organizations);
}

#[test]
fn broken_pages_are_clear_errors_naming_object_and_path() {
    let mock = mock(20);
    for (body, what) in [
        (r#"{"data":[{"id":"org_1","name":"Ac"#, "malformed JSON"),
        (r#"{"items":[]}"#, "without a data array"),
        ("", "malformed JSON"),
        ("42", "found a scalar"),
    ] {
        mock.push_fault(Fault::body("/v1/organizations", 200, body, 1));
        let e = scan(&mock, "organizations", text_cols(&["id"]), vec![]).unwrap_err();
        assert!(
            e.contains("organizations at /organizations") && e.contains(what),
            "{body:?}: {e}"
        );
    }
}

/// Read `object` to the end, injecting `fault` just after the first page was read.
fn scan_with_fault_after_page_one(
    mock: &MockClerk,
    object: &str,
    fault: impl FnOnce(&MockClerk) -> Fault,
) -> Result<Vec<Vec<Option<Cell>>>, String> {
    let mut q = query(mock, object, text_cols(&["id"]), vec![]);
    q.begin_scan()?;
    let mut rows = vec![q.iter_scan()?.expect("a first row")];
    mock.push_fault(fault(mock));
    while let Some(r) = q.iter_scan()? {
        rows.push(r);
    }
    q.end_scan()?;
    Ok(rows)
}

#[test]
fn a_422_on_the_cursor_mid_scan_falls_back_to_offset() {
    let mock = mock(1234);
    let rows = scan_with_fault_after_page_one(&mock, "users", |_| {
        Fault::body(
            "/v1/users",
            422,
            r#"{"errors":[{"message":"is invalid","code":"form_param_value_invalid"}]}"#,
            1,
        )
    })
    .unwrap();
    assert_every_row_once(&rows, &mock.dataset().users);
    let reqs = mock.requests();
    assert_eq!(reqs.last().unwrap().param("offset"), Some("1000"));
}

#[test]
fn a_page_repeating_the_previous_one_is_never_fewer_rows() {
    // Users (cursor paging): the server ignores starting_after once; offset takes over.
    let mock = mock(1234);
    let rows = scan_with_fault_after_page_one(&mock, "users", |m| {
        Fault::body("/v1/users", 200, &first_page(m, "/users?limit=500"), 1)
    })
    .unwrap();
    assert_every_row_once(&rows, &mock.dataset().users);

    // Offset paging: a repeated page is an error, not a short result.
    let mock = common::mock(4000);
    let total = mock.dataset().organization_memberships.len();
    assert!(total > 500, "needs two pages");
    let e = scan_with_fault_after_page_one(&mock, "organization_memberships", |m| {
        Fault::body(
            "/v1/organization_memberships",
            200,
            &first_page(m, "/organization_memberships?limit=500"),
            1,
        )
    })
    .unwrap_err();
    assert!(
        e.contains("same page of organization_memberships twice"),
        "{e}"
    );
}

/// The body the mock serves for `path_and_query` (its first page), fetched directly.
fn first_page(m: &MockClerk, path_and_query: &str) -> String {
    let headers = vec![
        (
            "authorization".to_string(),
            format!("Bearer {}", m.api_key()),
        ),
        ("clerk-api-version".to_string(), "2026-05-12".to_string()),
    ];
    clerk_fdw_testhost::http::request(
        "GET",
        &format!("{}{path_and_query}", m.base_url()),
        &headers,
        "",
    )
    .unwrap()
    .body
}

#[test]
fn a_list_that_shrinks_between_pages_is_read_again_never_skipped() {
    // Page 2 says a membership was deleted since page 1, so every later row moved up one
    // place: that page is read again from one row earlier, and no row is skipped.
    let mock = common::mock(4000);
    let rows = scan_with_fault_after_page_one(&mock, "organization_memberships", |m| {
        let mut page: serde_json::Value = serde_json::from_str(&first_page(
            m,
            "/organization_memberships?limit=500&offset=500",
        ))
        .unwrap();
        let total = page["total_count"].as_u64().unwrap();
        page["total_count"] = (total - 1).into();
        Fault::body("/v1/organization_memberships", 200, &page.to_string(), 1)
    })
    .unwrap();
    assert_every_row_once(&rows, &mock.dataset().organization_memberships);
    let offsets: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.param("offset").unwrap_or("0").to_string())
        .collect();
    assert_eq!(&offsets[..4], ["0", "500", "500", "499"], "{offsets:?}");
}
