//! Errors say what to fix, retries are bounded, and the key never leaks.

mod common;
use clerk_fdw_testhost::host::{QualSpec, QuerySpec, TypeOid};
use clerk_fdw_testhost::mock::{Fault, MockClerk};
use common::*;

fn spec(mock: &MockClerk, object: &str, server: Vec<(String, String)>) -> QuerySpec {
    QuerySpec {
        server_options: server,
        table_options: vec![("object".into(), object.into())],
        columns: text_cols(&["id"]),
        ..QuerySpec::default()
    }
    .with_url(mock)
}

trait WithUrl {
    fn with_url(self, mock: &MockClerk) -> Self;
}
impl WithUrl for QuerySpec {
    fn with_url(mut self, mock: &MockClerk) -> Self {
        if !self.server_options.iter().any(|(k, _)| k == "api_url") {
            self.server_options
                .push(("api_url".into(), format!("{}/", mock.base_url())));
        }
        self
    }
}

fn fault(path: &str, status: u16, headers: &[(&str, &str)], body: &str, times: usize) -> Fault {
    Fault {
        path_prefix: path.into(),
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.into(),
        times,
        method: None,
        applied: false,
    }
}

#[test]
fn a_missing_or_empty_key_fails_at_init() {
    let mock = mock(3);
    for server in [vec![], vec![("api_key".to_string(), "   ".to_string())]] {
        let err = host()
            .new_query(spec(&mock, "users", server))
            .err()
            .expect("init fails");
        let err = format!("{err:#}");
        assert!(err.contains("api_key"), "{err}");
    }
    assert!(mock.requests().is_empty(), "no request without a key");
}

#[test]
fn a_key_with_a_trailing_newline_works_and_headers_are_right() {
    let mock = mock(3);
    let server = vec![("api_key".to_string(), format!("{KEY}\n"))];
    let mut q = host().new_query(spec(&mock, "users", server)).unwrap();
    assert_eq!(q.scan_all().unwrap().len(), 3);
    let r = &mock.requests()[0];
    let h = |k: &str| {
        r.headers
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(h("authorization"), Some(format!("Bearer {KEY}")));
    assert!(h("user-agent").unwrap().starts_with("clerk-fdw/"));
    assert!(h("clerk-api-version").unwrap().as_str() >= "2025-11-10");
    assert_eq!(r.path, "/v1/users", "trailing slash in api_url is harmless");
}

#[test]
fn the_key_comes_from_vault_with_api_key_id() {
    let mock = mock(3);
    let mut s = spec(
        &mock,
        "domains",
        vec![("api_key_id".into(), "5f1c-vault-id".into())],
    );
    s.vault = vec![("5f1c-vault-id".into(), KEY.into())];
    let mut q = host().new_query(s).unwrap();
    assert_eq!(q.scan_all().unwrap().len(), mock.dataset().domains.len());
    let err = host()
        .new_query(spec(
            &mock,
            "domains",
            vec![("api_key_id".into(), "nope".into())],
        ))
        .err()
        .unwrap();
    assert!(format!("{err:#}").contains("api_key_id 'nope'"));
}

#[test]
fn a_rejected_key_says_so_without_the_key() {
    let mock = mock(3);
    let bad = "sk_test_wrong_key_123";
    let mut q = host()
        .new_query(spec(&mock, "users", vec![("api_key".into(), bad.into())]))
        .unwrap();
    let err = q.scan_all().unwrap_err();
    assert!(
        err.contains("rejected the API key") && err.contains("401"),
        "{err}"
    );
    assert!(
        err.contains("authentication_invalid"),
        "Clerk's reason is shown: {err}"
    );
    assert!(!err.contains(bad), "{err}");
}

#[test]
fn rate_limits_honour_retry_after_then_succeed() {
    let mock = mock(30);
    mock.push_fault(fault("/v1/users", 429, &[("Retry-After", "3")], "{}", 2));
    let mut q = query(&mock, "users", text_cols(&["id"]), vec![]);
    assert_eq!(q.scan_all().unwrap().len(), 30);
    assert_eq!(q.sleeps(), vec![3000, 3000]);
    assert_eq!(mock.requests().len(), 3);
}

#[test]
fn persistent_rate_limit_and_server_errors_are_bounded_clear_errors() {
    let mock = mock(3);
    mock.push_fault(fault("/v1/users", 429, &[("retry-after", "1")], "{}", 1000));
    let mut q = query(&mock, "users", text_cols(&["id"]), vec![]);
    let err = q.scan_all().unwrap_err();
    assert!(err.contains("429") && err.contains("users"), "{err}");
    let n = mock.requests().len();
    assert!((2..=6).contains(&n), "bounded attempts, got {n}");
    assert!(q.sleeps().iter().sum::<u64>() <= 60_000);

    let mock =
        clerk_fdw_testhost::mock::MockClerk::start(clerk_fdw_testhost::mock::Dataset::generate(3));
    mock.push_fault(fault(
        "/v1/organizations",
        503,
        &[],
        "<html>oops</html>",
        1000,
    ));
    let err = scan(&mock, "organizations", text_cols(&["id"]), vec![]).unwrap_err();
    assert!(
        err.contains("HTTP 503") && err.contains("organizations") && !err.contains("html"),
        "{err}"
    );
    assert!(mock.requests().len() <= 4);
}

#[test]
fn transient_server_errors_are_retried() {
    let mock = mock(10);
    mock.push_fault(fault("/v1/invitations", 500, &[], "", 1));
    let rows = scan(&mock, "invitations", text_cols(&["id"]), vec![]).unwrap();
    assert_eq!(rows.len(), mock.dataset().invitations.len());
}

#[test]
fn malformed_json_names_object_and_path_but_not_the_query() {
    let mock = mock(10);
    mock.push_fault(fault("/v1/users", 200, &[], "{\"data\": [", 1));
    let err = scan(
        &mock,
        "users",
        text_cols(&["id"]),
        vec![QualSpec::eq("email_address", s("ann+x@example.com"))],
    )
    .unwrap_err();
    assert!(
        err.contains("users at /users") && err.contains("malformed JSON"),
        "{err}"
    );
    assert!(!err.contains("example.com") && !err.contains('?'), "{err}");
}

#[test]
fn a_list_404_is_an_error_naming_api_url() {
    let mock = mock(3);
    let mut s = spec(&mock, "users", vec![("api_key".into(), KEY.into())]);
    s.server_options
        .push(("api_url".into(), format!("{}/nope", mock.base_url())));
    s.server_options
        .retain(|(k, v)| k != "api_url" || v.ends_with("/nope"));
    let err = host().new_query(s).unwrap().scan_all().unwrap_err();
    assert!(err.contains("404") && err.contains("api_url"), "{err}");
}

#[test]
fn a_missing_required_qual_shows_an_example() {
    let mock = mock(3);
    for (object, col) in [
        ("user_billing_subscriptions", "user_id"),
        ("organization_billing_subscriptions", "organization_id"),
        ("billing_payment_attempts", "statement_id"),
    ] {
        let err = scan(&mock, object, text_cols(&["id"]), vec![]).unwrap_err();
        assert!(err.contains(&format!("where {col} = ")), "{err}");
        assert!(err.contains(object), "{err}");
    }
    assert!(mock.requests().is_empty());
}

#[test]
fn debug_logs_paths_without_query_strings_or_key() {
    let mock = mock(5);
    let mut s = spec(
        &mock,
        "users",
        vec![
            ("api_key".into(), KEY.into()),
            ("debug".into(), "true".into()),
        ],
    );
    s.quals = vec![QualSpec::eq("email_address", s_("bob+1@example.com"))];
    let mut q = host().new_query(s).unwrap();
    q.scan_all().unwrap();
    let logs = q.logs();
    assert!(
        logs.iter().any(|(_, m)| m.contains("GET /users")),
        "{logs:?}"
    );
    for (_, m) in &logs {
        assert!(
            !m.contains("example.com") && !m.contains(KEY) && !m.contains('?'),
            "{m}"
        );
    }
    // Every request the guest sent kept the key in the header only.
    for call in q.http_requests() {
        assert!(!call.url.contains(KEY));
    }
}

fn s_(v: &str) -> clerk_fdw_testhost::host::Cell {
    s(v)
}

#[test]
fn stats_are_written_per_page_not_per_row() {
    let mock = mock(1100);
    let mut q = query(&mock, "users", cols(&[("id", TypeOid::String)]), vec![]);
    assert_eq!(q.scan_all().unwrap().len(), 1100);
    let st = q.stats();
    assert_eq!(st.rows_in, 1100);
    assert_eq!(st.rows_out, 1100);
    assert!(st.bytes_in > 0);
    // init (1) + 3 pages × (rows in, bytes in, rows out); none at end_scan
    assert_eq!(st.calls, 10, "{} stats calls", st.calls);
}
