//! `Core`: the scheduler behind one JS `Queue`, with numeric arguments and replies.
//!
//! Conventions (the JS side in `pkg/src/queue.js` relies on them):
//! - an id is a JS number; anything that is not an integer in 1..=2^53 is an unknown id;
//! - `0` as an id means "none";
//! - an error is reported as `-(1 + index)` with `index` into [`ErrorCode::ALL`], whose code
//!   and message JS reads once through [`error_code`] / [`error_message`].
//!
//! Nothing here panics: every input is a number checked on the way in, and every failure is a
//! return code.

use wasm_bindgen::prelude::*;

mod fifo_run;
mod limits;
mod retries;

use crate::core::{
    Config, ErrorCode, Fail, JobId, Lookup, Outcome, PushOptions, Scheduler, Settled, Status,
};

/// Largest id that is exact as a JS number.
const MAX_SAFE_ID: f64 = 9_007_199_254_740_992.0;

/// A number from JS as a job id, if it can be one.
fn to_id(x: f64) -> Option<JobId> {
    // In range and integral, so the cast is exact.
    ((1.0..=MAX_SAFE_ID).contains(&x) && x.fract() == 0.0).then_some(x as JobId)
}

fn ids_to_js(ids: Vec<JobId>) -> Vec<f64> {
    ids.into_iter().map(|id| id as f64).collect()
}

/// `-(1 + index of code)`: how an error code travels back to JS.
fn err(code: ErrorCode) -> i32 {
    let index = ErrorCode::ALL.iter().position(|&c| c == code).unwrap_or(0);
    -1 - index as i32
}

/// An outcome as JS reads it: 0 = succeeded (value kept by JS), 1 = failed with a value kept
/// by JS, or a negative error code for a failure the queue made itself (closed, timeout).
fn outcome_code<V>(outcome: &Outcome<V>) -> i32 {
    match outcome {
        Ok(_) => 0,
        Err(Fail::Thrown(_)) => 1,
        Err(Fail::Closed) => err(ErrorCode::QueueClosed),
        Err(Fail::Timeout) => err(ErrorCode::Timeout),
    }
}

/// `None` for "no limit": JS passes `Infinity` (or anything not finite and positive).
fn limit_from_js(x: f64) -> Option<f64> {
    (x.is_finite() && x > 0.0).then_some(x)
}

/// The code string of error `index` (`"ERR_PENDING"`, …); empty past the end.
#[wasm_bindgen(js_name = errorCode)]
pub fn error_code(index: u32) -> String {
    ErrorCode::ALL.get(index as usize).map_or("", |c| c.code()).to_owned()
}

/// The Go message of error `index`; empty past the end.
#[wasm_bindgen(js_name = errorMessage)]
pub fn error_message(index: u32) -> String {
    ErrorCode::ALL.get(index as usize).map_or("", |c| c.message()).to_owned()
}

/// The scheduler of one queue. Jobs and values live in JS; this holds ids and states.
///
/// Built by `withOptions` or `fromFlags`; the timed features are set right after, before
/// the first push: `setRecordTtl(ms)`, `setRateLimit(interval, cap)`, `seedJitter(seed)`.
#[wasm_bindgen(js_name = Core)]
pub struct CoreHandle {
    sched: Scheduler<(), ()>,
    /// The last `finish` / `finishAttempt` put its job back to wait for a retry.
    retried: bool,
    /// The run the last claim handed out, `(first, length)`, for `runLength` (which JS calls
    /// right after): saves scanning it twice. A stale entry is harmless, since `completeRun`
    /// checks every job it settles.
    run: (JobId, usize),
}

#[wasm_bindgen(js_class = Core)]
impl CoreHandle {
    /// A stopped queue. `concurrency`: jobs at once (`Infinity` = no limit); `timeout`: ms per
    /// job (`Infinity` = none); `max_records`: finished records kept (`Infinity` = all).
    /// JS checks the values first; out-of-range values fall back to the safe side here.
    /// A static function rather than a JS constructor, like `fromFlags`: wasm-bindgen builds
    /// both the same way (`Object.create` + one property), so every core shares one V8 map.
    #[wasm_bindgen(js_name = withOptions)]
    pub fn with_options(concurrency: f64, track: bool, timeout: f64, max_records: f64) -> CoreHandle {
        let config = Config {
            // Clamped to 1..=u32::MAX; the saturating cast cannot panic.
            concurrency: limit_from_js(concurrency).map(|n| (n as u32).max(1)),
            track,
            timeout: limit_from_js(timeout),
            max_records: limit_from_js(max_records).map(|n| (n as usize).max(1)),
        };
        CoreHandle { sched: Scheduler::new(config), retried: false, run: (0, 0) }
    }

    /// 0 when `flags` are valid gorqs mode flags, else `-(1 + error index)`.
    #[wasm_bindgen(js_name = flagsError)]
    pub fn flags_error(flags: f64) -> i32 {
        match Config::from_flags(flags) {
            Ok(_) => 0,
            Err(code) => err(code),
        }
    }

    /// A stopped queue configured by gorqs flags (sync with no tracking when they are invalid:
    /// JS checks them with `flagsError` first).
    #[wasm_bindgen(js_name = fromFlags)]
    pub fn from_flags(flags: f64) -> CoreHandle {
        let config = Config::from_flags(flags).unwrap_or_default();
        CoreHandle { sched: Scheduler::new(config), retried: false, run: (0, 0) }
    }

    /// Whether finished jobs are recorded.
    #[wasm_bindgen(getter)]
    pub fn track(&self) -> bool {
        self.sched.config().track
    }

    /// Whether jobs get a timeout by default (see `needsClock` for whether to pass times).
    #[wasm_bindgen(getter, js_name = hasTimeout)]
    pub fn has_timeout(&self) -> bool {
        self.sched.config().timeout.is_some()
    }

    /// Opens the queue; false when it was open already.
    pub fn start(&mut self) -> bool {
        self.sched.start()
    }

    /// Closes the queue; returns the ids of the waiting jobs it failed with `ERR_QUEUE_CLOSED`.
    pub fn stop(&mut self) -> Vec<f64> {
        ids_to_js(self.sched.stop())
    }

    /// Whether the queue is open.
    #[wasm_bindgen(js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.sched.is_open()
    }

    /// Adds a job with default options; its id, or 0 when the queue is closed.
    pub fn push(&mut self) -> f64 {
        self.sched.push((), PushOptions::default()).map_or(0.0, |id| id as f64)
    }

    /// Adds a job with a priority and a timeout in ms: `NaN` uses the queue's timeout,
    /// `Infinity` means none for this job. Its id, or 0 when closed.
    #[wasm_bindgen(js_name = pushWith)]
    pub fn push_with(&mut self, priority: f64, timeout: f64) -> f64 {
        // JS sends checked values; a NaN priority would still be harmless (ordered as 0).
        let priority = if priority.is_nan() { 0.0 } else { priority };
        let timeout = if timeout.is_nan() { None } else { Some(timeout) };
        let opts = PushOptions { priority, timeout };
        self.sched.push((), opts).map_or(0.0, |id| id as f64)
    }

    /// Adds `n` jobs with default options; the first id (the rest follow), or 0 when closed.
    #[wasm_bindgen(js_name = pushMany)]
    pub fn push_many(&mut self, n: u32) -> f64 {
        self.sched.push_many(n as usize, || ()).map_or(0.0, |id| id as f64)
    }

    /// Marks the next job running and returns its id; 0 when none may start now.
    #[wasm_bindgen(js_name = startNext)]
    pub fn start_next(&mut self, now: f64) -> f64 {
        self.sched.start_next(now).map_or(0.0, |s| s.id as f64)
    }

    /// Whether `startNext` would return a job.
    #[wasm_bindgen(js_name = canStart)]
    pub fn can_start(&self) -> bool {
        self.sched.can_start()
    }

    /// Records job `id`'s outcome (`failed`: it threw or rejected) at time `now`, then, when
    /// `claim_next`, starts the next job. One call per job on the hot path, so two answers
    /// share the reply:
    /// `r >= 0`: the outcome was accepted and `r` is the next job started (0: none);
    /// `r < 0`: the outcome was ignored (the job had timed out or been cancelled) and
    /// `-r - 1` is the next job started (0: none).
    /// An accepted failure of a job pushed with retries may not settle it: then the getter
    /// `retried` is true and the job waits for its retry (see `pushRetrying`).
    pub fn finish(&mut self, id: f64, failed: bool, claim_next: bool, now: f64) -> f64 {
        let outcome = if failed { Err(Fail::Thrown(())) } else { Ok(()) };
        let settled = to_id(id).map(|id| self.sched.finish_at(id, outcome, now));
        self.reply(settled, claim_next, now)
    }

    /// The timer entry point: does everything due at `now` (see `nextDeadline`) and returns
    /// the ids of the running jobs that timed out, earliest deadline first: `id` for a job now
    /// failed with `ERR_TIMEOUT`, `-id` for a job whose timed-out attempt counts as failed and
    /// that waits for a retry (only jobs pushed with retries). Retries that became due and a
    /// rate-limit window that ended make jobs startable (`canStart`); records past their TTL
    /// are dropped (`takeEvicted`).
    pub fn expire(&mut self, now: f64) -> Vec<f64> {
        let timed_out = self.sched.expire_attempts(now);
        timed_out
            .into_iter()
            .map(|t| if t.will_retry { -(t.id as f64) } else { t.id as f64 })
            .collect()
    }

    /// When the host must call `expire` next, or `Infinity`: the earliest of a running job's
    /// deadline, a retry becoming due, the oldest record's TTL end and, while the rate limit
    /// holds back a waiting job, the end of the window.
    #[wasm_bindgen(getter, js_name = nextDeadline)]
    pub fn next_deadline(&mut self) -> f64 {
        self.sched.next_deadline().unwrap_or(f64::INFINITY)
    }

    /// Fails a waiting or running job (abort, cancel): 1 if it was waiting, 2 if running,
    /// 0 if it had finished or is unknown (then nothing changes).
    pub fn cancel(&mut self, id: f64) -> u32 {
        match to_id(id).and_then(|id| self.sched.cancel(id, ())) {
            Some(Status::Pending) => 1,
            Some(Status::Running) => 2,
            _ => 0,
        }
    }

    /// 0: unknown or gone; 1 pending; 2 running; 3 succeeded; 4 failed.
    pub fn status(&self, id: f64) -> u32 {
        match to_id(id).and_then(|id| self.sched.status(id)) {
            None => 0,
            Some(Status::Pending) => 1,
            Some(Status::Running) => 2,
            Some(Status::Succeeded) => 3,
            Some(Status::Failed) => 4,
        }
    }

    /// Go `Fetch`: 0 = succeeded, 1 = failed with the value JS keeps (record now deleted:
    /// JS releases it), or a negative error code (`ERR_NOT_FOUND`, `ERR_PENDING`, …, or the
    /// job's own `ERR_QUEUE_CLOSED` / `ERR_TIMEOUT` failure, record deleted).
    pub fn result(&mut self, id: f64) -> i32 {
        let Some(id) = to_id(id) else {
            return if self.sched.config().track {
                err(ErrorCode::NotFound)
            } else {
                err(ErrorCode::NotImplemented)
            };
        };
        match self.sched.result(id) {
            Ok(()) => 0,
            Err(Lookup::Failed(fail)) => outcome_code(&Err(fail)),
            Err(Lookup::Code(code)) => err(code),
        }
    }

    /// A finished job's record without deleting it: as `result`, or `ERR_NOT_FOUND`.
    pub fn peek(&self, id: f64) -> i32 {
        match to_id(id).and_then(|id| self.sched.peek(id)) {
            Some(outcome) => outcome_code(outcome),
            None => err(ErrorCode::NotFound),
        }
    }

    /// Go `Clear`: deletes finished records; returns their ids.
    pub fn clear(&mut self) -> Vec<f64> {
        ids_to_js(self.sched.clear())
    }

    /// Ids whose records `maxRecords` or the record TTL dropped since the last call.
    #[wasm_bindgen(js_name = takeEvicted)]
    pub fn take_evicted(&mut self) -> Vec<f64> {
        ids_to_js(self.sched.take_evicted())
    }

    /// Whether `takeEvicted` has something.
    #[wasm_bindgen(getter, js_name = hasEvicted)]
    pub fn has_evicted(&self) -> bool {
        self.sched.has_evicted()
    }

    /// Jobs waiting, jobs waiting for a retry included.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.sched.waiting() as f64
    }

    /// Jobs running.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> f64 {
        self.sched.running() as f64
    }

    /// Nothing waiting and nothing running.
    #[wasm_bindgen(getter, js_name = isIdle)]
    pub fn is_idle(&self) -> bool {
        self.sched.is_idle()
    }

    /// The id the next push will get.
    #[wasm_bindgen(getter, js_name = nextId)]
    pub fn next_id(&self) -> f64 {
        self.sched.next_id() as f64
    }

    /// The lowest id that may still have a state: JS may forget everything below it.
    #[wasm_bindgen(getter)]
    pub fn base(&self) -> f64 {
        self.sched.oldest_live_id() as f64
    }

    /// Holds back or lets go new starts.
    #[wasm_bindgen(js_name = setPaused)]
    pub fn set_paused(&mut self, paused: bool) {
        self.sched.set_paused(paused);
    }

    /// The concurrency limit (`Infinity`: none).
    #[wasm_bindgen(getter)]
    pub fn concurrency(&self) -> f64 {
        self.sched.concurrency().map_or(f64::INFINITY, f64::from)
    }

    /// Sets the concurrency limit (`Infinity`: none; JS checks it is an integer >= 1).
    #[wasm_bindgen(js_name = setConcurrency)]
    pub fn set_concurrency(&mut self, limit: f64) {
        self.sched.set_concurrency(limit_from_js(limit).map(|n| (n as u32).max(1)));
    }

    /// Gives a waiting job a new priority (not NaN); false when it is not waiting.
    #[wasm_bindgen(js_name = setPriority)]
    pub fn set_priority(&mut self, id: f64, priority: f64) -> bool {
        !priority.is_nan() && to_id(id).is_some_and(|id| self.sched.set_priority(id, priority))
    }
}

impl CoreHandle {
    /// The shared reply of `finish` and `finishAttempt`; notes whether the job will retry.
    fn reply(&mut self, settled: Option<Settled<()>>, claim_next: bool, now: f64) -> f64 {
        self.retried = matches!(settled, Some(Settled::Retrying(_)));
        let ignored = matches!(settled, None | Some(Settled::Ignored(_)));
        let next = if claim_next { self.start_next(now) } else { 0.0 };
        if ignored {
            -next - 1.0
        } else {
            next
        }
    }
}
