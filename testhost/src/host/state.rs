//! One query's store data and the host interfaces that need no resources: http, stats,
//! time, utils, jwt. Rules of the real host are noted where they apply.

use super::*;

// ---------------------------------------------------------------------------------------------
// Store state
// ---------------------------------------------------------------------------------------------

/// Records the peak linear-memory size the guest asked for.
#[derive(Default)]
pub(crate) struct MemTracker {
    pub(crate) peak: usize,
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
    pub(crate) table: ResourceTable,
    pub(crate) svr_opts: HashMap<String, String>,
    pub(crate) tbl_opts: HashMap<String, String>,
    pub(crate) import_opts: HashMap<String, String>,
    pub(crate) columns: Vec<(String, TypeOid)>,
    pub(crate) quals: Vec<QualSpec>,
    pub(crate) sorts: Vec<SortSpec>,
    pub(crate) limit: Option<(i64, i64)>,
    pub(crate) vault: HashMap<String, String>,
    pub(crate) logs: Vec<(String, String)>,
    pub(crate) sleeps: Vec<u64>,
    pub(crate) stats: StatsSnapshot,
    pub(crate) metadata: HashMap<String, serde_json::Value>,
    pub(crate) http_calls: Vec<HttpCall>,
    /// Set when a host function "panics" or raises an ERROR; becomes the call's error text.
    pub(crate) pending_error: Option<String>,
    pub(crate) limiter: MemTracker,
    /// The executor phase of the guest call under way.
    pub(crate) phase: Phase,
    /// Milliseconds the virtual clock is ahead of real time: guest sleeps and emulated host
    /// retry waits pass here instead of really waiting.
    pub(crate) clock_ms: u64,
    /// Emulate the real host's own retries (see `http_request`).
    pub(crate) host_retries: bool,
}

impl HostState {
    pub(crate) fn new(
        server_options: HashMap<String, String>,
        vault: HashMap<String, String>,
    ) -> Self {
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
            clock_ms: 0,
            host_retries: false,
        }
    }

    /// A host call that runs SQL through SPI. At executor end Postgres has popped the
    /// query's snapshot, and SPI raises an ERROR that fails the statement.
    pub(crate) fn run_sql(&mut self) -> wasmtime::Result<()> {
        if self.phase != Phase::End {
            return Ok(());
        }
        Err(self.pg_error(NO_SNAPSHOT.to_string()))
    }

    /// Raise a Postgres ERROR from inside a host call: the statement fails.
    pub(crate) fn pg_error(&mut self, msg: String) -> anyhow::Error {
        if self.pending_error.is_none() {
            self.pending_error = Some(msg.clone());
        }
        anyhow!("ERROR: {msg}")
    }

    /// Emulates a panic in the real host: a trap whose message starts with "host panic:".
    pub(crate) fn panic(&mut self, msg: impl std::fmt::Display) -> anyhow::Error {
        let msg = format!("host panic: {msg}");
        if self.pending_error.is_none() {
            self.pending_error = Some(msg.clone());
        }
        anyhow!(msg)
    }

    pub(crate) fn table_err(
        &mut self,
        e: wasmtime::component::ResourceTableError,
    ) -> anyhow::Error {
        self.panic(format!("resource table: {e}"))
    }

    pub(crate) fn column(&mut self, index: u32) -> wasmtime::Result<(String, TypeOid)> {
        match self.columns.get(index as usize) {
            Some(c) => Ok(c.clone()),
            None => Err(self.panic(format!(
                "index out of bounds: the len is {} but the index is {index}",
                self.columns.len()
            ))),
        }
    }

    pub(crate) fn qual(&mut self, index: u32) -> wasmtime::Result<QualSpec> {
        match self.quals.get(index as usize) {
            Some(q) => Ok(q.clone()),
            None => Err(self.panic(format!(
                "index out of bounds: the len is {} but the index is {index}",
                self.quals.len()
            ))),
        }
    }

    pub(crate) fn sort(&mut self, index: u32) -> wasmtime::Result<SortSpec> {
        match self.sorts.get(index as usize) {
            Some(s) => Ok(s.clone()),
            None => Err(self.panic(format!(
                "index out of bounds: the len is {} but the index is {index}",
                self.sorts.len()
            ))),
        }
    }

    pub(crate) fn limit_or_panic(&mut self) -> wasmtime::Result<(i64, i64)> {
        match self.limit {
            Some(l) => Ok(l),
            None => Err(self.panic("called `Option::unwrap()` on a `None` value (no limit)")),
        }
    }

    pub(crate) fn options_for(
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

    pub(crate) fn http_request(
        &mut self,
        req: http::Request,
    ) -> wasmtime::Result<http::HttpResult> {
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
        // The real host's reqwest-retry: up to 3 retries of 5xx, 408, 429 and transport
        // errors, with exponential backoff from 1 s (the upper bound of each jittered wait:
        // 1, 2, 4 s), `Retry-After` ignored. Only with `QuerySpec::host_retries`, so that by
        // default one guest call is one request and counts are exact. Waits pass on the
        // virtual clock.
        let mut retries = 0;
        loop {
            let ret = self.send(method, &req, &deduped);
            let transient = match &ret {
                Err(_) => true,
                Ok(r) => matches!(r.status_code, 408 | 429 | 500..=599),
            };
            if !self.host_retries || !transient || retries == 3 {
                return Ok(ret);
            }
            self.clock_ms += 1000 << retries;
            retries += 1;
        }
    }

    /// One request, recorded.
    fn send(
        &mut self,
        method: &str,
        req: &http::Request,
        headers: &[(String, String)],
    ) -> http::HttpResult {
        let result = crate::http::request(method, &req.url, headers, &req.body);
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
                    url: req.url.clone(),
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
        ret
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
pub(crate) fn error_for_status(status: u16, url: &str) -> Result<(), String> {
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
    /// Real time plus the virtual clock (sleeps and the host's retry waits).
    fn epoch_secs(&mut self) -> wasmtime::Result<i64> {
        let real_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Ok(((real_ms + self.clock_ms) / 1000) as i64)
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

    /// The real host sleeps the thread; here the virtual clock moves on.
    fn sleep(&mut self, millis: u64) -> wasmtime::Result<()> {
        self.sleeps.push(millis);
        self.clock_ms += millis;
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
