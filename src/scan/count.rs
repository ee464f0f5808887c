//! `count(*)`, `exists` and other scans that need no column and have no condition: Clerk's
//! total, asked for in one request per fetch, then that many empty rows.

use crate::prelude::*;

use super::bounds::Tally;
use super::pager::at;
use crate::catalog::{Object, Paging};
use crate::client;
use crate::config::Config;
use crate::model::Host;
use crate::page;
use crate::plan::Fetch;
use crate::url::QueryString;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Count {
    /// The total is still to be asked for.
    Ask,
    /// Rows still to return, of `total`.
    Left { left: u64, total: u64 },
    /// Some answer had no total: the scan pages as usual.
    Off,
}

impl Count {
    /// Count mode for a scan of `fetches` that needs no column and has no condition (Postgres
    /// rechecks every condition on the rows, so a scan with one needs real rows). None: page
    /// as usual.
    pub fn mode(object: &Object, nothing_needed: bool, fetches: &[Fetch]) -> Option<Count> {
        // Offset-paged lists carry the total in every page; cursor-paged ones only if the
        // object has a count endpoint.
        let countable = |f: &Fetch| match f.paging {
            Paging::Offset { .. } => true,
            Paging::Cursor => object.count_path.is_some(),
            Paging::Unpaged | Paging::Single => false,
        };
        // Several fetches (a list and its hidden rows' pass) are counted one request each.
        (nothing_needed
            && !fetches.is_empty()
            && fetches.iter().all(countable)
            && (fetches.len() == 1 || object.count_path.is_none()))
        .then_some(Count::Ask)
    }

    /// Whether there is one more (empty) row; None when counting is off.
    pub fn next(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
        object: &Object,
        fetches: &[Fetch],
        tally: &mut Tally,
    ) -> Result<Option<bool>, String> {
        if *self == Count::Ask {
            *self = match ask(host, cfg, object, fetches, tally)? {
                Some(total) => Count::Left { left: total, total },
                None => Count::Off,
            };
        }
        let Count::Left { left, total } = *self else {
            return Ok(None);
        };
        if left == 0 {
            return Ok(Some(false));
        }
        tally.row(cfg, object.name)?;
        *self = Count::Left {
            left: left - 1,
            total,
        };
        tally.report(host, left == 1);
        Ok(Some(true))
    }

    /// Count the same rows again (a re-scan): no request.
    pub fn restart(&mut self) {
        if let Count::Left { total, .. } = *self {
            *self = Count::Left { left: total, total };
        }
    }
}

/// The scan's total: one request per fetch. None when an answer has no total.
fn ask(
    host: &mut dyn Host,
    cfg: &Config,
    object: &Object,
    fetches: &[Fetch],
    tally: &mut Tally,
) -> Result<Option<u64>, String> {
    let mut sum = 0u64;
    for i in 0..fetches.len() {
        match ask_one(host, cfg, object, at(fetches, i), tally)? {
            Some(n) => sum = sum.saturating_add(n),
            None => return Ok(None),
        }
    }
    Ok(Some(sum))
}

/// A fetch's total in one request: the object's count endpoint, or one row of an
/// offset-paged list (which carries `total_count`). None when the answer has no total.
fn ask_one(
    host: &mut dyn Host,
    cfg: &Config,
    object: &Object,
    f: &Fetch,
    tally: &mut Tally,
) -> Result<Option<u64>, String> {
    let mut query = QueryString::default();
    let path = match object.count_path {
        Some(p) => p,
        None => {
            for (k, v) in &f.params {
                query.add(k, v);
            }
            query.add("limit", "1");
            if f.paging == (Paging::Offset { paginated: true }) {
                query.add("paginated", "true");
            }
            &f.path
        }
    };
    let body = client::get(host, cfg, object.name, path, query.as_str(), false)
        .map_err(|e| e.message)?
        .unwrap_or_default();
    tally.counted();
    host.page_received(0, body.len() as i64);
    match object.count_path {
        Some(_) => page::total(object.name, path, &body),
        None => Ok(page::parse(object.name, path, f.paging, object.rows_field(), &body)?.total),
    }
}
