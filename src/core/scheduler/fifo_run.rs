//! Runs: many synchronous jobs started and finished with one call each way.
//!
//! A host that keeps its jobs itself (the wasm binding: `J = ()`) spends most of a backlog of
//! synchronous jobs crossing into the scheduler twice per job. When nothing can reorder or
//! interrupt the next jobs (no priorities, no timeouts, no record cap or TTL, no rate limit),
//! the order in which they would start is simply their id order, so the scheduler can hand out
//! a *run*: the ids of the next waiting jobs, left waiting. The host runs them one after another
//! and reports how many succeeded with [`Scheduler::complete_run`], which settles them as
//! `finish` would have.
//!
//! The contract with the host: between `fifo_run` and `complete_run` it makes no other call,
//! and it runs the jobs in id order, each one only after the previous one succeeded. Anything
//! else (a job that throws or returns a promise, a call from inside a job) ends the run early:
//! the host completes it with the jobs done so far, marking the current one running, and goes
//! on with the ordinary calls.

use super::{Scheduler, Slot};
use crate::core::job_table::JobId;

impl<J, V> Scheduler<J, V> {
    /// Whether the start order of the waiting jobs is their id order and nothing but the
    /// host's outcomes can change it: a run may be handed out.
    fn runs_allowed(&self) -> bool {
        self.can_start()
            && self.heap.is_empty()
            && self.config.timeout.is_none()
            && self.job_timeouts.is_empty()
            && self.config.max_records.is_none()
            // A run's starts would escape the window count, its records the TTL clock.
            && self.rate.is_none()
            && self.record_ttl.is_none()
            // A job with retries must finish through `finish_attempt`.
            && self.retry.is_empty()
    }

    /// The next run: `(first id, length)` of up to `max` consecutive waiting jobs that would
    /// start one after another, in id order, if each finished at once. They stay waiting
    /// until [`complete_run`](Self::complete_run). Length 0 when no run may be handed out now
    /// (the host uses [`start_next`](Self::start_next) instead).
    pub fn fifo_run(&mut self, max: usize) -> (JobId, usize) {
        if max == 0 || !self.runs_allowed() {
            return (0, 0);
        }
        let first = self.table.next_fifo_waiting(self.cursor);
        self.cursor = first;
        (first, self.table.fifo_waiting_len(first, max))
    }

    /// Settles the first `done` jobs of the run from `first` as succeeded (their values from
    /// `value(id)`), in order, and when `current` marks the job after them running (it threw,
    /// returned a promise, or called into the queue; its outcome comes through `finish`).
    /// Returns how many of the `done` jobs it settled: fewer only when the host broke the
    /// contract (a job not waiting, or not the next in order), which it stops at, unharmed.
    pub fn complete_run(
        &mut self,
        first: JobId,
        done: usize,
        current: bool,
        mut value: impl FnMut(JobId) -> V,
    ) -> usize {
        if first != self.cursor {
            return 0;
        }
        let mut settled = 0;
        if !self.config.track && first == self.table.base() {
            // Nothing to record and nothing before them: the jobs leave the table's front at
            // once (runs exclude retries, so `settle` would do no more than this).
            settled = self.table.pop_front_fifo_waiting(done);
            self.waiting -= settled;
            self.cursor = first + settled as JobId;
            // Their values are asked for, in order, as `settle` would, and forgotten.
            (first..self.cursor).for_each(|id| drop(value(id)));
            self.table.trim();
            if settled < done {
                return settled;
            }
        }
        while settled < done {
            let id = first + settled as JobId;
            if !matches!(self.table.get(id), Some(Slot::Waiting { heaped: false, .. })) {
                return settled;
            }
            self.waiting -= 1;
            self.cursor = id + 1;
            self.settle(id, Ok(value(id)));
            settled += 1;
        }
        if current {
            let id = first + done as JobId;
            if matches!(self.table.get(id), Some(Slot::Waiting { heaped: false, .. })) {
                self.table.replace(id, Slot::Running);
                self.waiting -= 1;
                self.running += 1;
                self.cursor = id + 1;
            }
        }
        settled
    }
}
