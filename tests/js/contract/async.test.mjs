// Async mode: jobs start without waiting for each other; concurrency caps (API.md, "Jobs").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { concurrencyProbe, deferred, gatedJob, ticks, waitFor, within } from "./_helpers.mjs";

const { Queue, AsyncMode, TrackJobs } = gorqs;

describe("async mode", () => {
  test("every job starts without waiting for the others", async () => {
    const q = new Queue(AsyncMode);
    q.start();
    const log = [];
    const gate = deferred();
    const jobs = [1, 2, 3, 4, 5].map((i) => gatedJob(log, `j${i}`, gate));
    for (const job of jobs) q.push(job);
    await waitFor(() => jobs.every((j) => j.started), "all five to start");
    assert.equal(q.running, 5, "running");
    assert.equal(q.size, 0, "size");
    assert.ok(jobs.every((j) => !j.finished), "none finished yet");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.ok(jobs.every((j) => j.finished));
    await q.stop();
  });

  test("jobs interleave: A and B hand control to each other twice", async () => {
    const q = new Queue(AsyncMode);
    q.start();
    const log = [];
    const toA = deferred();
    const toB = deferred();
    q.push(async () => {
      log.push("A1");
      toB.resolve();
      await toA.promise;
      log.push("A2");
    });
    q.push(async () => {
      await toB.promise;
      log.push("B1");
      toA.resolve();
      log.push("B2");
    });
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["A1", "B1", "B2", "A2"]);
    await q.stop();
  });

  test("a quick job is not held up by a slow one", async () => {
    const q = new Queue(AsyncMode | TrackJobs);
    q.start();
    const log = [];
    const gate = deferred();
    const slow = q.push(gatedJob(log, "slow", gate));
    const quick = q.push(gatedJob(log, "quick"));
    await within(q.wait(quick), "the quick job");
    assert.deepEqual(log, ["slow:start", "quick:start", "quick:end"]);
    assert.equal(q.status(slow), "running");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(slow), "slow");
    await q.stop();
  });

  test("push never runs the job inside push", async () => {
    const q = new Queue(AsyncMode);
    q.start();
    let ran = 0;
    q.push(() => ran++);
    q.push(() => ran++);
    assert.equal(ran, 0);
    await within(q.onIdle(), "onIdle");
    assert.equal(ran, 2);
    await q.stop();
  });

  test("outcomes finishing out of order are recorded per id", async () => {
    const q = new Queue(AsyncMode | TrackJobs);
    q.start();
    const gates = [deferred(), deferred(), deferred()];
    const ids = gates.map((g, i) => q.push(() => g.promise.then(() => `v${i}`)));
    gates[2].resolve();
    await within(q.wait(ids[2]), "job 3");
    gates[0].resolve();
    gates[1].resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ids.map((id) => q.result(id)), ["v0", "v1", "v2"]);
    await q.stop();
  });

  test("a failing job does not disturb the others", async () => {
    const q = new Queue(AsyncMode | TrackJobs);
    q.start();
    const err = new Error("x");
    const a = q.push(async () => {
      await ticks(1);
      throw err;
    });
    const b = q.push(async () => {
      await ticks(3);
      return "b";
    });
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(a), "failed");
    assert.equal(q.result(b), "b");
    assert.ok(q.isRunning());
    await q.stop();
  });
});

describe("concurrency", () => {
  test("{ mode: 'async', concurrency: 2 } caps running jobs at 2", async () => {
    const q = new Queue({ mode: "async", concurrency: 2 });
    q.start();
    const probe = concurrencyProbe();
    for (let i = 0; i < 8; i++) q.push(probe.job(3));
    await within(q.onIdle(), "onIdle");
    assert.equal(probe.done, 8);
    assert.equal(probe.max, 2);
    await q.stop();
  });

  test("the cap holds, and is used, over 3,000 promise jobs, cap 3 and 8, settling in waves and one by one", async () => {
    for (const cap of [3, 8]) {
      const q = new Queue({ mode: "async", concurrency: cap, autoStart: true });
      let now = 0;
      let max = 0;
      let done = 0;
      for (let i = 0; i < 3000; i++) {
        q.push(async () => {
          max = Math.max(max, ++now);
          for (let k = 1 + (i % 4); k > 0; k--) await null; // some finish together, some apart
          now--;
          done++;
          return i;
        });
      }
      await within(q.onIdle(), `onIdle (cap ${cap})`);
      assert.equal(done, 3000);
      assert.equal(max, cap, `never more than ${cap} in flight, and the slots used`);
      await q.stop();
    }
  });

  test("concurrency 3: exactly 3 start, one more starts per finished job", async () => {
    const q = new Queue({ mode: "async", concurrency: 3 });
    q.start();
    const log = [];
    const gates = [1, 2, 3, 4, 5].map(() => deferred());
    const jobs = gates.map((g, i) => gatedJob(log, `j${i + 1}`, g));
    for (const job of jobs) q.push(job);
    await waitFor(() => jobs.filter((j) => j.started).length === 3, "three to start");
    await ticks(10);
    assert.deepEqual(jobs.map((j) => j.started), [true, true, true, false, false]);
    assert.equal(q.running, 3);
    assert.equal(q.size, 2);
    gates[1].resolve();
    await waitFor(() => jobs[3].started, "j4 to start after j2 finished");
    await ticks(10);
    assert.equal(jobs[4].started, false, "j5 still waits");
    assert.equal(q.running, 3);
    assert.equal(q.size, 1);
    for (const g of gates) g.resolve();
    await within(q.onIdle(), "onIdle");
    assert.ok(jobs.every((j) => j.finished));
    await q.stop();
  });

  test("concurrency: Infinity in async mode runs 50 jobs at once", async () => {
    const q = new Queue({ mode: "async", concurrency: Infinity });
    q.start();
    const gate = deferred();
    let started = 0;
    for (let i = 0; i < 50; i++) {
      q.push(() => {
        started++;
        return gate.promise;
      });
    }
    await waitFor(() => started === 50, "all 50 to start");
    assert.equal(q.running, 50);
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });
});
