//! Organization roles and permissions, and API keys: records and lists.

use super::api::{clerk_param_error, Resp, Q};
use super::lists::{all_indexes, paged_envelope};
use serde_json::json;
use serde_json::Value;

use super::records::{get_str, mock_id, BASE_TIME_MS, DAY, HOUR};

use super::server::Data;

/// Six system permissions (`org:sys_…`).
pub(crate) fn make_permissions() -> Vec<Value> {
    let keys = [
        ("org:sys_profile:manage", "Manage organization"),
        ("org:sys_profile:delete", "Delete organization"),
        ("org:sys_memberships:read", "Read members"),
        ("org:sys_memberships:manage", "Manage members"),
        ("org:sys_domains:read", "Read domains"),
        ("org:sys_domains:manage", "Manage domains"),
    ];
    keys.iter()
        .enumerate()
        .map(|(i, (key, name))| {
            json!({
                "object": "permission", "id": mock_id("perm", i), "key": key, "name": name,
                "description": format!("Permission to {}", name.to_lowercase()),
                "type": "system", "created_at": BASE_TIME_MS + i as i64, "updated_at": BASE_TIME_MS + i as i64,
            })
        })
        .collect()
}

/// `org:admin` and `org:member` (system) and `org:billing` (custom, not creator-eligible).
pub(crate) fn make_roles() -> Vec<Value> {
    let perms = make_permissions();
    let roles = [
        ("org:admin", "Admin", 0..6, true),
        ("org:member", "Member", 2..3, false),
        ("org:billing", "Billing manager", 0..1, false),
    ];
    roles
        .into_iter()
        .enumerate()
        .map(|(i, (key, name, granted, creator))| {
            json!({
                "object": "role", "id": mock_id("role", i), "key": key, "name": name,
                "description": null, "is_creator_eligible": creator,
                "permissions": perms[granted].to_vec(),
                "created_at": BASE_TIME_MS + i as i64 * HOUR, "updated_at": BASE_TIME_MS + i as i64 * HOUR,
            })
        })
        .collect()
}

/// API key `n` of `subject`.
pub(crate) fn make_api_key(n: usize, subject: &str, revoked: bool) -> Value {
    let created = BASE_TIME_MS + n as i64 * HOUR;
    json!({
        "object": "api_key", "id": mock_id("ak", n), "type": "api_key", "subject": subject,
        "name": format!("key {n}"), "description": null, "claims": null,
        "scopes": ["read", "write"], "revoked": revoked,
        "revocation_reason": if revoked { json!("rotated") } else { Value::Null },
        "expired": false, "expiration": null, "created_by": null,
        "last_used_at": if n % 2 == 0 { json!(created + DAY) } else { Value::Null },
        "created_at": created, "updated_at": created,
    })
}

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

/// `GET /organization_roles` and `/organization_permissions`: unfiltered envelopes.
pub(crate) fn list(q: &Q, list: &[Value]) -> Result<Resp, Resp> {
    let (limit, offset) = q.paging()?;
    Ok(paged_envelope(
        list,
        &all_indexes(list.len()),
        limit,
        offset,
    ))
}
