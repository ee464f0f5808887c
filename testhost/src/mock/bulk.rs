//! Clerk's bulk endpoints: many creations (`POST …/bulk`) or one action for many users
//! (`POST /users/ban`, `/users/unban`) in one request, with the spec's limits. The mock
//! applies a bulk request all or nothing, as the component's messages assume.

use super::api::{body, form_error, Fields, Resp};
use super::dataset::Dataset;
use super::store::Data;
use super::users::user_action;
use serde_json::Value;

/// A body that is not an array of 1 to `max` elements.
fn bad_size(max: usize) -> Resp {
    form_error(
        422,
        "form_param_invalid",
        "is invalid",
        &format!("The request must hold between 1 and {max} items."),
        None,
    )
}

/// `POST …/bulk`: each element created as `one` creates it, in order; when one is refused,
/// the ones before it are taken back and its error is the answer. Duplicate email
/// addresses in one request are refused (the spec says so for the waitlist; Clerk's single
/// creations refuse a second pending invitation too).
pub(crate) fn create(
    data: &mut Data,
    text: &str,
    max: usize,
    list: fn(&mut Dataset) -> &mut Vec<Value>,
    one: impl Fn(&mut Data, &str) -> Result<Resp, Resp>,
) -> Result<Resp, Resp> {
    let items = match serde_json::from_str(text) {
        Ok(Value::Array(items)) if (1..=max).contains(&items.len()) => items,
        _ => return Err(bad_size(max)),
    };
    let mut emails: Vec<String> = items
        .iter()
        .filter_map(|i| Some(i.get("email_address")?.as_str()?.to_lowercase()))
        .collect();
    emails.sort();
    if emails.windows(2).any(|w| w[0] == w[1]) {
        return Err(form_error(
            422,
            "duplicate_record",
            "duplicate",
            "The request holds the same email address twice.",
            Some("email_address"),
        ));
    }
    let before = list(&mut data.dataset).len();
    let mut created = Vec::new();
    for item in &items {
        match one(data, &item.to_string()) {
            Ok(r) => created.push(serde_json::from_str::<Value>(&r.body).expect("mock JSON")),
            Err(e) => {
                list(&mut data.dataset).truncate(before);
                return Err(e);
            }
        }
    }
    Ok(Resp::ok(Value::Array(created).to_string()))
}

const USER_IDS: Fields = Fields(&["user_ids*[]"]);

/// `POST /users/ban` or `/users/unban` (`{"user_ids": [...]}`, 1 to 50): every id must be
/// a user, or nothing changes; the users as they are after.
pub(crate) fn ban(data: &mut Data, action: &str, text: &str) -> Result<Resp, Resp> {
    let map = body(text, &USER_IDS, true)?;
    let ids: Vec<&str> = map["user_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !(1..=50).contains(&ids.len()) {
        return Err(bad_size(50));
    }
    if ids
        .iter()
        .any(|id| Data::find(&data.dataset.users, id).is_none())
    {
        return Err(Resp::not_found());
    }
    let mut users = Vec::new();
    for id in ids {
        let r = user_action(data, id, action, "")?;
        users.push(serde_json::from_str::<Value>(&r.body).expect("mock JSON"));
    }
    Ok(Resp::ok(Value::Array(users).to_string()))
}
