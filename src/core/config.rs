//! Queue configuration: the Go-style mode flags and the checked options they map to.

use super::error::ErrorCode;

/// Run jobs one at a time, in push order (Go `gorqs.SyncMode`).
pub const SYNC_MODE: u32 = 1;
/// Run jobs as soon as they are picked, interleaved (Go `gorqs.AsyncMode`).
pub const ASYNC_MODE: u32 = 2;
/// Keep each job's outcome for lookup by id (Go `gorqs.TrackJobs`).
pub const TRACK_JOBS: u32 = 4;

/// How a queue behaves. Built from flags ([`Config::from_flags`]) or field by field by the
/// binding, which checks JS option values before they get here.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Most jobs running at once; `None` means no limit (async mode). Never `Some(0)`.
    pub concurrency: Option<u32>,
    /// Keep finished jobs' outcomes until read (`TrackJobs`).
    pub track: bool,
    /// Default per-job timeout in ms; `None` means none.
    pub timeout: Option<f64>,
    /// Most finished records kept; the earliest finished are dropped first. `None`: no cap.
    pub max_records: Option<usize>,
}

/// A cap on job starts: at most `cap` starts in any window of `interval` ms.
///
/// Windows are not aligned to a grid: a window opens at the first start at or after the end of
/// the previous one and spans `[opened, opened + interval)`, so a start at exactly
/// `opened + interval` opens the next window. Every start counts, retries included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Window length in ms, finite and > 0.
    pub interval: f64,
    /// Most starts per window, >= 1.
    pub cap: u32,
}

impl RateLimit {
    /// A checked limit: `None` when `interval` is not finite and > 0 or `cap` is 0.
    pub fn new(interval: f64, cap: u32) -> Option<RateLimit> {
        (interval.is_finite() && interval > 0.0 && cap >= 1).then_some(RateLimit { interval, cap })
    }
}

impl Default for Config {
    /// Sync mode, no tracking, no timeout, no record cap: `new Queue()`.
    fn default() -> Self {
        Config { concurrency: Some(1), track: false, timeout: None, max_records: None }
    }
}

impl Config {
    /// Reads Go-style flags: `AsyncMode` wins over `SyncMode`, no mode bit means sync.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidMode`] when `flags` is not a non-negative integer (`1.5`, `-1`,
    /// `NaN`), [`ErrorCode::UnknownMode`] when it holds a bit other than the three known ones.
    pub fn from_flags(flags: f64) -> Result<Config, ErrorCode> {
        // Integers up to 2^53 are exact in f64; anything above has unknown bits anyway.
        if !flags.is_finite() || flags < 0.0 || flags.fract() != 0.0 {
            return Err(ErrorCode::InvalidMode);
        }
        let known = f64::from(SYNC_MODE | ASYNC_MODE | TRACK_JOBS);
        if flags > known {
            return Err(ErrorCode::UnknownMode);
        }
        // In range 0..=7, so the cast is exact.
        let bits = flags as u32;
        Ok(Config {
            concurrency: if bits & ASYNC_MODE != 0 { None } else { Some(1) },
            track: bits & TRACK_JOBS != 0,
            ..Config::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_pick_mode_and_tracking() {
        assert_eq!(Config::from_flags(0.0).unwrap(), Config::default());
        assert_eq!(Config::from_flags(1.0).unwrap().concurrency, Some(1));
        assert_eq!(Config::from_flags(2.0).unwrap().concurrency, None);
        // Async wins when both mode bits are set, as in Go.
        assert_eq!(Config::from_flags(3.0).unwrap().concurrency, None);
        let c = Config::from_flags(5.0).unwrap();
        assert!(c.track);
        assert_eq!(c.concurrency, Some(1));
        assert!(!Config::from_flags(2.0).unwrap().track);
    }

    #[test]
    fn rate_limits_are_checked() {
        assert_eq!(RateLimit::new(100.0, 2), Some(RateLimit { interval: 100.0, cap: 2 }));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(RateLimit::new(bad, 1), None, "{bad}");
        }
        assert_eq!(RateLimit::new(100.0, 0), None);
    }

    #[test]
    fn bad_flags_are_rejected() {
        for bad in [1.5, -1.0, f64::NAN, f64::INFINITY, -0.5] {
            assert_eq!(Config::from_flags(bad), Err(ErrorCode::InvalidMode), "{bad}");
        }
        for unknown in [8.0, 9.0, 16.0, 1024.0, 2f64.powi(53)] {
            assert_eq!(Config::from_flags(unknown), Err(ErrorCode::UnknownMode), "{unknown}");
        }
    }
}
