//! Machines and their M2M tokens.

use super::api::{body, clerk_param_error, form_error, now_ms, update_in, Fields, Resp, Q};
use super::lists::{apply_order, contains_ci, page_rows, paged_envelope};
use super::records::{get_str, INSTANCE_ID};
use super::store::Data;
use serde_json::{json, Map, Value};

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

const MACHINE_CREATE: Fields = Fields(&["name*", "scoped_machines[]", "default_token_ttl"]);
const MACHINE_UPDATE: Fields = Fields(&["name", "default_token_ttl"]);

/// `default_token_ttl`, when given: whole seconds from 1 to 315,360,000 (the spec).
fn check_ttl(map: &Map<String, Value>) -> Result<(), Resp> {
    match map.get("default_token_ttl") {
        None => Ok(()),
        Some(v) if v.as_i64().is_some_and(|t| (1..=315_360_000).contains(&t)) => Ok(()),
        Some(_) => Err(clerk_param_error(
            "default_token_ttl",
            "default_token_ttl must be between 1 and 315360000 seconds.",
        )),
    }
}

/// `POST /machines`: the answer carries the new machine's `secret_key`, once.
pub(crate) fn create_machine(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &MACHINE_CREATE, true)?;
    check_ttl(&map)?;
    let mut scoped = Vec::new();
    for id in map
        .get("scoped_machines")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let i = Data::find(&data.dataset.machines, id.as_str().unwrap_or_default())
            .ok_or_else(Resp::not_found)?;
        let mut m = data.dataset.machines[i].clone();
        m.as_object_mut().map(|o| o.remove("scoped_machines"));
        scoped.push(m);
    }
    let now = now_ms();
    let id = data.new_id("mch");
    let machine = json!({
        "object": "machine", "id": id, "name": map["name"], "instance_id": INSTANCE_ID,
        "default_token_ttl": map.get("default_token_ttl").cloned().unwrap_or(json!(3600)),
        "scoped_machines": scoped, "created_at": now, "updated_at": now,
    });
    data.dataset.machines.push(machine.clone());
    let mut answer = machine;
    answer["secret_key"] = json!(format!("ak_mock_machine_secret_{id}"));
    Ok(Resp::ok(answer.to_string()))
}

/// `PATCH /machines/{id}`.
pub(crate) fn update_machine(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    check_ttl(&body(text, &MACHINE_UPDATE, true)?)?;
    update_in(&mut data.dataset.machines, id, text, &MACHINE_UPDATE)
}

const REVOKE: Fields = Fields(&["revocation_reason"]);

/// `POST /m2m_tokens/{id}/revoke`, `POST /api_keys/{id}/revoke`: the spec requires a JSON
/// body (`revocation_reason` is optional), so an empty one is refused as malformed.
pub(crate) fn revoke_in(list: &mut [Value], id: &str, text: &str) -> Result<Resp, Resp> {
    if text.trim().is_empty() {
        return Err(form_error(
            400,
            "malformed_request",
            "malformed request",
            "The request body is required.",
            None,
        ));
    }
    let map = body(text, &REVOKE, true)?;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    list[i]["revoked"] = json!(true);
    list[i]["revocation_reason"] = map.get("revocation_reason").cloned().unwrap_or(Value::Null);
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

const SCOPE_CREATE: Fields = Fields(&["to_machine_id*"]);

/// `POST /machines/{id}/scopes`: both machines must exist, a scope exists once (409), and
/// a machine has at most 150 (the spec). The answer is the scope, which has no id.
pub(crate) fn create_scope(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &SCOPE_CREATE, true)?;
    let to = map["to_machine_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let list = &mut data.dataset.machines;
    let from = Data::find(list, id).ok_or_else(Resp::not_found)?;
    let target = Data::find(list, &to).ok_or_else(Resp::not_found)?;
    let scoped = list[from]["scoped_machines"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if scoped.iter().any(|m| get_str(m, "id") == Some(&to)) {
        return Err(form_error(
            409,
            "duplicate_record",
            "duplicate",
            "That scope exists.",
            None,
        ));
    }
    if scoped.len() >= 150 {
        return Err(clerk_param_error(
            "to_machine_id",
            "A machine can have at most 150 scopes.",
        ));
    }
    let mut called = list[target].clone();
    called.as_object_mut().map(|o| o.remove("scoped_machines"));
    list[from]["scoped_machines"]
        .as_array_mut()
        .ok_or_else(Resp::not_found)?
        .push(called);
    let answer = json!({"object": "machine_scope", "from_machine_id": id,
        "to_machine_id": to, "created_at": now_ms()});
    Ok(Resp::ok(answer.to_string()))
}

/// `DELETE /machines/{id}/scopes/{other}`: 404 unless the scope exists.
pub(crate) fn delete_scope(data: &mut Data, id: &str, other: &str) -> Result<Resp, Resp> {
    let list = &mut data.dataset.machines;
    let from = Data::find(list, id).ok_or_else(Resp::not_found)?;
    let scoped = list[from]["scoped_machines"]
        .as_array_mut()
        .ok_or_else(Resp::not_found)?;
    let at = scoped
        .iter()
        .position(|m| get_str(m, "id") == Some(other))
        .ok_or_else(Resp::not_found)?;
    scoped.remove(at);
    let answer = json!({"object": "machine_scope", "from_machine_id": id,
        "to_machine_id": other, "deleted": true});
    Ok(Resp::ok(answer.to_string()))
}
