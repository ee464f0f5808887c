//! Mock Clerk Backend API: a deterministic [`Dataset`] and a loopback HTTP server
//! ([`MockClerk`]) that serves it with the real API's list shapes, paging rules, filters and
//! errors (see `shared/reference/clerk-api.md`).
//!
//! # Dataset conventions (what tests may rely on)
//!
//! Every id is `<prefix>_<27-digit zero-padded index>` (see [`mock_id`]), e.g. user 42 is
//! `user_000000000000000000000000042`. Phone-number ids are `idn_p<26 digits>` ([`phone_id`]).
//! Timestamps are ms since the epoch, starting at [`BASE_TIME_MS`]. Dataset vectors are in
//! creation order (ascending `created_at`); the server sorts per endpoint.
//!
//! Users, for index `i` (see also [`UserTraits::of`], which answers these questions in code):
//! - `created_at = BASE_TIME_MS + i*600_000 + (i*7919 % 1000)`: strictly increasing, distinct.
//! - `banned` is true iff `i % 7 == 0`.
//! - Emails: none if `i % 10 == 9`; otherwise two if `i % 4 == 1`, the primary being the
//!   SECOND element (`…@example.com`, id `idn_<2i>`; the first is `…@example.org`, id
//!   `idn_<2i+1>`); otherwise one. Addresses are lowercase and contain a `+` (`…+tag@…`) iff
//!   `i % 8 == 3`.
//! - One phone (`+1555` + 7 digits of `i`, id [`phone_id`]`(i)`, also the primary) iff
//!   `i % 5 == 2`; otherwise `phone_numbers` is empty and `primary_phone_number_id` is null.
//! - Names cycle through [`FIRST_NAMES`] (`i % 16`) and [`LAST_NAMES`] (`i % 13`), with
//!   unicode, quotes and backslashes; both are null iff `i % 13 == 12`.
//! - `username` is `user<i>` unless `i % 3 == 0` (null). `external_id` is `ext-<i>` for odd `i`,
//!   null for even `i`.
//! - `locale`: key absent iff `i % 3 == 0`, null iff `i % 3 == 1`, a string otherwise.
//! - `private_metadata` absent iff `i % 5 == 4`. `public_metadata` is `{}` iff `i % 4 == 0`,
//!   otherwise nested objects.
//! - `last_active_at` null iff `i % 6 == 5`; `last_sign_in_at` null iff `i % 4 == 3`.
//! - One Google external account iff `i % 5 == 1`.
//! - A billing subscription (see `user_subscriptions`) iff `i % 3 == 0`: on the free plan when
//!   `(i/3)` is even, on the Pro plan otherwise.
//!
//! Organizations: `(n_users/20).clamp(3, 400)` of them ([`org_count`]). Org `k` has `1 + k%5` members
//! (fewer only when there are fewer users) — member `j` is user `(k*37 + j*101) % n_users`,
//! the first is `org:admin` and `created_by`; slug is [`ORG_NAMES`]`[k]`'s slug for the first
//! ten orgs (e.g. `acme-corp`), `<slug>-<k>` after; `image_url` absent iff `k % 3 == 2`;
//! `private_metadata` absent for odd `k`. Two organization invitations per org (statuses cycle
//! pending, accepted, revoked over the global invitation index). Org `k` has a subscription iff
//! `k % 2 == 0` (Team plan if `k/2` is even, Enterprise (fee null) otherwise).
//!
//! Billing plans: `cplan_…0` Free (user, fee 0), `…1` Pro (user), `…2` Team (org), `…3`
//! Enterprise (org, fee null). One subscription item per subscription (ids share the index:
//! `csub_<s>` / `csubi_<s>`, `s = i/3` for user `i`, then `s = #user subscriptions + k/2` for
//! org `k`); item status cycles by `s % 10`: 0-6 active, 7 past_due,
//! 8 ended, 9 upcoming. `proration_date` (a `YYYY-MM-DD` string) is present iff `s % 4 == 0`.
//! Statements: 3 (`stmt_…0..2`) with 3, 2 and 0 payment attempts; their payers are those of
//! the first three paid subscription items (users 3, 9 and 15 when they exist). Items in
//! `billing_subscription_items` carry the nested `plan` (without `features`) and `payer`;
//! the copies inside a subscription's `subscription_items` omit those two optional keys.
//! Payer ids: `cpayer_<i>` for user `i`, `cpayer_<n_users + k>` for org `k`.
//!
//! Scale: `generate(100_000)` takes a few seconds and ~1.4 GB of heap (serde_json maps are
//! B-trees with ~630-byte nodes); serving a 500-user page costs one filter pass at most.

// The generator's rules read as `i % n == r` throughout (and the workspace MSRV predates
// `is_multiple_of`).
#![allow(clippy::manual_is_multiple_of)]

use serde_json::{json, Map, Value};
use std::cmp::Ordering as CmpOrdering;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

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

const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
const MAX_LIMIT: i64 = 500;
const MAX_ARRAY_VALUES: usize = 100;

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
    /// Each carries `statement_id`.
    pub billing_payment_attempts: Vec<Value>,
    /// `(user_id, CommerceSubscription)`.
    pub user_subscriptions: Vec<(String, Value)>,
    /// `(organization_id, CommerceSubscription)`.
    pub organization_subscriptions: Vec<(String, Value)>,
}

/// Fixed-seed linear congruential generator (Knuth's MMIX constants). Each generated entity
/// gets its own stream ([`Lcg::for_index`]) so generation can run in parallel and still be
/// deterministic.
struct Lcg(u64);

const SEED: u64 = 0x00C1_E4C0_FFEE_2024;

impl Lcg {
    fn for_index(i: usize) -> Lcg {
        let mut r = Lcg(SEED ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn money(amount: i64) -> Value {
    json!({
        "amount": amount,
        "amount_formatted": format!("${}.{:02}", amount / 100, amount % 100),
        "currency": "USD",
        "currency_symbol": "$",
    })
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("obj() takes an object literal"),
    }
}

/// Rebuild every map bottom-up with `collect()`, which bulk-builds dense B-tree nodes
/// (one-at-a-time inserts, as `json!` does, leave nodes about half full). This cuts the
/// memory of a 100k-user dataset considerably.
fn compact(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, compact(v))).collect()),
        Value::Array(a) => Value::Array(a.into_iter().map(compact).collect()),
        other => other,
    }
}

fn get_path<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    Some(cur)
}

fn get_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn get_i64(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

fn email_verification(created_at: i64) -> Value {
    json!({
        "object": "verification_otp",
        "status": "verified",
        "strategy": "email_code",
        "attempts": 1,
        "expire_at": created_at + 600_000,
    })
}

fn make_email(id: String, address: String, created_at: i64) -> Value {
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

fn make_user(i: usize) -> Value {
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
fn user_identifier(u: &Value) -> Value {
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

fn public_user_data(u: &Value) -> Value {
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

fn payer_for_user(u: &Value, payer_id: &str) -> Value {
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

fn payer_for_org(o: &Value, payer_id: &str) -> Value {
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

fn payment_method(payer_id: &str, n: usize, created_at: i64) -> Value {
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

fn make_plans() -> Vec<Value> {
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

fn item_status(s: usize) -> &'static str {
    match s % 10 {
        7 => "past_due",
        8 => "ended",
        9 => "upcoming",
        _ => "active",
    }
}

/// One subscription with one item; returns (subscription, item).
fn make_subscription(
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
fn par_map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
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
                let mut inv = obj(json!({
                    "object": "organization_invitation",
                    "id": mock_id("orginv", g),
                    "email_address": format!("invitee{g}@example.net"),
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
        d
    }

    /// Index of a user in `users` by id.
    pub fn user_index(&self, id: &str) -> Option<usize> {
        self.users.iter().position(|u| get_str(u, "id") == Some(id))
    }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the query, e.g. `/v1/users` (not percent-decoded).
    pub path: String,
    /// Decoded query parameters in order, repeated keys kept.
    pub query: Vec<(String, String)>,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    /// Status of the response the mock sent.
    pub status: u16,
}

impl RecordedRequest {
    /// First value of query parameter `k`.
    pub fn param(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    /// All values of query parameter `k`, in order.
    pub fn params(&self, k: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A scripted response for the next `times` requests whose path starts with `path_prefix`.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Matched against the request path, e.g. `/v1/users`.
    pub path_prefix: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// How many matching requests get this response.
    pub times: usize,
}

impl Fault {
    /// `status` with a Clerk-style error body.
    pub fn status(path_prefix: &str, status: u16, times: usize) -> Fault {
        Fault {
            path_prefix: path_prefix.into(),
            status,
            headers: Vec::new(),
            body: clerk_error_body("mock fault", "Injected failure", "internal_clerk_error"),
            times,
        }
    }
    /// 429 with `Retry-After: <retry_after>`.
    pub fn rate_limited(path_prefix: &str, retry_after: &str, times: usize) -> Fault {
        Fault {
            path_prefix: path_prefix.into(),
            status: 429,
            headers: vec![("Retry-After".into(), retry_after.into())],
            body: clerk_error_body(
                "Too many requests",
                "Too many requests, retry later",
                "too_many_requests",
            ),
            times,
        }
    }
    /// 200 with an arbitrary (e.g. malformed) body.
    pub fn body(path_prefix: &str, status: u16, body: &str, times: usize) -> Fault {
        Fault {
            path_prefix: path_prefix.into(),
            status,
            headers: Vec::new(),
            body: body.into(),
            times,
        }
    }
}

fn clerk_error_body(message: &str, long_message: &str, code: &str) -> String {
    json!({
        "errors": [{"message": message, "long_message": long_message, "code": code}],
        "clerk_trace_id": "trace_mock",
    })
    .to_string()
}

fn clerk_param_error(param: &str, long_message: &str) -> Resp {
    let body = json!({
        "errors": [{
            "message": "is invalid",
            "long_message": long_message,
            "code": "form_param_value_invalid",
            "meta": {"param_name": param},
        }],
        "clerk_trace_id": "trace_mock",
    })
    .to_string();
    Resp::json(422, body)
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn json(status: u16, body: String) -> Resp {
        Resp {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }
    fn ok(body: String) -> Resp {
        Resp::json(200, body)
    }
    fn not_found() -> Resp {
        Resp::json(
            404,
            clerk_error_body("not found", "Resource not found", "resource_not_found"),
        )
    }
    fn unauthorized() -> Resp {
        Resp::json(
            401,
            clerk_error_body(
                "Invalid authentication",
                "Unable to authenticate the request, you need to supply an active API key",
                "authentication_invalid",
            ),
        )
    }
}

/// Precomputed facts about one user, for filtering without walking JSON.
struct UserMeta {
    id: String,
    created_at: i64,
    updated_at: i64,
    last_active_at: Option<i64>,
    last_sign_in_at: Option<i64>,
    banned: bool,
    emails_lower: Vec<String>,
    primary_email_lower: Option<String>,
    phones: Vec<String>,
    web3: Vec<String>,
    external_id: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    /// Indexes into `organizations`.
    orgs: Vec<usize>,
}

struct ItemMeta {
    status: String,
    plan_id: Option<String>,
    payer_type: Option<String>,
    free: bool,
    created_at: i64,
}

struct Index {
    users: Vec<UserMeta>,
    /// User indexes sorted by (created_at, id) descending: the default `-created_at` order.
    users_desc: Vec<usize>,
    /// Position of each user in `users_desc`.
    user_pos_desc: Vec<usize>,
    user_by_id: HashMap<String, usize>,
    org_by_id: HashMap<String, usize>,
    org_by_slug: HashMap<String, usize>,
    members_count: Vec<usize>,
    memberships_by_org: HashMap<String, Vec<usize>>,
    memberships_by_user: HashMap<String, Vec<usize>>,
    org_invitations_by_org: HashMap<String, Vec<usize>>,
    user_sub: HashMap<String, usize>,
    org_sub: HashMap<String, usize>,
    statement_by_id: HashMap<String, usize>,
    attempts_by_statement: HashMap<String, Vec<usize>>,
    items: Vec<ItemMeta>,
}

fn opt_string(v: &Value, key: &str) -> Option<String> {
    get_str(v, key).map(str::to_string)
}

impl Index {
    fn build(d: &Dataset) -> Index {
        let mut org_by_id = HashMap::new();
        let mut org_by_slug = HashMap::new();
        for (k, o) in d.organizations.iter().enumerate() {
            if let Some(id) = get_str(o, "id") {
                org_by_id.insert(id.to_string(), k);
            }
            if let Some(slug) = get_str(o, "slug") {
                org_by_slug.entry(slug.to_string()).or_insert(k);
            }
        }
        let mut members_count = vec![0; d.organizations.len()];
        let mut memberships_by_org: HashMap<String, Vec<usize>> = HashMap::new();
        let mut memberships_by_user: HashMap<String, Vec<usize>> = HashMap::new();
        let mut user_orgs: HashMap<String, Vec<usize>> = HashMap::new();
        for (m_i, m) in d.organization_memberships.iter().enumerate() {
            let org_id = get_path(m, &["organization", "id"]).and_then(Value::as_str);
            let user_id = get_path(m, &["public_user_data", "user_id"]).and_then(Value::as_str);
            if let Some(org_id) = org_id {
                memberships_by_org
                    .entry(org_id.to_string())
                    .or_default()
                    .push(m_i);
                if let Some(&k) = org_by_id.get(org_id) {
                    members_count[k] += 1;
                    if let Some(uid) = user_id {
                        user_orgs.entry(uid.to_string()).or_default().push(k);
                    }
                }
            }
            if let Some(uid) = user_id {
                memberships_by_user
                    .entry(uid.to_string())
                    .or_default()
                    .push(m_i);
            }
        }

        let mut users = Vec::with_capacity(d.users.len());
        let mut user_by_id = HashMap::with_capacity(d.users.len());
        for (i, u) in d.users.iter().enumerate() {
            let id = opt_string(u, "id").unwrap_or_default();
            user_by_id.entry(id.clone()).or_insert(i);
            let list = |key: &str, field: &str| -> Vec<String> {
                u.get(key)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| get_str(e, field).map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let primary_email_lower = get_str(u, "primary_email_address_id").and_then(|pid| {
                u.get("email_addresses")
                    .and_then(Value::as_array)?
                    .iter()
                    .find(|e| get_str(e, "id") == Some(pid))
                    .and_then(|e| get_str(e, "email_address"))
                    .map(str::to_lowercase)
            });
            users.push(UserMeta {
                orgs: user_orgs.get(&id).cloned().unwrap_or_default(),
                id,
                created_at: get_i64(u, "created_at").unwrap_or(0),
                updated_at: get_i64(u, "updated_at").unwrap_or(0),
                last_active_at: get_i64(u, "last_active_at"),
                last_sign_in_at: get_i64(u, "last_sign_in_at"),
                banned: u.get("banned").and_then(Value::as_bool).unwrap_or(false),
                emails_lower: list("email_addresses", "email_address")
                    .into_iter()
                    .map(|e| e.to_lowercase())
                    .collect(),
                primary_email_lower,
                phones: list("phone_numbers", "phone_number"),
                web3: list("web3_wallets", "web3_wallet"),
                external_id: opt_string(u, "external_id"),
                username: opt_string(u, "username"),
                first_name: opt_string(u, "first_name"),
                last_name: opt_string(u, "last_name"),
            });
        }
        let mut users_desc: Vec<usize> = (0..users.len()).collect();
        users_desc.sort_by(|&a, &b| {
            (users[b].created_at, &users[b].id).cmp(&(users[a].created_at, &users[a].id))
        });
        let mut user_pos_desc = vec![0; users.len()];
        for (pos, &i) in users_desc.iter().enumerate() {
            user_pos_desc[i] = pos;
        }

        let mut org_invitations_by_org: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, inv) in d.organization_invitations.iter().enumerate() {
            if let Some(org) = get_str(inv, "organization_id") {
                org_invitations_by_org
                    .entry(org.to_string())
                    .or_default()
                    .push(i);
            }
        }
        let user_sub = d
            .user_subscriptions
            .iter()
            .enumerate()
            .map(|(i, (u, _))| (u.clone(), i))
            .collect();
        let org_sub = d
            .organization_subscriptions
            .iter()
            .enumerate()
            .map(|(i, (o, _))| (o.clone(), i))
            .collect();
        let statement_by_id = d
            .billing_statements
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((get_str(s, "id")?.to_string(), i)))
            .collect();
        let mut attempts_by_statement: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in d.billing_payment_attempts.iter().enumerate() {
            if let Some(s) = get_str(a, "statement_id") {
                attempts_by_statement
                    .entry(s.to_string())
                    .or_default()
                    .push(i);
            }
        }
        let plan_by_id: HashMap<&str, &Value> = d
            .billing_plans
            .iter()
            .filter_map(|p| Some((get_str(p, "id")?, p)))
            .collect();
        let items = d
            .billing_subscription_items
            .iter()
            .map(|it| {
                let plan_id = opt_string(it, "plan_id");
                let plan = it
                    .get("plan")
                    .filter(|p| p.is_object())
                    .or_else(|| plan_id.as_deref().and_then(|p| plan_by_id.get(p).copied()));
                let payer_type = plan
                    .and_then(|p| get_str(p, "for_payer_type"))
                    .map(str::to_string)
                    .or_else(|| {
                        let payer = it.get("payer")?;
                        if payer.get("organization_id").is_some_and(|v| !v.is_null()) {
                            Some("org".to_string())
                        } else if payer.get("user_id").is_some_and(|v| !v.is_null()) {
                            Some("user".to_string())
                        } else {
                            None
                        }
                    });
                let free = plan
                    .and_then(|p| get_path(p, &["fee", "amount"]))
                    .and_then(Value::as_i64)
                    == Some(0);
                ItemMeta {
                    status: opt_string(it, "status").unwrap_or_default(),
                    plan_id,
                    payer_type,
                    free,
                    created_at: get_i64(it, "created_at").unwrap_or(0),
                }
            })
            .collect();
        Index {
            users,
            users_desc,
            user_pos_desc,
            user_by_id,
            org_by_id,
            org_by_slug,
            members_count,
            memberships_by_org,
            memberships_by_user,
            org_invitations_by_org,
            user_sub,
            org_sub,
            statement_by_id,
            attempts_by_statement,
            items,
        }
    }
}

struct Shared {
    dataset: Dataset,
    index: Index,
    api_key: String,
    requests: Mutex<Vec<RecordedRequest>>,
    bytes_sent: AtomicU64,
    faults: Mutex<Vec<Fault>>,
    shutdown: AtomicBool,
}

/// The mock server. Listens on `127.0.0.1:<ephemeral port>`; stops when dropped.
pub struct MockClerk {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept_thread: Option<JoinHandle<()>>,
}

impl MockClerk {
    /// Start serving `dataset`, accepting the API key [`DEFAULT_API_KEY`] (`sk_test_mock`).
    pub fn start(dataset: Dataset) -> MockClerk {
        MockClerk::start_with_key(dataset, DEFAULT_API_KEY)
    }

    /// Start serving `dataset`, accepting only `Authorization: Bearer <api_key>`.
    pub fn start_with_key(dataset: Dataset, api_key: &str) -> MockClerk {
        let listener = TcpListener::bind("127.0.0.1:0").expect("mock clerk: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("mock clerk: local_addr");
        let index = Index::build(&dataset);
        let shared = Arc::new(Shared {
            dataset,
            index,
            api_key: api_key.to_string(),
            requests: Mutex::new(Vec::new()),
            bytes_sent: AtomicU64::new(0),
            faults: Mutex::new(Vec::new()),
            shutdown: AtomicBool::new(false),
        });
        let sh = Arc::clone(&shared);
        let accept_thread = std::thread::Builder::new()
            .name("mock-clerk-accept".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if sh.shutdown.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    let sh2 = Arc::clone(&sh);
                    let _ = std::thread::Builder::new()
                        .name("mock-clerk-conn".into())
                        .spawn(move || serve_connection(&sh2, stream));
                }
            })
            .expect("mock clerk: spawn accept thread");
        MockClerk {
            shared,
            addr,
            accept_thread: Some(accept_thread),
        }
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    pub fn dataset(&self) -> &Dataset {
        &self.shared.dataset
    }

    /// Every request received so far, in the order they were answered.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests.lock().unwrap().clone()
    }

    pub fn clear_requests(&self) {
        self.shared.requests.lock().unwrap().clear();
    }

    /// Total response body bytes served (including errors and faults).
    pub fn bytes_sent(&self) -> u64 {
        self.shared.bytes_sent.load(Ordering::SeqCst)
    }

    /// Queue a scripted failure; faults are consulted in the order they were pushed.
    pub fn push_fault(&self, fault: Fault) {
        if fault.times > 0 {
            self.shared.faults.lock().unwrap().push(fault);
        }
    }

    /// Drop all queued faults.
    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap().clear();
    }
}

impl Drop for MockClerk {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept_thread.take() {
            let _ = h.join();
        }
    }
}

/// Decode `%XX` escapes (and `+` as space when `plus_is_space`).
fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

fn serve_connection(sh: &Shared, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    if sh.shutdown.load(Ordering::SeqCst) {
        return;
    }
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    let mut head_bytes = line.len();
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => return,
            Ok(n) => head_bytes += n,
        }
        if head_bytes > 1 << 20 {
            return;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let content_length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(0);
    if content_length > 0 {
        let mut sink = Vec::new();
        let _ = reader.by_ref().take(content_length).read_to_end(&mut sink);
    }

    let (path, query_str) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    let query = parse_query(&query_str);

    let resp = respond(sh, &method, &path, &query, &headers);

    sh.bytes_sent
        .fetch_add(resp.body.len() as u64, Ordering::SeqCst);
    sh.requests.lock().unwrap().push(RecordedRequest {
        method,
        path,
        query,
        headers,
        status: resp.status,
    });

    let has = |name: &str| {
        resp.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    let reason = http02::StatusCode::from_u16(resp.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status");
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", resp.status);
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !has("content-length") {
        head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    if !has("connection") {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(resp.body.as_bytes());
    let mut stream = stream;
    let _ = stream.write_all(&out);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    // Drain whatever the client may still send so the close is graceful.
    let mut buf = [0u8; 512];
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
}

fn take_fault(sh: &Shared, path: &str) -> Option<Resp> {
    let mut faults = sh.faults.lock().unwrap();
    let idx = faults
        .iter()
        .position(|f| f.times > 0 && path.starts_with(&f.path_prefix))?;
    let f = &mut faults[idx];
    f.times -= 1;
    let mut headers = f.headers.clone();
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    let resp = Resp {
        status: f.status,
        headers,
        body: f.body.clone(),
    };
    if f.times == 0 {
        faults.remove(idx);
    }
    Some(resp)
}

/// Query-string accessor.
struct Q<'a>(&'a [(String, String)]);

impl<'a> Q<'a> {
    fn get(&self, k: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    fn all(&self, k: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    fn flag(&self, k: &str) -> bool {
        self.get(k)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }
    fn int(&self, k: &str) -> Result<Option<i64>, Resp> {
        match self.get(k) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| clerk_param_error(k, &format!("`{k}` must be an integer"))),
        }
    }
    fn bool_opt(&self, k: &str) -> Result<Option<bool>, Resp> {
        match self.get(k) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(clerk_param_error(
                k,
                &format!("`{k}` must be either true or false"),
            )),
        }
    }
    /// `(limit, offset)` with Clerk's defaults and bounds.
    fn paging(&self) -> Result<(usize, usize), Resp> {
        let limit = self.int("limit")?.unwrap_or(10);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(clerk_param_error(
                "limit",
                "`limit` must be between 1 and 500",
            ));
        }
        let offset = self.int("offset")?.unwrap_or(0);
        if offset < 0 {
            return Err(clerk_param_error(
                "offset",
                "`offset` must be greater than or equal to 0",
            ));
        }
        Ok((limit as usize, offset as usize))
    }
    /// `order_by`: (field, descending). No prefix means ascending.
    fn order(&self, default: (&'static str, bool)) -> (String, bool) {
        match self.get("order_by") {
            None | Some("") => (default.0.to_string(), default.1),
            Some(v) => {
                if let Some(f) = v.strip_prefix('-') {
                    (f.to_string(), true)
                } else if let Some(f) = v.strip_prefix('+') {
                    (f.to_string(), false)
                } else if let Some(f) = v.strip_prefix(' ') {
                    // An unencoded `+` arrives as a space.
                    (f.to_string(), false)
                } else {
                    (v.to_string(), false)
                }
            }
        }
    }
}

/// Include/exclude sets of a `±`-prefixed array filter.
struct PlusMinus<'a> {
    include: Vec<&'a str>,
    exclude: Vec<&'a str>,
}

impl<'a> PlusMinus<'a> {
    fn parse(values: Vec<&'a str>) -> PlusMinus<'a> {
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        for v in values {
            if let Some(x) = v.strip_prefix('-') {
                exclude.push(x);
            } else {
                include.push(v.strip_prefix('+').unwrap_or(v));
            }
        }
        PlusMinus { include, exclude }
    }
    fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
    fn matches(&self, value: &str) -> bool {
        (self.include.is_empty() || self.include.contains(&value)) && !self.exclude.contains(&value)
    }
    fn matches_any(&self, values: &[&str]) -> bool {
        (self.include.is_empty() || values.iter().any(|v| self.include.contains(v)))
            && !values.iter().any(|v| self.exclude.contains(v))
    }
}

enum Route<'a> {
    Users,
    UsersCount,
    User(&'a str),
    UserOrgMemberships(&'a str),
    UserSubscription(&'a str),
    Orgs,
    Org(&'a str),
    OrgMemberships(&'a str),
    OrgInvitations(&'a str),
    OrgSubscription(&'a str),
    OrgInvitationsAll,
    OrgMembershipsAll,
    Invitations,
    Allowlist,
    Blocklist,
    Domains,
    JwtTemplates,
    JwtTemplate(&'a str),
    OauthApps,
    OauthApp(&'a str),
    RedirectUrls,
    RedirectUrl(&'a str),
    Saml,
    SamlOne(&'a str),
    Plans,
    SubItems,
    Statements,
    Statement(&'a str),
    PaymentAttempts(&'a str),
}

impl Route<'_> {
    fn needs_billing_version(&self) -> bool {
        matches!(
            self,
            Route::UserSubscription(_)
                | Route::OrgSubscription(_)
                | Route::Plans
                | Route::SubItems
                | Route::Statements
                | Route::Statement(_)
                | Route::PaymentAttempts(_)
        )
    }
}

fn route<'a>(segs: &[&'a str]) -> Option<Route<'a>> {
    Some(match segs {
        ["users"] => Route::Users,
        ["users", "count"] => Route::UsersCount,
        ["users", id] => Route::User(id),
        ["users", id, "organization_memberships"] => Route::UserOrgMemberships(id),
        ["users", id, "billing", "subscription"] => Route::UserSubscription(id),
        ["organizations"] => Route::Orgs,
        ["organizations", id] => Route::Org(id),
        ["organizations", id, "memberships"] => Route::OrgMemberships(id),
        ["organizations", id, "invitations"] => Route::OrgInvitations(id),
        ["organizations", id, "billing", "subscription"] => Route::OrgSubscription(id),
        ["organization_invitations"] => Route::OrgInvitationsAll,
        ["organization_memberships"] => Route::OrgMembershipsAll,
        ["invitations"] => Route::Invitations,
        ["allowlist_identifiers"] => Route::Allowlist,
        ["blocklist_identifiers"] => Route::Blocklist,
        ["domains"] => Route::Domains,
        ["jwt_templates"] => Route::JwtTemplates,
        ["jwt_templates", id] => Route::JwtTemplate(id),
        ["oauth_applications"] => Route::OauthApps,
        ["oauth_applications", id] => Route::OauthApp(id),
        ["redirect_urls"] => Route::RedirectUrls,
        ["redirect_urls", id] => Route::RedirectUrl(id),
        ["saml_connections"] => Route::Saml,
        ["saml_connections", id] => Route::SamlOne(id),
        ["billing", "plans"] => Route::Plans,
        ["billing", "subscription_items"] => Route::SubItems,
        ["billing", "statements"] => Route::Statements,
        ["billing", "statements", id] => Route::Statement(id),
        ["billing", "statements", id, "payment_attempts"] => Route::PaymentAttempts(id),
        _ => return None,
    })
}

fn respond(
    sh: &Shared,
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
) -> Resp {
    if let Some(r) = take_fault(sh, path) {
        return r;
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let expected = format!("Bearer {}", sh.api_key);
    if header("authorization") != Some(expected.as_str()) {
        return Resp::unauthorized();
    }
    let Some(rest) = path.strip_prefix("/v1/") else {
        return Resp::not_found();
    };
    let decoded: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false))
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let Some(r) = route(&segs) else {
        return Resp::not_found();
    };
    if method != "GET" {
        return Resp::json(
            405,
            clerk_error_body(
                "method not allowed",
                "The mock Clerk API is read-only",
                "method_not_allowed",
            ),
        );
    }
    let q = Q(query);
    if r.needs_billing_version() {
        let version = header("clerk-api-version").or_else(|| q.get("__clerk_api_version"));
        if version.is_none_or(|v| v < MIN_BILLING_API_VERSION) {
            return Resp::not_found();
        }
    }
    // Array filters accept at most 100 values per key.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (k, _) in query {
        *counts.entry(k.as_str()).or_default() += 1;
    }
    if let Some((k, _)) = counts.iter().find(|(_, &n)| n > MAX_ARRAY_VALUES) {
        return clerk_param_error(
            k,
            &format!("`{k}` accepts at most {MAX_ARRAY_VALUES} values"),
        );
    }
    match handle(sh, r, &q) {
        Ok(r) | Err(r) => r,
    }
}

fn to_json(v: &Value) -> String {
    v.to_string()
}

fn list_json(items: &[&Value]) -> String {
    serde_json::to_string(items).expect("serializing JSON")
}

fn envelope(items: &[&Value], total: usize) -> String {
    format!(
        "{{\"data\":{},\"total_count\":{}}}",
        list_json(items),
        total
    )
}

fn envelope_owned(items: &[Value], total: usize) -> String {
    format!(
        "{{\"data\":{},\"total_count\":{}}}",
        serde_json::to_string(items).expect("serializing JSON"),
        total
    )
}

fn page<T: Copy>(all: &[T], limit: usize, offset: usize) -> &[T] {
    let start = offset.min(all.len());
    let end = start.saturating_add(limit).min(all.len());
    &all[start..end]
}

/// Compare two optional JSON values: numbers numerically, strings by text, null/missing last.
fn cmp_json(a: Option<&Value>, b: Option<&Value>) -> CmpOrdering {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => CmpOrdering::Equal,
        (None, Some(_)) => CmpOrdering::Greater,
        (Some(_), None) => CmpOrdering::Less,
        (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(CmpOrdering::Equal),
            _ => match (x.as_str(), y.as_str()) {
                (Some(p), Some(q)) => p.cmp(q),
                _ => x.to_string().cmp(&y.to_string()),
            },
        },
    }
}

/// Sort `idx` (into `items`) by the JSON value at `path`. Nulls sort last ascending and first
/// descending (like Postgres); ties keep the dataset order.
fn sort_by_path(items: &[Value], idx: &mut [usize], path: &[&str], desc: bool) {
    idx.sort_by(|&a, &b| {
        let o = cmp_json(get_path(&items[a], path), get_path(&items[b], path));
        let o = if desc { o.reverse() } else { o };
        o.then(a.cmp(&b))
    });
}

/// Resolve `order_by` against the allowed `(field, json path)` pairs and sort `idx`.
fn apply_order(
    q: &Q,
    items: &[Value],
    idx: &mut [usize],
    allowed: &[(&str, &[&str])],
    default: (&'static str, bool),
) -> Result<(), Resp> {
    let (field, desc) = q.order(default);
    let Some((_, path)) = allowed.iter().find(|(f, _)| *f == field) else {
        return Err(clerk_param_error(
            "order_by",
            &format!("`order_by` cannot be `{field}`"),
        ));
    };
    sort_by_path(items, idx, path, desc);
    Ok(())
}

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    hay.to_lowercase().contains(needle_lower)
}

fn handle(sh: &Shared, r: Route, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    let all_idx = |n: usize| (0..n).collect::<Vec<usize>>();
    Ok(match r {
        Route::Users => users_list(sh, q, false)?,
        Route::UsersCount => users_list(sh, q, true)?,
        Route::User(id) => match ix.user_by_id.get(id) {
            Some(&i) => Resp::ok(to_json(&d.users[i])),
            None => Resp::not_found(),
        },
        Route::UserOrgMemberships(id) => {
            if !ix.user_by_id.contains_key(id) {
                return Ok(Resp::not_found());
            }
            let (limit, offset) = q.paging()?;
            let mut idx = ix.memberships_by_user.get(id).cloned().unwrap_or_default();
            apply_order(
                q,
                &d.organization_memberships,
                &mut idx,
                MEMBERSHIP_ORDER,
                ("created_at", true),
            )?;
            paged_envelope(&d.organization_memberships, &idx, limit, offset)
        }
        Route::UserSubscription(id) => match ix.user_sub.get(id) {
            Some(&i) if ix.user_by_id.contains_key(id) => {
                Resp::ok(to_json(&d.user_subscriptions[i].1))
            }
            _ => Resp::not_found(),
        },
        Route::Orgs => {
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
            Resp::ok(envelope_owned(&rows, idx.len()))
        }
        Route::Org(id_or_slug) => {
            let k = ix
                .org_by_id
                .get(id_or_slug)
                .or_else(|| ix.org_by_slug.get(id_or_slug));
            match k {
                Some(&k) => Resp::ok(to_json(&org_out(sh, k, q.flag("include_members_count")))),
                None => Resp::not_found(),
            }
        }
        Route::OrgMemberships(org_id) => {
            if !ix.org_by_id.contains_key(org_id) {
                return Ok(Resp::not_found());
            }
            let (limit, offset) = q.paging()?;
            let user_ids = PlusMinus::parse(q.all("user_id"));
            let roles = q.all("role");
            let after = q.int("created_at_after")?;
            let before = q.int("created_at_before")?;
            let mut idx: Vec<usize> = ix
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
            apply_order(
                q,
                &d.organization_memberships,
                &mut idx,
                MEMBERSHIP_ORDER,
                ("created_at", true),
            )?;
            paged_envelope(&d.organization_memberships, &idx, limit, offset)
        }
        Route::OrgInvitations(org_id) => {
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
            Resp::ok(envelope_owned(&rows, idx.len()))
        }
        Route::OrgSubscription(id) => match ix.org_sub.get(id) {
            Some(&i) if ix.org_by_id.contains_key(id) => {
                Resp::ok(to_json(&d.organization_subscriptions[i].1))
            }
            _ => Resp::not_found(),
        },
        Route::OrgInvitationsAll => {
            let (limit, offset) = q.paging()?;
            let status = q.get("status");
            let query = q
                .get("query")
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase);
            let mut idx: Vec<usize> = (0..d.organization_invitations.len())
                .filter(|&i| {
                    let v = &d.organization_invitations[i];
                    status.is_none_or(|s| get_str(v, "status") == Some(s))
                        && query.as_deref().is_none_or(|ql| {
                            get_str(v, "email_address").is_some_and(|e| contains_ci(e, ql))
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
            paged_envelope(&d.organization_invitations, &idx, limit, offset)
        }
        Route::OrgMembershipsAll => {
            let (limit, offset) = q.paging()?;
            let mut idx = all_idx(d.organization_memberships.len());
            apply_order(
                q,
                &d.organization_memberships,
                &mut idx,
                MEMBERSHIP_ORDER,
                ("created_at", true),
            )?;
            paged_envelope(&d.organization_memberships, &idx, limit, offset)
        }
        Route::Invitations => {
            let (limit, offset) = q.paging()?;
            let statuses = q.all("status");
            let query = q.get("query").filter(|s| !s.is_empty());
            let query_lower = query.map(str::to_lowercase);
            let mut idx: Vec<usize> = (0..d.invitations.len())
                .filter(|&i| {
                    let v = &d.invitations[i];
                    (statuses.is_empty() || statuses.contains(&get_str(v, "status").unwrap_or("")))
                        && query.is_none_or(|qs| {
                            get_str(v, "id") == Some(qs)
                                || get_str(v, "email_address").is_some_and(|e| {
                                    contains_ci(e, query_lower.as_deref().unwrap_or(""))
                                })
                        })
                })
                .collect();
            apply_order(
                q,
                &d.invitations,
                &mut idx,
                &[
                    ("created_at", &["created_at"]),
                    ("email_address", &["email_address"]),
                    ("expires_at", &["expires_at"]),
                ],
                ("created_at", true),
            )?;
            array_or_envelope(q, &d.invitations, &idx, limit, offset)
        }
        Route::Allowlist | Route::JwtTemplates | Route::RedirectUrls => {
            let list = match r {
                Route::Allowlist => &d.allowlist_identifiers,
                Route::JwtTemplates => &d.jwt_templates,
                _ => &d.redirect_urls,
            };
            let (limit, offset) = q.paging()?;
            array_or_envelope(q, list, &all_idx(list.len()), limit, offset)
        }
        Route::Blocklist => {
            let rows: Vec<&Value> = d.blocklist_identifiers.iter().collect();
            Resp::ok(envelope(&rows, rows.len()))
        }
        Route::Domains => {
            let rows: Vec<&Value> = d.domains.iter().collect();
            Resp::ok(envelope(&rows, rows.len()))
        }
        Route::JwtTemplate(id) => by_id(&d.jwt_templates, id),
        Route::OauthApp(id) => by_id(&d.oauth_applications, id),
        Route::RedirectUrl(id) => by_id(&d.redirect_urls, id),
        Route::SamlOne(id) => by_id(&d.saml_connections, id),
        Route::Statement(id) => by_id(&d.billing_statements, id),
        Route::OauthApps => {
            let (limit, offset) = q.paging()?;
            let nq = q.get("name_query").filter(|s| !s.is_empty());
            let nq_lower = nq.map(str::to_lowercase);
            let mut idx: Vec<usize> = (0..d.oauth_applications.len())
                .filter(|&i| {
                    let v = &d.oauth_applications[i];
                    nq.is_none_or(|s| {
                        get_str(v, "client_id") == Some(s)
                            || get_str(v, "name")
                                .is_some_and(|n| contains_ci(n, nq_lower.as_deref().unwrap_or("")))
                    })
                })
                .collect();
            apply_order(
                q,
                &d.oauth_applications,
                &mut idx,
                &[("created_at", &["created_at"]), ("name", &["name"])],
                ("created_at", false),
            )?;
            paged_envelope(&d.oauth_applications, &idx, limit, offset)
        }
        Route::Saml => {
            let (limit, offset) = q.paging()?;
            let orgs = PlusMinus::parse(q.all("organization_id"));
            let query = q
                .get("query")
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase);
            let mut idx: Vec<usize> = (0..d.saml_connections.len())
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
            apply_order(
                q,
                &d.saml_connections,
                &mut idx,
                &[("created_at", &["created_at"]), ("name", &["name"])],
                ("created_at", false),
            )?;
            paged_envelope(&d.saml_connections, &idx, limit, offset)
        }
        Route::Plans => {
            let (limit, offset) = q.paging()?;
            let payer = q.get("payer_type");
            if let Some(p) = payer {
                if p != "user" && p != "org" {
                    return Err(clerk_param_error(
                        "payer_type",
                        "`payer_type` must be user or org",
                    ));
                }
            }
            let idx: Vec<usize> = (0..d.billing_plans.len())
                .filter(|&i| {
                    payer.is_none_or(|p| get_str(&d.billing_plans[i], "for_payer_type") == Some(p))
                })
                .collect();
            paged_envelope(&d.billing_plans, &idx, limit, offset)
        }
        Route::SubItems => {
            let (limit, offset) = q.paging()?;
            let status = q.get("status");
            let plan_id = q.get("plan_id");
            let payer = q.get("payer_type");
            let include_free = q.flag("include_free");
            let mut idx: Vec<usize> = (0..d.billing_subscription_items.len())
                .filter(|&i| {
                    let m = &ix.items[i];
                    (include_free || !m.free)
                        && status.is_none_or(|s| {
                            if s == "free_trial" {
                                d.billing_subscription_items[i]
                                    .get("is_free_trial")
                                    .and_then(Value::as_bool)
                                    .unwrap_or(false)
                            } else {
                                m.status == s
                            }
                        })
                        && plan_id.is_none_or(|p| m.plan_id.as_deref() == Some(p))
                        && payer.is_none_or(|p| m.payer_type.as_deref() == Some(p))
                })
                .collect();
            idx.sort_by(|&a, &b| {
                ix.items[b]
                    .created_at
                    .cmp(&ix.items[a].created_at)
                    .then(a.cmp(&b))
            });
            paged_envelope(&d.billing_subscription_items, &idx, limit, offset)
        }
        Route::Statements => {
            let (limit, offset) = q.paging()?;
            let mut idx = all_idx(d.billing_statements.len());
            sort_by_path(&d.billing_statements, &mut idx, &["timestamp"], true);
            paged_envelope(&d.billing_statements, &idx, limit, offset)
        }
        Route::PaymentAttempts(stmt) => {
            if !ix.statement_by_id.contains_key(stmt) {
                return Ok(Resp::not_found());
            }
            let (limit, offset) = q.paging()?;
            let mut idx = ix
                .attempts_by_statement
                .get(stmt)
                .cloned()
                .unwrap_or_default();
            sort_by_path(&d.billing_payment_attempts, &mut idx, &["created_at"], true);
            paged_envelope(&d.billing_payment_attempts, &idx, limit, offset)
        }
    })
}

const MEMBERSHIP_ORDER: &[(&str, &[&str])] = &[
    ("created_at", &["created_at"]),
    ("first_name", &["public_user_data", "first_name"]),
    ("last_name", &["public_user_data", "last_name"]),
    ("username", &["public_user_data", "username"]),
    ("email_address", &["public_user_data", "identifier"]),
    ("phone_number", &["public_user_data", "identifier"]),
];

const INVITATION_ORDER: &[(&str, &[&str])] = &[
    ("created_at", &["created_at"]),
    ("email_address", &["email_address"]),
];

fn org_out(sh: &Shared, k: usize, with_count: bool) -> Value {
    let mut o = sh.dataset.organizations[k].clone();
    if with_count {
        if let Some(m) = o.as_object_mut() {
            m.insert("members_count".into(), json!(sh.index.members_count[k]));
        }
    }
    o
}

fn by_id(items: &[Value], id: &str) -> Resp {
    match items.iter().find(|v| get_str(v, "id") == Some(id)) {
        Some(v) => Resp::ok(to_json(v)),
        None => Resp::not_found(),
    }
}

/// Bare array, or the `{data,total_count}` envelope with `paginated=true`.
fn array_or_envelope(q: &Q, items: &[Value], idx: &[usize], limit: usize, offset: usize) -> Resp {
    if q.flag("paginated") {
        paged_envelope(items, idx, limit, offset)
    } else {
        Resp::ok(list_json(&page_rows(items, idx, limit, offset)))
    }
}

/// `{data, total_count}` for one page of the rows at `idx`.
fn paged_envelope(items: &[Value], idx: &[usize], limit: usize, offset: usize) -> Resp {
    Resp::ok(envelope(&page_rows(items, idx, limit, offset), idx.len()))
}

fn page_rows<'a>(items: &'a [Value], idx: &[usize], limit: usize, offset: usize) -> Vec<&'a Value> {
    page(idx, limit, offset)
        .iter()
        .map(|&i| &items[i])
        .collect()
}

/// Sort key of a user for `order_by`.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum UserKey<'a> {
    Int(Option<i64>),
    Str(Option<&'a str>),
}

fn user_key<'a>(m: &'a UserMeta, field: &str) -> UserKey<'a> {
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

fn cmp_user_key(a: &UserKey, b: &UserKey) -> CmpOrdering {
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

const USER_ORDER_FIELDS: [&str; 10] = [
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

fn users_list(sh: &Shared, q: &Q, count_only: bool) -> Result<Resp, Resp> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{request, HttpResponse};

    fn auth() -> Vec<(String, String)> {
        vec![
            ("Authorization".into(), format!("Bearer {DEFAULT_API_KEY}")),
            ("Clerk-API-Version".into(), "2025-11-10".into()),
        ]
    }

    fn get(m: &MockClerk, path_and_query: &str) -> HttpResponse {
        request(
            "GET",
            &format!("{}{}", m.base_url(), path_and_query),
            &auth(),
            "",
        )
        .unwrap()
    }

    fn get_json(m: &MockClerk, path_and_query: &str) -> Value {
        let r = get(m, path_and_query);
        assert_eq!(r.status, 200, "{path_and_query}: {}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }

    fn ids(v: &Value) -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn dataset_shapes_and_hard_cases() {
        let d = Dataset::generate(200);
        assert_eq!(d.users.len(), 200);
        assert_eq!(d.organizations.len(), 10);
        assert_eq!(d.invitations.len(), 23);
        assert_eq!(d.allowlist_identifiers.len(), 5);
        assert_eq!(d.blocklist_identifiers.len(), 3);
        assert_eq!(d.domains.len(), 2);
        assert_eq!(d.jwt_templates.len(), 3);
        assert_eq!(d.oauth_applications.len(), 3);
        assert_eq!(d.redirect_urls.len(), 4);
        assert_eq!(d.saml_connections.len(), 2);
        assert_eq!(d.billing_plans.len(), 4);
        assert_eq!(d.billing_statements.len(), 3);
        assert_eq!(d.billing_payment_attempts.len(), 5);
        assert_eq!(d.user_subscriptions.len(), 67);
        assert_eq!(d.organization_subscriptions.len(), 5);
        assert_eq!(d.billing_subscription_items.len(), 72);
        assert_eq!(d.organization_invitations.len(), 20);

        // Ids are unique and follow the documented scheme.
        let mut seen = std::collections::HashSet::new();
        for u in &d.users {
            assert!(seen.insert(u["id"].as_str().unwrap().to_string()));
            for e in u["email_addresses"].as_array().unwrap() {
                assert!(seen.insert(e["id"].as_str().unwrap().to_string()));
            }
            for p in u["phone_numbers"].as_array().unwrap() {
                assert!(seen.insert(p["id"].as_str().unwrap().to_string()));
            }
        }
        assert_eq!(d.users[42]["id"], "user_000000000000000000000000042");
        // created_at strictly increasing.
        for w in d.users.windows(2) {
            assert!(w[0]["created_at"].as_i64() < w[1]["created_at"].as_i64());
        }
        for (i, u) in d.users.iter().enumerate() {
            let t = UserTraits::of(i);
            assert_eq!(u["created_at"].as_i64(), Some(user_created_at(i)));
            assert_eq!(u["banned"].as_bool(), Some(t.banned));
            let emails = u["email_addresses"].as_array().unwrap();
            assert_eq!(emails.len(), t.email_count);
            if t.primary_email_is_second {
                assert_eq!(u["primary_email_address_id"], emails[1]["id"]);
            }
            if t.email_count == 0 {
                assert!(u["primary_email_address_id"].is_null());
            }
            assert_eq!(u.get("locale").is_none(), t.locale_kind == 0);
            assert_eq!(u.get("private_metadata").is_some(), t.has_private_metadata);
            assert_eq!(u["last_active_at"].is_null(), t.last_active_at_null);
            assert_eq!(u["primary_phone_number_id"].is_null(), !t.has_phone);
            if t.plus_email {
                assert!(emails[0]["email_address"].as_str().unwrap().contains('+'));
            }
        }
        assert_eq!(d.users[2]["first_name"], "Zoë");
        assert_eq!(d.users[5]["first_name"], "Ünïcødé 🚀");
        assert!(d.users[12]["first_name"].is_null());

        for o in &d.organizations {
            assert!(o.get("members_count").is_none());
        }
        assert!(d.organizations[2].get("image_url").is_none());
        for m in &d.organization_memberships {
            assert!(m.get("user_id").is_none() && m.get("organization_id").is_none());
            assert!(m["organization"]["id"].is_string());
            assert!(m["public_user_data"]["user_id"].is_string());
        }
        for (_, s) in d
            .user_subscriptions
            .iter()
            .chain(&d.organization_subscriptions)
        {
            assert!(s.get("user_id").is_none() && s.get("organization_id").is_none());
            assert!(s["payer_id"].is_string());
            assert_eq!(s["subscription_items"].as_array().unwrap().len(), 1);
        }
        assert!(d
            .billing_subscription_items
            .iter()
            .any(|it| it["proration_date"].as_str().is_some_and(|s| s.len() == 10)));
        assert!(d.billing_plans.iter().any(|p| p["fee"].is_null()));
        assert!(d.billing_plans.iter().any(|p| p["fee"]["amount"] == 0));
        assert!(d
            .billing_statements
            .iter()
            .all(|s| s.get("created_at").is_none()));
        assert_eq!(ymd_from_ms(BASE_TIME_MS), "2023-11-14");
        assert_eq!(ymd_from_ms(951_782_400_000), "2000-02-29");

        // Deterministic.
        let again = Dataset::generate(200);
        assert_eq!(again.users, d.users);
        assert_eq!(
            again.billing_subscription_items,
            d.billing_subscription_items
        );
    }

    #[test]
    fn users_bare_array_and_cursor() {
        let m = MockClerk::start(Dataset::generate(50));
        let page1 = get_json(&m, "/users?limit=20");
        let ids1 = ids(&page1);
        assert_eq!(ids1.len(), 20);
        assert_eq!(ids1[0], mock_id("user", 49)); // newest first
        assert_eq!(ids1[19], mock_id("user", 30));
        // paginated=true does not change the shape for /users.
        let p = get_json(&m, "/users?limit=5&paginated=true");
        assert!(p.is_array());

        let page2 = get_json(&m, &format!("/users?limit=20&starting_after={}", ids1[19]));
        assert_eq!(ids(&page2)[0], mock_id("user", 29));
        let page3 = get_json(
            &m,
            &format!("/users?limit=20&starting_after={}", mock_id("user", 10)),
        );
        assert_eq!(ids(&page3).len(), 10);
        let asc = get_json(
            &m,
            &format!(
                "/users?limit=3&order_by=%2Bcreated_at&starting_after={}",
                mock_id("user", 10)
            ),
        );
        assert_eq!(
            ids(&asc),
            vec![
                mock_id("user", 11),
                mock_id("user", 12),
                mock_id("user", 13)
            ]
        );
        // Unencoded `+` arrives as a space and still means ascending.
        let asc2 = get_json(&m, "/users?limit=1&order_by=+created_at");
        assert_eq!(ids(&asc2), vec![mock_id("user", 0)]);

        for bad in [
            format!("/users?starting_after={}&offset=10", ids1[0]),
            format!("/users?starting_after={}&order_by=-updated_at", ids1[0]),
            "/users?starting_after=user_nope".to_string(),
            "/users?limit=501".to_string(),
            "/users?limit=0".to_string(),
            "/users?limit=abc".to_string(),
            "/users?offset=-1".to_string(),
            "/users?order_by=password".to_string(),
            "/users?banned=maybe".to_string(),
        ] {
            let r = get(&m, &bad);
            assert_eq!(r.status, 422, "{bad}: {}", r.body);
            let v: Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(v["errors"][0]["code"], "form_param_value_invalid");
        }
        // Offset paging.
        let off = get_json(&m, "/users?limit=2&offset=48");
        assert_eq!(ids(&off), vec![mock_id("user", 1), mock_id("user", 0)]);
        let past = get_json(&m, "/users?limit=2&offset=500");
        assert_eq!(past, json!([]));
        // Default limit is 10.
        assert_eq!(get_json(&m, "/users").as_array().unwrap().len(), 10);
        // limit=500 is fine.
        assert_eq!(
            get_json(&m, "/users?limit=500").as_array().unwrap().len(),
            50
        );

        let reqs = m.requests();
        assert_eq!(reqs[0].path, "/v1/users");
        assert_eq!(reqs[0].param("limit"), Some("20"));
        assert_eq!(reqs[0].status, 200);
        assert_eq!(reqs[0].header("clerk-api-version"), Some("2025-11-10"));
        assert!(m.bytes_sent() > 1000);
    }

    #[test]
    fn users_filters() {
        let m = MockClerk::start(Dataset::generate(60));
        let d = m.dataset();
        // email_address matches non-primary addresses, case-insensitively; `%2B` is a plus.
        let u1 = &d.users[1];
        let secondary = u1["email_addresses"][0]["email_address"].as_str().unwrap();
        let r = get_json(
            &m,
            &format!("/users?email_address={}", secondary.to_uppercase()),
        );
        assert_eq!(ids(&r), vec![mock_id("user", 1)]);
        let plus = d.users[3]["email_addresses"][0]["email_address"]
            .as_str()
            .unwrap();
        assert!(plus.contains('+'));
        let r = get_json(
            &m,
            &format!("/users?email_address={}", plus.replace('+', "%2B")),
        );
        assert_eq!(ids(&r), vec![mock_id("user", 3)]);
        let r = get_json(&m, &format!("/users?email_address={}", plus));
        assert_eq!(r, json!([]), "unencoded + decodes to a space");

        // Repeated keys.
        let r = get_json(
            &m,
            &format!(
                "/users?user_id={}&user_id={}&user_id=user_missing",
                mock_id("user", 4),
                mock_id("user", 9)
            ),
        );
        assert_eq!(ids(&r), vec![mock_id("user", 9), mock_id("user", 4)]);
        let r = get_json(&m, "/users?banned=true&limit=100");
        assert_eq!(ids(&r).len(), 9); // 0,7,...,56
        assert!(r.as_array().unwrap().iter().all(|u| u["banned"] == true));
        let r = get_json(&m, "/users?username=user5&external_id=ext-5");
        assert_eq!(ids(&r), vec![mock_id("user", 5)]);
        let r = get_json(&m, "/users?external_id=ext-4");
        assert_eq!(r, json!([]));
        // Strict time bounds.
        let c10 = user_created_at(10);
        let c13 = user_created_at(13);
        let r = get_json(
            &m,
            &format!("/users?created_at_after={c10}&created_at_before={c13}"),
        );
        assert_eq!(ids(&r), vec![mock_id("user", 12), mock_id("user", 11)]);
        let r = get_json(&m, "/users?last_active_at_after=0&limit=500");
        assert_eq!(ids(&r).len(), 50); // 10 of 60 have null last_active_at

        let count = get_json(&m, "/users/count?banned=false");
        assert_eq!(count, json!({"object": "total_count", "total_count": 51}));
        // More than 100 values for one key.
        let many: String = (0..101).map(|i| format!("user_id=u{i}&")).collect();
        assert_eq!(get(&m, &format!("/users?{many}")).status, 422);
        // Decoded query recorded.
        let last = m
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.param("email_address").is_some())
            .unwrap();
        assert!(last.param("email_address").unwrap().contains(' '));
    }

    #[test]
    fn auth_versions_and_unknown_routes() {
        let m = MockClerk::start_with_key(Dataset::generate(10), "sk_test_other");
        let r = request("GET", &format!("{}/users", m.base_url()), &[], "").unwrap();
        assert_eq!(r.status, 401);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["errors"][0]["code"], "authentication_invalid");
        assert_eq!(v["clerk_trace_id"], "trace_mock");
        let r = get(&m, "/users"); // sk_test_mock is wrong here
        assert_eq!(r.status, 401);
        let good = vec![(
            "Authorization".to_string(),
            "Bearer sk_test_other".to_string(),
        )];
        let r = request("GET", &format!("{}/users?limit=1", m.base_url()), &good, "").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/json"));

        let m = MockClerk::start(Dataset::generate(10));
        for p in [
            "/nope",
            "/allowlist_identifiers/alid_000000000000000000000000000",
            "/domains/dmn_000000000000000000000000000",
            "/invitations/inv_000000000000000000000000000",
            "/users/user_missing",
            "/organizations/org_missing/memberships",
        ] {
            let r = get(&m, p);
            assert_eq!(r.status, 404, "{p}");
            let v: Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(v["errors"][0]["code"], "resource_not_found");
        }
        let old = vec![
            (
                "Authorization".to_string(),
                "Bearer sk_test_mock".to_string(),
            ),
            ("Clerk-API-Version".to_string(), "2021-02-05".to_string()),
        ];
        let url = format!("{}/billing/plans", m.base_url());
        assert_eq!(request("GET", &url, &old, "").unwrap().status, 404);
        assert_eq!(request("GET", &url, &old[..1], "").unwrap().status, 404);
        assert_eq!(get(&m, "/billing/plans").status, 200);
        let r = request(
            "GET",
            &format!("{url}?__clerk_api_version=2026-05-12"),
            &old[..1],
            "",
        )
        .unwrap();
        assert_eq!(r.status, 200);
    }

    #[test]
    fn shapes_of_other_lists() {
        let m = MockClerk::start(Dataset::generate(100));
        // Bare array unless paginated=true.
        for p in [
            "/allowlist_identifiers",
            "/invitations",
            "/jwt_templates",
            "/redirect_urls",
        ] {
            let bare = get_json(&m, &format!("{p}?limit=2"));
            assert_eq!(bare.as_array().unwrap().len(), 2, "{p}");
            let env = get_json(&m, &format!("{p}?limit=2&paginated=true"));
            assert_eq!(env["data"].as_array().unwrap().len(), 2, "{p}");
            assert!(env["total_count"].as_u64().unwrap() >= 3, "{p}");
        }
        // Always envelope.
        for p in [
            "/organizations",
            "/organization_invitations",
            "/organization_memberships",
            "/oauth_applications",
            "/saml_connections",
            "/billing/plans",
            "/billing/subscription_items",
            "/billing/statements",
        ] {
            let env = get_json(&m, &format!("{p}?limit=1"));
            assert!(env["data"].is_array(), "{p}");
            assert!(env["total_count"].is_u64(), "{p}");
        }
        // Blocklist and domains ignore paging entirely.
        let b = get_json(&m, "/blocklist_identifiers?limit=1&offset=2");
        assert_eq!(b["data"].as_array().unwrap().len(), 3);
        assert_eq!(b["total_count"], 3);
        let dm = get_json(&m, "/domains?offset=100&limit=999");
        assert_eq!(dm["data"].as_array().unwrap().len(), 2);
        assert!(dm["data"][1]["accounts_portal_url"].is_null());

        // Organizations: members_count only when asked; by id or slug.
        let o = get_json(&m, "/organizations?limit=500");
        assert_eq!(o["total_count"], 5);
        assert!(o["data"][0].get("members_count").is_none());
        assert_eq!(o["data"][0]["id"], mock_id("org", 4)); // newest first
        let o = get_json(&m, "/organizations?include_members_count=true&organization_id=org_000000000000000000000000003");
        assert_eq!(o["data"][0]["members_count"], 4);
        let o = get_json(&m, "/organizations/acme-corp");
        assert_eq!(o["id"], mock_id("org", 0));
        let o = get_json(&m, "/organizations?query=ZÜRICH");
        assert_eq!(ids(&o["data"]), vec![mock_id("org", 1)]);

        // Per-org and per-user lists.
        let mem = get_json(
            &m,
            &format!("/organizations/{}/memberships?limit=500", mock_id("org", 4)),
        );
        assert_eq!(mem["total_count"], 5);
        let uid = mem["data"][0]["public_user_data"]["user_id"]
            .as_str()
            .unwrap()
            .to_string();
        let one = get_json(
            &m,
            &format!(
                "/organizations/{}/memberships?user_id={uid}",
                mock_id("org", 4)
            ),
        );
        assert_eq!(one["total_count"], 1);
        let um = get_json(&m, &format!("/users/{uid}/organization_memberships"));
        assert!(um["total_count"].as_u64().unwrap() >= 1);
        let inv = get_json(
            &m,
            &format!("/organizations/{}/invitations", mock_id("org", 0)),
        );
        assert_eq!(inv["total_count"], 2);
        assert!(inv["data"][0].get("public_organization_data").is_none());
        let all = get_json(&m, "/organization_invitations?status=pending&limit=500");
        assert!(all["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "pending" && i["public_organization_data"].is_object()));

        // Invitations filters.
        let r = get_json(&m, "/invitations?status=expired&paginated=true&limit=500");
        assert_eq!(r["total_count"], 3);
        let r = get_json(&m, &format!("/invitations?query={}", mock_id("inv", 7)));
        assert_eq!(ids(&r), vec![mock_id("inv", 7)]);

        // OAuth apps: oldest first, name_query.
        let r = get_json(&m, "/oauth_applications");
        assert_eq!(r["data"][0]["id"], mock_id("oa", 0));
        assert!(r["data"][0]["scopes"].is_string());
        let r = get_json(&m, "/oauth_applications?name_query=client_mock0002");
        assert_eq!(ids(&r["data"]), vec![mock_id("oa", 2)]);

        // Billing.
        let plans = get_json(&m, "/billing/plans?payer_type=org");
        assert_eq!(plans["total_count"], 2);
        let items = get_json(&m, "/billing/subscription_items?limit=500");
        let with_free = get_json(
            &m,
            "/billing/subscription_items?limit=500&include_free=true",
        );
        assert!(items["total_count"].as_u64() < with_free["total_count"].as_u64());
        assert_eq!(
            with_free["total_count"].as_u64().unwrap() as usize,
            m.dataset().billing_subscription_items.len()
        );
        let r = get_json(
            &m,
            &format!(
                "/billing/statements/{}/payment_attempts",
                mock_id("stmt", 2)
            ),
        );
        assert_eq!(r, json!({"data": [], "total_count": 0}));
        let r = get_json(
            &m,
            &format!(
                "/billing/statements/{}/payment_attempts",
                mock_id("stmt", 0)
            ),
        );
        assert_eq!(r["total_count"], 3);
        assert_eq!(
            get(&m, "/billing/statements/stmt_nope/payment_attempts").status,
            404
        );
        let s = get_json(
            &m,
            &format!("/users/{}/billing/subscription", mock_id("user", 3)),
        );
        assert_eq!(s["object"], "commerce_subscription");
        assert_eq!(
            get(
                &m,
                &format!("/users/{}/billing/subscription", mock_id("user", 4))
            )
            .status,
            404
        );
        let s = get_json(
            &m,
            &format!("/organizations/{}/billing/subscription", mock_id("org", 2)),
        );
        assert_eq!(s["object"], "commerce_subscription");
        assert_eq!(
            get(
                &m,
                &format!("/organizations/{}/billing/subscription", mock_id("org", 1))
            )
            .status,
            404
        );

        // By-id routes.
        for (p, id) in [
            ("jwt_templates", mock_id("jtmp", 1)),
            ("oauth_applications", mock_id("oa", 1)),
            ("redirect_urls", mock_id("ru", 1)),
            ("saml_connections", mock_id("samlc", 1)),
            ("billing/statements", mock_id("stmt", 1)),
            ("users", mock_id("user", 7)),
        ] {
            assert_eq!(get_json(&m, &format!("/{p}/{id}"))["id"], id.as_str());
            assert_eq!(get(&m, &format!("/{p}/x_missing")).status, 404);
        }
    }

    #[test]
    fn faults() {
        let m = MockClerk::start(Dataset::generate(10));
        m.push_fault(Fault::rate_limited("/v1/users", "2", 2));
        m.push_fault(Fault::body("/v1/organizations", 200, "{not json", 1));
        m.push_fault(Fault::status("/v1/invitations", 503, 1));
        for _ in 0..2 {
            let r = get(&m, "/users?limit=1");
            assert_eq!(r.status, 429);
            assert_eq!(r.header("retry-after"), Some("2"));
        }
        assert_eq!(get(&m, "/users?limit=1").status, 200);
        let r = get(&m, "/organizations");
        assert_eq!((r.status, r.body.as_str()), (200, "{not json"));
        assert_eq!(get(&m, "/organizations").status, 200);
        // Faults apply before auth.
        let r = request("GET", &format!("{}/invitations", m.base_url()), &[], "").unwrap();
        assert_eq!(r.status, 503);
        let statuses: Vec<u16> = m.requests().iter().map(|r| r.status).collect();
        assert_eq!(statuses, vec![429, 429, 200, 200, 200, 503]);
        m.clear_requests();
        assert!(m.requests().is_empty());
    }

    #[test]
    fn tiny_datasets() {
        for n in [0, 1, 2] {
            let d = Dataset::generate(n);
            assert_eq!(d.users.len(), n);
            assert_eq!(d.organizations.len(), 3);
            assert_eq!(d.billing_statements.len(), 3);
            let m = MockClerk::start(d);
            assert_eq!(get_json(&m, "/users").as_array().unwrap().len(), n);
            let orgs = get_json(&m, "/organizations?include_members_count=true");
            assert_eq!(orgs["total_count"], 3);
            let members: u64 = orgs["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["members_count"].as_u64().unwrap())
                .sum();
            assert_eq!(members as usize, m.dataset().organization_memberships.len());
            assert_eq!(get(&m, "/billing/statements").status, 200);
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a+b%2Bc%20d%zz%4", true), "a b+c d%zz%4");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("%C3%BC", true), "ü");
        assert_eq!(
            parse_query("a=1&a=2&b=&c&d=x%3Dy"),
            vec![
                ("a".into(), "1".into()),
                ("a".into(), "2".into()),
                ("b".into(), "".into()),
                ("c".into(), "".into()),
                ("d".into(), "x=y".into())
            ]
        );
    }

    /// Scale smoke test (slow; ~1.7 GB RSS):
    /// `cargo test -p clerk-fdw-testhost --lib -- --ignored --nocapture large_dataset`.
    #[test]
    #[ignore]
    fn large_dataset_cursor_scan() {
        let t = std::time::Instant::now();
        let m = MockClerk::start(Dataset::generate(100_000));
        eprintln!("generate + index 100k users: {:?}", t.elapsed());
        let t = std::time::Instant::now();
        let mut cursor: Option<String> = None;
        let mut seen = 0;
        loop {
            let path = match &cursor {
                Some(c) => format!("/users?limit=500&starting_after={c}"),
                None => "/users?limit=500".to_string(),
            };
            let page = ids(&get_json(&m, &path));
            seen += page.len();
            if page.len() < 500 {
                break;
            }
            cursor = page.last().cloned();
        }
        assert_eq!(seen, 100_000);
        assert_eq!(m.requests().len(), 201);
        eprintln!("cursor scan: {:?}, {} bytes", t.elapsed(), m.bytes_sent());
        let t = std::time::Instant::now();
        let r = get_json(
            &m,
            "/users?limit=500&offset=99000&email_address=nobody@example.com",
        );
        assert_eq!(r, json!([]));
        eprintln!("filtered request: {:?}", t.elapsed());
    }
}
