// The package entry: instantiates the WebAssembly module (inlined, so no fetch, no init()
// call, no bundler plugin) and exports the public API. The queue itself is Rust
// (src/wasm/queue.rs); this file only loads it and adapts the class to JS conventions.
// Built into dist/gorqs.mjs and dist/gorqs.cjs by scripts/build.sh.

import { initSync, Queue, queueErrorClass, takePushError, hostOf } from "../dist/core/gorqs_core.js";
import { wasmBytes } from "../dist/core/wasm_inline.js";

initSync({ module: wasmBytes() });

/** The error the queue throws for its own conditions, with a `code` and Go's text. */
export const QueueError = queueErrorClass();
// Their own names, whatever the minifier calls the classes: Node prints a thrown error as
// `QueueError: …`, not `T [QueueError]: …`, and a queue as `Queue`, not `_` (esbuild's
// --keep-names measured +1.1 KB gzip).
for (const [type, name] of [[QueueError, "QueueError"], [Queue, "Queue"]]) Object.defineProperty(type, "name", { value: name });

// A Queue is an EventTarget: `instanceof EventTarget` holds, and its own addEventListener,
// removeEventListener and dispatchEvent (Rust) serve the events.
// (A host without EventTarget gets the constructor's error naming it, not a failed import.)
if (typeof EventTarget === "function") Object.setPrototypeOf(Queue.prototype, EventTarget.prototype);

/** Sets a method of `Queue.prototype` as a class method is set (not enumerable). */
const define = (key, value) => Object.defineProperty(Queue.prototype, key, { value, writable: true, configurable: true });

// console.log(queue) in Node, Bun and Deno: the queue's stats() snapshot. (EventTarget's own
// inspector threw for a queue in Node 20, which is no EventTarget of Node's making; Node 22+
// printed `_ {}`, Bun the wasm-bindgen wrapper's fields, Deno `Queue {}`. Deno calls its hook
// with `(inspect, options)`: the snapshot goes out as JSON there.)
function inspect(depth, options, show) {
  let stats; try { stats = this.stats(); } catch { return "Queue <freed>"; }
  return `Queue ${typeof show === "function" ? show(stats, options) : JSON.stringify(stats)}`;
}
for (const key of ["nodejs.util.inspect.custom", "Deno.customInspect"]) define(Symbol.for(key), inspect);

// free() and [Symbol.dispose]() stop and release the queue, and later calls throw a clear
// error. The Rust value itself goes with its JS object, to the garbage collector: releasing
// it at once would turn later calls into wasm-bindgen's "null pointer passed to rust".
for (const key of ["free", ...(typeof Symbol.dispose === "symbol" ? [Symbol.dispose] : [])]) define(key, Queue.prototype.dispose);

// push(): a plain push (no options) is taken by the queue's JS host while the Rust executor
// keeps its inbox open (no boundary crossing; Rust absorbs it at its next entry); any other
// push is Rust's `pushId`, which returns 0 instead of throwing (a `Result` made the glue
// allocate an array per call) and keeps the error for `takePushError`.
const HOST = Symbol("gorqs host");
const pushId = Queue.prototype.pushId;
define("push", function push(runner, options) {
  const id = options === undefined ? (this[HOST] ??= hostOf(this)).push(runner) : 0;
  if (id !== 0) return id;
  const slow = pushId.call(this, runner, options);
  if (slow === 0) throw takePushError(this);
  return slow;
});

// result(id) and its alias fetch(id): a record holding an int32 is taken by Rust's `resultInt`
// in one crossing, as a number, with no JS object made (a `Result` return measured 140 ns per
// read in Node 24: a crossing for the id's type, one to make the number, an array in the glue);
// NaN means anything else, which Rust's `result` answers (a value, a throw).
const resultOf = Queue.prototype.result;
const result = function result(id) {
  const n = typeof id === "number" ? this.resultInt(id) : NaN;
  return n === n ? n : resultOf.call(this, id);
};
for (const key of ["result", "fetch"]) define(key, result);

// wait(id) of a job the queue's JS host holds in its inbox (pending for sure: see host.js
// `waitHeld`) is taken there, with no crossing; any other is Rust's `wait`, which asks the
// host for the promise itself when the job is pending or running.
const waitOf = Queue.prototype.wait;
define("wait", function wait(id) {
  return (typeof id === "number" && (this[HOST] ??= hostOf(this)).waitHeld(id)) || waitOf.call(this, id);
});

// V8 keeps a hidden class only while some object has it: at a full GC with no queue alive, the
// classes of a queue (with its host symbol) and of its host go, and every optimized `push`,
// `put`, `invoke` built on them is thrown away ("embedded weak objects cleared", "dependent
// field type constness changed"), so each new queue warms up again. This queue, never used,
// keeps them for the module's life (held by `Queue` under a symbol: a module constant nothing
// reads is collected). Measured in Node 24: a queue made after a GC ran serial sync jobs at 133
// ns/job without it, 46 with it; the benchmark's S1 push 46 -> 19 ns. (A host lacking the
// globals a queue needs gets their error from `new Queue`, not from this import.)
try { const q = new Queue(); q[HOST] = hostOf(q); Object.defineProperty(Queue, Symbol("gorqs shapes"), { value: q }); } catch {}

/** Run jobs one at a time, in push order (Go `gorqs.SyncMode`). */
export const SyncMode = 1;
/** Run jobs as soon as they are picked, interleaved (Go `gorqs.AsyncMode`). */
export const AsyncMode = 2;
/** Keep each job's outcome for lookup by id (Go `gorqs.TrackJobs`). */
export const TrackJobs = 4;

export { Queue, SyncMode as MODE_SYNC, AsyncMode as MODE_ASYNC, TrackJobs as TRACK_JOBS };
