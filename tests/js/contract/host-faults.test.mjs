// User code or a host that misbehaves never wedges a queue (issue 14): a missing global, a Proxy
// whose every trap throws, a listener that throws, a signal whose addEventListener throws in
// the middle of pushAll. After each, the same queue keeps running jobs and free() works.
// (Memory staying level over many such faults is checked in Node by tests/stress/faults.mjs,
// which can read the wasm memory.)
import { gorqs, within } from "./_helpers.mjs";
import { describe, test, assert, captureReported } from "../harness.mjs";

const { Queue } = gorqs;

/** A Proxy whose every trap throws (`target`: an object or a function). */
function hostile(target = {}) {
  const traps = ["get", "set", "has", "deleteProperty", "ownKeys", "getOwnPropertyDescriptor",
    "defineProperty", "getPrototypeOf", "setPrototypeOf", "isExtensible", "preventExtensions",
    "apply", "construct"];
  return new Proxy(target, Object.fromEntries(traps.map((t) => [t, () => { throw new Error(`trap ${t}`); }])));
}

/** The queue still works: it runs a job to its value, and then it can be freed. */
async function stillWorks(q, label) {
  const before = q.stats().pushed;
  const id = q.push(() => `after ${label}`);
  assert.equal(id, before + 1, `${label}: the next id follows (nothing else was queued)`);
  assert.equal(await within(q.wait(id), `a job after ${label}`), `after ${label}`);
  assert.equal(q.size, 0);
  assert.equal(q.running, 0);
}

/** Runs `fn` with `globalThis[name]` removed, then puts it back. */
function without(name, fn) {
  const saved = Object.getOwnPropertyDescriptor(globalThis, name);
  delete globalThis[name];
  try {
    return fn();
  } finally {
    Object.defineProperty(globalThis, name, saved);
  }
}

describe("host faults", () => {
  test("events still arrive, with their detail, in a realm without CustomEvent", async () => {
    const q = new Queue({ track: true });
    q.start();
    const seen = [];
    for (const type of ["active", "completed", "failed", "idle"]) {
      q.addEventListener(type, (e) => seen.push([e.type, e.detail && (e.detail.value ?? e.detail.error ?? e.detail.id)]));
    }
    await without("CustomEvent", async () => {
      const a = q.push(() => "a");
      const b = q.push(() => { throw "b"; });
      await within(q.onIdle(), "the jobs to run without CustomEvent");
      assert.deepEqual(seen, [["active", a], ["completed", "a"], ["active", b], ["failed", "b"], ["idle", null]]);
    });
    await stillWorks(q, "events without CustomEvent");
    q.free();
  });

  test("a Proxy whose every trap throws, as runner, options, signal, id or flags: a clear error, nothing queued", async () => {
    const q = new Queue({ track: true });
    q.start();
    const p = hostile();
    assert.throws(() => q.push(p), /trap get/, "runner: the error of reading its `run`");
    assert.throws(() => q.push(() => 1, p), /trap get/, "options: the error of reading them");
    assert.throws(() => q.push(() => 1, { signal: p }), /trap get/, "signal: the error of reading it");
    assert.throws(() => q.pushAll(p), /trap get/, "runners of pushAll");
    assert.throws(() => q.pushAll([() => 1], p), /trap get/, "options of pushAll");
    for (const method of ["result", "fetch", "status", "wait", "cancel", "setPriority"]) {
      assert.throws(() => q[method](p), TypeError, `id of ${method}`);
    }
    assert.throws(() => { q.concurrency = p; }, TypeError, "concurrency");
    assert.throws(() => q.onSizeLessThan(p), TypeError, "limit of onSizeLessThan");
    assert.throws(() => q.start(p), /trap get/, "signal of start: the error of reading it");
    assert.throws(() => new Queue(p), /trap get/, "queue options");
    assert.throws(() => q.addEventListener(p, () => {}), /trap/, "event type");
    assert.equal(q.size, 0, "nothing was queued");
    assert.equal(q.stats().pushed, 0, "no id was used");
    await stillWorks(q, "hostile Proxies");
    // A function Proxy is a function: it is queued, and its call's throw fails the job.
    const id = q.push(hostile(function () {}));
    await assert.rejects(q.wait(id), /trap apply/);
    await stillWorks(q, "a hostile function runner");
    q.free();
    assert.throws(() => q.push(() => 1), /freed/);
  });

  test("a listener that throws: the host reports its error, the queue goes on", async () => {
    const reports = captureReported((e) => String(e).includes("listener threw"));
    try {
      const q = new Queue({ track: true });
      q.start();
      let calls = 0;
      q.addEventListener("completed", () => {
        calls++;
        throw new Error("listener threw");
      });
      const ids = [q.push(() => 1), q.push(() => 2), q.push(() => 3)];
      for (const [i, id] of ids.entries()) assert.equal(await within(q.wait(id), `job ${id}`), i + 1);
      await within(q.onIdle(), "idle");
      assert.equal(calls, 3, "the listener ran for every job");
      await stillWorks(q, "throwing listeners");
      await new Promise((resolve) => setTimeout(resolve, 0)); // Node reports on the next tick
      assert.equal(reports.caught.length, 4, "each throw was reported by the host");
      q.free();
    } finally {
      reports.release();
    }
  });

  test("an abort listener on ctx.signal that throws when cancel() aborts it: reported, the job fails, the queue goes on", async () => {
    const reports = captureReported((e) => String(e).includes("abort listener threw"));
    try {
      const q = new Queue({ track: true, autoStart: true });
      let heard = 0;
      const id = q.push((ctx) => new Promise((resolve) => {
        ctx.signal.addEventListener("abort", () => {
          heard++;
          throw new Error("abort listener threw");
        });
        setTimeout(resolve, 50);
      }));
      await within(q.onSizeLessThan(1), "the job started");
      assert.equal(q.cancel(id), true, "cancel() of the running job");
      await assert.rejects(within(q.wait(id), "the cancelled job"), { name: "AbortError" });
      assert.equal(heard, 1, "the listener ran");
      await stillWorks(q, "a throwing abort listener");
      await new Promise((resolve) => setTimeout(resolve, 0)); // Node reports on the next tick
      assert.equal(reports.caught.length, 1, "the throw was reported by the host");
      q.free();
    } finally {
      reports.release();
    }
  });

  test("pushAll whose signal's addEventListener throws on the third runner queues nothing", async () => {
    const q = new Queue({ track: true });
    q.start();
    let added = 0;
    let removed = 0;
    const signal = {
      aborted: false,
      reason: undefined,
      addEventListener() {
        if (++added === 3) throw new Error("third addEventListener threw");
      },
      removeEventListener() {
        removed++;
      },
    };
    const ran = [];
    const runners = [1, 2, 3, 4].map((n) => () => ran.push(n));
    assert.throws(() => q.pushAll(runners, { signal }), /third addEventListener threw/);
    assert.equal(added, 3, "it stopped at the throw");
    assert.equal(removed, 2, "the listeners added before it were removed");
    assert.equal(q.size, 0, "nothing was queued");
    assert.equal(q.stats().pushed, 0, "no id was used");
    await stillWorks(q, "a throwing addEventListener");
    assert.deepEqual(ran, [], "none of the batch ran");
    q.free();
  });

  test("a host without a global the queue needs: the constructor names what is missing", () => {
    for (const name of ["setTimeout", "EventTarget", "AbortController"]) {
      assert.throws(() => without(name, () => new Queue()), { type: TypeError, message: new RegExp(name) }, name);
    }
    // Not needed: the queue's microtasks are reactions to a fulfilled promise (host.js `microtask`).
    without("queueMicrotask", () => new Queue()).free();
    // With them back, queues work.
    const q = new Queue();
    assert.equal(q.isRunning(), false);
    q.free();
  });

  test("free() inside a throwing listener: the queue is freed, the error reported, other queues unharmed", async () => {
    const reports = captureReported((e) => String(e).includes("freed inside"));
    try {
      const q = new Queue({ track: true });
      q.start();
      let ran = 0;
      q.addEventListener("active", () => {
        q.free();
        throw new Error("freed inside the listener");
      });
      q.push(() => ran++);
      q.push(() => ran++);
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => setTimeout(resolve, 0));
      assert.throws(() => q.push(() => 3), /freed/);
      assert.equal(ran, 0, "freed before its first job ran");
      assert.equal(reports.caught.length, 1);
      const fresh = new Queue();
      fresh.start();
      await stillWorks(fresh, "a queue freed by its listener");
      fresh.free();
    } finally {
      reports.release();
    }
  });
});
