//! The JS contract through wasm-bindgen, in headless browsers
//! (`wasm-pack test --headless --chrome` / `--firefox`): the Rust `Queue` driven directly
//! from Rust.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "wasm/support.rs"]
mod support;

#[path = "wasm/contract.rs"]
mod contract;

#[path = "wasm/features.rs"]
mod features;

#[path = "wasm/reentrancy.rs"]
mod reentrancy;
