//! The scheduler: lifecycle, push, which job starts next, outcomes and their records.
//!
//! It never runs anything and never reads a clock. The host (the executor, or a native test)
//! drives it with explicit calls: `push`, then `start_next` while it returns jobs, then
//! `finish` with each job's outcome, in any interleaving. Times are passed in as milliseconds.
//!
//! Time-driven work (timeouts, retry delays, record TTL, rate-limit windows) needs one timer on
//! the host: [`Scheduler::next_deadline`] says when, [`Scheduler::expire`] does it all. Each
//! feature costs nothing on a job's path until it is used: its maps are skipped while empty.

use std::collections::{BinaryHeap, VecDeque};

use rustc_hash::FxHashMap as HashMap;

use super::config::{Config, RateLimit};
use super::error::ErrorCode;
use super::job_table::{Fail, JobId, JobTable, Outcome, Slot, Status};
use super::pending::PriorityHeap;

mod limits;
mod retries;

use retries::RetryState;

/// Per-job settings given at push time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PushOptions {
    /// Higher starts first; FIFO among equals. Never NaN.
    pub priority: f64,
    /// Overrides the queue's timeout (ms, > 0); `None` uses the queue's.
    pub timeout: Option<f64>,
}

/// A job the host must start now.
#[derive(Debug, PartialEq)]
pub struct Started<J> {
    /// Its id.
    pub id: JobId,
    /// The job, handed over: the scheduler keeps only its state.
    pub job: J,
}

/// What `finish` did with an outcome.
#[derive(Debug, PartialEq)]
pub enum Settled<V> {
    /// Recorded (tracking on): `peek(id)` reads it until `result(id)` takes it.
    Recorded,
    /// Accepted but not kept (tracking off): here it is back, for waiters and events.
    Forgotten(Outcome<V>),
    /// The job was not running (timed out, cancelled, or unknown), or not in the attempt
    /// named (`finish_attempt`): the outcome is ignored.
    Ignored(Outcome<V>),
    /// The attempt failed with this value and the job has retries left: it waits for its retry
    /// delay (status `Pending`, same id) and starts again later. Nothing is recorded.
    Retrying(V),
}

/// A running job that `expire_attempts` found past its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedOut {
    /// Its id.
    pub id: JobId,
    /// The attempt counts as failed and the job waits for a retry; otherwise it is settled as
    /// failed with [`Fail::Timeout`].
    pub will_retry: bool,
}

/// Why `result(id)` returned no value.
#[derive(Debug, PartialEq)]
pub enum Lookup<V> {
    /// A gorqs error: not implemented, not found, pending or running.
    Code(ErrorCode),
    /// The job failed; its record is now deleted.
    Failed(Fail<V>),
}

/// A time at which something is due for one job (a running job's deadline, a delayed job's
/// retry); a min-heap entry by time.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Deadline {
    at: f64,
    id: JobId,
}
impl Eq for Deadline {}
impl PartialOrd for Deadline {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Deadline {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Reversed: BinaryHeap is a max-heap and the earliest deadline must come out first.
        other.at.total_cmp(&self.at).then_with(|| other.id.cmp(&self.id))
    }
}

/// The queue's state machine. `J` is a job, `V` an outcome value.
///
/// Invariants, checked by the tests after every step:
/// - each pushed id is in exactly one state: waiting, running, recorded or gone;
/// - `waiting`, `running` and `records` count the slots in those states;
/// - while the queue is closed nothing waits (stop settles every waiting job);
/// - `running` never exceeds the concurrency limit as a result of `start_next`.
#[derive(Debug)]
pub struct Scheduler<J, V> {
    config: Config,
    table: JobTable<J, V>,
    heap: PriorityHeap,
    /// No waiting FIFO (priority 0, never heaped) job has an id below this.
    cursor: JobId,
    open: bool,
    paused: bool,
    waiting: usize,
    running: usize,
    records: usize,
    /// Records in the order they finished, with the time they did (never decreasing); kept
    /// only when `max_records` or `record_ttl` is set. May hold ids whose record is already
    /// gone (skipped when met).
    finish_order: VecDeque<(f64, JobId)>,
    /// Per-job timeouts given at push, for jobs not started yet.
    job_timeouts: HashMap<JobId, f64>,
    /// Deadline of each running job that has one; `deadlines` entries not matching are stale.
    running_deadline: HashMap<JobId, f64>,
    deadlines: BinaryHeap<Deadline>,
    /// The latest time the host passed (NaN ignored): the time of calls that take none.
    now: f64,
    /// A job was pushed with its own timeout or a retry that may wait: times matter.
    clock_used: bool,
    /// Jobs waiting out a retry delay (`Slot::Delayed`); `waiting` does not count them.
    delayed: usize,
    /// Every job pushed with retries and not settled yet. Empty: no job pays for retries.
    retry: HashMap<JobId, RetryState<J>>,
    /// When each delayed job becomes startable; entries not matching its state are stale.
    retry_due: BinaryHeap<Deadline>,
    /// Draws the jitter of retry delays; seeded by the host.
    jitter: fastrand::Rng,
    /// Finished records are dropped this many ms after they finished; `None`: kept.
    record_ttl: Option<f64>,
    /// The start cap, and the current window: its end and the starts in it.
    rate: Option<RateLimit>,
    window_end: f64,
    window_starts: u32,
}

impl<J, V> Scheduler<J, V> {
    /// A stopped queue with this configuration. A limit of 0 (`concurrency` or `max_records`)
    /// is read as 1.
    pub fn new(mut config: Config) -> Self {
        config.concurrency = config.concurrency.map(|n| n.max(1));
        config.max_records = config.max_records.map(|n| n.max(1));
        Scheduler {
            config,
            table: JobTable::new(),
            heap: PriorityHeap::default(),
            cursor: 1,
            open: false,
            paused: false,
            waiting: 0,
            running: 0,
            records: 0,
            finish_order: VecDeque::new(),
            job_timeouts: HashMap::default(),
            running_deadline: HashMap::default(),
            deadlines: BinaryHeap::new(),
            now: f64::NEG_INFINITY,
            clock_used: false,
            delayed: 0,
            retry: HashMap::default(),
            retry_due: BinaryHeap::new(),
            jitter: fastrand::Rng::with_seed(retries::DEFAULT_SEED),
            record_ttl: None,
            rate: None,
            window_end: f64::NEG_INFINITY,
            window_starts: 0,
        }
    }

    /// Takes the host's time: the latest `now` seen, never going back.
    fn observe(&mut self, now: f64) {
        // NaN compares false and is ignored.
        if now > self.now {
            self.now = now;
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens the queue (Go `Start`). Returns false when it was already open.
    pub fn start(&mut self) -> bool {
        !std::mem::replace(&mut self.open, true)
    }

    /// Closes the queue (Go `Stop`): every waiting job, a job waiting for a retry included, is
    /// settled as failed with [`Fail::Closed`] and its id returned, in id order. Running jobs
    /// go on; their outcomes are accepted by `finish` (a failed attempt is then final: a closed
    /// queue retries nothing). Stopping a stopped queue returns nothing.
    pub fn stop(&mut self) -> Vec<JobId> {
        self.open = false;
        if self.waiting == 0 && self.delayed == 0 {
            return Vec::new();
        }
        let mut dropped = Vec::with_capacity(self.waiting + self.delayed);
        let track = self.config.track;
        self.table.for_each_mut(|id, slot| {
            if let Slot::Waiting { .. } | Slot::Delayed = slot {
                *slot = if track { Slot::Done(Err(Fail::Closed)) } else { Slot::Gone };
                dropped.push(id);
            }
        });
        self.waiting = 0;
        self.delayed = 0;
        self.heap.clear();
        self.job_timeouts.clear();
        if !self.retry.is_empty() {
            // Only running jobs keep a retry state: their failure is final, but `finish_attempt`
            // still names their attempt.
            let table = &self.table;
            self.retry.retain(|&id, _| matches!(table.get(id), Some(Slot::Running)));
        }
        self.retry_due.clear();
        if track {
            self.records += dropped.len();
            if self.keeps_finish_order() {
                let now = self.now;
                self.finish_order.extend(dropped.iter().map(|&id| (now, id)));
            }
            self.enforce_max_records();
        }
        self.table.trim();
        dropped
    }

    /// Whether the queue is open (Go `IsRunning`).
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Holds back new starts (running jobs go on) or lets them go again.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Whether starts are held back.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// The concurrency limit; `None` is unbounded.
    pub fn concurrency(&self) -> Option<u32> {
        self.config.concurrency
    }

    /// Changes the concurrency limit (never 0: the binding checks). Jobs already running go on.
    pub fn set_concurrency(&mut self, limit: Option<u32>) {
        self.config.concurrency = limit.map(|n| n.max(1));
    }

    /// Jobs waiting to start, those waiting for a retry included (all `Pending`).
    pub fn waiting(&self) -> usize {
        self.waiting + self.delayed
    }

    /// Jobs waiting for a retry delay to pass (counted by `waiting` as well).
    pub fn delayed(&self) -> usize {
        self.delayed
    }

    /// Jobs started and not yet settled.
    pub fn running(&self) -> usize {
        self.running
    }

    /// Finished records kept.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Nothing waiting (for a start or a retry) and nothing running.
    pub fn is_idle(&self) -> bool {
        self.waiting == 0 && self.running == 0 && self.delayed == 0
    }

    /// The id the next successful push will get.
    pub fn next_id(&self) -> JobId {
        self.table.end()
    }

    /// Adds a waiting job and returns its id (Go `Push`). Never starts it.
    ///
    /// # Errors
    /// [`ErrorCode::QueueClosed`] when the queue is not open; nothing is queued and no id used.
    pub fn push(&mut self, job: J, opts: PushOptions) -> Result<JobId, ErrorCode> {
        if !self.open {
            return Err(ErrorCode::QueueClosed);
        }
        let id = self.table.end();
        let heaped = opts.priority != 0.0;
        self.table.insert(job, heaped);
        if heaped {
            self.heap.push(id, opts.priority);
        }
        if let Some(t) = opts.timeout {
            self.clock_used |= t.is_finite();
            self.job_timeouts.insert(id, t);
        }
        self.waiting += 1;
        Ok(id)
    }

    /// Adds `n` jobs with default options (FIFO, no timeout), made by `job`, and returns the
    /// first id (the others follow it). One call for a batch of plain pushes: the same as `n`
    /// calls to [`push`](Self::push) with [`PushOptions::default`].
    pub fn push_many(&mut self, n: usize, job: impl FnMut() -> J) -> Result<JobId, ErrorCode> {
        if !self.open {
            return Err(ErrorCode::QueueClosed);
        }
        let first = self.table.end();
        self.table.insert_many(n, job);
        self.waiting += n;
        Ok(first)
    }

    /// Whether `start_next` would hand out a job now. With a rate limit "now" is the latest
    /// time the host passed; a retry that became due since is not counted until a call with a
    /// time (`start_next`, `expire`) puts it back in line.
    pub fn can_start(&self) -> bool {
        self.open
            && !self.paused
            && self.waiting > 0
            // `map_or`, not `Option::is_none_or`: that is Rust 1.82 and the crate's MSRV is 1.80.
            && self.config.concurrency.map_or(true, |n| self.running < n as usize)
            && self.rate.map_or(true, |r| self.window_allows(r))
    }

    /// Takes the next job to run, marks it running and hands it over; `None` when the queue is
    /// closed or paused, nothing waits, the concurrency limit is reached or the rate limit's
    /// window is full. `now` is needed only when a timed feature is in use
    /// ([`needs_clock`](Self::needs_clock)); retries due by `now` are put back in line first.
    pub fn start_next(&mut self, now: f64) -> Option<Started<J>> {
        self.observe(now);
        if !self.retry_due.is_empty() {
            self.promote_due_retries();
        }
        if !self.can_start() {
            return None;
        }
        self.cursor = self.table.next_fifo_waiting(self.cursor);
        let fifo = (self.cursor < self.table.end()).then_some(self.cursor);
        let id = match (self.heap.peek(), fifo) {
            (Some(h), Some(f)) if h.before_fifo(f) => h.id,
            (_, Some(f)) => f,
            (Some(h), None) => h.id,
            // `waiting > 0` says one of the two holds a job; stay consistent if not.
            (None, None) => return None,
        };
        let Slot::Waiting { job, heaped } = self.table.replace(id, Slot::Running) else {
            return None;
        };
        let priority = if heaped {
            self.heap.remove(id)
        } else {
            self.cursor = id + 1;
            None
        };
        self.waiting -= 1;
        self.running += 1;
        if !self.retry.is_empty() {
            self.retry_started(id, priority.unwrap_or(0.0));
        }
        if let Some(rate) = self.rate {
            self.count_start(rate);
        }
        // Hot path: skip the hash lookup when no job was pushed with its own timeout.
        let own = if self.job_timeouts.is_empty() { None } else { self.job_timeouts.remove(&id) };
        let timeout = own.or(self.config.timeout);
        if let Some(t) = timeout.filter(|t| t.is_finite()) {
            let at = now + t;
            self.running_deadline.insert(id, at);
            self.deadlines.push(Deadline { at, id });
        }
        Some(Started { id, job })
    }

    /// Whether only plain jobs are in play: nothing waits by priority, no job has retries or
    /// its own timeout, and no timed feature (queue timeout, record TTL, rate limit) or record
    /// cap is set. [`start_plain`](Self::start_plain) and [`finish_plain`](Self::finish_plain)
    /// then do what `start_next` and `finish` would, without their features' checks.
    pub fn is_plain(&self) -> bool {
        self.heap.is_empty()
            && self.retry.is_empty()
            && self.retry_due.is_empty()
            && self.job_timeouts.is_empty()
            && self.running_deadline.is_empty()
            && !self.needs_clock()
            && !self.keeps_finish_order()
    }

    /// [`start_next`](Self::start_next) while [`is_plain`](Self::is_plain): the next FIFO job.
    pub fn start_plain(&mut self) -> Option<Started<J>> {
        debug_assert!(self.is_plain());
        if !self.open
            || self.paused
            || self.waiting == 0
            || self.config.concurrency.is_some_and(|n| self.running >= n as usize)
        {
            return None;
        }
        // Nothing is heaped: every waiting job is FIFO, the first at or after `cursor`.
        let (id, job) = self.table.start_fifo(self.cursor)?;
        self.cursor = id + 1;
        self.waiting -= 1;
        self.running += 1;
        Some(Started { id, job })
    }

    /// [`start_plain`](Self::start_plain), and how many jobs the host may run one after
    /// another from the one started (it included, at most `max`): the FIFO jobs waiting right
    /// behind it, in id order with none missing. The others stay waiting until
    /// [`advance_plain_run`](Self::advance_plain_run) says they started.
    pub fn start_plain_run(&mut self, max: u32) -> Option<(Started<J>, u32)> {
        let started = self.start_plain()?;
        let n = self.table.waiting_fifo_after(started.id, max.saturating_sub(1) as usize);
        // `n < max`, a u32: the cast is exact.
        Some((started, 1 + n as u32))
    }

    /// The run started by [`start_plain_run`](Self::start_plain_run) at `first` went on to
    /// job `first + ran - 1` (`ran` ≥ 1), which is running now: every job before it returned a
    /// value that only its record hears of (the scheduler plain). With tracking on, each is
    /// recorded with the next value `value` gives, in id order (`None`, a value the host did
    /// not keep: forgotten); else forgotten.
    pub fn advance_plain_run(&mut self, first: JobId, ran: u32, mut value: impl FnMut() -> Option<V>) {
        debug_assert!(self.is_plain());
        if ran <= 1 {
            return;
        }
        let last = first + JobId::from(ran) - 1;
        let track = self.config.track;
        let mut recorded = 0;
        // `first` was running; the jobs after it, up to `last`, were waiting.
        // Every slot of the run is in the store (0: a bad `ran`, nothing changed).
        let gone = self.table.finish_run(first, last, || match if track { value() } else { None } {
            Some(v) => {
                recorded += 1;
                Slot::Done(Ok(v))
            }
            None => Slot::Gone,
        });
        if gone == 0 {
            return;
        }
        self.records += recorded;
        self.waiting -= gone - 1;
        self.cursor = last + 1;
        if first == self.table.base() {
            self.table.trim();
        }
    }

    /// An async run started by [`start_plain_run`](Self::start_plain_run) went on: the host
    /// started the FIFO jobs `first..=last` (waiting right behind the run's first, in id
    /// order), each in a slot a settlement freed. They are running now.
    pub fn start_plain_through(&mut self, first: JobId, last: JobId) {
        debug_assert!(self.is_plain());
        let started = self.table.start_run(first, last);
        self.waiting -= started;
        self.running += started;
        self.cursor = self.cursor.max(last + 1);
    }

    /// [`finish`](Self::finish) while [`is_plain`](Self::is_plain), for an outcome nobody but
    /// the record hears of: recorded (tracking on) or forgotten; ignored for a job not running.
    /// `outcome` is asked for only when the record keeps it.
    pub fn finish_plain(&mut self, id: JobId, outcome: impl FnOnce() -> Outcome<V>) {
        debug_assert!(self.is_plain());
        let Some(slot @ Slot::Running) = self.table.get_mut(id) else {
            return;
        };
        self.running -= 1;
        if self.config.track {
            *slot = Slot::Done(outcome());
            self.records += 1;
        } else {
            *slot = Slot::Gone;
            // Only a slot at the front can start a run of gone slots to drop.
            if id == self.table.base() {
                self.table.trim();
            }
        }
    }

    /// Records a running job's outcome. An outcome for a job that is not running (it timed
    /// out, was cancelled, or is unknown) is handed back as [`Settled::Ignored`]. A failure
    /// ([`Fail::Thrown`]) of a job with retries left, on an open queue, is not settled: the job
    /// waits for its retry ([`Settled::Retrying`]). The time of the outcome (record TTL, retry
    /// delay) is the latest one passed; [`finish_at`](Self::finish_at) passes it.
    pub fn finish(&mut self, id: JobId, outcome: Outcome<V>) -> Settled<V> {
        if !matches!(self.table.get(id), Some(Slot::Running)) {
            return Settled::Ignored(outcome);
        }
        self.running -= 1;
        self.forget_deadline(id);
        match outcome {
            Err(Fail::Thrown(v)) if !self.retry.is_empty() && self.retry_after_failure(id) => {
                Settled::Retrying(v)
            }
            outcome => self.settle(id, outcome),
        }
    }

    /// [`finish`](Self::finish) at time `now`.
    pub fn finish_at(&mut self, id: JobId, outcome: Outcome<V>, now: f64) -> Settled<V> {
        self.observe(now);
        self.finish(id, outcome)
    }

    /// Forgets a running job's deadline; rebuilds the deadline heap when stale entries (jobs
    /// that finished before their deadline) outnumber live ones, so long timeouts cannot pile
    /// them up.
    fn forget_deadline(&mut self, id: JobId) {
        if self.running_deadline.is_empty() || self.running_deadline.remove(&id).is_none() {
            return;
        }
        let live = self.running_deadline.len();
        if live == 0 {
            self.deadlines.clear();
        } else if self.deadlines.len() > 2 * live + 64 {
            let current = &self.running_deadline;
            self.deadlines.retain(|d| current.get(&d.id) == Some(&d.at));
        }
    }

    /// Stores or forgets a final outcome for a job that has just left the waiting or running
    /// state (the caller has already updated those counts).
    fn settle(&mut self, id: JobId, outcome: Outcome<V>) -> Settled<V> {
        if !self.retry.is_empty() {
            self.retry.remove(&id);
        }
        if self.config.track {
            self.table.replace(id, Slot::Done(outcome));
            self.records += 1;
            if self.keeps_finish_order() {
                self.finish_order.push_back((self.now, id));
                self.enforce_max_records();
            }
            self.table.trim();
            Settled::Recorded
        } else {
            self.table.replace(id, Slot::Gone);
            self.table.trim();
            Settled::Forgotten(outcome)
        }
    }

    /// Drops the earliest finished records beyond `max_records`.
    fn enforce_max_records(&mut self) {
        if let Some(max) = self.config.max_records {
            while self.records > max {
                let Some((_, id)) = self.finish_order.pop_front() else { break };
                self.evict(id);
            }
        }
        // Records read by `result` leave stale ids behind; compact before they pile up.
        if self.finish_order.len() > 2 * self.records + 64 {
            let table = &self.table;
            self.finish_order.retain(|&(_, id)| matches!(table.get(id), Some(Slot::Done(_))));
        }
    }

    /// Drops the record of `id` if it still has one.
    fn evict(&mut self, id: JobId) {
        if let Some(slot @ Slot::Done(_)) = self.table.get_mut(id) {
            *slot = Slot::Gone;
            self.records -= 1;
        }
    }

    /// The host's timer entry point: does everything due at or before `now`, and returns the
    /// running jobs it failed with [`Fail::Timeout`], earliest deadline first (then lowest id).
    ///
    /// - A running job past its deadline frees its slot; its attempt counts as failed, so a job
    ///   with retries left waits for a retry instead of settling (listed only by
    ///   [`expire_attempts`](Self::expire_attempts)).
    /// - A job whose retry delay has passed goes back in line.
    /// - Records older than `record_ttl` are dropped.
    /// - A rate-limit window that has ended lets the next start open a new one.
    pub fn expire(&mut self, now: f64) -> Vec<JobId> {
        let mut attempts = self.expire_attempts(now);
        attempts.retain(|t| !t.will_retry);
        attempts.into_iter().map(|t| t.id).collect()
    }

    /// [`expire`](Self::expire), listing every attempt that timed out, whether its job settled
    /// or waits for a retry.
    pub fn expire_attempts(&mut self, now: f64) -> Vec<TimedOut> {
        self.observe(now);
        let mut expired = Vec::new();
        while let Some(&top) = self.deadlines.peek() {
            if top.at > now {
                break;
            }
            self.deadlines.pop();
            if self.running_deadline.get(&top.id) != Some(&top.at) {
                continue; // stale: the job finished first
            }
            self.forget_deadline(top.id);
            self.running -= 1;
            let will_retry = !self.retry.is_empty() && self.retry_after_failure(top.id);
            if !will_retry {
                self.settle(top.id, Err(Fail::Timeout));
            }
            expired.push(TimedOut { id: top.id, will_retry });
        }
        if !self.retry_due.is_empty() {
            self.promote_due_retries();
        }
        if let Some(ttl) = self.record_ttl {
            self.drop_old_records(ttl);
        }
        expired
    }

    /// When the host must call [`expire`](Self::expire) next, for its one timer: the earliest
    /// of a running job's deadline, a delayed job's retry, the end of the oldest record's TTL,
    /// and, while the rate limit holds back a waiting job, the end of the window. `None`:
    /// nothing is due.
    pub fn next_deadline(&mut self) -> Option<f64> {
        let mut next = None;
        while let Some(top) = self.deadlines.peek() {
            if self.running_deadline.get(&top.id) == Some(&top.at) {
                next = Some(top.at);
                break;
            }
            self.deadlines.pop();
        }
        if !self.retry_due.is_empty() {
            next = earliest(next, self.next_retry_due());
        }
        if self.record_ttl.is_some() || self.rate.is_some() {
            next = earliest(next, self.next_limit_due());
        }
        next
    }

    /// Fails a waiting or running job with `reason` (abort, `cancel(id)`): a waiting job
    /// (for a start or a retry) leaves the queue, a running one frees its slot and its late
    /// outcome is ignored. Either way it is final: no retry follows.
    /// Returns the state it was in, or `None` (and drops `reason`) when it had finished or is
    /// unknown.
    pub fn cancel(&mut self, id: JobId, reason: V) -> Option<Status> {
        let was = match self.table.get(id) {
            Some(Slot::Waiting { heaped, .. }) => {
                if *heaped {
                    self.heap.remove(id);
                }
                self.job_timeouts.remove(&id);
                self.waiting -= 1;
                Status::Pending
            }
            Some(Slot::Running) => {
                self.forget_deadline(id);
                self.running -= 1;
                Status::Running
            }
            Some(Slot::Delayed) => {
                // Its `retry_due` entry goes stale with its retry state.
                self.delayed -= 1;
                Status::Pending
            }
            _ => return None,
        };
        self.settle(id, Err(Fail::Thrown(reason)));
        Some(was)
    }

    /// Gives a waiting job a new priority (a job waiting for a retry takes it back in line).
    /// Returns false when it is not waiting.
    pub fn set_priority(&mut self, id: JobId, priority: f64) -> bool {
        match self.table.get_mut(id) {
            Some(Slot::Delayed) => self.set_delayed_priority(id, priority),
            Some(Slot::Waiting { heaped, .. }) => {
                // Once heaped, always heaped: the FIFO cursor may already have passed it.
                *heaped = true;
                self.heap.push(id, priority);
                true
            }
            _ => false,
        }
    }

    /// The priority of a waiting job.
    pub fn priority(&self, id: JobId) -> Option<f64> {
        match self.table.get(id) {
            Some(Slot::Waiting { heaped: true, .. }) => self.heap.priority(id),
            Some(Slot::Waiting { heaped: false, .. }) => Some(0.0),
            Some(Slot::Delayed) => self.delayed_priority(id),
            _ => None,
        }
    }

    /// Where a job is; `None` once it is gone (finished untracked, read, cleared) or unknown.
    /// Never changes anything.
    pub fn status(&self, id: JobId) -> Option<Status> {
        match self.table.get(id)? {
            Slot::Waiting { .. } | Slot::Delayed => Some(Status::Pending),
            Slot::Running => Some(Status::Running),
            Slot::Done(Ok(_)) => Some(Status::Succeeded),
            Slot::Done(Err(_)) => Some(Status::Failed),
            Slot::Gone => None,
        }
    }

    /// A finished job's record, without deleting it.
    pub fn peek(&self, id: JobId) -> Option<&Outcome<V>> {
        match self.table.get(id)? {
            Slot::Done(outcome) => Some(outcome),
            _ => None,
        }
    }

    /// [`result`](Self::result) of a finished job whose outcome `take` accepts, in one lookup
    /// of its record; else `None`, and the record stays (the package reads every int32 result
    /// this way: a `peek`, then `result`'s lookups, measured ~15 ns a read in Node 24's S7).
    pub fn take_result_if(&mut self, id: JobId, take: impl FnOnce(&Outcome<V>) -> bool) -> Option<Outcome<V>> {
        if !self.config.track {
            return None;
        }
        let slot = self.table.get_mut(id)?;
        if !matches!(slot, Slot::Done(outcome) if take(outcome)) {
            return None;
        }
        let Slot::Done(outcome) = std::mem::replace(slot, Slot::Gone) else {
            return None; // matched just above
        };
        self.records -= 1;
        self.table.trim();
        Some(outcome)
    }

    /// Go `Fetch`: a finished job's value, deleting the record.
    ///
    /// # Errors
    /// `NotImplemented` with tracking off; `NotFound` for an unknown, read or cleared id;
    /// `Pending` / `Running` while the job is not finished (the record stays);
    /// [`Lookup::Failed`] with the job's failure (the record is deleted).
    pub fn result(&mut self, id: JobId) -> Result<V, Lookup<V>> {
        if !self.config.track {
            return Err(Lookup::Code(ErrorCode::NotImplemented));
        }
        match self.table.get(id) {
            Some(Slot::Waiting { .. } | Slot::Delayed) => {
                return Err(Lookup::Code(ErrorCode::Pending))
            }
            Some(Slot::Running) => return Err(Lookup::Code(ErrorCode::Running)),
            Some(Slot::Done(_)) => {}
            Some(Slot::Gone) | None => return Err(Lookup::Code(ErrorCode::NotFound)),
        }
        let Slot::Done(outcome) = self.table.replace(id, Slot::Gone) else {
            return Err(Lookup::Code(ErrorCode::NotFound));
        };
        self.records -= 1;
        self.table.trim();
        outcome.map_err(Lookup::Failed)
    }

    /// Go `Clear`: deletes every finished record and says how many; waiting and running jobs
    /// keep theirs.
    pub fn clear(&mut self) -> usize {
        // A count, not the list of ids: nobody needs them, and a list the size of the records
        // (400 KB for 50,000) fragmented the wasm heap enough to grow it (tests/stress/leak.mjs).
        let cleared = self.records;
        if self.records > 0 {
            self.table.for_each_mut(|_, slot| {
                if let Slot::Done(_) = slot {
                    *slot = Slot::Gone;
                }
            });
            self.records = 0;
        }
        self.finish_order.clear();
        self.table.trim();
        cleared
    }

    /// The lowest id that may still have a state (for tests and diagnostics).
    pub fn oldest_live_id(&self) -> JobId {
        self.table.base()
    }
}

/// The earlier of two optional times.
fn earliest(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Backoff, RetryPolicy};

    fn open(timeout: Option<f64>) -> Scheduler<(), ()> {
        let mut s = Scheduler::new(Config { concurrency: None, timeout, ..Config::default() });
        s.start();
        s
    }

    #[test]
    fn stale_deadlines_do_not_pile_up() {
        let mut s = open(Some(1e9));
        // One job runs throughout, so its deadline stays live and the heap is never cleared.
        s.push((), PushOptions::default()).unwrap();
        s.start_next(0.0).unwrap();
        for i in 0..10_000 {
            let id = s.push((), PushOptions::default()).unwrap();
            s.start_next(f64::from(i)).unwrap();
            s.finish(id, Ok(()));
            assert!(s.deadlines.len() <= 2 * s.running_deadline.len() + 65);
        }
        assert_eq!(s.next_deadline(), Some(1e9));
        s.cancel(1, ());
        assert!(s.deadlines.is_empty());
    }

    #[test]
    fn stale_retry_times_do_not_pile_up_and_retry_state_goes_with_the_job() {
        let mut s = open(None);
        let policy = RetryPolicy { retries: 1, backoff: Backoff::Host };
        let id = s.push_retrying((), PushOptions::default(), policy).unwrap();
        s.start_next(0.0).unwrap();
        assert_eq!(s.finish(id, Err(Fail::Thrown(()))), Settled::Retrying(()));
        for i in 0..10_000 {
            assert!(s.set_retry_delay(id, 1e6 + f64::from(i)));
            assert!(s.retry_due.len() <= 2 * s.delayed + 65);
        }
        assert_eq!(s.next_deadline(), Some(1e6 + 9_999.0));
        s.cancel(id, ());
        assert!(s.retry.is_empty());
        assert_eq!(s.next_deadline(), None);
    }
}
