//! The scan engine: runs the planned fetches one page at a time, only when Postgres asks
//! for more rows, so `LIMIT 5` costs one request and memory stays around one page.

use crate::prelude::*;

use crate::catalog::{Object, Paging};
use crate::client::{self, GetError};
use crate::config::Config;
use crate::json::{self, Val};
use crate::model::{Cell, QueryColumn, Host, Limit, Qual};
use crate::plan::{self, encode, Fetch};
use crate::project::Projection;
use crate::text::{fill, int};
use alloc::rc::Rc;

/// Clerk's maximum page size.
pub const PAGE_SIZE: u64 = 500;
/// Bound on pages per fetch (10 million rows), so a misbehaving endpoint cannot loop forever.
pub const MAX_PAGES: u32 = 20_000;
/// Page bodies kept so a re-scan (the inner side of a join) replays instead of refetching;
/// about one users page, so memory stays near a page or two whatever the table size.
pub const REPLAY_CAP_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq)]
enum Cursor {
    Start,
    Offset(u64),
    After(String),
    Done,
}

/// Where the network side of the scan stands.
#[derive(Debug)]
struct Live {
    fetch: usize,
    cursor: Cursor,
    /// The fetch's paging; switches from Cursor to Offset if Clerk refuses the cursor.
    paging: Paging,
    pages: u32,
    rows: u64,
}

/// Duplicate suppression: ids of the previous page (offset paging shifts when rows are
/// created mid-scan), and of every row when several fetches could overlap.
#[derive(Debug, Default)]
struct Seen {
    prev: IdSet,
    all: Option<IdSet>,
}

/// A sorted list of ids: small code (the component's size is per-query latency) and
/// bounded by a page, or by a filtered result for `all`.
#[derive(Debug, Default)]
struct IdSet(Vec<String>);

impl IdSet {
    fn contains(&self, id: &str) -> bool {
        self.0.binary_search_by(|x| x.as_str().cmp(id)).is_ok()
    }
    /// False when already present.
    fn insert(&mut self, id: &str) -> bool {
        match self.0.binary_search_by(|x| x.as_str().cmp(id)) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, id.to_string());
                true
            }
        }
    }
}

#[derive(Debug)]
pub struct Scan {
    object: &'static Object,
    projection: Projection,
    fetches: Vec<Fetch>,
    first_page: u64,
    live: Live,
    /// The current page: its body, the spans of the rows still to return, and its fetch.
    page: Rc<String>,
    rows: alloc::vec::IntoIter<(usize, usize)>,
    rows_fetch: usize,
    seen: Seen,
    /// (fetch index, body) of every page so far, while under the cap; None once over it.
    /// Shared with `page`, never copied.
    replay: Option<Vec<(usize, Rc<String>)>>,
    replay_bytes: usize,
    /// Next replayed page while a re-scan is replaying.
    replay_pos: Option<usize>,
    /// Rows returned since the last `rows_returned` report.
    unreported_rows: u64,
    /// Whether this scan already said that it replaced a NUL character.
    nul_noticed: bool,
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
        let fetches = plan::plan(object, quals, &referenced)?;
        // LIMIT only sizes the first page; Postgres may still need more rows (ORDER BY,
        // joins, rechecked quals), so paging continues on demand.
        let first_page = limit
            .map(|l| {
                l.count
                    .saturating_add(l.offset.max(0))
                    .clamp(1, PAGE_SIZE as i64) as u64
            })
            .unwrap_or(PAGE_SIZE);
        let overlap = chunks_may_overlap(&fetches);
        Ok(Scan {
            object,
            projection: Projection::new(object, columns, quals),
            live: Live::start(&fetches, 0),
            fetches,
            first_page,
            page: Rc::default(),
            rows: Vec::new().into_iter(),
            rows_fetch: 0,
            seen: Seen::new(overlap),
            replay: Some(Vec::new()),
            replay_bytes: 0,
            replay_pos: None,
            unreported_rows: 0,
            nul_noticed: false,
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
        loop {
            if let Some((start, end)) = self.rows.next() {
                let route = at(&self.fetches, self.rows_fetch).route_value.as_deref();
                let row = Val {
                    raw: self.page.get(start..end).unwrap_or("null"),
                };
                let scrubbed = self.projection.project(row, route, out)?;
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

    /// Start over with the same quals: replay buffered pages, then continue live.
    pub fn rescan(&mut self) {
        self.rows = Vec::new().into_iter();
        self.page = Rc::default();
        self.seen = Seen::new(chunks_may_overlap(&self.fetches));
        if self.replay.is_some() {
            self.replay_pos = Some(0);
        } else {
            self.live = Live::start(&self.fetches, 0);
            self.replay = Some(Vec::new());
            self.replay_bytes = 0;
        }
    }

    /// Load the next page into `self.rows`; false when there is none.
    fn next_page(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<bool, String> {
        if let (Some(pos), Some(pages)) = (self.replay_pos, &self.replay) {
            if let Some((fetch, body)) = pages.get(pos) {
                let (fetch, body) = (*fetch, Rc::clone(body));
                let (rows, _) = parse(self.object.name, at(&self.fetches, fetch), &body)?;
                self.replay_pos = Some(pos + 1);
                self.accept(fetch, body, rows);
                return Ok(true);
            }
            self.replay_pos = None;
        }
        loop {
            if self.live.fetch >= self.fetches.len() {
                return Ok(false);
            }
            if self.live.cursor == Cursor::Done {
                self.live = Live::start(&self.fetches, self.live.fetch + 1);
                self.seen.prev.0.clear();
                continue;
            }
            let fetch = self.live.fetch;
            let Some(body) = self.request(host, cfg)? else {
                self.live.cursor = Cursor::Done; // 404 on a by-id/single lookup: no row
                continue;
            };
            let body = Rc::new(body);
            let (rows, total) = parse(self.object.name, at(&self.fetches, fetch), &body)?;
            host.page_received(rows.len() as i64, body.len() as i64);
            let last_id = rows.last().and_then(|&(s, e)| row_id(&body, s, e));
            self.advance(rows.len() as u64, last_id, total)?;
            self.keep_for_replay(fetch, Rc::clone(&body));
            if self.accept(fetch, body, rows) {
                // The endpoint ignored our offset and sent the previous page again.
                self.live.cursor = Cursor::Done;
            }
            return Ok(true);
        }
    }

    /// GET the live fetch's next page. Falls back from cursor to offset paging if Clerk
    /// refuses `starting_after` (422).
    fn request(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<Option<String>, String> {
        loop {
            let f = at(&self.fetches, self.live.fetch);
            let mut query = String::new();
            let mut add = |k: &str, v: &str| {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(k);
                query.push('=');
                query.push_str(&encode(v));
            };
            for (k, v) in &f.params {
                add(k, v);
            }
            let limit = int(self.page_limit() as i64);
            match (&self.live.paging, &self.live.cursor) {
                (Paging::Offset { paginated }, c) => {
                    add("limit", &limit);
                    if let Cursor::Offset(o) = c {
                        add("offset", &int(*o as i64));
                    }
                    if *paginated {
                        add("paginated", "true");
                    }
                }
                (Paging::Cursor, c) => {
                    add("limit", &limit);
                    if let Cursor::After(id) = c {
                        add("starting_after", id);
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
                &query,
                f.missing_is_empty,
            ) {
                Ok(body) => return Ok(body),
                Err(GetError::Status(422, _)) if after_cursor => {
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

    fn page_limit(&self) -> u64 {
        if self.live.pages == 0 {
            self.first_page
        } else {
            PAGE_SIZE
        }
    }

    /// Decide the next cursor from a raw page (before duplicate suppression).
    fn advance(
        &mut self,
        n: u64,
        last_id: Option<String>,
        total: Option<u64>,
    ) -> Result<(), String> {
        let requested = self.page_limit();
        let live = &mut self.live;
        live.pages += 1;
        live.rows += n;
        live.cursor = match live.paging {
            Paging::Unpaged | Paging::Single => Cursor::Done,
            _ if n == 0 || n < requested => Cursor::Done,
            Paging::Offset { .. } if total.is_some_and(|t| live.rows >= t) => Cursor::Done,
            Paging::Offset { .. } => Cursor::Offset(live.rows),
            Paging::Cursor => match last_id {
                Some(id) => Cursor::After(id),
                None => {
                    return Err(fill(
                        "unexpected response from Clerk for {object} at {path}: a row has no \
                         id to page after",
                        &[
                            ("object", self.object.name),
                            ("path", &at(&self.fetches, live.fetch).path),
                        ],
                    ))
                }
            },
        };
        if live.cursor != Cursor::Done && live.pages >= MAX_PAGES {
            return Err(fill(
                "stopped reading {object} at {path} after {pages} pages ({rows} rows): add \
                 WHERE conditions that push down to read less",
                &[
                    ("object", self.object.name),
                    ("path", &at(&self.fetches, live.fetch).path),
                    ("pages", &int(MAX_PAGES.into())),
                    ("rows", &int(live.rows as i64)),
                ],
            ));
        }
        Ok(())
    }

    /// Drop duplicates (and lookup answers for another value), queue the rest. True when the
    /// page was non-empty and entirely a repeat of the previous page.
    fn accept(&mut self, fetch: usize, body: Rc<String>, rows: Spans) -> bool {
        let expect = at(&self.fetches, fetch).expect.as_ref();
        let n = rows.len();
        let seen = &mut self.seen;
        let mut page_ids = IdSet::default();
        let mut prev_dups = 0;
        let mut kept = Vec::new();
        for (s, e) in rows {
            if let Some((field, want)) = expect {
                let row = Val {
                    raw: body.get(s..e).unwrap_or_default(),
                };
                if row.get(field).and_then(|v| v.as_str()).as_deref() != Some(want.as_str()) {
                    continue;
                }
            }
            if let Some(id) = row_id(&body, s, e) {
                if seen.prev.contains(&id) {
                    prev_dups += 1;
                    continue;
                }
                if seen.all.as_mut().is_some_and(|all| !all.insert(&id)) {
                    continue;
                }
                page_ids.insert(&id);
            }
            kept.push((s, e));
        }
        seen.prev = page_ids;
        self.page = body;
        self.rows = kept.into_iter();
        self.rows_fetch = fetch;
        n > 0 && prev_dups == n
    }

    fn keep_for_replay(&mut self, fetch: usize, body: Rc<String>) {
        if let Some(pages) = &mut self.replay {
            self.replay_bytes += body.len();
            if self.replay_bytes <= REPLAY_CAP_BYTES {
                pages.push((fetch, body));
            } else {
                self.replay = None;
            }
        }
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

/// Byte ranges of rows within a page body.
type Spans = Vec<(usize, usize)>;

/// The `id` of the row at `body[s..e]`.
/// Fetch `i`; indices always come from the same list. `get` rather than `[]` keeps the
/// bounds-check panic, and the formatting code it drags in, out of the component.
fn at(fetches: &[Fetch], i: usize) -> &Fetch {
    static NONE: Fetch = Fetch {
        path: String::new(),
        params: Vec::new(),
        paging: Paging::Unpaged,
        route_value: None,
        expect: None,
        missing_is_empty: true,
    };
    fetches.get(i).unwrap_or(&NONE)
}

fn row_id(body: &str, s: usize, e: usize) -> Option<String> {
    let row = Val {
        raw: body.get(s..e)?,
    };
    row.get("id")?.as_str().map(|id| id.into_owned())
}

/// Spans of the rows (and `total_count`, if any) of one response body, validated once.
fn parse(object: &str, f: &Fetch, body: &str) -> Result<(Spans, Option<u64>), String> {
    let bad = |what: &str| {
        fill(
            "unexpected response from Clerk for {object} at {path}: {what}",
            &[("object", object), ("path", &f.path), ("what", what)],
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
    match root.kind() {
        json::Kind::Object if f.paging == Paging::Single => Ok((vec![span(root)], None)),
        json::Kind::Array => Ok((spans(root), None)),
        json::Kind::Object => {
            let total = root
                .get("total_count")
                .and_then(|t| t.as_i64())
                .and_then(|t| u64::try_from(t).ok());
            match root.get("data") {
                Some(data) if data.kind() == json::Kind::Array => Ok((spans(data), total)),
                _ => Err(bad(
                    "expected a list ({data, total_count}), found an object without a data array",
                )),
            }
        }
        _ => Err(bad("expected a JSON array or object, found a scalar")),
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
        }
    }
}

impl Seen {
    fn new(overlap: bool) -> Seen {
        Seen {
            prev: IdSet::default(),
            all: overlap.then(IdSet::default),
        }
    }
}

#[cfg(test)]
mod tests;
