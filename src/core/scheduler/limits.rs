//! Queue-wide limits kept in time: how long finished records live (`record_ttl`) and how many
//! jobs may start per window (`RateLimit`). Both are off by default and cost a job nothing then.

use super::{earliest, Scheduler};
use crate::core::config::RateLimit;
use crate::core::job_table::Slot;

impl<J, V> Scheduler<J, V> {
    /// Drops each finished record `ttl` ms after it finished (at `expire(now)` with
    /// `now >= finished + ttl`). `None`, or a value that is not finite and > 0, keeps records
    /// until read. Set it before jobs finish: a record is timed from when it finished, and only
    /// records finished while a TTL or a record cap is set carry that time.
    pub fn set_record_ttl(&mut self, ttl: Option<f64>) {
        self.record_ttl = ttl.filter(|t| t.is_finite() && *t > 0.0);
    }

    /// The record TTL in force.
    pub fn record_ttl(&self) -> Option<f64> {
        self.record_ttl
    }

    /// Caps starts per window of time (see [`RateLimit`]); `None` lifts the cap. The window in
    /// progress keeps its end and its count.
    pub fn set_rate_limit(&mut self, limit: Option<RateLimit>) {
        self.rate = limit;
    }

    /// The rate limit in force.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate
    }

    /// Whether the host must pass real times (`start_next`, `finish_at`, `expire`): a queue
    /// timeout, a record TTL or a rate limit is set, or a job was pushed with its own finite
    /// timeout or with retries that may wait. While false, any constant time (0) will do.
    pub fn needs_clock(&self) -> bool {
        self.config.timeout.is_some()
            || self.record_ttl.is_some()
            || self.rate.is_some()
            || self.clock_used
    }

    /// Tells the scheduler the time without doing anything due: calls that take no time
    /// (`finish`, `cancel`, `stop`) use the latest time told. Times never go back.
    pub fn advance(&mut self, now: f64) {
        self.observe(now);
    }

    /// Finished records are timed: kept in finish order for a cap or a TTL.
    pub(super) fn keeps_finish_order(&self) -> bool {
        self.config.max_records.is_some() || self.record_ttl.is_some()
    }

    /// Whether the current window has room for a start at the latest time: a start at
    /// exactly the window's end opens the next window.
    pub(super) fn window_allows(&self, rate: RateLimit) -> bool {
        self.now >= self.window_end || self.window_starts < rate.cap
    }

    /// Counts a start in the current window, opening a new one when it has ended.
    pub(super) fn count_start(&mut self, rate: RateLimit) {
        if self.now >= self.window_end {
            self.window_end = self.now + rate.interval;
            self.window_starts = 0;
        }
        self.window_starts += 1;
    }

    /// Drops the records that finished `ttl` ms or more before the latest time.
    pub(super) fn drop_old_records(&mut self, ttl: f64) {
        let mut dropped = false;
        while let Some(&(at, id)) = self.finish_order.front() {
            let live = matches!(self.table.get(id), Some(Slot::Done(_)));
            if live && at + ttl > self.now {
                break;
            }
            self.finish_order.pop_front();
            if live {
                self.evict(id);
                dropped = true;
            }
        }
        if dropped {
            self.table.trim();
        }
    }

    /// The earliest time a limit needs the host's timer: the oldest record's TTL end, or the
    /// end of a full window while a job waits to start.
    pub(super) fn next_limit_due(&mut self) -> Option<f64> {
        let mut next = None;
        if let Some(ttl) = self.record_ttl {
            while let Some(&(at, id)) = self.finish_order.front() {
                if matches!(self.table.get(id), Some(Slot::Done(_))) {
                    next = Some(at + ttl);
                    break;
                }
                self.finish_order.pop_front(); // read or cleared already
            }
        }
        if let Some(rate) = self.rate {
            if self.waiting > 0 && !self.window_allows(rate) {
                next = earliest(next, Some(self.window_end));
            }
        }
        next
    }
}
