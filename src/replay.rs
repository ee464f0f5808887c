//! The rows a scan has returned, kept as cells so that a re-scan with the same conditions
//! (the inner side of a nested-loop join, rescanned for every outer row) costs no request
//! and no JSON work. Bounded by the option `replay_mb`: past it the rows are dropped for
//! good and every re-scan reads Clerk again.
//!
//! Only the inner side of a join keeps rows, so a plain scan's memory stays about a page
//! whatever the table's size. Postgres rescans a nested loop's inner side for every outer
//! row, the first one included, before reading it; a join's later scans begin anew when a
//! parameter changes (the host's `end_scan` + `begin_scan`). So a scan keeps rows once it
//! was rescanned, or from the start when it is not its instance's first.

use crate::prelude::*;

use crate::model::Cell;
use core::mem::{size_of, size_of_val};

/// The default of `replay_mb`: a join's inner side of tens of thousands of rows of a few
/// columns each, or a few thousand rows of every column, replays from memory.
pub const DEFAULT_REPLAY_BYTES: usize = 64 << 20;

#[derive(Debug)]
pub struct Replay {
    /// Every row returned since keeping began, in order; empty once over the cap.
    rows: Vec<Vec<Option<Cell>>>,
    /// Memory the rows take, estimated (cells, strings and vectors).
    bytes: usize,
    cap: usize,
    state: State,
    /// Next row to hand out while replaying.
    pos: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Not keeping (no re-scan yet); whether a row went out.
    Idle {
        read: bool,
    },
    Keeping,
    /// The rows went past the cap and were dropped.
    Over,
}

/// What a re-scan does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Restart {
    /// Hand out the rows kept, then read on where the live read stopped.
    Replay,
    /// Read from the start again: rows went out before keeping began.
    ReadAgain,
    /// Read from the start again: the rows were over the cap.
    OverCap,
}

impl Replay {
    /// Keep at most `cap` bytes of rows (0: keep none), from the start if `keeping`.
    pub fn new(cap: usize, keeping: bool) -> Replay {
        Replay {
            rows: Vec::new(),
            bytes: 0,
            cap,
            state: if keeping {
                State::Keeping
            } else {
                State::Idle { read: false }
            },
            pos: None,
        }
    }

    /// Keep a row just returned from a live read.
    #[inline]
    pub fn keep(&mut self, row: &[Option<Cell>]) {
        match self.state {
            State::Idle { .. } => self.state = State::Idle { read: true },
            State::Over => {}
            State::Keeping => {
                self.bytes += row_bytes(row);
                if self.bytes > self.cap {
                    self.state = State::Over;
                    self.rows = Vec::new();
                } else {
                    self.rows.push(row.to_vec());
                }
            }
        }
    }

    /// Start over; from now on rows are kept (until over the cap).
    #[inline]
    pub fn restart(&mut self) -> Restart {
        match self.state {
            State::Keeping => {
                self.pos = Some(0);
                Restart::Replay
            }
            State::Idle { read } => {
                self.state = State::Keeping;
                if read {
                    Restart::ReadAgain
                } else {
                    Restart::Replay
                }
            }
            State::Over => Restart::OverCap,
        }
    }

    /// The next row to replay into `out`; false when not replaying or every kept row is out.
    #[inline]
    pub fn next_row(&mut self, out: &mut Vec<Option<Cell>>) -> bool {
        let Some(pos) = self.pos else {
            return false;
        };
        match self.rows.get(pos) {
            Some(row) => {
                out.clear();
                out.extend_from_slice(row);
                self.pos = Some(pos + 1);
                true
            }
            None => {
                self.pos = None;
                false
            }
        }
    }

    /// Rows kept.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// The memory of the rows kept when every row returned so far is kept.
    pub fn kept(&self) -> Option<usize> {
        (self.state == State::Keeping).then_some(self.bytes)
    }

    pub fn cap(&self) -> usize {
        self.cap
    }
}

/// What a kept row costs: its vector, its cells, and the text they own.
fn row_bytes(row: &[Option<Cell>]) -> usize {
    let mut n = size_of::<Vec<Option<Cell>>>() + size_of_val(row);
    for cell in row.iter().flatten() {
        if let Cell::String(s) | Cell::Json(s) | Cell::Uuid(s) | Cell::Other(s) = cell {
            n += s.len();
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str) -> Vec<Option<Cell>> {
        vec![Some(Cell::String(text.into())), None, Some(Cell::I64(7))]
    }

    fn replayed(r: &mut Replay) -> Vec<Vec<Option<Cell>>> {
        let mut out = Vec::new();
        let mut rows = Vec::new();
        while r.next_row(&mut out) {
            rows.push(out.clone());
        }
        rows
    }

    #[test]
    fn replays_in_order_as_often_as_asked() {
        let mut r = Replay::new(1 << 20, true);
        let mut out = Vec::new();
        assert!(!r.next_row(&mut out), "not replaying before a restart");
        r.keep(&row("a"));
        r.keep(&row("bb"));
        assert_eq!(r.restart(), Restart::Replay);
        assert_eq!(replayed(&mut r), vec![row("a"), row("bb")]);
        assert!(
            !r.next_row(&mut out),
            "the replay is over until the next restart"
        );
        // Rows read after the replay are kept too, and the next replay has them.
        r.keep(&row("c"));
        assert_eq!(r.restart(), Restart::Replay);
        assert_eq!(replayed(&mut r).len(), 3);
        assert_eq!(r.kept(), Some(3 * row_bytes(&row("")) + 4));
    }

    #[test]
    fn a_scan_keeps_rows_only_once_it_is_rescanned() {
        // A plain scan keeps nothing.
        let mut r = Replay::new(1 << 20, false);
        r.keep(&row("a"));
        assert_eq!(r.kept(), None);
        // Its first re-scan reads again (rows went out unkept), then keeps.
        assert_eq!(r.restart(), Restart::ReadAgain);
        r.keep(&row("a"));
        assert_eq!(r.restart(), Restart::Replay);
        assert_eq!(replayed(&mut r), vec![row("a")]);
        // A nested loop rescans its inner side before reading it: nothing to read again.
        let mut r = Replay::new(1 << 20, false);
        assert_eq!(r.restart(), Restart::Replay);
        assert!(replayed(&mut r).is_empty());
        r.keep(&row("b"));
        assert_eq!(r.kept(), Some(row_bytes(&row("b"))));
    }

    #[test]
    fn over_the_cap_it_keeps_nothing_for_good() {
        let one = row_bytes(&row("a"));
        let mut r = Replay::new(2 * one, true);
        r.keep(&row("a"));
        r.keep(&row("a"));
        assert_eq!(r.restart(), Restart::Replay, "exactly at the cap is kept");
        assert_eq!(replayed(&mut r).len(), 2);
        r.keep(&row("a"));
        assert_eq!(r.restart(), Restart::OverCap);
        assert!(!r.next_row(&mut Vec::new()));
        r.keep(&row("a"));
        assert_eq!(
            r.restart(),
            Restart::OverCap,
            "a read after the cap is not kept"
        );
        assert_eq!(r.kept(), None);
        let mut none = Replay::new(0, true);
        none.keep(&row(""));
        assert_eq!(
            none.restart(),
            Restart::OverCap,
            "replay_mb 0 keeps nothing"
        );
    }
}
