// recordTTL and the rate limit (interval + intervalCap) (issue 5), and the timer's upkeep.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { qe, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("recordTTL", () => {
  test("a finished record is there before its TTL and gone after it", async () => {
    const q = new Queue({ track: true, recordTTL: 40 });
    q.start();
    const id = q.push(() => "v");
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(id), "succeeded");
    await waitFor(() => q.status(id) === undefined, "the record to expire");
    assert.throws(() => q.result(id), qe("ERR_NOT_FOUND"));
    await q.stop();
  });

  test("a pending wait(id) is satisfied even when the record expires right after", async () => {
    const q = new Queue({ track: true, recordTTL: 1 });
    q.start();
    const id = q.push(async () => {
      await sleep(5);
      return "done";
    });
    assert.equal(await within(q.wait(id), "wait"), "done");
    await q.stop();
  });

  test("TTL and maxRecords together: the cap drops the oldest, the TTL the rest", async () => {
    const q = new Queue({ track: true, recordTTL: 30, maxRecords: 2 });
    q.start();
    const ids = [1, 2, 3].map((v) => q.push(() => v));
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(ids[0]), undefined);
    assert.equal(q.status(ids[2]), "succeeded");
    await waitFor(() => q.status(ids[2]) === undefined, "TTL");
    await q.stop();
  });

  for (const bad of [0, -1, "10"]) {
    test(`recordTTL ${JSON.stringify(bad)} throws naming the option`, () => {
      const e = assert.throws(() => new Queue({ recordTTL: bad }), [TypeError, RangeError]);
      assert.ok(e.message.includes("recordTTL"), e.message);
    });
  }
});

describe("rate limit", () => {
  test("at most intervalCap starts per interval; every job still runs", async () => {
    const q = new Queue({ mode: "async", interval: 50, intervalCap: 2 });
    q.start();
    const starts = [];
    for (let i = 0; i < 5; i++) q.push(() => starts.push(performance.now()));
    await waitFor(() => starts.length >= 2, "first window");
    await sleep(10);
    assert.equal(starts.length, 2, "the first window holds two starts");
    assert.ok(q.size === 3, `three wait, size ${q.size}`);
    await within(q.onIdle(), "onIdle", 5000);
    assert.equal(starts.length, 5);
    // Windows: starts 0-1, 2-3, 4; each window opens at least `interval` after the last opened.
    assert.ok(starts[2] - starts[0] >= 45, `second window ${starts[2] - starts[0]} ms after the first`);
    assert.ok(starts[4] - starts[2] >= 45, `third window ${starts[4] - starts[2]} ms after the second`);
    await q.stop();
  });

  test("sync mode keeps order under a rate limit", async () => {
    const q = new Queue({ interval: 20, intervalCap: 1 });
    q.start();
    const order = [];
    for (let i = 0; i < 4; i++) q.push(() => order.push(i));
    await within(q.onIdle(), "onIdle", 5000);
    assert.deepEqual(order, [0, 1, 2, 3]);
    await q.stop();
  });

  test("bad interval or intervalCap throws naming the option", () => {
    for (const [opts, name] of [[{ interval: -1 }, "interval"], [{ interval: Infinity }, "interval"], [{ interval: "5" }, "interval"], [{ intervalCap: 0 }, "intervalCap"], [{ intervalCap: 1.5 }, "intervalCap"]]) {
      const e = assert.throws(() => new Queue(opts), [TypeError, RangeError]);
      assert.ok(e.message.includes(name), e.message);
    }
  });
});

describe("timer upkeep and fixes", () => {
  test("a timeout above 2^31-1 ms arms a bounded timer, not a 1 ms loop", async () => {
    const real = globalThis.setTimeout;
    let calls = 0;
    const q = new Queue({ timeout: 2 ** 40 });
    q.start();
    globalThis.setTimeout = function counted(...a) {
      calls++;
      return real.apply(this, a);
    };
    try {
      // Awaited directly (no polling helpers, which use setTimeout themselves): the calls
      // counted are the job's own sleep and the queue's.
      q.push(() => sleep(30));
      await q.onIdle();
    } finally {
      globalThis.setTimeout = real;
    }
    assert.ok(calls <= 3, `setTimeout called ${calls} times for one 30 ms job`);
    await q.stop();
  });

  test("after a job with a long timeout finishes and the queue stops, no timer is left armed", async () => {
    const q = new Queue({ mode: "async", timeout: 60_000 });
    q.start();
    q.push(() => sleep(2));
    await within(q.onIdle(), "onIdle");
    await q.stop();
    if (typeof process === "object" && typeof process.getActiveResourcesInfo === "function") {
      await sleep(5);
      const timers = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
      // The harness' own per-test timer may be there; the queue's 60 s timer must not.
      assert.ok(timers <= 1, `active timers: ${timers}`);
    }
  });

  test("the empty event fires when a burst drains in one pass", async () => {
    const q = new Queue();
    let empties = 0;
    q.addEventListener("empty", () => empties++);
    q.start();
    for (let i = 0; i < 5; i++) q.push(() => i);
    await within(q.onIdle(), "onIdle");
    assert.ok(empties >= 1, `empty fired ${empties} times`);
    await q.stop();
  });

  test("free() while a job runs resolves earlier stop() and onIdle() promises", async () => {
    const q = new Queue({ mode: "async" });
    q.start();
    q.push(() => new Promise(() => {}));
    await sleep(1);
    const idle = q.onIdle();
    const stopped = q.stop();
    q.free();
    await within(Promise.all([idle, stopped]), "stop/onIdle after free");
  });

  test("pushAll with an aborted signal on a stopped queue throws the reason, as push does", () => {
    const q = new Queue();
    const c = new AbortController();
    c.abort("why");
    let a, b;
    try { q.push(() => {}, { signal: c.signal }); } catch (e) { a = e; }
    try { q.pushAll([() => {}], { signal: c.signal }); } catch (e) { b = e; }
    assert.equal(a, "why");
    assert.equal(b, "why");
  });
});

describe("timer and signals of retried jobs", () => {
  /** Node only: the queue left no timer of its own (the harness may hold one). */
  async function noQueueTimer(label) {
    if (typeof process !== "object" || typeof process.getActiveResourcesInfo !== "function") return;
    await sleep(5);
    const timers = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    assert.ok(timers <= 1, `${label}: active timers ${timers}`);
  }

  test("stop() of a job waiting for a long retry leaves no timer armed", async () => {
    const q = new Queue();
    q.start();
    q.push(() => { throw 0; }, { retries: 1, backoff: { type: "fixed", delay: 60_000 } });
    await sleep(5);
    await q.stop();
    await noQueueTimer("after stop");
  });

  test("cancel(id) of a job waiting for a long retry leaves no timer armed", async () => {
    const q = new Queue();
    q.start();
    const id = q.push(() => { throw 0; }, { retries: 1, backoff: { type: "fixed", delay: 60_000 } });
    await sleep(5);
    assert.equal(q.status(id), "pending", "waiting for its retry");
    assert.equal(q.cancel(id), true);
    await noQueueTimer("after cancel");
    await q.stop();
  });

  test("result(id) of the only record with a long recordTTL leaves no timer armed", async () => {
    const q = new Queue({ track: true, recordTTL: 60_000 });
    q.start();
    const id = q.push(() => 1);
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(id), 1);
    await noQueueTimer("after result");
    await q.stop();
  });

  test("clear() of records with a long recordTTL leaves no timer armed", async () => {
    const q = new Queue({ track: true, recordTTL: 60_000 });
    q.start();
    q.push(() => 1);
    await within(q.onIdle(), "onIdle");
    q.clear();
    await q.stop();
    await noQueueTimer("after clear and stop");
  });

  test("the late outcome of a timed-out try does not disarm the next try's signal", async () => {
    const q = new Queue({ mode: "async" });
    q.start();
    const signals = [];
    const id = q.push(async (ctx) => {
      signals.push(ctx.signal);
      await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
    }, { retries: 1, timeout: 20 });
    await within(q.wait(id).then(() => null, (e) => e), "wait");
    assert.deepEqual(signals.map((s) => s.aborted), [true, true]);
    await q.stop();
  });
});
