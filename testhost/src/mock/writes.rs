//! Clerk's write endpoints for the objects clerk_fdw writes: the request bodies the Backend
//! API spec allows (an unknown field or a missing required one is a 422, as in Clerk), the
//! uniqueness rules that make a repeated create fail, and effects that later reads see.

use super::*;

use std::time::{SystemTime, UNIX_EPOCH};

/// The body fields an endpoint takes, from the spec (`*`: required, `[]`: an array of
/// strings).
struct Fields(&'static [&'static str]);

const USER_CREATE: Fields = Fields(&[
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
const USER_UPDATE: Fields = Fields(&[
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
const USER_METADATA: Fields = Fields(&["public_metadata", "private_metadata", "unsafe_metadata"]);
const ORG_CREATE: Fields = Fields(&[
    "name*",
    "created_by",
    "private_metadata",
    "public_metadata",
    "slug",
    "max_allowed_memberships",
    "created_at",
    "role_set_key",
]);
const ORG_UPDATE: Fields = Fields(&[
    "name",
    "slug",
    "max_allowed_memberships",
    "admin_delete_enabled",
    "created_at",
    "role_set_key",
]);
const ORG_METADATA: Fields = Fields(&["public_metadata", "private_metadata"]);
const MEMBERSHIP_CREATE: Fields =
    Fields(&["user_id*", "role*", "public_metadata", "private_metadata"]);
const MEMBERSHIP_UPDATE: Fields = Fields(&["role*"]);
const ORG_INVITATION_CREATE: Fields = Fields(&[
    "email_address*",
    "inviter_user_id",
    "role*",
    "public_metadata",
    "private_metadata",
    "redirect_url",
    "expires_in_days",
    "notify",
]);
const ORG_INVITATION_REVOKE: Fields = Fields(&["requesting_user_id"]);
const INVITATION_CREATE: Fields = Fields(&[
    "email_address*",
    "public_metadata",
    "redirect_url",
    "notify",
    "ignore_existing",
    "expires_in_days",
    "template_slug",
]);
const ALLOWLIST_CREATE: Fields = Fields(&["identifier*", "notify"]);
const BLOCKLIST_CREATE: Fields = Fields(&["identifier*"]);
const REDIRECT_URL_CREATE: Fields = Fields(&["url*"]);
const JWT_TEMPLATE: Fields = Fields(&[
    "name*",
    "claims*",
    "lifetime",
    "allowed_clock_skew",
    "custom_signing_key",
    "signing_algorithm",
    "signing_key",
]);
const DOMAIN_CREATE: Fields = Fields(&["name*", "is_satellite*", "proxy_url"]);
const DOMAIN_UPDATE: Fields = Fields(&["name", "proxy_url", "is_secondary"]);
const OAUTH_APP_CREATE: Fields = Fields(&[
    "name*",
    "redirect_uris[]",
    "callback_url",
    "scopes",
    "consent_screen_enabled",
    "pkce_required",
    "public",
]);
const OAUTH_APP_UPDATE: Fields = Fields(&[
    "name",
    "redirect_uris[]",
    "callback_url",
    "scopes",
    "consent_screen_enabled",
    "pkce_required",
    "public",
]);
const WAITLIST_CREATE: Fields = Fields(&["email_address*", "notify"]);
const WAITLIST_INVITE: Fields = Fields(&["ignore_existing"]);
const ORG_DOMAIN_CREATE: Fields = Fields(&["name", "enrollment_mode", "verified"]);
const ORG_DOMAIN_UPDATE: Fields = Fields(&["enrollment_mode", "verified"]);
const NO_FIELDS: Fields = Fields(&[]);

/// Fields whose value must be a JSON object (Clerk checks the shape).
const OBJECT_FIELDS: &[&str] = &[
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "claims",
];

fn form_error(status: u16, code: &str, message: &str, long: &str, param: Option<&str>) -> Resp {
    let mut e = json!({"message": message, "long_message": long, "code": code});
    if let Some(p) = param {
        e["meta"] = json!({"param_name": p});
    }
    Resp::json(
        status,
        json!({"errors": [e], "clerk_trace_id": "trace_mock"}).to_string(),
    )
}

fn taken(param: &str, what: &str) -> Resp {
    form_error(
        422,
        "form_identifier_exists",
        "is taken",
        &format!("That {what} is taken. Please try another."),
        Some(param),
    )
}

/// The body as an object checked against `fields`.
fn body(text: &str, fields: &Fields, endpoint_has_body: bool) -> Result<Map<String, Value>, Resp> {
    let parsed: Value = if text.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(text).map_err(|e| {
            form_error(
                400,
                "malformed_request",
                "malformed request",
                &format!("The request body is not valid JSON: {e}"),
                None,
            )
        })?
    };
    let Value::Object(map) = parsed else {
        return Err(form_error(
            400,
            "malformed_request",
            "malformed request",
            "The request body must be a JSON object.",
            None,
        ));
    };
    let name = |f: &&'static str| -> &'static str { f.trim_end_matches(['*', '[', ']']) };
    for key in map.keys() {
        let known = fields.0.iter().any(|f| name(f) == key);
        if !known || (!endpoint_has_body && !map.is_empty()) {
            return Err(form_error(
                422,
                "form_param_unknown",
                "is unknown",
                &format!("{key} is not a valid parameter for this request."),
                Some(key),
            ));
        }
    }
    for f in fields.0.iter().filter(|f| f.ends_with('*')) {
        if map.get(name(f)).is_none_or(Value::is_null) {
            return Err(form_error(
                422,
                "form_param_missing",
                "missing",
                &format!("{} must be included.", name(f)),
                Some(name(f)),
            ));
        }
    }
    for (key, v) in &map {
        let object_ok = !OBJECT_FIELDS.contains(&key.as_str()) || v.is_object();
        let is_list = fields.0.iter().any(|f| f.ends_with("[]") && name(f) == key);
        let list_ok = !is_list || v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        if !object_ok || !list_ok {
            return Err(form_error(
                422,
                "form_param_format_invalid",
                "is invalid",
                &format!("{key} has the wrong format."),
                Some(key),
            ));
        }
    }
    Ok(map)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// An RFC 3339 body field as ms, the way Clerk stores timestamps.
fn time_field(map: &Map<String, Value>, key: &str) -> Result<Option<i64>, Resp> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.timestamp_millis()))
            .map_err(|_| {
                form_error(
                    422,
                    "form_param_format_invalid",
                    "is invalid",
                    &format!("{key} must be an RFC 3339 date-time."),
                    Some(key),
                )
            }),
        Some(_) => Err(form_error(
            422,
            "form_param_format_invalid",
            "is invalid",
            &format!("{key} must be a string."),
            Some(key),
        )),
    }
}

fn deleted(object: &str, id: &str) -> Resp {
    Resp::ok(json!({"object": object, "id": id, "deleted": true}).to_string())
}

/// Copy these body fields onto the stored object.
fn set_fields(target: &mut Value, map: &Map<String, Value>, keys: &[&str]) {
    for k in keys {
        if let Some(v) = map.get(*k) {
            target[*k] = v.clone();
        }
    }
}

impl Data {
    fn new_id(&mut self, prefix: &str) -> String {
        self.created += 1;
        mock_id(prefix, 900_000_000 + self.created)
    }

    fn find(list: &[Value], id: &str) -> Option<usize> {
        list.iter().position(|v| get_str(v, "id") == Some(id))
    }
}

/// Answer a POST, PUT, PATCH or DELETE, changing the dataset.
pub(crate) fn write(data: &mut Data, method: &str, segs: &[&str], text: &str) -> Resp {
    let r = match (method, segs) {
        ("POST", ["users"]) => create_user(data, text),
        ("PATCH", ["users", id]) => update_user(data, id, text),
        ("PUT", ["users", id, "metadata"]) => {
            update_in(&mut data.dataset.users, id, text, &USER_METADATA)
        }
        ("POST", ["users", id, action @ ("ban" | "unban" | "lock" | "unlock")]) => {
            user_action(data, id, action, text)
        }
        ("DELETE", ["users", id]) => delete_user(data, id),
        ("POST", ["organizations"]) => create_org(data, text),
        ("PATCH", ["organizations", id]) => {
            update_in(&mut data.dataset.organizations, id, text, &ORG_UPDATE)
        }
        ("PUT", ["organizations", id, "metadata"]) => {
            update_in(&mut data.dataset.organizations, id, text, &ORG_METADATA)
        }
        ("DELETE", ["organizations", id]) => delete_org(data, id),
        ("POST", ["organizations", org, "memberships"]) => create_membership(data, org, text),
        ("PATCH", ["organizations", org, "memberships", user]) => {
            update_membership(data, org, user, text)
        }
        ("DELETE", ["organizations", org, "memberships", user]) => {
            delete_membership(data, org, user)
        }
        ("POST", ["organizations", org, "invitations"]) => create_org_invitation(data, org, text),
        ("POST", ["organizations", org, "invitations", id, "revoke"]) => {
            revoke_org_invitation(data, org, id, text)
        }
        ("POST", ["invitations"]) => create_invitation(data, text),
        ("POST", ["invitations", id, "revoke"]) => revoke_invitation(data, id, text),
        ("POST", ["allowlist_identifiers"]) => create_identifier(data, true, text),
        ("DELETE", ["allowlist_identifiers", id]) => delete_in(
            &mut data.dataset.allowlist_identifiers,
            "allowlist_identifier",
            id,
        ),
        ("POST", ["blocklist_identifiers"]) => create_identifier(data, false, text),
        ("DELETE", ["blocklist_identifiers", id]) => delete_in(
            &mut data.dataset.blocklist_identifiers,
            "blocklist_identifier",
            id,
        ),
        ("POST", ["redirect_urls"]) => create_redirect_url(data, text),
        ("DELETE", ["redirect_urls", id]) => {
            delete_in(&mut data.dataset.redirect_urls, "redirect_url", id)
        }
        ("POST", ["jwt_templates"]) => create_jwt_template(data, text),
        ("PATCH", ["jwt_templates", id]) => update_jwt_template(data, id, text),
        ("DELETE", ["jwt_templates", id]) => {
            delete_in(&mut data.dataset.jwt_templates, "jwt_template", id)
        }
        ("POST", ["domains"]) => create_domain(data, text),
        ("PATCH", ["domains", id]) => {
            update_in(&mut data.dataset.domains, id, text, &DOMAIN_UPDATE)
        }
        ("DELETE", ["domains", id]) => delete_domain(data, id),
        ("POST", ["oauth_applications"]) => create_oauth_app(data, text),
        ("PATCH", ["oauth_applications", id]) => update_in(
            &mut data.dataset.oauth_applications,
            id,
            text,
            &OAUTH_APP_UPDATE,
        ),
        ("DELETE", ["oauth_applications", id]) => delete_in(
            &mut data.dataset.oauth_applications,
            "oauth_application",
            id,
        ),
        ("POST", ["sessions", id, "revoke"]) => revoke_session(data, id, text),
        ("POST", ["waitlist_entries"]) => create_waitlist_entry(data, text),
        ("POST", ["waitlist_entries", id, action @ ("invite" | "reject")]) => {
            waitlist_action(data, id, action, text)
        }
        ("DELETE", ["waitlist_entries", id]) => {
            delete_in(&mut data.dataset.waitlist_entries, "waitlist_entry", id)
        }
        ("POST", ["organizations", org, "domains"]) => create_org_domain(data, org, text),
        ("PATCH", ["organizations", org, "domains", id]) => update_org_domain(data, org, id, text),
        ("DELETE", ["organizations", org, "domains", id]) => {
            let list = &mut data.dataset.organization_domains;
            let i = Data::find(list, id)
                .filter(|&i| get_str(&list[i], "organization_id") == Some(*org))
                .ok_or_else(Resp::not_found);
            i.map(|i| {
                list.remove(i);
                deleted("organization_domain", id)
            })
        }
        _ => Err(Resp::not_found()),
    };
    let resp = match r {
        Ok(r) | Err(r) => r,
    };
    if resp.status < 300 {
        data.index = Index::build(&data.dataset);
    }
    resp
}

fn create_user(data: &mut Data, text: &str) -> Result<Resp, Resp> {
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

fn update_user(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
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

fn user_action(data: &mut Data, id: &str, action: &str, text: &str) -> Result<Resp, Resp> {
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

fn delete_user(data: &mut Data, id: &str) -> Result<Resp, Resp> {
    let i = Data::find(&data.dataset.users, id).ok_or_else(Resp::not_found)?;
    data.dataset.users.remove(i);
    data.dataset.organization_memberships.retain(|m| {
        get_path(m, &["public_user_data", "user_id"]).and_then(Value::as_str) != Some(id)
    });
    Ok(deleted("user", id))
}

/// A PATCH, or a `PUT …/metadata`: each given field replaces the stored one entirely.
fn update_in(list: &mut [Value], id: &str, text: &str, fields: &Fields) -> Result<Resp, Resp> {
    let map = body(text, fields, true)?;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    let created = time_field(&map, "created_at")?;
    for (k, v) in map {
        list[i][k.as_str()] = v;
    }
    if let Some(ms) = created {
        list[i]["created_at"] = json!(ms);
    }
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

fn delete_in(list: &mut Vec<Value>, object: &str, id: &str) -> Result<Resp, Resp> {
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    list.remove(i);
    Ok(deleted(object, id))
}

fn create_org(data: &mut Data, text: &str) -> Result<Resp, Resp> {
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

fn delete_org(data: &mut Data, id: &str) -> Result<Resp, Resp> {
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

fn membership(
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

fn membership_index(data: &Data, org: &str, user: &str) -> Option<usize> {
    data.dataset.organization_memberships.iter().position(|m| {
        get_path(m, &["organization", "id"]).and_then(Value::as_str) == Some(org)
            && get_path(m, &["public_user_data", "user_id"]).and_then(Value::as_str) == Some(user)
    })
}

fn create_membership(data: &mut Data, org: &str, text: &str) -> Result<Resp, Resp> {
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

fn update_membership(data: &mut Data, org: &str, user: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &MEMBERSHIP_UPDATE, true)?;
    let i = membership_index(data, org, user).ok_or_else(Resp::not_found)?;
    let m = &mut data.dataset.organization_memberships[i];
    m["role"] = map["role"].clone();
    m["updated_at"] = json!(now_ms());
    Ok(Resp::ok(m.to_string()))
}

fn delete_membership(data: &mut Data, org: &str, user: &str) -> Result<Resp, Resp> {
    let i = membership_index(data, org, user).ok_or_else(Resp::not_found)?;
    let m = data.dataset.organization_memberships.remove(i);
    Ok(Resp::ok(m.to_string()))
}

fn not_pending(object: &str) -> Resp {
    form_error(
        400,
        &format!("{object}_not_pending"),
        "not pending",
        "Only pending invitations can be revoked.",
        None,
    )
}

fn create_org_invitation(data: &mut Data, org: &str, text: &str) -> Result<Resp, Resp> {
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

fn revoke_org_invitation(data: &mut Data, org: &str, id: &str, text: &str) -> Result<Resp, Resp> {
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

fn create_invitation(data: &mut Data, text: &str) -> Result<Resp, Resp> {
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

fn revoke_invitation(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
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

fn create_identifier(data: &mut Data, allow: bool, text: &str) -> Result<Resp, Resp> {
    let map = body(
        text,
        if allow {
            &ALLOWLIST_CREATE
        } else {
            &BLOCKLIST_CREATE
        },
        true,
    )?;
    let ident = map["identifier"].as_str().unwrap_or_default().to_string();
    let ty = if ident.contains('@') {
        "email_address"
    } else if ident.starts_with('+') {
        "phone_number"
    } else {
        "web3_wallet"
    };
    let (object, prefix) = if allow {
        ("allowlist_identifier", "alid")
    } else {
        ("blocklist_identifier", "blid")
    };
    let list = if allow {
        &data.dataset.allowlist_identifiers
    } else {
        &data.dataset.blocklist_identifiers
    };
    if list
        .iter()
        .any(|v| get_str(v, "identifier") == Some(&ident))
    {
        return Err(form_error(
            422,
            "duplicate_record",
            "duplicate",
            "The identifier is already on the list.",
            Some("identifier"),
        ));
    }
    let now = now_ms();
    let mut v = json!({
        "object": object, "id": data.new_id(prefix), "identifier": ident,
        "identifier_type": ty, "instance_id": INSTANCE_ID, "created_at": now, "updated_at": now,
    });
    if allow {
        v["invitation_id"] = Value::Null;
        data.dataset.allowlist_identifiers.push(v.clone());
    } else {
        data.dataset.blocklist_identifiers.push(v.clone());
    }
    Ok(Resp::ok(v.to_string()))
}

fn create_redirect_url(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &REDIRECT_URL_CREATE, true)?;
    let now = now_ms();
    let v = json!({
        "object": "redirect_url", "id": data.new_id("ru"), "url": map["url"],
        "created_at": now, "updated_at": now,
    });
    data.dataset.redirect_urls.push(v.clone());
    Ok(Resp::ok(v.to_string()))
}

const JWT_FIELDS: [&str; 6] = [
    "name",
    "claims",
    "lifetime",
    "allowed_clock_skew",
    "custom_signing_key",
    "signing_algorithm",
];

fn create_jwt_template(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &JWT_TEMPLATE, true)?;
    if data
        .dataset
        .jwt_templates
        .iter()
        .any(|t| t["name"] == map["name"])
    {
        return Err(taken("name", "name"));
    }
    let now = now_ms();
    let mut v = json!({
        "object": "jwt_template", "id": data.new_id("jtmp"), "lifetime": 60,
        "allowed_clock_skew": 5, "custom_signing_key": false, "signing_algorithm": "RS256",
        "created_at": now, "updated_at": now,
    });
    set_fields(&mut v, &map, &JWT_FIELDS);
    data.dataset.jwt_templates.push(v.clone());
    Ok(Resp::ok(v.to_string()))
}

fn update_jwt_template(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &JWT_TEMPLATE, true)?;
    let list = &mut data.dataset.jwt_templates;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    set_fields(&mut list[i], &map, &JWT_FIELDS);
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

fn create_domain(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &DOMAIN_CREATE, true)?;
    let name = map["name"].as_str().unwrap_or_default().to_string();
    if data
        .dataset
        .domains
        .iter()
        .any(|d| get_str(d, "name") == Some(&name))
    {
        return Err(taken("name", "domain"));
    }
    let v = json!({
        "object": "domain", "id": data.new_id("dmn"), "name": name,
        "is_satellite": map["is_satellite"], "frontend_api_url": format!("https://clerk.{name}"),
        "accounts_portal_url": null, "proxy_url": map.get("proxy_url").cloned().unwrap_or(Value::Null),
        "development_origin": "", "cname_targets": null,
    });
    data.dataset.domains.push(v.clone());
    Ok(Resp::ok(v.to_string()))
}

fn delete_domain(data: &mut Data, id: &str) -> Result<Resp, Resp> {
    let list = &mut data.dataset.domains;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    if list[i]["is_satellite"] != json!(true) {
        return Err(form_error(
            400,
            "operation_not_allowed_on_primary_domain",
            "not allowed",
            "Only satellite domains can be deleted.",
            None,
        ));
    }
    list.remove(i);
    Ok(deleted("domain", id))
}

fn create_oauth_app(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &OAUTH_APP_CREATE, true)?;
    let now = now_ms();
    let id = data.new_id("oa");
    let mut v = json!({
        "object": "oauth_application", "id": id, "instance_id": INSTANCE_ID,
        "client_id": format!("client_{}", data.created), "client_uri": null,
        "client_image_url": null, "dynamically_registered": false,
        "consent_screen_enabled": true, "pkce_required": false, "public": false,
        "scopes": "profile email", "redirect_uris": [], "callback_url": null,
        "authorize_url": "https://clerk.example.com/oauth/authorize",
        "token_fetch_url": "https://clerk.example.com/oauth/token",
        "user_info_url": "https://clerk.example.com/oauth/userinfo",
        "discovery_url": "https://clerk.example.com/.well-known/oauth-authorization-server",
        "token_introspection_url": "https://clerk.example.com/oauth/token_info",
        "created_at": now, "updated_at": now,
    });
    for (k, val) in map {
        v[k.as_str()] = val;
    }
    data.dataset.oauth_applications.push(v.clone());
    // Clerk shows the client secret once, in the answer to the create.
    v["client_secret"] = json!(format!("{MOCK_CLIENT_SECRET}{}", data.created));
    Ok(Resp::ok(v.to_string()))
}

/// What every OAuth client secret the mock hands out starts with (tests look for it).
pub const MOCK_CLIENT_SECRET: &str = "oauth_secret_MOCK_";

fn revoke_session(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
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

fn create_waitlist_entry(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &WAITLIST_CREATE, true)?;
    let now = now_ms();
    let v = json!({
        "object": "waitlist_entry", "id": data.new_id("wle"),
        "email_address": map["email_address"], "status": "pending", "is_locked": false,
        "invitation": null, "created_at": now, "updated_at": now,
    });
    data.dataset.waitlist_entries.push(v.clone());
    Ok(Resp::ok(v.to_string()))
}

fn waitlist_action(data: &mut Data, id: &str, action: &str, text: &str) -> Result<Resp, Resp> {
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

fn create_org_domain(data: &mut Data, org: &str, text: &str) -> Result<Resp, Resp> {
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

fn update_org_domain(data: &mut Data, org: &str, id: &str, text: &str) -> Result<Resp, Resp> {
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
