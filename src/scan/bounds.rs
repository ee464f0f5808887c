//! What a scan has read and returned, within the server options `max_pages` and
//! `max_rows`, and the rows-out reports to the host's stats.

use crate::prelude::*;

use crate::config::Config;
use crate::model::Host;
use crate::text::{fill, int};

#[derive(Debug, Default)]
pub struct Tally {
    /// Pages read from Clerk by the whole scan (count requests included).
    pages_read: u64,
    /// Rows read from Clerk and handed to Postgres in this pass.
    rows_returned: u64,
    /// Rows handed over since the last `rows_returned` report.
    unreported: u64,
}

impl Tally {
    /// One more request for a page, within `max_pages`.
    pub fn page(&mut self, cfg: &Config, object: &str) -> Result<(), String> {
        if self.pages_read >= cfg.limits.max_pages {
            return Err(over_limit(
                object,
                "pages",
                "max_pages",
                cfg.limits.max_pages,
            ));
        }
        self.pages_read += 1;
        Ok(())
    }

    /// A count request: one page read, never refused (a count is one request).
    pub fn counted(&mut self) {
        self.pages_read += 1;
    }

    /// The scan reads from the start again (a re-scan that cannot replay): `max_rows`
    /// bounds each pass, `max_pages` the whole scan.
    pub fn new_pass(&mut self) {
        self.rows_returned = 0;
    }

    /// One more row for Postgres, within `max_rows`.
    pub fn row(&mut self, cfg: &Config, object: &str) -> Result<(), String> {
        if self.rows_returned >= cfg.limits.max_rows {
            return Err(over_limit(object, "rows", "max_rows", cfg.limits.max_rows));
        }
        self.rows_returned += 1;
        self.unreported += 1;
        Ok(())
    }

    /// Report the rows handed over so far when a page's last row went out: the stats call
    /// runs SQL, which `end_scan` may not do.
    pub fn report(&mut self, host: &mut dyn Host, page_done: bool) {
        if page_done && self.unreported > 0 {
            host.rows_returned(self.unreported as i64);
            self.unreported = 0;
        }
    }
}

/// The scan reached `limit` of `what` (the server option `option`), with more to read.
fn over_limit(object: &str, what: &str, option: &str, limit: u64) -> String {
    fill(
        "stopped reading {object} at {n} {what}, the bound set by the server option \
         {option} ({n}), with more to read: add WHERE conditions that push down to \
         read less, or raise it: ALTER SERVER … OPTIONS (ADD {option} '…')",
        &[
            ("object", object),
            ("n", &int(limit as i64)),
            ("what", what),
            ("option", option),
        ],
    )
}
