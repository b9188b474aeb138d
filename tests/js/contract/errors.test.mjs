// QueueError: the class and every code with its Go message (API.md, "Errors").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { MESSAGES, deferred, waitFor, within } from "./_helpers.mjs";

const { Queue, QueueError } = gorqs;

function checkQueueError(err, code) {
  assert.ok(err instanceof QueueError, `instanceof QueueError (got ${err && err.constructor && err.constructor.name})`);
  assert.ok(err instanceof Error, "instanceof Error");
  assert.equal(err.code, code, "code");
  assert.equal(err.message, MESSAGES[code], "message");
}

function thrownBy(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

/** A tracked, started queue with one running job (id 1) and one pending job (id 2). */
async function busyTrackedQueue() {
  const q = new Queue({ track: true });
  q.start();
  const gate = deferred();
  let started = false;
  q.push(() => {
    started = true;
    return gate.promise;
  });
  q.push(() => {});
  await waitFor(() => started, "job 1 to start");
  return { q, release: () => gate.resolve() };
}

describe("QueueError", () => {
  test("is a class that extends Error", () => {
    assert.equal(typeof QueueError, "function");
    assert.ok(QueueError.prototype instanceof Error);
  });

  test("is named QueueError, as class and as error, in the minified bundle too", () => {
    assert.equal(QueueError.name, "QueueError");
    const err = thrownBy(() => new Queue().result(1));
    assert.equal(err.constructor.name, "QueueError");
    assert.equal(err.name, "QueueError");
    assert.ok(String(err).startsWith("QueueError: gorqs:"), String(err));
  });

  test("ERR_PENDING: result() of a waiting job", async () => {
    const { q, release } = await busyTrackedQueue();
    checkQueueError(thrownBy(() => q.result(2)), "ERR_PENDING");
    release();
    await q.stop();
  });

  test("ERR_RUNNING: result() of a running job", async () => {
    const { q, release } = await busyTrackedQueue();
    checkQueueError(thrownBy(() => q.result(1)), "ERR_RUNNING");
    release();
    await q.stop();
  });

  test("ERR_NOT_FOUND: result() of an unknown id", () => {
    const q = new Queue({ track: true });
    checkQueueError(thrownBy(() => q.result(7)), "ERR_NOT_FOUND");
  });

  test("ERR_QUEUE_CLOSED: push() on a stopped queue", () => {
    const q = new Queue();
    checkQueueError(thrownBy(() => q.push(() => {})), "ERR_QUEUE_CLOSED");
  });

  test("ERR_TIMEOUT: a job that outlives its timeout", async () => {
    const q = new Queue({ timeout: 5 });
    q.start();
    const id = q.push(() => new Promise(() => {}));
    const err = await assert.rejects(within(q.wait(id), "wait() of a timed-out job"), QueueError);
    checkQueueError(err, "ERR_TIMEOUT");
    await q.stop();
  });

  test("ERR_UNKNOWN_MODE: new Queue(8)", () => {
    checkQueueError(thrownBy(() => new Queue(8)), "ERR_UNKNOWN_MODE");
  });

  test("ERR_INVALID_MODE: new Queue(1.5)", () => {
    checkQueueError(thrownBy(() => new Queue(1.5)), "ERR_INVALID_MODE");
  });

  test("ERR_NOT_IMPLEMENTED: result() without tracking", () => {
    const q = new Queue();
    checkQueueError(thrownBy(() => q.result(1)), "ERR_NOT_IMPLEMENTED");
  });

  test("ERR_QUEUE_CLOSED: a job dropped by stop()", async () => {
    const { q, release } = await busyTrackedQueue();
    const stopped = q.stop();
    release();
    await within(stopped, "stop()");
    checkQueueError(thrownBy(() => q.result(2)), "ERR_QUEUE_CLOSED");
  });
});
