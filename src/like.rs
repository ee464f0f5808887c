//! What a partial-match search parameter can send for `LIKE` and `ILIKE`: a run of the
//! pattern's literal text that every value the pattern matches contains, so Clerk answers
//! a superset and Postgres keeps the matching rows.
//!
//! A pattern with `_` or an escape (`\`) is not used: its text is not one literal run.
//! For `ILIKE`, Postgres folds case by the database's rules, which can map a non-ASCII
//! letter onto an ASCII one (the Kelvin sign onto `k`, the dotted capital I onto `i`);
//! Clerk's rules are not documented, so only a run of ASCII other than `i` and `k` is sent.

use crate::catalog::Syntax;

/// The text to send for `column op pattern` (`op`: `~~` is LIKE, `~~*` ILIKE), if any.
pub fn literal<'a>(op: &str, pattern: &'a str, syntax: Syntax) -> Option<&'a str> {
    let ilike = match op {
        "~~" => false,
        "~~*" => true,
        _ => return None,
    };
    if pattern.bytes().any(|b| b == b'_' || b == b'\\') {
        return None;
    }
    let run = match syntax {
        // "Partial" may mean a prefix, and may be case-sensitive: only `LIKE 'text%'`.
        Syntax::Partial if ilike => return None,
        Syntax::Partial => pattern.split('%').next()?,
        Syntax::Contains if ilike => longest(pattern, |c| {
            c.is_ascii() && !matches!(c, 'i' | 'I' | 'k' | 'K' | '%')
        }),
        Syntax::Contains => longest(pattern, |c| c != '%'),
        Syntax::Exact | Syntax::Signed | Syntax::Search => return None,
    };
    // A server may trim the value, which only widens the match; an empty one is refused.
    (!run.trim().is_empty()).then_some(run)
}

/// The longest run of `text` whose characters all pass `keep` (the first of equals).
fn longest(text: &str, keep: impl Fn(char) -> bool) -> &str {
    let mut best = "";
    for run in text.split(|c| !keep(c)) {
        if run.len() > best.len() {
            best = run;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use Syntax::*;

    #[test]
    fn the_longest_literal_run_every_match_contains() {
        assert_eq!(literal("~~", "%ad%", Contains), Some("ad"));
        assert_eq!(literal("~~", "Ad%min%istrator", Contains), Some("istrator"));
        assert_eq!(literal("~~", "exact", Contains), Some("exact"));
        assert_eq!(
            literal("~~", "%Zoë%", Contains),
            Some("Zoë"),
            "LIKE: same bytes"
        );
        // Not one literal run, or none at all.
        for p in ["%a_b%", "a\\%b", "%", "%%", "", "% %"] {
            assert_eq!(literal("~~", p, Contains), None, "{p:?}");
        }
        // Other operators are not patterns.
        assert_eq!(literal("=", "%ad%", Contains), None);
        assert_eq!(literal("!~~", "%ad%", Contains), None);
    }

    #[test]
    fn ilike_sends_only_text_whose_case_folds_the_same_everywhere() {
        assert_eq!(literal("~~*", "%user12%", Contains), Some("user12"));
        assert_eq!(literal("~~*", "%Zoë Adams%", Contains), Some(" Adams"));
        // `i` and `k` have non-ASCII capitals in some locales: the run stops at them.
        assert_eq!(literal("~~*", "%mike%", Contains), Some("m"));
        assert_eq!(literal("~~*", "%kiki%", Contains), None);
        assert_eq!(literal("~~*", "%ÄÖÜ%", Contains), None);
    }

    #[test]
    fn an_unspecified_partial_match_gets_only_a_like_prefix() {
        assert_eq!(literal("~~", "acme%", Partial), Some("acme"));
        assert_eq!(literal("~~", "acme%corp", Partial), Some("acme"));
        assert_eq!(literal("~~", "%acme%", Partial), None);
        assert_eq!(literal("~~*", "acme%", Partial), None);
        assert_eq!(literal("~~", "acme", Partial), Some("acme"));
        for s in [Exact, Signed, Search] {
            assert_eq!(literal("~~", "%ad%", s), None);
        }
    }
}
