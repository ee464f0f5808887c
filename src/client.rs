//! One GET against the Clerk API with bounded retries, mapped to a body or a clear error.

use crate::prelude::*;

use crate::config::Config;
use crate::errors::{http_error, scrub};
use crate::model::Host;
use crate::retry::{Failure, POLICY};
use crate::text::{cat, fill, int};

/// The host reads whole bodies into memory; refuse absurd ones rather than carry them on.
pub const MAX_BODY_BYTES: usize = 64 << 20;

#[derive(Debug, PartialEq)]
pub enum GetError {
    /// Clerk answered with this non-success status (after retries where they apply).
    Status(u16, String),
    Other(String),
}

impl GetError {
    pub fn message(self) -> String {
        match self {
            GetError::Status(_, m) | GetError::Other(m) => m,
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
    let mut attempts = 0u32;
    let mut waited = 0u64;
    loop {
        attempts += 1;
        let resp = host.get(&url, &cfg.headers);
        if let (true, Ok(resp)) = (cfg.debug, &resp) {
            host.debug(&fill(
                "clerk_fdw: GET {path} → HTTP {status} ({bytes} bytes)",
                &[
                    ("path", path),
                    ("status", &int(resp.status.into())),
                    ("bytes", &int(resp.body.len() as i64)),
                ],
            ));
        }
        let resp = match resp {
            Ok(resp) if (200..=299).contains(&resp.status) => {
                if resp.body.len() > MAX_BODY_BYTES {
                    return Err(GetError::Other(fill(
                        "Clerk's response for {object} at {path} is larger than {max} MiB",
                        &[
                            ("object", object),
                            ("path", path),
                            ("max", &int((MAX_BODY_BYTES >> 20) as i64)),
                        ],
                    )));
                }
                return Ok(Some(resp.body));
            }
            Ok(resp) if resp.status == 404 && missing_is_empty => return Ok(None),
            other => other,
        };
        // Whether this failure may be retried; messages are built only when we give up.
        let (failure, retry_after) = match &resp {
            Err(_) => (Some(Failure::Transport), None),
            Ok(resp) => match resp.status {
                429 => (Some(Failure::RateLimited), resp.header("retry-after")),
                408 | 500..=599 => (Some(Failure::Server), resp.header("retry-after")),
                _ => (None, None),
            },
        };
        let delay = failure.and_then(|f| POLICY.delay(f, attempts, waited, retry_after));
        let Some(ms) = delay else {
            return Err(match resp {
                Err(e) => GetError::Other(fill(
                    "could not reach Clerk at {url} while reading {object}: {error}",
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
