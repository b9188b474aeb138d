//! The JS contract, driven from Rust: each test constructs the exported Rust
//! [`gorqs::wasm::Queue`] and calls its Rust methods directly (no JS bundle), and plays one
//! case of Go gorqs' own test file, plus the JS-specific cases. Runners are JS objects and
//! functions built from source, or Rust closures where a job calls back into its queue.
//! Included by `tests/wasm_node.rs` (Node) and `tests/wasm_browser.rs` (Chrome, Firefox).

use std::cell::RefCell;
use std::rc::Rc;

use gorqs::wasm::Queue;
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use crate::support::*;

#[wasm_bindgen_test]
async fn sync_mode_runs_jobs_in_push_order_and_fetches_results() {
    let q = queue(SYNC_MODE | TRACK_JOBS);
    start(&q);
    let log = Array::new();
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(q.push(runner(&log, i, "log.push(i); return i * 2;"), None).unwrap());
    }
    assert_eq!(ids, (1..=10).map(f64::from).collect::<Vec<_>>());
    settle(q.on_idle().unwrap()).await.unwrap();
    let order: Vec<f64> = log.iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(order, (0..10).map(f64::from).collect::<Vec<_>>());
    for (i, id) in ids.iter().enumerate() {
        let v = q.result(JsValue::from_f64(*id)).unwrap();
        assert_eq!(v.as_f64(), Some(i as f64 * 2.0));
        // Read once: the record is gone.
        let again = q.result(JsValue::from_f64(*id)).unwrap_err();
        assert_eq!(code_of(&again), "ERR_NOT_FOUND");
    }
}

#[wasm_bindgen_test]
async fn async_mode_jobs_overlap_in_time() {
    let q = queue(ASYNC_MODE);
    start(&q);
    // Job 1 waits for a promise that job 2 resolves: both must be running at once.
    let shared = js_fn(
        "",
        "let open; const gate = new Promise(r => open = r); const log = []; return { log, \
         a: { async run() { log.push('a start'); await gate; log.push('a end'); } }, \
         b: { async run() { log.push('b start'); open(); log.push('b end'); } } };",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    q.push(get(&shared, "a"), None).unwrap();
    q.push(get(&shared, "b"), None).unwrap();
    settle(q.on_idle().unwrap()).await.unwrap();
    assert_eq!(strings(&get(&shared, "log")), ["a start", "b start", "b end", "a end"]);
}

#[wasm_bindgen_test]
async fn stop_with_jobs_pending_never_runs_them() {
    let q: Shared = Rc::new(queue(SYNC_MODE | TRACK_JOBS));
    start(&q);
    let log = Array::new();
    // The first job stops the queue from inside (a Rust closure calling the Rust method);
    // the rest were pending.
    let stop_error = Rc::new(RefCell::new(None));
    let stopper = {
        let (q, log, stop_error) = (q.clone(), log.clone(), stop_error.clone());
        RustRunner::new(move |_ctx| {
            log.push(&0.into());
            if let Err(e) = q.stop() {
                *stop_error.borrow_mut() = Some(e);
            }
            Ok("first".into())
        })
    };
    q.push(stopper.js(), None).unwrap();
    for i in 1..5 {
        q.push(runner(&log, i, "log.push(i);"), None).unwrap();
    }
    settle(q.on_idle().unwrap()).await.unwrap();
    assert!(stop_error.borrow().is_none(), "stop() from inside a job: {:?}", stop_error.borrow());
    assert_eq!(log.length(), 1, "pending jobs must never run");
    assert!(!q.is_running().unwrap());
    assert_eq!(q.result(1.into()).unwrap().as_string().unwrap(), "first");
    for id in 2..5 {
        let err = q.result(id.into()).unwrap_err();
        assert_eq!(code_of(&err), "ERR_QUEUE_CLOSED");
    }
}

#[wasm_bindgen_test]
async fn start_signal_abort_rejects_with_reason_and_later_jobs_never_run() {
    let q = queue(SYNC_MODE);
    let ctl = obj("new AbortController()");
    let started = q.start(get(&ctl, "signal")).unwrap();
    let log = Array::new();
    let aborter = js_fn("ctl, log", "return { run() { log.push('x'); ctl.abort('enough'); } };")
        .call2(&JsValue::NULL, &ctl, &log)
        .unwrap();
    q.push(aborter, None).unwrap();
    q.push(runner(&log, 1, "log.push('never');"), None).unwrap();
    let reason = settle(started).await.unwrap_err();
    assert_eq!(reason.as_string().as_deref(), Some("enough"));
    settle(q.on_idle().unwrap()).await.unwrap();
    assert_eq!(log.length(), 1);
    assert!(!q.is_running().unwrap());
}

#[wasm_bindgen_test]
async fn push_on_a_closed_queue_throws_queue_closed_and_uses_no_id() {
    let q = queue(SYNC_MODE);
    let log = Array::new();
    let err = q.push(runner(&log, 0, "log.push(i);"), None).unwrap_err();
    assert_eq!(code_of(&err), "ERR_QUEUE_CLOSED");
    start(&q);
    assert_eq!(q.push(runner(&log, 1, "log.push(i);"), None).unwrap(), 1.0);
    // The refused job was never queued; the accepted one runs. (Awaited also because a queue
    // dropped while its drive microtask is armed makes that microtask throw "closure invoked
    // recursively or after being dropped", which ends the Node test process.)
    settle(q.on_idle().unwrap()).await.unwrap();
    assert_eq!(log.iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>(), [1.0]);
}

#[wasm_bindgen_test]
async fn result_reports_each_state_with_its_go_error() {
    // Tracking off: ERR_NOT_IMPLEMENTED.
    let off = queue(SYNC_MODE);
    assert_eq!(code_of(&off.result(1.0.into()).unwrap_err()), "ERR_NOT_IMPLEMENTED");

    let q = queue(SYNC_MODE | TRACK_JOBS);
    start(&q);
    assert_eq!(code_of(&q.result(99.0.into()).unwrap_err()), "ERR_NOT_FOUND");
    // Job 1 never settles until released; job 2 waits behind it.
    let gate = js_fn("", "let open; const p = new Promise(r => open = r); return { open, job: { run: () => p.then(() => 'done') } };")
        .call0(&JsValue::NULL)
        .unwrap();
    q.push(get(&gate, "job"), None).unwrap();
    let boom = obj("() => { throw new RangeError('boom'); }");
    q.push(boom, None).unwrap();
    // Let the first job start.
    ticks(2).await;
    let e1 = q.result(1.0.into()).unwrap_err();
    assert_eq!(code_of(&e1), "ERR_RUNNING");
    assert_eq!(message_of(&e1), "gorqs: job still running");
    assert_eq!(code_of(&q.result(2.0.into()).unwrap_err()), "ERR_PENDING");
    // Both records stay after those reads.
    assert_eq!(q.status(1.0.into()).unwrap().as_string().as_deref(), Some("running"));
    assert_eq!(q.status(2.0.into()).unwrap().as_string().as_deref(), Some("pending"));
    let open: Function = get(&gate, "open").into();
    open.call0(&JsValue::NULL).unwrap();
    settle(q.on_idle().unwrap()).await.unwrap();
    assert_eq!(q.result(1.0.into()).unwrap().as_string().as_deref(), Some("done"));
    let thrown = q.result(2.0.into()).unwrap_err();
    assert!(thrown.is_instance_of::<js_sys::RangeError>(), "the job's own error comes back");
    assert_eq!(code_of(&q.result(2.0.into()).unwrap_err()), "ERR_NOT_FOUND");
}

#[wasm_bindgen_test]
async fn bad_arguments_get_clear_errors_and_leave_the_queue_usable() {
    let q = queue(SYNC_MODE | TRACK_JOBS);
    start(&q);
    for bad in [JsValue::NULL, JsValue::from(42), obj("{ run: 1 }")] {
        let err = q.push(bad, None).unwrap_err();
        assert!(err.is_instance_of::<js_sys::TypeError>());
    }
    assert!(q.result("1".into()).unwrap_err().is_instance_of::<js_sys::TypeError>());
    let e = Queue::new(JsValue::from(8)).err().expect("flag 8 is unknown");
    assert_eq!(code_of(&e), "ERR_UNKNOWN_MODE");
    let e = Queue::new(JsValue::from(1.5)).err().expect("1.5 is no flag");
    assert_eq!(code_of(&e), "ERR_INVALID_MODE");
    assert!(Queue::new("1".into()).err().expect("a string is no flag").is_instance_of::<js_sys::TypeError>());
    // Nothing was queued and no id was used.
    assert_eq!(q.size().unwrap(), 0.0);
    let log = Array::new();
    assert_eq!(q.push(runner(&log, 0, "return 'usable';"), None).unwrap(), 1.0);
    settle(q.on_idle().unwrap()).await.unwrap();
    assert_eq!(q.result(1.into()).unwrap().as_string().as_deref(), Some("usable"));
}

#[wasm_bindgen_test]
fn queue_error_class_is_the_class_of_the_queues_own_errors() {
    let class = gorqs::wasm::queue::queue_error_class_export();
    let is_queue_error = js_fn("e, C", "return e instanceof C && e instanceof Error && e.name === 'QueueError';");
    let q = queue(SYNC_MODE);
    let closed = q.push(obj("() => 1"), None).unwrap_err();
    assert_eq!(is_queue_error.call2(&JsValue::NULL, &closed, &class).unwrap(), JsValue::TRUE);
    assert_eq!(message_of(&closed), "gorqs: queue is closed");
    // The TypeError of a bad argument is no QueueError.
    let bad = q.push(JsValue::NULL, None).unwrap_err();
    assert_eq!(is_queue_error.call2(&JsValue::NULL, &bad, &class).unwrap(), JsValue::FALSE);
    // The class carries the Go messages: `new QueueError(code)` as users would make one.
    let made = js_fn("C", "return new C('ERR_TIMEOUT');").call1(&JsValue::NULL, &class).unwrap();
    assert_eq!(code_of(&made), "ERR_TIMEOUT");
    assert_eq!(message_of(&made), "gorqs: operation took too long");
}
