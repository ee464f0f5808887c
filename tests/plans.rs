//! Plans Postgres runs more than once, driven as the real host runs them (`CachedPlan`):
//! the host frees the scan state when an execution ends and a second execution crashes the
//! backend, unless the first `begin_scan` failed (see testhost/src/host/plan.rs). Each shape
//! here was measured in a real Postgres 15 with Wrappers 0.6.2 (docs/host.md).

mod common;
use common::*;

use clerk_fdw_testhost::host::{CachedPlan, Cell, QualSpec, QuerySpec, CRASH, STATE_IS_NULL};
use clerk_fdw_testhost::mock::MockClerk;

fn plan(mock: &MockClerk, table_options: &[(&str, &str)], quals: Vec<QualSpec>) -> CachedPlan {
    let mut options = vec![("object".to_string(), "users".to_string())];
    for (k, v) in table_options {
        options.push((k.to_string(), v.to_string()));
    }
    CachedPlan::new(
        host(),
        QuerySpec {
            server_options: server_options(mock),
            table_options: options,
            columns: text_cols(&["id", "first_name"]),
            quals,
            ..QuerySpec::default()
        },
    )
    .expect("planned")
}

fn assert_refused(e: &str, what: &str) {
    assert!(
        e.contains("clerk_fdw refuses to read users here") && e.contains("plan_cache_mode"),
        "{what}: {e}"
    );
}

fn user(mock: &MockClerk, i: usize) -> String {
    mock.dataset().users[i]["id"].as_str().unwrap().to_string()
}

#[test]
fn plpgsql_generic_plan_with_a_variable_is_an_error_not_a_crash() {
    // `select first_name into r from clerk.users where id = uid` in a plpgsql function.
    let mock = mock(30);
    let uid = user(&mock, 3);
    // Calls 1–5: custom plans, the variable is a constant, each plan runs once.
    for _ in 0..5 {
        let mut p = plan(&mock, &[], vec![QualSpec::eq("id", s(&uid))]);
        assert_eq!(p.execute().unwrap().len(), 1);
    }
    // Call 6 builds the generic plan: the variable ($1, datum 0) is a placeholder.
    let mut generic = plan(
        &mock,
        &[],
        vec![QualSpec::eq("id", s(&uid)).plpgsql_variable(1)],
    );
    mock.clear_requests();
    let e = generic.execute().unwrap_err();
    assert_refused(&e, "call 6");
    assert!(e.contains("alter function"), "{e}");
    assert!(mock.requests().is_empty(), "refused before any request");
    // Calls 7 and 8 run the same plan: the host's assertion, not a crash.
    for call in [7, 8] {
        assert_eq!(generic.execute().unwrap_err(), STATE_IS_NULL, "call {call}");
    }
}

#[test]
fn prepared_statements_generic_plan_is_refused_on_its_first_execution() {
    // `prepare q(text) as … where id = $1`; PostgREST prepares its statements the same way.
    let mock = mock(30);
    let uid = user(&mock, 5);
    let mut generic = plan(&mock, &[], vec![QualSpec::eq("id", s(&uid)).with_param(1)]);
    let e = generic.execute().unwrap_err();
    assert_refused(&e, "execution 6");
    assert!(
        e.contains("prepared statement") && e.contains("alter role"),
        "{e}"
    );
    assert_eq!(generic.execute().unwrap_err(), STATE_IS_NULL);
}

#[test]
fn a_sql_function_called_per_row_stops_at_its_first_call() {
    // `select f(id) from t` with `language sql` f: one plan, executed per row.
    let mock = mock(30);
    let mut f = plan(
        &mock,
        &[],
        vec![QualSpec::eq("id", s(&user(&mock, 1))).with_param(1)],
    );
    assert_refused(&f.execute().unwrap_err(), "row 1");
    for _ in 2..=9 {
        assert_eq!(f.execute().unwrap_err(), STATE_IS_NULL);
    }
}

#[test]
fn the_test_host_fails_a_component_that_lets_a_reused_plan_through() {
    // With the guard off (the escape for a statement the user knows runs once), the
    // model shows what the real host then does on a second execution.
    let mock = mock(30);
    let uid = user(&mock, 2);
    let mut p = plan(
        &mock,
        &[("plan_guard", "false")],
        vec![QualSpec::eq("id", s(&uid)).with_param(1)],
    );
    let rows = p.execute().unwrap();
    assert_eq!(text(&rows[0][0]).as_deref(), Some(uid.as_str()));
    let e = p.execute().unwrap_err();
    assert!(e.starts_with(CRASH), "{e}");
    // A plan without parameters gives the component nothing to recognise: plpgsql's
    // `select count(id) into r from clerk.users` crashes on its second call. The guide says
    // to use `execute` there.
    let mut p = plan(&mock, &[], vec![]);
    assert_eq!(p.execute().unwrap().len(), 30);
    assert!(p.execute().unwrap_err().starts_with(CRASH));
}

#[test]
fn the_guard_option_is_checked_by_name() {
    let mock = mock(5);
    let mut p = plan(&mock, &[("plan_guard", "maybe")], vec![]);
    let e = p.execute().unwrap_err();
    assert!(e.contains("table option plan_guard 'maybe'"), "{e}");
    let q = host().new_query(QuerySpec {
        server_options: [
            server_options(&mock),
            vec![("plan_guard".into(), "nope".into())],
        ]
        .concat(),
        ..QuerySpec::default()
    });
    let e = q.err().expect("init refuses it").to_string();
    assert!(e.contains("server option plan_guard 'nope'"), "{e}");
}

#[test]
fn what_works_today_keeps_working() {
    let mock = mock(40);
    let ids: Vec<String> = (0..4).map(|i| user(&mock, i)).collect();
    // A LATERAL join or correlated subquery: its value is parameter 0, a placeholder at
    // executor start, then real in every rescan's begin_scan.
    let mut q = query(&mock, "users", text_cols(&["id"]), vec![]);
    assert_eq!(join_inner(&mut q, "id", &ids), 4);
    // `where id = (select …)`: parameter 0, never known to the scan; read without it.
    let want = ids[2].clone();
    let rows = scan(
        &mock,
        "users",
        text_cols(&["id"]),
        vec![QualSpec::eq("id", s(&want)).from_subquery(0)],
    )
    .unwrap();
    assert!(first_texts(&rows).contains(&want));
    // PREPARE's first five executions: custom plans, the value is a constant.
    for _ in 0..5 {
        let mut p = plan(&mock, &[], vec![QualSpec::eq("id", s(&ids[1]))]);
        assert_eq!(p.execute().unwrap().len(), 1);
    }
    // Two correlated subqueries (parameters 0 and 1): refused by default, like a
    // function's variable; with the table option plan_guard 'false' they run.
    let mut q = query(&mock, "users", text_cols(&["id"]), vec![]);
    q.set_quals(vec![QualSpec::eq("id", s(&ids[0])).from_subquery(1)]);
    assert_refused(&q.begin_scan().unwrap_err(), "parameter 1");
    let mut q = host()
        .new_query(QuerySpec {
            server_options: server_options(&mock),
            table_options: vec![
                ("object".into(), "users".into()),
                ("plan_guard".into(), "false".into()),
            ],
            columns: text_cols(&["id"]),
            ..QuerySpec::default()
        })
        .unwrap();
    q.set_quals(vec![QualSpec::eq("id", s(&ids[0])).from_subquery(1)]);
    q.begin_scan().unwrap();
    for v in &ids {
        q.rescan_with_quals(vec![QualSpec::eq("id", s(v)).with_param(1)])
            .unwrap();
        assert_eq!(
            first_texts(&[q.iter_scan().unwrap().unwrap()]),
            vec![v.clone()]
        );
        assert!(q.iter_scan().unwrap().is_none());
    }
    q.end_scan().unwrap();
}

#[test]
fn an_unset_parameters_zero_is_never_pushed() {
    // `created_at < (select now())` and `banned = (select true)`: the host hands over
    // 2000-01-01 and false before the subquery runs. Pushed, they returned no row.
    let mock = mock(40);
    let ds = mock.dataset();
    let all = scan(&mock, "users", text_cols(&["id"]), vec![])
        .unwrap()
        .len();
    mock.clear_requests();
    let rows = scan(
        &mock,
        "users",
        cols(&[("id", clerk_fdw_testhost::host::TypeOid::String)]),
        vec![
            QualSpec::op("created_at", "<", Cell::Timestamptz(4_102_444_800_000_000))
                .from_subquery(0),
        ],
    )
    .unwrap();
    assert_eq!(rows.len(), all, "Postgres filters the whole list");
    assert!(mock
        .requests()
        .iter()
        .all(|r| r.param("created_at_before").is_none()));
    let rows = scan(
        &mock,
        "users",
        text_cols(&["id"]),
        vec![QualSpec::eq("banned", Cell::Bool(true)).from_subquery(0)],
    )
    .unwrap();
    let banned = ds.users.iter().filter(|u| u["banned"] == true).count();
    assert!(rows.len() >= banned && banned > 0);
    assert!(mock.requests().iter().all(|r| r.param("banned").is_none()));
}
