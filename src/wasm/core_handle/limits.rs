//! Queue-wide timed limits across the boundary: record TTL, rate limit, and whether the host
//! must pass real times.

use wasm_bindgen::prelude::*;

use super::{limit_from_js, CoreHandle};
use crate::core::RateLimit;

#[wasm_bindgen(js_class = Core)]
impl CoreHandle {
    /// Drops each finished record `ttl` ms after it finished (ids in `takeEvicted`, at the
    /// `expire` call at or after that time). `Infinity` (or any value not finite and > 0):
    /// records stay until read. Set it before the first push.
    #[wasm_bindgen(js_name = setRecordTtl)]
    pub fn set_record_ttl(&mut self, ttl: f64) {
        self.sched.set_record_ttl(limit_from_js(ttl));
    }

    /// At most `cap` starts per window of `interval` ms; a window opens at the first start
    /// after the previous one ended, and a start at exactly its end opens the next. An
    /// `interval` not finite and > 0, or a `cap` below 1, lifts the limit. `cap` is truncated
    /// into 1..=2^32-1.
    #[wasm_bindgen(js_name = setRateLimit)]
    pub fn set_rate_limit(&mut self, interval: f64, cap: f64) {
        // A saturating cast: NaN and negatives become 0, which `RateLimit::new` refuses.
        self.sched.set_rate_limit(RateLimit::new(interval, cap as u32));
    }

    /// Whether the host must pass real times to `startNext`, `finish`, `finishAttempt` and
    /// `claim`: a queue timeout, record TTL or rate limit is set, or a job was pushed with its
    /// own timeout or with retries that wait. Read it again after such a push. While false,
    /// passing 0 costs nothing.
    #[wasm_bindgen(getter, js_name = needsClock)]
    pub fn needs_clock(&self) -> bool {
        self.sched.needs_clock()
    }

    /// Tells the core the time without doing anything due, for calls that take none
    /// (`cancel`, `stop`: the time their records finished, for the TTL).
    pub fn advance(&mut self, now: f64) {
        self.sched.advance(now);
    }
}
