// The queue yields to the event loop while a backlog drains (API.md, "Jobs", last point).
// Measured as the user feels it: the longest stretch without an event-loop turn while the
// backlog drains, seen by a 1 ms interval (the gaps between its ticks, and from the drain's
// start to the first tick and from the last tick to its end). The figure is printed; the test
// asserts only a bound that a queue which never yields would break (100 ms), never a count
// of ticks (that depends on how fast the machine is). The figures measured per engine are in
// README "Responsiveness".
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert, note } from "../harness.mjs";

const { Queue } = gorqs;

/** A drain that never yields would hold the event loop for its whole length: far above this. */
const BOUND_MS = 100;

/** The jobs' own work adds up to this per drain, whatever the machine's speed: a queue that
 * never yielded would hold the event loop at least this long, several times BOUND_MS. */
const DRAIN_WORK_MS = 500;

const clock = () => performance.now();

/** CPU work the JIT cannot fold away: `iters` steps of a dependent chain. The jobs and the
 * calibration run this same function. */
function spin(iters, seed) {
  let x = seed;
  for (let i = 0; i < iters; i++) x = Math.sqrt(x + i);
  return x;
}

/** Iterations of `spin` that take about `ms` here (measured, so that the drain's length
 * does not depend on how fast the machine is). Measured twice, the second taken: the first
 * also warms `spin` up. (Calibrated on its first tiers once, in Chromium, a 500 ms drain took
 * 19 ms once `spin` was optimized: too short for the test to tell anything.) */
function iterationsFor(ms) {
  return measureIterations(ms), measureIterations(ms);
}

function measureIterations(ms) {
  let sink = 0;
  for (let iters = 1024; ; iters *= 2) {
    const t0 = clock();
    sink += spin(iters, sink);
    const dt = clock() - t0;
    if (dt >= 20) return Math.max(1, Math.ceil((iters * ms) / dt));
  }
}

/** Counter state shared by `n` jobs, each doing its share of DRAIN_WORK_MS. */
function makeCounter(n) {
  const work = iterationsFor(DRAIN_WORK_MS / n);
  const c = {
    done: 0,
    sink: 0,
    syncJob() {
      c.sink += spin(work, c.done);
      c.done++;
    },
    instantAsyncJob() {
      c.sink += spin(work, c.done);
      c.done++;
      return Promise.resolve(c.done);
    },
  };
  return c;
}

/**
 * Pushes `n` copies of `job`, then measures the longest gap between event-loop turns (ticks
 * of a 1 ms interval) until the drain ends. Returns `{ longest, ticks, drainMs }`.
 */
async function drainMeasuringGaps(q, n, job, counter) {
  for (let i = 0; i < n; i++) q.push(job);
  const start = clock();
  let last = start;
  let longest = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const t = clock();
    if (counter.done >= n) return;
    longest = Math.max(longest, t - last);
    last = t;
    ticks++;
  }, 1);
  try {
    await q.onIdle();
  } finally {
    clearInterval(timer);
  }
  const end = clock();
  longest = Math.max(longest, end - last);
  return { longest, ticks, drainMs: end - start };
}

async function check(mode, n, kind) {
  const q = new Queue({ mode });
  q.start();
  const c = makeCounter(n);
  // A short drain first, then a macrotask: one-time costs of the runtime (compiling, a full
  // GC left by earlier tests) are not what this measures.
  for (let i = 0; i < 1000; i++) q.push(() => c.sink++);
  await q.onIdle();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const r = await drainMeasuringGaps(q, n, kind === "sync" ? c.syncJob : c.instantAsyncJob, c);
  assert.equal(c.done, n, "every job ran");
  note(`longest gap ${r.longest.toFixed(1)} ms over a ${r.drainMs.toFixed(0)} ms drain (${r.ticks} ticks)`);
  assert.ok(
    r.longest <= BOUND_MS,
    `the event loop went ${r.longest.toFixed(1)} ms without a turn during a ${r.drainMs.toFixed(0)} ms drain`,
  );
  // Longer than the bound: a queue that never yielded would show a gap as long as the drain.
  assert.ok(r.drainMs >= 1.5 * BOUND_MS, `the drain took ${r.drainMs.toFixed(0)} ms: too short for the bound to tell`);
  await q.stop();
}

describe("responsiveness", () => {
  test("sync mode: the event loop turns while 200,000 synchronous jobs drain", () => check("sync", 200_000, "sync"), { timeout: 60_000 });
  test("async mode: the event loop turns while 200,000 synchronous jobs drain", () => check("async", 200_000, "sync"), { timeout: 60_000 });
  test("sync mode: the event loop turns while 100,000 instantly-resolving async jobs drain", () => check("sync", 100_000, "async"), { timeout: 60_000 });
  test("async mode: the event loop turns while 200,000 instantly-resolving async jobs drain", () => check("async", 200_000, "async"), { timeout: 60_000 });
});
