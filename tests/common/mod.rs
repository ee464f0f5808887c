//! Shared set-up for the integration tests: the compiled component (compiled once per test
//! binary), a mock Clerk server, and small helpers to read cells.
#![allow(dead_code)]

use clerk_fdw_testhost::host::{Cell, Host, QualSpec, Query, QuerySpec, TypeOid};
use clerk_fdw_testhost::mock::{Dataset, MockClerk};
use serde_json::Value;
use std::sync::OnceLock;

pub const KEY: &str = "sk_test_mock";

/// The release component, compiled once (the real host compiles it per query; the
/// benchmark measures that).
pub fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| {
        let path = Host::default_wasm_path();
        assert!(
            path.exists(),
            "{} is missing: build it first with `bash scripts/build.sh`",
            path.display()
        );
        // The tests drive the built component, not the sources: refuse one older than them,
        // unless CLERK_FDW_WASM names a component on purpose.
        if std::env::var_os("CLERK_FDW_WASM").is_none_or(|v| v.is_empty()) {
            let built = modified(&path);
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let sources = ["src", "wit", "Cargo.toml"].map(|p| root.join(p));
            if let Some((newest, when)) = sources
                .iter()
                .filter_map(|p| newest_file(p))
                .max_by_key(|x| x.1)
            {
                assert!(
                    when <= built,
                    "{} is older than {}: the tests would check a stale component. Rebuild it \
                     with `bash scripts/build.sh` (or run `bash scripts/test.sh`, which does)",
                    path.display(),
                    newest.display()
                );
            }
        }
        Host::load(&path).expect("component loads")
    })
}

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(std::time::SystemTime::UNIX_EPOCH)
}

/// The most recently modified file under `path` (or `path` itself), with its time.
fn newest_file(path: &std::path::Path) -> Option<(std::path::PathBuf, std::time::SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return Some((path.to_path_buf(), modified(path)));
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| newest_file(&e.ok()?.path()))
        .max_by_key(|x| x.1)
}

pub fn mock(users: usize) -> MockClerk {
    MockClerk::start(Dataset::generate(users))
}

pub fn server_options(mock: &MockClerk) -> Vec<(String, String)> {
    vec![
        ("api_key".into(), KEY.into()),
        ("api_url".into(), mock.base_url()),
    ]
}

pub fn cols(spec: &[(&str, TypeOid)]) -> Vec<(String, TypeOid)> {
    spec.iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect()
}

pub fn text_cols(names: &[&str]) -> Vec<(String, TypeOid)> {
    names
        .iter()
        .map(|n| (n.to_string(), TypeOid::String))
        .collect()
}

/// A query on `object` against `mock` with the given columns and quals.
pub fn query(
    mock: &MockClerk,
    object: &str,
    columns: Vec<(String, TypeOid)>,
    quals: Vec<QualSpec>,
) -> Query {
    host()
        .new_query(QuerySpec {
            server_options: server_options(mock),
            table_options: vec![("object".into(), object.into())],
            columns,
            quals,
            ..QuerySpec::default()
        })
        .expect("init succeeds")
}

pub fn scan(
    mock: &MockClerk,
    object: &str,
    columns: Vec<(String, TypeOid)>,
    quals: Vec<QualSpec>,
) -> Result<Vec<Vec<Option<Cell>>>, String> {
    query(mock, object, columns, quals).scan_all()
}

/// The inner side of a join (a LATERAL subquery) over `values`, as the real host runs it:
/// `begin_scan` at executor start while the parameter is still a placeholder, then for each
/// value a re-scan (`end_scan` + `begin_scan` while the executor runs), and `end_scan` at
/// executor end. Checks that every row has its value in column 0; returns the row count.
pub fn join_inner(q: &mut Query, field: &str, values: &[String]) -> usize {
    // A single join's parameter is number 0 (measured).
    q.set_quals(vec![QualSpec::eq(field, s(&values[0])).from_subquery(0)]);
    q.begin_scan().unwrap();
    let mut found = 0;
    for v in values {
        q.rescan_with_quals(vec![QualSpec::eq(field, s(v)).with_param(0)])
            .unwrap();
        while let Some(r) = q.iter_scan().unwrap() {
            assert_eq!(text(&r[0]).as_deref(), Some(v.as_str()));
            found += 1;
        }
    }
    q.end_scan().unwrap();
    found
}

pub fn s(v: &str) -> Cell {
    Cell::String(v.to_string())
}

/// The text of a cell (panics on other kinds: the tests declare text columns).
pub fn text(c: &Option<Cell>) -> Option<String> {
    match c {
        None => None,
        Some(Cell::String(s)) => Some(s.clone()),
        Some(other) => panic!("expected a text cell, got {other:?}"),
    }
}

pub fn json(c: &Option<Cell>) -> Value {
    match c {
        None => Value::Null,
        Some(Cell::Json(s)) => serde_json::from_str(s).expect("valid json cell"),
        Some(other) => panic!("expected a json cell, got {other:?}"),
    }
}

/// First column of every row as text.
pub fn first_texts(rows: &[Vec<Option<Cell>>]) -> Vec<String> {
    rows.iter()
        .map(|r| text(&r[0]).expect("non-null"))
        .collect()
}

/// Ids of a dataset list, in order.
pub fn ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|v| v["id"].as_str().expect("id").to_string())
        .collect()
}

/// Requests the mock saw whose path starts with `prefix`.
pub fn requests_to(mock: &MockClerk, prefix: &str) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.path.starts_with(prefix))
        .count()
}

/// A dataset list in Clerk's default order for these lists: newest first.
pub fn newest_first(list: &[Value]) -> Vec<Value> {
    let mut v = list.to_vec();
    v.sort_by_key(|x| std::cmp::Reverse(x["created_at"].as_i64()));
    v
}

/// The dataset object with this id.
pub fn by_id<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the dataset"))
}

/// `value LIKE pattern` as Postgres reads it (`%`, `_`, `\` escapes); ILIKE compares the
/// lower-cased texts, as Postgres does in a UTF-8 database.
pub fn like(value: &str, pattern: &str, ilike: bool) -> bool {
    fn go(v: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => v.is_empty(),
            Some(('%', rest)) => (0..=v.len()).any(|i| go(&v[i..], rest)),
            Some(('_', rest)) => !v.is_empty() && go(&v[1..], rest),
            Some(('\\', rest)) if !rest.is_empty() => {
                v.first() == Some(&rest[0]) && go(&v[1..], &rest[1..])
            }
            Some((c, rest)) => v.first() == Some(c) && go(&v[1..], rest),
        }
    }
    let fold = |s: &str| -> Vec<char> {
        if ilike {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    go(&fold(value), &fold(pattern))
}
