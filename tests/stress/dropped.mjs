// Dropped queues (Node, needs --expose-gc): a queue whose JS object is dropped without free()
//   1. still runs the jobs it holds, while it has any (the executor keeps itself alive);
//   2. once idle is reclaimed by the garbage collector, wasm side included: rounds of many
//      dropped queues leave the wasm memory level;
//   3. never throws later from a callback still pending when it was collected (a timer, a
//      macrotask, a job's promise settling after the collection).
//   node --expose-gc tests/stress/dropped.mjs
if (typeof globalThis.gc !== "function") {
  console.error("dropped: run with node --expose-gc tests/stress/dropped.mjs");
  process.exit(2);
}

const problems = [];
process.on("uncaughtException", (e) => problems.push(`uncaught exception: ${e && e.stack ? e.stack : e}`));
process.on("unhandledRejection", (e) => problems.push(`unhandled rejection: ${e && e.stack ? e.stack : e}`));

const { Queue } = await import("../../pkg/src/index.js");
const { initSync } = await import("../../pkg/dist/core/gorqs_core.js");
const memory = initSync({ module: new Uint8Array(0) }).memory;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function collect() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await sleep(5); // FinalizationRegistry callbacks run in later tasks
  }
}

// 1. Busy queues dropped at once: every job still runs.
let ran = 0;
for (let i = 0; i < 50; i++) {
  const q = new Queue({ autoStart: true, mode: i % 2 ? "async" : "sync" });
  for (let j = 0; j < 20; j++) q.push(() => sleep(j % 3).then(() => ran++));
}
for (let i = 0; i < 40 && ran < 1000; i++) await collect();
if (ran !== 1000) problems.push(`dropped busy queues ran ${ran} of 1000 jobs`);

// 3. Callbacks pending when a queue is collected: a timeout timer, a job settling later.
{
  const gate = [];
  for (let i = 0; i < 20; i++) {
    const q = new Queue({ autoStart: true, timeout: 30 });
    q.push(() => new Promise((resolve) => gate.push(resolve)));
  }
  await collect();
  await sleep(60); // the timers fire; the jobs time out
  for (const resolve of gate) resolve("late");
  await collect();
}

// 2. Rounds of idle queues dropped: the wasm memory levels off.
const sizes = [];
for (let round = 0; round < 8; round++) {
  for (let i = 0; i < 2000; i++) {
    const q = new Queue({ track: true, autoStart: true });
    for (let j = 0; j < 10; j++) q.push(() => j);
    await q.onIdle();
  }
  await collect();
  sizes.push(memory.buffer.byteLength);
}
console.log(`dropped: wasm memory after each round of 2000 dropped queues: ${sizes.map((b) => (b / 1048576).toFixed(2)).join(", ")} MB`);
if (sizes.slice(3).some((b) => b !== sizes[3])) problems.push(`wasm memory kept growing: ${sizes.join(", ")}`);

await sleep(20);
if (problems.length) {
  for (const p of problems) console.log(`dropped: FAIL ${p}`);
  process.exit(1);
}
console.log(`dropped: ok (${ran} jobs of dropped busy queues ran; no late callback threw)`);
process.exit(0);
