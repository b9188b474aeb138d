// Leak check (Node): rounds of tracked jobs pushed, run, read and cleared on one queue, with
// the WebAssembly linear memory and the JS heap (after GC) printed per round.
//   node --expose-gc tests/stress/leak.mjs [--rounds=20] [--jobs=100000]
// Passes when the wasm memory stops growing after the first rounds (the same size from round
// SETTLE_ROUND to the end: linear memory never shrinks, so any growth later means the core
// keeps something per job) and the heap after the last rounds (the lowest of the last three,
// after GC) is within 10% of its level once warm (the lowest of rounds SETTLE_ROUND - 1 to
// SETTLE_ROUND + 1: the first rounds add compiled code and feedback, a few hundred KB that
// put a start-based check within a percent of its limit; a leak of even one byte a job adds
// 100 KB a round). Exit code 1 otherwise.
// Also prints, with --spaces=1, how each V8 heap space moved, to find where a leak sits.
//
// Reading the wasm memory: the package does not expose its module. This check loads the
// unbundled entry (pkg/src/index.js, the same code the bundle is built from) and asks the
// wasm-bindgen glue it shares for its exports: `initSync` returns the instance it already has.
// If that fails (a restructured entry), it falls back to the bundle and reports Node's
// `external` memory (which counts the wasm memory) instead.

if (typeof globalThis.gc !== "function") {
  console.error("leak: run with node --expose-gc tests/stress/leak.mjs");
  process.exit(2);
}

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z]+)=(\d+)$/.exec(a);
    if (!m) {
      console.error(`usage: node --expose-gc tests/stress/leak.mjs [--rounds=N] [--jobs=N]; got ${a}`);
      process.exit(2);
    }
    return [m[1], Number(m[2])];
  }),
);
const ROUNDS = args.rounds ?? 20;
const JOBS = args.jobs ?? 100_000;
/** From this round on, the wasm memory must not grow any more. */
const SETTLE_ROUND = Math.min(4, ROUNDS);
const HEAP_TOLERANCE = 0.1;

let Queue;
let wasmBytes;
let tableSize = () => 0;
let wasmLabel = "wasm memory";
try {
  ({ Queue } = await import("../../pkg/src/index.js"));
  const { initSync } = await import("../../pkg/dist/core/gorqs_core.js");
  const exports = initSync({ module: new Uint8Array(0) });
  if (!(exports && exports.memory instanceof WebAssembly.Memory)) throw new Error("no memory export");
  wasmBytes = () => exports.memory.buffer.byteLength;
  // wasm-bindgen's table of the JS values Rust holds: a value never let go keeps its slot.
  if (exports.__wbindgen_externrefs instanceof WebAssembly.Table) tableSize = () => exports.__wbindgen_externrefs.length;
} catch (e) {
  console.log(`leak: cannot read the wasm memory directly (${e.message}); using process external memory`);
  ({ Queue } = await import("../../pkg/dist/gorqs.mjs"));
  wasmBytes = () => process.memoryUsage().external;
  wasmLabel = "external memory";
}

const macrotask = () => new Promise((resolve) => setImmediate(resolve));

async function settledHeap() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await macrotask();
  }
  return process.memoryUsage().heapUsed;
}

const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;

// ---- Host faults (issue 14): every round also meets FAULTS of each kind, on the same queue:
// a Proxy whose every trap throws as runner, options, signal and id; a listener that throws;
// pushAll whose signal's addEventListener throws on the third runner; events fired with no
// CustomEvent global. The memory checks below then cover them too.
const FAULTS = 200;
const hostile = new Proxy({}, Object.fromEntries(
  ["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "apply"].map((t) => [t, () => { throw new Error(t); }]),
));
let listenerThrows = 0;
process.on("uncaughtException", (e) => {
  if (e && e.message === "listener threw") listenerThrows++;
  else throw e;
});
function throwingSignal() {
  let added = 0;
  return { aborted: false, addEventListener() { if (++added === 3) throw new Error("add threw"); }, removeEventListener() {} };
}
async function faults(q) {
  const expectThrow = (f) => { try { f(); } catch { return; } throw new Error("leak: a fault did not throw"); };
  const pushed = q.stats().pushed;
  for (let i = 0; i < FAULTS; i++) {
    expectThrow(() => q.push(hostile));
    expectThrow(() => q.push(() => 1, hostile));
    expectThrow(() => q.push(() => 1, { signal: hostile }));
    expectThrow(() => q.status(hostile));
    expectThrow(() => q.pushAll([() => 1, () => 2, () => 3], { signal: throwingSignal() }));
  }
  if (q.stats().pushed !== pushed) throw new Error("leak: a fault queued a job");
  const listener = () => { throw new Error("listener threw"); };
  q.addEventListener("completed", listener);
  const saved = globalThis.CustomEvent;
  delete globalThis.CustomEvent;
  try {
    const ids = [];
    for (let i = 0; i < FAULTS; i++) ids.push(q.push(() => i));
    await q.onIdle();
    for (const id of ids) q.result(id);
  } finally {
    globalThis.CustomEvent = saved;
    q.removeEventListener("completed", listener);
  }
  await new Promise((resolve) => setImmediate(resolve));
}

/** One round: JOBS jobs of mixed kinds, all run; half read by result(), the rest cleared. */
async function round(q, r) {
  const first = q.push(() => 0);
  const runners = [];
  for (let i = 1; i < JOBS; i++) {
    const k = i % 20;
    if (k < 14) runners.push(() => i);
    else if (k < 16) runners.push(() => {
      throw i;
    });
    else if (k < 18) runners.push(() => Promise.resolve(i));
    else if (k < 19) runners.push(() => Promise.reject(i));
    else runners.push({ run: () => (i % 1000 === 19 ? new Promise((res) => setImmediate(() => res(i))) : i) });
    // Half the jobs go in one by one, half in pushAll batches.
    if (r % 2 === 0 || runners.length === 1000) {
      if (runners.length === 1) q.push(runners[0]);
      else q.pushAll(runners);
      runners.length = 0;
    }
  }
  if (runners.length) q.pushAll(runners);
  const last = first + JOBS - 1;
  // A few waiters per round, some of them ignored.
  const waits = [];
  for (let id = first; id <= last; id += 997) waits.push(q.wait(id).catch(() => {}));
  await q.onIdle();
  await Promise.all(waits);
  let read = 0;
  for (let id = first; id <= last; id += 2) {
    try {
      q.result(id);
    } catch {}
    read++;
  }
  q.clear();
  if (q.status(first + 1) !== undefined || q.status(last) !== undefined) throw new Error("clear() left records");
  await faults(q);
  return read;
}

const q = new Queue({ track: true });
q.start();
// --spaces=1: also print how each V8 heap space moved since the start (to find a leak).
const { getHeapSpaceStatistics } = await import("node:v8");
// Warm up (both push paths, the JIT, the queue's own structures) before the baseline.
await round(q, 0);
await round(q, 1);
const heap0 = await settledHeap();
const wasm0 = wasmBytes();
const spaces0 = getHeapSpaceStatistics();
const spaceDeltas = () =>
  getHeapSpaceStatistics()
    .map((s, i) => [s.space_name, s.space_used_size - spaces0[i].space_used_size])
    .filter(([, d]) => d !== 0)
    .map(([name, d]) => `${name} ${d > 0 ? "+" : ""}${(d / 1024).toFixed(0)} KB`)
    .join(", ");
console.log(`leak: ${ROUNDS} rounds of ${JOBS} tracked jobs on one queue (after two warm-up rounds)`);
console.log(`leak: start: ${wasmLabel} ${mb(wasm0)}, heap ${mb(heap0)}`);
const wasm = [];
const heap = [];
const table = [];
for (let r = 1; r <= ROUNDS; r++) {
  const t0 = Date.now();
  const read = await round(q, r);
  const h = await settledHeap();
  const w = wasmBytes();
  wasm.push(w);
  heap.push(h);
  table.push(tableSize());
  console.log(
    `leak: round ${String(r).padStart(2)}: ${wasmLabel} ${mb(w)}, heap ${mb(h)}, externref table ${tableSize()} ` +
      `(${h >= heap0 ? "+" : ""}${(((h - heap0) / heap0) * 100).toFixed(1)}%), ` +
      `${JOBS} jobs, ${read} read, rest cleared, ${Date.now() - t0} ms`,
  );
  if (args.spaces) console.log(`leak:           spaces since the start: ${spaceDeltas()}`);
}
await q.stop();
console.log(`leak: each round also met ${FAULTS} hostile Proxies of each kind, throwing signals and a throwing listener (${listenerThrows} throws reported)`);

const problems = [];
if (listenerThrows < (ROUNDS + 2) * FAULTS) problems.push(`only ${listenerThrows} listener throws were reported`);
const settled = wasm[SETTLE_ROUND - 1];
const grew = wasm.slice(SETTLE_ROUND - 1).some((w) => w !== settled);
if (grew) problems.push(`${wasmLabel} kept growing after round ${SETTLE_ROUND}: ${wasm.map(mb).join(", ")}`);
// A JS value Rust never lets go of keeps its table slot: the table grows (by doubling) only
// when every slot is taken. (A throwing `catch` import leaked one slot per throw.)
if (table.slice(SETTLE_ROUND - 1).some((n) => n !== table[SETTLE_ROUND - 1])) {
  problems.push(`the externref table kept growing after round ${SETTLE_ROUND}: ${table.join(", ")}`);
}
// The floor of the last three rounds: GC timing moves single readings by a few hundred KB
// (bytecode and feedback kept or flushed), while a leak raises the floor round after round.
const heapEnd = Math.min(...heap.slice(-3));
const heapWarm = Math.min(...heap.slice(SETTLE_ROUND - 2, SETTLE_ROUND + 1));
const drift = (heapEnd - heapWarm) / heapWarm;
if (Math.abs(drift) > HEAP_TOLERANCE) {
  problems.push(`heap after the last round is ${(drift * 100).toFixed(1)}% off its level once warm (${mb(heapWarm)} → ${mb(heapEnd)})`);
}
console.log(
  `leak: end: ${wasmLabel} ${mb(wasm[wasm.length - 1])} (from ${mb(wasm0)}; constant since round ${SETTLE_ROUND}: ${!grew}), ` +
    `heap ${mb(heap0)} at the start, ${mb(heapWarm)} once warm → ${mb(heapEnd)} (lowest of the last 3 rounds; ${(drift * 100).toFixed(1)}%, ` +
    `tolerance ±${HEAP_TOLERANCE * 100}%), heap max ${mb(Math.max(...heap))}`,
);
if (problems.length) {
  for (const p of problems) console.log(`leak: PROBLEM ${p}`);
  console.log("leak: FAILED");
  process.exit(1);
}
console.log("leak: ok");
process.exit(0);
