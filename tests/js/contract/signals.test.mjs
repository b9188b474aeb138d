// The per-job `signal` option and JobContext.signal (API.md, "Jobs").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue } = gorqs;

describe("per-job signal", () => {
  test("aborting a queued job: removed, never runs, failed with signal.reason", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const gate = deferred();
    q.push(gatedJob(log, "first", gate));
    const controller = new AbortController();
    const id = q.push(gatedJob(log, "victim"), { signal: controller.signal });
    const after = q.push(gatedJob(log, "after"));
    const w = watch(q.wait(id));
    await waitFor(() => log.length === 1, "first to start");
    assert.equal(q.size, 2);
    const reason = new Error("not needed any more");
    controller.abort(reason);
    await waitFor(() => w.settled, "wait() of the aborted job");
    assert.ok(w.rejected);
    assert.equal(w.reason, reason, "rejects with the reason itself");
    assert.equal(q.size, 1, "removed from the queue");
    assert.equal(q.status(id), "failed");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["first:start", "first:end", "after:start", "after:end"]);
    assert.throws(() => q.result(id), { is: reason });
    assert.equal(q.result(after), "after");
    await q.stop();
  });

  test("aborting a running job: failed with the reason, slot freed, ctx.signal aborts", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const controller = new AbortController();
    let ctxSignal;
    const id = q.push((ctx) => {
      ctxSignal = ctx.signal;
      log.push("victim:start");
      return new Promise(() => {});
    }, { signal: controller.signal });
    const next = q.push(gatedJob(log, "next"));
    await waitFor(() => log.length === 1, "victim to start");
    const reason = { why: "user cancelled" };
    controller.abort(reason);
    await assert.rejects(within(q.wait(id), "wait() of the aborted job"), { is: reason });
    assert.equal(await within(q.wait(next), "the next job (slot freed)"), "next");
    assert.equal(ctxSignal.aborted, true, "ctx.signal aborted");
    assert.throws(() => q.result(id), { is: reason });
    await q.stop();
  });

  test("an already-aborted signal: push throws the reason, nothing queued, no id used", async () => {
    const q = new Queue({ track: true });
    q.start();
    const reason = new Error("already");
    let ran = false;
    assert.throws(() => q.push(() => (ran = true), { signal: AbortSignal.abort(reason) }), { is: reason });
    assert.equal(q.size, 0);
    assert.equal(q.status(1), undefined);
    assert.equal(q.push(() => "ok"), 1);
    await within(q.onIdle(), "onIdle");
    assert.equal(ran, false);
    await q.stop();
  });

  test("pushAll with an already-aborted signal throws the reason, nothing queued", async () => {
    const q = new Queue({ track: true });
    q.start();
    const reason = new Error("already");
    assert.throws(() => q.pushAll([() => {}, () => {}], { signal: AbortSignal.abort(reason) }), { is: reason });
    assert.equal(q.size, 0);
    assert.equal(q.push(() => {}), 1);
    await q.stop();
  });

  test("pushAll with a signal: aborting removes every queued job of the batch", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const gate = deferred();
    q.push(gatedJob(log, "first", gate));
    const controller = new AbortController();
    const ids = q.pushAll([gatedJob(log, "x"), gatedJob(log, "y")], { signal: controller.signal });
    const other = q.push(gatedJob(log, "other"));
    await waitFor(() => log.length === 1, "first to start");
    const reason = new Error("batch cancelled");
    controller.abort(reason);
    await waitFor(() => q.size === 1, "the batch to leave the queue");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["first:start", "first:end", "other:start", "other:end"]);
    for (const id of ids) assert.throws(() => q.result(id), { is: reason });
    assert.equal(q.result(other), "other");
    await q.stop();
  });

  test("aborting after the job finished changes nothing", async () => {
    const q = new Queue({ track: true });
    q.start();
    const controller = new AbortController();
    const id = q.push(() => "done", { signal: controller.signal });
    await within(q.onIdle(), "onIdle");
    controller.abort(new Error("too late"));
    await ticks(3);
    assert.equal(q.status(id), "succeeded");
    assert.equal(q.result(id), "done");
    await q.stop();
  });

  test("ctx.signal aborts on a per-job abort of a running job", async () => {
    const q = new Queue();
    q.start();
    const controller = new AbortController();
    let ctxSignal;
    const gate = deferred();
    const id = q.push((ctx) => {
      ctxSignal = ctx.signal;
      return gate.promise;
    }, { signal: controller.signal });
    const w = watch(q.wait(id));
    await waitFor(() => ctxSignal !== undefined, "job to start");
    assert.equal(ctxSignal.aborted, false);
    const reason = new Error("stop it");
    controller.abort(reason);
    await waitFor(() => ctxSignal.aborted, "ctx.signal to abort");
    await waitFor(() => w.settled, "wait()");
    assert.equal(w.reason, reason);
    gate.resolve();
    await q.stop();
  });

  test("stop() does not abort ctx.signal of running jobs; they finish", async () => {
    const q = new Queue({ track: true });
    q.start();
    let ctxSignal;
    const gate = deferred();
    const id = q.push((ctx) => {
      ctxSignal = ctx.signal;
      return gate.promise.then(() => "finished");
    });
    await waitFor(() => ctxSignal !== undefined, "job to start");
    const stopped = watch(q.stop());
    await ticks(3);
    assert.equal(ctxSignal.aborted, false, "not aborted by stop()");
    gate.resolve();
    await waitFor(() => stopped.settled, "stop()");
    assert.equal(q.result(id), "finished");
  });

  test("jobs sharing one signal: all queued ones are dropped by one abort", async () => {
    const q = new Queue({ mode: "async", concurrency: 1, track: true });
    q.start();
    const gate = deferred();
    const log = [];
    q.push(gatedJob(log, "first", gate));
    const controller = new AbortController();
    const a = q.push(gatedJob(log, "a"), { signal: controller.signal });
    const b = q.push(gatedJob(log, "b"), { signal: controller.signal });
    await waitFor(() => log.length === 1, "first to start");
    controller.abort("shared reason");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["first:start", "first:end"]);
    assert.throws(() => q.result(a), { is: "shared reason" });
    assert.throws(() => q.result(b), { is: "shared reason" });
    await q.stop();
  });
});
