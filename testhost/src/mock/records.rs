//! The generator's building blocks: constants, names, and one record of each kind (a user,
//! a plan, a subscription, ...). [`Dataset::generate`](super::Dataset::generate) puts them
//! together.

use serde_json::json;
use serde_json::Map;
use serde_json::Value;

/// The API key [`MockClerk::start`] accepts.
pub const DEFAULT_API_KEY: &str = "sk_test_mock";

/// Routes under `/v1/billing` and the two subscription routes need at least this API version.
pub const MIN_BILLING_API_VERSION: &str = "2025-11-10";

/// First timestamp used by the generator (2023-11-14T22:13:20Z).
pub const BASE_TIME_MS: i64 = 1_700_000_000_000;

/// `instance_id` of every generated object.
pub const INSTANCE_ID: &str = "ins_000000000000000000000000001";

/// Spacing of user `created_at` values.
pub const USER_CREATED_STEP_MS: i64 = 600_000;

pub(crate) const HOUR: i64 = 3_600_000;

pub(crate) const DAY: i64 = 86_400_000;

pub(crate) const MAX_LIMIT: i64 = 500;

pub(crate) const MAX_ARRAY_VALUES: usize = 100;

/// `(display name, ascii slug)` of generated users' first names.
pub const FIRST_NAMES: [(&str, &str); 16] = [
    ("Ann", "ann"),
    ("Bob", "bob"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("李雷", "lilei"),
    ("Ünïcødé 🚀", "unicode"),
    ("D'Arcy", "darcy"),
    ("Quote \"Q\"", "quoteq"),
    ("Back\\slash", "backslash"),
    ("Émile", "emile"),
    ("Søren", "soren"),
    ("José", "jose"),
    ("María", "maria"),
    ("Aiko", "aiko"),
    ("Ахмед", "akhmed"),
    ("Olivia", "olivia"),
];

/// `(display name, ascii slug)` of generated users' last names.
pub const LAST_NAMES: [(&str, &str); 13] = [
    ("O'Brien", "obrien"),
    ("Smith", "smith"),
    ("Müller", "muller"),
    ("Nowak", "nowak"),
    ("韩梅梅", "hanmeimei"),
    ("García", "garcia"),
    ("Dubois", "dubois"),
    ("\"Ace\" Ventura", "aceventura"),
    ("Tanaka", "tanaka"),
    ("Ng", "ng"),
    ("Back\\Slash", "backslash"),
    ("Johansson", "johansson"),
    ("Ñúñez", "nunez"),
];

/// `(name, slug)` of the first organizations; later ones append their index.
pub const ORG_NAMES: [(&str, &str); 10] = [
    ("Acme Corp", "acme-corp"),
    ("Zürich Ünïon", "zurich-union"),
    ("O'Reilly \"Media\"", "oreilly-media"),
    ("東京 Labs", "tokyo-labs"),
    ("Back\\slash Ltd", "backslash-ltd"),
    ("Globex", "globex"),
    ("Initech", "initech"),
    ("Umbrella 🚀", "umbrella"),
    ("Stark Industries", "stark-industries"),
    ("Wayne Enterprises", "wayne-enterprises"),
];

/// Clerk-like id: `<prefix>_<i zero-padded to 27 digits>`.
pub fn mock_id(prefix: &str, i: usize) -> String {
    format!("{prefix}_{i:027}")
}

/// Id of the phone number of user `i` (only users with `i % 5 == 2` have one).
pub fn phone_id(i: usize) -> String {
    format!("idn_p{i:026}")
}

/// Format ms since the epoch as a `YYYY-MM-DD` date (UTC).
pub fn ymd_from_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// What the generator decided for user `i` (mirrors the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserTraits {
    pub banned: bool,
    /// 0, 1 or 2.
    pub email_count: usize,
    /// With two emails the primary is the second element.
    pub primary_email_is_second: bool,
    pub plus_email: bool,
    pub has_phone: bool,
    pub has_names: bool,
    pub has_username: bool,
    pub has_external_id: bool,
    /// 0 = key absent, 1 = null, 2 = string.
    pub locale_kind: u8,
    pub has_private_metadata: bool,
    pub last_active_at_null: bool,
    pub last_sign_in_at_null: bool,
    pub has_external_account: bool,
    pub has_subscription: bool,
    /// Only meaningful with `has_subscription`.
    pub subscription_is_free: bool,
}

impl UserTraits {
    pub fn of(i: usize) -> UserTraits {
        let email_count = if i % 10 == 9 {
            0
        } else if i % 4 == 1 {
            2
        } else {
            1
        };
        UserTraits {
            banned: i % 7 == 0,
            email_count,
            primary_email_is_second: email_count == 2,
            plus_email: email_count > 0 && i % 8 == 3,
            has_phone: i % 5 == 2,
            has_names: i % 13 != 12,
            has_username: i % 3 != 0,
            has_external_id: i % 2 == 1,
            locale_kind: (i % 3) as u8,
            has_private_metadata: i % 5 != 4,
            last_active_at_null: i % 6 == 5,
            last_sign_in_at_null: i % 4 == 3,
            has_external_account: i % 5 == 1,
            has_subscription: i % 3 == 0,
            subscription_is_free: (i / 3) % 2 == 0,
        }
    }
}

/// `created_at` of generated user `i`.
pub fn user_created_at(i: usize) -> i64 {
    BASE_TIME_MS + i as i64 * USER_CREATED_STEP_MS + ((i * 7919) % 1000) as i64
}

/// Number of organizations `Dataset::generate(n_users)` creates.
pub fn org_count(n_users: usize) -> usize {
    (n_users / 20).clamp(3, 400)
}

/// Fixed-seed linear congruential generator (Knuth's MMIX constants). Each generated entity
/// gets its own stream ([`Lcg::for_index`]) so generation can run in parallel and still be
/// deterministic.
pub(crate) struct Lcg(u64);

pub(crate) const SEED: u64 = 0x00C1_E4C0_FFEE_2024;

impl Lcg {
    pub(crate) fn for_index(i: usize) -> Lcg {
        let mut r = Lcg(SEED ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r.next();
        r
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub(crate) fn money(amount: i64) -> Value {
    json!({
        "amount": amount,
        "amount_formatted": format!("${}.{:02}", amount / 100, amount % 100),
        "currency": "USD",
        "currency_symbol": "$",
    })
}

pub(crate) fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("obj() takes an object literal"),
    }
}

/// Rebuild every map bottom-up with `collect()`, which bulk-builds dense B-tree nodes
/// (one-at-a-time inserts, as `json!` does, leave nodes about half full). This cuts the
/// memory of a 100k-user dataset considerably.
pub(crate) fn compact(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, compact(v))).collect()),
        Value::Array(a) => Value::Array(a.into_iter().map(compact).collect()),
        other => other,
    }
}

pub(crate) fn get_path<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    Some(cur)
}

pub(crate) fn get_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

pub(crate) fn get_i64(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

pub(crate) fn email_verification(created_at: i64) -> Value {
    json!({
        "object": "verification_otp",
        "status": "verified",
        "strategy": "email_code",
        "attempts": 1,
        "expire_at": created_at + 600_000,
    })
}

pub(crate) fn make_email(id: String, address: String, created_at: i64) -> Value {
    json!({
        "id": id,
        "object": "email_address",
        "email_address": address,
        "reserved": false,
        "verification": email_verification(created_at),
        "linked_to": [],
        "matches_sso_connection": false,
        "created_at": created_at,
        "updated_at": created_at,
    })
}

pub(crate) fn make_user(i: usize) -> Value {
    let rng = &mut Lcg::for_index(i);
    let t = UserTraits::of(i);
    let id = mock_id("user", i);
    let created_at = user_created_at(i);
    let updated_at = created_at + (i % 50) as i64 * HOUR + 1_000;
    let (first, first_slug) = FIRST_NAMES[i % FIRST_NAMES.len()];
    let (last, last_slug) = LAST_NAMES[i % LAST_NAMES.len()];
    let local = if t.has_names {
        format!("{first_slug}.{last_slug}{i}")
    } else {
        format!("user{i}")
    };
    let local = if t.plus_email {
        format!("{local}+tag")
    } else {
        local
    };

    let mut emails = Vec::new();
    let mut primary_email_id = Value::Null;
    if t.email_count >= 1 {
        let primary_id = mock_id("idn", 2 * i);
        let primary = make_email(
            primary_id.clone(),
            format!("{local}@example.com"),
            created_at,
        );
        if t.email_count == 2 {
            let second = make_email(
                mock_id("idn", 2 * i + 1),
                format!("{local}@example.org"),
                created_at + 5_000,
            );
            emails.push(second);
        }
        emails.push(primary);
        primary_email_id = Value::String(primary_id);
    }

    let mut phones = Vec::new();
    let mut primary_phone_id = Value::Null;
    if t.has_phone {
        let pid = phone_id(i);
        phones.push(json!({
            "id": pid,
            "object": "phone_number",
            "phone_number": format!("+1555{:07}", i % 10_000_000),
            "reserved_for_second_factor": false,
            "default_second_factor": false,
            "reserved": false,
            "verification": {
                "object": "verification_otp",
                "status": "verified",
                "strategy": "phone_code",
                "attempts": 1,
                "expire_at": created_at + 600_000,
            },
            "linked_to": [],
            "backup_codes": null,
            "created_at": created_at,
            "updated_at": created_at,
        }));
        primary_phone_id = Value::String(pid);
    }

    let two_factor = i % 9 == 0;
    let last_active_at = if t.last_active_at_null {
        Value::Null
    } else {
        let raw = created_at + (i % 30) as i64 * DAY + rng.below(DAY as u64) as i64;
        json!(raw - raw.rem_euclid(DAY))
    };
    let last_sign_in_at = if t.last_sign_in_at_null {
        Value::Null
    } else {
        json!(created_at + (i % 20) as i64 * HOUR + rng.below(HOUR as u64) as i64)
    };

    let image_url = format!("https://img.clerk.com/mock/{id}.png");
    let mut u = obj(json!({
        "id": id,
        "object": "user",
        "external_id": if t.has_external_id { json!(format!("ext-{i}")) } else { Value::Null },
        "primary_email_address_id": primary_email_id,
        "primary_phone_number_id": primary_phone_id,
        "primary_web3_wallet_id": null,
        "username": if t.has_username { json!(format!("user{i}")) } else { Value::Null },
        "first_name": if t.has_names { json!(first) } else { Value::Null },
        "last_name": if t.has_names { json!(last) } else { Value::Null },
        "profile_image_url": image_url,
        "image_url": image_url,
        "has_image": i % 2 == 0,
        "public_metadata": if i % 4 == 0 {
            json!({})
        } else {
            json!({
                "plan": (["free", "pro", "team"][i % 3]),
                "profile": {"tier": i % 3, "tags": ["alpha", "β"], "city": "Zürich", "zip": null},
            })
        },
        "unsafe_metadata": if i % 6 == 0 { json!({"theme": "dark"}) } else { json!({}) },
        "email_addresses": emails,
        "phone_numbers": phones,
        "web3_wallets": [],
        "passkeys": [],
        "password_enabled": i % 3 != 2,
        "two_factor_enabled": two_factor,
        "totp_enabled": two_factor,
        "backup_code_enabled": two_factor,
        "mfa_enabled_at": if two_factor { json!(created_at + DAY) } else { Value::Null },
        "mfa_disabled_at": null,
        "password_last_updated_at": if i % 3 != 2 { json!(created_at) } else { Value::Null },
        "external_accounts": [],
        "saml_accounts": [],
        "enterprise_accounts": [],
        "last_sign_in_at": last_sign_in_at,
        "banned": t.banned,
        "locked": false,
        "lockout_expires_in_seconds": null,
        "verification_attempts_remaining": 100,
        "created_at": created_at,
        "updated_at": updated_at,
        "delete_self_enabled": true,
        "create_organization_enabled": true,
        "create_organizations_limit": null,
        "last_active_at": last_active_at,
        "legal_accepted_at": if i % 2 == 0 { json!(created_at) } else { Value::Null },
    }));
    match t.locale_kind {
        0 => {}
        1 => {
            u.insert("locale".into(), Value::Null);
        }
        _ => {
            let l = ["en-US", "fr-FR", "de-DE", "ja-JP"][(i / 3) % 4];
            u.insert("locale".into(), json!(l));
        }
    }
    if t.has_private_metadata {
        u.insert(
            "private_metadata".into(),
            if i % 10 == 0 {
                json!({"internal_id": i, "crm": {"account": format!("acct-{i:05}"), "score": (i * 37) % 100}})
            } else {
                json!({"internal_id": i})
            },
        );
    }
    if t.has_external_account {
        u.insert(
            "external_accounts".into(),
            json!([{
                "object": "google_account",
                "id": mock_id("eac", i),
                "provider": "oauth_google",
                "identification_id": mock_id("idn", 2 * i),
                "provider_user_id": format!("{}", 100_000_000_000u64 + i as u64),
                "approved_scopes": "email openid profile",
                "email_address": format!("{local}@example.com"),
                "email_address_verified": true,
                "first_name": first,
                "last_name": last,
                "image_url": null,
                "username": null,
                "phone_number": null,
                "public_metadata": {},
                "label": null,
                "created_at": created_at,
                "updated_at": created_at,
                "verification": null,
            }]),
        );
    }
    Value::Object(u)
}

/// `identifier` Clerk shows for a user: primary email, else phone, else username.
pub(crate) fn user_identifier(u: &Value) -> Value {
    let primary = get_str(u, "primary_email_address_id");
    if let Some(pid) = primary {
        if let Some(e) = u["email_addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|e| get_str(e, "id") == Some(pid)))
        {
            return e["email_address"].clone();
        }
    }
    if let Some(p) = u["phone_numbers"].as_array().and_then(|a| a.first()) {
        return p["phone_number"].clone();
    }
    u.get("username").cloned().unwrap_or(Value::Null)
}

pub(crate) fn public_user_data(u: &Value) -> Value {
    json!({
        "user_id": u["id"],
        "first_name": u["first_name"],
        "last_name": u["last_name"],
        "profile_image_url": u["image_url"],
        "image_url": u["image_url"],
        "has_image": u["has_image"],
        "identifier": user_identifier(u),
        "username": u["username"],
        "banned": u["banned"],
    })
}

pub(crate) fn payer_for_user(u: &Value, payer_id: &str) -> Value {
    let email = user_identifier(u);
    json!({
        "object": "commerce_payer",
        "id": payer_id,
        "instance_id": INSTANCE_ID,
        "user_id": u["id"],
        "first_name": u["first_name"],
        "last_name": u["last_name"],
        "email": if email.as_str().is_some_and(|e| e.contains('@')) { email } else { Value::Null },
        "organization_id": null,
        "organization_name": null,
        "image_url": u["image_url"],
        "created_at": u["created_at"],
        "updated_at": u["updated_at"],
    })
}

pub(crate) fn payer_for_org(o: &Value, payer_id: &str) -> Value {
    json!({
        "object": "commerce_payer",
        "id": payer_id,
        "instance_id": INSTANCE_ID,
        "user_id": null,
        "first_name": null,
        "last_name": null,
        "email": null,
        "organization_id": o["id"],
        "organization_name": o["name"],
        "image_url": o.get("image_url").cloned().unwrap_or_else(|| json!("https://img.clerk.com/mock/default-org.png")),
        "created_at": o["created_at"],
        "updated_at": o["updated_at"],
    })
}

pub(crate) fn payment_method(payer_id: &str, n: usize, created_at: i64) -> Value {
    json!({
        "object": "commerce_payment_method",
        "id": mock_id("cpm", n),
        "payer_id": payer_id,
        "payment_type": "card",
        "is_default": true,
        "gateway": "stripe",
        "gateway_external_id": format!("pm_mock{n:08}"),
        "gateway_external_account_id": null,
        "last4": format!("{:04}", 4242 + n % 100),
        "status": "active",
        "wallet_type": null,
        "card_type": "visa",
        "expiry_year": 2030,
        "expiry_month": 1 + (n % 12),
        "created_at": created_at,
        "updated_at": created_at,
        "is_removable": true,
    })
}

pub(crate) fn make_plans() -> Vec<Value> {
    let features = |names: &[&str], base: usize| -> Value {
        Value::Array(
            names
                .iter()
                .enumerate()
                .map(|(j, n)| {
                    json!({
                        "object": "feature",
                        "id": mock_id("feat", base + j),
                        "name": n,
                        "description": null,
                        "slug": n.to_lowercase().replace(' ', "_"),
                        "avatar_url": null,
                    })
                })
                .collect(),
        )
    };
    let plan = |k: usize,
                name: &str,
                slug: &str,
                payer: &str,
                fee: Option<(i64, i64, i64)>,
                feats: Value| {
        let (fee_v, annual_monthly, annual) = match fee {
            Some((f, am, a)) => (money(f), money(am), money(a)),
            None => (Value::Null, Value::Null, Value::Null),
        };
        let free = fee.is_some_and(|f| f.0 == 0);
        json!({
            "object": "commerce_plan",
            "id": mock_id("cplan", k),
            "name": name,
            "fee": fee_v,
            "annual_monthly_fee": annual_monthly,
            "annual_fee": annual,
            "description": if free { Value::Null } else { json!(format!("The {name} plan — \"all\" features")) },
            "product_id": mock_id("cprod", k / 2),
            "is_default": free,
            "is_recurring": true,
            "publicly_visible": fee.is_some(),
            "has_base_fee": fee.is_some_and(|f| f.0 > 0),
            "for_payer_type": payer,
            "slug": slug,
            "avatar_url": null,
            "features": feats,
            "free_trial_enabled": k == 1,
            "free_trial_days": if k == 1 { json!(14) } else { Value::Null },
        })
    };
    vec![
        plan(
            0,
            "Free",
            "free_user",
            "user",
            Some((0, 0, 0)),
            features(&["Basic"], 0),
        ),
        plan(
            1,
            "Pro",
            "pro",
            "user",
            Some((2_000, 1_667, 20_000)),
            features(&["Basic", "Priority Support"], 1),
        ),
        plan(
            2,
            "Team",
            "team",
            "org",
            Some((9_900, 8_250, 99_000)),
            features(&["Basic", "SSO", "Audit Log"], 3),
        ),
        plan(
            3,
            "Enterprise",
            "enterprise",
            "org",
            None,
            features(&["Everything"], 6),
        ),
    ]
}

pub(crate) fn item_status(s: usize) -> &'static str {
    match s % 10 {
        7 => "past_due",
        8 => "ended",
        9 => "upcoming",
        _ => "active",
    }
}

/// One subscription with one item; returns (subscription, item).
pub(crate) fn make_subscription(
    s: usize,
    plan: &Value,
    payer: &Value,
    payer_id: &str,
    created_at: i64,
) -> (Value, Value) {
    let status = item_status(s);
    let annual = s % 3 == 0 && !plan["fee"].is_null();
    let period_start = created_at;
    let period_end = if annual {
        created_at + 365 * DAY
    } else {
        created_at + 30 * DAY
    };
    let fee = if annual {
        plan["annual_fee"].clone()
    } else {
        plan["fee"].clone()
    };
    let fee_amount = fee.get("amount").and_then(Value::as_i64).unwrap_or(0);
    // The nested plan leaves out its (optional) `features` to keep big datasets small.
    let mut plan = plan.clone();
    if let Some(p) = plan.as_object_mut() {
        p.remove("features");
    }
    let mut item = obj(json!({
        "object": "commerce_subscription_item",
        "id": mock_id("csubi", s),
        "instance_id": INSTANCE_ID,
        "status": status,
        "plan_id": plan["id"],
        "price_id": mock_id("cprice", s % 7),
        "plan": plan,
        "plan_period": if annual { "annual" } else { "month" },
        "lifetime_paid": money(if status == "upcoming" { 0 } else { fee_amount * (1 + (s % 4) as i64) }),
        "next_payment": if status == "active" && fee_amount > 0 {
            json!({"amount": money(fee_amount), "date": period_end})
        } else {
            Value::Null
        },
        "payer_id": payer_id,
        "payer": payer,
        "is_free_trial": s % 11 == 5,
        "period_start": period_start,
        "period_end": if status == "ended" { Value::Null } else { json!(period_end) },
        "canceled_at": if status == "ended" { json!(created_at + 10 * DAY) } else { Value::Null },
        "past_due_at": if status == "past_due" { json!(period_end) } else { Value::Null },
        "ended_at": if status == "ended" { json!(created_at + 20 * DAY) } else { Value::Null },
        "created_at": created_at,
        "updated_at": created_at + HOUR,
    }));
    if s % 4 == 0 {
        item.insert("proration_date".into(), json!(ymd_from_ms(period_start)));
    }
    // Inside the subscription the item omits the optional nested `payer` and `plan` (the
    // subscription names its payer; `plan_id` stays) to keep 100k-user datasets small.
    let mut sub_item = item.clone();
    sub_item.remove("payer");
    sub_item.remove("plan");
    let item = Value::Object(item);
    let sub_status = match status {
        "past_due" => "past_due",
        "ended" => "ended",
        _ => "active",
    };
    let mut sub = obj(json!({
        "object": "commerce_subscription",
        "id": mock_id("csub", s),
        "instance_id": INSTANCE_ID,
        "status": sub_status,
        "payer_id": payer_id,
        "created_at": created_at,
        "updated_at": created_at + HOUR,
        "active_at": if status == "upcoming" { Value::Null } else { json!(created_at) },
        "past_due_at": if status == "past_due" { json!(period_end) } else { Value::Null },
        "subscription_items": [Value::Object(sub_item)],
        "eligible_for_free_trial": false,
    }));
    if sub_status == "active" && fee_amount > 0 {
        sub.insert(
            "next_payment".into(),
            json!({"date": period_end, "amount": money(fee_amount)}),
        );
    }
    (Value::Object(sub), item)
}

/// `(0..n).map(f)`, computed on a few threads for large `n`; same result as sequential.
pub(crate) fn par_map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .min(8);
    if n < 4_096 || threads < 2 {
        return (0..n).map(f).collect();
    }
    let chunk = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t * chunk..((t + 1) * chunk).min(n))
                        .map(f)
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for h in handles {
            out.extend(h.join().expect("dataset generator thread panicked"));
        }
        out
    })
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

/// Machine `n`; each may call the next one.
pub(crate) fn make_machine(n: usize, count: usize) -> Value {
    let created = BASE_TIME_MS + n as i64 * DAY;
    let next = (n + 1) % count.max(1);
    let scoped = if next == n {
        json!([])
    } else {
        let at = BASE_TIME_MS + next as i64 * DAY;
        json!([{"object": "machine", "id": mock_id("mch", next), "name": format!("worker {next}"),
            "instance_id": INSTANCE_ID, "created_at": at, "updated_at": at}])
    };
    json!({
        "object": "machine", "id": mock_id("mch", n), "name": format!("worker {n}"),
        "instance_id": INSTANCE_ID, "default_token_ttl": 3600, "scoped_machines": scoped,
        "created_at": created, "updated_at": created,
    })
}

/// M2M token `n` of machine `subject`: every third revoked, every fifth expired.
pub(crate) fn make_m2m_token(n: usize, subject: &str) -> Value {
    let created = BASE_TIME_MS + n as i64 * HOUR;
    json!({
        "object": "machine_to_machine_token", "id": mock_id("mt", n), "subject": subject,
        "claims": if n % 2 == 0 { json!({"tier": n % 3}) } else { Value::Null },
        "scopes": [mock_id("mch", 1)], "revoked": n % 3 == 2,
        "revocation_reason": if n % 3 == 2 { json!("rotated") } else { Value::Null },
        "expired": n % 5 == 4, "expiration": created + DAY,
        "last_used_at": if n % 4 == 0 { json!(created + HOUR) } else { Value::Null },
        "created_at": created, "updated_at": created,
    })
}

/// The initial role set and a custom one.
pub(crate) fn make_role_sets() -> Vec<Value> {
    let role = |key: &str, name: &str| json!({"object": "role_set_item", "key": key, "name": name});
    (0..2)
        .map(|n| {
            let created = BASE_TIME_MS + n as i64 * DAY;
            json!({
                "object": "role_set", "id": mock_id("rs", n),
                "key": if n == 0 { "role_set:default" } else { "role_set:support" },
                "name": if n == 0 { "Default" } else { "Support desk" },
                "description": if n == 0 { json!("The initial role set") } else { Value::Null },
                "type": if n == 0 { "initial" } else { "custom" },
                "roles": [role("org:admin", "Admin"), role("org:member", "Member")],
                "default_role": role("org:member", "Member"),
                "creator_role": role("org:admin", "Admin"),
                "role_set_migration": null,
                "created_at": created, "updated_at": created,
            })
        })
        .collect()
}

/// The instance's settings objects, by path under `/instance`.
pub(crate) fn make_instance_settings() -> Vec<(&'static str, Value)> {
    vec![
        (
            "",
            json!({"object": "instance", "id": INSTANCE_ID, "environment_type": "development",
            "allowed_origins": ["https://app.example.com"], "workspace_id": "ws_mock"}),
        ),
        (
            "protect",
            json!({"object": "instance_protect", "rules_enabled": true,
            "specter_enabled": false, "checks_bypassed": false}),
        ),
        (
            "communication",
            json!({"object": "instance_communication",
            "blocked_country_codes": ["KP", "IR"]}),
        ),
        (
            "oauth_application_settings",
            json!({"object": "oauth_application_settings",
            "dynamic_oauth_client_registration": false, "default_scopes": ["profile", "email"],
            "oauth_jwt_access_tokens": true, "client_id_metadata_documents_advertised": false,
            "client_id_metadata_documents_only_allow_pre_registered_clients": true,
            "client_id_metadata_documents_block_implicitly_allowed_clients": false}),
        ),
        (
            "organization_settings",
            json!({"object": "organization_settings", "enabled": true,
            "max_allowed_memberships": 5, "max_allowed_roles": 10, "max_role_sets_allowed": 3,
            "max_allowed_domains": 10, "creator_role": "org:admin", "admin_delete_enabled": true,
            "domains_enabled": true, "slug_disabled": false,
            "domains_enrollment_modes": ["manual_invitation", "automatic_invitation"],
            "domains_default_role": "org:member", "initial_role_set_key": "role_set:default"}),
        ),
    ]
}

/// A trusted device of user `i` (the `n`-th overall).
pub(crate) fn make_trusted_device(n: usize, i: usize) -> Value {
    let created = user_created_at(i) + HOUR;
    let revoked = n % 4 == 3;
    json!({
        "object": "trusted_device", "id": mock_id("td", n),
        "platform": if n % 2 == 0 { "ios" } else { "android" },
        "app_identifier": "com.example.app", "name": format!("Phone {n}"),
        "algorithm": "ES256", "status": if revoked { "revoked" } else { "active" },
        "created_at": created, "updated_at": created, "last_used_at": created + DAY,
        "revoked_at": if revoked { json!(created + 2 * DAY) } else { Value::Null },
    })
}

/// Test run `n` of an enterprise connection; statuses cycle.
pub(crate) fn make_test_run(n: usize) -> Value {
    const STATUS: [&str; 3] = ["pending", "success", "failed"];
    json!({
        "id": mock_id("ectr", n), "status": STATUS[n % 3], "connection_type": "saml",
        "parsed_user_info": {"email": format!("tester{n}@example.com")},
        "logs": [{"level": "info", "message": "started"}],
        "saml": {"issuer": "https://idp.example.com"}, "oauth": null,
        "created_at": BASE_TIME_MS + n as i64 * HOUR,
    })
}

/// Directory `n`, provisioning through enterprise connection `connection`: the first has
/// group-to-role mapping on, the second off.
pub(crate) fn make_directory(n: usize, connection: &str) -> Value {
    let id = mock_id("dir", n);
    let at = BASE_TIME_MS + n as i64 * DAY;
    json!({
        "object": "directory", "id": id, "name": format!("directory {n}"),
        "enterprise_connection_id": connection,
        "endpoint_url": format!("https://api.clerk.com/v1/directories/{id}/scim/v2"),
        "provider": if n == 0 { "okta" } else { "entra_id" },
        "enabled": true, "group_role_mapping_enabled": n == 0,
        "attribute_mapping": {"first_name": "name.givenName", "last_name": "name.familyName"},
        "custom_attributes": [], "api_key": null, "created_at": at, "updated_at": at,
    })
}

/// Mapping `n` of `directory`: group `group-<n>` to `role`, precedence `n + 1`.
pub(crate) fn make_mapping(n: usize, directory: &str, role: &Value) -> Value {
    let at = BASE_TIME_MS + n as i64 * HOUR;
    let group = format!("group-{n}");
    let name = format!("Group {n}");
    json!({
        "object": "directory_group_role_mapping", "id": mock_id("dgrm", n),
        "directory_id": directory, "scim_directory_id": directory,
        "directory_group_id": group, "scim_group_id": group,
        "directory_group_display_name": name, "scim_group_display_name": name,
        "role": role, "precedence": n + 1, "created_at": at, "updated_at": at,
    })
}
