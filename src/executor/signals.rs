//! Abort signals, cancellation and closing: the paths that end jobs from outside.
//!
//! A job's `ctx.signal` costs nothing until the job reads it: its controller is made then
//! ([`Executor::signal_for`]). A job aborted before reading it has its reason kept, and the
//! signal it reads later is aborted already.

use super::{events, Executor, Promises, State};
use crate::core::{ErrorCode, JobId, Status};

impl<H: Promises> State<H> {
    /// Job `id`'s try `attempt` produced its own outcome (`ignored`: the scheduler had already
    /// settled it): its signal has nothing left to abort. Except for the late outcome of an
    /// earlier try of a job whose next try is alive: that signal state is the new try's.
    pub(super) fn forget_abort(&mut self, id: JobId, attempt: u32, ignored: bool) {
        if ignored && self.sched.attempt(id).is_some_and(|a| a != attempt) {
            return;
        }
        self.with_extra(id, |e| {
            e.controller = None;
            e.abort_reason = None;
        });
    }
}

impl<H: Promises> Executor<H> {
    /// What job `id` reads as `ctx.signal`: made on first read; aborted already when the job
    /// was. A job whose outcome is in gets a signal that nothing will abort, not kept.
    pub fn signal_for(&self, id: JobId) -> H::Value {
        let mut s = self.state();
        if let Some(c) = s.extras.get(&id).and_then(|e| e.controller.as_ref()) {
            return self.host.signal_of(c);
        }
        let controller = self.host.new_controller();
        let signal = self.host.signal_of(&controller);
        if let Some(reason) = s.with_extra(id, |e| e.abort_reason.take()).flatten() {
            // A new controller has no listeners yet: aborting it runs no user code.
            self.host.abort(&controller, &reason);
        } else if s.freed || s.sched.status(id) != Some(Status::Running) {
            return signal;
        }
        s.extra(id).controller = Some(controller);
        signal
    }

    /// Aborts job `id`'s signal with `reason`, now or when it is first read.
    pub(super) fn abort_job(&self, id: JobId, reason: &H::Value) {
        let controller = {
            let mut s = self.state();
            let extras = s.extra(id);
            match &extras.controller {
                Some(c) => c.clone(),
                None => {
                    extras.abort_reason.get_or_insert_with(|| reason.clone());
                    return;
                }
            }
        };
        // With nothing borrowed: the signal's listeners are user code.
        self.host.abort(&controller, reason);
    }

    /// A signal the queue listens to aborted: `key` 0 is `start`'s (the queue stops), any
    /// other key is the job pushed with it (it is cancelled).
    pub fn signal_aborted(&self, key: JobId, reason: H::Value) {
        if self.state().freed {
            return;
        }
        if key == 0 {
            if self.state().start_signal.is_some() {
                self.close(Some(reason));
            }
        } else {
            self.cancel_job(key, reason);
        }
    }

    /// Fails job `id` with `reason` (cancel, its signal aborted). False when it had finished.
    pub(super) fn cancel_job(&self, id: JobId, reason: H::Value) -> bool {
        let was = {
            let mut s = self.state();
            if s.timed {
                let now = self.host.now();
                s.sched.advance(now);
            }
            let Some(was) = s.sched.cancel(id, self.host.keep(reason.clone())) else {
                return false;
            };
            s.forget_backoff(id);
            // Never to run (again): a waiting job's runner, or one a job with retries kept.
            self.host.release(id);
            if s.timed {
                self.arm_timer(&mut s); // its retry or timeout deadline is gone
            }
            was
        };
        if was == Status::Running {
            self.abort_job(id, &reason);
        }
        self.deliver(id, Err(reason));
        if was == Status::Running {
            let mut s = self.state();
            self.schedule(&mut s); // a slot is free
        }
        self.check_watchers();
        true
    }

    /// Closes the queue: fails the waiting jobs, settles the start promise (rejected with
    /// `aborted` when the start signal aborted).
    pub(super) fn close(&self, aborted: Option<H::Value>) {
        let (dropped, start_tx, start_signal, notify) = {
            let mut s = self.state();
            if s.timed {
                let now = self.host.now();
                s.sched.advance(now);
            }
            let dropped = s.sched.stop();
            for &id in &dropped {
                self.host.release(id);
            }
            if !s.extras.is_empty() {
                for &id in &dropped {
                    s.forget_backoff(id);
                }
            }
            if s.timed {
                self.arm_timer(&mut s); // retry deadlines of dropped jobs are gone
            }
            s.start_promise = None;
            let notify = s.listening & events::FAILED != 0 || !s.extras.is_empty() || s.waits;
            (dropped, s.start_tx.take(), s.start_signal.take(), notify)
        };
        if let Some((signal, listener)) = start_signal {
            self.host.unlisten(&signal, listener);
        }
        if notify {
            for id in dropped {
                self.deliver_if_needed(id, || self.host.error(ErrorCode::QueueClosed));
            }
        }
        if let Some(tx) = start_tx {
            let _ = tx.send(match aborted {
                Some(reason) => Err(reason),
                None => Ok(self.host.undefined()),
            });
        }
        self.check_watchers();
    }
}
