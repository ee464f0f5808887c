//! The `types` resources (row, column, qual, sort, limit, options, context), as the real
//! host serves them.

use super::*;

// ---------------------------------------------------------------------------------------------
// Resource representations (stored in the store's ResourceTable)
// ---------------------------------------------------------------------------------------------

/// `row` resource: the cells pushed so far and the names of their columns.
#[derive(Debug, Default)]
pub struct RowRes {
    pub(crate) cols: Vec<String>,
    pub(crate) cells: Vec<Option<Cell>>,
}

/// `column` resource: an index into the current scan's columns (like the real host).
#[derive(Debug)]
pub struct ColumnRes {
    pub(crate) index: u32,
}

/// `qual` resource: an index into the current scan's quals.
#[derive(Debug)]
pub struct QualRes {
    pub(crate) index: u32,
}

/// `sort` resource: an index into the current scan's sorts.
#[derive(Debug)]
pub struct SortRes {
    pub(crate) index: u32,
}

/// `limit` resource: reads the current scan's limit.
#[derive(Debug)]
pub struct LimitRes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptsKind {
    Server,
    Table,
    ImportSchema,
}

/// `options` resource: reads the current server/table/import options.
#[derive(Debug)]
pub struct OptionsRes {
    pub(crate) kind: OptsKind,
}

/// `context` resource.
#[derive(Debug)]
pub struct ContextRes;

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
        let q = self.qual(index)?;
        Ok(match q.value {
            _ if q.placeholder => types::Value::Cell(placeholder(&q)),
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
        Ok(q.param.map(|id| types::Param {
            id,
            type_oid: match &q.value {
                QualValue::Cell(c) => pgcell::type_oid(c),
                QualValue::Array(a) => a.first().map_or(0, pgcell::array_type_oid),
            },
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
            .ok_or_else(|| format!("required option `{key}` is not specified")))
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

pub(crate) fn get_index<T: 'static>(
    state: &mut HostState,
    res: &Resource<T>,
    f: impl Fn(&T) -> u32,
) -> wasmtime::Result<u32> {
    match state.table.get(res) {
        Ok(v) => Ok(f(v)),
        Err(e) => Err(state.table_err(e)),
    }
}

/// What the real host hands over for a parameter not set when the scan begins (measured,
/// Wrappers 0.6.2). A plpgsql variable: the `I64(0)` the host puts in every parameter's
/// qual. A value from another plan node: the zero datum read as the parameter's type, so
/// text is again `I64(0)` (a null pointer is no string) but a boolean is `false` and a
/// timestamp Postgres' epoch, 2000-01-01.
fn placeholder(q: &QualSpec) -> Cell {
    const PG_EPOCH_SECS: i64 = 946_684_800;
    let QualValue::Cell(c) = &q.value else {
        return Cell::I64(0);
    };
    if q.param_kind == ParamKind::PlpgsqlVariable {
        return Cell::I64(0);
    }
    match c {
        Cell::Bool(_) => Cell::Bool(false),
        Cell::I16(_) => Cell::I16(0),
        Cell::I32(_) => Cell::I32(0),
        Cell::I64(_) => Cell::I64(0),
        Cell::F64(_) => Cell::F64(0.0),
        Cell::Date(_) => Cell::Date(PG_EPOCH_SECS),
        Cell::Timestamp(_) => Cell::Timestamp(PG_EPOCH_SECS * 1_000_000),
        Cell::Timestamptz(_) => Cell::Timestamptz(PG_EPOCH_SECS * 1_000_000),
        _ => Cell::I64(0),
    }
}
