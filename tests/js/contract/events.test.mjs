// Events: a Queue is an EventTarget; CustomEvents with `detail` (API.md, "Observing").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, waitFor, within } from "./_helpers.mjs";

const { Queue, QueueError } = gorqs;

const TYPES = ["active", "completed", "failed", "empty", "idle"];

/** Records every event of `types` as `{ type, detail, event, size, running }`. */
function recordEvents(q, types = TYPES) {
  const events = [];
  for (const type of types) {
    q.addEventListener(type, (event) => {
      events.push({ type, detail: event.detail, event, size: q.size, running: q.running });
    });
  }
  return events;
}

const brief = (events) =>
  events.map((e) => (e.detail && e.detail.id !== undefined ? `${e.type}:${e.detail.id}` : e.type));

describe("events", () => {
  test("a Queue is an EventTarget", () => {
    const q = new Queue();
    assert.ok(q instanceof EventTarget);
  });

  test("addEventListener / removeEventListener / dispatchEvent are there", () => {
    const q = new Queue();
    for (const m of ["addEventListener", "removeEventListener", "dispatchEvent"]) {
      assert.equal(typeof q[m], "function", m);
    }
  });

  test("active, completed and failed are CustomEvents with detail", async () => {
    const q = new Queue();
    const events = recordEvents(q);
    q.start();
    const value = { v: 1 };
    const err = new Error("e");
    const ok = q.push(() => value);
    const bad = q.push(() => {
      throw err;
    });
    await within(q.onIdle(), "onIdle");
    await waitFor(() => events.some((e) => e.type === "idle"), "idle event");
    for (const e of events) {
      assert.ok(e.event instanceof CustomEvent, `${e.type} is a CustomEvent`);
      assert.equal(e.event.type, e.type);
    }
    const active = events.filter((e) => e.type === "active");
    assert.deepEqual(active.map((e) => e.detail.id), [ok, bad]);
    const completed = events.find((e) => e.type === "completed");
    assert.equal(completed.detail.id, ok);
    assert.equal(completed.detail.value, value, "completed detail.value is the value itself");
    const failed = events.find((e) => e.type === "failed");
    assert.equal(failed.detail.id, bad);
    assert.equal(failed.detail.error, err, "failed detail.error is the error itself");
    await q.stop();
  });

  test("sync order: active → completed/failed per job, idle last", async () => {
    const q = new Queue();
    const events = recordEvents(q, ["active", "completed", "failed", "idle"]);
    q.start();
    q.push(() => 1);
    q.push(() => Promise.reject(new Error("two")));
    q.push(async () => 3);
    await within(q.onIdle(), "onIdle");
    await waitFor(() => events.some((e) => e.type === "idle"), "idle event");
    const seq = brief(events);
    const lastIdle = seq.lastIndexOf("idle");
    assert.deepEqual(
      seq.filter((s) => s !== "idle"),
      ["active:1", "completed:1", "active:2", "failed:2", "active:3", "completed:3"],
    );
    assert.ok(lastIdle > seq.indexOf("completed:3"), `idle after the last job: ${seq}`);
    await q.stop();
  });

  test("idle: fired with nothing waiting or running", async () => {
    const q = new Queue({ mode: "async" });
    const events = recordEvents(q, ["idle", "completed"]);
    q.start();
    const gate = deferred();
    q.push(() => gate.promise);
    q.push(() => gate.promise);
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    await waitFor(() => events.some((e) => e.type === "idle"), "idle event");
    for (const e of events.filter((x) => x.type === "idle")) {
      assert.equal(e.size, 0, "size at idle");
      assert.equal(e.running, 0, "running at idle");
    }
    assert.equal(events.filter((e) => e.type === "completed").length, 2);
    await q.stop();
  });

  test("empty: fired once nothing is waiting, after the last waiting job left", async () => {
    const q = new Queue();
    const events = recordEvents(q, ["active", "empty"]);
    q.start();
    const gates = [deferred(), deferred(), deferred()];
    gates.forEach((g) => q.push(() => g.promise));
    await waitFor(() => events.some((e) => e.type === "active"), "the first job");
    gates[0].resolve();
    gates[1].resolve();
    await waitFor(() => events.some((e) => e.type === "empty"), "empty event");
    const seq = brief(events);
    const empties = events.filter((e) => e.type === "empty");
    for (const e of empties) assert.equal(e.size, 0, "size at empty");
    assert.ok(seq.lastIndexOf("empty") > seq.indexOf("active:2"), `empty after job 3 left the queue: ${seq}`);
    gates[2].resolve();
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("failed fires for a timed-out job with ERR_TIMEOUT", async () => {
    const q = new Queue({ timeout: 5 });
    const events = recordEvents(q, ["failed", "completed"]);
    q.start();
    const id = q.push(() => new Promise(() => {}));
    await waitFor(() => events.length > 0, "failed event");
    assert.equal(events[0].type, "failed");
    assert.equal(events[0].detail.id, id);
    assert.ok(events[0].detail.error instanceof QueueError);
    assert.equal(events[0].detail.error.code, "ERR_TIMEOUT");
    await q.stop();
  });

  test("failed fires for an aborted job with the abort reason", async () => {
    const q = new Queue();
    const events = recordEvents(q, ["failed"]);
    q.start();
    const gate = deferred();
    q.push(() => gate.promise);
    const controller = new AbortController();
    const id = q.push(() => {}, { signal: controller.signal });
    const reason = new Error("aborted");
    controller.abort(reason);
    await waitFor(() => events.length > 0, "failed event");
    assert.equal(events[0].detail.id, id);
    assert.equal(events[0].detail.error, reason);
    gate.resolve();
    await q.stop();
  });

  test("failed fires for every job dropped by stop(), with ERR_QUEUE_CLOSED", async () => {
    const q = new Queue();
    const events = recordEvents(q, ["failed", "completed"]);
    q.start();
    const gate = deferred();
    const running = q.push(() => gate.promise.then(() => "ran"));
    const dropped = [q.push(() => {}), q.push(() => {})];
    await waitFor(() => q.running === 1, "the first job to run");
    const stopped = q.stop();
    gate.resolve();
    await within(stopped, "stop()");
    await waitFor(() => events.length === 3, "three events");
    const failed = events.filter((e) => e.type === "failed");
    assert.deepEqual(failed.map((e) => e.detail.id).sort(), dropped);
    for (const e of failed) {
      assert.ok(e.detail.error instanceof QueueError);
      assert.equal(e.detail.error.code, "ERR_QUEUE_CLOSED");
    }
    const completed = events.filter((e) => e.type === "completed");
    assert.deepEqual(completed.map((e) => [e.detail.id, e.detail.value]), [[running, "ran"]]);
  });

  test("a timed-out job's late success fires no completed event", async () => {
    const q = new Queue({ timeout: 5 });
    const events = recordEvents(q, ["failed", "completed"]);
    q.start();
    const gate = deferred();
    q.push(() => gate.promise.then(() => "late"));
    await waitFor(() => events.length === 1, "failed event");
    gate.resolve();
    const id = q.push(() => "marker");
    await waitFor(() => events.length >= 2, "the marker's completed event");
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(brief(events), ["failed:1", `completed:${id}`]);
    await q.stop();
  });

  test("removeEventListener stops the deliveries", async () => {
    const q = new Queue();
    let count = 0;
    const listener = () => count++;
    q.addEventListener("completed", listener);
    q.start();
    q.push(() => {});
    await within(q.onIdle(), "onIdle");
    await waitFor(() => count === 1, "first completed event");
    q.removeEventListener("completed", listener);
    q.push(() => {});
    await within(q.onIdle(), "onIdle");
    assert.equal(count, 1);
    await q.stop();
  });

  test("events fire with tracking off as well", async () => {
    const q = new Queue();
    const events = recordEvents(q, ["completed"]);
    q.start();
    q.push(() => "v");
    await within(q.onIdle(), "onIdle");
    await waitFor(() => events.length === 1, "completed event");
    assert.equal(events[0].detail.value, "v");
    await q.stop();
  });

  test("a listener may call the queue (push, status, size) re-entrantly", async () => {
    const q = new Queue({ track: true });
    const problems = [];
    let pushedFromListener;
    q.addEventListener("completed", (e) => {
      try {
        q.status(e.detail.id);
        void q.size;
        if (e.detail.id === 1) pushedFromListener = q.push(() => "from listener");
      } catch (err) {
        problems.push(err);
      }
    });
    q.start();
    q.push(() => "one");
    await waitFor(() => pushedFromListener !== undefined || problems.length > 0, "the listener to run");
    assert.deepEqual(problems, [], "no error from re-entrant calls");
    assert.equal(pushedFromListener, 2);
    assert.equal(await within(q.wait(pushedFromListener), "the listener's job"), "from listener");
    await q.stop();
  });
});
