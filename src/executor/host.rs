//! What the executor needs from the world it runs in: the [`Host`] trait.
//!
//! The wasm build plugs in the JS host (`crate::wasm::js_host`): runners are JS values, the
//! clock is `performance.now()`, a yield is a macrotask. Native tests plug in a fake host
//! that records what was asked and lets the test settle promises, fire timers and run
//! microtasks in any order (`tests/executor_*.rs`).
//!
//! Every call that can run user code (a runner, a thenable's `then`, a backoff function, an
//! event listener, an abort listener) is made by the executor with none of its state
//! borrowed, so that code may call back into the queue.

use crate::core::{ErrorCode, JobId};

/// How a call of a runner (or the settlement of a followed thenable) ended, as the host
/// classified it. The value itself waits in the host until [`Host::take_value`] asks for it:
/// most jobs' values are never needed (tracking off, nobody listening), and fetching one is a
/// boundary crossing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ran {
    /// Returned (or fulfilled with) a plain value.
    Value,
    /// Threw (or rejected with) a value.
    Threw,
    /// Returned (or fulfilled with) a thenable: [`Host::follow`] watches it.
    Thenable,
}

/// An event the queue fires (API.md, "Observing").
#[derive(Debug)]
pub enum Event<'a, V> {
    /// Job `id` started.
    Active(JobId),
    /// Job `id` succeeded with this value.
    Completed(JobId, &'a V),
    /// Job `id` failed with this error.
    Failed(JobId, &'a V),
    /// Nothing waits any more.
    Empty,
    /// Nothing waits and nothing runs.
    Idle,
}

/// Bits for the event types, by name.
pub mod events {
    /// `active`
    pub const ACTIVE: u8 = 1;
    /// `completed`
    pub const COMPLETED: u8 = 2;
    /// `failed`
    pub const FAILED: u8 = 4;
    /// `empty`
    pub const EMPTY: u8 = 8;
    /// `idle`
    pub const IDLE: u8 = 16;

    /// The bit of an event type name; 0 for a type the queue never fires.
    pub fn bit_of(name: &str) -> u8 {
        match name {
            "active" => ACTIVE,
            "completed" => COMPLETED,
            "failed" => FAILED,
            "empty" => EMPTY,
            "idle" => IDLE,
            _ => 0,
        }
    }
}

/// The executor's view of its host. Callbacks go the other way through the executor's
/// methods: the host calls [`Executor::drive`](super::Executor::drive) for a scheduled
/// microtask, [`Executor::resume`](super::Executor::resume) for a yield's macrotask,
/// [`Executor::settle`](super::Executor::settle) when a followed thenable settles,
/// [`Executor::on_timer`](super::Executor::on_timer) when the timer fires and
/// [`Executor::signal_aborted`](super::Executor::signal_aborted) when a watched signal aborts.
pub trait Host {
    /// A job's runner (a JS object with `run()`, or a function).
    type Runner: Clone;
    /// A JS value: a job's result, an error, an abort reason, a signal.
    type Value: Clone;
    /// A value as a finished job's record keeps it, which may be cheaper than a `Value` (the
    /// JS host keeps an int32 inline, with no externref: a record then takes 12 bytes).
    type Kept: Clone;
    /// An abort controller made for a job that read its `ctx.signal`.
    type Controller: Clone;
    /// A listener registered on a signal given to `push` or `start`, kept to remove it.
    type Listener;

    /// Calls job `id`'s runner with its context (`attempt`: 1 for the first try) and
    /// classifies the outcome. Never throws: a throw is [`Ran::Threw`]. `keep`: the job may
    /// run again (it has retries), so a host that stores runners itself keeps this one until
    /// [`release`](Self::release); otherwise the call is the runner's last use.
    fn call(&self, runner: &Self::Runner, id: JobId, attempt: u32, keep: bool) -> Ran;

    /// Runs jobs `first`, `first + 1`, … one after another, each as [`call`](Self::call)
    /// would its first try (the runner's last use), at most `n`, while each returns a plain
    /// value and the executor does not [`cut_run`](Self::cut_run) the run; returns how many
    /// ran and how the last one ended. The executor asks for `n` > 1 only for FIFO jobs
    /// waiting in id order whose values nobody but their records and waiters hears of (no
    /// listener): jobs a JS host can start without a crossing each. The host settles the
    /// waiters of each job of the run before the one it ends on itself, as
    /// [`wake`](super::Promises::wake) would. `runner` is `first`'s. A
    /// host that does not store runners itself runs `first` alone (the default).
    ///
    /// With `park` (a serial queue), a run that ends on a thenable stays open, **parked** on
    /// that job: when the thenable fulfils with a plain value the host goes on with the run's
    /// next jobs itself, with no call into the executor per job, and calls `settle` only for
    /// the job the run ends on (its last, or one that threw); a thenable parks it again. The
    /// executor, entered meanwhile, cuts the run as during the call. (A host that never goes
    /// on, as the default, settles the parked job as any other.)
    ///
    /// With `spread` > 0 (an async queue with that many free slots, `first`'s counted), the run
    /// is **async**: it goes on past a job returning a thenable while a slot is free, and one
    /// that ends on a thenable stays open. Then, as any running job's thenable fulfils with a
    /// plain value (all are plain), the host keeps the settlement for the executor
    /// ([`take_settled`](Self::take_settled)), settles its waiters, and starts the run's next
    /// jobs in the slot it freed, with no call into the executor; it calls `settle` for the job
    /// the run ends on (its last started that returned a value, one that threw, a tracked value
    /// it cannot keep) and, once the run's jobs have all started, for every settlement. The
    /// jobs of the run before its last that returned a value are kept settlements too (not
    /// values for [`take_run_values`](Self::take_run_values)). The executor,
    /// entered meanwhile, cuts the run: [`cut_run`](Self::cut_run) gives the last job started.
    ///
    /// With `track`, the host keeps the value of each job of the run before the one it ends
    /// on (a JS host: while it is an int32; any other value ends the run on its job), for
    /// [`take_run_values`](Self::take_run_values).
    fn run_from(&self, runner: &Self::Runner, first: JobId, n: u32, park: bool, track: bool, spread: u32) -> (u32, Ran) {
        let _ = (n, park, track, spread);
        (1, self.call(runner, first, 1, false))
    }
    /// Appends to `into` the jobs of an async run (see [`run_from`](Self::run_from)) whose
    /// settlements the host kept since the executor last caught up, in the order they settled,
    /// each with its value when `track` (else any value, never read), and forgets them. (None
    /// by default.)
    fn take_settled(&self, track: bool, into: &mut Vec<(JobId, Self::Kept)>) {
        let _ = (track, into);
    }
    /// Appends to `into`, in id order, the values the host kept for the jobs of a tracked run
    /// that it ran since the executor last caught up, and forgets them. (A host running one
    /// job per run keeps none: the default.)
    fn take_run_values(&self, into: &mut Vec<Self::Kept>) {
        let _ = into;
    }
    /// The executor was entered (a method of the queue, a callback) during a run of
    /// [`run_from`](Self::run_from), or while it is parked, that the executor last saw at job
    /// `first`: the run ends after the job running now, whose id this returns, so that the
    /// executor sees every job of the run as it is. (An async run: the last job it started.)
    fn cut_run(&self, first: JobId) -> JobId {
        first
    }

    // ---- pushes taken by the host itself (the JS host's push fast path) -------------------
    // The JS host keeps the runners in a JS array keyed by job id, and, while the executor has
    // opened its inbox, takes plain pushes (no options) there without a boundary crossing:
    // `push` returns the next id at once. The executor takes them over ("absorbs") at its
    // next entry, before it reads or changes any state, so no decision is made on a state
    // that misses them. The defaults are a host that takes no pushes and stores no runners.

    /// From now on the host may take plain pushes itself, the first with id `next`. Until the
    /// next entry closes the inbox, nothing else changes: the jobs `first..next` pushed by the
    /// entry that opens it are pending, as are those the host takes. A host may register
    /// `wait`s on all of them itself (see [`took_waits`](Self::took_waits)).
    fn open_inbox(&self, first: JobId, next: JobId) {
        let _ = (first, next);
    }
    /// Whether the inbox is open (pushes may wait there): checked at every borrow of the
    /// executor's state, so it is one load, with no crossing.
    fn inbox_open(&self) -> bool {
        false
    }
    /// Closes the open inbox and says how many pushes the host took since it opened, the
    /// first of them with id `first`.
    fn take_pushed(&self, first: JobId) -> u64 {
        let _ = first;
        0
    }
    /// Whether the host registered waits (see [`Promises::waiter`](super::Promises::waiter))
    /// itself on pending jobs while its inbox was open; asked after each
    /// [`take_pushed`](Self::take_pushed). They settle as any other, by `wake`.
    fn took_waits(&self) -> bool {
        false
    }
    /// The runner of the next job taken by the host, in id order (asked `take_pushed` times).
    fn pushed_runner(&self) -> Self::Runner;
    /// Job `id` will never run (again): a host storing runners drops its runner (a waiting
    /// job cancelled or dropped by `stop`, a job with retries that settled for good).
    fn release(&self, id: JobId) {
        let _ = id;
    }
    /// Every stored runner goes (the queue was freed).
    fn release_all(&self) {}
    /// The value of the last [`call`](Self::call) or [`settle`](super::Executor::settle)
    /// classification, taken out of the host (at most once per classification).
    fn take_value(&self) -> Self::Value;
    /// [`take_value`](Self::take_value) as a finished job's record keeps it: a host may skip
    /// making a [`Value`](Self::Value) at all (the JS host keeps an int32 inline).
    fn take_kept(&self) -> Self::Kept {
        self.keep(self.take_value())
    }
    /// `value` as a record keeps it.
    fn keep(&self, value: Self::Value) -> Self::Kept;
    /// A kept value, back as a value.
    fn unkeep(&self, kept: Self::Kept) -> Self::Value;
    /// Follows the thenable the last classification found: when it settles, the host calls
    /// `settle(id, attempt, ran)` (possibly from inside this call). Never throws: a `then`
    /// that throws settles as [`Ran::Threw`]. A host may follow a thenable as soon as it
    /// classifies it (the JS host does, sparing a crossing): this then does nothing. The
    /// executor calls it at once after the classification, deciding nothing in between.
    fn follow(&self, id: JobId, attempt: u32);

    /// Milliseconds on a monotonic clock.
    fn now(&self) -> f64;
    /// Arms one microtask that calls `drive()`; the executor asks at most once per drive.
    fn schedule(&self);
    /// Arms one macrotask (after timers, I/O and rendering) that calls `resume()`.
    fn yield_slice(&self);
    /// Keeps the host's one timer at time `at` (same clock as [`now`](Self::now)), or none.
    /// Replaces whatever was armed.
    fn set_timer(&self, at: Option<f64>);

    /// Fires an event at the queue's listeners.
    fn emit(&self, event: Event<'_, Self::Value>);
    /// A `QueueError` with this code.
    fn error(&self, code: ErrorCode) -> Self::Value;
    /// The reason `cancel(id)` gives when the caller gives none (an `AbortError`).
    fn abort_error(&self) -> Self::Value;

    /// A new controller (for a job reading `ctx.signal`).
    fn new_controller(&self) -> Self::Controller;
    /// Aborts a controller with `reason` (runs the signal's listeners).
    fn abort(&self, controller: &Self::Controller, reason: &Self::Value);
    /// A controller's signal.
    fn signal_of(&self, controller: &Self::Controller) -> Self::Value;

    /// Whether `signal` is already aborted, and its reason.
    ///
    /// # Errors
    /// What reading the signal threw (a hostile signal-like object).
    fn aborted(&self, signal: &Self::Value) -> Result<Option<Self::Value>, Self::Value>;
    /// Listens for `signal`'s abort: the host then calls `signal_aborted(key, reason)`.
    /// `key` is a job id, or 0 for the signal given to `start`.
    ///
    /// # Errors
    /// What the signal's `addEventListener` threw.
    fn listen(&self, signal: &Self::Value, key: JobId) -> Result<Self::Listener, Self::Value>;
    /// Removes a listener made by [`listen`](Self::listen). Never throws.
    fn unlisten(&self, signal: &Self::Value, listener: Self::Listener);

    /// The queue has work to finish (`true`: jobs waiting to run on an open queue, or jobs
    /// running) or none any more. The JS host keeps the executor alive meanwhile, so a queue
    /// whose JS object was dropped still runs its jobs, and an idle one is collected.
    fn hold(&self, busy: bool) {
        let _ = busy;
    }

    /// Calls a user's backoff function with the attempt that failed; `None` when it threw or
    /// returned something that is not a number of ms ≥ 0 (the job then retries at once).
    fn backoff(&self, function: &Self::Value, attempt: u32) -> Option<f64>;
}
