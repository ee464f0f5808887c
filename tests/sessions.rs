//! `sessions`: listed per user (Clerk deprecated listing them all), by id, filtered by
//! status, with the latest activity flattened.

mod common;
use clerk_fdw_testhost::host::{Cell, QualSpec, TypeOid};
use common::*;
use serde_json::Value;

fn sessions_of(mock: &clerk_fdw_testhost::mock::MockClerk, user: &str) -> Vec<Value> {
    let all = &mock.dataset().sessions;
    all.iter()
        .filter(|s| s["user_id"] == user)
        .cloned()
        .collect()
}

#[test]
fn a_users_sessions_every_one_once_one_request_per_user() {
    let mock = mock(40);
    let users = ids(&mock.dataset().users);
    let some: Vec<String> = users[1..9].to_vec();
    let rows = scan(
        &mock,
        "sessions",
        cols(&[
            ("id", TypeOid::String),
            ("user_id", TypeOid::String),
            ("status", TypeOid::String),
            ("city", TypeOid::String),
            ("is_mobile", TypeOid::Bool),
            ("last_active_at", TypeOid::Timestamptz),
            ("attrs", TypeOid::Json),
        ]),
        vec![QualSpec::is_in(
            "user_id",
            some.iter().map(|u| s(u)).collect(),
        )],
    )
    .unwrap();
    let mut want: Vec<Value> = vec![];
    for u in &some {
        want.extend(sessions_of(&mock, u));
    }
    assert_eq!(rows.len(), want.len());
    assert!(want.len() > 8, "several users have several sessions");
    for r in &rows {
        let attrs = json(&r[6]);
        let w = want
            .iter()
            .find(|w| w["id"] == attrs["id"])
            .expect("a wanted session");
        assert_eq!(&attrs, w);
        assert_eq!(text(&r[1]).as_deref(), w["user_id"].as_str());
        assert_eq!(
            text(&r[3]).as_deref(),
            w["latest_activity"]["city"].as_str()
        );
        assert_eq!(
            r[4],
            Some(Cell::Bool(
                w["latest_activity"]["is_mobile"].as_bool().unwrap()
            ))
        );
        let ms = w["last_active_at"].as_i64().unwrap();
        assert_eq!(r[5], Some(Cell::Timestamptz(ms * 1000)));
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), some.len(), "one request per user");
    for (req, u) in reqs.iter().zip(&some) {
        assert_eq!(req.path, "/v1/sessions");
        assert_eq!(req.param("user_id"), Some(u.as_str()));
        assert_eq!(req.param("paginated"), Some("true"));
    }
}

#[test]
fn status_is_pushed_down_and_id_is_a_lookup() {
    let mock = mock(40);
    let user = ids(&mock.dataset().users)[7].clone();
    let rows = scan(
        &mock,
        "sessions",
        text_cols(&["id", "status"]),
        vec![
            QualSpec::eq("user_id", s(&user)),
            QualSpec::eq("status", s("ended")),
        ],
    )
    .unwrap();
    let want: Vec<_> = sessions_of(&mock, &user)
        .into_iter()
        .filter(|x| x["status"] == "ended")
        .collect();
    assert_eq!(rows.len(), want.len());
    assert_eq!(mock.requests()[0].param("status"), Some("ended"));

    // A status Clerk does not know is left to Postgres, not sent.
    mock.clear_requests();
    scan(
        &mock,
        "sessions",
        text_cols(&["id"]),
        vec![
            QualSpec::eq("user_id", s(&user)),
            QualSpec::eq("status", s("pending")),
        ],
    )
    .unwrap();
    assert_eq!(mock.requests()[0].param("status"), None);

    // By id: GET /sessions/{id}, no user needed; an unknown id is no row.
    let one = mock.dataset().sessions[3]["id"]
        .as_str()
        .unwrap()
        .to_string();
    mock.clear_requests();
    let rows = scan(
        &mock,
        "sessions",
        text_cols(&["id"]),
        vec![QualSpec::eq("id", s(&one))],
    )
    .unwrap();
    assert_eq!(first_texts(&rows), vec![one.clone()]);
    assert_eq!(mock.requests()[0].path, format!("/v1/sessions/{one}"));
    let rows = scan(
        &mock,
        "sessions",
        text_cols(&["id"]),
        vec![QualSpec::eq("id", s("sess_nope"))],
    )
    .unwrap();
    assert!(rows.is_empty());
}

#[test]
fn without_a_user_it_says_what_to_add() {
    let mock = mock(10);
    let e = scan(&mock, "sessions", text_cols(&["id"]), vec![]).unwrap_err();
    assert!(
        e.contains("sessions needs a WHERE condition on user_id"),
        "{e}"
    );
    assert!(mock.requests().is_empty());
    // The import lists it with its columns.
    let stmts = query(&mock, "users", vec![], vec![])
        .import_foreign_schema(
            "clerk_server",
            "clerk",
            "clerk",
            clerk_fdw_testhost::host::ImportListType::LimitTo,
            vec!["sessions".into()],
        )
        .unwrap();
    let ddl = stmts
        .iter()
        .find(|s| s.contains(" sessions ("))
        .expect("sessions DDL");
    for col in [
        "user_id text",
        "browser_name text",
        "latest_activity jsonb",
        "expire_at timestamptz",
    ] {
        assert!(ddl.contains(col), "{ddl}");
    }
}
