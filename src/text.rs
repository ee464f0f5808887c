//! Building text without `core::fmt`. `format!`, integer `Display`, `str::replace`,
//! `join` and `str::parse` pull in about 15 KiB of formatting and string-search code (size:
//! see lib.rs). Messages are static templates with
//! named fields ([`fill`]); short strings are concatenated ([`cat`]).

use crate::prelude::*;

/// Decimal digits of `v`.
fn push_u64(out: &mut String, v: u64) {
    if v >= 10 {
        push_u64(out, v / 10);
    }
    out.push(char::from(b'0' + (v % 10) as u8));
}

/// `v` in decimal.
pub fn int(v: i64) -> String {
    let mut s = String::new();
    if v < 0 {
        s.push('-');
    }
    push_u64(&mut s, v.unsigned_abs());
    s
}

/// The parts, concatenated (one small function instead of `format!` or `concat`).
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        out.push_str(p);
    }
    out
}

/// `template` with each `{name}` replaced by its value in `args`. One call with a static
/// template is much less code than a concatenation per message. A `{name}` with no value is
/// a mistake in the message: native builds (the tests) panic on it; the component keeps it
/// as text rather than carry the check.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    #[cfg(debug_assertions)]
    check_placeholders(template, args);
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = find(rest, "{") {
        let (head, tail) = rest.split_at_checked(open).unwrap_or((rest, ""));
        out.push_str(head);
        let close = find(tail, "}").unwrap_or(0);
        let name = tail.get(1..close).unwrap_or_default();
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, v)) if close > 0 => {
                out.push_str(v);
                rest = tail.get(close + 1..).unwrap_or_default();
            }
            _ => {
                out.push('{');
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every `{identifier}` of `template` has a value in `args` (debug builds only).
#[cfg(debug_assertions)]
fn check_placeholders(template: &str, args: &[(&str, &str)]) {
    for (i, _) in template.match_indices('{') {
        let rest = &template[i + 1..];
        let Some(end) = rest.find('}') else { continue };
        let name = &rest[..end];
        let ident = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        assert!(
            !ident || args.iter().any(|(k, _)| *k == name),
            "fill: no value for {{{name}}} in {template:?}"
        );
    }
}

/// Where `needle` (not empty) first occurs in `hay`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h.get(i..).is_some_and(|t| t.starts_with(n)))
}

/// `hay` with every `needle` (not empty) replaced by `with`.
pub fn replace(hay: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    // A match starts and ends on char boundaries because `needle` is valid UTF-8.
    while let Some(i) = find(rest, needle) {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str(with);
        rest = rest.get(i + needle.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// `s` without leading and trailing `/` (an object path such as `/users/`).
pub fn trim_slashes(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| c != b'/').unwrap_or(b.len());
    s.get(start..trim_end_slashes(s).len()).unwrap_or_default()
}

/// `s` without trailing `/` (a base URL).
pub fn trim_end_slashes(s: &str) -> &str {
    let end = s.bytes().rposition(|c| c != b'/').map_or(0, |i| i + 1);
    s.get(..end).unwrap_or_default()
}

/// At most `max` bytes of `s`, cut at a character boundary (for quoting foreign text).
pub fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// A decimal integer (optional sign, ASCII digits only), like `str::parse::<i64>`.
pub fn parse_i64(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        // Accumulate negatively so i64::MIN parses.
        v = v.checked_mul(10)?.checked_sub(d as i64)?;
    }
    if neg {
        Some(v)
    } else {
        v.checked_neg()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cat_and_int_match_format() {
        let path = String::from("/users");
        let s = cat(&[
            "HTTP ",
            &int(429),
            " at ",
            &path,
            " ",
            &int(-5),
            "x",
            &int(0),
        ]);
        assert_eq!(s, "HTTP 429 at /users -5x0");
        assert_eq!(int(i64::MAX), i64::MAX.to_string());
        assert_eq!(int(i64::MIN), i64::MIN.to_string());
        assert_eq!(int(1_234_567_890), "1234567890");
    }

    #[test]
    fn fill_replaces_names() {
        let args = [("object", "users"), ("n", "3")];
        assert_eq!(
            fill("{object} x{n}{n} {} {Other} {", &args),
            "users x33 {} {Other} {"
        );
        assert_eq!(fill("no braces", &args), "no braces");
        assert_eq!(fill("é{object}é", &args), "éusersé");
        assert_eq!(fill("{object", &args), "{object");
    }

    #[test]
    #[should_panic(expected = "fill: no value for {other}")]
    fn a_name_without_a_value_is_caught_in_tests() {
        fill("{object} {other}", &[("object", "users")]);
    }

    #[test]
    fn find_replace_agree_with_std() {
        for (hay, needle) in [
            ("abcabc", "ca"),
            ("aaa", "aa"),
            ("", "x"),
            ("x", "xy"),
            ("é{}é", "{}"),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay} {needle}");
            assert_eq!(replace(hay, needle, "<>"), hay.replace(needle, "<>"));
        }
        assert_eq!(
            replace("a sk_1 b sk_1", "sk_1", "[redacted]"),
            "a [redacted] b [redacted]"
        );
    }

    #[test]
    fn trims_and_truncation() {
        assert_eq!(trim_slashes("//billing/plans/"), "billing/plans");
        assert_eq!(trim_slashes("///"), "");
        assert_eq!(trim_end_slashes("https://x/v1//"), "https://x/v1");
        assert_eq!(trim_end_slashes("/"), "");
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
        assert_eq!(truncate("abc", 10), "abc");
    }

    #[test]
    fn parse_i64_agrees_with_std() {
        for s in [
            "0",
            "42",
            "-42",
            "+7",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "",
            "-",
            "+",
            "1.5",
            " 1",
            "1e3",
            "٣",
            "00012",
        ] {
            assert_eq!(parse_i64(s), s.parse::<i64>().ok(), "{s:?}");
        }
    }
}
