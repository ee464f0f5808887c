//! A request to its endpoint: authentication, the API version, the array-filter bound,
//! then the path (`route`) and the method to the resource module that serves it.

use super::faults::Fault;
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

use super::api::{clerk_param_error, delete_in, deleted, percent_decode, update_in, Resp, Q};

use super::bulk;
use super::faults::take_fault;
use super::index::Index;
use super::instance::{
    create_domain, create_identifier, create_jwt_template, create_oauth_app, create_redirect_url,
    delete_domain, update_jwt_template, DOMAIN_UPDATE, OAUTH_APP_UPDATE,
};
use super::invitations::{create_invitation, revoke_invitation};
use super::lists::by_id;
use super::organizations::{
    create_membership, create_org, create_org_domain, create_org_invitation, delete_membership,
    delete_org, revoke_org_invitation, update_membership, update_org_domain, ORG_METADATA,
    ORG_UPDATE,
};
use super::records::{get_str, MAX_ARRAY_VALUES, MIN_BILLING_API_VERSION};
use super::sessions::revoke_session;
use super::store::Data;
use super::users::{create_user, delete_user, update_user, user_action, USER_METADATA};
use super::waitlist::{create_waitlist_entry, waitlist_action};
use super::{
    access, billing, directories, instance, invitations, machines, organizations, sessions, users,
    waitlist,
};

/// Answer a GET with the resource module that serves its path.
pub(crate) fn get(sh: &Data, r: Route, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    match r {
        Route::Users => users::users_list(sh, q, false),
        Route::UsersCount => users::users_list(sh, q, true),
        Route::User(id) => users::user(sh, id),
        Route::UserOrgMemberships(id) => users::user_memberships(sh, q, id),
        Route::UserOrgInvitations(id) => users::user_org_invitations(sh, q, id),
        Route::UserSubscription(id) => users::user_subscription(sh, id),
        Route::Orgs => organizations::list(sh, q),
        Route::Org(id_or_slug) => organizations::one(sh, q, id_or_slug),
        Route::OrgMemberships(org_id) => organizations::memberships(sh, q, org_id),
        Route::OrgMembershipsAll => organizations::all_memberships(sh, q),
        Route::OrgInvitations(org_id) => organizations::invitations(sh, q, org_id),
        Route::OrgInvitation(org, id) => organizations::invitation(sh, org, id),
        Route::OrgInvitationsAll => organizations::all_invitations(sh, q),
        Route::OrgSubscription(id) => organizations::subscription(sh, id),
        Route::OrgDomains => organizations::domains(sh, q),
        Route::Invitations => invitations::list(sh, q),
        Route::Allowlist => instance::plain_list(q, &d.allowlist_identifiers),
        Route::Blocklist => instance::blocklist(sh),
        Route::Domains => instance::domains(sh),
        Route::JwtTemplates => instance::plain_list(q, &d.jwt_templates),
        Route::JwtTemplate(id) => Ok(by_id(&d.jwt_templates, id)),
        Route::RedirectUrls => instance::plain_list(q, &d.redirect_urls),
        Route::RedirectUrl(id) => Ok(by_id(&d.redirect_urls, id)),
        Route::OauthApps => instance::oauth_apps(sh, q),
        Route::OauthApp(id) => Ok(by_id(&d.oauth_applications, id)),
        Route::Saml => instance::saml_connections(sh, q),
        Route::SamlOne(id) => Ok(by_id(&d.saml_connections, id)),
        Route::EnterpriseConnections => instance::enterprise_connections(sh, q),
        Route::EnterpriseConnection(id) => Ok(by_id(&d.enterprise_connections, id)),
        Route::Sessions => sessions::list(sh, q),
        Route::Session(id) => Ok(by_id(&d.sessions, id)),
        Route::Roles => access::list(q, &d.organization_roles),
        Route::Permissions => access::list(q, &d.organization_permissions),
        Route::ApiKeys => access::api_keys(sh, q),
        Route::Waitlist => waitlist::list(sh, q),
        Route::Plans => billing::plans(sh, q),
        Route::Prices => billing::prices(sh, q),
        Route::SubItems => billing::subscription_items(sh, q),
        Route::Statements => billing::statements(sh, q),
        Route::Statement(id) => Ok(by_id(&d.billing_statements, id)),
        Route::PaymentAttempts(stmt) => billing::payment_attempts(sh, q, stmt),
        Route::Machines => machines::list(sh, q),
        Route::Machine(id) => Ok(by_id(&d.machines, id)),
        Route::M2mTokens => machines::tokens(sh, q),
        Route::RoleSets => access::role_sets(sh, q),
        Route::RoleSet(key_or_id) => Ok(access::role_set(sh, key_or_id)),
        Route::RoleById(id) => Ok(by_id(&d.organization_roles, id)),
        Route::PermissionById(id) => Ok(by_id(&d.organization_permissions, id)),
        Route::ApiKey(id) => Ok(by_id(&d.api_keys, id)),
        Route::Instance(which) => Ok(instance::settings(sh, which)),
        Route::UserTrustedDevices(id) => users::trusted_devices(sh, id),
        Route::TestRuns(id) => instance::test_runs(sh, q, id),
        Route::Directories => directories::list(sh, q),
        Route::Credits(payer) => Ok(billing::credits(sh, payer)),
        Route::Directory(id) => Ok(directories::one(sh, id)),
        Route::DirectoryMappings(id) => directories::mappings(sh, id),
    }
}

/// Answer a POST, PUT, PATCH or DELETE, changing the dataset.
pub(crate) fn write(data: &mut Data, method: &str, segs: &[&str], q: &Q, text: &str) -> Resp {
    let r = match (method, segs) {
        ("POST", ["users"]) => create_user(data, text),
        ("PATCH", ["users", id]) => update_user(data, id, text),
        ("PUT", ["users", id, "metadata"]) => {
            update_in(&mut data.dataset.users, id, text, &USER_METADATA)
        }
        ("POST", ["users", action @ ("ban" | "unban")]) => bulk::ban(data, action, text),
        ("POST", ["users", id, action @ ("ban" | "unban" | "lock" | "unlock")]) => {
            user_action(data, id, action, text)
        }
        ("DELETE", ["users", id]) => delete_user(data, id),
        ("POST", [list @ ("email_addresses" | "phone_numbers")]) => {
            users::create_identification(data, list, text)
        }
        ("DELETE", [list @ ("email_addresses" | "phone_numbers"), id]) => {
            users::delete_identification(data, list, id)
        }
        ("DELETE", ["users", user, list @ ("external_accounts" | "web3_wallets"), id]) => {
            users::delete_linked(data, user, list, id)
        }
        ("POST", ["organizations"]) => create_org(data, text),
        ("PATCH", ["organizations", id]) => {
            update_in(&mut data.dataset.organizations, id, text, &ORG_UPDATE)
        }
        ("PUT", ["organizations", id, "metadata"]) => {
            update_in(&mut data.dataset.organizations, id, text, &ORG_METADATA)
        }
        ("DELETE", ["organizations", id]) => delete_org(data, id),
        ("POST", ["organizations", org, "memberships"]) => create_membership(data, org, text),
        ("PATCH", ["organizations", org, "memberships", user]) => {
            update_membership(data, org, user, text)
        }
        ("DELETE", ["organizations", org, "memberships", user]) => {
            delete_membership(data, org, user)
        }
        ("POST", ["organizations", org, "invitations"]) => create_org_invitation(data, org, text),
        ("POST", ["organizations", org, "invitations", "bulk"]) => bulk::create(
            data,
            text,
            10,
            |d| &mut d.organization_invitations,
            |data, item| create_org_invitation(data, org, item),
        ),
        ("POST", ["organizations", org, "invitations", id, "revoke"]) => {
            revoke_org_invitation(data, org, id, text)
        }
        ("POST", ["invitations"]) => create_invitation(data, text),
        ("POST", ["invitations", "bulk"]) => {
            bulk::create(data, text, 10, |d| &mut d.invitations, create_invitation)
        }
        ("POST", ["invitations", id, "revoke"]) => revoke_invitation(data, id, text),
        ("POST", ["allowlist_identifiers"]) => create_identifier(data, true, text),
        ("DELETE", ["allowlist_identifiers", id]) => delete_in(
            &mut data.dataset.allowlist_identifiers,
            "allowlist_identifier",
            id,
        ),
        ("POST", ["blocklist_identifiers"]) => create_identifier(data, false, text),
        ("DELETE", ["blocklist_identifiers", id]) => delete_in(
            &mut data.dataset.blocklist_identifiers,
            "blocklist_identifier",
            id,
        ),
        ("POST", ["redirect_urls"]) => create_redirect_url(data, text),
        ("DELETE", ["redirect_urls", id]) => {
            delete_in(&mut data.dataset.redirect_urls, "redirect_url", id)
        }
        ("POST", ["jwt_templates"]) => create_jwt_template(data, text),
        ("PATCH", ["jwt_templates", id]) => update_jwt_template(data, id, text),
        ("DELETE", ["jwt_templates", id]) => {
            delete_in(&mut data.dataset.jwt_templates, "jwt_template", id)
        }
        ("POST", ["domains"]) => create_domain(data, text),
        ("PATCH", ["domains", id]) => {
            update_in(&mut data.dataset.domains, id, text, &DOMAIN_UPDATE)
        }
        ("DELETE", ["domains", id]) => delete_domain(data, id),
        ("POST", ["oauth_applications"]) => create_oauth_app(data, text),
        ("PATCH", ["oauth_applications", id]) => update_in(
            &mut data.dataset.oauth_applications,
            id,
            text,
            &OAUTH_APP_UPDATE,
        ),
        ("DELETE", ["oauth_applications", id]) => delete_in(
            &mut data.dataset.oauth_applications,
            "oauth_application",
            id,
        ),
        ("POST", ["sessions", id, "revoke"]) => revoke_session(data, id, text),
        ("POST", ["enterprise_connections"]) => instance::create_enterprise_connection(data, text),
        ("PATCH", ["enterprise_connections", id]) => {
            instance::update_enterprise_connection(data, id, text)
        }
        ("DELETE", ["enterprise_connections", id]) => delete_in(
            &mut data.dataset.enterprise_connections,
            "enterprise_connection",
            id,
        ),
        ("POST", ["users" | "organizations", payer, "billing", "credits"]) => {
            billing::adjust_credits(data, payer, text)
        }
        ("POST", ["billing", "subscription_items", id, "extend_free_trial"]) => {
            billing::extend_free_trial(data, id, text)
        }
        ("DELETE", ["billing", "subscription_items", id]) => {
            billing::cancel_subscription_item(data, id, q)
        }
        ("POST", ["m2m_tokens", id, "revoke"]) => {
            machines::revoke_in(&mut data.dataset.m2m_tokens, id, text)
        }
        ("POST", ["api_keys", id, "revoke"]) => {
            machines::revoke_in(&mut data.dataset.api_keys, id, text)
        }
        ("POST", ["machines"]) => machines::create_machine(data, text),
        ("PATCH", ["machines", id]) => machines::update_machine(data, id, text),
        ("DELETE", ["machines", id]) => delete_in(&mut data.dataset.machines, "machine", id),
        ("POST", ["machines", id, "scopes"]) => machines::create_scope(data, id, text),
        ("DELETE", ["machines", id, "scopes", other]) => machines::delete_scope(data, id, other),
        ("PATCH", ["instance"]) => instance::update_settings(data, "", text),
        ("PATCH", ["instance", which]) => instance::update_settings(data, which, text),
        ("POST", ["directories"]) => directories::create(data, text),
        ("PATCH", ["directories", id]) => directories::update(data, id, text),
        ("DELETE", ["directories", id]) => directories::delete(data, id),
        ("POST", ["directories", id, "group_role_mappings"]) => {
            directories::create_mapping(data, id, text)
        }
        ("DELETE", ["directories", id, "group_role_mappings", m]) => {
            directories::delete_mapping(data, id, m)
        }
        ("POST", ["api_keys"]) => access::create_api_key(data, text),
        ("PATCH", ["api_keys", id]) => access::update_api_key(data, id, text),
        ("DELETE", ["api_keys", id]) => delete_in(&mut data.dataset.api_keys, "api_key", id),
        ("POST", ["role_sets"]) => access::create_role_set(data, text),
        ("PATCH", ["role_sets", key_or_id]) => access::update_role_set(data, key_or_id, text),
        ("POST", ["organization_roles"]) => access::create_role(data, text),
        ("PATCH", ["organization_roles", id]) => access::update_role(data, id, text),
        ("DELETE", ["organization_roles", id]) => access::delete_role(data, id),
        ("POST", ["organization_permissions"]) => access::create_permission(data, text),
        ("PATCH", ["organization_permissions", id]) => access::update_permission(data, id, text),
        ("DELETE", ["organization_permissions", id]) => access::delete_permission(data, id),
        ("POST", ["waitlist_entries"]) => create_waitlist_entry(data, text),
        ("POST", ["waitlist_entries", "bulk"]) => bulk::create(
            data,
            text,
            50,
            |d| &mut d.waitlist_entries,
            create_waitlist_entry,
        ),
        ("POST", ["waitlist_entries", id, action @ ("invite" | "reject")]) => {
            waitlist_action(data, id, action, text)
        }
        ("DELETE", ["waitlist_entries", id]) => {
            delete_in(&mut data.dataset.waitlist_entries, "waitlist_entry", id)
        }
        ("POST", ["organizations", org, "domains"]) => create_org_domain(data, org, text),
        ("PATCH", ["organizations", org, "domains", id]) => update_org_domain(data, org, id, text),
        ("DELETE", ["organizations", org, "domains", id]) => {
            let list = &mut data.dataset.organization_domains;
            let i = Data::find(list, id)
                .filter(|&i| get_str(&list[i], "organization_id") == Some(*org))
                .ok_or_else(Resp::not_found);
            i.map(|i| {
                list.remove(i);
                deleted("organization_domain", id)
            })
        }
        _ => Err(Resp::not_found()),
    };
    let resp = match r {
        Ok(r) | Err(r) => r,
    };
    if resp.status < 300 {
        data.index = Index::build(&data.dataset);
    }
    resp
}

pub(crate) enum Route<'a> {
    Users,
    UsersCount,
    Sessions,
    Session(&'a str),
    Roles,
    Permissions,
    EnterpriseConnections,
    EnterpriseConnection(&'a str),
    Prices,
    ApiKeys,
    Waitlist,
    OrgDomains,
    User(&'a str),
    UserOrgMemberships(&'a str),
    UserOrgInvitations(&'a str),
    OrgInvitation(&'a str, &'a str),
    UserSubscription(&'a str),
    Orgs,
    Org(&'a str),
    OrgMemberships(&'a str),
    OrgInvitations(&'a str),
    OrgSubscription(&'a str),
    OrgInvitationsAll,
    OrgMembershipsAll,
    Invitations,
    Allowlist,
    Blocklist,
    Domains,
    JwtTemplates,
    JwtTemplate(&'a str),
    OauthApps,
    OauthApp(&'a str),
    RedirectUrls,
    RedirectUrl(&'a str),
    Saml,
    SamlOne(&'a str),
    Plans,
    SubItems,
    Statements,
    Statement(&'a str),
    PaymentAttempts(&'a str),
    Machines,
    Machine(&'a str),
    M2mTokens,
    RoleSets,
    RoleSet(&'a str),
    RoleById(&'a str),
    PermissionById(&'a str),
    ApiKey(&'a str),
    Instance(&'a str),
    UserTrustedDevices(&'a str),
    TestRuns(&'a str),
    Directories,
    Directory(&'a str),
    Credits(&'a str),
    DirectoryMappings(&'a str),
}

impl Route<'_> {
    pub(crate) fn needs_billing_version(&self) -> bool {
        matches!(
            self,
            Route::UserSubscription(_)
                | Route::OrgSubscription(_)
                | Route::Plans
                | Route::SubItems
                | Route::Statements
                | Route::Statement(_)
                | Route::PaymentAttempts(_)
                | Route::Prices
                | Route::Credits(_)
        )
    }
}

pub(crate) fn route<'a>(segs: &[&'a str]) -> Option<Route<'a>> {
    Some(match segs {
        ["users"] => Route::Users,
        ["users", "count"] => Route::UsersCount,
        ["sessions"] => Route::Sessions,
        ["organization_roles"] => Route::Roles,
        ["enterprise_connections"] => Route::EnterpriseConnections,
        ["enterprise_connections", id] => Route::EnterpriseConnection(id),
        ["billing", "prices"] => Route::Prices,
        ["api_keys"] => Route::ApiKeys,
        ["organization_permissions"] => Route::Permissions,
        ["waitlist_entries"] => Route::Waitlist,
        ["organization_domains"] => Route::OrgDomains,
        ["sessions", id] => Route::Session(id),
        ["users", id] => Route::User(id),
        ["users", id, "organization_memberships"] => Route::UserOrgMemberships(id),
        ["users", id, "organization_invitations"] => Route::UserOrgInvitations(id),
        ["users", id, "billing", "subscription"] => Route::UserSubscription(id),
        ["organizations"] => Route::Orgs,
        ["organizations", id] => Route::Org(id),
        ["organizations", id, "memberships"] => Route::OrgMemberships(id),
        ["organizations", id, "invitations"] => Route::OrgInvitations(id),
        ["organizations", org, "invitations", id] => Route::OrgInvitation(org, id),
        ["organizations", id, "billing", "subscription"] => Route::OrgSubscription(id),
        ["organization_invitations"] => Route::OrgInvitationsAll,
        ["organization_memberships"] => Route::OrgMembershipsAll,
        ["invitations"] => Route::Invitations,
        ["allowlist_identifiers"] => Route::Allowlist,
        ["blocklist_identifiers"] => Route::Blocklist,
        ["domains"] => Route::Domains,
        ["jwt_templates"] => Route::JwtTemplates,
        ["jwt_templates", id] => Route::JwtTemplate(id),
        ["oauth_applications"] => Route::OauthApps,
        ["oauth_applications", id] => Route::OauthApp(id),
        ["redirect_urls"] => Route::RedirectUrls,
        ["redirect_urls", id] => Route::RedirectUrl(id),
        ["saml_connections"] => Route::Saml,
        ["saml_connections", id] => Route::SamlOne(id),
        ["billing", "plans"] => Route::Plans,
        ["billing", "subscription_items"] => Route::SubItems,
        ["billing", "statements"] => Route::Statements,
        ["billing", "statements", id] => Route::Statement(id),
        ["billing", "statements", id, "payment_attempts"] => Route::PaymentAttempts(id),
        ["machines"] => Route::Machines,
        ["machines", id] => Route::Machine(id),
        ["m2m_tokens"] => Route::M2mTokens,
        ["role_sets"] => Route::RoleSets,
        ["role_sets", key_or_id] => Route::RoleSet(key_or_id),
        ["organization_roles", id] => Route::RoleById(id),
        ["organization_permissions", id] => Route::PermissionById(id),
        ["api_keys", id] => Route::ApiKey(id),
        ["instance"] => Route::Instance(""),
        ["instance", which] => Route::Instance(which),
        ["users", id, "trusted_devices"] => Route::UserTrustedDevices(id),
        ["enterprise_connections", id, "test_runs"] => Route::TestRuns(id),
        ["directories"] => Route::Directories,
        ["users" | "organizations", payer, "billing", "credits"] => Route::Credits(payer),
        ["directories", id] => Route::Directory(id),
        ["directories", id, "group_role_mappings"] => Route::DirectoryMappings(id),
        _ => return None,
    })
}

/// A request as the server received it.
pub(crate) struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a str,
}

/// Answer `req` from `data` (the next queued fault first), for a server whose key is
/// `api_key`.
pub(crate) fn respond(
    data: &RwLock<Data>,
    faults: &Mutex<Vec<Fault>>,
    api_key: &str,
    req: &Request,
) -> Resp {
    let Request {
        method,
        path,
        query,
        headers,
        body,
    } = *req;
    let fault = take_fault(faults, method, path);
    if let Some((r, false)) = fault {
        return r;
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let expected = format!("Bearer {api_key}");
    if header("authorization") != Some(expected.as_str()) {
        return Resp::unauthorized();
    }
    let Some(rest) = path.strip_prefix("/v1/") else {
        return Resp::not_found();
    };
    let decoded: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    if method != "GET" {
        let mut data = data.write().unwrap();
        let done = write(&mut data, method, &segs, &Q(query), body);
        return fault.map_or(done, |(r, _)| r);
    }
    let Some(r) = route(&segs) else {
        return Resp::not_found();
    };
    let q = Q(query);
    if r.needs_billing_version() {
        let version = header("clerk-api-version").or_else(|| q.get("__clerk_api_version"));
        if version.is_none_or(|v| v < MIN_BILLING_API_VERSION) {
            return Resp::not_found();
        }
    }
    // Array filters accept at most 100 values per key.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (k, _) in query {
        *counts.entry(k.as_str()).or_default() += 1;
    }
    if let Some((k, _)) = counts.iter().find(|(_, &n)| n > MAX_ARRAY_VALUES) {
        return clerk_param_error(
            k,
            &format!("`{k}` accepts at most {MAX_ARRAY_VALUES} values"),
        );
    }
    let data = data.read().unwrap();
    match get(&data, r, &q) {
        Ok(r) | Err(r) => r,
    }
}
