#![cfg(not(target_arch = "wasm32"))]
//! Native tests of the scheduling core: every transition of `Scheduler`, played with explicit
//! calls and a fake clock (times are plain milliseconds passed in).
//!
//! Jobs are `&'static str` tags so a test can check that `start_next` hands back the very job
//! that was pushed under an id; values are `i32`.

use gorqs::core::{
    Config, ErrorCode, Fail, JobId, Lookup, PushOptions, Scheduler, Settled, Started, Status,
};

type Sched = Scheduler<&'static str, i32>;

fn config(concurrency: Option<u32>, track: bool) -> Config {
    Config { concurrency, track, timeout: None, max_records: None }
}

/// An open queue with this configuration.
fn open(config: Config) -> Sched {
    let mut s = Scheduler::new(config);
    assert!(s.start(), "a new queue starts closed, so start() opens it");
    s
}

fn sync_tracked() -> Sched {
    open(config(Some(1), true))
}

fn prio(priority: f64) -> PushOptions {
    PushOptions { priority, timeout: None }
}

fn timeout(ms: f64) -> PushOptions {
    PushOptions { priority: 0.0, timeout: Some(ms) }
}

fn push(s: &mut Sched, job: &'static str) -> JobId {
    s.push(job, PushOptions::default()).expect("queue is open")
}

/// Starts jobs until `start_next` says no; returns their ids in start order.
fn drain(s: &mut Sched, now: f64) -> Vec<JobId> {
    let mut ids = Vec::new();
    while let Some(Started { id, .. }) = s.start_next(now) {
        ids.push(id);
        assert!(ids.len() <= 100_000, "start_next never said no");
    }
    ids
}

/// Runs every job to completion one at a time (start, then finish Ok(id)); returns start order.
fn run_all_in_order(s: &mut Sched) -> Vec<JobId> {
    let mut order = Vec::new();
    while let Some(Started { id, .. }) = s.start_next(0.0) {
        order.push(id);
        s.finish(id, Ok(id as i32));
    }
    order
}

fn code<T: std::fmt::Debug>(r: Result<T, Lookup<i32>>) -> ErrorCode {
    match r {
        Err(Lookup::Code(c)) => c,
        other => panic!("expected a gorqs error code, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Transitions
// ---------------------------------------------------------------------------------------------

#[test]
fn push_makes_a_pending_job() {
    let mut s = sync_tracked();
    let id = push(&mut s, "a");
    assert_eq!(id, 1);
    assert_eq!(s.status(id), Some(Status::Pending));
    assert_eq!(s.waiting(), 1);
    assert_eq!(s.running(), 0);
    assert_eq!(s.records(), 0);
    assert!(!s.is_idle());
    assert_eq!(s.peek(id), None);
    // result on a pending job: ERR_PENDING, and the job stays pending.
    assert_eq!(code(s.result(id)), ErrorCode::Pending);
    assert_eq!(s.status(id), Some(Status::Pending));
    assert_eq!(s.waiting(), 1);
}

#[test]
fn start_next_hands_over_the_job_and_makes_it_running() {
    let mut s = sync_tracked();
    push(&mut s, "a");
    push(&mut s, "b");
    assert_eq!(s.start_next(0.0), Some(Started { id: 1, job: "a" }));
    assert_eq!(s.status(1), Some(Status::Running));
    assert_eq!(s.waiting(), 1);
    assert_eq!(s.running(), 1);
    // result on a running job: ERR_RUNNING, and the record stays.
    assert_eq!(code(s.result(1)), ErrorCode::Running);
    assert_eq!(s.status(1), Some(Status::Running));
    assert_eq!(s.peek(1), None);
}

#[test]
fn tracked_success_is_recorded_then_read_once() {
    let mut s = sync_tracked();
    let id = push(&mut s, "a");
    s.start_next(0.0).unwrap();
    assert_eq!(s.finish(id, Ok(42)), Settled::Recorded);
    assert_eq!(s.status(id), Some(Status::Succeeded));
    assert_eq!(s.peek(id), Some(&Ok(42)));
    assert_eq!((s.waiting(), s.running(), s.records()), (0, 0, 1));
    assert!(s.is_idle());
    assert_eq!(s.result(id), Ok(42));
    // Reading deletes the record.
    assert_eq!(s.status(id), None);
    assert_eq!(s.peek(id), None);
    assert_eq!(s.records(), 0);
    assert_eq!(code(s.result(id)), ErrorCode::NotFound);
}

#[test]
fn tracked_failure_returns_the_original_value_and_deletes() {
    let mut s = sync_tracked();
    let id = push(&mut s, "a");
    s.start_next(0.0).unwrap();
    assert_eq!(s.finish(id, Err(Fail::Thrown(-7))), Settled::Recorded);
    assert_eq!(s.status(id), Some(Status::Failed));
    assert_eq!(s.peek(id), Some(&Err(Fail::Thrown(-7))));
    assert_eq!(s.result(id), Err(Lookup::Failed(Fail::Thrown(-7))));
    assert_eq!(s.status(id), None);
    assert_eq!(s.records(), 0);
    assert_eq!(code(s.result(id)), ErrorCode::NotFound);
}

#[test]
fn take_result_if_takes_only_an_accepted_finished_record() {
    let mut s = sync_tracked();
    let a = push(&mut s, "a");
    let b = push(&mut s, "b");
    let c = push(&mut s, "c");
    // Pending, running, unknown: nothing taken, the predicate not even asked.
    assert_eq!(s.take_result_if(a, |_| panic!("asked for a pending job")), None);
    s.start_next(0.0).unwrap();
    assert_eq!(s.take_result_if(a, |_| panic!("asked for a running job")), None);
    assert_eq!(s.take_result_if(999, |_| panic!("asked for an unknown id")), None);
    assert_eq!(s.finish(a, Ok(7)), Settled::Recorded);
    s.start_next(0.0).unwrap();
    assert_eq!(s.finish(b, Err(Fail::Thrown(-1))), Settled::Recorded);
    // Refused: the record stays, as it was.
    assert_eq!(s.take_result_if(a, |o| *o == Ok(8)), None);
    assert_eq!(s.peek(a), Some(&Ok(7)));
    assert_eq!(s.records(), 2);
    // Accepted: taken, as `result` takes it (a failure too, when accepted).
    assert_eq!(s.take_result_if(a, |o| *o == Ok(7)), Some(Ok(7)));
    assert_eq!(s.status(a), None);
    assert_eq!(code(s.result(a)), ErrorCode::NotFound);
    assert_eq!(s.take_result_if(b, |o| o.is_err()), Some(Err(Fail::Thrown(-1))));
    assert_eq!(s.records(), 0);
    assert_eq!(s.status(c), Some(Status::Pending));
    // Tracking off: never anything.
    let mut u = open(config(None, false));
    let x = push(&mut u, "x");
    u.start_next(0.0).unwrap();
    assert_eq!(u.finish(x, Ok(1)), Settled::Forgotten(Ok(1)));
    assert_eq!(u.take_result_if(x, |_| true), None);
}

#[test]
fn untracked_outcomes_are_handed_back_and_forgotten() {
    let mut s = open(config(None, false));
    let a = push(&mut s, "a");
    let b = push(&mut s, "b");
    // With tracking off, status still reports pending and running jobs.
    assert_eq!(s.status(a), Some(Status::Pending));
    assert_eq!(drain(&mut s, 0.0), vec![a, b]);
    assert_eq!(s.status(a), Some(Status::Running));
    assert_eq!(s.finish(a, Ok(1)), Settled::Forgotten(Ok(1)));
    assert_eq!(s.finish(b, Err(Fail::Thrown(2))), Settled::Forgotten(Err(Fail::Thrown(2))));
    assert_eq!(s.status(a), None);
    assert_eq!(s.status(b), None);
    assert_eq!(s.peek(a), None);
    assert_eq!(s.records(), 0);
    assert!(s.is_idle());
}

#[test]
fn result_without_tracking_is_not_implemented_for_every_id() {
    let mut s = open(config(Some(1), false));
    let a = push(&mut s, "a");
    push(&mut s, "b");
    s.start_next(0.0).unwrap();
    for id in [0, a, 2, 3, 999] {
        assert_eq!(code(s.result(id)), ErrorCode::NotImplemented, "id {id}");
    }
    // ... and the lookup changed nothing.
    assert_eq!(s.status(a), Some(Status::Running));
    assert_eq!(s.status(2), Some(Status::Pending));
}

#[test]
fn unknown_ids_are_not_found() {
    let mut s = sync_tracked();
    for id in [0, 1, 2, u64::MAX, 1 << 53] {
        assert_eq!(code(s.result(id)), ErrorCode::NotFound, "id {id}");
        assert_eq!(s.status(id), None);
        assert_eq!(s.peek(id), None);
    }
    push(&mut s, "a");
    for id in [0, 2, u64::MAX] {
        assert_eq!(code(s.result(id)), ErrorCode::NotFound, "id {id}");
    }
}

#[test]
fn status_and_peek_never_delete() {
    let mut s = sync_tracked();
    let id = push(&mut s, "a");
    s.start_next(0.0).unwrap();
    s.finish(id, Ok(5));
    for _ in 0..5 {
        assert_eq!(s.status(id), Some(Status::Succeeded));
        assert_eq!(s.peek(id), Some(&Ok(5)));
    }
    assert_eq!(s.records(), 1);
    assert_eq!(s.result(id), Ok(5));
}

#[test]
fn finish_of_a_job_that_is_not_running_is_ignored() {
    let mut s = sync_tracked();
    let a = push(&mut s, "a");
    let b = push(&mut s, "b");
    // Pending job: ignored, stays pending, counts unchanged.
    assert_eq!(s.finish(b, Ok(1)), Settled::Ignored(Ok(1)));
    assert_eq!(s.status(b), Some(Status::Pending));
    assert_eq!((s.waiting(), s.running(), s.records()), (2, 0, 0));
    // Unknown job.
    assert_eq!(s.finish(77, Ok(1)), Settled::Ignored(Ok(1)));
    assert_eq!(s.finish(0, Err(Fail::Thrown(1))), Settled::Ignored(Err(Fail::Thrown(1))));
    // Finishing twice: the second outcome is ignored and the first record stands.
    s.start_next(0.0).unwrap();
    assert_eq!(s.finish(a, Ok(10)), Settled::Recorded);
    assert_eq!(s.finish(a, Ok(11)), Settled::Ignored(Ok(11)));
    assert_eq!(s.peek(a), Some(&Ok(10)));
    assert_eq!((s.waiting(), s.running(), s.records()), (1, 0, 1));
    // After it was read: still ignored, nothing comes back.
    assert_eq!(s.result(a), Ok(10));
    assert_eq!(s.finish(a, Ok(12)), Settled::Ignored(Ok(12)));
    assert_eq!(s.status(a), None);
    assert_eq!(s.records(), 0);
}

// ---------------------------------------------------------------------------------------------
// 2. Ids
// ---------------------------------------------------------------------------------------------

#[test]
fn ids_count_from_one() {
    let mut s = open(config(None, false));
    assert_eq!(s.next_id(), 1);
    let ids: Vec<JobId> = (0..5).map(|_| push(&mut s, "x")).collect();
    assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    assert_eq!(s.next_id(), 6);
}

#[test]
fn a_push_on_a_closed_queue_fails_and_uses_no_id() {
    let mut s: Sched = Scheduler::new(config(Some(1), true));
    assert!(!s.is_open(), "a new queue is stopped");
    assert_eq!(s.push("a", PushOptions::default()), Err(ErrorCode::QueueClosed));
    assert_eq!(s.next_id(), 1);
    assert_eq!((s.waiting(), s.records()), (0, 0));
    assert_eq!(s.status(1), None);

    assert!(s.start());
    assert!(!s.start(), "start on an open queue reports it was already open");
    assert_eq!(push(&mut s, "a"), 1);
    assert!(s.stop().contains(&1));
    assert!(!s.is_open());
    assert_eq!(s.push("b", prio(3.0)), Err(ErrorCode::QueueClosed));
    assert_eq!(s.push("c", timeout(5.0)), Err(ErrorCode::QueueClosed));
    assert_eq!(s.next_id(), 2);
    assert_eq!(s.waiting(), 0);
    assert!(s.start());
    assert_eq!(push(&mut s, "d"), 2, "failed pushes used up no id");
}

#[test]
fn ids_are_never_reused_after_clear_or_restart() {
    let mut s = sync_tracked();
    assert_eq!(run_all_in_order(&mut s), Vec::<JobId>::new());
    let a = push(&mut s, "a");
    let b = push(&mut s, "b");
    assert_eq!(run_all_in_order(&mut s), vec![a, b]);
    s.clear();
    assert_eq!(s.records(), 0);
    assert_eq!(push(&mut s, "c"), 3);
    assert_eq!(run_all_in_order(&mut s), vec![3]);
    assert_eq!(s.result(3), Ok(3));
    // Everything read: the table is empty, yet ids go on.
    assert_eq!(push(&mut s, "d"), 4);
    s.stop();
    assert!(s.start());
    assert_eq!(push(&mut s, "e"), 5);
    s.stop();
    s.clear();
    assert!(s.start());
    assert_eq!(push(&mut s, "f"), 6);
    // The old ids are gone for good.
    assert_eq!(code(s.result(a)), ErrorCode::NotFound);
    assert_eq!(code(s.result(b)), ErrorCode::NotFound);
}

// ---------------------------------------------------------------------------------------------
// 3. Ordering
// ---------------------------------------------------------------------------------------------

#[test]
fn sync_runs_one_at_a_time_in_push_order() {
    let mut s = sync_tracked();
    for tag in ["a", "b", "c", "d", "e"] {
        push(&mut s, tag);
    }
    for (want, tag) in (1..=5).zip(["a", "b", "c", "d", "e"]) {
        assert_eq!(s.start_next(0.0), Some(Started { id: want, job: tag }));
        // One at a time: nothing else starts while it runs.
        assert!(!s.can_start());
        assert_eq!(s.start_next(0.0), None);
        assert_eq!(s.running(), 1);
        s.finish(want, Ok(0));
    }
    assert_eq!(s.start_next(0.0), None);
    assert!(s.is_idle());
}

#[test]
fn sync_push_while_running_waits_its_turn() {
    let mut s = sync_tracked();
    push(&mut s, "a");
    s.start_next(0.0).unwrap();
    push(&mut s, "b");
    push(&mut s, "c");
    assert_eq!(s.start_next(0.0), None);
    s.finish(1, Ok(0));
    assert_eq!(run_all_in_order(&mut s), vec![2, 3]);
}

#[test]
fn higher_priority_first_fifo_among_equals_negative_last() {
    // Pushed:        1  2  3  4   5  6   7  8
    let prios = [0.0, 5.0, 1.0, 5.0, -1.0, 0.0, -3.0, 1.0];
    let want = vec![2, 4, 3, 8, 1, 6, 5, 7];
    for concurrency in [Some(1), None] {
        let mut s = open(config(concurrency, true));
        for p in prios {
            s.push("x", prio(p)).unwrap();
        }
        let order = if concurrency.is_none() { drain(&mut s, 0.0) } else { run_all_in_order(&mut s) };
        assert_eq!(order, want, "concurrency {concurrency:?}");
    }
}

#[test]
fn priority_is_read_when_picking_not_when_pushing() {
    // A high-priority job pushed while another runs goes before older priority-0 jobs.
    let mut s = sync_tracked();
    push(&mut s, "a");
    push(&mut s, "b");
    s.start_next(0.0).unwrap();
    s.push("urgent", prio(2.0)).unwrap();
    s.finish(1, Ok(0));
    assert_eq!(s.start_next(0.0), Some(Started { id: 3, job: "urgent" }));
    s.finish(3, Ok(0));
    assert_eq!(s.start_next(0.0), Some(Started { id: 2, job: "b" }));
}

#[test]
fn set_priority_moves_a_waiting_job() {
    let mut s = open(config(None, false));
    for tag in ["a", "b", "c", "d"] {
        push(&mut s, tag);
    }
    assert_eq!(s.priority(3), Some(0.0));
    assert!(s.set_priority(3, 2.0));
    assert_eq!(s.priority(3), Some(2.0));
    assert!(s.set_priority(1, -1.0));
    assert_eq!(s.priority(1), Some(-1.0));
    assert_eq!(drain(&mut s, 0.0), vec![3, 2, 4, 1]);
}

#[test]
fn set_priority_back_to_zero_restores_the_fifo_place() {
    // Raised then lowered back: it takes its place by id among priority-0 jobs again.
    let mut s = open(config(None, false));
    for tag in ["a", "b", "c"] {
        push(&mut s, tag);
    }
    assert!(s.set_priority(3, 9.0));
    assert!(s.set_priority(3, 0.0));
    assert_eq!(s.priority(3), Some(0.0));
    assert_eq!(drain(&mut s, 0.0), vec![1, 2, 3]);

    // Pushed with a priority, then set to 0: behaves as if pushed with 0.
    let mut s = open(config(None, false));
    push(&mut s, "a");
    s.push("b", prio(5.0)).unwrap();
    push(&mut s, "c");
    s.push("d", prio(-5.0)).unwrap();
    assert!(s.set_priority(2, 0.0));
    assert!(s.set_priority(4, 0.0));
    assert_eq!(drain(&mut s, 0.0), vec![1, 2, 3, 4]);

    // Lowered to 0 while an older job already started: the cursor has passed nothing it needs.
    let mut s = sync_tracked();
    push(&mut s, "a");
    push(&mut s, "b");
    s.push("c", prio(1.0)).unwrap();
    assert_eq!(s.start_next(0.0).map(|st| st.id), Some(3));
    s.finish(3, Ok(0));
    assert!(s.set_priority(1, 0.0));
    assert_eq!(run_all_in_order(&mut s), vec![1, 2]);
}

#[test]
fn set_priority_repeatedly_uses_the_latest_value() {
    let mut s = open(config(None, false));
    for _ in 0..3 {
        push(&mut s, "x");
    }
    assert!(s.set_priority(1, 5.0));
    assert!(s.set_priority(1, -2.0));
    assert!(s.set_priority(2, 3.0));
    assert!(s.set_priority(2, 3.0));
    assert!(s.set_priority(1, 5.0));
    assert!(s.set_priority(1, -2.0));
    assert_eq!(drain(&mut s, 0.0), vec![2, 3, 1]);
}

#[test]
fn set_priority_on_a_job_that_is_not_waiting_is_refused() {
    let mut s = sync_tracked();
    let a = push(&mut s, "a");
    push(&mut s, "b");
    s.start_next(0.0).unwrap();
    assert!(!s.set_priority(a, 10.0), "running");
    assert_eq!(s.priority(a), None);
    s.finish(a, Ok(0));
    assert!(!s.set_priority(a, 10.0), "finished");
    assert!(!s.set_priority(99, 10.0), "unknown");
    assert!(!s.set_priority(0, 10.0), "unknown");
    assert_eq!(s.status(a), Some(Status::Succeeded));
    assert_eq!(run_all_in_order(&mut s), vec![2]);
}

/// Regression: `-0.0 == 0.0`, so a job given priority -0 is an equal of priority-0 jobs and
/// keeps its FIFO place. The heap used `total_cmp`, which ranks -0 below +0, so a heaped +0 job
/// overtook an older heaped -0 job (`set_priority(x, -0.0)` from JS `-0`).
#[test]
fn negative_zero_priority_is_priority_zero() {
    let mut s = open(config(None, false));
    for _ in 0..4 {
        push(&mut s, "x");
    }
    assert!(s.set_priority(1, -0.0));
    assert!(s.set_priority(2, 0.0));
    assert!(s.set_priority(3, -0.0));
    assert_eq!(drain(&mut s, 0.0), vec![1, 2, 3, 4]);

    // Pushed with -0 (FIFO, not heaped) among jobs lowered to -0 and +0.
    let mut s = open(config(None, false));
    s.push("a", prio(7.0)).unwrap();
    s.push("b", prio(-0.0)).unwrap();
    s.push("c", prio(7.0)).unwrap();
    assert!(s.set_priority(1, -0.0));
    assert!(s.set_priority(3, 0.0));
    assert_eq!(s.priority(2), Some(0.0));
    push(&mut s, "d");
    assert_eq!(drain(&mut s, 0.0), vec![1, 2, 3, 4]);
}

#[test]
fn infinite_priorities_order_like_numbers() {
    let mut s = open(config(None, false));
    s.push("a", prio(f64::NEG_INFINITY)).unwrap();
    s.push("b", prio(1e300)).unwrap();
    s.push("c", prio(f64::INFINITY)).unwrap();
    push(&mut s, "d");
    s.push("e", prio(-1e300)).unwrap();
    assert_eq!(drain(&mut s, 0.0), vec![3, 2, 4, 5, 1]);
}

// ---------------------------------------------------------------------------------------------
// 4. Concurrency
// ---------------------------------------------------------------------------------------------

#[test]
fn a_cap_is_never_exceeded() {
    let mut s = open(config(Some(3), true));
    for _ in 0..10 {
        push(&mut s, "x");
    }
    assert_eq!(drain(&mut s, 0.0), vec![1, 2, 3]);
    assert_eq!(s.running(), 3);
    assert!(!s.can_start());
    s.finish(2, Ok(0));
    assert!(s.can_start());
    assert_eq!(drain(&mut s, 0.0), vec![4]);
    s.finish(1, Ok(0));
    s.finish(3, Ok(0));
    assert_eq!(drain(&mut s, 0.0), vec![5, 6]);
    assert_eq!(s.running(), 3);
    assert_eq!(s.waiting(), 4);
}

#[test]
fn async_starts_everything() {
    let mut s = open(config(None, false));
    for _ in 0..1000 {
        push(&mut s, "x");
    }
    let started = drain(&mut s, 0.0);
    assert_eq!(started, (1..=1000).collect::<Vec<_>>());
    assert_eq!((s.waiting(), s.running()), (0, 1000));
    assert!(!s.can_start());
}

#[test]
fn raising_the_cap_lets_more_start_and_lowering_holds_starts() {
    let mut s = open(config(Some(1), false));
    for _ in 0..6 {
        push(&mut s, "x");
    }
    assert_eq!(drain(&mut s, 0.0), vec![1]);
    s.set_concurrency(Some(3));
    assert_eq!(s.concurrency(), Some(3));
    assert_eq!(drain(&mut s, 0.0), vec![2, 3]);
    // Lowering does not stop running jobs, but no start until running < the new cap.
    s.set_concurrency(Some(2));
    assert_eq!(s.running(), 3);
    assert_eq!(drain(&mut s, 0.0), Vec::<JobId>::new());
    s.finish(1, Ok(0));
    assert_eq!(drain(&mut s, 0.0), Vec::<JobId>::new());
    s.finish(2, Ok(0));
    assert_eq!(drain(&mut s, 0.0), vec![4]);
    s.set_concurrency(None);
    assert_eq!(s.concurrency(), None);
    assert_eq!(drain(&mut s, 0.0), vec![5, 6]);
}

#[test]
fn a_zero_cap_is_treated_as_one() {
    let mut s = open(config(Some(2), false));
    s.set_concurrency(Some(0));
    assert_eq!(s.concurrency(), Some(1));
    push(&mut s, "a");
    push(&mut s, "b");
    assert_eq!(drain(&mut s, 0.0), vec![1]);
}

#[test]
fn pause_holds_starts_and_resume_lets_them_go() {
    let mut s = open(config(Some(2), true));
    for _ in 0..4 {
        push(&mut s, "x");
    }
    assert_eq!(s.start_next(0.0).map(|st| st.id), Some(1));
    s.set_paused(true);
    assert!(s.is_paused());
    assert!(!s.can_start());
    assert_eq!(s.start_next(0.0), None);
    // Running jobs go on and finish; pushes are still accepted.
    assert_eq!(s.finish(1, Ok(1)), Settled::Recorded);
    push(&mut s, "y");
    assert_eq!(s.start_next(0.0), None);
    assert_eq!(s.waiting(), 4);
    s.set_paused(false);
    assert!(!s.is_paused());
    assert_eq!(drain(&mut s, 0.0), vec![2, 3]);
}

#[test]
fn a_closed_queue_starts_nothing() {
    let mut s: Sched = Scheduler::new(config(None, true));
    assert!(!s.can_start());
    assert_eq!(s.start_next(0.0), None);
    assert!(s.start());
    push(&mut s, "a");
    s.stop();
    assert!(!s.can_start());
    assert_eq!(s.start_next(0.0), None);
    assert!(s.start());
    // The job dropped by stop never starts, not even after a restart.
    assert_eq!(s.start_next(0.0), None);
    assert_eq!(s.status(1), Some(Status::Failed));
}

// ---------------------------------------------------------------------------------------------
// 5. stop()
// ---------------------------------------------------------------------------------------------

#[test]
fn stop_fails_waiting_jobs_and_lets_running_ones_finish() {
    let mut s = sync_tracked();
    for _ in 0..4 {
        push(&mut s, "x");
    }
    s.start_next(0.0).unwrap();
    assert_eq!(s.stop(), vec![2, 3, 4]);
    assert!(!s.is_open());
    assert_eq!((s.waiting(), s.running(), s.records()), (0, 1, 3));
    for id in 2..=4 {
        assert_eq!(s.status(id), Some(Status::Failed));
        assert_eq!(s.peek(id), Some(&Err(Fail::Closed)));
    }
    assert_eq!(s.result(2), Err(Lookup::Failed(Fail::Closed)));
    // The running job finishes after the stop; its outcome is recorded.
    assert_eq!(s.status(1), Some(Status::Running));
    assert_eq!(s.finish(1, Ok(9)), Settled::Recorded);
    assert_eq!(s.result(1), Ok(9));
    assert!(s.is_idle());
    // Stopping a stopped queue does nothing.
    assert_eq!(s.stop(), Vec::<JobId>::new());
    assert_eq!(s.records(), 2);
    // Restart: ids keep counting, jobs run again.
    assert!(s.start());
    assert_eq!(push(&mut s, "y"), 5);
    assert_eq!(run_all_in_order(&mut s), vec![5]);
    assert_eq!(s.result(5), Ok(5));
}

#[test]
fn stop_returns_dropped_ids_in_id_order_whatever_their_priority() {
    let mut s = open(config(Some(1), true));
    s.push("a", prio(1.0)).unwrap();
    s.push("b", prio(-4.0)).unwrap();
    s.push("c", prio(9.0)).unwrap();
    push(&mut s, "d");
    s.push("e", prio(2.0)).unwrap();
    assert!(s.set_priority(4, 3.0));
    assert_eq!(s.start_next(0.0).map(|st| st.id), Some(3));
    assert_eq!(s.stop(), vec![1, 2, 4, 5]);
    for id in [1, 2, 4, 5] {
        assert_eq!(s.priority(id), None);
    }
    // After a restart the old heap entries must not resurface.
    assert!(s.start());
    s.finish(3, Ok(0));
    push(&mut s, "f");
    assert_eq!(run_all_in_order(&mut s), vec![6]);
}

#[test]
fn untracked_stop_forgets_waiting_jobs() {
    let mut s = open(config(Some(1), false));
    for _ in 0..3 {
        push(&mut s, "x");
    }
    s.start_next(0.0).unwrap();
    assert_eq!(s.stop(), vec![2, 3]);
    assert_eq!(s.status(2), None);
    assert_eq!(s.status(3), None);
    assert_eq!((s.waiting(), s.running(), s.records()), (0, 1, 0));
    assert_eq!(s.finish(1, Ok(4)), Settled::Forgotten(Ok(4)));
    assert!(s.is_idle());
    assert_eq!(s.oldest_live_id(), s.next_id());
}

// ---------------------------------------------------------------------------------------------
// 6. Timeouts (fake clock)
// ---------------------------------------------------------------------------------------------

fn with_timeout(concurrency: Option<u32>, track: bool, ms: f64) -> Sched {
    open(Config { concurrency, track, timeout: Some(ms), max_records: None })
}

#[test]
fn a_job_times_out_exactly_at_its_deadline() {
    let mut s = with_timeout(Some(1), true, 100.0);
    push(&mut s, "a");
    s.start_next(1000.0).unwrap();
    assert_eq!(s.next_deadline(), Some(1100.0));
    assert_eq!(s.expire(1099.0), Vec::<JobId>::new());
    assert_eq!(s.status(1), Some(Status::Running));
    assert_eq!(s.running(), 1);
    assert_eq!(s.expire(1100.0), vec![1]);
    assert_eq!(s.status(1), Some(Status::Failed));
    assert_eq!(s.running(), 0);
    assert_eq!(s.next_deadline(), None);
    // The late outcome is ignored; the record keeps the timeout.
    assert_eq!(s.finish(1, Ok(3)), Settled::Ignored(Ok(3)));
    assert_eq!(s.result(1), Err(Lookup::Failed(Fail::Timeout)));
    // Expiring again does nothing.
    assert_eq!(s.expire(1e12), Vec::<JobId>::new());
}

#[test]
fn a_timed_out_job_frees_its_slot_at_once() {
    let mut s = with_timeout(Some(1), true, 50.0);
    push(&mut s, "a");
    push(&mut s, "b");
    assert_eq!(s.start_next(0.0).map(|st| st.id), Some(1));
    assert_eq!(s.start_next(10.0), None);
    assert_eq!(s.expire(50.0), vec![1]);
    // In sync mode the next job starts while the timed-out one may still be settling.
    assert_eq!(s.start_next(50.0), Some(Started { id: 2, job: "b" }));
    assert_eq!(s.next_deadline(), Some(100.0));
    assert_eq!(s.finish(1, Ok(0)), Settled::Ignored(Ok(0)));
    assert_eq!(s.running(), 1);
    assert_eq!(s.finish(2, Ok(2)), Settled::Recorded);
}

#[test]
fn deadlines_count_from_the_start_not_the_push() {
    let mut s = with_timeout(Some(1), true, 10.0);
    push(&mut s, "a");
    push(&mut s, "b");
    s.start_next(0.0).unwrap();
    s.finish(1, Ok(0));
    s.start_next(500.0).unwrap();
    assert_eq!(s.next_deadline(), Some(510.0));
    assert_eq!(s.expire(509.0), Vec::<JobId>::new());
    assert_eq!(s.expire(510.0), vec![2]);
}

#[test]
fn a_per_job_timeout_overrides_the_queues() {
    let mut s = with_timeout(None, true, 100.0);
    let short = s.push("short", timeout(10.0)).unwrap();
    let never = s.push("never", timeout(f64::INFINITY)).unwrap();
    let long = s.push("long", timeout(1000.0)).unwrap();
    let default = push(&mut s, "default");
    assert_eq!(drain(&mut s, 0.0).len(), 4);
    assert_eq!(s.next_deadline(), Some(10.0));
    assert_eq!(s.expire(10.0), vec![short]);
    assert_eq!(s.next_deadline(), Some(100.0));
    assert_eq!(s.expire(999.0), vec![default]);
    assert_eq!(s.next_deadline(), Some(1000.0));
    assert_eq!(s.expire(f64::MAX), vec![long]);
    assert_eq!(s.next_deadline(), None);
    assert_eq!(s.status(never), Some(Status::Running));
    assert_eq!(s.finish(never, Ok(1)), Settled::Recorded);
}

#[test]
fn a_per_job_timeout_without_a_queue_timeout() {
    let mut s = open(config(None, false));
    push(&mut s, "plain");
    s.push("timed", timeout(30.0)).unwrap();
    drain(&mut s, 5.0);
    assert_eq!(s.next_deadline(), Some(35.0));
    assert_eq!(s.expire(1e9), vec![2]);
    assert_eq!(s.status(2), None, "untracked: a timed-out job is gone");
    assert_eq!(s.status(1), Some(Status::Running));
    assert_eq!(s.finish(2, Ok(0)), Settled::Ignored(Ok(0)));
    assert_eq!(s.running(), 1);
}

#[test]
fn expire_returns_earliest_deadline_first_then_lowest_id() {
    let mut s = open(config(None, true));
    s.push("a", timeout(30.0)).unwrap();
    s.push("b", timeout(10.0)).unwrap();
    s.push("c", timeout(30.0)).unwrap();
    s.push("d", timeout(20.0)).unwrap();
    s.push("e", timeout(10.0)).unwrap();
    drain(&mut s, 0.0);
    assert_eq!(s.expire(100.0), vec![2, 5, 4, 1, 3]);
    assert_eq!(s.running(), 0);
    assert_eq!(s.records(), 5);
}

#[test]
fn finished_and_cancelled_jobs_leave_no_live_deadline() {
    let mut s = with_timeout(None, true, 50.0);
    for _ in 0..3 {
        push(&mut s, "x");
    }
    drain(&mut s, 0.0);
    s.finish(1, Ok(1));
    assert_eq!(s.cancel(2, 0), Some(Status::Running));
    assert_eq!(s.next_deadline(), Some(50.0));
    assert_eq!(s.expire(50.0), vec![3]);
    assert_eq!(s.peek(1), Some(&Ok(1)));
    assert_eq!(s.peek(2), Some(&Err(Fail::Thrown(0))));
    assert_eq!(s.peek(3), Some(&Err(Fail::Timeout)));
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn a_timeout_still_applies_after_stop() {
    let mut s = with_timeout(Some(1), true, 10.0);
    push(&mut s, "a");
    s.start_next(0.0).unwrap();
    s.stop();
    assert_eq!(s.expire(10.0), vec![1]);
    assert_eq!(s.result(1), Err(Lookup::Failed(Fail::Timeout)));
}

// ---------------------------------------------------------------------------------------------
// 7. cancel()
// ---------------------------------------------------------------------------------------------

#[test]
fn cancelling_a_waiting_job_removes_it_and_records_the_reason() {
    let mut s = open(config(Some(1), true));
    push(&mut s, "a");
    push(&mut s, "b");
    s.push("c", prio(3.0)).unwrap();
    push(&mut s, "d");
    assert_eq!(s.cancel(2, -2), Some(Status::Pending));
    assert_eq!(s.cancel(3, -3), Some(Status::Pending));
    assert_eq!(s.waiting(), 2);
    assert_eq!(s.status(2), Some(Status::Failed));
    assert_eq!(s.priority(3), None);
    // Neither ever starts.
    assert_eq!(run_all_in_order(&mut s), vec![1, 4]);
    assert_eq!(s.result(2), Err(Lookup::Failed(Fail::Thrown(-2))));
    assert_eq!(s.result(3), Err(Lookup::Failed(Fail::Thrown(-3))));
}

#[test]
fn cancelling_a_running_job_frees_its_slot_and_ignores_its_late_outcome() {
    let mut s = sync_tracked();
    push(&mut s, "a");
    push(&mut s, "b");
    s.start_next(0.0).unwrap();
    assert_eq!(s.cancel(1, 100), Some(Status::Running));
    assert_eq!(s.running(), 0);
    assert_eq!(s.start_next(0.0).map(|st| st.id), Some(2));
    assert_eq!(s.finish(1, Ok(5)), Settled::Ignored(Ok(5)));
    assert_eq!(s.result(1), Err(Lookup::Failed(Fail::Thrown(100))));
    assert_eq!(s.running(), 1);
}

#[test]
fn cancelling_a_finished_or_unknown_job_does_nothing() {
    let mut s = sync_tracked();
    push(&mut s, "a");
    push(&mut s, "b");
    run_all_in_order(&mut s);
    assert_eq!(s.cancel(1, 0), None);
    assert_eq!(s.peek(1), Some(&Ok(1)));
    assert_eq!(s.result(2), Ok(2));
    assert_eq!(s.cancel(2, 0), None, "read");
    assert_eq!(s.status(2), None);
    assert_eq!(s.cancel(3, 0), None, "never pushed");
    assert_eq!(s.cancel(0, 0), None);
    assert_eq!(s.records(), 1);
    assert_eq!(s.next_id(), 3);
}

#[test]
fn untracked_cancel_forgets_the_job() {
    let mut s = open(config(Some(1), false));
    push(&mut s, "a");
    push(&mut s, "b");
    s.start_next(0.0).unwrap();
    assert_eq!(s.cancel(2, 0), Some(Status::Pending));
    assert_eq!(s.cancel(1, 0), Some(Status::Running));
    assert_eq!(s.status(1), None);
    assert_eq!(s.status(2), None);
    assert!(s.is_idle());
    assert_eq!(s.start_next(0.0), None);
    assert_eq!(s.oldest_live_id(), s.next_id());
}

// ---------------------------------------------------------------------------------------------
// 8. clear() and max_records
// ---------------------------------------------------------------------------------------------

#[test]
fn clear_deletes_finished_records_only() {
    let mut s = open(config(Some(1), true));
    for _ in 0..4 {
        push(&mut s, "x");
    }
    s.start_next(0.0).unwrap();
    s.finish(1, Ok(1));
    s.start_next(0.0).unwrap();
    s.finish(2, Err(Fail::Thrown(2)));
    s.start_next(0.0).unwrap();
    assert_eq!(s.records(), 2);
    s.clear();
    assert_eq!(s.records(), 0);
    assert_eq!(code(s.result(1)), ErrorCode::NotFound);
    assert_eq!(code(s.result(2)), ErrorCode::NotFound);
    assert_eq!(s.status(3), Some(Status::Running));
    assert_eq!(s.status(4), Some(Status::Pending));
    assert_eq!((s.waiting(), s.running()), (1, 1));
    // The jobs that survived the clear still record their outcomes.
    s.finish(3, Ok(3));
    assert_eq!(run_all_in_order(&mut s), vec![4]);
    assert_eq!(s.records(), 2);
    assert_eq!(s.result(3), Ok(3));
    assert_eq!(s.result(4), Ok(4));
    // Clearing an empty store is harmless.
    s.clear();
    s.clear();
    assert_eq!(s.records(), 0);
}

fn capped(max: usize) -> Sched {
    open(Config { concurrency: None, track: true, timeout: None, max_records: Some(max) })
}

#[test]
fn max_records_drops_the_earliest_finished_first() {
    let mut s = capped(2);
    for _ in 0..4 {
        push(&mut s, "x");
    }
    drain(&mut s, 0.0);
    // Finish out of id order: 3, 1, 4.
    s.finish(3, Ok(3));
    s.finish(1, Ok(1));
    assert_eq!(s.records(), 2);
    s.finish(4, Ok(4));
    assert_eq!(s.records(), 2);
    assert_eq!(s.status(3), None, "finished first, dropped first");
    assert_eq!(code(s.result(3)), ErrorCode::NotFound);
    assert_eq!(s.peek(1), Some(&Ok(1)));
    assert_eq!(s.peek(4), Some(&Ok(4)));
    // Job 2 is still running: never dropped.
    assert_eq!(s.status(2), Some(Status::Running));
    s.finish(2, Ok(2));
    assert_eq!(s.status(1), None);
    assert_eq!(s.result(4), Ok(4));
    assert_eq!(s.result(2), Ok(2));
    assert_eq!(s.records(), 0);
}

#[test]
fn max_records_never_drops_a_pending_or_running_job() {
    let mut s = open(Config { concurrency: Some(2), track: true, timeout: None, max_records: Some(1) });
    for _ in 0..6 {
        push(&mut s, "x");
    }
    assert_eq!(drain(&mut s, 0.0), vec![1, 2]);
    s.finish(2, Ok(2));
    assert_eq!(drain(&mut s, 0.0), vec![3]);
    s.finish(3, Ok(3));
    assert_eq!(s.records(), 1);
    assert_eq!(s.status(1), Some(Status::Running));
    for id in 4..=6 {
        assert_eq!(s.status(id), Some(Status::Pending));
    }
    assert_eq!(s.status(2), None);
    assert_eq!(s.peek(3), Some(&Ok(3)));
}

#[test]
fn a_read_record_frees_its_place_under_the_cap() {
    let mut s = capped(2);
    for _ in 0..3 {
        push(&mut s, "x");
    }
    drain(&mut s, 0.0);
    s.finish(1, Ok(1));
    s.finish(2, Ok(2));
    assert_eq!(s.result(1), Ok(1));
    s.finish(3, Ok(3));
    assert_eq!(s.records(), 2);
    assert_eq!(s.result(2), Ok(2));
    assert_eq!(s.result(3), Ok(3));
}

#[test]
fn max_records_counts_stop_timeout_and_cancel_failures() {
    let mut s = open(Config {
        concurrency: Some(1),
        track: true,
        timeout: Some(10.0),
        max_records: Some(2),
    });
    for _ in 0..6 {
        push(&mut s, "x");
    }
    s.start_next(0.0).unwrap();
    assert_eq!(s.expire(10.0), vec![1]);
    s.start_next(10.0).unwrap();
    assert_eq!(s.cancel(2, -1), Some(Status::Running));
    assert_eq!(s.records(), 2);
    s.start_next(10.0).unwrap();
    assert_eq!(s.stop(), vec![4, 5, 6]);
    // Stop settles 4, 5, 6 in id order: only the last two records are kept.
    assert_eq!(s.records(), 2);
    for id in [1, 2, 4] {
        assert_eq!(s.status(id), None, "id {id}");
    }
    assert_eq!(s.peek(5), Some(&Err(Fail::Closed)));
    assert_eq!(s.peek(6), Some(&Err(Fail::Closed)));
    assert_eq!(s.status(3), Some(Status::Running));
    s.finish(3, Ok(3));
    assert_eq!(s.status(5), None);
    assert_eq!(s.peek(3), Some(&Ok(3)));
}

#[test]
fn max_records_keeps_exactly_the_latest_over_a_long_run() {
    let max = 5;
    let mut s = capped(max);
    for round in 0..50u64 {
        for _ in 0..7 {
            push(&mut s, "x");
        }
        let ids = drain(&mut s, 0.0);
        // Finish in reverse, read one record in three.
        for &id in ids.iter().rev() {
            s.finish(id, Ok(id as i32));
            if id % 3 == 0 {
                assert_eq!(s.result(id), Ok(id as i32));
            }
        }
        assert!(s.records() <= max, "round {round}: {} records", s.records());
    }
    // The last round finished 350..=344 in that order; 348 and 345 were read.
    let kept: Vec<JobId> = (1..s.next_id()).filter(|&id| s.peek(id).is_some()).collect();
    assert_eq!(kept, vec![344, 346, 347, 349, 350]);
    assert_eq!(s.records(), max);
}

#[test]
fn max_records_stays_exact_after_many_records_were_read() {
    // Hundreds of read records leave stale ids in the finish order (compacted on the way);
    // the cap must still drop exactly the earliest-finished unread records afterwards.
    let mut s = capped(10);
    for _ in 0..300 {
        push(&mut s, "x");
    }
    drain(&mut s, 0.0);
    for id in 1..=295 {
        s.finish(id, Ok(id as i32));
        if id % 50 != 0 {
            assert_eq!(s.result(id), Ok(id as i32));
        }
    }
    // Unread: 50, 100, 150, 200, 250.
    assert_eq!(s.records(), 5);
    for id in (296..=300).rev() {
        s.finish(id, Ok(id as i32));
    }
    assert_eq!(s.records(), 10);
    for _ in 0..3 {
        push(&mut s, "x");
    }
    drain(&mut s, 0.0);
    for id in 301..=303 {
        s.finish(id, Ok(id as i32));
    }
    let kept: Vec<JobId> = (1..s.next_id()).filter(|&id| s.peek(id).is_some()).collect();
    assert_eq!(kept, vec![200, 250, 296, 297, 298, 299, 300, 301, 302, 303]);
}

// ---------------------------------------------------------------------------------------------
// 9. Memory shape
// ---------------------------------------------------------------------------------------------

#[test]
fn the_ring_trims_as_records_are_read() {
    let mut s = open(config(Some(1), true));
    for n in 1..=10_000u64 {
        let id = push(&mut s, "x");
        assert_eq!(id, n);
        s.start_next(0.0).unwrap();
        s.finish(id, Ok(1));
        assert_eq!(s.result(id), Ok(1));
        assert_eq!(s.oldest_live_id(), id + 1);
    }
}

#[test]
fn the_ring_trims_untracked_jobs_as_they_finish() {
    let mut s = open(config(None, false));
    for _ in 0..5000 {
        push(&mut s, "x");
    }
    let ids = drain(&mut s, 0.0);
    assert_eq!(s.oldest_live_id(), 1);
    for id in ids {
        assert_eq!(s.finish(id, Ok(0)), Settled::Forgotten(Ok(0)));
        assert_eq!(s.oldest_live_id(), id + 1);
        // The ring gives memory back as it drains; the jobs still in it must be unharmed.
        if id < 5000 {
            assert_eq!(s.status(id + 1), Some(Status::Running), "id {}", id + 1);
            assert_eq!(s.status(5000), Some(Status::Running));
        }
    }
    assert_eq!(s.oldest_live_id(), s.next_id());
}

#[test]
fn an_unsettled_or_unread_job_holds_the_ring_until_it_goes() {
    let mut s = open(config(None, true));
    for _ in 0..1000 {
        push(&mut s, "x");
    }
    drain(&mut s, 0.0);
    for id in 2..=1000 {
        s.finish(id, Ok(0));
        assert_eq!(s.result(id), Ok(0));
    }
    assert_eq!(s.oldest_live_id(), 1, "job 1 still runs");
    s.finish(1, Ok(0));
    assert_eq!(s.oldest_live_id(), 1, "job 1's record is unread");
    assert_eq!(s.result(1), Ok(0));
    assert_eq!(s.oldest_live_id(), 1001);
    // clear() and stop() trim too.
    for _ in 0..10 {
        push(&mut s, "x");
    }
    drain(&mut s, 0.0);
    for id in 1001..=1010 {
        s.finish(id, Ok(0));
    }
    assert_eq!(s.oldest_live_id(), 1001);
    s.clear();
    assert_eq!(s.oldest_live_id(), 1011);
    let mut u = open(config(Some(1), false));
    for _ in 0..10 {
        push(&mut u, "x");
    }
    assert_eq!(u.stop().len(), 10);
    assert_eq!(u.oldest_live_id(), 11);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn error_codes_and_messages_match_the_contract() {
    let want = [
        (ErrorCode::Pending, "ERR_PENDING", "gorqs: pending into queue"),
        (ErrorCode::Running, "ERR_RUNNING", "gorqs: job still running"),
        (ErrorCode::NotFound, "ERR_NOT_FOUND", "gorqs: job not found"),
        (ErrorCode::QueueClosed, "ERR_QUEUE_CLOSED", "gorqs: queue is closed"),
        (ErrorCode::Timeout, "ERR_TIMEOUT", "gorqs: operation took too long"),
        (ErrorCode::UnknownMode, "ERR_UNKNOWN_MODE", "gorqs: unknown queue mode flag"),
        (ErrorCode::InvalidMode, "ERR_INVALID_MODE", "gorqs: invalid queue mode flag"),
        (
            ErrorCode::NotImplemented,
            "ERR_NOT_IMPLEMENTED",
            "gorqs: feature not enabled. add TrackJobs flag when creating the queue",
        ),
    ];
    assert_eq!(ErrorCode::ALL.len(), want.len());
    for (c, (w, code_str, msg)) in ErrorCode::ALL.iter().zip(want) {
        assert_eq!(*c, w);
        assert_eq!(c.code(), code_str);
        assert_eq!(c.message(), msg);
        assert_eq!(c.to_string(), msg);
    }
}

#[test]
fn status_strings_match_the_contract() {
    assert_eq!(Status::Pending.as_str(), "pending");
    assert_eq!(Status::Running.as_str(), "running");
    assert_eq!(Status::Succeeded.as_str(), "succeeded");
    assert_eq!(Status::Failed.as_str(), "failed");
}
