//! Broken invariants. A bug in clerk_fdw must fail the statement, never turn into a
//! default value and so into wrong rows. The trap carries no message: formatting one would
//! link `core::fmt` (size: see lib.rs).

/// A broken invariant: trap (on wasm) or panic (in native tests).
#[cold]
#[inline(never)]
pub fn bug() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    panic!("clerk_fdw: broken invariant");
}

/// `text[start..end]`, where the caller knows the range is valid (a span of a validated
/// JSON document).
pub fn span(text: &str, start: usize, end: usize) -> &str {
    match text.get(start..end) {
        Some(s) => s,
        None => bug(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_checked() {
        assert_eq!(span("héllo", 0, 3), "hé");
        assert!(std::panic::catch_unwind(|| span("héllo", 0, 2)).is_err());
        assert!(std::panic::catch_unwind(|| span("abc", 2, 9)).is_err());
    }
}
