//! `GET /users` and `/users/count`: filters, ordering and paging over the user index.

use super::*;

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
