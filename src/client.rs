//! One request to the Clerk API with bounded retries, mapped to a body or a clear error.

use crate::prelude::*;

use crate::config::Config;
use crate::errors::{http_error, scrub};
use crate::model::{Host, Method};
use crate::retry::{Failure, POLICY};
use crate::text::{cat, fill, int};

/// A request that gave no body, after the retries that apply.
#[derive(Debug, PartialEq)]
pub struct Failed {
    /// Clerk's last answer; 0 when none came (transport failure, out of time, too large).
    pub status: u16,
    pub message: String,
    /// Whether Clerk may have applied it. False only when it certainly did not: it was
    /// never sent, or Clerk refused it (a 4xx other than 408, a 429 included).
    pub maybe_applied: bool,
}

impl Failed {
    fn new(status: u16, message: String, maybe_applied: bool) -> Failed {
        Failed {
            status,
            message,
            maybe_applied,
        }
    }

    pub fn message(self) -> String {
        self.message
    }
}

/// GET `path?query`. `Ok(None)` is a 404 the caller declared as "no such object".
pub fn get(
    host: &mut dyn Host,
    cfg: &Config,
    object: &str,
    path: &str,
    query: &str,
    missing_is_empty: bool,
) -> Result<Option<String>, Failed> {
    let url = if query.is_empty() {
        cat(&[&cfg.api_url, path])
    } else {
        cat(&[&cfg.api_url, path, "?", query])
    };
    send(
        host,
        cfg,
        object,
        Method::Get,
        path,
        &url,
        "",
        missing_is_empty,
    )
}

/// A write: `method path` with a JSON body (none when empty). `Ok(None)` is a 404.
///
/// A POST that failed with a 5xx or in transport is not retried: Clerk may have applied it
/// (the host's own retries already sent it up to four times). A 429 is always retried:
/// Clerk refused it before doing anything.
pub fn write(
    host: &mut dyn Host,
    cfg: &Config,
    object: &str,
    method: Method,
    path: &str,
    body: &str,
) -> Result<Option<String>, Failed> {
    let url = cat(&[&cfg.api_url, path]);
    send(host, cfg, object, method, path, &url, body, true)
}

#[allow(clippy::too_many_arguments)]
fn send(
    host: &mut dyn Host,
    cfg: &Config,
    object: &str,
    method: Method,
    path: &str,
    url: &str,
    body: &str,
    missing_is_empty: bool,
) -> Result<Option<String>, Failed> {
    let mut attempts = 0u32;
    let mut waited = 0u64;
    // Whether an attempt failed in a way Clerk may have applied: no answer, a 5xx or 408.
    let mut maybe_applied = false;
    loop {
        attempts += 1;
        if host.deadline().is_some_and(|d| host.now_secs() >= d) {
            let e = out_of_time(cfg, object, path, None);
            return Err(Failed::new(0, e, maybe_applied));
        }
        let resp = host.request(method, url, &cfg.headers, body);
        if let (true, Ok(resp)) = (cfg.debug, &resp) {
            host.debug(&fill(
                "clerk_fdw: {method} {path} → HTTP {status} ({bytes} bytes)",
                &[
                    ("method", method.name()),
                    ("path", path),
                    ("status", &int(resp.status.into())),
                    ("bytes", &int(resp.body.len() as i64)),
                ],
            ));
        }
        let resp = match resp {
            Ok(resp) if (200..=299).contains(&resp.status) => {
                let max = cfg.limits.max_response_bytes;
                if resp.body.len() > max {
                    return Err(Failed::new(0, fill(
                        "Clerk's response for {object} at {path} is larger than {max} MiB (the \
                         server option max_response_mb); narrow the query, or raise the option",
                        &[
                            ("object", object),
                            ("path", path),
                            ("max", &int((max >> 20) as i64)),
                        ],
                    ), true));
                }
                return Ok(Some(resp.body));
            }
            Ok(resp) if resp.status == 404 && missing_is_empty => return Ok(None),
            other => other,
        };
        // Whether this failure may be retried; messages are built only when we give up.
        let post = method == Method::Post;
        let (failure, retry_after) = match &resp {
            Err(_) if post => (None, None),
            Err(_) => (Some(Failure::Transport), None),
            Ok(resp) => match resp.status {
                429 => (Some(Failure::RateLimited), resp.header("retry-after")),
                408 | 500..=599 if !post => (Some(Failure::Server), resp.header("retry-after")),
                _ => (None, None),
            },
        };
        // Once an attempt may have been applied, a later refusal does not undo it.
        maybe_applied |= match &resp {
            Err(_) => true,
            Ok(resp) => resp.status >= 500 || resp.status == 408,
        };
        let delay = failure.and_then(|f| POLICY.delay(f, attempts, waited, retry_after));
        let Some(ms) = delay else {
            return Err(match resp {
                Err(e) => Failed::new(
                    0,
                    fill(
                        "could not reach Clerk at {url} for {object}: {error}",
                        &[
                            ("url", &cat(&[&cfg.api_url, path])),
                            ("object", object),
                            ("error", &scrub(&e, &cfg.secret)),
                        ],
                    ),
                    maybe_applied,
                ),
                Ok(resp) => {
                    let msg = http_error(object, path, resp.status, &resp.body, attempts);
                    Failed::new(resp.status, scrub(&msg, &cfg.secret), maybe_applied)
                }
            });
        };
        // A wait that would end past the budget is not started.
        let wait_ends = host.now_secs().saturating_add(ms.div_ceil(1000) as i64);
        if host.deadline().is_some_and(|d| wait_ends > d) {
            let status = resp.as_ref().map_or(0, |r| r.status);
            let e = out_of_time(cfg, object, path, Some(status));
            return Err(Failed::new(status, e, maybe_applied));
        }
        if cfg.debug {
            host.debug(&fill(
                "clerk_fdw: retrying {path} in {ms} ms",
                &[("path", path), ("ms", &int(ms as i64))],
            ));
        }
        host.sleep_ms(ms);
        waited += ms;
    }
}

/// The statement spent its `timeout_secs` waiting on Clerk. `status` is the last answer
/// (0: the request did not complete), if a retry was due.
fn out_of_time(cfg: &Config, object: &str, path: &str, status: Option<u16>) -> String {
    let last = match status {
        None => String::new(),
        Some(0) => "; the last request failed to complete".into(),
        Some(s) => cat(&["; Clerk last answered HTTP ", &int(s.into())]),
    };
    fill(
        "gave up on {object} at {path}: the statement waited on Clerk for its whole \
         budget of {secs} s (the server option timeout_secs, retries included){last}. Try \
         again later, narrow the query, or raise it: ALTER SERVER … OPTIONS (ADD timeout_secs \
         '120')",
        &[
            ("object", object),
            ("path", path),
            ("secs", &int(cfg.limits.timeout_secs as i64)),
            ("last", &last),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::from_options;
    use crate::fake::{FakeHost, EPOCH};

    fn cfg() -> Config {
        from_options(|k| (k == "api_key").then(|| "sk_test_x".into()), |_| None).unwrap()
    }

    /// How many times a write of `method` is sent when Clerk always answers `status`.
    fn attempts(method: Method, status: u16) -> usize {
        let mut host = FakeHost::always(status);
        assert!(write(&mut host, &cfg(), "users", method, "/users", "{}").is_err());
        assert!(host.sent.iter().all(|(m, _, _)| *m == method));
        host.sent.len()
    }

    #[test]
    fn a_post_is_sent_again_only_after_a_rate_limit() {
        // Clerk may have applied a POST that failed with a 5xx or in transport.
        assert_eq!(attempts(Method::Post, 503), 1);
        assert_eq!(attempts(Method::Post, 0), 1);
        assert_eq!(
            attempts(Method::Post, 429),
            POLICY.rate_limit_attempts as usize
        );
        // The same change again is harmless for the other methods.
        for m in [Method::Patch, Method::Put, Method::Delete] {
            assert_eq!(attempts(m, 503), POLICY.error_attempts as usize);
            assert_eq!(attempts(m, 0), POLICY.error_attempts as usize);
            assert_eq!(attempts(m, 429), POLICY.rate_limit_attempts as usize);
        }
        // A 422 is an answer, never retried.
        assert_eq!(attempts(Method::Patch, 422), 1);
    }

    #[test]
    fn a_failure_says_whether_clerk_may_have_applied_the_write() {
        // Each request takes a second; the budget ends `budget` seconds in.
        let run = |budget: i64, answers: Vec<(u16, &'static str)>| {
            let mut host = FakeHost::scripted(answers);
            host.request_ms = 1000;
            host.deadline = Some(EPOCH + budget);
            let e = write(&mut host, &cfg(), "users", Method::Patch, "/users/u", "{}");
            let e = e.unwrap_err();
            (e.status, e.maybe_applied, host.sent.len())
        };
        // The budget is over before the first request: nothing was sent.
        assert_eq!(run(0, vec![]), (0, false, 0));
        // After one request a retry would wait past the budget.
        assert_eq!(run(1, vec![(429, "")]), (429, false, 1));
        assert_eq!(run(1, vec![(503, "")]), (503, true, 1));
        assert_eq!(run(1, vec![(0, "")]), (0, true, 1));
        // Refused outright: not applied, whatever the time.
        assert_eq!(run(60, vec![(422, "{}")]), (422, false, 1));
        // A refusal after an attempt that may have been applied does not undo it.
        assert_eq!(run(60, vec![(503, ""), (422, "{}")]), (422, true, 2));
        assert_eq!(run(2, vec![(503, ""), (429, "")]), (429, true, 2));
    }
}
