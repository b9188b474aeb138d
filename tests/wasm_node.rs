//! The JS contract through wasm-bindgen, in Node (`wasm-pack test --node`).
#![cfg(target_arch = "wasm32")]

#[path = "wasm/contract.rs"]
mod contract;

#[path = "wasm/features.rs"]
mod features;
