//! Native stand-in for the Supabase Wrappers `wasm_fdw` host (wasm host version 0.1.5),
//! built on wasmtime 36 with the component model.
//!
//! It loads the clerk-fdw component, links the `supabase:wrappers@0.2.0` imports to the
//! emulation below and drives the exported `routines` the way the real host does:
//!
//! * a fresh `Store` + instance per query, then `host-version-requirement` (checked against
//!   "0.1.5") and `init` with only the *server* options visible (the real host sets the table
//!   options, columns, quals, sorts and limit in `begin_scan`);
//! * `begin_scan` adds `wrappers.fserver_oid` / `wrappers.ftable_oid` to the table options;
//! * a fresh row per `iter_scan`, and the "target column number not match" check afterwards;
//! * the real host's panics (bad header names/values, cells that fail conversion, `todo!()`
//!   and `unimplemented!()` paths, out-of-range indexes) become traps whose error message
//!   starts with `host panic:`, so tests catch them instead of crashing.
//!
//! Deliberate differences from the real host:
//!
//! * the component is compiled once per [`Host`] (the real host builds a new `Engine` and
//!   compiles the component for every query); instantiation is still per query;
//! * no reqwest-retry middleware: the real host retries 5xx/408/429 and connect errors up to
//!   3 times (ignoring `Retry-After`) before the guest sees the response. Here every guest
//!   call is exactly one request, so request counts in tests are exact;
//! * `time.sleep` is recorded and only really sleeps `min(ms, 5)` ms;
//! * `jwt.encode` and `time.parse-from-str` are not supported; `utils.query-setting`
//!   always returns `none`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, Context as _};
use wasmtime::component::{Component, HasSelf, Linker, Resource, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store};

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/wrappers",
        world: "wrappers",
        // Host functions return `wasmtime::Result<_>` so that the real host's panics can be
        // turned into traps.
        imports: { default: trappable },
        additional_derives: [PartialEq],
        with: {
            "supabase:wrappers/types/row": super::RowRes,
            "supabase:wrappers/types/column": super::ColumnRes,
            "supabase:wrappers/types/qual": super::QualRes,
            "supabase:wrappers/types/sort": super::SortRes,
            "supabase:wrappers/types/limit": super::LimitRes,
            "supabase:wrappers/types/options": super::OptionsRes,
            "supabase:wrappers/types/context": super::ContextRes,
        },
    });
}

use bindings::supabase::wrappers::{http, jwt, stats, time, types, utils};
use bindings::Wrappers;

pub use bindings::supabase::wrappers::types::Cell;
pub use bindings::supabase::wrappers::types::ImportSchemaType as ImportListType;
pub use bindings::supabase::wrappers::types::TypeOid;

/// The version the real wasm host reports (`#[wrappers_fdw(version = "0.1.5")]`).
pub const HOST_VERSION: &str = "0.1.5";

/// Postgres epoch (2000-01-01) in microseconds since the Unix epoch.
const PG_EPOCH_US: i64 = 946_684_800_000_000;
/// Postgres `MIN_TIMESTAMP` (4714-11-24 00:00:00 BC), µs since the Postgres epoch.
const PG_MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
/// Postgres `END_TIMESTAMP` (294277-01-01 00:00:00), µs since the Postgres epoch (exclusive).
const PG_END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

// ---------------------------------------------------------------------------------------------
// Resource representations (stored in the store's ResourceTable)
// ---------------------------------------------------------------------------------------------

/// `row` resource: the cells pushed so far and the names of their columns.
#[derive(Debug, Default)]
pub struct RowRes {
    cols: Vec<String>,
    cells: Vec<Option<Cell>>,
}

/// `column` resource: an index into the current scan's columns (like the real host).
#[derive(Debug)]
pub struct ColumnRes {
    index: u32,
}

/// `qual` resource: an index into the current scan's quals.
#[derive(Debug)]
pub struct QualRes {
    index: u32,
}

/// `sort` resource: an index into the current scan's sorts.
#[derive(Debug)]
pub struct SortRes {
    index: u32,
}

/// `limit` resource: reads the current scan's limit.
#[derive(Debug)]
pub struct LimitRes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptsKind {
    Server,
    Table,
    ImportSchema,
}

/// `options` resource: reads the current server/table/import options.
#[derive(Debug)]
pub struct OptionsRes {
    kind: OptsKind,
}

/// `context` resource.
#[derive(Debug)]
pub struct ContextRes;

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
}

#[derive(Clone, Debug)]
pub struct QualSpec {
    pub field: String,
    pub operator: String,
    pub value: QualValue,
    /// Parameter id (`$n` / correlated param); `None` for constants.
    pub param: Option<u32>,
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
        }
    }

    /// `field <op> value` with the Postgres operator name (`=`, `<>`, `~~`, `>=`, …).
    pub fn op(field: &str, op: &str, value: Cell) -> Self {
        QualSpec {
            field: field.to_string(),
            operator: op.to_string(),
            value: QualValue::Cell(value),
            param: None,
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

    fn use_or(&self) -> bool {
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
// Store state
// ---------------------------------------------------------------------------------------------

/// Records the peak linear-memory size the guest asked for.
#[derive(Default)]
struct MemTracker {
    peak: usize,
}

impl ResourceLimiter for MemTracker {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> anyhow::Result<bool> {
        self.peak = self.peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> anyhow::Result<bool> {
        Ok(true)
    }
}

/// The data of one query's `Store`.
pub struct HostState {
    table: ResourceTable,
    svr_opts: HashMap<String, String>,
    tbl_opts: HashMap<String, String>,
    import_opts: HashMap<String, String>,
    columns: Vec<(String, TypeOid)>,
    quals: Vec<QualSpec>,
    sorts: Vec<SortSpec>,
    limit: Option<(i64, i64)>,
    vault: HashMap<String, String>,
    logs: Vec<(String, String)>,
    sleeps: Vec<u64>,
    stats: StatsSnapshot,
    metadata: HashMap<String, serde_json::Value>,
    http_calls: Vec<HttpCall>,
    /// Set when a host function "panics" or raises an ERROR; becomes the call's error text.
    pending_error: Option<String>,
    limiter: MemTracker,
}

impl HostState {
    fn new(server_options: HashMap<String, String>, vault: HashMap<String, String>) -> Self {
        HostState {
            table: ResourceTable::new(),
            svr_opts: server_options,
            tbl_opts: HashMap::new(),
            import_opts: HashMap::new(),
            columns: Vec::new(),
            quals: Vec::new(),
            sorts: Vec::new(),
            limit: None,
            vault,
            logs: Vec::new(),
            sleeps: Vec::new(),
            stats: StatsSnapshot::default(),
            metadata: HashMap::new(),
            http_calls: Vec::new(),
            pending_error: None,
            limiter: MemTracker::default(),
        }
    }

    /// Emulates a panic in the real host: a trap whose message starts with "host panic:".
    fn panic(&mut self, msg: impl std::fmt::Display) -> anyhow::Error {
        let msg = format!("host panic: {msg}");
        if self.pending_error.is_none() {
            self.pending_error = Some(msg.clone());
        }
        anyhow!(msg)
    }

    fn table_err(&mut self, e: wasmtime::component::ResourceTableError) -> anyhow::Error {
        self.panic(format!("resource table: {e}"))
    }

    fn column(&mut self, index: u32) -> wasmtime::Result<(String, TypeOid)> {
        match self.columns.get(index as usize) {
            Some(c) => Ok(c.clone()),
            None => Err(self.panic(format!(
                "index out of bounds: the len is {} but the index is {index}",
                self.columns.len()
            ))),
        }
    }

    fn qual(&mut self, index: u32) -> wasmtime::Result<QualSpec> {
        match self.quals.get(index as usize) {
            Some(q) => Ok(q.clone()),
            None => Err(self.panic(format!(
                "index out of bounds: the len is {} but the index is {index}",
                self.quals.len()
            ))),
        }
    }

    fn sort(&mut self, index: u32) -> wasmtime::Result<SortSpec> {
        match self.sorts.get(index as usize) {
            Some(s) => Ok(s.clone()),
            None => Err(self.panic(format!(
                "index out of bounds: the len is {} but the index is {index}",
                self.sorts.len()
            ))),
        }
    }

    fn limit_or_panic(&mut self) -> wasmtime::Result<(i64, i64)> {
        match self.limit {
            Some(l) => Ok(l),
            None => Err(self.panic("called `Option::unwrap()` on a `None` value (no limit)")),
        }
    }

    fn options_for(
        &mut self,
        rep: &Resource<OptionsRes>,
    ) -> wasmtime::Result<&HashMap<String, String>> {
        let kind = match self.table.get(rep) {
            Ok(o) => o.kind,
            Err(e) => return Err(self.table_err(e)),
        };
        Ok(match kind {
            OptsKind::Server => &self.svr_opts,
            OptsKind::Table => &self.tbl_opts,
            OptsKind::ImportSchema => &self.import_opts,
        })
    }

    fn http_request(&mut self, req: http::Request) -> wasmtime::Result<http::HttpResult> {
        // The real host builds a reqwest HeaderMap with
        // `HeaderName::from_lowercase(..).unwrap()` / `HeaderValue::from_str(..).unwrap()`:
        // an invalid name or value panics the Postgres backend.
        for (name, value) in &req.headers {
            if !valid_lowercase_header_name(name) {
                return Err(self.panic(format!(
                    "called `Result::unwrap()` on an `Err` value: InvalidHeaderName \
                     (header name {name:?} is not a valid lowercase HTTP header name)"
                )));
            }
            if !valid_header_value(value) {
                return Err(self.panic(format!(
                    "called `Result::unwrap()` on an `Err` value: InvalidHeaderValue \
                     (value of header {name:?} contains a forbidden character)"
                )));
            }
        }
        // `HeaderMap::insert` keeps the last value for a repeated name.
        let mut deduped: Vec<(String, String)> = Vec::with_capacity(req.headers.len());
        for (name, value) in &req.headers {
            if let Some(slot) = deduped.iter_mut().find(|(n, _)| n == name) {
                slot.1 = value.clone();
            } else {
                deduped.push((name.clone(), value.clone()));
            }
        }
        let method = match req.method {
            http::Method::Get => "GET",
            http::Method::Post => "POST",
            http::Method::Put => "PUT",
            http::Method::Patch => "PATCH",
            http::Method::Delete => "DELETE",
        };
        // NOTE: the real host wraps this in reqwest-retry (3 retries on 5xx/408/429/connect
        // errors, exponential backoff, `Retry-After` ignored). Not emulated on purpose: one
        // guest call = one request, so counts are exact.
        let result = crate::http::request(method, &req.url, &deduped, &req.body);
        let mut call = HttpCall {
            method: method.to_string(),
            url: req.url.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
            status: None,
            response_bytes: 0,
            error: None,
        };
        self.stats.http_requests += 1;
        let ret = match result {
            Ok(resp) => {
                call.status = Some(resp.status);
                call.response_bytes = resp.body.len();
                self.stats.http_response_bytes += resp.body.len() as u64;
                Ok(http::Response {
                    url: req.url,
                    status_code: resp.status,
                    headers: resp.headers,
                    body: resp.body,
                })
            }
            Err(e) => {
                call.error = Some(e.clone());
                Err(e)
            }
        };
        self.http_calls.push(call);
        Ok(ret)
    }
}

// ---------------------------------------------------------------------------------------------
// Host interface implementations
// ---------------------------------------------------------------------------------------------

impl http::Host for HostState {
    fn get(&mut self, req: http::Request) -> wasmtime::Result<http::HttpResult> {
        self.http_request(req)
    }

    fn post(&mut self, req: http::Request) -> wasmtime::Result<http::HttpResult> {
        self.http_request(req)
    }

    fn put(&mut self, req: http::Request) -> wasmtime::Result<http::HttpResult> {
        self.http_request(req)
    }

    fn patch(&mut self, req: http::Request) -> wasmtime::Result<http::HttpResult> {
        self.http_request(req)
    }

    fn delete(&mut self, req: http::Request) -> wasmtime::Result<http::HttpResult> {
        self.http_request(req)
    }

    fn error_for_status(
        &mut self,
        resp: http::Response,
    ) -> wasmtime::Result<Result<(), http::HttpError>> {
        Ok(error_for_status(resp.status_code, &resp.url))
    }
}

/// Same rule and wording as the real host (`StatusCode` displays as "404 Not Found").
fn error_for_status(status: u16, url: &str) -> Result<(), String> {
    if !(100..=999).contains(&status) {
        return Err("invalid status code".to_string());
    }
    if (400..600).contains(&status) {
        let reason = canonical_reason(status).unwrap_or("<unknown status code>");
        Err(format!(
            "HTTP status error ({status} {reason}) for url ({url})"
        ))
    } else {
        Ok(())
    }
}

/// The standard reason phrase of an HTTP status (also used by the mock server).
pub(crate) fn canonical_reason(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// `http::HeaderName::from_lowercase` rules: a non-empty token of lowercase characters.
fn valid_lowercase_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 1 << 16
        && name.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// `http::HeaderValue::from_str` rules: visible ASCII, space, tab, or bytes >= 0x80.
fn valid_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| (b >= 0x20 && b != 0x7f) || b == b'\t')
}

impl jwt::Host for HostState {
    fn encode(
        &mut self,
        _payload: Vec<(String, String)>,
        _algo: String,
        _key: String,
        _ttl_hours: u32,
    ) -> wasmtime::Result<jwt::JwtResult> {
        Ok(Err("jwt not supported in test host".to_string()))
    }
}

impl stats::Host for HostState {
    fn inc_stats(
        &mut self,
        _fdw_name: String,
        metric: stats::Metric,
        inc: i64,
    ) -> wasmtime::Result<()> {
        let s = &mut self.stats;
        s.calls += 1;
        let slot = match metric {
            stats::Metric::CreateTimes => &mut s.create_times,
            stats::Metric::RowsIn => &mut s.rows_in,
            stats::Metric::RowsOut => &mut s.rows_out,
            stats::Metric::BytesIn => &mut s.bytes_in,
            stats::Metric::BytesOut => &mut s.bytes_out,
        };
        *slot = slot.saturating_add(inc);
        Ok(())
    }

    fn get_metadata(&mut self, fdw_name: String) -> wasmtime::Result<stats::Metadata> {
        Ok(self.metadata.get(&fdw_name).map(|v| v.to_string()))
    }

    fn set_metadata(
        &mut self,
        fdw_name: String,
        metadata: stats::Metadata,
    ) -> wasmtime::Result<()> {
        // Real host: `serde_json::from_str(&m).unwrap_or_default()` → invalid JSON becomes null.
        match metadata {
            Some(m) => {
                let v = serde_json::from_str(&m).unwrap_or_default();
                self.metadata.insert(fdw_name, v);
            }
            None => {
                self.metadata.remove(&fdw_name);
            }
        }
        Ok(())
    }
}

impl time::Host for HostState {
    fn epoch_secs(&mut self) -> wasmtime::Result<i64> {
        Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0))
    }

    fn parse_from_rfc3339(&mut self, s: String) -> wasmtime::Result<time::TimeResult> {
        Ok(parse_rfc3339_micros(&s))
    }

    fn parse_from_str(&mut self, _s: String, _fmt: String) -> wasmtime::Result<time::TimeResult> {
        Ok(Err("unsupported in test host".to_string()))
    }

    fn epoch_ms_to_rfc3339(&mut self, micros: i64) -> wasmtime::Result<Result<String, String>> {
        // Despite the name, the real host takes microseconds.
        Ok(micros_to_rfc3339(micros)
            .ok_or_else(|| "invalid microseconds since Unix Epoch".to_string()))
    }

    fn sleep(&mut self, millis: u64) -> wasmtime::Result<()> {
        self.sleeps.push(millis);
        std::thread::sleep(Duration::from_millis(millis.min(5)));
        Ok(())
    }
}

impl utils::Host for HostState {
    fn report_info(&mut self, msg: String) -> wasmtime::Result<()> {
        self.logs.push(("info".to_string(), msg));
        Ok(())
    }

    fn report_notice(&mut self, msg: String) -> wasmtime::Result<()> {
        self.logs.push(("notice".to_string(), msg));
        Ok(())
    }

    fn report_warning(&mut self, msg: String) -> wasmtime::Result<()> {
        self.logs.push(("warning".to_string(), msg));
        Ok(())
    }

    fn report_error(&mut self, msg: String) -> wasmtime::Result<()> {
        // The real host raises a Postgres ERROR from inside the call: the statement aborts.
        self.logs.push(("error".to_string(), msg.clone()));
        if self.pending_error.is_none() {
            self.pending_error = Some(msg.clone());
        }
        Err(anyhow!("report_error: {msg}"))
    }

    fn cell_to_string(&mut self, cell: Option<Cell>) -> wasmtime::Result<String> {
        match cell {
            None => Ok("null".to_string()),
            Some(c) => {
                if let Err(e) = validate_cell(&c) {
                    return Err(self.panic(format!("convert cell failed: {e}")));
                }
                Ok(render_cell(&c))
            }
        }
    }

    fn get_vault_secret(&mut self, secret_id: String) -> wasmtime::Result<Option<String>> {
        Ok(self.vault.get(&secret_id).cloned())
    }

    fn get_vault_secret_by_name(
        &mut self,
        secret_name: String,
    ) -> wasmtime::Result<Option<String>> {
        Ok(self.vault.get(&secret_name).cloned())
    }

    fn query_setting(&mut self, _name: String) -> wasmtime::Result<Option<String>> {
        Ok(None)
    }
}

impl types::Host for HostState {}

impl types::HostRow for HostState {
    fn new(&mut self) -> wasmtime::Result<Resource<RowRes>> {
        let r = self.table.push(RowRes::default());
        r.map_err(|e| self.table_err(e))
    }

    fn cols(&mut self, self_: Resource<RowRes>) -> wasmtime::Result<Vec<String>> {
        match self.table.get(&self_) {
            Ok(r) => Ok(r.cols.clone()),
            Err(e) => Err(self.table_err(e)),
        }
    }

    fn cells(&mut self, self_: Resource<RowRes>) -> wasmtime::Result<Vec<Option<Cell>>> {
        match self.table.get(&self_) {
            Ok(r) => Ok(r.cells.clone()),
            Err(e) => Err(self.table_err(e)),
        }
    }

    fn push(&mut self, self_: Resource<RowRes>, cell: Option<Cell>) -> wasmtime::Result<()> {
        // Real host: `Cell::try_from(c).expect("convert cell failed")`, then `columns[idx]`.
        if let Some(c) = &cell {
            if let Err(e) = validate_cell(c) {
                return Err(self.panic(format!("convert cell failed: {e}")));
            }
        }
        let idx = match self.table.get(&self_) {
            Ok(r) => r.cells.len(),
            Err(e) => return Err(self.table_err(e)),
        };
        let Some((name, _)) = self.columns.get(idx).cloned() else {
            return Err(self.panic(format!(
                "index out of bounds: the len is {} but the index is {idx} \
                 (pushed more cells than get-columns() returned)",
                self.columns.len()
            )));
        };
        match self.table.get_mut(&self_) {
            Ok(r) => {
                r.cols.push(name);
                r.cells.push(cell);
                Ok(())
            }
            Err(e) => Err(self.table_err(e)),
        }
    }

    fn drop(&mut self, rep: Resource<RowRes>) -> wasmtime::Result<()> {
        self.table
            .delete(rep)
            .map(|_| ())
            .map_err(|e| self.table_err(e))
    }
}

impl types::HostColumn for HostState {
    fn new(&mut self, index: u32) -> wasmtime::Result<Resource<ColumnRes>> {
        let r = self.table.push(ColumnRes { index });
        r.map_err(|e| self.table_err(e))
    }

    fn name(&mut self, self_: Resource<ColumnRes>) -> wasmtime::Result<String> {
        let index = get_index(self, &self_, |c: &ColumnRes| c.index)?;
        Ok(self.column(index)?.0)
    }

    fn num(&mut self, self_: Resource<ColumnRes>) -> wasmtime::Result<u32> {
        let index = get_index(self, &self_, |c: &ColumnRes| c.index)?;
        self.column(index)?;
        Ok(index + 1)
    }

    fn type_oid(&mut self, self_: Resource<ColumnRes>) -> wasmtime::Result<TypeOid> {
        let index = get_index(self, &self_, |c: &ColumnRes| c.index)?;
        match self.column(index)?.1 {
            // The real host maps only the supported Postgres types and hits
            // `unimplemented!("column type oid not supported")` for anything else
            // (varchar, json, text[], bytea, interval, …).
            TypeOid::Other(pg_type) => Err(self.panic(format!(
                "not implemented: column type oid not supported (column type {pg_type})"
            ))),
            t => Ok(t),
        }
    }

    fn drop(&mut self, rep: Resource<ColumnRes>) -> wasmtime::Result<()> {
        self.table
            .delete(rep)
            .map(|_| ())
            .map_err(|e| self.table_err(e))
    }
}

impl types::HostQual for HostState {
    fn new(&mut self, index: u32) -> wasmtime::Result<Resource<QualRes>> {
        let r = self.table.push(QualRes { index });
        r.map_err(|e| self.table_err(e))
    }

    fn field(&mut self, self_: Resource<QualRes>) -> wasmtime::Result<String> {
        let index = get_index(self, &self_, |q: &QualRes| q.index)?;
        Ok(self.qual(index)?.field)
    }

    fn operator(&mut self, self_: Resource<QualRes>) -> wasmtime::Result<String> {
        let index = get_index(self, &self_, |q: &QualRes| q.index)?;
        Ok(self.qual(index)?.operator)
    }

    fn value(&mut self, self_: Resource<QualRes>) -> wasmtime::Result<types::Value> {
        let index = get_index(self, &self_, |q: &QualRes| q.index)?;
        Ok(match self.qual(index)?.value {
            QualValue::Cell(c) => types::Value::Cell(c),
            QualValue::Array(a) => types::Value::Array(a),
        })
    }

    fn use_or(&mut self, self_: Resource<QualRes>) -> wasmtime::Result<bool> {
        let index = get_index(self, &self_, |q: &QualRes| q.index)?;
        Ok(self.qual(index)?.use_or())
    }

    fn param(&mut self, self_: Resource<QualRes>) -> wasmtime::Result<Option<types::Param>> {
        let index = get_index(self, &self_, |q: &QualRes| q.index)?;
        let q = self.qual(index)?;
        Ok(q.param.map(|id| {
            let sample = match &q.value {
                QualValue::Cell(c) => Some(c),
                QualValue::Array(a) => a.first(),
            };
            types::Param {
                id,
                type_oid: sample.map(pg_type_oid).unwrap_or(0),
            }
        }))
    }

    fn deparse(&mut self, self_: Resource<QualRes>) -> wasmtime::Result<String> {
        let index = get_index(self, &self_, |q: &QualRes| q.index)?;
        let q = self.qual(index)?;
        Ok(deparse_qual(&q))
    }

    fn drop(&mut self, rep: Resource<QualRes>) -> wasmtime::Result<()> {
        self.table
            .delete(rep)
            .map(|_| ())
            .map_err(|e| self.table_err(e))
    }
}

impl types::HostSort for HostState {
    fn new(&mut self, index: u32) -> wasmtime::Result<Resource<SortRes>> {
        let r = self.table.push(SortRes { index });
        r.map_err(|e| self.table_err(e))
    }

    fn field(&mut self, self_: Resource<SortRes>) -> wasmtime::Result<String> {
        let index = get_index(self, &self_, |s: &SortRes| s.index)?;
        Ok(self.sort(index)?.field)
    }

    fn field_no(&mut self, self_: Resource<SortRes>) -> wasmtime::Result<u32> {
        let index = get_index(self, &self_, |s: &SortRes| s.index)?;
        let s = self.sort(index)?;
        if s.field_no != 0 {
            return Ok(s.field_no);
        }
        Ok(self
            .columns
            .iter()
            .position(|(n, _)| *n == s.field)
            .map(|p| p as u32 + 1)
            .unwrap_or(0))
    }

    fn reversed(&mut self, self_: Resource<SortRes>) -> wasmtime::Result<bool> {
        let index = get_index(self, &self_, |s: &SortRes| s.index)?;
        Ok(self.sort(index)?.reversed)
    }

    fn nulls_first(&mut self, self_: Resource<SortRes>) -> wasmtime::Result<bool> {
        let index = get_index(self, &self_, |s: &SortRes| s.index)?;
        Ok(self.sort(index)?.nulls_first)
    }

    fn collate(&mut self, self_: Resource<SortRes>) -> wasmtime::Result<Option<String>> {
        let index = get_index(self, &self_, |s: &SortRes| s.index)?;
        Ok(self.sort(index)?.collate)
    }

    fn deparse(&mut self, self_: Resource<SortRes>) -> wasmtime::Result<String> {
        let index = get_index(self, &self_, |s: &SortRes| s.index)?;
        Ok(deparse_sort(&self.sort(index)?))
    }

    fn deparse_with_collate(&mut self, self_: Resource<SortRes>) -> wasmtime::Result<String> {
        let index = get_index(self, &self_, |s: &SortRes| s.index)?;
        let s = self.sort(index)?;
        let mut out = deparse_sort(&s);
        if let Some(c) = &s.collate {
            let _ = write!(out, " collate {c}");
        }
        Ok(out)
    }

    fn drop(&mut self, rep: Resource<SortRes>) -> wasmtime::Result<()> {
        self.table
            .delete(rep)
            .map(|_| ())
            .map_err(|e| self.table_err(e))
    }
}

impl types::HostLimit for HostState {
    fn new(&mut self) -> wasmtime::Result<Resource<LimitRes>> {
        let r = self.table.push(LimitRes);
        r.map_err(|e| self.table_err(e))
    }

    fn count(&mut self, _self_: Resource<LimitRes>) -> wasmtime::Result<i64> {
        Ok(self.limit_or_panic()?.0)
    }

    fn offset(&mut self, _self_: Resource<LimitRes>) -> wasmtime::Result<i64> {
        Ok(self.limit_or_panic()?.1)
    }

    fn deparse(&mut self, _self_: Resource<LimitRes>) -> wasmtime::Result<String> {
        let (count, offset) = self.limit_or_panic()?;
        Ok(format!("limit {count} offset {offset}"))
    }

    fn drop(&mut self, rep: Resource<LimitRes>) -> wasmtime::Result<()> {
        self.table
            .delete(rep)
            .map(|_| ())
            .map_err(|e| self.table_err(e))
    }
}

impl types::HostOptions for HostState {
    fn new(&mut self, options_type: types::OptionsType) -> wasmtime::Result<Resource<OptionsRes>> {
        let kind = match options_type {
            types::OptionsType::Server => OptsKind::Server,
            types::OptionsType::Table => OptsKind::Table,
            types::OptionsType::ImportSchema => OptsKind::ImportSchema,
            // Real host: `todo!()`.
            types::OptionsType::Other(t) => {
                return Err(self.panic(format!("not yet implemented: options type other({t})")))
            }
        };
        let r = self.table.push(OptionsRes { kind });
        r.map_err(|e| self.table_err(e))
    }

    fn get(
        &mut self,
        self_: Resource<OptionsRes>,
        key: String,
    ) -> wasmtime::Result<Option<String>> {
        Ok(self.options_for(&self_)?.get(&key).cloned())
    }

    fn require(
        &mut self,
        self_: Resource<OptionsRes>,
        key: String,
    ) -> wasmtime::Result<Result<String, types::FdwError>> {
        Ok(self
            .options_for(&self_)?
            .get(&key)
            .cloned()
            .ok_or_else(|| format!("option '{key}' is required")))
    }

    fn require_or(
        &mut self,
        self_: Resource<OptionsRes>,
        key: String,
        default: String,
    ) -> wasmtime::Result<String> {
        Ok(self
            .options_for(&self_)?
            .get(&key)
            .cloned()
            .unwrap_or(default))
    }

    fn drop(&mut self, rep: Resource<OptionsRes>) -> wasmtime::Result<()> {
        self.table
            .delete(rep)
            .map(|_| ())
            .map_err(|e| self.table_err(e))
    }
}

impl types::HostContext for HostState {
    fn new(&mut self) -> wasmtime::Result<Resource<ContextRes>> {
        let r = self.table.push(ContextRes);
        r.map_err(|e| self.table_err(e))
    }

    fn get_options(
        &mut self,
        _self_: Resource<ContextRes>,
        options_type: types::OptionsType,
    ) -> wasmtime::Result<Resource<OptionsRes>> {
        types::HostOptions::new(self, options_type)
    }

    fn get_quals(
        &mut self,
        _self_: Resource<ContextRes>,
    ) -> wasmtime::Result<Vec<Resource<QualRes>>> {
        (0..self.quals.len() as u32)
            .map(|i| types::HostQual::new(self, i))
            .collect()
    }

    fn get_columns(
        &mut self,
        _self_: Resource<ContextRes>,
    ) -> wasmtime::Result<Vec<Resource<ColumnRes>>> {
        (0..self.columns.len() as u32)
            .map(|i| types::HostColumn::new(self, i))
            .collect()
    }

    fn get_sorts(
        &mut self,
        _self_: Resource<ContextRes>,
    ) -> wasmtime::Result<Vec<Resource<SortRes>>> {
        (0..self.sorts.len() as u32)
            .map(|i| types::HostSort::new(self, i))
            .collect()
    }

    fn get_limit(
        &mut self,
        _self_: Resource<ContextRes>,
    ) -> wasmtime::Result<Option<Resource<LimitRes>>> {
        if self.limit.is_some() {
            types::HostLimit::new(self).map(Some)
        } else {
            Ok(None)
        }
    }

    fn drop(&mut self, rep: Resource<ContextRes>) -> wasmtime::Result<()> {
        // The host's own context is passed as a borrow and never dropped by the guest; only
        // contexts the guest constructed itself arrive here.
        if rep.owned() {
            self.table
                .delete(rep)
                .map(|_| ())
                .map_err(|e| self.table_err(e))
        } else {
            Ok(())
        }
    }
}

fn get_index<T: 'static>(
    state: &mut HostState,
    res: &Resource<T>,
    f: impl Fn(&T) -> u32,
) -> wasmtime::Result<u32> {
    match state.table.get(res) {
        Ok(v) => Ok(f(v)),
        Err(e) => Err(state.table_err(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Cell conversion / rendering helpers
// ---------------------------------------------------------------------------------------------

/// What the real host's guest-cell → Postgres conversion would reject.
fn validate_cell(cell: &Cell) -> Result<(), String> {
    match cell {
        Cell::Bool(_)
        | Cell::I8(_)
        | Cell::I16(_)
        | Cell::F32(_)
        | Cell::I32(_)
        | Cell::F64(_)
        | Cell::I64(_)
        | Cell::String(_) => Ok(()),
        Cell::Numeric(v) => {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!(
                    "numeric {v} cannot be converted to a Postgres numeric"
                ))
            }
        }
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
        Cell::Timestamp(us) | Cell::Timestamptz(us) => match us.checked_sub(PG_EPOCH_US) {
            Some(pg) if (PG_MIN_TIMESTAMP..PG_END_TIMESTAMP).contains(&pg) => Ok(()),
            _ => Err(format!(
                "timestamp {us} (microseconds since Unix epoch) is out of range"
            )),
        },
        Cell::Json(s) => serde_json::from_str::<serde_json::Value>(s)
            .map(|_| ())
            .map_err(|e| format!("invalid json {s:?}: {e}")),
        Cell::Uuid(s) => {
            if parse_uuid(s).is_some() {
                Ok(())
            } else {
                Err(format!("invalid uuid {s:?}"))
            }
        }
        Cell::Other(s) => Err(format!(
            "not yet implemented: Add more type support from guest cell to host cell (other({s:?}))"
        )),
    }
}

/// Accepts the forms `uuid::Uuid::try_parse` does: simple (32 hex), hyphenated, braced, urn.
fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let body = if let Some(rest) = s.strip_prefix("urn:uuid:") {
        rest
    } else if let Some(rest) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        rest
    } else {
        s
    };
    let hex: Vec<u8> = match body.len() {
        32 => body.bytes().collect(),
        36 => {
            let b = body.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            b.iter().copied().filter(|&c| c != b'-').collect()
        }
        _ => return None,
    };
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// The Postgres type OID a cell would carry (for `param().type-oid`).
fn pg_type_oid(cell: &Cell) -> u32 {
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

/// Roughly supabase-wrappers' `Display for Cell` (with `DateStyle = ISO`, `TimeZone = UTC`).
fn render_cell(cell: &Cell) -> String {
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
        Cell::Date(secs) => {
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            format!("'{}'", format_ymd(y, m, d))
        }
        Cell::Timestamp(us) => format!("'{}'", format_pg_timestamp(*us)),
        Cell::Timestamptz(us) => format!("'{}+00'", format_pg_timestamp(*us)),
        Cell::Json(v) => match serde_json::from_str::<serde_json::Value>(v) {
            Ok(j) => format!("'{j}'"),
            Err(_) => format!("'{v}'"),
        },
        Cell::Uuid(v) => format!("'{}'", v.to_ascii_lowercase()),
        Cell::Other(v) => format!("'{v}'"),
    }
}

fn deparse_qual(q: &QualSpec) -> String {
    match &q.value {
        QualValue::Array(cells) => cells
            .iter()
            .map(|c| format!("{} {} {}", q.field, q.operator, render_cell(c)))
            .collect::<Vec<_>>()
            .join(" or "),
        QualValue::Cell(cell) => match q.operator.as_str() {
            "is" | "is not" => match cell {
                Cell::String(s) if s == "null" => format!("{} {} null", q.field, q.operator),
                _ => format!("{} {} {}", q.field, q.operator, render_cell(cell)),
            },
            "~~" => format!("{} like {}", q.field, render_cell(cell)),
            "!~~" => format!("{} not like {}", q.field, render_cell(cell)),
            op => format!("{} {} {}", q.field, op, render_cell(cell)),
        },
    }
}

fn deparse_sort(s: &SortSpec) -> String {
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

// --- calendar arithmetic (proleptic Gregorian, days relative to 1970-01-01) ---

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

fn format_ymd(y: i64, m: u32, d: u32) -> String {
    if y >= 1 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        // Postgres shows year 0 as 1 BC, -1 as 2 BC, …
        format!("{:04}-{m:02}-{d:02} BC", 1 - y)
    }
}

fn split_micros(us: i64) -> (i64, i64, u32, u32, u32, u32) {
    let days = us.div_euclid(86_400_000_000);
    let rem = us.rem_euclid(86_400_000_000);
    let (y, mo, d) = civil_from_days(days);
    let secs = (rem / 1_000_000) as u32;
    let frac = (rem % 1_000_000) as u32;
    (
        y,
        mo as i64,
        d,
        secs / 3600,
        (secs / 60) % 60,
        secs % 60 * 1_000_000 + frac,
    )
}

fn format_pg_timestamp(us: i64) -> String {
    let (y, mo, d, h, mi, s_us) = split_micros(us);
    let (s, frac) = (s_us / 1_000_000, s_us % 1_000_000);
    let mut out = if y >= 1 {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    } else {
        format!("{:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}", 1 - y)
    };
    if frac != 0 {
        let f = format!("{frac:06}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    if y < 1 {
        out.push_str(" BC");
    }
    out
}

/// chrono's `DateTime::<Utc>::to_rfc3339()` layout: fraction of 0, 3 or 6 digits, "+00:00".
fn micros_to_rfc3339(us: i64) -> Option<String> {
    // chrono's supported range is roughly ±262 143 years.
    const LIMIT_US: i64 = 8_210_266_876_799_999_999;
    if !(-LIMIT_US..=LIMIT_US).contains(&us) {
        return None;
    }
    let (y, mo, d, h, mi, s_us) = split_micros(us);
    let (s, frac) = (s_us / 1_000_000, s_us % 1_000_000);
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y > 9999 {
        format!("+{y}")
    } else {
        format!("-{:04}", -y)
    };
    let frac = if frac == 0 {
        String::new()
    } else if frac % 1000 == 0 {
        format!(".{:03}", frac / 1000)
    } else {
        format!(".{frac:06}")
    };
    Some(format!(
        "{year}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}+00:00"
    ))
}

/// RFC 3339 → microseconds since the Unix epoch (like chrono's `parse_from_rfc3339` followed
/// by `timestamp_micros`).
fn parse_rfc3339_micros(s: &str) -> Result<i64, String> {
    fn num(b: &[u8], range: std::ops::Range<usize>) -> Result<i64, String> {
        let part = b.get(range).ok_or("premature end of input")?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err("input contains invalid characters".to_string());
        }
        Ok(part.iter().fold(0i64, |a, &c| a * 10 + (c - b'0') as i64))
    }
    let b = s.as_bytes();
    if b.len() < 20 {
        return Err("premature end of input".to_string());
    }
    let year = num(b, 0..4)?;
    let month = num(b, 5..7)?;
    let day = num(b, 8..10)?;
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return Err("input contains invalid characters".to_string());
    }
    let hour = num(b, 11..13)?;
    let minute = num(b, 14..16)?;
    let second = num(b, 17..19)?;
    if b[13] != b':' || b[16] != b':' {
        return Err("input contains invalid characters".to_string());
    }
    let mut i = 19;
    let mut frac_us = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err("input contains invalid characters".to_string());
        }
        let digits = &b[start..i];
        for k in 0..6 {
            frac_us = frac_us * 10 + digits.get(k).map(|c| (c - b'0') as i64).unwrap_or(0);
        }
    }
    let offset_secs = match b.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(b, i + 1..i + 3)?;
            let om = num(b, i + 4..i + 6)?;
            if oh > 23 || om > 59 {
                return Err("input is out of range".to_string());
            }
            let o = oh * 3600 + om * 60;
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
        None => return Err("premature end of input".to_string()),
        _ => return Err("input contains invalid characters".to_string()),
    };
    let leap = matches!(year % 4, 0) && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("input is out of range".to_string()),
    };
    // chrono accepts a leap second (60) and folds it into the next second's fraction.
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
        return Err("input is out of range".to_string());
    }
    let days = days_from_civil(year, month as u32, day as u32);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Ok(secs * 1_000_000 + frac_us)
}

// ---------------------------------------------------------------------------------------------
// Host and Query
// ---------------------------------------------------------------------------------------------

/// A compiled clerk-fdw component plus the linker with the emulated host imports.
pub struct Host {
    engine: Engine,
    component: Component,
    linker: Linker<HostState>,
    compile_time: Duration,
    wasm_path: PathBuf,
}

impl Host {
    /// Compile the component (the real host does `Engine::new` + `Component::from_file`).
    pub fn load(wasm_path: &Path) -> anyhow::Result<Host> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        let engine = Engine::new(&config)?;
        let start = Instant::now();
        let component = Component::from_file(&engine, wasm_path)
            .with_context(|| format!("loading component {}", wasm_path.display()))?;
        let compile_time = start.elapsed();
        let mut linker = Linker::new(&engine);
        Wrappers::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s)?;
        Ok(Host {
            engine,
            component,
            linker,
            compile_time,
            wasm_path: wasm_path.to_path_buf(),
        })
    }

    /// How long `Component::from_file` took.
    pub fn compile_time(&self) -> Duration {
        self.compile_time
    }

    /// `$CLERK_FDW_WASM`, or `<workspace>/target/wasm32-unknown-unknown/release/clerk_fdw.wasm`.
    pub fn default_wasm_path() -> PathBuf {
        if let Some(p) = std::env::var_os("CLERK_FDW_WASM") {
            if !p.is_empty() {
                return PathBuf::from(p);
            }
        }
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("target")
            .join("wasm32-unknown-unknown")
            .join("release")
            .join("clerk_fdw.wasm")
    }

    /// New store + instance (as the real host does per query), version check, guest `init`.
    pub fn new_query(&self, spec: QuerySpec) -> anyhow::Result<Query> {
        let mut server_options: HashMap<String, String> =
            spec.server_options.iter().cloned().collect();
        let defaults = [
            (
                "fdw_package_url",
                format!("file://{}", self.wasm_path.display()),
            ),
            ("fdw_package_name", "supabase:clerk-fdw".to_string()),
            ("fdw_package_version", env!("CARGO_PKG_VERSION").to_string()),
        ];
        for (k, v) in defaults {
            server_options.entry(k.to_string()).or_insert(v);
        }
        let vault = spec.vault.iter().cloned().collect();

        let mut store = Store::new(&self.engine, HostState::new(server_options, vault));
        store.limiter(|s| &mut s.limiter);
        let bindings = Wrappers::instantiate(&mut store, &self.component, &self.linker)
            .map_err(|e| anyhow!("wasmtime error: {e:#}"))?;
        let ctx_rep = store
            .data_mut()
            .table
            .push(ContextRes)
            .map_err(|e| anyhow!("resource table: {e}"))?
            .rep();

        let mut query = Query {
            store,
            bindings,
            ctx_rep,
            spec,
            poisoned: None,
        };

        let req = query
            .call(|b, s| b.call_host_version_requirement(s).map(Ok))
            .map_err(|e| anyhow!(e))?;
        let ver_req = semver::VersionReq::parse(&req)
            .map_err(|e| anyhow!("invalid host version requirement {req:?}: {e}"))?;
        let host_ver = semver::Version::parse(HOST_VERSION)?;
        if !ver_req.matches(&host_ver) {
            return Err(anyhow!(
                "host version {HOST_VERSION} not match requirement {req}"
            ));
        }

        let ctx = query.ctx();
        query
            .call(|b, s| b.call_init(s, ctx))
            .map_err(|e| anyhow!(e))?;
        Ok(query)
    }
}

type Routines = bindings::exports::supabase::wrappers::routines::Guest;

/// One query's instance, driven like the real host drives it.
pub struct Query {
    store: Store<HostState>,
    bindings: Wrappers,
    ctx_rep: u32,
    spec: QuerySpec,
    poisoned: Option<String>,
}

impl Query {
    fn ctx(&self) -> Resource<ContextRes> {
        Resource::new_borrow(self.ctx_rep)
    }

    /// Run one guest routine, mapping guest errors verbatim and traps to text.
    fn call<T>(
        &mut self,
        f: impl FnOnce(&Routines, &mut Store<HostState>) -> wasmtime::Result<Result<T, String>>,
    ) -> Result<T, String> {
        if let Some(prev) = &self.poisoned {
            return Err(format!(
                "wasmtime error: instance unusable after an earlier trap ({prev})"
            ));
        }
        self.store.data_mut().pending_error = None;
        let r = f(self.bindings.supabase_wrappers_routines(), &mut self.store);
        match r {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(guest_err)) => Err(guest_err),
            Err(e) => {
                let msg = match self.store.data_mut().pending_error.take() {
                    Some(m) => m,
                    None => format!("wasmtime error: {e:#}"),
                };
                self.poisoned = Some(msg.clone());
                Err(msg)
            }
        }
    }

    fn scan_table_options(&self) -> HashMap<String, String> {
        let mut opts: HashMap<String, String> = self.spec.table_options.iter().cloned().collect();
        opts.entry("wrappers.fserver_oid".to_string())
            .or_insert_with(|| "16400".to_string());
        opts.entry("wrappers.ftable_oid".to_string())
            .or_insert_with(|| "16401".to_string());
        opts
    }

    pub fn begin_scan(&mut self) -> Result<(), String> {
        let tbl_opts = self.scan_table_options();
        let st = self.store.data_mut();
        st.quals = self.spec.quals.clone();
        st.columns = self.spec.columns.clone();
        st.sorts = self.spec.sorts.clone();
        st.limit = self.spec.limit;
        st.tbl_opts = tbl_opts;
        let ctx = self.ctx();
        self.call(|b, s| b.call_begin_scan(s, ctx))
    }

    /// One `iter-scan` with a fresh row. `Ok(None)` = end of scan.
    pub fn iter_scan(&mut self) -> Result<Option<Vec<Option<Cell>>>, String> {
        let row = self
            .store
            .data_mut()
            .table
            .push(RowRes::default())
            .map_err(|e| format!("resource table: {e}"))?;
        let row_rep = row.rep();
        let ctx = self.ctx();
        let ret = self.call(|b, s| b.call_iter_scan(s, ctx, Resource::new_borrow(row_rep)));
        let row = self
            .store
            .data_mut()
            .table
            .delete(Resource::<RowRes>::new_own(row_rep))
            .map_err(|e| format!("resource table: {e}"))?;
        match ret? {
            None => Ok(None),
            Some(_) => {
                let ncols = self.store.data().columns.len();
                if row.cells.len() != ncols {
                    // Real host: ERROR (SQLSTATE HV008).
                    return Err("target column number not match".to_string());
                }
                Ok(Some(row.cells))
            }
        }
    }

    pub fn re_scan(&mut self) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(|b, s| b.call_re_scan(s, ctx))
    }

    pub fn end_scan(&mut self) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(|b, s| b.call_end_scan(s, ctx))
    }

    /// `begin_scan`, `iter_scan` until `None`, `end_scan`.
    pub fn scan_all(&mut self) -> Result<Vec<Vec<Option<Cell>>>, String> {
        self.begin_scan()?;
        let mut rows = Vec::new();
        while let Some(row) = self.iter_scan()? {
            rows.push(row);
        }
        self.end_scan()?;
        Ok(rows)
    }

    /// New quals for the next `begin_scan` (emulates a parameter change; call `end_scan` then
    /// `begin_scan` afterwards, as the host does).
    pub fn set_quals(&mut self, quals: Vec<QualSpec>) {
        self.spec.quals = quals;
    }

    /// New limit for the next `begin_scan`.
    pub fn set_limit(&mut self, l: Option<(i64, i64)>) {
        self.spec.limit = l;
    }

    /// New referenced columns for the next `begin_scan`.
    pub fn set_columns(&mut self, columns: Vec<(String, TypeOid)>) {
        self.spec.columns = columns;
    }

    /// New sorts for the next `begin_scan`.
    pub fn set_sorts(&mut self, sorts: Vec<SortSpec>) {
        self.spec.sorts = sorts;
    }

    /// New table options for the next `begin_scan` / `begin_modify`.
    pub fn set_table_options(&mut self, options: Vec<(String, String)>) {
        self.spec.table_options = options;
    }

    pub fn begin_modify(&mut self) -> Result<(), String> {
        let tbl_opts: HashMap<String, String> = self.spec.table_options.iter().cloned().collect();
        if !tbl_opts.contains_key("rowid_column") {
            // Checked by supabase-wrappers before the FDW is called.
            return Err("option 'rowid_column' is required".to_string());
        }
        // Like the real host, only the table options are (re)set here.
        self.store.data_mut().tbl_opts = tbl_opts;
        let ctx = self.ctx();
        self.call(|b, s| b.call_begin_modify(s, ctx))
    }

    fn push_row(&mut self, cells: Vec<Option<Cell>>) -> Result<u32, String> {
        let cols = cells
            .iter()
            .enumerate()
            .map(|(i, _)| {
                self.spec
                    .columns
                    .get(i)
                    .map(|(n, _)| n.clone())
                    .unwrap_or_else(|| format!("col{}", i + 1))
            })
            .collect();
        self.store
            .data_mut()
            .table
            .push(RowRes { cols, cells })
            .map(|r| r.rep())
            .map_err(|e| format!("resource table: {e}"))
    }

    fn drop_row(&mut self, rep: u32) {
        let _ = self
            .store
            .data_mut()
            .table
            .delete(Resource::<RowRes>::new_own(rep));
    }

    pub fn insert(&mut self, row: Vec<Option<Cell>>) -> Result<(), String> {
        let rep = self.push_row(row)?;
        let ctx = self.ctx();
        let r = self.call(|b, s| b.call_insert(s, ctx, Resource::new_borrow(rep)));
        self.drop_row(rep);
        r
    }

    pub fn update(&mut self, rowid: Cell, row: Vec<Option<Cell>>) -> Result<(), String> {
        let rep = self.push_row(row)?;
        let ctx = self.ctx();
        let r = self.call(|b, s| b.call_update(s, ctx, &rowid, Resource::new_borrow(rep)));
        self.drop_row(rep);
        r
    }

    pub fn delete(&mut self, rowid: Cell) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(|b, s| b.call_delete(s, ctx, &rowid))
    }

    pub fn end_modify(&mut self) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(|b, s| b.call_end_modify(s, ctx))
    }

    pub fn import_foreign_schema(
        &mut self,
        server_name: &str,
        remote_schema: &str,
        local_schema: &str,
        list_type: ImportListType,
        tables: Vec<String>,
    ) -> Result<Vec<String>, String> {
        self.store.data_mut().import_opts = self.spec.import_options.iter().cloned().collect();
        let stmt = types::ImportForeignSchemaStmt {
            server_name: server_name.to_string(),
            remote_schema: remote_schema.to_string(),
            local_schema: local_schema.to_string(),
            list_type,
            table_list: tables,
        };
        let ctx = self.ctx();
        self.call(|b, s| b.call_import_foreign_schema(s, ctx, &stmt))
    }

    /// `(level, message)` from report-info/notice/warning/error, in order.
    pub fn logs(&self) -> Vec<(String, String)> {
        self.store.data().logs.clone()
    }

    /// Every `time.sleep(ms)` the guest requested, in order.
    pub fn sleeps(&self) -> Vec<u64> {
        self.store.data().sleeps.clone()
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.store.data().stats.clone()
    }

    /// Every HTTP request the guest sent, in order.
    pub fn http_requests(&self) -> Vec<HttpCall> {
        self.store.data().http_calls.clone()
    }

    /// Metadata stored with `stats.set-metadata`, as the JSON text `get-metadata` returns.
    pub fn metadata(&self, fdw_name: &str) -> Option<String> {
        self.store
            .data()
            .metadata
            .get(fdw_name)
            .map(|v| v.to_string())
    }

    /// Peak linear memory the guest requested, in bytes.
    pub fn guest_memory_bytes(&self) -> u64 {
        self.store.data().limiter.peak as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rules() {
        assert!(valid_lowercase_header_name("authorization"));
        assert!(valid_lowercase_header_name("x-request-id"));
        assert!(!valid_lowercase_header_name("Authorization"));
        assert!(!valid_lowercase_header_name(""));
        assert!(!valid_lowercase_header_name("bad header"));
        assert!(valid_header_value("Bearer sk_test_123"));
        assert!(valid_header_value("a\tb"));
        assert!(!valid_header_value("secret\n"));
        assert!(!valid_header_value("a\rb"));
        assert!(!valid_header_value("a\u{7f}"));
    }

    #[test]
    fn status_errors() {
        assert_eq!(error_for_status(200, "http://x"), Ok(()));
        assert_eq!(error_for_status(302, "http://x"), Ok(()));
        assert_eq!(
            error_for_status(404, "http://x/users?a=1"),
            Err("HTTP status error (404 Not Found) for url (http://x/users?a=1)".to_string())
        );
        assert!(error_for_status(599, "u")
            .unwrap_err()
            .contains("(599 <unknown status code>)"));
        assert_eq!(error_for_status(600, "u"), Ok(()));
        assert!(error_for_status(42, "u").is_err());
    }

    #[test]
    fn cell_validation() {
        assert!(validate_cell(&Cell::Json("[1,2]".into())).is_ok());
        assert!(validate_cell(&Cell::Json("{bad".into())).is_err());
        assert!(validate_cell(&Cell::Uuid("67e55044-10b1-426f-9247-bb680e5fe0c8".into())).is_ok());
        assert!(validate_cell(&Cell::Uuid("67e5504410b1426f9247bb680e5fe0c8".into())).is_ok());
        assert!(
            validate_cell(&Cell::Uuid("{67e55044-10b1-426f-9247-bb680e5fe0c8}".into())).is_ok()
        );
        assert!(validate_cell(&Cell::Uuid("user_2abc".into())).is_err());
        assert!(validate_cell(&Cell::Numeric(f64::NAN)).is_err());
        assert!(validate_cell(&Cell::Numeric(1.5)).is_ok());
        assert!(validate_cell(&Cell::Timestamptz(1_700_000_000_000_000)).is_ok());
        assert!(validate_cell(&Cell::Timestamptz(-300_000_000_000_000_000)).is_err());
        assert!(validate_cell(&Cell::Timestamp(i64::MIN)).is_err());
        assert!(validate_cell(&Cell::Date(1_700_000_000)).is_ok());
        assert!(validate_cell(&Cell::Date(i64::MAX)).is_err());
        assert!(validate_cell(&Cell::Other("x".into())).is_err());
    }

    #[test]
    fn rfc3339_roundtrip() {
        assert_eq!(parse_rfc3339_micros("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_rfc3339_micros("2024-02-29T12:34:56.789Z"),
            Ok(1_709_210_096_789_000)
        );
        assert_eq!(
            parse_rfc3339_micros("2024-02-29T14:34:56.789+02:00"),
            Ok(1_709_210_096_789_000)
        );
        assert!(parse_rfc3339_micros("2023-02-29T00:00:00Z").is_err());
        assert!(parse_rfc3339_micros("2024-01-01").is_err());
        assert_eq!(
            micros_to_rfc3339(1_709_210_096_789_000).as_deref(),
            Some("2024-02-29T12:34:56.789+00:00")
        );
        assert_eq!(
            micros_to_rfc3339(0).as_deref(),
            Some("1970-01-01T00:00:00+00:00")
        );
        assert_eq!(
            micros_to_rfc3339(-1).as_deref(),
            Some("1969-12-31T23:59:59.999999+00:00")
        );
    }

    #[test]
    fn rendering_and_deparse() {
        assert_eq!(render_cell(&Cell::String("a".into())), "'a'");
        assert_eq!(render_cell(&Cell::Date(0)), "'1970-01-01'");
        assert_eq!(
            render_cell(&Cell::Timestamptz(1_500_000)),
            "'1970-01-01 00:00:01.5+00'"
        );
        let q = QualSpec::is_in(
            "id",
            vec![Cell::String("a".into()), Cell::String("b".into())],
        );
        assert_eq!(deparse_qual(&q), "id = 'a' or id = 'b'");
        assert_eq!(deparse_qual(&QualSpec::is_null("email")), "email is null");
        assert_eq!(
            deparse_qual(&QualSpec::op("name", "~~", Cell::String("a%".into()))),
            "name like 'a%'"
        );
        assert_eq!(
            deparse_sort(&SortSpec::desc("created_at")),
            "created_at desc nulls first"
        );
    }

    fn state_with_columns(n: usize) -> HostState {
        let mut st = HostState::new(HashMap::new(), HashMap::new());
        st.columns = (0..n).map(|i| (format!("c{i}"), TypeOid::String)).collect();
        st
    }

    #[test]
    fn bad_headers_are_host_panics_and_send_nothing() {
        use http::Host as _;
        let mut st = state_with_columns(0);
        let req = |h: (&str, &str)| http::Request {
            method: http::Method::Get,
            url: "http://127.0.0.1:9/x".to_string(),
            headers: vec![(h.0.to_string(), h.1.to_string())],
            body: String::new(),
        };
        let e = st.get(req(("Authorization", "Bearer x"))).unwrap_err();
        assert!(e.to_string().starts_with("host panic:"), "{e}");
        assert!(st.pending_error.take().unwrap().starts_with("host panic:"));
        let e = st.get(req(("authorization", "Bearer x\n"))).unwrap_err();
        assert!(e.to_string().starts_with("host panic:"), "{e}");
        assert!(st.http_calls.is_empty());
        assert_eq!(st.stats.http_requests, 0);
    }

    #[test]
    fn row_push_rules() {
        use types::HostRow as _;
        let mut st = state_with_columns(1);
        let row = st.table.push(RowRes::default()).unwrap();
        let rep = row.rep();
        let r = || Resource::<RowRes>::new_borrow(rep);
        assert!(st.push(r(), Some(Cell::Json("{\"a\":1}".into()))).is_ok());
        // one more cell than columns: the real host indexes past `columns` and panics
        let e = st.push(r(), None).unwrap_err();
        assert!(
            e.to_string().starts_with("host panic: index out of bounds"),
            "{e}"
        );
        let mut st = state_with_columns(1);
        let row = st.table.push(RowRes::default()).unwrap();
        let rep = row.rep();
        let e = st
            .push(Resource::new_borrow(rep), Some(Cell::Json("nope".into())))
            .unwrap_err();
        assert!(
            e.to_string().starts_with("host panic: convert cell failed"),
            "{e}"
        );
        assert_eq!(
            st.cols(Resource::new_borrow(rep)).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn options_and_report_error() {
        use types::HostOptions as _;
        use utils::Host as _;
        let mut st = HostState::new(
            [("api_key".to_string(), "k".to_string())]
                .into_iter()
                .collect(),
            HashMap::new(),
        );
        let o = st.new(types::OptionsType::Server).unwrap();
        let rep = o.rep();
        let b = || Resource::<OptionsRes>::new_borrow(rep);
        assert_eq!(
            st.require(b(), "api_key".into()).unwrap(),
            Ok("k".to_string())
        );
        assert_eq!(
            st.require(b(), "nope".into()).unwrap(),
            Err("option 'nope' is required".to_string())
        );
        assert_eq!(st.require_or(b(), "nope".into(), "d".into()).unwrap(), "d");
        let e = st.new(types::OptionsType::Other("x".into())).unwrap_err();
        assert!(e.to_string().starts_with("host panic:"));
        st.pending_error = None;
        assert!(st.report_error("boom".into()).is_err());
        assert_eq!(st.pending_error.as_deref(), Some("boom"));
        assert_eq!(st.logs, vec![("error".to_string(), "boom".to_string())]);
    }

    #[test]
    fn default_path_points_into_workspace_target() {
        if std::env::var_os("CLERK_FDW_WASM").is_none() {
            let p = Host::default_wasm_path();
            assert!(p.ends_with("target/wasm32-unknown-unknown/release/clerk_fdw.wasm"));
        }
    }

    #[test]
    fn load_missing_component_is_an_error() {
        let err = Host::load(Path::new("/nonexistent/clerk_fdw.wasm"))
            .err()
            .expect("must fail");
        let msg = format!("{err:#}");
        assert!(msg.contains("/nonexistent/clerk_fdw.wasm"), "{msg}");
    }
}
