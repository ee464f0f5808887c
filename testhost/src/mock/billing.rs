//! Billing reads: plans, prices, subscription items, statements and payment attempts.

use super::api::{body, clerk_param_error, form_error, now_ms, time_field, Fields, Resp, Q};
use super::dataset::Dataset;
use super::lists::{all_indexes, array_or_envelope, paged_envelope, sort_by_path};
use super::records::{get_str, mock_id, money};
use super::store::Data;

use serde_json::{json, Value};

/// `GET /billing/plans`.
pub(crate) fn plans(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
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
    Ok(paged_envelope(&d.billing_plans, &idx, limit, offset))
}

/// `GET /billing/subscription_items`.
pub(crate) fn subscription_items(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
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
    Ok(paged_envelope(
        &d.billing_subscription_items,
        &idx,
        limit,
        offset,
    ))
}

/// `GET /billing/statements`.
pub(crate) fn statements(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let mut idx = all_indexes(d.billing_statements.len());
    sort_by_path(&d.billing_statements, &mut idx, &["timestamp"], true);
    Ok(paged_envelope(&d.billing_statements, &idx, limit, offset))
}

/// `GET /billing/statements/{id}/payment_attempts`.
pub(crate) fn payment_attempts(sh: &Data, q: &Q, stmt: &str) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
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
    Ok(paged_envelope(
        &d.billing_payment_attempts,
        &idx,
        limit,
        offset,
    ))
}

/// `GET /billing/prices`.
pub(crate) fn prices(sh: &Data, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let (limit, offset) = q.paging()?;
    let plan = q.get("plan_id");
    let idx: Vec<usize> = (0..d.billing_prices.len())
        .filter(|&i| plan.is_none_or(|p| get_str(&d.billing_prices[i], "plan_id") == Some(p)))
        .collect();
    Ok(array_or_envelope(q, &d.billing_prices, &idx, limit, offset))
}

/// `DELETE /billing/subscription_items/{id}`: without `end_now`, canceled at the end of
/// the current period, so the item stays, `canceled` with `canceled_at` set; with
/// `end_now=true`, ended now (`ended`, `ended_at`), a canceled item too. An item that has
/// ended, or was canceled already without `end_now`, is refused.
pub(crate) fn cancel_subscription_item(data: &mut Data, id: &str, q: &Q) -> Result<Resp, Resp> {
    let end_now = q.bool_opt("end_now")?.unwrap_or(false);
    let list = &mut data.dataset.billing_subscription_items;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    if matches!(
        get_str(&list[i], "status"),
        Some("canceled" | "ended" | "expired")
    ) && !(end_now && get_str(&list[i], "status") == Some("canceled"))
    {
        return Err(form_error(
            422,
            "subscription_item_not_active",
            "not active",
            "The subscription item is not active.",
            None,
        ));
    }
    let now = now_ms();
    list[i]["status"] = json!(if end_now { "ended" } else { "canceled" });
    list[i]["canceled_at"] = json!(now);
    if end_now {
        list[i]["ended_at"] = json!(now);
    }
    list[i]["updated_at"] = json!(now);
    Ok(Resp::ok(list[i].to_string()))
}

const EXTEND_TRIAL: Fields = Fields(&["extend_to*"]);

/// `POST /billing/subscription_items/{id}/extend_free_trial`: only an item in a free
/// trial; `extend_to` in the future and at most 365 days away (the spec). The trial ends
/// then: the item's `period_end`.
pub(crate) fn extend_free_trial(data: &mut Data, id: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &EXTEND_TRIAL, true)?;
    let to = time_field(&map, "extend_to")?.unwrap_or_default();
    let list = &mut data.dataset.billing_subscription_items;
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    if list[i]["is_free_trial"] != true {
        return Err(form_error(
            400,
            "subscription_item_not_in_free_trial",
            "not in a free trial",
            "The subscription item is not in a free trial period.",
            None,
        ));
    }
    let now = now_ms();
    if to <= now || to > now + 365 * 24 * 3_600_000 {
        return Err(clerk_param_error(
            "extend_to",
            "extend_to must be in the future and at most 365 days from now.",
        ));
    }
    list[i]["period_end"] = json!(to);
    list[i]["updated_at"] = json!(now);
    Ok(Resp::ok(list[i].to_string()))
}

/// `GET /users/{id}/billing/credits`, `/organizations/{id}/billing/credits`: the payer's
/// balance, null when it never had credits; 404 for an unknown payer.
pub(crate) fn credits(sh: &Data, payer: &str) -> Resp {
    let d = &sh.dataset;
    if !is_payer(d, payer) {
        return Resp::not_found();
    }
    let balance = d
        .credits
        .iter()
        .find(|(p, _)| p == payer)
        .map_or(Value::Null, |(_, b)| b.clone());
    Resp::ok(json!({"object": "commerce_credit_balance", "balance": balance}).to_string())
}

const CREDIT_ADJUST: Fields =
    Fields(&["amount*", "action*", "currency", "idempotency_key*", "note"]);

/// `POST /users/{id}/billing/credits`, `/organizations/{id}/billing/credits`: one ledger
/// entry that increases or decreases the balance by `amount` cents (more than zero). A
/// repeated `idempotency_key` answers the original entry and changes nothing; the same key
/// with other parameters is a 409.
pub(crate) fn adjust_credits(data: &mut Data, payer: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &CREDIT_ADJUST, true)?;
    let d = &mut data.dataset;
    if !is_payer(d, payer) {
        return Err(Resp::not_found());
    }
    let amount = map["amount"].as_i64().filter(|a| *a > 0).ok_or_else(|| {
        clerk_param_error("amount", "amount must be a whole number greater than zero.")
    })?;
    let sign = match map["action"].as_str() {
        Some("increase") => 1,
        Some("decrease") => -1,
        _ => {
            return Err(clerk_param_error(
                "action",
                "action must be increase or decrease.",
            ))
        }
    };
    let key = map["idempotency_key"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let request = Value::Object(map.clone());
    if let Some((_, entry, sent)) = d.credit_ledger.iter().find(|(k, _, _)| *k == key) {
        if *sent != request {
            return Err(form_error(
                409,
                "idempotency_key_conflict",
                "conflict",
                "This idempotency key was used with other parameters.",
                Some("idempotency_key"),
            ));
        }
        return Ok(Resp::ok(entry.to_string()));
    }
    let change = sign * amount;
    let at = d.credits.iter().position(|(p, _)| p == payer);
    let old = at.map_or(0, |i| d.credits[i].1["amount"].as_i64().unwrap_or(0));
    let balance = money(old + change);
    match at {
        Some(i) => d.credits[i].1 = balance,
        None => d.credits.push((payer.to_string(), balance)),
    }
    let n = d.credit_ledger.len();
    let entry = json!({
        "object": "commerce_credit_ledger", "id": mock_id("ccl", n), "payer_id": payer,
        "amount": money(change), "source_type": "grant", "source_id": mock_id("cgr", n),
        "note": map.get("note").cloned().unwrap_or(Value::Null),
        "created_at": chrono::Utc::now().to_rfc3339(),
    });
    d.credit_ledger.push((key, entry.clone(), request));
    Ok(Resp::ok(entry.to_string()))
}

/// Whether `id` is a user or an organization, the payers credits belong to.
fn is_payer(d: &Dataset, id: &str) -> bool {
    d.user_index(id).is_some() || Data::find(&d.organizations, id).is_some()
}
