//! Differential: the component's JSON reader against serde_json (what the host parses
//! json cells with) plus Postgres jsonb's refusal of U+0000.
#![no_main]

use clerk_fdw::convert::{convert, scrub_nul};
use clerk_fdw::json;
use clerk_fdw::model::{Cell, PgType};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn nul_free(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.contains('\0'),
        Value::Array(a) => a.iter().all(nul_free),
        Value::Object(m) => m.iter().all(|(k, v)| !k.contains('\0') && nul_free(v)),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<Value>(text);
    assert_eq!(ours.is_ok(), theirs.is_ok(), "acceptance differs: {text:?}");
    let (Ok(v), Ok(t)) = (ours, theirs) else {
        return;
    };
    if let Value::Object(map) = &t {
        for (k, want) in map {
            let got: Value = serde_json::from_str(v.get(k).expect("member").raw).unwrap();
            assert_eq!(&got, want, "member {k:?} of {text:?}");
        }
    }
    if let Value::Array(items) = &t {
        assert_eq!(v.items().count(), items.len());
    }
    if let Value::String(want) = &t {
        assert_eq!(v.as_str().unwrap(), want.as_str());
    }
    let mut cell = convert(v, PgType::Jsonb).unwrap().unwrap();
    scrub_nul(&mut cell);
    let Cell::Json(out) = &cell else { unreachable!() };
    let host: Value = serde_json::from_str(out).expect("the host accepts the cell");
    assert!(nul_free(&host), "jsonb would refuse {out:?}");
    let mut cell = convert(v, PgType::Text).unwrap().unwrap();
    scrub_nul(&mut cell);
    let Cell::String(out) = &cell else { unreachable!() };
    assert!(!out.contains('\0'));
    // Typed columns never panic, whatever the value.
    for ty in [PgType::BigInt, PgType::Numeric, PgType::Timestamptz, PgType::Bool, PgType::Uuid] {
        let _ = convert(v, ty);
    }
});
