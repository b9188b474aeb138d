// wait(id) has two paths that must not show: a wait on a job the queue's JS host still holds
// (pushed since the last call into the Rust executor) is taken by the host with no crossing,
// any other goes through Rust; waited jobs still run in runs, whose host settles their waits
// itself. Every wait settles with its own job's outcome, whichever path took it, whatever ends
// the job, and none becomes an unhandled rejection.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { qe, within } from "./_helpers.mjs";

const { Queue } = gorqs;

describe("wait(id)", () => {
  test("bursts of pushes each awaited (a UI handler's shape): every wait gets its own job's value, records stay", async () => {
    for (const mode of ["sync", "async"]) {
      const q = new Queue({ mode, track: true, autoStart: true });
      for (let burst = 0; burst < 20; burst++) {
        const handlers = [];
        for (let k = 0; k < 16; k++) {
          const value = burst * 100 + k;
          handlers.push((async () => assert.equal(await q.wait(q.push(() => value)), value, `${mode} burst ${burst} job ${k}`))());
        }
        await within(Promise.all(handlers), `${mode} burst ${burst}`);
      }
      assert.equal(q.stats().records, 320, `${mode}: wait() keeps the records`);
      assert.equal(q.result(1), 0);
      q.free();
    }
  });

  test("waits on jobs pushed in one stretch, through both paths, several per job, mixed values and throws", async () => {
    const q = new Queue({ track: true, autoStart: true });
    const ids = [q.push(() => 1), q.push(() => "two"), q.push(() => { throw new Error("three"); }), q.push(() => ({ four: 4 }))];
    q.push(() => 5, { priority: 0 }); // a push through Rust in the middle
    ids.push(q.push(() => -0), q.push(() => 2 ** 40));
    const waits = [...ids, ...ids].map((id) => q.wait(id));
    const got = await within(Promise.allSettled(waits), "every wait");
    const expect = [1, "two", "three", { four: 4 }, -0, 2 ** 40];
    got.forEach((r, i) => {
      const want = expect[i % ids.length];
      if (want === "three") assert.equal(r.reason.message, "three", `wait #${i} rejects with the job's error`);
      else assert.ok(Object.is(r.value, want) || (typeof want === "object" && r.value.four === 4), `wait #${i}: ${String(r.value)}`);
    });
    await q.stop();
  });

  test("an id in the host's range that is no integer, or not yet given, is not found", async () => {
    const q = new Queue({ track: true, autoStart: true });
    const id = q.push(() => 1);
    q.push(() => 2);
    const [half, notGiven, whole] = [q.wait(id + 0.5), q.wait(id + 2), q.wait(id)];
    await assert.rejects(within(half, "wait(1.5)"), qe("ERR_NOT_FOUND"));
    await assert.rejects(within(notGiven, "wait of an id not given"), qe("ERR_NOT_FOUND"));
    assert.equal(await within(whole, "wait(1)"), 1);
    assert.equal(await within(q.wait(id), "wait(1)"), 1);
    await q.stop();
  });

  test("waits on held jobs reject when stop() drops them, or cancel() fails them, and are never unhandled", async () => {
    const q = new Queue({ track: true, autoStart: true });
    const a = q.push(() => "a");
    const b = q.push(() => "b");
    const c = q.push(() => "c");
    const [wa, wb] = [q.wait(a), q.wait(b)];
    q.wait(c); // ignored: its rejection must not be unhandled
    q.cancel(a);
    const stopped = q.stop(); // before any job ran: b and c are dropped
    await assert.rejects(within(wa, "wait of a cancelled job"), { name: "AbortError" });
    await within(stopped, "stop");
    await assert.rejects(within(wb, "wait of a dropped job"), qe("ERR_QUEUE_CLOSED"));
  });

  test("a value with a `then` getter is resolved with, a microtask later, and the getter may call the queue", async () => {
    const q = new Queue({ track: true, autoStart: true });
    let reads = 0;
    const odd = { get then() { reads++; q.status(1); return undefined; } };
    const id = q.push(() => odd);
    q.push(() => 2);
    assert.equal(await within(q.wait(id), "wait"), odd);
    assert.ok(reads >= 2, "the queue read `then` once, the promise once more");
    assert.equal(await within(q.wait(id + 1), "the next job"), 2);
    await q.stop();
  });

  test("more waits than the host's ring holds: jobs 1024 ids apart, long-running ones, all settle right", async () => {
    const q = new Queue({ mode: "async", track: true, autoStart: true });
    const gates = [];
    const slow = (v) => () => new Promise((resolve) => gates.push(() => resolve(v)));
    const ids = [];
    for (let i = 0; i < 3000; i++) ids.push(q.push(i % 700 === 0 ? slow(i) : () => i));
    const waits = ids.map((id) => q.wait(id));
    await within(q.onSizeLessThan(1), "every job started");
    const more = [];
    for (let i = 0; i < 2100; i++) more.push(q.push(() => -i));
    const moreWaits = more.map((id) => q.wait(id));
    for (const open of gates) open();
    const got = await within(Promise.all([...waits, ...moreWaits]), "6000 waits");
    got.forEach((v, i) => assert.equal(v, i < 3000 ? i : -(i - 3000), `wait #${i}`));
    await q.stop();
  });

  test("wait() from inside a job on itself, on the job after it and on a job it pushes", async () => {
    const q = new Queue({ track: true, autoStart: true });
    const got = [];
    const first = q.push(({ id }) => {
      const inner = q.push(() => "inner");
      got.push(q.wait(id), q.wait(id + 1), q.wait(inner));
      return "first";
    });
    q.push(() => "second");
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(await within(Promise.all(got), "waits from inside"), ["first", "second", "inner"]);
    assert.equal(q.result(first), "first");
    await q.stop();
  });
});
