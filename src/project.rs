//! JSON object → one cell per query column. Columns are resolved once per scan
//! ([`Projection::new`]); each row then only walks its own fields.

use crate::prelude::*;

use crate::catalog::{Object, Pick, Src};
use crate::json::{self, Kind, Val};
use crate::model::{Cell, ColumnSpec, PgType, Qual};
use crate::text::{self, cat, fill, int};
use crate::timefmt;

/// Postgres timestamps span 4713 BC .. 294276 AD; stay well inside (years 1..=9999), so the
/// host's conversion never fails (it panics when it does).
const MIN_MICROS: i64 = -62_135_596_800_000_000;
const MAX_MICROS: i64 = 253_402_300_799_999_999;

#[derive(Debug)]
struct ColumnPlan {
    name: String,
    ty: PgType,
    src: &'static Src,
    /// For `Src::Matched`: the lowercased values the WHERE clause pinned this column to.
    matched: Vec<String>,
}

#[derive(Debug)]
pub struct Projection {
    object: &'static str,
    columns: Vec<ColumnPlan>,
}

/// What a source yields for one row.
enum Found<'a> {
    Json(Val<'a>),
    Str(&'a str),
    Null,
}

impl Projection {
    pub fn new(object: &'static Object, columns: &[ColumnSpec], quals: &[Qual]) -> Projection {
        // Loops, not iterator chains: smaller code (the component's size is per-query cost).
        let mut plans = Vec::new();
        for c in columns {
            let src = match object.column(&c.name) {
                Some(col) => &col.spec.src,
                None if c.name == "attrs" => &Src::Attrs,
                None => &Src::Field,
            };
            let mut matched = Vec::new();
            for q in quals {
                if q.field == c.name {
                    for v in q.eq_values().unwrap_or_default() {
                        matched.push(v.to_ascii_lowercase());
                    }
                }
            }
            plans.push(ColumnPlan {
                name: c.name.clone(),
                ty: c.ty,
                src,
                matched,
            });
        }
        Projection {
            object: object.name,
            columns: plans,
        }
    }

    /// The name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        self.columns.get(i).map_or("", |c| c.name.as_str())
    }

    /// Project one object into `out` (cleared first): exactly one cell per column. Returns
    /// the first column whose value held a NUL character, replaced (see [`scrub_nul`]).
    pub fn project(
        &self,
        row: Val<'_>,
        route_value: Option<&str>,
        out: &mut Vec<Option<Cell>>,
    ) -> Result<Option<usize>, String> {
        out.clear();
        // One pass over the row's top-level members; columns then look up by name.
        let mut fields = Vec::new();
        if self.columns.len() > 1 {
            for f in row.fields() {
                fields.push(f);
            }
        }
        let row = Row { val: row, fields };
        let mut scrubbed = None;
        for (i, col) in self.columns.iter().enumerate() {
            let mut cell = match resolve(col.src, col, &row, route_value) {
                Found::Null => Ok(None),
                Found::Str(s) => convert(
                    Val {
                        raw: &json_string(s),
                    },
                    col.ty,
                ),
                Found::Json(v) if matches!(col.src, Src::Attrs) => Ok(Some(attrs_cell(v, col.ty))),
                Found::Json(v) => convert(v, col.ty),
            }
            .map_err(|problem| {
                fill(
                    "cannot read column \"{col}\" of {object}: {problem}; change the \
                         column's type (text and jsonb accept anything) or leave it out",
                    &[
                        ("col", &col.name),
                        ("object", self.object),
                        ("problem", &problem),
                    ],
                )
            })?;
            if cell.as_mut().is_some_and(scrub_nul) && scrubbed.is_none() {
                scrubbed = Some(i);
            }
            out.push(cell);
        }
        Ok(scrubbed)
    }
}

/// Postgres cannot hold U+0000: jsonb refuses the `\u0000` escape (the whole statement
/// fails) and text would be cut short at it. Clerk can send it (end users write
/// `unsafe_metadata`), so it becomes U+FFFD. True when something was replaced.
fn scrub_nul(cell: &mut Cell) -> bool {
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
            o.push_str(s.get(copied..i).unwrap_or_default());
            o.push_str("\\ufffd");
            copied = i + 6;
        }
        i += 2;
    }
    let mut o = out?;
    o.push_str(s.get(copied..).unwrap_or_default());
    Some(o)
}

/// A row with its top-level members indexed (empty when not worth it).
struct Row<'a> {
    val: Val<'a>,
    fields: Vec<(&'a str, Val<'a>)>,
}

impl<'a> Row<'a> {
    fn get(&self, key: &str) -> Option<Val<'a>> {
        if self.fields.is_empty() {
            return self.val.get(key);
        }
        self.fields
            .iter()
            .find(|(k, _)| json::key_is(k, key))
            .map(|(_, v)| *v)
    }
}

fn resolve<'a>(src: &Src, col: &ColumnPlan, row: &Row<'a>, route: Option<&'a str>) -> Found<'a> {
    let found = |v: Option<Val<'a>>| match v {
        Some(v) if !v.is_null() => Found::Json(v),
        _ => Found::Null,
    };
    match src {
        Src::Field => found(row.get(&col.name)),
        Src::Attrs => Found::Json(row.val),
        Src::Path(path) => {
            let mut v = None;
            for (i, k) in path.iter().enumerate() {
                v = if i == 0 {
                    row.get(k)
                } else {
                    v.and_then(|v| v.get(k))
                };
            }
            found(v)
        }
        Src::RouteValue => route.map_or(Found::Null, Found::Str),
        Src::Primary(Pick {
            id_field,
            list,
            value,
        }) => found(primary(row, id_field, list).and_then(|e| e.get(value))),
        Src::Matched(Pick {
            id_field,
            list,
            value,
        }) => {
            let matched = (!col.matched.is_empty())
                .then(|| row.get(list))
                .flatten()
                .and_then(|items| {
                    items.items().find_map(|e| {
                        let v = e.get(value)?;
                        let s = v.as_str()?.to_ascii_lowercase();
                        col.matched.contains(&s).then_some(v)
                    })
                });
            match matched {
                Some(v) => Found::Json(v),
                None => found(primary(row, id_field, list).and_then(|e| e.get(value))),
            }
        }
        Src::Any(srcs) => {
            for s in srcs.iter() {
                let f = resolve(s, col, row, route);
                if !matches!(f, Found::Null) {
                    return f;
                }
            }
            Found::Null
        }
    }
}

fn primary<'a>(row: &Row<'a>, id_field: &str, list: &str) -> Option<Val<'a>> {
    let id = row.get(id_field)?.as_str()?;
    row.get(list)?
        .items()
        .find(|e| e.get("id").and_then(|v| v.as_str()).as_deref() == Some(&*id))
}

/// `attrs`: the object exactly as Clerk sent it (or its text for a text column).
fn attrs_cell(v: Val<'_>, ty: PgType) -> Cell {
    let s = v.raw.to_string();
    if ty == PgType::Text {
        Cell::String(s)
    } else {
        Cell::Json(s)
    }
}

/// A plain string (a route value) as JSON text, so it goes through [`convert`] like any
/// value Clerk sent: the declared column type applies to it too.
fn json_string(s: &str) -> String {
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                quoted.push_str("\\u00");
                quoted.push(char::from(b"0123456789abcdef"[c as usize >> 4]));
                quoted.push(char::from(b"0123456789abcdef"[c as usize & 15]));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::find;
    use crate::model::QualValue;
    use serde_json::{json, Value};

    fn conv(v: Value, t: PgType) -> Result<Option<Cell>, String> {
        let text = v.to_string();
        convert(json::parse(&text).unwrap(), t)
    }

    fn cols(spec: &[(&str, PgType)]) -> Vec<ColumnSpec> {
        spec.iter()
            .map(|(n, t)| ColumnSpec {
                name: n.to_string(),
                ty: *t,
            })
            .collect()
    }

    fn run(
        object: &str,
        spec: &[(&str, PgType)],
        quals: &[Qual],
        row: Value,
    ) -> Result<Vec<Option<Cell>>, String> {
        let p = Projection::new(find(object).unwrap(), &cols(spec), quals);
        let mut out = vec![Some(Cell::Bool(true))]; // stale content must be cleared
        let text = row.to_string();
        p.project(json::parse(&text).unwrap(), Some("route_val"), &mut out)
            .map(|_| out)
    }

    #[test]
    fn one_cell_per_column_in_order_with_nulls() {
        let row = json!({"id": "user_1", "first_name": null, "banned": true, "n": 5});
        let out = run(
            "users",
            &[
                ("banned", PgType::Bool),
                ("first_name", PgType::Text),
                ("missing", PgType::BigInt),
                ("id", PgType::Text),
                ("n", PgType::Text),
            ],
            &[],
            row,
        )
        .unwrap();
        assert_eq!(
            out,
            vec![
                Some(Cell::Bool(true)),
                None,
                None,
                Some(Cell::String("user_1".into())),
                Some(Cell::String("5".into()))
            ]
        );
    }

    #[test]
    fn derived_user_columns() {
        let row = json!({
            "id": "u", "primary_email_address_id": "e2", "primary_phone_number_id": null,
            "email_addresses": [
                {"id": "e1", "email_address": "second@x.co"},
                {"id": "e2", "email_address": "primary@x.co"}
            ],
            "phone_numbers": [{"id": "p1", "phone_number": "+100"}]
        });
        let spec = [
            ("primary_email_address", PgType::Text),
            ("email_address", PgType::Text),
            ("primary_phone_number", PgType::Text),
        ];
        let out = run("users", &spec, &[], row.clone()).unwrap();
        assert_eq!(out[0], Some(Cell::String("primary@x.co".into())));
        assert_eq!(out[1], Some(Cell::String("primary@x.co".into())));
        assert_eq!(out[2], None);
        let q = Qual {
            field: "email_address".into(),
            op: "=".into(),
            values: vec![QualValue::Text("SECOND@x.co".into())],
            is_list: false,
        };
        let out = run("users", &spec, &[q], row).unwrap();
        assert_eq!(out[1], Some(Cell::String("second@x.co".into())));
    }

    #[test]
    fn nested_route_and_any_sources() {
        let row = json!({"id": "m", "organization": {"id": "org_1"}, "public_user_data": {"user_id": "u1"}});
        let out = run(
            "organization_memberships",
            &[("organization_id", PgType::Text), ("user_id", PgType::Text)],
            &[],
            row,
        )
        .unwrap();
        assert_eq!(
            out,
            vec![
                Some(Cell::String("org_1".into())),
                Some(Cell::String("u1".into()))
            ]
        );
        let out = run(
            "user_billing_subscriptions",
            &[("user_id", PgType::Text)],
            &[],
            json!({"id": "s"}),
        )
        .unwrap();
        assert_eq!(out, vec![Some(Cell::String("route_val".into()))]);
        // A route value follows the declared type like any other value.
        let out = run(
            "user_billing_subscriptions",
            &[("user_id", PgType::Jsonb), ("user_id", PgType::Integer)],
            &[],
            json!({"id": "s"}),
        );
        assert!(out
            .unwrap_err()
            .contains("expected integer, found a JSON string"));
        let out = run(
            "user_billing_subscriptions",
            &[("user_id", PgType::Jsonb)],
            &[],
            json!({"id": "s"}),
        );
        assert_eq!(out.unwrap(), vec![Some(Cell::Json("\"route_val\"".into()))]);
        assert_eq!(json_string("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
        // The object's own field wins over the route value.
        let out = run(
            "billing_payment_attempts",
            &[("statement_id", PgType::Text)],
            &[],
            json!({"statement_id": "st"}),
        )
        .unwrap();
        assert_eq!(out, vec![Some(Cell::String("st".into()))]);
    }

    #[test]
    fn attrs_is_the_whole_object() {
        let row = json!({"id": "x", "name": "Zoë \"q\" 🚀"});
        let out = run(
            "domains",
            &[("attrs", PgType::Jsonb), ("attrs", PgType::Text)],
            &[],
            row.clone(),
        )
        .unwrap();
        let Some(Cell::Json(s)) = &out[0] else {
            panic!()
        };
        assert_eq!(serde_json::from_str::<Value>(s).unwrap(), row);
        assert!(matches!(&out[1], Some(Cell::String(t)) if t == s));
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
        let e = run(
            "users",
            &[("first_name", Integer)],
            &[],
            json!({"first_name": "Ann"}),
        )
        .unwrap_err();
        assert!(
            e.contains("\"first_name\"")
                && e.contains("users")
                && e.contains("integer")
                && !e.contains("Ann"),
            "{e}"
        );
    }
}
