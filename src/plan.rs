//! Quals → the list of requests ("fetches") that answer a scan. Postgres re-checks every
//! qual, so a fetch may return a superset of the matching rows, never a subset.

use crate::prelude::*;

use crate::catalog::{Endpoint, FilterKind, Lookup, Object, Paging, Route, Syntax, MAX_VALUES};
use crate::like;
use crate::model::{Qual, QualValue};
use crate::text::{cat, fill, int};
use crate::url::encode;

/// One logical request sequence (a list endpoint to page through, or one object).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    /// Path under the API base, values already percent-encoded.
    pub path: String,
    /// Filter and fixed parameters (not paging), values not yet encoded.
    pub params: Vec<(String, String)>,
    pub paging: Paging,
    /// The route's column and qual value, for columns the object itself does not carry.
    pub route_value: Option<(&'static str, String)>,
    /// Lookups: drop a returned object whose field differs from the value asked for
    /// (`GET /organizations/{x}` answers for an id or a slug).
    pub expect: Option<(&'static str, String)>,
    /// 404 means "no such object": zero rows, not an error.
    pub missing_is_empty: bool,
    /// Read in a column's order and stop at the first page with a row past the bound.
    pub stop: Option<Stop>,
}

/// Where an ordered read can stop: rows come ordered by `field` (descending for a lower
/// bound, ascending for an upper one), so after a row past `bound` no later row is in range.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub field: &'static str,
    /// Unix milliseconds, widened by one as the range filters' bounds are.
    pub bound: i64,
    pub lower: bool,
}

impl Stop {
    /// Whether the row at `body[s..e]` is past the bound. A row without the value (NULL)
    /// is never: it proves nothing about the rows after it.
    pub fn passed(&self, body: &str, s: usize, e: usize) -> bool {
        let row = crate::json::Val {
            raw: crate::bug::span(body, s, e),
        };
        let Some(ms) = row.get(self.field).and_then(|v| v.as_i64()) else {
            return false;
        };
        if self.lower {
            ms < self.bound
        } else {
            ms > self.bound
        }
    }
}

/// More `id IN (…)` values than this are answered by one list scan instead of GETs.
const MAX_BY_ID_LOOKUPS: usize = 20;

/// A longer value is never sent: no Clerk id, address or name is this long, and Postgres
/// compares it just as well.
const MAX_VALUE_BYTES: usize = 1024;

/// Percent-encoded filter values one request carries at most; more go in further requests
/// (servers refuse URLs of tens of KB).
const MAX_VALUES_BYTES: usize = 6000;

/// Whether Clerk would read `v` as exactly this text: not empty, no control character, no
/// space at either end (which a server may trim), not too long. Anything else is left to
/// Postgres, or, as an id in a path, matches no object.
fn plain(v: &str) -> bool {
    !v.is_empty() && v.len() <= MAX_VALUE_BYTES && v.trim() == v && !v.chars().any(char::is_control)
}

/// Whether `v` may fill a path's `{}` (see `path.rs`) and be read as itself.
fn path_value(v: &str) -> bool {
    plain(v) && crate::path::segment(v)
}

/// Whether a filter may send `v` and still get every row equal to it (or more).
fn sendable(v: &str, syntax: Syntax, repeated: bool) -> bool {
    match syntax {
        // A partial match of a trimmed value is still a superset; an empty one is refused.
        Syntax::Search | Syntax::Contains | Syntax::Partial => {
            !v.trim().is_empty() && v.len() <= MAX_VALUE_BYTES
        }
        // The spec does not say whether a repeated parameter also splits on commas.
        Syntax::Exact => plain(v) && !(repeated && v.contains(',')),
        Syntax::Signed => {
            plain(v)
                && !matches!(v.as_bytes().first(), Some(b'+' | b'-'))
                && !(repeated && v.contains(','))
        }
    }
}

/// Plan the fetches for a scan. `referenced` are the query's column names.
pub fn plan(object: &Object, quals: &[Qual], referenced: &[&str]) -> Result<Vec<Fetch>, String> {
    // Loops rather than iterator chains throughout: each `collect` adds its own copy of
    // Vec's extend code (size).
    let mut column_params = Vec::new();
    for cp in object.column_params {
        if referenced.contains(&cp.column) {
            column_params.push(pair(cp.param.name, cp.param.value));
        }
    }

    let required = object.required_route().map(|r| r.column);
    for route in object.routes {
        let Some(mut values) = eq_values(quals, route.column) else {
            continue;
        };
        if values.iter().any(|v| !path_value(v)) {
            if required != Some(route.column) {
                continue; // another route or the list answers, and Postgres filters
            }
            // No object has such an id: the value matches no row.
            values.retain(|v| path_value(v));
        }
        // The parent and one id pinned: one GET per parent for that object alone.
        let id = eq_values(quals, "id").filter(|ids| ids.len() == 1 && path_value(&ids[0]));
        if let (Some(by_id), Some([id])) = (route.by_id, id.as_deref()) {
            let mut fetches = Vec::new();
            for v in values {
                // The first `{}` takes the parent, the second the id.
                let Some(path) = crate::path::fill(by_id, &[&v, id]) else {
                    continue;
                };
                fetches.push(Fetch {
                    path,
                    params: column_params.clone(),
                    paging: Paging::Single,
                    route_value: Some((route.column, v)),
                    expect: Some(("id", id.clone())),
                    missing_is_empty: true,
                    stop: None,
                });
            }
            return Ok(fetches);
        }
        if !route.complete {
            continue;
        }
        let mut params = list_params(object);
        params.extend_from_slice(&column_params);
        return Ok(route_fetches(route, &values, quals, &params));
    }
    // By-id lookups come before the list, and work for objects without one (a session by
    // id needs no user).
    for &Lookup {
        column,
        field,
        path,
    } in object.lookups
    {
        let Some(values) = eq_values(quals, column) else {
            continue;
        };
        if values.iter().any(|v| !path_value(v)) {
            continue;
        }
        let list_takes_values = object.list.is_some_and(|list| {
            list.filters
                .iter()
                .any(|f| f.column == column && f.kind == FilterKind::Values)
        });
        if values.len() == 1 || (!list_takes_values && values.len() <= MAX_BY_ID_LOOKUPS) {
            let mut fetches = Vec::new();
            for v in values {
                let Some(path) = crate::path::fill(path, &[&v]) else {
                    continue;
                };
                fetches.push(Fetch {
                    path,
                    params: column_params.clone(),
                    paging: Paging::Single,
                    route_value: None,
                    expect: Some((field, v)),
                    missing_is_empty: true,
                    stop: None,
                });
            }
            return Ok(fetches);
        }
    }

    let Some(list) = object.list else {
        return Err(required_qual_error(object, quals));
    };
    let mut params = list_params(object);
    params.append(&mut column_params);
    let mut fetches = endpoint_fetches(&list, list.path.to_string(), params, quals, None, false);
    ordered(object, quals, &mut fetches);
    // Rows Clerk lists only when asked: a second pass, unless the query asked itself.
    if let Some(p) = object.unlisted {
        if !fetches
            .iter()
            .any(|f| f.params.iter().any(|(k, _)| k == p.name))
        {
            for i in 0..fetches.len() {
                let mut f = fetches[i].clone();
                f.params.push(pair(p.name, p.value));
                fetches.push(f);
            }
        }
    }
    Ok(fetches)
}

/// A range condition on one of the object's `sorted` columns: ask for that order, and stop
/// at the first row past the bound (a lower bound reads newest first). Cursor paging takes
/// only the `created_at` order (the spec), so other orders page by offset.
fn ordered(object: &Object, quals: &[Qual], fetches: &mut [Fetch]) {
    for &column in object.sorted {
        let (bound, lower) = match range_bound(quals, column, true) {
            Some(b) => (b, true),
            None => match range_bound(quals, column, false) {
                Some(b) => (b, false),
                None => continue,
            },
        };
        let order = cat(&[if lower { "-" } else { "+" }, column]);
        for f in fetches.iter_mut() {
            f.params.push(pair("order_by", &order));
            if f.paging == Paging::Cursor && column != "created_at" {
                f.paging = Paging::Offset { paginated: false };
            }
            f.stop = Some(Stop {
                field: column,
                bound,
                lower,
            });
        }
        return;
    }
}

fn list_params(object: &Object) -> Vec<(String, String)> {
    let mut params = Vec::new();
    for p in object.list_params {
        params.push(pair(p.name, p.value));
    }
    params
}

fn route_fetches(
    route: &Route,
    values: &[String],
    quals: &[Qual],
    column_params: &[(String, String)],
) -> Vec<Fetch> {
    let single = route.endpoint.paging == Paging::Single;
    let (path, param) = (route.endpoint.path, route.param);
    let mut fetches = Vec::new();
    for v in values {
        let mut params = column_params.to_vec();
        let path = match param {
            Some(name) => {
                params.push(pair(name, v));
                path.to_string()
            }
            None => match crate::path::fill(path, &[v]) {
                Some(p) => p,
                None => continue,
            },
        };
        // A parent in the path that Clerk does not know (404) has no rows, as in SQL.
        fetches.append(&mut endpoint_fetches(
            &route.endpoint,
            path,
            params,
            quals,
            Some((route.column, v.clone())),
            single || param.is_none(),
        ));
    }
    fetches
}

/// Add the endpoint's pushable filters; a `Values` filter with more values than one
/// request takes is split into several fetches.
fn endpoint_fetches(
    endpoint: &Endpoint,
    path: String,
    mut params: Vec<(String, String)>,
    quals: &[Qual],
    route_value: Option<(&'static str, String)>,
    missing_is_empty: bool,
) -> Vec<Fetch> {
    // (param, values) for the one filter that needs several requests.
    let mut chunked: Option<(&str, Vec<String>)> = None;
    for f in endpoint.filters {
        if params.iter().any(|(k, _)| k == f.param) {
            continue; // one parameter, two columns (e.g. invitations `query`): first wins
        }
        match f.kind {
            FilterKind::Values => {
                let Some(vals) = eq_values(quals, f.column) else {
                    continue;
                };
                // One value Clerk would read differently, and the whole IN list stays
                // with Postgres: sending the others alone would lose its rows.
                if vals.iter().any(|v| !sendable(v, f.syntax, true)) {
                    continue;
                }
                if vals.len() <= MAX_VALUES && encoded_len(&vals) <= MAX_VALUES_BYTES {
                    for v in vals {
                        params.push((f.param.to_string(), v));
                    }
                } else if chunked.is_none() {
                    chunked = Some((f.param, vals));
                }
            }
            FilterKind::One => {
                if let Some([v]) = eq_values(quals, f.column).as_deref() {
                    let allowed = f.only.map_or(&[][..], |o| o.values);
                    if (allowed.is_empty() || allowed.contains(&v.as_str()))
                        && sendable(v, f.syntax, false)
                    {
                        params.push((f.param.to_string(), v.clone()));
                    }
                }
            }
            FilterKind::Bool => {
                let b = quals.iter().find_map(|q| match (&q.values[..], q.is_list) {
                    ([QualValue::Bool(b)], false)
                        if q.field == f.column && (q.op == "=" || q.op == "is") =>
                    {
                        Some(*b)
                    }
                    _ => None,
                });
                if let Some(b) = b {
                    let b = if b { "true" } else { "false" };
                    params.push((f.param.to_string(), b.to_string()));
                }
            }
            FilterKind::Like => {
                let run = quals.iter().find_map(|q| match (&q.values[..], q.is_list) {
                    ([QualValue::Text(p)], false) if q.field == f.column => {
                        like::literal(&q.op, p, f.syntax)
                    }
                    _ => None,
                });
                if let Some(run) = run.filter(|r| sendable(r, f.syntax, false)) {
                    params.push((f.param.to_string(), run.to_string()));
                }
            }
            FilterKind::After | FilterKind::Before => {
                if let Some(ms) = range_bound(quals, f.column, f.kind == FilterKind::After) {
                    params.push((f.param.to_string(), int(ms)));
                }
            }
        }
    }
    // A parameter Clerk takes only with another is dropped when the other is missing.
    for f in endpoint.filters {
        if let Some(with) = f.only.and_then(|o| o.with) {
            if !params.iter().any(|(k, _)| k == with) {
                params.retain(|(k, _)| k != f.param);
            }
        }
    }
    let fetch = |params: Vec<(String, String)>| Fetch {
        path: path.clone(),
        params,
        paging: endpoint.paging,
        route_value: route_value.clone(),
        expect: None,
        missing_is_empty,
        stop: None,
    };
    let Some((param, vals)) = chunked else {
        return vec![fetch(params)];
    };
    let mut fetches = Vec::new();
    let mut p = params.clone();
    let (mut count, mut bytes) = (0, 0);
    for v in vals {
        let len = encode(&v).len();
        if count > 0 && (count == MAX_VALUES || bytes + len > MAX_VALUES_BYTES) {
            fetches.push(fetch(core::mem::replace(&mut p, params.clone())));
            (count, bytes) = (0, 0);
        }
        p.push((param.to_string(), v));
        count += 1;
        bytes += len;
    }
    fetches.push(fetch(p));
    fetches
}

/// Bytes the values take in a query string.
fn encoded_len(vals: &[String]) -> usize {
    let mut n = 0;
    for v in vals {
        n += encode(v).len();
    }
    n
}

fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// Values of `column = x` / `column IN (…)`; when several quals pin the column, the first.
fn eq_values(quals: &[Qual], column: &str) -> Option<Vec<String>> {
    quals
        .iter()
        .filter(|q| q.field == column)
        .find_map(Qual::eq_values)
        .filter(|v| !v.is_empty())
}

/// The tightest pushable bound on a timestamp column, in Unix milliseconds, widened by one
/// millisecond so it holds whether Clerk treats the bound as inclusive or exclusive.
fn range_bound(quals: &[Qual], column: &str, lower: bool) -> Option<i64> {
    let ops: &[&str] = if lower { &[">", ">="] } else { &["<", "<="] };
    quals
        .iter()
        .filter(|q| q.field == column && !q.is_list && ops.contains(&q.op.as_str()))
        .filter_map(|q| {
            let (floor, ceil) = match q.values.first()? {
                QualValue::Timestamp(us) => (us.div_euclid(1000), (us + 999).div_euclid(1000)),
                QualValue::Date(s) => (s.checked_mul(1000)?, s.checked_mul(1000)?),
                // A bigint column holds Clerk's raw milliseconds.
                QualValue::Int(ms) => (*ms, *ms),
                _ => return None,
            };
            if lower {
                floor.checked_sub(1)
            } else {
                ceil.checked_add(1)
            }
        })
        .reduce(|a, b| if lower { a.max(b) } else { a.min(b) })
}

/// The error for a scan of an object that needs a parent id.
pub fn required_qual_error(object: &Object, quals: &[Qual]) -> String {
    let col = object.required_route().map_or("id", |r| r.column);
    let unresolved = quals
        .iter()
        .any(|q| q.field == col && q.values.contains(&QualValue::Unresolved));
    if unresolved {
        return fill(
            "{obj} needs the value of {col} when the scan starts, but the condition compares \
             it with a subquery's result, which the Wrappers host cannot hand over then. Use \
             a constant, or select the values first: select * from \
             clerk.{obj} where {col} in ('…', '…')",
            &[("obj", object.name), ("col", col)],
        );
    }
    fill(
        "{obj} needs a WHERE condition on {col}: Clerk has no endpoint listing all {obj}. \
         Example: select * from clerk.{obj} where {col} = '…'; ({col} IN (…) works too; in a \
         join, give this table's {col} its own condition)",
        &[("obj", object.name), ("col", col)],
    )
}

/// Said when a qual could not be pushed down because its value is a subquery's result.
pub fn unresolved_notice(object: &str, column: &str) -> String {
    fill(
        "clerk_fdw: the condition on {object}.{column} compares it with a subquery's result, \
         which the Wrappers host cannot hand over when the scan starts; reading {object} \
         without it and letting Postgres filter. For one request, use a constant instead",
        &[("object", object), ("column", column)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::find;

    fn eq(field: &str, v: &str) -> Qual {
        Qual {
            field: field.into(),
            op: "=".into(),
            values: vec![QualValue::Text(v.into())],
            is_list: false,
        }
    }
    fn is_in(field: &str, vs: &[&str]) -> Qual {
        Qual {
            field: field.into(),
            op: "=".into(),
            values: vs.iter().map(|v| QualValue::Text(v.to_string())).collect(),
            is_list: true,
        }
    }
    fn cmp(field: &str, op: &str, v: QualValue) -> Qual {
        Qual {
            field: field.into(),
            op: op.into(),
            values: vec![v],
            is_list: false,
        }
    }
    fn p(f: &Fetch) -> Vec<(&str, &str)> {
        f.params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn full_scan_without_quals() {
        let f = plan(find("users").unwrap(), &[], &["id"]).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "/users");
        assert_eq!(f[0].paging, Paging::Cursor);
        assert!(f[0].params.is_empty());
    }

    #[test]
    fn id_eq_uses_get_by_id_only_where_it_exists() {
        let f = plan(find("users").unwrap(), &[eq("id", "user_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/users/user_1");
        assert_eq!(f[0].paging, Paging::Single);
        assert!(f[0].missing_is_empty);
        assert_eq!(f[0].expect, Some(("id", "user_1".to_string())));

        // invitations have no GET by id: the list's `query` filter instead.
        let f = plan(find("invitations").unwrap(), &[eq("id", "inv_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/invitations");
        assert_eq!(p(&f[0]), vec![("query", "inv_1")]);
        assert!(!f[0].missing_is_empty);

        // domains: nothing to push, full list.
        let f = plan(find("domains").unwrap(), &[eq("id", "dmn_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/domains");
        assert_eq!(f[0].paging, Paging::Unpaged);
    }

    #[test]
    fn users_id_in_uses_the_user_id_filter_in_chunks_of_100() {
        let ids: Vec<String> = (0..250).map(|i| format!("user_{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let f = plan(find("users").unwrap(), &[is_in("id", &refs)], &[]).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].params.len(), 100);
        assert_eq!(f[2].params.len(), 50);
        assert!(f.iter().all(|x| x.path == "/users"));
        let all: Vec<&str> = f
            .iter()
            .flat_map(|x| x.params.iter().map(|(_, v)| v.as_str()))
            .collect();
        assert_eq!(all, refs);
    }

    #[test]
    fn organizations_id_in_uses_organization_id_filter() {
        let f = plan(
            find("organizations").unwrap(),
            &[is_in("id", &["a", "b"])],
            &[],
        )
        .unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(
            p(&f[0]),
            vec![("organization_id", "a"), ("organization_id", "b")]
        );
    }

    #[test]
    fn organization_slug_is_a_single_get() {
        let orgs = find("organizations").unwrap();
        let f = plan(orgs, &[eq("slug", "acme corp")], &[]).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "/organizations/acme%20corp");
        assert_eq!(f[0].expect, Some(("slug", "acme corp".to_string())));
        // id wins when both are pinned.
        let f = plan(orgs, &[eq("slug", "acme"), eq("id", "org_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/organizations/org_1");
    }

    #[test]
    fn by_id_in_without_list_filter_fans_out() {
        let f = plan(
            find("jwt_templates").unwrap(),
            &[is_in("id", &["a", "b", "a"])],
            &[],
        )
        .unwrap();
        assert_eq!(f.len(), 2, "duplicate IN values are collapsed");
        assert_eq!(f[1].path, "/jwt_templates/b");
    }

    #[test]
    fn user_filters_and_time_ranges() {
        let quals = [
            is_in("email_address", &["a+b@x.co", "c@x.co"]),
            cmp("banned", "=", QualValue::Bool(false)),
            cmp(
                "created_at",
                ">=",
                QualValue::Timestamp(1_700_000_000_000_500),
            ),
            cmp(
                "created_at",
                ">",
                QualValue::Timestamp(1_600_000_000_000_000),
            ),
            cmp(
                "created_at",
                "<",
                QualValue::Timestamp(1_800_000_000_000_001),
            ),
            eq("username", "zoë"),
        ];
        let f = plan(find("users").unwrap(), &quals, &[]).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(
            p(&f[0]),
            vec![
                ("email_address", "a+b@x.co"),
                ("email_address", "c@x.co"),
                ("username", "zoë"),
                ("banned", "false"),
                ("created_at_after", "1699999999999"),
                ("created_at_before", "1800000000002"),
            ]
        );
    }

    #[test]
    fn range_bounds_are_widened_by_one_millisecond() {
        let q = |op: &str, us: i64| vec![cmp("created_at", op, QualValue::Timestamp(us))];
        let users = find("users").unwrap();
        let f = plan(users, &q(">=", 1_000_000), &[]).unwrap();
        assert_eq!(p(&f[0]), vec![("created_at_after", "999")]);
        let f = plan(users, &q("<=", 1_000_001), &[]).unwrap();
        assert_eq!(p(&f[0]), vec![("created_at_before", "1002")]);
        let f = plan(users, &q(">", -1), &[]).unwrap();
        assert_eq!(p(&f[0]), vec![("created_at_after", "-2")]);
        // `<>` and IN on a timestamp are not pushed.
        let f = plan(users, &q("<>", 5), &[]).unwrap();
        assert!(f[0].params.is_empty());
    }

    #[test]
    fn memberships_route_by_organization_then_user() {
        let m = find("organization_memberships").unwrap();
        let f = plan(
            m,
            &[
                is_in("organization_id", &["org_1", "org_2"]),
                eq("user_id", "u"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].path, "/organizations/org_1/memberships");
        assert_eq!(p(&f[0]), vec![("user_id", "u")]);
        assert_eq!(
            f[1].route_value,
            Some(("organization_id", "org_2".to_string()))
        );
        let f = plan(m, &[eq("user_id", "user/1")], &[]).unwrap();
        assert_eq!(f[0].path, "/users/user%2F1/organization_memberships");
        let f = plan(m, &[], &[]).unwrap();
        assert_eq!(f[0].path, "/organization_memberships");
    }

    #[test]
    fn required_quals() {
        let s = find("user_billing_subscriptions").unwrap();
        let e = plan(s, &[], &["id"]).unwrap_err();
        assert!(
            e.contains("user_id") && e.contains("where user_id = "),
            "{e}"
        );
        let f = plan(s, &[is_in("user_id", &["u1", "u2"])], &[]).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].path, "/users/u1/billing/subscription");
        assert!(f[0].missing_is_empty && f[0].paging == Paging::Single);
        let a = find("billing_payment_attempts").unwrap();
        let f = plan(a, &[eq("statement_id", "stmt_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/billing/statements/stmt_1/payment_attempts");
        assert!(
            f[0].missing_is_empty,
            "404: no such statement, so no payment attempts"
        );
        let f = plan(find("users").unwrap(), &[], &[]).unwrap();
        assert!(
            !f[0].missing_is_empty,
            "404 from the instance list is an error"
        );
        let e = plan(
            a,
            &[cmp("statement_id", ">", QualValue::Text("a".into()))],
            &[],
        )
        .unwrap_err();
        assert!(e.contains("statement_id"));
    }

    #[test]
    fn enum_filters_only_push_values_the_endpoint_accepts() {
        let items = find("billing_subscription_items").unwrap();
        let f = plan(items, &[eq("status", "active")], &[]).unwrap();
        assert_eq!(
            p(&f[0]),
            vec![("include_free", "true"), ("status", "active")]
        );
        let f = plan(items, &[eq("status", "canceled")], &[]).unwrap();
        assert_eq!(p(&f[0]), vec![("include_free", "true")]);
    }

    #[test]
    fn shared_param_is_sent_once() {
        let inv = find("invitations").unwrap();
        let f = plan(
            inv,
            &[eq("email_address", "a@b.co"), eq("id", "inv_1")],
            &[],
        )
        .unwrap();
        assert_eq!(p(&f[0]), vec![("query", "inv_1")]);
    }

    #[test]
    fn signed_values_stay_with_postgres() {
        let users = find("users").unwrap();
        // `+x` asks Clerk to include x, `-x` to exclude it: neither means "equal to".
        for q in [
            eq("external_id", "+vip-9"),
            is_in("external_id", &["+vip-9", "ext-0"]),
            is_in("id", &["user_1", "-user_2"]),
        ] {
            let f = plan(users, core::slice::from_ref(&q), &[]).unwrap();
            assert_eq!(f.len(), 1, "{q:?}");
            assert!(f[0].params.is_empty(), "{q:?} → {:?}", f[0].params);
        }
        // Inside a value a sign is plain text.
        let f = plan(users, &[is_in("external_id", &["a+b", "c-d"])], &[]).unwrap();
        assert_eq!(
            p(&f[0]),
            vec![("external_id", "a+b"), ("external_id", "c-d")]
        );
        // Exact parameters take a leading `+` as it is (phone numbers start with one).
        let f = plan(users, &[eq("phone_number", "+15550100")], &[]).unwrap();
        assert_eq!(p(&f[0]), vec![("phone_number", "+15550100")]);
        let domains = find("organization_domains").unwrap();
        let f = plan(domains, &[eq("enrollment_mode", "-manual_invitation")], &[]).unwrap();
        assert!(f[0].params.is_empty());
    }

    #[test]
    fn values_clerk_could_read_differently_are_not_sent() {
        let users = find("users").unwrap();
        let long = "x".repeat(1025);
        for v in ["", " ann", "ann ", "a\tb", "a,b", long.as_str()] {
            let f = plan(users, &[eq("username", v)], &[]).unwrap();
            assert!(f[0].params.is_empty(), "{v:?} → {:?}", f[0].params);
        }
        for v in ["zoë", "a%b", "a_b", "a b", "o'brien"] {
            let f = plan(users, &[eq("username", v)], &[]).unwrap();
            assert_eq!(p(&f[0]), vec![("username", v)]);
        }
        // A search is a superset whatever the text, but Clerk refuses an empty one.
        let inv = find("invitations").unwrap();
        let f = plan(inv, &[eq("email_address", "a,b %_")], &[]).unwrap();
        assert_eq!(p(&f[0]), vec![("query", "a,b %_")]);
        let f = plan(inv, &[eq("email_address", " ")], &[]).unwrap();
        assert!(f[0].params.is_empty());
    }

    #[test]
    fn path_values_never_step_out_of_the_path() {
        let users = find("users").unwrap();
        for v in [".", "..", ""] {
            let f = plan(users, &[eq("id", v)], &[]).unwrap();
            assert!(f.iter().all(|f| f.path == "/users"), "{v:?} → {f:?}");
        }
        // A required parent that no object can have: no request, no row.
        let subs = find("user_billing_subscriptions").unwrap();
        assert!(plan(subs, &[eq("user_id", "..")], &[]).unwrap().is_empty());
        let f = plan(subs, &[is_in("user_id", &["", "u1"])], &[]).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "/users/u1/billing/subscription");
        // An optional route falls back to the list.
        let m = find("organization_memberships").unwrap();
        let f = plan(m, &[eq("organization_id", " org_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/organization_memberships");
    }

    #[test]
    fn hidden_defaults_are_turned_off() {
        // api_keys: revoked and expired keys too.
        let keys = find("api_keys").unwrap();
        let f = plan(keys, &[eq("subject", "user_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/api_keys");
        assert_eq!(
            p(&f[0]),
            vec![("include_invalid", "true"), ("subject", "user_1")]
        );
        // invitations: revoked ones in a second pass, unless the query pins the status.
        let inv = find("invitations").unwrap();
        let f = plan(inv, &[eq("email_address", "a@b.co")], &[]).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(p(&f[0]), vec![("query", "a@b.co")]);
        assert_eq!(p(&f[1]), vec![("query", "a@b.co"), ("status", "revoked")]);
        let f = plan(inv, &[eq("status", "pending")], &[]).unwrap();
        assert_eq!(f.len(), 1);
        let f = plan(inv, &[is_in("status", &["pending", "revoked"])], &[]).unwrap();
        assert_eq!(f.len(), 2, "an IN list is not pushed, so both passes run");
    }

    #[test]
    fn an_incomplete_route_serves_only_lookups_by_id() {
        // Clerk's per-organization list omits invitations an organization domain created.
        let inv = find("organization_invitations").unwrap();
        let f = plan(inv, &[eq("organization_id", "org_1")], &[]).unwrap();
        assert_eq!(f[0].path, "/organization_invitations");
        let f = plan(
            inv,
            &[eq("organization_id", "org_1"), eq("id", "orginv_1")],
            &[],
        )
        .unwrap();
        assert_eq!(f[0].path, "/organizations/org_1/invitations/orginv_1");
        assert_eq!(f[0].paging, Paging::Single);
    }

    #[test]
    fn long_in_lists_are_split_by_url_length_too() {
        let emails: Vec<String> = (0..60)
            .map(|i| format!("{i}{}@x.co", "a".repeat(200)))
            .collect();
        let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
        let f = plan(
            find("users").unwrap(),
            &[is_in("email_address", &refs)],
            &[],
        )
        .unwrap();
        assert!(f.len() > 1);
        let mut sent = Vec::new();
        for x in &f {
            let bytes: usize = x.params.iter().map(|(_, v)| encode(v).len()).sum();
            assert!(bytes <= MAX_VALUES_BYTES, "{bytes}");
            sent.extend(x.params.iter().map(|(_, v)| v.as_str()));
        }
        assert_eq!(sent, refs);
    }

    #[test]
    fn column_params_follow_referenced_columns() {
        let orgs = find("organizations").unwrap();
        let f = plan(orgs, &[], &["id", "members_count"]).unwrap();
        assert_eq!(p(&f[0]), vec![("include_members_count", "true")]);
        let f = plan(orgs, &[eq("id", "acme")], &["members_count"]).unwrap();
        assert_eq!(f[0].path, "/organizations/acme");
        assert_eq!(p(&f[0]), vec![("include_members_count", "true")]);
        let f = plan(orgs, &[], &["id"]).unwrap();
        assert!(f[0].params.is_empty());
    }
}
