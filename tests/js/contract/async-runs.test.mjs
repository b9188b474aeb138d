// Async runs: in an async queue with plain jobs (no options, no listeners), a run of FIFO jobs
// fills the free slots, and while it is open the JS host keeps each settlement of a plain
// value and starts the run's next job in the slot it freed, with no call into the executor; the
// executor catches up at its next entry (src/executor/host.rs, `run_from`'s `spread`). These
// tests guard what users see there: every call made while such a run is open sees the true
// state, the cap holds, values and errors land on their own ids, and pause, cancel, clear,
// priorities, concurrency changes, waits, stop and free behave as on the ordinary path.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { gatedJobs, microtasks, qe, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

/** What `f()` threw (undefined when it returned). */
function thrownBy(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("async runs (promise jobs in an async queue)", () => {
  test("while a run is open: status, size, running, result and stats are the true ones", async () => {
    const q = new Queue({ mode: "async", concurrency: 3, track: true });
    q.start();
    const { gates, started, ids } = gatedJobs(q, 8);
    await waitFor(() => started.length === 3, "three jobs");
    gates[1].resolve("b"); // out of order: the second job settles first
    await waitFor(() => started.length === 4, "a fourth job in the freed slot");
    assert.deepEqual(started, ids.slice(0, 4), "started in push order");
    assert.deepEqual(
      ids.map((id) => q.status(id)),
      ["running", "succeeded", "running", "running", "pending", "pending", "pending", "pending"],
    );
    assert.equal(q.size, 4);
    assert.equal(q.running, 3);
    assert.equal(q.stats().records, 1);
    assert.equal(q.result(ids[1]), "b");
    assert.throws(() => q.result(ids[0]), qe("ERR_RUNNING"));
    assert.throws(() => q.result(ids[4]), qe("ERR_PENDING"));
    gates[0].resolve(1);
    gates[3].resolve({ d: 4 });
    await waitFor(() => started.length === 6, "two more jobs");
    assert.equal(q.running, 3);
    for (let i = 2; i < 8; i++) gates[i].resolve(i === 5 ? 5.5 : i);
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(started, ids);
    assert.deepEqual(ids.map((id, i) => (i === 1 ? "b" : q.result(id))), [1, "b", 2, { d: 4 }, 4, 5.5, 6, 7]);
    await q.stop();
  });

  test("thousands of jobs settling out of order: the cap holds, starts keep push order, every value on its id", async () => {
    for (const concurrency of [4, Infinity]) {
      const q = new Queue({ mode: "async", concurrency, track: true });
      q.start();
      let inFlight = 0;
      let most = 0;
      const order = [];
      const ids = [];
      const n = 3000;
      for (let i = 0; i < n; i++) {
        ids.push(q.push(async () => {
          most = Math.max(most, ++inFlight);
          order.push(i);
          await microtasks((i * 7919) % 5); // 0–4 turns: settlements out of order
          inFlight--;
          return i % 11 === 0 ? `s${i}` : i % 13 === 0 ? i + 0.5 : i;
        }));
      }
      await within(q.onIdle(), "onIdle");
      assert.equal(order.length, n);
      assert.ok(order.every((v, k) => v === k), `push order (concurrency ${concurrency})`);
      if (concurrency === 4) assert.equal(most, 4, "the cap is reached and never passed");
      ids.forEach((id, i) => assert.deepEqual(q.result(id), i % 11 === 0 ? `s${i}` : i % 13 === 0 ? i + 0.5 : i, `job ${id}`));
      assert.equal(q.running, 0);
      assert.equal(q.size, 0);
      await q.stop();
    }
  });

  test("sync and promise jobs mixed, untracked: all run, at most the cap at once", async () => {
    const q = new Queue({ mode: "async", concurrency: 3 });
    q.start();
    let inFlight = 0;
    let most = 0;
    let ran = 0;
    for (let i = 0; i < 2000; i++) {
      q.push(i % 4 === 0
        ? () => void ran++
        : async () => {
          most = Math.max(most, ++inFlight);
          await microtasks(i % 3);
          inFlight--;
          ran++;
        });
    }
    await within(q.onIdle(), "onIdle");
    assert.equal(ran, 2000);
    assert.ok(most <= 3, `at most 3 at once, saw ${most}`);
    await q.stop();
  });

  test("a job that throws or rejects in an open run fails alone, recorded with its own error", async () => {
    const q = new Queue({ mode: "async", concurrency: 2, track: true });
    q.start();
    const { gates, started, ids } = gatedJobs(q, 6);
    const boom = new Error("boom");
    const thrown = new Error("thrown");
    const sync = q.push(() => { throw thrown; });
    await waitFor(() => started.length === 2, "two jobs");
    gates[0].resolve(0);
    gates[1].reject(boom);
    for (let i = 2; i < 6; i++) gates[i].resolve(i);
    await within(q.onIdle(), "onIdle");
    assert.equal(q.result(ids[0]), 0);
    assert.equal(thrownBy(() => q.result(ids[1])), boom);
    assert.deepEqual(ids.slice(2).map((id) => q.result(id)), [2, 3, 4, 5]);
    assert.equal(thrownBy(() => q.result(sync)), thrown);
    await q.stop();
  });

  test("pause() while a run is open: no job starts until resume()", async () => {
    const q = new Queue({ mode: "async", concurrency: 2 });
    q.start();
    const { gates, started } = gatedJobs(q, 6);
    await waitFor(() => started.length === 2, "two jobs");
    q.pause();
    gates[0].resolve();
    gates[1].resolve();
    await microtasks(20);
    assert.equal(started.length, 2, "nothing started while paused");
    assert.equal(q.running, 0);
    assert.equal(q.size, 4);
    q.resume();
    await waitFor(() => started.length === 4, "two more after resume");
    for (const g of gates) g.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(started.length, 6);
    await q.stop();
  });

  test("cancel() and clear() of waiting jobs in an open run: they never start", async () => {
    const q = new Queue({ mode: "async", concurrency: 2, track: true });
    q.start();
    const { gates, started, ids } = gatedJobs(q, 6);
    await waitFor(() => started.length === 2, "two jobs");
    gates[0].resolve("a"); // the run takes the settlement and starts the third job
    await waitFor(() => started.length === 3, "third job");
    q.cancel(ids[3]);
    gates[1].resolve("b");
    await waitFor(() => started.length === 4, "fourth job");
    assert.deepEqual(started, [ids[0], ids[1], ids[2], ids[4]], "the cancelled job was skipped");
    assert.ok(thrownBy(() => q.result(ids[3])) instanceof Error, "the cancelled job failed");
    for (const g of gates) g.resolve("z");
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(started, [ids[0], ids[1], ids[2], ids[4], ids[5]]);
    await q.stop();
  });

  test("a priority job pushed while a run is open starts in the next free slot", async () => {
    const q = new Queue({ mode: "async", concurrency: 2 });
    q.start();
    const { gates, started } = gatedJobs(q, 5);
    await waitFor(() => started.length === 2, "two jobs");
    const urgent = q.push(async (ctx) => void started.push(ctx.id), { priority: 10 });
    gates[0].resolve();
    await waitFor(() => started.length >= 3, "the next job");
    assert.equal(started[2], urgent, "the urgent job before the older ones");
    for (const g of gates) g.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(started.length, 6);
    await q.stop();
  });

  test("concurrency changed while a run is open: raised starts more at once, lowered lets the running finish", async () => {
    const q = new Queue({ mode: "async", concurrency: 2 });
    q.start();
    const { gates, started } = gatedJobs(q, 10);
    await waitFor(() => started.length === 2, "two jobs");
    q.concurrency = 4;
    await waitFor(() => started.length === 4, "four jobs");
    assert.equal(q.running, 4);
    q.concurrency = 1;
    gates[0].resolve();
    gates[1].resolve();
    gates[2].resolve();
    await microtasks(20);
    assert.equal(started.length, 4, "no job starts above the lowered cap");
    assert.equal(q.running, 1);
    gates[3].resolve();
    await waitFor(() => started.length === 5, "one more");
    assert.equal(q.running, 1);
    for (const g of gates) g.resolve();
    await within(q.onIdle(), "onIdle");
    assert.equal(started.length, 10);
    await q.stop();
  });

  test("wait(id) for jobs settled while a run is open, tracked or not", async () => {
    for (const track of [false, true]) {
      const q = new Queue({ mode: "async", concurrency: 2, track });
      q.start();
      const { gates, started, ids } = gatedJobs(q, 6);
      const waits = ids.map((id) => q.wait(id));
      await waitFor(() => started.length === 2, "two jobs");
      gates[1].resolve(["one"]);
      gates[0].resolve(0);
      for (let i = 2; i < 6; i++) gates[i].resolve(i);
      assert.deepEqual(await within(Promise.all(waits), "waits"), [0, ["one"], 2, 3, 4, 5]);
      await within(q.onIdle(), "onIdle");
      await q.stop();
    }
  });

  test("onEmpty() and onSizeLessThan() resolve when the waiting jobs start", async () => {
    const q = new Queue({ mode: "async", concurrency: 2 });
    q.start();
    const { gates, started } = gatedJobs(q, 6);
    await waitFor(() => started.length === 2, "two jobs");
    let below4 = false;
    let empty = false;
    q.onSizeLessThan(4).then(() => { below4 = true; });
    q.onEmpty().then(() => { empty = true; });
    gates[0].resolve();
    await waitFor(() => started.length === 3, "third job");
    await microtasks(5);
    assert.ok(below4, "3 waiting once one more started: below 4");
    assert.ok(!empty);
    for (const g of gates) g.resolve();
    await waitFor(() => empty, "onEmpty");
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("a job that calls into the queue while a run is open sees itself running", async () => {
    const q = new Queue({ mode: "async", concurrency: 2 });
    q.start();
    const seen = [];
    const { gates, started, ids } = gatedJobs(q, 3);
    const probe = q.push((ctx) => {
      seen.push(q.status(ctx.id), q.running, q.size);
      q.push(() => void seen.push("pushed"));
    });
    await waitFor(() => started.length === 2, "two jobs");
    gates[0].resolve(); // frees a slot: the third job starts in the run
    await waitFor(() => started.length === 3, "third");
    gates[1].resolve(); // the probe runs next
    await waitFor(() => seen.length >= 3, "probe");
    assert.deepEqual(seen.slice(0, 3), ["running", 2, 0]);
    gates[2].resolve();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(seen, ["running", 2, 0, "pushed"]);
    assert.deepEqual(started, ids);
    assert.equal(q.status(probe), undefined);
    await q.stop();
  });

  test("stop() and free() while a run is open: running jobs finish, no waiting job starts", async () => {
    const q = new Queue({ mode: "async", concurrency: 2, track: true });
    q.start();
    const { gates, started, ids } = gatedJobs(q, 5);
    await waitFor(() => started.length === 2, "two jobs");
    const stopped = q.stop();
    gates[0].resolve("a");
    gates[1].resolve("b");
    await within(stopped, "stop");
    assert.equal(started.length, 2, "no job started after stop()");
    assert.equal(q.result(ids[0]), "a");
    assert.throws(() => q.result(ids[2]), qe("ERR_QUEUE_CLOSED"));

    const f = new Queue({ mode: "async", concurrency: 2 });
    f.start();
    const jobs = gatedJobs(f, 5);
    await waitFor(() => jobs.started.length === 2, "two jobs");
    jobs.gates[0].resolve();
    await waitFor(() => jobs.started.length === 3, "third");
    f.free();
    for (const g of jobs.gates) g.resolve();
    await microtasks(20);
    assert.equal(jobs.started.length, 3, "no job started after free()");
  });
});
