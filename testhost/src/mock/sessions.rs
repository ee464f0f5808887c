//! Sessions: their records, the list (per user or client) and by id, and revoke.

use super::api::{body, clerk_param_error, form_error, now_ms, Resp, NO_FIELDS, Q};
use super::lists::{array_or_envelope, sort_by_path};
use super::records::get_str;
use super::store::Data;
use serde_json::json;

pub(crate) fn revoke_session(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    body(text, &NO_FIELDS, false)?;
    let list = &mut data.dataset.sessions;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    if get_str(&list[i], "status") != Some("active") {
        return Err(form_error(
            400,
            "session_not_active",
            "not active",
            "Only active sessions can be revoked.",
            None,
        ));
    }
    list[i]["status"] = json!("revoked");
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

/// `GET /sessions`.
pub(crate) fn list(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    // Clerk deprecated listing sessions without a user or a client.
    let (user, client) = (q.get("user_id"), q.get("client_id"));
    if user.is_none() && client.is_none() {
        return Err(clerk_param_error(
            "user_id",
            "provide either `user_id` or `client_id`",
        ));
    }
    let status = q.get("status");
    const STATUSES: [&str; 7] = [
        "abandoned",
        "active",
        "ended",
        "expired",
        "removed",
        "replaced",
        "revoked",
    ];
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(clerk_param_error(
            "status",
            "`status` is not a session status",
        ));
    }
    let (limit, offset) = q.paging()?;
    let mut idx: Vec<usize> = (0..d.sessions.len())
        .filter(|&i| {
            let v = &d.sessions[i];
            user.is_none_or(|u| get_str(v, "user_id") == Some(u))
                && client.is_none_or(|c| get_str(v, "client_id") == Some(c))
                && status.is_none_or(|s| get_str(v, "status") == Some(s))
        })
        .collect();
    sort_by_path(&d.sessions, &mut idx, &["created_at"], true);
    Ok(array_or_envelope(q, &d.sessions, &idx, limit, offset))
}
