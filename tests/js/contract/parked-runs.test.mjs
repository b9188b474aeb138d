// Parked runs: an untracked serial queue's run of plain jobs that reaches a promise job stays
// open; when the promise fulfils, the JS host goes on with the run's next jobs itself and tells
// the executor only where the run ends (src/executor/host.rs, `run_from`). These tests guard
// what users see around promise jobs in a serial queue, parked or not: every call made while
// the job's promise is pending sees the true state, and order, priorities, pause, cancel,
// stop, free and listeners behave as on the ordinary path.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJobs, qe, waitFor, watch, within } from "./_helpers.mjs";

const { Queue } = gorqs;

describe("parked runs (serial promise jobs)", () => {
  test("while a promise job is pending: status, size and running are the true ones", async () => {
    const q = new Queue({ track: true });
    q.start();
    const { gates, started, ids } = gatedJobs(q, 4);
    await waitFor(() => started.length === 1, "first job");
    gates[0].resolve("a");
    await waitFor(() => started.length === 2, "second job");
    assert.deepEqual(
      ids.map((id) => q.status(id)),
      ["succeeded", "running", "pending", "pending"],
    );
    assert.equal(q.size, 2);
    assert.equal(q.running, 1);
    assert.throws(() => q.result(ids[1]), qe("ERR_RUNNING"));
    for (let i = 1; i < 4; i++) {
      gates[i].resolve(i);
      await waitFor(() => started.length === Math.min(i + 2, 4) || q.status(ids[i]) === "succeeded", "next");
    }
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ids.map((id) => q.result(id)), ["a", 1, 2, 3]);
    await q.stop();
  });

  test("many instantly fulfilling promise jobs run in push order, one at a time, all recorded", async () => {
    const q = new Queue({ track: true });
    q.start();
    let inFlight = 0;
    let most = 0;
    const order = [];
    const ids = [];
    for (let i = 0; i < 3000; i++) {
      ids.push(
        q.push(async () => {
          most = Math.max(most, ++inFlight);
          order.push(i);
          await null;
          inFlight--;
          return i;
        }),
      );
    }
    await within(q.onIdle(), "onIdle");
    assert.equal(most, 1);
    assert.deepEqual(order, ids.map((_, i) => i));
    for (let i = 0; i < ids.length; i++) assert.equal(q.result(ids[i]), i);
    await q.stop();
  });

  test("a rejection is recorded failed and the jobs after it still run", async () => {
    const q = new Queue({ track: true });
    q.start();
    const a = q.push(async () => 1);
    const b = q.push(async () => {
      throw new Error("no");
    });
    const c = q.push(async () => 3);
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(a), 1);
    assert.throws(() => q.result(b), /no/);
    assert.equal(q.result(c), 3);
    await q.stop();
  });

  test("a priority job pushed while a promise job is pending runs next, before older jobs", async () => {
    const q = new Queue();
    q.start();
    const order = [];
    const gate = deferred();
    q.push(async () => {
      order.push("a");
      await gate.promise;
    });
    q.push(() => order.push("b"));
    await waitFor(() => order.length === 1, "a to start");
    q.push(() => order.push("urgent"), { priority: 5 });
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["a", "urgent", "b"]);
    await q.stop();
  });

  test("plain pushes made while a promise job is pending run after the older jobs", async () => {
    const q = new Queue();
    q.start();
    const order = [];
    const gate = deferred();
    q.push(async () => {
      order.push(1);
      await gate.promise;
    });
    q.push(() => order.push(2));
    await waitFor(() => order.length === 1, "first to start");
    q.push(() => order.push(3));
    q.push(async () => order.push(4));
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, [1, 2, 3, 4]);
    await q.stop();
  });

  test("pause() while a promise job is pending: the next job waits for resume()", async () => {
    const q = new Queue();
    q.start();
    const { gates, started } = gatedJobs(q, 2);
    await waitFor(() => started.length === 1, "first job");
    q.pause();
    gates[0].resolve();
    const idle = watch(q.onIdle());
    await waitFor(() => q.running === 0, "first job to finish");
    assert.equal(started.length, 1, "nothing starts while paused");
    assert.equal(idle.settled, false);
    q.resume();
    await waitFor(() => started.length === 2, "second job after resume");
    gates[1].resolve();
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("cancel() of the pending promise job starts the next; its late value is ignored", async () => {
    const q = new Queue({ track: true });
    q.start();
    const { gates, started, ids } = gatedJobs(q, 2);
    await waitFor(() => started.length === 1, "first job");
    assert.equal(q.cancel(ids[0], "stop it"), true);
    await waitFor(() => started.length === 2, "second job");
    gates[0].resolve("late");
    gates[1].resolve("second");
    await within(q.onIdle(), "onIdle");
    let reason;
    try {
      q.result(ids[0]);
    } catch (e) {
      reason = e;
    }
    assert.equal(reason, "stop it", "failed with the cancel reason");
    assert.equal(q.result(ids[1]), "second");
    await q.stop();
  });

  test("onEmpty() and onSizeLessThan() asked while a promise job is pending see the true size", async () => {
    const q = new Queue();
    q.start();
    const { gates, started } = gatedJobs(q, 3);
    await waitFor(() => started.length === 1, "first job");
    const lessThan3 = watch(q.onSizeLessThan(3));
    const lessThan2 = watch(q.onSizeLessThan(2));
    const empty = watch(q.onEmpty());
    await waitFor(() => lessThan3.settled, "size 2 < 3 at once");
    assert.equal(lessThan2.settled, false);
    gates[0].resolve();
    await waitFor(() => lessThan2.settled, "size 1 once the second started");
    assert.equal(empty.settled, false);
    gates[1].resolve();
    await waitFor(() => empty.settled, "empty once the third started");
    gates[2].resolve();
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("wait(id) and a completed listener added while a promise job is pending hear the rest", async () => {
    const q = new Queue();
    q.start();
    const { gates, started, ids } = gatedJobs(q, 3);
    await waitFor(() => started.length === 1, "first job");
    const heard = [];
    q.addEventListener("completed", (e) => heard.push(e.detail.id));
    const last = watch(q.wait(ids[2]));
    for (const g of gates) g.resolve("v");
    await within(q.onIdle(), "onIdle");
    await waitFor(() => last.settled, "wait of the last job");
    assert.equal(last.value, "v");
    assert.deepEqual(heard, ids);
    await q.stop();
  });

  test("stop() while a promise job is pending: it finishes, the waiting jobs are closed", async () => {
    const q = new Queue({ track: true });
    q.start();
    const { gates, started, ids } = gatedJobs(q, 3);
    await waitFor(() => started.length === 1, "first job");
    const stopped = watch(q.stop());
    assert.equal(q.status(ids[0]), "running");
    assert.throws(() => q.result(ids[1]), qe("ERR_QUEUE_CLOSED"));
    gates[0].resolve("done");
    await waitFor(() => stopped.settled, "stop()");
    assert.equal(q.result(ids[0]), "done");
    assert.deepEqual(started, [ids[0]]);
  });

  test("free() while a promise job is pending: no later job runs, nothing throws when it settles", async () => {
    const q = new Queue();
    q.start();
    const { gates, started } = gatedJobs(q, 3);
    await waitFor(() => started.length === 1, "first job");
    q.free();
    gates[0].resolve();
    gates[1].resolve();
    for (let i = 0; i < 5; i++) await null;
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(started.length, 1);
    assert.throws(() => q.size, /freed/);
  });

  test("a thenable that fulfils inside then(): recorded, and the next jobs run in order", async () => {
    const q = new Queue({ track: true });
    q.start();
    const order = [];
    const a = q.push(() => {
      order.push("a");
      return { then: (ok) => ok("sync value") };
    });
    const b = q.push(async () => order.push("b"));
    const c = q.push(() => order.push("c"));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["a", "b", "c"]);
    assert.equal(q.result(a), "sync value");
    assert.equal(q.result(b), 2, "push's return: the log's length");
    assert.equal(q.result(c), 3);
    await q.stop();
  });

  test("a thenable whose then() calls the queue, then fulfils later: state seen right, order kept", async () => {
    const q = new Queue({ track: true });
    q.start();
    const seen = [];
    const gate = deferred();
    const a = q.push(() => ({
      then(ok) {
        seen.push(q.status(a), q.size, q.running);
        gate.promise.then(() => ok("late"));
      },
    }));
    const b = q.push(() => "b");
    await waitFor(() => seen.length === 3, "then() to be called");
    assert.deepEqual(seen, ["running", 1, 1]);
    assert.equal(q.status(b), "pending");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(a), "late");
    assert.equal(q.result(b), "b");
    await q.stop();
  });

  test("a job reading ctx.signal after its first await is still aborted by cancel()", async () => {
    const q = new Queue();
    q.start();
    const gate = deferred();
    let signal;
    const id = q.push(async (ctx) => {
      await null;
      signal = ctx.signal;
      await gate.promise;
    });
    q.push(() => 2);
    await waitFor(() => signal !== undefined, "job to read its signal");
    assert.equal(signal.aborted, false);
    q.cancel(id, "why");
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, "why");
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });
});

describe("parked runs, untracked: the host goes on with the run", () => {
  test("a job started by the host after a promise job sees the true state, as does a call from outside", async () => {
    const q = new Queue();
    q.start();
    const { gates, started, ids } = gatedJobs(q, 4);
    await waitFor(() => started.length === 1, "first job");
    gates[0].resolve("a");
    await waitFor(() => started.length === 2, "second job");
    assert.deepEqual(ids.map((id) => q.status(id)), [undefined, "running", "pending", "pending"]);
    assert.equal(q.size, 2);
    assert.equal(q.running, 1);
    gates[1].resolve("b");
    gates[2].resolve("c");
    await waitFor(() => started.length === 4, "fourth job");
    assert.deepEqual(ids.map((id) => q.status(id)), [undefined, undefined, undefined, "running"]);
    gates[3].resolve("d");
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(started, ids);
    await q.stop();
  });

  test("many promise jobs and sync jobs mixed run in push order, one at a time", async () => {
    const q = new Queue();
    q.start();
    const order = [];
    let inFlight = 0;
    let most = 0;
    for (let i = 1; i <= 3000; i++) {
      q.push(i % 3 === 0
        ? () => void order.push(i)
        : async () => {
          most = Math.max(most, ++inFlight);
          order.push(i);
          await null;
          inFlight--;
        });
    }
    await within(q.onIdle(), "onIdle");
    assert.equal(order.length, 3000);
    assert.ok(order.every((id, k) => id === k + 1), "push order");
    assert.equal(most, 1, "never two at once");
    await q.stop();
  });

  test("a job that throws after a promise job fails alone; the rest of the run goes on", async () => {
    const q = new Queue();
    q.start();
    const failed = [];
    const ran = [];
    q.addEventListener("failed", (e) => failed.push(e.detail.id));
    const { gates } = gatedJobs(q, 1);
    q.push(() => { ran.push(2); throw new Error("two"); });
    q.push(() => void ran.push(3));
    gates[0].resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, [2, 3]);
    assert.deepEqual(failed, [2]);
    await q.stop();
  });

  test("cancel() of the parked job starts the next at once; its late value is ignored", async () => {
    const q = new Queue();
    q.start();
    const { gates, started, ids } = gatedJobs(q, 3);
    await waitFor(() => started.length === 1, "first job");
    assert.equal(q.cancel(ids[0], "stop it"), true);
    await waitFor(() => started.length === 2, "second job");
    const waited = q.wait(ids[2]);
    gates[0].resolve("late");
    await new Promise((r) => setTimeout(r, 2));
    assert.deepEqual(started, [ids[0], ids[1]], "the late value started nothing");
    gates[1].resolve("second");
    gates[2].resolve("third");
    assert.equal(await within(waited, "wait"), "third");
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("stop() while parked: the parked job finishes, the rest of the run never starts", async () => {
    const q = new Queue();
    q.start();
    const closed = [];
    q.addEventListener("failed", (e) => closed.push(e.detail.error.code));
    const { gates, started } = gatedJobs(q, 3);
    await waitFor(() => started.length === 1, "first job");
    const stopped = q.stop();
    gates[0].resolve();
    await within(stopped, "stop");
    assert.equal(started.length, 1);
    assert.deepEqual(closed, ["ERR_QUEUE_CLOSED", "ERR_QUEUE_CLOSED"]);
  });

  test("a thenable that fulfils inside then(), and one that calls the queue from then(): order kept", async () => {
    const q = new Queue();
    q.start();
    const order = [];
    const seen = [];
    q.push(() => { order.push("a"); return { then: (ok) => ok(1) }; });
    const b = q.push(() => ({ then(ok) { order.push("b"); seen.push(q.status(b), q.size); ok(2); } }));
    q.push(async () => { order.push("c"); await null; });
    q.push(() => order.push("d"));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["a", "b", "c", "d"]);
    assert.deepEqual(seen, ["running", 2]);
    await q.stop();
  });
});
