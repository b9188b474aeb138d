//! The JS host of the executor: [`Host`] over the JS snippet `host.js`, one crossing per
//! call, and the callbacks from JS back into the executor.
//!
//! Callbacks are wasm-bindgen `Closure`s made once per queue (never per job) holding a `Weak`
//! reference to the executor, so a dropped queue is not kept alive by its own callbacks. They
//! are `Fn`, not `FnMut`: a settlement may arrive from inside another callback (a thenable
//! that settles inside `then`), and an `FnMut` closure refuses to be re-entered.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::{ErrorCode, JobId};
use crate::executor::{Event, Executor, Host, Promises, Ran, Settlement, Waiter};

/// The executor as the binding uses it.
pub(super) type Exec = Executor<JsHost>;

/// Bindings to the JS snippet (copied into the package by wasm-bindgen).
///
/// # Every import, accounted for
/// A JS exception must never unwind through Rust frames: the executor's flags (`draining`,
/// `scheduled`, …) and wasm-bindgen's borrow of the `Queue` would stay set, and the queue would
/// never run another job. So each import that can throw or run user code (a getter, a Proxy
/// trap, a listener, a runner) is a `catch` import (the error comes back as a `Result`), or
/// catches inside the shim (`try` in host.js; an error nobody can take is reported as the host
/// reports a throwing listener's). `tests/layer/js-layer.test.mjs` checks this table against
/// the bindings below and host.js.
///
/// | import | can throw | runs user code | handled by |
/// |---|---|---|---|
/// | `Host` (constructor) | no: `missingGlobals` checked first | no | - |
/// | `invoke` | yes | yes: `run()`, a thenable's `then()` | shim try |
/// | `runFrom` | yes | yes: `run()`, a thenable's `then()` | shim try |
/// | `cut` | no | no | - |
/// | `nextInt` | no | no | - |
/// | `takeGone` | no | no | - |
/// | `openInbox` | no | no | - |
/// | `close` | no | no | - |
/// | `waiter` | no | no | - |
/// | `wake` | no | no: an object value is resolved a microtask later | - |
/// | `wakeOut` | no | no: as `wake` | - |
/// | `put` | no | no | - |
/// | `putAll` | no | no | - |
/// | `entry` | no | no | - |
/// | `releaseAll` | no | no | - |
/// | `takeValue` | no | no | - |
/// | `takeInt` | no | no | - |
/// | `emit` | yes | yes: listeners | shim try |
/// | `target` | no | no | - |
/// | `missingGlobals` | no | no | - |
/// | `MESSAGES` (a `Map`) | no | no | - |
/// | `QueueError` (constructor) | no | no | - |
/// | `QueueError` (class) | no | no | - |
/// | `abortError` | no | no | - |
/// | `argError` | yes | yes: `toString`, Proxy traps | shim try |
/// | `gotError` | yes | yes: `toString`, Proxy traps | shim try |
/// | `isRunner` | yes | yes: the `run` getter | catch |
/// | `badRunner` | yes | yes: the `run` getters | catch |
/// | `fields` | yes | yes: getters | catch |
/// | `toArray` | yes | yes: the iterator | catch |
/// | `now` | no | no | - |
/// | `microtask` | no | no | - |
/// | `macrotask` | no | no | - |
/// | `listen` | yes | yes: `addEventListener` | catch |
/// | `abortedReason` | yes | yes: the `aborted` and `reason` getters | catch |
/// | `report` | no | no | - |
/// | `AbortController` (constructor) | no: checked at construction | no | - |
/// | `signal` | no | no | - |
/// | `abort` | yes | yes: abort listeners | catch |
/// | `setTimeout` | no: checked at construction | no | - |
/// | `clearTimeout` | no: checked at construction | no | - |
/// | `addEventListener` | yes | yes: options getters | catch |
/// | `removeEventListener` | yes | yes: options getters | catch |
/// | `dispatchEvent` | yes | yes: listeners | catch |
///
/// No `catch` import returns a JS object: wasm-bindgen 0.2.130 leaked the externref table
/// slot of the return value each time one threw (`tests/stress/leak.mjs` saw the table double
/// every few rounds); `fields`, `toArray`, `abortedReason` and `listen` fill an array given.
pub(super) mod shim {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/wasm/host.js")]
    extern "C" {
        /// One queue's JS side (the snippet's `Host` class).
        #[wasm_bindgen(js_name = Host)]
        pub type HostShim;
        #[wasm_bindgen(constructor, js_class = Host)]
        pub fn new(settle: &js_sys::Function, signal_for: &js_sys::Function) -> HostShim;
        #[wasm_bindgen(method, js_class = Host)]
        pub fn invoke(this: &HostShim, id: f64, attempt: u32, keep: bool) -> u32;
        /// 4 × how many jobs ran + the last one's kind (see host.js `runFrom`).
        #[wasm_bindgen(method, js_class = Host, js_name = runFrom)]
        pub fn run_from(this: &HostShim, first: f64, n: u32, park: bool, track: bool, spread: u32) -> u32;
        #[wasm_bindgen(method, js_class = Host, js_name = takeGone)]
        pub fn take_gone(this: &HostShim, into: &mut [f64]) -> u32;
        /// The next int32 value kept by a tracked run, NaN when none is left (host.js `keep`).
        #[wasm_bindgen(method, js_class = Host, js_name = nextInt)]
        pub fn next_int(this: &HostShim) -> f64;
        #[wasm_bindgen(method, js_class = Host)]
        pub fn cut(this: &HostShim) -> f64;
        #[wasm_bindgen(method, js_class = Host, js_name = openInbox)]
        pub fn open_inbox(this: &HostShim, from: f64);
        /// The next id, negated when the host registered waits meanwhile (`holds`).
        #[wasm_bindgen(method, js_class = Host)]
        pub fn close(this: &HostShim) -> f64;
        #[wasm_bindgen(method, js_class = Host)]
        pub fn waiter(this: &HostShim, id: f64) -> js_sys::Promise;
        #[wasm_bindgen(method, js_class = Host)]
        pub fn wake(this: &HostShim, id: f64, kind: u32, value: &JsValue) -> bool;
        /// `wake` with the value of the last classification (`out`).
        #[wasm_bindgen(method, js_class = Host, js_name = wakeOut)]
        pub fn wake_out(this: &HostShim, id: f64, kind: u32) -> bool;
        #[wasm_bindgen(method, js_class = Host)]
        pub fn put(this: &HostShim, runner: &JsValue);
        #[wasm_bindgen(method, js_class = Host, js_name = putAll)]
        pub fn put_all(this: &HostShim, runners: &JsValue) -> js_sys::Array;
        /// Job `id`'s runner, emptied from the store with `empty` (`release`: Rust never reads it).
        #[wasm_bindgen(method, js_class = Host)]
        pub fn entry(this: &HostShim, id: f64, empty: bool);
        #[wasm_bindgen(method, js_class = Host, js_name = releaseAll)]
        pub fn release_all(this: &HostShim);
        #[wasm_bindgen(method, js_class = Host, js_name = takeValue)]
        pub fn take_value(this: &HostShim) -> JsValue;
        #[wasm_bindgen(method, js_class = Host, js_name = takeInt)]
        pub fn take_int(this: &HostShim) -> f64;
        #[wasm_bindgen(method, js_class = Host)]
        pub fn emit(this: &HostShim, kind: u32, id: f64, value: &JsValue);
        /// The queue's own `EventTarget`.
        #[wasm_bindgen(method, getter, js_class = Host)]
        pub fn target(this: &HostShim) -> EventTarget;

        #[wasm_bindgen(js_name = missingGlobals)]
        pub fn missing_globals_js() -> JsValue;
        /// Code → Go message, for `new QueueError(code)`.
        #[wasm_bindgen(thread_local_v2, js_name = MESSAGES)]
        pub static MESSAGES: js_sys::Map;
        /// A `QueueError` made by Rust.
        #[wasm_bindgen(js_name = QueueError)]
        pub type QueueErrorShim;
        #[wasm_bindgen(constructor, js_class = QueueError)]
        pub fn new(code: &str, message: &str) -> QueueErrorShim;
        /// The `QueueError` class.
        #[wasm_bindgen(thread_local_v2, js_name = QueueError)]
        pub static QUEUE_ERROR: JsValue;
        #[wasm_bindgen(js_name = abortError)]
        pub fn abort_error() -> JsValue;
        #[wasm_bindgen(js_name = argError)]
        pub fn arg_error(range: bool, name: &str, what: &str, value: &JsValue) -> JsValue;
        #[wasm_bindgen(js_name = gotError)]
        pub fn got_error(prefix: &str, value: &JsValue, type_only: bool) -> JsValue;
        /// `argError` of `pushAll`'s runner `index` (host.js names it).
        #[wasm_bindgen(js_name = argError)]
        pub fn arg_error_at(range: bool, index: f64, what: &str, value: &JsValue) -> JsValue;
        // Imports that run user code (getters, proxies) are `catch`: a JS exception never
        // unwinds through Rust frames, whose borrows would then stay taken.
        #[wasm_bindgen(js_name = isRunner, catch)]
        pub fn is_runner(value: &JsValue) -> Result<bool, JsValue>;
        #[wasm_bindgen(js_name = badRunner, catch)]
        pub fn bad_runner(list: &JsValue) -> Result<f64, JsValue>;
        // A `catch` import returning a JS object leaked a table slot each time it threw
        // (wasm-bindgen 0.2.130; tests/stress/leak.mjs): these fill an array given instead.
        #[wasm_bindgen(catch)]
        pub fn fields(object: &JsValue, keys: &str, into: &js_sys::Array) -> Result<(), JsValue>;
        #[wasm_bindgen(js_name = toArray, catch)]
        pub fn to_array(value: &JsValue, into: &js_sys::Array) -> Result<bool, JsValue>;
        #[wasm_bindgen(js_name = abortedReason, catch)]
        pub fn aborted_reason(signal: &JsValue, into: &js_sys::Array) -> Result<bool, JsValue>;
        pub fn now() -> f64;
        pub fn microtask(f: &js_sys::Function);
        pub fn macrotask(f: &js_sys::Function);

        #[wasm_bindgen(catch)]
        pub fn listen(
            signal: &JsValue,
            key: f64,
            aborted: &js_sys::Function,
            into: &js_sys::Array,
        ) -> Result<(), JsValue>;
        /// Reports an error nobody can catch, as the host reports a throwing listener's.
        pub fn report(error: &JsValue);
    }

    // Globals, bound directly (no code of ours in between).
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = setTimeout)]
        pub fn set_timeout(f: &js_sys::Function, ms: f64) -> JsValue;
        #[wasm_bindgen(js_name = clearTimeout)]
        pub fn clear_timeout(handle: &JsValue);

        /// An `AbortController`, made for a job that read its `ctx.signal`.
        pub type AbortController;
        #[wasm_bindgen(constructor, js_class = AbortController)]
        pub fn new() -> AbortController;
        #[wasm_bindgen(method, getter)]
        pub fn signal(this: &AbortController) -> JsValue;
        /// Runs the signal's abort listeners (user code).
        #[wasm_bindgen(method, catch)]
        pub fn abort(this: &AbortController, reason: &JsValue) -> Result<(), JsValue>;

        /// An `EventTarget` (the queue's own, which serves its events).
        pub type EventTarget;
        #[wasm_bindgen(method, catch, js_name = addEventListener)]
        pub fn add_event_listener(
            this: &EventTarget,
            kind: &JsValue,
            listener: &JsValue,
            options: &JsValue,
        ) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch, js_name = removeEventListener)]
        pub fn remove_event_listener(
            this: &EventTarget,
            kind: &JsValue,
            listener: &JsValue,
            options: &JsValue,
        ) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch, js_name = dispatchEvent)]
        pub fn dispatch_event(this: &EventTarget, event: &JsValue) -> Result<bool, JsValue>;
    }
}

/// The longest delay `setTimeout` honours (ms); a later deadline wakes early and re-arms.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// The error codes' Go messages, installed once into the JS `QueueError` class.
fn install_messages() {
    thread_local!(static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if !DONE.with(|d| d.replace(true)) {
        for code in ErrorCode::ALL {
            shim::MESSAGES.with(|m| m.set(&code.code().into(), &code.message().into()));
        }
    }
}

/// The `QueueError` class (messages installed).
pub(super) fn queue_error_class() -> JsValue {
    install_messages();
    shim::QUEUE_ERROR.with(JsValue::clone)
}

/// A `TypeError` naming the globals a queue needs that this host lacks, if any.
pub(super) fn missing_globals() -> Option<JsValue> {
    let m = shim::missing_globals_js();
    (!m.is_undefined()).then_some(m)
}

/// A `QueueError` for `code`.
pub(super) fn queue_error(code: ErrorCode) -> JsValue {
    install_messages();
    shim::QueueErrorShim::new(code.code(), code.message()).into()
}

thread_local! {
    /// `() => {}`: pre-handles the promises the queue hands out.
    static NOOP: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

/// The JS host of one queue.
///
/// The callbacks are handed to JS for good (`Closure::into_js_value`): a microtask, timer or
/// promise reaction still pending when the queue is dropped calls a live function that finds
/// the executor gone and does nothing, and the garbage collector frees each closure with its
/// last JS reference. (Owning them here made such a late call throw "closure invoked after
/// being dropped".)
pub struct JsHost {
    js: shim::HostShim,
    drive: Function,
    resume: Function,
    timer: Function,
    aborted: Function,
    /// The executor itself while it has work to finish (see [`Host::hold`]): a queue whose
    /// JS object was dropped mid-work still runs its jobs; an idle one is collected.
    held: RefCell<Option<Rc<Exec>>>,
    weak: Weak<Exec>,
    /// The armed `setTimeout` handle.
    timer_handle: RefCell<Option<JsValue>>,
    /// The JS side's inbox is open: plain pushes may be waiting there (see host.js `Host`).
    /// Set by `open_inbox` and cleared by `take_pushed`, each in the same call as the JS
    /// side's own flag, so the two never differ when Rust looks.
    inbox: Cell<bool>,
    /// The JS side registered waits itself while its inbox was open, told by `close` (see
    /// [`Host::took_waits`]).
    took_waits: Cell<bool>,
    /// The value of the settlement being handled, handed over with it by host.js `settled` when
    /// an int32 (NaN: none, the value waits in JS), so taking it costs no crossing. Set only
    /// for the length of a `settle` callback, and cleared by any later call of a runner (whose
    /// outcome is then the one to take).
    settled_int: Cell<Option<f64>>,
}

/// A JS number as a job id (the executor's ids are far below 2^53). Negative, fractional or
/// NaN numbers come out as 0, an id never given.
pub(super) fn id_from(x: f64) -> JobId {
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    if (1.0..=MAX_SAFE).contains(&x) && x.fract() == 0.0 {
        // In range and integral: exact.
        x as JobId
    } else {
        0
    }
}

fn ran_from(kind: u32) -> Ran {
    match kind {
        0 => Ran::Value,
        2 => Ran::Thenable,
        _ => Ran::Threw,
    }
}

impl JsHost {
    /// The host of the executor behind `weak`; made inside `Rc::new_cyclic`.
    pub(super) fn new(weak: &Weak<Exec>) -> JsHost {
        let on = |f: fn(&Exec)| {
            let weak = weak.clone();
            Closure::<dyn Fn()>::new(move || {
                if let Some(exec) = weak.upgrade() {
                    f(&exec);
                }
            })
            .into_js_value()
            .unchecked_into::<Function>()
        };
        let w = weak.clone();
        let settle = Closure::<dyn Fn(f64, u32, u32, f64)>::new(
            move |id: f64, attempt: u32, kind: u32, int: f64| {
                if let Some(exec) = w.upgrade() {
                    exec.host().settled_int.set(Some(int));
                    exec.settle(id_from(id), attempt, ran_from(kind));
                    exec.host().settled_int.set(None);
                }
            },
        );
        let w = weak.clone();
        let signal_for = Closure::<dyn Fn(f64) -> JsValue>::new(move |id: f64| match w.upgrade() {
            Some(exec) => exec.signal_for(id_from(id)),
            // A context read after its queue was dropped: a signal nothing will abort.
            None => shim::AbortController::new().signal(),
        });
        let w = weak.clone();
        let aborted = Closure::<dyn Fn(f64, JsValue)>::new(move |key: f64, reason: JsValue| {
            if let Some(exec) = w.upgrade() {
                exec.signal_aborted(key as JobId, reason);
            }
        });
        let js = shim::HostShim::new(
            settle.into_js_value().unchecked_ref(),
            signal_for.into_js_value().unchecked_ref(),
        );
        JsHost {
            js,
            drive: on(Exec::drive),
            resume: on(Exec::resume),
            timer: on(Exec::on_timer),
            aborted: aborted.into_js_value().unchecked_into(),
            held: RefCell::new(None),
            weak: weak.clone(),
            timer_handle: RefCell::new(None),
            inbox: Cell::new(false),
            took_waits: Cell::new(false),
            settled_int: Cell::new(None),
        }
    }

    /// The queue's JS side (events).
    pub(super) fn shim(&self) -> &shim::HostShim {
        &self.js
    }
}

/// A job's runner as the executor holds it: nothing. The runner itself is in the JS side's
/// store, keyed by the job's id (see host.js `Host`).
#[derive(Clone, Copy, Debug)]
pub struct StoredRunner;

/// A value as a finished job's record keeps it: an int32 inline, anything else as a JS value.
/// Results are most often small integers; kept inline they cost no externref (the table slot,
/// its free list and the crossing that makes it) and a record takes 12 bytes of wasm memory,
/// where an externref record was measured at 34–49 bytes in all (Node 24, Chromium, Bun).
#[derive(Clone, Debug)]
pub enum Kept {
    /// An int32 (never -0).
    Int(i32),
    /// Any other value.
    Js(JsValue),
}

impl Host for JsHost {
    type Runner = StoredRunner;
    type Value = JsValue;
    type Kept = Kept;
    type Controller = JsValue;
    type Listener = JsValue;

    fn call(&self, _: &StoredRunner, id: JobId, attempt: u32, keep: bool) -> Ran {
        self.settled_int.set(None);
        ran_from(self.js.invoke(id as f64, attempt, keep))
    }

    fn run_from(&self, _: &StoredRunner, first: JobId, n: u32, park: bool, track: bool, spread: u32) -> (u32, Ran) {
        self.settled_int.set(None);
        let r = self.js.run_from(first as f64, n, park, track, spread);
        (r >> 2, ran_from(r & 3))
    }

    fn take_settled(&self, track: bool, into: &mut Vec<(JobId, Kept)>) {
        // One crossing per 256 settlements, written by the host straight into this buffer (a
        // view of the module's memory): a `settle` crossing into the executor and a crossing
        // back per settlement measured ~150 ns a job in Node 24's S5, a crossing per id taken
        // here ~10 more in S7.
        const PAIRS: usize = 256;
        let mut buf = [0.0f64; 2 * PAIRS];
        loop {
            let n = (self.js.take_gone(&mut buf) as usize).min(PAIRS);
            for pair in buf[..2 * n].chunks_exact(2) {
                // An int32 by `takeGone`'s contract when tracked: the cast is exact.
                let value = if track { Kept::Int(pair[1] as i32) } else { Kept::Int(0) };
                into.push((id_from(pair[0]), value));
            }
            if n < PAIRS {
                break;
            }
        }
    }

    fn take_run_values(&self, into: &mut Vec<Kept>) {
        // One crossing a value. (A `Float64Array` of them copied out in one crossing made Bun
        // report ~18 bytes of JS heap more per tracked result, measured: 36.8 against 17.9.)
        // Int32s by `keep`'s contract: exact casts.
        loop {
            let n = self.js.next_int();
            if n.is_nan() {
                break;
            }
            into.push(Kept::Int(n as i32));
        }
    }

    fn cut_run(&self, first: JobId) -> JobId {
        // 0 (no run going on, which the executor never asks of): `first`, as if it ran alone.
        match id_from(self.js.cut()) {
            0 => first,
            at => at,
        }
    }

    fn open_inbox(&self, first: JobId, _next: JobId) {
        // (The JS side knows the next id: one store entry per id given.)
        if !self.inbox.replace(true) {
            self.js.open_inbox(first as f64);
        }
    }

    fn inbox_open(&self) -> bool {
        self.inbox.get()
    }

    fn take_pushed(&self, first: JobId) -> u64 {
        self.inbox.set(false);
        let next = self.js.close();
        self.took_waits.set(next < 0.0);
        // Ids are far below 2^53: exact as f64. A JS side behind `first` took nothing.
        (next.abs() as JobId).saturating_sub(first)
    }

    fn took_waits(&self) -> bool {
        self.took_waits.take()
    }

    fn pushed_runner(&self) -> StoredRunner {
        StoredRunner
    }

    fn release(&self, id: JobId) {
        self.js.entry(id as f64, true);
    }

    fn release_all(&self) {
        self.js.release_all();
    }

    fn take_value(&self) -> JsValue {
        match self.settled_int.take() {
            Some(n) if !n.is_nan() => JsValue::from_f64(n),
            _ => self.js.take_value(),
        }
    }

    fn take_kept(&self) -> Kept {
        // One crossing for an int32 (no externref made); a second for anything else; none for
        // an int32 handed over with its settlement.
        let n = match self.settled_int.take() {
            Some(n) if !n.is_nan() => return Kept::Int(n as i32),
            Some(_) => return Kept::Js(self.js.take_value()),
            None => self.js.take_int(),
        };
        if n.is_nan() {
            Kept::Js(self.js.take_value())
        } else {
            // An int32 by `takeInt`'s contract: the cast is exact.
            Kept::Int(n as i32)
        }
    }

    fn keep(&self, value: JsValue) -> Kept {
        Kept::Js(value)
    }

    fn unkeep(&self, kept: Kept) -> JsValue {
        match kept {
            Kept::Int(n) => JsValue::from(n),
            Kept::Js(value) => value,
        }
    }

    fn follow(&self, _: JobId, _: u32) {
        // host.js follows a thenable as soon as it classifies one (in `invoke`, and when a
        // thenable settles with another): a `follow` import cost a crossing per promise job.
    }

    fn now(&self) -> f64 {
        shim::now()
    }

    fn schedule(&self) {
        shim::microtask(&self.drive);
    }

    fn yield_slice(&self) {
        shim::macrotask(&self.resume);
    }

    fn set_timer(&self, at: Option<f64>) {
        let mut handle = self.timer_handle.borrow_mut();
        if let Some(h) = handle.take() {
            shim::clear_timeout(&h);
        }
        if let Some(at) = at {
            let ms = (at - shim::now()).clamp(0.0, MAX_TIMER_MS);
            *handle = Some(shim::set_timeout(&self.timer, ms));
        }
    }

    fn emit(&self, event: Event<'_, JsValue>) {
        let undefined = JsValue::UNDEFINED;
        let (kind, id, value) = match event {
            Event::Active(id) => (0, id, &undefined),
            Event::Completed(id, v) => (1, id, v),
            Event::Failed(id, e) => (2, id, e),
            Event::Empty => (3, 0, &undefined),
            Event::Idle => (4, 0, &undefined),
        };
        self.js.emit(kind, id as f64, value);
    }

    fn error(&self, code: ErrorCode) -> JsValue {
        queue_error(code)
    }

    fn abort_error(&self) -> JsValue {
        shim::abort_error()
    }

    fn new_controller(&self) -> JsValue {
        shim::AbortController::new().into()
    }

    fn abort(&self, controller: &JsValue, reason: &JsValue) {
        // Never throws: an error of the signal's listeners is reported.
        if let Err(e) = controller.unchecked_ref::<shim::AbortController>().abort(reason) {
            shim::report(&e);
        }
    }

    fn signal_of(&self, controller: &JsValue) -> JsValue {
        controller.unchecked_ref::<shim::AbortController>().signal()
    }

    fn aborted(&self, signal: &JsValue) -> Result<Option<JsValue>, JsValue> {
        // `Boolean(signal.aborted)`, and `signal.reason` when it is (getters: user code).
        let reason = js_sys::Array::new();
        Ok(shim::aborted_reason(signal, &reason)?.then(|| reason.get(0)))
    }

    fn listen(&self, signal: &JsValue, key: JobId) -> Result<JsValue, JsValue> {
        let listener = js_sys::Array::new();
        shim::listen(signal, key as f64, &self.aborted, &listener)?;
        Ok(listener.get(0))
    }

    fn unlisten(&self, signal: &JsValue, listener: JsValue) {
        // A signal-like object whose removeEventListener throws (or is missing): nothing more
        // to do. (`removeEventListener` is a `catch` import.)
        let _ = signal.unchecked_ref::<shim::EventTarget>().remove_event_listener(
            &JsValue::from_str("abort"),
            &listener,
            &JsValue::UNDEFINED,
        );
    }

    fn hold(&self, busy: bool) {
        // Never the last reference while an executor method runs: every entry into the
        // executor holds one (the Queue's, or an upgraded Weak), so this drop is never a
        // drop of the executor in the middle of its own call.
        let previous = self
            .held
            .replace(if busy { self.weak.upgrade() } else { None });
        drop(previous);
    }

    fn backoff(&self, function: &JsValue, attempt: u32) -> Option<f64> {
        // A throw, or anything but a number of ms >= 0 (NaN is not): `None`.
        let attempt = JsValue::from(attempt);
        let ms = function.unchecked_ref::<Function>().call1(&JsValue::UNDEFINED, &attempt).ok()?.as_f64()?;
        (ms >= 0.0).then_some(ms)
    }
}

impl Promises for JsHost {
    type Promise = Promise;

    fn promise(&self, rx: Waiter<JsValue>) -> Promise {
        let mut settle = None;
        let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        // Pre-handled: a caller ignoring a rejected promise sees no unhandled rejection.
        NOOP.with(|noop| {
            let _ = promise.catch(noop);
        });
        if let Some((resolve, reject)) = settle {
            wasm_bindgen_futures::spawn_local(async move {
                // A dropped sender (the queue was dropped or freed with this waiter pending):
                // the task ends and the promise stays pending. (`future_to_promise` needs its
                // future to finish, so a pending-for-ever future kept its task: measured
                // 165 bytes of wasm memory per queue dropped while open.)
                if let Ok(settlement) = rx.await {
                    let (f, value) = match settlement {
                        Ok(v) => (resolve, v),
                        Err(e) => (reject, e),
                    };
                    let _ = f.call1(&JsValue::UNDEFINED, &value);
                }
            });
        }
        promise
    }

    fn waiter(&self, id: JobId) -> Promise {
        self.js.waiter(id as f64)
    }

    fn wake(&self, id: JobId, settlement: Settlement<JsValue>) -> bool {
        match settlement {
            Ok(value) => self.js.wake(id as f64, 0, &value),
            Err(error) => self.js.wake(id as f64, 1, &error),
        }
    }

    fn wake_held(&self, id: JobId, ran: Ran) -> bool {
        // An int32 handed over with its settlement is still the JS side's `out` too.
        self.js.wake_out(id as f64, u32::from(ran != Ran::Value))
    }

    fn undefined(&self) -> JsValue {
        JsValue::UNDEFINED
    }
}
