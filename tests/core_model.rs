#![cfg(not(target_arch = "wasm32"))]
//! Model test of the scheduling core: proptest plays random sequences of calls on a
//! `Scheduler` and on a plain reference model (a vector of per-id states plus a linear-scan
//! "best waiting job" rule), and compares every answer and the whole state after every step.

use gorqs::core::{
    Config, ErrorCode, Fail, JobId, Lookup, Outcome, PushOptions, Scheduler, Settled, Started,
    Status,
};
use proptest::prelude::*;

type V = i64;
/// The job handed to the scheduler: a token derived from the id it should get, so the test
/// sees whether `start_next` hands back the job pushed under that id.
type J = u64;

fn token(id: JobId) -> J {
    id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xDEAD_BEEF
}

#[derive(Clone, Debug, PartialEq)]
enum M {
    Waiting { prio: f64, timeout: Option<f64> },
    Running { deadline: Option<f64> },
    Done(Outcome<V>),
    Gone,
}

#[derive(Clone, Debug)]
enum Op {
    Push { prio: f64, timeout: Option<f64> },
    StartNext,
    /// `start_next` until it says no.
    Pump,
    /// Finishes one of the running jobs (picked by index).
    Finish { pick: usize, ok: bool },
    /// Finishes any id, running or not (unknown ids included): checks `Ignored`.
    FinishAny { pick: usize, ok: bool },
    Stop,
    Start,
    Clear,
    Result { pick: usize },
    Cancel { pick: usize },
    /// Moves the fake clock on, then `expire(now)`.
    Advance { dt: u32 },
    SetPriority { pick: usize, prio: f64 },
    SetPaused(bool),
    SetConcurrency(Option<u32>),
}

struct Model {
    track: bool,
    queue_timeout: Option<f64>,
    max_records: Option<usize>,
    limit: Option<u32>,
    open: bool,
    paused: bool,
    /// State of id `i + 1`.
    jobs: Vec<M>,
    /// Ids in the order their records were made (for `max_records`).
    finish_order: Vec<JobId>,
    now: f64,
    next_value: V,
    /// Ids that must never start: cancelled while waiting, or dropped by `stop`.
    never_start: Vec<bool>,
    started: Vec<JobId>,
}

impl Model {
    fn new(cfg: &Config) -> Self {
        Model {
            track: cfg.track,
            queue_timeout: cfg.timeout,
            max_records: cfg.max_records,
            limit: cfg.concurrency,
            open: false,
            paused: false,
            jobs: Vec::new(),
            finish_order: Vec::new(),
            now: 0.0,
            next_value: 0,
            never_start: Vec::new(),
            started: Vec::new(),
        }
    }

    fn state(&self, id: JobId) -> &M {
        static GONE: M = M::Gone;
        match id.checked_sub(1).and_then(|i| self.jobs.get(i as usize)) {
            Some(m) => m,
            None => &GONE,
        }
    }

    fn set(&mut self, id: JobId, m: M) {
        self.jobs[(id - 1) as usize] = m;
    }

    fn next_id(&self) -> JobId {
        self.jobs.len() as JobId + 1
    }

    /// An id in `0..=next_id`: mostly real ids, sometimes 0 or the one not pushed yet.
    fn any_id(&self, pick: usize) -> JobId {
        (pick % (self.jobs.len() + 2)) as JobId
    }

    fn ids_where(&self, f: impl Fn(&M) -> bool) -> Vec<JobId> {
        (1..self.next_id()).filter(|&id| f(self.state(id))).collect()
    }

    fn count(&self, f: impl Fn(&M) -> bool) -> usize {
        self.jobs.iter().filter(|m| f(m)).count()
    }

    fn waiting(&self) -> usize {
        self.count(|m| matches!(m, M::Waiting { .. }))
    }
    fn running(&self) -> usize {
        self.count(|m| matches!(m, M::Running { .. }))
    }
    fn records(&self) -> usize {
        self.count(|m| matches!(m, M::Done(_)))
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

    /// The reference order: the highest priority (by `>`/`==`, so -0 equals +0), then the
    /// lowest id.
    fn best_waiting(&self) -> Option<JobId> {
        let mut best: Option<(JobId, f64)> = None;
        for id in 1..self.next_id() {
            if let M::Waiting { prio, .. } = *self.state(id) {
                if best.map_or(true, |(_, bp)| prio > bp) {
                    best = Some((id, prio));
                }
            }
        }
        best.map(|(id, _)| id)
    }

    fn settle(&mut self, id: JobId, outcome: Outcome<V>) {
        if !self.track {
            self.set(id, M::Gone);
            return;
        }
        self.set(id, M::Done(outcome));
        self.finish_order.push(id);
        if let Some(max) = self.max_records {
            // Drop the earliest-finished records still kept until at most `max` remain.
            let mut i = 0;
            while self.records() > max {
                let old = self.finish_order[i];
                if matches!(self.state(old), M::Done(_)) {
                    self.set(old, M::Gone);
                }
                i += 1;
            }
        }
    }
}

fn status_of(m: &M) -> Option<Status> {
    match m {
        M::Waiting { .. } => Some(Status::Pending),
        M::Running { .. } => Some(Status::Running),
        M::Done(Ok(_)) => Some(Status::Succeeded),
        M::Done(Err(_)) => Some(Status::Failed),
        M::Gone => None,
    }
}

struct Run {
    s: Scheduler<J, V>,
    m: Model,
    /// Sync mode, priorities all 0 and the limit never changed: start order must be push order
    /// and at most one job runs.
    strict_sync: bool,
}

impl Run {
    fn start_one(&mut self) -> Result<Option<JobId>, TestCaseError> {
        let want = if self.m.can_start() { self.m.best_waiting() } else { None };
        prop_assert_eq!(self.s.can_start(), want.is_some(), "can_start");
        let running_before = self.s.running();
        let got = self.s.start_next(self.m.now);
        prop_assert_eq!(got.as_ref().map(|st| st.id), want, "start_next picked");
        let Some(Started { id, job }) = got else { return Ok(None) };
        prop_assert_eq!(job, token(id), "start_next handed over another job");
        prop_assert!(self.m.open, "a job started on a closed queue");
        prop_assert!(!self.m.never_start[(id - 1) as usize], "job {} was stopped/cancelled", id);
        if let Some(n) = self.m.limit {
            prop_assert!(running_before < n as usize && self.s.running() <= n as usize);
        }
        if self.strict_sync {
            prop_assert!(self.m.started.last().map_or(true, |&last| last < id), "not push order");
            prop_assert_eq!(running_before, 0, "sync mode runs one at a time");
        }
        let M::Waiting { timeout, .. } = *self.m.state(id) else { unreachable!() };
        let deadline =
            timeout.or(self.m.queue_timeout).filter(|t| t.is_finite()).map(|t| self.m.now + t);
        self.m.set(id, M::Running { deadline });
        self.m.started.push(id);
        Ok(Some(id))
    }

    fn finish(&mut self, id: JobId, ok: bool) -> Result<(), TestCaseError> {
        let v = self.m.value();
        let outcome: Outcome<V> = if ok { Ok(v) } else { Err(Fail::Thrown(v)) };
        let want = if matches!(self.m.state(id), M::Running { .. }) {
            self.m.settle(id, outcome.clone());
            if self.m.track {
                Settled::Recorded
            } else {
                Settled::Forgotten(outcome.clone())
            }
        } else {
            Settled::Ignored(outcome.clone())
        };
        prop_assert_eq!(self.s.finish(id, outcome), want, "finish({})", id);
        Ok(())
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match *op {
            Op::Push { prio, timeout } => {
                let opts = PushOptions { priority: prio, timeout };
                let id = self.m.next_id();
                let got = self.s.push(token(id), opts);
                if self.m.open {
                    prop_assert_eq!(got, Ok(id));
                    self.m.jobs.push(M::Waiting { prio, timeout });
                    self.m.never_start.push(false);
                } else {
                    prop_assert_eq!(got, Err(ErrorCode::QueueClosed));
                }
            }
            Op::StartNext => {
                self.start_one()?;
            }
            Op::Pump => while self.start_one()?.is_some() {},
            Op::Finish { pick, ok } => {
                let running = self.m.ids_where(|m| matches!(m, M::Running { .. }));
                if !running.is_empty() {
                    self.finish(running[pick % running.len()], ok)?;
                }
            }
            Op::FinishAny { pick, ok } => {
                let id = self.m.any_id(pick);
                self.finish(id, ok)?;
            }
            Op::Stop => {
                let dropped = self.m.ids_where(|m| matches!(m, M::Waiting { .. }));
                self.m.open = false;
                for &id in &dropped {
                    self.m.settle(id, Err(Fail::Closed));
                    self.m.never_start[(id - 1) as usize] = true;
                }
                prop_assert_eq!(self.s.stop(), dropped, "stop");
            }
            Op::Start => {
                prop_assert_eq!(self.s.start(), !self.m.open, "start");
                self.m.open = true;
            }
            Op::Clear => {
                for id in self.m.ids_where(|m| matches!(m, M::Done(_))) {
                    self.m.set(id, M::Gone);
                }
                self.m.finish_order.clear();
                self.s.clear();
            }
            Op::Result { pick } => {
                let id = self.m.any_id(pick);
                let want: Result<V, Lookup<V>> = if !self.m.track {
                    Err(Lookup::Code(ErrorCode::NotImplemented))
                } else {
                    match self.m.state(id).clone() {
                        M::Waiting { .. } => Err(Lookup::Code(ErrorCode::Pending)),
                        M::Running { .. } => Err(Lookup::Code(ErrorCode::Running)),
                        M::Gone => Err(Lookup::Code(ErrorCode::NotFound)),
                        M::Done(outcome) => {
                            self.m.set(id, M::Gone);
                            outcome.map_err(Lookup::Failed)
                        }
                    }
                };
                prop_assert_eq!(self.s.result(id), want, "result({})", id);
            }
            Op::Cancel { pick } => {
                let id = self.m.any_id(pick);
                let reason = -self.m.value();
                let want = match self.m.state(id) {
                    M::Waiting { .. } => Some(Status::Pending),
                    M::Running { .. } => Some(Status::Running),
                    _ => None,
                };
                if want.is_some() {
                    if want == Some(Status::Pending) {
                        self.m.never_start[(id - 1) as usize] = true;
                    }
                    self.m.settle(id, Err(Fail::Thrown(reason)));
                }
                prop_assert_eq!(self.s.cancel(id, reason), want, "cancel({})", id);
            }
            Op::Advance { dt } => {
                self.m.now += f64::from(dt);
                let now = self.m.now;
                let mut due: Vec<(f64, JobId)> = (1..self.m.next_id())
                    .filter_map(|id| match *self.m.state(id) {
                        M::Running { deadline: Some(at) } if at <= now => Some((at, id)),
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
            Op::SetPriority { pick, prio } => {
                let id = self.m.any_id(pick);
                let waiting = matches!(self.m.state(id), M::Waiting { .. });
                if let M::Waiting { timeout, .. } = *self.m.state(id) {
                    self.m.set(id, M::Waiting { prio, timeout });
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

    /// The whole state, compared after every step.
    fn check(&mut self) -> Result<(), TestCaseError> {
        let (s, m) = (&mut self.s, &self.m);
        prop_assert_eq!(s.is_open(), m.open);
        prop_assert_eq!(s.is_paused(), m.paused);
        prop_assert_eq!(s.concurrency(), m.limit);
        prop_assert_eq!(s.next_id(), m.next_id());
        prop_assert_eq!(s.waiting(), m.waiting(), "waiting()");
        prop_assert_eq!(s.running(), m.running(), "running()");
        prop_assert_eq!(s.records(), m.records(), "records()");
        prop_assert_eq!(s.is_idle(), m.waiting() == 0 && m.running() == 0);
        if !m.open {
            prop_assert_eq!(s.waiting(), 0, "a job waits on a closed queue");
        }
        if let Some(max) = m.max_records {
            prop_assert!(s.records() <= max);
        }
        // Every pushed id is in exactly the state the model says (plus one past the end).
        for id in 0..=m.next_id() {
            let want = m.state(id);
            prop_assert_eq!(s.status(id), status_of(want), "status({})", id);
            let peek = match want {
                M::Done(o) => Some(o),
                _ => None,
            };
            prop_assert_eq!(s.peek(id), peek, "peek({})", id);
            let prio = match *want {
                M::Waiting { prio, .. } => Some(prio),
                _ => None,
            };
            // `==` on purpose: -0 and +0 are the same priority.
            prop_assert!(s.priority(id) == prio, "priority({}) {:?} != {:?}", id, s.priority(id), prio);
        }
        // The ring spans from the oldest live job: every id below it is gone.
        let oldest = (1..m.next_id())
            .find(|&id| !matches!(m.state(id), M::Gone))
            .unwrap_or(m.next_id());
        prop_assert_eq!(s.oldest_live_id(), oldest, "oldest_live_id()");
        let deadline = (1..m.next_id())
            .filter_map(|id| match *m.state(id) {
                M::Running { deadline } => deadline,
                _ => None,
            })
            .min_by(f64::total_cmp);
        prop_assert_eq!(s.next_deadline(), deadline, "next_deadline()");
        if self.strict_sync {
            prop_assert!(s.running() <= 1);
        }
        Ok(())
    }
}

fn run(cfg: Config, ops: &[Op], strict_sync: bool) -> Result<(), TestCaseError> {
    let mut r = Run { s: Scheduler::new(cfg.clone()), m: Model::new(&cfg), strict_sync };
    r.check()?;
    // Mostly start open, so pushes land; `Stop`/`Start` ops cover the rest.
    r.step(&Op::Start)?;
    for op in ops {
        r.step(op)?;
    }
    // Drain to the end: unpause, open, run everything, read every record.
    r.step(&Op::SetPaused(false))?;
    r.step(&Op::Start)?;
    for _ in 0..10_000 {
        r.step(&Op::Pump)?;
        if r.m.running() == 0 {
            break;
        }
        r.step(&Op::Finish { pick: 0, ok: true })?;
    }
    prop_assert!(r.s.is_idle());
    for id in 0..=r.m.next_id() {
        r.step(&Op::Result { pick: id as usize })?;
    }
    if cfg.track {
        prop_assert_eq!(r.s.records(), 0);
        prop_assert_eq!(r.s.oldest_live_id(), r.s.next_id(), "the ring is empty once all is read");
    }
    Ok(())
}

fn priority() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => Just(0.0),
        1 => Just(-0.0),
        2 => Just(1.0),
        1 => Just(2.0),
        2 => Just(-1.0),
    ]
}

fn job_timeout() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        6 => Just(None),
        1 => Just(Some(1.0)),
        1 => Just(Some(15.0)),
        1 => Just(Some(f64::INFINITY)),
    ]
}

fn limit() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![Just(Some(1)), Just(Some(2)), Just(Some(3)), Just(None)]
}

fn config() -> impl Strategy<Value = Config> {
    (
        limit(),
        prop::bool::weighted(0.75),
        prop_oneof![2 => Just(None), 1 => Just(Some(5.0)), 1 => Just(Some(40.0))],
        prop_oneof![3 => Just(None), 1 => Just(Some(1)), 1 => Just(Some(3))],
    )
        .prop_map(|(concurrency, track, timeout, max_records)| Config {
            concurrency,
            track,
            timeout,
            max_records,
        })
}

fn op(prio: BoxedStrategy<f64>, with_limits: bool) -> impl Strategy<Value = Op> {
    let pick = any::<usize>();
    let common = prop_oneof![
        10 => (prio.clone(), job_timeout()).prop_map(|(prio, timeout)| Op::Push { prio, timeout }),
        5 => Just(Op::StartNext),
        2 => Just(Op::Pump),
        8 => (pick, any::<bool>()).prop_map(|(pick, ok)| Op::Finish { pick, ok }),
        1 => (pick, any::<bool>()).prop_map(|(pick, ok)| Op::FinishAny { pick, ok }),
        1 => Just(Op::Stop),
        2 => Just(Op::Start),
        1 => Just(Op::Clear),
        3 => pick.prop_map(|pick| Op::Result { pick }),
        2 => pick.prop_map(|pick| Op::Cancel { pick }),
        3 => (0u32..25).prop_map(|dt| Op::Advance { dt }),
        2 => (pick, prio).prop_map(|(pick, prio)| Op::SetPriority { pick, prio }),
        1 => any::<bool>().prop_map(Op::SetPaused),
    ];
    if with_limits {
        prop_oneof![20 => common, 1 => limit().prop_map(Op::SetConcurrency)].boxed()
    } else {
        common.boxed()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any configuration, any sequence of calls: the scheduler agrees with the model.
    #[test]
    fn scheduler_matches_the_model(
        cfg in config(),
        ops in prop::collection::vec(op(priority().boxed(), true), 0..200),
    ) {
        run(cfg, &ops, false)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Sync mode with every priority 0 (including -0): jobs start one at a time in push order.
    #[test]
    fn sync_mode_runs_in_push_order(
        track in any::<bool>(),
        timeout in prop_oneof![Just(None), Just(Some(10.0))],
        ops in prop::collection::vec(
            op(prop_oneof![Just(0.0), Just(-0.0)].boxed(), false), 0..200),
    ) {
        let cfg = Config { concurrency: Some(1), track, timeout, max_records: None };
        run(cfg, &ops, true)?;
    }
}
