//! Demo: load the release component in the native host and run typical queries, printing
//! the rows and the API calls each one cost.
//!
//! Usage: demo [N_USERS]   (default 1200)
//!
//! With `CLERK_SECRET_KEY` set, the queries go to the real Clerk API (`CLERK_API_URL`, default
//! `https://api.clerk.com/v1`): read-only queries on your own instance (never a write); the
//! key is never printed. Without it, they go to the bundled mock Clerk API with N_USERS
//! users, and the demo also writes to the mock.

use clerk_fdw_testhost::host::{
    Cell, Host, ImportListType, Outcome, QualSpec, QuerySpec, Table, TypeOid,
};
use clerk_fdw_testhost::mock::{ymd_from_ms, Dataset, MockClerk};
use std::time::Instant;

/// Rows as the host hands them to Postgres.
type Rows = Vec<Vec<Option<Cell>>>;

struct Demo {
    host: Host,
    /// `api_key` and `api_url`.
    server_options: Vec<(String, String)>,
}

impl Demo {
    fn run(
        &self,
        sql: &str,
        object: &str,
        columns: &[(&str, TypeOid)],
        quals: Vec<QualSpec>,
        limit: Option<i64>,
    ) -> Rows {
        println!("\nclerk=> {sql}");
        let (result, cost) = self.query(object, columns, quals, limit);
        let rows = self.show(result, columns);
        println!("{cost}");
        rows
    }

    fn show(&self, result: Result<Rows, String>, columns: &[(&str, TypeOid)]) -> Rows {
        match result {
            Err(e) => {
                println!("ERROR:  guest fdw error: {e}");
                vec![]
            }
            Ok(rows) => {
                if columns.is_empty() {
                    println!(" count\n {}\n(1 row)", rows.len());
                    return rows;
                }
                let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
                println!(" {}", names.join(" | "));
                for r in rows.iter().take(8) {
                    let cells: Vec<String> = r.iter().map(show).collect();
                    println!(" {}", cells.join(" | "));
                }
                if rows.len() > 8 {
                    println!(" … {} more", rows.len() - 8);
                }
                println!("({} rows)", rows.len());
                rows
            }
        }
    }

    /// Run one scan as Postgres would: its rows, and a line saying what API calls it cost.
    fn query(
        &self,
        object: &str,
        columns: &[(&str, TypeOid)],
        quals: Vec<QualSpec>,
        limit: Option<i64>,
    ) -> (Result<Rows, String>, String) {
        let started = Instant::now();
        let spec = QuerySpec {
            server_options: self.server_options.clone(),
            table_options: vec![("object".into(), object.into())],
            columns: columns
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect(),
            quals,
            limit: limit.map(|l| (l, 0)),
            ..QuerySpec::default()
        };
        let mut q = match self.host.new_query(spec) {
            Ok(q) => q,
            Err(e) => return (Err(format!("{e:#}")), String::new()),
        };
        let mut scan = || {
            q.begin_scan()?;
            let mut rows = vec![];
            while let Some(r) = q.iter_scan()? {
                rows.push(r);
                // Postgres stops pulling rows once LIMIT is satisfied.
                if limit.is_some_and(|l| rows.len() as i64 >= l) {
                    break;
                }
            }
            q.end_scan()?;
            Ok(rows)
        };
        let result = scan();
        // Paths only: query strings can hold email addresses.
        let paths: Vec<String> = q
            .http_requests()
            .iter()
            .map(|c| {
                let url = c.url.split('?').next().unwrap_or_default();
                let base = self.server_options[1].1.as_str();
                url.strip_prefix(base).unwrap_or(url).to_string()
            })
            .collect();
        let cost = format!(
            "-- {} API request(s) in {:.1} ms: {}",
            paths.len(),
            started.elapsed().as_secs_f64() * 1e3,
            summarize(&paths)
        );
        (result, cost)
    }
}

fn summarize(paths: &[String]) -> String {
    let mut out: Vec<String> = vec![];
    for p in paths {
        match out.last_mut() {
            Some(last) if last.starts_with(p.as_str()) => {
                if let Some(n) = last.strip_prefix(&format!("{p} ×")) {
                    *last = format!("{p} ×{}", n.parse::<u32>().unwrap_or(1) + 1);
                } else {
                    *last = format!("{p} ×2");
                }
            }
            _ => out.push(p.clone()),
        }
    }
    out.join(", ")
}

fn show(c: &Option<Cell>) -> String {
    match c {
        None => "NULL".into(),
        Some(Cell::String(s)) => s.clone(),
        Some(Cell::Json(s)) if s.len() > 40 => format!(
            "{}…",
            &s[..s.char_indices().nth(40).map_or(s.len(), |(i, _)| i)]
        ),
        Some(Cell::Json(s)) => s.clone(),
        Some(Cell::Bool(b)) => b.to_string(),
        Some(Cell::I32(i)) => i.to_string(),
        Some(Cell::I64(i)) => i.to_string(),
        Some(Cell::Timestamptz(us)) => epoch_to_utc(*us / 1_000_000),
        Some(other) => format!("{other:?}"),
    }
}

/// Seconds → "YYYY-MM-DD HH:MM:SS+00", as psql shows a timestamptz in UTC.
fn epoch_to_utc(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}+00",
        ymd_from_ms(secs * 1000),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Server options (`api_key`, `api_url`), and the mock they point at if any.
type Target = (Vec<(String, String)>, Option<MockClerk>);

/// What the demo talks to: the real Clerk API when `CLERK_SECRET_KEY` is set, else a mock.
fn target(n_users: usize) -> Result<Target, String> {
    let key = std::env::var("CLERK_SECRET_KEY").unwrap_or_default();
    let key = key.trim();
    if key.is_empty() {
        let mock = MockClerk::start(Dataset::generate(n_users));
        let opts = vec![
            ("api_key".into(), mock.api_key().to_string()),
            ("api_url".into(), mock.base_url()),
        ];
        return Ok((opts, Some(mock)));
    }
    if key.starts_with("pk_") {
        return Err(
            "CLERK_SECRET_KEY holds a publishable key (pk_…); use the instance's \
                    secret key (sk_test_… or sk_live_…) from the Clerk dashboard, API keys page"
                .into(),
        );
    }
    let url = std::env::var("CLERK_API_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "https://api.clerk.com/v1".into());
    Ok((
        vec![("api_key".into(), key.into()), ("api_url".into(), url)],
        None,
    ))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1200);
    let path = Host::default_wasm_path();
    let host = Host::load(&path).unwrap_or_else(|e| {
        eprintln!(
            "cannot load {}: {e:#}\nbuild it first: bash scripts/build.sh",
            path.display()
        );
        std::process::exit(1);
    });
    let (server_options, mock) = target(n).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let api_url = server_options[1].1.clone();
    let against = match &mock {
        Some(m) => format!(
            "a mock Clerk API at {api_url} with {} users (set CLERK_SECRET_KEY to use your own instance)",
            m.dataset().users.len()
        ),
        None => format!("the Clerk API at {api_url}, read-only"),
    };
    println!(
        "clerk_fdw demo: {} ({} KiB, compiled in {:.0} ms) against {against}",
        path.display(),
        std::fs::metadata(&path)
            .map(|m| m.len() / 1024)
            .unwrap_or(0),
        host.compile_time().as_secs_f64() * 1e3,
    );
    let demo = Demo {
        host,
        server_options,
    };
    import_schema(&demo);
    match &mock {
        Some(m) => {
            mock_queries(&demo, &m.dataset());
            mock_writes(&demo, m);
        }
        None => {
            if let Err(e) = real_queries(&demo) {
                eprintln!("\n{e}");
                std::process::exit(1);
            }
        }
    }
}

/// `IMPORT FOREIGN SCHEMA` through the component: the statements it returns.
fn import(demo: &Demo, list_type: ImportListType, tables: Vec<String>) -> Vec<String> {
    let mut q = demo
        .host
        .new_query(QuerySpec {
            server_options: demo.server_options.clone(),
            ..QuerySpec::default()
        })
        .expect("init");
    q.import_foreign_schema("clerk_server", "clerk", "clerk", list_type, tables)
        .expect("import foreign schema")
}

fn import_schema(demo: &Demo) {
    let stmts = import(demo, ImportListType::All, vec![]);
    println!("\nclerk=> import foreign schema clerk from server clerk_server into clerk;");
    println!("IMPORT FOREIGN SCHEMA ({} tables)", stmts.len());
    if let Some(users) = stmts.iter().find(|s| s.contains(" users (")) {
        println!("{}", users.lines().take(6).collect::<Vec<_>>().join("\n"));
        println!("  …");
    }
}

use TypeOid as T;

/// Your own instance: read-only queries. A rejected key or no network stops the demo with
/// the component's own message (it never contains the key).
fn real_queries(demo: &Demo) -> Result<(), String> {
    println!("\nclerk=> select id from clerk.users limit 1;   -- checks the key and the network");
    let (first, cost) = demo.query("users", &[("id", T::String)], vec![], Some(1));
    println!("{cost}");
    first.map_err(|e| {
        let hint = if e.contains("HTTP 401") {
            "check CLERK_SECRET_KEY: it must be a current secret key of your instance"
        } else if e.contains("could not reach Clerk") {
            "check the network: this machine must reach the Clerk API over HTTPS"
        } else {
            "see docs/guide.md, Troubleshooting"
        };
        format!("the first query failed: {e}\n{hint}")
    })?;
    tour(demo);
    Ok(())
}

/// The queries both targets run: a count, a few users, organizations and the members of
/// the first one listed.
fn tour(demo: &Demo) {
    demo.run(
        "select count(*) from clerk.users;",
        "users",
        &[],
        vec![],
        None,
    );
    demo.run(
        "select id, primary_email_address, created_at, banned from clerk.users limit 5;",
        "users",
        &[
            ("id", T::String),
            ("primary_email_address", T::String),
            ("created_at", T::Timestamptz),
            ("banned", T::Bool),
        ],
        vec![],
        Some(5),
    );
    let orgs = demo.run(
        "select id, name, slug, members_count from clerk.organizations limit 5;",
        "organizations",
        &[
            ("id", T::String),
            ("name", T::String),
            ("slug", T::String),
            ("members_count", T::I32),
        ],
        vec![],
        Some(5),
    );
    if let Some(Some(Cell::String(org))) = orgs.first().map(|r| r[0].clone()) {
        demo.run(
            &format!("select user_id, role, created_at from clerk.organization_memberships where organization_id = '{org}';"),
            "organization_memberships",
            &[("user_id", T::String), ("role", T::String), ("created_at", T::Timestamptz)],
            vec![QualSpec::eq("organization_id", Cell::String(org.clone()))],
            None,
        );
    }
}

fn mock_queries(demo: &Demo, ds: &Dataset) {
    let some_user = ds.users[4]["id"].as_str().unwrap_or_default().to_string();
    let email = ds.users[3]["email_addresses"][0]["email_address"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let subscribers: Vec<String> = ds
        .user_subscriptions
        .iter()
        .take(3)
        .map(|(u, _)| u.clone())
        .collect();

    demo.run(
        &format!("select id, primary_email_address, created_at from clerk.users where email_address = '{email}';"),
        "users",
        &[("id", T::String), ("primary_email_address", T::String), ("created_at", T::Timestamptz)],
        vec![QualSpec::eq("email_address", Cell::String(email.clone()))],
        None,
    );
    tour(demo);
    demo.run(
        "select id, name, fee_amount, fee_currency, for_payer_type from clerk.billing_plans;",
        "billing_plans",
        &[
            ("id", T::String),
            ("name", T::String),
            ("fee_amount", T::I64),
            ("fee_currency", T::String),
            ("for_payer_type", T::String),
        ],
        vec![],
        None,
    );
    let in_list = subscribers
        .iter()
        .map(|u| format!("'{u}'"))
        .collect::<Vec<_>>()
        .join(", ");
    demo.run(
        &format!("select user_id, id, status from clerk.user_billing_subscriptions where user_id in ({in_list}, '{some_user}');"),
        "user_billing_subscriptions",
        &[("user_id", T::String), ("id", T::String), ("status", T::String)],
        vec![QualSpec::is_in(
            "user_id",
            subscribers.iter().chain([&some_user]).map(|u| Cell::String(u.clone())).collect(),
        )],
        None,
    );
    demo.run(
        "select id from clerk.user_billing_subscriptions;",
        "user_billing_subscriptions",
        &[("id", T::String)],
        vec![],
        None,
    );
}

/// Writes, only ever against the mock: the opt-in, a create, a ban and a sign-out.
fn mock_writes(demo: &Demo, mock: &MockClerk) {
    let table = |name: &str| {
        let ddl = import(demo, ImportListType::LimitTo, vec![name.into()]);
        Table::from_ddl(&ddl[0])
    };
    let spec = |allow: bool| {
        let mut server_options = demo.server_options.clone();
        if allow {
            server_options.push(("allow_writes".into(), "true".into()));
        }
        QuerySpec {
            server_options,
            ..QuerySpec::default()
        }
    };
    let show = |sql: &str, verb: &str, o: Outcome| {
        println!("\nclerk=> {sql}");
        for n in &o.notices {
            println!("NOTICE:  {n}");
        }
        match o.result {
            Ok(n) if verb == "INSERT" => println!("INSERT 0 {n}"),
            Ok(n) => println!("{verb} {n}"),
            Err(e) => println!("ERROR:  guest fdw error: {e}"),
        }
        let calls: Vec<String> = o
            .writes
            .iter()
            .map(|c| format!("{} {}", c.method, c.url.split("/v1").nth(1).unwrap_or("")))
            .collect();
        if !calls.is_empty() {
            println!("-- sent: {}", calls.join(", "));
        }
    };
    let invitations = table("invitations");
    let row = vec![(
        "email_address",
        Cell::String("new.friend@example.com".into()),
    )];
    let sql = "insert into clerk.invitations (email_address) values ('new.friend@example.com');";
    println!("\n-- writes are off until the server allows them:");
    show(
        sql,
        "INSERT",
        demo.host
            .insert(&spec(false), &invitations, std::slice::from_ref(&row)),
    );
    println!(
        "\nclerk=> alter server clerk_server options (add allow_writes 'true');\nALTER SERVER"
    );
    show(
        sql,
        "INSERT",
        demo.host.insert(&spec(true), &invitations, &[row]),
    );

    let (user, merged, session_user) = {
        let d = mock.dataset();
        let user = d.users[6]["id"].as_str().unwrap_or_default().to_string();
        // What Postgres computes for `public_metadata || '{"flag": "spam"}'` from the row
        // the statement's scan read.
        let mut merged = d.users[6]["public_metadata"].clone();
        merged["flag"] = "spam".into();
        let session_user = d
            .sessions
            .iter()
            .find(|s| s["status"] == "active")
            .and_then(|s| s["user_id"].as_str())
            .unwrap_or_default()
            .to_string();
        (user, merged.to_string(), session_user)
    };
    show(
        &format!("update clerk.users set banned = true, public_metadata = public_metadata || '{{\"flag\": \"spam\"}}' where id = '{user}';"),
        "UPDATE",
        demo.host.update(
            &spec(true),
            &table("users"),
            vec![QualSpec::eq("id", Cell::String(user.clone()))],
            &[
                ("banned", Some(Cell::Bool(true))),
                ("public_metadata", Some(Cell::Json(merged))),
            ],
        ),
    );
    show(
        &format!(
            "delete from clerk.sessions where user_id = '{session_user}' and status = 'active';"
        ),
        "DELETE",
        demo.host.delete(
            &spec(true),
            &table("sessions"),
            vec![
                QualSpec::eq("user_id", Cell::String(session_user.clone())),
                QualSpec::eq("status", Cell::String("active".into())),
            ],
        ),
    );
}
