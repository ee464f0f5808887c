//! What a test asks of a query (options, columns, quals, sorts, limit) and what it can
//! read back (stats, HTTP calls).

use super::*;

// ---------------------------------------------------------------------------------------------
// Test-facing specification types
// ---------------------------------------------------------------------------------------------

/// What Postgres would hand the FDW for one query.
#[derive(Clone, Default)]
pub struct QuerySpec {
    /// Server options. `fdw_package_url/name/version` are added if missing, as the real
    /// server always carries them.
    pub server_options: Vec<(String, String)>,
    /// Table options (visible from `begin_scan`/`begin_modify` on, not during `init`).
    pub table_options: Vec<(String, String)>,
    /// `IMPORT FOREIGN SCHEMA … OPTIONS (…)`.
    pub import_options: Vec<(String, String)>,
    /// Referenced columns in order; `num()` is the 1-based position in this list.
    pub columns: Vec<(String, TypeOid)>,
    pub quals: Vec<QualSpec>,
    /// `(count, offset)`.
    pub limit: Option<(i64, i64)>,
    pub sorts: Vec<SortSpec>,
    /// Vault: `get-vault-secret(id)` and `get-vault-secret-by-name(name)` both look keys up here.
    pub vault: Vec<(String, String)>,
    /// Emulate the real host's own HTTP retries (3, with 1/2/4 s backoff on the virtual
    /// clock). Off by default: then one guest call is exactly one request.
    pub host_retries: bool,
}

#[derive(Clone, Debug)]
pub struct QualSpec {
    pub field: String,
    pub operator: String,
    pub value: QualValue,
    /// Parameter id (`$n` / correlated param); `None` for constants.
    pub param: Option<u32>,
    /// The value is not set when the scan begins (a subquery's result, a join's value, a
    /// plpgsql variable): the guest sees the host's placeholder (measured in Wrappers 0.6.2).
    pub placeholder: bool,
    pub param_kind: ParamKind,
}

/// Where a parameter's value comes from, as far as the placeholder differs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ParamKind {
    /// `$n` of a statement, or a value from another plan node.
    #[default]
    Plain,
    /// A plpgsql variable in the statement's generic plan, fetched lazily.
    PlpgsqlVariable,
}

#[derive(Clone, Debug)]
pub enum QualValue {
    Cell(Cell),
    /// `IN (…)` / `= ANY(…)`: the guest sees `value::array` and `use-or = true`.
    Array(Vec<Cell>),
}

impl QualSpec {
    /// `field = value`.
    pub fn eq(field: &str, value: Cell) -> Self {
        Self::op(field, "=", value)
    }

    /// `field IN (values…)`.
    pub fn is_in(field: &str, values: Vec<Cell>) -> Self {
        QualSpec {
            field: field.to_string(),
            operator: "=".to_string(),
            value: QualValue::Array(values),
            param: None,
            placeholder: false,
            param_kind: ParamKind::Plain,
        }
    }

    /// `field <op> value` with the Postgres operator name (`=`, `<>`, `~~`, `>=`, …).
    pub fn op(field: &str, op: &str, value: Cell) -> Self {
        QualSpec {
            field: field.to_string(),
            operator: op.to_string(),
            value: QualValue::Cell(value),
            param: None,
            placeholder: false,
            param_kind: ParamKind::Plain,
        }
    }

    /// `field IS NULL` (the host sends operator `is` with the string `"null"`).
    pub fn is_null(field: &str) -> Self {
        Self::op(field, "is", Cell::String("null".to_string()))
    }

    /// `field IS NOT NULL`.
    pub fn is_not_null(field: &str) -> Self {
        Self::op(field, "is not", Cell::String("null".to_string()))
    }

    /// Mark this qual as coming from parameter `$id`.
    pub fn with_param(mut self, id: u32) -> Self {
        self.param = Some(id);
        self
    }

    /// Mark this qual's value as a subquery's result, `col = (select …)`, or a join's value
    /// at the start of the scan: the guest sees the host's placeholder, not the value.
    /// Postgres numbers these from 0 within a query.
    pub fn from_subquery(mut self, id: u32) -> Self {
        self.param = Some(id);
        self.placeholder = true;
        self
    }

    /// Mark this qual as comparing with a plpgsql variable in the statement's generic plan:
    /// plpgsql hands its values over lazily, so the host finds none when the scan begins
    /// and the guest sees the same placeholder as for a subquery (measured, Wrappers 0.6.2).
    /// `id` is the variable's datum number plus one.
    pub fn plpgsql_variable(mut self, id: u32) -> Self {
        self.param_kind = ParamKind::PlpgsqlVariable;
        self.from_subquery(id)
    }

    pub(crate) fn use_or(&self) -> bool {
        matches!(self.value, QualValue::Array(_))
    }
}

#[derive(Clone, Debug, Default)]
pub struct SortSpec {
    pub field: String,
    /// 1-based attribute number; `0` means "position of `field` in the columns, or 0".
    pub field_no: u32,
    pub reversed: bool,
    pub nulls_first: bool,
    pub collate: Option<String>,
}

impl SortSpec {
    pub fn asc(field: &str) -> Self {
        SortSpec {
            field: field.to_string(),
            ..Default::default()
        }
    }

    pub fn desc(field: &str) -> Self {
        SortSpec {
            field: field.to_string(),
            reversed: true,
            nulls_first: true,
            ..Default::default()
        }
    }
}

/// Stats written through the `stats` interface, plus HTTP traffic seen by the host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub create_times: i64,
    pub rows_in: i64,
    pub rows_out: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
    /// Number of `inc-stats` calls (each one is an SPI upsert in the real host).
    pub calls: u64,
    /// Number of HTTP requests actually sent.
    pub http_requests: u64,
    /// Total bytes of HTTP response bodies returned to the guest.
    pub http_response_bytes: u64,
}

/// One HTTP request the guest made.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpCall {
    /// "GET", "POST", "PUT", "PATCH" or "DELETE" (from the request's `method` field).
    pub method: String,
    pub url: String,
    /// Headers exactly as the guest sent them (before de-duplication).
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Response status, or `None` when the transport failed.
    pub status: Option<u16>,
    pub response_bytes: usize,
    /// Transport error returned to the guest, if any.
    pub error: Option<String>,
}

impl HttpCall {
    /// Value of the first header named `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Cell conversion / rendering helpers
// ---------------------------------------------------------------------------------------------

pub(crate) fn deparse_qual(q: &QualSpec) -> String {
    match &q.value {
        QualValue::Array(cells) => cells
            .iter()
            .map(|c| format!("{} {} {}", q.field, q.operator, pgcell::render(c)))
            .collect::<Vec<_>>()
            .join(" or "),
        QualValue::Cell(cell) => match q.operator.as_str() {
            "is" | "is not" => match cell {
                Cell::String(s) if s == "null" => format!("{} {} null", q.field, q.operator),
                _ => format!("{} {} {}", q.field, q.operator, pgcell::render(cell)),
            },
            "~~" => format!("{} like {}", q.field, pgcell::render(cell)),
            "!~~" => format!("{} not like {}", q.field, pgcell::render(cell)),
            op => format!("{} {} {}", q.field, op, pgcell::render(cell)),
        },
    }
}

pub(crate) fn deparse_sort(s: &SortSpec) -> String {
    format!(
        "{}{}{}",
        s.field,
        if s.reversed { " desc" } else { " asc" },
        if s.nulls_first {
            " nulls first"
        } else {
            " nulls last"
        }
    )
}
