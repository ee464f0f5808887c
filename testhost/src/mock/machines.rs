//! Machines and their M2M tokens.

use super::api::{clerk_param_error, Resp, Q};
use super::lists::{apply_order, contains_ci, page_rows, paged_envelope};
use super::records::get_str;
use super::store::Data;
use serde_json::json;

/// `GET /machines`: `query` is an exact id or a partial name (read here as a
/// case-insensitive substring), `order_by` name or created_at.
pub(crate) fn list(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let query = q.get("query").filter(|s| !s.is_empty());
    let mut idx: Vec<usize> = (0..d.machines.len())
        .filter(|&i| {
            let m = &d.machines[i];
            query.is_none_or(|qs| {
                get_str(m, "id") == Some(qs)
                    || get_str(m, "name").is_some_and(|n| contains_ci(n, &qs.to_lowercase()))
            })
        })
        .collect();
    let orders: &[(&str, &[&str])] = &[("created_at", &["created_at"]), ("name", &["name"])];
    apply_order(q, &d.machines, &mut idx, orders, ("created_at", true))?;
    Ok(paged_envelope(&d.machines, &idx, limit, offset))
}

/// `GET /m2m_tokens`: `subject` required, `revoked`/`expired` filters, pages of at most
/// 100, rows under `m2m_tokens`.
pub(crate) fn tokens(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let Some(subject) = q.get("subject") else {
        return Err(clerk_param_error("subject", "`subject` is required"));
    };
    if q.int("limit")?.unwrap_or(10) > 100 {
        return Err(clerk_param_error(
            "limit",
            "`limit` must be between 1 and 100",
        ));
    }
    let (limit, offset) = q.paging()?;
    let revoked = q.bool_opt("revoked")?;
    let expired = q.bool_opt("expired")?;
    let idx: Vec<usize> = (0..d.m2m_tokens.len())
        .filter(|&i| {
            let t = &d.m2m_tokens[i];
            get_str(t, "subject") == Some(subject)
                && revoked.is_none_or(|r| t["revoked"] == r)
                && expired.is_none_or(|e| t["expired"] == e)
        })
        .collect();
    let rows = page_rows(&d.m2m_tokens, &idx, limit, offset);
    let body = json!({"m2m_tokens": rows, "total_count": idx.len()});
    Ok(Resp::ok(body.to_string()))
}
