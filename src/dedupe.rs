//! Duplicate suppression while paging: offset pages shift when rows are created mid-scan
//! (the previous page's ids catch that), and a filter split into chunks can return one row
//! twice (then every id is remembered).

use crate::prelude::*;

use crate::bug::span;
use crate::json::Val;
use crate::page::{row_id, Spans};

/// A sorted list of ids: small code (size: see lib.rs) and
/// bounded by a page, or by a filtered result for `all`.
#[derive(Debug, Default)]
pub struct IdSet(Vec<String>);

impl IdSet {
    pub fn contains(&self, id: &str) -> bool {
        self.0.binary_search_by(|x| x.as_str().cmp(id)).is_ok()
    }

    /// False when already present.
    pub fn insert(&mut self, id: &str) -> bool {
        match self.0.binary_search_by(|x| x.as_str().cmp(id)) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, id.to_string());
                true
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Seen {
    prev: IdSet,
    all: Option<IdSet>,
}

impl Seen {
    /// `every_id`: remember every id of the scan, not just the previous page's.
    pub fn new(every_id: bool) -> Seen {
        Seen {
            prev: IdSet::default(),
            all: every_id.then(IdSet::default),
        }
    }

    /// A new fetch starts: its first page cannot repeat another fetch's last one.
    #[inline]
    pub fn next_fetch(&mut self) {
        self.prev = IdSet::default();
    }

    /// The rows of `body` to return: not seen before and, for a lookup, with
    /// `expect.0 = expect.1`. Also true when the page was non-empty and entirely a repeat of
    /// the previous page.
    #[inline]
    pub fn filter(
        &mut self,
        body: &str,
        rows: Spans,
        expect: Option<&(&str, String)>,
    ) -> (Spans, bool) {
        let n = rows.len();
        let mut page_ids = IdSet::default();
        let mut prev_dups = 0;
        let mut kept = Vec::new();
        for (s, e) in rows {
            if let Some((field, want)) = expect {
                let row = Val {
                    raw: span(body, s, e),
                };
                if row.get(field).and_then(|v| v.as_str()).as_deref() != Some(want.as_str()) {
                    continue;
                }
            }
            if let Some(id) = row_id(body, s, e) {
                if self.prev.contains(&id) {
                    prev_dups += 1;
                    continue;
                }
                if self.all.as_mut().is_some_and(|all| !all.insert(&id)) {
                    continue;
                }
                page_ids.insert(&id);
            }
            kept.push((s, e));
        }
        self.prev = page_ids;
        (kept, n > 0 && prev_dups == n)
    }
}
