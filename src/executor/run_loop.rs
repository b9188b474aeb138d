//! The run loop: starting jobs, their outcomes, time slices, the timer.
//!
//! Entry points from the host: [`Executor::drive`] (the microtask armed by `schedule`),
//! [`Executor::resume`] (the macrotask after a spent slice), [`Executor::settle`] (a
//! followed thenable settled), [`Executor::on_timer`].

use super::{events, Executor, Promises, Ran, State, CHECK_MS, MAX_STRIDE, SLICE_MS};
use crate::core::{ErrorCode, Fail, JobId, Settled};

impl<H: Promises> Executor<H> {
    /// Arms one drive in a microtask: never inside the caller's call.
    pub(super) fn schedule(&self, s: &mut State<H>) {
        self.update_hold(s);
        if s.scheduled || s.freed {
            return;
        }
        s.scheduled = true;
        // Work arriving at a queue with nothing running starts a fresh slice: the time it sat
        // idle was the event loop's, not ours.
        if !s.draining && s.sched.running() == 0 {
            s.fresh = true;
        }
        self.host.schedule();
    }

    /// Tells the host whether the queue has work to finish (see [`Host::hold`](super::Host::hold)).
    pub(super) fn update_hold(&self, s: &mut State<H>) {
        let busy = !s.freed
            && (s.sched.running() > 0
                || (s.sched.is_open() && !s.sched.is_paused() && s.sched.waiting() > 0));
        if busy != s.held {
            s.held = busy;
            self.host.hold(busy);
        }
    }

    /// The scheduled microtask: runs every job that may start now.
    pub fn drive(&self) {
        {
            let mut s = self.state();
            s.scheduled = false;
            if s.freed || s.draining {
                return;
            }
            if s.fresh {
                s.fresh = false;
                s.slice_end = self.host.now() + SLICE_MS;
            }
        }
        self.run();
    }

    /// The macrotask after a spent slice: a new slice begins.
    pub fn resume(&self) {
        {
            let mut s = self.state();
            s.spent = false;
            if s.freed || s.draining {
                return;
            }
            s.slice_end = self.host.now() + SLICE_MS;
        }
        self.run();
    }

    /// Counts a job against the slice and says whether another may start now; when the slice
    /// is spent it arms the macrotask that goes on, and says no. Reads the clock every
    /// `stride` jobs (a zero reading means "too soon to tell", not "jobs are free").
    fn may_continue(&self, s: &mut State<H>) -> bool {
        if s.spent {
            return false;
        }
        s.count += 1;
        if s.count < s.stride {
            return true;
        }
        let t = self.host.now();
        let elapsed = t - s.last_check;
        if elapsed > 0.0 {
            let per_job = elapsed / f64::from(s.count);
            s.last_check = t;
            s.count = 0;
            // > 0 here (maybe infinite); the saturating cast and the clamp keep it in 1..=MAX.
            s.stride = ((CHECK_MS / per_job) as u32).clamp(1, MAX_STRIDE);
        } else {
            // Too soon to tell (a coarse clock, or a read just after the last): look again
            // after twice as many jobs, counted from the last reading that moved.
            if s.stride >= MAX_STRIDE {
                s.count = 0;
            }
            s.stride = (s.stride * 2).min(MAX_STRIDE);
        }
        if t < s.slice_end {
            return true;
        }
        s.spent = true;
        self.host.yield_slice();
        false
    }

    /// Starts jobs one after another while one may start, handling each synchronous outcome
    /// before the next starts and handing each thenable to the host to follow.
    fn run(&self) {
        // The synchronous outcome of the job just run, recorded in the next iteration's borrow
        // when only its record hears of it (see `record`): one borrow per job on the plain path.
        // (Every `break` comes after that borrow took it: none is left after the loop.)
        let mut last: Option<(JobId, Ran)> = None;
        loop {
            // A serial queue's run that ends on a thenable is parked; an async queue's goes on
            // in its free slots, `spread` (see `Host::run_from`).
            let mut park = false;
            let mut track = false;
            let mut spread = 0;
            let (id, runner, attempt, keep, active, empty, run) = {
                let mut s = self.state();
                s.draining = true;
                // Looked at once per job: recording a plain job's outcome keeps the state plain.
                let mut plain = s.plain();
                if let Some((id, ran)) = last.take() {
                    if plain {
                        self.record_plain(&mut s, id, ran);
                    } else if s.quiet() {
                        self.record(&mut s, id, ran);
                    } else {
                        drop(s);
                        self.finish(id, 1, ran);
                        s = self.state();
                        plain = s.plain();
                    }
                }
                if s.freed || !self.may_continue(&mut s) {
                    s.draining = false;
                    break;
                }
                let next = if plain {
                    // The plain path: no retry, clock, event or priority to look at. The host
                    // may run the FIFO jobs behind this one too, up to the next clock read,
                    // without a crossing each (see `Host::run_from`).
                    s.idle_fired = false;
                    let max = s.stride.saturating_sub(s.count).min(s.run_len).max(1);
                    let next = s.sched.start_plain_run(max);
                    if let Some((st, n)) = &next {
                        s.run_first = (*n > 1).then_some(st.id);
                        s.run_end = st.id + JobId::from(*n);
                        // Jobs a run starts unseen would keep `onEmpty` / `onSizeLessThan`
                        // waiting: then a run ends at its first thenable.
                        let unseen = *n > 1 && !s.watches_waiting();
                        let running = u32::try_from(s.sched.running()).unwrap_or(u32::MAX);
                        // An unbounded queue's runs end at their first thenable: all of its
                        // jobs start at once anyway, and starting them by the run's length in
                        // one go measured slower in Node 26 and Chromium's S3 (1.16-1.41x).
                        match s.sched.concurrency() {
                            Some(1) => park = unseen,
                            // The free slots, the run's first counted (it runs already).
                            Some(cap) if unseen => spread = cap.saturating_sub(running) + 1,
                            _ => {}
                        }
                        s.run_async = spread > 0;
                        track = s.sched.config().track;
                    }
                    next.map(|(st, n)| (st.id, st.job, 1, false, false, false, n))
                } else {
                    self.start_featured(&mut s)
                        .map(|(id, job, attempt, keep, active, empty)| (id, job, attempt, keep, active, empty, 0))
                };
                let Some(next) = next else {
                    s.draining = false;
                    break;
                };
                next
            };
            if active || empty {
                if active {
                    self.host.emit(super::Event::Active(id));
                }
                if empty {
                    self.host.emit(super::Event::Empty);
                }
                // A listener may have freed the queue.
                let mut s = self.state();
                if s.freed {
                    s.draining = false;
                    break;
                }
            }
            let (id, ran) = if run == 0 {
                (id, self.host.call(&runner, id, attempt, keep))
            } else {
                let (ran_n, ran) = self.host.run_from(&runner, id, run, park, track, spread);
                let last = id + JobId::from(ran_n.max(1)) - 1;
                if spread > 0 {
                    // Unless a call into the queue cut the run and caught up already: the jobs
                    // it started run, or settled (kept by the host). Ending on a thenable with
                    // jobs left, it stays open: the host goes on as slots free (all are full).
                    let mut s = self.state.borrow_mut();
                    // (A host that started fewer jobs than the free slots did not go on: the
                    // default, which runs `first` alone.)
                    let open = self.catch_up_async(&mut s, last)
                        && ran == Ran::Thenable
                        && last + 1 < s.run_end
                        && last - id + 1 >= JobId::from(spread);
                    if open {
                        s.run_first = Some(last);
                        s.run_async = true;
                        s.draining = false;
                        park = true; // leaves the loop below, as a parked run does
                    }
                } else if run > 1 {
                    // The jobs the run started before its last are done (unless a call into
                    // the queue cut the run and caught up already).
                    let mut s = self.state.borrow_mut();
                    park &= ran == Ran::Thenable && s.run_first.is_some();
                    // Parked on its last job: the host goes on with the run when that job's
                    // thenable fulfils; nothing else can start meanwhile (serial).
                    self.catch_up(&mut s, last, park);
                    if park {
                        s.draining = false;
                    }
                }
                (last, ran)
            };
            drop(runner);
            match ran {
                Ran::Thenable => self.host.follow(id, attempt),
                // A first try of a job without retries: `record` may do.
                Ran::Value | Ran::Threw if !keep => last = Some((id, ran)),
                Ran::Value | Ran::Threw => self.finish(id, attempt, ran),
            }
            if park {
                break;
            }
        }
        self.pass_done();
    }

    /// Starts the next job with every feature looked at: its attempt, whether its runner is
    /// kept for a retry, the timer, and whether `active` and `empty` fire (returned as
    /// `(id, runner, attempt, keep, active, empty)`).
    #[allow(clippy::type_complexity)]
    fn start_featured(&self, s: &mut State<H>) -> Option<(JobId, H::Runner, u32, bool, bool, bool)> {
        let now = if s.timed { self.host.now() } else { 0.0 };
        let started = s.sched.start_next(now)?;
        let id = started.id;
        // 1 for a job without retries (no lookup while no job has any); a job with retries
        // keeps its runner for the next try.
        let keep = s.sched.has_retry(id);
        let attempt = if keep { s.sched.attempt(id).unwrap_or(1) } else { 1 };
        if attempt > 1 {
            // A new try: the last one's aborted signal is not this one's.
            s.with_extra(id, |e| {
                e.controller = None;
                e.abort_reason = None;
            });
        }
        if s.timed {
            self.arm_timer(s);
        }
        s.idle_fired = false;
        let active = s.listening & events::ACTIVE != 0;
        let empty = s.listening & events::EMPTY != 0 && s.sched.waiting() == 0;
        if empty {
            s.empty_fired = true;
        }
        Some((id, started.job, attempt, keep, active, empty))
    }

    /// [`finish`](Self::finish) of an outcome that only its record hears of ([`State::quiet`]):
    /// no waiter, listener, signal, retry or clock involved (so it is a first try's).
    fn record(&self, s: &mut State<H>, id: JobId, ran: Ran) {
        if s.sched.is_plain() {
            return self.record_plain(s, id, ran);
        }
        self.wake_held(s, id, ran);
        let value = if s.sched.config().track {
            self.host.take_kept()
        } else {
            self.host.keep(self.host.undefined())
        };
        let _settled = s.sched.finish(id, outcome(ran, value));
    }

    /// [`record`](Self::record) while the scheduler is plain: the value is taken from the host
    /// only when tracking keeps it.
    fn record_plain(&self, s: &mut State<H>, id: JobId, ran: Ran) {
        self.wake_held(s, id, ran);
        s.sched.finish_plain(id, || outcome(ran, self.host.take_kept()));
    }

    /// Job `id`'s waiters, if any, hear of the outcome the host still holds (no user code).
    fn wake_held(&self, s: &mut State<H>, id: JobId, ran: Ran) {
        if s.waits {
            s.waits = self.host.wake_held(id, ran);
        }
    }

    /// End of a pass: the timer, and whoever watches the queue's state.
    fn pass_done(&self) {
        // (A run parked just now stays so: the pushes the host took are absorbed, no more.)
        let mut s = self.state.borrow_mut();
        if self.host.inbox_open() {
            self.absorb(&mut s);
        }
        if s.freed {
            return;
        }
        if s.timed {
            self.arm_timer(&mut s);
        }
        self.check_watchers_of(s);
    }

    /// A followed thenable of job `id`'s try `attempt` settled (the host classified the
    /// value). Records it, then goes on running jobs right here: no task hop.
    pub fn settle(&self, id: JobId, attempt: u32, ran: Ran) {
        if ran == Ran::Thenable {
            // Fulfilled with another thenable: followed on, as a promise adopts it.
            self.host.follow(id, attempt);
            return;
        }
        let (go_on, recorded) = {
            let mut s = self.state();
            // Freed: `finish` tells the job's waiters, and nothing runs any more.
            let go_on = !s.freed && !s.draining && self.may_continue(&mut s);
            // Heard by its record alone: recorded here, in the same borrow.
            let recorded = s.quiet();
            if recorded {
                self.record(&mut s, id, ran);
            }
            (go_on, recorded)
        };
        if !recorded {
            self.finish(id, attempt, ran);
        }
        if go_on {
            self.run();
        } else if !self.state().draining {
            self.pass_done();
        }
    }

    /// Job `id`'s try `attempt` returned or threw (`ran`, its value in the host): records the
    /// outcome and tells whoever waits for it.
    fn finish(&self, id: JobId, attempt: u32, ran: Ran) {
        let delivery = {
            let mut s = self.state();
            if s.freed {
                drop(s);
                self.finish_freed(id, ran);
                return;
            }
            let notify = s.notifies() || s.waits;
            let value = if notify || s.sched.config().track {
                self.host.take_kept()
            } else {
                self.host.keep(self.host.undefined())
            };
            let now = if s.timed { self.host.now() } else { 0.0 };
            let outcome = if ran == Ran::Value {
                Ok(value)
            } else {
                Err(Fail::Thrown(value))
            };
            // Without retries pending, every outcome is of a first attempt: `finish_at` ignores
            // the late one of a job no longer running just as `finish_attempt` would.
            // Its runner was kept through its tries (see `run`): it goes with a final outcome.
            let kept = s.sched.has_retry(id);
            let settled = if s.sched.has_retries() {
                s.sched.finish_attempt(id, attempt, outcome, now)
            } else {
                s.sched.finish_at(id, outcome, now)
            };
            let ignored = matches!(settled, Settled::Ignored(_));
            if kept && !ignored && !matches!(settled, Settled::Retrying(_)) {
                self.host.release(id);
            }
            if !s.extras.is_empty() {
                if !ignored && !matches!(settled, Settled::Retrying(_)) {
                    s.forget_backoff(id);
                }
                s.forget_abort(id, attempt, ignored);
            }
            match settled {
                Settled::Ignored(_) => return,
                Settled::Retrying(_) => None,
                Settled::Recorded if notify => s.sched.peek(id).cloned(),
                Settled::Forgotten(outcome) if notify => Some(outcome),
                Settled::Recorded | Settled::Forgotten(_) => return,
            }
        };
        match delivery {
            None => self.retry_later(id, attempt),
            Some(outcome) => {
                let settlement =
                    outcome.map(|kept| self.host.unkeep(kept)).map_err(|f| self.fail_value(f));
                self.deliver(id, settlement);
            }
        }
    }

    /// A job that was running when the queue was freed has its outcome: only its waiters
    /// hear of it (nothing is recorded any more).
    fn finish_freed(&self, id: JobId, ran: Ran) {
        let mut s = self.state();
        self.wake_held(&mut s, id, ran);
    }

    /// Job `id`'s try `failed` failed and it waits for a retry: asks the user's backoff
    /// function (if it has one) for the wait, re-arms the timer, schedules a drive.
    pub(super) fn retry_later(&self, id: JobId, failed: u32) {
        let function = self.state().extras.get(&id).and_then(|e| e.backoff.clone());
        // A throwing backoff, or one returning a bad value, retries at once rather than losing
        // the job.
        let delay = function.map(|f| self.host.backoff(&f, failed).unwrap_or(0.0));
        let mut s = self.state();
        if let Some(delay) = delay {
            s.sched.set_retry_delay(id, delay);
        }
        s.timed = s.sched.needs_clock();
        self.arm_timer(&mut s);
        self.schedule(&mut s); // a retry due at once is waiting already
    }

    /// Keeps the host's one timer at the scheduler's next deadline (a job's timeout, a retry
    /// coming due, a record's TTL, a rate-limit window's end), or none.
    pub(super) fn arm_timer(&self, s: &mut State<H>) {
        let at = s.sched.next_deadline();
        if at != s.timer_at {
            s.timer_at = at;
            self.host.set_timer(at);
        }
    }

    /// The host's timer fired: times out jobs, brings retries back in line, drops old records,
    /// opens a new rate-limit window.
    pub fn on_timer(&self) {
        let expired = {
            let mut s = self.state();
            s.timer_at = None;
            if s.freed {
                return;
            }
            let now = self.host.now();
            let expired = s.sched.expire_attempts(now);
            for t in expired.iter().filter(|t| !t.will_retry) {
                s.forget_backoff(t.id);
                self.host.release(t.id); // a job whose last try timed out kept its runner
            }
            expired
        };
        for t in &expired {
            let error = self.host.error(ErrorCode::Timeout);
            self.abort_job(t.id, &error);
            if t.will_retry {
                let failed = self
                    .state()
                    .sched
                    .attempt(t.id)
                    .map_or(1, |a| a.saturating_sub(1));
                self.retry_later(t.id, failed);
            } else {
                self.deliver_if_needed(t.id, || error);
            }
        }
        {
            let mut s = self.state();
            if s.freed {
                return;
            }
            self.arm_timer(&mut s);
            if !expired.is_empty() || s.sched.can_start() {
                self.schedule(&mut s);
            }
        }
        self.check_watchers();
    }
}

/// A synchronous outcome's value as the scheduler records it.
fn outcome<V>(ran: Ran, value: V) -> crate::core::Outcome<V> {
    if ran == Ran::Value {
        Ok(value)
    } else {
        Err(Fail::Thrown(value))
    }
}
