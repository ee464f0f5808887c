//! Native stand-in for the Supabase Wrappers wasm host (wasmtime 36, component model),
//! a loopback HTTP client, and a mock Clerk Backend API. Used by the integration tests,
//! the demo and the benchmark; never shipped.

pub mod host;
pub mod http;
pub mod mock;
pub mod pgcell;
