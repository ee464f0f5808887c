//! The object catalog: one declarative entry per foreign table. Everything object-specific
//! (endpoints, list shape, columns, derived values, pushable and required quals) lives here;
//! the planner, pager and projection are generic over it.

use crate::prelude::*;
use crate::text::{fill, trim_slashes};

use crate::model::PgType::{self, *};

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
    /// `col = x` / `col IN (…)` → repeated `param=x` (at most `max` per request).
    Values { max: usize },
    /// `col = x` only. `allowed` restricts values the endpoint accepts (others → not pushed).
    One {
        allowed: Option<&'static [&'static str]>,
    },
    /// `col = true/false`.
    Bool,
    /// `col > / >= t` → `param=<ms>` (sent one millisecond early: a superset either way).
    After,
    /// `col < / <= t` → `param=<ms>` (sent one millisecond late).
    Before,
}

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
}

#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub column: &'static str,
    pub param: &'static str,
    pub kind: FilterKind,
    pub syntax: Syntax,
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
/// the ~250 entries are part of the component, whose size is per-query latency.
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

#[derive(Debug)]
pub struct Object {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// The instance-wide list; None when a route is required.
    pub list: Option<Endpoint>,
    /// Single-object GETs (404 → no row); the answer must still have `column = x`.
    pub lookups: &'static [Lookup],
    /// Tried in order before the list; the first whose column is pinned wins.
    pub routes: &'static [Route],
    /// Extra parameters sent when a column is referenced.
    pub column_params: &'static [ColumnParam],
    /// Parameters always sent to the object's lists, its routes' included: they turn off
    /// Clerk's hidden defaults (`include_invalid`, `include_free`) so that every row comes back.
    pub list_params: &'static [Param],
    /// Rows the instance-wide list leaves out unless this parameter asks for them
    /// (`/invitations` hides revoked ones): read by a second pass when the query does not
    /// pin the parameter itself.
    pub unlisted: Option<Param>,
    /// Columns for IMPORT FOREIGN SCHEMA and derived values; `attrs` is appended.
    pub columns: &'static [Column],
    /// An endpoint answering `{"total_count": n}` for the list, for `count(*)` when the list
    /// itself has no total (users pages with a cursor). Offset-paged lists carry their
    /// total in every page, so they need none.
    pub count_path: Option<&'static str>,
    /// A child table: one row per element of this array field of each listed object.
    pub elements: Option<&'static str>,
    /// Largest page the endpoint serves, when below Clerk's usual 500.
    pub page_size: Option<u64>,
    /// INSERT, UPDATE and DELETE; None: the object is read-only.
    pub writes: Option<&'static Writes>,
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
    /// (`'revoked'` → `/revoke`). Other values are refused.
    Status(&'static [[&'static str; 2]]),
    /// INSERT: fills the create path's `{}` (the parent's id), not sent in the body.
    Parent,
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
    /// `POST {row}/revoke` (invitations cannot be deleted, only revoked).
    Revoke,
}

/// What a write may do to an object, and at which endpoints.
#[derive(Debug)]
pub struct Writes {
    /// The object's address: each `{}` is filled from the rowid, split at `/`.
    pub row: &'static str,
    /// INSERT is `POST` here (`{}`: the `Parent` column); None: INSERT is refused.
    pub create: Option<&'static str>,
    pub insert: &'static [Settable],
    /// Empty: UPDATE is refused. Plain fields go to one `PATCH {row}`.
    pub update: &'static [Settable],
    /// Fields Clerk requires in every PATCH, even unchanged.
    pub patch_needs: &'static [&'static str],
    pub delete: Delete,
}

impl Writes {
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

/// A top-level field of the same name.
const fn c(name: &'static str, ty: PgType) -> Column {
    macro_rules! field {
        ($($t:ident)*) => {
            match ty { $($t => &ColumnDef { ty: $t, src: Field },)* }
        };
    }
    Column {
        name,
        def: field!(Bool Char SmallInt Integer BigInt Real Double Numeric Text Date Timestamp
            Timestamptz Jsonb Uuid),
    }
}

/// A derived column: `d!(name, type, source)`.
macro_rules! d {
    ($name:expr, $ty:expr, $src:expr $(,)?) => {
        Column {
            name: $name,
            def: &ColumnDef { ty: $ty, src: $src },
        }
    };
}

use Src::Field;

const fn filter(column: &'static str, param: &'static str, kind: FilterKind) -> Filter {
    Filter {
        column,
        param,
        kind,
        syntax: Syntax::Exact,
    }
}

/// `column = x` or `IN (…)`: up to 100 values, each matched exactly.
const fn values(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::Values { max: 100 })
}

/// Like [`values`], but a leading `+`/`-` is Clerk's include/exclude marker.
const fn signed(column: &'static str, param: &'static str) -> Filter {
    Filter {
        syntax: Syntax::Signed,
        ..values(column, param)
    }
}

const fn one(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::One { allowed: None })
}

/// `column = x` sent to a partial-match search parameter.
const fn search(column: &'static str, param: &'static str) -> Filter {
    Filter {
        syntax: Syntax::Search,
        ..one(column, param)
    }
}

const fn boolean(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::Bool)
}

const fn one_of(
    column: &'static str,
    param: &'static str,
    allowed: &'static [&'static str],
) -> Filter {
    filter(
        column,
        param,
        FilterKind::One {
            allowed: Some(allowed),
        },
    )
}

const fn after(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::After)
}

const fn before(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::Before)
}

const fn lookup(column: &'static str, path: &'static str) -> Lookup {
    Lookup {
        column,
        field: column,
        path,
    }
}

/// A child table's rows for one user: `GET /users/{id}`, the user's own arrays.
const USER_BY_ID: Lookup = Lookup {
    column: "user_id",
    field: "id",
    path: "/users/{}",
};

const OFFSET: Paging = Paging::Offset { paginated: false };
const PAGINATED: Paging = Paging::Offset { paginated: true };

const fn list(path: &'static str, paging: Paging, filters: &'static [Filter]) -> Option<Endpoint> {
    Some(Endpoint {
        path,
        paging,
        filters,
    })
}

const INVITATION_STATUS: &[&str] = &["pending", "accepted", "revoked", "expired"];
const SESSION_STATUS: &[&str] = &[
    "abandoned",
    "active",
    "ended",
    "expired",
    "removed",
    "replaced",
    "revoked",
];

const USER_FILTERS: &[Filter] = &[
    signed("id", "user_id"),
    values("email_address", "email_address"),
    values("primary_email_address", "email_address"),
    values("phone_number", "phone_number"),
    values("primary_phone_number", "phone_number"),
    signed("external_id", "external_id"),
    values("username", "username"),
    boolean("banned", "banned"),
    after("created_at", "created_at_after"),
    before("created_at", "created_at_before"),
    after("last_active_at", "last_active_at_after"),
    before("last_active_at", "last_active_at_before"),
    after("last_sign_in_at", "last_sign_in_at_after"),
    before("last_sign_in_at", "last_sign_in_at_before"),
];

const SUBSCRIPTION_COLUMNS_TAIL: [Column; 11] = [
    c("id", Text),
    c("status", Text),
    c("payer_id", Text),
    c("active_at", Timestamptz),
    c("past_due_at", Timestamptz),
    c("eligible_for_free_trial", Bool),
    c("subscription_items", Jsonb),
    c("next_payment", Jsonb),
    c("instance_id", Text),
    c("created_at", Timestamptz),
    c("updated_at", Timestamptz),
];

const fn subscription_columns(owner: &'static str) -> [Column; 12] {
    let t = SUBSCRIPTION_COLUMNS_TAIL;
    [
        d!(owner, Text, Src::RouteValue),
        t[0],
        t[1],
        t[2],
        t[3],
        t[4],
        t[5],
        t[6],
        t[7],
        t[8],
        t[9],
        t[10],
    ]
}

const USER_SUBSCRIPTION_COLUMNS: [Column; 12] = subscription_columns("user_id");
const ORG_SUBSCRIPTION_COLUMNS: [Column; 12] = subscription_columns("organization_id");

const fn field(column: &'static str) -> Settable {
    Settable {
        column,
        put: Put::Field,
    }
}

const fn put(column: &'static str, put: Put) -> Settable {
    Settable { column, put }
}

const METADATA: Put = Put::Metadata;
const REVOKE: Put = Put::Status(&[["revoked", "/revoke"]]);

/// An object Clerk creates with `POST {list}` and deletes with `DELETE {list}/{id}`, and
/// whose row cannot change (identifiers, redirect URLs).
const fn insert_delete(
    row: &'static str,
    create: &'static str,
    insert: &'static [Settable],
) -> Writes {
    Writes {
        row,
        create: Some(create),
        insert,
        update: &[],
        patch_needs: &[],
        delete: Delete::Delete,
    }
}

/// Clerk's write endpoints, per object (from the Backend API spec).
static USER_WRITES: Writes = Writes {
    row: "/users/{}",
    create: Some("/users"),
    insert: &[
        put("email_address", Put::List),
        put("phone_number", Put::List),
        field("external_id"),
        field("first_name"),
        field("last_name"),
        field("username"),
        field("locale"),
        put("public_metadata", METADATA),
        put("private_metadata", METADATA),
        put("unsafe_metadata", METADATA),
        field("banned"),
        field("locked"),
        field("legal_accepted_at"),
        field("created_at"),
    ],
    update: &[
        field("external_id"),
        field("first_name"),
        field("last_name"),
        field("username"),
        field("locale"),
        field("primary_email_address_id"),
        field("primary_phone_number_id"),
        field("primary_web3_wallet_id"),
        put("public_metadata", METADATA),
        put("private_metadata", METADATA),
        put("unsafe_metadata", METADATA),
        put("banned", Put::Switch(&["/ban", "/unban"])),
        put("locked", Put::Switch(&["/lock", "/unlock"])),
        field("legal_accepted_at"),
        field("created_at"),
    ],
    patch_needs: &[],
    delete: Delete::Delete,
};

static ORGANIZATION_WRITES: Writes = Writes {
    row: "/organizations/{}",
    create: Some("/organizations"),
    insert: &[
        field("name"),
        field("slug"),
        field("max_allowed_memberships"),
        field("created_by"),
        put("public_metadata", METADATA),
        put("private_metadata", METADATA),
        field("created_at"),
    ],
    update: &[
        field("name"),
        field("slug"),
        field("max_allowed_memberships"),
        field("admin_delete_enabled"),
        put("public_metadata", METADATA),
        put("private_metadata", METADATA),
        field("created_at"),
    ],
    patch_needs: &[],
    delete: Delete::Delete,
};

static MEMBERSHIP_WRITES: Writes = Writes {
    row: "/organizations/{}/memberships/{}",
    create: Some("/organizations/{}/memberships"),
    insert: &[
        put("organization_id", Put::Parent),
        field("user_id"),
        field("role"),
        put("public_metadata", METADATA),
        put("private_metadata", METADATA),
    ],
    update: &[field("role")],
    patch_needs: &[],
    delete: Delete::Delete,
};

static ORG_INVITATION_WRITES: Writes = Writes {
    row: "/organizations/{}/invitations/{}",
    create: Some("/organizations/{}/invitations"),
    insert: &[
        put("organization_id", Put::Parent),
        field("email_address"),
        field("role"),
        put("inviter_id", Put::FieldAs("inviter_user_id")),
        put("public_metadata", METADATA),
        put("private_metadata", METADATA),
    ],
    update: &[put("status", REVOKE)],
    patch_needs: &[],
    delete: Delete::Revoke,
};

static INVITATION_WRITES: Writes = Writes {
    row: "/invitations/{}",
    create: Some("/invitations"),
    insert: &[field("email_address"), put("public_metadata", METADATA)],
    update: &[put("status", REVOKE)],
    patch_needs: &[],
    delete: Delete::Revoke,
};

static ALLOWLIST_WRITES: Writes = insert_delete(
    "/allowlist_identifiers/{}",
    "/allowlist_identifiers",
    &[field("identifier")],
);
static BLOCKLIST_WRITES: Writes = insert_delete(
    "/blocklist_identifiers/{}",
    "/blocklist_identifiers",
    &[field("identifier")],
);
static REDIRECT_URL_WRITES: Writes =
    insert_delete("/redirect_urls/{}", "/redirect_urls", &[field("url")]);

const JWT_TEMPLATE_FIELDS: &[Settable] = &[
    field("name"),
    field("claims"),
    field("lifetime"),
    field("allowed_clock_skew"),
    field("custom_signing_key"),
    field("signing_algorithm"),
];
static JWT_TEMPLATE_WRITES: Writes = Writes {
    row: "/jwt_templates/{}",
    create: Some("/jwt_templates"),
    insert: JWT_TEMPLATE_FIELDS,
    update: JWT_TEMPLATE_FIELDS,
    patch_needs: &["name", "claims"],
    delete: Delete::Delete,
};

static DOMAIN_WRITES: Writes = Writes {
    row: "/domains/{}",
    create: Some("/domains"),
    insert: &[field("name"), field("is_satellite"), field("proxy_url")],
    update: &[field("name"), field("proxy_url")],
    patch_needs: &[],
    delete: Delete::Delete,
};

const OAUTH_APPLICATION_FIELDS: &[Settable] = &[
    field("name"),
    field("redirect_uris"),
    field("scopes"),
    field("public"),
    field("consent_screen_enabled"),
    field("pkce_required"),
];
static OAUTH_APPLICATION_WRITES: Writes = Writes {
    row: "/oauth_applications/{}",
    create: Some("/oauth_applications"),
    insert: OAUTH_APPLICATION_FIELDS,
    update: OAUTH_APPLICATION_FIELDS,
    patch_needs: &[],
    delete: Delete::Delete,
};

static SESSION_WRITES: Writes = Writes {
    row: "/sessions/{}",
    create: None,
    insert: &[],
    update: &[put("status", REVOKE)],
    patch_needs: &[],
    delete: Delete::Revoke,
};

static WAITLIST_WRITES: Writes = Writes {
    row: "/waitlist_entries/{}",
    create: Some("/waitlist_entries"),
    insert: &[field("email_address")],
    update: &[put(
        "status",
        Put::Status(&[["invited", "/invite"], ["rejected", "/reject"]]),
    )],
    patch_needs: &[],
    delete: Delete::Delete,
};

static ORG_DOMAIN_WRITES: Writes = Writes {
    row: "/organizations/{}/domains/{}",
    create: Some("/organizations/{}/domains"),
    insert: &[
        put("organization_id", Put::Parent),
        field("name"),
        field("enrollment_mode"),
        field("verified"),
    ],
    update: &[field("enrollment_mode"), field("verified")],
    patch_needs: &[],
    delete: Delete::Delete,
};

pub static OBJECTS: &[Object] = &[
    // identifiers allowed to sign up
    Object {
        name: "allowlist_identifiers",
        list: list("/allowlist_identifiers", PAGINATED, &[]),
        columns: &[
            c("id", Text),
            c("identifier", Text),
            c("identifier_type", Text),
            c("invitation_id", Text),
            c("instance_id", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&ALLOWLIST_WRITES),
        ..Object::EMPTY
    },
    // identifiers blocked from signing up
    Object {
        name: "blocklist_identifiers",
        list: list("/blocklist_identifiers", Paging::Unpaged, &[]),
        columns: &[
            c("id", Text),
            c("identifier", Text),
            c("identifier_type", Text),
            c("instance_id", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&BLOCKLIST_WRITES),
        ..Object::EMPTY
    },
    // the instance's primary and satellite domains
    Object {
        name: "domains",
        list: list("/domains", Paging::Unpaged, &[]),
        columns: &[
            c("id", Text),
            c("name", Text),
            c("is_satellite", Bool),
            c("frontend_api_url", Text),
            c("accounts_portal_url", Text),
            c("proxy_url", Text),
            c("development_origin", Text),
            c("cname_targets", Jsonb),
        ],
        writes: Some(&DOMAIN_WRITES),
        ..Object::EMPTY
    },
    // application invitations (Clerk lists revoked ones only when asked: a second pass)
    Object {
        name: "invitations",
        unlisted: Some(Param {
            name: "status",
            value: "revoked",
        }),
        list: list(
            "/invitations",
            PAGINATED,
            &[
                one_of("status", "status", INVITATION_STATUS),
                search("id", "query"),
                search("email_address", "query"),
            ],
        ),
        columns: &[
            c("id", Text),
            c("email_address", Text),
            c("status", Text),
            c("revoked", Bool),
            c("url", Text),
            c("public_metadata", Jsonb),
            c("expires_at", Timestamptz),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&INVITATION_WRITES),
        ..Object::EMPTY
    },
    // JWT templates
    Object {
        name: "jwt_templates",
        list: list("/jwt_templates", PAGINATED, &[]),
        lookups: &[lookup("id", "/jwt_templates/{}")],
        columns: &[
            c("id", Text),
            c("name", Text),
            c("claims", Jsonb),
            c("lifetime", Integer),
            c("allowed_clock_skew", Integer),
            c("custom_signing_key", Bool),
            c("signing_algorithm", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&JWT_TEMPLATE_WRITES),
        ..Object::EMPTY
    },
    // OAuth applications (Clerk as identity provider)
    Object {
        name: "oauth_applications",
        list: list(
            "/oauth_applications",
            OFFSET,
            &[search("client_id", "name_query")],
        ),
        lookups: &[lookup("id", "/oauth_applications/{}")],
        columns: &[
            c("id", Text),
            c("instance_id", Text),
            c("name", Text),
            c("client_id", Text),
            c("client_uri", Text),
            c("client_image_url", Text),
            c("public", Bool),
            c("dynamically_registered", Bool),
            c("consent_screen_enabled", Bool),
            c("pkce_required", Bool),
            c("scopes", Text),
            c("redirect_uris", Jsonb),
            c("authorize_url", Text),
            c("token_fetch_url", Text),
            c("user_info_url", Text),
            c("discovery_url", Text),
            c("token_introspection_url", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&OAUTH_APPLICATION_WRITES),
        ..Object::EMPTY
    },
    // organizations
    Object {
        name: "organizations",
        list: list("/organizations", OFFSET, &[signed("id", "organization_id")]),
        lookups: &[
            lookup("id", "/organizations/{}"),
            lookup("slug", "/organizations/{}"),
        ],
        column_params: &[ColumnParam {
            column: "members_count",
            param: Param {
                name: "include_members_count",
                value: "true",
            },
        }],
        columns: &[
            c("id", Text),
            c("name", Text),
            c("slug", Text),
            c("image_url", Text),
            c("has_image", Bool),
            c("members_count", Integer),
            c("pending_invitations_count", Integer),
            c("max_allowed_memberships", Integer),
            c("admin_delete_enabled", Bool),
            c("public_metadata", Jsonb),
            c("private_metadata", Jsonb),
            c("created_by", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
            c("last_active_at", Timestamptz),
        ],
        writes: Some(&ORGANIZATION_WRITES),
        ..Object::EMPTY
    },
    // invitations to join an organization
    Object {
        name: "organization_invitations",
        list: list(
            "/organization_invitations",
            OFFSET,
            &[
                one_of("status", "status", INVITATION_STATUS),
                search("email_address", "query"),
            ],
        ),
        routes: &[
            Route {
                column: "organization_id",
                endpoint: Endpoint {
                    path: "/organizations/{}/invitations",
                    paging: OFFSET,
                    filters: &[
                        one_of("status", "status", INVITATION_STATUS),
                        one("email_address", "email_address"),
                    ],
                },
                by_id: Some("/organizations/{}/invitations/{}"),
                complete: false,
                param: None,
            },
            // The invitations sent to a user's addresses.
            Route {
                column: "user_id",
                endpoint: Endpoint {
                    path: "/users/{}/organization_invitations",
                    paging: OFFSET,
                    filters: &[one_of("status", "status", INVITATION_STATUS)],
                },
                by_id: None,
                complete: true,
                param: None,
            },
        ],
        columns: &[
            c("id", Text),
            d!(
                "organization_id",
                Text,
                Src::Any(&[
                    Field,
                    Src::Path(&["public_organization_data", "id"]),
                    Src::RouteValue,
                ]),
            ),
            c("email_address", Text),
            d!("user_id", Text, Src::RouteValue),
            c("role", Text),
            c("role_name", Text),
            c("status", Text),
            c("inviter_id", Text),
            c("url", Text),
            c("public_metadata", Jsonb),
            c("private_metadata", Jsonb),
            c("public_organization_data", Jsonb),
            c("expires_at", Timestamptz),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
            // The invitation's address in Clerk's API: organization id/invitation id.
            d!(
                "rowid",
                Text,
                Src::Joined(&[
                    Src::Any(&[
                        Src::Path(&["organization_id"]),
                        Src::Path(&["public_organization_data", "id"]),
                    ]),
                    Src::Path(&["id"]),
                ]),
            ),
        ],
        writes: Some(&ORG_INVITATION_WRITES),
        ..Object::EMPTY
    },
    // who belongs to which organization, with what role
    Object {
        name: "organization_memberships",
        list: list("/organization_memberships", OFFSET, &[]),
        routes: &[
            Route {
                column: "organization_id",
                endpoint: Endpoint {
                    path: "/organizations/{}/memberships",
                    paging: OFFSET,
                    filters: &[signed("user_id", "user_id")],
                },
                by_id: None,
                complete: true,
                param: None,
            },
            Route {
                column: "user_id",
                endpoint: Endpoint {
                    path: "/users/{}/organization_memberships",
                    paging: OFFSET,
                    filters: &[],
                },
                by_id: None,
                complete: true,
                param: None,
            },
        ],
        columns: &[
            c("id", Text),
            d!(
                "organization_id",
                Text,
                Src::Any(&[Src::Path(&["organization", "id"]), Src::RouteValue]),
            ),
            d!("user_id", Text, Src::Path(&["public_user_data", "user_id"]),),
            c("role", Text),
            c("role_name", Text),
            c("permissions", Jsonb),
            c("public_metadata", Jsonb),
            c("private_metadata", Jsonb),
            c("public_user_data", Jsonb),
            c("organization", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
            // The membership's address in Clerk's API: organization id/user id.
            d!(
                "rowid",
                Text,
                Src::Joined(&[
                    Src::Path(&["organization", "id"]),
                    Src::Path(&["public_user_data", "user_id"]),
                ]),
            ),
        ],
        writes: Some(&MEMBERSHIP_WRITES),
        ..Object::EMPTY
    },
    // allowed redirect URLs
    Object {
        name: "redirect_urls",
        list: list("/redirect_urls", PAGINATED, &[]),
        lookups: &[lookup("id", "/redirect_urls/{}")],
        columns: &[
            c("id", Text),
            c("url", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&REDIRECT_URL_WRITES),
        ..Object::EMPTY
    },
    // roles members can have in organizations (system and custom)
    Object {
        name: "organization_roles",
        list: list("/organization_roles", OFFSET, &[]),
        columns: &[
            c("id", Text),
            c("key", Text),
            c("name", Text),
            c("description", Text),
            c("is_creator_eligible", Bool),
            c("permissions", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // permissions that organization roles grant
    Object {
        name: "organization_permissions",
        list: list("/organization_permissions", OFFSET, &[]),
        columns: &[
            c("id", Text),
            c("key", Text),
            c("name", Text),
            c("description", Text),
            c("type", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // the sign-up waitlist
    Object {
        name: "waitlist_entries",
        list: list(
            "/waitlist_entries",
            OFFSET,
            &[
                one_of(
                    "status",
                    "status",
                    &["pending", "invited", "completed", "rejected"],
                ),
                search("email_address", "query"),
            ],
        ),
        columns: &[
            c("id", Text),
            c("email_address", Text),
            c("status", Text),
            c("is_locked", Bool),
            d!("invitation_id", Text, Src::Path(&["invitation", "id"])),
            c("invitation", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&WAITLIST_WRITES),
        ..Object::EMPTY
    },
    // domains of organizations (verified domains enroll members automatically)
    Object {
        name: "organization_domains",
        list: list(
            "/organization_domains",
            OFFSET,
            &[
                one("organization_id", "organization_id"),
                // Not `verified`: the spec does not say which of the domain's two
                // verifications it filters on.
                signed("enrollment_mode", "enrollment_mode"),
                values("name", "domains"),
            ],
        ),
        columns: &[
            c("id", Text),
            c("organization_id", Text),
            c("name", Text),
            c("enrollment_mode", Text),
            // The affiliation verification (`verification` is its deprecated alias).
            d!(
                "verified",
                Bool,
                Src::PathIs(&PathIs {
                    path: &["affiliation_verification", "status"],
                    value: "verified",
                })
            ),
            d!(
                "verification_status",
                Text,
                Src::Path(&["affiliation_verification", "status"])
            ),
            c("affiliation_email_address", Text),
            c("total_pending_invitations", Integer),
            c("total_pending_suggestions", Integer),
            d!(
                "verification",
                Jsonb,
                Src::Any(&[Src::Path(&["affiliation_verification"]), Field])
            ),
            c("affiliation_verification", Jsonb),
            // The DNS ownership proof; NULL until one was attempted.
            d!(
                "ownership_verification_status",
                Text,
                Src::Path(&["ownership_verification", "status"])
            ),
            c("ownership_verification", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
            // The domain's address in Clerk's API: organization id/domain id.
            d!(
                "rowid",
                Text,
                Src::Joined(&[Src::Path(&["organization_id"]), Src::Path(&["id"])]),
            ),
        ],
        writes: Some(&ORG_DOMAIN_WRITES),
        ..Object::EMPTY
    },
    // enterprise connections (SAML or OIDC; Clerk's successor to saml_connections)
    Object {
        name: "enterprise_connections",
        list: list(
            "/enterprise_connections",
            OFFSET,
            &[
                one("organization_id", "organization_id"),
                boolean("active", "active"),
            ],
        ),
        lookups: &[lookup("id", "/enterprise_connections/{}")],
        columns: &[
            c("id", Text),
            c("name", Text),
            c("provider", Text),
            c("active", Bool),
            c("organization_id", Text),
            c("domains", Jsonb),
            c("logo_public_url", Text),
            c("sync_user_attributes", Bool),
            c("allow_organization_account_linking", Bool),
            c("disable_additional_identifications", Bool),
            c("saml_connection", Jsonb),
            c("oauth_config", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // prices of billing plans
    Object {
        name: "billing_prices",
        aliases: &["billing/prices"],
        list: list("/billing/prices", PAGINATED, &[one("plan_id", "plan_id")]),
        columns: &[
            c("id", Text),
            c("plan_id", Text),
            c("currency", Text),
            c("amount", BigInt),
            c("annual_monthly_amount", BigInt),
            d!("fee_amount", BigInt, Src::Path(&["fee", "amount"])),
            c("fee", Jsonb),
            c("annual_monthly_fee", Jsonb),
            c("description", Text),
            c("is_default", Bool),
            c("supported_billing_periods", Text),
            c("instance_id", Text),
            c("created_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // API keys of a user or an organization (never their secrets: Clerk lists none)
    Object {
        name: "api_keys",
        routes: &[Route {
            column: "subject",
            endpoint: Endpoint {
                path: "/api_keys",
                paging: OFFSET,
                filters: &[one("type", "type")],
            },
            by_id: None,
            complete: true,
            param: Some("subject"),
        }],
        // Clerk lists only valid keys unless asked: revoked and expired ones are rows too.
        list_params: &[Param {
            name: "include_invalid",
            value: "true",
        }],
        page_size: Some(100),
        columns: &[
            c("id", Text),
            c("subject", Text),
            c("type", Text),
            c("name", Text),
            c("description", Text),
            c("scopes", Jsonb),
            c("claims", Jsonb),
            c("revoked", Bool),
            c("revocation_reason", Text),
            c("expired", Bool),
            c("expiration", Timestamptz),
            c("created_by", Text),
            c("last_used_at", Timestamptz),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // one row per email address of each user
    Object {
        name: "user_email_addresses",
        list: list(
            "/users",
            Paging::Cursor,
            &[
                signed("user_id", "user_id"),
                values("email_address", "email_address"),
            ],
        ),
        lookups: &[USER_BY_ID],
        elements: Some("email_addresses"),
        columns: &[
            c("id", Text),
            d!("user_id", Text, Src::Parent("id")),
            c("email_address", Text),
            d!(
                "is_primary",
                Bool,
                Src::IsParentField("primary_email_address_id")
            ),
            d!(
                "verification_status",
                Text,
                Src::Path(&["verification", "status"])
            ),
            d!(
                "verification_strategy",
                Text,
                Src::Path(&["verification", "strategy"])
            ),
            c("reserved", Bool),
            c("linked_to", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // one row per phone number of each user
    Object {
        name: "user_phone_numbers",
        list: list(
            "/users",
            Paging::Cursor,
            &[
                signed("user_id", "user_id"),
                values("phone_number", "phone_number"),
            ],
        ),
        lookups: &[USER_BY_ID],
        elements: Some("phone_numbers"),
        columns: &[
            c("id", Text),
            d!("user_id", Text, Src::Parent("id")),
            c("phone_number", Text),
            d!(
                "is_primary",
                Bool,
                Src::IsParentField("primary_phone_number_id")
            ),
            d!(
                "verification_status",
                Text,
                Src::Path(&["verification", "status"])
            ),
            d!(
                "verification_strategy",
                Text,
                Src::Path(&["verification", "strategy"])
            ),
            c("reserved_for_second_factor", Bool),
            c("default_second_factor", Bool),
            c("linked_to", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // one row per external account (OAuth provider) of each user
    Object {
        name: "user_external_accounts",
        list: list("/users", Paging::Cursor, &[signed("user_id", "user_id")]),
        lookups: &[USER_BY_ID],
        elements: Some("external_accounts"),
        columns: &[
            c("id", Text),
            d!("user_id", Text, Src::Parent("id")),
            c("provider", Text),
            c("provider_user_id", Text),
            c("email_address", Text),
            c("first_name", Text),
            c("last_name", Text),
            c("username", Text),
            c("image_url", Text),
            c("approved_scopes", Text),
            d!(
                "verification_status",
                Text,
                Src::Path(&["verification", "status"])
            ),
            c("public_metadata", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // one row per web3 wallet of each user
    Object {
        name: "user_web3_wallets",
        list: list("/users", Paging::Cursor, &[signed("user_id", "user_id")]),
        lookups: &[USER_BY_ID],
        elements: Some("web3_wallets"),
        columns: &[
            c("id", Text),
            d!("user_id", Text, Src::Parent("id")),
            c("web3_wallet", Text),
            d!(
                "is_primary",
                Bool,
                Src::IsParentField("primary_web3_wallet_id")
            ),
            d!(
                "verification_status",
                Text,
                Src::Path(&["verification", "status"])
            ),
            d!(
                "verification_strategy",
                Text,
                Src::Path(&["verification", "strategy"])
            ),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // a user's sessions (Clerk lists sessions per user; listing all is deprecated)
    Object {
        name: "sessions",
        lookups: &[lookup("id", "/sessions/{}")],
        routes: &[Route {
            column: "user_id",
            endpoint: Endpoint {
                path: "/sessions",
                paging: PAGINATED,
                filters: &[one_of("status", "status", SESSION_STATUS)],
            },
            by_id: None,
            complete: true,
            param: Some("user_id"),
        }],
        columns: &[
            c("id", Text),
            d!("user_id", Text, Src::Any(&[Field, Src::RouteValue])),
            c("client_id", Text),
            c("status", Text),
            c("last_active_at", Timestamptz),
            c("last_active_organization_id", Text),
            c("latest_activity", Jsonb),
            d!(
                "browser_name",
                Text,
                Src::Path(&["latest_activity", "browser_name"])
            ),
            d!(
                "browser_version",
                Text,
                Src::Path(&["latest_activity", "browser_version"])
            ),
            d!(
                "device_type",
                Text,
                Src::Path(&["latest_activity", "device_type"])
            ),
            d!(
                "is_mobile",
                Bool,
                Src::Path(&["latest_activity", "is_mobile"])
            ),
            d!(
                "ip_address",
                Text,
                Src::Path(&["latest_activity", "ip_address"])
            ),
            d!("city", Text, Src::Path(&["latest_activity", "city"])),
            d!("country", Text, Src::Path(&["latest_activity", "country"])),
            c("actor", Jsonb),
            c("tasks", Jsonb),
            c("expire_at", Timestamptz),
            c("abandon_at", Timestamptz),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&SESSION_WRITES),
        ..Object::EMPTY
    },
    // SAML connections (deprecated by Clerk in favour of enterprise connections)
    Object {
        name: "saml_connections",
        list: list(
            "/saml_connections",
            OFFSET,
            &[signed("organization_id", "organization_id")],
        ),
        lookups: &[lookup("id", "/saml_connections/{}")],
        columns: &[
            c("id", Text),
            c("name", Text),
            c("domain", Text),
            c("domains", Jsonb),
            c("organization_id", Text),
            c("provider", Text),
            c("active", Bool),
            c("user_count", Integer),
            c("idp_entity_id", Text),
            c("idp_sso_url", Text),
            c("idp_metadata_url", Text),
            c("idp_certificate_expires_at", Timestamptz),
            c("acs_url", Text),
            c("sp_entity_id", Text),
            c("sp_metadata_url", Text),
            c("sync_user_attributes", Bool),
            c("allow_subdomains", Bool),
            c("allow_idp_initiated", Bool),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // users, with their primary email address and phone number flattened
    Object {
        name: "users",
        list: list("/users", Paging::Cursor, USER_FILTERS),
        lookups: &[lookup("id", "/users/{}")],
        count_path: Some("/users/count"),
        columns: &[
            c("id", Text),
            c("external_id", Text),
            d!(
                "primary_email_address",
                Text,
                Src::Primary(&Pick {
                    id_field: "primary_email_address_id",
                    list: "email_addresses",
                    value: "email_address",
                }),
            ),
            d!(
                "email_address",
                Text,
                Src::Matched(&Pick {
                    id_field: "primary_email_address_id",
                    list: "email_addresses",
                    value: "email_address",
                }),
            ),
            d!(
                "primary_phone_number",
                Text,
                Src::Primary(&Pick {
                    id_field: "primary_phone_number_id",
                    list: "phone_numbers",
                    value: "phone_number",
                }),
            ),
            d!(
                "phone_number",
                Text,
                Src::Matched(&Pick {
                    id_field: "primary_phone_number_id",
                    list: "phone_numbers",
                    value: "phone_number",
                }),
            ),
            c("username", Text),
            c("first_name", Text),
            c("last_name", Text),
            c("image_url", Text),
            c("has_image", Bool),
            c("primary_email_address_id", Text),
            c("primary_phone_number_id", Text),
            c("primary_web3_wallet_id", Text),
            c("email_addresses", Jsonb),
            c("phone_numbers", Jsonb),
            c("web3_wallets", Jsonb),
            c("external_accounts", Jsonb),
            c("public_metadata", Jsonb),
            c("private_metadata", Jsonb),
            c("unsafe_metadata", Jsonb),
            c("password_enabled", Bool),
            c("two_factor_enabled", Bool),
            c("totp_enabled", Bool),
            c("backup_code_enabled", Bool),
            c("banned", Bool),
            c("locked", Bool),
            c("locale", Text),
            c("last_sign_in_at", Timestamptz),
            c("last_active_at", Timestamptz),
            c("legal_accepted_at", Timestamptz),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&USER_WRITES),
        ..Object::EMPTY
    },
    // billing plans (fees are Money objects; fee_amount is in cents)
    Object {
        name: "billing_plans",
        aliases: &["billing/plans"],
        list: list(
            "/billing/plans",
            PAGINATED,
            &[one_of("for_payer_type", "payer_type", &["user", "org"])],
        ),
        columns: &[
            c("id", Text),
            c("name", Text),
            c("slug", Text),
            c("description", Text),
            c("for_payer_type", Text),
            c("is_default", Bool),
            c("is_recurring", Bool),
            c("publicly_visible", Bool),
            c("has_base_fee", Bool),
            d!("fee_amount", BigInt, Src::Path(&["fee", "amount"])),
            d!("fee_currency", Text, Src::Path(&["fee", "currency"])),
            c("fee", Jsonb),
            c("annual_monthly_fee", Jsonb),
            c("annual_fee", Jsonb),
            c("free_trial_enabled", Bool),
            c("free_trial_days", BigInt),
            c("features", Jsonb),
            c("avatar_url", Text),
            c("product_id", Text),
        ],
        ..Object::EMPTY
    },
    // subscription items of users and organizations, free plans included
    Object {
        name: "billing_subscription_items",
        aliases: &["billing/subscription_items"],
        list: list(
            "/billing/subscription_items",
            PAGINATED,
            &[
                one_of(
                    "status",
                    "status",
                    &["active", "ended", "past_due", "upcoming"],
                ),
                one("plan_id", "plan_id"),
            ],
        ),
        // Clerk hides free-plan items by default; a table should show every row.
        list_params: &[Param {
            name: "include_free",
            value: "true",
        }],
        columns: &[
            c("id", Text),
            c("status", Text),
            c("plan_id", Text),
            c("price_id", Text),
            c("plan_period", Text),
            c("payer_id", Text),
            d!("user_id", Text, Src::Path(&["payer", "user_id"])),
            d!(
                "organization_id",
                Text,
                Src::Path(&["payer", "organization_id"]),
            ),
            c("is_free_trial", Bool),
            c("period_start", Timestamptz),
            c("period_end", Timestamptz),
            c("proration_date", Date),
            c("canceled_at", Timestamptz),
            c("past_due_at", Timestamptz),
            c("ended_at", Timestamptz),
            c("plan", Jsonb),
            c("payer", Jsonb),
            c("lifetime_paid", Jsonb),
            c("next_payment", Jsonb),
            c("instance_id", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // billing statements (timestamp is the creation time)
    Object {
        name: "billing_statements",
        // `billing/statement` is the Supabase wrapper's name for one statement, pinned by
        // `statement_id`: its tables keep working here.
        aliases: &["billing/statements", "billing/statement"],
        list: list("/billing/statements", PAGINATED, &[]),
        lookups: &[
            lookup("id", "/billing/statements/{}"),
            Lookup {
                column: "statement_id",
                field: "id",
                path: "/billing/statements/{}",
            },
        ],
        columns: &[
            c("id", Text),
            d!("statement_id", Text, Src::Path(&["id"])),
            c("status", Text),
            c("timestamp", Timestamptz),
            d!("payer_id", Text, Src::Path(&["payer", "id"])),
            d!("user_id", Text, Src::Path(&["payer", "user_id"])),
            d!(
                "organization_id",
                Text,
                Src::Path(&["payer", "organization_id"]),
            ),
            d!(
                "grand_total_amount",
                BigInt,
                Src::Path(&["totals", "grand_total", "amount"]),
            ),
            d!(
                "currency",
                Text,
                Src::Path(&["totals", "grand_total", "currency"]),
            ),
            c("payer", Jsonb),
            c("totals", Jsonb),
            c("groups", Jsonb),
            c("instance_id", Text),
        ],
        ..Object::EMPTY
    },
    // payment attempts of one billing statement
    Object {
        name: "billing_payment_attempts",
        aliases: &[
            "billing/statements/payment_attempts",
            "billing/payment_attempts",
        ],
        list: None,
        routes: &[Route {
            column: "statement_id",
            endpoint: Endpoint {
                path: "/billing/statements/{}/payment_attempts",
                paging: PAGINATED,
                filters: &[],
            },
            by_id: None,
            complete: true,
            param: None,
        }],
        columns: &[
            d!("statement_id", Text, Src::Any(&[Field, Src::RouteValue])),
            c("id", Text),
            c("payment_id", Text),
            c("status", Text),
            c("charge_type", Text),
            d!("amount_cents", BigInt, Src::Path(&["amount", "amount"])),
            d!("currency", Text, Src::Path(&["amount", "currency"])),
            c("amount", Jsonb),
            c("payer_id", Text),
            c("payee_id", Text),
            c("subscription_item_id", Text),
            c("payment_method_id", Text),
            c("payment_method", Jsonb),
            c("payer", Jsonb),
            c("gateway_external_id", Text),
            c("paid_at", Timestamptz),
            c("failed_at", Timestamptz),
            c("instance_id", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // a user's billing subscription
    Object {
        name: "user_billing_subscriptions",
        aliases: &["users/billing/subscription"],
        list: None,
        routes: &[Route {
            column: "user_id",
            endpoint: Endpoint {
                path: "/users/{}/billing/subscription",
                paging: Paging::Single,
                filters: &[],
            },
            by_id: None,
            complete: true,
            param: None,
        }],
        columns: &USER_SUBSCRIPTION_COLUMNS,
        ..Object::EMPTY
    },
    // an organization's billing subscription
    Object {
        name: "organization_billing_subscriptions",
        aliases: &["organizations/billing/subscription"],
        list: None,
        routes: &[Route {
            column: "organization_id",
            endpoint: Endpoint {
                path: "/organizations/{}/billing/subscription",
                paging: Paging::Single,
                filters: &[],
            },
            by_id: None,
            complete: true,
            param: None,
        }],
        columns: &ORG_SUBSCRIPTION_COLUMNS,
        ..Object::EMPTY
    },
];

/// Find an object by table-style or path-style name (case-insensitive, slashes trimmed).
pub fn find(name: &str) -> Option<&'static Object> {
    let n = trim_slashes(name.trim_ascii()).to_ascii_lowercase();
    OBJECTS
        .iter()
        .find(|o| o.name == n || o.aliases.contains(&n.as_str()))
}

/// The error for an unknown `object` option, listing what is valid.
pub fn unknown_object(name: &str) -> String {
    let mut names = String::new();
    for o in OBJECTS {
        if !names.is_empty() {
            names.push_str(", ");
        }
        names.push_str(o.name);
    }
    fill(
        "unknown object '{name}' in the foreign table option 'object'; valid objects: {valid}",
        &[("name", name.trim_ascii()), ("valid", &names)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_is_found_by_name_and_alias() {
        assert_eq!(OBJECTS.len(), 30);
        for o in OBJECTS {
            assert_eq!(find(o.name).unwrap().name, o.name);
            for a in o.aliases {
                assert_eq!(find(a).unwrap().name, o.name, "alias {a}");
            }
        }
        assert_eq!(find(" /Billing/Plans/ ").unwrap().name, "billing_plans");
        assert_eq!(
            find("users/billing/subscription").unwrap().name,
            "user_billing_subscriptions"
        );
        assert!(find("session").is_none());
    }

    #[test]
    fn unknown_object_error_lists_valid_names() {
        let e = unknown_object("userz");
        assert!(e.contains("'userz'"));
        for o in OBJECTS {
            assert!(e.contains(o.name));
        }
    }

    #[test]
    fn catalog_is_consistent() {
        for o in OBJECTS {
            let mut names: Vec<&str> = o.columns.iter().map(|c| c.name).collect();
            assert!(names.contains(&"id"), "{} has an id column", o.name);
            assert!(!names.contains(&"attrs"), "attrs is appended, not declared");
            names.sort();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{} has duplicate columns", o.name);
            let endpoints = o.list.iter().chain(o.routes.iter().map(|r| &r.endpoint));
            for e in endpoints {
                assert!(e.path.starts_with('/') && !e.path.ends_with('/'));
                for f in e.filters {
                    assert!(
                        o.column(f.column).is_some(),
                        "{}: filter on {}",
                        o.name,
                        f.column
                    );
                }
            }
            for r in o.routes {
                assert!(
                    o.column(r.column).is_some(),
                    "{}: route {}",
                    o.name,
                    r.column
                );
                // The value goes in the path's one `{}`, or in the query parameter.
                let holes = crate::path::holes(r.endpoint.path);
                assert_eq!(holes, usize::from(r.param.is_none()), "{}", o.name);
            }
            for l in o.lookups {
                assert!(
                    o.column(l.column).is_some() && l.path.ends_with("/{}"),
                    "{}",
                    o.name
                );
            }
            // Objects without a list must have exactly one route, which is then required.
            assert_eq!(o.list.is_none(), o.required_route().is_some());
        }
    }

    #[test]
    fn write_declarations_are_consistent() {
        let holes = |p: &str| p.matches("{}").count();
        for o in OBJECTS {
            let Some(w) = o.writes else { continue };
            // The row's address takes as many ids as its rowid column joins.
            let parts = match o.column("rowid").map(|c| &c.def.src) {
                Some(Src::Joined(parts)) => parts.len(),
                _ => 1,
            };
            assert_eq!(holes(w.row), parts, "{}", o.name);
            // A create path takes one parent id, named by the one Parent column.
            let parents = w.insert.iter().filter(|s| s.put == Put::Parent).count();
            assert_eq!(w.create.map_or(0, holes), parents, "{}", o.name);
            assert_eq!(w.create.is_none(), w.insert.is_empty(), "{}", o.name);
            for s in w.insert.iter().chain(w.update) {
                assert!(o.column(s.column).is_some(), "{}.{}", o.name, s.column);
            }
            // Actions and replaced metadata belong to UPDATE; parents to INSERT.
            for s in w.insert {
                assert!(
                    !matches!(s.put, Put::Switch(_) | Put::Status(_)),
                    "{}",
                    o.name
                );
            }
            for s in w.update {
                assert!(!matches!(s.put, Put::Parent | Put::List), "{}", o.name);
            }
            for need in w.patch_needs {
                assert!(w.update.iter().any(|s| s.column == *need), "{}", o.name);
            }
        }
    }
}
