//! The instance's directory objects that came with 0.3.1's new tables: sessions, roles and
//! permissions, the waitlist, organization domains, enterprise connections, billing prices
//! and API keys. Their records, and the endpoints that serve them.

use super::*;

/// The endpoints of this module's objects (`handle` sends them here).
pub(crate) fn directory(sh: &Data, r: Route, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let all_idx = |n: usize| (0..n).collect::<Vec<usize>>();
    Ok(match r {
        Route::Sessions => {
            // Clerk deprecated listing sessions without a user or a client.
            let (user, client) = (q.get("user_id"), q.get("client_id"));
            if user.is_none() && client.is_none() {
                return Err(clerk_param_error(
                    "user_id",
                    "provide either `user_id` or `client_id`",
                ));
            }
            let status = q.get("status");
            const STATUSES: [&str; 7] = [
                "abandoned",
                "active",
                "ended",
                "expired",
                "removed",
                "replaced",
                "revoked",
            ];
            if status.is_some_and(|s| !STATUSES.contains(&s)) {
                return Err(clerk_param_error(
                    "status",
                    "`status` is not a session status",
                ));
            }
            let (limit, offset) = q.paging()?;
            let mut idx: Vec<usize> = (0..d.sessions.len())
                .filter(|&i| {
                    let v = &d.sessions[i];
                    user.is_none_or(|u| get_str(v, "user_id") == Some(u))
                        && client.is_none_or(|c| get_str(v, "client_id") == Some(c))
                        && status.is_none_or(|s| get_str(v, "status") == Some(s))
                })
                .collect();
            sort_by_path(&d.sessions, &mut idx, &["created_at"], true);
            array_or_envelope(q, &d.sessions, &idx, limit, offset)
        }
        Route::Session(id) => by_id(&d.sessions, id),
        Route::EnterpriseConnections => {
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
            paged_envelope(&d.enterprise_connections, &idx, limit, offset)
        }
        Route::EnterpriseConnection(id) => by_id(&d.enterprise_connections, id),
        Route::Prices => {
            let (limit, offset) = q.paging()?;
            let plan = q.get("plan_id");
            let idx: Vec<usize> = (0..d.billing_prices.len())
                .filter(|&i| {
                    plan.is_none_or(|p| get_str(&d.billing_prices[i], "plan_id") == Some(p))
                })
                .collect();
            array_or_envelope(q, &d.billing_prices, &idx, limit, offset)
        }
        Route::ApiKeys => {
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
            paged_envelope(&d.api_keys, &idx, limit, offset)
        }
        Route::Roles | Route::Permissions => {
            let list = match r {
                Route::Roles => &d.organization_roles,
                _ => &d.organization_permissions,
            };
            let (limit, offset) = q.paging()?;
            paged_envelope(list, &all_idx(list.len()), limit, offset)
        }
        Route::Waitlist => {
            let (limit, offset) = q.paging()?;
            let status = q.get("status");
            if status.is_some_and(|s| !["pending", "invited", "completed", "rejected"].contains(&s))
            {
                return Err(clerk_param_error(
                    "status",
                    "`status` is not a waitlist status",
                ));
            }
            let mut idx = status_and_query(&d.waitlist_entries, status, q.get("query"));
            sort_by_path(&d.waitlist_entries, &mut idx, &["created_at"], true);
            paged_envelope(&d.waitlist_entries, &idx, limit, offset)
        }
        Route::OrgDomains => {
            let (limit, offset) = q.paging()?;
            let org = q.get("organization_id");
            let verified = q.bool_opt("verified")?;
            // `-mode` excludes a mode; include and exclude filters compose as AND.
            let modes = PlusMinus::parse(q.all("enrollment_mode"));
            let names = q.all("domains");
            let idx: Vec<usize> = (0..d.organization_domains.len())
                .filter(|&i| {
                    let v = &d.organization_domains[i];
                    let is_verified = v["affiliation_verification"]["status"] == "verified";
                    org.is_none_or(|o| get_str(v, "organization_id") == Some(o))
                        && verified.is_none_or(|b| b == is_verified)
                        && (modes.is_empty()
                            || modes.matches(get_str(v, "enrollment_mode").unwrap_or("")))
                        && (names.is_empty()
                            || get_str(v, "name").is_some_and(|n| names.contains(&n)))
                })
                .collect();
            paged_envelope(&d.organization_domains, &idx, limit, offset)
        }
        _ => Resp::not_found(),
    })
}

/// Session `k` overall, the `j`-th of user `i`. Statuses cycle through all seven; every
/// third session's activity is mobile; cities include non-ASCII names.
pub(crate) fn make_session(i: usize, j: usize, k: usize) -> Value {
    const STATUS: [&str; 7] = [
        "active",
        "ended",
        "expired",
        "revoked",
        "removed",
        "abandoned",
        "replaced",
    ];
    let created = user_created_at(i) + (j as i64 + 1) * HOUR;
    let pick = |options: [&'static str; 3]| options[k % 3];
    compact(json!({
        "object": "session",
        "id": mock_id("sess", k),
        "user_id": mock_id("user", i),
        "client_id": mock_id("client", i),
        "actor": null,
        "status": STATUS[k % 7],
        "last_active_organization_id": if k % 2 == 0 { Value::Null } else { json!(mock_id("org", k % 3)) },
        "last_active_at": created + 30 * 60_000,
        "latest_activity": {
            "object": "session_activity",
            "id": mock_id("sess_activity", k),
            "device_type": pick(["Macintosh", "iPhone", "Windows"]),
            "is_mobile": k % 3 == 1,
            "browser_name": pick(["Chrome", "Safari", "Firefox"]),
            "browser_version": "120.0.0",
            "ip_address": format!("203.0.113.{}", k % 250),
            "city": pick(["Berlin", "Zürich", "東京"]),
            "country": pick(["DE", "CH", "JP"]),
        },
        "expire_at": created + 7 * DAY,
        "abandon_at": created + 30 * DAY,
        "updated_at": created + 30 * 60_000,
        "created_at": created,
        "tasks": if k % 5 == 0 { json!([]) } else { Value::Null },
    }))
}

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

/// Waitlist entry `w`: statuses cycle; invited ones carry their invitation.
pub(crate) fn make_waitlist_entry(w: usize) -> Value {
    let status = ["pending", "invited", "completed", "rejected"][w % 4];
    let created = BASE_TIME_MS + w as i64 * DAY;
    let invitation = if status == "invited" {
        json!({"object": "invitation", "id": mock_id("inv_wl", w), "status": "pending", "created_at": created + HOUR})
    } else {
        Value::Null
    };
    json!({
        "object": "waitlist_entry", "id": mock_id("wle", w),
        "email_address": format!("waiting{w}@example.net"), "status": status,
        "is_locked": w % 7 == 3, "invitation": invitation,
        "created_at": created, "updated_at": created + HOUR,
    })
}

/// The domain of organization `k`: `<slug>.example`; every third one is unverified. The
/// affiliation verification is served under its name and under `verification`, its
/// deprecated alias; every fourth domain has had its DNS ownership verified.
pub(crate) fn make_org_domain(k: usize, org: &Value) -> Value {
    let verified = k % 3 != 2;
    let created = get_i64(org, "created_at").unwrap_or(BASE_TIME_MS) + DAY;
    let mode = [
        "automatic_invitation",
        "automatic_suggestion",
        "manual_invitation",
    ][k % 3];
    let affiliation = if verified {
        json!({"status": "verified", "strategy": "email_code", "attempts": 1, "expire_at": null, "verified_at": null})
    } else {
        json!({"status": "unverified", "strategy": "email_code", "attempts": 0, "expire_at": created + DAY, "verified_at": null})
    };
    json!({
        "object": "organization_domain", "id": mock_id("orgdmn", k),
        "organization_id": org["id"], "name": format!("{}.example", get_str(org, "slug").unwrap_or("org")),
        "enrollment_mode": mode,
        "affiliation_email_address": if verified { json!(format!("admin@{}.example", get_str(org, "slug").unwrap_or("org"))) } else { Value::Null },
        "affiliation_verification": affiliation.clone(), "verification": affiliation,
        "ownership_verification": if k % 4 == 0 { json!({"status": "verified", "strategy": "dns_record", "attempts": 1, "expire_at": null, "verified_at": created + HOUR}) } else { Value::Null },
        "total_pending_invitations": k % 4, "total_pending_suggestions": k % 2,
        "public_organization_data": {"id": org["id"], "name": org["name"], "slug": org["slug"]},
        "created_at": created, "updated_at": created,
    })
}

/// Enterprise connection `e` (SAML), of `org` if any; the second one is inactive.
pub(crate) fn make_enterprise_connection(e: usize, org: Option<Value>) -> Value {
    let created = BASE_TIME_MS + e as i64 * DAY;
    json!({
        "object": "enterprise_connection", "id": mock_id("ent", e),
        "name": format!("SSO {e}"), "provider": "saml_okta", "logo_public_url": null,
        "active": e != 1, "domains": [format!("sso{e}.example")],
        "organization_id": org, "sync_user_attributes": true,
        "disable_additional_identifications": false, "allow_organization_account_linking": e == 0,
        "custom_attributes": [], "saml_connection": {"id": mock_id("samlc", e), "idp_entity_id": format!("https://idp{e}.example")},
        "oauth_config": null, "created_at": created, "updated_at": created,
    })
}

/// Price `n` of `plan`: its monthly fee, or the annual one at ten months' worth.
pub(crate) fn make_price(n: usize, plan: &Value, annual: bool) -> Value {
    let monthly = get_i64(&plan["fee"], "amount").unwrap_or(0);
    let amount = if annual { monthly * 10 } else { monthly };
    json!({
        "object": "commerce_price", "id": mock_id("cprice", n), "plan_id": plan["id"],
        "instance_id": INSTANCE_ID, "currency": "USD", "currency_symbol": "$",
        "amount": amount, "annual_monthly_amount": if annual { amount / 12 } else { monthly },
        "fee": money(amount), "annual_monthly_fee": money(if annual { amount / 12 } else { monthly }),
        "description": if annual { "Billed yearly" } else { "Billed monthly" },
        "is_default": !annual, "created_at": BASE_TIME_MS + n as i64,
        "supported_billing_periods": if annual { "annual" } else { "month" },
    })
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
