//! The component's RFC 3339 reader against chrono (the host's): never a panic, and the same
//! instant wherever both read the string.
#![no_main]

use clerk_fdw::timefmt::parse_micros;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = parse_micros(text);
    if let (Some(a), Ok(b)) = (ours, chrono::DateTime::parse_from_rfc3339(text)) {
        assert_eq!(a, b.timestamp_micros(), "{text:?}");
    }
});
