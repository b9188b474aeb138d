// free(), Symbol.dispose, and bad input that must never trap the module (API.md, "Safety").
import * as gorqs from "../../../pkg/dist/gorqs.mjs";
import { describe, test, assert } from "../harness.mjs";
import { deferred, hasSymbolDispose, qe, waitFor, watch, within } from "./_helpers.mjs";

const { Queue } = gorqs;

const FREED = /freed/i;
const WASM_INTERNALS = /null pointer|recursive use|already borrowed|unreachable|panicked|RuntimeError|memory access out of bounds/i;

/** A started queue with one finished tracked job, then freed. */
async function freedQueue() {
  const q = new Queue({ track: true });
  q.start();
  q.push(() => 1);
  await within(q.onIdle(), "onIdle");
  q.free();
  return q;
}

function assertFreedError(fn, label) {
  const err = assert.throws(fn, Error, label);
  assert.match(err.message, FREED, `${label}: message says the queue was freed`);
  assert.ok(!/null pointer/i.test(err.message), `${label}: not wasm-bindgen's null pointer message`);
}

describe("safety", () => {
  test("free() exists", () => {
    assert.equal(typeof new Queue().free, "function");
  });

  const calls = {
    "push()": (q) => q.push(() => {}),
    "pushAll()": (q) => q.pushAll([() => {}]),
    "start()": (q) => q.start(),
    "stop()": (q) => q.stop(),
    "isRunning()": (q) => q.isRunning(),
    "result()": (q) => q.result(1),
    "fetch()": (q) => q.fetch(1),
    "status()": (q) => q.status(1),
    "wait()": (q) => q.wait(1),
    "clear()": (q) => q.clear(),
    "onIdle()": (q) => q.onIdle(),
    "onEmpty()": (q) => q.onEmpty(),
  };
  for (const [label, call] of Object.entries(calls)) {
    test(`after free(), ${label} throws an Error saying the queue was freed`, async () => {
      const q = await freedQueue();
      assertFreedError(() => call(q), label);
    });
  }

  test("after free(), reading size and running throws the freed Error", async () => {
    const q = await freedQueue();
    assertFreedError(() => q.size, "size");
    assertFreedError(() => q.running, "running");
  });

  test("free() stops the queue: waiting jobs fail ERR_QUEUE_CLOSED, the running one finishes", async () => {
    const q = new Queue({ track: true });
    q.start();
    const log = [];
    const gate = deferred();
    const a = q.push(() => {
      log.push("a:start");
      return gate.promise.then(() => {
        log.push("a:end");
        return "a";
      });
    });
    const b = q.push(() => log.push("b"));
    const wa = watch(q.wait(a));
    const wb = watch(q.wait(b));
    await waitFor(() => log.length === 1, "a to start");
    q.free();
    await waitFor(() => wb.settled, "wait(b) to settle");
    assert.ok(wb.rejected, "wait(b) rejects");
    assert.ok(wb.reason instanceof gorqs.QueueError);
    assert.equal(wb.reason.code, "ERR_QUEUE_CLOSED");
    gate.resolve();
    await waitFor(() => wa.settled, "wait(a) to settle");
    assert.ok(wa.fulfilled, "the running job finished");
    assert.equal(wa.value, "a");
    assert.deepEqual(log, ["a:start", "a:end"]);
  });

  test("free() resolves a pending start() promise", async () => {
    const q = new Queue();
    const started = watch(q.start());
    q.free();
    await waitFor(() => started.settled, "start() to settle");
    assert.ok(started.fulfilled);
  });

  test("free() of a never-started queue, and other queues keep working", async () => {
    const a = new Queue();
    a.free();
    const b = new Queue({ track: true });
    b.start();
    const id = b.push(() => "fine");
    assert.equal(await within(b.wait(id), "wait()"), "fine");
    await b.stop();
  });

  test("Symbol.dispose frees the queue (when the runtime has Symbol.dispose)", async () => {
    if (!hasSymbolDispose) {
      assert.equal(typeof Symbol.dispose, "undefined");
      return;
    }
    const q = new Queue({ track: true });
    assert.equal(typeof q[Symbol.dispose], "function");
    q.start();
    q[Symbol.dispose]();
    assertFreedError(() => q.push(() => {}), "push() after dispose");
  });
});

describe("bad input never traps", () => {
  /** Runs `fn`; if it throws, the error must be a plain JS error, not a wasm trap or internals. */
  function tryBad(fn, label, { internalsOk = false } = {}) {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof Error, `${label}: threw an Error (got ${String(e)})`);
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `${label}: not a WebAssembly trap (${e.message})`);
      if (!internalsOk) {
        assert.ok(!WASM_INTERNALS.test(e.message), `${label}: message leaks wasm internals: ${e.message}`);
      }
    }
  }

  test("a barrage of bad arguments, then the queue still works", async () => {
    const q = new Queue({ track: true, mode: "async" });
    q.start();
    const weird = [undefined, null, NaN, -0, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e308, "", "1", {}, [], () => {}, Symbol("s"), 10n, true, new Proxy({}, {})];
    for (const v of weird) {
      tryBad(() => q.push(v), `push(${String(v)})`);
      tryBad(() => q.push(() => {}, v), `push(fn, ${String(v)})`);
      tryBad(() => q.push(() => {}, { priority: v }), `priority ${String(v)}`);
      tryBad(() => q.push(() => {}, { timeout: v }), `timeout ${String(v)}`);
      tryBad(() => q.push(() => {}, { signal: v }), `signal ${String(v)}`);
      tryBad(() => q.pushAll(v), `pushAll(${String(v)})`);
      tryBad(() => q.pushAll([() => {}], v), `pushAll(…, ${String(v)})`);
      tryBad(() => q.result(v), `result(${String(v)})`);
      tryBad(() => q.status(v), `status(${String(v)})`);
      tryBad(() => {
        const p = q.wait(v);
        if (p && typeof p.then === "function") p.then(null, () => {});
      }, `wait(${String(v)})`);
      tryBad(() => new Queue(v), `new Queue(${String(v)})`);
      tryBad(() => new Queue({ concurrency: v, timeout: v, maxRecords: v }), `options ${String(v)}`);
    }
    await within(q.onIdle(), "onIdle after the barrage");
    const id = q.push(() => "still works");
    assert.equal(await within(q.wait(id), "wait()"), "still works");
    await q.stop();
  });

  test("a runner whose run getter throws: a JS error, the queue still works", async () => {
    const q = new Queue({ track: true });
    q.start();
    const err = new Error("getter");
    const evil = {
      get run() {
        throw err;
      },
    };
    tryBad(() => {
      const id = q.push(evil);
      if (typeof id === "number") q.wait(id).then(null, () => {});
    }, "evil runner");
    await within(q.onIdle(), "onIdle");
    const id = q.push(() => "ok");
    assert.equal(await within(q.wait(id), "wait()"), "ok");
    await q.stop();
  });

  test("methods called on a foreign this throw a JS error, not a trap", async () => {
    for (const name of ["push", "start", "stop", "status", "result", "isRunning", "clear"]) {
      // Only "no trap" here: API.md does not say which error a foreign `this` gets.
      tryBad(() => Queue.prototype[name].call({}, () => {}), `${name} on {}`, { internalsOk: true });
    }
    const q = new Queue({ track: true });
    q.start();
    const id = q.push(() => "ok");
    assert.equal(await within(q.wait(id), "wait()"), "ok");
    await q.stop();
  });

  test("many queues created and freed, then one more works", async () => {
    for (let i = 0; i < 2000; i++) {
      const q = new Queue(i % 2 ? gorqs.AsyncMode : gorqs.SyncMode);
      if (i % 3 === 0) q.start();
      q.free();
    }
    const q = new Queue({ track: true, autoStart: true });
    const id = q.push(() => "ok");
    assert.equal(await within(q.wait(id), "wait()"), "ok");
    assert.throws(() => q.result(id + 1), qe("ERR_NOT_FOUND"));
    await q.stop();
  });
});
