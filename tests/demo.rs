//! The demo binary against "your own instance": here a mock standing in for the Clerk API,
//! reached the way a real instance is (CLERK_SECRET_KEY, CLERK_API_URL).

mod common;
use common::*;
use std::process::Command;

fn demo(key: &str, url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_demo"))
        .env("CLERK_SECRET_KEY", key)
        .env("CLERK_API_URL", url)
        .output()
        .expect("demo runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn with_a_key_it_reads_that_instance_and_never_prints_the_key() {
    let mock = mock(40);
    let (code, out) = demo(KEY, &mock.base_url());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("read-only") && !out.contains("mock Clerk API"),
        "{out}"
    );
    assert!(out.contains(" count\n 40\n"), "{out}");
    // The newest organization's members, through the per-organization route.
    let newest = mock.dataset().organizations.last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        out.contains(&format!("/organizations/{newest}/memberships")),
        "{out}"
    );
    assert!(!out.contains(KEY), "the key was printed");
    // Only reads.
    assert!(mock.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_rejected_key_stops_with_a_clear_message() {
    let mock = mock(5);
    let (code, out) = demo("sk_test_wrong_key", &mock.base_url());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("HTTP 401") && out.contains("check CLERK_SECRET_KEY"),
        "{out}"
    );
    assert!(
        !out.contains("sk_test_wrong_key"),
        "the key was printed: {out}"
    );
    let (code, out) = demo("pk_test_abc", &mock.base_url());
    assert_eq!(code, 2);
    assert!(
        out.contains("publishable key") && !out.contains("pk_test_abc"),
        "{out}"
    );
    assert!(
        mock.requests().len() <= 1,
        "a publishable key sends nothing"
    );
}

#[test]
fn no_network_is_a_clear_message() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, out) = demo("sk_test_x", &format!("http://127.0.0.1:{port}/v1"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("check the network"), "{out}");
}
