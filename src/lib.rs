//! gorqs: a runnable queue service for JavaScript, written in Rust and compiled to
//! WebAssembly. A port of the Go library gorqs.
//!
//! - [`core`]: the scheduler, plain Rust, tested natively.
//! - [`executor`]: runs the scheduler's jobs on a single-threaded host, plain Rust too.
//! - [`wasm`]: the wasm-bindgen layer that exposes the core to JavaScript (numbers only).
#![deny(missing_docs)]

pub mod core;
pub mod executor;
pub mod wasm;
