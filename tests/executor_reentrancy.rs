#![cfg(not(target_arch = "wasm32"))]
//! Calls back into the queue from user code: runners, event listeners, abort listeners,
//! backoff functions, a signal's getters. None may hit a RefCell double borrow (a panic).

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gorqs::core::{ErrorCode, Status};
use gorqs::executor::{events, BackoffOption, JobOptions, PushError, ResultError};
use support::*;

fn both_modes() -> [Q; 2] {
    [Q::sync(true), Q::asynch(true)]
}

#[test]
fn a_job_pushes_and_the_loop_on_the_stack_picks_it_up() {
    for q in both_modes() {
        let pushed = Rc::new(Cell::new(0));
        let p = pushed.clone();
        q.push(job(move |ctx| {
            p.set(ctx.exec.push(echo()).unwrap());
            Out::Val(int(1))
        }));
        q.host_run_one_microtask();
        assert_eq!(pushed.get(), 2);
        assert_eq!(q.host().called_ids(), vec![1, 2], "the pass that ran job 1 ran job 2");
        q.drive(); // the push armed a microtask: it finds nothing to do
        assert_eq!(q.host().called_ids(), vec![1, 2]);
        assert_eq!(q.exec.result(2).unwrap(), int(2));
    }
}

#[test]
fn a_job_reads_status_result_and_waits_from_inside_run() {
    for q in both_modes() {
        q.push(val(int(10)));
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s2 = seen.clone();
        let waits = Rc::new(RefCell::new(Vec::new()));
        let w2 = waits.clone();
        q.push(job(move |ctx| {
            let e = &ctx.exec;
            s2.borrow_mut().push(format!("{:?}", e.status(ctx.id).unwrap()));
            s2.borrow_mut().push(format!("{:?}", e.status(1).unwrap()));
            // Its own result: running.
            assert!(matches!(e.result(ctx.id), Err(ResultError::Code(ErrorCode::Running))));
            w2.borrow_mut().push(e.wait(ctx.id).unwrap());
            w2.borrow_mut().push(e.wait(1).unwrap());
            assert_eq!(e.result(1).unwrap(), int(10));
            assert!(matches!(e.result(1), Err(ResultError::Code(ErrorCode::NotFound))));
            assert_eq!(e.size().unwrap(), 0);
            assert_eq!(e.running().unwrap(), 1);
            assert!(e.is_running().unwrap());
            assert!(e.tracks().unwrap());
            e.clear().unwrap();
            assert_eq!(e.status(ctx.id).unwrap(), Some(Status::Running), "clear keeps it");
            Out::Val(int(20))
        }));
        q.drive();
        assert_eq!(*seen.borrow(), vec!["Some(Running)", "Some(Succeeded)"]);
        let waits = waits.borrow();
        assert_eq!(waits[0].ok(), int(20), "its own wait settles when it finishes");
        assert_eq!(waits[1].ok(), int(10), "a finished job's wait settles at once");
        assert_eq!(q.exec.result(2).unwrap(), int(20));
    }
}

#[test]
fn a_job_cancels_another_from_inside_run() {
    for q in both_modes() {
        let victim = Rc::new(Cell::new(0));
        let v = victim.clone();
        q.push(job(move |ctx| {
            assert!(ctx.exec.cancel(v.get(), Some(s("nope"))).unwrap());
            assert!(!ctx.exec.cancel(999, None).unwrap());
            Out::Val(V::Undef)
        }));
        let id = q.push(pending());
        victim.set(id);
        // In async mode job 2 starts before job 1 runs? No: job 1 starts first and cancels
        // job 2 while it waits.
        q.drive();
        assert_eq!(q.host().called_ids(), vec![1]);
        assert!(matches!(q.exec.result(id), Err(ResultError::Failed(e)) if e == s("nope")));
    }
}

#[test]
fn a_job_cancels_itself() {
    for q in both_modes() {
        let id = q.push(job(|ctx| {
            assert!(ctx.exec.cancel(ctx.id, None).unwrap());
            Out::Val(int(1))
        }));
        q.push(echo());
        q.drive();
        assert!(matches!(q.exec.result(id), Err(ResultError::Failed(V::AbortError))));
        assert_eq!(q.exec.result(2).unwrap(), int(2));
    }
}

#[test]
fn stop_from_inside_a_job_fails_the_waiting_and_keeps_the_running() {
    for q in both_modes() {
        let stop_promise = Rc::new(RefCell::new(None));
        let sp = stop_promise.clone();
        let start = q.exec.start(None).unwrap();
        q.push(pending()); // 1: running, a promise
        q.push(job(move |ctx| {
            // 2: stops the queue from inside its run
            *sp.borrow_mut() = Some(ctx.exec.stop().unwrap());
            assert!(!ctx.exec.is_running().unwrap());
            assert!(matches!(ctx.exec.push(echo()), Err(PushError::Closed)));
            Out::Val(int(2))
        }));
        let id3 = q.push(echo());
        let w3 = q.wait(id3);
        let sync = q.exec.concurrency().unwrap() == Some(1);
        q.drive();
        if sync {
            // Job 2 has not run yet: job 1 holds the only slot.
            assert_eq!(q.host().called_ids(), vec![1]);
            q.settle_ok(1, int(1));
        }
        assert_eq!(q.host().called_ids(), vec![1, 2], "job 3 never runs");
        assert_eq!(w3.err(), V::Code(ErrorCode::QueueClosed));
        assert!(matches!(
            q.exec.result(id3),
            Err(ResultError::Failed(V::Code(ErrorCode::QueueClosed)))
        ));
        assert_eq!(start.ok(), V::Undef, "start's promise resolves on stop");
        assert_eq!(q.exec.result(2).unwrap(), int(2), "the stopping job is recorded");
        let stopped = stop_promise.borrow().clone().unwrap();
        if sync {
            assert_eq!(stopped.ok(), V::Undef, "nothing runs any more");
        } else {
            assert!(stopped.is_pending(), "job 1 still runs");
            q.settle_ok(1, int(1));
            assert_eq!(stopped.ok(), V::Undef);
        }
        assert_eq!(q.exec.result(1).unwrap(), int(1), "a running job finishes and is recorded");
    }
}

#[test]
fn start_from_inside_a_job_returns_the_same_promise() {
    let q = Q::new(sync_config(false));
    let p = q.exec.start(None).unwrap();
    let inner = Rc::new(RefCell::new(None));
    let i2 = inner.clone();
    q.push(job(move |ctx| {
        *i2.borrow_mut() = Some(ctx.exec.start(None).unwrap());
        Out::Val(V::Undef)
    }));
    q.drive();
    assert!(inner.borrow().as_ref().unwrap().same(&p));
}

#[test]
fn stop_then_start_from_inside_a_job() {
    let q = Q::sync(true);
    q.push(job(|ctx| {
        let _ = ctx.exec.stop().unwrap();
        let _ = ctx.exec.start(None).unwrap();
        ctx.exec.push(echo()).unwrap();
        Out::Val(int(1))
    }));
    q.push(echo()); // dropped by the stop
    q.drive();
    assert!(matches!(q.exec.result(2), Err(ResultError::Failed(V::Code(ErrorCode::QueueClosed)))));
    assert_eq!(q.exec.result(3).unwrap(), int(3), "pushed after the restart, and run");
    assert_eq!(q.exec.result(1).unwrap(), int(1));
}

#[test]
fn free_from_inside_a_job_stops_the_loop_and_later_calls_say_freed() {
    for q in both_modes() {
        let stop = q.exec.stop().unwrap();
        let start = q.exec.start(None).unwrap();
        drop(stop);
        let idle = {
            q.push(job(|ctx| {
                ctx.exec.free();
                assert!(ctx.exec.is_freed());
                assert!(matches!(ctx.exec.push(echo()), Err(PushError::Freed)));
                ctx.exec.free(); // twice: nothing
                Out::Val(int(1))
            }));
            q.exec.on_idle().unwrap()
        };
        let w2 = {
            let id = q.push(echo());
            q.wait(id)
        };
        q.drive();
        assert_eq!(q.host().called_ids(), vec![1], "nothing runs after free");
        assert_eq!(w2.err(), V::Code(ErrorCode::QueueClosed), "waiting jobs fail closed");
        assert_eq!(start.ok(), V::Undef);
        assert_eq!(idle.ok(), V::Undef, "state waiters resolve on free");
        assert!(q.exec.is_freed());
        assert!(is_freed(q.exec.status(1)));
        assert!(is_freed(q.exec.size()));
        assert!(is_freed(q.exec.wait(1)));
        assert!(is_freed(q.exec.stop()));
        assert!(is_freed(q.exec.start(None)));
        assert!(is_freed(q.exec.clear()));
        assert!(is_freed(q.exec.cancel(1, None)));
        assert!(is_freed(q.exec.listen(events::ACTIVE)));
        assert!(matches!(q.exec.result(1), Err(ResultError::Freed)));
        assert!(matches!(q.exec.push_with(echo(), JobOptions::default()), Err(PushError::Freed)));
        // Host callbacks after free do nothing and do not panic.
        q.exec.drive();
        q.exec.resume();
        q.exec.on_timer();
        q.exec.signal_aborted(1, V::Undef);
        assert_eq!(q.host().timer(), None);
    }
}

#[test]
fn free_from_inside_a_promise_job_leaves_its_late_settlement_harmless() {
    let q = Q::asynch(true);
    let id = q.push(pending());
    let w = q.wait(id);
    q.push(job(|ctx| {
        ctx.exec.free();
        Out::Val(V::Undef)
    }));
    q.drive();
    assert!(q.exec.is_freed());
    assert!(w.is_pending());
    q.settle_ok(id, int(1));
    assert_eq!(w.ok(), int(1), "a running job's waiter still hears its outcome");
    assert!(matches!(q.exec.result(id), Err(ResultError::Freed)));
}

#[test]
fn event_listeners_may_call_into_the_queue() {
    let q = Q::sync(true);
    q.exec
        .listen(events::ACTIVE | events::COMPLETED | events::FAILED | events::EMPTY | events::IDLE)
        .unwrap();
    let pushed = Rc::new(Cell::new(0));
    let p = pushed.clone();
    q.host().on_event(move |exec, ev| {
        // Every kind of call, from every event.
        let _ = exec.status(1).unwrap();
        let _ = exec.size().unwrap();
        let _ = exec.wait(1).unwrap();
        let _ = exec.on_idle().unwrap();
        match ev {
            Ev::Completed(1, _) => {
                assert_eq!(exec.result(1).unwrap(), int(1), "recorded before the event");
                p.set(exec.push(throws(s("boom"))).unwrap());
            }
            Ev::Failed(id, _) => {
                assert_eq!(exec.status(*id).unwrap(), Some(Status::Failed));
            }
            Ev::Idle => {
                let _ = exec.stop().unwrap();
            }
            _ => {}
        }
    });
    q.push(echo());
    q.drive();
    assert_eq!(pushed.get(), 2);
    assert_eq!(q.host().called_ids(), vec![1, 2]);
    assert!(!q.exec.is_running().unwrap(), "stopped by the idle listener");
    let evs = q.host().events();
    assert_eq!(
        evs,
        vec![
            Ev::Active(1),
            Ev::Empty,
            Ev::Completed(1, int(1)),
            Ev::Active(2),
            Ev::Empty,
            Ev::Failed(2, s("boom")),
            Ev::Idle,
        ]
    );
}

#[test]
fn a_listener_may_free_the_queue_mid_pass() {
    let q = Q::asynch(false);
    q.exec.listen(events::ACTIVE).unwrap();
    q.host().on_event(|exec, ev| {
        if *ev == Ev::Active(2) {
            exec.free();
        }
    });
    for _ in 0..4 {
        q.push(echo());
    }
    q.drive();
    assert_eq!(q.host().called_ids(), vec![1], "job 2 never ran: freed on its active event");
    assert!(q.exec.is_freed());
}

#[test]
fn abort_listeners_on_ctx_signal_may_call_into_the_queue() {
    let q = Q::asynch(true);
    let pushed = Rc::new(Cell::new(0));
    let p = pushed.clone();
    let id = q.push(job(move |ctx| {
        let sig = ctx.signal();
        let exec = ctx.exec.clone();
        let id = ctx.id;
        let p = p.clone();
        sig.on_abort(move |reason| {
            assert_eq!(*reason, s("why"));
            // The job is settled already when its signal's listeners run.
            assert_eq!(exec.status(id).unwrap(), Some(Status::Failed));
            p.set(exec.push(echo()).unwrap());
            let _ = exec.cancel(id, None).unwrap();
        });
        Out::Pending
    }));
    q.drive();
    assert!(q.exec.cancel(id, Some(s("why"))).unwrap());
    q.drive();
    assert_eq!(pushed.get(), 2);
    assert_eq!(q.exec.result(2).unwrap(), int(2));
}

#[test]
fn a_backoff_function_may_call_into_the_queue() {
    let q = Q::sync(true);
    let exec = Rc::downgrade(&q.exec);
    let f = backoff_fn(move |attempt| {
        let e = exec.upgrade().unwrap();
        assert_eq!(e.status(1).unwrap(), Some(gorqs::core::Status::Pending));
        e.push(echo()).unwrap();
        Some(f64::from(attempt) * 10.0)
    });
    let opts = JobOptions { retries: 1, backoff: BackoffOption::Function(f), ..Default::default() };
    q.exec.push_with(throws(s("x")), opts).unwrap();
    q.drive();
    assert_eq!(
        q.host().calls(),
        vec![(1, 1), (2, 1)],
        "job 2, pushed by the backoff, runs meanwhile"
    );
    q.advance(10.0);
    assert_eq!(q.host().calls(), vec![(1, 1), (2, 1), (1, 2)]);
    assert!(matches!(q.exec.result(1), Err(ResultError::Failed(v)) if v == s("x")));
}

#[test]
fn a_signal_getter_may_call_into_the_queue_during_push_and_start() {
    // A user's signal with an `aborted` getter of its own: user code, run with nothing borrowed.
    let q = Q::new(async_config(true));
    let sig = q.host().new_signal();
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    q.host().on_aborted_read(move |exec| {
        c.set(c.get() + 1);
        let _ = exec.status(1).unwrap();
        let _ = exec.size().unwrap();
    });
    let p = q.exec.start(Some(V::Signal(sig.clone()))).unwrap();
    assert!(p.is_pending());
    let opts = JobOptions { signal: Some(V::Signal(sig.clone())), ..Default::default() };
    let id = q.exec.push_with(echo(), opts).unwrap();
    assert!(calls.get() >= 2);
    q.drive();
    assert_eq!(q.exec.result(id).unwrap(), int(1));
}

#[test]
fn a_signal_listener_may_push_while_push_with_listens() {
    // addEventListener is user code; if it pushes, the job being pushed gets the next id and
    // the executor listens again under that id.
    let q = Q::asynch(true);
    let sig = q.host().new_signal();
    let once = Rc::new(Cell::new(true));
    let o = once.clone();
    q.host().on_listen(move |exec| {
        if o.replace(false) {
            exec.push(val(s("inner"))).unwrap();
        }
    });
    let opts = JobOptions { signal: Some(V::Signal(sig.clone())), ..Default::default() };
    let id = q.exec.push_with(pending(), opts).unwrap();
    assert_eq!(id, 2, "the inner push took id 1");
    assert_eq!(sig.listener_count(), 1, "the listener made for id 1 was removed");
    q.drive();
    // Aborting the signal cancels job 2, not job 1.
    q.host().abort_signal(&sig, s("stop"));
    q.drive();
    assert_eq!(q.exec.result(1).unwrap(), s("inner"));
    assert!(matches!(q.exec.result(2), Err(ResultError::Failed(v)) if v == s("stop")));
    assert_eq!(sig.listener_count(), 0);
}

#[test]
fn deep_reentrancy_does_not_recurse_the_loop() {
    // Each job pushes the next: 5000 jobs, one pass, no stack growth per job.
    let q = Q::sync(false);
    fn chain(left: u32) -> Job {
        job(move |ctx| {
            if left > 0 {
                ctx.exec.push(chain(left - 1)).unwrap();
            }
            Out::Val(V::Undef)
        })
    }
    q.push(chain(5000));
    q.drive();
    assert_eq!(q.host().calls().len(), 5001);
}
