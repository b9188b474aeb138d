//! The features beyond Go gorqs (issue 5), driven from Rust through wasm-bindgen in Node and
//! headless browsers: each test hands the built `Queue` class to a short JS scenario that
//! resolves with "ok" or rejects saying what went wrong, and asserts on that.
//! (The full JS contract suite, tests/js, covers each feature in depth.)

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "/pkg/dist/test/gorqs.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = Queue)]
    static QUEUE: JsValue;
}

/// Runs `body` as `async (Queue) => { ... }` and checks it resolved with "ok".
async fn scenario(body: &str) {
    let f = Function::new_with_args("Queue", &format!("return (async () => {{ {body} }})();"));
    let queue = QUEUE.with(JsValue::clone);
    let promise: Promise = f.call1(&JsValue::NULL, &queue).unwrap_throw().unchecked_into();
    match JsFuture::from(promise).await {
        Ok(v) => assert_eq!(v.as_string().as_deref(), Some("ok"), "scenario resolved with {v:?}"),
        Err(e) => panic!("scenario failed: {e:?}"),
    }
}

// Helpers every scenario may use: a check that throws with a message, and a sleep.
const PRELUDE: &str = r#"
  const check = (cond, what) => { if (!cond) throw new Error("failed: " + what); };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
"#;

#[wasm_bindgen_test]
async fn a_job_that_never_settles_times_out_and_its_signal_aborts() {
    scenario(&format!(
        r#"{PRELUDE}
        const q = new Queue({{ mode: "async", track: true, timeout: 20 }});
        q.start();
        let signal;
        const id = q.push((ctx) => {{ signal = ctx.signal; return new Promise(() => {{}}); }});
        let err;
        try {{ await q.wait(id); }} catch (e) {{ err = e; }}
        check(err && err.code === "ERR_TIMEOUT", "wait rejects with ERR_TIMEOUT");
        check(signal.aborted, "ctx.signal aborted");
        check(q.running === 0, "slot freed");
        await q.stop();
        return "ok";"#
    ))
    .await;
}

#[wasm_bindgen_test]
async fn aborting_a_job_that_never_settles_fails_it_with_the_reason() {
    scenario(&format!(
        r#"{PRELUDE}
        const q = new Queue({{ track: true }});
        q.start();
        const c = new AbortController();
        const id = q.push(() => new Promise(() => {{}}), {{ signal: c.signal }});
        const next = q.push(() => "next");
        await sleep(1);
        c.abort("enough");
        let err;
        try {{ await q.wait(id); }} catch (e) {{ err = e; }}
        check(err === "enough", "rejected with the reason");
        check(await q.wait(next) === "next", "the slot went to the next job");
        await q.stop();
        return "ok";"#
    ))
    .await;
}

#[wasm_bindgen_test]
async fn retries_of_a_job_that_fails_twice_then_succeeds() {
    scenario(&format!(
        r#"{PRELUDE}
        const q = new Queue({{ track: true }});
        q.start();
        const attempts = [];
        const id = q.push((ctx) => {{
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error("no");
          return "yes";
        }}, {{ retries: 2, backoff: {{ type: "exponential", delay: 2 }} }});
        check(await q.wait(id) === "yes", "succeeds on the third try");
        check(attempts.join() === "1,2,3", "attempts " + attempts.join());
        check(q.result(id) === "yes", "recorded under the same id");
        await q.stop();
        return "ok";"#
    ))
    .await;
}

#[wasm_bindgen_test]
async fn priority_order_under_sync_mode() {
    scenario(&format!(
        r#"{PRELUDE}
        const q = new Queue();
        const order = [];
        q.start();
        q.push(() => order.push("first"));
        q.push(() => order.push("low"), {{ priority: -1 }});
        q.push(() => order.push("high"), {{ priority: 5 }});
        q.push(() => order.push("mid-a"), {{ priority: 1 }});
        q.push(() => order.push("mid-b"), {{ priority: 1 }});
        await q.onIdle();
        // Nothing starts inside push: all five wait when the first drain picks, by priority.
        check(order.join() === "high,mid-a,mid-b,first,low", order.join());
        await q.stop();
        return "ok";"#
    ))
    .await;
}

#[wasm_bindgen_test]
async fn events_fire_in_order_with_their_payloads() {
    scenario(&format!(
        r#"{PRELUDE}
        const q = new Queue();
        const seen = [];
        for (const t of ["active", "completed", "failed", "empty", "idle"]) {{
          q.addEventListener(t, (e) => seen.push(t + ":" + JSON.stringify(e.detail ?? null)));
        }}
        q.start();
        q.push(() => "v");
        q.push(() => {{ throw "x"; }});
        await q.onIdle();
        await sleep(1);
        const want = ['active:{{"id":1}}', 'completed:{{"id":1,"value":"v"}}', 'active:{{"id":2}}',
          "empty:null", 'failed:{{"id":2,"error":"x"}}', "idle:null"];
        check(seen.join(" ") === want.join(" "), seen.join(" "));
        await q.stop();
        return "ok";"#
    ))
    .await;
}

#[wasm_bindgen_test]
async fn retention_never_breaks_a_pending_wait() {
    scenario(&format!(
        r#"{PRELUDE}
        const q = new Queue({{ mode: "async", track: true, maxRecords: 1, recordTTL: 1 }});
        q.start();
        const ids = [1, 2, 3].map((v) => q.push(async () => {{ await sleep(3 * v); return v; }}));
        const values = await Promise.all(ids.map((id) => q.wait(id)));
        check(values.join() === "1,2,3", values.join());
        await sleep(10);
        check(q.status(3) === undefined, "records dropped afterwards");
        await q.stop();
        return "ok";"#
    ))
    .await;
}

#[wasm_bindgen_test]
async fn rate_limit_holds_starts_to_the_cap_per_window() {
    scenario(&format!(
        r#"{PRELUDE}
        const q = new Queue({{ mode: "async", interval: 40, intervalCap: 2 }});
        q.start();
        let started = 0;
        for (let i = 0; i < 4; i++) q.push(() => {{ started++; }});
        await sleep(10);
        check(started === 2, "two starts in the first window, got " + started);
        await q.onIdle();
        check(started === 4, "all ran");
        await q.stop();
        return "ok";"#
    ))
    .await;
}
