// cancel(id). API.md names it only in passing ("JobContext.signal aborts on timeout, per-job
// abort and cancel(id)"), so these tests hold to the minimum that sentence implies.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, waitFor, watch, within } from "./_helpers.mjs";

const { Queue } = gorqs;

describe("cancel", () => {
  test("cancel is a method of Queue", () => {
    assert.equal(typeof new Queue().cancel, "function");
  });

  test("cancel(id) of a running job aborts its ctx.signal", async () => {
    const q = new Queue();
    q.start();
    let ctxSignal;
    const gate = deferred();
    const id = q.push((ctx) => {
      ctxSignal = ctx.signal;
      return gate.promise;
    });
    const w = watch(q.wait(id));
    await waitFor(() => ctxSignal !== undefined, "job to start");
    assert.equal(ctxSignal.aborted, false);
    q.cancel(id);
    await waitFor(() => ctxSignal.aborted, "ctx.signal to abort");
    gate.resolve();
    await waitFor(() => w.settled, "wait()");
    await q.stop();
  });

  test("cancel(id) of a queued job: it never runs", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const gate = deferred();
    q.push(gatedJob(log, "first", gate));
    const id = q.push(gatedJob(log, "victim"));
    const w = watch(q.wait(id));
    await waitFor(() => log.length === 1, "first to start");
    q.cancel(id);
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["first:start", "first:end"]);
    await waitFor(() => w.settled, "wait() of the cancelled job");
    assert.ok(w.rejected, "wait() rejects");
    assert.equal(q.status(id), "failed");
    await q.stop();
  });

  // One at a time, the queue asks for no next job while a promise job runs: these check that
  // freeing the slot some other way still lets the next job go, and lets onIdle() settle.
  test("sync: cancelling the running promise job starts the next while it still pends", async () => {
    const q = new Queue();
    q.start();
    const log = [];
    const gate = deferred();
    const first = q.push(gatedJob(log, "first", gate));
    q.push(gatedJob(log, "second"));
    await waitFor(() => log.length === 1, "first to start");
    q.cancel(first);
    await waitFor(() => log.includes("second:end"), "second to run");
    assert.deepEqual(log, ["first:start", "second:start", "second:end"]);
    await within(q.onIdle(), "onIdle");
    gate.resolve();
    await q.stop();
  });

  test("sync: a job that cancels itself and returns a pending promise lets the next run", async () => {
    const q = new Queue();
    q.start();
    const log = [];
    const gate = deferred();
    const id = q.push(() => {
      log.push("self");
      q.cancel(id);
      return gate.promise;
    });
    q.push(() => log.push("next"));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["self", "next"]);
    gate.resolve();
    await q.stop();
  });

  test("onIdle() waiting on a pending promise job settles when that job is cancelled", async () => {
    const q = new Queue();
    q.start();
    const gate = deferred();
    let started = false;
    const id = q.push(() => {
      started = true;
      return gate.promise;
    });
    await waitFor(() => started, "job to start");
    const idle = watch(q.onIdle());
    const empty = watch(q.onEmpty());
    await waitFor(() => empty.settled, "onEmpty (nothing waits)");
    assert.equal(idle.settled, false, "onIdle waits for the running job");
    q.cancel(id);
    await waitFor(() => idle.settled, "onIdle after cancel");
    gate.resolve();
    await q.stop();
  });
});
