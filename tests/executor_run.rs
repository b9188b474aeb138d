#![cfg(not(target_arch = "wasm32"))]
//! The executor's run loop on a fake host: order, concurrency, draining, time slices,
//! thenables.

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use gorqs::core::{Config, Status};
use gorqs::executor::{PushError, Ran, CHECK_MS, SLICE_MS};
use support::*;

#[test]
fn push_never_runs_the_job_inside_push() {
    let q = Q::sync(false);
    let id = q.push(echo());
    assert_eq!(id, 1);
    assert!(q.host().calls().is_empty(), "push ran the job");
    assert_eq!(q.host().micro_pending(), 1, "push arms one microtask");
    q.drive();
    assert_eq!(q.host().calls(), vec![(1, 1)]);
}

#[test]
fn a_stopped_queue_refuses_pushes_and_uses_no_id() {
    let q = Q::new(sync_config(false));
    assert!(matches!(q.exec.push(echo()), Err(PushError::Closed)));
    assert!(matches!(
        q.exec.push_many(vec![echo(), echo()]),
        Err(PushError::Closed)
    ));
    q.exec.start(None).unwrap();
    assert_eq!(q.push(echo()), 1, "refused pushes used no id");
}

#[test]
fn sync_mode_runs_in_push_order_and_awaits_each_promise() {
    let q = Q::sync(true);
    let ids: Vec<_> = (0..4).map(|_| q.push(pending())).collect();
    q.drive();
    assert_eq!(q.host().called_ids(), vec![1], "only the first job starts");
    assert_eq!(q.running(), 1);
    assert_eq!(q.size(), 3);
    for (n, &id) in ids.iter().enumerate() {
        assert_eq!(q.followed(), vec![id]);
        assert_eq!(q.exec.status(id).unwrap(), Some(Status::Running));
        q.settle_ok(id, int(id as i64 * 10));
        // The settlement starts the next job at once: no task hop.
        let expected: Vec<_> = ids[..(n + 2).min(ids.len())].to_vec();
        assert_eq!(q.host().called_ids(), expected);
        assert_eq!(q.exec.status(id).unwrap(), Some(Status::Succeeded));
    }
    for &id in &ids {
        assert_eq!(q.exec.result(id).unwrap(), int(id as i64 * 10));
    }
    assert_eq!(q.running(), 0);
}

#[test]
fn sync_mode_runs_sync_jobs_one_after_another_in_one_drive() {
    let q = Q::sync(true);
    let log = Rc::new(RefCell::new(Vec::new()));
    for i in 0..5 {
        let log = log.clone();
        q.push(job(move |ctx| {
            assert_eq!(ctx.exec.running().unwrap(), 1, "one at a time");
            log.borrow_mut().push(i);
            Out::Val(int(i))
        }));
    }
    assert_eq!(q.drive(), 1);
    assert_eq!(*log.borrow(), vec![0, 1, 2, 3, 4]);
    assert_eq!(q.exec.result(3).unwrap(), int(2));
}

#[test]
fn async_mode_starts_all_at_once_and_finishes_in_settlement_order() {
    let q = Q::asynch(true);
    let events = q.host();
    q.exec.listen(gorqs::executor::events::COMPLETED).unwrap();
    let ids: Vec<_> = (0..5).map(|_| q.push(pending())).collect();
    q.drive();
    assert_eq!(
        q.host().called_ids(),
        ids,
        "every job starts without waiting"
    );
    assert_eq!(q.running(), 5);
    // Settle in an arbitrary order: 4, 2, 5, 1, 3.
    let order = [4, 2, 5, 1, 3];
    for &id in &order {
        q.settle_ok(id, int(id as i64));
    }
    let completed: Vec<_> = events
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Ev::Completed(id, v) => Some((id, v)),
            _ => None,
        })
        .collect();
    assert_eq!(
        completed,
        order
            .iter()
            .map(|&id| (id, int(id as i64)))
            .collect::<Vec<_>>()
    );
    assert_eq!(q.running(), 0);
    for id in ids {
        assert_eq!(q.exec.result(id).unwrap(), int(id as i64));
    }
}

#[test]
fn async_mode_settles_in_reverse_order() {
    let q = Q::asynch(false);
    let waits: Vec<_> = (0..6)
        .map(|_| q.push(pending()))
        .map(|id| (id, q.wait(id)))
        .collect();
    q.drive();
    for (id, p) in waits.iter().rev() {
        assert!(p.is_pending());
        q.settle_err(*id, int(-(*id as i64)));
        assert_eq!(p.err(), int(-(*id as i64)));
        // The earlier ones are still running.
        assert_eq!(q.running() as u64, id - 1);
    }
}

#[test]
fn concurrency_caps_running_jobs() {
    let q = Q::started(Config {
        concurrency: Some(3),
        ..async_config(false)
    })
    .0;
    for _ in 0..10 {
        q.push(pending());
    }
    q.drive();
    assert_eq!(q.running(), 3);
    assert_eq!(q.host().called_ids(), vec![1, 2, 3]);
    q.settle_ok(2, V::Undef);
    assert_eq!(q.running(), 3);
    assert_eq!(
        q.host().called_ids(),
        vec![1, 2, 3, 4],
        "a freed slot starts the next at once"
    );
    q.settle_ok(1, V::Undef);
    q.settle_ok(4, V::Undef);
    assert_eq!(q.host().called_ids(), vec![1, 2, 3, 4, 5, 6]);
    // Raising the limit starts more; lowering it lets the running ones finish.
    q.exec.set_concurrency(Some(5)).unwrap();
    q.drive();
    assert_eq!(q.running(), 5);
    q.exec.set_concurrency(Some(1)).unwrap();
    q.drive();
    assert_eq!(q.running(), 5);
    for id in [3, 5, 6, 7] {
        q.settle_ok(id, V::Undef);
        assert!(q.running() <= 5);
    }
    assert_eq!(q.running(), 1, "only 8 runs now");
    assert_eq!(q.host().called_ids().len(), 8);
    q.settle_ok(8, V::Undef);
    assert_eq!(q.host().called_ids().len(), 9);
    assert_eq!(q.running(), 1);
}

#[test]
fn a_backlog_of_sync_jobs_drains_in_one_drive_with_no_schedule_per_job() {
    let q = Q::asynch(false);
    let n = 2000;
    for _ in 0..n {
        q.push(val(int(1)));
    }
    assert_eq!(
        q.host().schedules.get(),
        1,
        "one microtask for all the pushes"
    );
    assert_eq!(q.drive(), 1);
    assert_eq!(q.host().calls().len(), n);
    assert_eq!(q.host().schedules.get(), 1, "no schedule per job");
    assert_eq!(q.host().yields.get(), 0, "the clock never moved: no yield");
    assert_eq!(q.size(), 0);
    assert_eq!(q.running(), 0);
}

#[test]
fn push_many_is_one_batch_with_consecutive_ids() {
    let q = Q::sync(true);
    q.push(echo());
    let first = q.exec.push_many(vec![echo(), echo(), echo()]).unwrap();
    assert_eq!(first, 2);
    assert_eq!(
        q.exec.push_many(vec![]).unwrap(),
        5,
        "an empty batch names the next id"
    );
    q.drive();
    assert_eq!(q.host().called_ids(), vec![1, 2, 3, 4]);
    assert_eq!(q.exec.result(4).unwrap(), int(4));
    assert_eq!(q.push(echo()), 5);
}

#[test]
fn the_slice_ends_after_slice_ms_and_nothing_starts_until_resume() {
    let q = Q::sync(false);
    for _ in 0..30 {
        q.push(job(|ctx| {
            ctx.spend(1.0);
            Out::Val(V::Undef)
        }));
    }
    q.drive();
    let first = q.host().calls().len();
    // Each job costs 1 ms; the slice is SLICE_MS long.
    assert_eq!(first as f64, SLICE_MS, "jobs started in the first slice");
    assert_eq!(
        q.host().yields.get(),
        1,
        "a spent slice yields one macrotask"
    );
    assert_eq!(q.host().macro_pending(), 1);
    // A microtask (a push, say) does not start anything while the slice is spent.
    q.push(val(V::Undef));
    q.drive();
    assert_eq!(q.host().calls().len(), first, "no job starts before resume");
    assert!(q.resume());
    let second = q.host().calls().len() - first;
    assert_eq!(second as f64, SLICE_MS);
    let mut slices = vec![first, second];
    let mut done = first + second;
    while q.resume() {
        let n = q.host().calls().len();
        slices.push(n - done);
        done = n;
    }
    assert_eq!(done, 31);
    // 31 jobs of 1 ms in slices of SLICE_MS: full slices, then the rest.
    let n = SLICE_MS as usize;
    let mut expected = vec![n; 31 / n];
    if 31 % n != 0 {
        expected.push(31 % n);
    }
    assert_eq!(slices, expected);
    assert_eq!(q.exec.size().unwrap(), 0);
}

/// Clock time each slice spans, from the fake clock at each job's call.
fn slice_spans(q: &Q, jobs_per_slice: &[usize]) -> Vec<f64> {
    let times = q.host().call_times();
    let mut spans = Vec::new();
    let mut i = 0;
    for &n in jobs_per_slice {
        if n > 0 {
            spans.push(times[i + n - 1].2 - times[i].2);
        }
        i += n;
    }
    spans
}

#[test]
fn a_coarse_clock_does_not_stretch_the_slice() {
    // Jobs of 0.25 ms on a clock that moves in whole ms (Date.now()): many readings see no
    // change; that must not be taken for "jobs are free".
    let q = Q::sync(false);
    let real = Rc::new(std::cell::Cell::new(0.0f64));
    for _ in 0..400 {
        let real = real.clone();
        q.push(job(move |ctx| {
            real.set(real.get() + 0.25);
            ctx.host().now.set(real.get().floor());
            Out::Val(V::Undef)
        }));
    }
    q.drive();
    let mut slices = vec![q.host().calls().len()];
    let mut done = slices[0];
    while q.resume() {
        let n = q.host().calls().len();
        slices.push(n - done);
        done = n;
    }
    assert_eq!(done, 400);
    for span in slice_spans(&q, &slices) {
        assert!(
            span <= SLICE_MS + 2.0 * CHECK_MS,
            "a slice spanned {span} ms: {slices:?}"
        );
    }
    assert!(
        slices.len() >= 400 / 4 / (SLICE_MS as usize + 2),
        "it yielded: {slices:?}"
    );
}

#[test]
fn a_slow_job_ends_the_slice_at_once() {
    let q = Q::asynch(false);
    q.push(job(|ctx| {
        ctx.spend(50.0);
        Out::Val(V::Undef)
    }));
    q.push(val(V::Undef));
    q.drive();
    assert_eq!(
        q.host().called_ids(),
        vec![1],
        "the slice was spent by job 1"
    );
    assert_eq!(q.host().macro_pending(), 1);
    q.resume();
    assert_eq!(q.host().called_ids(), vec![1, 2]);
}

#[test]
fn idle_time_does_not_count_against_a_new_slice() {
    let q = Q::sync(false);
    q.push(val(V::Undef));
    q.drive();
    // Long after, with nothing running, a new push starts in a fresh slice.
    q.host().now.set(1000.0);
    q.push(val(V::Undef));
    q.drive();
    assert_eq!(q.host().called_ids(), vec![1, 2]);
    assert_eq!(q.host().yields.get(), 0);
}

#[test]
fn a_thenable_settling_inside_then_finishes_the_job_and_goes_on() {
    let q = Q::sync(true);
    q.push(job(|_| Out::Then(Ok(int(7)))));
    q.push(job(|_| Out::Then(Err(int(8)))));
    q.push(echo());
    q.drive();
    assert_eq!(q.host().called_ids(), vec![1, 2, 3]);
    assert_eq!(q.exec.result(1).unwrap(), int(7));
    assert!(
        matches!(q.exec.result(2), Err(gorqs::executor::ResultError::Failed(v)) if v == int(8))
    );
    assert_eq!(q.exec.result(3).unwrap(), int(3));
    assert!(q.followed().is_empty());
}

#[test]
fn a_thenable_fulfilled_with_a_thenable_is_followed_on() {
    let q = Q::sync(true);
    let id = q.push(pending());
    q.push(echo());
    q.drive();
    q.settle(id, Ran::Thenable, V::Undef);
    assert_eq!(q.followed(), vec![id], "followed again");
    assert_eq!(q.exec.status(id).unwrap(), Some(Status::Running));
    assert_eq!(q.host().called_ids(), vec![1], "sync: the next waits");
    q.settle_ok(id, int(5));
    assert_eq!(q.exec.result(id).unwrap(), int(5));
    assert_eq!(q.host().called_ids(), vec![1, 2]);
}

#[test]
fn paused_queues_start_nothing_until_unpaused() {
    let q = Q::asynch(false);
    q.exec.set_paused(true).unwrap();
    assert!(q.exec.is_paused().unwrap());
    q.push(echo());
    q.push(echo());
    q.drive();
    assert!(q.host().calls().is_empty());
    q.exec.set_paused(false).unwrap();
    q.drive();
    assert_eq!(q.host().called_ids(), vec![1, 2]);
}

#[test]
fn priorities_order_the_waiting_jobs() {
    let q = Q::sync(false);
    let opts = |p: f64| gorqs::executor::JobOptions {
        priority: p,
        ..Default::default()
    };
    q.exec.push_with(echo(), opts(0.0)).unwrap();
    q.exec.push_with(echo(), opts(1.0)).unwrap();
    q.exec.push_with(echo(), opts(5.0)).unwrap();
    let id4 = q.exec.push_with(echo(), opts(0.0)).unwrap();
    assert!(q.exec.set_priority(id4, 9.0).unwrap());
    q.drive();
    assert_eq!(q.host().called_ids(), vec![4, 3, 2, 1]);
    assert!(
        !q.exec.set_priority(id4, 1.0).unwrap(),
        "not waiting any more"
    );
}

#[test]
fn untracked_values_are_not_fetched_from_the_host() {
    // take_value panics in the fake when called twice or without a classification; here we
    // check the plain path does not call it at all: a job that "returns" nothing fetchable.
    let q = Q::asynch(false);
    q.push(val(int(1)));
    q.drive();
    // The value of job 1 was never taken.
    assert!(q.host().calls().len() == 1);
    let taken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        gorqs::executor::Host::take_value(q.host())
    }));
    assert_eq!(taken.ok(), Some(int(1)), "the value stayed in the host");
}

#[test]
fn stop_and_start_again_keeps_counting_ids() {
    let q = Q::sync(false);
    q.push(echo());
    q.drive();
    let stopped = q.exec.stop().unwrap();
    assert_eq!(stopped.ok(), V::Undef);
    assert!(!q.exec.is_running().unwrap());
    q.exec.start(None).unwrap();
    assert_eq!(q.push(echo()), 2);
    q.drive();
    assert_eq!(q.host().called_ids(), vec![1, 2]);
}
