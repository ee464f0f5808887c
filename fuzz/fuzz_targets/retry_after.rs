//! `Retry-After` parsing and the retry policy: never a panic, every wait and their sum
//! within the policy's caps, whatever the header says.
#![no_main]

use clerk_fdw::retry::{parse_retry_after, Failure, POLICY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_retry_after(v);
    for failure in [Failure::RateLimited, Failure::Server, Failure::Transport] {
        let (mut waited, mut attempts) = (0, 1);
        while let Some(d) = POLICY.delay(failure, attempts, waited, Some(v)) {
            assert!(d <= POLICY.max_delay_ms);
            waited += d;
            attempts += 1;
        }
        assert!(waited <= POLICY.max_total_wait_ms);
    }
});
