//! Seeded, bounded property tests (proptest) against the references the real host uses:
//! serde_json plus Postgres jsonb's rules for JSON, chrono for RFC 3339. The same
//! properties run unbounded under `cargo fuzz` (fuzz/README.md).

use crate::catalog::find;
use crate::convert::{convert, scrub_nul};
use crate::json::{self, Val};
use crate::model::{Cell, PgType, Qual, QualValue};
use crate::plan::plan;
use crate::retry::{parse_retry_after, Failure, POLICY};
use crate::timefmt::parse_micros;
use crate::url::encode;
use proptest::prelude::*;
use serde_json::Value;

fn config() -> ProptestConfig {
    // Fixed seed, bounded cases: the same run in CI every time, well under a minute.
    ProptestConfig {
        cases: 20_000,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// JSON text that stresses the reader: escapes of every kind (NUL, surrogates, lone
/// ones), repeated keys, deep nesting, odd numbers, whitespace.
fn json_text() -> impl Strategy<Value = String> {
    let string = prop_oneof![
        "[a-zA-Z0-9 ]{0,8}",
        Just(r"\u0000".to_string()),
        Just(r"\ud83d\ude80".to_string()),
        Just(r"\ud800".to_string()),
        Just(r"\udc00".to_string()),
        Just(r#"\"\\\/\b\f\n\r\t"#.to_string()),
        Just(r"\\u0000".to_string()),
        Just("é🚀".to_string()),
    ]
    .prop_map(|s| format!("\"{s}\""));
    let number = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        Just("1e400".to_string()),
        Just("-0".to_string()),
        Just("1E-400".to_string()),
        Just("123456789012345678901234567890".to_string()),
        Just("01".to_string()),
        Just("1.".to_string()),
    ];
    let leaf = prop_oneof![
        string.clone(),
        number,
        Just("true".to_string()),
        Just("null".to_string()),
        Just("nul".to_string()),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((string.clone(), inner), 0..5).prop_map(|kv| {
                let members: Vec<String> = kv.iter().map(|(k, v)| format!("{k} : {v}")).collect();
                format!("{{ {} }}", members.join(","))
            }),
        ]
    })
}

/// What the host would do with a json cell: serde_json, then jsonb's refusal of U+0000.
fn host_accepts_json(text: &str) -> bool {
    fn nul_free(v: &Value) -> bool {
        match v {
            Value::String(s) => !s.contains('\0'),
            Value::Array(a) => a.iter().all(nul_free),
            Value::Object(m) => m.iter().all(|(k, v)| !k.contains('\0') && nul_free(v)),
            _ => true,
        }
    }
    serde_json::from_str::<Value>(text).is_ok_and(|v| nul_free(&v))
}

proptest! {
    #![proptest_config(config())]

    /// The reader accepts exactly what serde_json accepts, reads every member as serde
    /// does (the last of repeated keys), and whatever it hands the host as a jsonb cell is
    /// accepted by serde_json and jsonb.
    #[test]
    fn json_reader_agrees_with_serde_and_jsonb(text in json_text()) {
        let ours = json::parse(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{}", text);
        let (Ok(v), Ok(t)) = (ours, theirs) else { return Ok(()) };
        if let Value::Object(map) = &t {
            for (k, want) in map {
                let got = v.get(k).map(|g| serde_json::from_str::<Value>(g.raw).unwrap());
                prop_assert_eq!(got.as_ref(), Some(want), "{}", text);
            }
        }
        if let (Some(s), Value::String(want)) = (v.as_str(), &t) {
            prop_assert_eq!(s.as_ref(), want.as_str());
        }
        // A jsonb cell of this value, after the NUL rule, never fails in the host.
        let mut cell = convert(v, PgType::Jsonb).unwrap().unwrap();
        scrub_nul(&mut cell);
        let Cell::Json(out) = &cell else { unreachable!() };
        prop_assert!(host_accepts_json(out), "{} -> {}", text, out);
        // And a text cell never holds a NUL.
        let mut cell = convert(v, PgType::Text).unwrap().unwrap();
        scrub_nul(&mut cell);
        let Cell::String(out) = &cell else { unreachable!() };
        prop_assert!(!out.contains('\0'));
    }

    /// Random bytes: no panic, and acceptance agrees with serde_json.
    #[test]
    fn json_reader_never_panics_on_noise(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let ours = json::parse(text).is_ok();
            prop_assert_eq!(ours, serde_json::from_str::<Value>(text).is_ok(), "{:?}", text);
        }
    }

    /// Typed integer columns are exact or an error, never a rounded value.
    #[test]
    fn integer_columns_are_exact(n in any::<i64>(), frac in prop::bool::ANY) {
        let text = if frac { format!("{n}.0") } else { n.to_string() };
        let v = json::parse(&text).unwrap();
        match convert(v, PgType::BigInt) {
            Ok(Some(Cell::I64(got))) => prop_assert_eq!(got, n, "{}", text),
            Ok(other) => prop_assert!(false, "{:?}", other),
            Err(e) => prop_assert!(frac && n.unsigned_abs() > 1 << 53, "{}: {}", text, e),
        }
    }

    /// RFC 3339 agrees with chrono, the host's parser, wherever both read the string.
    #[test]
    fn rfc3339_agrees_with_chrono(
        y in 1i32..9999, mo in 1u32..=12, d in 1u32..=31, h in 0u32..24, mi in 0u32..60,
        s in 0u32..60, frac in "(\\.[0-9]{1,9})?", off in "(Z|z|[+-](0[0-9]|1[0-3]):[0-5][0-9])"
    ) {
        let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}");
        let theirs = chrono::DateTime::parse_from_rfc3339(&text).map(|t| t.timestamp_micros());
        match (parse_micros(&text), theirs) {
            (Some(a), Ok(b)) => prop_assert_eq!(a, b, "{}", text),
            (None, Err(_)) => {}
            (a, b) => prop_assert!(false, "{}: ours {:?}, chrono {:?}", text, a, b),
        }
    }

    #[test]
    fn rfc3339_never_panics(text in "\\PC{0,40}") {
        let _ = parse_micros(&text);
    }

    /// `Retry-After`: digits are exact, anything else falls back; waits stay bounded.
    #[test]
    fn retry_after_is_exact_or_ignored(v in "\\PC{0,12}", secs in 0u64..100_000) {
        prop_assert_eq!(parse_retry_after(&secs.to_string()), Some(secs));
        let parsed = parse_retry_after(&v);
        if parsed.is_some() {
            prop_assert!(v.trim().starts_with(|c: char| c.is_ascii_digit()), "{:?}", v);
        }
        let mut waited = 0;
        let mut attempts = 1;
        while let Some(d) = POLICY.delay(Failure::RateLimited, attempts, waited, Some(&v)) {
            prop_assert!(d <= POLICY.max_delay_ms);
            waited += d;
            attempts += 1;
        }
        prop_assert!(waited <= POLICY.max_total_wait_ms);
    }

    /// Any value in a WHERE clause reaches Clerk percent-encoded: it can never change the
    /// path or add a parameter.
    #[test]
    fn qual_values_are_always_encoded(value in "\\PC{1,30}", object in prop::sample::select(vec![
        ("users", "id"), ("users", "email_address"), ("organizations", "slug"),
        ("organization_memberships", "organization_id"), ("user_billing_subscriptions", "user_id"),
        ("billing_payment_attempts", "statement_id"), ("invitations", "email_address"),
    ])) {
        let (name, column) = object;
        let q = Qual {
            field: column.into(),
            op: "=".into(),
            values: vec![QualValue::Text(value.clone())],
            is_list: false,
        };
        let obj = find(name).unwrap();
        let mut templates: Vec<&str> = obj.lookups.iter().map(|l| l.path).collect();
        templates.extend(obj.routes.iter().map(|r| r.endpoint.path));
        // The route value in a query parameter leaves the path as it is.
        templates.extend(obj.list.iter().map(|e| e.path));
        for f in plan(obj, &[q], &["id"]).unwrap() {
            // The path is a catalog path, with at most the encoded value in place of `{}`.
            let encoded = encode(&value);
            prop_assert!(
                templates.iter().any(|t| *t == f.path || t.replace("{}", &encoded) == f.path),
                "{} -> {}", value, f.path
            );
            prop_assert!(f.path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)));
            // Parameter values are encoded as the query string is built (url::QueryString).
            for (_, v) in &f.params {
                prop_assert!(encode(v).bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            }
        }
    }
}

#[test]
fn surrogate_and_nul_cases_are_in_the_generator() {
    // The generator can produce the cases the old mutation test could not reach.
    let v = json::parse(r#"{"a":"\u0000","b":"\ud83d\ude80"}"#).unwrap();
    assert!(json::parse(r#""\ud800""#).is_err());
    let Val { raw } = v;
    assert!(raw.contains(r"\u0000"));
}
