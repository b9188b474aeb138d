//! A fake host for the executor's native tests: everything the executor asks of the world is
//! recorded, and the test plays the world's side by hand.
//!
//! - Runners are Rust closures ([`Job`]) that get a [`Ctx`] with the executor in it, so they
//!   can call back into the queue from inside `run()`; they return a value, throw, or return a
//!   thenable the test settles later ([`Q::settle_ok`]) or one that settles inside `then()`.
//! - Values ([`V`]) are a small enum; signals and backoff functions are `Rc`s, so a test can
//!   count who still holds them.
//! - The clock is a number the test sets; the one timer is recorded and fired by the test.
//! - Microtasks (`schedule`) and macrotasks (`yield_slice`) are counters the test runs down.
//! - Promises are oneshot receivers read with `try_recv`.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use gorqs::core::{Config, ErrorCode, JobId};
use gorqs::executor::{Event, Executor, Freed, Host, Limits, Promises, Ran, Settlement, Waiter};

pub type Exec = Executor<FakeHost>;

// ---- values ------------------------------------------------------------------------------

/// A test's JS value.
#[derive(Clone, Default)]
pub enum V {
    #[default]
    Undef,
    Int(i64),
    Str(Rc<str>),
    /// A `QueueError` with this code.
    Code(ErrorCode),
    /// The `AbortError` `cancel(id)` uses by default.
    AbortError,
    /// An abort signal (also its controller).
    Signal(Rc<FakeSignal>),
    /// A user's backoff function.
    Func(Rc<BackoffFn>),
}

impl PartialEq for V {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (V::Undef, V::Undef) | (V::AbortError, V::AbortError) => true,
            (V::Int(a), V::Int(b)) => a == b,
            (V::Str(a), V::Str(b)) => a == b,
            (V::Code(a), V::Code(b)) => a == b,
            (V::Signal(a), V::Signal(b)) => Rc::ptr_eq(a, b),
            (V::Func(a), V::Func(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            V::Undef => write!(f, "undefined"),
            V::Int(i) => write!(f, "{i}"),
            V::Str(s) => write!(f, "{s:?}"),
            V::Code(c) => write!(f, "QueueError({})", c.code()),
            V::AbortError => write!(f, "AbortError"),
            V::Signal(s) => write!(f, "Signal#{}(aborted: {:?})", s.id, s.reason()),
            V::Func(_) => write!(f, "backoff fn"),
        }
    }
}

pub fn int(i: i64) -> V {
    V::Int(i)
}

pub fn s(text: &str) -> V {
    V::Str(text.into())
}

type AbortListener = Rc<dyn Fn(&V)>;

/// An abort signal and its controller in one.
pub struct FakeSignal {
    pub id: u32,
    aborted: RefCell<Option<V>>,
    /// The executor's listeners: (listener id, key).
    listeners: RefCell<Vec<(u64, JobId)>>,
    /// A user's own abort listeners (user code: may call into the queue).
    on_abort: RefCell<Vec<AbortListener>>,
}

impl FakeSignal {
    pub fn reason(&self) -> Option<V> {
        self.aborted.borrow().clone()
    }

    pub fn is_aborted(&self) -> bool {
        self.aborted.borrow().is_some()
    }

    /// How many listeners the executor keeps on it.
    pub fn listener_count(&self) -> usize {
        self.listeners.borrow().len()
    }

    /// Adds a user's abort listener.
    pub fn on_abort(&self, f: impl Fn(&V) + 'static) {
        self.on_abort.borrow_mut().push(Rc::new(f));
    }
}

/// A user's backoff function: the attempt that failed to ms (`None`: it threw).
pub struct BackoffFn {
    pub f: Box<dyn Fn(u32) -> Option<f64>>,
    pub calls: RefCell<Vec<u32>>,
}

pub fn backoff_fn(f: impl Fn(u32) -> Option<f64> + 'static) -> V {
    V::Func(Rc::new(BackoffFn {
        f: Box::new(f),
        calls: RefCell::new(Vec::new()),
    }))
}

// ---- jobs --------------------------------------------------------------------------------

/// How a runner's `run()` ended.
pub enum Out {
    /// Returned a value.
    Val(V),
    /// Threw.
    Throw(V),
    /// Returned a thenable the test settles later (`Q::settle_ok` / `Q::settle_err`).
    Pending,
    /// Returned a thenable that settles inside its `then()` (during `follow`).
    Then(Settlement<V>),
}

/// What a runner sees: its id, its try, and the queue (for re-entrant calls).
pub struct Ctx {
    pub id: JobId,
    pub attempt: u32,
    pub exec: Rc<Exec>,
}

impl Ctx {
    pub fn host(&self) -> &FakeHost {
        self.exec.host()
    }

    /// The job reads `ctx.signal`.
    pub fn signal(&self) -> Rc<FakeSignal> {
        match self.exec.signal_for(self.id) {
            V::Signal(sig) => sig,
            other => panic!("signal_for gave {other:?}"),
        }
    }

    /// The job spends `ms` of (fake) time.
    pub fn spend(&self, ms: f64) {
        let h = self.host();
        h.now.set(h.now.get() + ms);
    }
}

/// A runner.
#[derive(Clone)]
pub struct Job(pub Rc<dyn Fn(&Ctx) -> Out>);

pub fn job(f: impl Fn(&Ctx) -> Out + 'static) -> Job {
    Job(Rc::new(f))
}

/// Returns `v`.
pub fn val(v: V) -> Job {
    job(move |_| Out::Val(v.clone()))
}

/// Throws `v`.
pub fn throws(v: V) -> Job {
    job(move |_| Out::Throw(v.clone()))
}

/// Returns a thenable the test settles.
pub fn pending() -> Job {
    job(|_| Out::Pending)
}

/// Returns its id.
pub fn echo() -> Job {
    job(|ctx| Out::Val(V::Int(ctx.id as i64)))
}

// ---- events and promises -----------------------------------------------------------------

/// An event, owned.
#[derive(Clone, Debug, PartialEq)]
pub enum Ev {
    Active(JobId),
    Completed(JobId, V),
    Failed(JobId, V),
    Empty,
    Idle,
}

/// A promise the queue handed out.
#[derive(Clone)]
pub struct P(Rc<RefCell<PState>>);

struct PState {
    rx: Option<Waiter<V>>,
    got: Option<Settlement<V>>,
    dropped: bool,
}

impl fmt::Debug for P {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Promise({:?})", self.get())
    }
}

impl P {
    fn poll(&self) {
        let mut st = self.0.borrow_mut();
        if st.got.is_some() || st.dropped {
            return;
        }
        let Some(rx) = st.rx.as_mut() else { return };
        match rx.try_recv() {
            Ok(Some(v)) => {
                st.got = Some(v);
                st.rx = None;
            }
            Ok(None) => {}
            Err(_) => {
                st.dropped = true;
                st.rx = None;
            }
        }
    }

    /// Its settlement, if settled.
    pub fn get(&self) -> Option<Settlement<V>> {
        self.poll();
        self.0.borrow().got.clone()
    }

    pub fn is_pending(&self) -> bool {
        self.get().is_none()
    }

    /// Its sender was dropped: it stays pending for ever.
    pub fn is_dropped(&self) -> bool {
        self.poll();
        self.0.borrow().dropped
    }

    /// Fulfilled; panics otherwise.
    pub fn ok(&self) -> V {
        match self.get() {
            Some(Ok(v)) => v,
            other => panic!("expected a fulfilled promise, got {other:?}"),
        }
    }

    /// Rejected; panics otherwise.
    pub fn err(&self) -> V {
        match self.get() {
            Some(Err(v)) => v,
            other => panic!("expected a rejected promise, got {other:?}"),
        }
    }

    /// Whether both handles are the same promise.
    pub fn same(&self, other: &P) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

// ---- the host ----------------------------------------------------------------------------

/// Job `id`'s try `attempt` returned a thenable the host follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Follow {
    pub id: JobId,
    pub attempt: u32,
}

type Hook = Rc<dyn Fn(&Exec)>;
type EventListener = Rc<dyn Fn(&Exec, &Ev)>;

#[derive(Default)]
pub struct FakeHost {
    exec: RefCell<Weak<Exec>>,
    /// The clock (ms).
    pub now: Cell<f64>,
    /// The armed timer.
    timer: Cell<Option<f64>>,
    /// Armed microtasks / macrotasks not yet run, and how many were ever armed.
    micro: Cell<u32>,
    pub schedules: Cell<u32>,
    macro_: Cell<u32>,
    pub yields: Cell<u32>,
    /// Every runner call: (id, attempt, clock at the call).
    calls: RefCell<Vec<(JobId, u32, f64)>>,
    events: RefCell<Vec<Ev>>,
    follows: RefCell<Vec<Follow>>,
    /// The value of the last classification, until taken.
    value: RefCell<Option<V>>,
    /// A thenable that settles inside `then()`: set by `call`, consumed by `follow`.
    then_now: RefCell<Option<Settlement<V>>>,
    /// Next signal id.
    signals: Cell<u32>,
    next_listener: Cell<u64>,
    pub controllers_made: Cell<u32>,
    /// Reading a signal's `aborted` throws this (once) when set.
    pub aborted_throws: RefCell<Option<V>>,
    /// `listen` throws this (once) when set.
    pub listen_throws: RefCell<Option<V>>,
    /// User code run by an event listener, after the event is recorded.
    on_event: RefCell<Option<EventListener>>,
    /// User code run when the executor reads whether a signal is aborted (a getter).
    on_aborted_read: RefCell<Option<Hook>>,
    /// User code run inside `listen` (a signal's own `addEventListener`).
    on_listen: RefCell<Option<Hook>>,
    /// The JS host's push fast path, played: while `inbox_next` is set the inbox is open and
    /// `js_push` takes pushes here, with ids from it on; `take_pushed` hands them over.
    inbox_next: Cell<Option<JobId>>,
    inbox: RefCell<std::collections::VecDeque<Job>>,
    /// Ids whose runner the JS host would have dropped: called without `keep`, or released.
    pub last_uses: RefCell<Vec<JobId>>,
    pub releases: RefCell<Vec<JobId>>,
    pub released_all: Cell<u32>,
    /// `wait(id)` promises' settle ends, by job id, as the JS host keeps them.
    waits: RefCell<std::collections::HashMap<JobId, Vec<futures::channel::oneshot::Sender<Settlement<V>>>>>,
    /// Waits were taken on the host's side (`js_wait`) since the inbox opened.
    took_waits: Cell<bool>,
    /// The first id pushed by the entry that opened the inbox (see `Host::open_inbox`).
    inbox_from: Cell<JobId>,
}

impl FakeHost {
    fn exec(&self) -> Rc<Exec> {
        self.exec.borrow().upgrade().expect("the executor is alive")
    }

    /// A push as the package's JS `push` makes it: taken on the host's side while the inbox
    /// is open (its id returned, no call into the executor), else `None` (the caller then
    /// goes to the executor, as the JS `push` goes to Rust).
    pub fn js_push(&self, job: Job) -> Option<JobId> {
        let id = self.inbox_next.get()?;
        self.inbox.borrow_mut().push_back(job);
        self.inbox_next.set(Some(id + 1));
        Some(id)
    }

    /// A `wait(id)` as the package's JS `wait` makes it: taken on the host's side when job `id`
    /// is one the open inbox holds, or one pushed by the entry that opened it (no call into the
    /// executor), else `None` (the caller then goes to the executor).
    pub fn js_wait(&self, id: JobId) -> Option<P> {
        let next = self.inbox_next.get()?;
        if id < self.inbox_from.get() || id >= next {
            return None;
        }
        self.took_waits.set(true);
        Some(self.waiter(id))
    }

    /// Whether the JS host would no longer hold job `id`'s runner.
    pub fn runner_gone(&self, id: JobId) -> bool {
        self.released_all.get() > 0
            || self.last_uses.borrow().contains(&id)
            || self.releases.borrow().contains(&id)
    }

    /// A new abort controller (a user's `new AbortController()`).
    pub fn new_signal(&self) -> Rc<FakeSignal> {
        let id = self.signals.get() + 1;
        self.signals.set(id);
        Rc::new(FakeSignal {
            id,
            aborted: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            on_abort: RefCell::new(Vec::new()),
        })
    }

    /// A user aborts `sig` with `reason`: its listeners run, the executor's among them.
    pub fn abort_signal(&self, sig: &Rc<FakeSignal>, reason: V) {
        if sig.is_aborted() {
            return;
        }
        *sig.aborted.borrow_mut() = Some(reason.clone());
        let keys: Vec<JobId> = sig.listeners.borrow().iter().map(|&(_, k)| k).collect();
        let user: Vec<_> = sig.on_abort.borrow().clone();
        for key in keys {
            if let Some(exec) = self.exec.borrow().upgrade() {
                exec.signal_aborted(key, reason.clone());
            }
        }
        for f in user {
            f(&reason);
        }
    }

    pub fn timer(&self) -> Option<f64> {
        self.timer.get()
    }

    pub fn micro_pending(&self) -> u32 {
        self.micro.get()
    }

    pub fn macro_pending(&self) -> u32 {
        self.macro_.get()
    }

    pub fn calls(&self) -> Vec<(JobId, u32)> {
        self.calls
            .borrow()
            .iter()
            .map(|&(id, a, _)| (id, a))
            .collect()
    }

    pub fn call_times(&self) -> Vec<(JobId, u32, f64)> {
        self.calls.borrow().clone()
    }

    pub fn called_ids(&self) -> Vec<JobId> {
        self.calls.borrow().iter().map(|&(id, _, _)| id).collect()
    }

    pub fn events(&self) -> Vec<Ev> {
        self.events.borrow().clone()
    }

    pub fn take_events(&self) -> Vec<Ev> {
        std::mem::take(&mut *self.events.borrow_mut())
    }

    pub fn follows(&self) -> Vec<Follow> {
        self.follows.borrow().clone()
    }

    pub fn on_event(&self, f: impl Fn(&Exec, &Ev) + 'static) {
        *self.on_event.borrow_mut() = Some(Rc::new(f));
    }

    pub fn on_aborted_read(&self, f: impl Fn(&Exec) + 'static) {
        *self.on_aborted_read.borrow_mut() = Some(Rc::new(f));
    }

    pub fn on_listen(&self, f: impl Fn(&Exec) + 'static) {
        *self.on_listen.borrow_mut() = Some(Rc::new(f));
    }

    fn set_value(&self, v: V) {
        *self.value.borrow_mut() = Some(v);
    }
}

impl Host for FakeHost {
    type Runner = Job;
    type Value = V;
    type Kept = V;
    type Controller = Rc<FakeSignal>;
    type Listener = u64;

    fn call(&self, runner: &Job, id: JobId, attempt: u32, keep: bool) -> Ran {
        self.calls.borrow_mut().push((id, attempt, self.now.get()));
        if !keep {
            self.last_uses.borrow_mut().push(id);
        }
        let ctx = Ctx {
            id,
            attempt,
            exec: self.exec(),
        };
        let f = runner.0.clone();
        // Nothing of the host is borrowed while the job runs: it may call anything.
        match f(&ctx) {
            Out::Val(v) => {
                self.set_value(v);
                Ran::Value
            }
            Out::Throw(v) => {
                self.set_value(v);
                Ran::Threw
            }
            Out::Pending => {
                *self.value.borrow_mut() = None;
                Ran::Thenable
            }
            Out::Then(settlement) => {
                *self.value.borrow_mut() = None;
                *self.then_now.borrow_mut() = Some(settlement);
                Ran::Thenable
            }
        }
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

    fn take_pushed(&self, first: JobId) -> u64 {
        let Some(next) = self.inbox_next.take() else {
            return 0;
        };
        let n = self.inbox.borrow().len() as u64;
        assert_eq!(
            next - n,
            first,
            "the inbox's first id is the executor's next id"
        );
        n
    }

    fn took_waits(&self) -> bool {
        self.took_waits.take()
    }

    fn pushed_runner(&self) -> Job {
        self.inbox
            .borrow_mut()
            .pop_front()
            .expect("asked for as many runners as were pushed")
    }

    fn release(&self, id: JobId) {
        self.releases.borrow_mut().push(id);
    }

    fn release_all(&self) {
        self.released_all.set(self.released_all.get() + 1);
    }

    fn keep(&self, value: V) -> V {
        value
    }
    fn unkeep(&self, kept: V) -> V {
        kept
    }
    fn take_value(&self) -> V {
        self.value
            .borrow_mut()
            .take()
            .expect("take_value: no classification waits (taken twice?)")
    }

    fn follow(&self, id: JobId, attempt: u32) {
        let now = self.then_now.borrow_mut().take();
        match now {
            Some(settlement) => {
                let ran = if settlement.is_ok() {
                    Ran::Value
                } else {
                    Ran::Threw
                };
                self.set_value(settlement.unwrap_or_else(|e| e));
                self.exec().settle(id, attempt, ran);
            }
            None => self.follows.borrow_mut().push(Follow { id, attempt }),
        }
    }

    fn now(&self) -> f64 {
        self.now.get()
    }

    fn schedule(&self) {
        assert_eq!(self.micro.get(), 0, "schedule() asked twice before a drive");
        self.micro.set(self.micro.get() + 1);
        self.schedules.set(self.schedules.get() + 1);
    }

    fn yield_slice(&self) {
        self.macro_.set(self.macro_.get() + 1);
        self.yields.set(self.yields.get() + 1);
    }

    fn set_timer(&self, at: Option<f64>) {
        self.timer.set(at);
    }

    fn emit(&self, event: Event<'_, V>) {
        let ev = match event {
            Event::Active(id) => Ev::Active(id),
            Event::Completed(id, v) => Ev::Completed(id, v.clone()),
            Event::Failed(id, v) => Ev::Failed(id, v.clone()),
            Event::Empty => Ev::Empty,
            Event::Idle => Ev::Idle,
        };
        self.events.borrow_mut().push(ev.clone());
        let hook = self.on_event.borrow().clone();
        if let Some(f) = hook {
            f(&self.exec(), &ev);
        }
    }

    fn error(&self, code: ErrorCode) -> V {
        V::Code(code)
    }

    fn abort_error(&self) -> V {
        V::AbortError
    }

    fn new_controller(&self) -> Rc<FakeSignal> {
        self.controllers_made.set(self.controllers_made.get() + 1);
        self.new_signal()
    }

    fn abort(&self, controller: &Rc<FakeSignal>, reason: &V) {
        self.abort_signal(controller, reason.clone());
    }

    fn signal_of(&self, controller: &Rc<FakeSignal>) -> V {
        V::Signal(controller.clone())
    }

    fn aborted(&self, signal: &V) -> Result<Option<V>, V> {
        let hook = self.on_aborted_read.borrow().clone();
        if let Some(f) = hook {
            f(&self.exec());
        }
        if let Some(e) = self.aborted_throws.borrow_mut().take() {
            return Err(e);
        }
        match signal {
            V::Signal(sig) => Ok(sig.reason()),
            other => panic!("aborted() of a non-signal {other:?}"),
        }
    }

    fn listen(&self, signal: &V, key: JobId) -> Result<u64, V> {
        let hook = self.on_listen.borrow().clone();
        if let Some(f) = hook {
            f(&self.exec());
        }
        if let Some(e) = self.listen_throws.borrow_mut().take() {
            return Err(e);
        }
        let V::Signal(sig) = signal else {
            panic!("listen() on a non-signal {signal:?}")
        };
        let l = self.next_listener.get() + 1;
        self.next_listener.set(l);
        sig.listeners.borrow_mut().push((l, key));
        Ok(l)
    }

    fn unlisten(&self, signal: &V, listener: u64) {
        let V::Signal(sig) = signal else {
            panic!("unlisten() on a non-signal {signal:?}")
        };
        let mut ls = sig.listeners.borrow_mut();
        let before = ls.len();
        ls.retain(|&(l, _)| l != listener);
        assert_eq!(
            ls.len() + 1,
            before,
            "unlisten of a listener that is not there"
        );
    }

    fn backoff(&self, function: &V, attempt: u32) -> Option<f64> {
        let V::Func(f) = function else {
            panic!("backoff() of a non-function {function:?}")
        };
        f.calls.borrow_mut().push(attempt);
        (f.f)(attempt)
    }
}

impl Promises for FakeHost {
    type Promise = P;

    fn promise(&self, rx: Waiter<V>) -> P {
        P(Rc::new(RefCell::new(PState {
            rx: Some(rx),
            got: None,
            dropped: false,
        })))
    }

    // As a oneshot's promise (the test reads both kinds alike), its sender kept by id.
    fn waiter(&self, id: JobId) -> P {
        let (tx, rx) = futures::channel::oneshot::channel();
        self.waits.borrow_mut().entry(id).or_default().push(tx);
        self.promise(rx)
    }

    fn wake(&self, id: JobId, settlement: Settlement<V>) -> bool {
        let txs = self.waits.borrow_mut().remove(&id).unwrap_or_default();
        for tx in txs {
            let _ = tx.send(settlement.clone());
        }
        !self.waits.borrow().is_empty()
    }

    fn wake_held(&self, id: JobId, ran: Ran) -> bool {
        let value = self
            .value
            .borrow()
            .clone()
            .expect("wake_held: no classification held (taken already?)");
        self.wake(id, if ran == Ran::Value { Ok(value) } else { Err(value) })
    }

    fn undefined(&self) -> V {
        V::Undef
    }
}

// ---- the test's side ---------------------------------------------------------------------

/// A queue on a fake host, and the test's hands on the world.
#[derive(Clone)]
pub struct Q {
    pub exec: Rc<Exec>,
}

pub fn sync_config(track: bool) -> Config {
    Config {
        concurrency: Some(1),
        track,
        timeout: None,
        max_records: None,
    }
}

pub fn async_config(track: bool) -> Config {
    Config {
        concurrency: None,
        track,
        timeout: None,
        max_records: None,
    }
}

impl Q {
    /// A stopped queue.
    pub fn new(config: Config) -> Q {
        Q::with_limits(config, Limits::default())
    }

    pub fn with_limits(config: Config, limits: Limits) -> Q {
        let exec = Rc::new_cyclic(|weak: &Weak<Exec>| {
            let host = FakeHost::default();
            *host.exec.borrow_mut() = weak.clone();
            Executor::new(config, limits, host)
        });
        Q { exec }
    }

    /// A started queue and its start promise.
    pub fn started(config: Config) -> (Q, P) {
        let q = Q::new(config);
        let p = q.exec.start(None).expect("not freed");
        (q, p)
    }

    pub fn sync(track: bool) -> Q {
        Q::started(sync_config(track)).0
    }

    pub fn asynch(track: bool) -> Q {
        Q::started(async_config(track)).0
    }

    pub fn host(&self) -> &FakeHost {
        self.exec.host()
    }

    pub fn push(&self, j: Job) -> JobId {
        self.exec
            .push(j)
            .unwrap_or_else(|e| panic!("push refused: {e:?}"))
    }

    /// Runs the armed microtasks (and those they arm) until none is left; how many ran.
    pub fn drive(&self) -> u32 {
        let h = self.host();
        let mut n = 0;
        while h.micro.get() > 0 {
            h.micro.set(h.micro.get() - 1);
            n += 1;
            assert!(n < 100_000, "drive never stalls");
            self.exec.drive();
        }
        n
    }

    /// Runs exactly one armed microtask (panics when none is armed).
    pub fn host_run_one_microtask(&self) {
        let h = self.host();
        assert!(h.micro.get() > 0, "no microtask armed");
        h.micro.set(h.micro.get() - 1);
        self.exec.drive();
    }

    /// Runs one armed macrotask (a new slice), then the microtasks; false when none was armed.
    pub fn resume(&self) -> bool {
        let h = self.host();
        if h.macro_.get() == 0 {
            return false;
        }
        h.macro_.set(h.macro_.get() - 1);
        self.exec.resume();
        self.drive();
        true
    }

    /// Microtasks and macrotasks until none is left (no timers).
    pub fn run_all(&self) {
        self.drive();
        let mut n = 0;
        while self.resume() {
            n += 1;
            assert!(n < 100_000, "run_all never stalls");
        }
    }

    /// Moves the clock to `t` and fires the timer if it is due then, then drives.
    pub fn at(&self, t: f64) {
        let h = self.host();
        assert!(t >= h.now.get(), "the clock never goes back");
        h.now.set(t);
        self.drive();
        let mut n = 0;
        while let Some(at) = h.timer.get() {
            if at > t {
                break;
            }
            h.timer.set(None);
            self.exec.on_timer();
            self.drive();
            n += 1;
            assert!(n < 10_000, "the timer keeps firing");
        }
    }

    /// Moves the clock on by `ms` (firing the timer when due).
    pub fn advance(&self, ms: f64) {
        self.at(self.host().now.get() + ms);
    }

    /// The latest thenable followed for job `id`, taken out of the followed list.
    fn take_follow(&self, id: JobId) -> Follow {
        let mut fs = self.host().follows.borrow_mut();
        let i = fs
            .iter()
            .rposition(|f| f.id == id)
            .unwrap_or_else(|| panic!("job {id} has no thenable followed (followed: {fs:?})"));
        fs.remove(i)
    }

    /// Settles job `id`'s followed thenable with `ran` and value `v`, then drives.
    pub fn settle(&self, id: JobId, ran: Ran, v: V) {
        let f = self.take_follow(id);
        if ran != Ran::Thenable {
            self.host().set_value(v);
        }
        self.exec.settle(f.id, f.attempt, ran);
        self.drive();
    }

    pub fn settle_ok(&self, id: JobId, v: V) {
        self.settle(id, Ran::Value, v);
    }

    pub fn settle_err(&self, id: JobId, v: V) {
        self.settle(id, Ran::Threw, v);
    }

    /// Settles a specific (possibly stale) attempt's thenable.
    pub fn settle_attempt(&self, id: JobId, attempt: u32, ran: Ran, v: V) {
        let mut fs = self.host().follows.borrow_mut();
        let i = fs
            .iter()
            .position(|f| f.id == id && f.attempt == attempt)
            .unwrap_or_else(|| panic!("job {id} try {attempt} not followed ({fs:?})"));
        fs.remove(i);
        drop(fs);
        self.host().set_value(v);
        self.exec.settle(id, attempt, ran);
        self.drive();
    }

    /// Ids of the thenables still followed.
    pub fn followed(&self) -> Vec<JobId> {
        self.host().follows.borrow().iter().map(|f| f.id).collect()
    }

    pub fn wait(&self, id: JobId) -> P {
        self.exec.wait(id).expect("not freed")
    }

    pub fn running(&self) -> usize {
        self.exec.running().expect("not freed")
    }

    pub fn size(&self) -> usize {
        self.exec.size().expect("not freed")
    }
}

/// `Err(Freed)` for a call on a freed queue.
pub fn is_freed<T: fmt::Debug>(r: Result<T, Freed>) -> bool {
    matches!(r, Err(Freed))
}
