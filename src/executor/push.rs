//! The push path: [`push`](Executor::push), [`push_many`](Executor::push_many),
//! [`push_with`](Executor::push_with) and [`push_all_with`](Executor::push_all_with), and the
//! inbox of plain pushes the host took itself (see
//! [`Host::take_pushed`](super::Host::take_pushed)).

use super::{BackoffOption, Executor, JobOptions, Promises, PushError, State};
use crate::core::{Backoff, JobId, PushOptions, RetryPolicy};

impl<H: Promises> Executor<H> {
    /// Adds a job with default options and returns its id (Go `Push`); never runs it here.
    ///
    /// # Errors
    /// [`PushError::Closed`] or [`PushError::Freed`]; nothing is queued.
    pub fn push(&self, runner: H::Runner) -> Result<JobId, PushError<H::Value>> {
        let mut s = self.live().map_err(|_| PushError::Freed)?;
        let id = s
            .sched
            .push(runner, PushOptions::default())
            .map_err(|_| PushError::Closed)?;
        if !s.scheduled {
            self.schedule(&mut s);
        }
        // The next plain pushes may stay on the host's side until the next entry.
        self.host.open_inbox(id, id + 1);
        Ok(id)
    }

    /// Adds jobs with default options, all or nothing; returns the first id (the others
    /// follow it).
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn push_many(&self, runners: Vec<H::Runner>) -> Result<JobId, PushError<H::Value>> {
        let mut s = self.live().map_err(|_| PushError::Freed)?;
        let n = runners.len();
        let mut it = runners.into_iter();
        // `push_many` asks for exactly `n` runners, and `it` holds `n`.
        let first = s
            .sched
            .push_many(n, || {
                it.next()
                    .expect("push_many asks for exactly n jobs; cannot fail")
            })
            .map_err(|_| PushError::Closed)?;
        if n > 0 && !s.scheduled {
            self.schedule(&mut s);
        }
        self.host.open_inbox(first, s.sched.next_id());
        Ok(first)
    }

    /// Adds a job with options and returns its id.
    ///
    /// # Errors
    /// [`PushError`]: aborted signal (its reason), closed, the signal's listener threw, freed.
    pub fn push_with(
        &self,
        runner: H::Runner,
        opts: JobOptions<H::Value>,
    ) -> Result<JobId, PushError<H::Value>> {
        self.push_all_with(std::iter::once(runner), opts)
    }

    /// Adds jobs that share `opts`, all or nothing, and returns the first id (the others
    /// follow it).
    ///
    /// # Errors
    /// As [`push_with`](Self::push_with); when listening on the signal throws for the n-th
    /// job, the listeners already added are removed and nothing is queued.
    pub fn push_all_with(
        &self,
        runners: impl ExactSizeIterator<Item = H::Runner>,
        opts: JobOptions<H::Value>,
    ) -> Result<JobId, PushError<H::Value>> {
        let n = runners.len() as JobId;
        // Listening first, with nothing borrowed (user code): if it throws, nothing is queued.
        // The listeners are keyed by the ids the jobs will get; should a listener push a job
        // itself (taking one of those ids), listen again for the ids that are next now.
        // Invariant at `break`: the state is borrowed, the queue is open, and with a signal,
        // `listeners` holds one listener per job, the first keyed `s.sched.next_id()`.
        let mut listeners: Vec<H::Listener> = Vec::new();
        let mut keyed_from: JobId = 0;
        let unlisten_all = |listeners: &mut Vec<H::Listener>| {
            if let Some(sig) = opts.signal.as_ref() {
                for l in listeners.drain(..) {
                    self.host.unlisten(sig, l);
                }
            }
        };
        let mut s = loop {
            self.live().map_err(|_| PushError::Freed)?;
            // With nothing borrowed: a signal's `aborted` getter may be user code.
            if let Some(sig) = opts.signal.as_ref() {
                if let Ok(Some(reason)) | Err(reason) = self.host.aborted(sig) {
                    unlisten_all(&mut listeners);
                    return Err(PushError::Aborted(reason));
                }
            }
            let s = self.live().map_err(|_| PushError::Freed)?;
            if !s.sched.is_open() {
                drop(s);
                unlisten_all(&mut listeners);
                return Err(PushError::Closed);
            }
            let expected = s.sched.next_id();
            let Some(sig) = opts.signal.as_ref() else {
                break s;
            };
            if keyed_from == expected && listeners.len() as JobId == n {
                break s;
            }
            drop(s);
            unlisten_all(&mut listeners);
            keyed_from = expected;
            for key in expected..expected + n {
                match self.host.listen(sig, key) {
                    Ok(l) => listeners.push(l),
                    Err(e) => {
                        unlisten_all(&mut listeners);
                        return Err(PushError::Signal(e));
                    }
                }
            }
        };
        // From here on nothing can fail: the queue is open and stays so while `s` is held.
        let first = s.sched.next_id();
        let core_opts = PushOptions {
            priority: opts.priority,
            timeout: opts.timeout,
        };
        let policy = (opts.retries > 0).then_some(RetryPolicy {
            retries: opts.retries,
            backoff: match &opts.backoff {
                BackoffOption::Core(b) => *b,
                BackoffOption::Function(_) => Backoff::Host,
            },
        });
        let backoff = match (&policy, opts.backoff) {
            (Some(_), BackoffOption::Function(f)) => Some(f),
            _ => None,
        };
        let mut listeners = listeners.into_iter();
        for runner in runners {
            let pushed = match policy {
                Some(policy) => s.sched.push_retrying(runner, core_opts, policy),
                None => s.sched.push(runner, core_opts),
            };
            // Open (checked above, with `s` held since): a push cannot be refused.
            let Ok(id) = pushed else { break };
            if let Some(f) = &backoff {
                s.extra(id).backoff = Some(f.clone());
            }
            if let (Some(sig), Some(l)) = (opts.signal.as_ref(), listeners.next()) {
                s.extra(id).push_signal = Some((sig.clone(), l));
            }
        }
        s.timed = s.sched.needs_clock();
        if n > 0 && !s.scheduled {
            self.schedule(&mut s);
        }
        self.host.open_inbox(first, s.sched.next_id());
        Ok(first)
    }

    /// Takes over the pushes the host took since its inbox opened: plain FIFO jobs, with the
    /// ids the host already returned. One flag load while the inbox is closed.
    pub(super) fn absorb(&self, s: &mut State<H>) {
        if !self.host.inbox_open() {
            return;
        }
        let first = s.sched.next_id();
        let n = self.host.take_pushed(first);
        s.waits |= self.host.took_waits();
        if n == 0 {
            return;
        }
        // The inbox is open only while the queue is (closing it goes through here first).
        if s.sched
            .push_many(n as usize, || self.host.pushed_runner())
            .is_err()
        {
            for id in first..first + n {
                self.host.release(id);
                if s.waits {
                    let closed = self.host.error(crate::core::ErrorCode::QueueClosed);
                    s.waits = self.host.wake(id, Err(closed));
                }
            }
            return;
        }
        if !s.scheduled {
            self.schedule(s);
        }
    }
}
