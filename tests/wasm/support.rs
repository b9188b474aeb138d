//! Helpers shared by the wasm-bindgen suites (`contract`, `features`, `reentrancy`): they
//! drive the exported Rust [`Queue`] directly (its Rust methods, not the JS bundle), with JS
//! runners built from source and Rust closures as runners.

use std::rc::Rc;

use gorqs::wasm::Queue;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub use gorqs::core::{ASYNC_MODE, SYNC_MODE, TRACK_JOBS};

/// A queue made from gorqs flags (`SYNC_MODE | TRACK_JOBS`, …).
pub fn queue(flags: u32) -> Queue {
    Queue::new(JsValue::from(flags)).expect("a queue from valid flags")
}

/// A queue made from an options object written as a JS expression (`{ mode: "async" }`).
pub fn queue_with(options: &str) -> Queue {
    Queue::new(obj(options)).expect("a queue from valid options")
}

/// A JS function from source; `args` name its parameters.
pub fn js_fn(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

/// The value of a JS expression (no free variables).
pub fn obj(expr: &str) -> JsValue {
    Function::new_no_args(&format!("return ({expr});")).call0(&JsValue::NULL).expect("a valid JS expression")
}

/// A runner object `{ run() { ... } }` built by a factory taking `log` and `i`.
pub fn runner(log: &Array, i: u32, body: &str) -> JsValue {
    js_fn("log, i", &format!("return {{ run() {{ {body} }} }};"))
        .call2(&JsValue::NULL, log, &JsValue::from(i))
        .expect("a runner")
}

/// `object[key]`.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).expect("a readable property")
}

/// An error's `code` ("" when it has none).
pub fn code_of(err: &JsValue) -> String {
    Reflect::get(err, &"code".into()).ok().and_then(|c| c.as_string()).unwrap_or_default()
}

/// An error's `message` ("" when it has none).
pub fn message_of(err: &JsValue) -> String {
    Reflect::get(err, &"message".into()).ok().and_then(|c| c.as_string()).unwrap_or_default()
}

/// The items of an array of strings.
pub fn strings(list: &JsValue) -> Vec<String> {
    Array::from(list).iter().map(|v| v.as_string().unwrap_or_else(|| format!("{v:?}"))).collect()
}

pub async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// Lets `n` microtask turns pass.
pub async fn ticks(n: usize) {
    for _ in 0..n {
        settle(Promise::resolve(&JsValue::NULL)).await.expect("a resolved promise");
    }
}

/// Resolves after `ms` milliseconds (setTimeout).
pub async fn sleep(ms: u32) {
    let p: Promise = js_fn("ms", "return new Promise((r) => setTimeout(r, ms));")
        .call1(&JsValue::NULL, &JsValue::from(ms))
        .expect("a timer")
        .unchecked_into();
    settle(p).await.expect("a timer resolves");
}

/// The error every call on a freed queue throws: a plain `Error` saying so.
pub fn is_freed_error(err: &JsValue) -> bool {
    err.is_instance_of::<js_sys::Error>() && code_of(err).is_empty() && message_of(err).contains("freed")
}

/// A Rust closure as a job runner (JS calls it as `runner(ctx)`); `Err` is thrown into JS.
/// Keep the value alive while the queue may call it.
pub struct RustRunner {
    closure: Closure<dyn Fn(JsValue) -> Result<JsValue, JsValue>>,
}

impl RustRunner {
    pub fn new(f: impl Fn(JsValue) -> Result<JsValue, JsValue> + 'static) -> Self {
        RustRunner { closure: Closure::new(f) }
    }

    /// The JS function to push.
    pub fn js(&self) -> JsValue {
        self.closure.as_ref().clone()
    }
}

/// A queue shared by the test and the Rust closures that call it from inside jobs.
pub type Shared = Rc<Queue>;

/// A short text for a JS value: a string as is, a number, `undefined`, `null`, else its Debug.
pub fn show(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        s
    } else if let Some(n) = v.as_f64() {
        n.to_string()
    } else if v.is_undefined() {
        "undefined".into()
    } else if v.is_null() {
        "null".into()
    } else if let Some(b) = v.as_bool() {
        b.to_string()
    } else {
        format!("{v:?}")
    }
}

/// A method's answer as text: `ok:<value>`, `err:<code>` for a QueueError, `err:freed` for
/// the freed error, `err:<value>` for any other error.
pub fn describe<T: Into<JsValue>>(r: Result<T, JsValue>) -> String {
    match r {
        Ok(v) => format!("ok:{}", show(&v.into())),
        Err(e) if !code_of(&e).is_empty() => format!("err:{}", code_of(&e)),
        Err(e) if is_freed_error(&e) => "err:freed".into(),
        Err(e) => format!("err:{}", show(&e)),
    }
}

/// Notes of what happened inside jobs and listeners, asserted on afterwards by the test
/// (a panic inside a job would only become the job's error).
#[derive(Clone, Default)]
pub struct Notes(Rc<std::cell::RefCell<Vec<String>>>);

impl Notes {
    pub fn add(&self, what: &str, answer: impl Into<String>) {
        self.0.borrow_mut().push(format!("{what} {}", answer.into()));
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

/// `q.start()` for a test that does not wait for the queue to stop.
pub fn start(q: &Queue) {
    let _settles_on_stop = q.start(JsValue::UNDEFINED).expect("start() on a live queue");
}
