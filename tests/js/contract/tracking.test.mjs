// Tracking: status, result/fetch, wait, clear, id checks (API.md, "Tracking").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, qe, tick, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue, SyncMode, AsyncMode, TrackJobs } = gorqs;

describe("tracking", () => {
  test("status(): pending → running → succeeded, reading never deletes", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const log = [];
    const gate = deferred();
    const a = q.push(gatedJob(log, "a", gate));
    const b = q.push(gatedJob(log, "b"));
    assert.equal(q.status(a), "pending", "a right after push");
    assert.equal(q.status(b), "pending", "b right after push");
    await waitFor(() => log.length === 1, "a to start");
    assert.equal(q.status(a), "running");
    assert.equal(q.status(a), "running", "read twice");
    assert.equal(q.status(b), "pending");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(a), "succeeded");
    assert.equal(q.status(a), "succeeded", "read twice");
    assert.equal(q.status(b), "succeeded");
    assert.equal(q.result(a), "a", "the record is still there");
    await q.stop();
  });

  test("status(): pending → running → failed", async () => {
    const q = new Queue(AsyncMode | TrackJobs);
    q.start();
    const gate = deferred();
    let started = false;
    const id = q.push(async () => {
      started = true;
      await gate.promise;
      throw new Error("nope");
    });
    assert.equal(q.status(id), "pending", "async job right after push");
    await waitFor(() => started, "job to start");
    assert.equal(q.status(id), "running");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(id), "failed");
    assert.equal(q.status(id), "failed");
    await q.stop();
  });

  test("tracking off: status() reports pending and running, then undefined", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const log = [];
    const gate = deferred();
    const a = q.push(gatedJob(log, "a", gate));
    const b = q.push(gatedJob(log, "b"));
    assert.equal(q.status(a), "pending");
    await waitFor(() => log.length === 1, "a to start");
    assert.equal(q.status(a), "running");
    assert.equal(q.status(b), "pending");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(a), undefined);
    assert.equal(q.status(b), undefined);
    await q.stop();
  });

  test("wait(): resolves with the value of a pending job", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const value = { v: 1 };
    const gate = deferred();
    const id = q.push(() => gate.promise.then(() => value));
    const waited = watch(q.wait(id));
    await ticks(5);
    assert.equal(waited.settled, false, "not before the job finishes");
    gate.resolve();
    await waitFor(() => waited.settled, "wait() to settle");
    assert.ok(waited.fulfilled);
    assert.equal(waited.value, value);
    await q.stop();
  });

  test("wait(): rejects with the job's own error", async () => {
    const q = new Queue(AsyncMode | TrackJobs);
    q.start();
    const err = new RangeError("job error");
    const id = q.push(async () => {
      await tick();
      throw err;
    });
    await assert.rejects(within(q.wait(id), "wait()"), { is: err });
    await q.stop();
  });

  test("wait(): several waiters of one job all settle", async () => {
    const q = new Queue({ track: true });
    q.start();
    const gate = deferred();
    const id = q.push(() => gate.promise.then(() => "x"));
    const waits = [q.wait(id), q.wait(id), q.wait(id)];
    gate.resolve();
    assert.deepEqual(await within(Promise.all(waits), "all waits"), ["x", "x", "x"]);
    await q.stop();
  });

  test("wait() of a finished tracked job settles at once and keeps the record", async () => {
    const q = new Queue({ track: true });
    q.start();
    const ok = q.push(() => "done");
    const err = new Error("failed job");
    const bad = q.push(() => {
      throw err;
    });
    await within(q.onIdle(), "onIdle");
    const w1 = watch(q.wait(ok));
    const w2 = watch(q.wait(bad));
    await tick();
    assert.ok(w1.settled && w2.settled, "both settled within one macrotask");
    assert.equal(w1.value, "done");
    assert.equal(w2.reason, err);
    assert.equal(q.status(ok), "succeeded", "record kept");
    assert.equal(q.result(ok), "done", "result() still works after wait()");
    assert.throws(() => q.result(bad), { is: err }, "result() of the failed job after wait()");
    assert.throws(() => q.result(ok), qe("ERR_NOT_FOUND"));
    await q.stop();
  });

  test("wait() of an unknown id rejects ERR_NOT_FOUND (tracked and untracked)", async () => {
    for (const q of [new Queue({ track: true }), new Queue()]) {
      q.start();
      await assert.rejects(within(q.wait(99), "wait(99)"), qe("ERR_NOT_FOUND"));
      await q.stop();
    }
  });

  test("wait() after result() consumed the record rejects ERR_NOT_FOUND", async () => {
    const q = new Queue({ track: true });
    q.start();
    const id = q.push(() => 1);
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(id), 1);
    await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_NOT_FOUND"));
    await q.stop();
  });

  test("tracking off: wait() works for pending and running jobs", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const log = [];
    const gate = deferred();
    const a = q.push(gatedJob(log, "a", gate, "A"));
    const err = new Error("b failed");
    const b = q.push(() => {
      throw err;
    });
    const wb = watch(q.wait(b));
    await waitFor(() => log.length === 1, "a to start");
    const wa = watch(q.wait(a));
    gate.resolve();
    await waitFor(() => wa.settled && wb.settled, "both waits");
    assert.equal(wa.value, "A");
    assert.equal(wb.reason, err);
    await assert.rejects(within(q.wait(a), "wait() of a finished untracked job"), qe("ERR_NOT_FOUND"));
    await q.stop();
  });

  test("fetch() is result(): value then ERR_NOT_FOUND", async () => {
    const q = new Queue({ track: true });
    assert.throws(() => q.fetch(1), qe("ERR_NOT_FOUND"));
    q.start();
    const id = q.push(() => "fetched");
    await within(q.onIdle(), "onIdle");
    assert.equal(q.fetch(id), "fetched");
    assert.throws(() => q.fetch(id), qe("ERR_NOT_FOUND"));
    assert.throws(() => new Queue().fetch(1), qe("ERR_NOT_IMPLEMENTED"));
    await q.stop();
  });

  test("every value comes back as it was: int32s kept inline and all else (sync, promise, wait, thrown)", async () => {
    // Records keep an int32 inline and any other value as a JS value: the edges of both.
    const obj = { k: 1 };
    const values = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 0.5, -1.5, NaN,
      Infinity, -Infinity, 1e300, "7", 7n, null, undefined, true, obj, [3]];
    const q = new Queue(AsyncMode | TrackJobs);
    q.start();
    const sync = values.map((v) => q.push(() => v));
    const later = values.map((v) => q.push(async () => v));
    const thrown = values.map((v) => q.push(() => { throw v; }));
    const waited = later.map((id) => q.wait(id));
    await within(q.onIdle(), "onIdle");
    const same = (got, want, what) => assert.ok(Object.is(got, want), `${what}: got ${String(got)}, want ${String(want)}`);
    const settled = await Promise.all(waited);
    values.forEach((v, i) => {
      same(settled[i], v, `wait() of a promise job returning ${String(v)}`);
      same(q.result(sync[i]), v, `result() of a sync job returning ${String(v)}`);
      same(q.result(later[i]), v, `result() of a promise job returning ${String(v)}`);
      let caught = "nothing thrown";
      try {
        q.result(thrown[i]);
      } catch (e) {
        caught = e;
      }
      same(caught, v, `result() of a job throwing ${String(v)}`);
    });
    await q.stop();
  });

  test("result() deletes the record: status() is undefined afterwards", async () => {
    const q = new Queue({ track: true });
    q.start();
    const id = q.push(() => 5);
    await within(q.onIdle(), "onIdle");
    q.result(id);
    assert.equal(q.status(id), undefined);
    await q.stop();
  });

  test("clear() deletes finished records; pending and running ones stay", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const ok = q.push(() => "ok");
    const bad = q.push(() => {
      throw new Error("bad");
    });
    await within(q.onIdle(), "onIdle");
    const log = [];
    const gate = deferred();
    const running = q.push(gatedJob(log, "running", gate));
    const pending = q.push(() => "pending");
    await waitFor(() => log.length === 1, "the gated job to start");
    q.clear();
    assert.equal(q.status(ok), undefined);
    assert.equal(q.status(bad), undefined);
    assert.throws(() => q.result(ok), qe("ERR_NOT_FOUND"));
    assert.throws(() => q.result(bad), qe("ERR_NOT_FOUND"));
    assert.equal(q.status(running), "running");
    assert.equal(q.status(pending), "pending");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(running), "running");
    assert.equal(q.result(pending), "pending");
    await q.stop();
  });
});

describe("id arguments", () => {
  const notNumbers = [
    ['"1"', "1"],
    ["null", null],
    ["undefined", undefined],
    ["1n", 1n],
    ["true", true],
    ["{}", {}],
    ["a symbol", Symbol("id")],
  ];
  for (const [label, id] of notNumbers) {
    test(`${label} as id: result, fetch, status, wait throw TypeError synchronously`, async () => {
      for (const q of [new Queue({ track: true }), new Queue()]) {
        q.start();
        q.push(() => {});
        assert.throws(() => q.result(id), TypeError, "result");
        assert.throws(() => q.fetch(id), TypeError, "fetch");
        assert.throws(() => q.status(id), TypeError, "status");
        assert.throws(() => q.wait(id), TypeError, "wait");
        await within(q.onIdle(), "onIdle");
        await q.stop();
      }
    });
  }

  test("no argument: result(), status(), wait() throw TypeError", () => {
    const q = new Queue({ track: true });
    assert.throws(() => q.result(), TypeError);
    assert.throws(() => q.status(), TypeError);
    assert.throws(() => q.wait(), TypeError);
  });

  const oddNumbers = [1.5, 0.999, -1, 0, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 32 + 1, 2 ** 64 + 1, 1e300];
  for (const id of oddNumbers) {
    test(`id ${id}: ERR_NOT_FOUND, status undefined, never aliased to job 1`, async () => {
      const q = new Queue({ track: true });
      q.start();
      const one = q.push(() => "one");
      await within(q.onIdle(), "onIdle");
      assert.equal(one, 1);
      assert.equal(q.status(id), undefined, "status");
      assert.throws(() => q.result(id), qe("ERR_NOT_FOUND"), "result");
      assert.throws(() => q.fetch(id), qe("ERR_NOT_FOUND"), "fetch");
      await assert.rejects(within(q.wait(id), "wait"), qe("ERR_NOT_FOUND"), "wait");
      assert.equal(q.status(1), "succeeded", "job 1's record untouched");
      assert.equal(q.result(1), "one");
      await q.stop();
    });
  }
});
