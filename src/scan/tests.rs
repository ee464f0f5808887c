use super::*;
use crate::catalog::find;
use crate::config;
use crate::fake::FakeHost;
use crate::model::{HttpResponse, PgType, QualValue};
use serde_json::{json, Value};

/// The shared fake host, answering reads by url.
pub(super) fn fake(
    respond: impl FnMut(&str) -> Result<HttpResponse, String> + 'static,
) -> FakeHost {
    FakeHost::reads(respond)
}

pub(super) fn ok(body: Value) -> Result<HttpResponse, String> {
    Ok(HttpResponse {
        status: 200,
        headers: vec![],
        body: body.to_string(),
    })
}

pub(super) fn status(code: u16, headers: &[(&str, &str)]) -> Result<HttpResponse, String> {
    Ok(HttpResponse {
        status: code,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: String::new(),
    })
}

pub(super) fn cfg() -> Config {
    config::from_options(
        |k| match k {
            "api_key" => Some("sk_test_secret".into()),
            "api_url" => Some("http://clerk.test/v1".into()),
            _ => None,
        },
        |_| None,
    )
    .unwrap()
}

pub(super) fn param(url: &str, key: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}

pub(super) fn ids(n: std::ops::Range<u64>) -> Vec<Value> {
    n.map(|i| json!({"id": format!("x_{i:05}"), "n": i}))
        .collect()
}

pub(super) fn id_col() -> Vec<QueryColumn> {
    vec![QueryColumn {
        name: "id".into(),
        ty: PgType::Text,
    }]
}

pub(super) fn drain(scan: &mut Scan, host: &mut FakeHost) -> Result<Vec<String>, String> {
    let mut out = vec![];
    let mut row = vec![];
    while scan.next_row(host, &cfg(), &mut row)? {
        match &row[0] {
            Some(Cell::String(s)) => out.push(s.clone()),
            other => panic!("unexpected {other:?}"),
        }
    }
    Ok(out)
}

/// An offset-paged envelope endpoint over `total` rows.
pub(super) fn envelope_server(total: u64) -> impl FnMut(&str) -> Result<HttpResponse, String> {
    move |url| {
        let limit: u64 = param(url, "limit").unwrap().parse().unwrap();
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        let end = (offset + limit).min(total);
        ok(json!({"data": ids(offset.min(total)..end), "total_count": total}))
    }
}

#[test]
fn offset_paging_reads_every_row_once_and_stops_on_total_count() {
    let obj = find("billing_statements").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(1000));
    let rows = drain(&mut scan, &mut host).unwrap();
    assert_eq!(rows.len(), 1000);
    assert_eq!(
        rows,
        ids(0..1000)
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    );
    // 1000 = 2 full pages; total_count says stop, no third (empty) request.
    assert_eq!(host.urls.len(), 2);
    assert_eq!(param(&host.urls[1], "offset").as_deref(), Some("500"));
    assert_eq!(param(&host.urls[0], "paginated").as_deref(), Some("true"));
    assert_eq!(host.pages, 2, "stats are reported per page");
}

#[test]
fn bare_array_pages_stop_on_a_short_page() {
    let obj = find("allowlist_identifiers").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    // This endpoint ignores `paginated` here and answers bare arrays.
    let mut host = fake(|url| {
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        ok(Value::Array(ids(offset..(offset + 500).min(700))))
    });
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 700);
    assert_eq!(host.urls.len(), 2);
}

#[test]
fn users_use_cursor_paging() {
    let obj = find("users").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|url| {
        assert!(param(url, "offset").is_none());
        let start = match param(url, "starting_after") {
            None => 0,
            Some(id) => id[2..].parse::<u64>().unwrap() + 1,
        };
        ok(Value::Array(ids(start..(start + 500).min(1234))))
    });
    let rows = drain(&mut scan, &mut host).unwrap();
    assert_eq!(rows.len(), 1234);
    assert_eq!(host.urls.len(), 3);
    assert_eq!(
        param(&host.urls[1], "starting_after").as_deref(),
        Some("x_00499")
    );
}

/// Users where Clerk refuses every cursor, with `n` rows in all; whether the last row of
/// the first page (`x_00499`) still exists.
fn refusing_cursors(n: u64, last_exists: bool) -> FakeHost {
    fake(move |url| {
        if param(url, "starting_after").is_some() {
            return status(422, &[]);
        }
        if url.ends_with("/users/x_00499") {
            return match last_exists {
                true => ok(json!({"id": "x_00499"})),
                false => status(404, &[]),
            };
        }
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        ok(Value::Array(ids(offset..(offset + 500).min(n))))
    })
}

#[test]
fn cursor_refused_falls_back_to_offset() {
    let obj = find("users").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = refusing_cursors(800, true);
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 800);
    // The last row read still exists, so nothing moved: offset paging goes on from it.
    assert!(host.urls[2].ends_with("/users/x_00499"), "{}", host.urls[2]);
    assert_eq!(param(&host.urls[3], "offset").as_deref(), Some("500"));
}

#[test]
fn a_cursor_after_a_deleted_row_is_an_error_not_skipped_rows() {
    // A DELETE deleted the last user read, and Clerk refuses to page after it: offset 500
    // would skip the 500 users that moved up.
    let obj = find("users").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = refusing_cursors(800, false);
    let e = drain(&mut scan, &mut host).unwrap_err();
    assert!(
        e.starts_with("users changed while it was read: the last row read, x_00499, was deleted"),
        "{e}"
    );
    assert!(e.contains("run the statement again for the rest"), "{e}");
    assert_eq!(host.urls.len(), 3);
}

#[test]
fn limit_sizes_only_the_first_page_and_paging_continues() {
    let obj = find("billing_statements").unwrap();
    let limit = Some(Limit {
        count: 5,
        offset: 2,
    });
    let mut scan = Scan::new(obj, &id_col(), &[], limit).unwrap();
    let mut host = fake(envelope_server(20));
    let mut row = vec![];
    for _ in 0..7 {
        assert!(scan.next_row(&mut host, &cfg(), &mut row).unwrap());
    }
    assert_eq!(
        host.urls.len(),
        1,
        "LIMIT 5 OFFSET 2 is answered by the first page"
    );
    assert_eq!(param(&host.urls[0], "limit").as_deref(), Some("7"));
    // Postgres may want more (e.g. a local ORDER BY): keep paging.
    let rest = drain(&mut scan, &mut host).unwrap();
    assert_eq!(rest.len(), 13);
    assert_eq!(param(&host.urls[1], "offset").as_deref(), Some("7"));
    assert_eq!(param(&host.urls[1], "limit").as_deref(), Some("500"));
}

#[test]
fn unpaged_endpoint_is_fetched_once_even_when_large() {
    let obj = find("blocklist_identifiers").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|url| {
        assert!(!url.contains('?'), "no paging parameters: {url}");
        ok(json!({"data": ids(0..600), "total_count": 600}))
    });
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 600);
    assert_eq!(host.urls.len(), 1);
}

#[test]
fn an_endpoint_ignoring_offset_is_an_error_not_fewer_rows() {
    let obj = find("organization_memberships").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|_| ok(json!({"data": ids(0..500)})));
    let e = drain(&mut scan, &mut host).unwrap_err();
    assert!(
        e.contains("same page of organization_memberships twice")
            && e.contains("/organization_memberships")
            && e.contains("after 500 rows"),
        "{e}"
    );
    assert_eq!(host.urls.len(), 2);
}

#[test]
fn an_endpoint_ignoring_the_cursor_falls_back_to_offset_paging() {
    // The server ignores starting_after and sends the first page again; offset works.
    let obj = find("users").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|url| {
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        ok(Value::Array(ids(offset..(offset + 500).min(1234))))
    });
    let rows = drain(&mut scan, &mut host).unwrap();
    assert_eq!(rows.len(), 1234);
    let mut unique = rows.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 1234, "every row once");
    assert!(param(&host.urls[1], "starting_after").is_some());
    assert_eq!(param(&host.urls[2], "offset").as_deref(), Some("500"));
    assert_eq!(host.urls.len(), 4);

    // If offset is ignored too, it is an error.
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|_| ok(Value::Array(ids(0..500))));
    let e = drain(&mut scan, &mut host).unwrap_err();
    assert!(e.contains("same page of users twice"), "{e}");
}

#[test]
fn rows_shifted_by_a_concurrent_insert_are_not_duplicated() {
    let obj = find("organizations").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    // Page 2 starts one row early (a row was inserted at the head meanwhile).
    let mut host = fake(|url| {
        let offset: u64 = param(url, "offset").map_or(0, |o| o.parse().unwrap());
        let start = if offset == 0 { 0 } else { offset - 1 };
        ok(json!({"data": ids(start..(start + 500).min(900)), "total_count": 901}))
    });
    let rows = drain(&mut scan, &mut host).unwrap();
    assert_eq!(rows.len(), 900);
    let unique: std::collections::BTreeSet<&String> = rows.iter().collect();
    assert_eq!(unique.len(), 900);
}

#[test]
fn by_id_or_parent_404_is_zero_rows_but_list_404_is_an_error() {
    let q = |f: &str, v: &str| Qual {
        field: f.into(),
        op: "=".into(),
        values: vec![QualValue::Text(v.into())],
        is_list: false,
    };
    let users = find("users").unwrap();
    let mut scan = Scan::new(users, &id_col(), &[q("id", "user_nope")], None).unwrap();
    let mut host = fake(|_| status(404, &[]));
    assert!(drain(&mut scan, &mut host).unwrap().is_empty());
    assert_eq!(host.urls, vec!["http://clerk.test/v1/users/user_nope"]);

    // A parent Clerk does not know has no children.
    let attempts = find("billing_payment_attempts").unwrap();
    let mut scan = Scan::new(attempts, &id_col(), &[q("statement_id", "st")], None).unwrap();
    assert!(drain(&mut scan, &mut fake(|_| status(404, &[])))
        .unwrap()
        .is_empty());

    // The instance-wide list has no parent: a 404 means a wrong api_url.
    let mut scan = Scan::new(users, &id_col(), &[], None).unwrap();
    let err = drain(&mut scan, &mut fake(|_| status(404, &[]))).unwrap_err();
    assert!(err.contains("404") && err.contains("users"), "{err}");

    // Organizations resolve slugs: a row whose id differs from the qual is dropped.
    let orgs = find("organizations").unwrap();
    let mut scan = Scan::new(orgs, &id_col(), &[q("id", "acme")], None).unwrap();
    let mut host = fake(|_| ok(json!({"id": "org_1", "slug": "acme"})));
    assert!(drain(&mut scan, &mut host).unwrap().is_empty());
}

#[test]
fn rate_limits_are_retried_with_retry_after_then_succeed() {
    let obj = find("domains").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut n = 0;
    let mut host = fake(move |_| {
        n += 1;
        match n {
            1 => status(429, &[("Retry-After", "2")]),
            2 => status(503, &[]),
            _ => ok(json!({"data": ids(0..3), "total_count": 3})),
        }
    });
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 3);
    assert_eq!(host.sleeps, vec![2000, 1000]);
}

#[test]
fn persistent_rate_limit_is_a_bounded_clear_error() {
    let obj = find("domains").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|_| status(429, &[("retry-after", "1")]));
    let err = drain(&mut scan, &mut host).unwrap_err();
    assert!(err.contains("429") && err.contains("domains"), "{err}");
    assert_eq!(
        host.urls.len() as u32,
        crate::retry::POLICY.rate_limit_attempts
    );
}

#[test]
fn transport_errors_are_scrubbed() {
    let obj = find("users").unwrap();
    let q = Qual {
        field: "email_address".into(),
        op: "=".into(),
        values: vec![QualValue::Text("ann@x.co".into())],
        is_list: false,
    };
    let mut scan = Scan::new(obj, &id_col(), &[q], None).unwrap();
    let mut host = fake(|url| {
        Err(format!(
            "error sending request for url ({url}): Bearer sk_test_secret"
        ))
    });
    let err = drain(&mut scan, &mut host).unwrap_err();
    assert!(
        !err.contains("ann") && !err.contains("sk_test_secret"),
        "{err}"
    );
    assert!(
        err.contains("/users") && err.contains("could not reach Clerk"),
        "{err}"
    );
    assert_eq!(host.urls.len() as u32, crate::retry::POLICY.error_attempts);
}

#[test]
fn malformed_json_and_wrong_shapes_name_object_and_path() {
    let obj = find("jwt_templates").unwrap();
    for body in ["{not json", "{\"items\": []}", "42"] {
        let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
        let body = body.to_string();
        let mut host = fake(move |_| {
            Ok(HttpResponse {
                status: 200,
                headers: vec![],
                body: body.clone(),
            })
        });
        let err = drain(&mut scan, &mut host).unwrap_err();
        assert!(err.contains("jwt_templates at /jwt_templates:"), "{err}");
        assert!(!err.contains("limit="), "{err}");
    }
}

#[test]
fn rescan_replays_buffered_pages_without_requests() {
    // Postgres rescans a nested loop's inner side before reading it, for the first outer
    // row too: from then on the scan keeps its rows.
    let obj = find("billing_statements").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(700));
    scan.rescan();
    let first = drain(&mut scan, &mut host).unwrap();
    assert_eq!(host.urls.len(), 2);
    scan.rescan();
    let second = drain(&mut scan, &mut host).unwrap();
    assert_eq!(first, second);
    assert_eq!(host.urls.len(), 2, "replayed from memory");

    // A re-scan mid-way replays what was read, then continues live.
    let limit = Some(Limit {
        count: 3,
        offset: 0,
    });
    let mut scan = Scan::new(obj, &id_col(), &[], limit).unwrap();
    let mut host = fake(envelope_server(700));
    let mut row = vec![];
    scan.rescan();
    scan.next_row(&mut host, &cfg(), &mut row).unwrap();
    scan.rescan();
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 700);
    assert_eq!(host.urls.len(), 3);

    // A scan rescanned only after rows went out (never in a nested loop) reads again once,
    // within max_rows per pass, then replays.
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(700));
    let cfg = config::from_options(
        |k| match k {
            "api_key" => Some("sk_test_secret".into()),
            "max_rows" => Some("700".into()),
            _ => None,
        },
        |_| None,
    )
    .unwrap();
    let mut pass = |scan: &mut Scan, host: &mut FakeHost| {
        let mut n = 0;
        while scan.next_row(host, &cfg, &mut row).unwrap() {
            n += 1;
        }
        n
    };
    assert_eq!(pass(&mut scan, &mut host), 700);
    for _ in 0..3 {
        scan.rescan();
        assert_eq!(pass(&mut scan, &mut host), 700);
    }
    assert_eq!(
        host.urls.len(),
        4,
        "the first two passes read, the others replay"
    );
    assert!(host.notices.is_empty(), "{:?}", host.notices);
}

#[test]
fn rescans_replay_rows_without_requests_or_bounds() {
    // The inner side of a nested loop: 1,000 rows in two pages, rescanned per outer row.
    let obj = find("billing_statements").unwrap();
    let cfg = config::from_options(
        |k| match k {
            "api_key" => Some("sk_test_secret".into()),
            "max_rows" => Some("1000".into()),
            _ => None,
        },
        |_| None,
    )
    .unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(1000));
    let mut first = Vec::new();
    let mut row = vec![];
    scan.rescan();
    while scan.next_row(&mut host, &cfg, &mut row).unwrap() {
        first.push(row.clone());
    }
    for _ in 0..5 {
        scan.rescan();
        let mut again = Vec::new();
        while scan.next_row(&mut host, &cfg, &mut row).unwrap() {
            again.push(row.clone());
        }
        assert_eq!(again, first);
    }
    assert_eq!(host.urls.len(), 2, "only the first pass asks Clerk");
    assert_eq!(
        host.rows_reports.iter().sum::<i64>(),
        1000,
        "replays are not counted"
    );
    assert!(host.notices.is_empty(), "{:?}", host.notices);
    // Two million rows through the join again earn one hint.
    for _ in 0..2000 {
        scan.rescan();
    }
    scan.next_row(&mut host, &cfg, &mut row).unwrap();
    assert_eq!(host.notices.len(), 1);
    assert!(
        host.notices[0].contains("SET enable_nestloop = off"),
        "{}",
        host.notices[0]
    );
    for _ in 0..2000 {
        scan.rescan();
    }
    scan.next_row(&mut host, &cfg, &mut row).unwrap();
    assert_eq!(host.notices.len(), 1, "once");
}

#[test]
fn rescan_reads_again_past_the_replay_cap_and_says_so_once() {
    let obj = find("billing_statements").unwrap();
    // Room for about 300 of the 1,000 rows.
    let mut scan = Scan::new(obj, &id_col(), &[], None)
        .unwrap()
        .replay_up_to(300 * 100, false);
    let mut host = fake(envelope_server(1000));
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 1000);
    for _ in 0..2 {
        scan.rescan();
        assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 1000);
    }
    assert_eq!(host.urls.len(), 6, "two pages per pass");
    assert_eq!(host.notices.len(), 1, "{:?}", host.notices);
    assert!(
        host.notices[0].contains("billing_statements is read from Clerk again for each re-scan")
            && host.notices[0].contains("replay_mb"),
        "{}",
        host.notices[0]
    );
    // replay_mb 0 keeps nothing.
    let mut scan = Scan::new(obj, &id_col(), &[], None)
        .unwrap()
        .replay_up_to(0, false);
    let mut host = fake(envelope_server(10));
    drain(&mut scan, &mut host).unwrap();
    scan.rescan();
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 10);
    assert_eq!(host.urls.len(), 2);
}

#[test]
fn overlapping_chunks_do_not_duplicate_rows() {
    let obj = find("users").unwrap();
    let emails: Vec<QualValue> = (0..150)
        .map(|i| QualValue::Text(format!("e{i}@x.co")))
        .collect();
    let q = Qual {
        field: "email_address".into(),
        op: "=".into(),
        values: emails,
        is_list: true,
    };
    let mut scan = Scan::new(obj, &id_col(), &[q], None).unwrap();
    assert_eq!(scan.fetches().len(), 2);
    // The same user matches an address in both chunks.
    let mut host = fake(|_| ok(json!([{"id": "user_1"}])));
    assert_eq!(drain(&mut scan, &mut host).unwrap(), vec!["user_1"]);
    assert_eq!(host.urls.len(), 2);
}

#[test]
fn required_route_values_fill_the_column() {
    let obj = find("user_billing_subscriptions").unwrap();
    let cols = vec![
        QueryColumn {
            name: "user_id".into(),
            ty: PgType::Text,
        },
        QueryColumn {
            name: "id".into(),
            ty: PgType::Text,
        },
    ];
    let q = Qual {
        field: "user_id".into(),
        op: "=".into(),
        values: vec![
            QualValue::Text("u1".into()),
            QualValue::Text("u2".into()),
            QualValue::Text("u3".into()),
        ],
        is_list: true,
    };
    let mut scan = Scan::new(obj, &cols, &[q], None).unwrap();
    let mut host = fake(|url| {
        if url.contains("/u2/") {
            status(404, &[])
        } else {
            ok(json!({"id": format!("sub_{}", &url[url.len() - 23..url.len() - 21])}))
        }
    });
    let mut row = vec![];
    let mut got = vec![];
    while scan.next_row(&mut host, &cfg(), &mut row).unwrap() {
        got.push(row.clone());
    }
    assert_eq!(got.len(), 2);
    assert_eq!(got[0][0], Some(Cell::String("u1".into())));
    assert_eq!(got[1][0], Some(Cell::String("u3".into())));
    assert_eq!(host.urls.len(), 3);
}

#[test]
fn rows_out_are_reported_when_each_page_is_used_up() {
    let obj = find("billing_statements").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(envelope_server(1200));
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 1200);
    // One report per page, made as its last row goes out (never at end of scan).
    assert_eq!(host.rows_reports, vec![500, 500, 200]);

    // LIMIT 5: the first page has 5 rows, so the fifth row reports them.
    let limit = Some(Limit {
        count: 5,
        offset: 0,
    });
    let mut scan = Scan::new(obj, &id_col(), &[], limit).unwrap();
    let mut host = fake(envelope_server(1200));
    let mut row = vec![];
    for _ in 0..5 {
        assert!(scan.next_row(&mut host, &cfg(), &mut row).unwrap());
    }
    assert_eq!(host.rows_reports, vec![5]);
}

#[test]
fn a_nul_character_is_replaced_with_one_notice_per_scan() {
    let obj = find("users").unwrap();
    let columns = vec![
        QueryColumn {
            name: "id".into(),
            ty: PgType::Text,
        },
        QueryColumn {
            name: "first_name".into(),
            ty: PgType::Text,
        },
        QueryColumn {
            name: "unsafe_metadata".into(),
            ty: PgType::Jsonb,
        },
    ];
    let body = r#"[{"id":"user_1","first_name":"A\u0000n","unsafe_metadata":{"x":"a\u0000b","k\u0000":"\\u0000"}},
                   {"id":"user_2","first_name":"B","unsafe_metadata":{"y":"\u0000"}},
                   {"id":"user_3","first_name":"C","unsafe_metadata":{}}]"#;
    let mut scan = Scan::new(obj, &columns, &[], None).unwrap();
    let mut host = fake(move |_| {
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: body.to_string(),
        })
    });
    let mut rows = vec![];
    let mut row = vec![];
    while scan.next_row(&mut host, &cfg(), &mut row).unwrap() {
        rows.push(row.clone());
    }
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][1], Some(Cell::String("A\u{FFFD}n".into())));
    let Some(Cell::Json(meta)) = &rows[0][2] else {
        panic!("{:?}", rows[0][2])
    };
    // An escaped backslash followed by "u0000" is text, not a NUL: it stays.
    assert_eq!(
        serde_json::from_str::<Value>(meta).unwrap(),
        json!({"x": "a\u{FFFD}b", "k\u{FFFD}": "\\u0000"})
    );
    assert_eq!(
        rows[1][2],
        Some(Cell::Json(r#"{"y":"\ufffd"}"#.into())),
        "replaced on later rows too"
    );
    assert_eq!(rows[2][2], Some(Cell::Json("{}".into())));
    assert_eq!(host.notices.len(), 1, "{:?}", host.notices);
    let n = &host.notices[0];
    assert!(
        n.contains("users.first_name") && n.contains("user_1") && n.contains("U+FFFD"),
        "{n}"
    );
}

#[test]
fn a_lone_surrogate_is_a_malformed_page_naming_object_and_path() {
    let obj = find("jwt_templates").unwrap();
    for body in [
        r#"[{"id":"\ud800"}]"#,
        r#"[{"id":"\udc00x"}]"#,
        r#"[{"id":"\ud800\u0041"}]"#,
    ] {
        let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
        let mut host = fake(move |_| {
            Ok(HttpResponse {
                status: 200,
                headers: vec![],
                body: body.to_string(),
            })
        });
        let err = drain(&mut scan, &mut host).unwrap_err();
        assert!(
            err.contains("jwt_templates at /jwt_templates") && err.contains("lone surrogate"),
            "{err}"
        );
    }
    // A proper pair is fine.
    let mut scan = Scan::new(obj, &id_col(), &[], None).unwrap();
    let mut host = fake(|_| {
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: r#"[{"id":"\ud83d\ude80"}]"#.into(),
        })
    });
    assert_eq!(drain(&mut scan, &mut host).unwrap(), vec!["🚀".to_string()]);
}

fn unresolved(field: &str) -> Qual {
    Qual {
        field: field.into(),
        op: "=".into(),
        values: vec![QualValue::Unresolved],
        is_list: false,
    }
}

#[test]
fn a_subquery_placeholder_is_never_pushed_down_and_is_said_once() {
    let obj = find("users").unwrap();
    let mut scan = Scan::new(obj, &id_col(), &[unresolved("id")], None).unwrap();
    // Not GET /users/0: the whole list, which Postgres then filters.
    assert_eq!(scan.fetches().len(), 1);
    assert_eq!(scan.fetches()[0].path, "/users");
    let mut host = fake(|_| ok(json!([{"id": "user_1"}, {"id": "user_2"}])));
    assert_eq!(drain(&mut scan, &mut host).unwrap().len(), 2);
    assert_eq!(host.notices.len(), 1);
    assert!(host.notices[0].contains("users.id") && host.notices[0].contains("subquery"));
}

#[test]
fn a_required_qual_from_a_subquery_fails_only_when_rows_are_asked_for() {
    let obj = find("user_billing_subscriptions").unwrap();
    // begin_scan succeeds: a join's inner side gets the real value at its first re-scan.
    let mut scan = Scan::new(obj, &id_col(), &[unresolved("user_id")], None).unwrap();
    let mut host = fake(|_| panic!("no request"));
    let e = drain(&mut scan, &mut host).unwrap_err();
    assert!(e.contains("subquery") && e.contains("user_id"), "{e}");
    // Without any condition it is the usual error, at once.
    assert!(Scan::new(obj, &id_col(), &[], None)
        .unwrap_err()
        .contains("needs a WHERE condition on user_id"));
}
