//! A nested-loop join of two foreign scans, run the way Postgres runs it over the Wrappers
//! host. The host reports no row estimate, so Postgres plans each Clerk table as about one
//! row and joins two of them with a nested loop (measured in Wrappers 0.6.2, `explain`):
//!
//! * both scans begin at executor start (`begin_scan`), a parameterised inner one with the
//!   host's placeholder for its parameter;
//! * for every outer row Postgres rescans the inner side, the first row included: the host
//!   compares the parameters' values with the last scan's and calls `re_scan` when they are
//!   the same (always, for an inner side without parameters), otherwise `end_scan` then
//!   `begin_scan` with the new values, both while the executor runs;
//! * the join condition is checked by Postgres on each pair;
//! * both scans end at executor end.

use super::{Cell, QualSpec, Query};

/// A row as the guest returned it.
pub type JoinRow = Vec<Option<Cell>>;

/// How the inner side gets the outer row's value, for a parameterised join (LATERAL, a
/// correlated subquery): `inner_field = outer[outer_column]`, parameter 0.
#[derive(Clone, Debug)]
pub struct JoinParam {
    pub inner_field: String,
    pub outer_column: usize,
}

/// Run `outer ⋈ inner` as a nested loop. `inner` must be set up with the quals of its first
/// scan (for a parameterised join: its parameter as a placeholder, see
/// `QualSpec::from_subquery`). Returns the pairs `matches` keeps, in Postgres' order.
pub fn nested_loop(
    outer: &mut Query,
    inner: &mut Query,
    param: Option<&JoinParam>,
    matches: impl Fn(&JoinRow, &JoinRow) -> bool,
) -> Result<Vec<(JoinRow, JoinRow)>, String> {
    outer.begin_scan()?;
    inner.begin_scan()?;
    let mut out = Vec::new();
    while let Some(o) = outer.iter_scan()? {
        match param {
            None => inner.re_scan()?,
            Some(p) => {
                let value = o.get(p.outer_column).cloned().flatten();
                // A NULL outer value matches nothing (Postgres rescans with NULL and finds
                // no row); skipped here.
                let Some(value) = value else {
                    continue;
                };
                let qual = QualSpec::eq(&p.inner_field, value).with_param(0);
                inner.rescan_with_quals(vec![qual])?;
            }
        }
        while let Some(i) = inner.iter_scan()? {
            if matches(&o, &i) {
                out.push((o.clone(), i));
            }
        }
    }
    inner.end_scan()?;
    outer.end_scan()?;
    Ok(out)
}
