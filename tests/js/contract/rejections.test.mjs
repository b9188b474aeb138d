// No unhandled rejections (API.md, "Safety"). Each test ignores promises that reject, then waits
// a few macrotasks: the harness fails the test if an `unhandledrejection` is reported meanwhile.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, qe, ticks, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

const SETTLE = 5;

describe("no unhandled rejections", () => {
  for (const mode of ["sync", "async"]) {
    for (const track of [false, true]) {
      test(`failing jobs, nobody looking (${mode}, track ${track})`, async () => {
        const q = new Queue({ mode, track });
        q.start();
        q.push(() => {
          throw new Error("thrown");
        });
        q.push(() => Promise.reject(new Error("rejected")));
        q.push(async () => {
          await ticks(1);
          throw new Error("rejected later");
        });
        q.push(() => ({
          then(_ok, fail) {
            fail(new Error("thenable"));
          },
        }));
        q.push(() => {
          throw undefined; // eslint-disable-line no-throw-literal
        });
        await within(q.onIdle(), "onIdle");
        await ticks(SETTLE);
        assert.ok(q.isRunning());
        q.stop();
        await ticks(SETTLE);
      });
    }
  }

  test("ignored wait() of failing jobs", async () => {
    const q = new Queue({ mode: "async" });
    q.start();
    const a = q.push(() => {
      throw new Error("a");
    });
    const b = q.push(async () => {
      await ticks(1);
      throw new Error("b");
    });
    q.wait(a);
    q.wait(b);
    await within(q.onIdle(), "onIdle");
    await ticks(SETTLE);
    await q.stop();
  });

  test("ignored wait() of a finished failed tracked job", async () => {
    const q = new Queue({ track: true });
    q.start();
    const a = q.push(() => {
      throw new Error("a");
    });
    await within(q.onIdle(), "onIdle");
    q.wait(a);
    await ticks(SETTLE);
    assert.equal(q.status(a), "failed");
    await q.stop();
  });

  test("ignored wait() of unknown ids", async () => {
    const tracked = new Queue({ track: true });
    const untracked = new Queue();
    tracked.wait(1);
    untracked.wait(1);
    tracked.wait(1.5);
    tracked.wait(-1);
    await ticks(SETTLE);
  });

  test("ignored wait() of jobs dropped by stop()", async () => {
    const q = new Queue();
    q.start();
    const gate = deferred();
    q.push(() => gate.promise);
    const dropped = [q.push(() => {}), q.push(() => {})];
    for (const id of dropped) q.wait(id);
    q.stop();
    gate.resolve();
    await ticks(SETTLE);
  });

  test("ignored start() promise whose signal aborts; awaiting it later still rejects", async () => {
    const q = new Queue();
    const controller = new AbortController();
    const started = q.start(controller.signal);
    q.push(() => {});
    const reason = new Error("aborted");
    controller.abort(reason);
    await ticks(SETTLE);
    await assert.rejects(started, { is: reason });
  });

  test("ignored start() with an already-aborted signal", async () => {
    const q = new Queue();
    q.start(AbortSignal.abort(new Error("already")));
    q.start(AbortSignal.abort());
    await ticks(SETTLE);
    assert.equal(q.isRunning(), false);
  });

  test("ignored stop() and onIdle() promises", async () => {
    const q = new Queue();
    q.start();
    q.push(() => {
      throw new Error("x");
    });
    q.onIdle();
    q.stop();
    q.stop();
    q.onIdle();
    await ticks(SETTLE);
  });

  test("a rejected outcome is delivered again to a late awaiter", async () => {
    const q = new Queue({ mode: "async" });
    q.start();
    const err = new Error("late awaiter");
    const gate = deferred();
    const id = q.push(() => gate.promise.then(() => Promise.reject(err)));
    const waited = q.wait(id);
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    await ticks(SETTLE);
    await assert.rejects(waited, { is: err });
    await q.stop();
  });

  test("an ignored per-job abort and a dropped job's failure", async () => {
    const q = new Queue();
    q.start();
    const gate = deferred();
    q.push(() => gate.promise);
    const controller = new AbortController();
    const id = q.push(() => {}, { signal: controller.signal });
    q.wait(id);
    controller.abort(new Error("job aborted"));
    await ticks(SETTLE);
    gate.resolve();
    await within(q.onIdle(), "onIdle");
    await ticks(SETTLE);
    await q.stop();
  });

  test("a timed-out job that rejects afterwards", async () => {
    const q = new Queue({ timeout: 1 });
    q.start();
    const gate = deferred();
    const id = q.push(() => gate.promise.then(() => Promise.reject(new Error("too late"))));
    await assert.rejects(within(q.wait(id), "wait()"), qe("ERR_TIMEOUT"));
    gate.resolve();
    await ticks(SETTLE);
    await waitFor(() => q.running === 0, "slot freed");
    await q.stop();
  });
});
