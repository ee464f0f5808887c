//! Plain data types shared by the pure modules. The WIT adapter (`lib.rs`) converts the
//! host's resources into these, so everything else is testable natively; a cell is the
//! WIT `cell` itself (a plain enum, which native tests build too).

use crate::prelude::*;

/// Column types the Wrappers host can receive from a guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgType {
    Bool,
    Char,
    SmallInt,
    Integer,
    BigInt,
    Real,
    Double,
    Numeric,
    Text,
    Date,
    Timestamp,
    Timestamptz,
    Jsonb,
    Uuid,
}

impl PgType {
    pub fn sql_name(self) -> &'static str {
        match self {
            PgType::Bool => "boolean",
            PgType::Char => "\"char\"",
            PgType::SmallInt => "smallint",
            PgType::Integer => "integer",
            PgType::BigInt => "bigint",
            PgType::Real => "real",
            PgType::Double => "double precision",
            PgType::Numeric => "numeric",
            PgType::Text => "text",
            PgType::Date => "date",
            PgType::Timestamp => "timestamp",
            PgType::Timestamptz => "timestamptz",
            PgType::Jsonb => "jsonb",
            PgType::Uuid => "uuid",
        }
    }
}

/// One cell: the WIT `cell` variant itself, so cells reach the host with no conversion
/// (size: see lib.rs). `Other` is text of a type the host does not convert.
pub use crate::bindings::supabase::wrappers::types::Cell;

impl PartialEq for Cell {
    fn eq(&self, other: &Cell) -> bool {
        use Cell::*;
        match (self, other) {
            (Bool(a), Bool(b)) => a == b,
            (I8(a), I8(b)) => a == b,
            (I16(a), I16(b)) => a == b,
            (I32(a), I32(b)) => a == b,
            (I64(a), I64(b)) | (Date(a), Date(b)) => a == b,
            (Timestamp(a), Timestamp(b)) | (Timestamptz(a), Timestamptz(b)) => a == b,
            (F32(a), F32(b)) => a == b,
            (F64(a), F64(b)) | (Numeric(a), Numeric(b)) => a == b,
            (String(a), String(b)) | (Json(a), Json(b)) => a == b,
            (Uuid(a), Uuid(b)) | (Other(a), Other(b)) => a == b,
            _ => false,
        }
    }
}

/// A scalar value from a qual (WHERE clause) as the host hands it over.
#[derive(Debug, Clone, PartialEq)]
pub enum QualValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// Microseconds since the Unix epoch.
    Timestamp(i64),
    /// Seconds since the Unix epoch.
    Date(i64),
    /// Anything we do not push down (uuid, json…); kept so the qual is simply not used.
    Other,
    /// A parameter whose value the host did not hand over: for `col = (select …)` it passes
    /// a placeholder at `begin_scan` (see [`param_value_is_real`]). Never pushed down.
    Unresolved,
}

/// Whether `values`, handed over for a parameter of Postgres type `oid`, are really of that
/// type. For a subquery's result (an initplan parameter) and a join's value at the start
/// of the scan, the Wrappers host reads the parameter before it is set: text arrives as
/// `I64(0)`, other types as their zero (false, 0, 2000-01-01), measured in Wrappers 0.6.2
/// (`created_at < (select now())` returned no row). Pushing that down would ask Clerk for
/// the wrong rows, so a zero is never trusted: the qual is left to Postgres, which is right
/// whatever the real value. Unknown types count as not real too.
pub fn param_value_is_real(oid: u32, values: &[QualValue], is_array: bool) -> bool {
    // Array types map to their element type.
    let oid = match (is_array, oid) {
        (false, o) => o,
        (true, 1000) => 16,
        (true, 1005 | 1007 | 1016) => 20,
        (true, 1021 | 1022 | 1231) => 701,
        (true, 1009 | 1015) => 25,
        (true, 1182) => 1082,
        (true, 1115 | 1185) => 1184,
        (true, _) => 0,
    };
    // Postgres' epoch, 2000-01-01, in the host's units.
    const PG_EPOCH_SECS: i64 = 946_684_800;
    let fits = |v: &QualValue| match v {
        QualValue::Bool(b) => oid == 16 && *b,
        QualValue::Int(i) => matches!(oid, 20 | 21 | 23) && *i != 0,
        QualValue::Float(f) => matches!(oid, 700 | 701 | 1700) && *f != 0.0,
        QualValue::Text(_) => matches!(oid, 25 | 1043 | 1042 | 19),
        QualValue::Date(s) => oid == 1082 && *s != PG_EPOCH_SECS,
        QualValue::Timestamp(us) => matches!(oid, 1114 | 1184) && *us != PG_EPOCH_SECS * 1_000_000,
        QualValue::Other | QualValue::Unresolved => false,
    };
    !values.is_empty() && values.iter().all(fits)
}

impl QualValue {
    /// The value as a string suitable for an id/email/etc. filter.
    pub fn as_text(&self) -> Option<String> {
        match self {
            QualValue::Text(s) => Some(s.clone()),
            QualValue::Int(i) => Some(crate::text::int(*i)),
            _ => None,
        }
    }
}

/// A WHERE clause the host extracted: `field op value` or `field = ANY(values)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Qual {
    pub field: String,
    pub op: String,
    pub values: Vec<QualValue>,
    /// `IN (…)` / `= ANY(…)`: any of `values` matches.
    pub is_list: bool,
}

impl Qual {
    /// Values of `field = x` or `field IN (…)`, de-duplicated in order; None for other shapes.
    pub fn eq_values(&self) -> Option<Vec<String>> {
        if self.op != "=" || (!self.is_list && self.values.len() != 1) {
            return None;
        }
        let mut out: Vec<String> = Vec::with_capacity(self.values.len());
        for v in &self.values {
            let s = v.as_text()?;
            if !out.contains(&s) {
                out.push(s);
            }
        }
        Some(out)
    }
}

/// The query's LIMIT/OFFSET, only ever used to size the first page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub count: i64,
    pub offset: i64,
}

/// A query column: its name and declared type.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryColumn {
    pub name: String,
    pub ty: PgType,
}

/// An HTTP method the host can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// What an HTTP request returned.
#[derive(Debug, Clone, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The side effects the scan and write engines need from the host. The WIT adapter
/// implements it with host imports; unit tests implement it with a scripted fake.
///
/// Every method is called from `begin_scan`, `iter_scan`, `re_scan` or a row's write only,
/// never from `end_scan`/`end_modify`: the stats calls run SQL, which Postgres refuses at
/// executor end.
pub trait Host {
    /// `body` is empty for GET and DELETE.
    fn request(
        &mut self,
        method: Method,
        url: &str,
        headers: &[(String, String)],
        body: &str,
    ) -> Result<HttpResponse, String>;
    fn sleep_ms(&mut self, ms: u64);
    /// The host's clock, Unix seconds.
    fn now_secs(&mut self) -> i64;
    /// When the statement's budget for waiting on Clerk ends (Unix seconds, on the clock of
    /// `now_secs`); None: no budget.
    fn deadline(&self) -> Option<i64>;
    /// Only called when the server option `debug` is on.
    fn debug(&mut self, msg: &str);
    /// A message the user should see (a Postgres NOTICE).
    fn notice(&mut self, msg: &str);
    /// Called once per page received (each host stats call is a database write).
    fn page_received(&mut self, rows: i64, bytes: i64);
    /// Rows handed to Postgres since the last call: once per page, when its last row goes out.
    fn rows_returned(&mut self, rows: i64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_is_told_apart_from_a_real_parameter_value() {
        use QualValue::*;
        let text = || Text("user_1".into());
        // The host's placeholder for `col = (select …)`: I64(0) whatever the type.
        assert!(!param_value_is_real(25, &[Int(0)], false));
        assert!(!param_value_is_real(1184, &[Int(0)], false));
        assert!(!param_value_is_real(16, &[Int(0)], false));
        assert!(!param_value_is_real(1009, &[Int(0)], false));
        // The same unset parameter of other types: their zero.
        assert!(!param_value_is_real(
            1184,
            &[Timestamp(946_684_800_000_000)],
            false
        ));
        assert!(!param_value_is_real(
            1114,
            &[Timestamp(946_684_800_000_000)],
            false
        ));
        assert!(!param_value_is_real(1082, &[Date(946_684_800)], false));
        assert!(!param_value_is_real(16, &[Bool(false)], false));
        assert!(!param_value_is_real(20, &[Int(0)], false));
        assert!(!param_value_is_real(701, &[Float(0.0)], false));
        // Real values of prepared statements ($1) and of a join's re-scan.
        assert!(param_value_is_real(25, &[text()], false));
        assert!(param_value_is_real(1043, &[text()], false));
        assert!(param_value_is_real(1184, &[Timestamp(5)], false));
        assert!(param_value_is_real(16, &[Bool(true)], false));
        assert!(param_value_is_real(20, &[Int(7)], false));
        assert!(param_value_is_real(1009, &[text(), text()], true));
        assert!(!param_value_is_real(1009, &[text(), Int(0)], true));
        // Unknown types and empty lists are left to Postgres.
        assert!(!param_value_is_real(2950, &[text()], false));
        assert!(!param_value_is_real(1009, &[], true));
    }
}
