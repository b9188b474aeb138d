// size, running, onIdle, isRunning (API.md, "Observing" and "Lifecycle").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, tick, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue, SyncMode, AsyncMode } = gorqs;

describe("observing", () => {
  test("stats(): a plain snapshot that follows size, running, records, retries and pause", async () => {
    const q = new Queue({ track: true, concurrency: 2 });
    assert.deepEqual(q.stats(), {
      isRunning: false, isPaused: false, size: 0, retrying: 0, running: 0, records: 0, pushed: 0, concurrency: 2,
    });
    q.start();
    const gate = deferred();
    let tries = 0;
    q.push(() => gate.promise);
    q.push(() => 1);
    q.push(() => { if (++tries === 1) throw new Error("again"); return "ok"; }, { retries: 1, backoff: { type: "fixed", delay: 60_000 } });
    q.pause();
    q.push(() => 3);
    const before = q.stats();
    assert.equal(Object.getPrototypeOf(before), Object.prototype, "a plain object");
    assert.equal(before.size, 4);
    assert.equal(before.pushed, 4);
    q.resume();
    await waitFor(() => q.stats().retrying === 1 && q.stats().records === 2, "two records, one job waiting for its retry");
    const mid = q.stats();
    assert.equal(mid.running, 1, "the gated job runs");
    assert.equal(mid.size, 1, "the retrying job still counts as waiting");
    assert.notEqual(mid, q.stats(), "a new object each call");
    q.concurrency = Infinity;
    assert.equal(q.stats().concurrency, null, "no limit is null");
    gate.resolve("done");
    q.cancel(3);
    await q.onIdle();
    assert.deepEqual(q.stats(), {
      isRunning: true, isPaused: false, size: 0, retrying: 0, running: 0, records: 4, pushed: 4, concurrency: null,
    });
    await q.stop();
    assert.equal(q.stats().isRunning, false);
    q.free();
    assert.throws(() => q.stats(), /freed/);
  });

  test("a new queue: size 0, running 0 (numbers), isRunning() false", () => {
    const q = new Queue();
    assert.equal(q.size, 0);
    assert.equal(q.running, 0);
    assert.equal(q.isRunning(), false);
  });

  test("onIdle() resolves at once on an idle queue (started or not)", async () => {
    const fresh = new Queue();
    const w1 = watch(fresh.onIdle());
    const started = new Queue();
    started.start();
    const w2 = watch(started.onIdle());
    await tick();
    assert.ok(w1.fulfilled, "never-started queue");
    assert.equal(w1.value, undefined);
    assert.ok(w2.fulfilled, "started, empty queue");
    await started.stop();
  });

  test("sync: size and running follow the jobs", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const log = [];
    const gates = [deferred(), deferred(), deferred()];
    gates.forEach((g, i) => q.push(gatedJob(log, `j${i}`, g)));
    assert.equal(q.size, 3, "size right after three pushes");
    assert.equal(q.running, 0, "running right after three pushes");
    await waitFor(() => log.length === 1, "j0 to start");
    assert.equal(q.size, 2);
    assert.equal(q.running, 1);
    gates[0].resolve();
    await waitFor(() => log.includes("j1:start"), "j1 to start");
    assert.equal(q.size, 1);
    assert.equal(q.running, 1);
    gates[1].resolve();
    gates[2].resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.size, 0);
    assert.equal(q.running, 0);
    await q.stop();
  });

  test("async: size and running follow the jobs", async () => {
    const q = new Queue(AsyncMode);
    q.start();
    const log = [];
    const gate = deferred();
    for (let i = 0; i < 3; i++) q.push(gatedJob(log, `j${i}`, gate));
    assert.equal(q.size, 3, "size right after three pushes");
    await waitFor(() => log.length === 3, "all to start");
    assert.equal(q.size, 0);
    assert.equal(q.running, 3);
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.running, 0);
    await q.stop();
  });

  test("onIdle() resolves only after every job has finished", async () => {
    const q = new Queue(AsyncMode);
    q.start();
    const gates = [deferred(), deferred()];
    const done = [false, false, false];
    q.push(() => gates[0].promise.then(() => (done[0] = true)));
    q.push(() => gates[1].promise.then(() => (done[1] = true)));
    q.push(() => {
      done[2] = true;
    });
    const idle = watch(q.onIdle());
    await ticks(5);
    assert.equal(idle.settled, false, "not idle while jobs wait on gates");
    gates[1].resolve();
    await ticks(5);
    assert.equal(idle.settled, false, "still one job running");
    gates[0].resolve();
    await waitFor(() => idle.settled, "onIdle to settle");
    assert.ok(idle.fulfilled);
    assert.deepEqual(done, [true, true, true]);
    await q.stop();
  });

  test("onIdle() resolves (does not reject) when jobs fail", async () => {
    const q = new Queue({ mode: "async", track: true });
    q.start();
    q.push(() => {
      throw new Error("a");
    });
    q.push(() => Promise.reject(new Error("b")));
    assert.equal(await within(q.onIdle(), "onIdle"), undefined);
    await q.stop();
  });

  test("several onIdle() calls all resolve", async () => {
    const q = new Queue();
    q.start();
    const gate = deferred();
    q.push(() => gate.promise);
    const idles = [q.onIdle(), q.onIdle(), q.onIdle()];
    gate.resolve();
    await within(Promise.all(idles), "all onIdle");
    await q.stop();
  });

  test("onIdle() after stop() waits for the running job only", async () => {
    const q = new Queue();
    q.start();
    const log = [];
    const gate = deferred();
    q.push(gatedJob(log, "a", gate));
    q.push(gatedJob(log, "b"));
    await waitFor(() => log.length === 1, "a to start");
    const stopped = q.stop();
    assert.equal(q.size, 0, "stop() drops waiting jobs");
    const idle = watch(q.onIdle());
    await ticks(5);
    assert.equal(idle.settled, false, "a is still running");
    assert.equal(q.running, 1);
    gate.resolve();
    await waitFor(() => idle.settled, "onIdle");
    await within(stopped, "stop()");
    assert.deepEqual(log, ["a:start", "a:end"]);
  });

  test("isRunning(): false → start → true → stop → false → start → true", async () => {
    const q = new Queue();
    assert.equal(q.isRunning(), false);
    q.start();
    assert.equal(q.isRunning(), true);
    const stopped = q.stop();
    assert.equal(q.isRunning(), false);
    await within(stopped, "stop()");
    assert.equal(q.isRunning(), false);
    q.start();
    assert.equal(q.isRunning(), true);
    await q.stop();
  });
});
