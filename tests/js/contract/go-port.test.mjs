// Every case of Go gorqs' own gorqs_test.go, ported to the JS contract (API.md). Go's sleeps
// become gates and macrotask waits; Go's `ctx` cancellation becomes an AbortSignal.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, qe, tick, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue, SyncMode, AsyncMode, TrackJobs } = gorqs;

describe("go port", () => {
  test("Queuer interface: a Queue has the Go methods", () => {
    const q = new Queue();
    for (const m of ["start", "stop", "isRunning", "push", "result", "fetch", "clear"]) {
      assert.equal(typeof q[m], "function", `Queue#${m}`);
    }
  });

  test("TestClear: clear() empties the finished records", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const id = q.push(() => {
      throw new Error("job id 1 execution error");
    });
    await within(q.onIdle(), "onIdle");
    assert.equal(q.status(id), "failed");
    q.clear();
    assert.equal(q.status(id), undefined);
    assert.throws(() => q.result(id), qe("ERR_NOT_FOUND"));
    await q.stop();
  });

  for (const [label, flags] of [["sync", SyncMode], ["async", AsyncMode]]) {
    test(`TestStart: ${label} queue: start(signal) rejects with the abort reason`, async () => {
      const q = new Queue(flags);
      const controller = new AbortController();
      const started = q.start(controller.signal);
      assert.ok(q.isRunning(), "running after start()");
      const reason = new Error("context canceled");
      controller.abort(reason);
      const got = await assert.rejects(within(started, "start() to settle"), { is: reason });
      assert.equal(got, controller.signal.reason);
      assert.equal(q.isRunning(), false, "isRunning() after the abort");
    });
  }

  test("TestStart: unknown mode flag is refused (ERR_UNKNOWN_MODE)", () => {
    assert.throws(() => new Queue(64), qe("ERR_UNKNOWN_MODE"));
  });

  test("TestStop: stop() of a running queue resolves and isRunning() turns false", async () => {
    const q = new Queue();
    const started = q.start();
    assert.equal(q.isRunning(), true);
    const stopped = q.stop();
    assert.equal(q.isRunning(), false, "isRunning() right after stop()");
    assert.equal(await within(stopped, "stop()"), undefined);
    assert.equal(await within(started, "start()"), undefined);
  });

  test("TestFetch: no found", () => {
    const q = new Queue(SyncMode | TrackJobs);
    assert.throws(() => q.fetch(1), qe("ERR_NOT_FOUND"));
  });

  test("TestFetch: nil (a job that returns nothing succeeds with undefined)", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const id = q.push(() => {});
    await within(q.onIdle(), "onIdle");
    assert.equal(q.fetch(id), undefined);
    await q.stop();
  });

  test("TestFetch: ok (the job's own error object comes back)", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const err = new Error("job execution error");
    const id = q.push(() => {
      throw err;
    });
    await within(q.onIdle(), "onIdle");
    assert.throws(() => q.fetch(id), { is: err });
    await q.stop();
  });

  test("TestSyncQueue_Basic: jobs run in push order, ids 1, 2, 3", async () => {
    const q = new Queue(SyncMode);
    const started = q.start();
    const results = [];
    const makeJob = (name) => ({
      async run() {
        await tick();
        results.push(name);
      },
    });
    assert.equal(q.push(makeJob("job1")), 1);
    assert.equal(q.push(makeJob("job2")), 2);
    assert.equal(q.push(makeJob("job3")), 3);
    await within(q.onIdle(), "onIdle");
    await within(q.stop(), "stop()");
    await within(started, "start() to resolve after stop()");
    assert.deepEqual(results, ["job1", "job2", "job3"]);
  });

  test("TestSyncQueue_Fetch: results of finished jobs are readable after stop()", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const makeJob = () => async () => {
      await tick();
    };
    assert.equal(q.push(makeJob()), 1);
    assert.equal(q.push(makeJob()), 2);
    assert.equal(q.push(makeJob()), 3);
    await within(q.onIdle(), "onIdle");
    await within(q.stop(), "stop()");
    assert.equal(q.fetch(1), undefined);
    assert.equal(q.fetch(2), undefined);
    assert.equal(q.fetch(3), undefined);
  });

  test("TestAsyncQueue_Basic: jobs run concurrently and all finish", async () => {
    const q = new Queue(AsyncMode);
    const started = q.start();
    const log = [];
    const gate = deferred();
    assert.equal(q.push(gatedJob(log, "job1", gate)), 1);
    assert.equal(q.push(gatedJob(log, "job2", gate)), 2);
    assert.equal(q.push(gatedJob(log, "job3", gate)), 3);
    await waitFor(() => log.length === 3, "all three jobs to start");
    assert.deepEqual(log.slice().sort(), ["job1:start", "job2:start", "job3:start"], "all started before any ended");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    await within(q.stop(), "stop()");
    await within(started, "start()");
    assert.deepEqual(log.filter((e) => e.endsWith(":end")).sort(), ["job1:end", "job2:end", "job3:end"]);
  });

  test("TestAsyncQueue_Basic: jobs interleave (A awaits what B resolves)", async () => {
    const q = new Queue(AsyncMode);
    q.start();
    const log = [];
    const handoff = deferred();
    q.push(async () => {
      log.push("A:start");
      await handoff.promise;
      log.push("A:end");
    });
    q.push(async () => {
      log.push("B:start");
      handoff.resolve();
      await tick();
      log.push("B:end");
    });
    await within(q.onIdle(), "onIdle (a sync queue would deadlock here)");
    assert.ok(log.indexOf("A:start") < log.indexOf("B:start"), `order: ${log}`);
    assert.ok(log.indexOf("B:start") < log.indexOf("A:end"), `B started while A ran: ${log}`);
    assert.equal(log.length, 4);
    await q.stop();
  });

  test("TestSyncQueue_StopOngoing: pending jobs never run after stop()", async () => {
    const q = new Queue(SyncMode);
    const started = q.start();
    const log = [];
    const gates = [deferred(), deferred(), deferred()];
    const jobs = gates.map((g, i) => gatedJob(log, `job${i + 1}`, g));
    const ids = jobs.map((j) => q.push(j));
    assert.deepEqual(ids, [1, 2, 3]);
    const third = watch(q.wait(3));
    gates[0].resolve();
    await waitFor(() => jobs[1].started, "job2 to start");
    const stopped = q.stop();
    gates[1].resolve();
    gates[2].resolve();
    await within(stopped, "stop()");
    await within(started, "start()");
    await ticks(5);
    assert.deepEqual(log, ["job1:start", "job1:end", "job2:start", "job2:end"]);
    assert.equal(jobs[2].started, false, "job3 never ran");
    await waitFor(() => third.settled, "wait(3) to settle");
    assert.ok(third.rejected, "wait(3) rejects");
    assert.ok(third.reason instanceof gorqs.QueueError, "with a QueueError");
    assert.equal(third.reason.code, "ERR_QUEUE_CLOSED");
  });

  test("TestSyncQueue_TimeoutOngoing: start(signal) abort stops the queue, later jobs never run", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    const controller = new AbortController();
    const started = q.start(controller.signal);
    const log = [];
    const gates = [deferred(), deferred(), deferred()];
    const jobs = gates.map((g, i) => gatedJob(log, `job${i + 1}`, g));
    assert.deepEqual(jobs.map((j) => q.push(j)), [1, 2, 3]);
    gates[0].resolve();
    await waitFor(() => jobs[1].started, "job2 to start");
    const reason = new Error("context deadline exceeded");
    controller.abort(reason);
    await assert.rejects(within(started, "start() to settle"), { is: reason });
    assert.equal(q.isRunning(), false);
    gates[1].resolve();
    gates[2].resolve();
    await within(q.onIdle(), "onIdle");
    await ticks(5);
    assert.deepEqual(log, ["job1:start", "job1:end", "job2:start", "job2:end"]);
    assert.equal(q.result(2), "job2", "the running job finished and was recorded");
    assert.throws(() => q.result(3), qe("ERR_QUEUE_CLOSED"));
  });

  test("push on a closed queue throws ERR_QUEUE_CLOSED (never started, then stopped)", async () => {
    const q = new Queue();
    assert.throws(() => q.push(() => {}), qe("ERR_QUEUE_CLOSED"));
    q.start();
    await q.stop();
    assert.throws(() => q.push(() => {}), qe("ERR_QUEUE_CLOSED"));
  });

  test("result(): tracking off throws ERR_NOT_IMPLEMENTED", async () => {
    const q = new Queue(SyncMode);
    q.start();
    const id = q.push(() => 1);
    assert.throws(() => q.result(id), qe("ERR_NOT_IMPLEMENTED"));
    await within(q.onIdle(), "onIdle");
    assert.throws(() => q.result(id), qe("ERR_NOT_IMPLEMENTED"));
    assert.throws(() => q.result(12345), qe("ERR_NOT_IMPLEMENTED"));
    await q.stop();
  });

  test("result(): not found, pending, running, succeeded, failed", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    assert.throws(() => q.result(1), qe("ERR_NOT_FOUND"), "unknown id");
    const log = [];
    const gate = deferred();
    const value = { answer: 42 };
    const error = new Error("boom");
    const first = q.push(gatedJob(log, "first", gate, value));
    const second = q.push(() => {
      throw error;
    });
    assert.throws(() => q.result(first), qe("ERR_PENDING"), "pending");
    await waitFor(() => log.includes("first:start"), "first job to start");
    assert.throws(() => q.result(first), qe("ERR_RUNNING"), "running");
    assert.throws(() => q.result(second), qe("ERR_PENDING"), "second still pending");
    assert.equal(q.status(first), "running", "the record stays after ERR_RUNNING");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(first), value, "succeeded: the value itself");
    assert.throws(() => q.result(first), qe("ERR_NOT_FOUND"), "succeeded: read once");
    assert.throws(() => q.result(second), { is: error }, "failed: the job's own error object");
    assert.throws(() => q.result(second), qe("ERR_NOT_FOUND"), "failed: read once");
    await q.stop();
  });
});
