//! Retry policies: how many more times a failed job runs, and how long it waits before each.
//!
//! [`Backoff::delay`] is a pure function of the attempt that failed and a random number the
//! caller draws, so every delay can be checked exactly. The scheduler draws that number from a
//! `fastrand` generator the host seeds ([`Scheduler::seed_jitter`](super::Scheduler::seed_jitter)).

/// Longest wait before a retry, in ms: the largest delay `setTimeout` honours (2^31 - 1 ms,
/// about 24.8 days; a longer one fires at once). Doubling delays stop growing here, so a job
/// always becomes due and the host's timer never overflows.
pub const MAX_RETRY_DELAY: f64 = 2_147_483_647.0;

/// How long a job waits after a failed attempt before it may start again.
///
/// `delay` is in ms; `jitter` in `[0, 1]` scales each wait by a random factor
/// `1 - jitter * u`, `u` uniform in `[0, 1)`: the wait lies in `[delay * (1 - jitter), delay]`
/// (the low end only by rounding), never above the nominal one. Out-of-range values are read on the safe side: a `delay` that is
/// NaN or negative is 0, one above [`MAX_RETRY_DELAY`] is that; a `jitter` that is NaN or
/// negative is 0, one above 1 is 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backoff {
    /// The same wait after every failed attempt.
    Fixed {
        /// Wait in ms.
        delay: f64,
        /// Random share taken off each wait, in `[0, 1]`.
        jitter: f64,
    },
    /// `delay * 2^(n - 1)` after attempt `n` failed (1 for the first run): `delay`, `2 delay`,
    /// `4 delay`, … up to [`MAX_RETRY_DELAY`], then jitter.
    Exponential {
        /// Wait in ms after the first failed attempt.
        delay: f64,
        /// Random share taken off each wait, in `[0, 1]`.
        jitter: f64,
    },
    /// The host computes each wait (a JS `backoff` function of the attempt number) and hands it
    /// over with [`Scheduler::set_retry_delay`](super::Scheduler::set_retry_delay); the job
    /// waits until it does.
    Host,
}

impl Default for Backoff {
    /// Retry at once: `Fixed { delay: 0, jitter: 0 }`.
    fn default() -> Self {
        Backoff::Fixed { delay: 0.0, jitter: 0.0 }
    }
}

/// A job's retries: after a failed attempt with retries left it waits, then runs again.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RetryPolicy {
    /// Attempts after the first: a job runs at most `retries + 1` times.
    pub retries: u32,
    /// The wait before each retry.
    pub backoff: Backoff,
}

impl RetryPolicy {
    /// Whether attempt `attempt` (1 for the first run) may be followed by another one.
    pub fn retries_after(&self, attempt: u32) -> bool {
        attempt <= self.retries
    }
}

impl Backoff {
    /// The wait in ms after attempt `attempt` (1 for the first run) failed, given `unit`, a
    /// random number in `[0, 1)` (read as 0 when NaN or negative, just below 1 when 1 or
    /// more). `None` for [`Backoff::Host`]: the host says. Always finite, in
    /// `0..=MAX_RETRY_DELAY`.
    ///
    /// # Examples
    /// ```
    /// use gorqs::core::Backoff;
    /// let b = Backoff::Exponential { delay: 100.0, jitter: 0.5 };
    /// assert_eq!(b.delay(1, 0.0), Some(100.0));
    /// assert_eq!(b.delay(3, 0.0), Some(400.0));
    /// assert_eq!(b.delay(3, 0.5), Some(300.0)); // 400 * (1 - 0.5 * 0.5)
    /// ```
    pub fn delay(&self, attempt: u32, unit: f64) -> Option<f64> {
        let (base, jitter) = match *self {
            Backoff::Fixed { delay, jitter } => (clean_delay(delay), jitter),
            Backoff::Exponential { delay, jitter } => {
                // 2^64 already carries any delay >= 1e-10 ms past the cap; `powi` stays finite.
                let doublings = attempt.saturating_sub(1).min(64) as i32;
                (clean_delay(clean_delay(delay) * 2f64.powi(doublings)), jitter)
            }
            Backoff::Host => return None,
        };
        Some(base * (1.0 - clean_unit(jitter, 1.0) * clean_unit(unit, ONE_BELOW)))
    }

    /// Whether a wait may be longer than zero: the host must then pass real times.
    pub fn may_wait(&self) -> bool {
        match *self {
            Backoff::Fixed { delay, .. } | Backoff::Exponential { delay, .. } => delay > 0.0,
            Backoff::Host => true,
        }
    }

    /// Whether [`Backoff::delay`] reads its random number.
    pub fn has_jitter(&self) -> bool {
        match *self {
            Backoff::Fixed { jitter, .. } | Backoff::Exponential { jitter, .. } => jitter > 0.0,
            Backoff::Host => false,
        }
    }
}

/// The largest f64 below 1.
const ONE_BELOW: f64 = 1.0 - f64::EPSILON / 2.0;

fn clean_delay(ms: f64) -> f64 {
    // NaN fails `> 0.0` and becomes 0; `min` turns +Infinity into the cap.
    if ms > 0.0 {
        ms.min(MAX_RETRY_DELAY)
    } else {
        0.0
    }
}

fn clean_unit(x: f64, top: f64) -> f64 {
    if x > 0.0 {
        x.min(top)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_waits_the_same_after_every_attempt() {
        let b = Backoff::Fixed { delay: 250.0, jitter: 0.0 };
        for attempt in [1, 2, 3, 10, u32::MAX] {
            assert_eq!(b.delay(attempt, 0.9), Some(250.0), "attempt {attempt}");
        }
    }

    #[test]
    fn exponential_doubles_from_the_first_failed_attempt() {
        let b = Backoff::Exponential { delay: 100.0, jitter: 0.0 };
        let got: Vec<_> = (1..=5).map(|n| b.delay(n, 0.3).unwrap()).collect();
        assert_eq!(got, [100.0, 200.0, 400.0, 800.0, 1600.0]);
        // Attempt 0 is not a real attempt; read as the first.
        assert_eq!(b.delay(0, 0.0), Some(100.0));
    }

    #[test]
    fn exponential_stops_at_the_cap() {
        let b = Backoff::Exponential { delay: 1000.0, jitter: 0.0 };
        // 1000 * 2^21 = 2_097_152_000 < cap < 1000 * 2^22.
        assert_eq!(b.delay(22, 0.0), Some(2_097_152_000.0));
        assert_eq!(b.delay(23, 0.0), Some(MAX_RETRY_DELAY));
        assert_eq!(b.delay(u32::MAX, 0.0), Some(MAX_RETRY_DELAY));
        let tiny = Backoff::Exponential { delay: f64::MIN_POSITIVE, jitter: 0.0 };
        assert!(tiny.delay(u32::MAX, 0.0).unwrap().is_finite());
    }

    #[test]
    fn jitter_takes_a_random_share_off_the_wait() {
        let b = Backoff::Fixed { delay: 1000.0, jitter: 0.2 };
        assert_eq!(b.delay(1, 0.0), Some(1000.0));
        assert_eq!(b.delay(1, 0.5), Some(900.0));
        let low = b.delay(1, ONE_BELOW).unwrap();
        assert!((800.0..800.000_001).contains(&low), "{low}");
        let e = Backoff::Exponential { delay: 100.0, jitter: 1.0 };
        assert_eq!(e.delay(3, 0.25), Some(300.0));
        assert_eq!(e.delay(3, 0.75), Some(100.0));
    }

    #[test]
    fn bad_numbers_are_read_on_the_safe_side() {
        let d = |delay, jitter, unit| Backoff::Fixed { delay, jitter }.delay(1, unit).unwrap();
        assert_eq!(d(f64::NAN, 0.0, 0.0), 0.0);
        assert_eq!(d(-5.0, 0.0, 0.0), 0.0);
        assert_eq!(d(f64::INFINITY, 0.0, 0.0), MAX_RETRY_DELAY);
        assert_eq!(d(100.0, f64::NAN, 0.5), 100.0);
        assert_eq!(d(100.0, -1.0, 0.5), 100.0);
        assert_eq!(d(100.0, 7.0, 0.5), 50.0);
        assert_eq!(d(100.0, 0.5, f64::NAN), 100.0);
        assert_eq!(d(100.0, 0.5, -3.0), 100.0);
        assert!(d(100.0, 1.0, 2.0) > 0.0, "u is kept below 1");
        let e = Backoff::Exponential { delay: f64::INFINITY, jitter: 0.0 };
        assert_eq!(e.delay(40, 0.0), Some(MAX_RETRY_DELAY));
    }

    #[test]
    fn host_backoff_has_no_delay_of_its_own() {
        assert_eq!(Backoff::Host.delay(1, 0.5), None);
        assert!(Backoff::Host.may_wait());
        assert!(!Backoff::default().may_wait());
        assert!(!Backoff::Host.has_jitter());
    }

    #[test]
    fn retries_count_attempts_after_the_first() {
        let p = RetryPolicy { retries: 2, backoff: Backoff::default() };
        assert!(p.retries_after(1));
        assert!(p.retries_after(2));
        assert!(!p.retries_after(3));
        assert!(!RetryPolicy::default().retries_after(1));
    }
}
