// The package entry: instantiates the WebAssembly core (inlined, so no fetch, no init() call,
// no bundler plugin) and exports the public API. Built into dist/gorqs.mjs and dist/gorqs.cjs.

import { initSync } from "../dist/core/gorqs_core.js";
import { wasmBytes } from "../dist/core/wasm_inline.js";
import { loadErrorTable, QueueError } from "./errors.js";
import { Queue, SyncMode, AsyncMode, TrackJobs } from "./queue.js";

initSync({ module: wasmBytes() });
loadErrorTable();

export { Queue, QueueError, SyncMode, AsyncMode, TrackJobs };
export { SyncMode as MODE_SYNC, AsyncMode as MODE_ASYNC, TrackJobs as TRACK_JOBS };
