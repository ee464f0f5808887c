//! Server options → request configuration. Validates everything the host would otherwise
//! panic on (header values) or turn into a confusing later error (missing key → 401).

use crate::prelude::*;
use crate::text::{cat, fill, trim_end_slashes};

/// The version of the Backend API we speak: the spec we were built against. Serves the
/// `/billing/*` endpoints (2025-11-10 or later).
pub const CLERK_API_VERSION: &str = "2026-05-12";
pub const DEFAULT_API_URL: &str = "https://api.clerk.com/v1";
pub const USER_AGENT: &str = concat!(
    "clerk-fdw/",
    env!("CARGO_PKG_VERSION"),
    " (supabase-wrappers wasm)"
);

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Base URL without a trailing slash.
    pub api_url: String,
    /// Request headers, names lowercase (the host panics otherwise).
    pub headers: Vec<(String, String)>,
    /// The secret, kept only to scrub it from any message.
    pub secret: String,
    /// `debug 'true'`: report each request (path only) as an INFO message.
    pub debug: bool,
    /// `allow_writes 'true'`: INSERT, UPDATE and DELETE reach Clerk. Off by default, so
    /// that a server is read-only unless its owner says otherwise.
    pub allow_writes: bool,
    /// `plan_guard` (default true): refuse a scan under a plan the host may run again
    /// (see `guard.rs`). A table option of the same name overrides it.
    pub plan_guard: bool,
    pub limits: Limits,
}

/// Bounds on one statement, each a server option (see docs/guide.md, Limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `timeout_secs`: time a statement may spend waiting on Clerk, the host's own retries
    /// included. The host has no timeout and cannot be cancelled, so this is the only one.
    pub timeout_secs: u64,
    /// `max_response_mb`: a larger response is an error.
    pub max_response_bytes: usize,
    /// `max_pages`: pages one scan may read, over all its requests.
    pub max_pages: u64,
    /// `max_rows`: rows one scan may return.
    pub max_rows: u64,
    /// `replay_mb`: rows a scan keeps for re-scans (a join's inner side), in bytes.
    pub replay_bytes: usize,
}

pub const DEFAULT_LIMITS: Limits = Limits {
    timeout_secs: 30,
    max_response_bytes: 64 << 20,
    max_pages: 20_000,
    max_rows: 10_000_000,
    replay_bytes: crate::replay::DEFAULT_REPLAY_BYTES,
};

/// A whole-number option of `level` ("server" or "table") within `lo..=hi`, or `default`
/// when absent.
fn number_of(
    option: &dyn Fn(&str) -> Option<String>,
    level: &str,
    name: &str,
    default: u64,
    lo: u64,
    hi: u64,
) -> Result<u64, String> {
    let Some(raw) = option(name) else {
        return Ok(default);
    };
    match crate::text::parse_i64(raw.trim_ascii()) {
        Some(v) if v >= lo as i64 && v <= hi as i64 => Ok(v as u64),
        _ => Err(fill(
            "{level} option {name} '{raw}' must be a whole number from {lo} to {hi}",
            &[
                ("level", level),
                ("name", name),
                ("raw", raw.trim_ascii()),
                ("lo", &crate::text::int(lo as i64)),
                ("hi", &crate::text::int(hi as i64)),
            ],
        )),
    }
}

fn number(
    option: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: u64,
    lo: u64,
    hi: u64,
) -> Result<u64, String> {
    number_of(option, "server", name, default, lo, hi)
}

/// `replay_mb` as bytes: what a scan keeps of its rows for re-scans. A table option of the
/// same name overrides the server's (`default`).
pub fn replay_bytes(
    option: &dyn Fn(&str) -> Option<String>,
    level: &str,
    default: usize,
) -> Result<usize, String> {
    let mb = number_of(option, level, "replay_mb", (default >> 20) as u64, 0, 1024)?;
    Ok(mb as usize * (1 << 20))
}

/// Build the configuration from server options. `option` reads a server option;
/// `vault` resolves a Vault secret id.
pub fn from_options(
    option: impl Fn(&str) -> Option<String>,
    vault: impl Fn(&str) -> Option<String>,
) -> Result<Config, String> {
    let key = match (option("api_key"), option("api_key_id")) {
        (Some(k), _) => k,
        (None, Some(id)) => vault(id.trim_ascii()).ok_or_else(|| {
            fill(
                "server option api_key_id '{id}': no Vault secret with this id is readable; \
                 check the id in vault.decrypted_secrets",
                &[("id", id.trim_ascii())],
            )
        })?,
        (None, None) => {
            return Err(
                "server option api_key (or api_key_id, a Vault secret id) is required: \
                 add it with ALTER SERVER … OPTIONS (ADD api_key 'sk_live_…')"
                    .into(),
            )
        }
    };
    let key = key.trim_ascii().to_string();
    if key.is_empty() {
        return Err(
            "the Clerk secret key is empty: set server option api_key (or the Vault secret \
             of api_key_id) to the secret key from the Clerk dashboard (API keys page)"
                .into(),
        );
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(
            "the Clerk secret key contains spaces or control characters; \
             copy the secret key again from the Clerk dashboard (API keys page)"
                .into(),
        );
    }

    let api_url = option("api_url")
        .map(|u| trim_end_slashes(u.trim_ascii()).to_string())
        .unwrap_or_else(|| DEFAULT_API_URL.to_string());
    let scheme_ok = api_url.starts_with("https://") || api_url.starts_with("http://");
    if !scheme_ok
        || api_url.bytes().any(|b| matches!(b, b'?' | b'#' | b' '))
        || api_url.len() <= "https://".len()
    {
        return Err(fill(
            "server option api_url '{url}' is not a base URL; use e.g. '{default}'",
            &[("url", &api_url), ("default", DEFAULT_API_URL)],
        ));
    }

    let flag = |name: &str, default: bool| flag(&option, "server", name, default);
    let debug = flag("debug", false)?;
    let allow_writes = flag("allow_writes", false)?;
    let plan_guard = flag("plan_guard", true)?;

    let d = DEFAULT_LIMITS;
    let limits = Limits {
        timeout_secs: number(&option, "timeout_secs", d.timeout_secs, 1, 3600)?,
        max_response_bytes: number(&option, "max_response_mb", 64, 1, 1024)? as usize * (1 << 20),
        max_pages: number(&option, "max_pages", d.max_pages, 1, 1_000_000)?,
        max_rows: number(&option, "max_rows", d.max_rows, 1, 1_000_000_000)?,
        replay_bytes: replay_bytes(&option, "server", d.replay_bytes)?,
    };

    Ok(Config {
        api_url,
        headers: vec![
            ("authorization".into(), cat(&["Bearer ", &key])),
            ("clerk-api-version".into(), CLERK_API_VERSION.into()),
            ("user-agent".into(), USER_AGENT.into()),
            ("accept".into(), "application/json".into()),
            // For the bodies of writes; harmless on reads.
            ("content-type".into(), "application/json".into()),
        ],
        secret: key,
        debug,
        allow_writes,
        plan_guard,
        limits,
    })
}

/// A true/false option of a server or table, `default` when absent.
pub fn flag(
    option: &dyn Fn(&str) -> Option<String>,
    level: &str,
    name: &str,
    default: bool,
) -> Result<bool, String> {
    match option(name).as_deref().map(str::trim_ascii) {
        None => Ok(default),
        Some(v) => parse_bool(v).ok_or_else(|| {
            cat(&[
                level,
                " option ",
                name,
                " '",
                v,
                "' must be 'true' or 'false'",
            ])
        }),
    }
}

pub fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Some(true),
        "false" | "off" | "no" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }
    fn no_vault(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn key_is_trimmed_and_headers_are_lowercase() {
        let c = from_options(opts(&[("api_key", " sk_test_abc\n")]), no_vault).unwrap();
        assert_eq!(c.api_url, DEFAULT_API_URL);
        assert_eq!(c.secret, "sk_test_abc");
        assert!(c
            .headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == "Bearer sk_test_abc"));
        for (k, v) in &c.headers {
            assert_eq!(k, &k.to_ascii_lowercase());
            assert!(!v.contains(['\n', '\r']));
        }
        let version = &c
            .headers
            .iter()
            .find(|(k, _)| k == "clerk-api-version")
            .unwrap()
            .1;
        assert!(version.as_str() >= "2025-11-10");
        assert!(USER_AGENT.starts_with("clerk-fdw/"));
    }

    #[test]
    fn missing_or_empty_key_is_a_clear_error() {
        let e = from_options(opts(&[]), no_vault).unwrap_err();
        assert!(e.contains("api_key") && e.contains("required"), "{e}");
        let e = from_options(opts(&[("api_key", "  ")]), no_vault).unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = from_options(opts(&[("api_key", "sk_test a")]), no_vault).unwrap_err();
        assert!(
            e.contains("control characters") && !e.contains("sk_test"),
            "{e}"
        );
    }

    #[test]
    fn vault_secret_is_used_when_no_inline_key() {
        let c = from_options(opts(&[("api_key_id", "abc-123")]), |id| {
            (id == "abc-123").then(|| "sk_live_v\n".to_string())
        })
        .unwrap();
        assert_eq!(c.secret, "sk_live_v");
        let e = from_options(opts(&[("api_key_id", "nope")]), no_vault).unwrap_err();
        assert!(e.contains("api_key_id 'nope'"), "{e}");
    }

    #[test]
    fn api_url_trailing_slash_is_harmless_and_bad_urls_are_refused() {
        let c = from_options(
            opts(&[("api_key", "k"), ("api_url", "http://localhost:9/v1/")]),
            no_vault,
        )
        .unwrap();
        assert_eq!(c.api_url, "http://localhost:9/v1");
        for bad in ["api.clerk.com/v1", "ftp://x", "https://x/v1?a=b"] {
            let e =
                from_options(opts(&[("api_key", "k"), ("api_url", bad)]), no_vault).unwrap_err();
            assert!(e.contains("api_url"), "{e}");
        }
    }

    #[test]
    fn debug_option_is_parsed() {
        let on = from_options(opts(&[("api_key", "k"), ("debug", "TRUE")]), no_vault).unwrap();
        assert!(on.debug);
        let e = from_options(opts(&[("api_key", "k"), ("debug", "maybe")]), no_vault).unwrap_err();
        assert!(e.contains("debug"));
    }

    #[test]
    fn writes_are_off_unless_the_server_allows_them() {
        let cfg = |pairs: &[(&str, &str)]| from_options(opts(pairs), no_vault);
        assert!(!cfg(&[("api_key", "k")]).unwrap().allow_writes);
        assert!(
            !cfg(&[("api_key", "k"), ("allow_writes", "false")])
                .unwrap()
                .allow_writes
        );
        assert!(
            cfg(&[("api_key", "k"), ("allow_writes", " true ")])
                .unwrap()
                .allow_writes
        );
        let e = cfg(&[("api_key", "k"), ("allow_writes", "si")]).unwrap_err();
        assert_eq!(
            e,
            "server option allow_writes 'si' must be 'true' or 'false'"
        );
    }

    #[test]
    fn a_table_overrides_the_servers_replay_mb() {
        let t = |pairs: &'static [(&'static str, &'static str)]| {
            replay_bytes(&opts(pairs), "table", 5 << 20)
        };
        assert_eq!(t(&[]), Ok(5 << 20));
        assert_eq!(t(&[("replay_mb", "256")]), Ok(256 << 20));
        assert_eq!(
            t(&[("replay_mb", "-1")]),
            Err("table option replay_mb '-1' must be a whole number from 0 to 1024".into())
        );
    }

    #[test]
    fn limits_have_defaults_and_checked_options() {
        let c = from_options(opts(&[("api_key", "k")]), no_vault).unwrap();
        assert_eq!(c.limits, DEFAULT_LIMITS);
        let c = from_options(
            opts(&[
                ("api_key", "k"),
                ("timeout_secs", " 5 "),
                ("max_response_mb", "128"),
                ("max_pages", "3"),
                ("max_rows", "1000"),
                ("replay_mb", "0"),
            ]),
            no_vault,
        )
        .unwrap();
        assert_eq!(
            c.limits,
            Limits {
                timeout_secs: 5,
                max_response_bytes: 128 << 20,
                max_pages: 3,
                max_rows: 1000,
                replay_bytes: 0,
            }
        );
        for (name, bad) in [
            ("timeout_secs", "0"),
            ("max_pages", "lots"),
            ("max_rows", "-1"),
            ("replay_mb", "2048"),
        ] {
            let e = from_options(opts(&[("api_key", "k"), (name, bad)]), no_vault).unwrap_err();
            assert!(
                e.contains(name) && e.contains(bad) && e.contains("whole number"),
                "{e}"
            );
        }
    }
}

#[cfg(test)]
mod version_tests {
    /// The version lives in Cargo.toml; the WIT package and the user-agent must follow it.
    #[test]
    fn wit_package_and_user_agent_carry_the_crate_version() {
        let wit = include_str!("../wit/world.wit");
        let want = format!("package supabase:clerk-fdw@{};", env!("CARGO_PKG_VERSION"));
        assert!(
            wit.lines().any(|l| l.trim() == want),
            "wit/world.wit must say {want}"
        );
        assert!(super::USER_AGENT.contains(env!("CARGO_PKG_VERSION")));
    }
}
