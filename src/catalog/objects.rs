//! The object table: one entry per foreign table, from the Backend API spec.

use super::define::*;
use super::types::Src::Field;
use super::types::*;
use super::writes::*;
use crate::model::PgType::*;

pub(super) const INVITATION_STATUS: &[&str] = &["pending", "accepted", "revoked", "expired"];
pub(super) const SESSION_STATUS: &[&str] = &[
    "abandoned",
    "active",
    "ended",
    "expired",
    "removed",
    "replaced",
    "revoked",
];

pub(super) const USER_FILTERS: &[Filter] = &[
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
    // LIKE / ILIKE: Clerk's documented case-insensitive partial matches.
    contains("first_name", "name_query"),
    contains("last_name", "name_query"),
    contains("email_address", "email_address_query"),
    contains("primary_email_address", "email_address_query"),
    contains("phone_number", "phone_number_query"),
    contains("primary_phone_number", "phone_number_query"),
    contains("username", "username_query"),
];

pub(super) const SUBSCRIPTION_COLUMNS_TAIL: [Column; 11] = [
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

pub(super) const fn subscription_columns(owner: &'static str) -> [Column; 12] {
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

/// A payer's credit balance: one object at `path`, for the route's id.
pub(super) const fn credits_route(column: &'static str, path: &'static str) -> Route {
    Route {
        column,
        endpoint: Endpoint {
            path,
            paging: Paging::Single,
            filters: &[],
        },
        by_id: None,
        complete: true,
        param: None,
    }
}

pub(super) const fn credit_columns(owner: &'static str) -> [Column; 4] {
    [
        d!(owner, Text, Src::RouteValue),
        d!("balance", BigInt, Src::Path(&["balance", "amount"])),
        d!("currency", Text, Src::Path(&["balance", "currency"])),
        // The payer and the balance read (0 when it never had credits): UPDATE adjusts
        // by the difference.
        d!(
            "rowid",
            Text,
            Src::Joined(&[
                Src::RouteValue,
                Src::Any(&[Src::Path(&["balance", "amount"]), Src::Const("0")]),
            ]),
        ),
    ]
}

pub(super) const USER_SUBSCRIPTION_COLUMNS: [Column; 12] = subscription_columns("user_id");
pub(super) const ORG_SUBSCRIPTION_COLUMNS: [Column; 12] = subscription_columns("organization_id");

/// The `rowid` of a one-row settings table: always '' (Clerk's settings have no id, and
/// UPDATE needs a row identifier from the scan).
pub(super) const SETTINGS_ROWID: Column = d!("rowid", Text, Src::Joined(&[]));

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
        unlisted: Some(&Param {
            name: "status",
            value: "revoked",
        }),
        sorted: &["created_at"],
        list: list(
            "/invitations",
            PAGINATED,
            &[
                one_of!("status", "status", INVITATION_STATUS),
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
            &[
                search("client_id", "name_query"),
                contains("name", "name_query"),
            ],
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
        list: list(
            "/organizations",
            OFFSET,
            &[
                signed("id", "organization_id"),
                partial("name", "query"),
                partial("slug", "query"),
            ],
        ),
        lookups: &[
            lookup("id", "/organizations/{}"),
            lookup("slug", "/organizations/{}"),
        ],
        sorted: &["created_at"],
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
        sorted: &["created_at"],
        list: list(
            "/organization_invitations",
            OFFSET,
            &[
                one_of!("status", "status", INVITATION_STATUS),
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
                        one_of!("status", "status", INVITATION_STATUS),
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
                    filters: &[one_of!("status", "status", INVITATION_STATUS)],
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
                    filters: &[signed("user_id", "user_id"), values("role", "role")],
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
        list: list(
            "/organization_roles",
            OFFSET,
            &[partial("name", "query"), partial("key", "query")],
        ),
        lookups: &[lookup("id", "/organization_roles/{}")],
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
        writes: Some(&ORGANIZATION_ROLE_WRITES),
        ..Object::EMPTY
    },
    // permissions that organization roles grant
    Object {
        name: "organization_permissions",
        list: list(
            "/organization_permissions",
            OFFSET,
            &[partial("name", "query"), partial("key", "query")],
        ),
        lookups: &[lookup("id", "/organization_permissions/{}")],
        columns: &[
            c("id", Text),
            c("key", Text),
            c("name", Text),
            c("description", Text),
            c("type", Text),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&ORGANIZATION_PERMISSION_WRITES),
        ..Object::EMPTY
    },
    // the sign-up waitlist
    Object {
        name: "waitlist_entries",
        sorted: &["created_at"],
        list: list(
            "/waitlist_entries",
            OFFSET,
            &[
                one_of!(
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
                // A value starting with `org_` would be read as an organization id; a
                // LIKE literal never has a `_`.
                contains("name", "query"),
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
        writes: Some(&ENTERPRISE_CONNECTION_WRITES),
        ..Object::EMPTY
    },
    // prices of billing plans
    Object {
        name: "billing_prices",
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
        // One key by id needs no subject.
        lookups: &[lookup("id", "/api_keys/{}")],
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
        writes: Some(&API_KEY_WRITES),
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
        writes: Some(&EMAIL_ADDRESS_WRITES),
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
        writes: Some(&PHONE_NUMBER_WRITES),
        ..Object::EMPTY
    },
    // one row per external account (OAuth provider) of each user
    Object {
        name: "user_external_accounts",
        list: list(
            "/users",
            Paging::Cursor,
            &[
                signed("user_id", "user_id"),
                // Clerk takes them only together: `provider=oauth_google&provider_user_id=…`.
                paired!(one("provider", "provider"), "provider_user_id"),
                paired!(values("provider_user_id", "provider_user_id"), "provider"),
            ],
        ),
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
            // The row's address in Clerk's API: user id/id.
            d!(
                "rowid",
                Text,
                Src::Joined(&[Src::Parent("id"), Src::Path(&["id"])]),
            ),
        ],
        writes: Some(&EXTERNAL_ACCOUNT_WRITES),
        ..Object::EMPTY
    },
    // one row per web3 wallet of each user
    Object {
        name: "user_web3_wallets",
        list: list(
            "/users",
            Paging::Cursor,
            &[
                signed("user_id", "user_id"),
                values("web3_wallet", "web3_wallet"),
            ],
        ),
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
            // The row's address in Clerk's API: user id/id.
            d!(
                "rowid",
                Text,
                Src::Joined(&[Src::Parent("id"), Src::Path(&["id"])]),
            ),
        ],
        writes: Some(&WEB3_WALLET_WRITES),
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
                filters: &[one_of!("status", "status", SESSION_STATUS)],
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
            &[
                signed("organization_id", "organization_id"),
                contains("name", "query"),
            ],
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
        sorted: &["updated_at"],
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
        list: list(
            "/billing/plans",
            PAGINATED,
            &[one_of!("for_payer_type", "payer_type", &["user", "org"])],
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
        list: list(
            "/billing/subscription_items",
            PAGINATED,
            &[
                one_of!(
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
        writes: Some(&SUBSCRIPTION_ITEM_WRITES),
        ..Object::EMPTY
    },
    // billing statements (timestamp is the creation time)
    Object {
        name: "billing_statements",
        // `billing/statement` is the Supabase wrapper's name for one statement, pinned by
        // `statement_id`: its tables keep working here.
        aliases: &["billing/statement"],
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
        aliases: &["billing/statements/payment_attempts"],
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
    // the credit balance of a user or an organization (cents; null: never had credits)
    Object {
        name: "user_billing_credits",
        routes: &[credits_route("user_id", "/users/{}/billing/credits")],
        columns: &credit_columns("user_id"),
        writes: Some(&USER_CREDIT_WRITES),
        ..Object::EMPTY
    },
    Object {
        name: "organization_billing_credits",
        routes: &[credits_route(
            "organization_id",
            "/organizations/{}/billing/credits",
        )],
        columns: &credit_columns("organization_id"),
        writes: Some(&ORGANIZATION_CREDIT_WRITES),
        ..Object::EMPTY
    },
    // machines (machine-to-machine authentication) and the machines each may call
    Object {
        name: "machines",
        list: list(
            "/machines",
            OFFSET,
            &[search("id", "query"), partial("name", "query")],
        ),
        lookups: &[lookup("id", "/machines/{}")],
        sorted: &["created_at"],
        columns: &[
            c("id", Text),
            c("name", Text),
            c("instance_id", Text),
            c("default_token_ttl", Integer),
            c("scoped_machines", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&MACHINE_WRITES),
        ..Object::EMPTY
    },
    // one row per machine a machine may call (its scopes), from each machine's list
    Object {
        name: "machine_scopes",
        list: list("/machines", OFFSET, &[]),
        lookups: &[Lookup {
            column: "machine_id",
            field: "id",
            path: "/machines/{}",
        }],
        elements: Some("scoped_machines"),
        columns: &[
            d!("machine_id", Text, Src::Parent("id")),
            d!("to_machine_id", Text, Src::Path(&["id"])),
            d!("to_machine_name", Text, Src::Path(&["name"])),
            // The row's address in Clerk's API: machine id/called machine id.
            d!(
                "rowid",
                Text,
                Src::Joined(&[Src::Parent("id"), Src::Path(&["id"])]),
            ),
        ],
        writes: Some(&MACHINE_SCOPE_WRITES),
        ..Object::EMPTY
    },
    // M2M tokens of one machine (listed per subject; never the token itself)
    Object {
        name: "m2m_tokens",
        routes: &[Route {
            column: "subject",
            endpoint: Endpoint {
                path: "/m2m_tokens",
                paging: OFFSET,
                filters: &[boolean("revoked", "revoked"), boolean("expired", "expired")],
            },
            by_id: None,
            complete: true,
            param: Some("subject"),
        }],
        rows_field: Some("m2m_tokens"),
        page_size: Some(100),
        columns: &[
            c("id", Text),
            c("subject", Text),
            c("scopes", Jsonb),
            c("claims", Jsonb),
            c("revoked", Bool),
            c("revocation_reason", Text),
            c("expired", Bool),
            c("expiration", Timestamptz),
            c("last_used_at", Timestamptz),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&M2M_TOKEN_WRITES),
        ..Object::EMPTY
    },
    // role sets: the roles an organization can use
    Object {
        name: "role_sets",
        list: list(
            "/role_sets",
            OFFSET,
            &[
                search("id", "query"),
                partial("name", "query"),
                partial("key", "query"),
            ],
        ),
        lookups: &[
            lookup("id", "/role_sets/{}"),
            lookup("key", "/role_sets/{}"),
        ],
        sorted: &["created_at"],
        columns: &[
            c("id", Text),
            c("key", Text),
            c("name", Text),
            c("description", Text),
            c("type", Text),
            c("roles", Jsonb),
            c("default_role", Jsonb),
            c("creator_role", Jsonb),
            c("role_set_migration", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&ROLE_SET_WRITES),
        ..Object::EMPTY
    },
    // the trusted devices of a user
    Object {
        name: "user_trusted_devices",
        routes: &[Route {
            column: "user_id",
            endpoint: Endpoint {
                path: "/users/{}/trusted_devices",
                paging: Paging::Unpaged,
                filters: &[],
            },
            by_id: None,
            complete: true,
            param: None,
        }],
        columns: &[
            c("id", Text),
            d!("user_id", Text, Src::RouteValue),
            c("name", Text),
            c("platform", Text),
            c("app_identifier", Text),
            c("algorithm", Text),
            c("status", Text),
            c("last_used_at", Timestamptz),
            c("revoked_at", Timestamptz),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // test runs of an enterprise connection
    Object {
        name: "enterprise_connection_test_runs",
        routes: &[Route {
            column: "enterprise_connection_id",
            endpoint: Endpoint {
                path: "/enterprise_connections/{}/test_runs",
                paging: OFFSET,
                filters: &[values("status", "status")],
            },
            by_id: None,
            complete: true,
            param: None,
        }],
        columns: &[
            c("id", Text),
            d!("enterprise_connection_id", Text, Src::RouteValue),
            c("status", Text),
            c("connection_type", Text),
            c("parsed_user_info", Jsonb),
            c("logs", Jsonb),
            c("saml", Jsonb),
            c("oauth", Jsonb),
            c("created_at", Timestamptz),
        ],
        ..Object::EMPTY
    },
    // directories that provision users from an identity provider (SCIM), and their
    // group-to-role mappings (`/directories` is the current name of `/scim_directories`)
    Object {
        name: "directories",
        aliases: &["scim_directories"],
        list: list("/directories", OFFSET, &[]),
        lookups: &[lookup("id", "/directories/{}")],
        columns: &[
            c("id", Text),
            c("name", Text),
            c("provider", Text),
            c("enterprise_connection_id", Text),
            c("endpoint_url", Text),
            c("enabled", Bool),
            c("group_role_mapping_enabled", Bool),
            c("attribute_mapping", Jsonb),
            c("custom_attributes", Jsonb),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
        ],
        writes: Some(&DIRECTORY_WRITES),
        ..Object::EMPTY
    },
    Object {
        name: "directory_group_role_mappings",
        aliases: &["scim_group_role_mappings"],
        routes: &[Route {
            column: "directory_id",
            endpoint: Endpoint {
                path: "/directories/{}/group_role_mappings",
                paging: Paging::Unpaged,
                filters: &[],
            },
            by_id: None,
            complete: true,
            param: None,
        }],
        columns: &[
            c("id", Text),
            c("directory_id", Text),
            c("directory_group_id", Text),
            c("directory_group_display_name", Text),
            d!("role_id", Text, Src::Path(&["role", "id"])),
            d!("role_key", Text, Src::Path(&["role", "key"])),
            c("precedence", Integer),
            c("created_at", Timestamptz),
            c("updated_at", Timestamptz),
            // The row's address in Clerk's API: directory id/id.
            d!(
                "rowid",
                Text,
                Src::Joined(&[Src::Path(&["directory_id"]), Src::Path(&["id"])]),
            ),
        ],
        writes: Some(&DIRECTORY_MAPPING_WRITES),
        ..Object::EMPTY
    },
    // the instance's settings, one row each
    Object {
        name: "instance",
        list: list("/instance", Paging::Single, &[]),
        columns: &[
            c("id", Text),
            c("environment_type", Text),
            c("allowed_origins", Jsonb),
            c("workspace_id", Text),
        ],
        writes: Some(&INSTANCE_WRITES),
        ..Object::EMPTY
    },
    Object {
        name: "instance_protect",
        list: list("/instance/protect", Paging::Single, &[]),
        columns: &[
            c("rules_enabled", Bool),
            c("specter_enabled", Bool),
            c("checks_bypassed", Bool),
            SETTINGS_ROWID,
        ],
        writes: Some(&INSTANCE_PROTECT_WRITES),
        ..Object::EMPTY
    },
    Object {
        name: "instance_communication",
        list: list("/instance/communication", Paging::Single, &[]),
        columns: &[c("blocked_country_codes", Jsonb), SETTINGS_ROWID],
        writes: Some(&INSTANCE_COMMUNICATION_WRITES),
        ..Object::EMPTY
    },
    Object {
        name: "instance_oauth_application_settings",
        list: list("/instance/oauth_application_settings", Paging::Single, &[]),
        columns: &[
            c("dynamic_oauth_client_registration", Bool),
            c("default_scopes", Jsonb),
            c("oauth_jwt_access_tokens", Bool),
            c("client_id_metadata_documents_advertised", Bool),
            c(
                "client_id_metadata_documents_only_allow_pre_registered_clients",
                Bool,
            ),
            c(
                "client_id_metadata_documents_block_implicitly_allowed_clients",
                Bool,
            ),
            SETTINGS_ROWID,
        ],
        writes: Some(&INSTANCE_OAUTH_WRITES),
        ..Object::EMPTY
    },
    Object {
        name: "instance_organization_settings",
        list: list("/instance/organization_settings", Paging::Single, &[]),
        columns: &[
            c("enabled", Bool),
            c("max_allowed_memberships", Integer),
            c("max_allowed_roles", Integer),
            c("max_role_sets_allowed", Integer),
            c("max_allowed_domains", Integer),
            c("creator_role", Text),
            c("admin_delete_enabled", Bool),
            c("domains_enabled", Bool),
            c("slug_disabled", Bool),
            c("domains_enrollment_modes", Jsonb),
            c("domains_default_role", Text),
            c("initial_role_set_key", Text),
            SETTINGS_ROWID,
        ],
        writes: Some(&INSTANCE_ORGANIZATION_WRITES),
        ..Object::EMPTY
    },
];
