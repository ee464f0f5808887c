//! The deterministic dataset the mock serves (conventions in the module docs of `mock`).

use super::records::{
    compact, get_i64, get_path, get_str, make_api_key, make_directory, make_enterprise_connection,
    make_instance_settings, make_m2m_token, make_machine, make_mapping, make_org_domain,
    make_permissions, make_plans, make_price, make_role_sets, make_roles, make_session,
    make_subscription, make_test_run, make_trusted_device, make_user, make_waitlist_entry, mock_id,
    money, obj, org_count, par_map, payer_for_org, payer_for_user, payment_method,
    public_user_data, user_created_at, user_identifier, UserTraits, BASE_TIME_MS, DAY, HOUR,
    INSTANCE_ID, ORG_NAMES,
};
use serde_json::json;
use serde_json::Value;

#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub users: Vec<Value>,
    pub organizations: Vec<Value>,
    pub organization_memberships: Vec<Value>,
    /// Instance-list shape (with `public_organization_data`); the per-org route strips it.
    pub organization_invitations: Vec<Value>,
    pub invitations: Vec<Value>,
    pub allowlist_identifiers: Vec<Value>,
    pub blocklist_identifiers: Vec<Value>,
    pub domains: Vec<Value>,
    pub jwt_templates: Vec<Value>,
    pub oauth_applications: Vec<Value>,
    pub redirect_urls: Vec<Value>,
    pub saml_connections: Vec<Value>,
    pub billing_plans: Vec<Value>,
    pub billing_subscription_items: Vec<Value>,
    pub billing_statements: Vec<Value>,
    /// `i % 4` sessions for user `i` (see [`make_session`]), in creation order.
    pub sessions: Vec<Value>,
    /// Two system roles and one custom role; six permissions.
    pub organization_roles: Vec<Value>,
    pub organization_permissions: Vec<Value>,
    /// One entry per ten users; statuses cycle pending, invited, completed, rejected.
    pub waitlist_entries: Vec<Value>,
    /// One domain for each of the first ten organizations; every third is unverified.
    pub organization_domains: Vec<Value>,
    /// Three: the first two belong to organizations 0 and 1, the third to none; the
    /// second is inactive.
    pub enterprise_connections: Vec<Value>,
    /// A monthly and an annual price for every plan with a fee.
    pub billing_prices: Vec<Value>,
    /// `1 + i % 2` keys for every user `i` with `i % 6 == 0` (the second revoked), and 130
    /// for organization 0 (more than one page of 100).
    pub api_keys: Vec<Value>,
    /// Each carries `statement_id`.
    pub billing_payment_attempts: Vec<Value>,
    /// `(user_id, CommerceSubscription)`.
    pub user_subscriptions: Vec<(String, Value)>,
    /// `(organization_id, CommerceSubscription)`.
    pub organization_subscriptions: Vec<(String, Value)>,
    /// Three machines, each scoped to the next.
    pub machines: Vec<Value>,
    /// 130 tokens of machine 0 (more than a page of 100) and 5 of machine 1.
    pub m2m_tokens: Vec<Value>,
    pub role_sets: Vec<Value>,
    /// `(path under /instance, settings object)`.
    pub instance_settings: Vec<(&'static str, Value)>,
    /// `(user_id, device)`: one for every user `i` with `i % 7 == 1`.
    pub trusted_devices: Vec<(String, Value)>,
    /// `(enterprise connection id, run)`: 7 runs of connection 0.
    pub test_runs: Vec<(String, Value)>,
    /// Two, for enterprise connections 0 and 1; only the first maps groups to roles.
    pub directories: Vec<Value>,
    /// Three group-to-role mappings of directory 0 (each carries `directory_id`).
    pub directory_mappings: Vec<Value>,
    /// `(user or organization id, balance)`: users `i` with `i % 4 == 2` and organization
    /// 0 have credits; every other payer's balance is null.
    pub credits: Vec<(String, Value)>,
    /// Credit adjustments made through the API: `(idempotency key, ledger entry, request
    /// body)`.
    pub credit_ledger: Vec<(String, Value, Value)>,
}

impl Dataset {
    /// Deterministic dataset with `n_users` users (see the module docs for the rules).
    pub fn generate(n_users: usize) -> Dataset {
        let plans = make_plans();
        // Users and their subscriptions (subscription `s = i/3` for user `i`), in parallel.
        let generated = par_map(n_users, |i| {
            let u = make_user(i);
            let sub = UserTraits::of(i).has_subscription.then(|| {
                let plan = &plans[if UserTraits::of(i).subscription_is_free {
                    0
                } else {
                    1
                }];
                let payer_id = mock_id("cpayer", i);
                let payer = payer_for_user(&u, &payer_id);
                let (sub, item) =
                    make_subscription(i / 3, plan, &payer, &payer_id, user_created_at(i) + DAY);
                (compact(sub), compact(item))
            });
            (compact(u), sub)
        });
        let mut d = Dataset {
            billing_plans: plans,
            ..Dataset::default()
        };
        d.users.reserve(n_users);
        let mut user_items = Vec::new();
        for (i, (u, sub)) in generated.into_iter().enumerate() {
            if let Some((sub, item)) = sub {
                d.user_subscriptions.push((mock_id("user", i), sub));
                user_items.push(item);
            }
            d.users.push(u);
        }

        // Organizations and memberships.
        let n_orgs = org_count(n_users);
        let mut mem_n = 0usize;
        let mut orginv_n = 0usize;
        for k in 0..n_orgs {
            let (base_name, base_slug) = ORG_NAMES[k % ORG_NAMES.len()];
            let (name, slug) = if k < ORG_NAMES.len() {
                (base_name.to_string(), base_slug.to_string())
            } else {
                (format!("{base_name} {k}"), format!("{base_slug}-{k}"))
            };
            let created_at = BASE_TIME_MS + 30 * 60_000 + k as i64 * 2 * HOUR + (k % 1000) as i64;
            let mut members: Vec<usize> = Vec::new();
            if n_users > 0 {
                for j in 0..(1 + k % 5) {
                    let u = (k * 37 + j * 101) % n_users;
                    if !members.contains(&u) {
                        members.push(u);
                    }
                }
            }
            let mut o = obj(json!({
                "object": "organization",
                "id": mock_id("org", k),
                "name": name,
                "slug": slug,
                "has_image": k % 3 == 0,
                "max_allowed_memberships": if k % 4 == 0 { 0 } else { 5 + k % 20 },
                "admin_delete_enabled": k % 5 != 4,
                "public_metadata": {
                    "industry": (["software", "finance", "retail"][k % 3]),
                    "hq": {"city": (["Zürich", "東京", "New York"][k % 3]), "floors": [1, 2]},
                    "seats": k % 50,
                },
                "created_at": created_at,
                "updated_at": created_at + (k % 24) as i64 * HOUR,
            }));
            if k % 3 != 2 {
                o.insert(
                    "image_url".into(),
                    json!(format!(
                        "https://img.clerk.com/mock/{}.png",
                        mock_id("org", k)
                    )),
                );
            }
            if k % 2 == 0 {
                o.insert(
                    "private_metadata".into(),
                    json!({"crm_id": format!("crm-{k}"), "notes": "line1\nline2 \"quoted\""}),
                );
            }
            if let Some(&first) = members.first() {
                o.insert("created_by".into(), json!(mock_id("user", first)));
            }
            let o = Value::Object(o);

            for (j, &ui) in members.iter().enumerate() {
                let u = &d.users[ui];
                let admin = j == 0;
                let mc = created_at + (j as i64 + 1) * 60_000;
                d.organization_memberships.push(json!({
                    "id": mock_id("orgmem", mem_n),
                    "object": "organization_membership",
                    "role": if admin { "org:admin" } else { "org:member" },
                    "role_name": if admin { "Admin" } else { "Member" },
                    "permissions": if admin {
                        json!(["org:sys_profile:manage", "org:sys_profile:delete", "org:sys_memberships:read", "org:sys_memberships:manage", "org:sys_domains:read", "org:sys_domains:manage"])
                    } else {
                        json!(["org:sys_memberships:read"])
                    },
                    "public_metadata": if j % 2 == 0 { json!({}) } else { json!({"team": "blue", "level": {"n": j}}) },
                    "private_metadata": {},
                    "organization": o,
                    "public_user_data": public_user_data(u),
                    "created_at": mc,
                    "updated_at": mc,
                }));
                mem_n += 1;
            }

            // Two organization invitations per org.
            let inviter = members.first().map(|&ui| &d.users[ui]);
            for local in 0..2 {
                let g = orginv_n;
                let status = ["pending", "accepted", "revoked"][g % 3];
                let ic = created_at + HOUR + local as i64 * 1_000;
                let mut pod = obj(json!({
                    "id": o["id"], "name": o["name"], "slug": o["slug"], "has_image": o["has_image"],
                }));
                if let Some(img) = o.get("image_url") {
                    pod.insert("image_url".into(), img.clone());
                }
                // Every third invitation goes to an existing user (their first address).
                let invitee = (g % 3 == 1 && n_users > 0)
                    .then(|| {
                        d.users[(g * 7) % n_users]["email_addresses"][0]["email_address"].clone()
                    })
                    .filter(|e| e.is_string())
                    .unwrap_or_else(|| json!(format!("invitee{g}@example.net")));
                let mut inv = obj(json!({
                    "object": "organization_invitation",
                    "id": mock_id("orginv", g),
                    "email_address": invitee,
                    "role": if g % 4 == 3 { "org:admin" } else { "org:member" },
                    "role_name": if g % 4 == 3 { "Admin" } else { "Member" },
                    "organization_id": o["id"],
                    "inviter_id": inviter.map(|u| u["id"].clone()).unwrap_or(Value::Null),
                    "public_inviter_data": inviter.map(|u| json!({
                        "user_id": u["id"], "first_name": u["first_name"], "last_name": u["last_name"],
                        "image_url": u["image_url"], "has_image": u["has_image"], "identifier": user_identifier(u),
                    })).unwrap_or(Value::Null),
                    "status": status,
                    "public_metadata": if g % 2 == 0 { json!({}) } else { json!({"source": "import"}) },
                    "url": if status == "pending" { json!(format!("https://accounts.example.com/accept?ticket=t{g}")) } else { Value::Null },
                    "expires_at": if g % 4 == 0 { Value::Null } else { json!(ic + 30 * DAY) },
                    "created_at": ic,
                    "updated_at": ic + if status == "pending" { 0 } else { DAY },
                    "public_organization_data": Value::Object(pod),
                }));
                if g % 2 == 1 {
                    inv.insert("private_metadata".into(), json!({"ticket": g}));
                }
                d.organization_invitations.push(Value::Object(inv));
                orginv_n += 1;
            }
            d.organizations.push(o);
        }

        // Instance invitations.
        for i in 0..(n_users / 10 + 3) {
            let status = ["pending", "accepted", "revoked", "expired"][i % 4];
            let c = BASE_TIME_MS + 1_800_000 + i as i64 * 900_000;
            d.invitations.push(json!({
                "object": "invitation",
                "id": mock_id("inv", i),
                "email_address": if i % 5 == 2 { format!("invited{i}+promo@example.com") } else { format!("invited{i}@example.com") },
                "public_metadata": if i % 3 == 0 { json!({}) } else { json!({"source": "campaign", "cohort": {"n": i % 7}}) },
                "revoked": status == "revoked",
                "status": status,
                "url": if status == "pending" { json!(format!("https://accounts.example.com/sign-up?ticket=i{i}")) } else { Value::Null },
                "expires_at": if i % 3 == 0 { Value::Null } else { json!(c + 30 * DAY) },
                "created_at": c,
                "updated_at": c + if status == "pending" { 0 } else { 2 * DAY },
            }));
        }

        // Allowlist / blocklist.
        let allow = [
            ("allowed0@example.com", "email_address"),
            ("+15550100001", "phone_number"),
            ("allowed2+vip@example.com", "email_address"),
            ("0x52908400098527886E0F7030069857D2E4169EE7", "web3_wallet"),
            ("allowed4@example.co.uk", "email_address"),
        ];
        for (i, (ident, ty)) in allow.iter().enumerate() {
            let c = BASE_TIME_MS + 100_000 + i as i64 * 1_000;
            d.allowlist_identifiers.push(json!({
                "object": "allowlist_identifier",
                "id": mock_id("alid", i),
                "invitation_id": if i % 2 == 0 { json!(mock_id("inv", i)) } else { Value::Null },
                "identifier": ident,
                "identifier_type": ty,
                "instance_id": INSTANCE_ID,
                "created_at": c,
                "updated_at": c,
            }));
        }
        let block = [
            ("spam@bad.example", "email_address"),
            ("+15559999999", "phone_number"),
            ("troll+alt@bad.example", "email_address"),
        ];
        for (i, (ident, ty)) in block.iter().enumerate() {
            let c = BASE_TIME_MS + 200_000 + i as i64 * 1_000;
            d.blocklist_identifiers.push(json!({
                "object": "blocklist_identifier",
                "id": mock_id("blid", i),
                "identifier": ident,
                "identifier_type": ty,
                "instance_id": INSTANCE_ID,
                "created_at": c,
                "updated_at": c,
            }));
        }

        // Domains (no timestamps).
        d.domains.push(json!({
            "object": "domain",
            "id": mock_id("dmn", 0),
            "name": "example.com",
            "is_satellite": false,
            "frontend_api_url": "https://clerk.example.com",
            "accounts_portal_url": "https://accounts.example.com",
            "proxy_url": null,
            "development_origin": "",
            "cname_targets": [
                {"host": "clerk.example.com", "value": "frontend-api.clerk.services", "required": true},
                {"host": "accounts.example.com", "value": "accounts.clerk.services", "required": true},
            ],
        }));
        d.domains.push(json!({
            "object": "domain",
            "id": mock_id("dmn", 1),
            "name": "satellite.example.net",
            "is_satellite": true,
            "frontend_api_url": "https://clerk.satellite.example.net",
            "accounts_portal_url": null,
            "proxy_url": "https://satellite.example.net/__clerk",
            "development_origin": "",
            "cname_targets": null,
        }));

        // JWT templates.
        let templates = [
            (
                "supabase",
                json!({"aud": "authenticated", "role": "authenticated", "email": "{{user.primary_email_address}}", "app_metadata": {"provider": "clerk"}}),
                60,
                "HS256",
                true,
            ),
            (
                "hasura",
                json!({"https://hasura.io/jwt/claims": {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user", "admin"], "x-hasura-user-id": "{{user.id}}"}}),
                3600,
                "RS256",
                false,
            ),
            (
                "convex \"prod\"",
                json!({"aud": "convex", "name": "{{user.full_name}}"}),
                300,
                "RS256",
                false,
            ),
        ];
        for (i, (name, claims, lifetime, alg, custom)) in templates.into_iter().enumerate() {
            let c = BASE_TIME_MS + 300_000 + i as i64 * DAY;
            d.jwt_templates.push(json!({
                "object": "jwt_template",
                "id": mock_id("jtmp", i),
                "name": name,
                "claims": claims,
                "lifetime": lifetime,
                "allowed_clock_skew": 5,
                "custom_signing_key": custom,
                "signing_algorithm": alg,
                "created_at": c,
                "updated_at": c + i as i64 * HOUR,
            }));
        }

        // OAuth applications.
        let apps = [
            (
                "Internal Dashboard",
                "openid profile email",
                vec!["https://dash.example.com/callback"],
                false,
            ),
            (
                "Zapier Ünïon",
                "profile email",
                vec![
                    "https://zapier.example.com/cb",
                    "https://zapier.example.com/cb2",
                ],
                true,
            ),
            (
                "CLI",
                "openid offline_access",
                vec!["http://localhost:8976/callback"],
                true,
            ),
        ];
        for (i, (name, scopes, uris, public)) in apps.into_iter().enumerate() {
            let c = BASE_TIME_MS + 400_000 + i as i64 * DAY;
            let client_id = format!("client_mock{i:04}");
            d.oauth_applications.push(json!({
                "object": "oauth_application",
                "id": mock_id("oa", i),
                "instance_id": INSTANCE_ID,
                "name": name,
                "client_id": client_id,
                "client_uri": if i == 2 { Value::Null } else { json!("https://example.com") },
                "client_image_url": null,
                "dynamically_registered": i == 2,
                "consent_screen_enabled": i != 0,
                "pkce_required": public,
                "public": public,
                "scopes": scopes,
                "redirect_uris": uris,
                "callback_url": uris[0],
                "authorize_url": "https://clerk.example.com/oauth/authorize",
                "token_fetch_url": "https://clerk.example.com/oauth/token",
                "user_info_url": "https://clerk.example.com/oauth/userinfo",
                "discovery_url": "https://clerk.example.com/.well-known/oauth-authorization-server",
                "token_introspection_url": "https://clerk.example.com/oauth/token_info",
                "created_at": c,
                "updated_at": c,
            }));
        }

        // Redirect URLs.
        for (i, url) in [
            "https://example.com/callback",
            "myapp://oauth-callback",
            "http://localhost:3000/sso-callback",
            "https://example.com/path?with=query&and=%20space",
        ]
        .iter()
        .enumerate()
        {
            let c = BASE_TIME_MS + 500_000 + i as i64 * 1_000;
            d.redirect_urls.push(json!({
                "object": "redirect_url", "id": mock_id("ru", i), "url": url,
                "created_at": c, "updated_at": c,
            }));
        }

        // SAML connections.
        for i in 0..2 {
            let c = BASE_TIME_MS + 600_000 + i as i64 * DAY;
            let mut s = obj(json!({
                "object": "saml_connection",
                "id": mock_id("samlc", i),
                "name": (["Okta Workforce", "Azure AD — Zürich"][i]),
                "domain": (["example.com", "zurich.example.org"][i]),
                "domains": ([["example.com"], ["zurich.example.org"]][i]),
                "idp_entity_id": format!("http://www.okta.com/exk{i}"),
                "idp_sso_url": format!("https://idp{i}.example.com/sso"),
                "idp_certificate": if i == 0 { json!("MIIC...mock...") } else { Value::Null },
                "idp_certificate_issued_at": if i == 0 { json!(c) } else { Value::Null },
                "idp_certificate_expires_at": if i == 0 { json!(c + 365 * DAY) } else { Value::Null },
                "idp_metadata_url": null,
                "idp_metadata": null,
                "acs_url": format!("https://clerk.example.com/v1/saml/acs/{}", mock_id("samlc", i)),
                "sp_entity_id": format!("https://clerk.example.com/saml/{}", mock_id("samlc", i)),
                "sp_metadata_url": format!("https://clerk.example.com/v1/saml/metadata/{}", mock_id("samlc", i)),
                "attribute_mapping": {"user_id": "", "email_address": "mail", "first_name": "givenName", "last_name": "sn"},
                "active": i == 0,
                "provider": (["saml_okta", "saml_microsoft"][i]),
                "user_count": ([12, 0][i]),
                "sync_user_attributes": true,
                "allow_subdomains": false,
                "allow_idp_initiated": i == 1,
                "disable_additional_identifications": false,
                "allow_organization_account_linking": false,
                "force_authn": false,
                "login_hint": {"mode": "email_address"},
                "enterprise_connection_id": null,
                "created_at": c,
                "updated_at": c,
            }));
            if i == 1 && !d.organizations.is_empty() {
                s.insert("organization_id".into(), d.organizations[0]["id"].clone());
            } else {
                s.insert("organization_id".into(), Value::Null);
            }
            d.saml_connections.push(Value::Object(s));
        }

        // Billing: user items first (already built), then organizations'.
        d.billing_subscription_items = user_items;
        let first_org_sub = d.user_subscriptions.len();
        for k in (0..d.organizations.len()).step_by(2) {
            // Subscription index: user subscriptions first, then one per even org.
            let s = first_org_sub + k / 2;
            let plan = &d.billing_plans[if (k / 2) % 2 == 0 { 2 } else { 3 }];
            let o = &d.organizations[k];
            let payer_id = mock_id("cpayer", n_users + k);
            let payer = payer_for_org(o, &payer_id);
            let created = get_i64(o, "created_at").unwrap_or(BASE_TIME_MS) + DAY;
            let (sub, item) = make_subscription(s, plan, &payer, &payer_id, created);
            d.organization_subscriptions.push((mock_id("org", k), sub));
            d.billing_subscription_items.push(item);
        }

        // Statements (3) with 3, 2 and 0 payment attempts.
        let paid_items: Vec<&Value> = d
            .billing_subscription_items
            .iter()
            .filter(|it| {
                get_path(it, &["plan", "fee", "amount"])
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                    > 0
            })
            .collect();
        let mut pay_n = 0usize;
        for st in 0..3usize {
            let ts = BASE_TIME_MS + 50 * DAY + st as i64 * 30 * DAY;
            let stmt_id = mock_id("stmt", st);
            let item = paid_items.get(st).copied();
            let (payer, payer_id, amount) = match item {
                Some(it) => (
                    it["payer"].clone(),
                    it["payer_id"].as_str().unwrap_or("").to_string(),
                    get_path(it, &["plan", "fee", "amount"])
                        .and_then(Value::as_i64)
                        .unwrap_or(0),
                ),
                None => {
                    let pid = mock_id("cpayer", 999_999_999);
                    (
                        json!({"object": "commerce_payer", "id": pid, "instance_id": INSTANCE_ID, "user_id": null,
                               "first_name": null, "last_name": null, "email": null,
                               "organization_id": null, "organization_name": null, "image_url": ""}),
                        pid,
                        1_000,
                    )
                }
            };
            let n_attempts = [3, 2, 0][st];
            let mut attempts = Vec::new();
            for a in 0..n_attempts {
                let status = ["paid", "failed", "pending"][pay_n % 3];
                let c = ts + a as i64 * HOUR;
                let mut pa = obj(json!({
                    "object": "commerce_payment",
                    "id": mock_id("cpay", pay_n),
                    "payment_id": format!("pay_mock{pay_n:06}"),
                    "instance_id": INSTANCE_ID,
                    "charge_type": if a == 0 { "checkout" } else { "recurring" },
                    "payee_id": "payee_mock0001",
                    "payee": {"id": "payee_mock0001", "gateway_type": "stripe", "gateway_external_id": "acct_mock"},
                    "payer_id": payer_id,
                    "payer": payer,
                    "amount": money(amount),
                    "totals": {"grand_total": money(amount), "subtotal": money(amount), "tax_total": money(0)},
                    "payment_method_id": mock_id("cpm", 900 + st),
                    "payment_method": payment_method(&payer_id, 900 + st, ts),
                    "statement_id": stmt_id,
                    "gateway_external_id": if status == "pending" { Value::Null } else { json!(format!("pi_mock{pay_n:06}")) },
                    "gateway_external_url": null,
                    "status": status,
                    "paid_at": if status == "paid" { json!(c + 60_000) } else { Value::Null },
                    "failed_at": if status == "failed" { json!(c + 60_000) } else { Value::Null },
                    "created_at": c,
                    "updated_at": c + 60_000,
                }));
                if let Some(it) = item {
                    pa.insert("subscription_item_id".into(), it["id"].clone());
                    pa.insert(
                        "subscription_item".into(),
                        json!({"id": it["id"], "plan_id": it["plan_id"], "plan_period": it["plan_period"], "status": it["status"]}),
                    );
                }
                attempts.push(Value::Object(pa));
                pay_n += 1;
            }
            let groups = if attempts.is_empty() {
                json!([])
            } else {
                json!([{"object": "commerce_statement_group", "timestamp": ts, "items": attempts}])
            };
            d.billing_statements.push(json!({
                "object": "commerce_statement",
                "id": stmt_id,
                "instance_id": INSTANCE_ID,
                "timestamp": ts,
                "payer": payer,
                "status": if st == 2 { "open" } else { "closed" },
                "totals": {
                    "grand_total": money(amount * n_attempts as i64),
                    "subtotal": money(amount * n_attempts as i64),
                    "base_fee": money(amount),
                    "tax_total": money(0),
                },
                "groups": groups,
            }));
            d.billing_payment_attempts.extend(attempts);
        }

        for e in 0..3 {
            let org = (e < 2).then(|| d.organizations[e % n_orgs]["id"].clone());
            d.enterprise_connections
                .push(make_enterprise_connection(e, org));
        }
        for plan in &d.billing_plans {
            if !plan["fee"].is_null() {
                for annual in [false, true] {
                    let n = d.billing_prices.len();
                    d.billing_prices.push(make_price(n, plan, annual));
                }
            }
        }
        for i in (0..n_users).step_by(6) {
            for j in 0..1 + i % 2 {
                let n = d.api_keys.len();
                d.api_keys
                    .push(make_api_key(n, &mock_id("user", i), j == 1));
            }
        }
        let org0 = mock_id("org", 0);
        for _ in 0..130 {
            let n = d.api_keys.len();
            d.api_keys.push(make_api_key(n, &org0, false));
        }
        for n in 0..3 {
            d.machines.push(make_machine(n, 3));
        }
        for n in 0..135 {
            let subject = mock_id("mch", usize::from(n >= 130));
            d.m2m_tokens.push(make_m2m_token(n, &subject));
        }
        d.role_sets = make_role_sets();
        d.instance_settings = make_instance_settings();
        for i in (1..n_users).step_by(7) {
            let n = d.trusted_devices.len();
            d.trusted_devices
                .push((mock_id("user", i), make_trusted_device(n, i)));
        }
        if let Some(conn) = d.enterprise_connections.first() {
            let id = conn["id"].as_str().unwrap_or_default().to_string();
            for n in 0..7 {
                d.test_runs.push((id.clone(), make_test_run(n)));
            }
        }
        d.organization_permissions = make_permissions();
        d.organization_roles = make_roles();
        for n in 0..2 {
            let conn = d.enterprise_connections[n]["id"]
                .as_str()
                .unwrap_or_default();
            d.directories.push(make_directory(n, conn));
        }
        for i in (2..n_users).step_by(4) {
            d.credits.push((mock_id("user", i), money(500 * i as i64)));
        }
        let org0 = d.organizations[0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        d.credits.push((org0, money(12_500)));
        let dir0 = mock_id("dir", 0);
        for n in 0..3 {
            let role = &d.organization_roles[n % d.organization_roles.len()];
            d.directory_mappings.push(make_mapping(n, &dir0, role));
        }
        for w in 0..n_users / 10 {
            d.waitlist_entries.push(make_waitlist_entry(w));
        }
        for k in 0..n_orgs.min(10) {
            let org = &d.organizations[k];
            d.organization_domains.push(make_org_domain(k, org));
        }
        for i in 0..n_users {
            for j in 0..i % 4 {
                let k = d.sessions.len();
                d.sessions.push(make_session(i, j, k));
            }
        }
        d
    }

    /// Index of a user in `users` by id.
    pub fn user_index(&self, id: &str) -> Option<usize> {
        self.users.iter().position(|u| get_str(u, "id") == Some(id))
    }
}
