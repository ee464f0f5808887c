//! WHERE clauses that Clerk can answer become API filters: each query shape below makes
//! the number of requests shown, and still returns exactly the matching rows.

mod common;
use clerk_fdw_testhost::host::{Cell, QualSpec, TypeOid};
use clerk_fdw_testhost::mock::{MockClerk, RecordedRequest};
use common::*;
use serde_json::Value;

fn run(
    mock: &MockClerk,
    object: &str,
    columns: &[&str],
    quals: Vec<QualSpec>,
) -> (Vec<Vec<Option<Cell>>>, Vec<RecordedRequest>) {
    mock.clear_requests();
    let rows =
        scan(mock, object, text_cols(columns), quals).unwrap_or_else(|e| panic!("{object}: {e}"));
    (rows, mock.requests())
}

fn user_with(mock: &MockClerk, pred: impl Fn(&Value) -> bool) -> Value {
    mock.dataset()
        .users
        .iter()
        .find(|u| pred(u))
        .expect("dataset has such a user")
        .clone()
}

#[test]
fn users_by_id_is_one_get_by_id() {
    let mock = mock(1200);
    let u = user_with(&mock, |_| true);
    let id = u["id"].as_str().unwrap();
    let (rows, reqs) = run(&mock, "users", &["id"], vec![QualSpec::eq("id", s(id))]);
    assert_eq!(first_texts(&rows), vec![id.to_string()]);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, format!("/v1/users/{id}"));
    // Unknown id: 404 is zero rows.
    let (rows, reqs) = run(
        &mock,
        "users",
        &["id"],
        vec![QualSpec::eq("id", s("user_nope"))],
    );
    assert!(rows.is_empty() && reqs.len() == 1);
}

#[test]
fn users_id_in_uses_user_id_filters_100_per_request() {
    let mock = mock(1200);
    let all = ids(&mock.dataset().users);
    let wanted: Vec<String> = all.iter().step_by(5).take(230).cloned().collect();
    let (rows, reqs) = run(
        &mock,
        "users",
        &["id"],
        vec![QualSpec::is_in("id", wanted.iter().map(|i| s(i)).collect())],
    );
    let mut got = first_texts(&rows);
    got.sort();
    let mut want = wanted.clone();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(reqs.len(), 3, "230 ids = 3 requests of ≤100");
    assert!(reqs
        .iter()
        .all(|r| r.path == "/v1/users" && r.params("user_id").len() <= 100));
}

#[test]
fn users_by_email_finds_secondary_addresses_and_encodes_plus() {
    let mock = mock(300);
    let u = user_with(&mock, |u| {
        let emails = u["email_addresses"].as_array().unwrap();
        emails.len() > 1
            && emails
                .iter()
                .any(|e| e["id"] != u["primary_email_address_id"])
    });
    let secondary = u["email_addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] != u["primary_email_address_id"])
        .unwrap()["email_address"]
        .as_str()
        .unwrap()
        .to_string();
    let (rows, reqs) = run(
        &mock,
        "users",
        &["id", "email_address", "primary_email_address"],
        vec![QualSpec::eq("email_address", s(&secondary))],
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].params("email_address"), vec![secondary.as_str()]);
    assert_eq!(rows.len(), 1);
    assert_eq!(text(&rows[0][0]).as_deref(), u["id"].as_str());
    // The matched address is shown, so Postgres' recheck of the WHERE clause keeps the row.
    assert_eq!(text(&rows[0][1]), Some(secondary.clone()));
    assert_ne!(text(&rows[0][2]), Some(secondary));

    let plus = user_with(&mock, |u| u["email_addresses"].to_string().contains('+'));
    let email = plus["email_addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["email_address"].as_str().unwrap())
        .find(|e| e.contains('+'))
        .unwrap()
        .to_string();
    let (rows, reqs) = run(
        &mock,
        "users",
        &["id"],
        vec![QualSpec::eq("email_address", s(&email))],
    );
    assert_eq!(
        reqs[0].params("email_address"),
        vec![email.as_str()],
        "+ survives encoding"
    );
    assert_eq!(
        first_texts(&rows),
        vec![plus["id"].as_str().unwrap().to_string()]
    );
}

#[test]
fn users_other_filters_push_down() {
    let mock = mock(600);
    let ds = mock.dataset();
    let banned: Vec<String> = newest_first(&ds.users)
        .iter()
        .filter(|u| u["banned"] == true)
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    let (rows, reqs) = run(
        &mock,
        "users",
        &["id"],
        vec![QualSpec::eq("banned", Cell::Bool(true))],
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].param("banned"), Some("true"));
    assert_eq!(first_texts(&rows), banned);

    // created_at >= t (µs in the qual, ms in the API), one ms early so it is a superset.
    let mut created: Vec<i64> = ds
        .users
        .iter()
        .map(|u| u["created_at"].as_i64().unwrap())
        .collect();
    created.sort();
    let t = created[created.len() - 40];
    let (rows, reqs) = run(
        &mock,
        "users",
        &["id"],
        vec![QualSpec::op(
            "created_at",
            ">=",
            Cell::Timestamptz(t * 1000),
        )],
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].param("created_at_after"),
        Some((t - 1).to_string().as_str())
    );
    assert_eq!(rows.len(), 40, "inclusive bound kept the boundary user");

    for (col, field) in [("external_id", "external_id"), ("username", "username")] {
        let u = user_with(&mock, |u| u[field].is_string());
        let v = u[field].as_str().unwrap();
        let (rows, reqs) = run(&mock, "users", &["id"], vec![QualSpec::eq(col, s(v))]);
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].params(field), vec![v]);
        assert!(first_texts(&rows).contains(&u["id"].as_str().unwrap().to_string()));
    }
}

#[test]
fn objects_with_get_by_id() {
    let mock = mock(50);
    let ds = mock.dataset();
    for (object, list, path) in [
        ("organizations", &ds.organizations, "/v1/organizations/"),
        ("jwt_templates", &ds.jwt_templates, "/v1/jwt_templates/"),
        (
            "oauth_applications",
            &ds.oauth_applications,
            "/v1/oauth_applications/",
        ),
        ("redirect_urls", &ds.redirect_urls, "/v1/redirect_urls/"),
        (
            "saml_connections",
            &ds.saml_connections,
            "/v1/saml_connections/",
        ),
        (
            "billing_statements",
            &ds.billing_statements,
            "/v1/billing/statements/",
        ),
    ] {
        let id = list[list.len() - 1]["id"].as_str().unwrap();
        let (rows, reqs) = run(&mock, object, &["id"], vec![QualSpec::eq("id", s(id))]);
        assert_eq!(first_texts(&rows), vec![id.to_string()], "{object}");
        assert_eq!(reqs.len(), 1, "{object}");
        assert_eq!(reqs[0].path, format!("{path}{id}"));
        let (rows, reqs) = run(
            &mock,
            object,
            &["id"],
            vec![QualSpec::eq("id", s("nope_1"))],
        );
        assert!(
            rows.is_empty() && reqs.len() == 1,
            "{object}: 404 is no row"
        );
    }
    // A slug resolves to the organization, but its id is not the slug: no row.
    let slug = ds.organizations[0]["slug"].as_str().unwrap();
    let (rows, reqs) = run(
        &mock,
        "organizations",
        &["id"],
        vec![QualSpec::eq("id", s(slug))],
    );
    assert!(rows.is_empty() && reqs.len() == 1);
    // `slug = x` is one GET too, and the row comes back.
    let org = &ds.organizations[0];
    let (rows, reqs) = run(
        &mock,
        "organizations",
        &["id", "slug"],
        vec![QualSpec::eq("slug", s(slug))],
    );
    assert_eq!(
        first_texts(&rows),
        vec![org["id"].as_str().unwrap().to_string()]
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, format!("/v1/organizations/{slug}"));
    // An id given as the slug does not match `slug = …`: no row.
    let id = org["id"].as_str().unwrap();
    let (rows, reqs) = run(
        &mock,
        "organizations",
        &["id"],
        vec![QualSpec::eq("slug", s(id))],
    );
    assert!(rows.is_empty() && reqs.len() == 1);
}

#[test]
fn objects_without_get_by_id_never_call_one() {
    let mock = mock(50);
    let ds = mock.dataset();
    let inv = &ds.invitations[2];
    let (rows, reqs) = run(
        &mock,
        "invitations",
        &["id"],
        vec![QualSpec::eq("id", s(inv["id"].as_str().unwrap()))],
    );
    assert_eq!(
        first_texts(&rows),
        vec![inv["id"].as_str().unwrap().to_string()]
    );
    // The list, then the revoked invitations Clerk leaves out of it.
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| r.path == "/v1/invitations"));
    assert!(reqs.iter().all(|r| r.param("query") == inv["id"].as_str()));
    assert_eq!(reqs[1].param("status"), Some("revoked"));
    for (object, list) in [
        ("allowlist_identifiers", &ds.allowlist_identifiers),
        ("domains", &ds.domains),
        ("billing_plans", &ds.billing_plans),
    ] {
        let id = list[0]["id"].as_str().unwrap();
        let (rows, reqs) = run(&mock, object, &["id"], vec![QualSpec::eq("id", s(id))]);
        assert!(
            rows.iter().any(|r| text(&r[0]).as_deref() == Some(id)),
            "{object}"
        );
        assert!(
            reqs.iter().all(|r| !r.path.ends_with(id)),
            "{object}: no invented GET-by-id route"
        );
    }
}

#[test]
fn memberships_and_org_invitations_route_by_parent() {
    let mock = mock(200);
    let ds = mock.dataset();
    let org = ds.organizations[1]["id"].as_str().unwrap();
    let want: Vec<&Value> = ds
        .organization_memberships
        .iter()
        .filter(|m| m["organization"]["id"] == org)
        .collect();
    let (rows, reqs) = run(
        &mock,
        "organization_memberships",
        &["id", "organization_id", "user_id"],
        vec![QualSpec::eq("organization_id", s(org))],
    );
    assert_eq!(rows.len(), want.len());
    assert!(rows.iter().all(|r| text(&r[1]).as_deref() == Some(org)));
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, format!("/v1/organizations/{org}/memberships"));

    let user = want[0]["public_user_data"]["user_id"].as_str().unwrap();
    let (rows, reqs) = run(
        &mock,
        "organization_memberships",
        &["id", "user_id"],
        vec![QualSpec::eq("user_id", s(user))],
    );
    let n = ds
        .organization_memberships
        .iter()
        .filter(|m| m["public_user_data"]["user_id"] == user)
        .count();
    assert_eq!(rows.len(), n);
    assert_eq!(
        reqs[0].path,
        format!("/v1/users/{user}/organization_memberships")
    );

    let want = ds
        .organization_invitations
        .iter()
        .filter(|i| i["organization_id"] == org || i["public_organization_data"]["id"] == org)
        .count();
    let (rows, reqs) = run(
        &mock,
        "organization_invitations",
        &["id", "organization_id"],
        vec![QualSpec::eq("organization_id", s(org))],
    );
    // Clerk's per-organization list omits invitations a domain created: the instance list,
    // which Postgres filters.
    assert_eq!(reqs[0].path, "/v1/organization_invitations");
    let of_org = rows.iter().filter(|r| text(&r[1]).as_deref() == Some(org));
    assert_eq!(of_org.count(), want);
    let one = by_org(&ds.organization_invitations, org)[0]["id"]
        .as_str()
        .unwrap();
    let (rows, reqs) = run(
        &mock,
        "organization_invitations",
        &["id"],
        vec![
            QualSpec::eq("organization_id", s(org)),
            QualSpec::eq("id", s(one)),
        ],
    );
    assert_eq!(first_texts(&rows), vec![one.to_string()]);
    assert_eq!(
        reqs[0].path,
        format!("/v1/organizations/{org}/invitations/{one}")
    );
}

fn by_org<'a>(list: &'a [Value], org: &str) -> Vec<&'a Value> {
    list.iter()
        .filter(|i| i["organization_id"] == org || i["public_organization_data"]["id"] == org)
        .collect()
}

#[test]
fn status_and_plan_filters() {
    let mock = mock(100);
    let ds = mock.dataset();
    let (rows, reqs) = run(
        &mock,
        "invitations",
        &["id", "status"],
        vec![QualSpec::eq("status", s("pending"))],
    );
    assert_eq!(reqs[0].param("status"), Some("pending"));
    assert_eq!(
        rows.len(),
        ds.invitations
            .iter()
            .filter(|i| i["status"] == "pending")
            .count()
    );
    let plan = ds.billing_subscription_items[0]["plan_id"]
        .as_str()
        .unwrap();
    let (rows, reqs) = run(
        &mock,
        "billing_subscription_items",
        &["id", "plan_id"],
        vec![QualSpec::eq("plan_id", s(plan))],
    );
    assert_eq!(reqs[0].param("plan_id"), Some(plan));
    assert_eq!(reqs[0].param("include_free"), Some("true"));
    assert_eq!(
        rows.len(),
        ds.billing_subscription_items
            .iter()
            .filter(|i| i["plan_id"] == plan)
            .count()
    );
}

#[test]
fn join_with_required_qual_object() {
    // A join whose outer user ids reach this table as a param: the host calls end_scan +
    // begin_scan with the new value each time it changes.
    let mock = mock(40);
    let ds = mock.dataset();
    let outer: Vec<String> = ids(&ds.users).into_iter().take(12).collect();
    let (users, reqs) = run(
        &mock,
        "users",
        &["id"],
        vec![QualSpec::is_in("id", outer.iter().map(|i| s(i)).collect())],
    );
    assert_eq!(users.len(), 12);
    assert_eq!(reqs.len(), 1);
    mock.clear_requests();
    let mut q = query(
        &mock,
        "user_billing_subscriptions",
        text_cols(&["user_id", "id"]),
        vec![],
    );
    let joined = join_inner(&mut q, "user_id", &first_texts(&users));
    let want = ds
        .user_subscriptions
        .iter()
        .filter(|(u, _)| outer.contains(u))
        .count();
    assert_eq!(joined, want);
    assert_eq!(mock.requests().len(), 12);
}

#[test]
fn waitlist_and_organization_domain_filters_push_down() {
    let mock = mock(400);
    let ds = mock.dataset();
    // waitlist: status (enum) and email_address → query.
    let rows = scan(
        &mock,
        "waitlist_entries",
        text_cols(&["id", "status"]),
        vec![QualSpec::eq("status", s("invited"))],
    )
    .unwrap();
    let want = ds
        .waitlist_entries
        .iter()
        .filter(|w| w["status"] == "invited")
        .count();
    assert_eq!(rows.len(), want);
    assert!(want > 0);
    assert_eq!(mock.requests()[0].param("status"), Some("invited"));
    mock.clear_requests();
    let addr = ds.waitlist_entries[5]["email_address"].as_str().unwrap();
    let rows = scan(
        &mock,
        "waitlist_entries",
        text_cols(&["email_address"]),
        vec![QualSpec::eq("email_address", s(addr))],
    )
    .unwrap();
    assert!(first_texts(&rows).contains(&addr.to_string()));
    assert_eq!(mock.requests()[0].param("query"), Some(addr));

    // organization domains: organization_id, enrollment_mode, name → domains. Not
    // `verified`: the spec does not say which of the two verifications Clerk's filter reads.
    mock.clear_requests();
    let d = &ds.organization_domains[2];
    let rows = scan(
        &mock,
        "organization_domains",
        cols(&[("name", TypeOid::String), ("verified", TypeOid::Bool)]),
        vec![
            QualSpec::eq("organization_id", s(d["organization_id"].as_str().unwrap())),
            QualSpec::eq("verified", Cell::Bool(false)),
        ],
    )
    .unwrap();
    assert_eq!(rows.len(), 1, "one domain per organization");
    assert_eq!(
        rows[0][1],
        Some(Cell::Bool(false)),
        "the third one is unverified"
    );
    let r = &mock.requests()[0];
    assert_eq!(r.param("organization_id"), d["organization_id"].as_str());
    assert_eq!(r.param("verified"), None);
    mock.clear_requests();
    let names: Vec<Cell> = ds.organization_domains[..3]
        .iter()
        .map(|d| s(d["name"].as_str().unwrap()))
        .collect();
    let rows = scan(
        &mock,
        "organization_domains",
        text_cols(&["name"]),
        vec![QualSpec::is_in("name", names)],
    )
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(mock.requests()[0].params("domains").len(), 3);
}

#[test]
fn api_keys_need_a_subject_and_page_by_100() {
    let mock = mock(60);
    let ds = mock.dataset();
    let org0 = ds.organizations[0]["id"].as_str().unwrap().to_string();
    let rows = scan(
        &mock,
        "api_keys",
        text_cols(&["id", "subject"]),
        vec![QualSpec::eq("subject", s(&org0))],
    )
    .unwrap();
    let want: Vec<&Value> = ds
        .api_keys
        .iter()
        .filter(|k| k["subject"] == org0.as_str())
        .collect();
    assert_eq!(rows.len(), want.len());
    assert!(want.len() > 100, "more than one page");
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2, "pages of 100, the endpoint's maximum");
    assert_eq!(reqs[0].param("limit"), Some("100"));
    assert_eq!(reqs[0].param("subject"), Some(org0.as_str()));
    assert!(rows
        .iter()
        .all(|r| text(&r[1]).as_deref() == Some(org0.as_str())));

    // Several subjects: one request sequence each; `type` is pushed down.
    mock.clear_requests();
    let users: Vec<Cell> = [0, 6, 12].iter().map(|i| s(&ids(&ds.users)[*i])).collect();
    let rows = scan(
        &mock,
        "api_keys",
        text_cols(&["subject", "revoked"]),
        vec![
            QualSpec::is_in("subject", users),
            QualSpec::eq("type", s("api_key")),
        ],
    )
    .unwrap();
    assert_eq!(rows.len(), 1 + 1 + 1);
    assert!(mock
        .requests()
        .iter()
        .all(|r| r.param("type") == Some("api_key")));

    let e = scan(&mock, "api_keys", text_cols(&["id"]), vec![]).unwrap_err();
    assert!(
        e.contains("api_keys needs a WHERE condition on subject"),
        "{e}"
    );
}

#[test]
fn enterprise_connections_filter_and_lookup() {
    let mock = mock(60);
    let ds = mock.dataset();
    let org1 = ds.enterprise_connections[1]["organization_id"]
        .as_str()
        .unwrap();
    let rows = scan(
        &mock,
        "enterprise_connections",
        cols(&[("id", TypeOid::String), ("active", TypeOid::Bool)]),
        vec![
            QualSpec::eq("organization_id", s(org1)),
            QualSpec::eq("active", Cell::Bool(false)),
        ],
    )
    .unwrap();
    assert_eq!(
        first_texts(&rows),
        vec![ds.enterprise_connections[1]["id"].as_str().unwrap()]
    );
    let r = &mock.requests()[0];
    assert_eq!(
        (r.param("organization_id"), r.param("active")),
        (Some(org1), Some("false"))
    );
    mock.clear_requests();
    let id = ds.enterprise_connections[2]["id"].as_str().unwrap();
    let rows = scan(
        &mock,
        "enterprise_connections",
        text_cols(&["id"]),
        vec![QualSpec::eq("id", s(id))],
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        mock.requests()[0].path,
        format!("/v1/enterprise_connections/{id}")
    );
    // billing prices of one plan.
    mock.clear_requests();
    let plan = ds.billing_prices[0]["plan_id"].as_str().unwrap();
    let rows = scan(
        &mock,
        "billing_prices",
        text_cols(&["plan_id"]),
        vec![QualSpec::eq("plan_id", s(plan))],
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(mock.requests()[0].param("plan_id"), Some(plan));
}

#[test]
fn a_users_organization_invitations_through_the_user_route() {
    let mock = mock(300);
    let ds = mock.dataset();
    // A user who was invited (the mock sends every third invitation to a user's address).
    let (uid, addr) = ds
        .users
        .iter()
        .find_map(|u| {
            let a = u["email_addresses"][0]["email_address"].as_str()?;
            ds.organization_invitations
                .iter()
                .any(|i| i["email_address"] == a)
                .then(|| (u["id"].as_str().unwrap().to_string(), a.to_string()))
        })
        .expect("an invited user");
    let rows = scan(
        &mock,
        "organization_invitations",
        text_cols(&["user_id", "email_address", "organization_id"]),
        vec![QualSpec::eq("user_id", s(&uid))],
    )
    .unwrap();
    let want = ds
        .organization_invitations
        .iter()
        .filter(|i| i["email_address"] == addr.as_str())
        .count();
    assert_eq!(rows.len(), want);
    for r in &rows {
        assert_eq!(
            text(&r[0]).as_deref(),
            Some(uid.as_str()),
            "user_id is the route's"
        );
        assert_eq!(text(&r[1]).as_deref(), Some(addr.as_str()));
        assert!(
            text(&r[2]).is_some_and(|o| o.starts_with("org_")),
            "not the user id"
        );
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].path,
        format!("/v1/users/{uid}/organization_invitations")
    );
}

#[test]
fn an_organization_invitation_by_organization_and_id_is_one_get() {
    let mock = mock(100);
    let ds = mock.dataset();
    let inv = &ds.organization_invitations[5];
    let (org, id) = (
        inv["organization_id"].as_str().unwrap(),
        inv["id"].as_str().unwrap(),
    );
    let rows = scan(
        &mock,
        "organization_invitations",
        text_cols(&["id", "organization_id"]),
        vec![
            QualSpec::eq("organization_id", s(org)),
            QualSpec::eq("id", s(id)),
        ],
    )
    .unwrap();
    assert_eq!(first_texts(&rows), vec![id.to_string()]);
    assert_eq!(text(&rows[0][1]).as_deref(), Some(org));
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].path,
        format!("/v1/organizations/{org}/invitations/{id}")
    );
    // Another organization's invitation: 404, so no row.
    let other = ds.organizations.iter().find(|o| o["id"] != org).unwrap()["id"]
        .as_str()
        .unwrap();
    let rows = scan(
        &mock,
        "organization_invitations",
        text_cols(&["id"]),
        vec![
            QualSpec::eq("organization_id", s(other)),
            QualSpec::eq("id", s(id)),
        ],
    )
    .unwrap();
    assert!(rows.is_empty());
}

/// `column op pattern` on users: the rows Postgres keeps (`like` from common), and the
/// requests.
fn users_like(
    mock: &MockClerk,
    column: &str,
    op: &str,
    pattern: &str,
) -> (Vec<String>, Vec<RecordedRequest>) {
    let (rows, reqs) = run(
        mock,
        "users",
        &["id", column],
        vec![QualSpec::op(column, op, s(pattern))],
    );
    let kept = rows
        .iter()
        .filter(|r| text(&r[1]).is_some_and(|v| like(&v, pattern, op == "~~*")))
        .map(|r| text(&r[0]).unwrap())
        .collect();
    (kept, reqs)
}

#[test]
fn partial_matches_are_one_request_each() {
    // The searches at 1,234 users: each read every user (3 requests) before.
    let mock = mock(1234);
    let cases = [
        ("first_name", "~~*", "%AR%", "name_query", "AR"),
        (
            "primary_email_address",
            "~~",
            "%user12%",
            "email_address_query",
            "user12",
        ),
        ("username", "~~*", "USER7%", "username_query", "USER7"),
        (
            "phone_number",
            "~~",
            "%555000%",
            "phone_number_query",
            "555000",
        ),
    ];
    for (column, op, pattern, param, sent) in cases {
        let (kept, reqs) = users_like(&mock, column, op, pattern);
        assert_eq!(reqs.len(), 1, "{column} {op} {pattern}");
        assert_eq!(reqs[0].param(param), Some(sent), "{column} {op} {pattern}");
        // The same rows as a full read filtered by Postgres.
        mock.clear_requests();
        let all = scan(&mock, "users", text_cols(&["id", column]), vec![]).unwrap();
        assert_eq!(mock.requests().len(), 3);
        let want: Vec<String> = all
            .iter()
            .filter(|r| text(&r[1]).is_some_and(|v| like(&v, pattern, op == "~~*")))
            .map(|r| text(&r[0]).unwrap())
            .collect();
        assert!(
            !want.is_empty(),
            "{column} {op} {pattern} matches some users"
        );
        assert_eq!(kept, want, "{column} {op} {pattern}");
    }
    // Not one literal run, or ILIKE text whose case may fold differently: a full read.
    for (column, op, pattern) in [
        ("first_name", "~~", "%a_b%"),
        ("first_name", "~~*", "%kiki%"),
        ("last_name", "~~*", "%ÖÜ%"),
        ("username", "~~", "%"),
    ] {
        let (_, reqs) = users_like(&mock, column, op, pattern);
        assert_eq!(reqs.len(), 3, "{column} {op} {pattern}: not pushed");
        assert!(reqs
            .iter()
            .all(|r| r.query.iter().all(|(k, _)| !k.ends_with("query"))));
    }
}

#[test]
fn wallets_external_accounts_and_membership_roles_push_down() {
    use clerk_fdw_testhost::mock::Dataset;
    let mut ds = Dataset::generate(120);
    for (i, addr) in [(3, "0xaaa"), (8, "0xbbb"), (9, "0xccc")] {
        let wallet = serde_json::json!({"object": "web3_wallet", "id": format!("idn_w{i}"),
            "web3_wallet": addr, "verification": null, "created_at": 1, "updated_at": 1});
        ds.users[i]["web3_wallets"] = serde_json::json!([wallet]);
    }
    let mock = MockClerk::start(ds);
    // user_web3_wallets: web3_wallet IN (…) is one filtered request.
    let wallets = vec![s("0xaaa"), s("0xccc")];
    let (rows, reqs) = run(
        &mock,
        "user_web3_wallets",
        &["web3_wallet", "user_id"],
        vec![QualSpec::is_in("web3_wallet", wallets)],
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0]
            .query
            .iter()
            .filter(|(k, _)| k == "web3_wallet")
            .count(),
        2
    );
    let mut got = first_texts(&rows);
    got.sort();
    assert_eq!(got, vec!["0xaaa", "0xccc"]);
    // user_external_accounts: provider and provider_user_id go together, or not at all.
    let account = mock.dataset().users.iter().find_map(|u| {
        let a = u["external_accounts"].as_array()?.first()?.clone();
        Some(a)
    });
    let account = account.expect("a user with an external account");
    let provider = account["provider"].as_str().unwrap();
    let provider_user_id = account["provider_user_id"].as_str().unwrap();
    let (rows, reqs) = run(
        &mock,
        "user_external_accounts",
        &["provider_user_id", "provider"],
        vec![
            QualSpec::eq("provider", s(provider)),
            QualSpec::eq("provider_user_id", s(provider_user_id)),
        ],
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].param("provider"), Some(provider));
    assert_eq!(reqs[0].param("provider_user_id"), Some(provider_user_id));
    let matching: Vec<_> = rows
        .iter()
        .filter(|r| text(&r[0]).as_deref() == Some(provider_user_id))
        .collect();
    assert_eq!(matching.len(), 1);
    // Alone, `provider` would be refused by Clerk: it is not sent.
    let (rows, reqs) = run(
        &mock,
        "user_external_accounts",
        &["provider_user_id", "provider"],
        vec![QualSpec::eq("provider", s(provider))],
    );
    assert!(reqs.iter().all(|r| r.param("provider").is_none()));
    assert!(rows
        .iter()
        .any(|r| text(&r[0]).as_deref() == Some(provider_user_id)));
    // Memberships of one organization with a role: the route with `role`.
    let org = mock.dataset().organizations[4]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (rows, reqs) = run(
        &mock,
        "organization_memberships",
        &["role", "user_id"],
        vec![
            QualSpec::eq("organization_id", s(&org)),
            QualSpec::is_in("role", vec![s("org:admin"), s("org:billing")]),
        ],
    );
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].query.iter().filter(|(k, _)| k == "role").count(), 2);
    assert!(
        !rows.is_empty()
            && rows
                .iter()
                .all(|r| text(&r[0]).as_deref() == Some("org:admin"))
    );
}
