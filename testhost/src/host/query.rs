//! The compiled component and one query's instance, driven like the real host drives it.

use super::*;

// ---------------------------------------------------------------------------------------------
// Host and Query
// ---------------------------------------------------------------------------------------------

/// A compiled clerk-fdw component plus the linker with the emulated host imports.
pub struct Host {
    pub(crate) engine: Engine,
    pub(crate) component: Component,
    pub(crate) linker: Linker<HostState>,
    pub(crate) compile_time: Duration,
    pub(crate) wasm_path: PathBuf,
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

        let mut state = HostState::new(server_options, vault);
        state.host_retries = spec.host_retries;
        let mut store = Store::new(&self.engine, state);
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

pub(crate) type Routines = bindings::exports::supabase::wrappers::routines::Guest;

/// One query's instance, driven like the real host drives it.
pub struct Query {
    pub(crate) store: Store<HostState>,
    pub(crate) bindings: Wrappers,
    pub(crate) ctx_rep: u32,
    pub(crate) spec: QuerySpec,
    pub(crate) poisoned: Option<String>,
}

impl Query {
    pub(crate) fn ctx(&self) -> Resource<ContextRes> {
        Resource::new_borrow(self.ctx_rep)
    }

    /// Run one guest routine in an executor phase, mapping guest errors verbatim and traps
    /// to text.
    pub(crate) fn call<T>(
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

    pub(crate) fn scan_table_options(&self) -> HashMap<String, String> {
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

    pub(crate) fn begin_scan_in(&mut self, phase: Phase) -> Result<(), String> {
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

    /// A row resource for `insert`/`update`: the host's row of (column name, cell).
    pub(crate) fn push_row(&mut self, row: Vec<(String, Option<Cell>)>) -> Result<u32, String> {
        let (cols, cells) = row.into_iter().unzip();
        self.store
            .data_mut()
            .table
            .push(RowRes { cols, cells })
            .map(|r| r.rep())
            .map_err(|e| format!("resource table: {e}"))
    }

    pub(crate) fn drop_row(&mut self, rep: u32) {
        let _ = self
            .store
            .data_mut()
            .table
            .delete(Resource::<RowRes>::new_own(rep));
    }

    /// `insert` with every column of the table, in order (NULL for those left out).
    pub fn insert(&mut self, row: Vec<(String, Option<Cell>)>) -> Result<(), String> {
        let rep = self.push_row(row)?;
        let ctx = self.ctx();
        let r = self.call(Phase::Run, |b, s| {
            b.call_insert(s, ctx, Resource::new_borrow(rep))
        });
        self.drop_row(rep);
        r
    }

    /// `update` with the SET columns only (Postgres 14+), not the rowid.
    pub fn update(&mut self, rowid: Cell, row: Vec<(String, Option<Cell>)>) -> Result<(), String> {
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

    /// Milliseconds the statement spent waiting (guest sleeps and the host's retry waits),
    /// on the virtual clock.
    pub fn waited_ms(&self) -> u64 {
        self.store.data().clock_ms
    }

    /// The NOTICE messages, in order.
    pub fn notices(&self) -> Vec<String> {
        let logs = &self.store.data().logs;
        logs.iter()
            .filter(|(level, _)| level == "notice")
            .map(|(_, m)| m.clone())
            .collect()
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
