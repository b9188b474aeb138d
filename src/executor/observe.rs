//! Telling the world: waiters by id, waiters on the queue's state, events.

use std::cell::RefMut;

use futures::channel::oneshot;

use super::{events, Event, Executor, Freed, Promises, Settlement, State};
use crate::core::JobId;

/// What a state waiter waits for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Watch {
    /// Nothing waits and nothing runs (`onIdle`).
    Idle,
    /// Nothing waits (`onEmpty`).
    Empty,
    /// Fewer than this many wait (`onSizeLessThan`).
    SizeBelow(f64),
    /// Nothing runs (`stop`'s promise).
    NoneRunning,
}

/// A waiter on the queue's state.
pub(super) struct Watcher<V> {
    pub(super) watch: Watch,
    pub(super) tx: oneshot::Sender<Settlement<V>>,
}

impl<H: Promises> State<H> {
    /// Someone wants to hear about each settled job: completed/failed listeners, push signals
    /// to unhook. False on the plain path, where values are not even fetched from the host
    /// unless tracked. (Waiters by id do not count: the host holds the outcome, and `record`
    /// offers it to them with no value fetched, see `Promises::wake_held`.)
    pub(super) fn notifies(&self) -> bool {
        self.listening & (events::COMPLETED | events::FAILED) != 0 || !self.extras.is_empty()
    }

    /// A synchronous outcome is heard by its record alone: nobody [`notifies`](Self::notifies)
    /// wants, no retries, no clock (see `Executor::record`).
    pub(super) fn quiet(&self) -> bool {
        !self.freed && !self.timed && !self.sched.has_retries() && !self.notifies()
    }

    /// Only plain jobs in play and only their records hear of them: [`quiet`](Self::quiet),
    /// no `active` or `empty` listener, and a plain scheduler
    /// ([`Scheduler::is_plain`](crate::core::Scheduler::is_plain)). The run loop then starts
    /// and records each job without looking for any feature.
    pub(super) fn plain(&self) -> bool {
        self.quiet()
            && self.listening & (events::ACTIVE | events::EMPTY) == 0
            && self.sched.is_plain()
    }

    /// Someone waits for fewer jobs waiting (`onEmpty`, `onSizeLessThan`): a parked run, whose
    /// jobs start unseen, would keep it waiting.
    pub(super) fn watches_waiting(&self) -> bool {
        self.watchers.iter().any(|w| matches!(w.watch, Watch::Empty | Watch::SizeBelow(_)))
    }

    fn holds(&self, watch: Watch) -> bool {
        match watch {
            Watch::Idle => self.sched.is_idle(),
            Watch::Empty => self.sched.waiting() == 0,
            // Counts are far below 2^53: exact as f64.
            Watch::SizeBelow(limit) => (self.sched.waiting() as f64) < limit,
            Watch::NoneRunning => self.sched.running() == 0,
        }
    }
}

impl<H: Promises> Executor<H> {
    /// A promise that resolves once `watch` holds (at once if it does already).
    pub(super) fn watch(&self, watch: Watch) -> Result<H::Promise, Freed> {
        let mut s = self.live()?;
        let (tx, rx) = oneshot::channel();
        if s.holds(watch) {
            let _ = tx.send(Ok(self.host.undefined()));
        } else {
            s.watchers.push(Watcher { watch, tx });
        }
        drop(s);
        Ok(self.host.promise(rx))
    }

    /// Resolves the watchers whose condition holds and fires `empty` / `idle` on the
    /// transitions into those states.
    pub(super) fn check_watchers(&self) {
        let s = self.state();
        if !s.freed {
            self.check_watchers_of(s);
        }
    }

    /// [`check_watchers`](Self::check_watchers) with the state already borrowed (and live).
    pub(super) fn check_watchers_of(&self, mut s: RefMut<'_, State<H>>) {
        let (ready, empty, idle) = {
            self.update_hold(&mut s);
            let mut ready = Vec::new();
            // This runs after every promise job while someone awaits `onIdle()`: it looks
            // first, and rebuilds the list (in order) only when a watcher is done.
            if s.watchers.iter().any(|w| s.holds(w.watch)) {
                for w in std::mem::take(&mut s.watchers) {
                    if s.holds(w.watch) {
                        ready.push(w.tx);
                    } else {
                        s.watchers.push(w);
                    }
                }
            }
            let (mut empty, mut idle) = (false, false);
            if s.listening & (events::EMPTY | events::IDLE) != 0 {
                let waiting = s.sched.waiting();
                if waiting != 0 {
                    s.empty_fired = false;
                } else if !s.empty_fired && s.listening & events::EMPTY != 0 {
                    s.empty_fired = true;
                    empty = true;
                }
                if waiting == 0
                    && s.sched.running() == 0
                    && !s.idle_fired
                    && s.listening & events::IDLE != 0
                {
                    s.idle_fired = true;
                    idle = true;
                }
            }
            (ready, empty, idle)
        };
        drop(s);
        for tx in ready {
            let _ = tx.send(Ok(self.host.undefined()));
        }
        if empty {
            self.host.emit(Event::Empty);
        }
        if idle {
            self.host.emit(Event::Idle);
        }
    }

    /// Job `id` has its final outcome: its waiters settle, its push signal is unhooked, and
    /// `completed` / `failed` fire.
    pub(super) fn deliver(&self, id: JobId, settlement: Settlement<H::Value>) {
        let (signal, emit) = {
            let mut s = self.state();
            let signal = s.with_extra(id, |e| e.push_signal.take()).flatten();
            if s.waits {
                s.waits = self.host.wake(id, settlement.clone());
            }
            let bit = if settlement.is_ok() {
                events::COMPLETED
            } else {
                events::FAILED
            };
            (signal, s.listening & bit != 0)
        };
        if let Some((signal, listener)) = signal {
            self.host.unlisten(&signal, listener);
        }
        if emit {
            match &settlement {
                Ok(value) => self.host.emit(Event::Completed(id, value)),
                Err(error) => self.host.emit(Event::Failed(id, error)),
            }
        }
    }

    /// [`deliver`](Self::deliver) of a failure the queue made (timeout, closed), when anyone
    /// would hear of it.
    pub(super) fn deliver_if_needed(&self, id: JobId, error: impl FnOnce() -> H::Value) {
        let needed = {
            let s = self.state();
            s.listening & events::FAILED != 0
                || s.waits
                || s.extras.get(&id).is_some_and(|e| e.push_signal.is_some())
        };
        if needed {
            self.deliver(id, Err(error()));
        }
    }
}
