//! Organization roles and permissions, and API keys: records and lists.

use super::api::{clerk_param_error, Resp, Q};
use super::lists::{all_indexes, apply_order, paged_envelope};

use serde_json::Value;

use super::records::get_str;

use super::store::Data;

/// `GET /api_keys`.
pub(crate) fn api_keys(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let Some(subject) = q.get("subject") else {
        return Err(clerk_param_error("subject", "`subject` is required"));
    };
    // This endpoint pages by at most 100.
    if q.int("limit")?.unwrap_or(10) > 100 {
        return Err(clerk_param_error(
            "limit",
            "`limit` must be between 1 and 100",
        ));
    }
    let (limit, offset) = q.paging()?;
    let kind = q.get("type").unwrap_or("api_key");
    // Revoked and expired keys only with `include_invalid=true` (default false).
    let invalid = q.get("include_invalid") == Some("true");
    let idx: Vec<usize> = (0..d.api_keys.len())
        .filter(|&i| {
            let v = &d.api_keys[i];
            let valid = v["revoked"] != true && v["expired"] != true;
            get_str(v, "subject") == Some(subject)
                && get_str(v, "type") == Some(kind)
                && (valid || invalid)
        })
        .collect();
    Ok(paged_envelope(&d.api_keys, &idx, limit, offset))
}

/// The rows of `list` that `query` keeps: "exact match for ID and partial match for name
/// and key" (roles, permissions, role sets). Read here the narrowest way the words allow,
/// a case-sensitive prefix, so a pushdown that relies on more shows up as missing rows.
fn id_or_prefix(q: &Q, list: &[Value]) -> Vec<usize> {
    let query = q.get("query").filter(|s| !s.is_empty());
    let starts = |v: &Value, k: &str, qs: &str| get_str(v, k).is_some_and(|x| x.starts_with(qs));
    all_indexes(list.len())
        .into_iter()
        .filter(|&i| {
            let v = &list[i];
            query.is_none_or(|qs| {
                get_str(v, "id") == Some(qs) || starts(v, "name", qs) || starts(v, "key", qs)
            })
        })
        .collect()
}

/// `GET /organization_roles` and `/organization_permissions`: `query`, stored order.
pub(crate) fn list(q: &Q, list: &[Value]) -> Result<Resp, Resp> {
    let (limit, offset) = q.paging()?;
    Ok(paged_envelope(list, &id_or_prefix(q, list), limit, offset))
}

/// `GET /role_sets`: `query` as for roles, `order_by` created_at, name or key.
pub(crate) fn role_sets(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let mut idx = id_or_prefix(q, &d.role_sets);
    let orders: &[(&str, &[&str])] = &[
        ("created_at", &["created_at"]),
        ("name", &["name"]),
        ("key", &["key"]),
    ];
    apply_order(q, &d.role_sets, &mut idx, orders, ("created_at", true))?;
    Ok(paged_envelope(&d.role_sets, &idx, limit, offset))
}

/// `GET /role_sets/{key_or_id}`.
pub(crate) fn role_set(sh: &Data, key_or_id: &str) -> Resp {
    let found = sh
        .dataset
        .role_sets
        .iter()
        .find(|v| v["id"] == key_or_id || v["key"] == key_or_id);
    found.map_or_else(Resp::not_found, |v| Resp::ok(v.to_string()))
}
