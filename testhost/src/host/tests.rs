use super::*;

#[test]
fn status_errors() {
    assert_eq!(error_for_status(200, "http://x"), Ok(()));
    assert_eq!(error_for_status(302, "http://x"), Ok(()));
    assert_eq!(
        error_for_status(404, "http://x/users?a=1"),
        Err("HTTP status error (404 Not Found) for url (http://x/users?a=1)".to_string())
    );
    assert!(error_for_status(599, "u")
        .unwrap_err()
        .contains("(599 <unknown status code>)"));
    assert_eq!(error_for_status(600, "u"), Ok(()));
    assert!(error_for_status(42, "u").is_err());
}

#[test]
fn time_functions_are_chronos() {
    use time::Host as _;
    let mut st = state_with_columns(0);
    assert_eq!(
        st.parse_from_rfc3339("1970-01-01T00:00:00Z".into())
            .unwrap(),
        Ok(0)
    );
    assert_eq!(
        st.parse_from_rfc3339("2024-02-29T14:34:56.789+02:00".into())
            .unwrap(),
        Ok(1_709_210_096_789_000)
    );
    assert!(st
        .parse_from_rfc3339("2023-02-29T00:00:00Z".into())
        .unwrap()
        .is_err());
    assert_eq!(
        st.epoch_ms_to_rfc3339(1_709_210_096_789_000).unwrap(),
        Ok("2024-02-29T12:34:56.789+00:00".to_string())
    );
}

#[test]
fn sql_backed_calls_fail_only_at_executor_end() {
    use stats::Host as _;
    use utils::Host as _;
    let mut st = state_with_columns(0);
    for phase in [Phase::Plan, Phase::Start, Phase::Run] {
        st.phase = phase;
        assert!(st.inc_stats("f".into(), stats::Metric::RowsOut, 1).is_ok());
        assert!(st.get_vault_secret("x".into()).is_ok());
    }
    assert_eq!(st.stats.rows_out, 3);
    st.phase = Phase::End;
    let e = st
        .inc_stats("f".into(), stats::Metric::RowsOut, 1)
        .unwrap_err();
    assert!(e.to_string().contains(NO_SNAPSHOT), "{e}");
    assert_eq!(st.pending_error.take().as_deref(), Some(NO_SNAPSHOT));
    assert_eq!(st.stats.rows_out, 3, "nothing was written");
    assert!(st.get_metadata("f".into()).is_err());
    assert!(st.set_metadata("f".into(), Some("{}".into())).is_err());
    assert!(st.get_vault_secret("x".into()).is_err());
    assert!(st.get_vault_secret_by_name("x".into()).is_err());
    assert!(st.query_setting("x".into()).is_err());
    // Messages to the user are not SQL: fine at executor end.
    assert!(st.report_notice("n".into()).is_ok());
}

#[test]
fn rendering_and_deparse() {
    assert_eq!(pgcell::render(&Cell::String("a".into())), "'a'");
    assert_eq!(pgcell::render(&Cell::Date(0)), "'1970-01-01'");
    assert_eq!(
        pgcell::render(&Cell::Timestamptz(1_500_000)),
        "'1970-01-01 00:00:01.5+00'"
    );
    let q = QualSpec::is_in(
        "id",
        vec![Cell::String("a".into()), Cell::String("b".into())],
    );
    assert_eq!(deparse_qual(&q), "id = 'a' or id = 'b'");
    assert_eq!(deparse_qual(&QualSpec::is_null("email")), "email is null");
    assert_eq!(
        deparse_qual(&QualSpec::op("name", "~~", Cell::String("a%".into()))),
        "name like 'a%'"
    );
    assert_eq!(
        deparse_sort(&SortSpec::desc("created_at")),
        "created_at desc nulls first"
    );
}

fn state_with_columns(n: usize) -> HostState {
    let mut st = HostState::new(HashMap::new(), HashMap::new());
    st.columns = (0..n).map(|i| (format!("c{i}"), TypeOid::String)).collect();
    st
}

#[test]
fn bad_headers_are_host_panics_and_send_nothing() {
    use http::Host as _;
    let mut st = state_with_columns(0);
    let req = |h: (&str, &str)| http::Request {
        method: http::Method::Get,
        url: "http://127.0.0.1:9/x".to_string(),
        headers: vec![(h.0.to_string(), h.1.to_string())],
        body: String::new(),
    };
    for bad in [
        ("Authorization", "Bearer x"),
        ("", "x"),
        ("bad header", "x"),
        ("authorization", "Bearer x\n"),
        ("authorization", "a\rb"),
        ("authorization", "a\u{7f}"),
    ] {
        let e = st.get(req(bad)).unwrap_err();
        assert!(e.to_string().starts_with("host panic:"), "{bad:?}: {e}");
        assert!(st.pending_error.take().unwrap().starts_with("host panic:"));
    }
    assert!(st.http_calls.is_empty());
    assert_eq!(st.stats.http_requests, 0);
}

#[test]
fn row_push_rules() {
    use types::HostRow as _;
    let mut st = state_with_columns(1);
    let row = st.table.push(RowRes::default()).unwrap();
    let rep = row.rep();
    let r = || Resource::<RowRes>::new_borrow(rep);
    assert!(st.push(r(), Some(Cell::Json("{\"a\":1}".into()))).is_ok());
    // one more cell than columns: the real host indexes past `columns` and panics
    let e = st.push(r(), None).unwrap_err();
    assert!(
        e.to_string().starts_with("host panic: index out of bounds"),
        "{e}"
    );
    let mut st = state_with_columns(1);
    let row = st.table.push(RowRes::default()).unwrap();
    let rep = row.rep();
    let e = st
        .push(Resource::new_borrow(rep), Some(Cell::Json("nope".into())))
        .unwrap_err();
    assert!(
        e.to_string().starts_with("host panic: convert cell failed"),
        "{e}"
    );
    assert_eq!(
        st.cols(Resource::new_borrow(rep)).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn options_and_report_error() {
    use types::HostOptions as _;
    use utils::Host as _;
    let mut st = HostState::new(
        [("api_key".to_string(), "k".to_string())]
            .into_iter()
            .collect(),
        HashMap::new(),
    );
    let o = st.new(types::OptionsType::Server).unwrap();
    let rep = o.rep();
    let b = || Resource::<OptionsRes>::new_borrow(rep);
    assert_eq!(
        st.require(b(), "api_key".into()).unwrap(),
        Ok("k".to_string())
    );
    assert_eq!(
        st.require(b(), "nope".into()).unwrap(),
        Err("required option `nope` is not specified".to_string())
    );
    assert_eq!(st.require_or(b(), "nope".into(), "d".into()).unwrap(), "d");
    let e = st.new(types::OptionsType::Other("x".into())).unwrap_err();
    assert!(e.to_string().starts_with("host panic:"));
    st.pending_error = None;
    assert!(st.report_error("boom".into()).is_err());
    assert_eq!(st.pending_error.as_deref(), Some("boom"));
    assert_eq!(st.logs, vec![("error".to_string(), "boom".to_string())]);
}

#[test]
fn default_path_points_into_workspace_target() {
    if std::env::var_os("CLERK_FDW_WASM").is_none() {
        let p = Host::default_wasm_path();
        assert!(p.ends_with("target/wasm32-unknown-unknown/release/clerk_fdw.wasm"));
    }
}

#[test]
fn load_missing_component_is_an_error() {
    let err = Host::load(Path::new("/nonexistent/clerk_fdw.wasm"))
        .err()
        .expect("must fail");
    let msg = format!("{err:#}");
    assert!(msg.contains("/nonexistent/clerk_fdw.wasm"), "{msg}");
}
