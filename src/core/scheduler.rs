//! The scheduler: lifecycle, push, which job starts next, outcomes and their records.
//!
//! It never runs anything and never reads a clock. The host (the wasm binding, or a native
//! test) drives it with explicit calls: `push`, then `start_next` while it returns jobs, then
//! `finish` with each job's outcome, in any interleaving. Times are passed in as milliseconds.

use std::collections::{BinaryHeap, HashMap, VecDeque};

use super::config::Config;
use super::error::ErrorCode;
use super::job_table::{Fail, JobId, JobTable, Outcome, Slot, Status};
use super::pending::PriorityHeap;

mod fifo_run;

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
    /// The job was not running (timed out, cancelled, or unknown): the outcome is ignored.
    Ignored(Outcome<V>),
}

/// Why `result(id)` returned no value.
#[derive(Debug, PartialEq)]
pub enum Lookup<V> {
    /// A gorqs error: not implemented, not found, pending or running.
    Code(ErrorCode),
    /// The job failed; its record is now deleted.
    Failed(Fail<V>),
}

/// A deadline of a running job; a min-heap entry by time.
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
    /// Ids in the order they finished; kept only when `max_records` is set. May hold ids
    /// whose record is already gone (skipped when met).
    finish_order: VecDeque<JobId>,
    /// Per-job timeouts given at push, for jobs not started yet.
    job_timeouts: HashMap<JobId, f64>,
    /// Deadline of each running job that has one; `deadlines` entries not matching are stale.
    running_deadline: HashMap<JobId, f64>,
    deadlines: BinaryHeap<Deadline>,
    /// Ids whose records `max_records` dropped since the last `take_evicted`, so the host can
    /// release what it keeps beside them.
    evicted: Vec<JobId>,
}

impl<J, V> Scheduler<J, V> {
    /// A stopped queue with this configuration.
    pub fn new(config: Config) -> Self {
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
            job_timeouts: HashMap::new(),
            running_deadline: HashMap::new(),
            deadlines: BinaryHeap::new(),
            evicted: Vec::new(),
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

    /// Closes the queue (Go `Stop`): every waiting job is settled as failed with
    /// [`Fail::Closed`] and its id returned, in id order. Running jobs go on; their outcomes
    /// are accepted by `finish`. Stopping a stopped queue returns nothing.
    pub fn stop(&mut self) -> Vec<JobId> {
        self.open = false;
        if self.waiting == 0 {
            return Vec::new();
        }
        let mut dropped = Vec::with_capacity(self.waiting);
        let track = self.config.track;
        for (id, slot) in self.table.iter_mut() {
            if let Slot::Waiting { .. } = slot {
                *slot = if track { Slot::Done(Err(Fail::Closed)) } else { Slot::Gone };
                dropped.push(id);
            }
        }
        self.waiting = 0;
        self.heap.clear();
        self.job_timeouts.clear();
        if track {
            self.records += dropped.len();
            if self.config.max_records.is_some() {
                self.finish_order.extend(dropped.iter().copied());
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

    /// Jobs waiting to start.
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// Jobs started and not yet settled.
    pub fn running(&self) -> usize {
        self.running
    }

    /// Finished records kept.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Nothing waiting and nothing running.
    pub fn is_idle(&self) -> bool {
        self.waiting == 0 && self.running == 0
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
            self.job_timeouts.insert(id, t);
        }
        self.waiting += 1;
        Ok(id)
    }

    /// Whether `start_next` would hand out a job now.
    pub fn can_start(&self) -> bool {
        self.open
            && !self.paused
            && self.waiting > 0
            // `map_or`, not `Option::is_none_or`: that is Rust 1.82 and the crate's MSRV is 1.80.
            && self.config.concurrency.map_or(true, |n| self.running < n as usize)
    }

    /// Takes the next job to run, marks it running and hands it over; `None` when the queue is
    /// closed or paused, nothing waits, or the concurrency limit is reached. `now` is used only
    /// when the job has a timeout.
    pub fn start_next(&mut self, now: f64) -> Option<Started<J>> {
        if !self.can_start() {
            return None;
        }
        self.cursor = self.table.next_fifo_waiting(self.cursor);
        let fifo = (self.cursor < self.table.end()).then_some(self.cursor);
        let id = match (self.heap.peek(), fifo) {
            (Some(h), Some(f)) if h.priority > 0.0 || (h.priority == 0.0 && h.id < f) => h.id,
            (_, Some(f)) => f,
            (Some(h), None) => h.id,
            // `waiting > 0` says one of the two holds a job; stay consistent if not.
            (None, None) => return None,
        };
        let Slot::Waiting { job, heaped } = self.table.replace(id, Slot::Running) else {
            return None;
        };
        if heaped {
            self.heap.remove(id);
        } else {
            self.cursor = id + 1;
        }
        self.waiting -= 1;
        self.running += 1;
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

    /// Records a running job's outcome. An outcome for a job that is not running (it timed
    /// out, was cancelled, or is unknown) is handed back as [`Settled::Ignored`].
    pub fn finish(&mut self, id: JobId, outcome: Outcome<V>) -> Settled<V> {
        if !matches!(self.table.get(id), Some(Slot::Running)) {
            return Settled::Ignored(outcome);
        }
        self.running -= 1;
        if !self.running_deadline.is_empty() {
            self.running_deadline.remove(&id);
        }
        self.settle(id, outcome)
    }

    /// Stores or forgets a final outcome for a job that has just left the waiting or running
    /// state (the caller has already updated those counts).
    fn settle(&mut self, id: JobId, outcome: Outcome<V>) -> Settled<V> {
        if self.config.track {
            self.table.replace(id, Slot::Done(outcome));
            self.records += 1;
            if self.config.max_records.is_some() {
                self.finish_order.push_back(id);
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
        let Some(max) = self.config.max_records else { return };
        while self.records > max {
            let Some(id) = self.finish_order.pop_front() else { break };
            if let Some(slot @ Slot::Done(_)) = self.table.get_mut(id) {
                *slot = Slot::Gone;
                self.records -= 1;
                self.evicted.push(id);
            }
        }
        // Records read by `result` leave stale ids behind; compact before they pile up.
        if self.finish_order.len() > 2 * self.records + 64 {
            let table = &self.table;
            self.finish_order.retain(|&id| matches!(table.get(id), Some(Slot::Done(_))));
        }
    }

    /// Fails every running job whose deadline is at or before `now` with [`Fail::Timeout`],
    /// freeing its slot; returns their ids, earliest deadline first.
    pub fn expire(&mut self, now: f64) -> Vec<JobId> {
        let mut expired = Vec::new();
        while let Some(&top) = self.deadlines.peek() {
            if top.at > now {
                break;
            }
            self.deadlines.pop();
            if self.running_deadline.get(&top.id) != Some(&top.at) {
                continue; // stale: the job finished first
            }
            self.running_deadline.remove(&top.id);
            self.running -= 1;
            self.settle(top.id, Err(Fail::Timeout));
            expired.push(top.id);
        }
        expired
    }

    /// The earliest deadline of a running job, for the host's one timer.
    pub fn next_deadline(&mut self) -> Option<f64> {
        while let Some(top) = self.deadlines.peek() {
            if self.running_deadline.get(&top.id) == Some(&top.at) {
                return Some(top.at);
            }
            self.deadlines.pop();
        }
        None
    }

    /// Fails a waiting or running job with `reason` (abort, `cancel(id)`): a waiting job
    /// leaves the queue, a running one frees its slot and its late outcome is ignored.
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
                self.running_deadline.remove(&id);
                self.running -= 1;
                Status::Running
            }
            _ => return None,
        };
        self.settle(id, Err(Fail::Thrown(reason)));
        Some(was)
    }

    /// Gives a waiting job a new priority. Returns false when it is not waiting.
    pub fn set_priority(&mut self, id: JobId, priority: f64) -> bool {
        match self.table.get_mut(id) {
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
            _ => None,
        }
    }

    /// Where a job is; `None` once it is gone (finished untracked, read, cleared) or unknown.
    /// Never changes anything.
    pub fn status(&self, id: JobId) -> Option<Status> {
        match self.table.get(id)? {
            Slot::Waiting { .. } => Some(Status::Pending),
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
            Some(Slot::Waiting { .. }) => return Err(Lookup::Code(ErrorCode::Pending)),
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

    /// Go `Clear`: deletes every finished record and returns their ids; waiting and running
    /// jobs keep theirs.
    pub fn clear(&mut self) -> Vec<JobId> {
        let mut cleared = Vec::with_capacity(self.records);
        if self.records > 0 {
            for (id, slot) in self.table.iter_mut() {
                if let Slot::Done(_) = slot {
                    *slot = Slot::Gone;
                    cleared.push(id);
                }
            }
            self.records = 0;
        }
        self.finish_order.clear();
        self.table.trim();
        cleared
    }

    /// The ids whose records `max_records` dropped since the last call.
    pub fn take_evicted(&mut self) -> Vec<JobId> {
        std::mem::take(&mut self.evicted)
    }

    /// Whether `max_records` dropped a record since the last `take_evicted`.
    pub fn has_evicted(&self) -> bool {
        !self.evicted.is_empty()
    }

    /// The lowest id that may still have a state (for tests and diagnostics).
    pub fn oldest_live_id(&self) -> JobId {
        self.table.base()
    }
}
