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

use crate::pgcell;

pub use bindings::supabase::wrappers::types::Cell;
pub use bindings::supabase::wrappers::types::ImportSchemaType as ImportListType;
pub use bindings::supabase::wrappers::types::TypeOid;

/// The version the real wasm host reports (`#[wrappers_fdw(version = "0.1.5")]`).
pub const HOST_VERSION: &str = "0.1.5";

/// Postgres' error when SPI runs at executor end, after the query's snapshot was popped.
pub const NO_SNAPSHOT: &str = "cannot execute SQL without an outer snapshot or portal";

/// Where Postgres' executor is when the host calls the guest. Host calls that run SQL
/// (stats, metadata, Vault, settings) need the query's snapshot, which exists in every
/// phase but `End` (measured in the real host; `wrappers-host.md` §4.9a).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Planning: `init` (new instance per query) and `import_foreign_schema`.
    Plan,
    /// ExecutorStart: `begin_scan`, `begin_modify`.
    Start,
    /// ExecutorRun: `iter_scan`, `re_scan`, `insert`, `update`, `delete`, and the
    /// `end_scan` + `begin_scan` pair a parameter change causes.
    Run,
    /// ExecutorEnd: `end_scan`, `end_modify`.
    End,
}

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
    /// The executor phase of the guest call under way.
    phase: Phase,
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
            phase: Phase::Plan,
        }
    }

    /// A host call that runs SQL through SPI. At executor end Postgres has popped the
    /// query's snapshot, and SPI raises an ERROR that fails the statement.
    fn run_sql(&mut self) -> wasmtime::Result<()> {
        if self.phase != Phase::End {
            return Ok(());
        }
        if self.pending_error.is_none() {
            self.pending_error = Some(NO_SNAPSHOT.to_string());
        }
        Err(anyhow!("ERROR: {NO_SNAPSHOT}"))
    }

    /// Raise a Postgres ERROR from inside a host call: the statement fails.
    fn pg_error(&mut self, msg: String) -> anyhow::Error {
        if self.pending_error.is_none() {
            self.pending_error = Some(msg.clone());
        }
        anyhow!("ERROR: {msg}")
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
            if let Err(e) = http02::header::HeaderName::from_lowercase(name.as_bytes()) {
                return Err(self.panic(format!(
                    "called `Result::unwrap()` on an `Err` value: {e:?} (header name {name:?})"
                )));
            }
            if let Err(e) = http02::header::HeaderValue::from_str(value) {
                return Err(self.panic(format!(
                    "called `Result::unwrap()` on an `Err` value: {e:?} (value of header {name:?})"
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
                // Real host: names lowercase; `value.to_str().unwrap_or_default()`, so a value
                // with bytes outside visible ASCII arrives empty.
                let headers = resp
                    .headers
                    .into_iter()
                    .map(|(k, v)| {
                        let v = http02::HeaderValue::from_str(&v)
                            .ok()
                            .and_then(|h| h.to_str().ok().map(str::to_string))
                            .unwrap_or_default();
                        (k.to_ascii_lowercase(), v)
                    })
                    .collect();
                Ok(http::Response {
                    url: req.url,
                    status_code: resp.status,
                    headers,
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

/// Same rule and wording as the real host: `StatusCode::from_u16`, then reqwest's message
/// (`StatusCode` displays as "404 Not Found").
fn error_for_status(status: u16, url: &str) -> Result<(), String> {
    let status = http02::StatusCode::from_u16(status).map_err(|e| e.to_string())?;
    if status.is_client_error() || status.is_server_error() {
        Err(format!("HTTP status error ({status}) for url ({url})"))
    } else {
        Ok(())
    }
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
        self.run_sql()?;
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
        self.run_sql()?;
        Ok(self.metadata.get(&fdw_name).map(|v| v.to_string()))
    }

    fn set_metadata(
        &mut self,
        fdw_name: String,
        metadata: stats::Metadata,
    ) -> wasmtime::Result<()> {
        self.run_sql()?;
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
        Ok(chrono::DateTime::parse_from_rfc3339(&s)
            .map(|ts| ts.timestamp_micros())
            .map_err(|e| e.to_string()))
    }

    fn parse_from_str(&mut self, _s: String, _fmt: String) -> wasmtime::Result<time::TimeResult> {
        Ok(Err("unsupported in test host".to_string()))
    }

    fn epoch_ms_to_rfc3339(&mut self, micros: i64) -> wasmtime::Result<Result<String, String>> {
        // Despite the name, the real host takes microseconds.
        Ok(chrono::DateTime::from_timestamp_micros(micros)
            .map(|ts| ts.to_rfc3339())
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
        Err(self.pg_error(msg))
    }

    fn cell_to_string(&mut self, cell: Option<Cell>) -> wasmtime::Result<String> {
        match cell {
            None => Ok("null".to_string()),
            Some(c) => {
                if let Err(e) = pgcell::convert(&c) {
                    return Err(self.panic(format!("convert cell failed: {e}")));
                }
                Ok(pgcell::render(&c))
            }
        }
    }

    /// Real host: a UUID is looked up as a secret id (or key id), anything else as a name.
    fn get_vault_secret(&mut self, secret_id: String) -> wasmtime::Result<Option<String>> {
        self.run_sql()?;
        Ok(self.vault.get(&secret_id).cloned())
    }

    fn get_vault_secret_by_name(
        &mut self,
        secret_name: String,
    ) -> wasmtime::Result<Option<String>> {
        self.run_sql()?;
        Ok(self.vault.get(&secret_name).cloned())
    }

    /// Real host: `SELECT current_setting($1, true)`; no settings are set here.
    fn query_setting(&mut self, _name: String) -> wasmtime::Result<Option<String>> {
        self.run_sql()?;
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
            if let Err(e) = pgcell::convert(c) {
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
                type_oid: sample.map(pgcell::type_oid).unwrap_or(0),
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

fn deparse_qual(q: &QualSpec) -> String {
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
            .call(Phase::Plan, |b, s| {
                b.call_host_version_requirement(s).map(Ok)
            })
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
            .call(Phase::Plan, |b, s| b.call_init(s, ctx))
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

    /// Run one guest routine in an executor phase, mapping guest errors verbatim and traps
    /// to text.
    fn call<T>(
        &mut self,
        phase: Phase,
        f: impl FnOnce(&Routines, &mut Store<HostState>) -> wasmtime::Result<Result<T, String>>,
    ) -> Result<T, String> {
        if let Some(prev) = &self.poisoned {
            return Err(format!(
                "wasmtime error: instance unusable after an earlier trap ({prev})"
            ));
        }
        self.store.data_mut().pending_error = None;
        self.store.data_mut().phase = phase;
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

    /// `begin_scan` at executor start.
    pub fn begin_scan(&mut self) -> Result<(), String> {
        self.begin_scan_in(Phase::Start)
    }

    fn begin_scan_in(&mut self, phase: Phase) -> Result<(), String> {
        let tbl_opts = self.scan_table_options();
        let st = self.store.data_mut();
        st.quals = self.spec.quals.clone();
        st.columns = self.spec.columns.clone();
        st.sorts = self.spec.sorts.clone();
        st.limit = self.spec.limit;
        st.tbl_opts = tbl_opts;
        let ctx = self.ctx();
        self.call(phase, |b, s| b.call_begin_scan(s, ctx))
    }

    /// One `iter-scan` with a fresh row. `Ok(None)` = end of scan. `Err` is the statement's
    /// error: the guest's, a host panic, or Postgres refusing a cell as it builds the tuple.
    pub fn iter_scan(&mut self) -> Result<Option<Vec<Option<Cell>>>, String> {
        let row = self
            .store
            .data_mut()
            .table
            .push(RowRes::default())
            .map_err(|e| format!("resource table: {e}"))?;
        let row_rep = row.rep();
        let ctx = self.ctx();
        let ret = self.call(Phase::Run, |b, s| {
            b.call_iter_scan(s, ctx, Resource::new_borrow(row_rep))
        });
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
                for cell in row.cells.iter().flatten() {
                    pgcell::to_datum(cell)?;
                }
                Ok(Some(row.cells))
            }
        }
    }

    /// The guest's `re_scan`, as the host calls it when no parameter changed.
    pub fn re_scan(&mut self) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(Phase::Run, |b, s| b.call_re_scan(s, ctx))
    }

    /// A rescan the way supabase-wrappers does it (the inner side of a join): when the
    /// quals' values changed, `end_scan` then `begin_scan` with the new quals, both while
    /// the executor runs; otherwise the guest's `re_scan`.
    pub fn rescan_with_quals(&mut self, quals: Vec<QualSpec>) -> Result<(), String> {
        if format!("{quals:?}") == format!("{:?}", self.spec.quals) {
            return self.re_scan();
        }
        self.spec.quals = quals;
        let ctx = self.ctx();
        self.call(Phase::Run, |b, s| b.call_end_scan(s, ctx))?;
        self.begin_scan_in(Phase::Run)
    }

    /// `end_scan` at executor end: host calls that run SQL fail the statement here.
    pub fn end_scan(&mut self) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(Phase::End, |b, s| b.call_end_scan(s, ctx))
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
        self.call(Phase::Start, |b, s| b.call_begin_modify(s, ctx))
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
        let r = self.call(Phase::Run, |b, s| {
            b.call_insert(s, ctx, Resource::new_borrow(rep))
        });
        self.drop_row(rep);
        r
    }

    pub fn update(&mut self, rowid: Cell, row: Vec<Option<Cell>>) -> Result<(), String> {
        let rep = self.push_row(row)?;
        let ctx = self.ctx();
        let r = self.call(Phase::Run, |b, s| {
            b.call_update(s, ctx, &rowid, Resource::new_borrow(rep))
        });
        self.drop_row(rep);
        r
    }

    pub fn delete(&mut self, rowid: Cell) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(Phase::Run, |b, s| b.call_delete(s, ctx, &rowid))
    }

    pub fn end_modify(&mut self) -> Result<(), String> {
        let ctx = self.ctx();
        self.call(Phase::End, |b, s| b.call_end_modify(s, ctx))
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
        self.call(Phase::Plan, |b, s| {
            b.call_import_foreign_schema(s, ctx, &stmt)
        })
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
    fn time_functions_are_chronos() {
        use time::Host as _;
        let mut st = state_with_columns(0);
        assert_eq!(
            st.parse_from_rfc3339("1970-01-01T00:00:00Z".into())
                .unwrap(),
            Ok(0)
        );
        assert_eq!(
            st.parse_from_rfc3339("2024-02-29T14:34:56.789+02:00".into())
                .unwrap(),
            Ok(1_709_210_096_789_000)
        );
        assert!(st
            .parse_from_rfc3339("2023-02-29T00:00:00Z".into())
            .unwrap()
            .is_err());
        assert_eq!(
            st.epoch_ms_to_rfc3339(1_709_210_096_789_000).unwrap(),
            Ok("2024-02-29T12:34:56.789+00:00".to_string())
        );
    }

    #[test]
    fn sql_backed_calls_fail_only_at_executor_end() {
        use stats::Host as _;
        use utils::Host as _;
        let mut st = state_with_columns(0);
        for phase in [Phase::Plan, Phase::Start, Phase::Run] {
            st.phase = phase;
            assert!(st.inc_stats("f".into(), stats::Metric::RowsOut, 1).is_ok());
            assert!(st.get_vault_secret("x".into()).is_ok());
        }
        assert_eq!(st.stats.rows_out, 3);
        st.phase = Phase::End;
        let e = st
            .inc_stats("f".into(), stats::Metric::RowsOut, 1)
            .unwrap_err();
        assert!(e.to_string().contains(NO_SNAPSHOT), "{e}");
        assert_eq!(st.pending_error.take().as_deref(), Some(NO_SNAPSHOT));
        assert_eq!(st.stats.rows_out, 3, "nothing was written");
        assert!(st.get_metadata("f".into()).is_err());
        assert!(st.set_metadata("f".into(), Some("{}".into())).is_err());
        assert!(st.get_vault_secret("x".into()).is_err());
        assert!(st.get_vault_secret_by_name("x".into()).is_err());
        assert!(st.query_setting("x".into()).is_err());
        // Messages to the user are not SQL: fine at executor end.
        assert!(st.report_notice("n".into()).is_ok());
    }

    #[test]
    fn rendering_and_deparse() {
        assert_eq!(pgcell::render(&Cell::String("a".into())), "'a'");
        assert_eq!(pgcell::render(&Cell::Date(0)), "'1970-01-01'");
        assert_eq!(
            pgcell::render(&Cell::Timestamptz(1_500_000)),
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
        for bad in [
            ("Authorization", "Bearer x"),
            ("", "x"),
            ("bad header", "x"),
            ("authorization", "Bearer x\n"),
            ("authorization", "a\rb"),
            ("authorization", "a\u{7f}"),
        ] {
            let e = st.get(req(bad)).unwrap_err();
            assert!(e.to_string().starts_with("host panic:"), "{bad:?}: {e}");
            assert!(st.pending_error.take().unwrap().starts_with("host panic:"));
        }
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
