//! One request to the Clerk API with bounded retries, mapped to a body or a clear error.

use crate::prelude::*;

use crate::config::Config;
use crate::errors::{http_error, scrub};
use crate::model::{Host, Method};
use crate::retry::{Failure, POLICY};
use crate::text::{cat, fill, int};

#[derive(Debug, PartialEq)]
pub enum GetError {
    /// Clerk answered with this non-success status (after retries where they apply).
    Status(u16, String),
    /// The statement's time budget ran out before Clerk applied anything: before the
    /// request was sent, or while waiting to retry after a 429.
    Unapplied(String),
    Other(String),
}

impl GetError {
    pub fn message(self) -> String {
        match self {
            GetError::Status(_, m) | GetError::Unapplied(m) | GetError::Other(m) => m,
        }
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
) -> Result<Option<String>, GetError> {
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
) -> Result<Option<String>, GetError> {
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
) -> Result<Option<String>, GetError> {
    let mut attempts = 0u32;
    let mut waited = 0u64;
    // Whether an attempt failed in a way Clerk may have applied (not a 429).
    let mut maybe_applied = false;
    loop {
        attempts += 1;
        if cfg.deadline.is_some_and(|d| host.now_secs() >= d) {
            let e = out_of_time(cfg, object, path, None);
            return Err(if maybe_applied {
                GetError::Other(e)
            } else {
                GetError::Unapplied(e)
            });
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
                    return Err(GetError::Other(fill(
                        "Clerk's response for {object} at {path} is larger than {max} MiB (the \
                         server option max_response_mb); narrow the query, or raise the option",
                        &[
                            ("object", object),
                            ("path", path),
                            ("max", &int((max >> 20) as i64)),
                        ],
                    )));
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
        maybe_applied = failure != Some(Failure::RateLimited);
        let delay = failure.and_then(|f| POLICY.delay(f, attempts, waited, retry_after));
        let Some(ms) = delay else {
            return Err(match resp {
                Err(e) => GetError::Other(fill(
                    "could not reach Clerk at {url} for {object}: {error}",
                    &[
                        ("url", &cat(&[&cfg.api_url, path])),
                        ("object", object),
                        ("error", &scrub(&e, &cfg.secret)),
                    ],
                )),
                Ok(resp) => {
                    let msg = http_error(object, path, resp.status, &resp.body, attempts);
                    GetError::Status(resp.status, scrub(&msg, &cfg.secret))
                }
            });
        };
        // A wait that would end past the budget is not started.
        let wait_ends = host.now_secs().saturating_add(ms.div_ceil(1000) as i64);
        if cfg.deadline.is_some_and(|d| wait_ends > d) {
            let status = resp.as_ref().map_or(0, |r| r.status);
            let e = out_of_time(cfg, object, path, Some(status));
            return Err(if maybe_applied {
                GetError::Other(e)
            } else {
                GetError::Unapplied(e)
            });
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
    use crate::model::HttpResponse;

    /// Answers every request with `status` (0: the connection fails) and counts them.
    struct Always {
        status: u16,
        sent: Vec<Method>,
    }

    impl Host for Always {
        fn request(
            &mut self,
            method: Method,
            _: &str,
            _: &[(String, String)],
            _: &str,
        ) -> Result<HttpResponse, String> {
            self.sent.push(method);
            match self.status {
                0 => Err("connection refused".into()),
                s => Ok(HttpResponse {
                    status: s,
                    ..HttpResponse::default()
                }),
            }
        }
        fn sleep_ms(&mut self, _: u64) {}
        /// Each request takes a second.
        fn now_secs(&mut self) -> i64 {
            self.sent.len() as i64
        }
        fn debug(&mut self, _: &str) {}
        fn notice(&mut self, _: &str) {}
        fn page_received(&mut self, _: i64, _: i64) {}
        fn rows_returned(&mut self, _: i64) {}
    }

    fn attempts(method: Method, status: u16) -> usize {
        let cfg = from_options(|k| (k == "api_key").then(|| "sk_test_x".into()), |_| None).unwrap();
        let mut host = Always {
            status,
            sent: Vec::new(),
        };
        assert!(write(&mut host, &cfg, "users", method, "/users", "{}").is_err());
        assert!(host.sent.iter().all(|m| *m == method));
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
    fn out_of_time_says_whether_clerk_may_have_applied_the_write() {
        let mut cfg =
            from_options(|k| (k == "api_key").then(|| "sk_test_x".into()), |_| None).unwrap();
        let run = |cfg: &Config, status: u16| {
            let mut host = Always {
                status,
                sent: Vec::new(),
            };
            let e = write(&mut host, cfg, "users", Method::Patch, "/users/u", "{}");
            (e.unwrap_err(), host.sent.len())
        };
        // The budget is over before the first request: nothing was sent.
        cfg.deadline = Some(0);
        assert!(matches!(run(&cfg, 200), (GetError::Unapplied(_), 0)));
        // After one request a retry would wait past the budget.
        cfg.deadline = Some(1);
        assert!(matches!(run(&cfg, 429), (GetError::Unapplied(_), 1)));
        assert!(matches!(run(&cfg, 503), (GetError::Other(_), 1)));
        assert!(matches!(run(&cfg, 0), (GetError::Other(_), 1)));
    }
}
