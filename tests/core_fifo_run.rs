#![cfg(not(target_arch = "wasm32"))]
//! Native tests of runs (`fifo_run` / `complete_run`): the host is handed the next FIFO jobs at
//! once and reports them in one call, with the same end states as one `start_next` + `finish`
//! per job; a run is refused whenever something could reorder or interrupt it.

use gorqs::core::{Config, Fail, JobId, Lookup, PushOptions, Scheduler, Settled, Status};

type Sched = Scheduler<(), i32>;

fn open(concurrency: Option<u32>, track: bool) -> Sched {
    let mut s = Scheduler::new(Config { concurrency, track, ..Config::default() });
    s.start();
    s
}

fn push_n(s: &mut Sched, n: usize) -> Vec<JobId> {
    (0..n).map(|_| s.push((), PushOptions::default()).expect("open")).collect()
}

#[test]
fn a_run_holds_the_next_waiting_jobs_in_id_order_up_to_max() {
    let mut s = open(Some(1), true);
    push_n(&mut s, 5);
    assert_eq!(s.fifo_run(3), (1, 3));
    // Handing out a run changes nothing: asking again gives the same run, all still waiting.
    assert_eq!(s.fifo_run(10), (1, 5));
    assert_eq!(s.waiting(), 5);
    assert_eq!(s.status(1), Some(Status::Pending));
}

#[test]
fn completing_a_run_settles_its_jobs_as_finish_would() {
    let mut s = open(Some(1), true);
    push_n(&mut s, 4);
    let (first, len) = s.fifo_run(10);
    assert_eq!((first, len), (1, 4));
    assert_eq!(s.complete_run(first, 3, false, |id| id as i32 * 10), 3);
    assert_eq!(s.waiting(), 1);
    assert_eq!(s.running(), 0);
    assert_eq!(s.records(), 3);
    assert_eq!(s.result(2), Ok(20));
    assert_eq!(s.status(4), Some(Status::Pending));
    // The rest of the queue goes on as usual.
    assert_eq!(s.start_next(0.0).map(|j| j.id), Some(4));
}

#[test]
fn untracked_run_jobs_leave_nothing_behind() {
    let mut s = open(Some(1), false);
    push_n(&mut s, 3);
    let (first, len) = s.fifo_run(10);
    assert_eq!(s.complete_run(first, len, false, |_| 0), 3);
    assert!(s.is_idle());
    assert_eq!(s.status(1), None);
    assert_eq!(s.result(1), Err(Lookup::Code(gorqs::core::ErrorCode::NotImplemented)));
}

#[test]
fn the_current_job_is_left_running_for_finish() {
    let mut s = open(Some(1), true);
    push_n(&mut s, 3);
    let (first, _) = s.fifo_run(10);
    // Jobs 1 succeeded; job 2 threw (or returned a promise): it is running now.
    assert_eq!(s.complete_run(first, 1, true, |_| 7), 1);
    assert_eq!(s.status(1), Some(Status::Succeeded));
    assert_eq!(s.status(2), Some(Status::Running));
    assert_eq!(s.running(), 1);
    assert!(s.start_next(0.0).is_none(), "sync: nothing starts beside the running job");
    assert_eq!(s.finish(2, Err(Fail::Thrown(-1))), Settled::Recorded);
    assert_eq!(s.result(2), Err(Lookup::Failed(Fail::Thrown(-1))));
    assert_eq!(s.start_next(0.0).map(|j| j.id), Some(3));
}

#[test]
fn a_run_stops_at_a_cancelled_job() {
    let mut s = open(None, true);
    push_n(&mut s, 5);
    assert_eq!(s.cancel(3, -3), Some(Status::Pending));
    assert_eq!(s.fifo_run(10), (1, 2));
    let (first, len) = s.fifo_run(10);
    s.complete_run(first, len, false, |_| 0);
    // The next run starts after the hole.
    assert_eq!(s.fifo_run(10), (4, 2));
}

#[test]
fn no_run_when_something_could_reorder_or_interrupt_it() {
    // Closed, paused, full, a priority job waiting, a queue timeout, a job timeout, a record cap.
    let mut s = open(Some(1), true);
    s.stop();
    assert_eq!(s.fifo_run(10).1, 0, "closed");

    let mut s = open(Some(1), true);
    push_n(&mut s, 2);
    s.set_paused(true);
    assert_eq!(s.fifo_run(10).1, 0, "paused");
    s.set_paused(false);
    assert!(s.start_next(0.0).is_some());
    assert_eq!(s.fifo_run(10).1, 0, "sync queue with a job running");

    let mut s = open(Some(1), true);
    push_n(&mut s, 1);
    s.push((), PushOptions { priority: 2.0, timeout: None }).expect("open");
    assert_eq!(s.fifo_run(10).1, 0, "a priority job waits");

    let mut s = open(Some(1), true);
    s.push((), PushOptions { priority: 0.0, timeout: Some(5.0) }).expect("open");
    assert_eq!(s.fifo_run(10).1, 0, "a job with its own timeout");

    let mut s = Scheduler::<(), i32>::new(Config { timeout: Some(5.0), ..Config::default() });
    s.start();
    push_n(&mut s, 1);
    assert_eq!(s.fifo_run(10).1, 0, "a queue timeout");

    let mut s = Scheduler::<(), i32>::new(Config { track: true, max_records: Some(2), ..Config::default() });
    s.start();
    push_n(&mut s, 1);
    assert_eq!(s.fifo_run(10).1, 0, "a record cap");

    let mut s = open(Some(1), true);
    push_n(&mut s, 1);
    assert_eq!(s.fifo_run(0).1, 0, "max 0");
}

#[test]
fn a_host_that_breaks_the_contract_is_stopped_unharmed() {
    let mut s = open(Some(1), true);
    push_n(&mut s, 3);
    let (first, _) = s.fifo_run(10);
    // Not the start of the run.
    assert_eq!(s.complete_run(first + 1, 1, false, |_| 0), 0);
    // More jobs than wait.
    assert_eq!(s.complete_run(first, 10, false, |_| 0), 3);
    assert_eq!(s.records(), 3);
    assert!(s.is_idle());
    // A run over finished jobs settles nothing.
    assert_eq!(s.complete_run(1, 1, true, |_| 0), 0);
    assert_eq!(s.running(), 0);
}

#[test]
fn runs_and_single_starts_give_the_same_records() {
    // The same 50 jobs through runs of 7 and one by one: same statuses and values.
    let mut a = open(Some(1), true);
    let mut b = open(Some(1), true);
    push_n(&mut a, 50);
    push_n(&mut b, 50);
    loop {
        let (first, len) = a.fifo_run(7);
        if len == 0 {
            break;
        }
        a.complete_run(first, len, false, |id| id as i32);
    }
    while let Some(j) = b.start_next(0.0) {
        b.finish(j.id, Ok(j.id as i32));
    }
    for id in 1..=50 {
        assert_eq!(a.status(id), b.status(id));
        assert_eq!(a.result(id), b.result(id));
    }
}

#[test]
fn push_many_is_n_plain_pushes() {
    let mut batch = open(Some(1), true);
    let mut single = open(Some(1), true);
    push_n(&mut single, 2);
    assert_eq!(batch.push((), PushOptions::default()), Ok(1));
    assert_eq!(batch.push_many(0, || ()), Ok(2), "an empty batch takes no id");
    assert_eq!(batch.push_many(1, || ()), Ok(2));
    assert_eq!(batch.waiting(), single.waiting());
    assert_eq!(batch.fifo_run(10), single.fifo_run(10));
    assert_eq!(batch.push_many(3, || ()), Ok(3));
    assert_eq!(batch.fifo_run(10), (1, 5));
    batch.stop();
    assert_eq!(batch.push_many(2, || ()), Err(gorqs::core::ErrorCode::QueueClosed));
    assert_eq!(batch.next_id(), 6, "a refused batch takes no ids");
}

#[test]
fn an_untracked_run_from_the_front_asks_every_value_in_order_and_frees_the_front() {
    let mut s = open(Some(1), false);
    push_n(&mut s, 6);
    let (first, len) = s.fifo_run(4);
    let mut asked = Vec::new();
    let value = |id: JobId| {
        asked.push(id);
        id as i32
    };
    assert_eq!(s.complete_run(first, len, false, value), 4);
    assert_eq!(asked, vec![1, 2, 3, 4]);
    assert_eq!(s.waiting(), 2);
    assert_eq!(s.oldest_live_id(), 5, "the finished jobs left the table");
    assert_eq!(s.fifo_run(10), (5, 2));
    // A run that stops at a job it may not settle settles the jobs before it only.
    assert_eq!(s.cancel(6, -1), Some(Status::Pending));
    let (first, len) = s.fifo_run(10);
    assert_eq!((first, len), (5, 1));
    assert_eq!(s.complete_run(first, 2, false, |_| 0), 1);
    assert!(s.is_idle());
}
