//! What the queue keeps for one job beyond the scheduler's state, only while it matters: its
//! abort state, the signal it was pushed with, its backoff function. (Its waiters are the
//! host's, keyed by id: see `Promises::waiter`.)
//!
//! One map for all of them, keyed by job id and empty on the plain path (one `is_empty` check
//! per job). An entry goes as soon as it holds nothing.

use super::{Promises, State};
use crate::core::JobId;

/// One job's extras.
pub(super) struct Extras<H: Promises> {
    /// The controller behind `ctx.signal`, made when the running job first read it.
    pub(super) controller: Option<H::Controller>,
    /// Why the running job was aborted before it read `ctx.signal`.
    pub(super) abort_reason: Option<H::Value>,
    /// The signal given to `push`, and the queue's listener on it.
    pub(super) push_signal: Option<(H::Value, H::Listener)>,
    /// The user's backoff function (a job with retries).
    pub(super) backoff: Option<H::Value>,
}

impl<H: Promises> Extras<H> {
    fn new() -> Self {
        Extras {
            controller: None,
            abort_reason: None,
            push_signal: None,
            backoff: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.controller.is_none()
            && self.abort_reason.is_none()
            && self.push_signal.is_none()
            && self.backoff.is_none()
    }
}

impl<H: Promises> State<H> {
    /// Job `id`'s extras, made empty if it had none.
    pub(super) fn extra(&mut self, id: JobId) -> &mut Extras<H> {
        self.extras.entry(id).or_insert_with(Extras::new)
    }

    /// `f` on job `id`'s extras if it has any; the entry goes once it holds nothing.
    pub(super) fn with_extra<R>(
        &mut self,
        id: JobId,
        f: impl FnOnce(&mut Extras<H>) -> R,
    ) -> Option<R> {
        if self.extras.is_empty() {
            return None;
        }
        let extras = self.extras.get_mut(&id)?;
        let r = f(extras);
        if extras.is_empty() {
            self.extras.remove(&id);
        }
        Some(r)
    }

    /// Job `id` has settled for good: no retry to time, so its backoff function goes.
    pub(super) fn forget_backoff(&mut self, id: JobId) {
        self.with_extra(id, |e| e.backoff = None);
    }
}
