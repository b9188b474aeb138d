// The queue yields to the event loop while a backlog drains (API.md, "Jobs", last point).
// Measured by counts: how many times a 1 ms interval fired while jobs were still left, never by
// how long anything took.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";

const { Queue } = gorqs;

// Each job does a little CPU work that the JIT cannot fold away, so that the whole backlog
// takes many 10 ms slices even on a fast machine (measured in Chromium: ~0.1-1 s per drain, the
// queue yielding every ~10 ms and a 1 ms interval firing on about every other yield). With
// trivial jobs a fast drain spans only ~3 slices and the count would say nothing.
const WORK = 60;

/** Counter state shared by the jobs. */
function makeCounter() {
  const c = {
    done: 0,
    sink: 0,
    syncJob() {
      for (let i = 0; i < WORK; i++) c.sink += Math.sqrt(i + c.done);
      c.done++;
    },
    instantAsyncJob() {
      for (let i = 0; i < WORK; i++) c.sink += Math.sqrt(i + c.done);
      c.done++;
      return Promise.resolve(c.done);
    },
  };
  return c;
}

/**
 * Pushes `n` copies of `job`, then counts the interval callbacks that run while the backlog is
 * neither untouched nor finished (0 < done < n), until onIdle().
 */
async function drainWithInterval(q, n, job, counter) {
  for (let i = 0; i < n; i++) q.push(job);
  const midDrain = [];
  const timer = setInterval(() => {
    if (counter.done > 0 && counter.done < n) midDrain.push(counter.done);
  }, 1);
  try {
    await q.onIdle();
  } finally {
    clearInterval(timer);
  }
  return midDrain;
}

describe("responsiveness", () => {
  test("sync mode: a 1 ms interval fires ≥ 3 times while 200,000 synchronous jobs drain", async () => {
    const q = new Queue({ mode: "sync" });
    q.start();
    const c = makeCounter();
    const N = 200_000;
    const midDrain = await drainWithInterval(q, N, c.syncJob, c);
    assert.equal(c.done, N, "every job ran");
    assert.ok(midDrain.length >= 3, `interval fired ${midDrain.length} time(s) during the drain (at done = ${midDrain.slice(0, 10)})`);
    await q.stop();
  }, { timeout: 60_000 });

  test("async mode: a 1 ms interval fires ≥ 3 times while 200,000 synchronous jobs drain", async () => {
    const q = new Queue({ mode: "async" });
    q.start();
    const c = makeCounter();
    const N = 200_000;
    const midDrain = await drainWithInterval(q, N, c.syncJob, c);
    assert.equal(c.done, N, "every job ran");
    assert.ok(midDrain.length >= 3, `interval fired ${midDrain.length} time(s) during the drain (at done = ${midDrain.slice(0, 10)})`);
    await q.stop();
  }, { timeout: 60_000 });

  test("sync mode: the interval also fires while 100,000 instantly-resolving async jobs drain", async () => {
    const q = new Queue({ mode: "sync" });
    q.start();
    const c = makeCounter();
    const N = 100_000;
    const midDrain = await drainWithInterval(q, N, c.instantAsyncJob, c);
    assert.equal(c.done, N, "every job ran");
    assert.ok(midDrain.length >= 3, `interval fired ${midDrain.length} time(s) during the drain (at done = ${midDrain.slice(0, 10)})`);
    await q.stop();
  }, { timeout: 60_000 });

  // 200,000 here: in async mode Chromium runs ~35,000 such jobs per slice, so 100,000 would
  // span only three slices.
  test("async mode: the interval also fires while 200,000 instantly-resolving async jobs drain", async () => {
    const q = new Queue({ mode: "async" });
    q.start();
    const c = makeCounter();
    const N = 200_000;
    const midDrain = await drainWithInterval(q, N, c.instantAsyncJob, c);
    assert.equal(c.done, N, "every job ran");
    assert.ok(midDrain.length >= 3, `interval fired ${midDrain.length} time(s) during the drain (at done = ${midDrain.slice(0, 10)})`);
    await q.stop();
  }, { timeout: 60_000 });
});
