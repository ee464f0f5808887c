//! INSERT, UPDATE and DELETE: one row's cells → the Clerk requests that apply it. Every
//! check happens before the first request, so a refused row changes nothing. What each
//! object accepts is declared in the catalog (`Writes`), from Clerk's Backend API spec.

use crate::prelude::*;

use crate::catalog::{Delete, Object, Put, Settable, Writes, OBJECTS};
use crate::client;
use crate::config::Config;
use crate::json::{self, quote, Kind};
use crate::model::{Cell, Host, Method};
use crate::text::{cat, fill, find, int};

/// One request of a write. `body` is empty when there is none.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub body: String,
}

/// A row as the host hands it over: column names and cells, NULL as None.
pub type Cells = [(String, Option<Cell>)];

/// One row of a statement as the host hands it over: what each kind of write carries.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    Insert(&'a Cells),
    /// The row's rowid and its new cells (the columns the statement sets, and the others).
    Update(&'a Cell, &'a Cells),
    Delete(&'a Cell),
}

impl Change<'_> {
    pub fn sql(self) -> &'static str {
        match self {
            Change::Insert(_) => "INSERT",
            Change::Update(..) => "UPDATE",
            Change::Delete(_) => "DELETE",
        }
    }
}

/// One INSERT, UPDATE or DELETE statement: what it writes to, and how far it got.
#[derive(Debug)]
pub struct Statement {
    object: &'static Object,
    writes: &'static Writes,
    /// Rows already written to Clerk: a later failure cannot undo them.
    written: u64,
    /// Rows planned for one bulk request and not sent yet (see [`Batch`]).
    batch: Batch,
    /// When the statement's first row came (Unix seconds, the host's clock): part of the
    /// idempotency key of a credit adjustment.
    started: Option<i64>,
}

/// Consecutive rows bound for one bulk endpoint; rows after a failed batch are never sent.
/// A lone row goes there too: the spec gives the bulk endpoints the same fields, checks and
/// answers (as a list) as the single ones.
#[derive(Debug, Default)]
struct Batch {
    /// The bulk endpoint (`/invitations/bulk`, `/users/ban`): rows for another one start
    /// a new batch.
    path: String,
    /// The body's array field (`user_ids`); empty: the body is the array itself.
    field: &'static str,
    /// The statement's kind (`INSERT`), for messages.
    op: &'static str,
    max: usize,
    rows: usize,
    /// The rows' elements of the bulk array, comma-separated.
    items: String,
    /// The rows' email addresses: Clerk refuses one twice in a bulk request.
    emails: Vec<String>,
}

impl Statement {
    /// The checks of `begin_modify` (see [`target`]).
    pub fn new(
        object: &'static Object,
        allow_writes: bool,
        rowid_column: &str,
    ) -> Result<Statement, String> {
        Ok(Statement {
            object,
            writes: target(object, allow_writes, rowid_column)?,
            written: 0,
            batch: Batch::default(),
            started: None,
        })
    }

    /// Plan one row, then send its requests, or keep it for a bulk request when the object
    /// has one for this change. Every check runs here, so a refused row sends nothing more.
    pub fn row(&mut self, host: &mut dyn Host, cfg: &Config, change: Change) -> Result<(), String> {
        let op = change.sql();
        let started = *self.started.get_or_insert_with(|| host.now_secs());
        let requests = plan(self.object, self.writes, change, started)
            .map_err(|e| self.failed(op, e, "", 0))?;
        let Some((path, field, max, item)) = bulk(self.writes, change, &requests) else {
            // Rows keep their order: what waits in a batch goes first.
            self.flush(host, cfg)?;
            return self.send(host, cfg, op, &requests, 1);
        };
        let email = match change {
            Change::Insert(row) => email_of(row),
            _ => None,
        };
        let b = &self.batch;
        if b.path != path || email.as_ref().is_some_and(|e| b.emails.contains(e)) {
            self.flush(host, cfg)?;
        }
        let b = &mut self.batch;
        (b.path, b.field, b.max, b.op) = (path, field, max, op);
        b.emails.extend(email);
        if b.rows > 0 {
            b.items.push(',');
        }
        b.items.push_str(&item);
        b.rows += 1;
        if b.rows >= b.max {
            self.flush(host, cfg)?;
        }
        Ok(())
    }

    /// At the statement's end (`end_modify`): send the rows still waiting in a batch.
    pub fn finish(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<(), String> {
        self.flush(host, cfg)
    }

    fn flush(&mut self, host: &mut dyn Host, cfg: &Config) -> Result<(), String> {
        let b = core::mem::take(&mut self.batch);
        if b.rows == 0 {
            return Ok(());
        }
        let request = Request {
            method: Method::Post,
            body: match b.field {
                "" => cat(&["[", &b.items, "]"]),
                field => cat(&["{", &quote(field), ":[", &b.items, "]}"]),
            },
            path: b.path,
        };
        self.send(host, cfg, b.op, &[request], b.rows as u64)
    }

    /// Send one row's requests in order, or one bulk request for `rows` rows. Errors say
    /// what of the statement already reached Clerk, which no rollback undoes; a created
    /// row's id is told by a NOTICE, as the host refuses RETURNING.
    fn send(
        &mut self,
        host: &mut dyn Host,
        cfg: &Config,
        op: &str,
        requests: &[Request],
        rows: u64,
    ) -> Result<(), String> {
        let name = self.object.name;
        let mut done = String::new();
        let mut last = String::new();
        for r in requests {
            let what = cat(&[r.method.name(), " ", &r.path]);
            last = match client::write(host, cfg, name, r.method, &r.path, &r.body) {
                Ok(Some(body)) => body,
                Ok(None) => {
                    let e = cat(&[
                        "Clerk has nothing at ",
                        &r.path,
                        " (HTTP 404): the row may have been deleted meanwhile, or an id is wrong",
                    ]);
                    return Err(self.failed(op, e, &done, rows));
                }
                Err(e) if !e.maybe_applied => return Err(self.failed(op, e.message, &done, rows)),
                Err(e) => {
                    let e = cat(&[
                        &e.message,
                        "; Clerk may or may not have applied ",
                        &what,
                        ": check before running the statement again",
                    ]);
                    return Err(self.failed(op, e, &done, rows));
                }
            };
            if !done.is_empty() {
                done.push_str(", ");
            }
            done.push_str(&what);
        }
        self.written += rows;
        if op == "INSERT" {
            // One created object, or a bulk request's, in order.
            if let Ok(v) = json::parse(&last) {
                let mut tell = |v: json::Val| {
                    if let Some(id) = v.get("id").and_then(|id| id.as_str()) {
                        host.notice(&cat(&["clerk_fdw: created ", name, " ", &id]));
                    }
                };
                match v.kind() {
                    Kind::Array => v.items().for_each(&mut tell),
                    _ => tell(v),
                }
            }
        }
        Ok(())
    }

    /// The message of a failed row, or of a failed bulk request for `rows` rows.
    fn failed(&self, op: &str, problem: String, done: &str, rows: u64) -> String {
        let mut msg = fill(
            "{op} on {object} stopped: {problem}",
            &[
                ("op", op),
                ("object", self.object.name),
                ("problem", &problem),
            ],
        );
        if !done.is_empty() {
            msg.push_str(&cat(&["; for this row, ", done, " had already succeeded"]));
        }
        if rows > 1 {
            msg.push_str(&fill(
                "; rows {from} to {to} of the statement went to Clerk in that one request",
                &[
                    ("from", &int(self.written as i64 + 1)),
                    ("to", &int((self.written + rows) as i64)),
                ],
            ));
        }
        if self.written > 0 {
            msg.push_str(&fill(
                "; {n} earlier row(s) of this statement were written to Clerk and stay \
                 written (Postgres cannot roll back Clerk)",
                &[("n", &int(self.written as i64))],
            ));
        }
        msg
    }
}

/// Where a row goes when the object has a bulk endpoint for this change: the bulk path,
/// the body's array field, the batch size, and the row's element of the array.
fn bulk(
    w: &Writes,
    change: Change,
    requests: &[Request],
) -> Option<(String, &'static str, usize, String)> {
    let [r] = requests else { return None };
    match change {
        Change::Insert(_) if w.bulk > 1 => {
            Some((cat(&[&r.path, "/bulk"]), "", w.bulk, r.body.clone()))
        }
        Change::Update(Cell::String(id), [(column, Some(Cell::Bool(on)))]) => {
            let s = w.bulk_switch.filter(|s| s.column == column)?;
            let path = s.paths[usize::from(!on)];
            Some((path.into(), s.field, s.max, quote(id)))
        }
        _ => None,
    }
}

/// The email address an INSERT row sets, lowercased as Clerk compares them.
fn email_of(row: &Cells) -> Option<String> {
    row.iter().find_map(|(name, cell)| match cell {
        Some(Cell::String(e)) if name == "email_address" => Some(e.to_ascii_lowercase()),
        _ => None,
    })
}

/// The requests for one row, in the order they are sent.
/// `started`: when the statement began (Unix seconds), for keys Clerk dedupes by.
pub fn plan(
    object: &Object,
    w: &Writes,
    change: Change,
    started: i64,
) -> Result<Vec<Request>, String> {
    Ok(match change {
        Change::Insert(row) => vec![insert(object, w, row)?],
        Change::Update(rowid, row) => update(object, w, rowid, row, started)?,
        Change::Delete(rowid) => vec![delete(object, w, rowid)?],
    })
}

/// The checks of `begin_modify`: the object is writable, the server allows writes, and the
/// table's `rowid_column` is the one its rows are addressed by.
pub fn target(
    object: &'static Object,
    allow_writes: bool,
    rowid_column: &str,
) -> Result<&'static Writes, String> {
    let Some(writes) = object.writes else {
        let mut writable = String::new();
        for o in OBJECTS.iter().filter(|o| o.writes.is_some()) {
            if !writable.is_empty() {
                writable.push_str(", ");
            }
            writable.push_str(o.name);
        }
        return Err(fill(
            "{object} is read-only: clerk_fdw does not write it (Clerk's Backend API has no \
             such endpoint, or changes to it belong in the Clerk dashboard); the objects \
             INSERT, UPDATE and DELETE can change are {writable}",
            &[("object", object.name), ("writable", &writable)],
        ));
    };
    if !allow_writes {
        return Err(fill(
            "writes to Clerk are off for this server, so nothing was sent for {object}: \
             INSERT, UPDATE and DELETE change your Clerk instance directly and cannot be \
             rolled back. To allow them: ALTER SERVER … OPTIONS (ADD allow_writes 'true')",
            &[("object", object.name)],
        ));
    }
    let wanted = object.rowid_column();
    if rowid_column != wanted {
        return Err(fill(
            "{object}: the table option rowid_column is '{given}', but rows of {object} are \
             addressed by the column {wanted}: ALTER FOREIGN TABLE … OPTIONS (SET \
             rowid_column '{wanted}'), and declare the column if it is missing",
            &[
                ("object", object.name),
                ("given", rowid_column),
                ("wanted", wanted),
            ],
        ));
    }
    Ok(writes)
}

/// INSERT: one `POST`. Columns the statement left out arrive as NULL and are not sent.
pub fn insert(object: &Object, w: &Writes, row: &Cells) -> Result<Request, String> {
    let Some(mut path) = w.create.map(String::from) else {
        return Err(cat(&[
            object.name,
            " rows cannot be created through Clerk's API",
        ]));
    };
    let mut body = Body::default();
    let mut attrs = None;
    for (name, cell) in row {
        let Some(cell) = cell else { continue };
        if name == "attrs" {
            attrs = Some(cell);
            continue;
        }
        let s = settable(object, w.insert, "INSERT", name, true)?;
        if s.put == Put::Parent {
            let Cell::String(id) = cell else {
                return Err(bad_value(object, name, "must be text"));
            };
            path = crate::path::fill_first(&path, id)
                .ok_or_else(|| bad_value(object, name, "must be an id (not empty, . or ..)"))?;
        } else {
            body.add(object, s, cell)?;
        }
    }
    if find(&path, "{}").is_some() {
        let parent = w.insert.iter().find(|s| s.put == Put::Parent);
        return Err(fill(
            "INSERT into {object} needs {column}: Clerk creates the row under it",
            &[
                ("object", object.name),
                ("column", parent.map_or("", |s| s.column)),
            ],
        ));
    }
    if let Some(attrs) = attrs {
        body.merge_attrs(object, attrs)?;
    }
    Ok(Request {
        method: Method::Post,
        path,
        body: body.finish(),
    })
}

/// UPDATE: the SET columns only. Plain fields (and `attrs`) go to one `PATCH`, metadata to
/// one `PUT …/metadata`, then one `POST` per action (ban, lock, revoke), in that order.
pub fn update(
    object: &Object,
    w: &Writes,
    rowid: &Cell,
    row: &Cells,
    started: i64,
) -> Result<Vec<Request>, String> {
    if w.update.is_empty() {
        return Err(fill(
            "{object} rows cannot be changed in Clerk: DELETE the row and INSERT a new one",
            &[("object", object.name)],
        ));
    }
    // A credit balance's rowid ends with the balance the scan read: `user_1/1500`.
    let mut read = None;
    let mut owned = None;
    if let (Some(Put::Credit), Cell::String(id)) = (w.update.first().map(|s| s.put), rowid) {
        if let Some(at) = find(id, "/") {
            owned = id.get(..at).map(|ids| Cell::String(ids.into()));
            read = id
                .get(at + 1..)
                .and_then(crate::text::parse_i64)
                .map(|b| (id, b));
        }
    }
    let address = address(object, w, owned.as_ref().unwrap_or(rowid))?;
    if row.is_empty() {
        // The host drops the rowid column from the SET columns: it cannot change.
        return Err(fill(
            "UPDATE of {object} cannot change {column}: it is the row's id in Clerk",
            &[("object", object.name), ("column", object.rowid_column())],
        ));
    }
    let mut patch = Body::default();
    let mut metadata = Body::default();
    let mut actions = Vec::new();
    let mut attrs = None;
    // `attrs` adds fields to the PATCH, so only where there is one.
    let patches = w.has_patch();
    for (name, cell) in row {
        if name == "attrs" && patches {
            attrs = cell.as_ref();
            continue;
        }
        let s = settable(object, w.update, "UPDATE", name, patches)?;
        // `POST {row}/action`, or a DELETE whose query string asks for a variant of it
        // (`?end_now=true` ends a subscription item now).
        let action = |suffix: &str| Request {
            method: match suffix.as_bytes() {
                [b'?', ..] => Method::Delete,
                _ => Method::Post,
            },
            path: cat(&[&address, suffix]),
            body: String::new(),
        };
        match (s.put, cell) {
            (Put::Metadata, None) => metadata.add_raw(name, "{}"),
            (Put::Metadata, Some(cell)) => metadata.add(object, s, cell)?,
            (Put::Switch([on, off]), Some(Cell::Bool(b))) => {
                actions.push(action(if *b { on } else { off }))
            }
            (Put::Switch(..), _) => return Err(bad_value(object, name, "must be true or false")),
            (Put::Refused(why), _) => return Err(bad_value(object, name, why)),
            (Put::Credit, None) => {
                return Err(bad_value(
                    object,
                    name,
                    "cannot be NULL (one never set reads NULL): add to coalesce(balance, 0)",
                ))
            }
            (Put::Credit, Some(cell)) => {
                if let Some(r) = credit(object, name, &address, read, cell, started)? {
                    actions.push(r)
                }
            }
            (Put::Action([suffix, _]), Some(cell)) => {
                let mut body = Body::default();
                body.add(object, s, cell)?;
                actions.push(Request {
                    body: body.finish(),
                    ..action(suffix)
                })
            }
            (Put::Status(moves), cell) => {
                let to = match cell {
                    Some(Cell::String(v)) => moves.iter().find(|[value, _]| value == v),
                    _ => None,
                };
                let Some([_, suffix]) = to else {
                    let mut values = String::new();
                    for (i, [value, _]) in moves.iter().enumerate() {
                        values.push_str(if i == 0 { "'" } else { "' or '" });
                        values.push_str(value);
                    }
                    return Err(bad_value(
                        object,
                        name,
                        &cat(&["can only be set to ", &values, "' (Clerk's own actions)"]),
                    ));
                };
                actions.push(action(suffix))
            }
            (_, Some(cell)) => patch.add(object, s, cell)?,
            (_, None) => {
                return Err(bad_value(
                    object,
                    name,
                    "cannot be set to NULL: Clerk ignores a null here, so nothing would \
                     change; set a value instead",
                ))
            }
        }
    }
    if let Some(attrs) = attrs {
        patch.merge_attrs(object, attrs)?;
    }
    let mut out = Vec::new();
    if !patch.is_empty() {
        if w.patch_needs
            .iter()
            .any(|need| !row.iter().any(|(n, _)| n == need))
        {
            let (mut names, mut keep) = (String::new(), String::new());
            for (i, n) in w.patch_needs.iter().enumerate() {
                if i > 0 {
                    names.push_str(" and ");
                    keep.push_str(", ");
                }
                names.push_str(n);
                keep.push_str(&cat(&[n, " = ", n]));
            }
            return Err(fill(
                "UPDATE of {object} must also set {names}, as Clerk requires them in every \
                 change: keep them as they are with SET {keep}",
                &[("object", object.name), ("names", &names), ("keep", &keep)],
            ));
        }
        out.push(Request {
            method: Method::Patch,
            path: address.clone(),
            body: patch.finish(),
        });
    }
    if !metadata.is_empty() {
        out.push(Request {
            method: Method::Put,
            path: cat(&[&address, "/metadata"]),
            body: metadata.finish(),
        });
    }
    out.append(&mut actions);
    Ok(out)
}

/// The ledger entry that takes a credit balance to `cell` from the balance the scan read
/// (`read`: the rowid and that balance): none when they are equal, so running the
/// statement twice changes it once. The idempotency key names the payer, the balance read,
/// the change and the statement's start: a host retry sends the same one, another
/// statement another.
fn credit(
    object: &Object,
    column: &str,
    address: &str,
    read: Option<(&String, i64)>,
    cell: &Cell,
    started: i64,
) -> Result<Option<Request>, String> {
    // The column is bigint (`import foreign schema` declares it so).
    let balance = match cell {
        Cell::I64(v) => Some(*v),
        _ => None,
    };
    let change = read
        .zip(balance)
        .and_then(|((id, old), new)| Some((id, new.checked_sub(old)?)));
    let Some((id, change)) = change else {
        return Err(bad_value(object, column, "must be a bigint of cents"));
    };
    if change == 0 {
        return Ok(None);
    }
    let key = cat(&["clerk_fdw/", id, "/", &int(change), "/", &int(started)]);
    let verb = if change > 0 { "increase" } else { "decrease" };
    let mut body = Body::default();
    body.add_raw("amount", &int(change.unsigned_abs() as i64));
    body.add_raw("action", &quote(verb));
    body.add_raw("idempotency_key", &quote(&key));
    Ok(Some(Request {
        method: Method::Post,
        path: address.into(),
        body: body.finish(),
    }))
}

/// DELETE: `DELETE` of the row, or a revoke for invitations.
pub fn delete(object: &Object, w: &Writes, rowid: &Cell) -> Result<Request, String> {
    let address = address(object, w, rowid)?;
    match w.delete {
        Delete::Delete | Delete::Cancel => Ok(Request {
            method: Method::Delete,
            path: address,
            body: String::new(),
        }),
        Delete::Revoke(body) => Ok(Request {
            method: Method::Post,
            path: cat(&[&address, "/revoke"]),
            body: body.into(),
        }),
        Delete::Refused => Err(fill(
            "{object} rows cannot be deleted through Clerk's API",
            &[("object", object.name)],
        )),
    }
}

/// The declaration of column `name` for this operation, or an error that lists the columns
/// it can set.
fn settable(
    object: &Object,
    allowed: &'static [Settable],
    op: &str,
    name: &str,
    attrs_ok: bool,
) -> Result<&'static Settable, String> {
    if let Some(s) = allowed.iter().find(|s| s.column == name) {
        return Ok(s);
    }
    let mut names = String::new();
    for (i, s) in allowed.iter().enumerate() {
        if i > 0 {
            names.push_str(", ");
        }
        names.push_str(s.column);
    }
    if attrs_ok {
        names.push_str(" and attrs (a jsonb object of further fields for Clerk's request body)");
    }
    let why = if name == "attrs" {
        "Clerk's endpoints for this change take no further fields"
    } else if object.column(name).is_some() {
        "Clerk sets it, or its API cannot change it this way"
    } else {
        "it is not a column clerk_fdw knows for this object"
    };
    Err(fill(
        "{object}.{column} cannot be set by {op}: {why}. {op} can set {names}",
        &[
            ("object", object.name),
            ("column", name),
            ("op", op),
            ("why", why),
            ("names", &names),
        ],
    ))
}

fn bad_value(object: &Object, column: &str, problem: &str) -> String {
    fill(
        "{object}.{column} {problem}",
        &[
            ("object", object.name),
            ("column", column),
            ("problem", problem),
        ],
    )
}

/// The row's path: each `{}` of the object's address filled from the rowid, split at `/`.
fn address(object: &Object, w: &Writes, rowid: &Cell) -> Result<String, String> {
    let Cell::String(id) = rowid else {
        return Err(bad_value(object, object.rowid_column(), "must be text"));
    };
    // A one-row table (the instance's settings) is addressed by no id.
    if crate::path::holes(w.row) == 0 {
        return Ok(w.row.into());
    }
    // The rowid's parts, joined by `/` (ids never contain one), one per hole.
    let mut parts = Vec::new();
    let mut rest = id.as_str();
    loop {
        match find(rest, "/") {
            Some(at) => {
                parts.push(rest.get(..at).unwrap_or(""));
                rest = rest.get(at + 1..).unwrap_or("");
            }
            None => {
                parts.push(rest);
                break;
            }
        }
    }
    let Some(path) = crate::path::fill(w.row, &parts) else {
        return Err(fill(
            "cannot find {object} '{id}' in Clerk: its {column} should be {n} id(s) joined \
             by '/', as clerk_fdw reads it",
            &[
                ("object", object.name),
                ("id", id),
                ("column", object.rowid_column()),
                ("n", &int(crate::path::holes(w.row) as i64)),
            ],
        ));
    };
    Ok(path)
}

/// A JSON object built field by field.
#[derive(Default)]
struct Body {
    text: String,
    /// Field names, to refuse an `attrs` key that a column already sets.
    keys: Vec<&'static str>,
}

impl Body {
    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn add_raw(&mut self, key: &str, value: &str) {
        self.member(&quote(key), value);
    }

    /// `"key": value`, the key already a JSON string literal.
    fn member(&mut self, quoted_key: &str, value: &str) {
        self.text.push(if self.text.is_empty() { '{' } else { ',' });
        self.text.push_str(quoted_key);
        self.text.push(':');
        self.text.push_str(value);
    }

    /// The column's value as its declaration says.
    fn add(&mut self, object: &Object, s: &'static Settable, cell: &Cell) -> Result<(), String> {
        let Some(value) = json_value(cell) else {
            let problem = match cell {
                Cell::Timestamp(_) | Cell::Timestamptz(_) | Cell::Date(_) => {
                    "is a date out of the range Clerk takes"
                }
                _ => "must be a whole number",
            };
            return Err(bad_value(object, s.column, problem));
        };
        let (key, value) = match s.put {
            Put::FieldAs(key) | Put::Action(&[_, key]) => (key, value),
            Put::List => (s.column, cat(&["[", &value, "]"])),
            Put::Metadata if json::parse(&value).map(|v| v.kind()) != Ok(Kind::Object) => {
                return Err(bad_value(
                    object,
                    s.column,
                    "must be a JSON object, like '{\"plan\": \"pro\"}'",
                ))
            }
            _ => (s.column, value),
        };
        self.keys.push(key);
        self.add_raw(key, &value);
        Ok(())
    }

    /// The members of `attrs`, a JSON object, as further fields.
    fn merge_attrs(&mut self, object: &Object, attrs: &Cell) -> Result<(), String> {
        let (Cell::Json(text) | Cell::String(text)) = attrs else {
            return Err(bad_value(object, "attrs", "must be a jsonb object"));
        };
        let parsed = json::parse(text).ok().filter(|v| v.kind() == Kind::Object);
        let Some(attrs) = parsed else {
            return Err(bad_value(object, "attrs", "must be a jsonb object"));
        };
        for (key, value) in attrs.fields() {
            if let Some(column) = self.keys.iter().find(|k| json::key_is(key, k)) {
                return Err(fill(
                    "{object}: attrs sets \"{column}\", which a column of the statement sets \
                     too; set it in one place",
                    &[("object", object.name), ("column", column)],
                ));
            }
            // `key` is the raw (still escaped) text between its quotes.
            self.member(&cat(&["\"", key, "\""]), value.raw);
        }
        Ok(())
    }

    fn finish(mut self) -> String {
        if self.text.is_empty() {
            self.text.push('{');
        }
        self.text.push('}');
        self.text
    }
}

/// A cell as JSON. Fractional numbers are refused: no writable field takes one, and
/// formatting floats would add kilobytes to the component.
fn json_value(cell: &Cell) -> Option<String> {
    let whole = |f: f64| {
        let i = f as i64;
        (i as f64 == f && i.unsigned_abs() < 1 << 53).then(|| int(i))
    };
    Some(match cell {
        Cell::Bool(b) => String::from(if *b { "true" } else { "false" }),
        Cell::I8(v) => int((*v).into()),
        Cell::I16(v) => int((*v).into()),
        Cell::I32(v) => int((*v).into()),
        Cell::I64(v) => int(*v),
        Cell::F32(v) => whole((*v).into())?,
        Cell::F64(v) | Cell::Numeric(v) => whole(*v)?,
        Cell::String(s) | Cell::Uuid(s) | Cell::Other(s) => quote(s),
        Cell::Json(s) => s.clone(),
        // The adapter hands timestamps over as RFC 3339 text, formatted by the host.
        Cell::Timestamp(_) | Cell::Timestamptz(_) | Cell::Date(_) => return None,
    })
}

#[cfg(test)]
mod tests;
