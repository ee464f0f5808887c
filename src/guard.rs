//! Plans Postgres runs more than once. The Wrappers host (0.6.2) keeps the scan state in the
//! plan and frees it when the first execution ends, so a second execution of the same plan
//! crashes the backend, and Postgres restarts every connection with it. Its one safe path:
//! when `begin_scan` fails, the host clears the plan's pointer, and a later execution is a
//! plain error. So the first `begin_scan` of an instance refuses the plans it can recognise
//! (measured in the real host, docs/host.md):
//!
//! - A parameter numbered 1 or more. Parameters of the statement itself (`$1` of a prepared
//!   statement's generic plan, which Postgres uses from the 6th execution on, PostgREST's
//!   among them; a SQL function's arguments; a plpgsql variable in a generic plan) are
//!   numbered from 1. Those from other plan nodes (a join's or a subquery's value) are
//!   numbered from 0, so only the first of them is told apart: a query with several is
//!   refused too, and the table or server option `plan_guard 'false'` lets it run.
//! - Nothing else: a statement without parameters looks like any query.
//!
//! Later `begin_scan`s of the same instance are a join's rescans, never a new execution.

use crate::prelude::*;
use crate::text::{cat, fill};

/// A condition whose value comes from a parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub column: String,
    pub id: u32,
    /// Whether the host handed over a real value (a statement's `$n`) or a placeholder.
    pub resolved: bool,
}

/// At the first `begin_scan` of an instance: an error for a plan the host may run again.
pub fn check(object: &str, params: &[Param]) -> Result<(), String> {
    let Some(p) = params.iter().find(|p| p.id >= 1) else {
        return Ok(());
    };
    // Both messages: what the value is, why that crashes the host, and what to do.
    let why = if p.resolved {
        "a parameter of a plan Postgres keeps and runs again (a prepared statement after its \
         5th execution, PostgREST's included, or a SQL function's statement), and the \
         Wrappers host crashes the database server when such a plan runs a second time. For \
         prepared statements and PostgREST: set plan_cache_mode = force_custom_plan (for \
         their role: alter role … set plan_cache_mode = force_custom_plan). For a SQL \
         function: write it in plpgsql with return query execute … using. If the statement \
         runs once per query,"
    } else {
        "a value Postgres hands over only later, as in a plpgsql function's cached plan, \
         which the Wrappers host crashes the database server on when it runs a second time. \
         In plpgsql: alter function … set plan_cache_mode = force_custom_plan, or run the \
         statement with execute … using. If this is a query with several correlated \
         subqueries or LATERAL joins over Clerk tables, not a function,"
    };
    let message = cat(&[
        "clerk_fdw refuses to read {obj} here: {obj}.{col} is compared with ",
        why,
        " set the table option plan_guard 'false'. See \
         docs/guide.md#functions-prepared-statements-and-postgrest",
    ]);
    Err(fill(
        &message,
        &[("obj", object), ("col", p.column.as_str())],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(id: u32, resolved: bool) -> Param {
        Param {
            column: "id".into(),
            id,
            resolved,
        }
    }

    #[test]
    fn a_join_or_subquery_parameter_numbered_zero_runs() {
        assert_eq!(check("users", &[]), Ok(()));
        assert_eq!(check("users", &[param(0, false)]), Ok(()));
    }

    #[test]
    fn statement_parameters_are_refused_with_the_fix() {
        // PREPARE's 6th execution, a SQL function: the value is real.
        let e = check("users", &[param(0, false), param(1, true)]).unwrap_err();
        assert!(
            e.contains("users.id") && e.contains("prepared statement"),
            "{e}"
        );
        assert!(e.contains("force_custom_plan") && e.contains("plan_guard 'false'"));
        // plpgsql's generic plan: a placeholder numbered from 1.
        let e = check("sessions", &[param(4, false)]).unwrap_err();
        assert!(e.contains("sessions.id") && e.contains("plpgsql"), "{e}");
        assert!(e.contains("alter function") && e.contains("execute"), "{e}");
    }
}
