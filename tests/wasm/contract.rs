//! The JS contract, driven from Rust through wasm-bindgen: the built package
//! (`pkg/dist/gorqs.mjs`, one self-contained ES module, copied by the build to
//! `pkg/dist/test/gorqs.js` because the browser test server wants `.js`) is imported as a snippet and each test
//! plays one case of Go gorqs' own test file, plus the JS-specific cases.
//! Included by `tests/wasm_node.rs` (Node) and `tests/wasm_browser.rs` (Chrome, Firefox).

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "/pkg/dist/test/gorqs.js")]
extern "C" {
    type Queue;

    #[wasm_bindgen(constructor, catch)]
    fn new(mode: &JsValue) -> Result<Queue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn push(this: &Queue, runner: &JsValue) -> Result<f64, JsValue>;
    #[wasm_bindgen(method)]
    fn start(this: &Queue) -> Promise;
    #[wasm_bindgen(method, js_name = start)]
    fn start_with(this: &Queue, signal: &JsValue) -> Promise;
    #[wasm_bindgen(method)]
    fn stop(this: &Queue) -> Promise;
    #[wasm_bindgen(method, js_name = isRunning)]
    fn is_running(this: &Queue) -> bool;
    #[wasm_bindgen(method, catch)]
    fn result(this: &Queue, id: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn status(this: &Queue, id: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, js_name = onIdle)]
    fn on_idle(this: &Queue) -> Promise;
    #[wasm_bindgen(method, catch)]
    fn clear(this: &Queue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, getter)]
    fn size(this: &Queue) -> f64;

    #[wasm_bindgen(thread_local_v2, js_name = SyncMode)]
    static SYNC_MODE: f64;
    #[wasm_bindgen(thread_local_v2, js_name = AsyncMode)]
    static ASYNC_MODE: f64;
    #[wasm_bindgen(thread_local_v2, js_name = TrackJobs)]
    static TRACK_JOBS: f64;
}

fn flags(f: f64) -> JsValue {
    JsValue::from_f64(f)
}

/// A JS function from source; `args` name its parameters.
fn js_fn(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

/// A runner object `{ run() { ... } }` built by a factory taking `log` and `i`.
fn runner(log: &Array, i: u32, body: &str) -> JsValue {
    js_fn("log, i", &format!("return {{ run() {{ {body} }} }};"))
        .call2(&JsValue::NULL, log, &JsValue::from(i))
        .unwrap_throw()
}

fn code_of(err: &JsValue) -> String {
    Reflect::get(err, &"code".into()).ok().and_then(|c| c.as_string()).unwrap_or_default()
}

async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

#[wasm_bindgen_test]
async fn sync_mode_runs_jobs_in_push_order_and_fetches_results() {
    let q = Queue::new(&flags(SYNC_MODE.with(|v| *v) + TRACK_JOBS.with(|v| *v))).unwrap_throw();
    let _ = q.start();
    let log = Array::new();
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(q.push(&runner(&log, i, "log.push(i); return i * 2;")).unwrap_throw());
    }
    assert_eq!(ids, (1..=10).map(f64::from).collect::<Vec<_>>());
    settle(q.on_idle()).await.unwrap_throw();
    let order: Vec<f64> = log.iter().map(|v| v.as_f64().unwrap_throw()).collect();
    assert_eq!(order, (0..10).map(f64::from).collect::<Vec<_>>());
    for (i, id) in ids.iter().enumerate() {
        let v = q.result(&JsValue::from_f64(*id)).unwrap_throw();
        assert_eq!(v.as_f64(), Some(i as f64 * 2.0));
        // Read once: the record is gone.
        let again = q.result(&JsValue::from_f64(*id)).unwrap_err();
        assert_eq!(code_of(&again), "ERR_NOT_FOUND");
    }
}

#[wasm_bindgen_test]
async fn async_mode_jobs_overlap_in_time() {
    let q = Queue::new(&flags(ASYNC_MODE.with(|v| *v))).unwrap_throw();
    let _ = q.start();
    // Job 1 waits for a promise that job 2 resolves: both must be running at once.
    let shared = js_fn(
        "",
        "let open; const gate = new Promise(r => open = r); const log = []; return { log, \
         a: { async run() { log.push('a start'); await gate; log.push('a end'); } }, \
         b: { async run() { log.push('b start'); open(); log.push('b end'); } } };",
    )
    .call0(&JsValue::NULL)
    .unwrap_throw();
    q.push(&Reflect::get(&shared, &"a".into()).unwrap_throw()).unwrap_throw();
    q.push(&Reflect::get(&shared, &"b".into()).unwrap_throw()).unwrap_throw();
    settle(q.on_idle()).await.unwrap_throw();
    let log: Array = Reflect::get(&shared, &"log".into()).unwrap_throw().into();
    let log: Vec<String> = log.iter().map(|v| v.as_string().unwrap_throw()).collect();
    assert_eq!(log, ["a start", "b start", "b end", "a end"]);
}

#[wasm_bindgen_test]
async fn stop_with_jobs_pending_never_runs_them() {
    let q = Queue::new(&flags(SYNC_MODE.with(|v| *v) + TRACK_JOBS.with(|v| *v))).unwrap_throw();
    let _ = q.start();
    let log = Array::new();
    // The first job stops the queue from inside; the rest were pending.
    let stopper = js_fn("q, log", "return { run() { log.push(0); q.stop(); return 'first'; } };")
        .call2(&JsValue::NULL, &q, &log)
        .unwrap_throw();
    q.push(&stopper).unwrap_throw();
    for i in 1..5 {
        q.push(&runner(&log, i, "log.push(i);")).unwrap_throw();
    }
    settle(q.on_idle()).await.unwrap_throw();
    assert_eq!(log.length(), 1, "pending jobs must never run");
    assert!(!q.is_running());
    assert_eq!(q.result(&JsValue::from_f64(1.0)).unwrap_throw().as_string().unwrap_throw(), "first");
    for id in 2..5 {
        let err = q.result(&JsValue::from_f64(f64::from(id))).unwrap_err();
        assert_eq!(code_of(&err), "ERR_QUEUE_CLOSED");
    }
}

#[wasm_bindgen_test]
async fn start_signal_abort_rejects_with_reason_and_later_jobs_never_run() {
    let q = Queue::new(&flags(SYNC_MODE.with(|v| *v))).unwrap_throw();
    let ctl = js_fn("", "return new AbortController();").call0(&JsValue::NULL).unwrap_throw();
    let signal = Reflect::get(&ctl, &"signal".into()).unwrap_throw();
    let started = q.start_with(&signal);
    let log = Array::new();
    let aborter = js_fn("ctl, log", "return { run() { log.push('x'); ctl.abort('enough'); } };")
        .call2(&JsValue::NULL, &ctl, &log)
        .unwrap_throw();
    q.push(&aborter).unwrap_throw();
    q.push(&runner(&log, 1, "log.push('never');")).unwrap_throw();
    let reason = settle(started).await.unwrap_err();
    assert_eq!(reason.as_string().as_deref(), Some("enough"));
    settle(q.on_idle()).await.unwrap_throw();
    assert_eq!(log.length(), 1);
    assert!(!q.is_running());
}

#[wasm_bindgen_test]
fn push_on_a_closed_queue_throws_queue_closed_and_uses_no_id() {
    let q = Queue::new(&flags(SYNC_MODE.with(|v| *v))).unwrap_throw();
    let log = Array::new();
    let err = q.push(&runner(&log, 0, "")).unwrap_err();
    assert_eq!(code_of(&err), "ERR_QUEUE_CLOSED");
    let _ = q.start();
    assert_eq!(q.push(&runner(&log, 0, "")).unwrap_throw(), 1.0);
}

#[wasm_bindgen_test]
async fn result_reports_each_state_with_its_go_error() {
    // Tracking off: ERR_NOT_IMPLEMENTED.
    let off = Queue::new(&flags(SYNC_MODE.with(|v| *v))).unwrap_throw();
    assert_eq!(code_of(&off.result(&1.0.into()).unwrap_err()), "ERR_NOT_IMPLEMENTED");

    let q = Queue::new(&flags(SYNC_MODE.with(|v| *v) + TRACK_JOBS.with(|v| *v))).unwrap_throw();
    let _ = q.start();
    assert_eq!(code_of(&q.result(&99.0.into()).unwrap_err()), "ERR_NOT_FOUND");
    // Job 1 never settles until released; job 2 waits behind it.
    let gate = js_fn("", "let open; const p = new Promise(r => open = r); return { open, job: { run: () => p.then(() => 'done') } };")
        .call0(&JsValue::NULL)
        .unwrap_throw();
    q.push(&Reflect::get(&gate, &"job".into()).unwrap_throw()).unwrap_throw();
    let boom = js_fn("", "return () => { throw new RangeError('boom'); };").call0(&JsValue::NULL).unwrap_throw();
    q.push(&boom).unwrap_throw();
    // Let the first job start.
    settle(Promise::resolve(&JsValue::NULL)).await.unwrap_throw();
    settle(Promise::resolve(&JsValue::NULL)).await.unwrap_throw();
    let e1 = q.result(&1.0.into()).unwrap_err();
    assert_eq!(code_of(&e1), "ERR_RUNNING");
    assert_eq!(Reflect::get(&e1, &"message".into()).unwrap_throw().as_string().unwrap_throw(), "gorqs: job still running");
    assert_eq!(code_of(&q.result(&2.0.into()).unwrap_err()), "ERR_PENDING");
    // Both records stay after those reads.
    assert_eq!(q.status(&1.0.into()).unwrap_throw().as_string().as_deref(), Some("running"));
    assert_eq!(q.status(&2.0.into()).unwrap_throw().as_string().as_deref(), Some("pending"));
    let open: Function = Reflect::get(&gate, &"open".into()).unwrap_throw().into();
    open.call0(&JsValue::NULL).unwrap_throw();
    settle(q.on_idle()).await.unwrap_throw();
    assert_eq!(q.result(&1.0.into()).unwrap_throw().as_string().as_deref(), Some("done"));
    let thrown = q.result(&2.0.into()).unwrap_err();
    assert!(thrown.is_instance_of::<js_sys::RangeError>(), "the job's own error comes back");
    assert_eq!(code_of(&q.result(&2.0.into()).unwrap_err()), "ERR_NOT_FOUND");
}

#[wasm_bindgen_test]
fn bad_arguments_get_clear_errors_and_leave_the_queue_usable() {
    let q = Queue::new(&flags(SYNC_MODE.with(|v| *v) + TRACK_JOBS.with(|v| *v))).unwrap_throw();
    let _ = q.start();
    for bad in [JsValue::NULL, JsValue::from(42), js_fn("", "return { run: 1 };").call0(&JsValue::NULL).unwrap_throw()] {
        let err = q.push(&bad).unwrap_err();
        assert!(err.is_instance_of::<js_sys::TypeError>());
    }
    assert!(q.result(&"1".into()).unwrap_err().is_instance_of::<js_sys::TypeError>());
    let e = Queue::new(&flags(8.0)).err().unwrap_throw();
    assert_eq!(code_of(&e), "ERR_UNKNOWN_MODE");
    let e = Queue::new(&flags(1.5)).err().unwrap_throw();
    assert_eq!(code_of(&e), "ERR_INVALID_MODE");
    assert!(Queue::new(&"1".into()).err().unwrap_throw().is_instance_of::<js_sys::TypeError>());
    // Nothing was queued and no id was used.
    assert_eq!(q.size(), 0.0);
    let log = Array::new();
    assert_eq!(q.push(&runner(&log, 0, "")).unwrap_throw(), 1.0);
}
