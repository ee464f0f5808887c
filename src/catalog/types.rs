//! The catalog's shapes: objects, endpoints, filters, columns and writes.

use crate::model::PgType;

/// How an endpoint pages, and so how its response is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `limit`/`offset`. With `paginated`, send `paginated=true` (bare array → envelope with
    /// `total_count`); without it the endpoint answers an envelope anyway.
    Offset { paginated: bool },
    /// `GET /users`: bare array, no total; `starting_after=<last id>` cursor paging.
    Cursor,
    /// No paging parameters at all (`/blocklist_identifiers`, `/domains`): one request.
    Unpaged,
    /// A single object, not a list.
    Single,
}

/// How a qual on a column becomes a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// `col = x` / `col IN (…)` → repeated `param=x` (at most [`MAX_VALUES`] per request).
    Values,
    /// `col = x` only.
    One,
    /// `col = true/false`.
    Bool,
    /// `col > / >= t` → `param=<ms>` (sent one millisecond early: a superset either way).
    After,
    /// `col < / <= t` → `param=<ms>` (sent one millisecond late).
    Before,
    /// `col LIKE / ILIKE pattern` → `param=<a literal run of the pattern>` (see `like.rs`),
    /// as the filter's `Syntax` allows.
    Like,
}

/// The values of an array parameter Clerk takes in one request (`user_id=…&user_id=…`).
pub const MAX_VALUES: usize = 100;

/// How Clerk reads a filter's value, as its description in the spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Matched as given.
    Exact,
    /// A leading `+` or `-` includes or excludes the value (`user_id=-user_1`): a value that
    /// starts with one is never sent, Postgres filters instead.
    Signed,
    /// A partial, case-insensitive match (`query`, `name_query`): a superset of the equal
    /// rows, which Postgres narrows.
    Search,
    /// A case-insensitive substring match, as the spec documents it (`name_query`,
    /// `email_address_query`, …): serves `LIKE`, and `ILIKE` with case-safe text.
    Contains,
    /// A partial match whose case and position the spec leaves open (`query` on
    /// organizations, roles, permissions): serves only a `LIKE` pattern that starts with
    /// its literal, which every reading of "partial" returns.
    Partial,
}

#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub column: &'static str,
    pub param: &'static str,
    pub kind: FilterKind,
    pub syntax: Syntax,
    /// When Clerk takes the parameter only under conditions (few filters have any).
    pub only: Option<&'static Only>,
}

/// Conditions on sending a filter. Behind a reference: a `Filter` stays 24 bytes, and the
/// ~80 filters are part of the component (size: see lib.rs).
#[derive(Debug, PartialEq, Eq)]
pub struct Only {
    /// The values the endpoint accepts (`status` of invitations): others are not pushed.
    /// Empty: any.
    pub values: &'static [&'static str],
    /// A parameter Clerk takes only together with this one (`provider` and
    /// `provider_user_id`): sent only when both are.
    pub with: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// Path under the API base; `{}` is replaced by a percent-encoded qual value.
    pub path: &'static str,
    pub paging: Paging,
    pub filters: &'static [Filter],
}

/// An endpoint chosen when the query pins `column` (`=` or `IN`): one request per value.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub column: &'static str,
    pub endpoint: Endpoint,
    /// The query parameter that carries the route's value (`/sessions?user_id=…`); None:
    /// the value fills the path's `{}`.
    pub param: Option<&'static str>,
    /// False when Clerk's list leaves some of the parent's rows out (the spec says
    /// `/organizations/{id}/invitations` omits those an organization domain created): then
    /// the route serves only `by_id`, and a list query reads the instance-wide list.
    pub complete: bool,
    /// `GET` of one object under the route's parent, used when `id = x` is pinned too:
    /// the first `{}` is the route's value, the second the id.
    pub by_id: Option<&'static str>,
}

/// A value picked from a list of objects (behind a reference: it keeps `Src` small).
#[derive(Debug, PartialEq, Eq)]
pub struct Pick {
    pub id_field: &'static str,
    pub list: &'static str,
    pub value: &'static str,
}

/// Where a column's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Src {
    /// The top-level field with the column's own name.
    Field,
    /// A nested field.
    Path(&'static [&'static str]),
    /// The element of `list` whose `id` equals the object's `id_field`, its `value` field.
    Primary(&'static Pick),
    /// The element of `list` whose `value` matched the WHERE clause on this column
    /// (case-insensitively), else the primary one: keeps `WHERE email_address = x` true for a
    /// user whose secondary address is x.
    Matched(&'static Pick),
    /// The value of the route's qual (objects that do not carry their parent's id).
    RouteValue,
    /// The first of these that is not NULL.
    Any(&'static [Src]),
    /// The whole object.
    Attrs,
    /// A field of the parent object (a child table's row is an element of its parent's
    /// array: `user_id` of an email address is the user's `id`).
    Parent(&'static str),
    /// Whether this element is the one the parent's field names (`is_primary`).
    IsParentField(&'static str),
    /// Whether a nested field has a given value (`verified`: the verification's status is
    /// "verified"); false when it is missing.
    PathIs(&'static PathIs),
    /// These values joined with `/`, NULL if one is missing: the `rowid` of an object whose
    /// address in Clerk's API takes two ids (a membership: organization and user).
    Joined(&'static [Src]),
    /// This text (the fallback of an `Any`).
    Const(&'static str),
}

/// A nested field compared with a constant (behind a reference: it keeps `Src` small).
#[derive(Debug, PartialEq, Eq)]
pub struct PathIs {
    pub path: &'static [&'static str],
    pub value: &'static str,
}

/// A declared column's type (for IMPORT FOREIGN SCHEMA) and where its value comes from.
#[derive(Debug)]
pub struct ColumnDef {
    pub ty: PgType,
    pub src: Src,
}

/// One column an object declares. The definition is a shared reference (all plain text
/// columns point at one `ColumnDef`), so an entry is 12 bytes, not 40 with an inline `Src`:
/// the ~250 entries are part of the component (size: see lib.rs).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub def: &'static ColumnDef,
}

/// `column = x` answered by one `GET path` with x in place of `{}`; the answer's `field`
/// must still be x (a slug lookup also finds by id).
#[derive(Debug, Clone, Copy)]
pub struct Lookup {
    pub column: &'static str,
    pub field: &'static str,
    pub path: &'static str,
}

/// A query parameter sent as is.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub value: &'static str,
}

/// A parameter sent only when the query uses `column` (Clerk computes it on request).
#[derive(Debug, Clone, Copy)]
pub struct ColumnParam {
    pub column: &'static str,
    pub param: Param,
}

/// One foreign table. The fields most objects leave empty come last, in one run of zero
/// bytes that the build packs away (`repr(C)` keeps this order; the table is part of the
/// component: size, see lib.rs).
#[derive(Debug)]
#[repr(C)]
pub struct Object {
    pub name: &'static str,
    /// Columns for IMPORT FOREIGN SCHEMA and derived values; `attrs` is appended.
    pub columns: &'static [Column],
    /// The instance-wide list; None when a route is required.
    pub list: Option<Endpoint>,
    /// Single-object GETs (404 → no row); the answer must still have `column = x`.
    pub lookups: &'static [Lookup],
    /// Tried in order before the list; the first whose column is pinned wins.
    pub routes: &'static [Route],
    pub aliases: &'static [&'static str],
    /// Extra parameters sent when a column is referenced.
    pub column_params: &'static [ColumnParam],
    /// Parameters always sent to the object's lists, its routes' included: they turn off
    /// Clerk's hidden defaults (`include_invalid`, `include_free`) so that every row comes back.
    pub list_params: &'static [Param],
    /// Timestamp columns the list can be ordered by (`order_by=±column`) and no filter
    /// bounds: a range condition on one reads in that order and stops at the first page
    /// with a row past the bound (`updated_at > last_sync`: one request for a few rows).
    pub sorted: &'static [&'static str],
    /// INSERT, UPDATE and DELETE; None: the object is read-only.
    pub writes: Option<&'static Writes>,
    /// Rows the instance-wide list leaves out unless this parameter asks for them
    /// (`/invitations` hides revoked ones): read by a second pass when the query does not
    /// pin the parameter itself.
    pub unlisted: Option<&'static Param>,
    /// The field of a list answer that holds the rows, when not `data` (`m2m_tokens`).
    pub rows_field: Option<&'static str>,
    /// An endpoint answering `{"total_count": n}` for the list, for `count(*)` when the list
    /// itself has no total (users pages with a cursor). Offset-paged lists carry their
    /// total in every page, so they need none.
    pub count_path: Option<&'static str>,
    /// A child table: one row per element of this array field of each listed object.
    pub elements: Option<&'static str>,
    /// Largest page the endpoint serves, when below Clerk's usual 500.
    pub page_size: Option<u16>,
}

/// How a column's value reaches Clerk in a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// The body field of the column's name, as the cell's type gives it.
    Field,
    /// A body field of another name (`inviter_id` → `inviter_user_id`).
    FieldAs(&'static str),
    /// A one-element array (`email_address` → `"email_address": ["a@b.co"]`).
    List,
    /// A JSON object. On UPDATE it replaces the stored one (`PUT {row}/metadata`), and NULL
    /// empties it.
    Metadata,
    /// UPDATE of a boolean: `POST {row}{on}` for true, `POST {row}{off}` for false.
    Switch(&'static [&'static str; 2]),
    /// UPDATE of a status to one of these values: `[value, suffix]` → `POST {row}{suffix}`
    /// (`'revoked'` → `/revoke`), or `DELETE {row}{suffix}` when the suffix is a query
    /// string (`'ended'` → `?end_now=true`). Other values are refused.
    Status(&'static [[&'static str; 2]]),
    /// INSERT: fills the create path's `{}` (the parent's id), not sent in the body.
    Parent,
    /// UPDATE: `[suffix, field]` → `POST {row}{suffix}` with the value as `field`
    /// (`period_end` of a trial → `/extend_free_trial` with `extend_to`).
    Action(&'static [&'static str; 2]),
    /// UPDATE of a credit balance, in cents: one `POST {row}` of the difference from the
    /// balance the scan read (the rowid's last part), as an increase or a decrease, with an
    /// idempotency key of the payer, the balance read, the change and the statement's start.
    Credit,
    /// Refused, for this reason: a change Clerk's API can make, but not as SET says.
    Refused(&'static str),
}

/// A column a write may set.
#[derive(Debug, Clone, Copy)]
pub struct Settable {
    pub column: &'static str,
    pub put: Put,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delete {
    /// `DELETE {row}`.
    Delete,
    /// `POST {row}/revoke` with this body (invitations cannot be deleted, only revoked;
    /// an M2M token's revoke requires a JSON body, `{}`).
    Revoke(&'static str),
    /// Clerk's API has no way to delete the object.
    Refused,
    /// `DELETE {row}`, which Clerk takes as "cancel at the end of the current billing
    /// period": the row stays (a subscription item).
    Cancel,
}

/// UPDATE that sets only this `Switch` column: one `POST` of `{"<field>": [ids]}` to
/// `paths[0]` (true) or `paths[1]` (false) per `max` rows.
#[derive(Debug)]
pub struct BulkSwitch {
    pub column: &'static str,
    pub paths: [&'static str; 2],
    pub field: &'static str,
    pub max: usize,
}

/// What a write may do to an object, and at which endpoints. The rarely set fields come
/// last, in one run of zero bytes (`repr(C)`; size, as for [`Object`]).
#[derive(Debug)]
#[repr(C)]
pub struct Writes {
    /// The object's address: each `{}` is filled from the rowid, split at `/`.
    pub row: &'static str,
    /// INSERT is `POST` here (`{}`: the `Parent` column); None: INSERT is refused.
    pub create: Option<&'static str>,
    pub insert: &'static [Settable],
    /// Empty: UPDATE is refused. Plain fields go to one `PATCH {row}`.
    pub update: &'static [Settable],
    pub delete: Delete,
    /// Fields Clerk requires in every PATCH, even unchanged.
    pub patch_needs: &'static [&'static str],
    /// INSERT: `POST {create}/bulk` with up to this many rows as one JSON array, a lone
    /// row too (0: one `POST {create}` per row).
    pub bulk: usize,
    pub bulk_switch: Option<&'static BulkSwitch>,
}

impl Writes {
    /// The defaults every declaration starts from (`..Writes::NONE`): nothing allowed.
    pub const NONE: Writes = Writes {
        row: "",
        create: None,
        insert: &[],
        update: &[],
        patch_needs: &[],
        delete: Delete::Refused,
        bulk: 0,
        bulk_switch: None,
    };

    /// Whether UPDATE has plain fields, sent in one `PATCH {row}` (which `attrs` can extend).
    pub fn has_patch(&self) -> bool {
        self.update
            .iter()
            .any(|s| matches!(s.put, Put::Field | Put::FieldAs(_)))
    }
}

impl Object {
    /// The defaults every entry starts from (`..Object::EMPTY`).
    pub const EMPTY: Object = Object {
        name: "",
        aliases: &[],
        list: None,
        lookups: &[],
        routes: &[],
        column_params: &[],
        list_params: &[],
        unlisted: None,
        sorted: &[],
        rows_field: None,
        columns: &[],
        count_path: None,
        elements: None,
        page_size: None,
        writes: None,
    };

    /// The route that must be used (objects with no instance-wide list).
    pub fn required_route(&self) -> Option<&'static Route> {
        if self.list.is_none() {
            self.routes.first()
        } else {
            None
        }
    }

    /// The field of a list answer that holds the rows.
    pub fn rows_field(&self) -> &'static str {
        self.rows_field.unwrap_or("data")
    }

    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column that identifies a row to UPDATE and DELETE (the `rowid_column` option):
    /// `rowid` where Clerk addresses the object by two ids, else `id`.
    pub fn rowid_column(&self) -> &'static str {
        if self.column("rowid").is_some() {
            "rowid"
        } else {
            "id"
        }
    }
}
