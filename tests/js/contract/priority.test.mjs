// The per-job `priority` option: higher runs first, FIFO among equals (API.md, "Jobs").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

/** Starts `q` with a gated job running, so later pushes wait; returns the gate. */
async function blocked(q) {
  q.start();
  const gate = deferred();
  const log = [];
  q.push(gatedJob(log, "blocker", gate));
  await waitFor(() => log.length === 1, "blocker to start");
  return gate;
}

describe("priority", () => {
  test("sync mode: higher first, FIFO among equals, default 0", async () => {
    const q = new Queue();
    const gate = await blocked(q);
    const order = [];
    const job = (name) => () => order.push(name);
    q.push(job("a0"));
    q.push(job("b5"), { priority: 5 });
    q.push(job("c0"), { priority: 0 });
    q.push(job("d5"), { priority: 5 });
    q.push(job("e-1"), { priority: -1 });
    q.push(job("f10"), { priority: 10 });
    q.push(job("g"));
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["f10", "b5", "d5", "a0", "c0", "g", "e-1"]);
    await q.stop();
  });

  test("fractional and large priorities order as numbers", async () => {
    const q = new Queue();
    const gate = await blocked(q);
    const order = [];
    for (const p of [1, 1.5, -1e9, 1e9, 0.25, -0.5]) q.push(() => order.push(p), { priority: p });
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, [1e9, 1.5, 1, 0.25, -0.5, -1e9]);
    await q.stop();
  });

  test("async mode with concurrency 1 honours priority too", async () => {
    const q = new Queue({ mode: "async", concurrency: 1 });
    const gate = await blocked(q);
    const order = [];
    q.push(() => order.push("low"), { priority: 1 });
    q.push(() => order.push("high"), { priority: 2 });
    q.push(() => order.push("low2"), { priority: 1 });
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["high", "low", "low2"]);
    await q.stop();
  });

  test("pushAll options apply to every job of the batch", async () => {
    const q = new Queue();
    const gate = await blocked(q);
    const order = [];
    q.push(() => order.push("plain"));
    q.pushAll([() => order.push("batch1"), () => order.push("batch2")], { priority: 3 });
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["batch1", "batch2", "plain"]);
    await q.stop();
  });

  test("a high-priority job pushed from inside a job runs next", async () => {
    const q = new Queue();
    q.start();
    const order = [];
    q.push(() => {
      order.push("first");
      q.push(() => order.push("urgent"), { priority: 9 });
    });
    q.push(() => order.push("second"));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["first", "urgent", "second"]);
    await q.stop();
  });

  test("a priority that is not a number throws TypeError; nothing queued, no id used", async () => {
    const q = new Queue({ track: true });
    q.start();
    assert.throws(() => q.push(() => {}, { priority: "high" }), TypeError);
    assert.equal(q.size, 0);
    assert.equal(q.push(() => {}), 1);
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });
});
