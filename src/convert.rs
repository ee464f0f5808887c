//! JSON values → Postgres cells of the declared type, and the rules every cell must meet
//! before it reaches the host (which panics or fails the statement on a value it refuses).

use crate::prelude::*;

use crate::bug::span;
use crate::json::{self, Kind, Val};
use crate::model::{Cell, PgType};
use crate::text::{self, cat, int};
use crate::timefmt;

/// Postgres timestamps span 4713 BC .. 294276 AD; stay well inside (years 1..=9999), so the
/// host's conversion never fails (it panics when it does).
const MIN_MICROS: i64 = -62_135_596_800_000_000;
const MAX_MICROS: i64 = 253_402_300_799_999_999;

/// Convert a non-null JSON value to the declared column type.
pub fn convert(v: Val<'_>, ty: PgType) -> Result<Option<Cell>, String> {
    let kind = v.kind();
    let mismatch = || cat(&["expected ", ty.sql_name(), ", found a JSON ", kind.name()]);
    let string = || v.as_str();
    let cell = match ty {
        PgType::Text => match string() {
            Some(s) => Cell::String(s.into_owned()),
            None => Cell::String(v.raw.to_string()),
        },
        PgType::Jsonb => Cell::Json(v.raw.to_string()),
        PgType::Bool => match (v.as_bool(), string().as_deref()) {
            (Some(b), _) => Cell::Bool(b),
            (None, Some("true")) => Cell::Bool(true),
            (None, Some("false")) => Cell::Bool(false),
            _ => return Err(mismatch()),
        },
        PgType::Char | PgType::SmallInt | PgType::Integer | PgType::BigInt => {
            let i = integer(v).ok_or_else(mismatch)??;
            let fits = |lo: i64, hi: i64| {
                if (lo..=hi).contains(&i) {
                    Ok(i)
                } else {
                    Err(cat(&[&int(i), " is out of range for ", ty.sql_name()]))
                }
            };
            match ty {
                PgType::Char => Cell::I8(fits(i8::MIN.into(), i8::MAX.into())? as i8),
                PgType::SmallInt => Cell::I16(fits(i16::MIN.into(), i16::MAX.into())? as i16),
                PgType::Integer => Cell::I32(fits(i32::MIN.into(), i32::MAX.into())? as i32),
                _ => Cell::I64(i),
            }
        }
        PgType::Real | PgType::Double | PgType::Numeric => {
            let f = match kind {
                Kind::Number => v.as_f64(),
                Kind::String => string().and_then(|s| json::number_to_f64(s.trim_ascii())),
                _ => None,
            }
            .ok_or_else(mismatch)?;
            match ty {
                PgType::Real => Cell::F32(f as f32),
                PgType::Double => Cell::F64(f),
                _ => Cell::Numeric(f),
            }
        }
        PgType::Timestamp | PgType::Timestamptz => {
            let us = micros(v).ok_or_else(mismatch)??;
            if ty == PgType::Timestamp {
                Cell::Timestamp(us)
            } else {
                Cell::Timestamptz(us)
            }
        }
        PgType::Date => Cell::Date(micros(v).ok_or_else(mismatch)??.div_euclid(1_000_000)),
        PgType::Uuid => match string() {
            Some(s) if is_uuid(&s) => Cell::Uuid(s.into_owned()),
            Some(_) => return Err("expected uuid, found a string that is not a UUID".into()),
            None => return Err(mismatch()),
        },
    };
    Ok(Some(cell))
}

/// Whole numbers only: JSON integers, integral floats, or numeric strings.
fn integer(v: Val<'_>) -> Option<Result<i64, String>> {
    let out_of_range = || Err("number is out of range for bigint".to_string());
    match v.kind() {
        Kind::Number => Some(match (v.as_i64(), v.as_f64()) {
            (Some(i), _) => Ok(i),
            // Past 2^53 a double no longer holds every whole number: the value Clerk sent
            // (`1.0e17`-style, not a plain integer) may already be rounded.
            (None, Some(f)) if f.abs() > 9_007_199_254_740_992.0 && f.abs() < 9.2e18 => Err(
                "the number is too large to be read exactly in this form; declare the \
                     column numeric or text"
                    .into(),
            ),
            (None, Some(f)) if f.abs() < 9.2e18 => match f as i64 {
                i if i as f64 == f => Ok(i),
                _ => Err("expected a whole number, found a fractional number".into()),
            },
            _ => out_of_range(),
        }),
        Kind::String => text::parse_i64(v.as_str()?.trim_ascii()).map(Ok),
        _ => None,
    }
}

/// `f` rounded half away from zero, when it fits an i64 (`f64::round` needs `std`).
fn round(f: f64) -> Option<i64> {
    if f.abs() >= 9.2e18 || f.is_nan() {
        return None;
    }
    let t = f as i64;
    let frac = f - t as f64;
    Some(match frac {
        _ if frac >= 0.5 => t + 1,
        _ if frac <= -0.5 => t - 1,
        _ => t,
    })
}

/// Clerk's Unix milliseconds (or an RFC 3339 / ISO date string) → microseconds.
fn micros(v: Val<'_>) -> Option<Result<i64, String>> {
    let us = match v.kind() {
        Kind::Number => match v.as_i64() {
            Some(ms) => ms.checked_mul(1000),
            None => v.as_f64().and_then(|ms| round(ms * 1000.0)),
        },
        Kind::String => Some(timefmt::parse_micros(&v.as_str()?)?),
        _ => return None,
    };
    Some(match us {
        Some(us) if (MIN_MICROS..=MAX_MICROS).contains(&us) => Ok(us),
        _ => Err("timestamp is outside the years 1..9999".into()),
    })
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        32 => b.iter().all(u8::is_ascii_hexdigit),
        36 => b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        }),
        _ => false,
    }
}

/// Postgres cannot hold U+0000: jsonb refuses the `\u0000` escape (the whole statement
/// fails) and text would be cut short at it. Clerk can send it (end users write
/// `unsafe_metadata`), so it becomes U+FFFD. True when something was replaced.
pub fn scrub_nul(cell: &mut Cell) -> bool {
    match cell {
        Cell::String(s) if s.bytes().any(|b| b == 0) => {
            let mut out = String::with_capacity(s.len() + 2);
            for c in s.chars() {
                out.push(if c == '\0' { '\u{FFFD}' } else { c });
            }
            *s = out;
            true
        }
        Cell::Json(s) => match json_without_nul(s) {
            Some(clean) => {
                *s = clean;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Valid JSON text with every `\u0000` escape turned into `\ufffd`; None when it has none.
/// Backslashes only occur inside strings, and always start a two-byte escape or `\uXXXX`.
fn json_without_nul(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        if b.get(i + 1..i + 6) == Some(b"u0000") {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(span(s, copied, i));
            o.push_str("\\ufffd");
            copied = i + 6;
        }
        i += 2;
    }
    let mut o = out?;
    o.push_str(span(s, copied, s.len()));
    Some(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn conv(v: Value, t: PgType) -> Result<Option<Cell>, String> {
        let text = v.to_string();
        convert(json::parse(&text).unwrap(), t)
    }

    #[test]
    fn conversions() {
        use PgType::*;
        let ok = |v: Value, t| conv(v, t).unwrap().unwrap();
        assert_eq!(
            ok(json!(1_700_000_000_123i64), Timestamptz),
            Cell::Timestamptz(1_700_000_000_123_000)
        );
        assert_eq!(ok(json!(1.5), Timestamp), Cell::Timestamp(1500));
        assert_eq!(ok(json!("2025-01-31"), Date), Cell::Date(1_738_281_600));
        assert_eq!(
            ok(json!(1_738_281_600_999i64), Date),
            Cell::Date(1_738_281_600)
        );
        assert_eq!(
            ok(json!("2026-01-08T00:00:00Z"), Timestamptz),
            Cell::Timestamptz(1_767_830_400_000_000)
        );
        assert_eq!(ok(json!(5.0), Integer), Cell::I32(5));
        assert_eq!(ok(json!("42"), BigInt), Cell::I64(42));
        assert_eq!(ok(json!(-3), SmallInt), Cell::I16(-3));
        assert_eq!(ok(json!("49.99"), Numeric), Cell::Numeric(49.99));
        assert_eq!(ok(json!(2), Real), Cell::F32(2.0));
        assert_eq!(ok(json!("true"), Bool), Cell::Bool(true));
        assert_eq!(ok(json!("x"), Jsonb), Cell::Json("\"x\"".into()));
        assert_eq!(
            ok(json!([1, {"a": null}]), Jsonb),
            Cell::Json("[1,{\"a\":null}]".into())
        );
        assert_eq!(ok(json!({"a": 1}), Text), Cell::String("{\"a\":1}".into()));
        assert_eq!(ok(json!(true), Text), Cell::String("true".into()));
        let u = "123e4567-e89b-12d3-a456-426614174000";
        assert_eq!(ok(json!(u), Uuid), Cell::Uuid(u.into()));
    }

    #[test]
    fn rounding_is_half_away_from_zero_like_f64_round() {
        for f in [
            0.0,
            0.4,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            -2.49,
            1e15 + 0.5,
            123.456e3,
        ] {
            assert_eq!(round(f), Some(f.round() as i64), "{f}");
        }
        assert_eq!(round(f64::NAN), None);
        assert_eq!(round(1e19), None);
        assert_eq!(round(-1e19), None);
        assert_eq!(integer_of(json!(3.0)), Ok(3));
        assert!(integer_of(json!(3.25)).unwrap_err().contains("fractional"));
        assert!(integer_of(json!(1e19))
            .unwrap_err()
            .contains("out of range"));
    }

    fn integer_of(v: Value) -> Result<i64, String> {
        let text = v.to_string();
        integer(json::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn conversion_errors_name_the_types_not_the_value() {
        use PgType::*;
        let err = |v: Value, t| conv(v, t).unwrap_err();
        assert_eq!(
            err(json!("sk_secret"), Integer),
            "expected integer, found a JSON string"
        );
        assert!(err(json!(1.5), BigInt).contains("fractional"));
        assert!(err(json!(40000), SmallInt).contains("out of range for smallint"));
        assert!(err(json!(u64::MAX), BigInt).contains("out of range"));
        assert!(err(json!(i64::MAX), Timestamptz).contains("years"));
        assert!(err(json!({"a": 1}), Timestamptz).contains("found a JSON object"));
        assert!(err(json!("not-a-uuid"), Uuid).contains("not a UUID"));
        assert!(err(json!("yes?"), Bool).contains("expected boolean"));
    }

    #[test]
    fn integers_are_exact_or_an_error() {
        use PgType::*;
        let ok = |raw: &str, t| convert(json::parse(raw).unwrap(), t).unwrap().unwrap();
        let err = |raw: &str, t| convert(json::parse(raw).unwrap(), t).unwrap_err();
        assert_eq!(
            ok("9007199254740993", BigInt),
            Cell::I64(9_007_199_254_740_993)
        );
        assert_eq!(ok("-9223372036854775808", BigInt), Cell::I64(i64::MIN));
        assert_eq!(ok("1.0e15", BigInt), Cell::I64(1_000_000_000_000_000));
        assert!(err("12345678901234567.0", BigInt).contains("too large to be read exactly"));
        assert!(err("9223372036854775808", BigInt).contains("out of range"));
        assert!(
            json::parse("1e400").is_err(),
            "refused by the reader, as by serde_json"
        );
    }

    #[test]
    fn nul_becomes_u_fffd_in_text_and_jsonb_only_where_it_is_a_nul() {
        let mut c = Cell::String("a\0b\0".into());
        assert!(scrub_nul(&mut c));
        assert_eq!(c, Cell::String("a\u{FFFD}b\u{FFFD}".into()));
        let mut c = Cell::Json(r#"{"k\u0000":["\u0000x"],"e":"\\u0000","f":"\\\u0000"}"#.into());
        assert!(scrub_nul(&mut c));
        let Cell::Json(s) = &c else { panic!() };
        assert_eq!(
            serde_json::from_str::<Value>(s).unwrap(),
            json!({"k\u{FFFD}": ["\u{FFFD}x"], "e": "\\u0000", "f": "\\\u{FFFD}"})
        );
        for clean in [
            Cell::String("ab".into()),
            Cell::Json(r#"{"e":"\\u0000"}"#.into()),
            Cell::I64(0),
        ] {
            let mut c = clean.clone();
            assert!(!scrub_nul(&mut c));
            assert_eq!(c, clean);
        }
    }
}
