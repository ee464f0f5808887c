//! clerk_fdw: a Supabase Wrappers wasm FDW for the Clerk Backend API.
//!
//! This file is the only one that touches the WIT bindings: it turns the host's resources
//! into plain values, calls the pure modules, and turns their results back into cells.
//!
//! **Size is latency.** The host compiles the component for every query (about 0.33 ms per
//! KB, measured), so the code prefers small forms where they read as well: no `std` on wasm
//! (its allocator and panic machinery are ~12 KB; `rt.rs` and `heap.rs` supply what the
//! component needs), no `core::fmt` (`text.rs`), loops rather than `collect`, no panicking
//! indexing (`bug.rs`). Other modules point here with "(size)". Native builds (the unit
//! tests) keep `std`.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

pub mod bug;
pub mod catalog;
pub mod client;
pub mod config;
pub mod convert;
pub mod dedupe;
pub mod errors;
#[cfg(test)]
mod fake;
pub mod guard;
pub mod heap;
pub mod json;
pub mod like;
pub mod model;
pub mod page;
pub mod past;
pub mod path;
pub mod plan;
mod prelude;
pub mod project;
#[cfg(test)]
mod properties;
pub mod replay;
pub mod retry;
#[cfg(target_arch = "wasm32")]
mod rt;
pub mod scan;
pub mod schema;
pub mod text;
pub mod timefmt;
pub mod url;
pub mod write;

#[allow(warnings)]
#[rustfmt::skip]
mod bindings;

use bindings::exports::supabase::wrappers::routines::Guest;
use bindings::supabase::wrappers::types::{
    Context, FdwError, FdwResult, ImportForeignSchemaStmt, ImportSchemaType, OptionsType, Row,
    TypeOid, Value as WitValue,
};
use bindings::supabase::wrappers::{http, stats, time, utils};
use config::Config;
use core::cell::RefCell;
use model::{Cell, HttpResponse, Limit, Method, PgType, Qual, QualValue, QueryColumn};
use prelude::*;
use scan::Scan;
use text::fill;

/// The name under which stats are recorded in `wrappers_fdw_stats`.
const FDW_NAME: &str = "clerk_fdw";

#[derive(Default)]
struct State {
    config: Option<Config>,
    scan: Option<Scan>,
    /// Reused for every row so projecting allocates no new vector.
    cells: Vec<Option<Cell>>,
    /// The INSERT, UPDATE or DELETE this instance serves.
    modify: Option<write::Statement>,
    /// A scan began: later `begin_scan`s are a join's rescans (see `guard.rs`).
    began: bool,
    /// Unix seconds after which no request starts and no retry waits: the statement's
    /// budget (`timeout_secs`) from the moment the host created this instance.
    deadline: Option<i64>,
    /// Scans a parameter change ended, for a later scan with the same values.
    past: past::Past,
}

/// One instance serves one query on one thread; this is its state.
struct Global(RefCell<State>);

// A component instance is single-threaded; no other thread can see STATE.
unsafe impl Sync for Global {}

static STATE: Global = Global(RefCell::new(State {
    config: None,
    scan: None,
    cells: Vec::new(),
    modify: None,
    began: false,
    deadline: None,
    past: past::Past::new(),
}));

impl Global {
    fn with_borrow_mut<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        // Exports are never re-entered (the component model forbids it), so this cannot
        // fail; `try_` with a plain message keeps RefCell's formatted panic out of the code.
        match self.0.try_borrow_mut() {
            Ok(mut state) => f(&mut state),
            Err(_) => panic!("clerk_fdw: state re-entered"),
        }
    }
}

struct ClerkFdw;

/// The real host behind the engine's `Host` trait, for a statement ending at `deadline`.
struct WitHost {
    deadline: Option<i64>,
}

impl model::Host for WitHost {
    fn request(
        &mut self,
        method: Method,
        url: &str,
        headers: &[(String, String)],
        body: &str,
    ) -> Result<HttpResponse, String> {
        let req = http::Request {
            method: match method {
                Method::Get => http::Method::Get,
                Method::Post => http::Method::Post,
                Method::Put => http::Method::Put,
                Method::Patch => http::Method::Patch,
                Method::Delete => http::Method::Delete,
            },
            url: url.to_string(),
            headers: headers.to_vec(),
            body: body.to_string(),
        };
        // The host sends `req.method` whichever of its five functions is called (all are
        // the same `http_request`), so one import serves every method.
        http::get(&req).map(|r| HttpResponse {
            status: r.status_code,
            headers: r.headers,
            body: r.body,
        })
    }
    fn sleep_ms(&mut self, ms: u64) {
        time::sleep(ms);
    }
    fn now_secs(&mut self) -> i64 {
        time::epoch_secs()
    }
    fn deadline(&self) -> Option<i64> {
        self.deadline
    }
    fn debug(&mut self, msg: &str) {
        utils::report_info(msg);
    }
    fn notice(&mut self, msg: &str) {
        utils::report_notice(msg);
    }
    fn page_received(&mut self, rows: i64, bytes: i64) {
        stats::inc_stats(FDW_NAME, stats::Metric::RowsIn, rows);
        stats::inc_stats(FDW_NAME, stats::Metric::BytesIn, bytes);
    }
    fn rows_returned(&mut self, rows: i64) {
        stats::inc_stats(FDW_NAME, stats::Metric::RowsOut, rows);
    }
}

fn pg_type(col: &str, t: TypeOid) -> Result<PgType, FdwError> {
    Ok(match t {
        TypeOid::Bool => PgType::Bool,
        TypeOid::I8 => PgType::Char,
        TypeOid::I16 => PgType::SmallInt,
        TypeOid::I32 => PgType::Integer,
        TypeOid::I64 => PgType::BigInt,
        TypeOid::F32 => PgType::Real,
        TypeOid::F64 => PgType::Double,
        TypeOid::Numeric => PgType::Numeric,
        TypeOid::String => PgType::Text,
        TypeOid::Date => PgType::Date,
        TypeOid::Timestamp => PgType::Timestamp,
        TypeOid::Timestamptz => PgType::Timestamptz,
        TypeOid::Json => PgType::Jsonb,
        TypeOid::Uuid => PgType::Uuid,
        TypeOid::Other(name) => {
            return Err(fill(
                "column \"{col}\" has type {type}, which the Wrappers host cannot fill; declare \
                 it as text, jsonb, boolean, bigint, numeric or timestamptz",
                &[("col", col), ("type", &name)],
            ))
        }
    })
}

fn qual_value(c: &Cell) -> QualValue {
    match c {
        Cell::Bool(b) => QualValue::Bool(*b),
        Cell::I8(i) => QualValue::Int((*i).into()),
        Cell::I16(i) => QualValue::Int((*i).into()),
        Cell::I32(i) => QualValue::Int((*i).into()),
        Cell::I64(i) => QualValue::Int(*i),
        Cell::F32(f) => QualValue::Float((*f).into()),
        Cell::F64(f) | Cell::Numeric(f) => QualValue::Float(*f),
        Cell::String(s) => QualValue::Text(s.clone()),
        Cell::Date(s) => QualValue::Date(*s),
        Cell::Timestamp(us) | Cell::Timestamptz(us) => QualValue::Timestamp(*us),
        Cell::Json(_) | Cell::Uuid(_) | Cell::Other(_) => QualValue::Other,
    }
}

/// A cell of a row to write. Timestamps become RFC 3339 text, as Clerk takes them,
/// formatted by the host; `other` (a type the host does not convert) is kept as text.
fn write_cell(c: Cell) -> Cell {
    let rfc3339 = |us: i64, cell: Cell| time::epoch_ms_to_rfc3339(us).map_or(cell, Cell::String);
    match c {
        // The host's function takes microseconds, despite its name.
        Cell::Date(s) => rfc3339(s.saturating_mul(1_000_000), c),
        Cell::Timestamp(us) | Cell::Timestamptz(us) => rfc3339(us, c),
        Cell::Other(s) => Cell::String(s),
        c => c,
    }
}

fn row_cells(row: &Row) -> Vec<(String, Option<Cell>)> {
    let mut out = Vec::new();
    for (name, cell) in row.cols().into_iter().zip(row.cells()) {
        out.push((name, cell.map(write_cell)));
    }
    out
}

/// One row of an INSERT, UPDATE or DELETE, planned and sent by the write engine.
fn apply(rowid: Option<Cell>, row: Option<&Row>) -> FdwResult {
    let rowid = rowid.map(write_cell);
    let cells = row.map(row_cells).unwrap_or_default();
    let change = match (&rowid, row) {
        (None, _) => write::Change::Insert(&cells),
        (Some(id), Some(_)) => write::Change::Update(id, &cells),
        (Some(id), None) => write::Change::Delete(id),
    };
    STATE.with_borrow_mut(|s| {
        let (Some(config), Some(statement)) = (s.config.as_ref(), s.modify.as_mut()) else {
            return Err("clerk_fdw: a row was written before begin_modify".to_string());
        };
        statement
            .row(
                &mut WitHost {
                    deadline: s.deadline,
                },
                config,
                change,
            )
            .map_err(|e| errors::scrub(&e, &config.secret))
    })
}

/// `first`: the instance's first scan, where a plan the host may run again is refused.
/// `plan_guard` and `replay_bytes`: the server's options, which the table's may override.
fn begin(
    ctx: &Context,
    first: bool,
    plan_guard: bool,
    replay_bytes: usize,
) -> Result<Scan, FdwError> {
    let opts = ctx.get_options(&OptionsType::Table);
    let name = opts.require("object")?;
    let object = catalog::find(&name).ok_or_else(|| catalog::unknown_object(&name))?;
    let guard = first && config::flag(&|k| opts.get(k), "table", "plan_guard", plan_guard)?;
    let mut params = Vec::new();
    // Plain loops rather than iterator chains: each `collect` instantiates its own copy
    // of Vec's extend machinery (size).
    let mut columns = Vec::new();
    for c in ctx.get_columns() {
        let name = c.name();
        let ty = pg_type(&name, c.type_oid())?;
        columns.push(QueryColumn { name, ty });
    }
    let mut quals = Vec::new();
    for q in ctx.get_quals() {
        let mut values = Vec::new();
        let is_array = match q.value() {
            WitValue::Cell(c) => {
                values.push(qual_value(&c));
                false
            }
            WitValue::Array(cs) => {
                for c in &cs {
                    values.push(qual_value(c));
                }
                true
            }
        };
        let field = q.field();
        if let Some(p) = q.param() {
            let resolved = model::param_value_is_real(p.type_oid, &values, is_array);
            if !resolved {
                values = vec![QualValue::Unresolved];
            }
            // Only the first scan is checked; a rescan needs no list.
            if guard {
                params.push(guard::Param {
                    column: field.clone(),
                    id: p.id,
                    resolved,
                });
            }
        }
        quals.push(Qual {
            field,
            op: q.operator(),
            values,
            is_list: is_array || q.use_or(),
        });
    }
    if guard {
        guard::check(object.name, &params)?;
    }
    // With ORDER BY, Postgres sorts locally (the host offers no sorted path) and reads
    // every row: the LIMIT would only make the first page small, one request more.
    let sorted = !ctx.get_sorts().is_empty();
    let limit = ctx.get_limit().filter(|_| !sorted).map(|l| Limit {
        count: l.count(),
        offset: l.offset(),
    });
    let replay = config::replay_bytes(&|k| opts.get(k), "table", replay_bytes)?;
    Ok(Scan::new(object, &columns, &quals, limit)?.replay_up_to(replay, !first))
}

impl Guest for ClerkFdw {
    fn host_version_requirement() -> String {
        "^0.1.0".to_string()
    }

    fn init(ctx: &Context) -> FdwResult {
        let opts = ctx.get_options(&OptionsType::Server);
        let config = config::from_options(|k| opts.get(k), utils::get_vault_secret)?;
        // The statement's budget for waiting on Clerk starts now (a new instance per query).
        let deadline = time::epoch_secs().saturating_add(config.limits.timeout_secs as i64);
        stats::inc_stats(FDW_NAME, stats::Metric::CreateTimes, 1);
        STATE.with_borrow_mut(|s| {
            *s = State {
                config: Some(config),
                deadline: Some(deadline),
                ..State::default()
            }
        });
        Ok(())
    }

    fn begin_scan(ctx: &Context) -> FdwResult {
        let (first, plan_guard, replay) = STATE.with_borrow_mut(|s| {
            let first = !s.began;
            s.began = true;
            let limits = s
                .config
                .as_ref()
                .map(|c| (c.plan_guard, c.limits.replay_bytes));
            let (guard, replay) = limits.unwrap_or((true, 0));
            (first, guard, replay)
        });
        let scan = begin(ctx, first, plan_guard, replay)?;
        STATE.with_borrow_mut(|s| s.scan = Some(s.past.take(&scan).unwrap_or(scan)));
        Ok(())
    }

    fn iter_scan(_ctx: &Context, row: &Row) -> Result<Option<u32>, FdwError> {
        STATE.with_borrow_mut(|s| {
            let State {
                config,
                scan,
                cells,
                deadline,
                ..
            } = s;
            let (Some(config), Some(scan)) = (config.as_ref(), scan.as_mut()) else {
                return Err("clerk_fdw: iter_scan called before begin_scan".to_string());
            };
            let more = scan
                .next_row(
                    &mut WitHost {
                        deadline: *deadline,
                    },
                    config,
                    cells,
                )
                .map_err(|e| errors::scrub(&e, &config.secret))?;
            if !more {
                return Ok(None);
            }
            for cell in cells.drain(..) {
                row.push(cell.as_ref());
            }
            Ok(Some(0))
        })
    }

    fn re_scan(_ctx: &Context) -> FdwResult {
        STATE.with_borrow_mut(|s| {
            if let Some(scan) = s.scan.as_mut() {
                scan.rescan();
            }
        });
        Ok(())
    }

    /// Runs at executor end, after Postgres popped the query's snapshot: no host call that
    /// runs SQL (stats, metadata, Vault) may happen here, or the statement fails. Rows out
    /// were already counted in `iter_scan`.
    fn end_scan(_ctx: &Context) -> FdwResult {
        STATE.with_borrow_mut(|s| {
            // A parameter change ends a scan mid-query; its rows may serve a later one.
            if let Some(scan) = s.scan.take() {
                s.past.keep(scan);
            }
        });
        Ok(())
    }

    /// Every check that needs no row: a refused statement sends nothing.
    fn begin_modify(ctx: &Context) -> FdwResult {
        let opts = ctx.get_options(&OptionsType::Table);
        let name = opts.require("object")?;
        let object = catalog::find(&name).ok_or_else(|| catalog::unknown_object(&name))?;
        // The host refuses a modify without rowid_column before calling us.
        let rowid = opts.get("rowid_column").unwrap_or_default();
        STATE.with_borrow_mut(|s| {
            let allow = s.config.as_ref().is_some_and(|c| c.allow_writes);
            s.modify = Some(write::Statement::new(object, allow, &rowid)?);
            Ok(())
        })
    }

    fn insert(_ctx: &Context, row: &Row) -> FdwResult {
        apply(None, Some(row))
    }

    fn update(_ctx: &Context, rowid: Cell, new_row: &Row) -> FdwResult {
        apply(Some(rowid), Some(new_row))
    }

    fn delete(_ctx: &Context, rowid: Cell) -> FdwResult {
        apply(Some(rowid), None)
    }

    /// Executor end, like `end_scan`: no SQL-backed host call here. Rows still waiting for
    /// a bulk request go now (HTTP and NOTICEs are not SQL).
    fn end_modify(_ctx: &Context) -> FdwResult {
        STATE.with_borrow_mut(|s| {
            let (Some(config), Some(mut statement)) = (s.config.as_ref(), s.modify.take()) else {
                return Ok(());
            };
            let mut host = WitHost {
                deadline: s.deadline,
            };
            statement
                .finish(&mut host, config)
                .map_err(|e| errors::scrub(&e, &config.secret))
        })
    }

    fn import_foreign_schema(
        _ctx: &Context,
        stmt: ImportForeignSchemaStmt,
    ) -> Result<Vec<String>, FdwError> {
        let list_type = match stmt.list_type {
            ImportSchemaType::All => schema::ListType::All,
            ImportSchemaType::LimitTo => schema::ListType::LimitTo,
            ImportSchemaType::Except => schema::ListType::Except,
        };
        Ok(schema::import(
            &stmt.server_name,
            list_type,
            &stmt.table_list,
        ))
    }
}

#[cfg(target_arch = "wasm32")]
bindings::export!(ClerkFdw with_types_in bindings);
