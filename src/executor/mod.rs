//! The executor: runs the jobs the scheduler hands out, on a single-threaded host.
//!
//! [`Executor`] is the whole `Queue` minus the JS boundary: it owns the [`Scheduler`] (the
//! waiting runners, the running jobs, the outcomes), the run loop, time slicing, timeouts,
//! retries and their backoff, the waiters and the events. It talks to the world only through a
//! [`Host`]: the wasm build's JS host, or a native test's fake one.
//!
//! # The run loop
//! The loop is a hand-written future: [`drive`](Executor::drive) is its poll, and the host
//! wakes it by calling back (a microtask after a push, a macrotask after a spent slice, a
//! thenable's settlement, the timer). A poll starts every job that may start now, one after
//! another in the same call: a backlog of synchronous jobs drains with no task hop per job, a
//! promise job's settlement finishes it and goes on from there at once. Measured (S2, ns/job,
//! in the executor's design study, kept outside the repository): an `async fn` loop on
//! wasm-bindgen-futures' task queue with a `JsFuture` per job 2,759; the same loop with a lean
//! shim 567; this explicit continuation 187. So the loop is written out, on the crates'
//! primitives where they are not on the per-job path (oneshot waiters, promises for them).
//!
//! # Re-entrancy
//! Every method takes `&self`. State lives in one `RefCell`, and no borrow is held while
//! user code runs (see [`Host`]): a job may call any method, `free()` included, from inside
//! its `run()`. A loop already on the stack picks up what the job pushed.
//!
//! # Time slices
//! A poll runs jobs for at most [`SLICE_MS`], then yields a macrotask so timers, input and
//! rendering go on. The clock is read every `stride` jobs, the stride adapted so that reads
//! come about every [`CHECK_MS`] of work.

mod extras;
mod host;
mod observe;
mod push;
mod run_loop;
mod signals;
mod types;

use rustc_hash::FxHashMap as HashMap;
use std::cell::{RefCell, RefMut};

use futures::channel::oneshot;

pub use host::{events, Event, Host, Ran};
pub use types::{
    BackoffOption, Freed, JobOptions, Limits, Promises, PushError, ResultError, Settlement, Stats,
    Waiter,
};

use crate::core::{Config, ErrorCode, Fail, JobId, Lookup, Scheduler, Status};
use extras::Extras;
use observe::{Watch, Watcher};

/// Longest stretch of synchronous work before yielding to the event loop (ms). With clock
/// reads every ~[`CHECK_MS`] and a job's own time on top, a slice ends by ~6 ms: the longest
/// gap between timer turns during a drain stays under one frame (16 ms) even on a loaded
/// machine (measured: with 8 ms slices Node showed 14–22 ms gaps while another process used
/// the second core; README "Responsiveness").
pub const SLICE_MS: f64 = 5.0;
/// Aim for a clock read about this often (ms of job time).
pub const CHECK_MS: f64 = 1.0;
/// Most jobs between two clock reads.
const MAX_STRIDE: u32 = 512;

/// One queue: the scheduler and everything that runs it. See the module docs.
pub struct Executor<H: Promises> {
    host: H,
    state: RefCell<State<H>>,
}

/// The whole mutable state of a queue.
struct State<H: Promises> {
    /// Ids, waiting order, runners, running jobs, outcomes. Emptied by `free`.
    sched: Scheduler<H::Runner, H::Kept>,
    /// `free()` was called: every method but `free` fails with [`Freed`].
    freed: bool,

    // ---- the run loop
    /// A microtask is armed that will call `drive`.
    scheduled: bool,
    /// The run loop is on the stack: settlements and pushes only record, it goes on.
    draining: bool,
    /// The slice is spent and a macrotask will start the next: no job starts until then.
    spent: bool,
    /// The next drive starts a new slice (work arrived at a queue with nothing running).
    fresh: bool,
    /// A run of [`Host::run_from`] is on the stack or parked, last seen at this job (which
    /// the state says is running): how far it went is known once it returns or ends, or when
    /// an entry cuts it ([`on_entry`](Self::on_entry)). `run_end`: the id after its last job.
    run_first: Option<JobId>,
    run_end: JobId,
    /// The run is async (see [`Host::run_from`]'s `spread`): the jobs after `run_first` that
    /// the host started are running, or settled as `gone` says.
    run_async: bool,
    /// The settlements an async run's host kept, as it handed them over (kept between runs).
    gone: Vec<(JobId, H::Kept)>,
    /// The values a tracked run's jobs returned, as the host handed them over (kept between
    /// runs: no allocation per run).
    run_values: Vec<H::Kept>,
    /// The most jobs the next run may have: doubled after a run that reached its end, else
    /// one more than the last ran. (Counting the jobs waiting behind a run's first walks
    /// their slots: given the whole stride each time, serial promise jobs, each ending its
    /// run, measured 2.5x slower per job in Node 24.)
    run_len: u32,
    /// The current slice ends at this time.
    slice_end: f64,
    /// Jobs since the last clock read, and how many between reads.
    count: u32,
    stride: u32,
    last_check: f64,
    /// Some feature needs real times (`Scheduler::needs_clock`): only then is the clock read
    /// as jobs start and finish.
    timed: bool,
    /// When the host's timer is armed for; `None`: not armed.
    timer_at: Option<f64>,
    /// What the host was last told by `hold`.
    held: bool,

    // ---- observing
    /// Bits of [`events`] with listeners (sticky: removing a listener keeps its bit).
    listening: u8,
    /// Waiters on the queue's state (`onIdle`, `onEmpty`, `onSizeLessThan`, `stop`).
    watchers: Vec<Watcher<H::Value>>,
    /// The host may hold `wait(id)` promises (see [`Promises::waiter`]): true from a `wait`
    /// until the host says it holds none. The host alone knows which jobs they wait for;
    /// while this is false, no outcome is offered to it.
    waits: bool,
    /// `empty` / `idle` fired since the queue last had waiting / any jobs.
    empty_fired: bool,
    idle_fired: bool,
    /// The promise `start()` handed out while open, and its settle end.
    start_promise: Option<H::Promise>,
    start_tx: Option<oneshot::Sender<Settlement<H::Value>>>,

    // ---- signals and retries (empty on the plain path)
    /// Per-job waiters, abort state, push signals, backoff functions (see `extras`).
    extras: HashMap<JobId, Extras<H>>,
    /// The signal given to `start`, while open.
    start_signal: Option<(H::Value, H::Listener)>,
}

impl<H: Promises> Executor<H> {
    /// The run the host is making reached job `at`, running now (see [`Host::run_from`]):
    /// the state catches up (the jobs before it are done, recorded with the values the host
    /// kept when tracking is on, and count against the slice). The run stays open (parked on
    /// `at`) with `keep`.
    fn catch_up(&self, s: &mut State<H>, at: JobId, keep: bool) {
        if s.run_async {
            self.catch_up_async(s, at);
            return;
        }
        let Some(first) = s.run_first.take() else { return };
        // Far below 2^32 jobs: a run is at most a stride.
        let ran = u32::try_from(at.saturating_sub(first).saturating_add(1)).unwrap_or(u32::MAX);
        if ran > 1 && s.sched.config().track {
            self.host.take_run_values(&mut s.run_values);
        }
        let mut values = s.run_values.drain(..);
        s.sched.advance_plain_run(first, ran, || values.next());
        s.count = s.count.saturating_add(ran - 1);
        if keep {
            s.run_first = Some(at);
        } else {
            s.run_len = if at.saturating_add(1) >= s.run_end {
                s.run_len.saturating_mul(2)
            } else {
                ran.saturating_add(1)
            };
        }
    }
}

impl<H: Promises> Executor<H> {
    /// The async run the host is making started jobs up to `at` (see [`Host::run_from`]'s
    /// `spread`): they run, but for those whose settlements the host kept, recorded here in
    /// the order they settled (their waiters heard of them from the host). The run ends;
    /// whether it was still open (not caught up before).
    fn catch_up_async(&self, s: &mut State<H>, at: JobId) -> bool {
        let Some(known) = s.run_first.take() else { return false };
        s.run_async = false;
        if at > known {
            s.sched.start_plain_through(known + 1, at);
            // Far below 2^32 jobs: a run is at most a stride.
            let started = u32::try_from(at - known).unwrap_or(u32::MAX);
            s.count = s.count.saturating_add(started);
        }
        if at + 1 >= s.run_end {
            s.run_len = s.run_len.saturating_mul(2);
        }
        let mut gone = std::mem::take(&mut s.gone);
        self.host.take_settled(s.sched.config().track, &mut gone);
        for (id, kept) in gone.drain(..) {
            s.sched.finish_plain(id, || Ok(kept));
        }
        s.gone = gone;
        true
    }
}

impl<H: Promises> Executor<H> {
    /// A stopped queue.
    pub fn new(config: Config, limits: Limits, host: H) -> Self {
        let mut sched = Scheduler::new(config);
        sched.set_record_ttl(limits.record_ttl);
        sched.set_rate_limit(limits.rate);
        if let Some(seed) = limits.jitter_seed {
            sched.seed_jitter(seed);
        }
        let timed = sched.needs_clock();
        let state = State {
            sched,
            freed: false,
            scheduled: false,
            draining: false,
            spent: false,
            fresh: false,
            run_first: None,
            run_async: false,
            gone: Vec::new(),
            run_end: 0,
            run_values: Vec::new(),
            run_len: 2,
            slice_end: f64::NEG_INFINITY,
            count: 0,
            stride: 1,
            last_check: f64::NEG_INFINITY,
            timed,
            timer_at: None,
            held: false,
            listening: 0,
            watchers: Vec::new(),
            waits: false,
            empty_fired: true,
            idle_fired: true,
            start_promise: None,
            start_tx: None,
            extras: HashMap::default(),
            start_signal: None,
        };
        Executor {
            host,
            state: RefCell::new(state),
        }
    }

    /// The host (for the binding's own calls).
    pub fn host(&self) -> &H {
        &self.host
    }

    /// The state, after absorbing the pushes the host took itself since the last entry (see
    /// [`Host::take_pushed`]). Every read and change of the state goes through here, so no
    /// decision is made on a state that misses a job already given an id.
    // Inlined at every borrow, with the absorbing out of line: measured natively, a `state()`
    // that inlined `absorb` cost 5–20 ns per job (S1–S4) against a plain borrow.
    #[inline(always)]
    fn state(&self) -> RefMut<'_, State<H>> {
        let mut s = self.state.borrow_mut();
        // (One branch and call site for both: a second one at each of the ~60 borrows
        // measured +0.15 KB gzip.)
        if self.host.inbox_open() | s.run_first.is_some() {
            self.on_entry(&mut s);
        }
        s
    }

    /// What an entry does first, before anyone reads or changes the state: takes over the
    /// pushes the host took itself, and ends a run of jobs the host is making (see
    /// [`Host::run_from`]) after the job running now.
    #[cold]
    #[inline(never)]
    fn on_entry(&self, s: &mut State<H>) {
        self.absorb(s);
        if let Some(first) = s.run_first {
            let at = self.host.cut_run(first);
            self.catch_up(s, at, false);
        }
    }

    /// Borrows the state of a live queue.
    fn live(&self) -> Result<RefMut<'_, State<H>>, Freed> {
        let s = self.state();
        if s.freed {
            Err(Freed)
        } else {
            Ok(s)
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------

    /// Opens the queue (Go `Start`). The promise resolves when the queue stops, rejects with
    /// `signal`'s reason when it aborts. While open: the same promise, `signal` ignored.
    ///
    /// # Errors
    /// [`Freed`]. An already aborted signal is a rejected promise, not an error.
    pub fn start(&self, signal: Option<H::Value>) -> Result<H::Promise, Freed> {
        if let Some(p) = &self.live()?.start_promise {
            return Ok(p.clone());
        }
        // With nothing borrowed: a signal's `aborted` getter may be user code.
        if let Some(sig) = &signal {
            if let Ok(Some(reason)) | Err(reason) = self.host.aborted(sig) {
                return Ok(self.settled_promise(Err(reason)));
            }
        }
        // Listening first, with nothing borrowed: the signal's addEventListener is user code.
        let listener = match &signal {
            Some(sig) => match self.host.listen(sig, 0) {
                Ok(l) => Some(l),
                Err(e) => return Ok(self.settled_promise(Err(e))),
            },
            None => None,
        };
        let mut s = self.live()?;
        if let Some(p) = &s.start_promise {
            // Started from inside the signal's addEventListener.
            let p = p.clone();
            drop(s);
            if let (Some(sig), Some(l)) = (signal, listener) {
                self.host.unlisten(&sig, l);
            }
            return Ok(p);
        }
        s.sched.start();
        let (tx, rx) = oneshot::channel();
        let promise = self.host.promise(rx);
        s.start_tx = Some(tx);
        s.start_promise = Some(promise.clone());
        s.start_signal = signal.zip(listener);
        s.fresh = true;
        self.schedule(&mut s);
        Ok(promise)
    }

    /// Closes the queue (Go `Stop`): later pushes fail, waiting jobs fail with
    /// `ERR_QUEUE_CLOSED`, running jobs go on. The promise resolves once none is running.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn stop(&self) -> Result<H::Promise, Freed> {
        let open = self.live()?.sched.is_open();
        if open {
            self.close(None);
        }
        self.watch(Watch::NoneRunning)
    }

    /// Whether the queue is open (Go `IsRunning`).
    ///
    /// # Errors
    /// [`Freed`].
    pub fn is_running(&self) -> Result<bool, Freed> {
        Ok(self.live()?.sched.is_open())
    }

    /// Holds back new starts (`true`) or lets them go again.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn set_paused(&self, paused: bool) -> Result<(), Freed> {
        let mut s = self.live()?;
        s.sched.set_paused(paused);
        if !paused {
            self.schedule(&mut s);
        }
        Ok(())
    }

    /// Whether starts are held back.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn is_paused(&self) -> Result<bool, Freed> {
        Ok(self.live()?.sched.is_paused())
    }

    /// The concurrency limit (`None`: no limit).
    ///
    /// # Errors
    /// [`Freed`].
    pub fn concurrency(&self) -> Result<Option<u32>, Freed> {
        Ok(self.live()?.sched.concurrency())
    }

    /// Changes the concurrency limit; raising it starts jobs.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn set_concurrency(&self, limit: Option<u32>) -> Result<(), Freed> {
        let mut s = self.live()?;
        s.sched.set_concurrency(limit);
        self.schedule(&mut s);
        Ok(())
    }

    /// Stops the queue as `stop()` does and releases everything it holds; every later call
    /// fails with [`Freed`]. Waiters on the queue's state resolve; a second call does nothing.
    pub fn free(&self) {
        if self.state().freed {
            return;
        }
        if self.state().sched.is_open() {
            self.close(None);
        }
        let (watchers, signals, start_signal) = {
            let mut s = self.state();
            s.freed = true;
            self.update_hold(&mut s);
            if s.timer_at.take().is_some() {
                self.host.set_timer(None);
            }
            // Dropping the scheduler drops every runner and outcome it held.
            s.sched = Scheduler::new(Config::default());
            self.host.release_all();
            // (Waiters of running jobs stay, with the host: their outcomes still come, see
            // `finish_freed`.)
            let signals: Vec<_> = s.extras.drain().filter_map(|(_, e)| e.push_signal).collect();
            s.start_promise = None;
            s.start_tx = None;
            (
                std::mem::take(&mut s.watchers),
                signals,
                s.start_signal.take(),
            )
        };
        for (signal, listener) in signals.into_iter().chain(start_signal) {
            self.host.unlisten(&signal, listener);
        }
        // Nothing will change any more: whoever waits for the queue to stop or idle is done.
        for w in watchers {
            let _ = w.tx.send(Ok(self.host.undefined()));
        }
    }

    /// Whether `free()` was called.
    pub fn is_freed(&self) -> bool {
        self.state().freed
    }

    // ---- jobs --------------------------------------------------------------------------

    /// Fails a waiting or running job with `reason` (`None`: an `AbortError`): a waiting job
    /// leaves the queue, a running one frees its slot and its late outcome is ignored.
    /// Returns false when the job had finished or is unknown.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn cancel(&self, id: JobId, reason: Option<H::Value>) -> Result<bool, Freed> {
        self.live()?;
        let reason = reason.unwrap_or_else(|| self.host.abort_error());
        Ok(self.cancel_job(id, reason))
    }

    /// Gives a waiting job a new priority; false when it is not waiting.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn set_priority(&self, id: JobId, priority: f64) -> Result<bool, Freed> {
        Ok(self.live()?.sched.set_priority(id, priority))
    }

    // ---- tracking ----------------------------------------------------------------------

    /// Go `Fetch`: a finished job's value, deleting its record.
    ///
    /// # Errors
    /// [`ResultError`]: a gorqs code, the job's own error, or freed.
    pub fn result(&self, id: JobId) -> Result<H::Value, ResultError<H::Value>> {
        let mut s = self.live().map_err(|_| ResultError::Freed)?;
        let r = s.sched.result(id);
        if s.timed {
            self.arm_timer(&mut s); // its TTL deadline may be gone
        }
        drop(s);
        r.map(|kept| self.host.unkeep(kept)).map_err(|e| match e {
            Lookup::Code(code) => ResultError::Code(code),
            Lookup::Failed(fail) => ResultError::Failed(self.fail_value(fail)),
        })
    }

    /// [`result`](Self::result) of a job whose record holds a value that `take` accepts:
    /// that value, the record gone; `None` (nothing changed) for anything else, or a freed
    /// queue.
    pub fn take_result_if(&self, id: JobId, take: impl FnOnce(&H::Kept) -> bool) -> Option<H::Kept> {
        let mut s = self.live().ok()?;
        let kept = s.sched.take_result_if(id, |outcome| matches!(outcome, Ok(kept) if take(kept)))?.ok();
        if s.timed {
            self.arm_timer(&mut s); // its TTL deadline may be gone
        }
        kept
    }

    /// Where job `id` is; never deletes.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn status(&self, id: JobId) -> Result<Option<Status>, Freed> {
        Ok(self.live()?.sched.status(id))
    }

    /// Settles with job `id`'s outcome once it finishes; at once for a finished tracked job
    /// (record kept); rejects `ERR_NOT_FOUND` for an unknown id.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn wait(&self, id: JobId) -> Result<H::Promise, Freed> {
        let mut s = self.live()?;
        if matches!(s.sched.status(id), Some(Status::Pending | Status::Running)) {
            // (`waiter` runs no user code: the state may stay borrowed.)
            s.waits = true;
            return Ok(self.host.waiter(id));
        }
        drop(s);
        let now = self.settled_outcome(id)?;
        Ok(self.settled_promise(now))
    }

    /// What `wait(id)` of a job no longer pending or running settles with: its record, or
    /// `ERR_NOT_FOUND`.
    fn settled_outcome(&self, id: JobId) -> Result<Settlement<H::Value>, Freed> {
        let s = self.live()?;
        Ok(match s.sched.peek(id) {
            Some(Ok(v)) => Ok(self.host.unkeep(v.clone())),
            Some(Err(fail)) => Err(self.fail_value(fail.clone())),
            None => Err(self.host.error(ErrorCode::NotFound)),
        })
    }

    /// Go `Clear`: deletes every finished record; pending and running jobs keep theirs.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn clear(&self) -> Result<(), Freed> {
        let mut s = self.live()?;
        s.sched.clear();
        if s.timed {
            self.arm_timer(&mut s); // records' TTL deadlines may be gone
        }
        Ok(())
    }

    /// A snapshot of the queue's state.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn stats(&self) -> Result<Stats, Freed> {
        let s = self.live()?;
        let q = &s.sched;
        // Counts and ids are far below 2^53: exact as f64.
        Ok(Stats {
            is_running: q.is_open(),
            is_paused: q.is_paused(),
            size: q.waiting() as f64,
            retrying: q.delayed() as f64,
            running: q.running() as f64,
            records: q.records() as f64,
            pushed: (q.next_id() - 1) as f64,
            concurrency: q.concurrency().map(f64::from),
        })
    }

    /// Whether finished jobs are recorded.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn tracks(&self) -> Result<bool, Freed> {
        Ok(self.live()?.sched.config().track)
    }

    // ---- observing ---------------------------------------------------------------------

    /// Jobs waiting to start (those waiting for a retry included).
    ///
    /// # Errors
    /// [`Freed`].
    pub fn size(&self) -> Result<usize, Freed> {
        Ok(self.live()?.sched.waiting())
    }

    /// Jobs running.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn running(&self) -> Result<usize, Freed> {
        Ok(self.live()?.sched.running())
    }

    /// Resolves when nothing waits and nothing runs (at once if so already).
    ///
    /// # Errors
    /// [`Freed`].
    pub fn on_idle(&self) -> Result<H::Promise, Freed> {
        self.watch(Watch::Idle)
    }

    /// Resolves when nothing waits (at once if so already).
    ///
    /// # Errors
    /// [`Freed`].
    pub fn on_empty(&self) -> Result<H::Promise, Freed> {
        self.watch(Watch::Empty)
    }

    /// Resolves when fewer than `limit` jobs wait (at once if so already).
    ///
    /// # Errors
    /// [`Freed`].
    pub fn on_size_less_than(&self, limit: f64) -> Result<H::Promise, Freed> {
        self.watch(Watch::SizeBelow(limit))
    }

    /// A listener for event type `bit` (see [`events`]) was added: from now on the queue
    /// fires it. Jobs that start meanwhile see the new listener from their next step on.
    ///
    /// # Errors
    /// [`Freed`].
    pub fn listen(&self, bit: u8) -> Result<(), Freed> {
        self.live()?.listening |= bit;
        Ok(())
    }

    // ---- helpers shared by the submodules ------------------------------------------------

    /// The value a failure settles with: the thrown value, or a `QueueError`.
    fn fail_value(&self, fail: Fail<H::Kept>) -> H::Value {
        match fail {
            Fail::Thrown(v) => self.host.unkeep(v),
            Fail::Closed => self.host.error(ErrorCode::QueueClosed),
            Fail::Timeout => self.host.error(ErrorCode::Timeout),
        }
    }

    /// A promise settled at once.
    fn settled_promise(&self, settlement: Settlement<H::Value>) -> H::Promise {
        let (tx, rx) = oneshot::channel();
        let _ = tx.send(settlement);
        self.host.promise(rx)
    }
}
