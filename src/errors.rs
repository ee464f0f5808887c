//! Error texts for Clerk's answers, and scrubbing. Every message names the object and the
//! endpoint path, never the query string (emails are personal data) nor the secret key.

use crate::prelude::*;

use crate::json;
use crate::text::{fill, int, replace, truncate};

/// A message for a non-success HTTP status that is not retried (or no longer).
pub fn http_error(object: &str, path: &str, status: u16, body: &str, attempts: u32) -> String {
    let template = match status {
        401 => {
            "Clerk rejected the API key (HTTP 401{detail}) for {object}: check the \
             server option api_key (or the Vault secret named by api_key_id); it must be a \
             secret key (sk_live_… or sk_test_…) of this Clerk instance"
        }
        403 => {
            "Clerk refused access (HTTP 403{detail}) to {object} at {path}: the API key was \
             accepted but may not do this; check that the key belongs to the right instance"
        }
        402 => {
            "Clerk says {object} needs a paid feature (HTTP 402{detail}) at {path}: enable it \
             for this instance in the Clerk dashboard or drop this foreign table"
        }
        404 => {
            "Clerk answered 404 Not Found for {object} at {path}{detail}: check the server \
             option api_url (it should end in /v1, e.g. https://api.clerk.com/v1)"
        }
        429 => {
            "Clerk kept rate-limiting requests for {object} at {path} (HTTP 429 after \
             {attempts} attempts{detail}); Clerk allows 100 requests per 10 s on development \
             instances and 1000 on production: wait and retry, or narrow the query with \
             WHERE conditions that push down"
        }
        s if s >= 500 || s == 408 => {
            "Clerk failed with HTTP {status} for {object} at {path} after {attempts} \
             attempts{detail}; try again later"
        }
        _ => "Clerk rejected the request for {object} at {path} (HTTP {status}{detail})",
    };
    fill(
        template,
        &[
            ("object", object),
            ("path", path),
            ("detail", &clerk_detail(body)),
            ("status", &int(status.into())),
            ("attempts", &int(attempts.into())),
        ],
    )
}

/// `: code: long message (clerk_trace_id …)` from a Clerk error body, or nothing.
fn clerk_detail(body: &str) -> String {
    let Ok(v) = json::parse(body) else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(e) = v.get("errors").and_then(|e| e.items().next()) {
        let text = |k: &str| e.get(k).and_then(|s| s.as_str()).filter(|s| !s.is_empty());
        if let Some(code) = text("code") {
            out.push_str(": ");
            out.push_str(&code);
        }
        if let Some(msg) = text("long_message").or_else(|| text("message")) {
            out.push_str(": ");
            out.push_str(truncate(&msg, 600));
        }
    }
    if let Some(t) = v.get("clerk_trace_id").and_then(|t| t.as_str()) {
        out.push_str(" (clerk_trace_id ");
        out.push_str(truncate(&t, 64));
        out.push(')');
    }
    out
}

/// Remove the secret and every URL query string from a message that may quote the host
/// (its HTTP errors include the full request URL).
pub fn scrub(msg: &str, secret: &str) -> String {
    let msg = if secret.len() >= 4 {
        replace(msg, secret, "[redacted]")
    } else {
        msg.to_string()
    };
    let mut out = String::with_capacity(msg.len());
    let mut in_url = false;
    let mut in_query = false;
    for (i, ch) in msg.char_indices() {
        let rest = msg.get(i..).unwrap_or_default();
        if !in_url && (rest.starts_with("http://") || rest.starts_with("https://")) {
            in_url = true;
        }
        if in_url && (ch.is_whitespace() || matches!(ch, ')' | '"' | '\'' | '>' | ',')) {
            in_url = false;
            in_query = false;
        }
        if in_url && ch == '?' {
            in_query = true;
            out.push_str("?…");
        }
        if !in_query {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"errors":[{"message":"Invalid authentication","long_message":"Unable to authenticate the request","code":"authentication_invalid"}],"clerk_trace_id":"t123"}"#;

    #[test]
    fn auth_errors_say_the_key_was_rejected() {
        let e = http_error("users", "/users", 401, BODY, 1);
        assert!(e.contains("rejected the API key"), "{e}");
        assert!(e.contains("authentication_invalid: Unable to authenticate the request"));
        assert!(e.contains("clerk_trace_id t123") && e.contains("api_key"));
        let e = http_error("users", "/users", 403, "<html>", 1);
        assert!(e.contains("HTTP 403)") && !e.contains("html"), "{e}");
    }

    #[test]
    fn other_statuses() {
        assert!(http_error("domains", "/domains", 404, "", 1).contains("api_url"));
        assert!(http_error("users", "/users", 429, "", 5).contains("after 5 attempts"));
        assert!(http_error("users", "/users", 503, "", 3).contains("HTTP 503"));
        let e = http_error(
            "users",
            "/users",
            422,
            r#"{"errors":[{"message":"bad","code":"x"}]}"#,
            1,
        );
        assert!(e.ends_with("(HTTP 422: x: bad)"), "{e}");
    }

    #[test]
    fn scrub_removes_secret_and_query_strings() {
        let m = "error sending request for url (http://h/v1/users?email_address=a%40b.co&limit=5): sk_test_123 bad";
        let s = scrub(m, "sk_test_123");
        assert_eq!(
            s,
            "error sending request for url (http://h/v1/users?…): [redacted] bad"
        );
        assert_eq!(
            scrub("see https://x/y?a=b and more", ""),
            "see https://x/y?… and more"
        );
        assert_eq!(scrub("no url? fine", "k"), "no url? fine");
    }
}
