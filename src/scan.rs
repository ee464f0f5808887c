//! The scan engine: runs the planned fetches one page at a time, only when Postgres asks
//! for more rows, so `LIMIT 5` costs one request and memory stays around one page.

use crate::prelude::*;

use crate::bug::{bug, span};
use crate::catalog::{Object, Paging};
use crate::client::{self, GetError};
use crate::config::Config;
use crate::dedupe::Seen;
use crate::json::Val;
use crate::model::{Cell, Host, Limit, Qual, QualValue, QueryColumn};
use crate::page::{self, row_id, Cursor, Spans};
use crate::plan::{self, Fetch};
use crate::project::Projection;
use crate::replay::Replay;
use crate::text::{cat, fill, int};
use crate::url::{encode, QueryString};
use alloc::rc::Rc;

/// Clerk's maximum page size.
pub const PAGE_SIZE: u64 = 500;

/// Where the network side of the scan stands.
#[derive(Debug)]
struct Live {
    fetch: usize,
    cursor: Cursor,
    /// The fetch's paging; switches from Cursor to Offset if Clerk refuses the cursor.
    paging: Paging,
    pages: u32,
    rows: u64,
    /// Clerk's `total_count` on the first page of an offset scan.
    first_total: Option<u64>,
}

#[derive(Debug)]
pub struct Scan {
    object: &'static Object,
    projection: Projection,
    fetches: Vec<Fetch>,
    first_page: u64,
    live: Live,
    /// The current page: its body, the spans of the rows still to return (each with the
    /// span of its parent object, itself unless a child table), and its fetch.
    page: Rc<String>,
    rows: alloc::vec::IntoIter<(usize, usize, usize, usize)>,
    rows_fetch: usize,
    seen: Seen,
    replay: Replay,
    /// Rows returned since the last `rows_returned` report.
    unreported_rows: u64,
    /// Pages read and rows returned by the whole scan (bounded by the server options
    /// max_pages and max_rows).
    pages_read: u64,
    rows_returned: u64,
    /// Whether this scan already said that it replaced a NUL character.
    nul_noticed: bool,
    /// Said (or raised) when the first row is asked for, not at `begin_scan`: a join's inner
    /// scan starts with placeholder parameters and gets real ones at its first re-scan.
    notices: Vec<String>,
    deferred_error: Option<String>,
    /// For a scan that needs no column and has no condition (`count(*)`, `exists`): Clerk's
    /// total, asked for in one request, then that many empty rows. None: page as usual.
    count: Option<Count>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Count {
    Ask,
    /// Rows still to return, of `total`.
    Left {
        left: u64,
        total: u64,
    },
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
        let page_size = object.page_size.unwrap_or(PAGE_SIZE);
        let first_page = limit
            .map(|l| {
                // `max`/`min`, not `clamp`: clamp's check of its bounds formats them in a
                // panic message, and `core::fmt` is bytes the host compiles every query.
                l.count
                    .saturating_add(l.offset.max(0))
                    .max(1)
                    .min(page_size as i64) as u64
            })
            .unwrap_or(page_size);
        // Postgres rechecks every condition on the rows, so a scan with a condition needs
        // real values; only one with neither columns nor conditions can be answered by a
        // count (offset-paged lists carry it in every page).
        let countable = |f: &Fetch| match f.paging {
            Paging::Offset { .. } => true,
            Paging::Cursor => object.count_path.is_some(),
            Paging::Unpaged | Paging::Single => false,
        };
        // Several fetches (a list and its hidden rows' pass) are counted one request each.
        let count = (columns.is_empty()
            && quals.is_empty()
            && !fetches.is_empty()
            && fetches.iter().all(countable)
            && (fetches.len() == 1 || object.count_path.is_none()))
        .then_some(Count::Ask);
        Ok(Scan {
            count,
            object,
            projection: Projection::new(object, columns, quals),
            live: Live::start(&fetches, 0),
            seen: Seen::new(chunks_may_overlap(&fetches)),
            fetches,
            first_page,
            page: Rc::default(),
            rows: Vec::new().into_iter(),
            rows_fetch: 0,
            replay: Replay::default(),
            unreported_rows: 0,
            pages_read: 0,
            rows_returned: 0,
            nul_noticed: false,
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
        if let Some(more) = self.next_counted_row(host, cfg)? {
            out.clear();
            return Ok(more);
        }
        loop {
            if let Some((start, end, parent_start, parent_end)) = self.rows.next() {
                self.count_row(cfg)?;
                let route = at(&self.fetches, self.rows_fetch)
                    .route_value
                    .as_ref()
                    .map(|(c, v)| (*c, v.as_str()));
                let row = Val {
                    raw: span(&self.page, start, end),
                };
                let parent = Val {
                    raw: span(&self.page, parent_start, parent_end),
                };
                let scrubbed = self.projection.project(row, parent, route, out)?;
                if let (Some(col), false) = (scrubbed, self.nul_noticed) {
                    self.nul_noticed = true;
                    let id = row_id(&self.page, start, end).unwrap_or_default();
                    host.notice(&nul_notice(
                        self.object.name,
                        self.projection.name(col),
                        &id,
                    ));
                }
                // Rows out are counted when a page's last row goes out: the stats call
                // runs SQL, which `end_scan` may not do.
                self.unreported_rows += 1;
                if self.rows.len() == 0 {
                    host.rows_returned(self.unreported_rows as i64);
                    self.unreported_rows = 0;
                }
                return Ok(true);
            }
            if !self.next_page(host, cfg)? {
                return Ok(false);
            }
        }
    }

    /// In count mode, whether there is one more (empty) row; None when not counting.
    fn next_counted_row(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
    ) -> Result<Option<bool>, String> {
        if self.count == Some(Count::Ask) {
            self.count = self
                .ask_count(host, cfg)?
                .map(|total| Count::Left { left: total, total });
        }
        let Some(Count::Left { left, total }) = self.count else {
            return Ok(None);
        };
        if left == 0 {
            return Ok(Some(false));
        }
        self.count_row(cfg)?;
        self.count = Some(Count::Left {
            left: left - 1,
            total,
        });
        if left == 1 {
            host.rows_returned(total as i64);
        }
        Ok(Some(true))
    }

    /// One more row for Postgres, within the server option max_rows.
    fn count_row(&mut self, cfg: &Config) -> Result<(), String> {
        if self.rows_returned >= cfg.limits.max_rows {
            return Err(self.over_limit(cfg, "max_rows", self.rows_returned));
        }
        self.rows_returned += 1;
        Ok(())
    }

    /// Start over with the same quals: replay buffered pages, then continue live.
    pub fn rescan(&mut self) {
        if let Some(Count::Left { total, .. }) = self.count {
            self.count = Some(Count::Left { left: total, total });
        }
        self.rows = Vec::new().into_iter();
        self.page = Rc::default();
        self.seen = Seen::new(chunks_may_overlap(&self.fetches));
        if !self.replay.restart() {
            self.live = Live::start(&self.fetches, 0);
        }
    }

    /// Load the next page into `self.rows`; false when there is none.
    fn next_page(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<bool, String> {
        if let Some((fetch, body)) = self.replay.next_page() {
            let page = self.parse(fetch, &body)?;
            self.accept(fetch, body, page.rows);
            return Ok(true);
        }
        loop {
            if self.live.fetch >= self.fetches.len() {
                return Ok(false);
            }
            if self.live.cursor == Cursor::Done {
                self.live = Live::start(&self.fetches, self.live.fetch + 1);
                self.seen.next_fetch();
                continue;
            }
            let fetch = self.live.fetch;
            if self.pages_read >= cfg.limits.max_pages {
                return Err(self.over_limit(cfg, "max_pages", self.pages_read));
            }
            self.pages_read += 1;
            let Some(body) = self.request(host, cfg)? else {
                self.live.cursor = Cursor::Done; // 404 on a by-id/single lookup: no row
                continue;
            };
            let body = Rc::new(body);
            let page = self.parse(fetch, &body)?;
            host.page_received(page.rows.len() as i64, body.len() as i64);
            let last_id = page.rows.last().and_then(|&(s, e)| row_id(&body, s, e));
            if !self.advance(page.rows.len() as u64, last_id, page.total)? {
                continue;
            }
            self.replay.keep(fetch, Rc::clone(&body));
            let n = page.rows.len() as u64;
            if self.accept(fetch, body, page.rows) {
                self.repeated_page(n)?;
            }
            return Ok(true);
        }
    }

    /// The scan's total: one request per fetch. None when an answer has no total.
    fn ask_count(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<Option<u64>, String> {
        let mut sum = 0u64;
        for i in 0..self.fetches.len() {
            match self.ask_count_of(host, cfg, i)? {
                Some(n) => sum = sum.saturating_add(n),
                None => return Ok(None),
            }
        }
        Ok(Some(sum))
    }

    #[inline]
    /// A fetch's total in one request: the object's count endpoint, or one row of an
    /// offset-paged list (which carries `total_count`). None when the answer has no total.
    fn ask_count_of(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
        fetch: usize,
    ) -> Result<Option<u64>, String> {
        let f = at(&self.fetches, fetch);
        let (path, single) = match self.object.count_path {
            Some(p) => (p, true),
            None => (f.path.as_str(), false),
        };
        let mut query = QueryString::default();
        if !single {
            for (k, v) in &f.params {
                query.add(k, v);
            }
            query.add("limit", "1");
            if f.paging == (Paging::Offset { paginated: true }) {
                query.add("paginated", "true");
            }
        }
        let body = client::get(host, cfg, self.object.name, path, query.as_str(), false)
            .map_err(GetError::message)?
            .unwrap_or_default();
        self.pages_read += 1;
        host.page_received(0, body.len() as i64);
        if single {
            let root = crate::json::parse(&body).map_err(|e| {
                fill(
                    "unexpected response from Clerk for {object} at {path}: malformed JSON \
                     ({what})",
                    &[
                        ("object", self.object.name),
                        ("path", path),
                        ("what", e.what),
                    ],
                )
            })?;
            let total = root.get("total_count").and_then(|t| t.as_i64());
            return Ok(total.and_then(|t| u64::try_from(t).ok()));
        }
        Ok(page::parse(self.object.name, path, f.paging, &body)?.total)
    }

    fn parse(&self, fetch: usize, body: &str) -> Result<page::Page, String> {
        let f = at(&self.fetches, fetch);
        page::parse(self.object.name, &f.path, f.paging, body)
    }

    /// GET the live fetch's next page. Falls back from cursor to offset paging if Clerk
    /// refuses `starting_after` (422).
    fn request(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<Option<String>, String> {
        loop {
            let f = at(&self.fetches, self.live.fetch);
            let mut query = QueryString::default();
            for (k, v) in &f.params {
                query.add(k, v);
            }
            let limit = int(self.page_limit() as i64);
            match (&self.live.paging, &self.live.cursor) {
                (Paging::Offset { paginated }, c) => {
                    query.add("limit", &limit);
                    if let Cursor::Offset(o) = c {
                        query.add("offset", &int(*o as i64));
                    }
                    if *paginated {
                        query.add("paginated", "true");
                    }
                }
                (Paging::Cursor, c) => {
                    query.add("limit", &limit);
                    if let Cursor::After(id) = c {
                        query.add("starting_after", id);
                    }
                }
                (Paging::Unpaged | Paging::Single, _) => {}
            }
            let after_cursor = matches!(self.live.cursor, Cursor::After(_));
            match client::get(
                host,
                cfg,
                self.object.name,
                &f.path,
                query.as_str(),
                f.missing_is_empty,
            ) {
                Ok(body) => return Ok(body),
                Err(GetError::Status(422, _)) if after_cursor => {
                    self.cursor_row_exists(host, cfg)?;
                    if cfg.debug {
                        host.debug("clerk_fdw: cursor paging refused; using offset paging");
                    }
                    self.live.paging = Paging::Offset { paginated: false };
                    self.live.cursor = Cursor::Offset(self.live.rows);
                }
                Err(e) => return Err(e.message()),
            }
        }
    }

    /// Clerk refused to page after the last row read. If that row was deleted meanwhile (by
    /// this very statement, in a DELETE), offset paging would skip as many rows: an error.
    fn cursor_row_exists(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<(), String> {
        let Cursor::After(id) = &self.live.cursor else {
            return Ok(());
        };
        let path = cat(&[&at(&self.fetches, self.live.fetch).path, "/", &encode(id)]);
        let found =
            client::get(host, cfg, self.object.name, &path, "", true).map_err(GetError::message)?;
        if found.is_some() {
            return Ok(());
        }
        Err(fill(
            "{object} changed while it was read: the last row read, {id}, was deleted \
             meanwhile (by this statement, if it deletes them), and Clerk cannot page after \
             a deleted row. The rows read so far were handled; run the statement again for \
             the rest",
            &[("object", self.object.name), ("id", id)],
        ))
    }

    /// The endpoint sent the previous page again: it ignored the cursor or the offset, and
    /// ending here would silently return fewer rows. A cursor falls back to offset paging
    /// (the repeat is already dropped); a repeat under offset paging is an error.
    fn repeated_page(&mut self, n: u64) -> Result<(), String> {
        let live = &mut self.live;
        live.rows = live.rows.saturating_sub(n);
        if live.paging == Paging::Cursor {
            live.paging = Paging::Offset { paginated: false };
            live.cursor = Cursor::Offset(live.rows);
            return Ok(());
        }
        Err(fill(
            "Clerk sent the same page of {object} twice at {path} (after {rows} rows): it \
             ignored the paging parameters, so the rest cannot be read reliably. Stopping \
             rather than returning fewer rows; add WHERE conditions that push down, or try again",
            &[
                ("object", self.object.name),
                ("path", &at(&self.fetches, live.fetch).path),
                ("rows", &int(live.rows as i64)),
            ],
        ))
    }

    fn page_limit(&self) -> u64 {
        if self.live.pages == 0 {
            self.first_page
        } else {
            self.object.page_size.unwrap_or(PAGE_SIZE)
        }
    }

    /// Decide the next cursor from a raw page (before duplicate suppression). False: the
    /// page is stale, drop it (the cursor now reads it again).
    fn advance(
        &mut self,
        n: u64,
        last_id: Option<String>,
        total: Option<u64>,
    ) -> Result<bool, String> {
        let requested = self.page_limit();
        let path = &at(&self.fetches, self.live.fetch).path;
        let live = &mut self.live;
        // Offset pages shift when the list changes under the scan. Rows created meanwhile
        // come back twice (dropped as duplicates of the previous page, if no more than a
        // page). Rows deleted meanwhile (by this very statement, in a DELETE) move the later
        // ones up: this page is read again from as many rows earlier, and the rows already
        // returned come back as duplicates of the previous page.
        if let (Some(first), Some(now)) = (live.first_total.or(total), total) {
            let deleted = first.saturating_sub(now);
            if deleted > 0 && deleted <= requested {
                live.rows = live.rows.saturating_sub(deleted);
                live.cursor = Cursor::Offset(live.rows);
                live.first_total = Some(now);
                return Ok(false);
            }
            if now < first || now > first + requested {
                return Err(fill(
                    "{object} changed while it was read at {path}: Clerk's count went from \
                     {first} to {now} between pages, so rows may have moved past the pages \
                     read; run the query again",
                    &[
                        ("object", self.object.name),
                        ("path", path),
                        ("first", &int(first as i64)),
                        ("now", &int(now as i64)),
                    ],
                ));
            }
        }
        live.first_total = live.first_total.or(total);
        live.pages += 1;
        live.rows += n;
        live.cursor = match Cursor::next(live.paging, n, requested, live.rows, last_id, total) {
            Some(c) => c,
            None => {
                return Err(fill(
                    "unexpected response from Clerk for {object} at {path}: a row has no \
                     id to page after",
                    &[("object", self.object.name), ("path", path)],
                ))
            }
        };
        Ok(true)
    }

    /// The scan reached the bound `option` at `n` (pages or rows) and there is more.
    fn over_limit(&self, cfg: &Config, option: &str, n: u64) -> String {
        fill(
            "stopped reading {object} at {n} {what}, the bound set by the server option \
             {option} ({limit}), with more to read: add WHERE conditions that push down to \
             read less, or raise it: ALTER SERVER … OPTIONS (ADD {option} '…')",
            &[
                ("object", self.object.name),
                ("n", &int(n as i64)),
                (
                    "what",
                    if option == "max_rows" {
                        "rows"
                    } else {
                        "pages"
                    },
                ),
                ("option", option),
                (
                    "limit",
                    &int(if option == "max_rows" {
                        cfg.limits.max_rows
                    } else {
                        cfg.limits.max_pages
                    } as i64),
                ),
            ],
        )
    }

    /// Queue the page's new rows. True when the page was non-empty and entirely a repeat
    /// of the previous page.
    fn accept(&mut self, fetch: usize, body: Rc<String>, rows: Spans) -> bool {
        let expect = at(&self.fetches, fetch).expect.as_ref();
        let (kept, repeat) = self.seen.filter(&body, rows, expect);
        let mut rows = Vec::new();
        for (s, e) in kept {
            match self.object.elements {
                None => rows.push((s, e, s, e)),
                // A child table: one row per element of the parent's array.
                Some(field) => {
                    let parent = Val {
                        raw: span(&body, s, e),
                    };
                    for el in parent.get(field).map(|a| a.items()).into_iter().flatten() {
                        let start = el.raw.as_ptr() as usize - body.as_ptr() as usize;
                        rows.push((start, start + el.raw.len(), s, e));
                    }
                }
            }
        }
        self.page = body;
        self.rows = rows.into_iter();
        self.rows_fetch = fetch;
        repeat
    }
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

/// Fetch `i`; indices always come from the same list, so a miss is a bug. `get` rather
/// than `[]` keeps the bounds-check panic, and the formatting code it drags in, out of the
/// component.
fn at(fetches: &[Fetch], i: usize) -> &Fetch {
    match fetches.get(i) {
        Some(f) => f,
        None => bug(),
    }
}

impl Live {
    fn start(fetches: &[Fetch], fetch: usize) -> Live {
        Live {
            fetch,
            cursor: Cursor::Start,
            paging: fetches.get(fetch).map_or(Paging::Single, |f| f.paging),
            pages: 0,
            rows: 0,
            first_total: None,
        }
    }
}

#[cfg(test)]
mod bounds_tests;
#[cfg(test)]
mod tests;
