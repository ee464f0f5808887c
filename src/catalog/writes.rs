//! Clerk's write endpoints, one declaration per writable object (from the Backend API spec),
//! named `<OBJECT>_WRITES` and referenced from the object's entry in `objects.rs`.

use super::types::*;

pub(super) const fn field(column: &'static str) -> Settable {
    Settable {
        column,
        put: Put::Field,
    }
}

pub(super) const fn put(column: &'static str, put: Put) -> Settable {
    Settable { column, put }
}

pub(super) const METADATA: Put = Put::Metadata;
pub(super) const REVOKE: Put = Put::Status(&[["revoked", "/revoke"]]);

/// An object Clerk creates with `POST {list}` and deletes with `DELETE {list}/{id}`, and
/// whose row cannot change (identifiers, redirect URLs).
pub(super) const fn insert_delete(
    row: &'static str,
    create: &'static str,
    insert: &'static [Settable],
) -> Writes {
    Writes {
        row,
        create: Some(create),
        insert,
        delete: Delete::Delete,
        ..Writes::NONE
    }
}

/// Clerk's write endpoints, per object (from the Backend API spec).
pub(super) static USER_WRITES: Writes = Writes {
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
    delete: Delete::Delete,
    // `update users set banned = …` over many users.
    bulk_switch: Some(&BulkSwitch {
        column: "banned",
        paths: ["/users/ban", "/users/unban"],
        field: "user_ids",
        max: 50,
    }),
    ..Writes::NONE
};

pub(super) static ORGANIZATION_WRITES: Writes = Writes {
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
    delete: Delete::Delete,
    ..Writes::NONE
};

pub(super) static MEMBERSHIP_WRITES: Writes = Writes {
    row: "/organizations/{}/memberships/{}",
    create: Some("/organizations/{}/memberships"),
    insert: &[
        put("organization_id", Put::Parent),
        field("user_id"),
        field("role"),
        put("public_metadata", METADATA),
        put("private_metadata", METADATA),
    ],
    update: &[
        field("role"),
        put("public_metadata", MERGED),
        put("private_metadata", MERGED),
    ],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// A membership's metadata: Clerk's only endpoint merges what it is sent into the stored
/// object, so a SET that drops a key would keep it.
pub(super) const MERGED: Put = Put::Refused(
    "cannot be replaced: Clerk only merges a membership's metadata, so a key the new value \
     leaves out would stay. Change it in the Clerk dashboard",
);

pub(super) static ORG_INVITATION_WRITES: Writes = Writes {
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
    delete: Delete::Revoke(""),
    bulk: 10,
    ..Writes::NONE
};

pub(super) static INVITATION_WRITES: Writes = Writes {
    row: "/invitations/{}",
    create: Some("/invitations"),
    insert: &[field("email_address"), put("public_metadata", METADATA)],
    update: &[put("status", REVOKE)],
    delete: Delete::Revoke(""),
    bulk: 10,
    ..Writes::NONE
};

pub(super) static ALLOWLIST_WRITES: Writes = insert_delete(
    "/allowlist_identifiers/{}",
    "/allowlist_identifiers",
    &[field("identifier")],
);
pub(super) static BLOCKLIST_WRITES: Writes = insert_delete(
    "/blocklist_identifiers/{}",
    "/blocklist_identifiers",
    &[field("identifier")],
);
pub(super) static REDIRECT_URL_WRITES: Writes =
    insert_delete("/redirect_urls/{}", "/redirect_urls", &[field("url")]);

pub(super) const JWT_TEMPLATE_FIELDS: &[Settable] = &[
    field("name"),
    field("claims"),
    field("lifetime"),
    field("allowed_clock_skew"),
    field("custom_signing_key"),
    field("signing_algorithm"),
];
pub(super) static JWT_TEMPLATE_WRITES: Writes = Writes {
    row: "/jwt_templates/{}",
    create: Some("/jwt_templates"),
    insert: JWT_TEMPLATE_FIELDS,
    update: JWT_TEMPLATE_FIELDS,
    patch_needs: &["name", "claims"],
    delete: Delete::Delete,
    ..Writes::NONE
};

pub(super) static DOMAIN_WRITES: Writes = Writes {
    row: "/domains/{}",
    create: Some("/domains"),
    insert: &[field("name"), field("is_satellite"), field("proxy_url")],
    update: &[field("name"), field("proxy_url")],
    delete: Delete::Delete,
    ..Writes::NONE
};

pub(super) const OAUTH_APPLICATION_FIELDS: &[Settable] = &[
    field("name"),
    field("redirect_uris"),
    field("scopes"),
    field("public"),
    field("consent_screen_enabled"),
    field("pkce_required"),
];
pub(super) static OAUTH_APPLICATION_WRITES: Writes = Writes {
    row: "/oauth_applications/{}",
    create: Some("/oauth_applications"),
    insert: OAUTH_APPLICATION_FIELDS,
    update: OAUTH_APPLICATION_FIELDS,
    delete: Delete::Delete,
    ..Writes::NONE
};

pub(super) static SESSION_WRITES: Writes = Writes {
    row: "/sessions/{}",
    update: &[put("status", REVOKE)],
    delete: Delete::Revoke(""),
    ..Writes::NONE
};

pub(super) static WAITLIST_WRITES: Writes = Writes {
    row: "/waitlist_entries/{}",
    create: Some("/waitlist_entries"),
    insert: &[field("email_address")],
    update: &[put(
        "status",
        Put::Status(&[["invited", "/invite"], ["rejected", "/reject"]]),
    )],
    delete: Delete::Delete,
    bulk: 50,
    ..Writes::NONE
};

pub(super) static ORG_DOMAIN_WRITES: Writes = Writes {
    row: "/organizations/{}/domains/{}",
    create: Some("/organizations/{}/domains"),
    insert: &[
        put("organization_id", Put::Parent),
        field("name"),
        field("enrollment_mode"),
        field("verified"),
    ],
    update: &[field("enrollment_mode"), field("verified")],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// A user's email address: `POST /email_addresses` with its user, `DELETE` by id. Not
/// UPDATE: Clerk's PATCH can mark an address verified or primary but not undo either, so
/// `set is_primary = false` could not mean what it says.
pub(super) static EMAIL_ADDRESS_WRITES: Writes = Writes {
    row: "/email_addresses/{}",
    create: Some("/email_addresses"),
    insert: &[
        field("user_id"),
        field("email_address"),
        put("is_primary", Put::FieldAs("primary")),
    ],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// A user's phone number, as [`EMAIL_ADDRESS_WRITES`].
pub(super) static PHONE_NUMBER_WRITES: Writes = Writes {
    row: "/phone_numbers/{}",
    create: Some("/phone_numbers"),
    insert: &[
        field("user_id"),
        field("phone_number"),
        put("is_primary", Put::FieldAs("primary")),
    ],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// An external account or a web3 wallet of a user: only DELETE, under its user
/// (`DELETE /users/{user_id}/<list>/{id}`; the rowid is `user_id/id`).
pub(super) const fn delete_under_user(row: &'static str) -> Writes {
    Writes {
        row,
        delete: Delete::Delete,
        ..Writes::NONE
    }
}

pub(super) static EXTERNAL_ACCOUNT_WRITES: Writes =
    delete_under_user("/users/{}/external_accounts/{}");
pub(super) static WEB3_WALLET_WRITES: Writes = delete_under_user("/users/{}/web3_wallets/{}");

/// An organization role or permission of the instance: `key`, `name` and `description`.
/// A role's permissions go by id in `attrs` (`permissions`; Clerk's update replaces them).
pub(super) const ROLE_FIELDS: &[Settable] = &[field("key"), field("name"), field("description")];
pub(super) static ORGANIZATION_ROLE_WRITES: Writes = Writes {
    row: "/organization_roles/{}",
    create: Some("/organization_roles"),
    insert: ROLE_FIELDS,
    update: ROLE_FIELDS,
    delete: Delete::Delete,
    ..Writes::NONE
};
pub(super) static ORGANIZATION_PERMISSION_WRITES: Writes = Writes {
    row: "/organization_permissions/{}",
    create: Some("/organization_permissions"),
    insert: ROLE_FIELDS,
    update: ROLE_FIELDS,
    delete: Delete::Delete,
    ..Writes::NONE
};

/// A machine (machine-to-machine authentication): the machines it may call are set by id
/// through `attrs` (`scoped_machines`) on INSERT. Clerk's answer carries the machine's
/// secret key, which is never shown (read it in the Clerk dashboard).
pub(super) static MACHINE_WRITES: Writes = Writes {
    row: "/machines/{}",
    create: Some("/machines"),
    insert: &[field("name"), field("default_token_ttl")],
    update: &[field("name"), field("default_token_ttl")],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// A machine's scope (a machine it may call): INSERT names the two machines, DELETE
/// removes it; a scope has nothing to UPDATE.
pub(super) static MACHINE_SCOPE_WRITES: Writes = Writes {
    row: "/machines/{}/scopes/{}",
    create: Some("/machines/{}/scopes"),
    insert: &[put("machine_id", Put::Parent), field("to_machine_id")],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// Setting `revocation_reason` revokes a key (or an M2M token) with that reason: Clerk's
/// `POST …/revoke` (DELETE of an API key deletes it).
pub(super) const REVOKE_WITH_REASON: Settable = put(
    "revocation_reason",
    Put::Action(&["/revoke", "revocation_reason"]),
);

/// An API key of a user or an organization. Clerk's answer to INSERT carries the key's
/// secret, which is never shown: only the id is told.
pub(super) static API_KEY_WRITES: Writes = Writes {
    row: "/api_keys/{}",
    create: Some("/api_keys"),
    insert: &[
        field("name"),
        field("subject"),
        field("description"),
        field("scopes"),
        field("claims"),
        field("created_by"),
        field("type"),
    ],
    update: &[
        field("description"),
        field("scopes"),
        field("claims"),
        field("subject"),
        REVOKE_WITH_REASON,
    ],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// An enterprise (SAML or OIDC) connection. The provider's settings go in `attrs` (`saml`,
/// `oidc`, `custom_attributes`), as Clerk's request nests them.
pub(super) static ENTERPRISE_CONNECTION_WRITES: Writes = Writes {
    row: "/enterprise_connections/{}",
    create: Some("/enterprise_connections"),
    insert: &[
        field("name"),
        field("provider"),
        field("domains"),
        field("organization_id"),
        field("active"),
        field("allow_organization_account_linking"),
    ],
    update: &[
        field("name"),
        field("domains"),
        field("organization_id"),
        field("active"),
        field("allow_organization_account_linking"),
        field("sync_user_attributes"),
        field("disable_additional_identifications"),
    ],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// A subscription item: UPDATE of `period_end` extends a free trial to that time (Clerk
/// refuses items not in a trial), of `status` to `'ended'` cancels it now (`DELETE` with
/// `end_now`); DELETE cancels it at the end of the current billing period (Clerk's
/// default; the row stays, `canceled`).
pub(super) static SUBSCRIPTION_ITEM_WRITES: Writes = Writes {
    row: "/billing/subscription_items/{}",
    update: &[
        put(
            "period_end",
            Put::Action(&["/extend_free_trial", "extend_to"]),
        ),
        put("status", Put::Status(&[["ended", "?end_now=true"]])),
    ],
    delete: Delete::Cancel,
    ..Writes::NONE
};

/// An M2M token: DELETE revokes it (Clerk keeps revoked tokens; `revoked` becomes true).
/// Only opaque tokens are stored, so only they can be revoked.
pub(super) static M2M_TOKEN_WRITES: Writes = Writes {
    row: "/m2m_tokens/{}",
    update: &[REVOKE_WITH_REASON],
    delete: Delete::Revoke("{}"),
    ..Writes::NONE
};

/// A role set. Its roles, default role and creator role are role keys, which the row shows
/// as role objects: they go in `attrs` (`roles`, `default_role_key`, `creator_role_key`).
/// Clerk has no DELETE for role sets.
pub(super) const ROLE_SET_FIELDS: &[Settable] = &[
    field("key"),
    field("name"),
    field("description"),
    field("type"),
];
pub(super) static ROLE_SET_WRITES: Writes = Writes {
    row: "/role_sets/{}",
    create: Some("/role_sets"),
    insert: ROLE_SET_FIELDS,
    update: ROLE_SET_FIELDS,
    ..Writes::NONE
};

/// A directory (SCIM provisioning). Its group-to-role mappings can come with it in `attrs`
/// (`group_role_mappings`). `attribute_mapping` is not a settable column: Clerk merges it
/// key by key rather than replacing it, so `SET attribute_mapping = x` could not mean what
/// it says; changes go in `attrs`, as Clerk takes them (a key set to null is removed).
/// Clerk's answer to INSERT carries the directory's API key, which is never shown.
pub(super) static DIRECTORY_WRITES: Writes = Writes {
    row: "/directories/{}",
    create: Some("/directories"),
    insert: &[
        field("enterprise_connection_id"),
        field("provider"),
        field("name"),
    ],
    update: &[
        field("name"),
        field("provider"),
        field("enabled"),
        field("group_role_mapping_enabled"),
    ],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// A directory's group-to-role mapping: created under its directory, deleted by id. Clerk
/// has no way to change one (its PUT replaces every mapping of the directory).
pub(super) static DIRECTORY_MAPPING_WRITES: Writes = Writes {
    row: "/directories/{}/group_role_mappings/{}",
    create: Some("/directories/{}/group_role_mappings"),
    insert: &[
        put("directory_id", Put::Parent),
        field("directory_group_id"),
        field("role_id"),
        field("precedence"),
    ],
    delete: Delete::Delete,
    ..Writes::NONE
};

/// The instance's settings: one PATCH of the table's own path (the row has no id). Each
/// column the endpoint takes is settable; the endpoint's other fields go in `attrs`.
pub(super) const fn settings(row: &'static str, update: &'static [Settable]) -> Writes {
    Writes {
        row,
        update,
        ..Writes::NONE
    }
}

/// `PATCH /instance` (answers 204): `test_mode`, `hibp`, `support_email`, … in `attrs`.
pub(super) static INSTANCE_WRITES: Writes = settings("/instance", &[field("allowed_origins")]);
pub(super) static INSTANCE_PROTECT_WRITES: Writes = settings(
    "/instance/protect",
    &[field("rules_enabled"), field("specter_enabled")],
);
pub(super) static INSTANCE_COMMUNICATION_WRITES: Writes =
    settings("/instance/communication", &[field("blocked_country_codes")]);
pub(super) static INSTANCE_OAUTH_WRITES: Writes = settings(
    "/instance/oauth_application_settings",
    &[
        field("dynamic_oauth_client_registration"),
        field("default_scopes"),
        field("oauth_jwt_access_tokens"),
        field("client_id_metadata_documents_advertised"),
        field("client_id_metadata_documents_only_allow_pre_registered_clients"),
        field("client_id_metadata_documents_block_implicitly_allowed_clients"),
    ],
);
/// The creator and default domain roles go by id in `attrs` (`creator_role_id`,
/// `domains_default_role_id`); the row shows their keys.
pub(super) static INSTANCE_ORGANIZATION_WRITES: Writes = settings(
    "/instance/organization_settings",
    &[
        field("enabled"),
        field("max_allowed_memberships"),
        field("admin_delete_enabled"),
        field("domains_enabled"),
        field("slug_disabled"),
        field("domains_enrollment_modes"),
    ],
);

/// A payer's credit balance: `SET balance = x` adjusts it by the difference from the
/// balance the scan read (`POST …/billing/credits`, a ledger entry in Clerk's default
/// currency); nothing else changes.
pub(super) const fn credits(row: &'static str) -> Writes {
    const BALANCE: &[Settable] = &[put("balance", Put::Credit)];
    Writes {
        row,
        update: BALANCE,
        ..Writes::NONE
    }
}

pub(super) static USER_CREDIT_WRITES: Writes = credits("/users/{}/billing/credits");
pub(super) static ORGANIZATION_CREDIT_WRITES: Writes = credits("/organizations/{}/billing/credits");
