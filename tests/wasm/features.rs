//! The features beyond Go gorqs (issue 5), driven from Rust in Node and headless browsers:
//! each test constructs the exported Rust [`gorqs::wasm::Queue`] with an options object and
//! calls its Rust methods directly; runners and probes are short JS functions.
//! (The full JS contract suite, tests/js, covers each feature in depth.)

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use crate::support::*;

#[wasm_bindgen_test]
async fn a_job_that_never_settles_times_out_and_its_signal_aborts() {
    let q = queue_with(r#"{ mode: "async", track: true, timeout: 20 }"#);
    start(&q);
    let seen = obj("{}");
    let job = js_fn("seen", "return (ctx) => { seen.signal = ctx.signal; return new Promise(() => {}); };")
        .call1(&JsValue::NULL, &seen)
        .unwrap();
    let id = q.push(job, None).unwrap();
    let err = settle(q.wait(id.into()).unwrap()).await.expect_err("wait rejects");
    assert_eq!(code_of(&err), "ERR_TIMEOUT", "wait rejects with ERR_TIMEOUT: {err:?}");
    assert_eq!(get(&get(&seen, "signal"), "aborted"), JsValue::TRUE, "ctx.signal aborted");
    assert_eq!(q.running().unwrap(), 0.0, "slot freed");
    settle(q.stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn aborting_a_job_that_never_settles_fails_it_with_the_reason() {
    let q = queue_with("{ track: true }");
    start(&q);
    let c = obj("new AbortController()");
    let options = js_fn("c", "return { signal: c.signal };").call1(&JsValue::NULL, &c).unwrap();
    let id = q.push(obj("() => new Promise(() => {})"), Some(options)).unwrap();
    let next = q.push(obj(r#"() => "next""#), None).unwrap();
    sleep(1).await;
    js_fn("c", "c.abort('enough');").call1(&JsValue::NULL, &c).unwrap();
    let err = settle(q.wait(id.into()).unwrap()).await.expect_err("wait rejects");
    assert_eq!(err.as_string().as_deref(), Some("enough"), "rejected with the reason");
    let v = settle(q.wait(next.into()).unwrap()).await.unwrap();
    assert_eq!(v.as_string().as_deref(), Some("next"), "the slot went to the next job");
    settle(q.stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn retries_of_a_job_that_fails_twice_then_succeeds() {
    let q = queue_with("{ track: true }");
    start(&q);
    let attempts = Array::new();
    let job = js_fn(
        "attempts",
        r#"return (ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error("no");
          return "yes";
        };"#,
    )
    .call1(&JsValue::NULL, &attempts)
    .unwrap();
    let id = q.push(job, Some(obj(r#"{ retries: 2, backoff: { type: "exponential", delay: 2 } }"#))).unwrap();
    let v = settle(q.wait(id.into()).unwrap()).await.unwrap();
    assert_eq!(v.as_string().as_deref(), Some("yes"), "succeeds on the third try");
    let tries: Vec<f64> = attempts.iter().map(|a| a.as_f64().unwrap()).collect();
    assert_eq!(tries, [1.0, 2.0, 3.0], "attempts");
    assert_eq!(q.result(id.into()).unwrap().as_string().as_deref(), Some("yes"), "recorded under the same id");
    settle(q.stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn priority_order_under_sync_mode() {
    let q = queue_with("{}");
    let order = Array::new();
    start(&q);
    let pusher = |label: &str| js_fn("order, label", "return () => order.push(label);").call2(&JsValue::NULL, &order, &label.into()).unwrap();
    q.push(pusher("first"), None).unwrap();
    q.push(pusher("low"), Some(obj("{ priority: -1 }"))).unwrap();
    q.push(pusher("high"), Some(obj("{ priority: 5 }"))).unwrap();
    q.push(pusher("mid-a"), Some(obj("{ priority: 1 }"))).unwrap();
    q.push(pusher("mid-b"), Some(obj("{ priority: 1 }"))).unwrap();
    settle(q.on_idle().unwrap()).await.unwrap();
    // Nothing starts inside push: all five wait when the first drain picks, by priority.
    assert_eq!(strings(&order), ["high", "mid-a", "mid-b", "first", "low"]);
    settle(q.stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn events_fire_in_order_with_their_payloads() {
    let q = queue_with("{}");
    let seen = Array::new();
    for t in ["active", "completed", "failed", "empty", "idle"] {
        let listener = js_fn("seen, t", "return (e) => seen.push(t + ':' + JSON.stringify(e.detail ?? null));")
            .call2(&JsValue::NULL, &seen, &t.into())
            .unwrap();
        q.add_event_listener(t.into(), listener, JsValue::UNDEFINED).unwrap();
    }
    start(&q);
    q.push(obj(r#"() => "v""#), None).unwrap();
    q.push(obj(r#"() => { throw "x"; }"#), None).unwrap();
    settle(q.on_idle().unwrap()).await.unwrap();
    sleep(1).await;
    let want = [
        r#"active:{"id":1}"#,
        r#"completed:{"id":1,"value":"v"}"#,
        r#"active:{"id":2}"#,
        "empty:null",
        r#"failed:{"id":2,"error":"x"}"#,
        "idle:null",
    ];
    assert_eq!(strings(&seen), want);
    settle(q.stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn retention_never_breaks_a_pending_wait() {
    let q = queue_with(r#"{ mode: "async", track: true, maxRecords: 1, recordTTL: 1 }"#);
    start(&q);
    let make = js_fn("v", "return async () => { await new Promise((r) => setTimeout(r, 3 * v)); return v; };");
    let ids: Vec<f64> = (1..=3)
        .map(|v| q.push(make.call1(&JsValue::NULL, &v.into()).unwrap(), None).unwrap())
        .collect();
    // Every wait is taken before any job finishes, as `Promise.all(ids.map(q.wait))` does.
    let waits: Array = ids.iter().map(|id| JsValue::from(q.wait((*id).into()).unwrap())).collect();
    let values = settle(Promise::all(&waits)).await.unwrap();
    let values: Vec<f64> = Array::from(&values).iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(values, [1.0, 2.0, 3.0]);
    sleep(10).await;
    assert!(q.status(3.into()).unwrap().is_undefined(), "records dropped afterwards");
    settle(q.stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn rate_limit_holds_starts_to_the_cap_per_window() {
    let q = queue_with(r#"{ mode: "async", interval: 40, intervalCap: 2 }"#);
    start(&q);
    let count = obj("{ started: 0 }");
    let job = js_fn("count", "return () => { count.started++; };").call1(&JsValue::NULL, &count).unwrap();
    for _ in 0..4 {
        q.push(job.clone(), None).unwrap();
    }
    sleep(10).await;
    assert_eq!(get(&count, "started").as_f64(), Some(2.0), "two starts in the first window");
    settle(q.on_idle().unwrap()).await.unwrap();
    assert_eq!(get(&count, "started").as_f64(), Some(4.0), "all ran");
    settle(q.stop().unwrap()).await.unwrap();
}

