//! What the real host and Postgres do with a cell the guest pushes, using the crates the
//! real host uses (serde_json, uuid, chrono), so a value they would refuse fails here too.
//!
//! Two moments, as in the real host:
//! * [`convert`]: `row.push` runs `Cell::try_from(guest cell).expect("convert cell failed")`,
//!   so a refusal there is a host panic;
//! * [`to_datum`]: after `iter_scan` returns, Postgres builds the tuple; a jsonb value goes
//!   through `jsonb_in`, which raises an ERROR for `\u0000`.

use crate::host::Cell;

/// Postgres epoch (2000-01-01) in microseconds since the Unix epoch.
const PG_EPOCH_US: i64 = 946_684_800_000_000;
/// Postgres `MIN_TIMESTAMP` (4714-11-24 00:00:00 BC), µs since the Postgres epoch.
const PG_MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
/// Postgres `END_TIMESTAMP` (294277-01-01 00:00:00), µs since the Postgres epoch (exclusive).
const PG_END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

/// The host's guest-cell → host-cell conversion (`TryFrom<GuestCell> for Cell`): the reason
/// it would refuse `cell`, if any.
pub fn convert(cell: &Cell) -> Result<(), String> {
    match cell {
        Cell::Bool(_)
        | Cell::I8(_)
        | Cell::I16(_)
        | Cell::F32(_)
        | Cell::I32(_)
        | Cell::F64(_)
        | Cell::I64(_)
        | Cell::String(_) => Ok(()),
        // `AnyNumeric::try_from(f64)`; a non-finite value is refused here (stricter than
        // needed: no Clerk value is NaN, and an infinite numeric is never what we meant).
        Cell::Numeric(v) if v.is_finite() => Ok(()),
        Cell::Numeric(v) => Err(format!(
            "numeric {v} cannot be converted to a Postgres numeric"
        )),
        // `to_timestamp(secs as f64)` raises "timestamp out of range" outside Postgres' range.
        Cell::Date(secs) => {
            let us = (*secs as i128) * 1_000_000 - PG_EPOCH_US as i128;
            if (PG_MIN_TIMESTAMP as i128..PG_END_TIMESTAMP as i128).contains(&us) {
                Ok(())
            } else {
                Err(format!(
                    "date {secs} (seconds since Unix epoch) is out of range"
                ))
            }
        }
        // `Timestamp::try_from(us - PG_EPOCH)`.
        Cell::Timestamp(us) | Cell::Timestamptz(us) => match us.checked_sub(PG_EPOCH_US) {
            Some(pg) if (PG_MIN_TIMESTAMP..PG_END_TIMESTAMP).contains(&pg) => Ok(()),
            _ => Err(format!(
                "timestamp {us} (microseconds since Unix epoch) is out of range"
            )),
        },
        // `serde_json::from_str` (lone surrogates, numbers out of f64 range, bad syntax).
        Cell::Json(s) => serde_json::from_str::<serde_json::Value>(s)
            .map(|_| ())
            .map_err(|e| format!("invalid json {s:?}: {e}")),
        Cell::Uuid(s) => uuid::Uuid::try_parse(s)
            .map(|_| ())
            .map_err(|e| format!("invalid uuid {s:?}: {e}")),
        Cell::Other(s) => Err(format!(
            "not yet implemented: Add more type support from guest cell to host cell (other({s:?}))"
        )),
    }
}

/// Postgres turning a converted cell into a datum. `Err` is the statement's ERROR.
pub fn to_datum(cell: &Cell) -> Result<(), String> {
    match cell {
        // pgrx serialises the serde_json value again and calls `jsonb_in`, which refuses
        // U+0000 in any string or key.
        Cell::Json(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(v) if holds_nul(&v) => Err("unsupported Unicode escape sequence\n\
                 DETAIL:  \\u0000 cannot be converted to text."
                .to_string()),
            _ => Ok(()),
        },
        // The real host copies the bytes into a text datum; Postgres then cuts the value
        // short at the NUL wherever it prints it. Silently wrong, so an error here.
        Cell::String(s) if s.contains('\0') => Err(
            "text cell holds a NUL character: Postgres would store it but show the value \
             cut short (test host check; the real host does not catch this)"
                .to_string(),
        ),
        _ => Ok(()),
    }
}

fn holds_nul(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

/// The Postgres type OID a cell would carry (for `param().type-oid`).
pub fn type_oid(cell: &Cell) -> u32 {
    match cell {
        Cell::Bool(_) => 16,
        Cell::I8(_) => 18,
        Cell::I16(_) => 21,
        Cell::F32(_) => 700,
        Cell::I32(_) => 23,
        Cell::F64(_) => 701,
        Cell::I64(_) => 20,
        Cell::Numeric(_) => 1700,
        Cell::String(_) => 25,
        Cell::Date(_) => 1082,
        Cell::Timestamp(_) => 1114,
        Cell::Timestamptz(_) => 1184,
        Cell::Json(_) => 3802,
        Cell::Uuid(_) => 2950,
        Cell::Other(_) => 0,
    }
}

/// The OID of an array of `cell`'s type (for `= ANY($1)` params).
pub fn array_type_oid(cell: &Cell) -> u32 {
    match cell {
        Cell::Bool(_) => 1000,
        Cell::I16(_) => 1005,
        Cell::I32(_) => 1007,
        Cell::I64(_) => 1016,
        Cell::F32(_) => 1021,
        Cell::F64(_) => 1022,
        Cell::Numeric(_) => 1231,
        Cell::String(_) => 1009,
        Cell::Date(_) => 1182,
        Cell::Timestamp(_) => 1115,
        Cell::Timestamptz(_) => 1185,
        Cell::Json(_) => 3807,
        Cell::Uuid(_) => 2951,
        Cell::I8(_) | Cell::Other(_) => 0,
    }
}

/// supabase-wrappers' `Display for Cell` (with `DateStyle = ISO`, `TimeZone = UTC`), for
/// `cell-to-string` and `deparse`.
pub fn render(cell: &Cell) -> String {
    // Postgres prints only the significant digits of the fraction.
    let stamp = |us: i64, fmt: &str| {
        chrono::DateTime::from_timestamp_micros(us)
            .map(|t| t.format(fmt).to_string())
            .map(|t| match t.split_once('.') {
                Some((whole, frac)) if frac.trim_end_matches('0').is_empty() => whole.to_string(),
                Some(_) => t.trim_end_matches('0').to_string(),
                None => t,
            })
            .unwrap_or_else(|| us.to_string())
    };
    match cell {
        Cell::Bool(v) => v.to_string(),
        Cell::I8(v) => v.to_string(),
        Cell::I16(v) => v.to_string(),
        Cell::F32(v) => v.to_string(),
        Cell::I32(v) => v.to_string(),
        Cell::F64(v) => v.to_string(),
        Cell::I64(v) => v.to_string(),
        Cell::Numeric(v) => v.to_string(),
        Cell::String(v) => format!("'{v}'"),
        Cell::Date(secs) => format!("'{}'", stamp(secs.saturating_mul(1_000_000), "%Y-%m-%d")),
        Cell::Timestamp(us) => format!("'{}'", stamp(*us, "%Y-%m-%d %H:%M:%S%.6f")),
        Cell::Timestamptz(us) => format!("'{}+00'", stamp(*us, "%Y-%m-%d %H:%M:%S%.6f")),
        Cell::Json(v) => match serde_json::from_str::<serde_json::Value>(v) {
            Ok(j) => format!("'{j}'"),
            Err(_) => format!("'{v}'"),
        },
        Cell::Uuid(v) => format!("'{}'", v.to_ascii_lowercase()),
        Cell::Other(v) => format!("'{v}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_follows_the_hosts_crates() {
        assert!(convert(&Cell::Json("[1,2]".into())).is_ok());
        assert!(convert(&Cell::Json("{bad".into())).is_err());
        // serde_json refuses what the real host would refuse (it panics on these).
        assert!(convert(&Cell::Json(r#""\ud800""#.into())).is_err());
        assert!(convert(&Cell::Json("1e400".into())).is_err());
        assert!(convert(&Cell::Uuid("67e55044-10b1-426f-9247-bb680e5fe0c8".into())).is_ok());
        assert!(convert(&Cell::Uuid("67e5504410b1426f9247bb680e5fe0c8".into())).is_ok());
        assert!(convert(&Cell::Uuid("{67e55044-10b1-426f-9247-bb680e5fe0c8}".into())).is_ok());
        assert!(convert(&Cell::Uuid("user_2abc".into())).is_err());
        assert!(convert(&Cell::Numeric(f64::NAN)).is_err());
        assert!(convert(&Cell::Numeric(1.5)).is_ok());
        assert!(convert(&Cell::Timestamptz(1_700_000_000_000_000)).is_ok());
        assert!(convert(&Cell::Timestamptz(-300_000_000_000_000_000)).is_err());
        assert!(convert(&Cell::Timestamp(i64::MIN)).is_err());
        assert!(convert(&Cell::Date(1_700_000_000)).is_ok());
        assert!(convert(&Cell::Date(i64::MAX)).is_err());
        assert!(convert(&Cell::Other("x".into())).is_err());
    }

    #[test]
    fn jsonb_refuses_nul_anywhere_and_text_flags_it() {
        // serde_json accepts \u0000, so the host's conversion passes; jsonb_in then fails.
        for bad in [r#"{"x":"a\u0000b"}"#, r#"{"k\u0000":1}"#, r#"[["\u0000"]]"#] {
            assert!(convert(&Cell::Json(bad.into())).is_ok(), "{bad}");
            let e = to_datum(&Cell::Json(bad.into())).unwrap_err();
            assert!(e.starts_with("unsupported Unicode escape sequence"), "{e}");
        }
        assert!(to_datum(&Cell::Json(r#"{"x":"a\ufffdb","y":"\\u0000"}"#.into())).is_ok());
        assert!(to_datum(&Cell::String("a\0b".into())).is_err());
        assert!(to_datum(&Cell::String("a\u{FFFD}b".into())).is_ok());
    }

    #[test]
    fn rendering() {
        assert_eq!(render(&Cell::String("a".into())), "'a'");
        assert_eq!(render(&Cell::Date(0)), "'1970-01-01'");
        assert_eq!(
            render(&Cell::Timestamptz(1_500_000)),
            "'1970-01-01 00:00:01.5+00'"
        );
        assert_eq!(render(&Cell::Timestamp(0)), "'1970-01-01 00:00:00'");
        assert_eq!(render(&Cell::Json(r#"{"a": 1}"#.into())), r#"'{"a":1}'"#);
    }
}
