// Sync mode: one job at a time, in push order; push never runs a job; ids (API.md, "Jobs").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { concurrencyProbe, deferred, gatedJob, qe, tick, ticks, waitFor, within } from "./_helpers.mjs";

const { Queue, SyncMode, TrackJobs } = gorqs;

describe("sync mode", () => {
  test("a job starts only after the previous job's promise has settled", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const log = [];
    const gateA = deferred();
    const gateB = deferred();
    q.push(gatedJob(log, "a", gateA));
    q.push(gatedJob(log, "b", gateB));
    q.push(gatedJob(log, "c"));
    await waitFor(() => log.length === 1, "a to start");
    await ticks(10);
    assert.deepEqual(log, ["a:start"], "b waits for a");
    gateA.resolve();
    await waitFor(() => log.includes("b:start"), "b to start");
    await ticks(10);
    assert.deepEqual(log, ["a:start", "a:end", "b:start"], "c waits for b");
    gateB.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
    await q.stop();
  });

  test("the next job also waits for a rejecting promise to settle", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const log = [];
    const gate = deferred();
    q.push(async () => {
      log.push("a:start");
      await gate.promise;
      log.push("a:throw");
      throw new Error("a failed");
    });
    q.push(() => {
      log.push("b:start");
    });
    await waitFor(() => log.length === 1, "a to start");
    await ticks(10);
    assert.deepEqual(log, ["a:start"]);
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["a:start", "a:throw", "b:start"]);
    assert.ok(q.isRunning(), "a failed job does not stop the queue");
    await q.stop();
  });

  test("100 mixed sync/async jobs run in push order, never two at once", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const order = [];
    let now = 0;
    let max = 0;
    for (let i = 0; i < 100; i++) {
      q.push(
        i % 3 === 0
          ? () => {
              now++;
              max = Math.max(max, now);
              order.push(i);
              now--;
            }
          : async () => {
              now++;
              max = Math.max(max, now);
              order.push(i);
              if (i % 3 === 1) await tick();
              else await Promise.resolve();
              now--;
            },
      );
    }
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, Array.from({ length: 100 }, (_, i) => i));
    assert.equal(max, 1);
    await q.stop();
  });

  test("push never runs the job inside push (flag still false right after push)", async () => {
    const q = new Queue(SyncMode);
    q.start();
    let ran = false;
    q.push(() => {
      ran = true;
    });
    assert.equal(ran, false, "right after push, on an idle queue");
    await within(q.onIdle(), "onIdle");
    assert.equal(ran, true, "eventually runs");
    await q.stop();
  });

  test("push never runs the job inside push on an autoStart queue either", async () => {
    const q = new Queue({ autoStart: true });
    let ran = false;
    q.push(() => {
      ran = true;
    });
    assert.equal(ran, false);
    await within(q.onIdle(), "onIdle");
    assert.equal(ran, true);
    await q.stop();
  });

  test("a failing job does not stop the queue; later jobs run", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    q.push(() => {
      throw new Error("first");
    });
    q.push(() => Promise.reject(new Error("second")));
    const third = q.push(() => "third");
    await within(q.onIdle(), "onIdle");
    assert.equal(q.isRunning(), true);
    assert.equal(q.result(third), "third");
    await q.stop();
  });

  test("ids 1, 2, 3 … are never reused after clear()", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    assert.deepEqual([q.push(() => {}), q.push(() => {}), q.push(() => {})], [1, 2, 3]);
    await within(q.onIdle(), "onIdle");
    q.clear();
    assert.equal(q.push(() => {}), 4);
    await within(q.onIdle(), "onIdle");
    q.clear();
    assert.equal(q.push(() => {}), 5);
    await q.stop();
  });

  test("ids keep counting after stop() + start(); a refused push uses no id", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    assert.equal(q.push(() => {}), 1);
    assert.equal(q.push(() => {}), 2);
    await within(q.stop(), "stop()");
    assert.throws(() => q.push(() => {}), qe("ERR_QUEUE_CLOSED"));
    q.start();
    assert.equal(q.push(() => {}), 3);
    await within(q.stop(), "stop()");
    q.start();
    assert.equal(q.push(() => {}), 4);
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("concurrency probe: sync mode never exceeds one running job", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const probe = concurrencyProbe();
    for (let i = 0; i < 8; i++) q.push(probe.job(2));
    await within(q.onIdle(), "onIdle");
    assert.equal(probe.done, 8);
    assert.equal(probe.max, 1);
    await q.stop();
  });
});
