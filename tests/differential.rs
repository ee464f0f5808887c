//! Pushdown never changes a result: for every object and every column the component can
//! push down (list filters, routes, lookups), a condition with hostile values returns the
//! same rows pushed down as read without it and filtered the way Postgres re-checks it.
//! The mock implements Clerk's parameters as the spec describes them (`+`/`-` prefixes,
//! partial-match searches, hidden defaults), and rows carry the hostile values, so a value
//! Clerk reads differently shows up as a missing or extra row.

mod common;
use common::*;

use clerk_fdw::catalog::{FilterKind, Object, Src, OBJECTS};
use clerk_fdw::model::PgType;
use clerk_fdw_testhost::host::{Cell, QualSpec, TypeOid};
use clerk_fdw_testhost::mock::{Dataset, MockClerk};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Values Clerk could read differently from plain equality, or that could break a URL.
fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "+vip-9",
        "-vip-9",
        "+",
        "-",
        "a,b",
        "a b",
        " lead",
        "trail ",
        "%",
        "_",
        "a%b_c",
        "zoë",
        "ｆｕｌｌ",
        "",
        " ",
        ".",
        "..",
        "a/b",
        "a?b=c&d=e",
        "a#b",
        "tab\there",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(2000));
    v
}

/// The columns an object can push down, with how (text equality, boolean, time range).
fn pushable(o: &Object) -> Vec<(&'static str, FilterKind)> {
    let mut out: Vec<(&'static str, FilterKind)> = Vec::new();
    let mut add = |column: &'static str, kind: FilterKind| {
        if !out.iter().any(|(c, _)| *c == column) {
            out.push((column, kind));
        }
    };
    let one = FilterKind::One;
    for f in o.list.iter().flat_map(|l| l.filters) {
        add(f.column, f.kind);
    }
    for r in o.routes {
        add(r.column, one);
        for f in r.endpoint.filters {
            add(f.column, f.kind);
        }
    }
    for l in o.lookups {
        add(l.column, one);
    }
    out
}

/// The parent a required route needs, from the dataset: one with rows.
fn base(o: &Object, ds: &Dataset) -> Vec<QualSpec> {
    let Some(route) = o.required_route() else {
        return vec![];
    };
    let v = match (o.name, route.column) {
        ("api_keys", "subject") => ds.api_keys[0]["subject"].clone(),
        ("sessions", "user_id") => ds.sessions[0]["user_id"].clone(),
        ("user_billing_subscriptions", "user_id") => json!(ds.user_subscriptions[0].0),
        ("organization_billing_subscriptions", "organization_id") => {
            json!(ds.organization_subscriptions[0].0)
        }
        ("billing_payment_attempts", "statement_id") => {
            ds.billing_payment_attempts[0]["statement_id"].clone()
        }
        ("m2m_tokens", "subject") => ds.m2m_tokens[0]["subject"].clone(),
        ("user_trusted_devices", "user_id") => json!(ds.trusted_devices[0].0),
        ("enterprise_connection_test_runs", "enterprise_connection_id") => {
            json!(ds.test_runs[0].0)
        }
        ("user_billing_credits", "user_id") => json!(ds.credits[0].0),
        ("organization_billing_credits", "organization_id") => ds.organizations[0]["id"].clone(),
        ("directory_group_role_mappings", "directory_id") => {
            ds.directory_mappings[0]["directory_id"].clone()
        }
        (name, col) => panic!("{name}: which {col} has rows? add it to base()"),
    };
    vec![QualSpec::eq(route.column, s(v.as_str().unwrap()))]
}

/// The dataset list an object's rows come from, where its fields can be set directly.
fn rows_of<'a>(ds: &'a mut Dataset, object: &str) -> Option<&'a mut Vec<Value>> {
    Some(match object {
        "users" => &mut ds.users,
        "invitations" => &mut ds.invitations,
        "organizations" => &mut ds.organizations,
        "organization_invitations" => &mut ds.organization_invitations,
        "oauth_applications" => &mut ds.oauth_applications,
        "waitlist_entries" => &mut ds.waitlist_entries,
        "organization_domains" => &mut ds.organization_domains,
        "enterprise_connections" => &mut ds.enterprise_connections,
        "saml_connections" => &mut ds.saml_connections,
        "billing_prices" => &mut ds.billing_prices,
        "billing_subscription_items" => &mut ds.billing_subscription_items,
        "billing_plans" => &mut ds.billing_plans,
        "api_keys" => &mut ds.api_keys,
        "sessions" => &mut ds.sessions,
        "organization_roles" => &mut ds.organization_roles,
        "machines" => &mut ds.machines,
        "role_sets" => &mut ds.role_sets,
        "m2m_tokens" => &mut ds.m2m_tokens,
        "organization_permissions" => &mut ds.organization_permissions,
        _ => return None,
    })
}

/// Fields not planted, with why. `api_keys.type` defaults to `api_key` and the spec names
/// no other type, so a key of another type is listed only when asked for by its type
/// (docs/objects.md says so).
const NOT_PLANTED: &[(&str, &str)] = &[("api_keys", "type")];

/// A dataset whose rows carry the hostile values in every pushable text field that is a
/// plain top-level field (never an object's id or a route's parent id: those tie the
/// objects together, and Clerk's have a fixed form).
fn planted(n_users: usize) -> Dataset {
    let mut ds = Dataset::generate(n_users);
    let hostile = hostile();
    for o in OBJECTS {
        let Some(rows) = rows_of(&mut ds, o.name) else {
            continue;
        };
        let mut k = 0;
        for (column, _) in pushable(o) {
            let def = o.column(column).expect("pushable column").def;
            let parent = o.routes.iter().any(|r| r.column == column)
                || NOT_PLANTED.contains(&(o.name, column));
            if def.ty != PgType::Text || def.src != Src::Field || column == "id" || parent {
                continue;
            }
            // Spread the values over the rows; a short list gets a few of them.
            for v in &hostile {
                if rows.is_empty() {
                    break;
                }
                let i = k % rows.len();
                rows[i][column] = json!(v);
                k += 1;
            }
        }
    }
    ds
}

fn type_oid(t: PgType) -> TypeOid {
    match t {
        PgType::Bool => TypeOid::Bool,
        PgType::Timestamptz => TypeOid::Timestamptz,
        PgType::Integer => TypeOid::I32,
        PgType::BigInt => TypeOid::I64,
        _ => TypeOid::String,
    }
}

/// Rows as (key, value) pairs, sorted: the comparison ignores order.
type Rows = Vec<(Option<String>, Option<String>)>;

fn read(mock: &MockClerk, o: &Object, column: &str, quals: Vec<QualSpec>) -> Result<Rows, String> {
    let key = if o.column("id").is_some() {
        "id"
    } else {
        o.columns[0].name
    };
    let ty = type_oid(o.column(column).unwrap().def.ty);
    let rows = scan(
        mock,
        o.name,
        cols(&[(key, TypeOid::String), (column, ty)]),
        quals,
    )?;
    let render = |c: &Option<Cell>| {
        c.as_ref().map(|c| match c {
            Cell::String(s) => s.clone(),
            other => format!("{other:?}"),
        })
    };
    let mut out: Rows = rows
        .iter()
        .map(|r| (render(&r[0]), render(&r[1])))
        .collect();
    out.sort();
    Ok(out)
}

/// What Postgres keeps of `rows` for `column = ANY(values)`.
fn keep(rows: &Rows, values: &[String]) -> Rows {
    rows.iter()
        .filter(|(_, v)| v.as_ref().is_some_and(|v| values.contains(v)))
        .cloned()
        .collect()
}

#[test]
fn hostile_values_return_the_same_rows_pushed_or_not() {
    let mock = MockClerk::start(planted(60));
    let ds = mock.dataset().clone();
    let mut checked = BTreeSet::new();
    for o in OBJECTS {
        let base = base(o, &ds);
        for (column, _) in pushable(o) {
            let ty = o.column(column).unwrap().def.ty;
            if ty != PgType::Text {
                continue; // booleans and time ranges: below
            }
            let required = o.required_route().map(|r| r.column) == Some(column);
            let all = if required {
                None
            } else {
                Some(read(&mock, o, column, base.clone()).unwrap_or_else(|e| {
                    panic!("{}.{column} read without the condition: {e}", o.name)
                }))
            };
            // Real values too: one that exists, as a control.
            let mut values = hostile();
            if let Some(real) = all
                .as_ref()
                .and_then(|a| a.iter().find_map(|r| r.1.clone()))
            {
                values.push(real);
            }
            for v in &values {
                for list in [vec![v.clone()], vec![v.clone(), "plain-value".to_string()]] {
                    let qual = if list.len() == 1 {
                        QualSpec::eq(column, s(v))
                    } else {
                        QualSpec::is_in(column, list.iter().map(|x| s(x)).collect())
                    };
                    let mut quals = base.clone();
                    quals.retain(|q| q.field != column);
                    quals.push(qual);
                    let pushed = read(&mock, o, column, quals)
                        .unwrap_or_else(|e| panic!("{}.{column} = {v:?}: {e}", o.name));
                    let pushed = keep(&pushed, &list);
                    match &all {
                        Some(all) => assert_eq!(
                            pushed,
                            keep(all, &list),
                            "{}.{column} IN {list:?}: pushed down vs filtered by Postgres",
                            o.name
                        ),
                        // A required parent: only real ids have rows.
                        None if !ds_has(&ds, v) => {
                            assert!(pushed.is_empty(), "{}.{column} = {v:?}", o.name)
                        }
                        None => {}
                    }
                }
            }
            checked.insert(format!("{}.{column}", o.name));
        }
    }
    // Every object with a pushable text column was covered.
    for o in OBJECTS {
        for (column, _) in pushable(o) {
            if o.column(column).unwrap().def.ty == PgType::Text {
                assert!(checked.contains(&format!("{}.{column}", o.name)));
            }
        }
    }
    println!(
        "{} pushable text columns checked: {checked:?}",
        checked.len()
    );
    assert!(checked.len() >= 40, "{checked:?}");
}

/// The microseconds of a rendered timestamp cell.
fn micros(t: &str) -> Option<i64> {
    t.strip_prefix("Cell::Timestamptz(")?
        .strip_suffix(')')?
        .parse()
        .ok()
}

fn ds_has(ds: &Dataset, v: &str) -> bool {
    ds.users.iter().any(|u| u["id"] == v) || ds.organizations.iter().any(|o| o["id"] == v)
}

#[test]
fn booleans_and_time_ranges_return_the_same_rows_pushed_or_not() {
    let mock = mock(60);
    let ds = mock.dataset().clone();
    for o in OBJECTS {
        let base = base(o, &ds);
        for (column, kind) in pushable(o) {
            let ty = o.column(column).unwrap().def.ty;
            if ty == PgType::Text {
                continue;
            }
            let all = read(&mock, o, column, base.clone()).unwrap();
            match kind {
                FilterKind::Bool => {
                    for b in [true, false] {
                        let mut quals = base.clone();
                        quals.push(QualSpec::eq(column, Cell::Bool(b)));
                        let pushed = read(&mock, o, column, quals).unwrap();
                        let want = format!("{:?}", Cell::Bool(b));
                        let filter = |r: &Rows| -> Rows {
                            r.iter()
                                .filter(|x| x.1.as_deref() == Some(&want))
                                .cloned()
                                .collect()
                        };
                        assert_eq!(filter(&pushed), filter(&all), "{}.{column} = {b}", o.name);
                    }
                }
                FilterKind::After | FilterKind::Before => {
                    // Bounds at a row's exact time, a microsecond either side, and extremes.
                    let times: Vec<i64> = all
                        .iter()
                        .filter_map(|r| r.1.as_ref())
                        .filter_map(|t| micros(t))
                        .collect();
                    assert!(
                        !times.is_empty(),
                        "{}.{column}: {:?}",
                        o.name,
                        &all[..all.len().min(3)]
                    );
                    let t = times[times.len() / 2];
                    for bound in [t - 1, t, t + 1, 0, 946_684_800_000_000, i64::MAX / 4] {
                        for op in [">", ">=", "<", "<="] {
                            let mut quals = base.clone();
                            quals.push(QualSpec::op(column, op, Cell::Timestamptz(bound)));
                            let pushed = read(&mock, o, column, quals).unwrap();
                            let filter = |r: &Rows| -> Rows {
                                r.iter()
                                    .filter(|x| {
                                        let Some(v) = x.1.as_deref().and_then(micros) else {
                                            return false;
                                        };
                                        match op {
                                            ">" => v > bound,
                                            ">=" => v >= bound,
                                            "<" => v < bound,
                                            _ => v <= bound,
                                        }
                                    })
                                    .cloned()
                                    .collect()
                            };
                            assert_eq!(
                                filter(&pushed),
                                filter(&all),
                                "{}.{column} {op} {bound}",
                                o.name
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Patterns that could be read differently from LIKE: wildcards, escapes, case, unicode,
/// blanks, and the hostile values planted in the rows.
fn patterns(real: Option<&str>) -> Vec<String> {
    let mut p: Vec<String> = [
        "%ad%",
        "%AD%",
        "a%",
        "A%",
        "%a_b%",
        "%\\%%",
        "%%",
        "%",
        "",
        "%zoë%",
        "%ZOË%",
        "%ｆｕｌｌ%",
        "%mike%",
        "% %",
        "%user1%",
        "user%",
        "%+vip%",
        "+vip%",
        "-vip%",
        "%a b%",
        "lead%",
        "% lead%",
        "%..%",
        "%a,b%",
        "%/%",
        "%?%",
        "%tab%",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(r) = real {
        let chars: Vec<char> = r.chars().collect();
        let part = |a: usize, b: usize| {
            chars[a.min(chars.len())..b.min(chars.len())]
                .iter()
                .collect::<String>()
        };
        p.push(format!("%{}%", part(1, 4)));
        p.push(format!("{}%", part(0, 3)));
        p.push(format!("{}%", part(0, 3).to_uppercase()));
        p.push(format!("%{}%", part(1, 5).to_uppercase()));
        p.push(r.to_string());
    }
    p
}

#[test]
fn like_and_ilike_return_the_same_rows_pushed_or_not() {
    let mock = MockClerk::start(planted(60));
    let mut checked = BTreeSet::new();
    let mut pushed_requests = 0;
    for o in OBJECTS {
        let likes: Vec<&'static str> = o
            .list
            .iter()
            .flat_map(|l| l.filters)
            .filter(|f| f.kind == FilterKind::Like)
            .map(|f| f.column)
            .collect();
        for column in likes {
            let all = read(&mock, o, column, vec![]).unwrap();
            let real = all.iter().find_map(|r| r.1.clone());
            for pattern in patterns(real.as_deref()) {
                for (op, ilike) in [("~~", false), ("~~*", true)] {
                    mock.clear_requests();
                    let qual = QualSpec::op(column, op, s(&pattern));
                    let pushed = read(&mock, o, column, vec![qual])
                        .unwrap_or_else(|e| panic!("{}.{column} {op} {pattern:?}: {e}", o.name));
                    let searched = |r: &clerk_fdw_testhost::mock::RecordedRequest| {
                        r.query.iter().any(|(k, _)| k.ends_with("query"))
                    };
                    if mock.requests().iter().any(searched) {
                        pushed_requests += 1;
                    }
                    let keep = |rows: &Rows| -> Rows {
                        rows.iter()
                            .filter(|(_, v)| v.as_deref().is_some_and(|v| like(v, &pattern, ilike)))
                            .cloned()
                            .collect()
                    };
                    assert_eq!(
                        keep(&pushed),
                        keep(&all),
                        "{}.{column} {op} {pattern:?}: pushed down vs filtered by Postgres",
                        o.name
                    );
                }
            }
            checked.insert(format!("{}.{column}", o.name));
        }
    }
    println!(
        "{} LIKE columns checked ({pushed_requests} pushed reads): {checked:?}",
        checked.len()
    );
    assert!(checked.len() >= 15, "{checked:?}");
    assert!(
        pushed_requests > 100,
        "the patterns were pushed: {pushed_requests}"
    );
}

#[test]
fn ordered_reads_stop_early_and_return_the_same_rows() {
    // Several pages of users, so stopping early matters.
    let mock = mock(1234);
    let mut checked = Vec::new();
    for o in OBJECTS.iter().filter(|o| !o.sorted.is_empty()) {
        for &column in o.sorted {
            mock.clear_requests();
            let all = read(&mock, o, column, vec![]).unwrap();
            let full_read = mock.requests().len();
            let mut times: Vec<i64> = all
                .iter()
                .filter_map(|r| r.1.as_deref().and_then(micros))
                .collect();
            times.sort();
            assert!(times.len() >= 2, "{}.{column}", o.name);
            let q = |f: f64| times[((times.len() - 1) as f64 * f) as usize];
            let (newest, oldest) = (q(1.0), q(0.0));
            let mut bounds = vec![q(0.5), q(0.9), q(0.1), newest, oldest, 0, i64::MAX / 4];
            bounds.extend([q(0.5) - 1, q(0.5) + 1, newest - 1, oldest + 1]);
            for bound in bounds {
                for op in [">", ">=", "<", "<="] {
                    mock.clear_requests();
                    let qual = QualSpec::op(column, op, Cell::Timestamptz(bound));
                    let pushed = read(&mock, o, column, vec![qual]).unwrap();
                    let reqs = mock.requests();
                    let keep = |r: &Rows| -> Rows {
                        r.iter()
                            .filter(|x| {
                                x.1.as_deref().and_then(micros).is_some_and(|v| match op {
                                    ">" => v > bound,
                                    ">=" => v >= bound,
                                    "<" => v < bound,
                                    _ => v <= bound,
                                })
                            })
                            .cloned()
                            .collect()
                    };
                    let what = format!("{}.{column} {op} {bound}", o.name);
                    assert_eq!(keep(&pushed), keep(&all), "{what}");
                    assert!(reqs.len() <= full_read.max(1) + 1, "{what}: {}", reqs.len());
                    let order = reqs[0].param("order_by").map(String::from);
                    let want = if op.starts_with('>') { "-" } else { "+" };
                    assert_eq!(order, Some(format!("{want}{column}")), "{what}");
                }
            }
            // The newest few rows are one request, whatever the table's size.
            mock.clear_requests();
            let recent = QualSpec::op(column, ">=", Cell::Timestamptz(q(0.99)));
            let rows = read(&mock, o, column, vec![recent]).unwrap();
            assert!(!rows.is_empty());
            // (invitations: one per pass, the list and its revoked rows)
            let passes = if o.unlisted.is_some() { 2 } else { 1 };
            let what = format!("{}.{column} >= the newest 1%", o.name);
            assert_eq!(mock.requests().len(), passes, "{what}");
            checked.push(format!(
                "{}.{column} ({full_read} requests read all)",
                o.name
            ));
        }
    }
    println!("ordered reads: {checked:?}");
    assert!(checked.len() >= 5, "{checked:?}");
}
