// The package entry: instantiates the WebAssembly module (inlined, so no fetch, no init()
// call, no bundler plugin) and exports the public API. The queue itself is Rust
// (src/wasm/queue.rs); this file only loads it and adapts the class to JS conventions.
// Built into dist/gorqs.mjs and dist/gorqs.cjs by scripts/build.sh.

import { initSync, Queue, queueErrorClass, takePushError } from "../dist/core/gorqs_core.js";
import { wasmBytes } from "../dist/core/wasm_inline.js";

initSync({ module: wasmBytes() });

/** The error the queue throws for its own conditions, with a `code` and Go's text. */
export const QueueError = queueErrorClass();

// A Queue is an EventTarget: `instanceof EventTarget` holds, and its own addEventListener,
// removeEventListener and dispatchEvent (Rust) serve the events.
// (A host without EventTarget gets the constructor's error naming it, not a failed import.)
if (typeof EventTarget === "function") Object.setPrototypeOf(Queue.prototype, EventTarget.prototype);

// free() and [Symbol.dispose]() stop and release the queue, and later calls throw a clear
// error. The Rust value itself goes with its JS object, to the garbage collector: releasing
// it at once would turn later calls into wasm-bindgen's "null pointer passed to rust".
for (const key of ["free", ...(typeof Symbol.dispose === "symbol" ? [Symbol.dispose] : [])]) {
  Object.defineProperty(Queue.prototype, key, {
    value: Queue.prototype.dispose,
    writable: true,
    configurable: true,
  });
}

// push() throws its error from here: the Rust `pushId` returns 0 instead of a Result, whose
// glue allocates an array per call (30 of 80 ns per push, measured; see src/wasm/queue.rs).
const pushId = Queue.prototype.pushId;
Object.defineProperty(Queue.prototype, "push", {
  value: function push(runner, options) {
    const id = pushId.call(this, runner, options);
    if (id === 0) throw takePushError();
    return id;
  },
  writable: true,
  configurable: true,
});

/** Run jobs one at a time, in push order (Go `gorqs.SyncMode`). */
export const SyncMode = 1;
/** Run jobs as soon as they are picked, interleaved (Go `gorqs.AsyncMode`). */
export const AsyncMode = 2;
/** Keep each job's outcome for lookup by id (Go `gorqs.TrackJobs`). */
export const TrackJobs = 4;

export { Queue, SyncMode as MODE_SYNC, AsyncMode as MODE_ASYNC, TrackJobs as TRACK_JOBS };
