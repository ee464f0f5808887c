//! What every mock endpoint shares: the response, the query string, Clerk's error bodies,
//! and the checks of a write's body against the fields the spec allows.

use serde_json::json;
use serde_json::Map;
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

use super::records::MAX_LIMIT;
use super::store::Data;

pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Resp {
    pub(crate) fn json(status: u16, body: String) -> Resp {
        Resp {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }
    pub(crate) fn ok(body: String) -> Resp {
        Resp::json(200, body)
    }
    pub(crate) fn not_found() -> Resp {
        Resp::json(
            404,
            clerk_error_body("not found", "Resource not found", "resource_not_found"),
        )
    }
    pub(crate) fn unauthorized() -> Resp {
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

/// Query-string accessor.
pub(crate) struct Q<'a>(pub(crate) &'a [(String, String)]);

impl<'a> Q<'a> {
    pub(crate) fn get(&self, k: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn all(&self, k: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub(crate) fn flag(&self, k: &str) -> bool {
        self.get(k)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }
    pub(crate) fn int(&self, k: &str) -> Result<Option<i64>, Resp> {
        match self.get(k) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| clerk_param_error(k, &format!("`{k}` must be an integer"))),
        }
    }
    pub(crate) fn bool_opt(&self, k: &str) -> Result<Option<bool>, Resp> {
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
    pub(crate) fn paging(&self) -> Result<(usize, usize), Resp> {
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
    pub(crate) fn order(&self, default: (&'static str, bool)) -> (String, bool) {
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
pub(crate) struct PlusMinus<'a> {
    pub(crate) include: Vec<&'a str>,
    pub(crate) exclude: Vec<&'a str>,
}

impl<'a> PlusMinus<'a> {
    pub(crate) fn parse(values: Vec<&'a str>) -> PlusMinus<'a> {
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
    pub(crate) fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
    pub(crate) fn matches(&self, value: &str) -> bool {
        (self.include.is_empty() || self.include.contains(&value)) && !self.exclude.contains(&value)
    }
    pub(crate) fn matches_any(&self, values: &[&str]) -> bool {
        (self.include.is_empty() || values.iter().any(|v| self.include.contains(v)))
            && !values.iter().any(|v| self.exclude.contains(v))
    }
}

pub(crate) fn clerk_error_body(message: &str, long_message: &str, code: &str) -> String {
    json!({
        "errors": [{"message": message, "long_message": long_message, "code": code}],
        "clerk_trace_id": "trace_mock",
    })
    .to_string()
}

pub(crate) fn clerk_param_error(param: &str, long_message: &str) -> Resp {
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

pub(crate) fn form_error(
    status: u16,
    code: &str,
    message: &str,
    long: &str,
    param: Option<&str>,
) -> Resp {
    let mut e = json!({"message": message, "long_message": long, "code": code});
    if let Some(p) = param {
        e["meta"] = json!({"param_name": p});
    }
    Resp::json(
        status,
        json!({"errors": [e], "clerk_trace_id": "trace_mock"}).to_string(),
    )
}

pub(crate) fn taken(param: &str, what: &str) -> Resp {
    form_error(
        422,
        "form_identifier_exists",
        "is taken",
        &format!("That {what} is taken. Please try another."),
        Some(param),
    )
}

pub(crate) fn not_pending(object: &str) -> Resp {
    form_error(
        400,
        &format!("{object}_not_pending"),
        "not pending",
        "Only pending invitations can be revoked.",
        None,
    )
}

pub(crate) fn deleted(object: &str, id: &str) -> Resp {
    Resp::ok(json!({"object": object, "id": id, "deleted": true}).to_string())
}

/// The body fields an endpoint takes, from the spec (`*`: required, `[]`: an array of
/// strings; both: `domains*[]`).
pub(crate) struct Fields(pub(crate) &'static [&'static str]);

pub(crate) const NO_FIELDS: Fields = Fields(&[]);

/// Fields whose value must be a JSON object (Clerk checks the shape).
pub(crate) const OBJECT_FIELDS: &[&str] = &[
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "claims",
];

/// The body as an object checked against `fields`.
pub(crate) fn body(
    text: &str,
    fields: &Fields,
    endpoint_has_body: bool,
) -> Result<Map<String, Value>, Resp> {
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
    for f in fields.0.iter().filter(|f| f.contains('*')) {
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

/// An RFC 3339 body field as ms, the way Clerk stores timestamps.
pub(crate) fn time_field(map: &Map<String, Value>, key: &str) -> Result<Option<i64>, Resp> {
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

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Copy these body fields onto the stored object.
pub(crate) fn set_fields(target: &mut Value, map: &Map<String, Value>, keys: &[&str]) {
    for k in keys {
        if let Some(v) = map.get(*k) {
            target[*k] = v.clone();
        }
    }
}

/// A PATCH, or a `PUT …/metadata`: each given field replaces the stored one entirely.
pub(crate) fn update_in(
    list: &mut [Value],
    id: &str,
    text: &str,
    fields: &Fields,
) -> Result<Resp, Resp> {
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

pub(crate) fn delete_in(list: &mut Vec<Value>, object: &str, id: &str) -> Result<Resp, Resp> {
    let i = Data::find(list, id).ok_or_else(Resp::not_found)?;
    list.remove(i);
    Ok(deleted(object, id))
}

/// Decode `%XX` escapes in a path segment (`+` stays a plus there).
pub(crate) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
