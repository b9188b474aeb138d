// Job timeouts: the queue's `timeout` option and the per-job `timeout` (API.md, "Jobs").
// Time only sets up the situations (a job that outlives its timeout); the assertions are on
// outcomes and order.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, qe, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue, QueueError } = gorqs;

const never = () => new Promise(() => {});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("timeouts", () => {
  test("a never-settling job fails with ERR_TIMEOUT and the next job runs (sync)", async () => {
    const q = new Queue({ track: true, timeout: 10 });
    q.start();
    const stuck = q.push(never);
    const next = q.push(() => "next");
    await within(q.onIdle(), "onIdle (the stuck job's slot is freed)");
    assert.equal(q.status(stuck), "failed");
    const err = assert.throws(() => q.result(stuck), qe("ERR_TIMEOUT"));
    assert.ok(err instanceof QueueError);
    assert.equal(q.result(next), "next");
    assert.ok(q.isRunning(), "a timeout does not stop the queue");
    await q.stop();
  });

  test("wait() of a timed-out job rejects with QueueError ERR_TIMEOUT", async () => {
    const q = new Queue({ timeout: 5 });
    q.start();
    const id = q.push(never);
    await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_TIMEOUT"));
    await q.stop();
  });

  test("ctx.signal aborts when the job times out", async () => {
    const q = new Queue({ timeout: 5 });
    q.start();
    let signal;
    let abortEvents = 0;
    const id = q.push((ctx) => {
      signal = ctx.signal;
      signal.addEventListener("abort", () => abortEvents++);
      return never();
    });
    await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_TIMEOUT"));
    await waitFor(() => signal && signal.aborted, "ctx.signal to abort");
    assert.equal(abortEvents, 1);
    await q.stop();
  });

  test("sync mode: the next job starts while the timed-out one is still pending", async () => {
    const q = new Queue({ track: true, timeout: 5 });
    q.start();
    const gate = deferred();
    const log = [];
    const slow = q.push(() => {
      log.push("slow:start");
      return gate.promise.then(() => {
        log.push("slow:end");
        return "late value";
      });
    });
    const next = q.push(() => {
      log.push("next");
      return "next";
    });
    await within(q.wait(next), "the next job");
    assert.deepEqual(log, ["slow:start", "next"]);
    gate.resolve();
    await ticks(5);
    assert.deepEqual(log, ["slow:start", "next", "slow:end"]);
    assert.equal(q.status(slow), "failed", "the late outcome is ignored");
    assert.throws(() => q.result(slow), qe("ERR_TIMEOUT"));
    await q.stop();
  });

  test("a late rejection after the timeout is ignored (no unhandled rejection)", async () => {
    const q = new Queue({ track: true, timeout: 5 });
    q.start();
    const gate = deferred();
    const id = q.push(() => gate.promise.then(() => Promise.reject(new Error("late"))));
    await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_TIMEOUT"));
    gate.resolve();
    await ticks(5);
    assert.throws(() => q.result(id), qe("ERR_TIMEOUT"));
    await q.stop();
  });

  test("a synchronous run() cannot be interrupted: its outcome stands", async () => {
    const q = new Queue({ track: true, timeout: 1 });
    q.start();
    const id = q.push(() => {
      const until = Date.now() + 20;
      while (Date.now() < until) {
        // busy: longer than the 1 ms timeout
      }
      return "sync value";
    });
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(id), "succeeded");
    assert.equal(q.result(id), "sync value");
    await q.stop();
  });

  test("per-job timeout on a queue without one", async () => {
    const q = new Queue({ track: true });
    q.start();
    const id = q.push(never, { timeout: 5 });
    const other = q.push(async () => {
      await ticks(2);
      return "other";
    });
    await within(q.onIdle(), "onIdle");
    assert.throws(() => q.result(id), qe("ERR_TIMEOUT"));
    assert.equal(q.result(other), "other", "other jobs keep no timeout");
    await q.stop();
  });

  test("per-job timeout overrides the queue's (longer)", async () => {
    const q = new Queue({ track: true, timeout: 1 });
    q.start();
    const id = q.push(async () => {
      await sleep(30);
      return "made it";
    }, { timeout: 60_000 });
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(id), "made it");
    await q.stop();
  });

  test("per-job timeout: Infinity overrides the queue's", async () => {
    const q = new Queue({ track: true, timeout: 1 });
    q.start();
    const id = q.push(async () => {
      await sleep(30);
      return "no limit";
    }, { timeout: Infinity });
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(id), "no limit");
    await q.stop();
  });

  test("per-job timeout overrides the queue's (shorter)", async () => {
    const q = new Queue({ track: true, timeout: 60_000 });
    q.start();
    const id = q.push(never, { timeout: 5 });
    await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_TIMEOUT"));
    await q.stop();
  });

  test("a timeout beyond 2^31 - 1 ms does not fire at once", async () => {
    const q = new Queue({ track: true, timeout: 2 ** 31 + 1000 });
    q.start();
    const a = q.push(async () => {
      await sleep(20);
      return "a";
    });
    const b = q.push(async () => {
      await sleep(20);
      return "b";
    }, { timeout: 1e10 });
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(a), "a", "queue timeout 2^31 + 1000");
    assert.equal(q.result(b), "b", "job timeout 1e10");
    await q.stop();
  });

  test("the timeout counts from the job's start, not from its push", async () => {
    const q = new Queue({ track: true, timeout: 200 });
    q.start();
    const first = q.push(async () => {
      await sleep(300);
      return "first";
    }, { timeout: Infinity });
    const second = q.push(async () => {
      await ticks(1);
      return "second";
    });
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(first), "first");
    assert.equal(q.result(second), "second", "waited 300 ms in the queue, ran ~1 tick");
    await q.stop();
  });

  test("async mode: a timed-out job frees its slot (concurrency 1)", async () => {
    const q = new Queue({ mode: "async", concurrency: 1, track: true, timeout: 5 });
    q.start();
    const stuck = q.push(never);
    const next = q.push(() => "next");
    assert.equal(await within(q.wait(next), "the next job"), "next");
    assert.throws(() => q.result(stuck), qe("ERR_TIMEOUT"));
    assert.equal(q.running, 0);
    await q.stop();
  });

  test("stop() does not wait for a timed-out job", async () => {
    const q = new Queue({ timeout: 5 });
    q.start();
    const id = q.push(never);
    await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_TIMEOUT"));
    await within(q.stop(), "stop()");
  });

  for (const bad of [-5, 0, NaN, "x"]) {
    test(`per-job timeout ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}: push throws, nothing queued, no id used`, async () => {
      const q = new Queue({ track: true });
      q.start();
      assert.throws(() => q.push(() => {}, { timeout: bad }), [TypeError, RangeError]);
      assert.equal(q.size, 0);
      assert.equal(q.push(() => "ok"), 1);
      await within(q.onIdle(), "onIdle");
      await q.stop();
    });
  }

  test("a job that finishes in time is not affected by its timeout", async () => {
    const q = new Queue({ track: true, timeout: 60_000 });
    q.start();
    let signal;
    const id = q.push(async (ctx) => {
      signal = ctx.signal;
      await ticks(2);
      return "in time";
    });
    const w = watch(q.wait(id));
    await within(q.onIdle(), "onIdle");
    await waitFor(() => w.settled, "wait()");
    assert.equal(w.value, "in time");
    assert.equal(signal.aborted, false);
    await q.stop();
  });

  for (const stop of [true, false]) {
    test(`after a timed-out job, ${stop ? "a stopped" : "an idle"} queue arms no more timers`, async () => {
      // Counts setTimeout calls while nothing should be happening. A queue left spinning by an
      // earlier test would be counted as well: the message says so.
      const realSetTimeout = globalThis.setTimeout;
      const q = new Queue({ timeout: 5 });
      q.start();
      const id = q.push(never);
      await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_TIMEOUT"));
      await within(q.onIdle(), "onIdle");
      if (stop) await within(q.stop(), "stop()");
      await ticks(3);
      let calls = 0;
      globalThis.setTimeout = function countedSetTimeout(...args) {
        calls++;
        return realSetTimeout.apply(this, args);
      };
      try {
        for (let i = 0; i < 20; i++) await new Promise((resolve) => realSetTimeout(resolve, 2));
      } finally {
        globalThis.setTimeout = realSetTimeout;
      }
      assert.equal(calls, 0, "setTimeout calls during 20 quiet macrotasks (this queue's, or a queue's left from an earlier test)");
      if (!stop) await q.stop();
    });
  }
});
