#![cfg(not(target_arch = "wasm32"))]
//! The per-job path stays lean: host calls (each one a boundary crossing in the wasm build)
//! and heap allocations per job, counted in the shapes the benchmark measures (S1 serial sync
//! jobs, S2 serial promise jobs, S3 unbounded promise jobs, S4 tracked results read back).
//!
//! This guards the design: a change that adds a crossing or an allocation to every job fails
//! here, on any machine, with no timing involved. What a job costs in crossings (wasm build):
//! - a plain push: none, taken by the JS host while the executor's inbox is open (the first
//!   push of a batch crosses once to open it, the batch is taken over in one crossing);
//! - an untracked synchronous plain job: a share of one call out (`runFrom`: the JS host runs
//!   the FIFO jobs waiting in id order one after another, up to the next clock read, until
//!   one does not return a value or a call into the queue cuts the run);
//! - any other job: one call out (`invoke` or a run of one: run it, classify the outcome);
//! - a promise job in a serial queue: that, plus one `settle` callback in (the JS host follows
//!   the thenable itself: `follow` is no crossing);
//! - a promise job in an async queue: a share of one call out and of one `settle` in (async
//!   runs: the JS host starts the FIFO jobs in the free slots, and while a run is open keeps
//!   each settlement with a plain value and starts the next job itself; the executor takes
//!   the kept settlements when it catches up, one `takeGone` crossing per 256, not counted);
//! - a tracked job (or one whose value a listener or waiter needs): one `take_value` more.
//!
//! Counts are exact where the design says so (one crossing per promise job, no `take_value`
//! for untracked jobs) and bounded where they are amortised (runs of sync jobs, clock reads,
//! the storage growing once).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use gorqs::core::JobId;
use gorqs::executor::{events, Executor, Ran};

/// Counts this thread's allocations (tests run on several threads).
struct Counting;

thread_local!(static ALLOCATIONS: Cell<u64> = const { Cell::new(0) });

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
        System.realloc(ptr, layout, new)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[path = "support/lean.rs"]
mod lean;
use lean::{Kind, Lean};

const N: u64 = 20_000;

fn queue(concurrency: Option<u32>, track: bool) -> Executor<Lean> {
    Lean::queue(concurrency, track, N as usize)
}

/// Runs `round` twice, the second time counted: the first grows the storage once.
fn counted(exec: &Executor<Lean>, round: impl Fn(&Executor<Lean>)) -> Counts {
    round(exec);
    let h = exec.host();
    let before = Counts::of(h);
    let allocs = allocations();
    round(exec);
    let mut c = Counts::of(h).minus(&before);
    c.allocations = allocations() - allocs;
    c
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    calls: u64,
    crossings: u64,
    settles: u64,
    takes: u64,
    follows: u64,
    nows: u64,
    schedules: u64,
    yields: u64,
    timers: u64,
    emits: u64,
    push_crossings: u64,
    closes: u64,
    releases: u64,
    allocations: u64,
}

impl Counts {
    fn of(h: &Lean) -> Counts {
        Counts {
            calls: h.calls.get(),
            crossings: h.crossings.get(),
            settles: h.settles.get(),
            takes: h.takes.get(),
            follows: h.followed.get(),
            nows: h.nows.get(),
            schedules: h.schedules.get(),
            yields: h.yields.get(),
            timers: h.timers.get(),
            emits: h.emits.get(),
            push_crossings: h.push_crossings.get(),
            closes: h.closes.get(),
            releases: h.releases.get(),
            allocations: 0,
        }
    }
    fn minus(self, b: &Counts) -> Counts {
        Counts {
            calls: self.calls - b.calls,
            crossings: self.crossings - b.crossings,
            settles: self.settles - b.settles,
            takes: self.takes - b.takes,
            follows: self.follows - b.follows,
            nows: self.nows - b.nows,
            schedules: self.schedules - b.schedules,
            yields: self.yields - b.yields,
            timers: self.timers - b.timers,
            emits: self.emits - b.emits,
            push_crossings: self.push_crossings - b.push_crossings,
            closes: self.closes - b.closes,
            releases: self.releases - b.releases,
            allocations: 0,
        }
    }
}

/// Pushes `N` jobs of `kind`, with an `onIdle()` waiter as the benchmark has, and drives the
/// queue to idle, settling every followed thenable (in push order, or reversed).
fn round(kind: Kind, reversed: bool) -> impl Fn(&Executor<Lean>) {
    move |exec| {
        for _ in 0..N {
            Lean::js_push(exec, kind);
        }
        let idle = exec.on_idle().unwrap();
        exec.drive();
        // Settle every followed thenable, batch by batch (settling a serial queue's job starts
        // the next, which is followed in turn), without copying the list.
        let follows = |i: usize| exec.host().follows.borrow().get(i).copied();
        let mut done = 0;
        loop {
            let len = exec.host().follows.borrow().len();
            if done == len {
                break;
            }
            for k in 0..len - done {
                let i = if reversed { len - 1 - k } else { done + k };
                let (id, attempt) = follows(i).unwrap();
                Lean::settle(exec, id, attempt, Ran::Value);
            }
            done = len;
        }
        exec.host().follows.borrow_mut().clear();
        assert_eq!(exec.running().unwrap(), 0);
        assert_eq!(exec.size().unwrap(), 0);
        assert!(
            idle.borrow_mut().try_recv().unwrap().is_some(),
            "onIdle() resolved"
        );
    }
}

/// Amortised bounds: a few allocations per round (the waiter; the job store regrowing by
/// doubling after it shrank, O(log N)), never one per job; clock reads a small fraction of jobs.
fn assert_lean(what: &str, c: &Counts) {
    assert!(
        c.allocations <= 64,
        "{what}: {} allocations for {N} jobs",
        c.allocations
    );
    assert!(
        c.nows <= N / 8,
        "{what}: {} clock reads for {N} jobs",
        c.nows
    );
    assert!(
        c.schedules <= 2,
        "{what}: {} microtasks for {N} jobs",
        c.schedules
    );
    assert_eq!(c.yields, 0, "{what}: the clock never moved, yet it yielded");
    assert_eq!(
        c.timers, 0,
        "{what}: no timed feature, yet the timer was armed"
    );
    // One push in N crosses into the executor (the first, which opens the inbox), and the
    // executor takes the rest over in one crossing (`take_pushed`); no runner is released
    // apart from its call (plain jobs have no retries).
    assert_eq!(
        c.push_crossings, 1,
        "{what}: pushes that crossed into the executor"
    );
    assert_eq!(c.closes, 1, "{what}: batches of pushes taken over");
    assert_eq!(
        c.releases, 0,
        "{what}: runners released besides their last call"
    );
}

#[test]
fn s1_serial_sync_jobs_run_in_runs_no_value_fetched_no_allocation() {
    let exec = queue(Some(1), false);
    let c = counted(&exec, round(Kind::Value, false));
    assert_eq!(c.calls, N, "every job runs once");
    // Runs of up to MAX_STRIDE (512) jobs between clock reads: one crossing each.
    assert!(c.crossings <= N / 256, "{} crossings to run {N} sync jobs", c.crossings);
    assert_eq!(
        c.takes, 0,
        "untracked values are never fetched from the host"
    );
    assert_eq!(c.follows, 0);
    assert_eq!(c.emits, 0, "no listener, no event");
    assert_lean("S1", &c);
}

#[test]
fn s2_serial_promise_jobs_one_call_and_one_follow_each() {
    let exec = queue(Some(1), false);
    let c = counted(&exec, round(Kind::Thenable, false));
    assert_eq!(c.calls, N);
    assert_eq!(c.crossings, N, "one crossing per promise job");
    assert_eq!(c.settles, N, "one settle per promise job");
    assert_eq!(c.follows, N, "one follow per promise job");
    assert_eq!(c.takes, 0);
    assert_lean("S2", &c);
}

#[test]
fn s3_unbounded_promise_jobs_settled_out_of_order() {
    let exec = queue(None, false);
    let c = counted(&exec, round(Kind::Thenable, true));
    assert_eq!(c.calls, N);
    // An unbounded queue's runs end at their first thenable (no async runs: see run_loop.rs).
    assert_eq!(c.crossings, N, "one crossing per promise job");
    assert_eq!(c.follows, N);
    assert_eq!(c.settles, N);
    assert_eq!(c.takes, 0);
    assert_lean("S3", &c);
}

/// S5 (a crawler) and S7 (a pipeline stage): a capped async queue, settled out of order.
#[test]
fn s5_s7_capped_promise_jobs_start_in_open_runs_settled_on_the_hosts_side() {
    for (cap, track) in [(8, false), (4, true)] {
        let exec = queue(Some(cap), track);
        let first = exec.stats().unwrap().pushed as JobId + 1;
        let c = counted(&exec, move |exec: &Executor<Lean>| {
            let start = exec.stats().unwrap().pushed as JobId + 1;
            round(Kind::Thenable, true)(exec);
            if track {
                for id in start..start + N {
                    assert_eq!(exec.result(id).unwrap(), 7);
                }
            }
        });
        assert!(first >= 1);
        let what = format!("concurrency {cap}, track {track}");
        assert_eq!(c.calls, N, "{what}");
        assert_eq!(c.follows, N, "{what}");
        // Runs double up to 512 jobs: a run's jobs start and settle on the host's side but for
        // the few a run ends on and the cap's worth still running when its last started.
        assert!(c.crossings <= N / 128, "{what}: {} crossings out for {N} promise jobs", c.crossings);
        assert!(c.settles <= N / 16, "{what}: {} settles into the executor for {N} promise jobs", c.settles);
        // Tracked: the host keeps each int32 with its settlement; those the executor hears of
        // itself it takes (in the wasm build they come with the `settle` callback).
        assert!(c.takes <= c.settles, "{what}: {} values taken, {} settles", c.takes, c.settles);
        assert_lean(&what, &c);
    }
}

#[test]
fn s4_tracked_results_one_value_fetch_each_and_reading_them_back_allocates_nothing() {
    let exec = queue(Some(1), true);
    let first = exec.stats().unwrap().pushed as JobId + 1;
    let c = counted(&exec, move |exec: &Executor<Lean>| {
        let start = exec.stats().unwrap().pushed as JobId + 1;
        round(Kind::Thenable, false)(exec);
        for id in start..start + N {
            assert_eq!(exec.result(id).unwrap(), 7);
        }
    });
    assert!(first >= 1);
    assert_eq!(c.calls, N);
    assert_eq!(c.crossings, N, "one crossing per promise job");
    assert_eq!(c.takes, N, "a tracked job's value is fetched once");
    assert_lean("S4", &c);
}

#[test]
fn tracked_sync_jobs_run_in_runs_their_values_handed_over_once_per_run() {
    let exec = queue(Some(1), true);
    let c = counted(&exec, move |exec: &Executor<Lean>| {
        let start = exec.stats().unwrap().pushed as JobId + 1;
        round(Kind::Value, false)(exec);
        for id in start..start + N {
            assert_eq!(exec.result(id).unwrap(), 7, "job {id}'s record");
        }
    });
    assert_eq!(c.calls, N, "every job runs once");
    assert!(c.crossings <= N / 256, "{} crossings to run {N} tracked sync jobs", c.crossings);
    // The last job of each run has its value fetched alone; the rest come with the run.
    assert!(c.takes <= N / 256, "{} values fetched one by one", c.takes);
    assert_lean("tracked S1", &c);
}

#[test]
fn s6_awaited_sync_jobs_run_in_runs_and_their_waits_cost_no_crossing_each() {
    // Bursts of 16 tracked jobs, each pushed and waited for at once (a UI handler's shape):
    // the waits are taken on the host's side with the pushes, the jobs run in runs whose host
    // tells their waiters itself; only the last job of a run is offered to them by the
    // executor (`wake_held`).
    const BURST: u64 = 16;
    let exec = queue(Some(1), true);
    let h = exec.host();
    let (wakes, crossings, push_crossings) = (h.wakes.get(), h.crossings.get(), h.push_crossings.get());
    for _ in 0..N / BURST {
        let waits: Vec<_> = (0..BURST)
            .map(|_| {
                let id = Lean::js_push(&exec, Kind::Value);
                (id, Lean::js_wait(&exec, id))
            })
            .collect();
        exec.drive();
        for (id, w) in waits {
            assert_eq!(w.borrow_mut().try_recv().unwrap(), Some(Ok(7)), "job {id}'s wait");
            assert_eq!(exec.status(id).unwrap(), Some(gorqs::core::Status::Succeeded), "job {id}'s record stays");
        }
    }
    let bursts = N / BURST;
    assert_eq!(h.push_crossings.get() - push_crossings, bursts, "one push per burst crosses (it opens the inbox)");
    assert!(h.crossings.get() - crossings <= 2 * bursts, "{} runs for {bursts} bursts", h.crossings.get() - crossings);
    assert!(h.wakes.get() - wakes <= 2 * bursts, "{} wakes for {N} waited jobs", h.wakes.get() - wakes);
    assert!(h.waits.borrow().is_empty(), "every wait settled");
}

#[test]
fn listeners_cost_one_emit_per_event_and_no_allocation() {
    let exec = queue(Some(1), false);
    exec.listen(events::COMPLETED).unwrap();
    let c = counted(&exec, round(Kind::Value, false));
    assert_eq!(c.emits, N, "one completed event per job");
    assert_eq!(c.takes, N, "the value is fetched for the event");
    assert_lean("completed listener", &c);
}
