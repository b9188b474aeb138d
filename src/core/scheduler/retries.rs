//! Retries: a failed attempt of a job with retries left does not settle it.
//!
//! The job keeps its id and frees its slot at once, then waits (`Slot::Delayed`, status
//! `Pending`) until `failed_at + delay`, where `failed_at` is the time of the call that
//! reported the failure (`finish_at`, or `expire` for a timed-out attempt) and `delay` comes
//! from its [`Backoff`] (or from the host, [`Scheduler::set_retry_delay`]). Then it goes back in
//! line with the priority it last had, behind every job already pushed and ahead of every job
//! pushed later (see `pending::Place`). Only the final failure is recorded.
//!
//! A timed-out attempt counts as a failed one. A cancelled job, or a job failing on a closed
//! queue, is settled for good. Jobs pushed without retries keep no state here, and while no
//! job has any, `retry` is empty and each hot-path check is one `is_empty`.

use super::{Deadline, PushOptions, Scheduler, Settled};
use crate::core::backoff::{RetryPolicy, MAX_RETRY_DELAY};
use crate::core::error::ErrorCode;
use crate::core::job_table::{JobId, Outcome, Slot};

/// The jitter generator's seed until the host gives one.
pub(super) const DEFAULT_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// What the scheduler keeps for a job pushed with retries, until it settles.
#[derive(Debug)]
pub(super) struct RetryState<J> {
    policy: RetryPolicy,
    /// The attempt running, or the one to come while it waits: 1 until the first one fails.
    attempt: u32,
    /// The priority it goes back in line with: the one it started with, or one set while it
    /// waits for its retry.
    priority: f64,
    /// Its own timeout, given again to every attempt.
    timeout: Option<f64>,
    /// When its last attempt failed: the retry delay counts from here.
    failed_at: f64,
    /// When it may start again. `None` unless delayed with a known delay; a `retry_due` entry
    /// with another time is stale.
    due: Option<f64>,
    /// The job for the next attempt (the scheduler hands each attempt its own copy).
    job: J,
    copy: fn(&J) -> J,
}

impl<J: Clone, V> Scheduler<J, V> {
    /// [`push`](Self::push) with retries: after a failed attempt with retries left the job
    /// waits for its delay and runs again under the same id. `policy.retries == 0` is a plain
    /// push. The job is cloned once per attempt.
    ///
    /// # Errors
    /// [`ErrorCode::QueueClosed`] when the queue is not open; nothing is queued and no id used.
    pub fn push_retrying(
        &mut self,
        job: J,
        opts: PushOptions,
        policy: RetryPolicy,
    ) -> Result<JobId, ErrorCode> {
        if policy.retries == 0 {
            return self.push(job, opts);
        }
        let spare = job.clone();
        let id = self.push(job, opts)?;
        self.clock_used |= policy.backoff.may_wait();
        let state = RetryState {
            policy,
            attempt: 1,
            priority: opts.priority,
            timeout: opts.timeout,
            failed_at: self.now,
            due: None,
            job: spare,
            copy: J::clone,
        };
        self.retry.insert(id, state);
        Ok(id)
    }
}

impl<J, V> Scheduler<J, V> {
    /// Seeds the generator that draws retry jitter (`fastrand`, WyRand). The host seeds it
    /// from its own randomness so queues do not retry in step; a fixed seed replays delays.
    pub fn seed_jitter(&mut self, seed: u64) {
        self.jitter = fastrand::Rng::with_seed(seed);
    }

    /// Whether any job pushed with retries has not settled yet. While false every job is on
    /// its first and only attempt, and `finish` does what `finish_attempt` would.
    pub fn has_retries(&self) -> bool {
        !self.retry.is_empty()
    }

    /// Whether job `id` was pushed with retries and has not settled yet (its job is kept for
    /// the next attempt).
    pub fn has_retry(&self, id: JobId) -> bool {
        !self.retry.is_empty() && self.retry.contains_key(&id)
    }

    /// The number of job `id`'s attempt: the one running, or the one to come while it waits
    /// (1 until an attempt fails). `None` once it has settled, or for an unknown id.
    pub fn attempt(&self, id: JobId) -> Option<u32> {
        match self.table.get(id)? {
            Slot::Waiting { .. } | Slot::Running | Slot::Delayed => {
                Some(if self.retry.is_empty() {
                    1
                } else {
                    self.retry.get(&id).map_or(1, |r| r.attempt)
                })
            }
            Slot::Done(_) | Slot::Gone => None,
        }
    }

    /// [`finish_at`](Self::finish_at) for attempt `attempt` of job `id`: an outcome from an
    /// earlier attempt (one that timed out while the job has started again since) is
    /// [`Settled::Ignored`].
    pub fn finish_attempt(
        &mut self,
        id: JobId,
        attempt: u32,
        outcome: Outcome<V>,
        now: f64,
    ) -> Settled<V> {
        if self.attempt(id) != Some(attempt) {
            return Settled::Ignored(outcome);
        }
        self.finish_at(id, outcome, now)
    }

    /// Sets when job `id`, waiting for a retry, may start again: `delay` ms after its failed
    /// attempt (at most [`MAX_RETRY_DELAY`]), replacing any delay its backoff computed. This is
    /// how a host-computed backoff ([`Backoff::Host`](crate::core::Backoff::Host)) arrives; if
    /// that time has passed the job is back in line at once. Returns false (and changes
    /// nothing) when the job is not waiting for a retry or `delay` is NaN or negative.
    pub fn set_retry_delay(&mut self, id: JobId, delay: f64) -> bool {
        if delay.is_nan() || delay < 0.0 || !matches!(self.table.get(id), Some(Slot::Delayed)) {
            return false;
        }
        let Some(state) = self.retry.get_mut(&id) else {
            return false;
        };
        let at = state.failed_at + delay.min(MAX_RETRY_DELAY);
        state.due = Some(at);
        self.retry_due.push(Deadline { at, id });
        if self.retry_due.len() > 2 * self.delayed + 64 {
            let retry = &self.retry;
            self.retry_due
                .retain(|d| retry.get(&d.id).is_some_and(|r| r.due == Some(d.at)));
        }
        if at <= self.now {
            self.promote_due_retries();
        }
        true
    }

    /// An attempt of `id` starts with `priority` (what it goes back in line with).
    pub(super) fn retry_started(&mut self, id: JobId, priority: f64) {
        if let Some(state) = self.retry.get_mut(&id) {
            state.priority = priority;
        }
    }

    /// Attempt of running job `id` failed (its `running` count and deadline already released):
    /// when it has a retry left and the queue is open, makes it wait for it and returns true.
    pub(super) fn retry_after_failure(&mut self, id: JobId) -> bool {
        if !self.open {
            return false;
        }
        let now = self.now;
        let Some(state) = self.retry.get_mut(&id) else {
            return false;
        };
        if !state.policy.retries_after(state.attempt) {
            return false;
        }
        let backoff = state.policy.backoff;
        let unit = if backoff.has_jitter() {
            self.jitter.f64()
        } else {
            0.0
        };
        let due = backoff.delay(state.attempt, unit).map(|delay| now + delay);
        state.attempt = state.attempt.saturating_add(1);
        state.failed_at = now;
        state.due = due;
        self.table.replace(id, Slot::Delayed);
        self.delayed += 1;
        if let Some(at) = due {
            self.retry_due.push(Deadline { at, id });
            if at <= now {
                self.promote_due_retries();
            }
        }
        true
    }

    /// Puts every delayed job due by the latest time back in line, in due order.
    pub(super) fn promote_due_retries(&mut self) {
        while let Some(&top) = self.retry_due.peek() {
            if top.at > self.now {
                break;
            }
            self.retry_due.pop();
            let Some(state) = self.retry.get_mut(&top.id) else {
                continue;
            };
            if state.due != Some(top.at) || !matches!(self.table.get(top.id), Some(Slot::Delayed)) {
                continue; // stale: cancelled, or its delay was set again
            }
            state.due = None;
            let job = (state.copy)(&state.job);
            let (priority, timeout) = (state.priority, state.timeout);
            self.table
                .replace(top.id, Slot::Waiting { job, heaped: true });
            self.delayed -= 1;
            self.waiting += 1;
            let last_id = self.table.end().saturating_sub(1);
            self.heap.push_returning(top.id, priority, last_id);
            if let Some(t) = timeout {
                self.job_timeouts.insert(top.id, t);
            }
        }
    }

    /// When the next delayed job is due, dropping stale entries on the way.
    pub(super) fn next_retry_due(&mut self) -> Option<f64> {
        while let Some(&top) = self.retry_due.peek() {
            let live = matches!(self.table.get(top.id), Some(Slot::Delayed))
                && self
                    .retry
                    .get(&top.id)
                    .is_some_and(|r| r.due == Some(top.at));
            if live {
                return Some(top.at);
            }
            self.retry_due.pop();
        }
        None
    }

    /// `set_priority` for a job waiting for its retry: the priority it goes back in line with.
    pub(super) fn set_delayed_priority(&mut self, id: JobId, priority: f64) -> bool {
        match self.retry.get_mut(&id) {
            Some(state) => {
                state.priority = priority;
                true
            }
            None => false,
        }
    }

    /// The priority a job waiting for its retry goes back in line with.
    pub(super) fn delayed_priority(&self, id: JobId) -> Option<f64> {
        self.retry.get(&id).map(|r| r.priority)
    }
}
