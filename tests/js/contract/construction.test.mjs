// Constants and construction (API.md, "Constants" and "Construction").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { concurrencyProbe, deferred, qe, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

/**
 * Observes how a queue behaves: whether a second job starts while the first is still running
 * (`overlap`) and whether records are kept (`track`). Starts and stops the queue.
 */
async function behaviour(q) {
  q.start();
  const gate = deferred();
  let second = false;
  const a = q.push(() => gate.promise.then(() => "a"));
  q.push(() => {
    second = true;
  });
  let overlap = true;
  try {
    await waitFor(() => second, "second job", 40);
  } catch {
    overlap = false;
  }
  gate.resolve();
  await within(q.onIdle(), "onIdle");
  let track;
  try {
    track = q.result(a) === "a";
  } catch (e) {
    if (!(e instanceof gorqs.QueueError) || e.code !== "ERR_NOT_IMPLEMENTED") throw e;
    track = false;
  }
  await within(q.stop(), "stop()");
  return { mode: overlap ? "async" : "sync", track };
}

describe("constants", () => {
  test("SyncMode = 1, AsyncMode = 2, TrackJobs = 4", () => {
    assert.equal(gorqs.SyncMode, 1);
    assert.equal(gorqs.AsyncMode, 2);
    assert.equal(gorqs.TrackJobs, 4);
  });

  test("aliases MODE_SYNC, MODE_ASYNC, TRACK_JOBS", () => {
    assert.equal(gorqs.MODE_SYNC, 1);
    assert.equal(gorqs.MODE_ASYNC, 2);
    assert.equal(gorqs.TRACK_JOBS, 4);
  });

  test("Queue and QueueError are exported classes", () => {
    assert.equal(typeof gorqs.Queue, "function");
    assert.equal(typeof gorqs.QueueError, "function");
  });
});

describe("construction", () => {
  test("new Queue(): sync, no tracking, not running", async () => {
    const q = new Queue();
    assert.equal(q.isRunning(), false);
    assert.deepEqual(await behaviour(q), { mode: "sync", track: false });
  });

  test("new Queue(undefined) is new Queue()", async () => {
    const q = new Queue(undefined);
    assert.equal(q.isRunning(), false);
    assert.deepEqual(await behaviour(q), { mode: "sync", track: false });
  });

  const flagCases = [
    [0, "sync", false],
    [1, "sync", false],
    [2, "async", false],
    [3, "async", false],
    [4, "sync", true],
    [5, "sync", true],
    [6, "async", true],
    [7, "async", true],
  ];
  for (const [flags, mode, track] of flagCases) {
    test(`flags ${flags}: ${mode}${track ? " + tracking" : ""}`, async () => {
      assert.deepEqual(await behaviour(new Queue(flags)), { mode, track });
    });
  }

  test("flags built from the constants", async () => {
    assert.deepEqual(await behaviour(new Queue(gorqs.SyncMode | gorqs.AsyncMode)), { mode: "async", track: false });
    assert.deepEqual(await behaviour(new Queue(gorqs.AsyncMode | gorqs.TrackJobs)), { mode: "async", track: true });
    assert.deepEqual(await behaviour(new Queue(gorqs.TrackJobs)), { mode: "sync", track: true });
  });

  for (const flags of [8, 9, 15, 16, 64, 1024, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53]) {
    test(`flags ${flags}: QueueError ERR_UNKNOWN_MODE`, () => {
      assert.throws(() => new Queue(flags), qe("ERR_UNKNOWN_MODE"));
    });
  }

  for (const flags of [1.5, 0.5, -1, -8, NaN, Infinity, -Infinity]) {
    test(`flags ${flags}: QueueError ERR_INVALID_MODE`, () => {
      assert.throws(() => new Queue(flags), qe("ERR_INVALID_MODE"));
    });
  }

  const badTypes = [["\"1\"", "1"], ["null", null], ["true", true], ["1n", 1n], ["a symbol", Symbol("x")]];
  for (const [label, value] of badTypes) {
    test(`flags of another type (${label}): TypeError`, () => {
      assert.throws(() => new Queue(value), TypeError);
    });
  }

  test("options {}: sync, no tracking, not started", async () => {
    const q = new Queue({});
    assert.equal(q.isRunning(), false);
    assert.deepEqual(await behaviour(q), { mode: "sync", track: false });
  });

  const optionCases = [
    [{ mode: "sync" }, "sync", false],
    [{ mode: "async" }, "async", false],
    [{ track: true }, "sync", true],
    [{ track: false }, "sync", false],
    [{ mode: "async", track: true }, "async", true],
    [{ mode: "sync", track: true, timeout: Infinity, maxRecords: Infinity }, "sync", true],
    [{ mode: "sync", concurrency: Infinity }, "async", false],
    [{ mode: "async", concurrency: 1 }, "sync", false],
  ];
  for (const [options, mode, track] of optionCases) {
    test(`options ${JSON.stringify(options, (k, v) => (v === Infinity ? "Infinity" : v))}: ${mode}${track ? " + tracking" : ""}`, async () => {
      assert.deepEqual(await behaviour(new Queue(options)), { mode, track });
    });
  }

  test("options { autoStart: true }: running at once, push works without start()", async () => {
    const q = new Queue({ autoStart: true, track: true });
    assert.equal(q.isRunning(), true);
    const id = q.push(() => "auto");
    assert.equal(await within(q.wait(id), "wait"), "auto");
    const started = q.start();
    await within(q.stop(), "stop()");
    await within(started, "start() promise of an auto-started queue");
  });

  test("options { autoStart: false }: not running", () => {
    const q = new Queue({ autoStart: false });
    assert.equal(q.isRunning(), false);
    assert.throws(() => q.push(() => {}), qe("ERR_QUEUE_CLOSED"));
  });

  test("options { mode: 'sync', concurrency: 2 }: two at a time", async () => {
    const q = new Queue({ mode: "sync", concurrency: 2 });
    q.start();
    const probe = concurrencyProbe();
    for (let i = 0; i < 6; i++) q.push(probe.job(3));
    await within(q.onIdle(), "onIdle");
    assert.equal(probe.done, 6);
    assert.equal(probe.max, 2);
    await q.stop();
  });

  const badOptions = [
    ["mode", "fast"],
    ["mode", 2],
    ["concurrency", 0],
    ["concurrency", -1],
    ["concurrency", 1.5],
    ["concurrency", NaN],
    ["concurrency", "2"],
    ["concurrency", -Infinity],
    ["timeout", -5],
    ["timeout", 0],
    ["timeout", NaN],
    ["timeout", "x"],
    ["timeout", "100"],
    ["maxRecords", 0],
    ["maxRecords", -1],
    ["maxRecords", 1.5],
    ["maxRecords", NaN],
    ["maxRecords", "2"],
  ];
  for (const [option, value] of badOptions) {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    test(`bad option ${option}: ${shown} throws TypeError/RangeError naming it`, () => {
      const err = assert.throws(() => new Queue({ [option]: value }), [TypeError, RangeError]);
      assert.match(err.message, new RegExp(option), "message names the option");
      const valueText = String(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      assert.match(err.message, new RegExp(valueText), "message shows the value got");
    });
  }

  test("a bad option leaves later queues working", async () => {
    assert.throws(() => new Queue({ concurrency: 0 }), [TypeError, RangeError]);
    assert.deepEqual(await behaviour(new Queue({ mode: "async", track: true })), { mode: "async", track: true });
  });
});
