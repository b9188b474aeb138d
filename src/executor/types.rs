//! The executor's public types: options in, errors and snapshots out, and how the host makes
//! promises of the queue's waiters. Re-exported by `executor`.

use futures::channel::oneshot;

use super::{Host, Ran};
use crate::core::{Backoff, ErrorCode, JobId, RateLimit};

/// What a promise handed out by the queue settles with: fulfilled or rejected with a value.
pub type Settlement<V> = Result<V, V>;

/// What `wait`, `onIdle`, `stop`, … hand out: the receiving end of a oneshot, turned into the
/// host's promise by [`Promises::promise`].
pub type Waiter<V> = oneshot::Receiver<Settlement<V>>;

/// How the host turns a waiter into the promise users get, and says "undefined".
pub trait Promises: Host {
    /// A promise (or a test's handle) for a oneshot receiver. A dropped sender (the queue was
    /// freed) leaves it pending.
    type Promise: Clone;
    /// The promise for `rx`.
    fn promise(&self, rx: Waiter<Self::Value>) -> Self::Promise;
    /// A promise for job `id`'s outcome (what `wait(id)` hands out for a job pending or
    /// running), settled by [`wake`](Self::wake). The host keeps what settles it, keyed by
    /// `id`; calls for the same id may share one promise. Runs no user code. (A oneshot's
    /// [`promise`](Self::promise) costs a channel, a task and a microtask hop more; a promise
    /// whose resolve functions the executor held as externrefs cost their making and a
    /// wrapper per call: S6, a `wait` per job, ~870 ns per job in Node 24 before.)
    fn waiter(&self, id: JobId) -> Self::Promise;
    /// Settles job `id`'s waiters with `settlement`, if any (those of [`waiter`](Self::waiter)
    /// and those the host registered itself, see [`Host::took_waits`]); whether the host
    /// still holds waiters of any job. Runs no user code (the JS host resolves with an object a microtask later:
    /// resolving reads its `then`), so the state may be borrowed.
    fn wake(&self, id: JobId, settlement: Settlement<Self::Value>) -> bool;
    /// [`wake`](Self::wake) with the outcome of the call or settlement just classified,
    /// `ran` (a value or a throw), before its value is taken: the host still holds it.
    fn wake_held(&self, id: JobId, ran: Ran) -> bool;
    /// JS `undefined`: what `onIdle()`, `stop()` and `start()` resolve with.
    fn undefined(&self) -> Self::Value;
}

/// Per-job options, checked by the binding.
#[derive(Clone, Debug, Default)]
pub struct JobOptions<V> {
    /// Higher starts first; FIFO among equals. Never NaN.
    pub priority: f64,
    /// The job's own timeout (ms, > 0); `None`: the queue's.
    pub timeout: Option<f64>,
    /// Aborting it removes (or fails) the job.
    pub signal: Option<V>,
    /// Tries after the first.
    pub retries: u32,
    /// The wait before each retry.
    pub backoff: BackoffOption<V>,
}

/// A job's backoff: the core's fixed or exponential one, or a user's function.
#[derive(Clone, Debug)]
pub enum BackoffOption<V> {
    /// Computed by the core.
    Core(Backoff),
    /// A user's function of the attempt that failed, returning ms.
    Function(V),
}

impl<V> Default for BackoffOption<V> {
    fn default() -> Self {
        BackoffOption::Core(Backoff::default())
    }
}

/// Queue-wide settings beyond the core's [`Config`](crate::core::Config).
#[derive(Clone, Debug, Default)]
pub struct Limits {
    /// Finished records are dropped this long after finishing (ms).
    pub record_ttl: Option<f64>,
    /// At most `cap` starts per `interval` ms.
    pub rate: Option<RateLimit>,
    /// Seed of the retry jitter (the binding draws it from `Math.random`).
    pub jitter_seed: Option<u64>,
}

/// Why a push was refused. Nothing was queued and no id used.
#[derive(Debug)]
pub enum PushError<V> {
    /// The queue is not running.
    Closed,
    /// The job's signal was already aborted: this is its reason.
    Aborted(V),
    /// The signal's `addEventListener` threw this.
    Signal(V),
    /// The queue was freed.
    Freed,
}

/// Why `result(id)` gave no value.
#[derive(Debug)]
pub enum ResultError<V> {
    /// A gorqs error (not implemented, not found, pending, running).
    Code(ErrorCode),
    /// The job failed with this error (its record is now deleted).
    Failed(V),
    /// The queue was freed.
    Freed,
}

/// A snapshot of a queue's state (`queue.stats()` in JS), for monitoring and debugging.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Open (Go `IsRunning`).
    pub is_running: bool,
    /// `pause()` in force.
    pub is_paused: bool,
    // Counts are JS numbers (f64): exact far beyond any queue's size, and serde-wasm-bindgen's
    // u64 path would bring its range-error formatting into the module (measured +2 KB).
    /// Jobs waiting to start (those waiting for a retry included).
    pub size: f64,
    /// Of those, jobs waiting out a retry delay.
    pub retrying: f64,
    /// Jobs running.
    pub running: f64,
    /// Finished records kept (tracking on).
    pub records: f64,
    /// Jobs pushed since the queue was made: the last id given.
    pub pushed: f64,
    /// Most jobs running at once; `None` (JS `null`): no limit.
    pub concurrency: Option<f64>,
}

/// As a map of its camelCase field names (a serializer that makes maps plain objects gives the
/// same object as a derived struct). By hand, as a map: serde-wasm-bindgen's struct path caches
/// each field name's JS string in a table of its own, which cost the module 2.6 KB.
impl serde::Serialize for Stats {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(8))?;
        map.serialize_entry("isRunning", &self.is_running)?;
        map.serialize_entry("isPaused", &self.is_paused)?;
        map.serialize_entry("size", &self.size)?;
        map.serialize_entry("retrying", &self.retrying)?;
        map.serialize_entry("running", &self.running)?;
        map.serialize_entry("records", &self.records)?;
        map.serialize_entry("pushed", &self.pushed)?;
        map.serialize_entry("concurrency", &self.concurrency)?;
        map.end()
    }
}

/// The queue was freed; every call but `free` says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freed;
