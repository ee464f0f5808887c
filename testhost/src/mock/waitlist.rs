//! Waitlist entries: records, the list, create, invite, reject and delete.

use super::api::{body, clerk_param_error, now_ms, Fields, Resp, NO_FIELDS, Q};
use super::lists::{apply_order, paged_envelope, status_and_query};
use serde_json::json;

use super::records::get_str;
use super::store::Data;

pub(crate) const WAITLIST_CREATE: Fields = Fields(&["email_address*", "notify"]);

pub(crate) const WAITLIST_INVITE: Fields = Fields(&["ignore_existing"]);

pub(crate) fn create_waitlist_entry(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &WAITLIST_CREATE, true)?;
    // An address already on the waitlist gets its entry back, not a new one (the spec).
    let email = map["email_address"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    let list = &data.dataset.waitlist_entries;
    if let Some(v) = list
        .iter()
        .find(|v| get_str(v, "email_address").map(str::to_lowercase) == Some(email.clone()))
    {
        return Ok(Resp::ok(v.to_string()));
    }
    let now = now_ms();
    let v = json!({
        "object": "waitlist_entry", "id": data.new_id("wle"),
        "email_address": map["email_address"], "status": "pending", "is_locked": false,
        "invitation": null, "created_at": now, "updated_at": now,
    });
    data.dataset.waitlist_entries.push(v.clone());
    Ok(Resp::ok(v.to_string()))
}

pub(crate) fn waitlist_action(
    data: &mut Data,
    id: &str,
    action: &str,
    text: &str,
) -> Result<Resp, Resp> {
    if action == "invite" {
        body(text, &WAITLIST_INVITE, true)?;
    } else {
        body(text, &NO_FIELDS, false)?;
    }
    let invitation = data.new_id("inv");
    let list = &mut data.dataset.waitlist_entries;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    let now = now_ms();
    if action == "invite" {
        list[i]["status"] = json!("invited");
        list[i]["invitation"] = json!({"object": "invitation", "id": invitation, "status": "pending", "created_at": now});
    } else {
        list[i]["status"] = json!("rejected");
    }
    list[i]["updated_at"] = json!(now);
    Ok(Resp::ok(list[i].to_string()))
}

/// `GET /waitlist_entries`.
pub(crate) fn list(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let status = q.get("status");
    if status.is_some_and(|s| !["pending", "invited", "completed", "rejected"].contains(&s)) {
        return Err(clerk_param_error(
            "status",
            "`status` is not a waitlist status",
        ));
    }
    let mut idx = status_and_query(&d.waitlist_entries, status, q.get("query"));
    apply_order(
        q,
        &d.waitlist_entries,
        &mut idx,
        &[
            ("created_at", &["created_at"]),
            ("email_address", &["email_address"]),
            ("invited_at", &["invitation", "created_at"]),
        ],
        ("created_at", true),
    )?;
    Ok(paged_envelope(&d.waitlist_entries, &idx, limit, offset))
}
