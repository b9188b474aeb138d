#![cfg(not(target_arch = "wasm32"))]
//! Native tests of the timed features of the core (issue 5): retries with backoff, record TTL,
//! rate limit, and the one host timer that covers them all (`next_deadline` / `expire`). Every
//! time is a plain number of ms passed in, so each boundary is checked exactly.

use gorqs::core::{
    Backoff, Config, ErrorCode, Fail, JobId, Lookup, PushOptions, RateLimit, RetryPolicy,
    Scheduler, Settled, Started, Status, TimedOut, MAX_RETRY_DELAY,
};

type Sched = Scheduler<&'static str, i32>;

fn open(concurrency: Option<u32>, track: bool) -> Sched {
    let mut s = Scheduler::new(Config { concurrency, track, ..Config::default() });
    assert!(s.start());
    s
}

fn fixed(retries: u32, delay: f64) -> RetryPolicy {
    RetryPolicy { retries, backoff: Backoff::Fixed { delay, jitter: 0.0 } }
}

fn push(s: &mut Sched, job: &'static str) -> JobId {
    s.push(job, PushOptions::default()).expect("queue is open")
}

fn push_retrying(s: &mut Sched, job: &'static str, policy: RetryPolicy) -> JobId {
    s.push_retrying(job, PushOptions::default(), policy).expect("queue is open")
}

fn start(s: &mut Sched, now: f64) -> Option<JobId> {
    s.start_next(now).map(|st| st.id)
}

fn fail(s: &mut Sched, id: JobId, now: f64) -> Settled<i32> {
    s.finish_at(id, Err(Fail::Thrown(-(id as i32))), now)
}

fn none() -> Vec<JobId> {
    Vec::new()
}

// ---------------------------------------------------------------------------------------------
// 1. Timeout boundary
// ---------------------------------------------------------------------------------------------

#[test]
fn an_outcome_at_exactly_the_deadline_counts_when_it_comes_before_the_timer() {
    let mut s = open(Some(1), true);
    s.push("a", PushOptions { priority: 0.0, timeout: Some(100.0) }).unwrap();
    assert_eq!(start(&mut s, 0.0), Some(1));
    assert_eq!(s.finish_at(1, Ok(5), 100.0), Settled::Recorded);
    assert_eq!(s.expire(100.0), none());
    assert_eq!(s.result(1), Ok(5));
}

#[test]
fn the_timer_at_exactly_the_deadline_fails_the_job_first() {
    let mut s = open(Some(1), true);
    s.push("a", PushOptions { priority: 0.0, timeout: Some(100.0) }).unwrap();
    assert_eq!(start(&mut s, 0.0), Some(1));
    assert_eq!(s.expire(99.999), none());
    assert_eq!(s.expire(100.0), vec![1]);
    assert_eq!(s.finish_at(1, Ok(5), 100.0), Settled::Ignored(Ok(5)));
    assert_eq!(s.result(1), Err(Lookup::Failed(Fail::Timeout)));
}

// ---------------------------------------------------------------------------------------------
// 2. Retries
// ---------------------------------------------------------------------------------------------

#[test]
fn a_job_failing_twice_then_succeeding_keeps_its_id_and_counts_attempts() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", fixed(2, 50.0));
    assert_eq!(s.attempt(id), Some(1));
    assert_eq!(s.start_next(0.0), Some(Started { id, job: "a" }));
    assert_eq!(s.attempt(id), Some(1));
    assert_eq!(fail(&mut s, id, 10.0), Settled::Retrying(-1));
    // Between attempts: pending, not startable, slot free, nothing recorded.
    assert_eq!(s.status(id), Some(Status::Pending));
    assert_eq!(s.result(id), Err(Lookup::Code(gorqs::core::ErrorCode::Pending)));
    assert_eq!((s.waiting(), s.delayed(), s.running(), s.records()), (1, 1, 0, 0));
    assert!(!s.is_idle());
    assert_eq!(s.attempt(id), Some(2));
    assert_eq!(s.next_deadline(), Some(60.0));
    assert_eq!(s.start_next(59.999), None);
    assert_eq!(s.start_next(60.0), Some(Started { id, job: "a" }));
    assert_eq!(s.attempt(id), Some(2));
    assert_eq!(fail(&mut s, id, 70.0), Settled::Retrying(-1));
    assert_eq!(s.next_deadline(), Some(120.0));
    // The timer puts it back in line; the next start hands it out.
    assert_eq!(s.expire(120.0), none());
    assert_eq!((s.waiting(), s.delayed()), (1, 0));
    assert!(s.can_start());
    assert_eq!(s.start_next(125.0), Some(Started { id, job: "a" }));
    assert_eq!(s.attempt(id), Some(3));
    assert_eq!(s.finish_at(id, Ok(7), 130.0), Settled::Recorded);
    assert_eq!(s.attempt(id), None);
    assert_eq!(s.result(id), Ok(7));
    assert!(s.is_idle());
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn only_the_final_failure_is_recorded() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", fixed(1, 0.0));
    start(&mut s, 0.0);
    assert_eq!(s.finish_at(id, Err(Fail::Thrown(1)), 0.0), Settled::Retrying(1));
    assert_eq!(start(&mut s, 0.0), Some(id), "a zero delay is due at once");
    assert_eq!(s.finish_at(id, Err(Fail::Thrown(2)), 0.0), Settled::Recorded);
    assert_eq!(s.result(id), Err(Lookup::Failed(Fail::Thrown(2))));

    let mut u = open(Some(1), false);
    let id = push_retrying(&mut u, "a", fixed(1, 0.0));
    start(&mut u, 0.0);
    assert_eq!(u.finish_at(id, Err(Fail::Thrown(1)), 0.0), Settled::Retrying(1));
    start(&mut u, 0.0);
    assert_eq!(
        u.finish_at(id, Err(Fail::Thrown(2)), 0.0),
        Settled::Forgotten(Err(Fail::Thrown(2)))
    );
    assert_eq!(u.status(id), None);
}

#[test]
fn zero_retries_is_a_plain_push() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", fixed(0, 100.0));
    start(&mut s, 0.0);
    assert_eq!(fail(&mut s, id, 0.0), Settled::Recorded);
    assert!(!s.needs_clock());
}

#[test]
fn a_job_without_retries_is_on_attempt_one() {
    let mut s = open(Some(1), true);
    let plain = push(&mut s, "plain");
    push_retrying(&mut s, "retrying", fixed(3, 0.0));
    assert_eq!(s.attempt(plain), Some(1));
    start(&mut s, 0.0);
    assert_eq!(s.attempt(plain), Some(1));
    assert_eq!(s.finish_attempt(plain, 2, Ok(1), 0.0), Settled::Ignored(Ok(1)));
    assert_eq!(s.finish_attempt(plain, 1, Ok(1), 0.0), Settled::Recorded);
    assert_eq!(s.attempt(plain), None);
    assert_eq!(s.attempt(99), None);
}

#[test]
fn exponential_backoff_doubles_after_each_failed_attempt() {
    let mut s = open(Some(1), true);
    let policy =
        RetryPolicy { retries: 4, backoff: Backoff::Exponential { delay: 100.0, jitter: 0.0 } };
    let id = push_retrying(&mut s, "a", policy);
    let mut now = 0.0;
    for wait in [100.0, 200.0, 400.0, 800.0] {
        assert_eq!(start(&mut s, now), Some(id));
        now += 1.0;
        assert_eq!(fail(&mut s, id, now), Settled::Retrying(-1));
        assert_eq!(s.next_deadline(), Some(now + wait), "wait after attempt {:?}", s.attempt(id));
        now += wait;
    }
    assert_eq!(start(&mut s, now), Some(id));
    assert_eq!(s.attempt(id), Some(5));
    assert_eq!(fail(&mut s, id, now), Settled::Recorded, "4 retries: 5 attempts");
}

#[test]
fn jitter_draws_from_the_seeded_generator() {
    let backoff = Backoff::Exponential { delay: 1000.0, jitter: 0.5 };
    let mut s = open(Some(1), false);
    s.seed_jitter(42);
    let id = push_retrying(&mut s, "a", RetryPolicy { retries: 3, backoff });
    // The same generator, seeded alike, predicts every delay exactly.
    let mut rng = fastrand::Rng::with_seed(42);
    let mut now = 0.0;
    for attempt in 1..=3 {
        assert_eq!(start(&mut s, now), Some(id));
        assert_eq!(fail(&mut s, id, now), Settled::Retrying(-1));
        let want = backoff.delay(attempt, rng.f64()).unwrap();
        let nominal = 1000.0 * 2f64.powi(attempt as i32 - 1);
        assert!(want >= nominal * 0.5 && want <= nominal, "{want} for attempt {attempt}");
        assert_eq!(s.next_deadline(), Some(now + want));
        now += want;
    }
    // Another seed, other delays.
    let mut t = open(Some(1), false);
    t.seed_jitter(7);
    let id = push_retrying(&mut t, "a", RetryPolicy { retries: 1, backoff });
    start(&mut t, 0.0);
    fail(&mut t, id, 0.0);
    let other = t.next_deadline().unwrap();
    let first = backoff.delay(1, fastrand::Rng::with_seed(42).f64()).unwrap();
    assert_ne!(other, first);
}

#[test]
fn a_job_back_from_a_retry_goes_behind_jobs_already_waiting() {
    let mut s = open(Some(1), true);
    let a = push_retrying(&mut s, "a", fixed(1, 0.0));
    let b = push(&mut s, "b");
    assert_eq!(start(&mut s, 0.0), Some(a));
    assert_eq!(fail(&mut s, a, 0.0), Settled::Retrying(-1));
    // Back in line at once (delay 0), behind b; c, pushed later, comes after it.
    let c = push(&mut s, "c");
    let mut order = Vec::new();
    while let Some(id) = start(&mut s, 0.0) {
        order.push(id);
        s.finish_at(id, Ok(0), 0.0);
    }
    assert_eq!(order, vec![b, a, c]);
}

#[test]
fn a_job_back_from_a_retry_keeps_its_priority() {
    let mut s = open(Some(1), true);
    let low = push(&mut s, "low");
    let a =
        s.push_retrying("a", PushOptions { priority: 5.0, timeout: None }, fixed(1, 10.0)).unwrap();
    assert_eq!(start(&mut s, 0.0), Some(a));
    fail(&mut s, a, 0.0);
    assert_eq!(s.priority(a), Some(5.0));
    let high = s.push("high", PushOptions { priority: 5.0, timeout: None }).unwrap();
    // Due at 10: ahead of `low`, behind `high` (same priority, already waiting by then).
    assert_eq!(s.expire(10.0), none());
    let order: Vec<_> = std::iter::from_fn(|| {
        let id = start(&mut s, 10.0)?;
        s.finish_at(id, Ok(0), 10.0);
        Some(id)
    })
    .collect();
    assert_eq!(order, vec![high, a, low]);
}

#[test]
fn a_priority_set_while_waiting_for_a_retry_is_the_one_it_returns_with() {
    let mut s = open(Some(1), true);
    let a = push_retrying(&mut s, "a", fixed(1, 10.0));
    let b = s.push("b", PushOptions { priority: 1.0, timeout: None }).unwrap();
    s.set_priority(a, 9.0);
    assert_eq!(start(&mut s, 0.0), Some(a));
    fail(&mut s, a, 0.0);
    assert!(s.set_priority(a, 2.0));
    assert_eq!(s.priority(a), Some(2.0));
    // Still not startable before its delay.
    assert_eq!(start(&mut s, 5.0), Some(b));
    s.finish_at(b, Ok(0), 5.0);
    assert_eq!(start(&mut s, 9.0), None);
    assert_eq!(start(&mut s, 10.0), Some(a));
}

#[test]
fn many_jobs_back_at_once_keep_the_order_they_became_due() {
    let mut s = open(Some(1), true);
    let a = push_retrying(&mut s, "a", fixed(1, 30.0));
    let b = push_retrying(&mut s, "b", fixed(1, 10.0));
    let blocker = push(&mut s, "blocker");
    for id in [a, b] {
        assert_eq!(start(&mut s, 0.0), Some(id));
        fail(&mut s, id, 0.0);
    }
    assert_eq!(start(&mut s, 0.0), Some(blocker));
    // Both due by 50: b (due 10) went back in line before a (due 30).
    assert_eq!(s.expire(50.0), none());
    s.finish_at(blocker, Ok(0), 50.0);
    assert_eq!(start(&mut s, 50.0), Some(b));
    s.finish_at(b, Ok(0), 50.0);
    assert_eq!(start(&mut s, 50.0), Some(a));
}

#[test]
fn a_timed_out_attempt_counts_as_a_failed_one() {
    let mut s = open(Some(1), true);
    let opts = PushOptions { priority: 0.0, timeout: Some(100.0) };
    let id = s.push_retrying("a", opts, fixed(1, 10.0)).unwrap();
    assert_eq!(start(&mut s, 0.0), Some(id));
    assert_eq!(s.expire_attempts(100.0), vec![TimedOut { id, will_retry: true }]);
    assert_eq!(s.status(id), Some(Status::Pending));
    assert_eq!(s.running(), 0);
    // Delay counted from the timer call that found the timeout.
    assert_eq!(s.next_deadline(), Some(110.0));
    // The late outcome of attempt 1 is ignored, now and after attempt 2 has started.
    assert_eq!(s.finish_attempt(id, 1, Ok(1), 105.0), Settled::Ignored(Ok(1)));
    assert_eq!(start(&mut s, 110.0), Some(id));
    assert_eq!(s.finish_attempt(id, 1, Ok(1), 111.0), Settled::Ignored(Ok(1)));
    assert_eq!(s.status(id), Some(Status::Running));
    // The retry has the job's own timeout again; its timeout is the final failure.
    assert_eq!(s.next_deadline(), Some(210.0));
    assert_eq!(s.expire_attempts(210.0), vec![TimedOut { id, will_retry: false }]);
    assert_eq!(s.result(id), Err(Lookup::Failed(Fail::Timeout)));
}

#[test]
fn plain_expire_lists_only_jobs_it_settled() {
    let mut s = open(None, true);
    let opts = PushOptions { priority: 0.0, timeout: Some(10.0) };
    let retrying = s.push_retrying("r", opts, fixed(1, 1000.0)).unwrap();
    let plain = s.push("p", opts).unwrap();
    start(&mut s, 0.0);
    start(&mut s, 0.0);
    assert_eq!(s.expire(10.0), vec![plain]);
    assert_eq!(s.status(retrying), Some(Status::Pending));
    assert_eq!(s.next_deadline(), Some(1010.0));
}

#[test]
fn cancel_of_a_job_waiting_for_its_retry_settles_it() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", fixed(3, 50.0));
    start(&mut s, 0.0);
    fail(&mut s, id, 0.0);
    assert_eq!(s.cancel(id, 99), Some(Status::Pending));
    assert_eq!(s.status(id), Some(Status::Failed));
    assert_eq!((s.waiting(), s.delayed()), (0, 0));
    assert!(s.is_idle());
    assert_eq!(s.next_deadline(), None);
    assert_eq!(start(&mut s, 50.0), None);
    assert_eq!(s.expire(1e9), none());
    assert!(!s.set_retry_delay(id, 0.0));
    assert_eq!(s.result(id), Err(Lookup::Failed(Fail::Thrown(99))));
}

#[test]
fn cancel_of_a_running_attempt_is_final() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", fixed(3, 0.0));
    start(&mut s, 0.0);
    assert_eq!(s.cancel(id, 5), Some(Status::Running));
    assert_eq!(s.finish_at(id, Err(Fail::Thrown(1)), 0.0), Settled::Ignored(Err(Fail::Thrown(1))));
    assert_eq!(start(&mut s, 0.0), None);
    assert_eq!(s.peek(id), Some(&Err(Fail::Thrown(5))));
}

#[test]
fn stop_settles_a_job_waiting_for_its_retry_as_closed() {
    let mut s = open(None, true);
    let waiting_retry = push_retrying(&mut s, "w", fixed(3, 50.0));
    let running = push_retrying(&mut s, "r", fixed(3, 50.0));
    let queued = push(&mut s, "q");
    assert_eq!(start(&mut s, 0.0), Some(waiting_retry));
    assert_eq!(start(&mut s, 0.0), Some(running));
    fail(&mut s, waiting_retry, 0.0);
    assert_eq!(s.stop(), vec![waiting_retry, queued]);
    assert_eq!(s.peek(waiting_retry), Some(&Err(Fail::Closed)));
    assert_eq!((s.waiting(), s.delayed(), s.running()), (0, 0, 1));
    assert_eq!(s.next_deadline(), None);
    // A closed queue retries nothing: the running job's failure is final.
    assert_eq!(s.finish_attempt(running, 1, Err(Fail::Thrown(3)), 1.0), Settled::Recorded);
    assert_eq!(s.peek(running), Some(&Err(Fail::Thrown(3))));
    assert!(s.is_idle());
}

#[test]
fn host_backoff_waits_for_the_hosts_delay() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", RetryPolicy { retries: 2, backoff: Backoff::Host });
    assert!(s.needs_clock());
    assert!(!s.set_retry_delay(id, 10.0), "not waiting for a retry yet");
    start(&mut s, 0.0);
    assert_eq!(fail(&mut s, id, 10.0), Settled::Retrying(-1));
    // No delay yet: it waits, and nothing is due.
    assert_eq!(s.next_deadline(), None);
    assert_eq!(start(&mut s, 20.0), None);
    assert!(!s.set_retry_delay(id, f64::NAN));
    assert!(!s.set_retry_delay(id, -1.0));
    assert!(s.set_retry_delay(id, 30.0));
    assert_eq!(s.next_deadline(), Some(40.0), "counted from the failure at 10");
    // A second answer replaces the first.
    assert!(s.set_retry_delay(id, 1e9 + 5.0 - 10.0));
    assert_eq!(s.next_deadline(), Some(1e9 + 5.0));
    assert_eq!(start(&mut s, 1e9 + 4.0), None);
    assert_eq!(start(&mut s, 1e9 + 5.0), Some(id));
    assert_eq!(s.attempt(id), Some(2));
}

#[test]
fn a_host_delay_already_past_puts_the_job_back_at_once() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", RetryPolicy { retries: 1, backoff: Backoff::Host });
    start(&mut s, 0.0);
    fail(&mut s, id, 100.0);
    s.advance(500.0);
    assert!(s.set_retry_delay(id, 50.0));
    assert!(s.can_start());
    assert_eq!(s.status(id), Some(Status::Pending));
    assert_eq!(start(&mut s, 500.0), Some(id));
}

#[test]
fn a_huge_host_delay_is_capped() {
    let mut s = open(Some(1), true);
    let id = push_retrying(&mut s, "a", RetryPolicy { retries: 1, backoff: Backoff::Host });
    start(&mut s, 0.0);
    fail(&mut s, id, 0.0);
    assert!(s.set_retry_delay(id, f64::INFINITY));
    assert_eq!(s.next_deadline(), Some(MAX_RETRY_DELAY));
}

#[test]
fn needs_clock_follows_the_features_in_use() {
    let mut s = open(None, false);
    assert!(!s.needs_clock());
    push(&mut s, "plain");
    s.push("never", PushOptions { priority: 1.0, timeout: Some(f64::INFINITY) }).unwrap();
    push_retrying(&mut s, "at once", fixed(3, 0.0));
    assert!(!s.needs_clock(), "no timed feature used yet");
    push_retrying(&mut s, "waits", fixed(1, 5.0));
    assert!(s.needs_clock());

    let mut t = open(None, false);
    t.push("timed", PushOptions { priority: 0.0, timeout: Some(5.0) }).unwrap();
    assert!(t.needs_clock());
    let mut u = open(None, false);
    u.set_record_ttl(Some(10.0));
    assert!(u.needs_clock());
    let mut v = open(None, false);
    v.set_rate_limit(RateLimit::new(10.0, 1));
    assert!(v.needs_clock());
    let w = Scheduler::<(), ()>::new(Config { timeout: Some(1.0), ..Config::default() });
    assert!(w.needs_clock());
}

// ---------------------------------------------------------------------------------------------
// 3. Record TTL
// ---------------------------------------------------------------------------------------------

fn with_ttl(ttl: f64) -> Sched {
    let mut s = open(None, true);
    s.set_record_ttl(Some(ttl));
    s
}

#[test]
fn a_record_is_dropped_exactly_ttl_after_it_finished() {
    let mut s = with_ttl(100.0);
    let id = push(&mut s, "a");
    start(&mut s, 0.0);
    s.finish_at(id, Ok(1), 50.0);
    assert_eq!(s.next_deadline(), Some(150.0));
    assert_eq!(s.expire(149.999), none());
    assert_eq!(s.status(id), Some(Status::Succeeded));
    assert_eq!(s.expire(150.0), none());
    assert_eq!(s.status(id), None);
    assert_eq!(s.records(), 0);
    assert_eq!(s.result(id), Err(Lookup::Code(ErrorCode::NotFound)));
    assert_eq!(s.next_deadline(), None);
    assert_eq!(s.oldest_live_id(), s.next_id());
}

#[test]
fn ttl_drops_records_oldest_first_and_never_unfinished_jobs() {
    let mut s = with_ttl(100.0);
    let ids: Vec<_> = ["a", "b", "c", "d"].into_iter().map(|j| push(&mut s, j)).collect();
    for &id in &ids[..3] {
        assert_eq!(start(&mut s, 0.0), Some(id));
    }
    // d stays waiting, c stays running; b and a finish at 10 and 20.
    s.finish_at(ids[1], Ok(2), 10.0);
    s.finish_at(ids[0], Ok(1), 20.0);
    assert_eq!(s.next_deadline(), Some(110.0));
    assert_eq!(s.expire(110.0), none());
    assert_eq!(s.status(ids[1]), None);
    assert_eq!(s.status(ids[0]), Some(Status::Succeeded));
    assert_eq!(s.next_deadline(), Some(120.0));
    s.expire(1e12);
    assert_eq!(s.status(ids[0]), None);
    assert_eq!(s.records(), 0);
    assert_eq!(s.status(ids[2]), Some(Status::Running));
    assert_eq!(s.status(ids[3]), Some(Status::Pending));
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn a_record_read_or_cleared_is_not_dropped_again() {
    let mut s = with_ttl(100.0);
    let a = push(&mut s, "a");
    let b = push(&mut s, "b");
    let c = push(&mut s, "c");
    for _ in 0..3 {
        start(&mut s, 0.0);
    }
    s.finish_at(a, Ok(1), 0.0);
    s.finish_at(b, Ok(2), 10.0);
    assert_eq!(s.result(a), Ok(1));
    // a is read: the next TTL end is b's.
    assert_eq!(s.next_deadline(), Some(110.0));
    assert_eq!(s.clear(), 1);
    assert_eq!(s.status(b), None);
    assert_eq!(s.next_deadline(), None);
    s.finish_at(c, Ok(3), 20.0);
    assert_eq!(s.records(), 1);
    s.expire(1000.0);
    assert_eq!(s.status(c), None);
    assert_eq!(s.records(), 0, "only c's record was dropped");
}

#[test]
fn ttl_and_max_records_both_drop_records() {
    let mut s = Scheduler::new(Config {
        concurrency: None,
        track: true,
        timeout: None,
        max_records: Some(2),
    });
    s.start();
    s.set_record_ttl(Some(100.0));
    let ids: Vec<JobId> = ["a", "b", "c"].into_iter().map(|j| push(&mut s, j)).collect();
    for _ in 0..3 {
        start(&mut s, 0.0);
    }
    for (i, &id) in ids.iter().enumerate() {
        s.finish_at(id, Ok(i as i32), 10.0 * i as f64);
    }
    assert_eq!(s.status(ids[0]), None, "the cap dropped the oldest");
    assert_eq!(s.status(ids[1]), Some(Status::Succeeded));
    assert_eq!(s.records(), 2);
    assert_eq!(s.next_deadline(), Some(110.0));
    s.expire(110.0);
    assert_eq!(s.status(ids[1]), None);
    assert_eq!(s.status(ids[2]), Some(Status::Succeeded));
    s.expire(120.0);
    assert_eq!(s.status(ids[2]), None);
    assert_eq!(s.records(), 0);
}

#[test]
fn timed_out_cancelled_and_stopped_records_are_timed_from_when_the_core_learned_it() {
    let mut s = with_ttl(100.0);
    let timed = s.push("t", PushOptions { priority: 0.0, timeout: Some(10.0) }).unwrap();
    let cancelled = push(&mut s, "c");
    start(&mut s, 0.0);
    // The timer is late: the record is timed from the call that failed the job.
    assert_eq!(s.expire(25.0), vec![timed]);
    s.advance(40.0);
    s.cancel(cancelled, 0);
    s.stop();
    assert_eq!(s.next_deadline(), Some(125.0));
    s.expire(125.0);
    assert_eq!(s.status(timed), None);
    assert_eq!(s.status(cancelled), Some(Status::Failed));
    assert_eq!(s.next_deadline(), Some(140.0));
    s.expire(140.0);
    assert_eq!(s.status(cancelled), None);
}

#[test]
fn ttl_does_nothing_without_tracking_and_infinity_means_none() {
    let mut s = open(None, false);
    s.set_record_ttl(Some(10.0));
    let id = push(&mut s, "a");
    start(&mut s, 0.0);
    assert_eq!(s.finish_at(id, Ok(1), 0.0), Settled::Forgotten(Ok(1)));
    assert_eq!(s.next_deadline(), None);
    let mut t = open(None, true);
    for bad in [f64::INFINITY, 0.0, -1.0, f64::NAN] {
        t.set_record_ttl(Some(bad));
        assert_eq!(t.record_ttl(), None, "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Rate limit
// ---------------------------------------------------------------------------------------------

fn rate_limited(concurrency: Option<u32>, interval: f64, cap: u32) -> Sched {
    let mut s = open(concurrency, true);
    s.set_rate_limit(RateLimit::new(interval, cap));
    s
}

#[test]
fn at_most_cap_starts_per_window_and_the_edge_opens_the_next() {
    let mut s = rate_limited(None, 100.0, 2);
    for _ in 0..5 {
        push(&mut s, "x");
    }
    assert_eq!(start(&mut s, 0.0), Some(1));
    assert_eq!(start(&mut s, 30.0), Some(2));
    assert_eq!(start(&mut s, 30.0), None);
    assert!(!s.can_start());
    assert_eq!(s.next_deadline(), Some(100.0));
    assert_eq!(start(&mut s, 99.999), None);
    // Exactly window start + interval belongs to the next window.
    assert_eq!(s.expire(100.0), none());
    assert!(s.can_start());
    assert_eq!(start(&mut s, 100.0), Some(3));
    assert_eq!(start(&mut s, 150.0), Some(4));
    assert_eq!(start(&mut s, 199.0), None);
    assert_eq!(s.next_deadline(), Some(200.0));
    assert_eq!(start(&mut s, 200.0), Some(5));
    // Nothing waits: no wake-up for the window.
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn a_window_opens_at_the_first_start_after_the_last_one_ended() {
    let mut s = rate_limited(None, 100.0, 1);
    push(&mut s, "a");
    assert_eq!(start(&mut s, 0.0), Some(1));
    push(&mut s, "b");
    push(&mut s, "c");
    assert_eq!(start(&mut s, 250.0), Some(2), "windows are not aligned to multiples");
    assert_eq!(start(&mut s, 300.0), None);
    assert_eq!(s.next_deadline(), Some(350.0));
    assert_eq!(start(&mut s, 349.999), None);
    assert_eq!(start(&mut s, 350.0), Some(3));
}

#[test]
fn rate_limit_and_concurrency_both_hold() {
    let mut s = rate_limited(Some(1), 100.0, 2);
    for _ in 0..4 {
        push(&mut s, "x");
    }
    assert_eq!(start(&mut s, 0.0), Some(1));
    assert_eq!(start(&mut s, 0.0), None, "concurrency 1");
    s.finish_at(1, Ok(0), 10.0);
    assert_eq!(start(&mut s, 10.0), Some(2));
    s.finish_at(2, Ok(0), 20.0);
    // A free slot, but the window is full.
    assert!(!s.can_start());
    assert_eq!(start(&mut s, 20.0), None);
    assert_eq!(s.next_deadline(), Some(100.0));
    assert_eq!(start(&mut s, 100.0), Some(3));
    assert_eq!(start(&mut s, 100.0), None, "concurrency 1 again");
}

#[test]
fn retried_attempts_count_as_starts() {
    let mut s = rate_limited(None, 100.0, 2);
    let a = push_retrying(&mut s, "a", fixed(1, 0.0));
    assert_eq!(start(&mut s, 0.0), Some(a));
    fail(&mut s, a, 0.0);
    assert_eq!(start(&mut s, 0.0), Some(a));
    let b = push(&mut s, "b");
    assert_eq!(start(&mut s, 50.0), None);
    assert_eq!(s.next_deadline(), Some(100.0));
    assert_eq!(start(&mut s, 100.0), Some(b));
}

#[test]
fn a_retry_due_in_a_full_window_waits_for_the_next() {
    let mut s = rate_limited(None, 100.0, 1);
    let a = push_retrying(&mut s, "a", fixed(1, 10.0));
    assert_eq!(start(&mut s, 0.0), Some(a));
    fail(&mut s, a, 5.0);
    assert_eq!(s.next_deadline(), Some(15.0), "the retry first");
    s.expire(15.0);
    assert_eq!(s.status(a), Some(Status::Pending));
    assert_eq!(s.next_deadline(), Some(100.0), "then the window");
    assert_eq!(start(&mut s, 15.0), None);
    assert_eq!(start(&mut s, 100.0), Some(a));
}

#[test]
fn bad_rate_limits_are_refused_and_none_lifts_it() {
    assert_eq!(RateLimit::new(f64::INFINITY, 3), None);
    let mut s = rate_limited(None, 100.0, 1);
    push(&mut s, "a");
    push(&mut s, "b");
    assert_eq!(start(&mut s, 0.0), Some(1));
    assert_eq!(start(&mut s, 0.0), None);
    s.set_rate_limit(None);
    assert_eq!(s.rate_limit(), None);
    assert_eq!(start(&mut s, 0.0), Some(2));
}

// ---------------------------------------------------------------------------------------------
// 5. One timer for everything
// ---------------------------------------------------------------------------------------------

#[test]
fn next_deadline_and_expire_cover_every_source() {
    let mut s = rate_limited(None, 1000.0, 2);
    s.set_record_ttl(Some(300.0));
    let timed = s.push("timed", PushOptions { priority: 0.0, timeout: Some(500.0) }).unwrap();
    let retried = push_retrying(&mut s, "retried", fixed(1, 200.0));
    let recorded = push(&mut s, "recorded");
    let held = push(&mut s, "held");
    assert_eq!(start(&mut s, 0.0), Some(timed)); // deadline 500
    assert_eq!(start(&mut s, 0.0), Some(retried));
    fail(&mut s, retried, 50.0); // due 250
    assert_eq!(start(&mut s, 50.0), None, "window full until 1000");
    // Sources: deadline 500, retry 250, window 1000 (something waits).
    assert_eq!(s.next_deadline(), Some(250.0));
    assert_eq!(s.expire(250.0), none());
    assert_eq!(s.status(retried), Some(Status::Pending));
    assert_eq!(s.delayed(), 0, "back in line, held by the window");
    assert_eq!(s.next_deadline(), Some(500.0));
    assert_eq!(s.expire(500.0), vec![timed]);
    // The timed-out record is timed from 500: TTL end 800.
    assert_eq!(s.next_deadline(), Some(800.0));
    assert_eq!(s.expire(800.0), none());
    assert_eq!(s.status(timed), None);
    assert_eq!(s.next_deadline(), Some(1000.0));
    assert_eq!(s.expire(1000.0), none());
    assert!(s.can_start());
    // The window opened. The retried job went back in line behind the jobs waiting then.
    assert_eq!(start(&mut s, 1000.0), Some(recorded));
    assert_eq!(start(&mut s, 1000.0), Some(held));
    assert_eq!(start(&mut s, 1000.0), None);
    s.finish_at(recorded, Ok(1), 1100.0);
    assert_eq!(s.next_deadline(), Some(1400.0), "TTL; the window holds back the retry");
}

// ---------------------------------------------------------------------------------------------
// 6. Limits of 0
// ---------------------------------------------------------------------------------------------

#[test]
fn max_records_zero_is_read_as_one() {
    let mut s = Scheduler::new(Config {
        concurrency: Some(0),
        track: true,
        timeout: None,
        max_records: Some(0),
    });
    assert_eq!(s.config().max_records, Some(1));
    assert_eq!(s.concurrency(), Some(1));
    s.start();
    let a = s.push("a", PushOptions::default()).unwrap();
    let b = s.push("b", PushOptions::default()).unwrap();
    for id in [a, b] {
        assert_eq!(s.start_next(0.0).map(|st| st.id), Some(id));
        assert_eq!(s.finish(id, Ok(id as i32)), Settled::Recorded);
    }
    assert_eq!(s.result(a), Err(Lookup::Code(ErrorCode::NotFound)));
    assert_eq!(s.result(b), Ok(2));
}
