// start/stop lifecycle (API.md, "Lifecycle").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, qe, tick, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue, SyncMode, AsyncMode, TrackJobs } = gorqs;

describe("lifecycle", () => {
  test("start() returns a promise, the same one while running", async () => {
    const q = new Queue();
    const p1 = q.start();
    assert.ok(p1 instanceof Promise, "a Promise");
    const p2 = q.start();
    assert.equal(p2, p1, "second call");
    await within(q.stop(), "stop()");
  });

  test("start(signal) while running: same promise, the new signal is ignored", async () => {
    const q = new Queue();
    const p1 = q.start();
    const controller = new AbortController();
    const p2 = q.start(controller.signal);
    assert.equal(p2, p1);
    const w = watch(p1);
    controller.abort(new Error("ignored"));
    await ticks(3);
    assert.equal(q.isRunning(), true, "still running");
    assert.equal(w.settled, false, "start() promise still pending");
    const already = AbortSignal.abort(new Error("also ignored"));
    assert.equal(q.start(already), p1, "an already-aborted signal while running");
    await ticks(3);
    assert.equal(q.isRunning(), true);
    await within(q.stop(), "stop()");
    await within(p1, "start()");
    assert.ok(w.fulfilled, "resolved by stop(), not rejected");
  });

  test("start() resolves with undefined after stop()", async () => {
    const q = new Queue();
    const started = watch(q.start());
    await ticks(3);
    assert.equal(started.settled, false, "pending while running");
    q.stop();
    await waitFor(() => started.settled, "start() to settle");
    assert.ok(started.fulfilled);
    assert.equal(started.value, undefined);
  });

  test("start() settles when the queue closes, not when running jobs finish", async () => {
    const q = new Queue(AsyncMode | TrackJobs);
    const started = watch(q.start());
    const log = [];
    const gate = deferred();
    const id = q.push(gatedJob(log, "a", gate));
    await waitFor(() => log.length === 1, "a to start");
    const stopped = watch(q.stop());
    await waitFor(() => started.settled, "start() to settle while a still runs");
    assert.ok(started.fulfilled);
    assert.equal(stopped.settled, false, "stop() waits for the running job");
    assert.equal(q.status(id), "running");
    gate.resolve();
    await waitFor(() => stopped.settled, "stop() to settle");
  });

  test("stop() resolves after the running jobs settle, their outcomes recorded", async () => {
    const q = new Queue(AsyncMode | TrackJobs);
    q.start();
    const gates = [deferred(), deferred()];
    const err = new Error("second");
    const a = q.push(() => gates[0].promise.then(() => "first"));
    const b = q.push(() =>
      gates[1].promise.then(() => {
        throw err;
      }),
    );
    await waitFor(() => q.running === 2, "both running");
    const stopped = watch(q.stop());
    gates[0].resolve();
    await ticks(5);
    assert.equal(stopped.settled, false, "b still running");
    gates[1].resolve();
    await waitFor(() => stopped.settled, "stop()");
    assert.ok(stopped.fulfilled, "stop() resolves even though a job failed");
    assert.equal(q.status(a), "succeeded");
    assert.equal(q.result(a), "first");
    assert.throws(() => q.result(b), { is: err });
  });

  test("stop(): jobs not yet started never run and fail with ERR_QUEUE_CLOSED", async () => {
    const q = new Queue(SyncMode | TrackJobs);
    q.start();
    const log = [];
    const gate = deferred();
    q.push(gatedJob(log, "a", gate));
    const b = q.push(gatedJob(log, "b"));
    const c = q.push(gatedJob(log, "c"));
    const wc = watch(q.wait(c));
    await waitFor(() => log.length === 1, "a to start");
    const stopped = q.stop();
    gate.resolve();
    await within(stopped, "stop()");
    await ticks(5);
    assert.deepEqual(log, ["a:start", "a:end"]);
    assert.equal(q.status(b), "failed");
    assert.throws(() => q.result(b), qe("ERR_QUEUE_CLOSED"));
    await waitFor(() => wc.settled, "wait(c)");
    assert.ok(wc.rejected);
    assert.ok(wc.reason instanceof gorqs.QueueError);
    assert.equal(wc.reason.code, "ERR_QUEUE_CLOSED");
  });

  test("stop() of an idle running queue resolves", async () => {
    const q = new Queue();
    q.start();
    assert.equal(await within(q.stop(), "stop()"), undefined);
  });

  test("stop() on a stopped queue does nothing", async () => {
    const fresh = new Queue({ track: true });
    await within(fresh.stop(), "stop() of a never-started queue");
    assert.equal(fresh.isRunning(), false);
    const q = new Queue({ track: true });
    q.start();
    const id = q.push(() => "kept");
    await within(q.onIdle(), "onIdle");
    await within(q.stop(), "first stop()");
    await within(q.stop(), "second stop()");
    assert.equal(q.isRunning(), false);
    assert.equal(q.result(id), "kept", "records untouched");
    q.start();
    assert.equal(q.push(() => {}), 2, "ids untouched");
    await q.stop();
  });

  test("restart: a new start() promise, jobs run again, ids keep counting", async () => {
    const q = new Queue({ track: true });
    const first = q.start();
    assert.equal(q.push(() => "one"), 1);
    await within(q.stop(), "stop()");
    await within(first, "first start()");
    const second = q.start();
    assert.notEqual(second, first, "a new promise");
    const w = watch(second);
    const id = q.push(() => "two");
    assert.equal(id, 2);
    assert.equal(await within(q.wait(id), "wait()"), "two");
    await ticks(2);
    assert.equal(w.settled, false, "the new start() promise is pending while running");
    await within(q.stop(), "stop()");
    await within(second, "second start()");
  });

  test("start(signal): abort stops the queue; the promise rejects with signal.reason", async () => {
    const q = new Queue({ track: true });
    const controller = new AbortController();
    const started = q.start(controller.signal);
    const log = [];
    const gate = deferred();
    const a = q.push(gatedJob(log, "a", gate));
    const b = q.push(gatedJob(log, "b"));
    await waitFor(() => log.length === 1, "a to start");
    const reason = { custom: "reason" };
    controller.abort(reason);
    await assert.rejects(within(started, "start()"), { is: reason });
    assert.equal(q.isRunning(), false);
    assert.throws(() => q.push(() => {}), qe("ERR_QUEUE_CLOSED"));
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(a), "a", "the running job finished and was recorded");
    assert.throws(() => q.result(b), qe("ERR_QUEUE_CLOSED"));
    assert.deepEqual(log, ["a:start", "a:end"]);
  });

  test("start(signal): abort() without a reason rejects with the signal's default reason", async () => {
    const q = new Queue();
    const controller = new AbortController();
    const started = q.start(controller.signal);
    controller.abort();
    const got = await assert.rejects(within(started, "start()"));
    assert.equal(got, controller.signal.reason);
    assert.equal(got.name, "AbortError");
  });

  test("start(signal) with an already-aborted signal: rejects with its reason, queue stays stopped", async () => {
    const q = new Queue();
    const reason = new Error("too late");
    const started = q.start(AbortSignal.abort(reason));
    assert.ok(started && typeof started.then === "function", "returns a promise");
    assert.equal(q.isRunning(), false);
    assert.throws(() => q.push(() => {}), qe("ERR_QUEUE_CLOSED"));
    await assert.rejects(within(started, "start()"), { is: reason });
    assert.equal(q.isRunning(), false);
    const again = q.start();
    assert.notEqual(again, started);
    assert.equal(q.push(() => {}), 1, "can be started normally afterwards, no id used");
    await q.stop();
  });

  test("the signal of an earlier start() has no effect after stop() and restart", async () => {
    const q = new Queue();
    const controller = new AbortController();
    const first = q.start(controller.signal);
    await within(q.stop(), "stop()");
    await within(first, "first start()");
    const second = watch(q.start());
    controller.abort(new Error("stale"));
    await ticks(3);
    assert.equal(q.isRunning(), true, "still running");
    assert.equal(second.settled, false);
    q.push(() => {});
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("aborting after stop() changes nothing and the resolved start() stays resolved", async () => {
    const q = new Queue();
    const controller = new AbortController();
    const started = watch(q.start(controller.signal));
    await within(q.stop(), "stop()");
    await waitFor(() => started.settled, "start()");
    controller.abort(new Error("after stop"));
    await tick();
    assert.ok(started.fulfilled);
    assert.equal(q.isRunning(), false);
  });
});
