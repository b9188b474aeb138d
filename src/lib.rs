//! gorqs: a runnable queue service for JavaScript, written in Rust and compiled to
//! WebAssembly. A port of the Go library gorqs.
//!
//! - [`core`]: the scheduler, plain Rust, tested natively.
//! - [`executor`]: runs the scheduler's jobs on a single-threaded host, plain Rust too.
//! - [`wasm`]: the wasm-bindgen layer: the `Queue` class over the executor, and its JS host.
#![deny(missing_docs)]

pub mod core;
pub mod executor;
pub mod wasm;

/// The allocator of the wasm module: talc, smaller than std's dlmalloc by 6 KB of code and as
/// fast for this crate (see Cargo.toml). Single-threaded (no `atomics`), memory grown on demand.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
