//! Scans that a parameter change ended, kept so that a later scan with the same values is
//! answered from memory. A LATERAL subquery or a correlated one runs its Clerk scan once
//! per outer row; the host ends the scan and begins a new one whenever the value changes,
//! so `a, b, a` would otherwise ask Clerk for `a` twice.

use crate::prelude::*;

use crate::scan::Scan;

/// What a kept scan costs besides its rows (its plan, projection and buffers), estimated,
/// so that many scans of no rows are bounded too.
const SCAN_OVERHEAD_BYTES: usize = 1024;

#[derive(Debug, Default)]
pub struct Past {
    /// Oldest first, each with its estimated memory.
    scans: Vec<(Scan, usize)>,
    bytes: usize,
}

impl Past {
    pub const fn new() -> Past {
        Past {
            scans: Vec::new(),
            bytes: 0,
        }
    }

    /// Keep an ended scan if it read every row and kept them, dropping the oldest ones past
    /// its `replay_mb` in all.
    pub fn keep(&mut self, scan: Scan) {
        let Some(rows) = scan.replayable() else {
            return;
        };
        let cap = scan.replay_cap();
        let size = rows + SCAN_OVERHEAD_BYTES;
        if size > cap {
            return;
        }
        self.scans.retain(|(s, _)| !s.same_request(&scan));
        self.scans.push((scan, size));
        self.bytes = self.scans.iter().map(|(_, n)| n).sum();
        while self.bytes > cap && !self.scans.is_empty() {
            let (_, n) = self.scans.remove(0);
            self.bytes -= n;
        }
    }

    /// A kept scan that asks what `new` asks, ready to replay from its first row.
    pub fn take(&mut self, new: &Scan) -> Option<Scan> {
        let i = self.scans.iter().position(|(s, _)| s.same_request(new))?;
        let (mut scan, n) = self.scans.remove(i);
        self.bytes -= n;
        scan.rescan();
        Some(scan)
    }

    /// Scans kept, and their estimated memory.
    pub fn size(&self) -> (usize, usize) {
        (self.scans.len(), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::find;
    use crate::fake::FakeHost;
    use crate::model::{PgType, Qual, QualValue, QueryColumn};

    fn cfg() -> crate::config::Config {
        let key = |k: &str| (k == "api_key").then(|| "sk_test_x".to_string());
        crate::config::from_options(key, |_| None).unwrap()
    }

    /// `sessions where user_id = user`, with `cap` for replays, not read yet.
    fn sessions_of(user: &str, cap: usize) -> Scan {
        let columns = [QueryColumn {
            name: "id".into(),
            ty: PgType::Text,
        }];
        let quals = [Qual {
            field: "user_id".into(),
            op: "=".into(),
            values: vec![QualValue::Text(user.into())],
            is_list: false,
        }];
        let object = find("sessions").unwrap();
        let scan = Scan::new(object, &columns, &quals, None).unwrap();
        scan.replay_up_to(cap, true)
    }

    /// The same, read to the end.
    fn read(host: &mut FakeHost, user: &str, cap: usize) -> Scan {
        let mut scan = sessions_of(user, cap);
        rows(host, &mut scan);
        scan
    }

    fn rows(host: &mut FakeHost, scan: &mut Scan) -> usize {
        let (mut n, mut row) = (0, Vec::new());
        while scan.next_row(host, &cfg(), &mut row).unwrap() {
            n += 1;
        }
        n
    }

    #[test]
    fn a_value_seen_before_is_answered_from_memory_within_the_cap() {
        let mut host = FakeHost::reads(|_| {
            crate::fake::answer(200, r#"{"data":[{"id":"s1"},{"id":"s2"}],"total_count":2}"#)
        });
        let mut past = Past::new();
        for user in ["a", "b"] {
            let scan = read(&mut host, user, 1 << 20);
            past.keep(scan);
        }
        assert_eq!(past.size().0, 2);
        assert_eq!(host.urls.len(), 2);
        assert!(
            past.take(&sessions_of("c", 1 << 20)).is_none(),
            "another value"
        );
        let mut again = past.take(&sessions_of("a", 1 << 20)).expect("a was kept");
        assert_eq!(rows(&mut host, &mut again), 2);
        assert_eq!(host.urls.len(), 2, "no request for a again");
        assert_eq!(past.size().0, 1);
        // Past the cap, the oldest go first; a scan larger than the cap is not kept.
        let small = SCAN_OVERHEAD_BYTES + 2 * 100;
        let mut past = Past::new();
        for user in ["a", "b", "c"] {
            past.keep(read(&mut host, user, small + 10));
        }
        assert_eq!(past.size().0, 1, "each alone fits; together they do not");
        past.keep(read(&mut host, "d", 10));
        assert_eq!(past.size().0, 1);
    }
}
