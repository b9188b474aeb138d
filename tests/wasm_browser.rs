//! The JS contract through wasm-bindgen, in headless browsers
//! (`wasm-pack test --headless --chrome` / `--firefox`).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "wasm/contract.rs"]
mod contract;

#[path = "wasm/features.rs"]
mod features;
