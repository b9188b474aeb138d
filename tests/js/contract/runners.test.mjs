// Runners and job outcomes; push/pushAll argument checks (API.md, "Jobs").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, qe, tick, ticks, waitFor, within } from "./_helpers.mjs";

const { Queue } = gorqs;

function trackedQueue() {
  const q = new Queue({ track: true });
  q.start();
  return q;
}

/** Pushes `runner` on a fresh tracked queue and returns its settled outcome. */
async function outcomeOf(runner) {
  const q = trackedQueue();
  const id = q.push(runner);
  await within(q.onIdle(), "onIdle");
  const status = q.status(id);
  let value;
  let error;
  let threw = false;
  try {
    value = q.result(id);
  } catch (e) {
    threw = true;
    error = e;
  }
  await q.stop();
  return threw ? { status, error } : { status, value };
}

describe("runners", () => {
  test("options undefined or null mean none, for push and pushAll; other non-objects throw TypeError", async () => {
    const q = trackedQueue();
    const ids = [q.push(() => "a", undefined), q.push(() => "b", null), ...q.pushAll([() => "c"], null), ...q.pushAll([() => "d"], undefined)];
    assert.deepEqual(ids, [1, 2, 3, 4]);
    for (const bad of [1, "x", true]) {
      assert.throws(() => q.push(() => 0, bad), TypeError, `push options ${String(bad)}`);
      assert.throws(() => q.pushAll([() => 0], bad), TypeError, `pushAll options ${String(bad)}`);
    }
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ids.map((id) => q.result(id)), ["a", "b", "c", "d"]);
    assert.equal(q.size, 0, "the refused pushes queued nothing");
    await q.stop();
  });

  test("plain object with run(): called once, this = the object, value kept", async () => {
    const calls = [];
    const runner = {
      run() {
        calls.push(this);
        return "object";
      },
    };
    const out = await outcomeOf(runner);
    assert.equal(calls.length, 1);
    assert.equal(calls[0], runner, "this");
    assert.deepEqual(out, { status: "succeeded", value: "object" });
  });

  test("class instance with an inherited run(): this = the instance", async () => {
    class Job {
      constructor() {
        this.seen = [];
      }
      run() {
        this.seen.push(this);
        return "class";
      }
    }
    const job = new Job();
    const out = await outcomeOf(job);
    assert.equal(job.seen.length, 1);
    assert.equal(job.seen[0], job);
    assert.deepEqual(out, { status: "succeeded", value: "class" });
  });

  test("object whose run() comes from its prototype (Object.create)", async () => {
    const proto = {
      run() {
        return this.tag;
      },
    };
    const runner = Object.create(proto);
    runner.tag = "inherited";
    assert.deepEqual(await outcomeOf(runner), { status: "succeeded", value: "inherited" });
  });

  test("plain function: called once, value kept", async () => {
    let calls = 0;
    const out = await outcomeOf(() => {
      calls++;
      return "fn";
    });
    assert.equal(calls, 1);
    assert.deepEqual(out, { status: "succeeded", value: "fn" });
  });

  test("async function runner", async () => {
    const out = await outcomeOf(async () => {
      await tick();
      return "async fn";
    });
    assert.deepEqual(out, { status: "succeeded", value: "async fn" });
  });

  test("run() receives ctx with ctx.id = the job id (object and function runners)", async () => {
    const q = trackedQueue();
    const seen = [];
    const a = q.push({
      run(ctx) {
        seen.push(["object", ctx && ctx.id]);
      },
    });
    const b = q.push((ctx) => {
      seen.push(["function", ctx && ctx.id]);
    });
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(seen, [["object", a], ["function", b]]);
    assert.deepEqual([a, b], [1, 2]);
    await q.stop();
  });

  test("ctx.signal is an AbortSignal, not aborted while the job runs normally", async () => {
    const q = trackedQueue();
    let signal;
    let abortedDuring;
    q.push(async (ctx) => {
      signal = ctx.signal;
      await tick();
      abortedDuring = signal.aborted;
    });
    await within(q.onIdle(), "onIdle");
    assert.ok(signal instanceof AbortSignal, "ctx.signal instanceof AbortSignal");
    assert.equal(abortedDuring, false);
    await q.stop();
  });

  test("returning a value: the very same object is kept", async () => {
    const value = { big: [1, 2, 3] };
    const out = await outcomeOf(() => value);
    assert.equal(out.value, value);
  });

  test("returning undefined: succeeded with undefined", async () => {
    assert.deepEqual(await outcomeOf(() => undefined), { status: "succeeded", value: undefined });
  });

  test("throwing an Error: failed with that very object", async () => {
    const err = new TypeError("thrown");
    const out = await outcomeOf(() => {
      throw err;
    });
    assert.equal(out.status, "failed");
    assert.equal(out.error, err);
  });

  for (const [label, thrown] of [["a string", "oops"], ["undefined", undefined], ["null", null], ["0", 0], ["an object", { why: "x" }]]) {
    test(`throwing ${label}: failed with that value`, async () => {
      const out = await outcomeOf(() => {
        throw thrown;
      });
      assert.equal(out.status, "failed");
      assert.ok("error" in out, "result() threw");
      assert.equal(out.error, thrown);
    });
  }

  test("returning a resolved promise: succeeded with its value", async () => {
    assert.deepEqual(await outcomeOf(() => Promise.resolve("resolved")), { status: "succeeded", value: "resolved" });
  });

  test("returning a rejecting promise: failed with its reason", async () => {
    const err = new Error("rejected");
    const out = await outcomeOf(() => Promise.reject(err));
    assert.equal(out.status, "failed");
    assert.equal(out.error, err);
  });

  test("returning a promise that rejects later", async () => {
    const err = new Error("later");
    const out = await outcomeOf(async () => {
      await ticks(2);
      throw err;
    });
    assert.equal(out.status, "failed");
    assert.equal(out.error, err);
  });

  test("returning a promise of a promise: fully awaited", async () => {
    const out = await outcomeOf(() => Promise.resolve().then(() => Promise.resolve("deep")));
    assert.deepEqual(out, { status: "succeeded", value: "deep" });
  });

  test("returning a custom thenable that fulfills", async () => {
    const thenable = {
      then(onFulfilled) {
        setTimeout(() => onFulfilled("thenable"), 0);
      },
    };
    assert.deepEqual(await outcomeOf(() => thenable), { status: "succeeded", value: "thenable" });
  });

  test("returning a custom thenable that rejects", async () => {
    const err = new Error("thenable rejected");
    const thenable = {
      then(_onFulfilled, onRejected) {
        onRejected(err);
      },
    };
    const out = await outcomeOf(() => thenable);
    assert.equal(out.status, "failed");
    assert.equal(out.error, err);
  });

  test("returning a thenable whose then() throws: failed with the thrown value", async () => {
    const err = new Error("then threw");
    const thenable = {
      then() {
        throw err;
      },
    };
    const out = await outcomeOf(() => thenable);
    assert.equal(out.status, "failed");
    assert.equal(out.error, err);
  });

  test("sync mode waits for a custom thenable before the next job", async () => {
    const q = trackedQueue();
    const log = [];
    let fulfil;
    q.push(() => {
      log.push("a:start");
      return {
        then(onFulfilled) {
          fulfil = () => {
            log.push("a:end");
            onFulfilled("a");
          };
        },
      };
    });
    q.push(() => {
      log.push("b:start");
    });
    await waitFor(() => typeof fulfil === "function", "then() to be called");
    await ticks(10);
    assert.deepEqual(log, ["a:start"], "b waits for the thenable");
    fulfil();
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["a:start", "a:end", "b:start"]);
    assert.equal(q.result(1), "a");
    await q.stop();
  });
});

describe("push arguments", () => {
  const bad = [
    ["null", null],
    ["undefined", undefined],
    ["42", 42],
    ['"x"', "x"],
    ["true", true],
    ["{}", {}],
    ["{ run: 1 }", { run: 1 }],
    ['{ run: "f" }', { run: "f" }],
    ["{ run: null }", { run: null }],
    ["[]", []],
    ["1n", 1n],
    ["a symbol", Symbol("job")],
  ];
  for (const [label, runner] of bad) {
    test(`push(${label}) throws TypeError; nothing queued or recorded; no id used`, async () => {
      const q = trackedQueue();
      const gate = deferred();
      const first = q.push(() => gate.promise);
      await waitFor(() => q.running === 1, "first job to run");
      const sizeBefore = q.size;
      assert.throws(() => q.push(runner), TypeError);
      assert.equal(q.size, sizeBefore, "size unchanged");
      assert.equal(q.status(first + 1), undefined, "no record for the next id");
      const next = q.push(() => "good");
      assert.equal(next, first + 1, "the next good push gets the next id");
      gate.resolve();
      await within(q.onIdle(), "onIdle");
      assert.equal(q.result(next), "good");
      await q.stop();
    });
  }

  test("push() with no argument throws TypeError", () => {
    const q = trackedQueue();
    assert.throws(() => q.push(), TypeError);
    assert.equal(q.push(() => {}), 1);
  });

  test("push returns ids 1, 2, 3 … as numbers", () => {
    const q = trackedQueue();
    const ids = [q.push(() => {}), q.push({ run() {} }), q.push(async () => {})];
    assert.deepEqual(ids, [1, 2, 3]);
    for (const id of ids) assert.equal(typeof id, "number");
  });
});

describe("pushAll", () => {
  test("pushes every runner, returns their ids in order", async () => {
    const q = trackedQueue();
    const log = [];
    const ids = q.pushAll([() => log.push("a"), { run: () => log.push("b") }, () => log.push("c")]);
    assert.deepEqual(ids, [1, 2, 3]);
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(log, ["a", "b", "c"]);
    await q.stop();
  });

  test("accepts any iterable (Set, generator)", async () => {
    const q = trackedQueue();
    const set = new Set([() => 1, () => 2]);
    assert.deepEqual(q.pushAll(set), [1, 2]);
    function* gen() {
      yield () => 3;
      yield () => 4;
    }
    assert.deepEqual(q.pushAll(gen()), [3, 4]);
    await within(q.onIdle(), "onIdle");
    assert.deepEqual([1, 2, 3, 4].map((id) => q.result(id)), [1, 2, 3, 4]);
    await q.stop();
  });

  test("empty iterable: returns []", () => {
    const q = trackedQueue();
    assert.deepEqual(q.pushAll([]), []);
    assert.equal(q.push(() => {}), 1);
  });

  test("all or nothing: one bad runner throws TypeError before any job is queued", async () => {
    const q = trackedQueue();
    const ran = [];
    assert.throws(() => q.pushAll([() => ran.push(1), () => ran.push(2), 42, () => ran.push(4)]), TypeError);
    assert.equal(q.size, 0);
    assert.equal(q.status(1), undefined);
    assert.equal(q.push(() => "next"), 1, "no id used");
    await within(q.onIdle(), "onIdle");
    await ticks(3);
    assert.deepEqual(ran, [], "none of the good runners ran");
    await q.stop();
  });

  test("all or nothing: an iterator that throws midway queues nothing", async () => {
    const q = trackedQueue();
    const ran = [];
    const err = new Error("iterator broke");
    function* gen() {
      yield () => ran.push(1);
      throw err;
    }
    assert.throws(() => q.pushAll(gen()), { is: err });
    assert.equal(q.size, 0);
    assert.equal(q.push(() => {}), 1);
    await within(q.onIdle(), "onIdle");
    assert.deepEqual(ran, []);
    await q.stop();
  });

  test("a non-iterable argument throws TypeError", () => {
    const q = trackedQueue();
    assert.throws(() => q.pushAll(42), TypeError);
    assert.throws(() => q.pushAll({ run() {} }), TypeError);
    assert.equal(q.push(() => {}), 1);
  });

  test("on a closed queue throws ERR_QUEUE_CLOSED, nothing queued", () => {
    const q = new Queue({ track: true });
    assert.throws(() => q.pushAll([() => {}, () => {}]), qe("ERR_QUEUE_CLOSED"));
    q.start();
    assert.equal(q.push(() => {}), 1);
  });
});
