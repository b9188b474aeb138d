//! The wasm-bindgen layer: the `Queue` class and the JS host of its executor.
//!
//! - [`queue`]: the exported class; checks JS arguments and translates answers and errors.
//! - `options`: reading and checking options objects (one crossing reads the fields).
//! - `js_host`: the executor's [`Host`](crate::executor::Host) over the JS snippet
//!   `host.js`, and the callbacks from JS into the executor.

mod js_host;
mod options;
pub mod queue;

pub use js_host::JsHost;
pub use queue::Queue;
