//! Child tables: one row per element of a user's arrays (email addresses, phone numbers,
//! external accounts, web3 wallets), read from the same `/users` pages as `users`.

mod common;
use clerk_fdw_testhost::host::{Cell, QualSpec, TypeOid};
use common::*;
use serde_json::Value;

/// (user, element) for every element of `field` in the dataset's users.
fn elements<'a>(users: &'a [Value], field: &str) -> Vec<(&'a Value, &'a Value)> {
    let mut out = vec![];
    for u in users {
        for e in u[field].as_array().into_iter().flatten() {
            out.push((u, e));
        }
    }
    out
}

#[test]
fn every_email_address_of_every_user_once_from_the_users_pages() {
    let mock = mock(1234);
    let users = &mock.dataset().users;
    let rows = scan(
        &mock,
        "user_email_addresses",
        cols(&[
            ("id", TypeOid::String),
            ("user_id", TypeOid::String),
            ("email_address", TypeOid::String),
            ("is_primary", TypeOid::Bool),
            ("verification_status", TypeOid::String),
            ("attrs", TypeOid::Json),
        ]),
        vec![],
    )
    .unwrap();
    let want = elements(users, "email_addresses");
    assert_eq!(rows.len(), want.len());
    assert!(want.len() > users.len(), "some users have two addresses");
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        let attrs = json(&r[5]);
        let id = attrs["id"].as_str().unwrap().to_string();
        assert!(seen.insert(id.clone()), "{id} twice");
        let (u, e) = want.iter().find(|(_, e)| e["id"] == attrs["id"]).unwrap();
        assert_eq!(&&attrs, e);
        assert_eq!(text(&r[1]).as_deref(), u["id"].as_str());
        assert_eq!(text(&r[2]).as_deref(), e["email_address"].as_str());
        let primary = u["primary_email_address_id"] == e["id"];
        assert_eq!(r[3], Some(Cell::Bool(primary)));
        assert_eq!(text(&r[4]).as_deref(), e["verification"]["status"].as_str());
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3, "the same 3 pages as users");
    assert!(reqs.iter().all(|r| r.path == "/v1/users"));
}

#[test]
fn user_id_and_email_address_push_down() {
    let mock = mock(300);
    let users = &mock.dataset().users;
    // A user with two addresses.
    let u = users
        .iter()
        .find(|u| u["email_addresses"].as_array().unwrap().len() == 2)
        .unwrap();
    let uid = u["id"].as_str().unwrap();
    let rows = scan(
        &mock,
        "user_email_addresses",
        text_cols(&["user_id", "email_address"]),
        vec![QualSpec::eq("user_id", s(uid))],
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(mock.requests()[0].path, format!("/v1/users/{uid}"));

    // email_address = x: the users having it, so a superset Postgres then filters.
    mock.clear_requests();
    let addr = u["email_addresses"][0]["email_address"].as_str().unwrap();
    let rows = scan(
        &mock,
        "user_email_addresses",
        text_cols(&["email_address", "user_id"]),
        vec![QualSpec::eq("email_address", s(addr))],
    )
    .unwrap();
    assert!(rows.iter().any(|r| text(&r[0]).as_deref() == Some(addr)));
    assert_eq!(mock.requests()[0].param("email_address"), Some(addr));
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn phones_external_accounts_and_wallets() {
    let mock = mock(500);
    let users = &mock.dataset().users;
    for (object, field, primary) in [
        (
            "user_phone_numbers",
            "phone_numbers",
            Some("primary_phone_number_id"),
        ),
        ("user_external_accounts", "external_accounts", None),
        (
            "user_web3_wallets",
            "web3_wallets",
            Some("primary_web3_wallet_id"),
        ),
    ] {
        let mut columns = vec![("user_id", TypeOid::String), ("attrs", TypeOid::Json)];
        if primary.is_some() {
            columns.push(("is_primary", TypeOid::Bool));
        }
        let rows = scan(&mock, object, cols(&columns), vec![]).unwrap();
        let want = elements(users, field);
        assert_eq!(rows.len(), want.len(), "{object}");
        for r in &rows {
            let attrs = json(&r[1]);
            let (u, _) = want.iter().find(|(_, e)| **e == attrs).expect("an element");
            assert_eq!(text(&r[0]).as_deref(), u["id"].as_str(), "{object}");
            if let Some(p) = primary {
                assert_eq!(r[2], Some(Cell::Bool(u[p] == attrs["id"])), "{object}");
            }
        }
    }
    assert!(!elements(users, "phone_numbers").is_empty());
    assert!(!elements(users, "external_accounts").is_empty());
    // count(*) counts elements, not users: it reads the pages.
    mock.clear_requests();
    let n = scan(&mock, "user_phone_numbers", vec![], vec![])
        .unwrap()
        .len();
    assert_eq!(n, elements(users, "phone_numbers").len());
    assert!(mock.requests().iter().all(|r| r.path == "/v1/users"));
}
