//! A host that only counts what the executor asks of it and stores nothing per job: the
//! per-job tests (`tests/executor_per_job.rs`) count crossings with it, and the native
//! micro-benchmark (`benches/native/per_job.rs`) times the executor's own share of a job.
//! It plays the JS host's push fast path (`js_push`) as host.js does it.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gorqs::core::{Config, ErrorCode, JobId};
use gorqs::executor::{Event, Executor, Host, Limits, Promises, Ran, Settlement, Waiter};

/// A job: returns a value, or a thenable the test settles.
#[derive(Clone, Copy, PartialEq, Default)]
pub enum Kind {
    #[default]
    Value,
    Thenable,
}

/// A host that only counts, and stores nothing per job (the followed thenables go into a
/// list reserved up front).
#[derive(Default)]
pub struct Lean {
    /// Jobs run (each by a `call`, or within a `run_from`).
    pub calls: Cell<u64>,
    /// Values of the jobs of tracked runs not taken yet (`take_run_values`).
    pub run_kept: Cell<u32>,
    /// Settlements kept by async runs (`take_settled`), the last job a run started, and the id
    /// after an open async run's last job (0: none open), as the JS host keeps them.
    pub gone: RefCell<Vec<JobId>>,
    pub run_at: Cell<JobId>,
    pub run_end: Cell<JobId>,
    /// Settlements handed to the executor (`settle` callbacks: a crossing each in the wasm build).
    pub settles: Cell<u64>,
    /// Crossings into the host to run jobs: one per `call`, one per `run_from`.
    pub crossings: Cell<u64>,
    pub takes: Cell<u64>,
    pub follows: RefCell<Vec<(JobId, u32)>>,
    pub followed: Cell<u64>,
    pub nows: Cell<u64>,
    pub schedules: Cell<u64>,
    pub yields: Cell<u64>,
    pub timers: Cell<u64>,
    pub emits: Cell<u64>,
    pub last: Cell<Kind>,
    /// The JS host's push fast path, played (see `js_push`): the next id while the inbox is
    /// open, and the runners taken (reserved up front: no allocation per job).
    pub inbox_next: Cell<Option<JobId>>,
    pub inbox: RefCell<std::collections::VecDeque<Kind>>,
    /// Pushes that crossed into the executor (the JS `push` calling Rust's `pushId`).
    pub push_crossings: Cell<u64>,
    pub closes: Cell<u64>,
    pub releases: Cell<u64>,
    /// `wait` promises' settle ends by job id, and the calls that offered an outcome to them.
    pub waits: RefCell<Vec<(JobId, futures::channel::oneshot::Sender<Settlement<u64>>)>>,
    pub wakes: Cell<u64>,
    /// The first id the open inbox's waits may be on, and whether any was taken (`js_wait`).
    pub inbox_from: Cell<JobId>,
    pub took_waits: Cell<bool>,
}

impl Lean {
    /// A started queue on a lean host, its lists reserved for `n` jobs a round (so that no
    /// allocation is the host's own).
    pub fn queue(concurrency: Option<u32>, track: bool, n: usize) -> Executor<Lean> {
        let config = Config { concurrency, track, ..Config::default() };
        let exec = Executor::new(config, Limits::default(), Lean::default());
        exec.host().follows.borrow_mut().reserve(2 * n);
        exec.host().inbox.borrow_mut().reserve(n);
        exec.host().gone.borrow_mut().reserve(n);
        let _started = exec.start(None);
        exec
    }

    /// A push as the package's JS `push` makes it: on the host's side while the inbox is
    /// open, else a crossing into the executor.
    pub fn js_push(exec: &Executor<Lean>, kind: Kind) -> JobId {
        let h = exec.host();
        if let Some(id) = h.inbox_next.get() {
            h.inbox.borrow_mut().push_back(kind);
            h.inbox_next.set(Some(id + 1));
            return id;
        }
        h.push_crossings.set(h.push_crossings.get() + 1);
        exec.push(kind).unwrap()
    }

    /// A followed thenable of job `id` settled, as the JS host's settle callback takes it:
    /// while an async run is open with jobs left, a value is kept on the host's side (its
    /// waiters told) and the run's next job starts in the slot it freed; anything else is a
    /// `settle` into the executor.
    pub fn settle(exec: &Executor<Lean>, id: JobId, attempt: u32, ran: Ran) {
        let h = exec.host();
        let (at, end) = (h.run_at.get(), h.run_end.get());
        if ran != Ran::Value || end == 0 || at + 1 >= end {
            h.settles.set(h.settles.get() + 1);
            return exec.settle(id, attempt, ran);
        }
        h.gone.borrow_mut().push(id);
        h.settle_waits(id, Ok(7));
        // The next job, of the round's one kind, called by the host: no crossing.
        h.run_at.set(at + 1);
        h.calls.set(h.calls.get() + 1);
        match h.last.get() {
            Kind::Thenable => h.follow(at + 1, 1),
            Kind::Value => {
                // The run ends on it (a host may end it on any job): the executor hears.
                h.run_end.set(0);
                h.settles.set(h.settles.get() + 1);
                exec.settle(at + 1, 1, Ran::Value);
            }
        }
    }
}

impl Lean {
    /// A `wait(id)` as the package's JS `wait` makes it: on the host's side when job `id` is
    /// pending for sure (the open inbox holds it, or the entry that opened it pushed it),
    /// else a crossing into the executor.
    pub fn js_wait(exec: &Executor<Lean>, id: JobId) -> Rc<RefCell<Waiter<u64>>> {
        let h = exec.host();
        match h.inbox_next.get() {
            Some(next) if id >= h.inbox_from.get() && id < next => {
                h.took_waits.set(true);
                h.waiter(id)
            }
            _ => exec.wait(id).unwrap(),
        }
    }

    /// Settles job `id`'s waits; whether any job's are left.
    fn settle_waits(&self, id: JobId, settlement: Settlement<u64>) -> bool {
        let mut waits = self.waits.borrow_mut();
        while let Some(i) = waits.iter().position(|(w, _)| *w == id) {
            let _ = waits.swap_remove(i).1.send(settlement);
        }
        !waits.is_empty()
    }
}

impl Host for Lean {
    type Runner = Kind;
    type Value = u64;
    type Kept = u64;
    type Controller = ();
    type Listener = ();

    fn call(&self, runner: &Kind, _: JobId, _: u32, _: bool) -> Ran {
        self.calls.set(self.calls.get() + 1);
        self.crossings.set(self.crossings.get() + 1);
        self.last.set(*runner);
        match runner {
            Kind::Value => Ran::Value,
            Kind::Thenable => Ran::Thenable,
        }
    }
    /// Runs the run as the JS host does, every job of it taken to be of the first's kind (the
    /// benchmark and the per-job tests push one kind per round): all `n` when they return
    /// values, else the first alone.
    fn run_from(&self, runner: &Kind, first: JobId, n: u32, _park: bool, track: bool, spread: u32) -> (u32, Ran) {
        let ran = self.call(runner, first, 1, false);
        self.run_end.set(0);
        if ran == Ran::Thenable && spread > 0 {
            // An async run: thenables fill the free slots, each followed by the host (the last
            // by the executor's `follow`); it stays open with jobs left.
            let started = n.min(spread);
            self.calls.set(self.calls.get() + u64::from(started) - 1);
            for id in first..first + u64::from(started) - 1 {
                self.follow(id, 1);
            }
            let at = first + u64::from(started) - 1;
            self.run_at.set(at);
            if at + 1 < first + u64::from(n) {
                self.run_end.set(first + u64::from(n));
            }
            return (started, ran);
        }
        let n = if ran == Ran::Value { n.max(1) } else { 1 };
        self.run_at.set(first + u64::from(n) - 1);
        self.calls.set(self.calls.get() + u64::from(n) - 1);
        // The jobs before the last tell their waiters themselves, as the JS host does; in an
        // async run they are settlements the host kept.
        for id in first..first + u64::from(n) - 1 {
            self.settle_waits(id, Ok(7));
            if spread > 0 {
                self.gone.borrow_mut().push(id);
            }
        }
        // (An async run's values go with its kept settlements.)
        if track && spread == 0 {
            self.run_kept.set(self.run_kept.get() + n - 1);
        }
        (n, ran)
    }
    fn take_settled(&self, track: bool, into: &mut Vec<(JobId, u64)>) {
        // The value `take_value` gives, for each job kept.
        let _ = track;
        into.extend(self.gone.borrow_mut().drain(..).map(|id| (id, 7)));
    }
    fn cut_run(&self, _: JobId) -> JobId {
        self.run_end.set(0);
        self.run_at.get()
    }
    fn take_run_values(&self, into: &mut Vec<u64>) {
        // The value `take_value` gives, once per job the run kept one for.
        into.extend(std::iter::repeat(7).take(self.run_kept.take() as usize));
    }
    fn open_inbox(&self, first: JobId, next: JobId) {
        if self.inbox_next.get().is_none() {
            self.inbox_from.set(first);
            self.inbox_next.set(Some(next));
        }
    }
    fn inbox_open(&self) -> bool {
        self.inbox_next.get().is_some()
    }
    fn took_waits(&self) -> bool {
        self.took_waits.take()
    }
    fn take_pushed(&self, _: JobId) -> u64 {
        match self.inbox_next.take() {
            Some(_) => {
                self.closes.set(self.closes.get() + 1);
                self.inbox.borrow().len() as u64
            }
            None => 0,
        }
    }
    fn pushed_runner(&self) -> Kind {
        self.inbox.borrow_mut().pop_front().unwrap_or_default()
    }
    fn release(&self, _: JobId) {
        self.releases.set(self.releases.get() + 1);
    }
    fn keep(&self, value: u64) -> u64 {
        value
    }
    fn unkeep(&self, kept: u64) -> u64 {
        kept
    }
    fn take_value(&self) -> u64 {
        self.takes.set(self.takes.get() + 1);
        7
    }
    fn follow(&self, id: JobId, attempt: u32) {
        self.followed.set(self.followed.get() + 1);
        self.follows.borrow_mut().push((id, attempt));
    }
    fn now(&self) -> f64 {
        self.nows.set(self.nows.get() + 1);
        0.0
    }
    fn schedule(&self) {
        self.schedules.set(self.schedules.get() + 1);
    }
    fn yield_slice(&self) {
        self.yields.set(self.yields.get() + 1);
    }
    fn set_timer(&self, _: Option<f64>) {
        self.timers.set(self.timers.get() + 1);
    }
    fn emit(&self, _: Event<'_, u64>) {
        self.emits.set(self.emits.get() + 1);
    }
    fn error(&self, code: ErrorCode) -> u64 {
        1000 + code as u64
    }
    fn abort_error(&self) -> u64 {
        999
    }
    fn new_controller(&self) {}
    fn abort(&self, _: &(), _: &u64) {}
    fn signal_of(&self, _: &()) -> u64 {
        0
    }
    fn aborted(&self, _: &u64) -> Result<Option<u64>, u64> {
        Ok(None)
    }
    fn listen(&self, _: &u64, _: JobId) -> Result<(), u64> {
        Ok(())
    }
    fn unlisten(&self, _: &u64, _: ()) {}
    fn backoff(&self, _: &u64, _: u32) -> Option<f64> {
        None
    }
}

impl Promises for Lean {
    type Promise = Rc<RefCell<Waiter<u64>>>;
    fn promise(&self, rx: Waiter<u64>) -> Self::Promise {
        Rc::new(RefCell::new(rx))
    }
    fn waiter(&self, id: JobId) -> Self::Promise {
        let (tx, rx) = futures::channel::oneshot::channel();
        self.waits.borrow_mut().push((id, tx));
        self.promise(rx)
    }
    fn wake(&self, id: JobId, settlement: Settlement<u64>) -> bool {
        self.wakes.set(self.wakes.get() + 1);
        self.settle_waits(id, settlement)
    }
    fn wake_held(&self, id: JobId, ran: Ran) -> bool {
        self.wake(id, if ran == Ran::Value { Ok(7) } else { Err(7) })
    }
    fn undefined(&self) -> u64 {
        0
    }
}
