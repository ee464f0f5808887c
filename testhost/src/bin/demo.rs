//! Demo: load the release component in the native host and run typical queries against the
//! bundled mock Clerk server, printing the rows and the API calls each one cost.
//!
//! Usage: demo [N_USERS]   (default 1200)

use clerk_fdw_testhost::host::{Cell, Host, ImportListType, QualSpec, QuerySpec, TypeOid};
use clerk_fdw_testhost::mock::{ymd_from_ms, Dataset, MockClerk};
use std::time::Instant;

struct Demo {
    host: Host,
    mock: MockClerk,
}

impl Demo {
    fn run(
        &self,
        sql: &str,
        object: &str,
        columns: &[(&str, TypeOid)],
        quals: Vec<QualSpec>,
        limit: Option<i64>,
    ) {
        println!("\nclerk=> {sql}");
        self.mock.clear_requests();
        let started = Instant::now();
        let spec = QuerySpec {
            server_options: vec![
                ("api_key".into(), "sk_test_mock".into()),
                ("api_url".into(), self.mock.base_url()),
            ],
            table_options: vec![("object".into(), object.into())],
            columns: columns
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect(),
            quals,
            limit: limit.map(|l| (l, 0)),
            ..QuerySpec::default()
        };
        let result = self
            .host
            .new_query(spec)
            .map_err(|e| format!("{e:#}"))
            .and_then(|mut q| {
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
            });
        match result {
            Err(e) => println!("ERROR:  guest fdw error: {e}"),
            Ok(rows) => {
                if columns.is_empty() {
                    println!(" count\n {}\n(1 row)", rows.len());
                    return self.footer(started);
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
            }
        }
        self.footer(started);
    }

    fn footer(&self, started: Instant) {
        let reqs = self.mock.requests();
        let paths: Vec<String> = reqs.iter().map(|r| r.path.clone()).collect();
        println!(
            "-- {} API request(s) in {:.1} ms: {}",
            reqs.len(),
            started.elapsed().as_secs_f64() * 1e3,
            summarize(&paths)
        );
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
    let mock = MockClerk::start(Dataset::generate(n));
    println!(
        "clerk_fdw demo: {} ({} KiB, compiled in {:.0} ms) against a mock Clerk API at {} with {} users",
        path.display(),
        std::fs::metadata(&path).map(|m| m.len() / 1024).unwrap_or(0),
        host.compile_time().as_secs_f64() * 1e3,
        mock.base_url(),
        mock.dataset().users.len()
    );
    let demo = Demo { host, mock };
    let ds = demo.mock.dataset();
    let some_user = ds.users[4]["id"].as_str().unwrap_or_default().to_string();
    let email = ds.users[3]["email_addresses"][0]["email_address"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let org = ds.organizations[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let subscribers: Vec<String> = ds
        .user_subscriptions
        .iter()
        .take(3)
        .map(|(u, _)| u.clone())
        .collect();

    let mut q = demo
        .host
        .new_query(QuerySpec {
            server_options: vec![
                ("api_key".into(), "sk_test_mock".into()),
                ("api_url".into(), demo.mock.base_url()),
            ],
            table_options: vec![("object".into(), "users".into())],
            ..QuerySpec::default()
        })
        .expect("init");
    let stmts = q
        .import_foreign_schema(
            "clerk_server",
            "clerk",
            "clerk",
            ImportListType::All,
            vec![],
        )
        .expect("import foreign schema");
    println!("\nclerk=> import foreign schema clerk from server clerk_server into clerk;");
    println!("IMPORT FOREIGN SCHEMA ({} tables)", stmts.len());
    if let Some(users) = stmts.iter().find(|s| s.contains(" users (")) {
        println!("{}", users.lines().take(6).collect::<Vec<_>>().join("\n"));
        println!("  …");
    }

    use TypeOid as T;
    demo.run(
        &format!("select id, primary_email_address, created_at from clerk.users where email_address = '{email}';"),
        "users",
        &[("id", T::String), ("primary_email_address", T::String), ("created_at", T::Timestamptz)],
        vec![QualSpec::eq("email_address", Cell::String(email.clone()))],
        None,
    );
    demo.run(
        "select id, first_name, last_name, banned from clerk.users limit 5;",
        "users",
        &[
            ("id", T::String),
            ("first_name", T::String),
            ("last_name", T::String),
            ("banned", T::Bool),
        ],
        vec![],
        Some(5),
    );
    demo.run(
        "select count(*) from clerk.users;",
        "users",
        &[],
        vec![],
        None,
    );
    demo.run(
        "select id, name, slug, members_count from clerk.organizations;",
        "organizations",
        &[
            ("id", T::String),
            ("name", T::String),
            ("slug", T::String),
            ("members_count", T::I32),
        ],
        vec![],
        None,
    );
    demo.run(
        &format!("select user_id, role, created_at from clerk.organization_memberships where organization_id = '{org}';"),
        "organization_memberships",
        &[("user_id", T::String), ("role", T::String), ("created_at", T::Timestamptz)],
        vec![QualSpec::eq("organization_id", Cell::String(org.clone()))],
        None,
    );
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
