//! `Queue`: the class users construct. Each method checks its JS arguments, calls the
//! executor, and turns its answer into a JS value or error; nothing is decided here.
//!
//! Every method takes `&self` and returns a `Result` (thrown by wasm-bindgen's glue after the
//! call returns): no JS exception ever unwinds through a borrowed `Queue`, so `free()` and
//! re-entrant calls from inside jobs keep working after any error.

use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::js_host::{id_from, missing_globals, queue_error, queue_error_class, shim, Exec, JsHost, Kept, StoredRunner};
use super::options::{
    read_concurrency, read_priority, read_push_options, read_queue_settings, read_signal,
    type_error,
};
use crate::core::{ErrorCode, JobId, Status};
use crate::executor::{events, Freed, PushError, ResultError};

/// The error every call on a freed queue throws.
#[cold]
#[inline(never)]
fn freed_error(_: Freed) -> JsValue {
    js_sys::Error::new("gorqs: this queue was freed (free() or Symbol.dispose); create a new Queue")
        .into()
}

fn push_error(e: PushError<JsValue>) -> JsValue {
    match e {
        PushError::Closed => queue_error(ErrorCode::QueueClosed),
        PushError::Aborted(reason) | PushError::Signal(reason) => reason,
        PushError::Freed => freed_error(Freed),
    }
}

/// A job id argument: a number (else `TypeError`); one that is no positive integer is an id
/// never given (0), so it is simply not found.
fn job_id(id: &JsValue) -> Result<JobId, JsValue> {
    match id.as_f64() {
        Some(x) => Ok(id_from(x)),
        None => Err(shim::got_error(
            "Expected a job id (number), got ",
            id,
            false,
        )),
    }
}

/// What a runner must be.
const RUNNER: &str = "a function or an object with a `run()` method";

/// `index`: where the runner stands in `pushAll`'s list; `None` for `push`.
fn check_runner(runner: &JsValue, index: Option<usize>) -> Result<(), JsValue> {
    if shim::is_runner(runner)? {
        Ok(())
    } else {
        Err(match index {
            Some(i) => shim::arg_error_at(false, i as f64, RUNNER, runner),
            None => shim::arg_error(false, "runner", RUNNER, runner),
        })
    }
}

thread_local! {
    /// The status strings, made once.
    static STATUS: [JsValue; 4] = [Status::Pending, Status::Running, Status::Succeeded, Status::Failed]
        .map(|s| JsValue::from_str(s.as_str()));
}

fn status_value(status: Status) -> JsValue {
    let i = match status {
        Status::Pending => 0,
        Status::Running => 1,
        Status::Succeeded => 2,
        Status::Failed => 3,
    };
    STATUS.with(|s| s[i].clone())
}

/// The error of `queue`'s last failed `pushId` (then forgotten), for the package's `push`.
#[wasm_bindgen(js_name = takePushError)]
pub fn take_push_error(queue: &Queue) -> JsValue {
    queue.push_error.take().unwrap_or(JsValue::UNDEFINED)
}

/// The JS side of `queue`'s host (host.js `Host`), whose `push` takes plain pushes (and `wait`
/// the waits on them) while the executor keeps its inbox open. For the package's `push` and
/// `wait` only; not exported by the package.
#[wasm_bindgen(js_name = hostOf)]
pub fn host_of(queue: &Queue) -> JsValue {
    JsValue::clone(queue.exec.host().shim())
}

/// The `QueueError` class, for the package to export.
#[wasm_bindgen(js_name = queueErrorClass)]
pub fn queue_error_class_export() -> JsValue {
    queue_error_class()
}

/// A job queue: sync (one at a time, in order) or async (interleaved). See README.md.
#[wasm_bindgen]
pub struct Queue {
    exec: Rc<Exec>,
    /// The error of the last failed `pushId`, until `takePushError` takes it.
    push_error: std::cell::RefCell<Option<JsValue>>,
}

impl Queue {
    /// Adds a job and returns its id at once (Go `Push`); never runs it here. The package's
    /// JS `push` takes plain pushes on the host's side while it can, and comes here (as
    /// `pushId`) for the rest.
    ///
    /// # Errors
    /// `TypeError` for a bad runner or options, `ERR_QUEUE_CLOSED`, an aborted signal's
    /// reason, the freed error. Nothing is queued then.
    pub fn push(&self, runner: JsValue, options: Option<JsValue>) -> Result<f64, JsValue> {
        check_runner(&runner, None)?;
        // `Option`: an absent `options` crosses as nothing, not as a table slot for undefined.
        let id = match options {
            None => self.exec.push(StoredRunner),
            Some(options) => {
                let opts = read_push_options(&options)?;
                self.exec.push_with(StoredRunner, opts)
            }
        }
        .map_err(push_error)?;
        // The runner goes to the JS side's store at once: it holds one entry per id given.
        self.exec.host().shim().put(&runner);
        Ok(id as f64)
    }
}

#[wasm_bindgen]
impl Queue {
    /// `new Queue()`, `new Queue(SyncMode | TrackJobs)` or `new Queue({ mode, track, … })`.
    ///
    /// # Errors
    /// `QueueError` for bad flags, `TypeError`/`RangeError` for bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(mode_or_options: JsValue) -> Result<Queue, JsValue> {
        // A host without a global the queue needs fails here, by name, not at its first job.
        if let Some(missing) = missing_globals() {
            return Err(missing);
        }
        let mut settings = read_queue_settings(&mode_or_options)?;
        // Queues retry out of step: the jitter is seeded from Math.random.
        settings.limits.jitter_seed =
            Some((js_sys::Math::random() * 9_007_199_254_740_992.0) as u64);
        let (config, limits) = (settings.config, settings.limits);
        let exec = Rc::new_cyclic(|weak| Exec::new(config, limits, JsHost::new(weak)));
        let queue = Queue {
            exec,
            push_error: std::cell::RefCell::new(None),
        };
        if settings.auto_start {
            let _started = queue.exec.start(None).map_err(freed_error)?;
        }
        Ok(queue)
    }

    /// Opens the queue and begins running jobs (Go `Start`); settles when it stops.
    ///
    /// # Errors
    /// `TypeError` for a signal that is no AbortSignal; the freed error.
    pub fn start(&self, signal: JsValue) -> Result<Promise, JsValue> {
        let signal = read_signal("signal", &signal)?;
        self.exec.start(signal).map_err(freed_error)
    }

    /// Closes the queue (Go `Stop`); resolves once no job is running.
    ///
    /// # Errors
    /// The freed error.
    pub fn stop(&self) -> Result<Promise, JsValue> {
        self.exec.stop().map_err(freed_error)
    }

    /// Whether the queue is open (Go `IsRunning`).
    ///
    /// # Errors
    /// The freed error.
    #[wasm_bindgen(js_name = isRunning)]
    pub fn is_running(&self) -> Result<bool, JsValue> {
        self.exec.is_running().map_err(freed_error)
    }

    /// Holds back new starts; running jobs go on.
    ///
    /// # Errors
    /// The freed error.
    pub fn pause(&self) -> Result<(), JsValue> {
        self.exec.set_paused(true).map_err(freed_error)
    }

    /// Lets jobs start again after `pause()`.
    ///
    /// # Errors
    /// The freed error.
    pub fn resume(&self) -> Result<(), JsValue> {
        self.exec.set_paused(false).map_err(freed_error)
    }

    /// Whether `pause()` is in force.
    ///
    /// # Errors
    /// The freed error.
    #[wasm_bindgen(getter, js_name = isPaused)]
    pub fn is_paused(&self) -> Result<bool, JsValue> {
        self.exec.is_paused().map_err(freed_error)
    }

    /// Most jobs running at once (`Infinity`: no limit).
    ///
    /// # Errors
    /// The freed error.
    #[wasm_bindgen(getter)]
    pub fn concurrency(&self) -> Result<f64, JsValue> {
        let limit = self.exec.concurrency().map_err(freed_error)?;
        Ok(limit.map_or(f64::INFINITY, f64::from))
    }

    /// Changes the limit; raising it starts jobs.
    ///
    /// # Errors
    /// `TypeError`/`RangeError` for a bad value; the freed error.
    #[wasm_bindgen(setter)]
    pub fn set_concurrency(&self, value: JsValue) -> Result<(), JsValue> {
        let limit = read_concurrency(&value)?;
        self.exec.set_concurrency(limit).map_err(freed_error)
    }

    /// `push` for the package's JS `push`, which throws: the id, or 0 when the push failed,
    /// with the error kept for `takePushError()`. Measured: a `Result` return costs the glue a
    /// JS array per call, 30 of the 80 ns a push took here (S1's hottest call).
    #[wasm_bindgen(js_name = pushId)]
    pub fn push_id(&self, runner: JsValue, options: Option<JsValue>) -> f64 {
        self.push(runner, options).unwrap_or_else(|error| {
            *self.push_error.borrow_mut() = Some(error);
            0.0
        })
    }

    /// Many pushes in one call, all or nothing.
    ///
    /// # Errors
    /// As `push`; a bad runner throws before any job is queued.
    #[wasm_bindgen(js_name = pushAll)]
    pub fn push_all(&self, runners: JsValue, options: JsValue) -> Result<Array, JsValue> {
        self.exec.is_running().map_err(freed_error)?;
        let holder = Array::new();
        if !shim::to_array(&runners, &holder)? {
            return Err(type_error(
                "Expected `runners` to be an iterable of runners",
            ));
        }
        // `toArray` pushed one array, of the runners.
        let list: Array = holder.get(0).unchecked_into();
        // One crossing checks them all: the index of the first that is no runner.
        let bad = shim::bad_runner(&list)?;
        if bad >= 0.0 {
            return Err(shim::arg_error_at(false, bad, RUNNER, &list.get(bad as u32)));
        }
        let n = list.length() as usize;
        let runners = (0..n).map(|_| StoredRunner);
        // As for `push`: `undefined` or `null` options are none.
        let first = if options.is_undefined() || options.is_null() {
            self.exec.push_many(runners.collect()).map_err(push_error)?
        } else {
            let opts = read_push_options(&options)?;
            self.exec.push_all_with(runners, opts).map_err(push_error)?
        };
        // The JS side stores them under the ids that follow `first` and lists those ids (an
        // array built in Rust cost a crossing and a table slot per id).
        let ids = self.exec.host().shim().put_all(&list);
        debug_assert_eq!(ids.get(0).as_f64(), (n > 0).then_some(first as f64));
        Ok(ids)
    }

    /// Fails a waiting or running job with `reason` (default: an `AbortError`).
    ///
    /// # Errors
    /// `TypeError` for an id that is no number; the freed error.
    pub fn cancel(&self, id: JsValue, reason: JsValue) -> Result<bool, JsValue> {
        let id = job_id(&id)?;
        let reason = (!reason.is_undefined()).then_some(reason);
        self.exec.cancel(id, reason).map_err(freed_error)
    }

    /// Gives a waiting job a new priority; false when it is not waiting.
    ///
    /// # Errors
    /// `TypeError`/`RangeError` for bad arguments; the freed error.
    #[wasm_bindgen(js_name = setPriority)]
    pub fn set_priority(&self, id: JsValue, priority: JsValue) -> Result<bool, JsValue> {
        let id = job_id(&id)?;
        let priority = read_priority(&priority)?;
        self.exec.set_priority(id, priority).map_err(freed_error)
    }

    /// Go `Fetch`: a finished job's value, deleting its record.
    ///
    /// # Errors
    /// `ERR_NOT_IMPLEMENTED`, `ERR_NOT_FOUND`, `ERR_PENDING`, `ERR_RUNNING`, or the job's own
    /// error; `TypeError` for an id that is no number; the freed error.
    pub fn result(&self, id: JsValue) -> Result<JsValue, JsValue> {
        let id = job_id(&id)?;
        self.exec.result(id).map_err(|e| match e {
            ResultError::Code(code) => queue_error(code),
            ResultError::Failed(error) => error,
            ResultError::Freed => freed_error(Freed),
        })
    }

    /// `result(id)` of a record holding an int32, for the package's `result` and `fetch`
    /// (pkg/src/index.js): the number, taken in one crossing with no JS object made; NaN for
    /// anything else (no record, another value, an error, a freed queue), which `result`
    /// answers.
    #[wasm_bindgen(js_name = resultInt)]
    pub fn result_int(&self, id: f64) -> f64 {
        match self.exec.take_result_if(id_from(id), |kept| matches!(kept, Kept::Int(_))) {
            Some(Kept::Int(n)) => f64::from(n),
            _ => f64::NAN,
        }
    }

    /// `"pending" | "running" | "succeeded" | "failed" | undefined`; never deletes.
    ///
    /// # Errors
    /// `TypeError` for an id that is no number; the freed error.
    pub fn status(&self, id: JsValue) -> Result<JsValue, JsValue> {
        let id = job_id(&id)?;
        let status = self.exec.status(id).map_err(freed_error)?;
        Ok(status.map_or(JsValue::UNDEFINED, status_value))
    }

    /// Settles with job `id`'s outcome once it finishes.
    ///
    /// # Errors
    /// `TypeError` for an id that is no number; the freed error.
    pub fn wait(&self, id: JsValue) -> Result<Promise, JsValue> {
        let id = job_id(&id)?;
        self.exec.wait(id).map_err(freed_error)
    }

    /// Go `Clear`: deletes every finished record.
    ///
    /// # Errors
    /// The freed error.
    pub fn clear(&self) -> Result<(), JsValue> {
        self.exec.clear().map_err(freed_error)
    }

    /// A snapshot: `{ isRunning, isPaused, size, retrying, running, records, pushed,
    /// concurrency }` (`concurrency` is `null` for no limit), as a plain object.
    ///
    /// # Errors
    /// The freed error.
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        let stats = self.exec.stats().map_err(freed_error)?;
        // The serializer of a flat struct of numbers and booleans cannot fail.
        // `None` (no concurrency limit) as `null`, not as a missing value; `Stats` is a map
        // (see its `Serialize`), made a plain object.
        let serializer = serde_wasm_bindgen::Serializer::new()
            .serialize_missing_as_null(true)
            .serialize_maps_as_objects(true);
        serde::Serialize::serialize(&stats, &serializer).map_err(JsValue::from)
    }

    /// Jobs waiting to start.
    ///
    /// # Errors
    /// The freed error.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> Result<f64, JsValue> {
        Ok(self.exec.size().map_err(freed_error)? as f64)
    }

    /// Jobs running.
    ///
    /// # Errors
    /// The freed error.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> Result<f64, JsValue> {
        Ok(self.exec.running().map_err(freed_error)? as f64)
    }

    /// Resolves when nothing waits and nothing runs.
    ///
    /// # Errors
    /// The freed error.
    #[wasm_bindgen(js_name = onIdle)]
    pub fn on_idle(&self) -> Result<Promise, JsValue> {
        self.exec.on_idle().map_err(freed_error)
    }

    /// Resolves when nothing waits.
    ///
    /// # Errors
    /// The freed error.
    #[wasm_bindgen(js_name = onEmpty)]
    pub fn on_empty(&self) -> Result<Promise, JsValue> {
        self.exec.on_empty().map_err(freed_error)
    }

    /// Resolves when fewer than `limit` jobs wait.
    ///
    /// # Errors
    /// `TypeError` for a limit that is no number; the freed error.
    #[wasm_bindgen(js_name = onSizeLessThan)]
    pub fn on_size_less_than(&self, limit: JsValue) -> Result<Promise, JsValue> {
        let limit = match limit.as_f64() {
            Some(n) if !n.is_nan() => n,
            _ => {
                return Err(shim::got_error(
                    "Expected `limit` to be a number, got ",
                    &limit,
                    true,
                ))
            }
        };
        self.exec.on_size_less_than(limit).map_err(freed_error)
    }

    /// `EventTarget.addEventListener`: `active`, `completed`, `failed`, `empty`, `idle`.
    ///
    /// # Errors
    /// What the event target threw; the freed error.
    #[wasm_bindgen(js_name = addEventListener)]
    pub fn add_event_listener(
        &self,
        kind: JsValue,
        listener: JsValue,
        options: JsValue,
    ) -> Result<(), JsValue> {
        self.exec.is_running().map_err(freed_error)?;
        self.exec
            .host()
            .shim()
            .target()
            .add_event_listener(&kind, &listener, &options)?;
        if !listener.is_null() && !listener.is_undefined() {
            if let Some(name) = kind.as_string() {
                self.exec
                    .listen(events::bit_of(&name))
                    .map_err(freed_error)?;
            }
        }
        Ok(())
    }

    /// `EventTarget.removeEventListener`.
    ///
    /// # Errors
    /// What the event target threw; the freed error.
    #[wasm_bindgen(js_name = removeEventListener)]
    pub fn remove_event_listener(
        &self,
        kind: JsValue,
        listener: JsValue,
        options: JsValue,
    ) -> Result<(), JsValue> {
        self.exec.is_running().map_err(freed_error)?;
        self.exec
            .host()
            .shim()
            .target()
            .remove_event_listener(&kind, &listener, &options)
    }

    /// `EventTarget.dispatchEvent`.
    ///
    /// # Errors
    /// What the event target threw; the freed error.
    #[wasm_bindgen(js_name = dispatchEvent)]
    pub fn dispatch_event(&self, event: JsValue) -> Result<bool, JsValue> {
        self.exec.is_running().map_err(freed_error)?;
        self.exec.host().shim().target().dispatch_event(&event)
    }

    /// Stops the queue as `stop()` does and releases what it holds; later calls throw. The
    /// package makes this the class's `free()` and `[Symbol.dispose]()`; the Rust value itself
    /// is reclaimed with its JS object by the garbage collector.
    pub fn dispose(&self) {
        self.exec.free();
    }
}
