//! One response body as a page of rows: the rows' byte spans (validated once, never
//! copied), Clerk's `total_count` if it sent one, and where to read next.

use crate::prelude::*;

use crate::bug::span;
use crate::catalog::Paging;
use crate::json::{self, Val};
use crate::text::{fill, int};

/// Byte ranges of rows within a page body.
pub type Spans = Vec<(usize, usize)>;

#[derive(Debug)]
pub struct Page {
    pub rows: Spans,
    pub total: Option<u64>,
}

/// Read `body`, the answer of `path` for `object`: a bare array, a `{data, total_count}`
/// envelope, or (with `Paging::Single`) one object.
pub fn parse(object: &str, path: &str, paging: Paging, body: &str) -> Result<Page, String> {
    let bad = |what: &str| {
        fill(
            "unexpected response from Clerk for {object} at {path}: {what}",
            &[("object", object), ("path", path), ("what", what)],
        )
    };
    let root = json::parse(body).map_err(|e| {
        bad(&fill(
            "malformed JSON ({what} at byte {offset})",
            &[("what", e.what), ("offset", &int(e.offset as i64))],
        ))
    })?;
    let span = |v: Val| {
        let start = v.raw.as_ptr() as usize - body.as_ptr() as usize;
        (start, start + v.raw.len())
    };
    // The elements of an array as spans of the body (a loop: smaller than `collect`).
    let spans = |list: Val| {
        let mut rows = Vec::new();
        for v in list.items() {
            rows.push(span(v));
        }
        rows
    };
    let page = |rows, total| Ok(Page { rows, total });
    match root.kind() {
        json::Kind::Object if paging == Paging::Single => page(vec![span(root)], None),
        json::Kind::Array => page(spans(root), None),
        json::Kind::Object => {
            let total = root
                .get("total_count")
                .and_then(|t| t.as_i64())
                .and_then(|t| u64::try_from(t).ok());
            match root.get("data") {
                Some(data) if data.kind() == json::Kind::Array => page(spans(data), total),
                _ => Err(bad(
                    "expected a list ({data, total_count}), found an object without a data array",
                )),
            }
        }
        _ => Err(bad("expected a JSON array or object, found a scalar")),
    }
}

/// The `id` of the row at `body[s..e]`.
pub fn row_id(body: &str, s: usize, e: usize) -> Option<String> {
    let row = Val {
        raw: span(body, s, e),
    };
    row.get("id")?.as_str().map(|id| id.into_owned())
}

/// Where the next request of a fetch starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Cursor {
    Start,
    Offset(u64),
    After(String),
    Done,
}

impl Cursor {
    /// The cursor after a page of `n` rows, when `requested` were asked for and `read` rows
    /// (these included) have been read. None when cursor paging has no id to continue from.
    #[inline]
    pub fn next(
        paging: Paging,
        n: u64,
        requested: u64,
        read: u64,
        last_id: Option<String>,
        total: Option<u64>,
    ) -> Option<Cursor> {
        Some(match paging {
            Paging::Unpaged | Paging::Single => Cursor::Done,
            _ if n == 0 || n < requested => Cursor::Done,
            Paging::Offset { .. } if total.is_some_and(|t| read >= t) => Cursor::Done,
            Paging::Offset { .. } => Cursor::Offset(read),
            Paging::Cursor => Cursor::After(last_id?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFSET: Paging = Paging::Offset { paginated: false };

    #[test]
    fn shapes() {
        let body = r#"{"data":[{"id":"a"},{"id":"b"}],"total_count":7}"#;
        let p = parse("o", "/p", OFFSET, body).unwrap();
        assert_eq!(p.total, Some(7));
        let ids: Vec<_> = p.rows.iter().map(|&(s, e)| row_id(body, s, e)).collect();
        assert_eq!(ids, vec![Some("a".into()), Some("b".into())]);
        let body = r#" [{"id":"x"}] "#;
        let p = parse("o", "/p", Paging::Cursor, body).unwrap();
        assert_eq!((p.rows.len(), p.total), (1, None));
        let body = r#"{"id":"one"}"#;
        let p = parse("o", "/p", Paging::Single, body).unwrap();
        assert_eq!(p.rows, vec![(0, body.len())]);
        for bad in ["{", r#"{"items":[]}"#, "3"] {
            let e = parse("obj", "/path", OFFSET, bad).unwrap_err();
            assert!(
                e.starts_with("unexpected response from Clerk for obj at /path:"),
                "{e}"
            );
        }
    }

    #[test]
    fn next_cursor() {
        let next = |p, n, req, read, id: Option<&str>, total| {
            Cursor::next(p, n, req, read, id.map(String::from), total)
        };
        assert_eq!(
            next(OFFSET, 500, 500, 500, None, None),
            Some(Cursor::Offset(500))
        );
        assert_eq!(
            next(OFFSET, 500, 500, 1000, None, Some(1000)),
            Some(Cursor::Done)
        );
        assert_eq!(next(OFFSET, 499, 500, 499, None, None), Some(Cursor::Done));
        assert_eq!(next(OFFSET, 0, 500, 0, None, None), Some(Cursor::Done));
        assert_eq!(
            next(Paging::Cursor, 5, 5, 5, Some("u5"), None),
            Some(Cursor::After("u5".into()))
        );
        assert_eq!(next(Paging::Cursor, 5, 5, 5, None, None), None);
        assert_eq!(
            next(Paging::Unpaged, 9, 500, 9, None, None),
            Some(Cursor::Done)
        );
    }
}
