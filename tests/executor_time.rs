#![cfg(not(target_arch = "wasm32"))]
//! Time on a fake clock: timeouts, retries and their backoff, record TTL, rate limits.

mod support;

use std::rc::Rc;

use gorqs::core::{Backoff, Config, ErrorCode, RateLimit, Status};
use gorqs::executor::{events, BackoffOption, JobOptions, Limits, Ran, ResultError};
use support::*;

fn timeout_config(concurrency: Option<u32>, ms: f64) -> Config {
    Config { concurrency, track: true, timeout: Some(ms), max_records: None }
}

fn failed_with(q: &Q, id: u64) -> V {
    match q.exec.result(id) {
        Err(ResultError::Failed(v)) => v,
        other => panic!("job {id}: expected a failure, got {other:?}"),
    }
}

const TIMEOUT: V = V::Code(ErrorCode::Timeout);

#[test]
fn a_promise_job_past_its_timeout_fails_and_sync_mode_goes_on() {
    let (q, _) = Q::started(timeout_config(Some(1), 100.0));
    q.exec.listen(events::FAILED).unwrap();
    let id = q.push(pending());
    let w = q.wait(id);
    q.push(echo());
    q.drive();
    assert_eq!(q.host().timer(), Some(100.0), "armed at start + timeout");
    q.at(99.0);
    assert_eq!(q.exec.status(id).unwrap(), Some(Status::Running));
    assert_eq!(q.host().called_ids(), vec![1]);
    q.at(100.0);
    assert_eq!(w.err(), TIMEOUT);
    assert_eq!(q.host().events(), vec![Ev::Failed(1, TIMEOUT)]);
    assert_eq!(q.host().called_ids(), vec![1, 2], "the slot was freed: job 2 ran");
    assert_eq!(q.exec.result(2).unwrap(), int(2));
    // The late settlement is ignored.
    q.settle_ok(id, int(99));
    assert_eq!(failed_with(&q, id), TIMEOUT);
    assert_eq!(q.host().events().len(), 1, "no event for the late outcome");
    assert_eq!(q.running(), 0);
}

#[test]
fn a_synchronous_job_past_its_timeout_keeps_its_outcome() {
    let (q, _) = Q::started(timeout_config(Some(1), 100.0));
    let id = q.push(job(|ctx| {
        ctx.spend(500.0);
        Out::Val(int(7))
    }));
    q.drive();
    assert_eq!(q.exec.result(id).unwrap(), int(7));
    assert_eq!(q.host().timer(), None, "nothing left to time");
    q.exec.on_timer(); // a stale firing does nothing
    assert_eq!(q.running(), 0);
}

#[test]
fn a_per_job_timeout_overrides_the_queue_one() {
    let (q, _) = Q::started(timeout_config(None, 1000.0));
    let short = q
        .exec
        .push_with(pending(), JobOptions { timeout: Some(10.0), ..Default::default() })
        .unwrap();
    let long = q.push(pending());
    q.drive();
    assert_eq!(q.host().timer(), Some(10.0));
    q.at(10.0);
    assert_eq!(failed_with(&q, short), TIMEOUT);
    assert_eq!(q.exec.status(long).unwrap(), Some(Status::Running));
    assert_eq!(q.host().timer(), Some(1000.0));
    q.settle_ok(long, int(1));
    assert_eq!(q.exec.result(long).unwrap(), int(1));
    assert_eq!(q.host().timer(), None);
}

#[test]
fn a_per_job_timeout_without_a_queue_timeout() {
    let q = Q::sync(true);
    let id = q
        .exec
        .push_with(pending(), JobOptions { timeout: Some(5.0), ..Default::default() })
        .unwrap();
    q.push(echo());
    q.drive();
    assert_eq!(q.host().timer(), Some(5.0));
    q.advance(5.0);
    assert_eq!(failed_with(&q, id), TIMEOUT);
    assert_eq!(q.exec.result(2).unwrap(), int(2));
}

#[test]
fn timeouts_abort_ctx_signal_read_before_or_after() {
    let (q, _) = Q::started(timeout_config(None, 50.0));
    let sigs = Rc::new(std::cell::RefCell::new(Vec::new()));
    let s2 = sigs.clone();
    let early = q.push(job(move |ctx| {
        s2.borrow_mut().push(ctx.signal());
        Out::Pending
    }));
    let late = q.push(pending());
    q.drive();
    let early_sig = sigs.borrow()[0].clone();
    assert!(!early_sig.is_aborted());
    assert_eq!(q.host().controllers_made.get(), 1, "made only for the job that read it");
    q.at(50.0);
    assert_eq!(early_sig.reason(), Some(TIMEOUT));
    // The other job reads its signal after the timeout: aborted already.
    match q.exec.signal_for(late) {
        V::Signal(sig) => assert_eq!(sig.reason(), Some(TIMEOUT)),
        other => panic!("{other:?}"),
    }
    // Read twice: the same signal.
    assert_eq!(q.exec.signal_for(early), V::Signal(early_sig));
}

#[test]
fn retries_with_fixed_backoff_wait_and_deliver_only_the_final_outcome() {
    let q = Q::sync(true);
    q.exec.listen(events::COMPLETED | events::FAILED).unwrap();
    let opts = fixed_retries(3, 50.0);
    let id = q
        .exec
        .push_with(
            job(|ctx| {
                if ctx.attempt < 3 {
                    Out::Throw(int(ctx.attempt as i64))
                } else {
                    Out::Val(s("ok"))
                }
            }),
            opts,
        )
        .unwrap();
    let w = q.wait(id);
    q.drive();
    assert_eq!(q.exec.status(id).unwrap(), Some(Status::Pending), "waiting for its retry");
    assert_eq!(q.host().timer(), Some(50.0));
    q.at(49.0);
    assert_eq!(q.host().calls().len(), 1);
    q.at(50.0);
    q.at(100.0);
    assert_eq!(
        q.host().call_times(),
        vec![(id, 1, 0.0), (id, 2, 50.0), (id, 3, 100.0)],
        "attempts 1, 2, 3, each after its delay"
    );
    assert_eq!(w.ok(), s("ok"));
    assert_eq!(q.host().events(), vec![Ev::Completed(id, s("ok"))], "one outcome");
    assert_eq!(q.exec.result(id).unwrap(), s("ok"));
}

#[test]
fn retries_with_exponential_backoff_double_and_the_last_failure_stands() {
    let q = Q::asynch(true);
    let opts = JobOptions {
        retries: 3,
        backoff: BackoffOption::Core(Backoff::Exponential { delay: 10.0, jitter: 0.0 }),
        ..Default::default()
    };
    let id = q.exec.push_with(job(|ctx| Out::Throw(int(ctx.attempt as i64))), opts).unwrap();
    q.drive();
    for t in [10.0, 30.0, 70.0] {
        q.at(t - 1.0);
        q.at(t);
    }
    let times: Vec<_> = q.host().call_times().into_iter().map(|(_, a, t)| (a, t)).collect();
    assert_eq!(times, vec![(1, 0.0), (2, 10.0), (3, 30.0), (4, 70.0)]);
    assert_eq!(failed_with(&q, id), int(4));
    assert_eq!(q.host().timer(), None);
}

#[test]
fn a_retried_promise_job_settles_each_try() {
    let q = Q::sync(true);
    let opts = JobOptions { retries: 1, ..Default::default() };
    let id = q.exec.push_with(pending(), opts).unwrap();
    let next = q.push(echo());
    q.drive();
    q.settle_err(id, s("first"));
    // Zero delay: back in line at once, behind the jobs pushed before it failed.
    assert_eq!(q.host().calls(), vec![(id, 1), (next, 1), (id, 2)]);
    assert_eq!(q.exec.status(id).unwrap(), Some(Status::Running));
    q.settle_ok(id, s("second"));
    assert_eq!(q.exec.result(id).unwrap(), s("second"));
    assert_eq!(q.exec.result(next).unwrap(), int(next as i64));
}

#[test]
fn a_backoff_function_gives_the_delay() {
    let q = Q::sync(true);
    let f = backoff_fn(|attempt| Some(f64::from(attempt) * 7.0));
    let opts = JobOptions {
        retries: 2,
        backoff: BackoffOption::Function(f.clone()),
        ..Default::default()
    };
    let id = q.exec.push_with(throws(s("no")), opts).unwrap();
    q.drive();
    assert_eq!(q.host().timer(), Some(7.0));
    q.at(7.0);
    assert_eq!(q.host().timer(), Some(21.0), "7 + 2 * 7");
    q.at(20.0);
    assert_eq!(q.host().calls().len(), 2);
    q.at(21.0);
    assert_eq!(q.host().calls(), vec![(id, 1), (id, 2), (id, 3)]);
    let V::Func(func) = &f else { unreachable!() };
    assert_eq!(*func.calls.borrow(), vec![1, 2], "called with the attempt that failed");
    assert_eq!(failed_with(&q, id), s("no"));
}

#[test]
fn a_throwing_backoff_function_retries_at_once() {
    let q = Q::sync(true);
    let opts = JobOptions {
        retries: 1,
        backoff: BackoffOption::Function(backoff_fn(|_| None)),
        ..Default::default()
    };
    let id = q
        .exec
        .push_with(
            job(|ctx| if ctx.attempt == 1 { Out::Throw(V::Undef) } else { Out::Val(int(2)) }),
            opts,
        )
        .unwrap();
    q.drive();
    assert_eq!(q.host().calls(), vec![(id, 1), (id, 2)]);
    assert_eq!(q.exec.result(id).unwrap(), int(2));
}

#[test]
fn a_finished_job_lets_go_of_its_backoff_function() {
    let q = Q::sync(false);
    let f = backoff_fn(|_| Some(0.0));
    let V::Func(func) = &f else { unreachable!() };
    let func = func.clone();
    let opts = JobOptions { retries: 2, backoff: BackoffOption::Function(f), ..Default::default() };
    q.exec.push_with(val(int(1)), opts.clone()).unwrap();
    q.exec.push_with(throws(int(1)), opts).unwrap();
    q.run_all();
    assert_eq!(q.host().calls().len(), 4);
    assert_eq!(Rc::strong_count(&func), 1, "the queue still holds a finished job's backoff");
}

#[test]
fn a_timed_out_job_lets_go_of_its_backoff_function() {
    let (q, _) = Q::started(Config { track: false, ..timeout_config(Some(1), 10.0) });
    let f = backoff_fn(|_| Some(0.0));
    let V::Func(func) = &f else { unreachable!() };
    let func = func.clone();
    let opts = JobOptions { retries: 1, backoff: BackoffOption::Function(f), ..Default::default() };
    let id = q.exec.push_with(pending(), opts).unwrap();
    q.drive();
    q.at(10.0);
    q.at(20.0);
    assert_eq!(q.host().calls(), vec![(id, 1), (id, 2)]);
    assert_eq!(q.exec.status(id).unwrap(), None, "timed out twice: settled");
    assert_eq!(Rc::strong_count(&func), 1, "the queue still holds a timed-out job's backoff");
}

#[test]
fn a_try_that_timed_out_is_retried_and_its_late_outcome_ignored() {
    let (q, _) = Q::started(timeout_config(Some(1), 100.0));
    let opts = JobOptions { retries: 1, ..Default::default() };
    let sigs = Rc::new(std::cell::RefCell::new(Vec::new()));
    let s2 = sigs.clone();
    let id = q
        .exec
        .push_with(
            job(move |ctx| {
                s2.borrow_mut().push(ctx.signal());
                Out::Pending
            }),
            opts,
        )
        .unwrap();
    let w = q.wait(id);
    q.drive();
    q.at(100.0);
    assert_eq!(q.host().calls(), vec![(id, 1), (id, 2)], "retried at once after the timeout");
    assert_eq!(sigs.borrow()[0].reason(), Some(TIMEOUT), "try 1's signal aborted");
    assert!(!sigs.borrow()[1].is_aborted(), "try 2 has a fresh signal");
    assert!(w.is_pending());
    // Try 1 settles late: ignored; try 2's signal is untouched.
    q.settle_attempt(id, 1, Ran::Value, int(1));
    assert_eq!(q.exec.status(id).unwrap(), Some(Status::Running));
    assert!(w.is_pending());
    q.settle_attempt(id, 2, Ran::Value, int(2));
    assert_eq!(w.ok(), int(2));
    assert_eq!(q.exec.result(id).unwrap(), int(2));
}

#[test]
fn cancel_during_a_retry_delay_ends_the_job() {
    let q = Q::sync(true);
    let opts = fixed_retries(5, 30.0);
    let id = q.exec.push_with(throws(int(0)), opts).unwrap();
    q.drive();
    assert_eq!(q.exec.status(id).unwrap(), Some(Status::Pending));
    assert!(q.exec.cancel(id, Some(s("enough"))).unwrap());
    assert_eq!(q.host().timer(), None, "its retry deadline is gone");
    q.at(1000.0);
    assert_eq!(q.host().calls().len(), 1);
    assert_eq!(failed_with(&q, id), s("enough"));
}

#[test]
fn stop_during_a_retry_delay_fails_the_job_closed() {
    let q = Q::sync(true);
    let opts = fixed_retries(5, 30.0);
    let id = q.exec.push_with(throws(int(0)), opts).unwrap();
    let w = q.wait(id);
    q.drive();
    let stopped = q.exec.stop().unwrap();
    assert_eq!(stopped.ok(), V::Undef);
    assert_eq!(w.err(), V::Code(ErrorCode::QueueClosed));
    assert_eq!(q.host().timer(), None);
}

#[test]
fn a_failure_while_stopping_is_final() {
    let q = Q::sync(true);
    let opts = JobOptions { retries: 5, ..Default::default() };
    let id = q.exec.push_with(pending(), opts).unwrap();
    q.drive();
    let _ = q.exec.stop().unwrap();
    q.settle_err(id, s("bad"));
    assert_eq!(q.host().calls().len(), 1, "a closed queue retries nothing");
    assert_eq!(failed_with(&q, id), s("bad"));
}

#[test]
fn records_expire_after_their_ttl() {
    let q =
        Q::with_limits(sync_config(true), Limits { record_ttl: Some(100.0), ..Default::default() });
    q.exec.start(None).unwrap();
    q.push(echo());
    q.drive();
    assert_eq!(q.host().timer(), Some(100.0));
    q.at(99.0);
    assert_eq!(q.exec.status(1).unwrap(), Some(Status::Succeeded));
    q.at(100.0);
    assert_eq!(q.exec.status(1).unwrap(), None);
    assert!(matches!(q.exec.result(1), Err(ResultError::Code(ErrorCode::NotFound))));
    assert_eq!(q.host().timer(), None);
}

#[test]
fn reading_a_record_disarms_its_ttl_timer() {
    let q =
        Q::with_limits(sync_config(true), Limits { record_ttl: Some(100.0), ..Default::default() });
    q.exec.start(None).unwrap();
    q.push(echo());
    q.drive();
    assert_eq!(q.exec.result(1).unwrap(), int(1));
    assert_eq!(q.host().timer(), None);
}

#[test]
fn a_rate_limit_spreads_the_starts_over_windows() {
    let rate = RateLimit::new(100.0, 2);
    let q = Q::with_limits(async_config(false), Limits { rate, ..Default::default() });
    q.exec.start(None).unwrap();
    for _ in 0..5 {
        q.push(echo());
    }
    q.drive();
    assert_eq!(q.host().calls().len(), 2);
    assert_eq!(q.host().timer(), Some(100.0));
    q.at(99.0);
    assert_eq!(q.host().calls().len(), 2);
    q.at(100.0);
    assert_eq!(q.host().calls().len(), 4);
    q.at(200.0);
    let times: Vec<_> = q.host().call_times().into_iter().map(|(id, _, t)| (id, t)).collect();
    assert_eq!(times, vec![(1, 0.0), (2, 0.0), (3, 100.0), (4, 100.0), (5, 200.0)]);
    assert_eq!(q.host().timer(), None);
}

#[test]
fn max_records_drops_the_earliest_finished() {
    let q = Q::sync(true);
    let q2 = Q::started(Config { max_records: Some(2), ..sync_config(true) }).0;
    for q in [&q, &q2] {
        for _ in 0..3 {
            q.push(echo());
        }
        q.drive();
    }
    assert_eq!(q.exec.status(1).unwrap(), Some(Status::Succeeded));
    assert_eq!(q2.exec.status(1).unwrap(), None);
    assert_eq!(q2.exec.result(3).unwrap(), int(3));
    assert_eq!(q2.exec.result(2).unwrap(), int(2));
}

/// `retries` more tries after a failure, each `delay` ms after it.
fn fixed_retries(retries: u32, delay: f64) -> JobOptions<V> {
    JobOptions {
        retries,
        backoff: BackoffOption::Core(Backoff::Fixed { delay, jitter: 0.0 }),
        ..Default::default()
    }
}
