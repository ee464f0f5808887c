//! The scan's bounds and shortcuts: the time budget, max_pages and max_rows, count(*) in one
//! request, and lists that change under the scan.

use super::tests::*;
use super::*;
use crate::catalog::find;
use crate::config;
use crate::fake::{FakeHost, EPOCH};
use serde_json::{json, Value};

fn cfg_with(pairs: &[(&str, &str)]) -> Config {
    config::from_options(
        |k| match k {
            "api_key" => Some("sk_test_secret".into()),
            "api_url" => Some("http://clerk.test/v1".into()),
            _ => pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string()),
        },
        |_| None,
    )
    .unwrap()
}

/// The statement's budget starts with the fake clock, as it does when the host creates the
/// instance.
fn budgeted(host: &mut FakeHost, cfg: &Config) {
    host.deadline = Some(EPOCH + cfg.limits.timeout_secs as i64);
}

#[test]
fn a_rate_limit_storm_ends_within_the_time_budget() {
    // Each request takes 7 s (the host's own three retries), and Clerk always says 429.
    let obj = find("users").unwrap();
    let cfg = cfg_with(&[("timeout_secs", "20")]);
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|_| status(429, &[("retry-after", "1")]));
    host.request_ms = 7_000;
    budgeted(&mut host, &cfg);
    let mut row = vec![];
    let e = scan.next_row(&mut host, &cfg, &mut row).unwrap_err();
    assert!(
        e.contains("budget of 20 s") && e.contains("timeout_secs") && e.contains("HTTP 429"),
        "{e}"
    );
    // Never past the budget by more than one request.
    assert!(host.clock_ms <= 20_000 + 7_000, "{} ms", host.clock_ms);
    assert!(host.urls.len() >= 2, "it did retry");
}

#[test]
fn no_request_starts_after_the_budget() {
    let obj = find("billing_statements").unwrap();
    let cfg = cfg_with(&[("timeout_secs", "5")]);
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(5000));
    host.request_ms = 2_000;
    budgeted(&mut host, &cfg);
    let e = drain_cfg(&mut scan, &mut host, &cfg).expect_err("an error");
    assert!(e.contains("budget of 5 s"), "{e}");
    assert_eq!(
        host.urls.len(),
        3,
        "requests at 0 s, 2 s and 4 s; none at 6 s"
    );
}

#[test]
fn pages_and_rows_per_scan_are_bounded_by_server_options() {
    let obj = find("billing_statements").unwrap();
    let mut row = vec![];
    let cfg = cfg_with(&[("max_pages", "2")]);
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(5000));
    let mut n = 0;
    let e = loop {
        match scan.next_row(&mut host, &cfg, &mut row) {
            Ok(true) => n += 1,
            Ok(false) => panic!("ended quietly"),
            Err(e) => break e,
        }
    };
    assert_eq!(n, 1000);
    assert!(
        e.contains("max_pages (2)") && e.contains("billing_statements"),
        "{e}"
    );
    // Exactly at the bound is fine.
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(1000));
    assert_eq!(drain_cfg(&mut scan, &mut host, &cfg).unwrap(), 1000);

    let cfg = cfg_with(&[("max_rows", "700")]);
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(5000));
    let e = drain_cfg(&mut scan, &mut host, &cfg).expect_err("an error");
    assert!(
        e.contains("at 700 rows") && e.contains("max_rows (700)"),
        "{e}"
    );
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(700));
    assert_eq!(drain_cfg(&mut scan, &mut host, &cfg).unwrap(), 700);
}

fn drain_cfg(scan: &mut Scan, host: &mut FakeHost, cfg: &Config) -> Result<usize, String> {
    let mut row = vec![];
    let mut n = 0;
    while scan.next_row(host, cfg, &mut row)? {
        n += 1;
    }
    Ok(n)
}

#[test]
fn count_without_columns_is_one_request() {
    // Users: GET /users/count.
    let obj = find("users").unwrap();
    let mut scan = Scan::new(obj, &[], &[], None).unwrap();
    let mut host = fake(|url| {
        assert!(url.contains("/users/count"), "{url}");
        ok(json!({"object": "total_count", "total_count": 1234}))
    });
    let mut row = vec![Some(Cell::Bool(true))];
    let mut n = 0;
    while scan.next_row(&mut host, &cfg(), &mut row).unwrap() {
        assert!(row.is_empty());
        n += 1;
    }
    assert_eq!((n, host.urls.len()), (1234, 1));
    assert_eq!(host.rows_reports, vec![1234]);

    // An offset-paged list: one row of the list carries total_count.
    let obj = find("billing_statements").unwrap();
    let mut scan = Scan::new(obj, &[], &[], None).unwrap();
    let mut host = fake(envelope_server(777));
    assert_eq!(drain_cfg(&mut scan, &mut host, &cfg()).unwrap(), 777);
    assert_eq!(host.urls.len(), 1);
    assert_eq!(param(&host.urls[0], "limit").as_deref(), Some("1"));

    // Zero is zero rows.
    let mut scan = Scan::new(obj, &[], &[], None).unwrap();
    let mut host = fake(envelope_server(0));
    assert_eq!(drain_cfg(&mut scan, &mut host, &cfg()).unwrap(), 0);

    // A list without a total is paged as usual.
    let obj = find("allowlist_identifiers").unwrap();
    let mut scan = Scan::new(obj, &[], &[], None).unwrap();
    let mut host = fake(|url| {
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        let limit: u64 = param(url, "limit").unwrap().parse().unwrap();
        if param(url, "paginated").is_some() && limit == 1 {
            return ok(json!([{"id": "x"}]));
        }
        ok(Value::Array(ids(offset..(offset + limit).min(700))))
    });
    assert_eq!(drain_cfg(&mut scan, &mut host, &cfg()).unwrap(), 700);
}

#[test]
fn rows_deleted_during_the_scan_are_never_skipped() {
    // A DELETE removes each row as it is returned: after the first page, the list is 500
    // rows shorter and every later row moved up by 500. The page at offset 500 is stale;
    // the scan reads again from offset 0 and gets every remaining row.
    let obj = find("billing_statements").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let deleted = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let d = std::rc::Rc::clone(&deleted);
    let mut host = fake(move |url| {
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        let (start, total) = (d.get(), 1200 - d.get());
        let from = start + offset;
        ok(json!({"data": ids(from..(from + 500).min(1200)), "total_count": total}))
    });
    let mut row = vec![];
    let mut got = vec![];
    while scan.next_row(&mut host, &cfg(), &mut row).unwrap() {
        got.push(row.clone());
        deleted.set(deleted.get() + 1); // Postgres deletes it before asking for the next
    }
    assert_eq!(got.len(), 1200, "every row once");
    got.sort_by_key(|r| format!("{r:?}"));
    got.dedup();
    assert_eq!(got.len(), 1200);

    // More than a page gone between two pages cannot be stepped back over: an error.
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|url| {
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        let total = if offset == 0 { 2000 } else { 1400 };
        ok(json!({"data": ids(offset..(offset + 500).min(total)), "total_count": total}))
    });
    let e = drain(&mut scan, &mut host).unwrap_err();
    assert!(
        e.contains("billing_statements changed while it was read")
            && e.contains("from 2000 to 1400"),
        "{e}"
    );

    // Growing by a few rows is fine: the shifted rows are duplicates, dropped.
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|url| {
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        if offset == 0 {
            return ok(json!({"data": ids(0..500), "total_count": 1000}));
        }
        // Two rows were added at the head: later pages start two rows early.
        let start = offset - 2;
        ok(json!({"data": ids(start..(start + 500).min(1000)), "total_count": 1002}))
    });
    let mut rows = drain(&mut scan, &mut host).unwrap();
    assert_eq!(rows.len(), 1000);
    rows.sort();
    rows.dedup();
    assert_eq!(rows.len(), 1000, "every row once");
    assert_eq!(host.urls.len(), 3);
}
