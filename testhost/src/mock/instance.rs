//! The instance's settings objects: allow- and blocklist identifiers, domains, JWT
//! templates, redirect URLs, OAuth applications, SAML and enterprise connections.

use super::api::{
    body, clerk_param_error, deleted, form_error, now_ms, set_fields, taken, update_in, Fields,
    PlusMinus, Resp, Q,
};
use super::lists::{
    all_indexes, apply_order, array_or_envelope, contains_ci, envelope, paged_envelope,
};
use super::records::{get_str, INSTANCE_ID};
use super::store::Data;
use serde_json::json;
use serde_json::Value;

pub(crate) const ALLOWLIST_CREATE: Fields = Fields(&["identifier*", "notify"]);

pub(crate) const BLOCKLIST_CREATE: Fields = Fields(&["identifier*"]);

pub(crate) const REDIRECT_URL_CREATE: Fields = Fields(&["url*"]);

pub(crate) const JWT_TEMPLATE: Fields = Fields(&[
    "name*",
    "claims*",
    "lifetime",
    "allowed_clock_skew",
    "custom_signing_key",
    "signing_algorithm",
    "signing_key",
]);

pub(crate) const DOMAIN_CREATE: Fields = Fields(&["name*", "is_satellite*", "proxy_url"]);

pub(crate) const DOMAIN_UPDATE: Fields = Fields(&["name", "proxy_url", "is_secondary"]);

pub(crate) const OAUTH_APP_CREATE: Fields = Fields(&[
    "name*",
    "redirect_uris[]",
    "callback_url",
    "scopes",
    "consent_screen_enabled",
    "pkce_required",
    "public",
]);

pub(crate) const OAUTH_APP_UPDATE: Fields = Fields(&[
    "name",
    "redirect_uris[]",
    "callback_url",
    "scopes",
    "consent_screen_enabled",
    "pkce_required",
    "public",
]);

pub(crate) fn create_identifier(data: &mut Data, allow: bool, text: &str) -> Result<Resp, Resp> {
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

pub(crate) fn create_redirect_url(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &REDIRECT_URL_CREATE, true)?;
    let now = now_ms();
    let v = json!({
        "object": "redirect_url", "id": data.new_id("ru"), "url": map["url"],
        "created_at": now, "updated_at": now,
    });
    data.dataset.redirect_urls.push(v.clone());
    Ok(Resp::ok(v.to_string()))
}

pub(crate) const JWT_FIELDS: [&str; 6] = [
    "name",
    "claims",
    "lifetime",
    "allowed_clock_skew",
    "custom_signing_key",
    "signing_algorithm",
];

pub(crate) fn create_jwt_template(data: &mut Data, text: &str) -> Result<Resp, Resp> {
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

pub(crate) fn update_jwt_template(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &JWT_TEMPLATE, true)?;
    let list = &mut data.dataset.jwt_templates;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    set_fields(&mut list[i], &map, &JWT_FIELDS);
    list[i]["updated_at"] = json!(now_ms());
    Ok(Resp::ok(list[i].to_string()))
}

pub(crate) fn create_domain(data: &mut Data, text: &str) -> Result<Resp, Resp> {
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

pub(crate) fn delete_domain(data: &mut Data, id: &str) -> Result<Resp, Resp> {
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

pub(crate) fn create_oauth_app(data: &mut Data, text: &str) -> Result<Resp, Resp> {
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

/// One envelope page of `items[idx]` in `order_by` order: `created_at` (the default,
/// oldest first) or `name`, as the OAuth application and SAML connection lists allow.
pub(crate) fn by_created_or_name(
    q: &Q,
    items: &[Value],
    mut idx: Vec<usize>,
    limit: usize,
    offset: usize,
) -> Result<Resp, Resp> {
    apply_order(
        q,
        items,
        &mut idx,
        &[("created_at", &["created_at"]), ("name", &["name"])],
        ("created_at", false),
    )?;
    Ok(paged_envelope(items, &idx, limit, offset))
}

/// `GET /blocklist_identifiers`.
pub(crate) fn blocklist(sh: &Data) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let rows: Vec<&Value> = d.blocklist_identifiers.iter().collect();
    Ok(Resp::ok(envelope(&rows, rows.len())))
}

/// `GET /domains`.
pub(crate) fn domains(sh: &Data) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let rows: Vec<&Value> = d.domains.iter().collect();
    Ok(Resp::ok(envelope(&rows, rows.len())))
}

/// `GET /oauth_applications`.
pub(crate) fn oauth_apps(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let nq = q.get("name_query").filter(|s| !s.is_empty());
    let nq_lower = nq.map(str::to_lowercase);
    let idx: Vec<usize> = (0..d.oauth_applications.len())
        .filter(|&i| {
            let v = &d.oauth_applications[i];
            nq.is_none_or(|s| {
                get_str(v, "client_id") == Some(s)
                    || get_str(v, "name")
                        .is_some_and(|n| contains_ci(n, nq_lower.as_deref().unwrap_or("")))
            })
        })
        .collect();
    by_created_or_name(q, &d.oauth_applications, idx, limit, offset)
}

/// `GET /saml_connections`.
pub(crate) fn saml_connections(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let orgs = PlusMinus::parse(q.all("organization_id"));
    let query = q
        .get("query")
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let idx: Vec<usize> = (0..d.saml_connections.len())
        .filter(|&i| {
            let v = &d.saml_connections[i];
            let org = get_str(v, "organization_id");
            (orgs.is_empty()
                || org.is_some_and(|o| orgs.matches(o))
                || (orgs.include.is_empty() && org.is_none()))
                && query
                    .as_deref()
                    .is_none_or(|ql| get_str(v, "name").is_some_and(|n| contains_ci(n, ql)))
        })
        .collect();
    by_created_or_name(q, &d.saml_connections, idx, limit, offset)
}

/// `GET /enterprise_connections`.
pub(crate) fn enterprise_connections(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let org = q.get("organization_id");
    let active = q.bool_opt("active")?;
    let idx: Vec<usize> = (0..d.enterprise_connections.len())
        .filter(|&i| {
            let v = &d.enterprise_connections[i];
            org.is_none_or(|o| get_str(v, "organization_id") == Some(o))
                && active.is_none_or(|a| v["active"].as_bool() == Some(a))
        })
        .collect();
    Ok(paged_envelope(
        &d.enterprise_connections,
        &idx,
        limit,
        offset,
    ))
}

/// `GET` of a list with no filters (allowlist identifiers, JWT templates, redirect URLs):
/// a bare array, or an envelope with `paginated=true`.
pub(crate) fn plain_list(q: &Q, list: &[Value]) -> Result<Resp, Resp> {
    let (limit, offset) = q.paging()?;
    Ok(array_or_envelope(
        q,
        list,
        &all_indexes(list.len()),
        limit,
        offset,
    ))
}

/// `GET /instance` and `/instance/<which>`: one settings object.
pub(crate) fn settings(sh: &Data, which: &str) -> Resp {
    let found = sh
        .dataset
        .instance_settings
        .iter()
        .find(|(w, _)| *w == which);
    found.map_or_else(Resp::not_found, |(_, v)| Resp::ok(v.to_string()))
}

/// `GET /enterprise_connections/{id}/test_runs`: `status` repeated, limit/offset paging.
pub(crate) fn test_runs(sh: &Data, q: &Q, connection: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    if !d
        .enterprise_connections
        .iter()
        .any(|c| c["id"] == connection)
    {
        return Ok(Resp::not_found());
    }
    let (limit, offset) = q.paging()?;
    let statuses = q.all("status");
    let runs: Vec<Value> = d
        .test_runs
        .iter()
        .filter(|(c, r)| {
            c == connection
                && (statuses.is_empty() || statuses.contains(&get_str(r, "status").unwrap_or("")))
        })
        .map(|(_, r)| r.clone())
        .collect();
    Ok(paged_envelope(
        &runs,
        &all_indexes(runs.len()),
        limit,
        offset,
    ))
}

const ENTERPRISE_CREATE: Fields = Fields(&[
    "name*",
    "provider*",
    "domains*[]",
    "organization_id",
    "allow_organization_account_linking",
    "active",
    "saml",
    "oidc",
    "custom_attributes",
]);
const ENTERPRISE_UPDATE: Fields = Fields(&[
    "name",
    "domains[]",
    "organization_id",
    "allow_organization_account_linking",
    "active",
    "saml",
    "oidc",
    "custom_attributes",
    "sync_user_attributes",
    "disable_additional_identifications",
]);

/// At least one domain (the spec), and an organization that exists.
fn check_connection(data: &Data, map: &serde_json::Map<String, Value>) -> Result<(), Resp> {
    if map
        .get("domains")
        .is_some_and(|d| d.as_array().is_none_or(Vec::is_empty))
    {
        return Err(clerk_param_error(
            "domains",
            "domains must hold at least one domain.",
        ));
    }
    let org = map.get("organization_id").and_then(Value::as_str);
    if org.is_some_and(|o| Data::find(&data.dataset.organizations, o).is_none()) {
        return Err(Resp::not_found());
    }
    Ok(())
}

/// `POST /enterprise_connections`: 201 Created, as the spec says.
pub(crate) fn create_enterprise_connection(data: &mut Data, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &ENTERPRISE_CREATE, true)?;
    check_connection(data, &map)?;
    let now = now_ms();
    let opt = |k: &str, default: Value| map.get(k).cloned().unwrap_or(default);
    let c = json!({
        "object": "enterprise_connection", "id": data.new_id("ent"), "name": map["name"],
        "provider": map["provider"], "logo_public_url": null, "active": opt("active", json!(false)),
        "domains": map["domains"], "organization_id": opt("organization_id", Value::Null),
        "sync_user_attributes": true, "disable_additional_identifications": false,
        "allow_organization_account_linking": opt("allow_organization_account_linking", json!(false)),
        "custom_attributes": opt("custom_attributes", json!([])),
        "saml_connection": map.get("saml").map(|_| json!({"id": "samlc_new"})),
        "oauth_config": map.get("oidc").cloned(), "created_at": now, "updated_at": now,
    });
    data.dataset.enterprise_connections.push(c.clone());
    Ok(Resp::json(201, c.to_string()))
}

/// `PATCH /enterprise_connections/{id}`.
pub(crate) fn update_enterprise_connection(
    data: &mut Data,
    id: &str,
    text: &str,
) -> Result<Resp, Resp> {
    let map = body(text, &ENTERPRISE_UPDATE, true)?;
    check_connection(data, &map)?;
    update_in(
        &mut data.dataset.enterprise_connections,
        id,
        text,
        &ENTERPRISE_UPDATE,
    )
}

/// The fields each settings endpoint's PATCH takes (the spec; `cookieless_dev`, deprecated,
/// is left out).
fn settings_fields(which: &str) -> Option<Fields> {
    Some(Fields(match which {
        "" => &[
            "test_mode",
            "hibp",
            "support_email",
            "clerk_js_version",
            "development_origin",
            "allowed_origins[]",
            "url_based_session_syncing",
            "preferred_sign_in_strategy_when_password_required",
        ],
        "protect" => &["rules_enabled", "specter_enabled"],
        "communication" => &["blocked_country_codes[]"],
        "oauth_application_settings" => &[
            "dynamic_oauth_client_registration",
            "default_scopes[]",
            "oauth_jwt_access_tokens",
            "client_id_metadata_documents_advertised",
            "client_id_metadata_documents_only_allow_pre_registered_clients",
            "client_id_metadata_documents_block_implicitly_allowed_clients",
        ],
        "organization_settings" => &[
            "enabled",
            "max_allowed_memberships",
            "admin_delete_enabled",
            "domains_enabled",
            "slug_disabled",
            "domains_enrollment_modes[]",
            "creator_role_id",
            "domains_default_role_id",
        ],
        _ => return None,
    }))
}

/// `PATCH /instance[/which]`: the given fields replace the stored ones. `/instance`
/// answers 204 with no body, the others the settings.
pub(crate) fn update_settings(data: &mut Data, which: &str, text: &str) -> Result<Resp, Resp> {
    let fields = settings_fields(which).ok_or_else(Resp::not_found)?;
    let map = body(text, &fields, true)?;
    let settings = &mut data.dataset.instance_settings;
    let (_, stored) = settings
        .iter_mut()
        .find(|(w, _)| *w == which)
        .ok_or_else(Resp::not_found)?;
    for (k, v) in map {
        stored[k.as_str()] = v;
    }
    if which.is_empty() {
        return Ok(Resp {
            status: 204,
            headers: vec![],
            body: String::new(),
        });
    }
    Ok(Resp::ok(stored.to_string()))
}
