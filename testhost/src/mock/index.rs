//! Precomputed lookups over the dataset, so filtering a page never walks every object.

use super::dataset::Dataset;
use super::records::{get_i64, get_path, get_str};
use serde_json::Value;
use std::collections::HashMap;

/// Precomputed facts about one user, for filtering without walking JSON.
pub(crate) struct UserMeta {
    pub(crate) id: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) last_active_at: Option<i64>,
    pub(crate) last_sign_in_at: Option<i64>,
    pub(crate) banned: bool,
    pub(crate) emails_lower: Vec<String>,
    pub(crate) primary_email_lower: Option<String>,
    pub(crate) phones: Vec<String>,
    pub(crate) web3: Vec<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) username: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    /// Indexes into `organizations`.
    pub(crate) orgs: Vec<usize>,
}

pub(crate) struct ItemMeta {
    pub(crate) status: String,
    pub(crate) plan_id: Option<String>,
    pub(crate) payer_type: Option<String>,
    pub(crate) free: bool,
    pub(crate) created_at: i64,
}

pub(crate) struct Index {
    pub(crate) users: Vec<UserMeta>,
    /// User indexes sorted by (created_at, id) descending: the default `-created_at` order.
    pub(crate) users_desc: Vec<usize>,
    /// Position of each user in `users_desc`.
    pub(crate) user_pos_desc: Vec<usize>,
    pub(crate) user_by_id: HashMap<String, usize>,
    pub(crate) org_by_id: HashMap<String, usize>,
    pub(crate) org_by_slug: HashMap<String, usize>,
    pub(crate) members_count: Vec<usize>,
    pub(crate) memberships_by_org: HashMap<String, Vec<usize>>,
    pub(crate) memberships_by_user: HashMap<String, Vec<usize>>,
    pub(crate) org_invitations_by_org: HashMap<String, Vec<usize>>,
    pub(crate) user_sub: HashMap<String, usize>,
    pub(crate) org_sub: HashMap<String, usize>,
    pub(crate) statement_by_id: HashMap<String, usize>,
    pub(crate) attempts_by_statement: HashMap<String, Vec<usize>>,
    pub(crate) items: Vec<ItemMeta>,
}

pub(crate) fn opt_string(v: &Value, key: &str) -> Option<String> {
    get_str(v, key).map(str::to_string)
}

impl Index {
    pub(crate) fn build(d: &Dataset) -> Index {
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
