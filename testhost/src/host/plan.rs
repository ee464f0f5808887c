//! A plan Postgres keeps and runs again: a prepared statement's or a plpgsql statement's
//! generic plan, or the statement of a SQL function called once per row.
//!
//! supabase-wrappers (0.6.2) builds the scan state, and with it the guest instance, while
//! planning, and keeps a raw pointer to it in the plan. `end_foreign_scan` frees the state
//! but leaves the pointer, so a second execution of the same plan runs on freed memory:
//! the backend crashes (or hangs in a futex wait) and Postgres restarts every connection.
//! The one path that clears the pointer is an error from `begin_scan`: the host then drops
//! the state and nulls the pointer, and a later execution stops on the host's
//! `assert!(!state.is_null())` as a plain ERROR. An error from `iter_scan` frees the state
//! and leaves the pointer, like `end_scan`. (Measured in the real host; `docs/host.md`.)

use super::*;

/// What [`CachedPlan::execute`] returns when the real host would crash the backend.
pub const CRASH: &str = "backend crashed (the Wrappers host ran a freed scan state)";

/// The host's assertion when a plan runs again after `begin_scan` failed.
pub const STATE_IS_NULL: &str = "assertion failed: !state.is_null()";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pointer {
    /// Planned, not yet executed.
    Live,
    /// Freed by `end_scan` (or an `iter_scan` error), still in the plan.
    Dangling,
    /// Cleared by the host after `begin_scan` failed.
    Null,
}

/// One planned statement over one foreign table, executed as often as the test asks.
pub struct CachedPlan {
    query: Query,
    pointer: Pointer,
    executions: u32,
}

impl CachedPlan {
    /// Plan the statement: a new instance and `init`, as `get_foreign_rel_size` does.
    pub fn new(host: &Host, spec: QuerySpec) -> anyhow::Result<CachedPlan> {
        Ok(CachedPlan {
            query: host.new_query(spec)?,
            pointer: Pointer::Live,
            executions: 0,
        })
    }

    /// One execution: `begin_scan`, every row, `end_scan`. A second execution fails the
    /// test with [`CRASH`] unless the first one's `begin_scan` failed.
    pub fn execute(&mut self) -> Result<Vec<Vec<Option<Cell>>>, String> {
        self.executions += 1;
        match self.pointer {
            Pointer::Dangling => {
                return Err(format!(
                    "{CRASH}: execution {} of a plan whose scan state the host freed at the \
                     end of execution {}",
                    self.executions,
                    self.executions - 1
                ))
            }
            Pointer::Null => return Err(STATE_IS_NULL.to_string()),
            Pointer::Live => {}
        }
        if let Err(e) = self.query.begin_scan() {
            self.pointer = Pointer::Null;
            return Err(e);
        }
        // From here on the host frees the state, and the plan keeps pointing at it.
        self.pointer = Pointer::Dangling;
        let mut rows = Vec::new();
        while let Some(row) = self.query.iter_scan()? {
            rows.push(row);
        }
        self.query.end_scan()?;
        Ok(rows)
    }

    /// The instance, for its logs and requests.
    pub fn query(&self) -> &Query {
        &self.query
    }
}
