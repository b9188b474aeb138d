//! The executor's own share of a job, natively (no JS, no crossings): push + run of plain jobs
//! on a host that only counts (`tests/support/lean.rs`). The wasm build adds the crossings
//! (`tests/executor_per_job.rs` counts them) and the JS glue on top of these figures.
//!
//!   cargo bench --bench per_job
//!
//! Figures are printed, never asserted (issue 16's target: push + run of a plain FIFO job
//! <= 10 ns here).

#[path = "../../tests/support/lean.rs"]
mod lean;

use divan::counter::ItemsCount;
use divan::Bencher;
use gorqs::executor::{Executor, Ran};
use lean::{Kind, Lean};

const N: usize = 10_000;

fn main() {
    divan::main();
}

fn queue(concurrency: Option<u32>, track: bool) -> Executor<Lean> {
    Lean::queue(concurrency, track, N)
}

/// Pushes N jobs as the package's JS `push` does (the host's fast path), runs them to idle,
/// settling each followed thenable in order.
fn round(exec: &Executor<Lean>, kind: Kind) {
    for _ in 0..N {
        Lean::js_push(exec, kind);
    }
    exec.drive();
    let mut done = 0;
    loop {
        let len = exec.host().follows.borrow().len();
        if done == len {
            break;
        }
        for i in done..len {
            let (id, attempt) = exec.host().follows.borrow()[i];
            Lean::settle(exec, id, attempt, Ran::Value);
        }
        done = len;
    }
    exec.host().follows.borrow_mut().clear();
}

fn bench(bencher: Bencher, concurrency: Option<u32>, track: bool, kind: Kind) {
    let exec = queue(concurrency, track);
    round(&exec, kind); // storage grown once
    bencher.counter(ItemsCount::new(N)).bench_local(|| {
        round(&exec, kind);
        if track {
            let last = exec.stats().map_or(0.0, |s| s.pushed) as u64;
            for id in last + 1 - N as u64..=last {
                let _ = divan::black_box(exec.result(id));
            }
        }
    });
}

/// S1: serial sync jobs, untracked.
#[divan::bench]
fn s1_serial_sync(bencher: Bencher) {
    bench(bencher, Some(1), false, Kind::Value);
}

/// S2: serial promise jobs, untracked.
#[divan::bench]
fn s2_serial_promise(bencher: Bencher) {
    bench(bencher, Some(1), false, Kind::Thenable);
}

/// S3: unbounded promise jobs, untracked.
#[divan::bench]
fn s3_unbounded_promise(bencher: Bencher) {
    bench(bencher, None, false, Kind::Thenable);
}

/// S4: serial promise jobs, tracked, every result read back.
#[divan::bench]
fn s4_tracked_read_back(bencher: Bencher) {
    bench(bencher, Some(1), true, Kind::Thenable);
}

/// S5: promise jobs, at most 8 in flight, untracked (a crawler).
#[divan::bench]
fn s5_capped_promise(bencher: Bencher) {
    bench(bencher, Some(8), false, Kind::Thenable);
}

/// S7: promise jobs, at most 4 in flight, tracked, every result read back (a pipeline stage).
#[divan::bench]
fn s7_capped_tracked(bencher: Bencher) {
    bench(bencher, Some(4), true, Kind::Thenable);
}
