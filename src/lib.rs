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
