//! Directories (SCIM provisioning) and their group-to-role mappings, under Clerk's current
//! paths (`/directories`; `/scim_directories` is the same resource under its older name).

use super::api::{body, clerk_param_error, deleted, form_error, now_ms, Fields, Resp, Q};
use super::lists::{by_id, paged_envelope};
use super::records::get_str;
use super::store::Data;
use serde_json::{json, Map, Value};

/// `GET /directories`: limit/offset, an envelope.
pub(crate) fn list(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let (limit, offset) = q.paging()?;
    let all = &sh.dataset.directories;
    let idx: Vec<usize> = (0..all.len()).collect();
    Ok(paged_envelope(all, &idx, limit, offset))
}

pub(crate) fn one(sh: &Data, id: &str) -> Resp {
    by_id(&sh.dataset.directories, id)
}

/// `GET /directories/{id}/group_role_mappings`: all of them, by precedence (no paging).
pub(crate) fn mappings(sh: &Data, id: &str) -> Result<Resp, Resp> {
    Data::find(&sh.dataset.directories, id).ok_or_else(Resp::not_found)?;
    let mut rows: Vec<&Value> = sh
        .dataset
        .directory_mappings
        .iter()
        .filter(|m| get_str(m, "directory_id") == Some(id))
        .collect();
    rows.sort_by_key(|m| m["precedence"].as_i64());
    let body = json!({"data": rows, "total_count": rows.len()});
    Ok(Resp::ok(body.to_string()))
}

const DIRECTORY_CREATE: Fields = Fields(&[
    "enterprise_connection_id*",
    "provider*",
    "name",
    "group_role_mappings",
]);
const DIRECTORY_UPDATE: Fields = Fields(&[
    "name",
    "enabled",
    "provider",
    "attribute_mapping",
    "group_role_mapping_enabled",
]);

/// `POST /directories`: the connection must exist; the answer carries the directory's API
/// key, once (it is never stored or listed).
pub(crate) fn create(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &DIRECTORY_CREATE, true)?;
    let connection = map["enterprise_connection_id"].as_str().unwrap_or_default();
    Data::find(&data.dataset.enterprise_connections, connection).ok_or_else(|| {
        clerk_param_error(
            "enterprise_connection_id",
            "No enterprise connection has this id.",
        )
    })?;
    let id = data.new_id("dir");
    let now = now_ms();
    let mut dir = json!({
        "object": "directory", "id": id, "name": map.get("name").cloned().unwrap_or(json!("")),
        "enterprise_connection_id": connection,
        "endpoint_url": format!("https://api.clerk.com/v1/directories/{id}/scim/v2"),
        "provider": map["provider"], "enabled": true,
        "group_role_mapping_enabled": map.contains_key("group_role_mappings"),
        "attribute_mapping": {}, "custom_attributes": [], "api_key": null,
        "created_at": now, "updated_at": now,
    });
    let given = map.get("group_role_mappings").cloned().unwrap_or(json!([]));
    for m in given
        .as_array()
        .ok_or_else(|| bad_format("group_role_mappings"))?
    {
        let m = m
            .as_object()
            .ok_or_else(|| bad_format("group_role_mappings"))?;
        add_mapping(data, &id, m)?;
    }
    data.dataset.directories.push(dir.clone());
    dir["api_key"] = json!(format!("scim_mock_secret_{id}"));
    Ok(Resp::ok(dir.to_string()))
}

/// `PATCH /directories/{id}`: `attribute_mapping` merges key by key, a null removing one.
pub(crate) fn update(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &DIRECTORY_UPDATE, true)?;
    let list = &mut data.dataset.directories;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    for (k, v) in map {
        if k != "attribute_mapping" {
            list[i][k.as_str()] = v;
            continue;
        }
        let Value::Object(changes) = v else {
            return Err(bad_format("attribute_mapping"));
        };
        let stored = list[i]["attribute_mapping"]
            .as_object_mut()
            .ok_or_else(Resp::not_found)?;
        for (key, value) in changes {
            match value {
                Value::Null => stored.remove(&key),
                value => stored.insert(key, value),
            };
        }
    }
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

/// `DELETE /directories/{id}`, its mappings with it.
pub(crate) fn delete(data: &mut Data, id: &str) -> Result<Resp, Resp> {
    let i = Data::find(&data.dataset.directories, id).ok_or_else(Resp::not_found)?;
    data.dataset.directories.remove(i);
    data.dataset
        .directory_mappings
        .retain(|m| get_str(m, "directory_id") != Some(id));
    Ok(deleted("directory", id))
}

const MAPPING_CREATE: Fields = Fields(&[
    "directory_group_id",
    "scim_group_id",
    "role_id*",
    "precedence",
]);

/// `POST /directories/{id}/group_role_mappings`: mapping must be on for the directory.
pub(crate) fn create_mapping(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &MAPPING_CREATE, true)?;
    let i = Data::find(&data.dataset.directories, id).ok_or_else(Resp::not_found)?;
    mapping_enabled(&data.dataset.directories[i])?;
    let m = add_mapping(data, id, &map)?;
    Ok(Resp::ok(m.to_string()))
}

/// `DELETE /directories/{id}/group_role_mappings/{mapping_id}`.
pub(crate) fn delete_mapping(data: &mut Data, id: &str, mapping: &str) -> Result<Resp, Resp> {
    let i = Data::find(&data.dataset.directories, id).ok_or_else(Resp::not_found)?;
    mapping_enabled(&data.dataset.directories[i])?;
    let list = &mut data.dataset.directory_mappings;
    let at = list
        .iter()
        .position(|m| get_str(m, "id") == Some(mapping) && get_str(m, "directory_id") == Some(id))
        .ok_or_else(Resp::not_found)?;
    list.remove(at);
    Ok(deleted("directory_group_role_mapping", mapping))
}

fn mapping_enabled(dir: &Value) -> Result<(), Resp> {
    if dir["group_role_mapping_enabled"] == true {
        return Ok(());
    }
    Err(form_error(
        400,
        "group_role_mapping_disabled",
        "group role mapping is disabled",
        "Group role mapping must be enabled on the directory.",
        None,
    ))
}

fn bad_format(key: &str) -> Resp {
    form_error(
        422,
        "form_param_format_invalid",
        "is invalid",
        &format!("{key} has the wrong format."),
        Some(key),
    )
}

/// A new mapping from a create body (the spec: exactly one of `directory_group_id` and
/// its legacy name `scim_group_id`, or both equal; an existing role; precedence from 1,
/// appended when omitted).
fn add_mapping(data: &mut Data, dir: &str, map: &Map<String, Value>) -> Result<Value, Resp> {
    let group = match (map.get("directory_group_id"), map.get("scim_group_id")) {
        (Some(a), Some(b)) if a != b => return Err(bad_format("scim_group_id")),
        (Some(g), _) | (None, Some(g)) => {
            g.as_str().ok_or_else(|| bad_format("directory_group_id"))?
        }
        (None, None) => {
            return Err(form_error(
                422,
                "form_param_missing",
                "missing",
                "directory_group_id must be included.",
                Some("directory_group_id"),
            ))
        }
    }
    .to_string();
    let role_id = map
        .get("role_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let role = data
        .dataset
        .organization_roles
        .iter()
        .find(|r| get_str(r, "id") == Some(role_id))
        .cloned()
        .ok_or_else(|| clerk_param_error("role_id", "No organization role has this id."))?;
    let taken: Vec<i64> = data
        .dataset
        .directory_mappings
        .iter()
        .filter(|m| get_str(m, "directory_id") == Some(dir))
        .filter_map(|m| m["precedence"].as_i64())
        .collect();
    let precedence = match map.get("precedence") {
        None => taken.iter().max().map_or(1, |p| p + 1),
        Some(p) => p
            .as_i64()
            .filter(|p| *p >= 1)
            .ok_or_else(|| clerk_param_error("precedence", "precedence must be at least 1."))?,
    };
    let now = now_ms();
    let id = data.new_id("dgrm");
    let m = json!({
        "object": "directory_group_role_mapping", "id": id,
        "directory_id": dir, "scim_directory_id": dir,
        "directory_group_id": group, "scim_group_id": group,
        "directory_group_display_name": null, "scim_group_display_name": null,
        "role": role, "precedence": precedence, "created_at": now, "updated_at": now,
    });
    data.dataset.directory_mappings.push(m.clone());
    Ok(m)
}
