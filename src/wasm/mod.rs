//! The wasm-bindgen layer: exposes the scheduling core to the JS `Queue` class.
//!
//! Only numbers cross this boundary on a job's path. JS values (runners, results, errors) stay
//! on the JS side, stored beside the job's id; the core decides what runs when and keeps each
//! job's state. That keeps every per-job call a plain numeric call (a few ns in V8) with no
//! externref table traffic and no closure per job.

mod core_handle;

pub use core_handle::{error_code, error_message, CoreHandle};
