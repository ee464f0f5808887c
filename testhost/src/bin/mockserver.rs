//! Serve the mock Clerk API on loopback until killed, for trying the component in a real
//! Postgres by hand: `mockserver [N_USERS] [--nul] [--storm]` prints the `api_url` to use.
//! `--nul` gives two users a NUL character in `unsafe_metadata` and one in a first name;
//! `--storm` answers every `/users` request with 429 (`Retry-After: 10`).

use clerk_fdw_testhost::mock::{Dataset, Fault, MockClerk};

fn main() {
    let mut n_users = 1234;
    let (mut nul, mut storm) = (false, false);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--nul" => nul = true,
            "--storm" => storm = true,
            a => {
                n_users = a
                    .parse()
                    .expect("usage: mockserver [N_USERS] [--nul] [--storm]")
            }
        }
    }
    let mut ds = Dataset::generate(n_users);
    if nul && ds.users.len() > 9 {
        ds.users[7]["unsafe_metadata"] = serde_json::json!({"x": "a\u{0}b"});
        ds.users[7]["first_name"] = serde_json::json!("An\u{0}n");
        ds.users[9]["unsafe_metadata"] = serde_json::json!({"y": "\u{0}"});
    }
    let mock = MockClerk::start(ds);
    if storm {
        mock.push_fault(Fault::rate_limited("/v1/users", "10", usize::MAX));
    }
    println!("api_url {}  api_key {}", mock.base_url(), mock.api_key());
    loop {
        std::thread::park();
    }
}
