// Hostile inputs (API.md, "Safety": no input from JavaScript can make the module panic or trap;
// a bad argument gets a clear JS error and leaves the queue working). Each case checks the
// documented error or outcome, that nothing surfaced as a WebAssembly trap or wasm-bindgen
// internals, and that the queue still pushes and runs a job afterwards.
// Not repeated here: the barrage of odd arguments, the `run` getter at push time and foreign
// `this` (safety.test.mjs), ids of other types and odd numbers for result/status/wait
// (tracking.test.mjs), thenables whose then() throws or rejects (runners.test.mjs).
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, qe, ticks, waitFor, watch, within } from "./_helpers.mjs";

const { Queue, QueueError } = gorqs;

const WASM_INTERNALS =
  /null pointer|recursive use|already borrowed|unreachable|panicked|RuntimeError|memory access out of bounds|wasm-bindgen|__wbg/i;

/** A thrown value must not be a wasm trap nor leak the binding's internals. */
function assertNoTrap(value, label) {
  if (typeof WebAssembly !== "undefined" && WebAssembly.RuntimeError) {
    assert.ok(!(value instanceof WebAssembly.RuntimeError), `${label}: a WebAssembly trap (${String(value && value.message)})`);
  }
  let message = "";
  try {
    message = value instanceof Error ? String(value.message) : "";
  } catch {}
  assert.ok(!WASM_INTERNALS.test(message), `${label}: message leaks wasm internals: ${message}`);
}

/** `fn()` must throw synchronously; returns what it threw, checked for traps. */
function throwsNoTrap(fn, matcher, label) {
  const e = assert.throws(fn, matcher, label);
  assertNoTrap(e, label);
  return e;
}

/** The queue still works: a plain push runs and its value comes back by wait(). */
async function stillWorks(q, label) {
  const token = { still: "works" };
  const id = q.push(() => token);
  assert.equal(typeof id, "number", `${label}: push returns an id`);
  assert.equal(await within(q.wait(id), `${label}: wait() of a job pushed afterwards`), token, `${label}: the job ran`);
  return id;
}

/** Pushes `runner` on a started queue and returns its settled outcome and status. */
async function outcome(q, runner, options) {
  const id = options === undefined ? q.push(runner) : q.push(runner, options);
  const w = watch(q.wait(id));
  await waitFor(() => w.settled, `job ${id} to settle`);
  return { id, ...w, status: q.status(id) };
}

function tracked(mode = "sync") {
  const q = new Queue({ track: true, mode });
  q.start();
  return q;
}

describe("hostile runners", () => {
  test("run getter fine at push, throwing when the job starts: failed with the getter's error", async () => {
    const q = tracked();
    const err = new Error("run getter at start");
    let reads = 0;
    const runner = {
      get run() {
        reads++;
        if (reads > 1) throw err;
        return () => "never";
      },
    };
    const o = await outcome(q, runner);
    assert.ok(o.rejected, "wait() rejects");
    assert.equal(o.reason, err);
    assert.equal(o.status, "failed");
    assert.throws(() => q.result(o.id), { is: err });
    await stillWorks(q, "after a run getter that throws late");
    await q.stop();
  });

  test("run getter throwing at push: push throws that error, nothing queued, no id used", async () => {
    const q = tracked();
    const err = new Error("run getter at push");
    const e = throwsNoTrap(() => q.push({ get run() { throw err; } }), undefined, "push");
    assert.ok(e === err || e instanceof TypeError, "the getter's own error or a TypeError");
    assert.equal(q.size, 0);
    assert.equal(q.status(1), undefined);
    assert.equal(await stillWorks(q, "after the failed push"), 1, "no id was used");
    await q.stop();
  });

  test("a revoked Proxy as runner: push throws TypeError, no id used", async () => {
    const q = tracked();
    const { proxy, revoke } = Proxy.revocable({ run: () => 1 }, {});
    revoke();
    throwsNoTrap(() => q.push(proxy), TypeError, "push(revoked proxy)");
    throwsNoTrap(() => q.pushAll([() => 1, proxy]), TypeError, "pushAll([…, revoked proxy])");
    assert.equal(q.size, 0);
    assert.equal(await stillWorks(q, "after revoked proxies"), 1);
    await q.stop();
  });

  test("a Proxy runner whose get trap supplies run: called with this = the proxy", async () => {
    const q = tracked();
    let self;
    const proxy = new Proxy({}, {
      get(_t, key) {
        return key === "run" ? function () { self = this; return "via proxy"; } : undefined;
      },
    });
    const o = await outcome(q, proxy);
    assert.equal(o.value, "via proxy");
    assert.equal(self, proxy);
    await q.stop();
  });

  test("a revoked Proxy of a function as runner: the job fails with a TypeError, no trap", async () => {
    const q = tracked();
    const { proxy, revoke } = Proxy.revocable(() => 1, {});
    revoke();
    let id;
    try {
      id = q.push(proxy);
    } catch (e) {
      // Refusing it at push is fine too.
      assertNoTrap(e, "push");
      assert.ok(e instanceof TypeError, "push throws TypeError");
    }
    if (id !== undefined) {
      const w = watch(q.wait(id));
      await waitFor(() => w.settled, "the job to settle");
      assert.ok(w.rejected && w.reason instanceof TypeError, "failed with a TypeError");
      assertNoTrap(w.reason, "the job's error");
    }
    await stillWorks(q, "after a revoked function proxy");
    await q.stop();
  });
});

describe("hostile thenables", () => {
  for (const mode of ["sync", "async"]) {
    test(`run returns an object whose then getter throws: failed with that error (${mode})`, async () => {
      const q = tracked(mode);
      const err = new Error("then getter");
      const o = await outcome(q, () => ({
        get then() {
          throw err;
        },
      }));
      assert.ok(o.rejected);
      assert.equal(o.reason, err);
      assert.equal(o.status, "failed");
      await stillWorks(q, "after a then getter that throws");
      await q.stop();
    });

    test(`run returns a Proxy whose get trap throws: failed with that error (${mode})`, async () => {
      const q = tracked(mode);
      const err = new Error("get trap");
      const o = await outcome(q, () =>
        new Proxy({}, {
          get() {
            throw err;
          },
        }),
      );
      assert.ok(o.rejected);
      assert.equal(o.reason, err);
      await stillWorks(q, "after a throwing proxy");
      await q.stop();
    });

    test(`run returns a revoked Proxy: failed with a TypeError, as await would (${mode})`, async () => {
      const q = tracked(mode);
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const o = await outcome(q, () => proxy);
      assert.ok(o.rejected, "wait() rejects");
      assert.ok(o.reason instanceof TypeError, "with a TypeError");
      assertNoTrap(o.reason, "the job's error");
      await stillWorks(q, "after a revoked proxy value");
      await q.stop();
    });

    test(`thenable calling back twice: the first call wins (${mode})`, async () => {
      const q = tracked(mode);
      const calls = [
        (ok, fail) => { ok("first"); ok("second"); fail(new Error("third")); },
        (ok, fail) => { fail("first-error"); ok("second"); },
        (ok) => { ok("sync"); setTimeout(() => ok("late"), 0); },
        (ok) => { ok("before throw"); throw new Error("after the callback"); },
      ];
      const want = [["value", "first"], ["reason", "first-error"], ["value", "sync"], ["value", "before throw"]];
      for (let i = 0; i < calls.length; i++) {
        const o = await outcome(q, () => ({ then: calls[i] }));
        const [field, value] = want[i];
        assert.equal(o[field], value, `thenable #${i}`);
        assert.equal(o.status, field === "value" ? "succeeded" : "failed", `thenable #${i} status`);
      }
      await ticks(2);
      await stillWorks(q, "after double callbacks");
      await q.stop();
    });

    test(`thenable that never calls back, with a per-job timeout: ERR_TIMEOUT, then the queue goes on (${mode})`, async () => {
      const q = tracked(mode);
      const o = await outcome(q, () => ({ then() {} }), { timeout: 5 });
      assert.ok(o.rejected);
      assert.ok(o.reason instanceof QueueError && o.reason.code === "ERR_TIMEOUT", "ERR_TIMEOUT");
      await stillWorks(q, "after a thenable that never settles");
      await q.stop();
    });

    test(`thenable that never calls back, cancelled: failed with the reason, slot freed (${mode})`, async () => {
      const q = tracked(mode);
      const id = q.push(() => ({ then() {} }));
      const w = watch(q.wait(id));
      await waitFor(() => q.status(id) === "running", "the job to start");
      const reason = new Error("gave up");
      assert.equal(q.cancel(id, reason), true);
      await waitFor(() => w.settled, "wait() to settle");
      assert.equal(w.reason, reason);
      await stillWorks(q, "after cancelling a thenable that never settles");
      await q.stop();
    });

    // Promises/A+: the callbacks given to a thenable's then() resolve, they do not fulfil: a
    // thenable passed to them is adopted, as `await` does. API.md: "returns a thenable →
    // awaited".
    test(`thenable fulfilling with a promise: the job's value is the promise's value (${mode})`, async () => {
      const q = tracked(mode);
      const o = await outcome(q, () => ({ then(ok) { ok(Promise.resolve(5)); } }));
      assert.equal(o.status, "succeeded");
      assert.equal(q.result(o.id), 5, "result() is the awaited value, not the inner promise");
      await stillWorks(q, "after a nested thenable");
      await q.stop();
    });

    test(`thenable fulfilling with a rejected promise: failed with its reason, nothing unhandled (${mode})`, async () => {
      const q = tracked(mode);
      const err = new Error("inner rejection");
      const id = q.push(() => ({ then(ok) { ok(Promise.reject(err)); } }));
      await within(q.onIdle(), "onIdle");
      await ticks(3);
      assert.equal(q.status(id), "failed", "status");
      assert.throws(() => q.result(id), { is: err }, "result() throws the inner reason");
      await stillWorks(q, "after a nested rejection");
      await q.stop();
    });
  }
});

describe("values that cannot be structured-cloned", () => {
  const sym = Symbol("job value");
  const fn = function jobValue() {};
  const wm = new WeakMap();
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const values = [["a function", fn], ["a symbol", sym], ["a WeakMap", wm]];
  for (const [label, value] of values) {
    test(`${label} returned: kept as is (result, wait, completed event)`, async () => {
      const q = tracked();
      const seen = [];
      q.addEventListener("completed", (e) => seen.push(e.detail.value));
      const id = q.push(() => value);
      assert.equal(await within(q.wait(id), "wait"), value);
      assert.equal(q.result(id), value);
      assert.deepEqual(seen, [value]);
      await stillWorks(q, label);
      await q.stop();
    });
  }
  for (const [label, value] of [...values, ["a revoked Proxy", revoked]]) {
    test(`${label} thrown: kept as is (result, wait, failed event)`, async () => {
      const q = tracked();
      const seen = [];
      q.addEventListener("failed", (e) => seen.push(e.detail.error));
      const id = q.push(() => {
        throw value;
      });
      const w = watch(q.wait(id));
      await waitFor(() => w.settled, "wait");
      assert.ok(w.rejected && w.reason === value, "wait() rejects with the very value");
      assert.equal(seen.length, 1);
      assert.ok(seen[0] === value, "failed event carries the very value");
      let thrown;
      try {
        q.result(id);
      } catch (e) {
        thrown = e;
      }
      assert.ok(thrown === value, "result() throws the very value");
      await stillWorks(q, label);
      await q.stop();
    });
  }

  test("a revoked Proxy rejected by a promise: kept as is", async () => {
    const q = tracked("async");
    const id = q.push(() => Promise.reject(revoked));
    const w = watch(q.wait(id));
    await waitFor(() => w.settled, "wait");
    assert.ok(w.rejected && w.reason === revoked);
    await stillWorks(q, "revoked proxy rejection");
    await q.stop();
  });
});

describe("hostile ids", () => {
  // Numbers that are not ids of any job: ERR_NOT_FOUND / undefined / false, never job 1.
  const numbers = [
    ["-0", -0],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["2**53", 2 ** 53],
    ["2**53 - 1", 2 ** 53 - 1],
    ["2**53 + 2", 2 ** 53 + 2],
    ["-(2**53)", -(2 ** 53)],
    ["Number.MIN_VALUE", Number.MIN_VALUE],
    ["1 + Number.EPSILON", 1 + Number.EPSILON],
    ["1 - Number.EPSILON / 2", 1 - Number.EPSILON / 2],
    ["2**32 + 1", 2 ** 32 + 1],
    ["2**64", 2 ** 64],
    ["Number.MAX_VALUE", Number.MAX_VALUE],
  ];
  test("numbers that are no job's id: status undefined, result/wait ERR_NOT_FOUND, cancel/setPriority false", async () => {
    for (const track of [true, false]) {
      const q = new Queue({ track });
      q.start();
      const gate = deferred();
      const one = q.push(() => gate.promise); // job 1 running
      const two = q.push(() => "two"); // job 2 waiting
      await waitFor(() => q.status(one) === "running", "job 1 to start");
      for (const [label, id] of numbers) {
        const where = `${label} (track ${track})`;
        assert.equal(q.status(id), undefined, `status(${where})`);
        throwsNoTrap(() => q.result(id), track ? qe("ERR_NOT_FOUND") : qe("ERR_NOT_IMPLEMENTED"), `result(${where})`);
        const r = await assert.rejects(within(q.wait(id), `wait(${where})`), qe("ERR_NOT_FOUND"), `wait(${where})`);
        assertNoTrap(r, `wait(${where})`);
        assert.equal(q.cancel(id), false, `cancel(${where})`);
        assert.equal(q.setPriority(id, 5), false, `setPriority(${where})`);
      }
      assert.equal(q.status(one), "running", "job 1 untouched");
      assert.equal(q.status(two), "pending", "job 2 untouched");
      gate.resolve("one");
      await within(q.onIdle(), "onIdle");
      if (track) assert.deepEqual([q.result(one), q.result(two)], ["one", "two"]);
      await stillWorks(q, `after odd ids (track ${track})`);
      await q.stop();
    }
  });

  test("ids of other types throw TypeError, never read as a number: cancel, setPriority too", async () => {
    const q = tracked();
    // Objects that would pass for job 1 if anything converted them to a number.
    const one = { valueOf: () => 1, toString: () => "1" };
    const explosive = {
      [Symbol.toPrimitive]() {
        throw new Error("converted");
      },
    };
    const others = [
      ["\"1\"", "1"],
      ["{}", {}],
      ["new Number(1)", new Number(1)],
      ["1n", 1n],
      ["an object whose valueOf is 1", one],
      ["an object whose toPrimitive throws", explosive],
      ["null", null],
      ["[1]", [1]],
    ];
    q.push(() => "one");
    await within(q.onIdle(), "onIdle");
    for (const [label, id] of others) {
      throwsNoTrap(() => q.status(id), TypeError, `status(${label})`);
      throwsNoTrap(() => q.result(id), TypeError, `result(${label})`);
      throwsNoTrap(() => q.wait(id), TypeError, `wait(${label})`);
      throwsNoTrap(() => q.cancel(id), TypeError, `cancel(${label})`);
      throwsNoTrap(() => q.setPriority(id, 1), TypeError, `setPriority(${label})`);
    }
    assert.equal(q.result(1), "one", "job 1's record untouched");
    await stillWorks(q, "after ids of other types");
    await q.stop();
  });
});

describe("hostile options", () => {
  const err = new Error("option getter");
  const getterThrows = (key) => Object.defineProperty({}, key, {
    get() {
      throw err;
    },
    enumerable: true,
  });
  for (const key of ["priority", "timeout", "signal"]) {
    test(`push options whose ${key} getter throws: push throws it, nothing queued, no id used`, async () => {
      const q = tracked();
      let ran = false;
      throwsNoTrap(() => q.push(() => (ran = true), getterThrows(key)), { is: err }, `push(…, {${key}})`);
      throwsNoTrap(() => q.pushAll([() => (ran = true)], getterThrows(key)), { is: err }, `pushAll(…, {${key}})`);
      assert.equal(q.size, 0);
      assert.equal(q.status(1), undefined);
      assert.equal(await stillWorks(q, `after a throwing ${key} getter`), 1, "no id was used");
      assert.equal(ran, false);
      await q.stop();
    });
  }

  test("push options as a Proxy whose get trap throws: push throws it, no id used", async () => {
    const q = tracked();
    const opts = new Proxy({}, {
      get() {
        throw err;
      },
    });
    throwsNoTrap(() => q.push(() => 1, opts), { is: err }, "push");
    assert.equal(await stillWorks(q, "after a throwing options proxy"), 1);
    await q.stop();
  });

  for (const key of ["mode", "track", "concurrency", "timeout", "autoStart", "maxRecords"]) {
    test(`queue options whose ${key} getter throws: the constructor throws it; later queues work`, async () => {
      throwsNoTrap(() => new Queue(getterThrows(key)), { is: err }, `new Queue({${key}})`);
      const q = tracked();
      await stillWorks(q, "a new queue");
      await q.stop();
    });
  }

  test("a signal whose aborted getter throws: push throws it, nothing queued, no id used", async () => {
    const q = tracked();
    const signal = new AbortController().signal;
    let reads = 0;
    Object.defineProperty(signal, "aborted", {
      get() {
        if (++reads > 1) throw err;
        return false;
      },
    });
    try {
      q.push(() => 1, { signal });
      assert.fail("push should have thrown");
    } catch (e) {
      assertNoTrap(e, "push");
    }
    assert.equal(q.size, 0, "nothing queued");
    assert.equal(await stillWorks(q, "after a throwing aborted getter"), 1, "no id was used");
    await q.stop();
  });

  // API.md: "in both cases nothing is queued or recorded. A failed push uses up no id."
  test("a signal whose addEventListener throws: push throws it, nothing queued, no id used", async () => {
    for (const mode of ["sync", "async"]) {
      const q = tracked(mode);
      const first = await stillWorks(q, "before");
      const signal = new AbortController().signal;
      signal.addEventListener = () => {
        throw err;
      };
      let ran = false;
      throwsNoTrap(() => q.push(() => (ran = true), { signal }), { is: err }, `push (${mode})`);
      assert.equal(q.size, 0, `nothing queued (${mode})`);
      assert.equal(q.status(first + 1), undefined, `no record for the next id (${mode})`);
      const next = await stillWorks(q, `after a throwing addEventListener (${mode})`);
      assert.equal(next, first + 1, `no id was used (${mode})`);
      await within(q.onIdle(), "onIdle");
      assert.equal(ran, false, `the refused job never ran (${mode})`);
      assert.equal(q.status(next + 1), undefined, `no job beyond the last push (${mode})`);
      await q.stop();
    }
  });

  test("setPriority with a priority of the wrong type: TypeError, job unchanged", async () => {
    const q = tracked();
    const gate = deferred();
    q.push(() => gate.promise);
    const id = q.push(() => "two");
    for (const p of ["1", {}, null, 1n, NaN, { valueOf: () => 3 }]) {
      throwsNoTrap(() => q.setPriority(id, p), [TypeError, RangeError], `setPriority(id, ${typeof p})`);
    }
    assert.equal(q.status(id), "pending");
    gate.resolve();
    assert.equal(await within(q.wait(id), "wait"), "two");
    await q.stop();
  });
});
