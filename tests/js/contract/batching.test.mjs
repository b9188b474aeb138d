// The fast paths must not show: plain pushes reach the core in batches and backlogs of
// synchronous jobs run in runs (one call into the core per run), yet every call from inside a
// job sees the true state, order holds against priority jobs, and listeners added mid-run
// hear about the jobs after them.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { qe, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

describe("batched pushes and runs", () => {
  test("a job in the middle of a run sees itself running, the jobs before it done, the ones after it waiting", async () => {
    const q = new Queue({ track: true });
    q.start();
    const seen = [];
    for (let i = 1; i <= 10; i++) {
      q.push((ctx) => {
        if (ctx.id === 5) {
          seen.push(q.status(4), q.status(5), q.status(6), q.size, q.running);
        }
        return ctx.id * 2;
      });
    }
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(seen, ["succeeded", "running", "pending", 5, 1]);
    for (let i = 1; i <= 10; i++) assert.equal(q.result(i), i * 2);
    await q.stop();
  });

  test("a plain push from a job runs before an older job of lower priority", async () => {
    const q = new Queue();
    q.start();
    const order = [];
    q.push(() => {
      order.push("a");
      q.push(() => order.push("b"));
    });
    q.push(() => order.push("c"), { priority: -1 });
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["a", "b", "c"]);
    await q.stop();
  });

  test("ids of plain pushes, pushes with options and pushAll interleave without gaps", async () => {
    const q = new Queue({ track: true });
    q.start();
    const ids = [q.push(() => 1), q.push(() => 2, { priority: 1 }), ...q.pushAll([() => 3, () => 4]), q.push(() => 5)];
    assert.deepEqual(ids, [1, 2, 3, 4, 5]);
    assert.equal(q.size, 5);
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ids.map((id) => q.result(id)), [1, 2, 3, 4, 5]);
    await q.stop();
  });

  test("stop() drops plain pushes not yet told to the core, settling them as closed", async () => {
    const q = new Queue({ track: true });
    q.start();
    let ran = 0;
    const a = q.push(() => ran++);
    const b = q.push(() => ran++);
    await q.stop();
    assert.equal(ran, 0);
    for (const id of [a, b]) assert.throws(() => q.result(id), qe("ERR_QUEUE_CLOSED"));
  });

  test("a listener added by a job in a run hears about the jobs after it", async () => {
    const q = new Queue();
    q.start();
    const completed = [];
    for (let i = 1; i <= 6; i++) {
      q.push((ctx) => {
        if (ctx.id === 3) q.addEventListener("completed", (e) => completed.push(e.detail.id));
        return ctx.id;
      });
    }
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(completed, [3, 4, 5, 6]);
    await q.stop();
  });

  test("a throwing job in a run is recorded failed and the run goes on after it", async () => {
    const q = new Queue({ track: true });
    q.start();
    const boom = new Error("boom");
    for (let i = 1; i <= 5; i++) {
      q.push((ctx) => {
        if (ctx.id === 3) throw boom;
        return ctx.id;
      });
    }
    await within(q.onIdle(), "onIdle");
    assert.deepEqual([1, 2, 4, 5].map((id) => q.result(id)), [1, 2, 4, 5]);
    assert.equal(assert.throws(() => q.result(3)), boom);
    await q.stop();
  });

  test("async mode: promise jobs in a run start side by side and sync jobs after them still run", async () => {
    const q = new Queue({ mode: "async", track: true });
    q.start();
    let inFlight = 0;
    let maxInFlight = 0;
    const release = [];
    for (let i = 0; i < 3; i++) {
      q.push(() => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return new Promise((resolve) => release.push(() => { inFlight--; resolve("p"); }));
      });
    }
    const s = q.push(() => "s");
    await within(new Promise((r) => setTimeout(r, 5)), "tick");
    assert.equal(maxInFlight, 3);
    assert.equal(q.status(s), "succeeded");
    release.forEach((f) => f());
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(1), "p");
    await q.stop();
  });

  test("free() from inside a job of a run: later jobs never run, later calls throw", async () => {
    const q = new Queue();
    q.start();
    let ran = 0;
    for (let i = 1; i <= 5; i++) {
      q.push((ctx) => {
        ran++;
        if (ctx.id === 2) q.free();
      });
    }
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(ran, 2);
    assert.throws(() => q.size, /freed/);
  });
  test("records stay right across storage chunks while the front is dropped (5,000 jobs in three waves)", async () => {
    const q = new Queue({ track: true });
    q.start();
    let next = 1;
    for (const wave of [2500, 1500, 1000]) {
      const ids = [];
      for (let i = 0; i < wave; i++) ids.push(q.push((ctx) => ctx.id * 3));
      assert.equal(ids[0], next);
      next += wave;
      await within(q.onIdle(), "onIdle");
      // Read most of them back out of order; keep every 7th for later.
      for (let k = ids.length - 1; k >= 0; k--) if (ids[k] % 7 !== 0) assert.equal(q.result(ids[k]), ids[k] * 3);
    }
    for (let id = 7; id < next; id += 7) assert.equal(q.result(id), id * 3);
    assert.throws(() => q.result(1), qe("ERR_NOT_FOUND"));
    await q.stop();
  });
});

// Untracked plain jobs run in runs inside the JS host (one crossing per run); any call into
// the queue from a job of a run cuts the run there, so the call sees the true state and what
// it changes holds for every job after it.
describe("runs of untracked jobs, cut by a call into the queue", () => {
  /** Pushes `n` jobs to an untracked sync queue; job `at` calls `during(q, ctx)`. Returns the
   * queue and the ids that ran, in order. */
  function runOf(n, at, during, options = {}) {
    const q = new Queue(options);
    q.start();
    const ran = [];
    for (let i = 1; i <= n; i++) {
      q.push((ctx) => {
        ran.push(ctx.id);
        if (ctx.id === at) during(q, ctx);
        return ctx.id;
      });
    }
    return { q, ran };
  }

  test("a job in the middle of a run sees itself running, the jobs before it gone, the ones after it waiting", async () => {
    const seen = [];
    const { q, ran } = runOf(10, 5, (q) => seen.push(q.status(4), q.status(5), q.status(6), q.size, q.running));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(seen, [undefined, "running", "pending", 5, 1]);
    assert.deepEqual(ran, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await q.stop();
  });

  test("cancel() of the next job from inside a run: it never runs, the ones after it do", async () => {
    const { q, ran } = runOf(6, 3, (q) => assert.equal(q.cancel(4), true));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, [1, 2, 3, 5, 6]);
    await q.stop();
  });

  test("stop() from inside a run: no later job runs, each fails ERR_QUEUE_CLOSED", async () => {
    const failed = [];
    const { q, ran } = runOf(6, 2, (q) => {
      q.addEventListener("failed", (e) => failed.push([e.detail.id, e.detail.error.code]));
      void q.stop();
    });
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, [1, 2]);
    assert.deepEqual(failed, [3, 4, 5, 6].map((id) => [id, "ERR_QUEUE_CLOSED"]));
  });

  test("pause() from inside a run holds back the rest; resume() lets them run", async () => {
    const { q, ran } = runOf(5, 2, (q) => q.pause());
    await within(new Promise((r) => setTimeout(r, 5)), "tick");
    assert.deepEqual(ran, [1, 2]);
    assert.equal(q.size, 3);
    q.resume();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, [1, 2, 3, 4, 5]);
    await q.stop();
  });

  test("a job pushed with priority from inside a run runs before the rest of the run", async () => {
    const { q, ran } = runOf(5, 2, (q) => q.push(() => void ran.push("p"), { priority: 1 }));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, [1, 2, "p", 3, 4, 5]);
    await q.stop();
  });

  test("wait() on a later job of the run, from inside it, settles with that job's value", async () => {
    let waited;
    const { q } = runOf(6, 2, (q) => { waited = q.wait(5); });
    await within(q.onIdle(), "onIdle");
    assert.equal(await within(waited, "wait(5)"), 5);
    await q.stop();
  });

  test("clear() and a plain push from inside a run change nothing for the run", async () => {
    const { q, ran } = runOf(4, 2, (q) => { q.clear(); q.push(() => void ran.push("x")); });
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, [1, 2, 3, 4, "x"]);
    await q.stop();
  });

  test("async mode: a run of sync jobs after a promise job, cut by ctx.signal and cancel()", async () => {
    let signal;
    const { q, ran } = runOf(6, 3, (q, ctx) => {
      signal = ctx.signal;
      assert.equal(q.cancel(ctx.id, "no"), true);
      assert.equal(q.status(4), "pending");
    }, { mode: "async" });
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, [1, 2, 3, 4, 5, 6]);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, "no");
    await q.stop();
  });
});

// Tracked runs: the JS host keeps each int32 value of a run for Rust until it catches up (at
// the run's end or when the run is cut); any other value ends the run on its job.
describe("runs of tracked jobs", () => {
  test("result() of earlier jobs of the same run, from inside a later one, and every value after", async () => {
    const q = new Queue({ track: true });
    q.start();
    const values = [1, -7, 2 ** 31 - 1, "four", 5, { six: 6 }, 7.5, -0, 9, NaN, 11, 12];
    const seen = [];
    const ids = values.map((v, k) =>
      q.push(() => {
        if (k === 8) seen.push(q.result(ids[0]), q.result(ids[1]), q.result(ids[2]), q.status(ids[3]), q.status(ids[9]));
        return v;
      }));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(seen, [1, -7, 2 ** 31 - 1, "succeeded", "pending"]);
    for (let k = 3; k < values.length; k++) assert.ok(Object.is(q.result(ids[k]), values[k]), `job ${k + 1}`);
    assert.equal(q.status(ids[5]), undefined, "read: gone");
    await q.stop();
  });

  test("serial promise jobs, tracked: a parked run's values are there when it is cut from outside", async () => {
    const q = new Queue({ track: true });
    q.start();
    let gate;
    const ids = [];
    for (let i = 1; i <= 8; i++) {
      ids.push(q.push(async () => {
        if (i === 6) await new Promise((r) => { gate = r; });
        await null;
        return i * 10;
      }));
    }
    await waitFor(() => gate !== undefined, "job 6 to start");
    assert.deepEqual(ids.slice(0, 5).map((id) => q.result(id)), [10, 20, 30, 40, 50]);
    assert.equal(q.status(ids[5]), "running");
    gate();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ids.slice(5).map((id) => q.result(id)), [60, 70, 80]);
    await q.stop();
  });
});

describe("ctx.signal read late or inside a run", () => {
  test("a job of a run that reads ctx.signal is still aborted by cancel(id)", async () => {
    const q = new Queue({ mode: "async" });
    q.start();
    let signal;
    let id;
    for (let i = 0; i < 3; i++) {
      q.push((ctx) => {
        if (ctx.id === 2) {
          signal = ctx.signal;
          id = ctx.id;
          return new Promise(() => {});
        }
      });
    }
    await within(new Promise((r) => setTimeout(r, 1)), "tick");
    assert.equal(q.cancel(id, "no"), true);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, "no");
    await q.stop();
  });

  test("ctx.signal first read after the job's outcome is an unaborted signal, not kept", async () => {
    const q = new Queue({ track: true });
    q.start();
    let ctxSaved;
    const id = q.push(async (ctx) => {
      ctxSaved = ctx;
      return 1;
    });
    await within(q.wait(id), "wait");
    const s = ctxSaved.signal;
    assert.equal(s.aborted, false);
    await q.stop();
  });
});
