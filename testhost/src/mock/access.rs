//! Organization roles and permissions, and API keys: records and lists.

use super::api::{
    body, clerk_param_error, delete_in, form_error, now_ms, taken, update_in, Fields, Resp, Q,
};
use super::lists::{all_indexes, apply_order, paged_envelope};

use serde_json::{json, Map, Value};

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

const ROLE_CREATE: Fields = Fields(&[
    "name*",
    "key*",
    "description",
    "permissions[]",
    "include_in_initial_role_set",
]);
const ROLE_UPDATE: Fields = Fields(&["name", "key", "description", "permissions[]"]);
const PERMISSION_CREATE: Fields = Fields(&["name*", "key*", "description"]);
const PERMISSION_UPDATE: Fields = Fields(&["name", "key", "description"]);

/// A key Clerk takes: `org:` then lowercase segments (`parts` of them: a role's key has
/// one, a permission's two, `org:feature:action`), not taken by another of `list`.
fn check_key(list: &[Value], id: Option<&str>, key: &Value, parts: usize) -> Result<(), Resp> {
    let key = key.as_str().unwrap_or_default();
    let segments: Vec<&str> = key.strip_prefix("org:").unwrap_or("").split(':').collect();
    let ok_segment = |s: &&str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if !key.starts_with("org:") || segments.len() != parts || !segments.iter().all(ok_segment) {
        return Err(form_error(
            422,
            "form_param_format_invalid",
            "is invalid",
            "key must start with 'org:' and contain only lowercase alphanumeric characters and underscores.",
            Some("key"),
        ));
    }
    if list
        .iter()
        .any(|v| get_str(v, "key") == Some(key) && get_str(v, "id") != id)
    {
        return Err(taken("key", "key"));
    }
    Ok(())
}

/// A role's permissions from their ids (`permissions` of a create or update).
fn role_permissions(data: &Data, ids: &Value) -> Result<Value, Resp> {
    let mut out = Vec::new();
    for id in ids.as_array().into_iter().flatten() {
        let all = &data.dataset.organization_permissions;
        let i = Data::find(all, id.as_str().unwrap_or_default()).ok_or_else(|| {
            form_error(
                422,
                "resource_not_found",
                "not found",
                "No permission was found with this id.",
                Some("permissions"),
            )
        })?;
        out.push(all[i].clone());
    }
    Ok(Value::Array(out))
}

/// `POST /organization_roles`.
pub(crate) fn create_role(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ROLE_CREATE, true)?;
    check_key(&data.dataset.organization_roles, None, &map["key"], 1)?;
    let permissions = role_permissions(data, map.get("permissions").unwrap_or(&Value::Null))?;
    let now = now_ms();
    let role = json!({
        "object": "role", "id": data.new_id("role"), "key": map["key"], "name": map["name"],
        "description": map.get("description").cloned().unwrap_or(Value::Null),
        "is_creator_eligible": false, "permissions": permissions,
        "created_at": now, "updated_at": now,
    });
    data.dataset.organization_roles.push(role.clone());
    Ok(Resp::ok(role.to_string()))
}

/// `PATCH /organization_roles/{id}`: `permissions`, when given, replaces them.
pub(crate) fn update_role(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ROLE_UPDATE, true)?;
    if let Some(key) = map.get("key") {
        check_key(&data.dataset.organization_roles, Some(id), key, 1)?;
    }
    let permissions = match map.get("permissions") {
        Some(ids) => Some(role_permissions(data, ids)?),
        None => None,
    };
    let list = &mut data.dataset.organization_roles;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    for (k, v) in map {
        list[i][k.as_str()] = v;
    }
    if let Some(p) = permissions {
        list[i]["permissions"] = p;
    }
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

/// `DELETE /organization_roles/{id}`: refused while a member has the role.
pub(crate) fn delete_role(data: &mut Data, id: &str) -> Result<Resp, Resp> {
    let list = &data.dataset.organization_roles;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    let key = list[i]["key"].clone();
    if data
        .dataset
        .organization_memberships
        .iter()
        .any(|m| m["role"] == key)
    {
        return Err(form_error(
            422,
            "role_in_use",
            "role in use",
            "The role is assigned to members and cannot be deleted.",
            None,
        ));
    }
    delete_in(&mut data.dataset.organization_roles, "role", id)
}

/// `POST /organization_permissions`.
pub(crate) fn create_permission(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &PERMISSION_CREATE, true)?;
    check_key(&data.dataset.organization_permissions, None, &map["key"], 2)?;
    let now = now_ms();
    let permission = json!({
        "object": "permission", "id": data.new_id("perm"), "key": map["key"],
        "name": map["name"], "description": map.get("description").cloned().unwrap_or(Value::Null),
        "type": "user", "created_at": now, "updated_at": now,
    });
    data.dataset
        .organization_permissions
        .push(permission.clone());
    Ok(Resp::ok(permission.to_string()))
}

/// `PATCH /organization_permissions/{id}`.
pub(crate) fn update_permission(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &PERMISSION_UPDATE, true)?;
    if let Some(key) = map.get("key") {
        check_key(&data.dataset.organization_permissions, Some(id), key, 2)?;
    }
    update_in(
        &mut data.dataset.organization_permissions,
        id,
        text,
        &PERMISSION_UPDATE,
    )
}

/// `DELETE /organization_permissions/{id}`: system permissions cannot be deleted.
pub(crate) fn delete_permission(data: &mut Data, id: &str) -> Result<Resp, Resp> {
    let list = &data.dataset.organization_permissions;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    if get_str(&list[i], "type") == Some("system") {
        return Err(form_error(
            403,
            "system_permission",
            "forbidden",
            "System permissions cannot be deleted.",
            None,
        ));
    }
    delete_in(&mut data.dataset.organization_permissions, "permission", id)
}

const API_KEY_CREATE: Fields = Fields(&[
    "type",
    "name*",
    "description",
    "subject*",
    "claims",
    "scopes[]",
    "created_by",
    "seconds_until_expiration",
]);
const API_KEY_UPDATE: Fields = Fields(&[
    "claims",
    "scopes[]",
    "description",
    "subject",
    "seconds_until_expiration",
]);

/// `POST /api_keys`: the answer carries the key's `secret`, once.
pub(crate) fn create_api_key(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &API_KEY_CREATE, true)?;
    let now = now_ms();
    let id = data.new_id("ak");
    let opt = |k: &str| map.get(k).cloned().unwrap_or(Value::Null);
    let key = json!({
        "object": "api_key", "id": id, "type": map.get("type").cloned().unwrap_or(json!("api_key")),
        "subject": map["subject"], "name": map["name"], "description": opt("description"),
        "claims": opt("claims"), "scopes": map.get("scopes").cloned().unwrap_or(json!([])),
        "revoked": false, "revocation_reason": null, "expired": false, "expiration": null,
        "created_by": opt("created_by"), "last_used_at": null, "created_at": now, "updated_at": now,
    });
    data.dataset.api_keys.push(key.clone());
    let mut answer = key;
    answer["secret"] = json!(format!("ak_mock_secret_{id}"));
    Ok(Resp::ok(answer.to_string()))
}

/// `PATCH /api_keys/{id}`.
pub(crate) fn update_api_key(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    update_in(&mut data.dataset.api_keys, id, text, &API_KEY_UPDATE)
}

const ROLE_SET_CREATE: Fields = Fields(&[
    "name*",
    "key",
    "description",
    "default_role_key*",
    "creator_role_key*",
    "type",
    "roles*[]",
]);
const ROLE_SET_UPDATE: Fields = Fields(&[
    "name",
    "key",
    "description",
    "type",
    "default_role_key",
    "creator_role_key",
]);

/// `{key, name}` of the role `key` among the instance's roles.
fn role_item(data: &Data, key: &Value) -> Result<Value, Resp> {
    let role = data
        .dataset
        .organization_roles
        .iter()
        .find(|r| r["key"] == *key);
    let role =
        role.ok_or_else(|| clerk_param_error("roles", "Every role must be an existing role key."))?;
    Ok(json!({"object": "role_set_item", "key": role["key"], "name": role["name"]}))
}

/// The set's default and creator roles, which must be among its roles.
fn check_role_set(data: &mut Data, i: usize, map: &Map<String, Value>) -> Result<(), Resp> {
    let keys: Vec<Value> = data.dataset.role_sets[i]["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["key"].clone())
        .collect();
    for (field, column) in [
        ("default_role_key", "default_role"),
        ("creator_role_key", "creator_role"),
    ] {
        if let Some(key) = map.get(field) {
            if !keys.contains(key) {
                return Err(clerk_param_error(
                    field,
                    "The role must be one of the role set's roles.",
                ));
            }
            data.dataset.role_sets[i][column] = role_item(data, key)?;
        }
    }
    if let Some(t) = map.get("type") {
        if t == "initial" {
            for rs in data.dataset.role_sets.iter_mut() {
                rs["type"] = json!("custom");
            }
        }
        data.dataset.role_sets[i]["type"] = t.clone();
    }
    if let Some(key) = map.get("key").and_then(Value::as_str) {
        let ok = key.strip_prefix("role_set:").is_some_and(|k| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        let id = data.dataset.role_sets[i]["id"].clone();
        if !ok
            || data
                .dataset
                .role_sets
                .iter()
                .any(|r| r["key"] == key && r["id"] != id)
        {
            return Err(clerk_param_error(
                "key",
                "key must start with 'role_set:', be lowercase and unique.",
            ));
        }
        data.dataset.role_sets[i]["key"] = json!(key);
    }
    for field in ["name", "description"] {
        if let Some(v) = map.get(field) {
            data.dataset.role_sets[i][field] = v.clone();
        }
    }
    data.dataset.role_sets[i]["updated_at"] = json!(now_ms());
    Ok(())
}

/// `POST /role_sets`: 1 to 10 existing roles, the default and creator among them; `type`
/// `initial` or `custom` (one initial set per instance: a new one demotes the old).
pub(crate) fn create_role_set(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ROLE_SET_CREATE, true)?;
    let keys = map["roles"].as_array().cloned().unwrap_or_default();
    if !(1..=10).contains(&keys.len()) {
        return Err(clerk_param_error(
            "roles",
            "roles must hold between 1 and 10 role keys.",
        ));
    }
    if map
        .get("type")
        .is_some_and(|t| t != "initial" && t != "custom")
    {
        return Err(clerk_param_error("type", "type must be initial or custom."));
    }
    let mut roles = Vec::new();
    for key in &keys {
        roles.push(role_item(data, key)?);
    }
    let now = now_ms();
    let id = data.new_id("rs");
    let generated = format!("role_set:{}", id.to_lowercase());
    data.dataset.role_sets.push(json!({
        "object": "role_set", "id": id, "key": generated, "name": map["name"],
        "description": null, "type": "custom", "roles": roles, "default_role": null,
        "creator_role": null, "role_set_migration": null, "created_at": now, "updated_at": now,
    }));
    let i = data.dataset.role_sets.len() - 1;
    if let Err(e) = check_role_set(data, i, &map) {
        data.dataset.role_sets.pop();
        return Err(e);
    }
    Ok(Resp::ok(data.dataset.role_sets[i].to_string()))
}

/// `PATCH /role_sets/{key_or_id}`: `type` can only become `initial`.
pub(crate) fn update_role_set(data: &mut Data, key_or_id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ROLE_SET_UPDATE, true)?;
    if map.get("type").is_some_and(|t| t != "initial") {
        return Err(clerk_param_error(
            "type",
            "type can only be set to initial.",
        ));
    }
    let list = &data.dataset.role_sets;
    let i = list
        .iter()
        .position(|v| v["id"] == key_or_id || v["key"] == key_or_id)
        .ok_or_else(Resp::not_found)?;
    let before = data.dataset.role_sets.clone();
    if let Err(e) = check_role_set(data, i, &map) {
        data.dataset.role_sets = before;
        return Err(e);
    }
    Ok(Resp::ok(data.dataset.role_sets[i].to_string()))
}
