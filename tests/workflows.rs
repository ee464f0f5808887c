//! The GitHub workflows parse as YAML and keep what CI and releases rely on: CI runs
//! `scripts/test.sh` on every push and pull request with the toolchain it needs; a `v*` tag
//! builds the component with `scripts/build.sh`, checks the tag against Cargo.toml and
//! publishes the wasm, its sha256 and a CREATE SERVER snippet.

use serde_yaml::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    let path = repo().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn workflow(name: &str) -> Value {
    let rel = format!(".github/workflows/{name}");
    let text = read(&rel);
    assert!(!text.contains('\t'), "{rel} contains a tab");
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

/// The `on:` table. YAML 1.1 parsers read a bare `on` key as `true`; accept both.
fn triggers(wf: &Value) -> &Value {
    wf.get("on")
        .or_else(|| wf.get(Value::Bool(true)))
        .expect("workflow has an `on:` section")
}

/// Every step of every job, in order.
fn steps(wf: &Value) -> Vec<&Value> {
    let jobs = wf
        .get("jobs")
        .and_then(Value::as_mapping)
        .expect("workflow has jobs");
    assert!(!jobs.is_empty(), "workflow has at least one job");
    jobs.values()
        .flat_map(|job| {
            assert!(job.get("runs-on").is_some(), "every job names runs-on");
            job.get("steps")
                .and_then(Value::as_sequence)
                .expect("every job has steps")
                .iter()
        })
        .collect()
}

fn run_of(step: &Value) -> &str {
    step.get("run").and_then(Value::as_str).unwrap_or("")
}

fn uses_of(step: &Value) -> &str {
    step.get("uses").and_then(Value::as_str).unwrap_or("")
}

fn position(steps: &[&Value], what: &str, pred: impl Fn(&Value) -> bool) -> usize {
    steps
        .iter()
        .position(|s| pred(s))
        .unwrap_or_else(|| panic!("no step {what}"))
}

fn runs(steps: &[&Value], needle: &str) -> usize {
    position(steps, &format!("runs `{needle}`"), |s| {
        run_of(s).contains(needle)
    })
}

fn uses(steps: &[&Value], action: &str) -> usize {
    position(steps, &format!("uses {action}"), |s| {
        uses_of(s).starts_with(action)
    })
}

/// The cargo-component version scripts/setup.sh installs.
fn cargo_component_version() -> String {
    let setup = read("scripts/setup.sh");
    let (_, rest) = setup
        .split_once("cargo-component --version ")
        .expect("setup.sh installs cargo-component with --version");
    rest.split_whitespace().next().unwrap().to_string()
}

/// Shared by both workflows: checkout, Rust with the wasm target, pinned cargo-component.
fn check_toolchain(steps: &[&Value], components: &[&str]) -> usize {
    let checkout = uses(steps, "actions/checkout@");
    let rust = uses(steps, "dtolnay/rust-toolchain@");
    let with = steps[rust].get("with").expect("rust-toolchain has `with`");
    let targets = with.get("targets").and_then(Value::as_str).unwrap_or("");
    assert!(targets.contains("wasm32-unknown-unknown"), "{targets}");
    let have = with.get("components").and_then(Value::as_str).unwrap_or("");
    for c in components {
        assert!(
            have.contains(c),
            "rust-toolchain components lack {c}: {have}"
        );
    }
    let install = format!(
        "cargo install --locked cargo-component --version {}",
        cargo_component_version()
    );
    let cc = runs(steps, &install);
    assert!(
        checkout < rust && rust < cc,
        "checkout, then Rust, then cargo-component"
    );
    for s in steps {
        let u = uses_of(s);
        assert!(u.is_empty() || u.contains('@'), "unpinned action {u}");
    }
    cc
}

#[test]
fn ci_runs_the_test_script_on_push_and_pull_request() {
    let wf = workflow("ci.yml");
    let on = triggers(&wf);
    for event in ["push", "pull_request"] {
        assert!(on.get(event).is_some(), "ci.yml runs on {event}");
    }
    let steps = steps(&wf);
    let cc = check_toolchain(&steps, &["rustfmt", "clippy"]);
    assert!(
        steps
            .iter()
            .any(|s| uses_of(s).starts_with("Swatinem/rust-cache@")
                || uses_of(s).starts_with("actions/cache@")),
        "ci.yml caches cargo"
    );
    let test = runs(&steps, "bash scripts/test.sh");
    assert!(cc < test, "cargo-component is installed before the tests");

    // .ci/run and CI run the same script, and that script runs everything.
    assert!(read(".ci/run").contains("scripts/test.sh"));
    let script = read("scripts/test.sh");
    for needle in [
        "cargo fmt",
        "cargo clippy",
        "-D warnings",
        "scripts/build.sh",
        "cargo test",
    ] {
        assert!(script.contains(needle), "scripts/test.sh runs {needle}");
    }
}

#[test]
fn release_publishes_the_component_for_version_tags() {
    let wf = workflow("release.yml");
    let tags = triggers(&wf)
        .get("push")
        .and_then(|p| p.get("tags"))
        .and_then(Value::as_sequence)
        .expect("release.yml runs on push.tags");
    assert!(
        tags.iter().any(|t| t.as_str() == Some("v*")),
        "release.yml runs on tags v*: {tags:?}"
    );
    assert_eq!(
        wf.get("permissions")
            .and_then(|p| p.get("contents"))
            .and_then(Value::as_str),
        Some("write"),
        "creating a release needs contents: write"
    );

    let steps = steps(&wf);
    let cc = check_toolchain(&steps, &[]);
    let version = position(&steps, "checks the tag against Cargo.toml", |s| {
        let r = run_of(s);
        r.contains("Cargo.toml") && (r.contains("github.ref_name") || r.contains("TAG"))
    });
    let build = runs(&steps, "bash scripts/build.sh");
    let sum = runs(&steps, "sha256sum");
    let notes = steps[sum];
    assert!(version < build && cc < build && build <= sum);
    let script = run_of(notes);
    for needle in [
        "checksum.txt",
        "release-notes.md",
        "create server",
        "fdw_package_name 'supabase:clerk-fdw'",
        "fdw_package_version",
        "fdw_package_checksum",
    ] {
        assert!(
            script.contains(needle),
            "the release notes step has {needle}"
        );
    }
    let env = notes.get("env").expect("the release notes step has env");
    let url = env.get("URL").and_then(Value::as_str).unwrap_or("");
    assert_eq!(
        url,
        "https://github.com/${{ github.repository }}/releases/download/${{ github.ref_name }}/clerk_fdw.wasm"
    );

    // The wasm, its checksum and the snippet are attached to a GitHub release.
    let publish = position(&steps, "publishes a GitHub release", |s| {
        uses_of(s).starts_with("softprops/action-gh-release@")
            || run_of(s).contains("gh release create")
    });
    assert!(sum < publish);
    let p = steps[publish];
    let files = p
        .get("with")
        .and_then(|w| w.get("files"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| run_of(p));
    for f in ["clerk_fdw.wasm", "checksum.txt", "release-notes.md"] {
        assert!(files.contains(f), "the release attaches {f}");
    }

    // The build script still produces the artifact this workflow publishes.
    let build_sh = read("scripts/build.sh");
    assert!(build_sh.contains("target/wasm32-unknown-unknown/release/clerk_fdw.wasm"));
    assert!(script.contains("target/wasm32-unknown-unknown/release/clerk_fdw.wasm"));
}
