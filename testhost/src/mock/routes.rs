//! Request → response: authentication, API version, routing and the endpoint handlers.

use super::*;

pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Resp {
    pub(crate) fn json(status: u16, body: String) -> Resp {
        Resp {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }
    pub(crate) fn ok(body: String) -> Resp {
        Resp::json(200, body)
    }
    pub(crate) fn not_found() -> Resp {
        Resp::json(
            404,
            clerk_error_body("not found", "Resource not found", "resource_not_found"),
        )
    }
    pub(crate) fn unauthorized() -> Resp {
        Resp::json(
            401,
            clerk_error_body(
                "Invalid authentication",
                "Unable to authenticate the request, you need to supply an active API key",
                "authentication_invalid",
            ),
        )
    }
}

/// Query-string accessor.
pub(crate) struct Q<'a>(&'a [(String, String)]);

impl<'a> Q<'a> {
    pub(crate) fn get(&self, k: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn all(&self, k: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub(crate) fn flag(&self, k: &str) -> bool {
        self.get(k)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }
    pub(crate) fn int(&self, k: &str) -> Result<Option<i64>, Resp> {
        match self.get(k) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| clerk_param_error(k, &format!("`{k}` must be an integer"))),
        }
    }
    pub(crate) fn bool_opt(&self, k: &str) -> Result<Option<bool>, Resp> {
        match self.get(k) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(clerk_param_error(
                k,
                &format!("`{k}` must be either true or false"),
            )),
        }
    }
    /// `(limit, offset)` with Clerk's defaults and bounds.
    pub(crate) fn paging(&self) -> Result<(usize, usize), Resp> {
        let limit = self.int("limit")?.unwrap_or(10);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(clerk_param_error(
                "limit",
                "`limit` must be between 1 and 500",
            ));
        }
        let offset = self.int("offset")?.unwrap_or(0);
        if offset < 0 {
            return Err(clerk_param_error(
                "offset",
                "`offset` must be greater than or equal to 0",
            ));
        }
        Ok((limit as usize, offset as usize))
    }
    /// `order_by`: (field, descending). No prefix means ascending.
    pub(crate) fn order(&self, default: (&'static str, bool)) -> (String, bool) {
        match self.get("order_by") {
            None | Some("") => (default.0.to_string(), default.1),
            Some(v) => {
                if let Some(f) = v.strip_prefix('-') {
                    (f.to_string(), true)
                } else if let Some(f) = v.strip_prefix('+') {
                    (f.to_string(), false)
                } else if let Some(f) = v.strip_prefix(' ') {
                    // An unencoded `+` arrives as a space.
                    (f.to_string(), false)
                } else {
                    (v.to_string(), false)
                }
            }
        }
    }
}

/// Include/exclude sets of a `±`-prefixed array filter.
pub(crate) struct PlusMinus<'a> {
    pub(crate) include: Vec<&'a str>,
    pub(crate) exclude: Vec<&'a str>,
}

impl<'a> PlusMinus<'a> {
    pub(crate) fn parse(values: Vec<&'a str>) -> PlusMinus<'a> {
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        for v in values {
            if let Some(x) = v.strip_prefix('-') {
                exclude.push(x);
            } else {
                include.push(v.strip_prefix('+').unwrap_or(v));
            }
        }
        PlusMinus { include, exclude }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
    pub(crate) fn matches(&self, value: &str) -> bool {
        (self.include.is_empty() || self.include.contains(&value)) && !self.exclude.contains(&value)
    }
    pub(crate) fn matches_any(&self, values: &[&str]) -> bool {
        (self.include.is_empty() || values.iter().any(|v| self.include.contains(v)))
            && !values.iter().any(|v| self.exclude.contains(v))
    }
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
        _ => return None,
    })
}

pub(crate) fn respond(
    sh: &Shared,
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &str,
) -> Resp {
    let fault = take_fault(sh, method, path);
    if let Some((r, false)) = fault {
        return r;
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let expected = format!("Bearer {}", sh.api_key);
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
        let mut data = sh.data.write().unwrap();
        let done = write(&mut data, method, &segs, body);
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
    let data = sh.data.read().unwrap();
    match handle(&data, r, &q) {
        Ok(r) | Err(r) => r,
    }
}

pub(crate) fn handle(sh: &Data, r: Route, q: &Q) -> Result<Resp, Resp> {
    let d = &sh.dataset;
    let ix = &sh.index;
    let all_idx = |n: usize| (0..n).collect::<Vec<usize>>();
    Ok(match r {
        Route::Users => users_list(sh, q, false)?,
        Route::UsersCount => users_list(sh, q, true)?,
        Route::User(id) => match ix.user_by_id.get(id) {
            Some(&i) => Resp::ok(to_json(&d.users[i])),
            None => Resp::not_found(),
        },
        Route::UserOrgMemberships(id) => {
            if !ix.user_by_id.contains_key(id) {
                return Ok(Resp::not_found());
            }
            let (limit, offset) = q.paging()?;
            let mut idx = ix.memberships_by_user.get(id).cloned().unwrap_or_default();
            apply_order(
                q,
                &d.organization_memberships,
                &mut idx,
                MEMBERSHIP_ORDER,
                ("created_at", true),
            )?;
            paged_envelope(&d.organization_memberships, &idx, limit, offset)
        }
        Route::UserSubscription(id) => match ix.user_sub.get(id) {
            Some(&i) if ix.user_by_id.contains_key(id) => {
                Resp::ok(to_json(&d.user_subscriptions[i].1))
            }
            _ => Resp::not_found(),
        },
        Route::Orgs => {
            let (limit, offset) = q.paging()?;
            let ids = PlusMinus::parse(q.all("organization_id"));
            let user_ids = PlusMinus::parse(q.all("user_id"));
            let query = q.get("query").filter(|s| !s.is_empty());
            let query_lower = query.map(str::to_lowercase);
            let mut idx: Vec<usize> = (0..d.organizations.len())
                .filter(|&k| {
                    let o = &d.organizations[k];
                    let id = get_str(o, "id").unwrap_or("");
                    if !ids.is_empty() && !ids.matches(id) {
                        return false;
                    }
                    if !user_ids.is_empty() {
                        let members: Vec<&str> = ix
                            .memberships_by_org
                            .get(id)
                            .map(|ms| {
                                ms.iter()
                                    .filter_map(|&m| {
                                        get_path(
                                            &d.organization_memberships[m],
                                            &["public_user_data", "user_id"],
                                        )
                                        .and_then(Value::as_str)
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        let inc_ok = user_ids.include.is_empty()
                            || members.iter().any(|m| user_ids.include.contains(m));
                        let exc_ok = !members.iter().any(|m| user_ids.exclude.contains(m));
                        if !(inc_ok && exc_ok) {
                            return false;
                        }
                    }
                    if let (Some(qs), Some(ql)) = (query, query_lower.as_deref()) {
                        let name = get_str(o, "name").unwrap_or("");
                        let slug = get_str(o, "slug").unwrap_or("");
                        if id != qs && !contains_ci(name, ql) && !contains_ci(slug, ql) {
                            return false;
                        }
                    }
                    true
                })
                .collect();
            let (field, desc) = q.order(("created_at", true));
            match field.as_str() {
                "members_count" => idx.sort_by(|&a, &b| {
                    let o = ix.members_count[a].cmp(&ix.members_count[b]);
                    (if desc { o.reverse() } else { o }).then(a.cmp(&b))
                }),
                "name" => sort_by_path(&d.organizations, &mut idx, &["name"], desc),
                "created_at" => sort_by_path(&d.organizations, &mut idx, &["created_at"], desc),
                other => {
                    return Err(clerk_param_error(
                        "order_by",
                        &format!("`order_by` cannot be `{other}`"),
                    ))
                }
            }
            let with_count = q.flag("include_members_count");
            let rows: Vec<Value> = page(&idx, limit, offset)
                .iter()
                .map(|&k| org_out(sh, k, with_count))
                .collect();
            Resp::ok(envelope_owned(&rows, idx.len()))
        }
        Route::Org(id_or_slug) => {
            let k = ix
                .org_by_id
                .get(id_or_slug)
                .or_else(|| ix.org_by_slug.get(id_or_slug));
            match k {
                Some(&k) => Resp::ok(to_json(&org_out(sh, k, q.flag("include_members_count")))),
                None => Resp::not_found(),
            }
        }
        Route::OrgMemberships(org_id) => {
            if !ix.org_by_id.contains_key(org_id) {
                return Ok(Resp::not_found());
            }
            let (limit, offset) = q.paging()?;
            let user_ids = PlusMinus::parse(q.all("user_id"));
            let roles = q.all("role");
            let after = q.int("created_at_after")?;
            let before = q.int("created_at_before")?;
            let mut idx: Vec<usize> = ix
                .memberships_by_org
                .get(org_id)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|&m| {
                    let mv = &d.organization_memberships[m];
                    let uid = get_path(mv, &["public_user_data", "user_id"])
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let c = get_i64(mv, "created_at").unwrap_or(0);
                    (user_ids.is_empty() || user_ids.matches(uid))
                        && (roles.is_empty() || roles.contains(&get_str(mv, "role").unwrap_or("")))
                        && after.is_none_or(|a| c > a)
                        && before.is_none_or(|b| c < b)
                })
                .collect();
            apply_order(
                q,
                &d.organization_memberships,
                &mut idx,
                MEMBERSHIP_ORDER,
                ("created_at", true),
            )?;
            paged_envelope(&d.organization_memberships, &idx, limit, offset)
        }
        Route::OrgInvitations(org_id) => {
            if !ix.org_by_id.contains_key(org_id) {
                return Ok(Resp::not_found());
            }
            let (limit, offset) = q.paging()?;
            let status = q.get("status");
            let email = q.get("email_address");
            let mut idx: Vec<usize> = ix
                .org_invitations_by_org
                .get(org_id)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|&i| {
                    let v = &d.organization_invitations[i];
                    status.is_none_or(|s| get_str(v, "status") == Some(s))
                        && email.is_none_or(|e| {
                            get_str(v, "email_address").is_some_and(|x| x.eq_ignore_ascii_case(e))
                        })
                })
                .collect();
            apply_order(
                q,
                &d.organization_invitations,
                &mut idx,
                INVITATION_ORDER,
                ("created_at", true),
            )?;
            let rows: Vec<Value> = page(&idx, limit, offset)
                .iter()
                .map(|&i| {
                    let mut v = d.organization_invitations[i].clone();
                    if let Some(m) = v.as_object_mut() {
                        m.remove("public_organization_data");
                    }
                    v
                })
                .collect();
            Resp::ok(envelope_owned(&rows, idx.len()))
        }
        Route::OrgSubscription(id) => match ix.org_sub.get(id) {
            Some(&i) if ix.org_by_id.contains_key(id) => {
                Resp::ok(to_json(&d.organization_subscriptions[i].1))
            }
            _ => Resp::not_found(),
        },
        Route::OrgInvitation(org, id) => {
            // Per-organization shape: without `public_organization_data`.
            let found = d.organization_invitations.iter().find(|v| {
                get_str(v, "id") == Some(id) && get_str(v, "organization_id") == Some(org)
            });
            match found {
                Some(v) => {
                    let mut v = v.clone();
                    if let Some(m) = v.as_object_mut() {
                        m.remove("public_organization_data");
                    }
                    Resp::ok(to_json(&v))
                }
                None => Resp::not_found(),
            }
        }
        Route::UserOrgInvitations(id) => {
            // The invitations sent to any of the user's email addresses.
            let Some(ui) = ix.user_by_id.get(id).copied() else {
                return Ok(Resp::not_found());
            };
            let (limit, offset) = q.paging()?;
            let addresses: Vec<&str> = d.users[ui]["email_addresses"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| get_str(e, "email_address"))
                .collect();
            let status = q.get("status");
            let idx: Vec<usize> = status_and_query(&d.organization_invitations, status, None)
                .into_iter()
                .filter(|&i| {
                    get_str(&d.organization_invitations[i], "email_address")
                        .is_some_and(|e| addresses.contains(&e))
                })
                .collect();
            paged_envelope(&d.organization_invitations, &idx, limit, offset)
        }
        Route::OrgInvitationsAll => {
            let (limit, offset) = q.paging()?;
            let status = q.get("status");
            let mut idx = status_and_query(&d.organization_invitations, status, q.get("query"));
            apply_order(
                q,
                &d.organization_invitations,
                &mut idx,
                INVITATION_ORDER,
                ("created_at", true),
            )?;
            paged_envelope(&d.organization_invitations, &idx, limit, offset)
        }
        Route::OrgMembershipsAll => {
            let (limit, offset) = q.paging()?;
            let mut idx = all_idx(d.organization_memberships.len());
            apply_order(
                q,
                &d.organization_memberships,
                &mut idx,
                MEMBERSHIP_ORDER,
                ("created_at", true),
            )?;
            paged_envelope(&d.organization_memberships, &idx, limit, offset)
        }
        Route::Invitations => {
            let (limit, offset) = q.paging()?;
            let statuses = q.all("status");
            let query = q.get("query").filter(|s| !s.is_empty());
            let query_lower = query.map(str::to_lowercase);
            let mut idx: Vec<usize> = (0..d.invitations.len())
                .filter(|&i| {
                    let v = &d.invitations[i];
                    let status = get_str(v, "status").unwrap_or("");
                    // "Returns all non-revoked invitations" unless a status is asked for.
                    (if statuses.is_empty() {
                        status != "revoked"
                    } else {
                        statuses.contains(&status)
                    }) && query.is_none_or(|qs| {
                        get_str(v, "id") == Some(qs)
                            || get_str(v, "email_address").is_some_and(|e| {
                                contains_ci(e, query_lower.as_deref().unwrap_or(""))
                            })
                    })
                })
                .collect();
            apply_order(
                q,
                &d.invitations,
                &mut idx,
                &[
                    ("created_at", &["created_at"]),
                    ("email_address", &["email_address"]),
                    ("expires_at", &["expires_at"]),
                ],
                ("created_at", true),
            )?;
            array_or_envelope(q, &d.invitations, &idx, limit, offset)
        }
        Route::Allowlist | Route::JwtTemplates | Route::RedirectUrls => {
            let list = match r {
                Route::Allowlist => &d.allowlist_identifiers,
                Route::JwtTemplates => &d.jwt_templates,
                _ => &d.redirect_urls,
            };
            let (limit, offset) = q.paging()?;
            array_or_envelope(q, list, &all_idx(list.len()), limit, offset)
        }
        Route::Blocklist => {
            let rows: Vec<&Value> = d.blocklist_identifiers.iter().collect();
            Resp::ok(envelope(&rows, rows.len()))
        }
        Route::Domains => {
            let rows: Vec<&Value> = d.domains.iter().collect();
            Resp::ok(envelope(&rows, rows.len()))
        }
        Route::JwtTemplate(id) => by_id(&d.jwt_templates, id),
        Route::OauthApp(id) => by_id(&d.oauth_applications, id),
        Route::RedirectUrl(id) => by_id(&d.redirect_urls, id),
        Route::SamlOne(id) => by_id(&d.saml_connections, id),
        Route::Statement(id) => by_id(&d.billing_statements, id),
        Route::OauthApps => {
            let (limit, offset) = q.paging()?;
            let nq = q.get("name_query").filter(|s| !s.is_empty());
            let nq_lower = nq.map(str::to_lowercase);
            let idx: Vec<usize> = (0..d.oauth_applications.len())
                .filter(|&i| {
                    let v = &d.oauth_applications[i];
                    nq.is_none_or(|s| {
                        get_str(v, "client_id") == Some(s)
                            || get_str(v, "name")
                                .is_some_and(|n| contains_ci(n, nq_lower.as_deref().unwrap_or("")))
                    })
                })
                .collect();
            by_created_or_name(q, &d.oauth_applications, idx, limit, offset)?
        }
        Route::Saml => {
            let (limit, offset) = q.paging()?;
            let orgs = PlusMinus::parse(q.all("organization_id"));
            let query = q
                .get("query")
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase);
            let idx: Vec<usize> = (0..d.saml_connections.len())
                .filter(|&i| {
                    let v = &d.saml_connections[i];
                    let org = get_str(v, "organization_id");
                    (orgs.is_empty()
                        || org.is_some_and(|o| orgs.matches(o))
                        || (orgs.include.is_empty() && org.is_none()))
                        && query
                            .as_deref()
                            .is_none_or(|ql| get_str(v, "name").is_some_and(|n| contains_ci(n, ql)))
                })
                .collect();
            by_created_or_name(q, &d.saml_connections, idx, limit, offset)?
        }
        Route::Plans => {
            let (limit, offset) = q.paging()?;
            let payer = q.get("payer_type");
            if let Some(p) = payer {
                if p != "user" && p != "org" {
                    return Err(clerk_param_error(
                        "payer_type",
                        "`payer_type` must be user or org",
                    ));
                }
            }
            let idx: Vec<usize> = (0..d.billing_plans.len())
                .filter(|&i| {
                    payer.is_none_or(|p| get_str(&d.billing_plans[i], "for_payer_type") == Some(p))
                })
                .collect();
            paged_envelope(&d.billing_plans, &idx, limit, offset)
        }
        Route::SubItems => {
            let (limit, offset) = q.paging()?;
            let status = q.get("status");
            let plan_id = q.get("plan_id");
            let payer = q.get("payer_type");
            let include_free = q.flag("include_free");
            let mut idx: Vec<usize> = (0..d.billing_subscription_items.len())
                .filter(|&i| {
                    let m = &ix.items[i];
                    (include_free || !m.free)
                        && status.is_none_or(|s| {
                            if s == "free_trial" {
                                d.billing_subscription_items[i]
                                    .get("is_free_trial")
                                    .and_then(Value::as_bool)
                                    .unwrap_or(false)
                            } else {
                                m.status == s
                            }
                        })
                        && plan_id.is_none_or(|p| m.plan_id.as_deref() == Some(p))
                        && payer.is_none_or(|p| m.payer_type.as_deref() == Some(p))
                })
                .collect();
            idx.sort_by(|&a, &b| {
                ix.items[b]
                    .created_at
                    .cmp(&ix.items[a].created_at)
                    .then(a.cmp(&b))
            });
            paged_envelope(&d.billing_subscription_items, &idx, limit, offset)
        }
        // Sessions, roles, permissions, the waitlist, domains, enterprise connections,
        // prices and API keys: see directory.rs.
        r @ (Route::Sessions
        | Route::Session(_)
        | Route::EnterpriseConnections
        | Route::EnterpriseConnection(_)
        | Route::Prices
        | Route::ApiKeys
        | Route::Roles
        | Route::Permissions
        | Route::Waitlist
        | Route::OrgDomains) => directory(sh, r, q)?,
        Route::Statements => {
            let (limit, offset) = q.paging()?;
            let mut idx = all_idx(d.billing_statements.len());
            sort_by_path(&d.billing_statements, &mut idx, &["timestamp"], true);
            paged_envelope(&d.billing_statements, &idx, limit, offset)
        }
        Route::PaymentAttempts(stmt) => {
            if !ix.statement_by_id.contains_key(stmt) {
                return Ok(Resp::not_found());
            }
            let (limit, offset) = q.paging()?;
            let mut idx = ix
                .attempts_by_statement
                .get(stmt)
                .cloned()
                .unwrap_or_default();
            sort_by_path(&d.billing_payment_attempts, &mut idx, &["created_at"], true);
            paged_envelope(&d.billing_payment_attempts, &idx, limit, offset)
        }
    })
}

pub(crate) const MEMBERSHIP_ORDER: &[(&str, &[&str])] = &[
    ("created_at", &["created_at"]),
    ("first_name", &["public_user_data", "first_name"]),
    ("last_name", &["public_user_data", "last_name"]),
    ("username", &["public_user_data", "username"]),
    ("email_address", &["public_user_data", "identifier"]),
    ("phone_number", &["public_user_data", "identifier"]),
];

pub(crate) const INVITATION_ORDER: &[(&str, &[&str])] = &[
    ("created_at", &["created_at"]),
    ("email_address", &["email_address"]),
];

pub(crate) fn org_out(sh: &Data, k: usize, with_count: bool) -> Value {
    let mut o = sh.dataset.organizations[k].clone();
    if with_count {
        if let Some(m) = o.as_object_mut() {
            m.insert("members_count".into(), json!(sh.index.members_count[k]));
        }
    }
    o
}

/// Indexes of `items` with this `status` (if given) whose `email_address` contains `query`
/// case-insensitively (if given and not empty): Clerk's `status` + `query` filters.
pub(crate) fn status_and_query(
    items: &[Value],
    status: Option<&str>,
    query: Option<&str>,
) -> Vec<usize> {
    let query = query.filter(|s| !s.is_empty()).map(str::to_lowercase);
    (0..items.len())
        .filter(|&i| {
            let v = &items[i];
            status.is_none_or(|s| get_str(v, "status") == Some(s))
                && query.as_deref().is_none_or(|ql| {
                    get_str(v, "email_address").is_some_and(|e| contains_ci(e, ql))
                })
        })
        .collect()
}

/// One envelope page of `items[idx]` in `order_by` order: `created_at` (the default,
/// oldest first) or `name`, as the OAuth application and SAML connection lists allow.
fn by_created_or_name(
    q: &Q,
    items: &[Value],
    mut idx: Vec<usize>,
    limit: usize,
    offset: usize,
) -> Result<Resp, Resp> {
    apply_order(
        q,
        items,
        &mut idx,
        &[("created_at", &["created_at"]), ("name", &["name"])],
        ("created_at", false),
    )?;
    Ok(paged_envelope(items, &idx, limit, offset))
}
