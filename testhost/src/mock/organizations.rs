//! Organizations and what hangs off them: memberships, organization invitations,
//! organization domains and an organization's billing subscription. Reads and writes.

use super::api::{
    body, clerk_param_error, deleted, form_error, not_pending, now_ms, taken, time_field, Fields,
    PlusMinus, Resp, Q,
};
use super::lists::{
    all_indexes, apply_order, contains_ci, envelope_owned, page, paged_envelope, sort_by_path,
    status_and_query, to_json,
};
use super::records::{get_i64, get_path, get_str, public_user_data, DAY};
use super::store::Data;
use serde_json::json;
use serde_json::Map;
use serde_json::Value;

pub(crate) const ORG_CREATE: Fields = Fields(&[
    "name*",
    "created_by",
    "private_metadata",
    "public_metadata",
    "slug",
    "max_allowed_memberships",
    "created_at",
    "role_set_key",
]);

pub(crate) const ORG_UPDATE: Fields = Fields(&[
    "name",
    "slug",
    "max_allowed_memberships",
    "admin_delete_enabled",
    "created_at",
    "role_set_key",
]);

pub(crate) const ORG_METADATA: Fields = Fields(&["public_metadata", "private_metadata"]);

pub(crate) const MEMBERSHIP_CREATE: Fields =
    Fields(&["user_id*", "role*", "public_metadata", "private_metadata"]);

pub(crate) const MEMBERSHIP_UPDATE: Fields = Fields(&["role*"]);

pub(crate) const ORG_INVITATION_CREATE: Fields = Fields(&[
    "email_address*",
    "inviter_user_id",
    "role*",
    "public_metadata",
    "private_metadata",
    "redirect_url",
    "expires_in_days",
    "notify",
]);

pub(crate) const ORG_INVITATION_REVOKE: Fields = Fields(&["requesting_user_id"]);

pub(crate) const ORG_DOMAIN_CREATE: Fields = Fields(&["name", "enrollment_mode", "verified"]);

pub(crate) const ORG_DOMAIN_UPDATE: Fields = Fields(&["enrollment_mode", "verified"]);

pub(crate) fn create_org(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ORG_CREATE, true)?;
    let name = map["name"].as_str().unwrap_or_default().to_string();
    let slug = map
        .get("slug")
        .and_then(Value::as_str)
        .map(String::from)
        .unwrap_or_else(|| name.to_lowercase().replace(' ', "-"));
    if data.index.org_by_slug.contains_key(&slug) {
        return Err(taken("slug", "slug"));
    }
    let creator = match map.get("created_by").and_then(Value::as_str) {
        Some(u) => Some(Data::find(&data.dataset.users, u).ok_or_else(Resp::not_found)?),
        None => None,
    };
    let created = time_field(&map, "created_at")?.unwrap_or_else(now_ms);
    let org = json!({
        "object": "organization",
        "id": data.new_id("org"),
        "name": name,
        "slug": slug,
        "has_image": false,
        "max_allowed_memberships": map.get("max_allowed_memberships").cloned().unwrap_or(json!(5)),
        "admin_delete_enabled": true,
        "public_metadata": map.get("public_metadata").cloned().unwrap_or_else(|| json!({})),
        "private_metadata": map.get("private_metadata").cloned().unwrap_or_else(|| json!({})),
        "created_by": map.get("created_by").cloned().unwrap_or(Value::Null),
        "created_at": created,
        "updated_at": created,
    });
    data.dataset.organizations.push(org.clone());
    // Clerk makes the creator the first admin.
    if let Some(u) = creator {
        let m = membership(data, &org, u, "org:admin", &Map::new());
        data.dataset.organization_memberships.push(m);
    }
    Ok(Resp::ok(org.to_string()))
}

pub(crate) fn delete_org(data: &mut Data, id: &str) -> Result<Resp, Resp> {
    let i = Data::find(&data.dataset.organizations, id).ok_or_else(Resp::not_found)?;
    data.dataset.organizations.remove(i);
    let of_org = |v: &Value| {
        get_path(v, &["organization", "id"]).and_then(Value::as_str) == Some(id)
            || get_str(v, "organization_id") == Some(id)
    };
    data.dataset.organization_memberships.retain(|m| !of_org(m));
    data.dataset.organization_invitations.retain(|m| !of_org(m));
    Ok(deleted("organization", id))
}

pub(crate) fn membership(
    data: &mut Data,
    org: &Value,
    user: usize,
    role: &str,
    map: &Map<String, Value>,
) -> Value {
    let now = now_ms();
    json!({
        "id": data.new_id("orgmem"),
        "object": "organization_membership",
        "role": role,
        "role_name": if role == "org:admin" { "Admin" } else { "Member" },
        "permissions": [],
        "public_metadata": map.get("public_metadata").cloned().unwrap_or_else(|| json!({})),
        "private_metadata": map.get("private_metadata").cloned().unwrap_or_else(|| json!({})),
        "organization": org,
        "public_user_data": public_user_data(&data.dataset.users[user]),
        "created_at": now,
        "updated_at": now,
    })
}

pub(crate) fn membership_index(data: &Data, org: &str, user: &str) -> Option<usize> {
    data.dataset.organization_memberships.iter().position(|m| {
        get_path(m, &["organization", "id"]).and_then(Value::as_str) == Some(org)
            && get_path(m, &["public_user_data", "user_id"]).and_then(Value::as_str) == Some(user)
    })
}

pub(crate) fn create_membership(data: &mut Data, org: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &MEMBERSHIP_CREATE, true)?;
    let o = Data::find(&data.dataset.organizations, org).ok_or_else(Resp::not_found)?;
    let user_id = map["user_id"].as_str().unwrap_or_default();
    let u = Data::find(&data.dataset.users, user_id).ok_or_else(Resp::not_found)?;
    if membership_index(data, org, user_id).is_some() {
        return Err(form_error(
            422,
            "already_a_member_in_organization",
            "already a member",
            "User is already a member of the organization.",
            None,
        ));
    }
    let org_value = data.dataset.organizations[o].clone();
    let role = map["role"].as_str().unwrap_or_default().to_string();
    let m = membership(data, &org_value, u, &role, &map);
    data.dataset.organization_memberships.push(m.clone());
    Ok(Resp::ok(m.to_string()))
}

pub(crate) fn update_membership(
    data: &mut Data,
    org: &str,
    user: &str,
    text: &str,
) -> Result<Resp, Resp> {
    let map = body(text, &MEMBERSHIP_UPDATE, true)?;
    let i = membership_index(data, org, user).ok_or_else(Resp::not_found)?;
    let m = &mut data.dataset.organization_memberships[i];
    m["role"] = map["role"].clone();
    m["updated_at"] = json!(now_ms());
    Ok(Resp::ok(m.to_string()))
}

pub(crate) fn delete_membership(data: &mut Data, org: &str, user: &str) -> Result<Resp, Resp> {
    let i = membership_index(data, org, user).ok_or_else(Resp::not_found)?;
    let m = data.dataset.organization_memberships.remove(i);
    Ok(Resp::ok(m.to_string()))
}

pub(crate) fn create_org_invitation(data: &mut Data, org: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ORG_INVITATION_CREATE, true)?;
    let o = Data::find(&data.dataset.organizations, org).ok_or_else(Resp::not_found)?;
    let o = data.dataset.organizations[o].clone();
    let now = now_ms();
    let email = map["email_address"].clone();
    let duplicate = data.dataset.organization_invitations.iter().any(|i| {
        get_str(i, "organization_id") == Some(org)
            && i["email_address"] == email
            && get_str(i, "status") == Some("pending")
    });
    if duplicate {
        return Err(form_error(
            422,
            "duplicate_record",
            "duplicate",
            "There is already a pending invitation for this email address.",
            Some("email_address"),
        ));
    }
    let inv = json!({
        "object": "organization_invitation",
        "id": data.new_id("orginv"),
        "email_address": email,
        "role": map["role"],
        "role_name": if map["role"] == "org:admin" { "Admin" } else { "Member" },
        "organization_id": org,
        "inviter_id": map.get("inviter_user_id").cloned().unwrap_or(Value::Null),
        "status": "pending",
        "public_metadata": map.get("public_metadata").cloned().unwrap_or_else(|| json!({})),
        "private_metadata": map.get("private_metadata").cloned().unwrap_or_else(|| json!({})),
        "url": null,
        "expires_at": now + 30 * DAY,
        "created_at": now,
        "updated_at": now,
        "public_organization_data": {"id": o["id"], "name": o["name"], "slug": o["slug"], "has_image": o["has_image"]},
    });
    data.dataset.organization_invitations.push(inv.clone());
    Ok(Resp::ok(inv.to_string()))
}

pub(crate) fn revoke_org_invitation(
    data: &mut Data,
    org: &str,
    id: &str,
    text: &str,
) -> Result<Resp, Resp> {
    body(text, &ORG_INVITATION_REVOKE, true)?;
    let list = &mut data.dataset.organization_invitations;
    let i = Data::find(list, id)
        .filter(|&i| get_str(&list[i], "organization_id") == Some(org))
        .ok_or_else(Resp::not_found)?;
    if get_str(&list[i], "status") != Some("pending") {
        return Err(not_pending("organization_invitation"));
    }
    list[i]["status"] = json!("revoked");
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

pub(crate) fn create_org_domain(data: &mut Data, org: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ORG_DOMAIN_CREATE, true)?;
    let o = Data::find(&data.dataset.organizations, org).ok_or_else(Resp::not_found)?;
    let o = data.dataset.organizations[o].clone();
    let now = now_ms();
    let verified = map.get("verified") == Some(&json!(true));
    let affiliation = json!({"status": if verified { "verified" } else { "unverified" }, "strategy": "admin", "attempts": 0, "expire_at": null, "verified_at": null});
    let v = json!({
        "object": "organization_domain", "id": data.new_id("orgdmn"), "organization_id": org,
        "name": map.get("name").cloned().unwrap_or(Value::Null),
        "enrollment_mode": map.get("enrollment_mode").cloned().unwrap_or(json!("manual_invitation")),
        "affiliation_email_address": null,
        "affiliation_verification": affiliation.clone(), "verification": affiliation,
        "ownership_verification": null,
        "total_pending_invitations": 0, "total_pending_suggestions": 0,
        "public_organization_data": {"id": o["id"], "name": o["name"], "slug": o["slug"]},
        "created_at": now, "updated_at": now,
    });
    data.dataset.organization_domains.push(v.clone());
    Ok(Resp::ok(v.to_string()))
}

pub(crate) fn update_org_domain(
    data: &mut Data,
    org: &str,
    id: &str,
    text: &str,
) -> Result<Resp, Resp> {
    let map = body(text, &ORG_DOMAIN_UPDATE, true)?;
    let list = &mut data.dataset.organization_domains;
    let i = Data::find(list, id)
        .filter(|&i| get_str(&list[i], "organization_id") == Some(org))
        .ok_or_else(Resp::not_found)?;
    if let Some(mode) = map.get("enrollment_mode") {
        list[i]["enrollment_mode"] = mode.clone();
    }
    if let Some(Value::Bool(v)) = map.get("verified") {
        let status = json!(if *v { "verified" } else { "unverified" });
        list[i]["affiliation_verification"]["status"] = status.clone();
        list[i]["verification"]["status"] = status;
    }
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

/// One page of the memberships at `idx`, in the `order_by` every membership list takes
/// (newest first by default).
pub(crate) fn membership_page(
    sh: &Data,
    q: &Q,
    mut idx: Vec<usize>,
    limit: usize,
    offset: usize,
) -> Result<Resp, Resp> {
    let list = &sh.dataset.organization_memberships;
    apply_order(q, list, &mut idx, MEMBERSHIP_ORDER, ("created_at", true))?;
    Ok(paged_envelope(list, &idx, limit, offset))
}

const MEMBERSHIP_ORDER: &[(&str, &[&str])] = &[
    ("created_at", &["created_at"]),
    ("first_name", &["public_user_data", "first_name"]),
    ("last_name", &["public_user_data", "last_name"]),
    ("username", &["public_user_data", "username"]),
    ("email_address", &["public_user_data", "identifier"]),
    ("phone_number", &["public_user_data", "identifier"]),
];

pub(crate) const INVITATION_ORDER: &[(&str, &[&str])] = &[
    ("created_at", &["created_at"]),
    ("email_address", &["email_address"]),
];

pub(crate) fn org_out(sh: &Data, k: usize, with_count: bool) -> Value {
    let mut o = sh.dataset.organizations[k].clone();
    if with_count {
        if let Some(m) = o.as_object_mut() {
            m.insert("members_count".into(), json!(sh.index.members_count[k]));
        }
    }
    o
}

/// `GET /organizations`.
pub(crate) fn list(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    let (limit, offset) = q.paging()?;
    let ids = PlusMinus::parse(q.all("organization_id"));
    let user_ids = PlusMinus::parse(q.all("user_id"));
    let query = q.get("query").filter(|s| !s.is_empty());
    let query_lower = query.map(str::to_lowercase);
    let mut idx: Vec<usize> = (0..d.organizations.len())
        .filter(|&k| {
            let o = &d.organizations[k];
            let id = get_str(o, "id").unwrap_or("");
            if !ids.is_empty() && !ids.matches(id) {
                return false;
            }
            if !user_ids.is_empty() {
                let members: Vec<&str> = ix
                    .memberships_by_org
                    .get(id)
                    .map(|ms| {
                        ms.iter()
                            .filter_map(|&m| {
                                get_path(
                                    &d.organization_memberships[m],
                                    &["public_user_data", "user_id"],
                                )
                                .and_then(Value::as_str)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let inc_ok = user_ids.include.is_empty()
                    || members.iter().any(|m| user_ids.include.contains(m));
                let exc_ok = !members.iter().any(|m| user_ids.exclude.contains(m));
                if !(inc_ok && exc_ok) {
                    return false;
                }
            }
            if let (Some(qs), Some(ql)) = (query, query_lower.as_deref()) {
                let name = get_str(o, "name").unwrap_or("");
                let slug = get_str(o, "slug").unwrap_or("");
                if id != qs && !contains_ci(name, ql) && !contains_ci(slug, ql) {
                    return false;
                }
            }
            true
        })
        .collect();
    let (field, desc) = q.order(("created_at", true));
    match field.as_str() {
        "members_count" => idx.sort_by(|&a, &b| {
            let o = ix.members_count[a].cmp(&ix.members_count[b]);
            (if desc { o.reverse() } else { o }).then(a.cmp(&b))
        }),
        "name" => sort_by_path(&d.organizations, &mut idx, &["name"], desc),
        "created_at" => sort_by_path(&d.organizations, &mut idx, &["created_at"], desc),
        other => {
            return Err(clerk_param_error(
                "order_by",
                &format!("`order_by` cannot be `{other}`"),
            ))
        }
    }
    let with_count = q.flag("include_members_count");
    let rows: Vec<Value> = page(&idx, limit, offset)
        .iter()
        .map(|&k| org_out(sh, k, with_count))
        .collect();
    Ok(Resp::ok(envelope_owned(&rows, idx.len())))
}

/// `GET /organizations/{id_or_slug}`.
pub(crate) fn one(sh: &Data, q: &Q, id_or_slug: &str) -> Result<Resp, Resp> {
    let ix = &sh.index;
    let k = ix
        .org_by_id
        .get(id_or_slug)
        .or_else(|| ix.org_by_slug.get(id_or_slug));
    Ok(match k {
        Some(&k) => Resp::ok(to_json(&org_out(sh, k, q.flag("include_members_count")))),
        None => Resp::not_found(),
    })
}

/// `GET /organizations/{id}/memberships`.
pub(crate) fn memberships(sh: &Data, q: &Q, org_id: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    if !ix.org_by_id.contains_key(org_id) {
        return Ok(Resp::not_found());
    }
    let (limit, offset) = q.paging()?;
    let user_ids = PlusMinus::parse(q.all("user_id"));
    let roles = q.all("role");
    let after = q.int("created_at_after")?;
    let before = q.int("created_at_before")?;
    let idx: Vec<usize> = ix
        .memberships_by_org
        .get(org_id)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|&m| {
            let mv = &d.organization_memberships[m];
            let uid = get_path(mv, &["public_user_data", "user_id"])
                .and_then(Value::as_str)
                .unwrap_or("");
            let c = get_i64(mv, "created_at").unwrap_or(0);
            (user_ids.is_empty() || user_ids.matches(uid))
                && (roles.is_empty() || roles.contains(&get_str(mv, "role").unwrap_or("")))
                && after.is_none_or(|a| c > a)
                && before.is_none_or(|b| c < b)
        })
        .collect();
    membership_page(sh, q, idx, limit, offset)
}

/// `GET /organizations/{id}/invitations`.
pub(crate) fn invitations(sh: &Data, q: &Q, org_id: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    if !ix.org_by_id.contains_key(org_id) {
        return Ok(Resp::not_found());
    }
    let (limit, offset) = q.paging()?;
    let status = q.get("status");
    let email = q.get("email_address");
    let mut idx: Vec<usize> = ix
        .org_invitations_by_org
        .get(org_id)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|&i| {
            let v = &d.organization_invitations[i];
            status.is_none_or(|s| get_str(v, "status") == Some(s))
                && email.is_none_or(|e| {
                    get_str(v, "email_address").is_some_and(|x| x.eq_ignore_ascii_case(e))
                })
        })
        .collect();
    apply_order(
        q,
        &d.organization_invitations,
        &mut idx,
        INVITATION_ORDER,
        ("created_at", true),
    )?;
    let rows: Vec<Value> = page(&idx, limit, offset)
        .iter()
        .map(|&i| {
            let mut v = d.organization_invitations[i].clone();
            if let Some(m) = v.as_object_mut() {
                m.remove("public_organization_data");
            }
            v
        })
        .collect();
    Ok(Resp::ok(envelope_owned(&rows, idx.len())))
}

/// `GET /organizations/{id}/billing/subscription`.
pub(crate) fn subscription(sh: &Data, id: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    Ok(match ix.org_sub.get(id) {
        Some(&i) if ix.org_by_id.contains_key(id) => {
            Resp::ok(to_json(&d.organization_subscriptions[i].1))
        }
        _ => Resp::not_found(),
    })
}

/// `GET /organizations/{org}/invitations/{id}`.
pub(crate) fn invitation(sh: &Data, org: &str, id: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    // Per-organization shape: without `public_organization_data`.
    let found = d
        .organization_invitations
        .iter()
        .find(|v| get_str(v, "id") == Some(id) && get_str(v, "organization_id") == Some(org));
    Ok(match found {
        Some(v) => {
            let mut v = v.clone();
            if let Some(m) = v.as_object_mut() {
                m.remove("public_organization_data");
            }
            Resp::ok(to_json(&v))
        }
        None => Resp::not_found(),
    })
}

/// `GET /organization_invitations`.
pub(crate) fn all_invitations(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let status = q.get("status");
    let mut idx = status_and_query(&d.organization_invitations, status, q.get("query"));
    apply_order(
        q,
        &d.organization_invitations,
        &mut idx,
        INVITATION_ORDER,
        ("created_at", true),
    )?;
    Ok(paged_envelope(
        &d.organization_invitations,
        &idx,
        limit,
        offset,
    ))
}

/// `GET /organization_memberships`.
pub(crate) fn all_memberships(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let idx = all_indexes(d.organization_memberships.len());
    membership_page(sh, q, idx, limit, offset)
}

/// `GET /organization_domains`.
pub(crate) fn domains(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let org = q.get("organization_id");
    let verified = q.bool_opt("verified")?;
    // `-mode` excludes a mode; include and exclude filters compose as AND.
    let modes = PlusMinus::parse(q.all("enrollment_mode"));
    let names = q.all("domains");
    // `query`: an organization id when it starts with `org_`, else a case-insensitive
    // partial match on the name; empty or blank is refused.
    let query = q.get("query");
    if query.is_some_and(|s| s.trim().is_empty()) {
        return Err(clerk_param_error("query", "`query` cannot be blank"));
    }
    let idx: Vec<usize> = (0..d.organization_domains.len())
        .filter(|&i| {
            let v = &d.organization_domains[i];
            let is_verified = v["affiliation_verification"]["status"] == "verified";
            let name = get_str(v, "name").unwrap_or("");
            let query_ok = query.is_none_or(|qs| match qs.strip_prefix("org_") {
                Some(_) => get_str(v, "organization_id") == Some(qs),
                None => contains_ci(name, &qs.to_lowercase()),
            });
            query_ok
                && org.is_none_or(|o| get_str(v, "organization_id") == Some(o))
                && verified.is_none_or(|b| b == is_verified)
                && (modes.is_empty() || modes.matches(get_str(v, "enrollment_mode").unwrap_or("")))
                && (names.is_empty() || get_str(v, "name").is_some_and(|n| names.contains(&n)))
        })
        .collect();
    Ok(paged_envelope(&d.organization_domains, &idx, limit, offset))
}
