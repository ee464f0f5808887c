//! JSON object → one cell per query column. Columns are resolved once per scan
//! ([`Projection::new`]); each row then only walks its own fields.

use crate::prelude::*;

use crate::catalog::{Object, Pick, Src};
use crate::convert::{convert, scrub_nul};
use crate::json::{self, Kind, Val};
use crate::model::{Cell, PgType, Qual, QueryColumn};
use crate::text::fill;

/// How to read one query column from a row: resolved once per scan.
#[derive(Debug)]
struct ColumnReader {
    name: String,
    ty: PgType,
    src: &'static Src,
    /// For `Src::Matched`: the lowercased values the WHERE clause pinned this column to.
    matched: Vec<String>,
}

#[derive(Debug)]
pub struct Projection {
    object: &'static str,
    columns: Vec<ColumnReader>,
}

/// What a source yields for one row.
enum Found<'a> {
    Json(Val<'a>),
    Str(&'a str),
    /// A value built from several (`Src::Joined`).
    Owned(String),
    Null,
}

impl Projection {
    pub fn new(object: &'static Object, columns: &[QueryColumn], quals: &[Qual]) -> Projection {
        // Loops, not iterator chains: smaller code (the component's size is per-query cost).
        let mut plans = Vec::new();
        for c in columns {
            let src = match object.column(&c.name) {
                Some(col) => &col.def.src,
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
            plans.push(ColumnReader {
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
        parent: Val<'_>,
        route: Option<(&str, &str)>,
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
        let row = Row {
            val: row,
            fields,
            parent,
        };
        let mut scrubbed = None;
        for (i, col) in self.columns.iter().enumerate() {
            // The route's value fills only the column the route pinned, and a rowid built
            // from it (a credit balance's).
            let route_value = route
                .filter(|(c, _)| *c == col.name || matches!(col.src, Src::Joined(_)))
                .map(|(_, v)| v);
            let mut cell = match resolve(col.src, col, &row, route_value) {
                Found::Null => Ok(None),
                Found::Str(s) => convert(
                    Val {
                        raw: &json::quote(s),
                    },
                    col.ty,
                ),
                Found::Owned(s) => convert(
                    Val {
                        raw: &json::quote(&s),
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

/// A row with its top-level members indexed (empty when not worth it).
struct Row<'a> {
    val: Val<'a>,
    fields: Vec<(&'a str, Val<'a>)>,
    /// The object whose array holds this row (the row itself for top-level objects).
    parent: Val<'a>,
}

impl<'a> Row<'a> {
    fn get(&self, key: &str) -> Option<Val<'a>> {
        if self.fields.is_empty() {
            return self.val.get(key);
        }
        // The last of repeated keys wins, as in jsonb (see `Val::get`).
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| json::key_is(k, key))
            .map(|(_, v)| *v)
    }
}

fn resolve<'a>(src: &Src, col: &ColumnReader, row: &Row<'a>, route: Option<&'a str>) -> Found<'a> {
    let found = |v: Option<Val<'a>>| match v {
        Some(v) if !v.is_null() => Found::Json(v),
        _ => Found::Null,
    };
    match src {
        Src::Field => found(row.get(&col.name)),
        Src::Attrs => Found::Json(row.val),
        Src::Parent(field) => found(row.parent.get(field)),
        Src::PathIs(p) => {
            let yes = path_value(row, p.path).and_then(|v| v.as_str()).as_deref() == Some(p.value);
            Found::Json(Val {
                raw: if yes { "true" } else { "false" },
            })
        }
        Src::IsParentField(field) => {
            let id = row.get("id").and_then(|v| v.as_str());
            let named = row.parent.get(field).and_then(|v| v.as_str());
            let yes = id.is_some() && id == named;
            Found::Json(Val {
                raw: if yes { "true" } else { "false" },
            })
        }
        Src::Path(path) => found(path_value(row, path)),
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
        Src::Joined(srcs) => {
            let mut joined = String::new();
            for (i, s) in srcs.iter().enumerate() {
                let part = match resolve(s, col, row, route) {
                    // A number is its JSON text (a credit balance in a rowid).
                    Found::Json(v) if v.kind() == Kind::Number => Some(v.raw.into()),
                    Found::Json(v) => v.as_str().map(String::from),
                    Found::Str(s) => Some(s.into()),
                    Found::Owned(s) => Some(s),
                    Found::Null => None,
                };
                let Some(part) = part else {
                    return Found::Null;
                };
                if i > 0 {
                    joined.push('/');
                }
                joined.push_str(&part);
            }
            Found::Owned(joined)
        }
        Src::Const(text) => Found::Str(text),
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

/// The value at a nested path of the row.
fn path_value<'a>(row: &Row<'a>, path: &[&str]) -> Option<Val<'a>> {
    let mut v = None;
    for (i, k) in path.iter().enumerate() {
        v = if i == 0 {
            row.get(k)
        } else {
            v.and_then(|v| v.get(k))
        };
    }
    v
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::find;
    use crate::model::QualValue;
    use serde_json::{json, Value};

    fn cols(spec: &[(&str, PgType)]) -> Vec<QueryColumn> {
        spec.iter()
            .map(|(n, t)| QueryColumn {
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
        let v = json::parse(&text).unwrap();
        // The route pinned the first column of the query.
        let route = spec.first().map(|(name, _)| (*name, "route_val"));
        p.project(v, v, route, &mut out).map(|_| out)
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
        assert_eq!(json::quote("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
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
    fn conversion_errors_name_column_and_object_not_the_value() {
        let e = run(
            "users",
            &[("first_name", PgType::Integer)],
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
