//! Joins between Clerk tables, run as Postgres runs them over the Wrappers host: a nested
//! loop whose inner side is rescanned for every outer row (see testhost `host/join.rs`).
//! The rows must be the join's, and the requests one pass over each table.

mod common;
use clerk_fdw_testhost::host::{nested_loop, JoinParam, JoinRow, QualSpec, TypeOid};
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

/// `organization_id, user_id` of every membership, from the dataset.
fn memberships(mock: &clerk_fdw_testhost::mock::MockClerk) -> Vec<(String, String)> {
    let ds = mock.dataset();
    let field = |m: &Value, a: &str, b: &str| m[a][b].as_str().unwrap().to_string();
    ds.organization_memberships
        .iter()
        .map(|m| {
            (
                field(m, "organization", "id"),
                field(m, "public_user_data", "user_id"),
            )
        })
        .collect()
}

fn same_text(a: &JoinRow, i: usize, b: &JoinRow, j: usize) -> bool {
    text(&a[i]).is_some() && text(&a[i]) == text(&b[j])
}

/// `(outer column, inner column)` texts of each pair, as a set.
fn pairs(rows: &[(JoinRow, JoinRow)], i: usize, j: usize) -> BTreeSet<(String, String)> {
    rows.iter()
        .map(|(o, n)| (text(&o[i]).unwrap(), text(&n[j]).unwrap_or_default()))
        .collect()
}

#[test]
fn members_of_one_org_with_their_users_read_each_table_once() {
    let mock = mock(1234);
    let all = memberships(&mock);
    // The organization with the most members.
    let count = |org: &str| all.iter().filter(|(o, _)| o == org).count();
    let org = all
        .iter()
        .map(|(o, _)| o)
        .max_by_key(|o| count(o))
        .unwrap()
        .clone();
    let want: BTreeSet<(String, String)> = all
        .iter()
        .filter(|(o, _)| *o == org)
        .map(|(_, u)| (u.clone(), u.clone()))
        .collect();
    assert!(want.len() >= 2, "an org with several members");
    // memberships m (outer, pushed org) ⋈ users u (inner, no condition): u.id = m.user_id.
    let mut m = query(
        &mock,
        "organization_memberships",
        text_cols(&["user_id", "role"]),
        vec![QualSpec::eq("organization_id", s(&org))],
    );
    let mut u = query(
        &mock,
        "users",
        text_cols(&["id", "primary_email_address"]),
        vec![],
    );
    let rows = nested_loop(&mut m, &mut u, None, |o, i| same_text(o, 0, i, 0)).unwrap();
    assert_eq!(pairs(&rows, 0, 0), want);
    assert_eq!(
        mock.requests().len(),
        1 + 3,
        "one memberships page, three users pages, then every rescan from memory"
    );
    // The other way round: users outer, memberships rescanned per user (1,234 times).
    mock.clear_requests();
    let mut u = query(&mock, "users", text_cols(&["id"]), vec![]);
    let mut m = query(
        &mock,
        "organization_memberships",
        text_cols(&["user_id"]),
        vec![QualSpec::eq("organization_id", s(&org))],
    );
    let rows = nested_loop(&mut u, &mut m, None, |o, i| same_text(o, 0, i, 0)).unwrap();
    assert_eq!(pairs(&rows, 0, 0), want);
    assert_eq!(mock.requests().len(), 3 + 1);
}

#[test]
fn all_memberships_with_their_users_read_each_table_once() {
    let mock = mock(1234);
    let want: BTreeSet<(String, String)> = memberships(&mock)
        .into_iter()
        .map(|(_, u)| (u.clone(), u))
        .collect();
    let mut m = query(
        &mock,
        "organization_memberships",
        text_cols(&["user_id"]),
        vec![],
    );
    let mut u = query(
        &mock,
        "users",
        cols(&[
            ("id", TypeOid::String),
            ("created_at", TypeOid::Timestamptz),
            ("public_metadata", TypeOid::Json),
        ]),
        vec![],
    );
    let rows = nested_loop(&mut m, &mut u, None, |o, i| same_text(o, 0, i, 0)).unwrap();
    assert_eq!(pairs(&rows, 0, 0), want);
    assert!(rows.len() >= 40, "{} memberships", rows.len());
    let n = mock.requests().len();
    assert!(n <= 6, "{n} requests: one pass over each table");
    assert_eq!(n, 1 + 3);
}

#[test]
fn invitations_with_their_organizations_and_emails_with_their_users() {
    let mock = mock(1234);
    // organization_invitations ⋈ organizations on the organization's id.
    let mut inv = query(
        &mock,
        "organization_invitations",
        text_cols(&["organization_id", "email_address"]),
        vec![],
    );
    let mut org = query(&mock, "organizations", text_cols(&["id", "name"]), vec![]);
    let rows = nested_loop(&mut inv, &mut org, None, |o, i| same_text(o, 0, i, 0)).unwrap();
    let ds = mock.dataset();
    assert_eq!(rows.len(), ds.organization_invitations.len());
    assert!(rows.iter().all(|(_, o)| text(&o[1]).is_some()));
    let orgs = ds.organizations.len().div_ceil(500);
    let invitations = mock.requests().len() - orgs;
    assert!(invitations <= 3, "{invitations} invitation requests");
    // A child table ⋈ users: each email address with its user's creation time.
    mock.clear_requests();
    let mut e = query(
        &mock,
        "user_email_addresses",
        text_cols(&["user_id", "email_address"]),
        vec![],
    );
    let mut u = query(
        &mock,
        "users",
        cols(&[
            ("id", TypeOid::String),
            ("created_at", TypeOid::Timestamptz),
        ]),
        vec![],
    );
    let rows = nested_loop(&mut e, &mut u, None, |o, i| same_text(o, 0, i, 0)).unwrap();
    let emails: usize = ds
        .users
        .iter()
        .map(|u| u["email_addresses"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), emails);
    assert_eq!(
        mock.requests().len(),
        3 + 3,
        "each table's three pages, once"
    );
}

#[test]
fn a_pinned_join_asks_per_value_and_replays_a_value_seen_before() {
    // users u, LATERAL (sessions where user_id = u.id): the route per user; a value that
    // comes again later (a user in two organizations, say) costs no second request.
    let mock = mock(60);
    let ds = mock.dataset();
    let first: Vec<String> = ids(&ds.users).into_iter().take(12).collect();
    let mut values = first.clone();
    values.extend(first.iter().rev().cloned());
    let mut sess = query(&mock, "sessions", text_cols(&["user_id", "id"]), vec![]);
    let found = join_inner(&mut sess, "user_id", &values);
    let per_pass: usize = ds
        .sessions
        .iter()
        .filter(|s| first.iter().any(|u| s["user_id"] == u.as_str()))
        .count();
    assert!(per_pass > 0);
    assert_eq!(found, 2 * per_pass, "each user's sessions, each time");
    let asked: Vec<String> = mock
        .requests()
        .iter()
        .filter_map(|r| r.param("user_id").map(String::from))
        .collect();
    assert_eq!(asked, first, "one request per distinct user, in order");
}

#[test]
fn a_parameterised_inner_side_through_the_nested_loop() {
    // organizations o ⋈ LATERAL (organization_memberships where organization_id = o.id).
    let mock = mock(400);
    let want: BTreeSet<(String, String)> = memberships(&mock).into_iter().collect();
    let mut o = query(&mock, "organizations", text_cols(&["id"]), vec![]);
    let orgs = mock.dataset().organizations.len();
    let mut m = query(
        &mock,
        "organization_memberships",
        text_cols(&["organization_id", "user_id"]),
        vec![QualSpec::eq("organization_id", s("org_placeholder")).from_subquery(0)],
    );
    let param = JoinParam {
        inner_field: "organization_id".into(),
        outer_column: 0,
    };
    let rows = nested_loop(&mut o, &mut m, Some(&param), |a, b| same_text(a, 0, b, 0)).unwrap();
    let got: BTreeSet<(String, String)> = rows
        .iter()
        .map(|(_, b)| (text(&b[0]).unwrap(), text(&b[1]).unwrap()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        mock.requests().len(),
        1 + orgs,
        "the orgs page, then one per org"
    );
}
