// onEmpty(): nothing waiting; resolves at once when already empty (API.md, "Observing").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, gatedJob, tick, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue } = gorqs;

describe("onEmpty", () => {
  test("resolves at once on an empty queue", async () => {
    const q = new Queue();
    const w = watch(q.onEmpty());
    await tick();
    assert.ok(w.fulfilled);
    assert.equal(w.value, undefined);
  });

  test("resolves at once while a job runs but none waits", async () => {
    const q = new Queue();
    q.start();
    const log = [];
    const gate = deferred();
    q.push(gatedJob(log, "a", gate));
    await waitFor(() => log.length === 1, "a to start");
    const w = watch(q.onEmpty());
    await tick();
    assert.ok(w.fulfilled, "nothing waiting");
    gate.resolve();
    await q.stop();
  });

  test("resolves when the last waiting job has started, before it finishes", async () => {
    const q = new Queue();
    q.start();
    const log = [];
    const gates = [deferred(), deferred(), deferred()];
    const jobs = gates.map((g, i) => gatedJob(log, `j${i}`, g));
    for (const j of jobs) q.push(j);
    const w = watch(q.onEmpty());
    await waitFor(() => jobs[0].started, "j0 to start");
    await ticks(5);
    assert.equal(w.settled, false, "two jobs still waiting");
    gates[0].resolve();
    await waitFor(() => jobs[1].started, "j1 to start");
    await ticks(5);
    assert.equal(w.settled, false, "one job still waiting");
    gates[1].resolve();
    await waitFor(() => w.settled, "onEmpty to settle");
    assert.ok(w.fulfilled);
    assert.equal(q.size, 0);
    assert.equal(jobs[2].finished, false, "the last job has not finished");
    gates[2].resolve();
    await within(q.onIdle(), "onIdle");
    await q.stop();
  });

  test("resolves when stop() drops the waiting jobs", async () => {
    const q = new Queue();
    q.start();
    const gate = deferred();
    q.push(() => gate.promise);
    q.push(() => {});
    const w = watch(q.onEmpty());
    await ticks(3);
    assert.equal(w.settled, false);
    const stopped = q.stop();
    await waitFor(() => w.settled, "onEmpty after stop()");
    assert.ok(w.fulfilled);
    gate.resolve();
    await within(stopped, "stop()");
  });
});
