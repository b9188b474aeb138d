//! The JS contract through wasm-bindgen, in Node (`wasm-pack test --node`): the Rust `Queue`
//! driven directly from Rust.
#![cfg(target_arch = "wasm32")]

#[path = "wasm/support.rs"]
mod support;

#[path = "wasm/contract.rs"]
mod contract;

#[path = "wasm/features.rs"]
mod features;

#[path = "wasm/reentrancy.rs"]
mod reentrancy;
