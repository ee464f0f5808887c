//! Paths from the catalog's templates: each `{}` takes one percent-encoded value, for reads
//! (lookups, routes) and writes (a row's address, a create under its parent) alike.
//!
//! A value that would not stay one path segment fills nothing: empty, or `.` and `..`,
//! which URL parsers resolve as steps even percent-encoded (`/organizations/../domains`
//! is `/domains`, another endpoint).

use crate::prelude::*;
use crate::text::{cat, find};
use crate::url::encode;

/// How many `{}` a template has.
pub fn holes(template: &str) -> usize {
    let mut n = 0;
    let mut rest = template;
    while let Some(at) = find(rest, "{}") {
        n += 1;
        rest = rest.get(at + 2..).unwrap_or("");
    }
    n
}

/// Whether `v` can fill a hole.
pub fn segment(v: &str) -> bool {
    !v.is_empty() && v != "." && v != ".."
}

/// `template` with its first `{}` taken by `value`; None without a hole or a segment.
pub fn fill_first(template: &str, value: &str) -> Option<String> {
    let at = find(template, "{}")?;
    if !segment(value) {
        return None;
    }
    Some(cat(&[
        template.get(..at).unwrap_or(""),
        &encode(value),
        template.get(at + 2..).unwrap_or(""),
    ]))
}

/// `template` with every `{}` taken by `values` in order; None when the counts differ or a
/// value is not a segment.
pub fn fill(template: &str, values: &[&str]) -> Option<String> {
    if holes(template) != values.len() {
        return None;
    }
    let mut path = template.to_string();
    for v in values {
        path = fill_first(&path, v)?;
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_take_encoded_segments() {
        assert_eq!(holes("/a/{}/b/{}"), 2);
        assert_eq!(holes("/a"), 0);
        assert_eq!(
            fill("/organizations/{}/invitations/{}", &["org 1", "a/b"]).as_deref(),
            Some("/organizations/org%201/invitations/a%2Fb")
        );
        assert_eq!(
            fill_first("/users/{}/x/{}", "u").as_deref(),
            Some("/users/u/x/{}")
        );
    }

    #[test]
    fn steps_and_empty_values_fill_nothing() {
        for v in ["", ".", ".."] {
            assert_eq!(fill("/organizations/{}/domains", &[v]), None, "{v:?}");
        }
        assert!(
            fill("/users/{}", &["..."]).is_some(),
            "three dots are a name"
        );
        assert_eq!(fill("/users/{}", &["a", "b"]), None);
        assert_eq!(fill("/users/{}/{}", &["a"]), None);
        assert_eq!(fill_first("/users", "a"), None);
    }
}
