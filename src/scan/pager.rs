//! The network side of a scan: which fetch is being read, where its next page starts, and
//! the protections for lists that change or misbehave while they are read (a refused
//! cursor, a repeated page, a count that moves between pages).

use crate::prelude::*;

use crate::bug::bug;
use crate::catalog::{Object, Paging};
use crate::client;
use crate::config::Config;
use crate::model::Host;
use crate::page::{self, row_id, Cursor, Page};
use crate::plan::Fetch;
use crate::text::{cat, fill, int};
use crate::url::{encode, QueryString};

/// Clerk's maximum page size.
pub const PAGE_SIZE: u64 = 500;

#[derive(Debug)]
pub struct Pager {
    object: &'static Object,
    /// Rows asked for by the first request (a LIMIT sizes it); later pages are full.
    first_page: u64,
    /// The fetch being read, an index into the scan's fetches.
    pub fetch: usize,
    cursor: Cursor,
    /// The fetch's paging; switches from Cursor to Offset if Clerk refuses the cursor.
    paging: Paging,
    pages: u32,
    rows: u64,
    /// Clerk's `total_count` on the first page of an offset scan.
    first_total: Option<u64>,
}

impl Pager {
    pub fn new(object: &'static Object, first_page: u64, fetches: &[Fetch]) -> Pager {
        let mut p = Pager {
            object,
            first_page,
            fetch: 0,
            cursor: Cursor::Start,
            paging: Paging::Single,
            pages: 0,
            rows: 0,
            first_total: None,
        };
        p.start(fetches, 0);
        p
    }

    /// Read `fetch` from its first page.
    pub fn start(&mut self, fetches: &[Fetch], fetch: usize) {
        self.fetch = fetch;
        self.cursor = Cursor::Start;
        self.paging = fetches.get(fetch).map_or(Paging::Single, |f| f.paging);
        self.pages = 0;
        self.rows = 0;
        self.first_total = None;
    }

    /// Whether the live fetch has no more pages.
    pub fn fetch_done(&self) -> bool {
        self.cursor == Cursor::Done
    }

    /// Read the live fetch's next page: its body and rows, or None when there is no page to
    /// hand out this time (a 404 lookup: the fetch is done; a stale page: read it again).
    pub fn read(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
        fetches: &[Fetch],
    ) -> Result<Option<(String, Page)>, String> {
        let f = at(fetches, self.fetch);
        let Some(body) = self.request(host, cfg, f)? else {
            self.cursor = Cursor::Done; // 404 on a by-id/single lookup: no row
            return Ok(None);
        };
        let page = page::parse(
            self.object.name,
            &f.path,
            f.paging,
            self.object.rows_field(),
            &body,
        )?;
        host.page_received(page.rows.len() as i64, body.len() as i64);
        let last_id = page.rows.last().and_then(|&(s, e)| row_id(&body, s, e));
        if !self.advance(&f.path, page.rows.len() as u64, last_id, page.total)? {
            return Ok(None);
        }
        // An ordered read is over once a row is past the bound (Postgres drops that row).
        if let Some(stop) = &f.stop {
            if page.rows.iter().any(|&(s, e)| stop.passed(&body, s, e)) {
                self.cursor = Cursor::Done;
            }
        }
        Ok(Some((body, page)))
    }

    /// GET the live fetch's next page. Falls back from cursor to offset paging if Clerk
    /// refuses `starting_after` (422).
    fn request(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
        f: &Fetch,
    ) -> Result<Option<String>, String> {
        loop {
            let mut query = QueryString::default();
            for (k, v) in &f.params {
                query.add(k, v);
            }
            let limit = int(self.page_limit() as i64);
            match (&self.paging, &self.cursor) {
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
            let name = self.object.name;
            match client::get(host, cfg, name, &f.path, query.as_str(), f.missing_is_empty) {
                Ok(body) => return Ok(body),
                Err(e) if e.status == 422 && matches!(self.cursor, Cursor::After(_)) => {
                    self.cursor_row_exists(host, cfg, f)?;
                    if cfg.debug {
                        host.debug("clerk_fdw: cursor paging refused; using offset paging");
                    }
                    self.paging = Paging::Offset { paginated: false };
                    self.cursor = Cursor::Offset(self.rows);
                }
                Err(e) => return Err(e.message),
            }
        }
    }

    /// Clerk refused to page after the last row read. If that row was deleted meanwhile (by
    /// this very statement, in a DELETE), offset paging would skip as many rows: an error.
    fn cursor_row_exists(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
        f: &Fetch,
    ) -> Result<(), String> {
        let Cursor::After(id) = &self.cursor else {
            return Ok(());
        };
        let path = cat(&[&f.path, "/", &encode(id)]);
        let found =
            client::get(host, cfg, self.object.name, &path, "", true).map_err(|e| e.message)?;
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

    /// The endpoint sent the previous page again (`n` rows): it ignored the cursor or the
    /// offset, and ending here would silently return fewer rows. A cursor falls back to
    /// offset paging (the repeat is already dropped); a repeat under offset paging is an
    /// error.
    pub fn repeated_page(&mut self, fetches: &[Fetch], n: u64) -> Result<(), String> {
        self.rows = self.rows.saturating_sub(n);
        if self.paging == Paging::Cursor {
            self.paging = Paging::Offset { paginated: false };
            self.cursor = Cursor::Offset(self.rows);
            return Ok(());
        }
        Err(fill(
            "Clerk sent the same page of {object} twice at {path} (after {rows} rows): it \
             ignored the paging parameters, so the rest cannot be read reliably. Stopping \
             rather than returning fewer rows; add WHERE conditions that push down, or try again",
            &[
                ("object", self.object.name),
                ("path", &at(fetches, self.fetch).path),
                ("rows", &int(self.rows as i64)),
            ],
        ))
    }

    fn page_limit(&self) -> u64 {
        if self.pages == 0 {
            self.first_page
        } else {
            self.object.page_size.map_or(PAGE_SIZE, u64::from)
        }
    }

    /// Decide the next cursor from a raw page (before duplicate suppression). False: the
    /// page is stale, drop it (the cursor now reads it again).
    fn advance(
        &mut self,
        path: &str,
        n: u64,
        last_id: Option<String>,
        total: Option<u64>,
    ) -> Result<bool, String> {
        let requested = self.page_limit();
        // Offset pages shift when the list changes under the scan. Rows created meanwhile
        // come back twice (dropped as duplicates of the previous page, if no more than a
        // page). Rows deleted meanwhile (by this very statement, in a DELETE) move the later
        // ones up: this page is read again from as many rows earlier, and the rows already
        // returned come back as duplicates of the previous page.
        if let (Some(first), Some(now)) = (self.first_total.or(total), total) {
            let deleted = first.saturating_sub(now);
            if deleted > 0 && deleted <= requested {
                self.rows = self.rows.saturating_sub(deleted);
                self.cursor = Cursor::Offset(self.rows);
                self.first_total = Some(now);
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
        self.first_total = self.first_total.or(total);
        self.pages += 1;
        self.rows += n;
        self.cursor = match Cursor::next(self.paging, n, requested, self.rows, last_id, total) {
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
}

/// Fetch `i`; indices always come from the same list, so a miss is a bug. `get` rather
/// than `[]` keeps the bounds-check panic, and the formatting code it drags in, out of the
/// component.
pub fn at(fetches: &[Fetch], i: usize) -> &Fetch {
    match fetches.get(i) {
        Some(f) => f,
        None => bug(),
    }
}
