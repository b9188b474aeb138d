// One scenario of the benchmark (S1, S5, S6 or S7), shaped as in lib/scenarios.mjs, run in a
// page for profile.mjs: `?impl=gorqs|henrygd&scenario=S6&runs=30&module=/pkg/dist/gorqs.mjs`.
// It waits for `window.go()` (the profiler starts first) and leaves its figure in
// `window.result`. Not the benchmark: no peers but @henrygd/queue, no checks beyond the values.
const params = new URLSearchParams(location.search);
const impl = params.get("impl") ?? "gorqs";
const scenario = params.get("scenario") ?? "S6";
const runs = Number(params.get("runs") ?? 9);
const N = 200_000;

let log = new Int32Array(N), pos = 0, wrong = 0;
const sync = (i) => () => { log[pos++] = i; return i; };
const oneAwait = (i) => async () => { log[pos++] = i; await null; return i; };
const twoAwaits = (i) => async () => { log[pos++] = i; await null; await null; return i; };
const make = { S1: sync, S5: twoAwaits, S6: sync, S7: oneAwait }[scenario];
if (!make) throw new Error(`unknown scenario ${scenario}`);

async function bursts(jobs, submit) {
  const handler = async (job, j) => { if ((await submit(job)) !== j) wrong++; };
  const handlers = new Array(16);
  for (let b = 0; b < N; b += 16) {
    for (let k = 0; k < 16; k++) handlers[k] = handler(jobs[b + k], b + k);
    await Promise.all(handlers);
  }
}
async function batches(jobs, processBatch) {
  for (let b = 0; b < N; b += 256) {
    const values = await processBatch(jobs.slice(b, b + 256));
    for (let k = 0; k < values.length; k++) if (values[k] !== b + k) wrong++;
  }
}

let queueFor;
if (impl === "gorqs") {
  const { Queue } = await import(params.get("module") ?? "/pkg/dist/gorqs.mjs");
  const pushEach = (q) => async (jobs) => { for (let j = 0; j < jobs.length; j++) q.push(jobs[j]); await q.onIdle(); };
  queueFor = {
    S1: () => { const q = new Queue({ autoStart: true }); return [pushEach(q), () => q.free()]; },
    S5: () => { const q = new Queue({ mode: "async", concurrency: 8, autoStart: true }); return [pushEach(q), () => q.free()]; },
    S6: () => { const q = new Queue({ track: true, autoStart: true }); return [(jobs) => bursts(jobs, (job) => q.wait(q.push(job))), () => q.free()]; },
    S7: () => {
      const q = new Queue({ mode: "async", concurrency: 4, track: true, autoStart: true });
      const batch = async (list) => { const ids = q.pushAll(list); await q.onIdle(); return ids.map((id) => q.result(id)); };
      return [(jobs) => batches(jobs, batch), () => q.free()];
    },
  }[scenario];
} else {
  const { newQueue } = await import("/benches/node_modules/@henrygd/queue/dist/index.js");
  const addEach = (q, wrap) => async (jobs) => { for (const job of jobs) q.add(wrap ? () => Promise.resolve(job()) : job); await q.done(); };
  queueFor = {
    S1: () => [addEach(newQueue(1), true), () => {}],
    S5: () => [addEach(newQueue(8), false), () => {}],
    S6: () => { const q = newQueue(1); return [(jobs) => bursts(jobs, (job) => q.add(() => Promise.resolve(job()))), () => {}]; },
    S7: () => { const q = newQueue(4); return [(jobs) => batches(jobs, (list) => Promise.all(list.map((job) => q.add(job)))), () => {}]; },
  }[scenario];
}

window.ready = true;
await new Promise((resolve) => (window.go = resolve));
const times = [];
for (let r = 0; r < runs; r++) {
  const jobs = Array.from({ length: N }, (_, i) => make(i));
  pos = 0;
  const [run, dispose] = queueFor();
  globalThis.gc?.();
  const t0 = performance.now();
  await run(jobs);
  const t1 = performance.now();
  dispose();
  if (pos !== N) wrong++;
  if (r >= 2) times.push(((t1 - t0) * 1e6) / N);
}
times.sort((a, b) => a - b);
window.result = { median: times[times.length >> 1], min: times[0], wrong };
