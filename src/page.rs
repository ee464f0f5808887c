//! One response body as a page of rows: the rows' byte spans (validated once, never
//! copied), Clerk's `total_count` if it sent one, and where to read next.

use crate::prelude::*;

use crate::bug::span;
use crate::catalog::Paging;
use crate::json::{self, Val};
use crate::text::{cat, fill, int};

/// Byte ranges of rows within a page body.
pub type Spans = Vec<(usize, usize)>;

#[derive(Debug)]
pub struct Page {
    pub rows: Spans,
    pub total: Option<u64>,
}

/// One row of a page: its span in the body, and the span of the object it came from (the
/// row itself, or for a child table the parent whose array holds it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowSpan {
    pub row: (usize, usize),
    pub parent: (usize, usize),
}

/// The error for an answer of `path` for `object` that is not what Clerk documents.
fn unexpected(object: &str, path: &str, what: &str) -> String {
    fill(
        "unexpected response from Clerk for {object} at {path}: {what}",
        &[("object", object), ("path", path), ("what", what)],
    )
}

/// `body` as JSON, or the error that says where it is malformed.
fn root<'a>(object: &str, path: &str, body: &'a str) -> Result<Val<'a>, String> {
    json::parse(body).map_err(|e| {
        unexpected(
            object,
            path,
            &fill(
                "malformed JSON ({what} at byte {offset})",
                &[("what", e.what), ("offset", &int(e.offset as i64))],
            ),
        )
    })
}

/// Clerk's `total_count` in an object, if it is a count.
fn total_count(root: Val) -> Option<u64> {
    let total = root.get("total_count")?.as_i64()?;
    u64::try_from(total).ok()
}

/// The `total_count` of a count endpoint's answer (`{"total_count": n}`).
pub fn total(object: &str, path: &str, body: &str) -> Result<Option<u64>, String> {
    Ok(total_count(root(object, path, body)?))
}

/// Read `body`, the answer of `path` for `object`: a bare array, a `{data, total_count}`
/// envelope (`rows`: the field that holds the rows), or (with `Paging::Single`) one object.
pub fn parse(
    object: &str,
    path: &str,
    paging: Paging,
    rows: &str,
    body: &str,
) -> Result<Page, String> {
    let bad = |what: &str| unexpected(object, path, what);
    let root = root(object, path, body)?;
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
        json::Kind::Object => match root.get(rows) {
            Some(data) if data.kind() == json::Kind::Array => page(spans(data), total_count(root)),
            _ => Err(bad(&cat(&[
                "expected a list ({",
                rows,
                ", total_count}), found an object without a ",
                rows,
                " array",
            ]))),
        },
        _ => Err(bad("expected a JSON array or object, found a scalar")),
    }
}

/// The rows of the page's `kept` objects: each object itself, or for a child table
/// (`elements`: the parent's array field) one row per element of that array.
pub fn rows(body: &str, kept: Spans, elements: Option<&str>) -> Vec<RowSpan> {
    let mut rows = Vec::new();
    for parent in kept {
        let Some(field) = elements else {
            rows.push(RowSpan {
                row: parent,
                parent,
            });
            continue;
        };
        let object = Val {
            raw: span(body, parent.0, parent.1),
        };
        for el in object.get(field).map(|a| a.items()).into_iter().flatten() {
            let start = el.raw.as_ptr() as usize - body.as_ptr() as usize;
            rows.push(RowSpan {
                row: (start, start + el.raw.len()),
                parent,
            });
        }
    }
    rows
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
        let p = parse("o", "/p", OFFSET, "data", body).unwrap();
        assert_eq!(p.total, Some(7));
        let ids: Vec<_> = p.rows.iter().map(|&(s, e)| row_id(body, s, e)).collect();
        assert_eq!(ids, vec![Some("a".into()), Some("b".into())]);
        let body = r#" [{"id":"x"}] "#;
        let p = parse("o", "/p", Paging::Cursor, "data", body).unwrap();
        assert_eq!((p.rows.len(), p.total), (1, None));
        let body = r#"{"id":"one"}"#;
        let p = parse("o", "/p", Paging::Single, "data", body).unwrap();
        assert_eq!(p.rows, vec![(0, body.len())]);
        for bad in ["{", r#"{"items":[]}"#, "3"] {
            let e = parse("obj", "/path", OFFSET, "data", bad).unwrap_err();
            assert!(
                e.starts_with("unexpected response from Clerk for obj at /path:"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_count_and_the_rows_of_a_child_table() {
        assert_eq!(total("o", "/c", r#"{"total_count":12}"#), Ok(Some(12)));
        assert_eq!(total("o", "/c", r#"{"total_count":-1}"#), Ok(None));
        let e = total("o", "/c", "{").unwrap_err();
        assert!(e.contains("for o at /c: malformed JSON"), "{e}");
        let body = r#"[{"id":"u1","emails":[{"id":"e1"},{"id":"e2"}]},{"id":"u2","emails":[]}]"#;
        let kept = parse("o", "/p", OFFSET, "data", body).unwrap().rows;
        let ids = |rows: &[RowSpan]| -> Vec<(String, String)> {
            let id = |(s, e)| row_id(body, s, e).unwrap();
            rows.iter().map(|r| (id(r.row), id(r.parent))).collect()
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            ids(&rows(body, kept.clone(), Some("emails"))),
            vec![pair("e1", "u1"), pair("e2", "u1")]
        );
        assert_eq!(
            ids(&rows(body, kept, None)),
            vec![pair("u1", "u1"), pair("u2", "u2")]
        );
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
