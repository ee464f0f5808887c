//! List answers: paging, ordering and the bare-array / envelope shapes.

use super::api::{clerk_param_error, Resp, Q};
use super::records::{get_path, get_str};
use serde_json::Value;
use std::cmp::Ordering as CmpOrdering;

pub(crate) fn to_json(v: &Value) -> String {
    v.to_string()
}

pub(crate) fn list_json(items: &[&Value]) -> String {
    serde_json::to_string(items).expect("serializing JSON")
}

pub(crate) fn envelope(items: &[&Value], total: usize) -> String {
    format!(
        "{{\"data\":{},\"total_count\":{}}}",
        list_json(items),
        total
    )
}

pub(crate) fn envelope_owned(items: &[Value], total: usize) -> String {
    format!(
        "{{\"data\":{},\"total_count\":{}}}",
        serde_json::to_string(items).expect("serializing JSON"),
        total
    )
}

pub(crate) fn page<T: Copy>(all: &[T], limit: usize, offset: usize) -> &[T] {
    let start = offset.min(all.len());
    let end = start.saturating_add(limit).min(all.len());
    &all[start..end]
}

/// Compare two optional JSON values: numbers numerically, strings by text, null/missing last.
pub(crate) fn cmp_json(a: Option<&Value>, b: Option<&Value>) -> CmpOrdering {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => CmpOrdering::Equal,
        (None, Some(_)) => CmpOrdering::Greater,
        (Some(_), None) => CmpOrdering::Less,
        (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(CmpOrdering::Equal),
            _ => match (x.as_str(), y.as_str()) {
                (Some(p), Some(q)) => p.cmp(q),
                _ => x.to_string().cmp(&y.to_string()),
            },
        },
    }
}

/// Sort `idx` (into `items`) by the JSON value at `path`. Nulls sort last ascending and first
/// descending (like Postgres); ties keep the dataset order.
pub(crate) fn sort_by_path(items: &[Value], idx: &mut [usize], path: &[&str], desc: bool) {
    idx.sort_by(|&a, &b| {
        let o = cmp_json(get_path(&items[a], path), get_path(&items[b], path));
        let o = if desc { o.reverse() } else { o };
        o.then(a.cmp(&b))
    });
}

/// Resolve `order_by` against the allowed `(field, json path)` pairs and sort `idx`.
pub(crate) fn apply_order(
    q: &Q,
    items: &[Value],
    idx: &mut [usize],
    allowed: &[(&str, &[&str])],
    default: (&'static str, bool),
) -> Result<(), Resp> {
    let (field, desc) = q.order(default);
    let Some((_, path)) = allowed.iter().find(|(f, _)| *f == field) else {
        return Err(clerk_param_error(
            "order_by",
            &format!("`order_by` cannot be `{field}`"),
        ));
    };
    sort_by_path(items, idx, path, desc);
    Ok(())
}

pub(crate) fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    hay.to_lowercase().contains(needle_lower)
}

pub(crate) fn by_id(items: &[Value], id: &str) -> Resp {
    match items.iter().find(|v| get_str(v, "id") == Some(id)) {
        Some(v) => Resp::ok(to_json(v)),
        None => Resp::not_found(),
    }
}

/// Bare array, or the `{data,total_count}` envelope with `paginated=true`.
pub(crate) fn array_or_envelope(
    q: &Q,
    items: &[Value],
    idx: &[usize],
    limit: usize,
    offset: usize,
) -> Resp {
    if q.flag("paginated") {
        paged_envelope(items, idx, limit, offset)
    } else {
        Resp::ok(list_json(&page_rows(items, idx, limit, offset)))
    }
}

/// `{data, total_count}` for one page of the rows at `idx`.
pub(crate) fn paged_envelope(items: &[Value], idx: &[usize], limit: usize, offset: usize) -> Resp {
    Resp::ok(envelope(&page_rows(items, idx, limit, offset), idx.len()))
}

pub(crate) fn page_rows<'a>(
    items: &'a [Value],
    idx: &[usize],
    limit: usize,
    offset: usize,
) -> Vec<&'a Value> {
    page(idx, limit, offset)
        .iter()
        .map(|&i| &items[i])
        .collect()
}

/// Indexes of `items` with this `status` (if given) whose `email_address` contains `query`
/// case-insensitively (if given and not empty): Clerk's `status` + `query` filters.
pub(crate) fn status_and_query(
    items: &[Value],
    status: Option<&str>,
    query: Option<&str>,
) -> Vec<usize> {
    let query = query.filter(|s| !s.is_empty()).map(str::to_lowercase);
    (0..items.len())
        .filter(|&i| {
            let v = &items[i];
            status.is_none_or(|s| get_str(v, "status") == Some(s))
                && query.as_deref().is_none_or(|ql| {
                    get_str(v, "email_address").is_some_and(|e| contains_ci(e, ql))
                })
        })
        .collect()
}

/// Every index of a list of `n` items, in stored order.
pub(crate) fn all_indexes(n: usize) -> Vec<usize> {
    (0..n).collect()
}
