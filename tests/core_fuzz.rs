#![cfg(not(target_arch = "wasm32"))]
//! Model-based fuzzing of the scheduling core, bounded by a time budget.
//!
//! Where `core_model.rs` compares the scheduler with a reference model call by call, this file
//! plays the host's side of the contract, with longer sequences, hostile ids and extreme
//! numbers, and keeps a ledger of what the host has been told about every job:
//! - each job is settled exactly once (by `finish`, `stop`, `expire` or `cancel`), and a record
//!   read back (`peek`, `result`) is exactly the outcome it was settled with;
//! - each record leaves exactly once (`result`, `clear`, eviction by `max_records`);
//! - no job starts on a closed or paused queue, after it was dropped by `stop` or cancelled,
//!   or beyond the concurrency limit;
//! - the job started is the best waiting one: highest priority, FIFO among equals;
//! - after every step, every id is in exactly the state the model says, and the counts, the
//!   next deadline and the live id range agree.
//!
//! Bounds (environment):
//!   GORQS_FUZZ_SECS   time budget in seconds (default 5, so `cargo test` stays quick)
//!   GORQS_FUZZ_CASES  most cases (default 1,000,000: the budget ends the run first)
//!   GORQS_FUZZ_SEED   a fixed seed (u64) to replay a run; default random
//! The test command runs `GORQS_FUZZ_SECS=60 cargo test --release --test core_fuzz`; a long run:
//!   GORQS_FUZZ_SECS=3600 GORQS_FUZZ_CASES=200000 cargo test --release --test core_fuzz -- --nocapture
//! A failure is shrunk, printed, and its seed saved in proptest-regressions/core_fuzz.txt,
//! which is replayed first on every later run (commit it).
//! The same model also runs under libFuzzer (coverage-guided; nightly): `fuzz_one` decodes a
//! case from the fuzzer's bytes; see fuzz/ and `bash scripts/fuzz.sh SECONDS`.

use std::time::{Duration, Instant};

use gorqs::core::{
    Config, ErrorCode, Fail, JobId, Lookup, Outcome, PushOptions, Scheduler, Settled, Started,
    Status,
};
use proptest::prelude::*;
use proptest::test_runner::{
    Config as RunnerConfig, FileFailurePersistence, RngSeed, TestCaseError, TestError, TestRunner,
};

type V = i64;
type J = u64;

/// The job pushed under `id`: the test checks that `start_next` hands back this very one.
fn token(id: JobId) -> J {
    id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5EED
}

/// Ids no real job has: zero, the largest exact JS integer and beyond.
const WILD_IDS: [JobId; 5] = [0, 1 << 53, (1 << 53) + 1, u64::MAX - 1, u64::MAX];

// ---------------------------------------------------------------------------------------------
// Operations

#[derive(Clone, Copy, Debug)]
enum IdSel {
    /// One of the ids pushed so far (or 1 if none).
    Pushed(usize),
    /// Any id from 0 to two past the newest.
    Near(usize),
    /// One of [`WILD_IDS`], or a far-future id.
    Wild(usize),
}

#[derive(Clone, Debug)]
enum Op {
    Push {
        prio: f64,
        timeout: Option<f64>,
    },
    Burst {
        n: u8,
        prio: f64,
    },
    StartNext,
    Pump,
    /// A run of plain jobs as the JS host makes it (untracked and plain; else a `StartNext`):
    /// at most `max` jobs, of which `ran % n + 1` go.
    PlainRun {
        max: u8,
        ran: u8,
    },
    /// Finishes a running job (picked by index).
    Finish {
        pick: usize,
        ok: bool,
    },
    /// Finishes any id: stale, unknown and wild ids must come back `Ignored`.
    FinishAny {
        id: IdSel,
        ok: bool,
    },
    /// A host-style step: start what may start, then finish every running job.
    RunAll {
        ok_mask: u64,
    },
    Result {
        id: IdSel,
    },
    Cancel {
        id: IdSel,
    },
    Clear,
    Stop,
    Start,
    Advance {
        dt: f64,
    },
    SetPriority {
        id: IdSel,
        prio: f64,
    },
    SetPaused(bool),
    SetConcurrency(Option<u32>),
}

// ---------------------------------------------------------------------------------------------
// The reference model and the ledger

#[derive(Clone, Debug, PartialEq)]
enum St {
    /// `heaped`: pushed with a priority other than 0, or given one by `set_priority`.
    Waiting {
        prio: f64,
        timeout: Option<f64>,
        heaped: bool,
    },
    Running {
        deadline: Option<f64>,
    },
    /// Settled and recorded (tracking on).
    Recorded,
    /// Settled and nothing kept: untracked, read, cleared or evicted.
    Gone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Left {
    Read,
    Cleared,
    Evicted,
}

struct Job {
    st: St,
    /// The outcome the scheduler was told (or made) when the job settled.
    settled: Option<Outcome<V>>,
    settle_count: u32,
    /// How its record left (tracking on).
    left: Option<Left>,
    left_count: u32,
    started: bool,
    /// Dropped by `stop` or cancelled while waiting: it must never start.
    barred: bool,
}

struct Model {
    track: bool,
    queue_timeout: Option<f64>,
    max_records: Option<usize>,
    limit: Option<u32>,
    open: bool,
    paused: bool,
    jobs: Vec<Job>,
    finish_order: Vec<JobId>,
    now: f64,
    next_value: V,
    /// Start order, for the FIFO check.
    starts: Vec<JobId>,
}

impl Model {
    fn new(cfg: &Config, now: f64) -> Self {
        Model {
            track: cfg.track,
            queue_timeout: cfg.timeout,
            max_records: cfg.max_records,
            limit: cfg.concurrency,
            open: false,
            paused: false,
            jobs: Vec::new(),
            finish_order: Vec::new(),
            now,
            next_value: 0,
            starts: Vec::new(),
        }
    }

    fn next_id(&self) -> JobId {
        self.jobs.len() as JobId + 1
    }

    fn job(&self, id: JobId) -> Option<&Job> {
        let i = id.checked_sub(1)?;
        self.jobs.get(usize::try_from(i).ok()?)
    }

    fn job_mut(&mut self, id: JobId) -> &mut Job {
        &mut self.jobs[(id - 1) as usize]
    }

    fn st(&self, id: JobId) -> St {
        self.job(id).map_or(St::Gone, |j| j.st.clone())
    }

    fn resolve(&self, sel: IdSel) -> JobId {
        let n = self.jobs.len();
        match sel {
            IdSel::Pushed(p) => (p % n.max(1)) as JobId + 1,
            IdSel::Near(p) => (p % (n + 3)) as JobId,
            IdSel::Wild(p) => match p % (WILD_IDS.len() + 1) {
                i if i < WILD_IDS.len() => WILD_IDS[i],
                _ => self.next_id() + 1000,
            },
        }
    }

    fn ids(&self, f: impl Fn(&St) -> bool) -> Vec<JobId> {
        (1..self.next_id()).filter(|&id| f(&self.job(id).unwrap().st)).collect()
    }

    fn count(&self, f: impl Fn(&St) -> bool) -> usize {
        self.jobs.iter().filter(|j| f(&j.st)).count()
    }

    fn waiting(&self) -> usize {
        self.count(|s| matches!(s, St::Waiting { .. }))
    }
    fn running(&self) -> usize {
        self.count(|s| matches!(s, St::Running { .. }))
    }
    fn records(&self) -> usize {
        self.count(|s| matches!(s, St::Recorded))
    }

    fn value(&mut self) -> V {
        self.next_value += 1;
        self.next_value
    }

    fn can_start(&self) -> bool {
        self.open
            && !self.paused
            && self.waiting() > 0
            && self.limit.map_or(true, |n| self.running() < n as usize)
    }

    /// Highest priority (compared with `>`, so -0 == +0), then lowest id.
    fn best_waiting(&self) -> Option<JobId> {
        let mut best: Option<(JobId, f64)> = None;
        for (i, j) in self.jobs.iter().enumerate() {
            if let St::Waiting { prio, .. } = j.st {
                if best.map_or(true, |(_, bp)| prio > bp) {
                    best = Some((i as JobId + 1, prio));
                }
            }
        }
        best.map(|(id, _)| id)
    }

    /// The job leaves waiting/running with `outcome`; the ledger counts it.
    fn settle(&mut self, id: JobId, outcome: Outcome<V>) {
        let track = self.track;
        let j = self.job_mut(id);
        j.settle_count += 1;
        j.settled = Some(outcome);
        j.st = if track { St::Recorded } else { St::Gone };
        if !track {
            return;
        }
        self.finish_order.push(id);
        if let Some(max) = self.max_records {
            let mut i = 0;
            while self.records() > max {
                let old = self.finish_order[i];
                if self.st(old) == St::Recorded {
                    self.leave(old, Left::Evicted);
                }
                i += 1;
            }
        }
    }

    fn leave(&mut self, id: JobId, how: Left) {
        let j = self.job_mut(id);
        j.st = St::Gone;
        j.left = Some(how);
        j.left_count += 1;
    }
}

fn status_of(st: &St, settled: Option<&Outcome<V>>) -> Option<Status> {
    match st {
        St::Waiting { .. } => Some(Status::Pending),
        St::Running { .. } => Some(Status::Running),
        St::Recorded => match settled {
            Some(Ok(_)) => Some(Status::Succeeded),
            _ => Some(Status::Failed),
        },
        St::Gone => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Playing a sequence

struct Run {
    s: Scheduler<J, V>,
    m: Model,
    steps: u64,
}

impl Run {
    fn start_one(&mut self) -> Result<Option<JobId>, TestCaseError> {
        let want = if self.m.can_start() { self.m.best_waiting() } else { None };
        prop_assert_eq!(self.s.can_start(), want.is_some(), "can_start()");
        let running_before = self.s.running();
        // Every other step takes the plain path when the scheduler says only plain jobs are
        // in play: it must pick exactly what `start_next` would.
        let got = if self.plain_turn() { self.s.start_plain() } else { self.s.start_next(self.m.now) };
        let Some(Started { id, job }) = got else {
            prop_assert_eq!(None::<JobId>, want, "start_next() said no");
            return Ok(None);
        };
        // The invariants, stated on their own before the comparison with the model.
        let j = self.m.job(id);
        prop_assert!(j.is_some(), "start_next() handed out id {} that was never pushed", id);
        let j = j.unwrap();
        prop_assert!(self.m.open, "job {} started on a closed queue", id);
        prop_assert!(!self.m.paused, "job {} started on a paused queue", id);
        prop_assert!(!j.barred, "job {} started after stop()/cancel() dropped it", id);
        prop_assert!(!j.started, "job {} started twice", id);
        if let Some(n) = self.m.limit {
            prop_assert!(running_before < n as usize, "started beyond concurrency {}", n);
        }
        prop_assert_eq!(Some(id), want, "start_next() picked not the best waiting job");
        prop_assert_eq!(job, token(id), "start_next() handed over another job's runner");
        let St::Waiting { timeout, .. } = self.m.st(id) else { unreachable!() };
        let deadline =
            timeout.or(self.m.queue_timeout).filter(|t| t.is_finite()).map(|t| self.m.now + t);
        let j = self.m.job_mut(id);
        j.st = St::Running { deadline };
        j.started = true;
        self.m.starts.push(id);
        Ok(Some(id))
    }

    /// A run (`start_plain_run`, `advance_plain_run`) while the scheduler is plain: it starts
    /// what `start_next` would and counts the FIFO jobs waiting right behind it; then
    /// `ran % n + 1` of them went, each before the last finished with a value (recorded with
    /// tracking on, with the values handed over in id order).
    fn plain_run(&mut self, max: u32, ran: u32) -> Result<(), TestCaseError> {
        if !self.s.is_plain() {
            return self.start_one().map(|_| ());
        }
        let want = if self.m.can_start() { self.m.best_waiting() } else { None };
        let Some((Started { id: first, job }, n)) = self.s.start_plain_run(max) else {
            prop_assert_eq!(None::<JobId>, want, "start_plain_run() said no");
            return Ok(());
        };
        prop_assert_eq!(Some(first), want, "start_plain_run() picked not the best waiting job");
        prop_assert_eq!(job, token(first), "start_plain_run() handed over another job's runner");
        let end = self.m.next_id();
        let behind = (first + 1..end)
            .take(max.saturating_sub(1) as usize)
            .take_while(|&id| matches!(self.m.st(id), St::Waiting { .. }))
            .count();
        prop_assert_eq!(n as usize, 1 + behind, "start_plain_run({}) from job {}", max, first);
        let k = ran % n + 1;
        let last = first + JobId::from(k) - 1;
        let mut values = Vec::new();
        for id in first..=last {
            let j = self.m.job_mut(id);
            j.st = St::Running { deadline: None };
            j.started = true;
            self.m.starts.push(id);
            if id < last {
                let v = self.m.value();
                values.push(v);
                self.m.settle(id, Ok(v));
            }
        }
        let mut values = values.into_iter();
        self.s.advance_plain_run(first, k, || values.next());
        if self.m.track {
            prop_assert_eq!(values.next(), None::<V>, "advance_plain_run() left values untaken");
        }
        Ok(())
    }

    fn finish(&mut self, id: JobId, ok: bool) -> Result<(), TestCaseError> {
        let v = self.m.value();
        let outcome: Outcome<V> = if ok { Ok(v) } else { Err(Fail::Thrown(v)) };
        let want = if matches!(self.m.st(id), St::Running { .. }) {
            self.m.settle(id, outcome.clone());
            if self.m.track {
                Settled::Recorded
            } else {
                Settled::Forgotten(outcome.clone())
            }
        } else {
            Settled::Ignored(outcome.clone())
        };
        if self.plain_turn() {
            // Nobody hears of the outcome on the plain path; the invariants check the rest.
            self.s.finish_plain(id, || outcome);
        } else {
            prop_assert_eq!(self.s.finish(id, outcome), want, "finish({})", id);
        }
        Ok(())
    }

    /// Whether this step uses the plain path (`start_plain`, `finish_plain`): on every other
    /// step while the scheduler is plain, which it may be only when the model has no
    /// priority job waiting, no retries, no timeout, and no record limit or TTL.
    fn plain_turn(&self) -> bool {
        let plain = self.s.is_plain();
        if plain {
            assert!(self.m.queue_timeout.is_none(), "plain with a queue timeout");
            assert!(self.m.max_records.is_none(), "plain with a record limit");
        }
        plain && self.steps % 2 == 1
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        self.steps += 1;
        match *op {
            Op::Push { prio, timeout } => self.push(prio, timeout)?,
            Op::Burst { n, prio } => {
                for _ in 0..n {
                    self.push(prio, None)?;
                }
            }
            Op::StartNext => {
                self.start_one()?;
            }
            Op::Pump => while self.start_one()?.is_some() {},
            Op::PlainRun { max, ran } => self.plain_run(u32::from(max), u32::from(ran))?,
            Op::Finish { pick, ok } => {
                let running = self.m.ids(|s| matches!(s, St::Running { .. }));
                if !running.is_empty() {
                    self.finish(running[pick % running.len()], ok)?;
                }
            }
            Op::FinishAny { id, ok } => {
                let id = self.m.resolve(id);
                self.finish(id, ok)?;
            }
            Op::RunAll { ok_mask } => {
                while self.start_one()?.is_some() {}
                for (i, id) in
                    self.m.ids(|s| matches!(s, St::Running { .. })).into_iter().enumerate()
                {
                    self.finish(id, ok_mask >> (i % 64) & 1 == 1)?;
                }
            }
            Op::Result { id } => {
                let id = self.m.resolve(id);
                self.result(id)?;
            }
            Op::Cancel { id } => {
                let id = self.m.resolve(id);
                let reason = -self.m.value();
                let want = match self.m.st(id) {
                    St::Waiting { .. } => Some(Status::Pending),
                    St::Running { .. } => Some(Status::Running),
                    _ => None,
                };
                if let Some(was) = want {
                    if was == Status::Pending {
                        self.m.job_mut(id).barred = true;
                    }
                    self.m.settle(id, Err(Fail::Thrown(reason)));
                }
                prop_assert_eq!(self.s.cancel(id, reason), want, "cancel({})", id);
            }
            Op::Clear => {
                let want = self.m.ids(|s| *s == St::Recorded);
                for &id in &want {
                    self.m.leave(id, Left::Cleared);
                }
                self.m.finish_order.clear();
                prop_assert_eq!(self.s.clear(), want.len(), "clear()");
                for &id in &want {
                    prop_assert_eq!(self.s.status(id), None, "status({}) after clear()", id);
                }
            }
            Op::Stop => {
                let dropped = self.m.ids(|s| matches!(s, St::Waiting { .. }));
                self.m.open = false;
                for &id in &dropped {
                    self.m.job_mut(id).barred = true;
                    self.m.settle(id, Err(Fail::Closed));
                }
                prop_assert_eq!(self.s.stop(), dropped, "stop()");
            }
            Op::Start => {
                prop_assert_eq!(self.s.start(), !self.m.open, "start()");
                self.m.open = true;
            }
            Op::Advance { dt } => {
                self.m.now += dt;
                let now = self.m.now;
                let mut due: Vec<(f64, JobId)> = (1..self.m.next_id())
                    .filter_map(|id| match self.m.st(id) {
                        St::Running { deadline: Some(at) } if at <= now => Some((at, id)),
                        _ => None,
                    })
                    .collect();
                due.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for &(_, id) in &due {
                    self.m.settle(id, Err(Fail::Timeout));
                }
                let want: Vec<JobId> = due.into_iter().map(|(_, id)| id).collect();
                prop_assert_eq!(self.s.expire(now), want, "expire({})", now);
            }
            Op::SetPriority { id, prio } => {
                let id = self.m.resolve(id);
                let st = self.m.st(id);
                let waiting = matches!(st, St::Waiting { .. });
                if let St::Waiting { timeout, .. } = st {
                    self.m.job_mut(id).st = St::Waiting { prio, timeout, heaped: true };
                }
                prop_assert_eq!(self.s.set_priority(id, prio), waiting, "set_priority({})", id);
            }
            Op::SetPaused(p) => {
                self.m.paused = p;
                self.s.set_paused(p);
            }
            Op::SetConcurrency(limit) => {
                self.m.limit = limit;
                self.s.set_concurrency(limit);
            }
        }
        self.check()
    }

    fn push(&mut self, prio: f64, timeout: Option<f64>) -> Result<(), TestCaseError> {
        let id = self.m.next_id();
        let got = self.s.push(token(id), PushOptions { priority: prio, timeout });
        if self.m.open {
            prop_assert_eq!(got, Ok(id), "push() id");
            self.m.jobs.push(Job {
                st: St::Waiting { prio, timeout, heaped: prio != 0.0 },
                settled: None,
                settle_count: 0,
                left: None,
                left_count: 0,
                started: false,
                barred: false,
            });
        } else {
            prop_assert_eq!(got, Err(ErrorCode::QueueClosed), "push() on a closed queue");
        }
        Ok(())
    }

    fn result(&mut self, id: JobId) -> Result<(), TestCaseError> {
        let want: Result<V, Lookup<V>> = if !self.m.track {
            Err(Lookup::Code(ErrorCode::NotImplemented))
        } else {
            match self.m.st(id) {
                St::Waiting { .. } => Err(Lookup::Code(ErrorCode::Pending)),
                St::Running { .. } => Err(Lookup::Code(ErrorCode::Running)),
                St::Gone => Err(Lookup::Code(ErrorCode::NotFound)),
                St::Recorded => {
                    let outcome = self.m.job(id).unwrap().settled.clone().unwrap();
                    self.m.leave(id, Left::Read);
                    outcome.map_err(Lookup::Failed)
                }
            }
        };
        prop_assert_eq!(self.s.result(id), want, "result({})", id);
        Ok(())
    }

    /// Everything observable, after every step.
    fn check(&mut self) -> Result<(), TestCaseError> {
        let (s, m) = (&mut self.s, &self.m);
        prop_assert_eq!(s.is_open(), m.open, "is_open()");
        prop_assert_eq!(s.is_paused(), m.paused, "is_paused()");
        prop_assert_eq!(s.next_id(), m.next_id(), "next_id()");
        prop_assert_eq!(s.waiting(), m.waiting(), "waiting()");
        prop_assert_eq!(s.running(), m.running(), "running()");
        prop_assert_eq!(s.records(), m.records(), "records()");
        prop_assert_eq!(s.is_idle(), m.waiting() == 0 && m.running() == 0, "is_idle()");
        if !m.open {
            prop_assert_eq!(s.waiting(), 0, "a job waits on a closed queue");
        }
        if let Some(max) = m.max_records {
            prop_assert!(s.records() <= max, "more than max_records records");
        }
        for id in 0..=m.next_id() + 1 {
            let j = m.job(id);
            let st = m.st(id);
            let settled = j.and_then(|j| j.settled.as_ref());
            // Each id in exactly one state, and a record is exactly the outcome it settled with.
            prop_assert_eq!(s.status(id), status_of(&st, settled), "status({})", id);
            let peek = if st == St::Recorded { settled } else { None };
            prop_assert_eq!(s.peek(id), peek, "peek({})", id);
            let prio = match st {
                St::Waiting { prio, .. } => Some(prio),
                _ => None,
            };
            prop_assert!(
                s.priority(id) == prio,
                "priority({}): {:?}, model {:?}",
                id,
                s.priority(id),
                prio
            );
            if let Some(j) = j {
                prop_assert!(j.settle_count <= 1, "job {} settled {} times", id, j.settle_count);
                prop_assert!(j.left_count <= 1, "job {}'s record left {} times", id, j.left_count);
            }
        }
        for &id in &WILD_IDS {
            prop_assert_eq!(s.status(id), None, "status({}) of a wild id", id);
            prop_assert!(s.peek(id).is_none(), "peek({}) of a wild id", id);
        }
        let oldest = (1..m.next_id()).find(|&id| m.st(id) != St::Gone).unwrap_or(m.next_id());
        prop_assert_eq!(s.oldest_live_id(), oldest, "oldest_live_id()");
        let deadline = m
            .jobs
            .iter()
            .filter_map(|j| match j.st {
                St::Running { deadline } => deadline,
                _ => None,
            })
            .min_by(f64::total_cmp);
        prop_assert_eq!(s.next_deadline(), deadline, "next_deadline()");
        Ok(())
    }

    /// Opens, runs everything, reads every record, then checks the whole ledger.
    fn drain_and_account(&mut self) -> Result<(), TestCaseError> {
        self.step(&Op::SetPaused(false))?;
        self.step(&Op::Start)?;
        for _ in 0..100_000 {
            self.step(&Op::Pump)?;
            if self.m.running() == 0 {
                break;
            }
            self.step(&Op::Finish { pick: 0, ok: true })?;
        }
        prop_assert!(self.s.is_idle(), "not idle after the drain");
        for id in 1..self.m.next_id() {
            self.result(id)?;
        }
        for (i, j) in self.m.jobs.iter().enumerate() {
            let id = i + 1;
            prop_assert_eq!(j.settle_count, 1, "job {} settled {} times", id, j.settle_count);
            if self.m.track {
                prop_assert_eq!(j.left_count, 1, "job {}'s record left {} times", id, j.left_count);
            }
            // Started exactly when it settled by its own outcome, a timeout, or a running cancel.
            let own = matches!(
                j.settled,
                Some(Ok(_)) | Some(Err(Fail::Thrown(_))) | Some(Err(Fail::Timeout))
            );
            if j.barred {
                prop_assert!(!j.started, "barred job {} started", id);
            } else {
                prop_assert!(j.started && own, "job {} never ran ({:?})", id, j.settled);
            }
        }
        prop_assert_eq!(self.s.records(), 0, "records left after reading them all");
        prop_assert_eq!(self.s.oldest_live_id(), self.s.next_id(), "the ring is empty at the end");
        Ok(())
    }
}

fn play(cfg: &Config, start_now: f64, ops: &[Op]) -> Result<u64, TestCaseError> {
    let mut r = Run { s: Scheduler::new(cfg.clone()), m: Model::new(cfg, start_now), steps: 0 };
    r.check()?;
    r.step(&Op::Start)?;
    for op in ops {
        r.step(op)?;
    }
    r.drain_and_account()?;
    Ok(r.steps)
}

// ---------------------------------------------------------------------------------------------
// Strategies

fn priority() -> BoxedStrategy<f64> {
    prop_oneof![
        12 => Just(0.0),
        2 => Just(-0.0),
        3 => Just(1.0),
        2 => Just(-1.0),
        1 => Just(2.5),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        1 => Just(-f64::MIN_POSITIVE),
        1 => Just(1e-300),
    ]
    .boxed()
}

fn job_timeout() -> BoxedStrategy<Option<f64>> {
    prop_oneof![
        10 => Just(None),
        2 => Just(Some(1.0)),
        1 => Just(Some(0.5)),
        1 => Just(Some(1e-9)),
        2 => Just(Some(20.0)),
        1 => Just(Some(1e15)),
        1 => Just(Some(f64::INFINITY)),
    ]
    .boxed()
}

fn limit() -> BoxedStrategy<Option<u32>> {
    prop_oneof![4 => Just(Some(1)), 2 => Just(Some(2)), 1 => Just(Some(4)), 1 => Just(Some(u32::MAX)), 3 => Just(None)]
        .boxed()
}

fn config() -> impl Strategy<Value = (Config, f64)> {
    (
        limit(),
        prop::bool::weighted(0.8),
        prop_oneof![3 => Just(None), 1 => Just(Some(3.0)), 1 => Just(Some(25.0)), 1 => Just(Some(0.25))],
        prop_oneof![4 => Just(None), 1 => Just(Some(1)), 1 => Just(Some(2)), 1 => Just(Some(7))],
        // The clock starts at 0, or where `performance.now()` or `Date.now()` might be.
        prop_oneof![2 => Just(0.0), 1 => Just(123_456.789), 1 => Just(1.7e12)],
    )
        .prop_map(|(concurrency, track, timeout, max_records, now)| {
            (Config { concurrency, track, timeout, max_records }, now)
        })
}

fn id_sel() -> BoxedStrategy<IdSel> {
    prop_oneof![
        6 => any::<usize>().prop_map(IdSel::Pushed),
        3 => any::<usize>().prop_map(IdSel::Near),
        1 => any::<usize>().prop_map(IdSel::Wild),
    ]
    .boxed()
}

fn dt() -> BoxedStrategy<f64> {
    prop_oneof![
        2 => Just(0.0),
        2 => Just(0.5),
        3 => Just(1.0),
        2 => Just(3.0),
        2 => Just(10.0),
        1 => Just(30.0),
        1 => Just(1e9),
    ]
    .boxed()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        14 => (priority(), job_timeout()).prop_map(|(prio, timeout)| Op::Push { prio, timeout }),
        2 => (1u8..40, priority()).prop_map(|(n, prio)| Op::Burst { n, prio }),
        6 => Just(Op::StartNext),
        3 => Just(Op::Pump),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(max, ran)| Op::PlainRun { max, ran }),
        10 => (any::<usize>(), prop::bool::weighted(0.7)).prop_map(|(pick, ok)| Op::Finish { pick, ok }),
        2 => (id_sel(), any::<bool>()).prop_map(|(id, ok)| Op::FinishAny { id, ok }),
        2 => any::<u64>().prop_map(|ok_mask| Op::RunAll { ok_mask }),
        5 => id_sel().prop_map(|id| Op::Result { id }),
        3 => id_sel().prop_map(|id| Op::Cancel { id }),
        1 => Just(Op::Clear),
        1 => Just(Op::Stop),
        2 => Just(Op::Start),
        4 => dt().prop_map(|dt| Op::Advance { dt }),
        3 => (id_sel(), priority()).prop_map(|(id, prio)| Op::SetPriority { id, prio }),
        1 => any::<bool>().prop_map(Op::SetPaused),
        1 => limit().prop_map(Op::SetConcurrency),
    ]
}

fn case() -> impl Strategy<Value = ((Config, f64), Vec<Op>)> {
    (config(), prop::collection::vec(op(), 0..400))
}

// ---------------------------------------------------------------------------------------------
// Cases from raw bytes, for the libFuzzer target (fuzz/fuzz_targets/scheduler.rs)

/// Reads a fuzzer's bytes as choices; past the end every choice is 0.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    fn u16(&mut self) -> usize {
        usize::from(self.u8()) | usize::from(self.u8()) << 8
    }
    fn pick<T: Copy>(&mut self, table: &[T]) -> T {
        table[usize::from(self.u8()) % table.len()]
    }
    fn more(&self) -> bool {
        self.at < self.data.len()
    }
}

const PRIORITIES: [f64; 12] = [
    0.0,
    0.0,
    0.0,
    -0.0,
    1.0,
    -1.0,
    2.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    f64::MIN_POSITIVE,
    1e-300,
];
const TIMEOUTS: [Option<f64>; 8] =
    [None, None, None, Some(1.0), Some(0.5), Some(1e-9), Some(20.0), Some(f64::INFINITY)];
const DTS: [f64; 7] = [0.0, 0.5, 1.0, 3.0, 10.0, 30.0, 1e9];
const LIMITS: [Option<u32>; 5] = [Some(1), Some(2), Some(4), Some(u32::MAX), None];

/// The same space of cases as [`case`], decoded from bytes: small changes of the bytes are
/// small changes of the case, which is what a coverage-guided fuzzer needs.
fn decode(data: &[u8]) -> ((Config, f64), Vec<Op>) {
    let mut b = Bytes { data, at: 0 };
    let cfg = Config {
        concurrency: b.pick(&LIMITS),
        track: b.u8() % 5 != 0,
        timeout: b.pick(&[None, None, Some(3.0), Some(25.0), Some(0.25)]),
        max_records: b.pick(&[None, None, Some(1), Some(2), Some(7)]),
    };
    let now = b.pick(&[0.0, 123_456.789, 1.7e12]);
    let mut ops = Vec::new();
    while b.more() && ops.len() < 400 {
        let id = |b: &mut Bytes| match b.u8() % 10 {
            0..=5 => IdSel::Pushed(b.u16()),
            6..=8 => IdSel::Near(b.u16()),
            _ => IdSel::Wild(b.u16()),
        };
        let op = match b.u8() % 18 {
            0 | 1 => Op::Push { prio: b.pick(&PRIORITIES), timeout: b.pick(&TIMEOUTS) },
            2 => Op::Burst { n: b.u8() % 40, prio: b.pick(&PRIORITIES) },
            3 => Op::StartNext,
            4 => Op::Pump,
            5 | 6 => Op::Finish { pick: b.u16(), ok: b.u8() % 10 < 7 },
            7 => Op::FinishAny { id: id(&mut b), ok: b.u8() % 2 == 0 },
            8 => Op::RunAll { ok_mask: u64::from(b.u8()) * 0x0101_0101_0101_0101 },
            9 => Op::Result { id: id(&mut b) },
            10 => Op::Cancel { id: id(&mut b) },
            11 => Op::Clear,
            12 => Op::Stop,
            13 => Op::Start,
            14 => Op::Advance { dt: b.pick(&DTS) },
            15 => Op::SetPriority { id: id(&mut b), prio: b.pick(&PRIORITIES) },
            16 => Op::PlainRun { max: b.u8(), ran: b.u8() },
            _ => match b.u8() % 3 {
                0 => Op::SetPaused(true),
                1 => Op::SetPaused(false),
                _ => Op::SetConcurrency(b.pick(&LIMITS)),
            },
        };
        ops.push(op);
    }
    ((cfg, now), ops)
}

/// One case decoded from a fuzzer's bytes and played; panics on a failed check.
pub fn fuzz_one(data: &[u8]) {
    let ((cfg, now), ops) = decode(data);
    if let Err(why) = play(&cfg, now, &ops) {
        panic!("{why}\nconfig {cfg:?}, clock from {now}, {} ops:\n{ops:#?}", ops.len());
    }
}

// ---------------------------------------------------------------------------------------------
// The budgeted runner

fn env_num<T: std::str::FromStr>(name: &str) -> Option<T> {
    let raw = std::env::var(name).ok()?;
    match raw.trim().parse() {
        Ok(v) => Some(v),
        Err(_) => panic!("{name}={raw:?} is not a valid number"),
    }
}

/// The fuzz target's decoder, on a few inputs (so it is built and run by `cargo test` too).
#[test]
fn fuzz_decoder_plays_any_bytes() {
    fuzz_one(&[]);
    fuzz_one(&[0; 64]);
    fuzz_one(&[255; 64]);
    let noise: Vec<u8> =
        (0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    fuzz_one(&noise);
    assert_eq!(decode(&noise).1.len(), 400, "long inputs are cut at 400 ops");
}

/// Runs chunks of cases, each chunk a fresh runner (and seed), until the budget or the case
/// count is spent. Saved regressions are replayed at the start of every chunk.
#[test]
fn scheduler_survives_random_host_sequences() {
    let budget = Duration::from_secs_f64(env_num("GORQS_FUZZ_SECS").unwrap_or(5.0));
    let max_cases: u64 = env_num("GORQS_FUZZ_CASES").unwrap_or(1_000_000);
    let seed: Option<u64> = env_num("GORQS_FUZZ_SEED");
    // Small chunks, so the budget is kept even in a debug build (about 20 cases a second).
    const CHUNK: u64 = 32;

    let began = Instant::now();
    let mut cases = 0u64;
    let mut steps = 0u64;
    let mut chunk = 0u64;
    while cases < max_cases && (chunk == 0 || began.elapsed() < budget) {
        let n = CHUNK.min(max_cases - cases);
        let config = RunnerConfig {
            cases: n as u32,
            source_file: Some(file!()),
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "proptest-regressions/core_fuzz.txt",
            ))),
            rng_seed: seed.map_or(RngSeed::Random, |s| RngSeed::Fixed(s.wrapping_add(chunk))),
            // A failing case is shrunk for at most a minute.
            max_shrink_time: 60_000,
            ..RunnerConfig::default()
        };
        let mut runner = TestRunner::new(config);
        let chunk_steps = std::cell::Cell::new(0u64);
        let outcome = runner.run(&case(), |((cfg, now), ops)| {
            chunk_steps.set(chunk_steps.get() + play(&cfg, now, &ops)?);
            Ok(())
        });
        match outcome {
            Ok(()) => {}
            Err(TestError::Fail(why, ((cfg, now), ops))) => panic!(
                "core_fuzz found a failure in chunk {chunk} ({cases} cases passed before it): {why}\n\
                 minimal case: config {cfg:?}, clock from {now}, {} ops:\n{ops:#?}",
                ops.len()
            ),
            Err(e) => panic!("core_fuzz: {e}"),
        }
        cases += n;
        steps += chunk_steps.get();
        chunk += 1;
    }
    let secs = began.elapsed().as_secs_f64();
    println!(
        "core_fuzz: {cases} cases, {steps} steps (shrinking included) in {secs:.1} s \
         (budget {:.0} s, {:.0} cases/s)",
        budget.as_secs_f64(),
        cases as f64 / secs
    );
}
