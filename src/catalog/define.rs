//! Constructors the object table is written with (`c`, `d!`, filters, lists).

use super::types::Src::Field;
use super::types::*;
use crate::model::PgType::{self, *};

/// A top-level field of the same name.
pub(super) const fn c(name: &'static str, ty: PgType) -> Column {
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

pub(super) const fn filter(column: &'static str, param: &'static str, kind: FilterKind) -> Filter {
    Filter {
        column,
        param,
        kind,
        syntax: Syntax::Exact,
        only: None,
    }
}

/// `column = x` or `IN (…)`: up to 100 values, each matched exactly.
pub(super) const fn values(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::Values)
}

/// Like [`values`], but a leading `+`/`-` is Clerk's include/exclude marker.
pub(super) const fn signed(column: &'static str, param: &'static str) -> Filter {
    Filter {
        syntax: Syntax::Signed,
        ..values(column, param)
    }
}

pub(super) const fn one(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::One)
}

/// `column = x` sent to a partial-match search parameter.
pub(super) const fn search(column: &'static str, param: &'static str) -> Filter {
    Filter {
        syntax: Syntax::Search,
        ..one(column, param)
    }
}

/// `column LIKE/ILIKE pattern` sent to a documented case-insensitive substring search.
pub(super) const fn contains(column: &'static str, param: &'static str) -> Filter {
    Filter {
        column,
        param,
        kind: FilterKind::Like,
        syntax: Syntax::Contains,
        only: None,
    }
}

/// `column LIKE 'text%…'` sent to a search the spec calls "partial" without saying more.
pub(super) const fn partial(column: &'static str, param: &'static str) -> Filter {
    Filter {
        syntax: Syntax::Partial,
        ..contains(column, param)
    }
}

pub(super) const fn boolean(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::Bool)
}

/// `one_of!(column, param, VALUES)`: `column = x` for the values the endpoint accepts
/// (a macro: the `Only` must be built where its reference can be `'static`).
macro_rules! one_of {
    ($column:expr, $param:expr, $values:expr $(,)?) => {
        Filter {
            only: Some(&Only {
                values: $values,
                with: None,
            }),
            ..one($column, $param)
        }
    };
}

/// `paired!(filter, with)`: a filter Clerk takes only together with the parameter `with`.
macro_rules! paired {
    ($filter:expr, $with:expr $(,)?) => {
        Filter {
            only: Some(&Only {
                values: &[],
                with: Some($with),
            }),
            ..$filter
        }
    };
}

pub(super) const fn after(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::After)
}

pub(super) const fn before(column: &'static str, param: &'static str) -> Filter {
    filter(column, param, FilterKind::Before)
}

pub(super) const fn lookup(column: &'static str, path: &'static str) -> Lookup {
    Lookup {
        column,
        field: column,
        path,
    }
}

/// A child table's rows for one user: `GET /users/{id}`, the user's own arrays.
pub(super) const USER_BY_ID: Lookup = Lookup {
    column: "user_id",
    field: "id",
    path: "/users/{}",
};

pub(super) const OFFSET: Paging = Paging::Offset { paginated: false };
pub(super) const PAGINATED: Paging = Paging::Offset { paginated: true };

pub(super) const fn list(
    path: &'static str,
    paging: Paging,
    filters: &'static [Filter],
) -> Option<Endpoint> {
    Some(Endpoint {
        path,
        paging,
        filters,
    })
}
