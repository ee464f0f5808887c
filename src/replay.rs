//! The pages a scan has read, kept (shared, never copied) so a re-scan with the same quals,
//! the inner side of a join, replays them instead of asking Clerk again. Bounded: past
//! [`REPLAY_CAP_BYTES`] the buffer is dropped and a re-scan fetches anew.

use crate::prelude::*;

use alloc::rc::Rc;

/// About one users page, so memory stays near a page or two whatever the table size.
pub const REPLAY_CAP_BYTES: usize = 1 << 20;

#[derive(Debug)]
pub struct Replay {
    /// (fetch index, body) of every page so far, while under the cap; None once over it.
    pages: Option<Vec<(usize, Rc<String>)>>,
    bytes: usize,
    /// Next page to hand out while replaying.
    pos: Option<usize>,
}

impl Default for Replay {
    fn default() -> Self {
        Replay {
            pages: Some(Vec::new()),
            bytes: 0,
            pos: None,
        }
    }
}

impl Replay {
    /// Keep a page just read from Clerk.
    #[inline]
    pub fn keep(&mut self, fetch: usize, body: Rc<String>) {
        if let Some(pages) = &mut self.pages {
            self.bytes += body.len();
            if self.bytes <= REPLAY_CAP_BYTES {
                pages.push((fetch, body));
            } else {
                self.pages = None;
            }
        }
    }

    /// Start over: true when every page is here to replay; false when the buffer was over
    /// its cap (it starts empty again, and the caller must fetch from the start).
    #[inline]
    pub fn restart(&mut self) -> bool {
        if self.pages.is_some() {
            self.pos = Some(0);
            true
        } else {
            *self = Replay::default();
            false
        }
    }

    /// The next page to replay, if replaying.
    #[inline]
    pub fn next_page(&mut self) -> Option<(usize, Rc<String>)> {
        let pos = self.pos?;
        match self.pages.as_ref().and_then(|p| p.get(pos)) {
            Some((fetch, body)) => {
                self.pos = Some(pos + 1);
                Some((*fetch, Rc::clone(body)))
            }
            None => {
                self.pos = None;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> Rc<String> {
        Rc::new("x".repeat(n))
    }

    #[test]
    fn replays_in_order_then_stops() {
        let mut r = Replay::default();
        assert!(r.next_page().is_none(), "not replaying before a restart");
        r.keep(0, page(3));
        r.keep(1, page(4));
        assert!(r.restart());
        assert_eq!(r.next_page().map(|(f, b)| (f, b.len())), Some((0, 3)));
        assert_eq!(r.next_page().map(|(f, b)| (f, b.len())), Some((1, 4)));
        assert!(r.next_page().is_none());
        assert!(r.restart(), "can replay again");
        assert_eq!(r.next_page().map(|(f, _)| f), Some(0));
    }

    #[test]
    fn over_the_cap_it_drops_everything_and_refetches() {
        let mut r = Replay::default();
        r.keep(0, page(REPLAY_CAP_BYTES));
        r.keep(0, page(1));
        assert!(!r.restart());
        assert!(r.next_page().is_none());
        r.keep(0, page(2));
        assert!(r.restart(), "a fresh buffer after the refetch");
    }
}
