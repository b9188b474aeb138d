#![cfg(not(target_arch = "wasm32"))]
//! Random interleavings against the executor on the fake host: pushes of every kind of job,
//! settlements in random order (stale tries included), timers, cancels, stop/start, calls from
//! inside jobs. Checked after every step and at the end:
//! - no panic (no RefCell double borrow, no value taken twice, one microtask armed at most);
//! - `running() <= concurrency`;
//! - every job is accounted for exactly once: its `wait` promise settles once, with the same
//!   outcome as its single `completed`/`failed` event and its record (tracking on).
//!
//! Environment (as tests/core_fuzz.rs):
//!   GORQS_FUZZ_SECS   time budget in seconds (default 2)
//!   GORQS_FUZZ_SEED   a fixed seed (u64) to replay one case
//! A failure prints the seed of the case.

mod support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use gorqs::core::{Backoff, Config, JobId, Status};
use gorqs::executor::{events, BackoffOption, JobOptions, Ran, ResultError};
use support::*;

type Rng = Rc<RefCell<fastrand::Rng>>;
type Waits = Rc<RefCell<Vec<(JobId, P)>>>;

fn env_num<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok()?.parse().ok()
}

/// A random job; some call back into the queue from inside `run()`.
fn random_job(rng: &Rng, waits: &Waits, depth: u32) -> Job {
    let kind = rng.borrow_mut().u8(0..10);
    let (rng, waits) = (rng.clone(), waits.clone());
    job(move |ctx| match kind {
        0 | 1 => Out::Val(int(ctx.id as i64)),
        2 => Out::Throw(int(-(ctx.id as i64))),
        3 | 4 => Out::Pending,
        5 => Out::Then(if ctx.attempt % 2 == 0 {
            Ok(int(1))
        } else {
            Err(int(2))
        }),
        6 => {
            ctx.spend(3.0);
            Out::Val(V::Undef)
        }
        7 => {
            let _ = ctx.signal();
            Out::Pending
        }
        _ => {
            reentrant(ctx, &rng, &waits, depth);
            if rng.borrow_mut().bool() {
                Out::Pending
            } else {
                Out::Val(int(0))
            }
        }
    })
}

/// One random call into the queue from inside a job.
fn reentrant(ctx: &Ctx, rng: &Rng, waits: &Waits, depth: u32) {
    let e = &ctx.exec;
    if e.is_freed() {
        return;
    }
    let op = rng.borrow_mut().u8(0..10);
    let some_id = rng.borrow_mut().u64(1..ctx.id + 2);
    match op {
        0 | 1 if depth < 3 => {
            // Half through the JS host's push fast path (taken over at the next entry).
            let j = random_job(rng, waits, depth + 1);
            let (j, fast) = if rng.borrow_mut().bool() {
                (None, e.host().js_push(j.clone()))
            } else {
                (Some(j), None)
            };
            let pushed = match (fast, j) {
                (Some(id), _) => Ok(id),
                (None, Some(j)) => e.push(j),
                (None, None) => e.push(random_job(rng, waits, depth + 1)),
            };
            if let Ok(id) = pushed {
                // The JS `wait` too: on the host's side while its inbox holds the job.
                let w = e.host().js_wait(id).unwrap_or_else(|| e.wait(id).unwrap());
                waits.borrow_mut().push((id, w));
            }
        }
        2 => {
            let _ = e.cancel(some_id, Some(s("inner cancel"))).unwrap();
        }
        3 => {
            let _ = e.status(some_id).unwrap();
            let _ = e.wait(some_id).unwrap();
        }
        4 => {
            let _ = e.result(some_id);
        }
        5 => {
            let _ = e.stop().unwrap();
        }
        6 => {
            let _ = e.start(None).unwrap();
        }
        7 => e.clear().unwrap(),
        8 => {
            let _ = e.on_idle().unwrap();
            let _ = e.size().unwrap();
        }
        _ => {}
    }
}

fn one_case(seed: u64) -> u64 {
    let rng: Rng = Rc::new(RefCell::new(fastrand::Rng::with_seed(seed)));
    let r = |lo: u32, hi: u32| rng.borrow_mut().u32(lo..hi);
    let concurrency = match r(0, 4) {
        0 => None,
        n => Some(n),
    };
    let track = r(0, 2) == 1;
    let timeout = if r(0, 3) == 0 {
        Some(f64::from(r(5, 40)))
    } else {
        None
    };
    let config = Config {
        concurrency,
        track,
        timeout,
        max_records: None,
    };
    let q = Q::new(config);
    q.exec
        .listen(events::COMPLETED | events::FAILED | events::ACTIVE | events::EMPTY)
        .unwrap();
    let _ = q.exec.start(None).unwrap();
    let waits: Waits = Rc::new(RefCell::new(Vec::new()));
    let steps = r(10, 80);
    for _ in 0..steps {
        if q.exec.is_freed() {
            break;
        }
        match r(0, 16) {
            0..=4 => {
                let j = random_job(&rng, &waits, 0);
                let pushed = if r(0, 3) == 0 {
                    let opts = JobOptions {
                        retries: r(1, 3),
                        backoff: BackoffOption::Core(Backoff::Fixed {
                            delay: f64::from(r(0, 15)),
                            jitter: 0.0,
                        }),
                        priority: f64::from(r(0, 3)),
                        ..Default::default()
                    };
                    q.exec.push_with(j, opts)
                } else if r(0, 2) == 0 {
                    // The JS host's push fast path, when its inbox is open.
                    match q.host().js_push(j.clone()) {
                        Some(id) => Ok(id),
                        None => q.exec.push(j),
                    }
                } else {
                    q.exec.push(j)
                };
                if let Ok(id) = pushed {
                    // The JS `wait` too: on the host's side while its inbox holds the job.
                    let w = q.host().js_wait(id).unwrap_or_else(|| q.wait(id));
                    waits.borrow_mut().push((id, w));
                }
            }
            5..=8 => {
                let follows = q.host().follows();
                if !follows.is_empty() {
                    let f = follows[r(0, follows.len() as u32) as usize];
                    let ran = match r(0, 5) {
                        0 => Ran::Threw,
                        1 => Ran::Thenable,
                        _ => Ran::Value,
                    };
                    q.settle_attempt(f.id, f.attempt, ran, int(100 + f.id as i64));
                }
            }
            9 | 10 => q.advance(f64::from(r(0, 30))),
            11 => {
                q.drive();
                q.resume();
            }
            12 => {
                let id = rng
                    .borrow_mut()
                    .u64(1..q.exec.size().unwrap_or(0) as u64 + 8);
                let _ = q.exec.cancel(id, None);
            }
            13 => {
                let _ = q.exec.stop().unwrap();
            }
            14 => {
                let _ = q.exec.start(None).unwrap();
            }
            _ => {
                if r(0, 20) == 0 {
                    q.exec.free();
                }
            }
        }
        if let (Some(limit), Ok(running)) = (concurrency, q.exec.running()) {
            assert!(running <= limit as usize, "running {running} > {limit}");
        }
    }
    // Wind down: stop, then settle everything still out, fire every timer.
    let freed = q.exec.is_freed();
    let stopped = q.exec.stop().ok();
    for _ in 0..1000 {
        q.run_all();
        let follows = q.host().follows();
        if follows.is_empty() && q.host().timer().is_none() {
            break;
        }
        for f in follows {
            q.settle_attempt(f.id, f.attempt, Ran::Value, int(7));
        }
        q.advance(100.0);
    }
    assert!(q.host().follows().is_empty());
    if let Some(p) = stopped {
        assert!(!p.is_pending(), "stop's promise resolved once nothing ran");
        assert_eq!(q.exec.running().unwrap(), 0);
    }

    // Every job accounted for exactly once.
    let evs = q.host().events();
    let mut outcomes: HashMap<JobId, Result<V, V>> = HashMap::new();
    for ev in &evs {
        let (id, o) = match ev {
            Ev::Completed(id, v) => (*id, Ok(v.clone())),
            Ev::Failed(id, e) => (*id, Err(e.clone())),
            _ => continue,
        };
        assert!(
            outcomes.insert(id, o).is_none(),
            "job {id} settled twice: {evs:?}"
        );
    }
    for (id, w) in waits.borrow().iter() {
        match w.get() {
            Some(got) => {
                if let Some(ev) = outcomes.get(id) {
                    assert_eq!(&got, ev, "job {id}: wait and event disagree");
                }
                if !freed {
                    assert!(
                        outcomes.contains_key(id),
                        "job {id}: waited outcome without event"
                    );
                    if track {
                        let status = q.exec.status(*id).unwrap();
                        let want = if got.is_ok() {
                            Status::Succeeded
                        } else {
                            Status::Failed
                        };
                        // A job may have cleared the records from inside its run.
                        assert!(
                            status.is_none() || status == Some(want),
                            "job {id}: {status:?}"
                        );
                        if status.is_some() {
                            match (q.exec.result(*id), &got) {
                                (Ok(v), Ok(g)) => assert_eq!(&v, g),
                                (Err(ResultError::Failed(v)), Err(g)) => assert_eq!(&v, g),
                                (other, g) => panic!("job {id}: result {other:?}, wait {g:?}"),
                            }
                        }
                    }
                }
            }
            None => assert!(freed, "job {id} never settled (not freed)"),
        }
    }
    // Every runner the JS host stored is let go once its job is done (no leak in its store).
    if let Ok(stats) = q.exec.stats() {
        for id in 1..=stats.pushed as JobId {
            assert!(
                q.host().runner_gone(id),
                "job {id}'s runner is still held: calls {:?}, status {:?}, events {:?}",
                q.host()
                    .calls()
                    .iter()
                    .filter(|c| c.0 == id)
                    .collect::<Vec<_>>(),
                q.exec.status(id),
                q.host()
                    .events()
                    .iter()
                    .filter(|e| format!("{e:?}").contains(&format!("({id}")))
                    .collect::<Vec<_>>()
            );
        }
    }
    if !freed {
        for id in outcomes.keys() {
            assert!(
                waits.borrow().iter().any(|(w, _)| w == id),
                "event for unknown job {id}"
            );
        }
        assert_eq!(q.exec.size().unwrap(), 0);
        assert!(q.exec.on_idle().unwrap().get().is_some());
    }
    u64::from(steps)
}

#[test]
fn random_interleavings_keep_the_executor_consistent() {
    let budget = Duration::from_secs_f64(env_num("GORQS_FUZZ_SECS").unwrap_or(2.0));
    let fixed: Option<u64> = env_num("GORQS_FUZZ_SEED");
    let mut seeds = fastrand::Rng::new();
    let began = Instant::now();
    let (mut cases, mut steps) = (0u64, 0u64);
    loop {
        let seed = fixed.unwrap_or_else(|| seeds.u64(..));
        let result = std::panic::catch_unwind(|| one_case(seed));
        match result {
            Ok(n) => steps += n,
            Err(e) => {
                eprintln!("executor_fuzz: failing case, replay with GORQS_FUZZ_SEED={seed}");
                std::panic::resume_unwind(e);
            }
        }
        cases += 1;
        if fixed.is_some() || began.elapsed() >= budget {
            break;
        }
    }
    eprintln!(
        "executor_fuzz: {cases} cases, {steps} steps in {:?}",
        began.elapsed()
    );
    assert!(cases > 0);
}
