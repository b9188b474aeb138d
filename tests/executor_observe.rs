#![cfg(not(target_arch = "wasm32"))]
//! Tracking, waiters, events, cancellation and signals, on a fake host.

mod support;

use std::rc::Rc;

use gorqs::core::{ErrorCode, Status};
use gorqs::executor::{events, JobOptions, PushError, ResultError};
use support::*;

fn code_of(r: Result<V, ResultError<V>>) -> ErrorCode {
    match r {
        Err(ResultError::Code(c)) => c,
        other => panic!("expected a gorqs code, got {other:?}"),
    }
}

// ---- tracking ----------------------------------------------------------------------------

#[test]
fn result_walks_the_record_through_its_states_and_deletes_it() {
    let q = Q::sync(true);
    let a = q.push(pending());
    let b = q.push(throws(s("bad")));
    assert_eq!(code_of(q.exec.result(a)), ErrorCode::Pending);
    q.drive();
    assert_eq!(code_of(q.exec.result(a)), ErrorCode::Running);
    assert_eq!(
        q.exec.status(a).unwrap(),
        Some(Status::Running),
        "the record stays"
    );
    assert_eq!(q.exec.status(b).unwrap(), Some(Status::Pending));
    q.settle_ok(a, int(1));
    assert_eq!(q.exec.status(a).unwrap(), Some(Status::Succeeded));
    assert_eq!(q.exec.status(b).unwrap(), Some(Status::Failed));
    assert_eq!(q.exec.result(a).unwrap(), int(1));
    assert_eq!(
        code_of(q.exec.result(a)),
        ErrorCode::NotFound,
        "fetched once"
    );
    assert!(matches!(q.exec.result(b), Err(ResultError::Failed(v)) if v == s("bad")));
    assert_eq!(code_of(q.exec.result(b)), ErrorCode::NotFound);
    assert_eq!(code_of(q.exec.result(99)), ErrorCode::NotFound);
    assert_eq!(code_of(q.exec.result(0)), ErrorCode::NotFound);
}

#[test]
fn tracking_off_result_is_not_implemented_and_status_forgets_finished_jobs() {
    let q = Q::sync(false);
    let a = q.push(pending());
    let b = q.push(echo());
    assert_eq!(code_of(q.exec.result(a)), ErrorCode::NotImplemented);
    q.drive();
    assert_eq!(q.exec.status(a).unwrap(), Some(Status::Running));
    assert_eq!(q.exec.status(b).unwrap(), Some(Status::Pending));
    q.settle_ok(a, int(1));
    assert_eq!(q.exec.status(a).unwrap(), None);
    assert_eq!(q.exec.status(b).unwrap(), None);
    assert!(!q.exec.tracks().unwrap());
}

#[test]
fn wait_settles_with_the_outcome_and_leaves_tracked_records() {
    let q = Q::asynch(true);
    let a = q.push(pending());
    let b = q.push(pending());
    let (wa, wa2, wb) = (q.wait(a), q.wait(a), q.wait(b));
    q.drive();
    assert!(wa.is_pending() && wb.is_pending());
    q.settle_err(b, s("no"));
    assert_eq!(wb.err(), s("no"));
    assert!(wa.is_pending());
    q.settle_ok(a, int(5));
    assert_eq!(wa.ok(), int(5));
    assert_eq!(wa2.ok(), int(5), "every waiter hears it");
    // Finished and tracked: at once from the record, which stays.
    assert_eq!(q.wait(a).ok(), int(5));
    assert_eq!(q.wait(b).err(), s("no"));
    assert_eq!(q.exec.status(a).unwrap(), Some(Status::Succeeded));
    assert_eq!(q.exec.result(a).unwrap(), int(5));
    // Gone or unknown: not found.
    assert_eq!(q.wait(a).err(), V::Code(ErrorCode::NotFound));
    assert_eq!(q.wait(77).err(), V::Code(ErrorCode::NotFound));
}

#[test]
fn wait_works_with_tracking_off() {
    let q = Q::sync(false);
    let a = q.push(val(int(3)));
    let w = q.wait(a);
    q.drive();
    assert_eq!(w.ok(), int(3));
    assert_eq!(
        q.wait(a).err(),
        V::Code(ErrorCode::NotFound),
        "finished untracked: forgotten"
    );
}

#[test]
fn clear_deletes_finished_records_only() {
    let q = Q::sync(true);
    q.push(echo());
    let running = q.push(pending());
    let waiting = q.push(echo());
    q.drive();
    q.exec.clear().unwrap();
    assert_eq!(q.exec.status(1).unwrap(), None);
    assert_eq!(q.exec.status(running).unwrap(), Some(Status::Running));
    assert_eq!(q.exec.status(waiting).unwrap(), Some(Status::Pending));
    q.settle_ok(running, int(2));
    assert_eq!(
        q.exec.result(running).unwrap(),
        int(2),
        "recorded after the clear"
    );
    assert_eq!(q.exec.result(waiting).unwrap(), int(3));
}

// ---- waiters on the queue's state ----------------------------------------------------------

#[test]
fn on_idle_and_on_empty_resolve_at_the_right_moments() {
    let q = Q::sync(false);
    assert_eq!(q.exec.on_idle().unwrap().ok(), V::Undef, "idle already");
    assert_eq!(q.exec.on_empty().unwrap().ok(), V::Undef);
    q.push(pending());
    q.push(pending());
    let idle = q.exec.on_idle().unwrap();
    let empty = q.exec.on_empty().unwrap();
    let below2 = q.exec.on_size_less_than(2.0).unwrap();
    let below3 = q.exec.on_size_less_than(3.0).unwrap();
    assert!(idle.is_pending() && empty.is_pending() && below2.is_pending());
    assert_eq!(below3.ok(), V::Undef);
    q.drive(); // job 1 runs, job 2 waits
    assert!(empty.is_pending());
    assert_eq!(below2.ok(), V::Undef);
    q.settle_ok(1, V::Undef); // job 2 runs, nothing waits
    assert_eq!(empty.ok(), V::Undef);
    assert!(idle.is_pending(), "job 2 still runs");
    q.settle_ok(2, V::Undef);
    assert_eq!(idle.ok(), V::Undef);
}

#[test]
fn stop_resolves_once_the_running_jobs_settle() {
    let q = Q::asynch(true);
    let a = q.push(pending());
    let b = q.push(pending());
    q.drive();
    let stopped = q.exec.stop().unwrap();
    assert!(stopped.is_pending());
    assert!(
        q.exec.stop().unwrap().is_pending(),
        "a second stop waits as well"
    );
    q.settle_ok(a, int(1));
    assert!(stopped.is_pending());
    q.settle_err(b, int(2));
    assert_eq!(stopped.ok(), V::Undef);
    assert_eq!(q.exec.result(a).unwrap(), int(1));
    assert!(matches!(q.exec.result(b), Err(ResultError::Failed(v)) if v == int(2)));
}

#[test]
fn the_start_promise_resolves_on_stop_and_is_shared_while_open() {
    let q = Q::new(sync_config(false));
    let p1 = q.exec.start(None).unwrap();
    let p2 = q.exec.start(None).unwrap();
    assert!(p1.same(&p2));
    assert!(p1.is_pending());
    let _ = q.exec.stop().unwrap();
    assert_eq!(p1.ok(), V::Undef);
    let p3 = q.exec.start(None).unwrap();
    assert!(!p3.same(&p1), "a new run, a new promise");
    assert!(p3.is_pending());
}

#[test]
fn a_start_signal_stops_the_queue_and_rejects_the_start_promise() {
    let q = Q::new(sync_config(true));
    let sig = q.host().new_signal();
    let p = q.exec.start(Some(V::Signal(sig.clone()))).unwrap();
    assert_eq!(sig.listener_count(), 1);
    q.push(pending());
    let waiting = q.push(echo());
    q.drive();
    q.host().abort_signal(&sig, s("bye"));
    assert_eq!(p.err(), s("bye"));
    assert!(!q.exec.is_running().unwrap());
    assert_eq!(sig.listener_count(), 0, "unhooked");
    assert!(matches!(
        q.exec.result(waiting),
        Err(ResultError::Failed(V::Code(ErrorCode::QueueClosed)))
    ));
    q.settle_ok(1, int(1));
    assert_eq!(
        q.exec.result(1).unwrap(),
        int(1),
        "the running job finishes"
    );
}

#[test]
fn an_aborted_start_signal_leaves_the_queue_stopped() {
    let q = Q::new(sync_config(false));
    let sig = q.host().new_signal();
    q.host().abort_signal(&sig, s("already"));
    let p = q.exec.start(Some(V::Signal(sig.clone()))).unwrap();
    assert_eq!(p.err(), s("already"));
    assert!(!q.exec.is_running().unwrap());
    assert_eq!(sig.listener_count(), 0);
}

#[test]
fn a_start_signal_that_throws_rejects_and_stays_stopped() {
    let q = Q::new(sync_config(false));
    let sig = q.host().new_signal();
    *q.host().listen_throws.borrow_mut() = Some(s("listen threw"));
    let p = q.exec.start(Some(V::Signal(sig.clone()))).unwrap();
    assert_eq!(p.err(), s("listen threw"));
    assert!(!q.exec.is_running().unwrap());
    *q.host().aborted_throws.borrow_mut() = Some(s("getter threw"));
    let p = q.exec.start(Some(V::Signal(sig))).unwrap();
    assert_eq!(p.err(), s("getter threw"));
    assert!(!q.exec.is_running().unwrap());
}

// ---- cancel and push signals ---------------------------------------------------------------

#[test]
fn cancel_a_waiting_job_removes_it() {
    let q = Q::sync(true);
    q.exec.listen(events::FAILED).unwrap();
    q.push(pending());
    let b = q.push(echo());
    let w = q.wait(b);
    q.drive();
    assert!(q.exec.cancel(b, None).unwrap());
    assert_eq!(w.err(), V::AbortError);
    assert_eq!(q.size(), 0);
    assert_eq!(q.host().events(), vec![Ev::Failed(b, V::AbortError)]);
    q.settle_ok(1, V::Undef);
    assert_eq!(q.host().called_ids(), vec![1], "never run");
    assert!(!q.exec.cancel(b, None).unwrap(), "finished: false");
    assert!(!q.exec.cancel(1, None).unwrap());
}

#[test]
fn cancel_a_running_job_frees_its_slot_and_aborts_its_signal() {
    let q = Q::sync(true);
    let sigs = Rc::new(std::cell::RefCell::new(Vec::new()));
    let s2 = sigs.clone();
    let a = q.push(job(move |ctx| {
        s2.borrow_mut().push(ctx.signal());
        Out::Pending
    }));
    let b = q.push(pending());
    q.drive();
    assert!(q.exec.cancel(a, Some(s("why"))).unwrap());
    assert_eq!(sigs.borrow()[0].reason(), Some(s("why")));
    q.drive();
    assert_eq!(
        q.host().called_ids(),
        vec![a, b],
        "the slot was freed: b runs"
    );
    // a's late outcome is ignored.
    q.settle_ok(a, int(1));
    assert!(matches!(q.exec.result(a), Err(ResultError::Failed(v)) if v == s("why")));
    // b never read its signal: reading it now after a cancel gives an aborted one.
    assert!(q.exec.cancel(b, None).unwrap());
    match q.exec.signal_for(b) {
        V::Signal(sig) => assert_eq!(sig.reason(), Some(V::AbortError)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ctx_signal_is_made_only_when_read() {
    let q = Q::asynch(false);
    for _ in 0..10 {
        q.push(pending());
    }
    q.push(job(|ctx| {
        let a = ctx.signal();
        let b = ctx.signal();
        assert!(Rc::ptr_eq(&a, &b), "one signal per job");
        Out::Val(V::Undef)
    }));
    q.drive();
    assert_eq!(q.host().controllers_made.get(), 1);
    // Stop does not abort running jobs' signals.
    let sig = match q.exec.signal_for(1) {
        V::Signal(sig) => sig,
        other => panic!("{other:?}"),
    };
    let _ = q.exec.stop().unwrap();
    assert!(!sig.is_aborted());
    // A finished job's signal is not kept: nothing will abort it.
    match q.exec.signal_for(11) {
        V::Signal(sig) => assert!(!sig.is_aborted()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_push_signal_removes_a_waiting_job_or_fails_a_running_one() {
    let q = Q::sync(true);
    let s1 = q.host().new_signal();
    let s2 = q.host().new_signal();
    let with = |sig: &Rc<FakeSignal>| JobOptions {
        signal: Some(V::Signal(sig.clone())),
        ..Default::default()
    };
    let a = q.exec.push_with(pending(), with(&s1)).unwrap();
    let b = q.exec.push_with(echo(), with(&s2)).unwrap();
    q.drive();
    q.host().abort_signal(&s2, s("b off"));
    assert!(matches!(q.exec.result(b), Err(ResultError::Failed(v)) if v == s("b off")));
    assert_eq!(s2.listener_count(), 0);
    q.host().abort_signal(&s1, s("a off"));
    assert!(matches!(q.exec.result(a), Err(ResultError::Failed(v)) if v == s("a off")));
    assert_eq!(s1.listener_count(), 0);
    assert_eq!(q.host().called_ids(), vec![a], "b never ran");
    assert_eq!(q.running(), 0);
}

#[test]
fn a_push_signal_is_unhooked_when_the_job_settles() {
    let q = Q::sync(false);
    let sig = q.host().new_signal();
    let opts = JobOptions {
        signal: Some(V::Signal(sig.clone())),
        ..Default::default()
    };
    let a = q.exec.push_with(pending(), opts.clone()).unwrap();
    let b = q.exec.push_with(echo(), opts.clone()).unwrap();
    let c = q.exec.push_with(echo(), opts).unwrap();
    assert_eq!(sig.listener_count(), 3);
    q.drive();
    q.settle_ok(a, V::Undef);
    assert_eq!(q.host().called_ids(), vec![a, b, c]);
    assert_eq!(sig.listener_count(), 0);
    // Aborting it later touches nothing.
    q.host().abort_signal(&sig, V::Undef);
}

#[test]
fn stop_unhooks_push_signals_of_dropped_jobs() {
    let q = Q::sync(false);
    let sig = q.host().new_signal();
    let opts = JobOptions {
        signal: Some(V::Signal(sig.clone())),
        ..Default::default()
    };
    q.push(pending());
    q.exec.push_with(echo(), opts.clone()).unwrap();
    q.exec.push_with(echo(), opts).unwrap();
    q.drive();
    let _ = q.exec.stop().unwrap();
    assert_eq!(sig.listener_count(), 0);
}

#[test]
fn free_unhooks_every_signal() {
    let q = Q::new(sync_config(false));
    let start_sig = q.host().new_signal();
    let sig = q.host().new_signal();
    q.exec.start(Some(V::Signal(start_sig.clone()))).unwrap();
    let opts = JobOptions {
        signal: Some(V::Signal(sig.clone())),
        ..Default::default()
    };
    q.exec.push_with(pending(), opts.clone()).unwrap();
    q.exec.push_with(echo(), opts).unwrap();
    q.drive();
    q.exec.free();
    assert_eq!(sig.listener_count(), 0);
    assert_eq!(start_sig.listener_count(), 0);
}

#[test]
fn push_with_refuses_aborted_signals_and_throwing_listeners_using_no_id() {
    let q = Q::sync(false);
    let sig = q.host().new_signal();
    q.host().abort_signal(&sig, s("gone"));
    let opts = JobOptions {
        signal: Some(V::Signal(sig.clone())),
        ..Default::default()
    };
    assert!(matches!(q.exec.push_with(echo(), opts), Err(PushError::Aborted(v)) if v == s("gone")));
    let fresh = q.host().new_signal();
    let opts = JobOptions {
        signal: Some(V::Signal(fresh.clone())),
        ..Default::default()
    };
    *q.host().listen_throws.borrow_mut() = Some(s("nope"));
    assert!(
        matches!(q.exec.push_with(echo(), opts.clone()), Err(PushError::Signal(v)) if v == s("nope"))
    );
    *q.host().aborted_throws.borrow_mut() = Some(s("getter"));
    assert!(
        matches!(q.exec.push_with(echo(), opts.clone()), Err(PushError::Aborted(v)) if v == s("getter"))
    );
    assert_eq!(fresh.listener_count(), 0);
    let _ = q.exec.stop().unwrap();
    assert!(matches!(
        q.exec.push_with(echo(), opts.clone()),
        Err(PushError::Closed)
    ));
    assert_eq!(
        fresh.listener_count(),
        0,
        "no listener left behind by a refused push"
    );
    q.exec.start(None).unwrap();
    assert_eq!(
        q.exec.push_with(echo(), opts).unwrap(),
        1,
        "refused pushes used no id"
    );
}

// ---- events --------------------------------------------------------------------------------

#[test]
fn events_fire_only_for_the_bits_listened_to() {
    let q = Q::sync(false);
    q.push(echo());
    q.drive();
    assert!(
        q.host().events().is_empty(),
        "nobody listens: nothing fired"
    );
    q.exec.listen(events::COMPLETED).unwrap();
    q.push(echo());
    q.push(throws(int(0)));
    q.drive();
    assert_eq!(q.host().events(), vec![Ev::Completed(2, int(2))]);
}

#[test]
fn events_follow_a_sync_queue_through_its_life() {
    let q = Q::sync(false);
    q.exec
        .listen(events::ACTIVE | events::COMPLETED | events::FAILED | events::EMPTY | events::IDLE)
        .unwrap();
    q.push(pending());
    q.push(throws(s("x")));
    q.drive();
    assert_eq!(q.host().take_events(), vec![Ev::Active(1)]);
    q.settle_ok(1, int(1));
    assert_eq!(
        q.host().take_events(),
        vec![
            Ev::Completed(1, int(1)),
            Ev::Active(2),
            Ev::Empty,
            Ev::Failed(2, s("x")),
            Ev::Idle
        ]
    );
    // Idle again only after more work.
    q.push(echo());
    q.drive();
    assert_eq!(
        q.host().take_events(),
        vec![Ev::Active(3), Ev::Empty, Ev::Completed(3, int(3)), Ev::Idle]
    );
}

#[test]
fn failed_fires_for_every_kind_of_failure() {
    let q = Q::started(gorqs::core::Config {
        timeout: Some(10.0),
        ..sync_config(false)
    })
    .0;
    q.exec.listen(events::FAILED).unwrap();
    q.push(throws(s("thrown"))); // 1
    q.push(pending()); // 2: rejected
    q.push(pending()); // 3: timed out
    q.push(pending()); // 4: cancelled while running
    q.push(echo()); // 5: dropped by stop
    q.drive();
    q.settle_err(2, s("rejected"));
    q.advance(10.0);
    q.drive();
    assert!(q.exec.cancel(4, Some(s("cancelled"))).unwrap());
    let _ = q.exec.stop().unwrap();
    // The cancel armed a drive that has not run: job 5 is still waiting when stop drops it.
    assert_eq!(
        q.host().events(),
        vec![
            Ev::Failed(1, s("thrown")),
            Ev::Failed(2, s("rejected")),
            Ev::Failed(3, V::Code(ErrorCode::Timeout)),
            Ev::Failed(4, s("cancelled")),
            Ev::Failed(5, V::Code(ErrorCode::QueueClosed)),
        ]
    );
}

#[test]
fn empty_and_idle_fire_on_each_transition_in_async_mode() {
    let q = Q::asynch(false);
    q.exec.listen(events::EMPTY | events::IDLE).unwrap();
    q.push(pending());
    q.push(pending());
    q.drive();
    assert_eq!(
        q.host().take_events(),
        vec![Ev::Empty],
        "both started: nothing waits"
    );
    q.settle_ok(2, V::Undef);
    assert!(q.host().take_events().is_empty());
    q.settle_ok(1, V::Undef);
    assert_eq!(q.host().take_events(), vec![Ev::Idle]);
    q.push(val(V::Undef));
    q.drive();
    assert_eq!(q.host().take_events(), vec![Ev::Empty, Ev::Idle]);
}

#[test]
fn push_all_with_a_signal_is_all_or_nothing_when_listening_throws_on_the_nth_job() {
    let q = Q::sync(true);
    let sig = q.host().new_signal();
    let opts = JobOptions {
        signal: Some(V::Signal(sig.clone())),
        ..Default::default()
    };
    // The third addEventListener throws.
    let calls = Rc::new(std::cell::Cell::new(0));
    let seen = calls.clone();
    q.host().on_listen(move |exec| {
        seen.set(seen.get() + 1);
        if seen.get() == 3 {
            *exec.host().listen_throws.borrow_mut() = Some(s("third listen threw"));
        }
    });
    let jobs = vec![echo(), echo(), echo(), echo()];
    match q.exec.push_all_with(jobs.into_iter(), opts.clone()) {
        Err(PushError::Signal(e)) => assert_eq!(e, s("third listen threw")),
        other => panic!("expected the listener's error, got {other:?}"),
    }
    assert_eq!(calls.get(), 3, "it stopped at the throw");
    assert_eq!(
        sig.listener_count(),
        0,
        "the two listeners added are removed"
    );
    assert_eq!(q.exec.size().unwrap(), 0, "nothing is queued");
    assert_eq!(q.exec.stats().unwrap().pushed, 0.0, "no id used");
    // The same queue goes on: a batch with the same signal now succeeds.
    let first = q
        .exec
        .push_all_with(vec![echo(), echo()].into_iter(), opts)
        .unwrap();
    assert_eq!(first, 1);
    assert_eq!(sig.listener_count(), 2);
    q.run_all();
    assert_eq!(q.host().called_ids(), vec![1, 2]);
    assert_eq!(sig.listener_count(), 0, "unhooked as each settled");
}

#[test]
fn push_all_with_a_signal_aborted_later_cancels_every_waiting_job_of_the_batch() {
    let q = Q::sync(true);
    let sig = q.host().new_signal();
    let opts = JobOptions {
        signal: Some(V::Signal(sig.clone())),
        ..Default::default()
    };
    q.push(pending());
    let first = q
        .exec
        .push_all_with(vec![echo(), echo(), echo()].into_iter(), opts)
        .unwrap();
    assert_eq!(first, 2);
    q.drive();
    q.host().abort_signal(&sig, s("stop them"));
    for id in 2..5 {
        assert!(matches!(q.exec.result(id), Err(ResultError::Failed(e)) if e == s("stop them")));
    }
    assert_eq!(sig.listener_count(), 0);
    assert_eq!(q.host().called_ids(), vec![1]);
}
