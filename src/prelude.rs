//! What `std`'s prelude would give; the component is `no_std` on wasm (see `rt.rs`).
pub use alloc::string::{String, ToString};
pub use alloc::vec;
pub use alloc::vec::Vec;
