//! The scheduling core: plain Rust, no JS types, no clock, no I/O.
//!
//! [`Scheduler`] is the whole queue as a state machine; the executor (`crate::executor`) and the
//! native tests drive it with explicit calls, so any interleaving of pushes, starts and
//! outcomes can be played and checked.

mod backoff;
mod config;
mod error;
mod job_table;
mod pending;
mod scheduler;

pub use backoff::{Backoff, RetryPolicy, MAX_RETRY_DELAY};
pub use config::{Config, RateLimit, ASYNC_MODE, SYNC_MODE, TRACK_JOBS};
pub use error::ErrorCode;
pub use job_table::{Fail, JobId, Outcome, Status};
pub use scheduler::{Lookup, PushOptions, Scheduler, Settled, Started, TimedOut};
