//! What driving the Rust [`gorqs::wasm::Queue`] directly makes testable with the real JS
//! host: jobs and listeners that call back into their own queue (as Rust closures holding
//! the queue, and as JS runners given the queue as a JS object), `dispose()` from inside a
//! running job, and jobs that throw or reject in every way JS allows, none of which may trap
//! the module or leave a borrow taken.
//!
//! What happens inside a job is written down in [`Notes`] and asserted on by the test body
//! afterwards: a panic inside a job would only turn into that job's error.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use crate::support::*;

const UNDEF: JsValue = JsValue::UNDEFINED;

/// `{ open, p }`: `p` settles once `open()` is called, as the function `then` (JS source)
/// makes it.
fn gate(then: &str) -> JsValue {
    obj(&format!("(() => {{ let open; const p = new Promise((r) => {{ open = r; }}).then({then}); return {{ open, p }}; }})()"))
}

fn call(object: &JsValue, method: &str, arg: &JsValue) {
    let f: Function = get(object, method).unchecked_into();
    f.call1(&JsValue::NULL, arg).expect("a call");
}

/// `{ done }` that turns true once `p` settles either way.
fn watch(p: &Promise) -> JsValue {
    js_fn("p", "const w = { done: false }; p.then(() => { w.done = true; }, () => { w.done = true; }); return w;")
        .call1(&JsValue::NULL, p)
        .expect("a watcher")
}

fn done(w: &JsValue) -> bool {
    get(w, "done") == JsValue::TRUE
}

fn numbers(list: &Array) -> Vec<f64> {
    list.iter().map(|v| v.as_f64().expect("a number")).collect()
}

#[wasm_bindgen_test]
async fn a_job_pushes_reads_and_waits_on_its_own_queue_from_inside_run() {
    for mode in [SYNC_MODE, ASYNC_MODE] {
        let q: Shared = Rc::new(queue(mode | TRACK_JOBS));
        let started = q.start(UNDEF).unwrap();
        let log = Array::new();
        let notes = Notes::default();
        let waits = Rc::new(RefCell::new(Vec::new()));
        assert_eq!(
            q.push(runner(&log, 1, "log.push(i); return 10;"), None)
                .unwrap(),
            1.0
        );
        let parent = {
            let (q, log, notes, waits) = (q.clone(), log.clone(), notes.clone(), waits.clone());
            RustRunner::new(move |ctx| {
                let own = get(&ctx, "id");
                notes.add("own id", show(&own));
                notes.add("status(own)", describe(q.status(own.clone())));
                notes.add("status(1)", describe(q.status(1.into())));
                notes.add("result(own)", describe(q.result(own.clone())));
                notes.add("result(1)", describe(q.result(1.into())));
                notes.add("result(1) again", describe(q.result(1.into())));
                notes.add(
                    "push",
                    describe(q.push(runner(&log, 3, "log.push(i); return 'child';"), None)),
                );
                notes.add("status(3)", describe(q.status(3.into())));
                notes.add("size", describe(q.size()));
                notes.add("running", describe(q.running()));
                notes.add("isRunning", describe(q.is_running()));
                let again = q
                    .start(UNDEF)
                    .map(|p| JsValue::from(Object::is(&p, &started)));
                notes.add("start() is the same promise", describe(again));
                for id in [own.clone(), 3.into()] {
                    match q.wait(id) {
                        Ok(p) => waits.borrow_mut().push(p),
                        Err(e) => notes.add("wait", describe::<JsValue>(Err(e))),
                    }
                }
                notes.add("clear", describe(q.clear().map(|()| UNDEF)));
                notes.add("status(own) after clear", describe(q.status(own)));
                log.push(&2.into());
                Ok("parent".into())
            })
        };
        assert_eq!(q.push(parent.js(), None).unwrap(), 2.0);
        settle(q.on_idle().unwrap()).await.unwrap();
        assert_eq!(
            notes.take(),
            [
                "own id 2",
                "status(own) ok:running",
                "status(1) ok:succeeded",
                "result(own) err:ERR_RUNNING",
                "result(1) ok:10",
                "result(1) again err:ERR_NOT_FOUND",
                "push ok:3",
                "status(3) ok:pending",
                "size ok:1",
                "running ok:1",
                "isRunning ok:true",
                "start() is the same promise ok:true",
                "clear ok:undefined",
                "status(own) after clear ok:running",
            ],
            "mode {mode}"
        );
        assert_eq!(
            numbers(&log),
            [1.0, 2.0, 3.0],
            "the child runs after its parent (mode {mode})"
        );
        let waits = waits.take();
        assert_eq!(waits.len(), 2);
        let own = settle(waits[0].clone()).await.unwrap();
        assert_eq!(
            own.as_string().as_deref(),
            Some("parent"),
            "its own wait settles when it finishes"
        );
        let child = settle(waits[1].clone()).await.unwrap();
        assert_eq!(child.as_string().as_deref(), Some("child"));
        assert_eq!(describe(q.result(2.into())), "ok:parent");
        assert_eq!(describe(q.result(3.into())), "ok:child");
        settle(q.stop().unwrap()).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn a_job_stops_its_queue_from_inside_run_and_the_queue_starts_again() {
    for mode in [SYNC_MODE, ASYNC_MODE] {
        let q: Shared = Rc::new(queue(mode | TRACK_JOBS));
        let started = q.start(UNDEF).unwrap();
        let log = Array::new();
        let notes = Notes::default();
        let stopped = Rc::new(RefCell::new(None));
        let g = gate("() => 'stopped'");
        let stopper = {
            let (q, log, notes, stopped, g) = (
                q.clone(),
                log.clone(),
                notes.clone(),
                stopped.clone(),
                g.clone(),
            );
            RustRunner::new(move |_ctx| {
                match q.stop() {
                    Ok(p) => *stopped.borrow_mut() = Some(p),
                    Err(e) => notes.add("stop", describe::<JsValue>(Err(e))),
                }
                notes.add("isRunning", describe(q.is_running()));
                notes.add(
                    "push",
                    describe(q.push(runner(&log, 9, "log.push(i);"), None)),
                );
                notes.add("stop again", describe(q.stop().map(|_| JsValue::TRUE)));
                notes.add("status(2)", describe(q.status(2.into())));
                // Still running: it settles when the gate opens.
                Ok(get(&g, "p"))
            })
        };
        q.push(stopper.js(), None).unwrap();
        q.push(runner(&log, 2, "log.push(i);"), None).unwrap();
        settle(started)
            .await
            .expect("start() resolves when the queue stops");
        assert_eq!(
            notes.take(),
            [
                "isRunning ok:false",
                "push err:ERR_QUEUE_CLOSED",
                "stop again ok:true",
                "status(2) ok:failed"
            ],
            "mode {mode}"
        );
        let stopped = stopped
            .take()
            .expect("stop() from inside a job gave a promise");
        let stop_watch = watch(&stopped);
        sleep(5).await;
        assert!(
            !done(&stop_watch),
            "stop() waits for the running job (mode {mode})"
        );
        assert_eq!(q.running().unwrap(), 1.0);
        assert_eq!(describe(q.status(1.into())), "ok:running");
        assert_eq!(describe(q.result(2.into())), "err:ERR_QUEUE_CLOSED");
        call(&g, "open", &UNDEF);
        settle(stopped).await.unwrap();
        assert_eq!(q.running().unwrap(), 0.0);
        assert_eq!(describe(q.result(1.into())), "ok:stopped");
        assert_eq!(log.length(), 0, "pending jobs never ran (mode {mode})");
        // Started again: ids keep counting, and the failed push inside used none.
        start(&q);
        assert_eq!(
            q.push(runner(&log, 3, "log.push(i); return 'again';"), None)
                .unwrap(),
            3.0
        );
        settle(q.on_idle().unwrap()).await.unwrap();
        assert_eq!(numbers(&log), [3.0]);
        assert_eq!(describe(q.result(3.into())), "ok:again");
        settle(q.stop().unwrap()).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn a_js_runner_calls_back_into_the_queue_handed_to_js() {
    for mode in [SYNC_MODE, ASYNC_MODE] {
        // The Rust value goes to JS as an instance of the exported class; JS calls its methods.
        // (Its `pushId` is what the package's `push` calls when the JS host cannot take the
        // push itself: the id, or 0 for a refused push, whose error the package then throws.)
        let js_queue: JsValue = queue(mode | TRACK_JOBS).into();
        let scenario = js_fn(
            "q",
            r#"return (async () => {
              const log = [];
              q.start();
              q.pushId(() => {
                const inner = q.pushId(() => { log.push("inner ran"); return "inner"; });
                let code;
                try { q.result(1); } catch (e) { code = e.code; }
                log.push(`outer: pushed ${inner}, result(1) ${code}, status(1) ${q.status(1)}, size ${q.size}, running ${q.running}`);
                return "outer";
              });
              q.pushId(() => {
                q.stop();
                log.push(`stopper: push ${q.pushId(() => 0)}, isRunning ${q.isRunning()}`);
                return "stopper";
              });
              await q.onIdle();
              log.push(`result(1) ${q.result(1)}`, `result(2) ${q.result(2)}`);
              try { q.result(3); } catch (e) { log.push(`result(3) ${e.code}`); }
              q.dispose();
              try { q.status(1); } catch (e) { log.push(`after dispose: ${e.message}, push ${q.pushId(() => 0)}`); }
              return log;
            })();"#,
        );
        let p: Promise = scenario
            .call1(&JsValue::NULL, &js_queue)
            .unwrap()
            .unchecked_into();
        let log = settle(p)
            .await
            .unwrap_or_else(|e| panic!("scenario threw {e:?} (mode {mode})"));
        assert_eq!(
            strings(&log),
            [
                "outer: pushed 3, result(1) ERR_RUNNING, status(1) running, size 2, running 1",
                "stopper: push 0, isRunning false",
                "result(1) outer",
                "result(2) stopper",
                "result(3) ERR_QUEUE_CLOSED",
                "after dispose: gorqs: this queue was freed (free() or Symbol.dispose); create a new Queue, push 0",
            ],
            "mode {mode}"
        );
    }
}

#[wasm_bindgen_test]
async fn listeners_call_back_into_the_queue_from_inside_events() {
    for mode in [SYNC_MODE, ASYNC_MODE] {
        let q: Shared = Rc::new(queue(mode | TRACK_JOBS));
        let notes = Notes::default();
        let follow = obj(r#"() => "follow-up""#);
        let listener = {
            let (q, notes) = (q.clone(), notes.clone());
            Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
                let id = get(&get(&event, "detail"), "id");
                let n = show(&id);
                notes.add(
                    &format!("completed {n}: status"),
                    describe(q.status(id.clone())),
                );
                notes.add(
                    &format!("completed {n}: result"),
                    describe(q.result(id.clone())),
                );
                if id.as_f64() == Some(1.0) {
                    notes.add("push", describe(q.push(follow.clone(), None)));
                }
            })
        };
        q.add_event_listener("completed".into(), listener.as_ref().clone(), UNDEF)
            .unwrap();
        start(&q);
        q.push(obj(r#"() => "one""#), None).unwrap();
        q.push(obj(r#"() => "two""#), None).unwrap();
        settle(q.on_idle().unwrap()).await.unwrap();
        assert_eq!(
            notes.take(),
            [
                "completed 1: status ok:succeeded",
                "completed 1: result ok:one",
                "push ok:3",
                "completed 2: status ok:succeeded",
                "completed 2: result ok:two",
                "completed 3: status ok:succeeded",
                "completed 3: result ok:follow-up",
            ],
            "mode {mode}"
        );
        assert_eq!(
            describe(q.result(1.into())),
            "err:ERR_NOT_FOUND",
            "the listener took the record"
        );
        settle(q.stop().unwrap()).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn dispose_from_inside_a_running_job_settles_everything_and_later_calls_throw() {
    for mode in [SYNC_MODE, ASYNC_MODE] {
        let q: Shared = Rc::new(queue(mode | TRACK_JOBS));
        let started = q.start(UNDEF).unwrap();
        let log = Array::new();
        let notes = Notes::default();
        let disposer = {
            let (q, log, notes) = (q.clone(), log.clone(), notes.clone());
            RustRunner::new(move |_ctx| {
                q.dispose();
                notes.add(
                    "push",
                    describe(q.push(runner(&log, 9, "log.push(i);"), None)),
                );
                notes.add("result(1)", describe(q.result(1.into())));
                notes.add("status(1)", describe(q.status(1.into())));
                notes.add("isRunning", describe(q.is_running()));
                notes.add("stop", describe(q.stop().map(|_| JsValue::TRUE)));
                notes.add("start", describe(q.start(UNDEF).map(|_| JsValue::TRUE)));
                notes.add("wait(1)", describe(q.wait(1.into()).map(|_| JsValue::TRUE)));
                q.dispose(); // a second call does nothing
                notes.add("size", describe(q.size()));
                Ok("last words".into())
            })
        };
        assert_eq!(q.push(disposer.js(), None).unwrap(), 1.0);
        assert_eq!(q.push(runner(&log, 2, "log.push(i);"), None).unwrap(), 2.0);
        let (w1, w2, idle) = (
            q.wait(1.into()).unwrap(),
            q.wait(2.into()).unwrap(),
            q.on_idle().unwrap(),
        );
        let v = settle(w1)
            .await
            .expect("the running job's outcome still comes");
        assert_eq!(v.as_string().as_deref(), Some("last words"));
        let e = settle(w2).await.expect_err("the waiting job failed");
        assert_eq!(code_of(&e), "ERR_QUEUE_CLOSED", "mode {mode}");
        settle(started)
            .await
            .expect("start() resolves: the queue stopped");
        settle(idle)
            .await
            .expect("onIdle() resolves: nothing will change any more");
        assert_eq!(
            notes.take(),
            [
                "push err:freed",
                "result(1) err:freed",
                "status(1) err:freed",
                "isRunning err:freed",
                "stop err:freed",
                "start err:freed",
                "wait(1) err:freed",
                "size err:freed",
            ],
            "mode {mode}"
        );
        sleep(2).await;
        assert_eq!(log.length(), 0, "the waiting job never ran (mode {mode})");
        // From outside too: every call throws the freed error, dispose() stays harmless.
        assert_eq!(describe(q.push(runner(&log, 3, ""), None)), "err:freed");
        assert_eq!(describe(q.on_idle().map(JsValue::from)), "err:freed");
        assert_eq!(
            describe(
                q.add_event_listener("idle".into(), obj("() => {}"), UNDEF)
                    .map(|()| UNDEF)
            ),
            "err:freed"
        );
        q.dispose();
    }
}

#[wasm_bindgen_test]
async fn dispose_from_a_job_while_other_jobs_promises_are_in_flight() {
    let q: Shared = Rc::new(queue(ASYNC_MODE | TRACK_JOBS));
    start(&q);
    let log = Array::new();
    let fulfils = gate("() => 'late'");
    let rejects = gate("() => { throw 'late no'; }");
    let f = js_fn("g", "return () => g.p;");
    assert_eq!(
        q.push(f.call1(&JsValue::NULL, &fulfils).unwrap(), None)
            .unwrap(),
        1.0
    );
    assert_eq!(
        q.push(f.call1(&JsValue::NULL, &rejects).unwrap(), None)
            .unwrap(),
        2.0
    );
    let disposer = {
        let q = q.clone();
        RustRunner::new(move |_ctx| {
            q.dispose();
            Ok("disposed".into())
        })
    };
    assert_eq!(q.push(disposer.js(), None).unwrap(), 3.0);
    assert_eq!(q.push(runner(&log, 4, "log.push(i);"), None).unwrap(), 4.0);
    let waits: Vec<Promise> = (1..=4).map(|id| q.wait(id.into()).unwrap()).collect();
    let (w1, w2) = (watch(&waits[0]), watch(&waits[1]));
    settle(waits[2].clone())
        .await
        .expect("the disposer's own outcome");
    assert_eq!(
        code_of(&settle(waits[3].clone()).await.unwrap_err()),
        "ERR_QUEUE_CLOSED"
    );
    sleep(2).await;
    assert!(
        !done(&w1) && !done(&w2),
        "in-flight jobs are still in flight"
    );
    assert!(is_freed_error(&q.size().unwrap_err()));
    call(&fulfils, "open", &UNDEF);
    call(&rejects, "open", &UNDEF);
    let v = settle(waits[0].clone())
        .await
        .expect("a fulfilled in-flight job");
    assert_eq!(v.as_string().as_deref(), Some("late"));
    let e = settle(waits[1].clone())
        .await
        .expect_err("a rejected in-flight job");
    assert_eq!(e.as_string().as_deref(), Some("late no"));
    assert_eq!(log.length(), 0);
    assert!(is_freed_error(&q.result(1.into()).unwrap_err()));
}

#[wasm_bindgen_test]
async fn jobs_that_throw_or_reject_in_any_way_never_trap_the_module() {
    let q: Shared = Rc::new(queue(SYNC_MODE | TRACK_JOBS));
    let failures = Array::new();
    let on_failed = js_fn("failures", "return (e) => failures.push(e.detail.id);")
        .call1(&JsValue::NULL, &failures)
        .unwrap();
    q.add_event_listener("failed".into(), on_failed, UNDEF)
        .unwrap();
    start(&q);
    // [runner, the value its job fails with]
    let cases = Array::from(&obj(
        r#"(() => { const sym = Symbol("thrown"); const plain = { not: "an Error" }; let reads = 0; return [
          [() => { throw undefined; }, undefined],
          [() => { throw null; }, null],
          [() => { throw sym; }, sym],
          [() => { throw plain; }, plain],
          [() => Promise.reject(undefined), undefined],
          [() => Promise.reject(sym), sym],
          [async () => { await null; throw "async throw"; }, "async throw"],
          [() => ({ get then() { throw "then getter"; } }), "then getter"],
          [() => ({ then() { throw "then threw"; } }), "then threw"],
          [() => ({ then(ok, bad) { bad("first"); ok("second"); throw "third"; } }), "first"],
          [() => Promise.resolve({ then(_, bad) { bad("nested"); } }), "nested"],
          [() => Promise.resolve(1).then(() => { throw plain; }), plain],
          [{ get run() { if (reads++ === 0) return () => "never"; throw "run getter"; } }, "run getter"],
        ]; })()"#,
    ));
    let n = cases.length();
    for (i, case) in cases.iter().enumerate() {
        let id = q.push(Array::from(&case).get(0), None).unwrap();
        assert_eq!(id, (i + 1) as f64);
    }
    // Rust runners: one returns an error (thrown into JS), one pushes and then fails.
    let rust_err = RustRunner::new(|_ctx| Err("rust error".into()));
    let pushes_then_fails = {
        let q = q.clone();
        RustRunner::new(move |_ctx| {
            q.push(obj(r#"() => "pushed by a failing job""#), None)?;
            Err(js_sys::Error::new("after push").into())
        })
    };
    assert_eq!(q.push(rust_err.js(), None).unwrap(), f64::from(n + 1));
    assert_eq!(
        q.push(pushes_then_fails.js(), None).unwrap(),
        f64::from(n + 2)
    );
    assert_eq!(
        q.push(obj(r#"() => "still fine""#), None).unwrap(),
        f64::from(n + 3)
    );
    settle(q.on_idle().unwrap()).await.unwrap();

    for (i, case) in cases.iter().enumerate() {
        let want = Array::from(&case).get(1);
        let got = q
            .result(((i + 1) as f64).into())
            .expect_err("the job failed");
        assert!(
            Object::is(&got, &want),
            "job {}: failed with {got:?}, want {want:?}",
            i + 1
        );
    }
    assert_eq!(
        describe(q.result(f64::from(n + 1).into())),
        "err:rust error"
    );
    let e = q.result(f64::from(n + 2).into()).unwrap_err();
    assert!(
        e.is_instance_of::<js_sys::Error>() && message_of(&e) == "after push",
        "{e:?}"
    );
    assert_eq!(describe(q.result(f64::from(n + 3).into())), "ok:still fine");
    assert_eq!(
        describe(q.result(f64::from(n + 4).into())),
        "ok:pushed by a failing job"
    );
    assert_eq!(
        numbers(&failures),
        (1..=n + 2).map(f64::from).collect::<Vec<_>>(),
        "one failed event each"
    );
    // The queue and the module go on: nothing stuck, nothing borrowed.
    assert_eq!(
        (
            q.size().unwrap(),
            q.running().unwrap(),
            q.is_running().unwrap()
        ),
        (0.0, 0.0, true)
    );
    let id = q.push(obj("() => 42"), None).unwrap();
    assert_eq!(id, f64::from(n + 5));
    let v = settle(q.wait(id.into()).unwrap()).await.unwrap();
    assert_eq!(v.as_f64(), Some(42.0));
    settle(q.stop().unwrap()).await.unwrap();
}
