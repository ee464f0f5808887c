//! Scripted failures and Clerk-style error bodies.

use super::api::{clerk_error_body, Resp};
use std::sync::Mutex;

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
    /// Only requests with this method (`"POST"`…) match; `None`: any.
    pub method: Option<String>,
    /// A write is applied before the fault answers (a 5xx after Clerk did the work).
    pub applied: bool,
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
            method: None,
            applied: false,
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
            method: None,
            applied: false,
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
            method: None,
            applied: false,
        }
    }
}

impl Fault {
    /// Only for requests with `method`.
    pub fn on(mut self, method: &str) -> Fault {
        self.method = Some(method.to_string());
        self
    }

    /// Apply the write first, then answer with the fault.
    pub fn after_applying(mut self) -> Fault {
        self.applied = true;
        self
    }
}

/// The first queued fault for this request, and whether the write is applied first.
pub(crate) fn take_fault(
    queue: &Mutex<Vec<Fault>>,
    method: &str,
    path: &str,
) -> Option<(Resp, bool)> {
    let mut faults = queue.lock().unwrap();
    let idx = faults.iter().position(|f| {
        f.times > 0
            && path.starts_with(&f.path_prefix)
            && f.method.as_deref().is_none_or(|m| m == method)
    })?;
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
    let applied = f.applied;
    if f.times == 0 {
        faults.remove(idx);
    }
    Some((resp, applied))
}
