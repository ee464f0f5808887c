//! Users: the list and its count (filters, ordering, paging over the user index), a user by
//! id and what hangs off a user (memberships, organization invitations, subscription);
//! create, update, metadata, ban/lock and delete.

use super::api::{
    body, clerk_param_error, deleted, form_error, now_ms, set_fields, taken, time_field, Fields,
    PlusMinus, Resp, NO_FIELDS, Q,
};
use super::index::UserMeta;
use super::lists::{
    contains_ci, envelope, list_json, page, paged_envelope, status_and_query, to_json,
};
use super::organizations::membership_page;
use super::records::{email_verification, get_path, get_str, make_email};
use super::store::Data;
use serde_json::json;
use serde_json::Value;
use std::cmp::Ordering as CmpOrdering;

/// Sort key of a user for `order_by`.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum UserKey<'a> {
    Int(Option<i64>),
    Str(Option<&'a str>),
}

pub(crate) fn user_key<'a>(m: &'a UserMeta, field: &str) -> UserKey<'a> {
    match field {
        "updated_at" => UserKey::Int(Some(m.updated_at)),
        "last_active_at" => UserKey::Int(m.last_active_at),
        "last_sign_in_at" => UserKey::Int(m.last_sign_in_at),
        "email_address" => UserKey::Str(m.primary_email_lower.as_deref()),
        "phone_number" => UserKey::Str(m.phones.first().map(String::as_str)),
        "web3wallet" => UserKey::Str(m.web3.first().map(String::as_str)),
        "first_name" => UserKey::Str(m.first_name.as_deref()),
        "last_name" => UserKey::Str(m.last_name.as_deref()),
        "username" => UserKey::Str(m.username.as_deref()),
        _ => UserKey::Int(Some(m.created_at)),
    }
}

pub(crate) fn cmp_user_key(a: &UserKey, b: &UserKey) -> CmpOrdering {
    // Nulls last when ascending.
    let (na, nb) = match (a, b) {
        (UserKey::Int(x), UserKey::Int(y)) => (x.is_none(), y.is_none()),
        (UserKey::Str(x), UserKey::Str(y)) => (x.is_none(), y.is_none()),
        _ => (false, false),
    };
    match (na, nb) {
        (true, true) => CmpOrdering::Equal,
        (true, false) => CmpOrdering::Greater,
        (false, true) => CmpOrdering::Less,
        _ => a.cmp(b),
    }
}

pub(crate) const USER_ORDER_FIELDS: [&str; 10] = [
    "created_at",
    "updated_at",
    "email_address",
    "web3wallet",
    "first_name",
    "last_name",
    "phone_number",
    "username",
    "last_active_at",
    "last_sign_in_at",
];

pub(crate) fn users_list(sh: &Data, q: &Q, count_only: bool) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    let (limit, offset) = if count_only {
        (usize::MAX, 0)
    } else {
        q.paging()?
    };

    let user_ids = PlusMinus::parse(q.all("user_id"));
    let external_ids = PlusMinus::parse(q.all("external_id"));
    let org_ids = PlusMinus::parse(q.all("organization_id"));
    let emails: Vec<String> = q
        .all("email_address")
        .iter()
        .map(|e| e.to_lowercase())
        .collect();
    let phones = q.all("phone_number");
    let usernames = q.all("username");
    let web3 = q.all("web3_wallet");
    let banned = q.bool_opt("banned")?;
    let created_after = q.int("created_at_after")?;
    let created_before = q.int("created_at_before")?;
    let active_after = q.int("last_active_at_after")?;
    let active_before = q.int("last_active_at_before")?;
    let active_since = q.int("last_active_at_since")?;
    let sign_in_after = q.int("last_sign_in_at_after")?;
    let sign_in_before = q.int("last_sign_in_at_before")?;
    let lower = |k: &str| q.get(k).filter(|s| !s.is_empty()).map(str::to_lowercase);
    let query = lower("query");
    let email_query = lower("email_address_query");
    let phone_query = lower("phone_number_query");
    let username_query = lower("username_query");
    let name_query = lower("name_query");
    // "Must be used in combination": one without the other is refused.
    let provider = q.get("provider");
    let provider_user_ids = q.all("provider_user_id");
    if provider.is_some() == provider_user_ids.is_empty() {
        return Err(clerk_param_error(
            "provider",
            "`provider` and `provider_user_id` must be used together",
        ));
    }

    let matches = |i: usize| -> bool {
        let m = &ix.users[i];
        if !user_ids.is_empty() && !user_ids.matches(&m.id) {
            return false;
        }
        if !external_ids.is_empty() {
            match &m.external_id {
                Some(e) => {
                    if !external_ids.matches(e) {
                        return false;
                    }
                }
                None => {
                    if !external_ids.include.is_empty() {
                        return false;
                    }
                }
            }
        }
        if !org_ids.is_empty() {
            let ids: Vec<&str> = m
                .orgs
                .iter()
                .filter_map(|&k| get_str(&d.organizations[k], "id"))
                .collect();
            if !org_ids.matches_any(&ids) {
                return false;
            }
        }
        if !emails.is_empty() && !m.emails_lower.iter().any(|e| emails.contains(e)) {
            return false;
        }
        if !phones.is_empty() && !m.phones.iter().any(|p| phones.contains(&p.as_str())) {
            return false;
        }
        if !web3.is_empty() && !m.web3.iter().any(|w| web3.contains(&w.as_str())) {
            return false;
        }
        if !usernames.is_empty()
            && !m
                .username
                .as_deref()
                .is_some_and(|u| usernames.contains(&u))
        {
            return false;
        }
        if banned.is_some_and(|b| b != m.banned) {
            return false;
        }
        if let Some(p) = provider {
            let accounts = d.users[i]["external_accounts"].as_array();
            let linked = accounts.into_iter().flatten().any(|a| {
                get_str(a, "provider") == Some(p)
                    && get_str(a, "provider_user_id")
                        .is_some_and(|id| provider_user_ids.contains(&id))
            });
            if !linked {
                return false;
            }
        }
        if created_after.is_some_and(|a| m.created_at <= a)
            || created_before.is_some_and(|b| m.created_at >= b)
        {
            return false;
        }
        let opt_after = |v: Option<i64>, a: Option<i64>| a.is_none_or(|a| v.is_some_and(|v| v > a));
        let opt_before =
            |v: Option<i64>, b: Option<i64>| b.is_none_or(|b| v.is_some_and(|v| v < b));
        if !opt_after(m.last_active_at, active_after)
            || !opt_before(m.last_active_at, active_before)
            || active_since.is_some_and(|s| m.last_active_at.is_none_or(|v| v < s))
            || !opt_after(m.last_sign_in_at, sign_in_after)
            || !opt_before(m.last_sign_in_at, sign_in_before)
        {
            return false;
        }
        let any_contains =
            |list: &[String], needle: &str| list.iter().any(|s| s.to_lowercase().contains(needle));
        let opt_contains =
            |s: &Option<String>, needle: &str| s.as_deref().is_some_and(|s| contains_ci(s, needle));
        if let Some(eq) = &email_query {
            if !m.emails_lower.iter().any(|e| e.contains(eq.as_str())) {
                return false;
            }
        }
        if let Some(pq) = &phone_query {
            if !any_contains(&m.phones, pq) {
                return false;
            }
        }
        if let Some(uq) = &username_query {
            if !opt_contains(&m.username, uq) {
                return false;
            }
        }
        if let Some(nq) = &name_query {
            let full = format!(
                "{} {}",
                m.first_name.as_deref().unwrap_or(""),
                m.last_name.as_deref().unwrap_or("")
            );
            if !contains_ci(&full, nq) {
                return false;
            }
        }
        if let Some(qq) = &query {
            let hit = m.emails_lower.iter().any(|e| e.contains(qq.as_str()))
                || any_contains(&m.phones, qq)
                || any_contains(&m.web3, qq)
                || opt_contains(&m.username, qq)
                || opt_contains(&m.first_name, qq)
                || opt_contains(&m.last_name, qq)
                || opt_contains(&m.external_id, qq)
                || m.id.to_lowercase().contains(qq.as_str());
            if !hit {
                return false;
            }
        }
        true
    };

    if count_only {
        let n = (0..ix.users.len()).filter(|&i| matches(i)).count();
        return Ok(Resp::ok(
            json!({"object": "total_count", "total_count": n}).to_string(),
        ));
    }

    let (field, desc) = q.order(("created_at", true));
    if !USER_ORDER_FIELDS.contains(&field.as_str()) {
        return Err(clerk_param_error(
            "order_by",
            &format!("`order_by` cannot be `{field}`"),
        ));
    }
    let cursor = q.get("starting_after").filter(|s| !s.is_empty());
    let mut rows: Vec<&Value> = Vec::new();
    if let Some(cur) = cursor {
        if offset > 0 {
            return Err(clerk_param_error(
                "starting_after",
                "`starting_after` cannot be combined with a non-zero `offset`",
            ));
        }
        if field != "created_at" {
            return Err(clerk_param_error(
                "starting_after",
                "`starting_after` can only be used when ordering by `created_at`",
            ));
        }
        let Some(&ci) = ix.user_by_id.get(cur) else {
            return Err(clerk_param_error(
                "starting_after",
                &format!("`starting_after` user `{cur}` was not found"),
            ));
        };
        let pos = ix.user_pos_desc[ci];
        let iter: Box<dyn Iterator<Item = &usize>> = if desc {
            Box::new(ix.users_desc[pos + 1..].iter())
        } else {
            Box::new(ix.users_desc[..pos].iter().rev())
        };
        rows.extend(
            iter.filter(|&&i| matches(i))
                .take(limit)
                .map(|&i| &d.users[i]),
        );
    } else if field == "created_at" {
        let iter: Box<dyn Iterator<Item = &usize>> = if desc {
            Box::new(ix.users_desc.iter())
        } else {
            Box::new(ix.users_desc.iter().rev())
        };
        rows.extend(
            iter.filter(|&&i| matches(i))
                .skip(offset)
                .take(limit)
                .map(|&i| &d.users[i]),
        );
    } else {
        let mut idx: Vec<usize> = ix
            .users_desc
            .iter()
            .rev()
            .copied()
            .filter(|&i| matches(i))
            .collect();
        idx.sort_by(|&a, &b| {
            let o = cmp_user_key(
                &user_key(&ix.users[a], &field),
                &user_key(&ix.users[b], &field),
            );
            let o = if desc { o.reverse() } else { o };
            o.then_with(|| {
                let t = ix.users[a].created_at.cmp(&ix.users[b].created_at);
                if desc {
                    t.reverse()
                } else {
                    t
                }
            })
        });
        rows.extend(page(&idx, limit, offset).iter().map(|&i| &d.users[i]));
    }
    Ok(Resp::ok(list_json(&rows)))
}

pub(crate) const USER_CREATE: Fields = Fields(&[
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "email_address[]",
    "email_address_identification_status",
    "phone_number[]",
    "phone_number_identification_status",
    "web3_wallet[]",
    "username",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "skip_password_requirement",
    "totp_secret",
    "backup_codes",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "delete_self_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "skip_user_requirement",
    "create_organization_enabled",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
    "banned",
    "locked",
]);

pub(crate) const USER_UPDATE: Fields = Fields(&[
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "primary_email_address_id",
    "notify_primary_email_address_changed",
    "primary_phone_number_id",
    "primary_web3_wallet_id",
    "username",
    "profile_image_id",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "sign_out_of_other_sessions",
    "totp_secret",
    "backup_codes",
    "delete_self_enabled",
    "create_organization_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
]);

pub(crate) const USER_METADATA: Fields =
    Fields(&["public_metadata", "private_metadata", "unsafe_metadata"]);

pub(crate) fn create_user(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &USER_CREATE, true)?;
    let strings = |k: &str| -> Vec<String> {
        map.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let emails = strings("email_address");
    let phones = strings("phone_number");
    for e in &emails {
        let lower = e.to_lowercase();
        if data
            .index
            .users
            .iter()
            .any(|u| u.emails_lower.contains(&lower))
        {
            return Err(taken("email_address", "email address"));
        }
    }
    if let Some(name) = map.get("username").and_then(Value::as_str) {
        if data
            .index
            .users
            .iter()
            .any(|u| u.username.as_deref() == Some(name))
        {
            return Err(taken("username", "username"));
        }
    }
    let created = time_field(&map, "created_at")?.unwrap_or_else(now_ms);
    let id = data.new_id("user");
    let mut email_objects = Vec::new();
    for e in &emails {
        email_objects.push(make_email(data.new_id("idn"), e.clone(), created));
    }
    let phone_objects: Vec<Value> = phones
        .iter()
        .map(|p| {
            json!({
                "id": data.new_id("idn_p"), "object": "phone_number", "phone_number": p,
                "reserved_for_second_factor": false, "default_second_factor": false,
                "reserved": false, "verification": email_verification(created),
                "linked_to": [], "created_at": created, "updated_at": created,
            })
        })
        .collect();
    let first_id = |objs: &[Value]| objs.first().map_or(Value::Null, |o| o["id"].clone());
    let field = |k: &str| map.get(k).cloned().unwrap_or(Value::Null);
    let object = |k: &str| map.get(k).cloned().unwrap_or_else(|| json!({}));
    let user = json!({
        "object": "user",
        "id": id,
        "external_id": field("external_id"),
        "first_name": field("first_name"),
        "last_name": field("last_name"),
        "username": field("username"),
        "locale": field("locale"),
        "image_url": "https://img.clerk.com/mock/default.png",
        "has_image": false,
        "primary_email_address_id": first_id(&email_objects),
        "primary_phone_number_id": first_id(&phone_objects),
        "primary_web3_wallet_id": null,
        "email_addresses": email_objects,
        "phone_numbers": phone_objects,
        "web3_wallets": [],
        "external_accounts": [],
        "public_metadata": object("public_metadata"),
        "private_metadata": object("private_metadata"),
        "unsafe_metadata": object("unsafe_metadata"),
        "password_enabled": map.contains_key("password") || map.contains_key("password_digest"),
        "two_factor_enabled": false,
        "totp_enabled": false,
        "backup_code_enabled": false,
        "banned": map.get("banned").and_then(Value::as_bool).unwrap_or(false),
        "locked": map.get("locked").and_then(Value::as_bool).unwrap_or(false),
        "last_sign_in_at": null,
        "last_active_at": null,
        "legal_accepted_at": time_field(&map, "legal_accepted_at")?,
        "created_at": created,
        "updated_at": created,
    });
    data.dataset.users.push(user.clone());
    Ok(Resp::ok(user.to_string()))
}

pub(crate) fn update_user(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &USER_UPDATE, true)?;
    let i = Data::find(&data.dataset.users, id).ok_or_else(Resp::not_found)?;
    if let Some(name) = map.get("username").and_then(Value::as_str) {
        let others = data.index.users.iter().filter(|u| u.id != id);
        if others.clone().any(|u| u.username.as_deref() == Some(name)) {
            return Err(taken("username", "username"));
        }
    }
    let user = &mut data.dataset.users[i];
    for (key, list) in [
        ("primary_email_address_id", "email_addresses"),
        ("primary_phone_number_id", "phone_numbers"),
    ] {
        if let Some(v) = map.get(key).and_then(Value::as_str) {
            let owned = user[list]
                .as_array()
                .is_some_and(|a| a.iter().any(|e| get_str(e, "id") == Some(v)));
            if !owned {
                return Err(Resp::not_found());
            }
        }
    }
    set_fields(
        user,
        &map,
        &[
            "external_id",
            "first_name",
            "last_name",
            "locale",
            "username",
            "primary_email_address_id",
            "primary_phone_number_id",
            "primary_web3_wallet_id",
        ],
    );
    for k in ["legal_accepted_at", "created_at"] {
        if let Some(ms) = time_field(&map, k)? {
            user[k] = json!(ms);
        }
    }
    user["updated_at"] = json!(now_ms());
    Ok(Resp::ok(user.to_string()))
}

pub(crate) fn user_action(
    data: &mut Data,
    id: &str,
    action: &str,
    text: &str,
) -> Result<Resp, Resp> {
    body(text, &NO_FIELDS, false)?;
    let i = Data::find(&data.dataset.users, id).ok_or_else(Resp::not_found)?;
    let user = &mut data.dataset.users[i];
    let (key, value) = match action {
        "ban" => ("banned", true),
        "unban" => ("banned", false),
        "lock" => ("locked", true),
        _ => ("locked", false),
    };
    user[key] = json!(value);
    Ok(Resp::ok(user.to_string()))
}

pub(crate) fn delete_user(data: &mut Data, id: &str) -> Result<Resp, Resp> {
    let i = Data::find(&data.dataset.users, id).ok_or_else(Resp::not_found)?;
    data.dataset.users.remove(i);
    data.dataset.organization_memberships.retain(|m| {
        get_path(m, &["public_user_data", "user_id"]).and_then(Value::as_str) != Some(id)
    });
    Ok(deleted("user", id))
}

/// `GET /users/{id}`.
pub(crate) fn user(sh: &Data, id: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    Ok(match ix.user_by_id.get(id) {
        Some(&i) => Resp::ok(to_json(&d.users[i])),
        None => Resp::not_found(),
    })
}

/// `GET /users/{id}/organization_memberships`.
pub(crate) fn user_memberships(sh: &Data, q: &Q, id: &str) -> Result<Resp, Resp> {
    let ix = &sh.index;
    if !ix.user_by_id.contains_key(id) {
        return Ok(Resp::not_found());
    }
    let (limit, offset) = q.paging()?;
    let idx = ix.memberships_by_user.get(id).cloned().unwrap_or_default();
    membership_page(sh, q, idx, limit, offset)
}

/// `GET /users/{id}/billing/subscription`.
pub(crate) fn user_subscription(sh: &Data, id: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    Ok(match ix.user_sub.get(id) {
        Some(&i) if ix.user_by_id.contains_key(id) => Resp::ok(to_json(&d.user_subscriptions[i].1)),
        _ => Resp::not_found(),
    })
}

/// `GET /users/{id}/organization_invitations`.
pub(crate) fn user_org_invitations(sh: &Data, q: &Q, id: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    // The invitations sent to any of the user's email addresses.
    let Some(ui) = ix.user_by_id.get(id).copied() else {
        return Ok(Resp::not_found());
    };
    let (limit, offset) = q.paging()?;
    let addresses: Vec<&str> = d.users[ui]["email_addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| get_str(e, "email_address"))
        .collect();
    let status = q.get("status");
    let idx: Vec<usize> = status_and_query(&d.organization_invitations, status, None)
        .into_iter()
        .filter(|&i| {
            get_str(&d.organization_invitations[i], "email_address")
                .is_some_and(|e| addresses.contains(&e))
        })
        .collect();
    Ok(paged_envelope(
        &d.organization_invitations,
        &idx,
        limit,
        offset,
    ))
}

/// `GET /users/{id}/trusted_devices`: every device of the user, one envelope (no paging).
pub(crate) fn trusted_devices(sh: &Data, id: &str) -> Result<Resp, Resp> {
    if !sh.index.user_by_id.contains_key(id) {
        return Ok(Resp::not_found());
    }
    let devices: Vec<&Value> = sh
        .dataset
        .trusted_devices
        .iter()
        .filter(|(u, _)| u == id)
        .map(|(_, d)| d)
        .collect();
    Ok(Resp::ok(envelope(&devices, devices.len())))
}

const EMAIL_CREATE: Fields = Fields(&[
    "user_id*",
    "email_address*",
    "verified",
    "primary",
    "notify_primary_email_address_changed",
]);
const PHONE_CREATE: Fields = Fields(&[
    "user_id*",
    "phone_number*",
    "verified",
    "primary",
    "reserved_for_second_factor",
]);

/// `POST /email_addresses` or `/phone_numbers` (`list`: `email_addresses` or
/// `phone_numbers`): a new identification of an existing user, its primary when asked or
/// when it is the user's first.
pub(crate) fn create_identification(data: &mut Data, list: &str, text: &str) -> Result<Resp, Resp> {
    let (fields, key, prefix, primary_key) = match list {
        "email_addresses" => (
            &EMAIL_CREATE,
            "email_address",
            "idn",
            "primary_email_address_id",
        ),
        _ => (
            &PHONE_CREATE,
            "phone_number",
            "idn_p",
            "primary_phone_number_id",
        ),
    };
    let map = body(text, fields, true)?;
    let user_id = map["user_id"].as_str().unwrap_or_default().to_string();
    let Some(&i) = data.index.user_by_id.get(&user_id) else {
        return Err(Resp::not_found());
    };
    let value = map[key].as_str().unwrap_or_default().to_string();
    let taken_by_anyone = data.dataset.users.iter().any(|u| {
        u[list].as_array().into_iter().flatten().any(|x| {
            x[key]
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case(&value))
        })
    });
    if taken_by_anyone {
        return Err(taken(key, &key.replace('_', " ")));
    }
    let now = now_ms();
    let mut object = make_email(data.new_id(prefix), value, now);
    if list == "phone_numbers" {
        object = json!({
            "id": object["id"], "object": "phone_number", "phone_number": object["email_address"],
            "reserved_for_second_factor": false, "default_second_factor": false,
            "reserved": false, "verification": object["verification"], "linked_to": [],
            "created_at": now, "updated_at": now,
        });
    }
    let user = &mut data.dataset.users[i];
    let first = user[list].as_array().is_none_or(|a| a.is_empty());
    if first || map.get("primary") == Some(&json!(true)) {
        user[primary_key] = object["id"].clone();
    }
    if let Some(a) = user[list].as_array_mut() {
        a.push(object.clone());
    }
    Ok(Resp::ok(object.to_string()))
}

/// `DELETE /email_addresses/{id}` or `/phone_numbers/{id}`: Clerk refuses to delete a
/// user's primary identification while it has others.
pub(crate) fn delete_identification(data: &mut Data, list: &str, id: &str) -> Result<Resp, Resp> {
    let primary_key = match list {
        "email_addresses" => "primary_email_address_id",
        _ => "primary_phone_number_id",
    };
    let object = if list == "email_addresses" {
        "email_address"
    } else {
        "phone_number"
    };
    for user in data.dataset.users.iter_mut() {
        let is_primary = user[primary_key] == id;
        let Some(a) = user[list].as_array_mut() else {
            continue;
        };
        let Some(k) = a.iter().position(|x| x["id"] == id) else {
            continue;
        };
        if a.len() > 1 && is_primary {
            return Err(form_error(
                422,
                "primary_identification_deletion",
                "cannot delete the primary identification",
                "Set another primary identification before deleting this one.",
                None,
            ));
        }
        a.remove(k);
        if is_primary {
            user[primary_key] = Value::Null;
        }
        return Ok(deleted(object, id));
    }
    Err(Resp::not_found())
}

/// `DELETE /users/{user_id}/external_accounts/{id}` and `…/web3_wallets/{id}`: an element
/// of the user's list (`list`), 404 when the user or the element is not there.
pub(crate) fn delete_linked(
    data: &mut Data,
    user: &str,
    list: &str,
    id: &str,
) -> Result<Resp, Resp> {
    let Some(&i) = data.index.user_by_id.get(user) else {
        return Err(Resp::not_found());
    };
    let items = data.dataset.users[i][list].as_array_mut();
    let Some(items) = items else {
        return Err(Resp::not_found());
    };
    let Some(k) = items.iter().position(|x| x["id"] == id) else {
        return Err(Resp::not_found());
    };
    items.remove(k);
    let object = if list == "external_accounts" {
        "external_account"
    } else {
        "web3_wallet"
    };
    Ok(deleted(object, id))
}
