//! Retries across the boundary: push with a retry policy, learn that a failed attempt will be
//! retried, hand over a host-computed delay, read a job's attempt number.
//!
//! A host using no retries calls none of this and pays nothing. The JS flow for a job pushed
//! with `pushRetrying`:
//! - at each start, `attempt(id)` is its `JobContext.attempt` (1, 2, …);
//! - its outcome goes through `finishAttempt(id, attempt, …)`, so a late outcome of an earlier,
//!   timed-out attempt is ignored; after an accepted failure, `retried` says whether the job
//!   waits for a retry (keep its runner, settle nothing) or failed for good;
//! - `expire` lists a timed-out attempt that will be retried as `-id`;
//! - with `backoffKind` 2 (host), the host computes the delay for the attempt that failed and
//!   calls `setRetryDelay(id, ms)`; until then the job waits;
//! - then it arms its timer at `nextDeadline` again: the retry is due there.

use wasm_bindgen::prelude::*;

use super::{to_id, CoreHandle};
use crate::core::{Backoff, Fail, PushOptions, RetryPolicy};

#[wasm_bindgen(js_class = Core)]
impl CoreHandle {
    /// Adds a job with retries: `priority` and `timeout` as for `pushWith`; `retries`: attempts
    /// after the first (an integer >= 0; 0 is a plain push); `backoffKind`: 0 fixed (`delay`
    /// ms before every retry), 1 exponential (`delay * 2^(n-1)` ms after attempt `n`), 2 host
    /// (`setRetryDelay`; `delay` and `jitter` unused); `jitter` in [0, 1]: each wait is
    /// multiplied by `1 - jitter * u`, `u` uniform in [0, 1). Its id, or 0 when closed.
    ///
    /// JS checks the values first; here a bad one is read on the safe side: `retries`
    /// truncated into 0..=2^32-1 (NaN: 0), an unknown kind as fixed, `delay` NaN or negative
    /// as 0 and above 2^31-1 ms as that, `jitter` clamped into [0, 1] (NaN: 0).
    #[wasm_bindgen(js_name = pushRetrying)]
    pub fn push_retrying(
        &mut self,
        priority: f64,
        timeout: f64,
        retries: f64,
        backoff_kind: u32,
        delay: f64,
        jitter: f64,
    ) -> f64 {
        let priority = if priority.is_nan() { 0.0 } else { priority };
        let timeout = if timeout.is_nan() { None } else { Some(timeout) };
        let backoff = match backoff_kind {
            1 => Backoff::Exponential { delay, jitter },
            2 => Backoff::Host,
            _ => Backoff::Fixed { delay, jitter },
        };
        // A saturating cast: NaN and negatives become 0, fractions are cut.
        let policy = RetryPolicy { retries: retries as u32, backoff };
        let opts = PushOptions { priority, timeout };
        self.sched.push_retrying((), opts, policy).map_or(0.0, |id| id as f64)
    }

    /// `finish` for attempt `attempt` of job `id` (the number `attempt(id)` gave at its start),
    /// same reply: an outcome of another attempt is ignored (`r < 0`).
    #[wasm_bindgen(js_name = finishAttempt)]
    pub fn finish_attempt(
        &mut self,
        id: f64,
        attempt: u32,
        failed: bool,
        claim_next: bool,
        now: f64,
    ) -> f64 {
        let outcome = if failed { Err(Fail::Thrown(())) } else { Ok(()) };
        let settled = to_id(id).map(|id| self.sched.finish_attempt(id, attempt, outcome, now));
        self.reply(settled, claim_next, now)
    }

    /// Whether the last `finish` / `finishAttempt` accepted a failure without settling the job:
    /// it waits for a retry (status pending, same id) and will start again.
    #[wasm_bindgen(getter)]
    pub fn retried(&self) -> bool {
        self.retried
    }

    /// Sets when job `id`, waiting for a retry, may start again: `delay` ms after its failed
    /// attempt (the host's backoff; it replaces a computed one). False when the job is not
    /// waiting for a retry or `delay` is NaN or negative.
    #[wasm_bindgen(js_name = setRetryDelay)]
    pub fn set_retry_delay(&mut self, id: f64, delay: f64) -> bool {
        to_id(id).is_some_and(|id| self.sched.set_retry_delay(id, delay))
    }

    /// Job `id`'s attempt number: the one running, or the next while it waits (1 until an
    /// attempt fails); 0 once it has settled or for an unknown id.
    pub fn attempt(&self, id: f64) -> u32 {
        to_id(id).and_then(|id| self.sched.attempt(id)).unwrap_or(0)
    }

    /// Seeds the generator of retry jitter (any number; e.g. `Math.random()`), so queues do
    /// not retry in step. Without it every queue draws the same sequence.
    #[wasm_bindgen(js_name = seedJitter)]
    pub fn seed_jitter(&mut self, seed: f64) {
        self.sched.seed_jitter(seed.to_bits());
    }
}
