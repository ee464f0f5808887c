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
//! * the host's own HTTP retries (3, on 5xx/408/429 and transport errors, `Retry-After`
//!   ignored) only with `QuerySpec::host_retries`; by default every guest call is exactly
//!   one request, so request counts in tests are exact;
//! * time is virtual where it waits: `time.sleep` and the emulated retry waits move a clock
//!   (`Query::waited_ms`, and `time.epoch-secs` is ahead by it) instead of sleeping;
//! * SQL-backed calls at executor end fail the statement, as in the real host;
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

mod join;
mod modify;
mod plan;
mod query;
mod resources;
mod spec;
mod state;
#[cfg(test)]
mod tests;

pub use join::*;
pub use modify::*;
pub use plan::*;
pub use query::*;
pub use resources::*;
pub use spec::*;
pub use state::*;
