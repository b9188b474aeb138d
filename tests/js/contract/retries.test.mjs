// Retries with backoff (issue 5): a failed job runs again up to `retries` times, keeps its id,
// is pending between tries, sees its try in ctx.attempt; only the final outcome is reported.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { qe, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

/** A job failing its first `failures` tries, then returning "ok"; logs every try's attempt. */
function flaky(failures, log) {
  return (ctx) => {
    log.push(ctx.attempt);
    if (ctx.attempt <= failures) throw new Error(`try ${ctx.attempt}`);
    return "ok";
  };
}

describe("retries", () => {
  test("a job failing twice then succeeding keeps its id, reports attempts 1, 2, 3 and succeeds", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const failed = [];
    q.addEventListener("failed", (e) => failed.push(e.detail.id));
    const id = q.push(flaky(2, log), { retries: 2 });
    assert.equal(await within(q.wait(id), "wait"), "ok");
    assert.deepEqual(log, [1, 2, 3]);
    assert.equal(q.result(id), "ok");
    assert.deepEqual(failed, [], "no failed event for tries that are retried");
    await q.stop();
  });

  test("the final failure is what result and wait report; retries counts tries after the first", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const id = q.push(flaky(10, log), { retries: 2 });
    const err = await within(q.wait(id).then(() => null, (e) => e), "wait");
    assert.equal(err.message, "try 3");
    assert.deepEqual(log, [1, 2, 3]);
    assert.equal(assert.throws(() => q.result(id)).message, "try 3");
    await q.stop();
  });

  test("a promise job rejecting once is retried in async mode too", async () => {
    const q = new Queue({ mode: "async", track: true });
    q.start();
    let tries = 0;
    const id = q.push(async () => {
      tries++;
      if (tries === 1) throw new Error("first");
      return tries;
    }, { retries: 1 });
    assert.equal(await within(q.wait(id), "wait"), 2);
    await q.stop();
  });

  test("between tries the job is pending and counted in size; a fixed backoff delays the retry", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const id = q.push(flaky(1, log), { retries: 1, backoff: { type: "fixed", delay: 30 } });
    await waitFor(() => log.length === 1, "first try");
    assert.equal(q.status(id), "pending");
    assert.equal(q.size, 1);
    assert.throws(() => q.result(id), qe("ERR_PENDING"));
    assert.equal(await within(q.wait(id), "wait"), "ok");
    assert.deepEqual(log, [1, 2]);
    await q.stop();
  });

  test("sync order: a job waiting for its retry lets the next jobs run, then rejoins the line", async () => {
    const q = new Queue();
    q.start();
    const order = [];
    let first = true;
    q.push(() => {
      order.push(first ? "a1" : "a2");
      if (first) {
        first = false;
        throw new Error("x");
      }
    }, { retries: 1, backoff: { type: "fixed", delay: 20 } });
    q.push(() => order.push("b"));
    q.push(() => order.push("c"));
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(order, ["a1", "b", "c", "a2"]);
    await q.stop();
  });

  test("a backoff function gets the attempt that failed; its delay is used", async () => {
    const q = new Queue({ track: true });
    q.start();
    const asked = [];
    const log = [];
    const id = q.push(flaky(2, log), {
      retries: 3,
      backoff: (attempt) => {
        asked.push(attempt);
        return attempt * 5;
      },
    });
    assert.equal(await within(q.wait(id), "wait"), "ok");
    assert.deepEqual(asked, [1, 2]);
    assert.deepEqual(log, [1, 2, 3]);
    await q.stop();
  });

  test("a backoff function that throws or returns junk retries at once, nothing lost", async () => {
    for (const backoff of [() => { throw new Error("bad backoff"); }, () => "soon", () => NaN, () => -1]) {
      const q = new Queue({ track: true });
      q.start();
      const log = [];
      const id = q.push(flaky(1, log), { retries: 1, backoff });
      assert.equal(await within(q.wait(id), "wait"), "ok");
      await q.stop();
    }
  });

  test("exponential backoff with jitter still retries every try", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const id = q.push(flaky(3, log), { retries: 3, backoff: { type: "exponential", delay: 2, jitter: 0.5 } });
    assert.equal(await within(q.wait(id), "wait"), "ok");
    assert.deepEqual(log, [1, 2, 3, 4]);
    await q.stop();
  });

  test("a timed-out try is retried; the late outcome of the old try is ignored", async () => {
    const q = new Queue({ mode: "async", track: true });
    q.start();
    const log = [];
    let releaseFirst;
    const id = q.push((ctx) => {
      log.push(ctx.attempt);
      if (ctx.attempt === 1) return new Promise((resolve) => { releaseFirst = () => resolve("late"); });
      return "second";
    }, { retries: 1, timeout: 10 });
    assert.equal(await within(q.wait(id), "wait"), "second");
    releaseFirst();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(q.result(id), "second");
    assert.deepEqual(log, [1, 2]);
    await q.stop();
  });

  test("cancel() of a job waiting for its retry settles it failed and it never runs again", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const id = q.push(flaky(5, log), { retries: 5, backoff: { type: "fixed", delay: 50 } });
    await waitFor(() => log.length === 1, "first try");
    assert.equal(q.cancel(id, "stop it"), true);
    assert.equal(assert.throws(() => q.result(id)), "stop it");
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(log, [1]);
    await q.stop();
  });

  test("stop() settles a job waiting for its retry as closed", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const id = q.push(flaky(5, log), { retries: 5, backoff: { type: "fixed", delay: 50 } });
    await waitFor(() => log.length === 1, "first try");
    await q.stop();
    assert.throws(() => q.result(id), qe("ERR_QUEUE_CLOSED"));
  });

  for (const bad of [-1, 1.5, "2", NaN]) {
    test(`retries ${typeof bad === "string" ? JSON.stringify(bad) : bad}: push throws naming the option`, async () => {
      const q = new Queue();
      q.start();
      const e = assert.throws(() => q.push(() => {}, { retries: bad }), [TypeError, RangeError]);
      assert.ok(e.message.includes("retries"), e.message);
      assert.equal(q.size, 0);
      await q.stop();
    });
  }

  for (const [bad, name] of [[{ type: "linear", delay: 1 }, "backoff.type"], [{ type: "fixed", delay: -1 }, "backoff.delay"], [{ type: "fixed", delay: 1, jitter: 2 }, "backoff.jitter"], [5, "backoff"]]) {
    test(`backoff ${JSON.stringify(bad)}: push throws naming ${name}`, async () => {
      const q = new Queue();
      q.start();
      const e = assert.throws(() => q.push(() => {}, { retries: 1, backoff: bad }), [TypeError, RangeError]);
      assert.ok(e.message.includes(name), e.message);
      await q.stop();
    });
  }
});
