//! The scan engine: runs the planned fetches one page at a time, only when Postgres asks
//! for more rows, so `LIMIT 5` costs one request and memory stays around one page.
//!
//! `Scan` orchestrates: `pager` reads pages from Clerk, `count` answers `count(*)`,
//! `bounds` keeps max_pages/max_rows, `page` turns a body into rows, `dedupe` drops rows
//! already returned, `replay` serves a re-scan from the rows returned, `project` turns a
//! row into cells.

use crate::prelude::*;

use crate::bug::span;
use crate::catalog::Object;
use crate::config::Config;
use crate::dedupe::Seen;
use crate::json::Val;
use crate::model::{Cell, Host, Limit, Qual, QualValue, QueryColumn};
use crate::page::{self, row_id, RowSpan};
use crate::plan::{self, Fetch};
use crate::project::Projection;
use crate::replay::{Replay, Restart, DEFAULT_REPLAY_BYTES};
use crate::text::{fill, int};
use bounds::Tally;
use count::Count;
use pager::{at, Pager};

mod bounds;
mod count;
mod pager;

pub use pager::PAGE_SIZE;

#[derive(Debug)]
pub struct Scan {
    object: &'static Object,
    /// What was asked for: a later scan asking the same can be answered by this one.
    columns: Vec<QueryColumn>,
    quals: Vec<Qual>,
    projection: Projection,
    fetches: Vec<Fetch>,
    pager: Pager,
    /// The current page's body, the rows of it still to return, and its fetch.
    page: String,
    rows: alloc::vec::IntoIter<RowSpan>,
    rows_fetch: usize,
    seen: Seen,
    replay: Replay,
    tally: Tally,
    /// Whether this scan already said that it replaced a NUL character.
    nul_noticed: bool,
    /// Whether this scan already said that a re-scan reads Clerk again.
    reread_noticed: bool,
    /// Rows handed out again by re-scans, and whether that was said to be slow.
    replayed: u64,
    hinted: bool,
    /// Said (or raised) when the first row is asked for, not at `begin_scan`: a join's inner
    /// scan starts with placeholder parameters and gets real ones at its first re-scan.
    notices: Vec<String>,
    deferred_error: Option<String>,
    /// Set for a scan answered by a count (see `count.rs`).
    count: Option<Count>,
}

impl Scan {
    pub fn new(
        object: &'static Object,
        columns: &[QueryColumn],
        quals: &[Qual],
        limit: Option<Limit>,
    ) -> Result<Scan, String> {
        let mut referenced = Vec::new();
        for c in columns {
            referenced.push(c.name.as_str());
        }
        let mut notices = Vec::new();
        for q in quals {
            if q.values.contains(&QualValue::Unresolved) {
                notices.push(plan::unresolved_notice(object.name, &q.field));
            }
        }
        // A required qual whose value is not there yet fails only if rows are asked for.
        let (fetches, deferred_error) = match plan::plan(object, quals, &referenced) {
            Ok(f) => (f, None),
            Err(e) if !notices.is_empty() => (Vec::new(), Some(e)),
            Err(e) => return Err(e),
        };
        // LIMIT only sizes the first page; Postgres may still need more rows (ORDER BY,
        // joins, rechecked quals), so paging continues on demand.
        let page_size = object.page_size.map_or(PAGE_SIZE, u64::from);
        let first_page = limit
            .map(|l| {
                // `max`/`min`, not `clamp`: clamp's check of its bounds formats them in a
                // panic message, which links `core::fmt` (size).
                l.count
                    .saturating_add(l.offset.max(0))
                    .max(1)
                    .min(page_size as i64) as u64
            })
            .unwrap_or(page_size);
        let nothing_needed = columns.is_empty() && quals.is_empty();
        Ok(Scan {
            count: Count::mode(object, nothing_needed, &fetches),
            object,
            columns: columns.to_vec(),
            quals: quals.to_vec(),
            projection: Projection::new(object, columns, quals),
            pager: Pager::new(object, first_page, &fetches),
            seen: Seen::new(chunks_may_overlap(&fetches)),
            fetches,
            page: String::new(),
            rows: Vec::new().into_iter(),
            rows_fetch: 0,
            replay: Replay::new(DEFAULT_REPLAY_BYTES, false),
            tally: Tally::default(),
            nul_noticed: false,
            reread_noticed: false,
            replayed: 0,
            hinted: false,
            notices,
            deferred_error,
        })
    }

    #[cfg(test)]
    pub fn fetches(&self) -> &[Fetch] {
        &self.fetches
    }

    /// Fill `out` with the next row; false when the scan is over.
    pub fn next_row(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
        out: &mut Vec<Option<Cell>>,
    ) -> Result<bool, String> {
        if let Some(e) = self.deferred_error.take() {
            return Err(e);
        }
        for n in self.notices.drain(..) {
            host.notice(&n);
        }
        if let Some(count) = &mut self.count {
            let (object, fetches) = (self.object, &self.fetches);
            if let Some(more) = count.next(host, cfg, object, fetches, &mut self.tally)? {
                out.clear();
                return Ok(more);
            }
        }
        // A re-scan hands out the rows already read, then reads on where the first pass
        // stopped. Replayed rows cost no request and count toward no bound or statistic.
        if self.replay.next_row(out) {
            return Ok(true);
        }
        loop {
            if let Some(RowSpan { row, parent }) = self.rows.next() {
                self.tally.row(cfg, self.object.name)?;
                let route = at(&self.fetches, self.rows_fetch)
                    .route_value
                    .as_ref()
                    .map(|(c, v)| (*c, v.as_str()));
                let val = |(s, e)| Val {
                    raw: span(&self.page, s, e),
                };
                let scrubbed = self.projection.project(val(row), val(parent), route, out)?;
                if let (Some(col), false) = (scrubbed, self.nul_noticed) {
                    self.nul_noticed = true;
                    let id = row_id(&self.page, row.0, row.1).unwrap_or_default();
                    let column = self.projection.name(col);
                    host.notice(&nul_notice(self.object.name, column, &id));
                }
                self.tally.report(host, self.rows.len() == 0);
                self.replay.keep(out);
                return Ok(true);
            }
            if !self.next_page(host, cfg)? {
                return Ok(false);
            }
        }
    }

    /// Keep at most `bytes` of returned rows for re-scans (the option `replay_mb`), from
    /// the first row if `rescan` (the scan is a join's later one), else once rescanned.
    pub fn replay_up_to(mut self, bytes: usize, rescan: bool) -> Scan {
        self.replay = Replay::new(bytes, rescan);
        self
    }

    /// Whether `other` asks for the same rows (object, columns, conditions and values).
    pub fn same_request(&self, other: &Scan) -> bool {
        self.object.name == other.object.name
            && self.columns == other.columns
            && self.quals == other.quals
    }

    /// Whether every row was read and is kept: a re-scan needs no request at all. The
    /// memory it holds when so.
    pub fn replayable(&self) -> Option<usize> {
        let read_all = self.pager.fetch >= self.fetches.len() && self.rows.len() == 0;
        let counting = matches!(self.count, Some(Count::Ask | Count::Left { .. }));
        let clean = self.deferred_error.is_none() && !counting;
        (read_all && clean).then(|| self.replay.kept()).flatten()
    }

    pub fn replay_cap(&self) -> usize {
        self.replay.cap()
    }

    /// Start over with the same quals: replay the rows returned so far, then continue the
    /// read where it stopped; or, past the replay's cap, read Clerk again from the start.
    pub fn rescan(&mut self) {
        if let Some(count) = &mut self.count {
            count.restart();
        }
        match self.replay.restart() {
            Restart::Replay => {
                self.replayed = self.replayed.saturating_add(self.replay.rows() as u64);
                if self.replayed >= NESTED_LOOP_HINT_ROWS && !self.hinted {
                    self.hinted = true;
                    self.notices.push(nested_loop_notice(self.object.name));
                }
                return;
            }
            Restart::ReadAgain => {}
            Restart::OverCap if self.reread_noticed => {}
            Restart::OverCap => {
                self.reread_noticed = true;
                let notice = reread_notice(self.object.name, self.replay.cap());
                self.notices.push(notice);
            }
        }
        self.rows = Vec::new().into_iter();
        self.page = String::new();
        self.seen = Seen::new(chunks_may_overlap(&self.fetches));
        self.pager.start(&self.fetches, 0);
        self.tally.new_pass();
    }

    /// Load the next page into `self.rows`; false when there is none.
    fn next_page(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<bool, String> {
        loop {
            let fetch = self.pager.fetch;
            if fetch >= self.fetches.len() {
                return Ok(false);
            }
            if self.pager.fetch_done() {
                self.pager.start(&self.fetches, fetch + 1);
                self.seen.next_fetch();
                continue;
            }
            self.tally.page(cfg, self.object.name)?;
            let Some((body, page)) = self.pager.read(host, cfg, &self.fetches)? else {
                continue;
            };
            let n = page.rows.len() as u64;
            if self.accept(fetch, body, page.rows) {
                self.pager.repeated_page(&self.fetches, n)?;
            }
            return Ok(true);
        }
    }

    /// Queue the page's new rows. True when the page was non-empty and entirely a repeat
    /// of the previous page.
    fn accept(&mut self, fetch: usize, body: String, rows: page::Spans) -> bool {
        let expect = at(&self.fetches, fetch).expect.as_ref();
        let (kept, repeat) = self.seen.filter(&body, rows, expect);
        self.rows = page::rows(&body, kept, self.object.elements).into_iter();
        self.page = body;
        self.rows_fetch = fetch;
        repeat
    }
}

/// Replayed rows past which a nested loop's cost is worth a hint: each goes through the
/// host and Postgres' join filter again (about a microsecond each, measured).
const NESTED_LOOP_HINT_ROWS: u64 = 2_000_000;

fn nested_loop_notice(object: &str) -> String {
    fill(
        "clerk_fdw: {object} has been rescanned from memory for over 2,000,000 rows so far \
         (the inner side of a nested-loop join; Postgres sees no row counts of Clerk tables \
         and plans each as one row). No request is repeated, but each row passes through \
         the join again: SET enable_nestloop = off for this query makes it a hash join that \
         reads each table once",
        &[("object", object)],
    )
}

fn reread_notice(object: &str, cap: usize) -> String {
    fill(
        "clerk_fdw: {object} is read from Clerk again for each re-scan (the inner side of a \
         join): its rows take more than the {mb} MiB a scan keeps for re-scans. Raise the \
         option replay_mb (ALTER FOREIGN TABLE … OPTIONS (ADD replay_mb '…'), or on the \
         server), select fewer columns, or add conditions that push down",
        &[("object", object), ("mb", &int((cap >> 20) as i64))],
    )
}

fn nul_notice(object: &str, column: &str, id: &str) -> String {
    fill(
        "clerk_fdw: {object}.{column} of row {id} held a NUL character (\\u0000), which \
         Postgres cannot store in text or jsonb; it was replaced with U+FFFD, as is any other \
         in this scan",
        &[("object", object), ("column", column), ("id", id)],
    )
}

/// Only a filter split into chunks (same endpoint, e.g. 150 emails as 100 + 50) can return
/// one row twice; fetches of different parents or ids cannot, so they skip the id set.
fn chunks_may_overlap(fetches: &[Fetch]) -> bool {
    fetches.windows(2).any(|w| w[0].path == w[1].path)
}

#[cfg(test)]
mod bounds_tests;
#[cfg(test)]
mod tests;
