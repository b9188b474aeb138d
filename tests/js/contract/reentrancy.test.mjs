// Calling the queue from inside a running job, in both modes (API.md, "Safety"). The job bodies
// are synchronous on purpose: the calls then happen while the queue is calling into JS.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { MESSAGES, deferred, qe, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue } = gorqs;

/** Runs `fn` and returns what it threw (or undefined), so a job can report instead of failing. */
function caught(fn) {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

for (const mode of ["sync", "async"]) {
  describe(`re-entrancy (${mode})`, () => {
    test("push() from inside a job: returns the next id; the job runs later, not inside push", async () => {
      const q = new Queue({ mode, track: true });
      q.start();
      const log = [];
      let innerId;
      let ranDuringPush;
      const outer = q.push(() => {
        log.push("outer:start");
        let ran = false;
        innerId = q.push(() => {
          ran = true;
          log.push("inner:run");
          return "inner";
        });
        ranDuringPush = ran;
        log.push("outer:end");
        return "outer";
      });
      await within(q.onIdle(), "onIdle");
      assert.equal(innerId, outer + 1);
      assert.equal(ranDuringPush, false);
      assert.deepEqual(log, ["outer:start", "outer:end", "inner:run"]);
      assert.equal(q.result(outer), "outer");
      assert.equal(q.result(innerId), "inner");
      await q.stop();
    });

    test("pushAll() from inside a job", async () => {
      const q = new Queue({ mode, track: true });
      q.start();
      let ids;
      q.push(() => {
        ids = q.pushAll([() => "x", () => "y"]);
      });
      await within(q.onIdle(), "onIdle");
      assert.deepEqual(ids, [2, 3]);
      assert.deepEqual([q.result(2), q.result(3)], ["x", "y"]);
      await q.stop();
    });

    test("stop() from inside a job: later jobs fail ERR_QUEUE_CLOSED, its own outcome is recorded", async () => {
      const q = new Queue({ mode, concurrency: 1, track: true });
      const started = watch(q.start());
      const log = [];
      let stopPromise;
      let stopError;
      let runningAfterStop;
      const a = q.push(() => {
        log.push("a");
        stopError = caught(() => {
          stopPromise = q.stop();
        });
        runningAfterStop = q.isRunning();
        return "a-value";
      });
      const b = q.push(() => {
        log.push("b");
      });
      await waitFor(() => log.length >= 1, "a to run");
      assert.equal(stopError, undefined, "stop() inside a job does not throw");
      assert.equal(runningAfterStop, false);
      await within(stopPromise, "stop() promise");
      await waitFor(() => started.settled, "start() promise");
      await ticks(3);
      assert.deepEqual(log, ["a"], "b never ran");
      assert.equal(q.result(a), "a-value");
      assert.throws(() => q.result(b), qe("ERR_QUEUE_CLOSED"));
    });

    test("stop() then start() then push() from inside a job", async () => {
      const q = new Queue({ mode, concurrency: 1, track: true });
      q.start();
      const log = [];
      let problem;
      let lateId;
      q.push(() => {
        problem = caught(() => {
          q.stop();
          q.start();
          lateId = q.push(() => {
            log.push("late");
            return "late";
          });
        });
        return "first";
      });
      const dropped = q.push(() => log.push("dropped"));
      await waitFor(() => lateId !== undefined || problem !== undefined, "the first job");
      assert.equal(problem, undefined, "no error");
      assert.equal(q.isRunning(), true);
      assert.equal(lateId, 3);
      assert.equal(await within(q.wait(lateId), "the late job"), "late");
      assert.deepEqual(log, ["late"]);
      assert.throws(() => q.result(dropped), qe("ERR_QUEUE_CLOSED"));
      assert.equal(q.result(1), "first");
      await q.stop();
    });

    test("result(), fetch(), status() from inside a job", async () => {
      const q = new Queue({ mode, concurrency: 1, track: true });
      q.start();
      const seen = {};
      const first = q.push(() => "first");
      await within(q.onIdle(), "onIdle");
      const self = q.push((ctx) => {
        seen.selfResult = caught(() => q.result(ctx.id));
        seen.selfStatus = q.status(ctx.id);
        seen.nextStatus = q.status(ctx.id + 1);
        seen.nextResult = caught(() => q.fetch(ctx.id + 1));
        seen.firstStatus = q.status(first);
        seen.first = q.result(first);
        seen.firstAgain = caught(() => q.result(first));
        return "self";
      });
      q.push(() => "next");
      await within(q.onIdle(), "onIdle");
      assert.ok(seen.selfResult instanceof gorqs.QueueError, "result(self) throws a QueueError");
      assert.equal(seen.selfResult.code, "ERR_RUNNING");
      assert.equal(seen.selfStatus, "running");
      assert.equal(seen.nextStatus, "pending");
      assert.equal(seen.nextResult && seen.nextResult.code, "ERR_PENDING");
      assert.equal(seen.firstStatus, "succeeded");
      assert.equal(seen.first, "first");
      assert.equal(seen.firstAgain && seen.firstAgain.code, "ERR_NOT_FOUND");
      assert.equal(q.result(self), "self");
      await q.stop();
    });

    test("wait() from inside a job (itself and an earlier job)", async () => {
      const q = new Queue({ mode, concurrency: 1, track: true });
      q.start();
      const earlier = q.push(() => "earlier");
      await within(q.onIdle(), "onIdle");
      let waitSelf;
      let waitEarlier;
      q.push((ctx) => {
        waitSelf = q.wait(ctx.id);
        waitEarlier = q.wait(earlier);
        return "me";
      });
      await within(q.onIdle(), "onIdle");
      assert.equal(await within(waitSelf, "wait(self)"), "me");
      assert.equal(await within(waitEarlier, "wait(earlier)"), "earlier");
      await q.stop();
    });

    test("clear() from inside a job keeps its own record", async () => {
      const q = new Queue({ mode, concurrency: 1, track: true });
      q.start();
      const done = q.push(() => "done");
      await within(q.onIdle(), "onIdle");
      let statusAfterClear;
      const self = q.push((ctx) => {
        q.clear();
        statusAfterClear = [q.status(done), q.status(ctx.id)];
        return "kept";
      });
      await within(q.onIdle(), "onIdle");
      assert.deepEqual(statusAfterClear, [undefined, "running"]);
      assert.equal(q.result(self), "kept");
      await q.stop();
    });

    test("start(), size, running, isRunning(), onIdle() from inside a job", async () => {
      const q = new Queue({ mode, concurrency: 1 });
      const started = q.start();
      const seen = {};
      q.push(() => {
        seen.start = q.start();
        seen.size = q.size;
        seen.running = q.running;
        seen.isRunning = q.isRunning();
        seen.idle = watch(q.onIdle());
      });
      q.push(() => {});
      q.push(() => {});
      await within(q.onIdle(), "onIdle");
      assert.equal(seen.start, started, "start() returns the same promise");
      assert.equal(seen.size, 2);
      assert.equal(seen.running, 1);
      assert.equal(seen.isRunning, true);
      await waitFor(() => seen.idle.settled, "the onIdle() taken inside the job");
      assert.ok(seen.idle.fulfilled);
      await q.stop();
    });

    test("from inside an async job after an await", async () => {
      const q = new Queue({ mode, track: true });
      q.start();
      let inner;
      const gate = deferred();
      q.push(async (ctx) => {
        await gate.promise;
        inner = q.push(() => "after await");
        return q.status(ctx.id);
      });
      gate.resolve();
      await within(q.onIdle(), "onIdle");
      assert.equal(q.result(1), "running");
      assert.equal(q.result(inner), "after await");
      await q.stop();
    });

    test("errors thrown inside a job by a re-entrant call are plain QueueErrors", async () => {
      const q = new Queue({ mode });
      q.start();
      let err;
      q.push(() => {
        err = caught(() => q.result(1));
      });
      await within(q.onIdle(), "onIdle");
      assert.ok(err instanceof gorqs.QueueError);
      assert.equal(err.message, MESSAGES.ERR_NOT_IMPLEMENTED);
      assert.ok(!/recursive use|already borrowed|unreachable/i.test(err.message));
      await q.stop();
    });
  });
}
