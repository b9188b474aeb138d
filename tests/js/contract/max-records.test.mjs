// The `maxRecords` option: a cap on finished records, earliest finished dropped first
// (API.md, "Construction").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, qe, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

describe("maxRecords", () => {
  test("keeps the last N finished records (sync)", async () => {
    const q = new Queue({ track: true, maxRecords: 2 });
    q.start();
    const ids = [q.push(() => "a"), q.push(() => "b"), q.push(() => "c")];
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(ids[0]), undefined);
    assert.throws(() => q.result(ids[0]), qe("ERR_NOT_FOUND"));
    assert.equal(q.result(ids[1]), "b");
    assert.equal(q.result(ids[2]), "c");
    await q.stop();
  });

  test("the earliest finished is dropped first, not the lowest id", async () => {
    const q = new Queue({ mode: "async", track: true, maxRecords: 2 });
    q.start();
    const gates = [deferred(), deferred(), deferred()];
    const ids = gates.map((g, i) => q.push(() => g.promise.then(() => `v${i + 1}`)));
    gates[2].resolve();
    await within(q.wait(ids[2]), "job 3");
    gates[0].resolve();
    await within(q.wait(ids[0]), "job 1");
    gates[1].resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(ids[2]), undefined, "job 3 finished first: dropped");
    assert.equal(q.result(ids[0]), "v1");
    assert.equal(q.result(ids[1]), "v2");
    await q.stop();
  });

  test("failed records count too", async () => {
    const q = new Queue({ track: true, maxRecords: 1 });
    q.start();
    const a = q.push(() => {
      throw new Error("a");
    });
    const b = q.push(() => "b");
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(a), undefined);
    assert.equal(q.result(b), "b");
    await q.stop();
  });

  test("pending and running records are not counted nor dropped", async () => {
    const q = new Queue({ track: true, maxRecords: 1 });
    q.start();
    const log = [];
    const gate = deferred();
    const done = q.push(() => "done");
    await within(q.onIdle(), "onIdle");
    const running = q.push(gatedJob(log, "running", gate));
    const pending = q.push(() => "pending");
    await waitFor(() => log.length === 1, "the gated job to start");
    assert.equal(q.status(done), "succeeded");
    assert.equal(q.status(running), "running");
    assert.equal(q.status(pending), "pending");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(done), undefined);
    assert.equal(q.status(running), undefined);
    assert.equal(q.result(pending), "pending");
    await q.stop();
  });

  test("a record read by result() frees its place", async () => {
    const q = new Queue({ track: true, maxRecords: 2 });
    q.start();
    const a = q.push(() => "a");
    const b = q.push(() => "b");
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(a), "a");
    const c = q.push(() => "c");
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(b), "b");
    assert.equal(q.result(c), "c");
    await q.stop();
  });

  test("maxRecords: Infinity keeps everything", async () => {
    const q = new Queue({ track: true, maxRecords: Infinity });
    q.start();
    const ids = [];
    for (let i = 0; i < 100; i++) ids.push(q.push(() => i));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ids.map((id) => q.result(id)), ids.map((_, i) => i));
    await q.stop();
  });

  test("without maxRecords, 1000 records are all kept", async () => {
    const q = new Queue({ track: true });
    q.start();
    for (let i = 0; i < 1000; i++) q.push(() => i);
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(1), 0);
    assert.equal(q.result(1000), 999);
    await q.stop();
  });
});
