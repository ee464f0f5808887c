//! Paging, LIMIT, re-scan, typed columns and NULLs through the real component.

mod common;
use clerk_fdw_testhost::host::{Cell, TypeOid};
use common::*;
use serde_json::Value;

#[test]
fn users_page_with_a_cursor_and_every_user_comes_once() {
    let mock = mock(1234);
    let rows = scan(&mock, "users", text_cols(&["id"]), vec![]).unwrap();
    let got = first_texts(&rows);
    let want = ids(&newest_first(&mock.dataset().users));
    assert!(
        got == want,
        "every user once, in Clerk's order (newest first)"
    );
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3, "1234 users = 3 pages of ≤500");
    assert_eq!(reqs[0].param("limit"), Some("500"));
    assert_eq!(reqs[0].param("starting_after"), None);
    assert_eq!(reqs[1].param("starting_after"), Some(got[499].as_str()));
    assert_eq!(reqs[1].param("offset"), None, "no deep offsets");
}

#[test]
fn limit_makes_one_small_request_and_stops_when_postgres_stops() {
    let mock = mock(1200);
    let mut q = query(&mock, "users", text_cols(&["id"]), vec![]);
    q.set_limit(Some((5, 0)));
    q.begin_scan().unwrap();
    for _ in 0..5 {
        assert!(q.iter_scan().unwrap().is_some());
    }
    q.end_scan().unwrap();
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].param("limit"), Some("5"));
    // Counted as the page's last row went out: end_scan may not write stats.
    assert_eq!(q.stats().rows_out, 5);
}

#[test]
fn limit_with_a_local_order_by_still_sees_every_row() {
    // ORDER BY created_at LIMIT 5: Postgres sorts locally (the host offers no sorted
    // path), so it reads everything even though the host passes LIMIT 5 and the sort.
    let mock = mock(1200);
    let mut q = query(
        &mock,
        "users",
        cols(&[
            ("id", TypeOid::String),
            ("created_at", TypeOid::Timestamptz),
        ]),
        vec![],
    );
    q.set_limit(Some((5, 0)));
    q.set_sorts(vec![clerk_fdw_testhost::host::SortSpec::asc("created_at")]);
    let mut rows = q.scan_all().unwrap();
    assert_eq!(rows.len(), 1200);
    rows.sort_by_key(|r| match r[1] {
        Some(Cell::Timestamptz(t)) => t,
        _ => panic!("created_at"),
    });
    let mut users = mock.dataset().users.clone();
    users.sort_by_key(|u| u["created_at"].as_i64().unwrap());
    let want: Vec<String> = ids(&users[..5]);
    assert_eq!(first_texts(&rows[..5]), want);
    // Full pages from the start: a LIMIT-sized first page would be one request more.
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| r.param("limit") == Some("500")));
}

#[test]
fn rescan_replays_without_new_requests() {
    // As a nested loop's inner side: rescanned before its first read, then per outer row.
    let mock = mock(50);
    let mut q = query(&mock, "organizations", text_cols(&["id"]), vec![]);
    q.begin_scan().unwrap();
    q.re_scan().unwrap();
    let mut first = vec![];
    while let Some(r) = q.iter_scan().unwrap() {
        first.push(text(&r[0]).unwrap());
    }
    let before = mock.requests().len();
    for _ in 0..3 {
        q.re_scan().unwrap();
        let mut again = vec![];
        while let Some(r) = q.iter_scan().unwrap() {
            again.push(text(&r[0]).unwrap());
        }
        assert_eq!(again, first);
    }
    q.end_scan().unwrap();
    assert_eq!(mock.requests().len(), before);
}

#[test]
fn param_change_begins_a_new_scan() {
    // A join passes the outer value as a param; when it changes the host calls
    // end_scan + begin_scan with the new quals while the executor runs.
    let mock = mock(60);
    let ds = mock.dataset();
    let mut q = query(
        &mock,
        "user_billing_subscriptions",
        text_cols(&["user_id", "id"]),
        vec![],
    );
    let found = join_inner(&mut q, "user_id", &ids(&ds.users)[..9]);
    let want = ds
        .user_subscriptions
        .iter()
        .filter(|(u, _)| ids(&ds.users)[..9].contains(u))
        .count();
    assert_eq!(found, want);
    assert_eq!(mock.requests().len(), 9);
}

fn ms_to_us(v: &Value) -> Option<Cell> {
    v.as_i64().map(|ms| Cell::Timestamptz(ms * 1000))
}

#[test]
fn typed_columns_nulls_and_unicode_match_the_json() {
    let mock = mock(120);
    let rows = scan(
        &mock,
        "users",
        cols(&[
            ("id", TypeOid::String),
            ("first_name", TypeOid::String),
            ("external_id", TypeOid::String),
            ("locale", TypeOid::String),
            ("banned", TypeOid::Bool),
            ("created_at", TypeOid::Timestamptz),
            ("last_active_at", TypeOid::Timestamptz),
            ("public_metadata", TypeOid::Json),
            ("private_metadata", TypeOid::Json),
            ("email_addresses", TypeOid::Json),
            ("primary_email_address", TypeOid::String),
            ("updated_at", TypeOid::I64),
            ("created_at", TypeOid::Date),
        ]),
        vec![],
    )
    .unwrap();
    let users = &mock.dataset().users;
    assert_eq!(rows.len(), users.len());
    let (mut missing_locale, mut null_locale, mut unicode) = (0, 0, 0);
    for row in &rows {
        let u = by_id(users, &text(&row[0]).unwrap());
        assert_eq!(row.len(), 13);
        assert_eq!(text(&row[0]).as_deref(), u["id"].as_str());
        assert_eq!(text(&row[1]).as_deref(), u["first_name"].as_str());
        assert_eq!(text(&row[2]).as_deref(), u["external_id"].as_str());
        match u.get("locale") {
            None => missing_locale += 1,
            Some(Value::Null) => null_locale += 1,
            _ => {}
        }
        assert_eq!(
            text(&row[3]).as_deref(),
            u.get("locale").and_then(Value::as_str)
        );
        assert_eq!(row[4], u["banned"].as_bool().map(Cell::Bool));
        assert_eq!(row[5], ms_to_us(&u["created_at"]));
        assert_eq!(row[6], ms_to_us(&u["last_active_at"]));
        assert_eq!(json(&row[7]), u["public_metadata"]);
        assert_eq!(
            json(&row[8]),
            u.get("private_metadata").cloned().unwrap_or(Value::Null)
        );
        assert_eq!(json(&row[9]), u["email_addresses"]);
        let primary = u["email_addresses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == u["primary_email_address_id"])
            .map(|e| e["email_address"].as_str().unwrap().to_string());
        assert_eq!(text(&row[10]), primary);
        assert_eq!(row[11], u["updated_at"].as_i64().map(Cell::I64));
        let days = u["created_at"].as_i64().unwrap().div_euclid(1000);
        assert_eq!(row[12], Some(Cell::Date(days)));
        if text(&row[1]).is_some_and(|n| !n.is_ascii()) {
            unicode += 1;
        }
    }
    assert!(
        missing_locale > 0 && null_locale > 0 && unicode > 0,
        "the dataset covers the hard cases"
    );
}

#[test]
fn derived_membership_and_billing_columns() {
    let mock = mock(80);
    let ds = mock.dataset();
    let rows = scan(
        &mock,
        "organization_memberships",
        text_cols(&["id", "user_id", "organization_id"]),
        vec![],
    )
    .unwrap();
    assert_eq!(rows.len(), ds.organization_memberships.len());
    for row in &rows {
        let m = by_id(&ds.organization_memberships, &text(&row[0]).unwrap());
        assert_eq!(
            text(&row[1]).as_deref(),
            m["public_user_data"]["user_id"].as_str()
        );
        assert_eq!(text(&row[2]).as_deref(), m["organization"]["id"].as_str());
    }
    let rows = scan(
        &mock,
        "billing_plans",
        cols(&[
            ("id", TypeOid::String),
            ("fee_amount", TypeOid::I64),
            ("fee", TypeOid::Json),
        ]),
        vec![],
    )
    .unwrap();
    assert_eq!(rows.len(), ds.billing_plans.len());
    for row in &rows {
        let p = by_id(&ds.billing_plans, &text(&row[0]).unwrap());
        assert_eq!(row[1], p["fee"]["amount"].as_i64().map(Cell::I64));
        assert_eq!(json(&row[2]), p["fee"]);
    }
    let rows = scan(
        &mock,
        "billing_subscription_items",
        cols(&[
            ("id", TypeOid::String),
            ("proration_date", TypeOid::Date),
            ("period_start", TypeOid::Timestamptz),
        ]),
        vec![],
    )
    .unwrap();
    assert!(rows.iter().any(|r| matches!(r[1], Some(Cell::Date(_)))));
}

#[test]
fn a_value_of_the_wrong_type_is_a_clear_error() {
    let mock = mock(20);
    let err = scan(
        &mock,
        "users",
        cols(&[("id", TypeOid::String), ("first_name", TypeOid::I32)]),
        vec![],
    )
    .unwrap_err();
    assert!(
        err.contains("\"first_name\"") && err.contains("users") && err.contains("integer"),
        "{err}"
    );
}

#[test]
fn count_star_with_no_columns_counts_every_row() {
    let mock = mock(700);
    let rows = scan(&mock, "users", vec![], vec![]).unwrap();
    assert_eq!(rows.len(), 700);
    assert!(rows.iter().all(Vec::is_empty));
}

#[test]
fn guest_memory_is_bounded_by_pages_not_rows_and_nothing_leaks() {
    // The component brings its own allocator (src/heap.rs): a leak or a block that is never
    // reused would show here as memory growing with the table or with repeated scans.
    let columns = cols(&[
        ("attrs", TypeOid::Json),
        ("id", TypeOid::String),
        ("created_at", TypeOid::Timestamptz),
    ]);
    let peak = |m: &clerk_fdw_testhost::mock::MockClerk, scans: usize| {
        let mut q = query(m, "users", columns.clone(), vec![]);
        for _ in 0..scans {
            let rows = q.scan_all().unwrap();
            assert_eq!(rows.len(), m.dataset().users.len());
        }
        q.guest_memory_bytes()
    };
    let small = mock(3_000);
    let one = peak(&small, 1);
    assert_eq!(
        peak(&mock(12_000), 1),
        one,
        "4x the rows, the same peak memory"
    );
    assert!(one < 8 << 20, "peak {one} bytes: about two pages of JSON");
    // Later scans of an instance are a join's inner side and keep their rows for re-scans
    // (see tests/joins.rs); without that, three scans peak no higher than one.
    let mut q = query(&small, "users", columns.clone(), vec![]);
    q.set_table_options(vec![
        ("object".into(), "users".into()),
        ("replay_mb".into(), "0".into()),
    ]);
    for _ in 0..3 {
        assert_eq!(q.scan_all().unwrap().len(), 3_000);
    }
    assert_eq!(q.guest_memory_bytes(), one, "nothing leaks between scans");
}
