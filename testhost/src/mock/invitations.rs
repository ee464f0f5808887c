//! Instance invitations (`/invitations`). Reads and writes.

use super::api::{body, form_error, not_pending, now_ms, Fields, Resp, NO_FIELDS, Q};
use super::lists::{apply_order, array_or_envelope, contains_ci};
use serde_json::json;

use super::records::{get_str, DAY};
use super::store::Data;

pub(crate) const INVITATION_CREATE: Fields = Fields(&[
    "email_address*",
    "public_metadata",
    "redirect_url",
    "notify",
    "ignore_existing",
    "expires_in_days",
    "template_slug",
]);

pub(crate) fn create_invitation(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &INVITATION_CREATE, true)?;
    let email = map["email_address"].clone();
    let duplicate = data
        .dataset
        .invitations
        .iter()
        .any(|i| i["email_address"] == email && get_str(i, "status") == Some("pending"));
    if duplicate && map.get("ignore_existing") != Some(&json!(true)) {
        return Err(form_error(
            422,
            "duplicate_record",
            "duplicate",
            "There are already pending invitations for the following email addresses.",
            Some("email_address"),
        ));
    }
    let now = now_ms();
    let inv = json!({
        "object": "invitation",
        "id": data.new_id("inv"),
        "email_address": email,
        "public_metadata": map.get("public_metadata").cloned().unwrap_or_else(|| json!({})),
        "revoked": false,
        "status": "pending",
        "url": null,
        "expires_at": now + 30 * DAY,
        "created_at": now,
        "updated_at": now,
    });
    data.dataset.invitations.push(inv.clone());
    Ok(Resp::ok(inv.to_string()))
}

pub(crate) fn revoke_invitation(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    body(text, &NO_FIELDS, false)?;
    let list = &mut data.dataset.invitations;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    if get_str(&list[i], "status") != Some("pending") {
        return Err(not_pending("invitation"));
    }
    list[i]["status"] = json!("revoked");
    list[i]["revoked"] = json!(true);
    Ok(Resp::ok(list[i].to_string()))
}

/// `GET /invitations`.
pub(crate) fn list(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let statuses = q.all("status");
    let query = q.get("query").filter(|s| !s.is_empty());
    let query_lower = query.map(str::to_lowercase);
    let mut idx: Vec<usize> = (0..d.invitations.len())
        .filter(|&i| {
            let v = &d.invitations[i];
            let status = get_str(v, "status").unwrap_or("");
            // "Returns all non-revoked invitations" unless a status is asked for.
            (if statuses.is_empty() {
                status != "revoked"
            } else {
                statuses.contains(&status)
            }) && query.is_none_or(|qs| {
                get_str(v, "id") == Some(qs)
                    || get_str(v, "email_address")
                        .is_some_and(|e| contains_ci(e, query_lower.as_deref().unwrap_or("")))
            })
        })
        .collect();
    apply_order(
        q,
        &d.invitations,
        &mut idx,
        &[
            ("created_at", &["created_at"]),
            ("email_address", &["email_address"]),
            ("expires_at", &["expires_at"]),
        ],
        ("created_at", true),
    )?;
    Ok(array_or_envelope(q, &d.invitations, &idx, limit, offset))
}
