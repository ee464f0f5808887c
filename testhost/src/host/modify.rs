//! INSERT, UPDATE and DELETE statements run the way Postgres and supabase-wrappers run a
//! foreign modify (wrappers-host.md §4.10):
//!
//! * `RETURNING` is refused at planning, before the component is called;
//! * the table needs the `rowid_column` option (else `option 'rowid_column' is required`);
//! * the modify has its own instance (`init`, then `begin_modify` at executor start);
//! * INSERT hands over every column of the table, NULL for those the statement left out;
//! * UPDATE and DELETE first scan the table in another instance (its quals pushed down,
//!   the rowid and the qual columns fetched, Postgres rechecking the quals it can); UPDATE
//!   then gets the rowid and only the SET columns (the rowid column dropped from them, so
//!   `set id = …` arrives as nothing), DELETE only the rowid; a NULL rowid is skipped
//!   without calling the component;
//! * the first error ends the statement: no further row, and no `end_modify`;
//! * `end_modify` and `end_scan` run at executor end, where SQL-backed host calls fail.

use super::*;

/// A foreign table as `IMPORT FOREIGN SCHEMA` declares it.
#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    /// Every column, in order.
    pub columns: Vec<(String, TypeOid)>,
    pub options: Vec<(String, String)>,
}

impl Table {
    /// Parse one `create foreign table` statement of the component's import.
    pub fn from_ddl(ddl: &str) -> Table {
        let head = ddl.split(" (\n").next().expect("a column list");
        let name = head.rsplit(' ').next().expect("a table name").to_string();
        let body = ddl
            .split_once(" (\n")
            .and_then(|(_, rest)| rest.split_once("\n) server "))
            .expect("columns, then the server")
            .0;
        let columns = body
            .lines()
            .map(|line| {
                let (col, ty) = line.trim().trim_end_matches(',').split_once(' ').unwrap();
                (col.trim_matches('"').to_string(), type_oid(ty))
            })
            .collect();
        let opts = ddl
            .rsplit_once(" options (")
            .expect("table options")
            .1
            .trim_end_matches(')');
        let options = opts
            .split(", ")
            .map(|kv| {
                let (k, v) = kv.split_once(' ').unwrap();
                (k.to_string(), v.trim_matches('\'').to_string())
            })
            .collect();
        Table {
            name,
            columns,
            options,
        }
    }

    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn column_type(&self, name: &str) -> TypeOid {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("{} has no column {name}", self.name))
    }
}

fn type_oid(sql: &str) -> TypeOid {
    match sql {
        "text" => TypeOid::String,
        "jsonb" => TypeOid::Json,
        "boolean" => TypeOid::Bool,
        "bigint" => TypeOid::I64,
        "integer" => TypeOid::I32,
        "smallint" => TypeOid::I16,
        "numeric" => TypeOid::Numeric,
        "double precision" => TypeOid::F64,
        "timestamptz" => TypeOid::Timestamptz,
        "timestamp" => TypeOid::Timestamp,
        "date" => TypeOid::Date,
        "uuid" => TypeOid::Uuid,
        other => TypeOid::Other(other.to_string()),
    }
}

/// What a write statement did.
#[derive(Debug)]
pub struct Outcome {
    /// Rows the statement affected, or its error.
    pub result: Result<usize, String>,
    /// The NOTICEs of the scan and modify instances, in order.
    pub notices: Vec<String>,
    /// The modify instance's HTTP requests (failed ones too), in order.
    pub writes: Vec<HttpCall>,
}

impl Host {
    /// `INSERT INTO table (…) VALUES (…), (…)`: each row names the columns it sets.
    pub fn insert(&self, spec: &QuerySpec, table: &Table, rows: &[Vec<(&str, Cell)>]) -> Outcome {
        let mut notices = Vec::new();
        let mut writes = Vec::new();
        let result = self.modify(spec, table, &mut notices, &mut writes, |q| {
            for row in rows {
                for (col, _) in row {
                    table.column_type(col);
                }
                let full = table
                    .columns
                    .iter()
                    .map(|(name, _)| {
                        let cell = row.iter().find(|(c, _)| c == name).map(|(_, v)| v.clone());
                        (name.clone(), cell)
                    })
                    .collect();
                q.insert(full)?;
            }
            Ok(rows.len())
        });
        Outcome {
            result,
            notices,
            writes,
        }
    }

    /// `UPDATE table SET … WHERE quals`.
    pub fn update(
        &self,
        spec: &QuerySpec,
        table: &Table,
        quals: Vec<QualSpec>,
        set: &[(&str, Option<Cell>)],
    ) -> Outcome {
        // supabase-wrappers drops the rowid column from the new row (Postgres 14+).
        let rowid = table.option("rowid_column").unwrap_or_default();
        let set: Vec<(String, Option<Cell>)> = set
            .iter()
            .filter(|(c, _)| {
                table.column_type(c);
                *c != rowid
            })
            .map(|(c, v)| (c.to_string(), v.clone()))
            .collect();
        self.scan_then_modify(spec, table, quals, |q, rowid| q.update(rowid, set.clone()))
    }

    /// `DELETE FROM table WHERE quals`.
    pub fn delete(&self, spec: &QuerySpec, table: &Table, quals: Vec<QualSpec>) -> Outcome {
        self.scan_then_modify(spec, table, quals, |q, rowid| q.delete(rowid))
    }

    /// Any write with `RETURNING`: the host refuses it while planning.
    pub fn returning(&self, _table: &Table) -> Outcome {
        Outcome {
            result: Err("RETURNING is not supported".to_string()),
            notices: vec![],
            writes: vec![],
        }
    }

    /// The modify instance: `init`, `begin_modify`, the rows, `end_modify`.
    fn modify(
        &self,
        spec: &QuerySpec,
        table: &Table,
        notices: &mut Vec<String>,
        writes: &mut Vec<HttpCall>,
        rows: impl FnOnce(&mut Query) -> Result<usize, String>,
    ) -> Result<usize, String> {
        if table.option("rowid_column").is_none() {
            return Err("option 'rowid_column' is required".to_string());
        }
        let mut q = self
            .new_query(QuerySpec {
                table_options: table.options.clone(),
                ..spec.clone()
            })
            .map_err(|e| e.to_string())?;
        let result = q.begin_modify().and_then(|_| rows(&mut q));
        let ended = result.and_then(|n| q.end_modify().map(|_| n));
        notices.extend(q.notices());
        writes.extend(q.http_requests());
        ended
    }

    fn scan_then_modify(
        &self,
        spec: &QuerySpec,
        table: &Table,
        quals: Vec<QualSpec>,
        mut write: impl FnMut(&mut Query, Cell) -> Result<(), String>,
    ) -> Outcome {
        let mut notices = Vec::new();
        let mut writes = Vec::new();
        let Some(rowid) = table.option("rowid_column").map(String::from) else {
            return Outcome {
                result: Err("option 'rowid_column' is required".to_string()),
                notices,
                writes,
            };
        };
        // The scan fetches the rowid and the columns Postgres rechecks.
        let mut columns = vec![(rowid.clone(), table.column_type(&rowid))];
        for q in &quals {
            if !columns.iter().any(|(c, _)| *c == q.field) {
                columns.push((q.field.clone(), table.column_type(&q.field)));
            }
        }
        let scan_spec = QuerySpec {
            table_options: table.options.clone(),
            columns: columns.clone(),
            quals: quals.clone(),
            ..spec.clone()
        };
        let mut scan = match self.new_query(scan_spec) {
            Ok(q) => q,
            Err(e) => {
                return Outcome {
                    result: Err(e.to_string()),
                    notices,
                    writes,
                }
            }
        };
        let result = scan.begin_scan().and_then(|_| {
            self.modify(spec, table, &mut notices, &mut writes, |q| {
                let mut n = 0;
                while let Some(row) = scan.iter_scan()? {
                    if !recheck(&columns, &row, &quals) {
                        continue;
                    }
                    // supabase-wrappers skips a row whose rowid is NULL.
                    if let Some(id) = row[0].clone() {
                        write(q, id)?;
                        n += 1;
                    }
                }
                Ok(n)
            })
        });
        let result = result.and_then(|n| scan.end_scan().map(|_| n));
        let mut all = scan.notices();
        all.extend(notices);
        Outcome {
            result,
            notices: all,
            writes,
        }
    }
}

/// Postgres' recheck of the quals it can evaluate here: `=` and `IN` on text and booleans.
fn recheck(columns: &[(String, TypeOid)], row: &[Option<Cell>], quals: &[QualSpec]) -> bool {
    quals.iter().all(|q| {
        let i = columns.iter().position(|(c, _)| *c == q.field).unwrap();
        let cell = row[i].as_ref();
        match (&q.value, q.operator.as_str()) {
            (QualValue::Cell(v @ (Cell::String(_) | Cell::Bool(_))), "=") => cell == Some(v),
            (QualValue::Array(vs), "=") => cell.is_some_and(|c| vs.contains(c)),
            _ => true,
        }
    })
}
