//! wasmtime host (owned by the host helper).
