// One implementation × one scenario, in its own process (spawned by run.mjs with --expose-gc).
// Prints one line "@@RESULT <json>" on stdout. Never asserts on time: only correctness checks
// (all jobs ran, in push order when serial, results read back right) fail a run.
import { performance } from "node:perf_hooks";
import { loadImpl } from "./impls.mjs";
import { scenarioByKey } from "./scenarios.mjs";
import { makeJobs, resetState, checkRun, runInfo, startedCount } from "./jobs.mjs";

const args = JSON.parse(process.argv[2]);
const { impl, scenario: scenarioKey, n, warmup, runs } = args;
const scenario = scenarioByKey(scenarioKey);

let buildSha;
function emit(result) {
  process.stdout.write(`@@RESULT ${JSON.stringify({ impl, scenario: scenarioKey, n, buildSha, ...result })}\n`);
}

if (typeof global.gc !== "function") {
  emit({ status: "error", failures: ["run with --expose-gc"] });
  process.exit(2);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function fullGc() {
  for (let k = 0; k < 6; k++) {
    global.gc();
    await tick();
  }
}

// A rejection nobody handled is a bug of the queue under test (or of the harness): fail loudly.
const stray = [];
process.on("unhandledRejection", (reason) => stray.push(`unhandled rejection: ${reason && reason.stack ? reason.stack : reason}`));

let implementation;
try {
  implementation = await loadImpl(impl);
  buildSha = implementation.buildSha;
} catch (e) {
  if (e && e.constructor && e.constructor.name === "NotBuilt") {
    emit({ status: "not built", failures: [], message: e.message });
    process.exit(0);
  }
  emit({ status: "error", failures: [`cannot load ${impl}: ${e && e.stack ? e.stack : e}`] });
  process.exit(1);
}

// Progress for the parent: "@@RUN k" when run k starts, "@@DONE k ns" when it ends, and a
// heartbeat with the number of jobs started so far. A queue that hangs with the event loop idle
// keeps beating the same count; one that is merely slow keeps the loop busy (no beats) or moves.
const say = (line) => process.stdout.write(`${line}\n`);
const beat = setInterval(() => say(`@@BEAT ${startedCount()}`), 1000);
beat.unref();

async function timedRun(factory) {
  resetState(n);
  const jobs = makeJobs(scenario.jobs, n);
  const ctx = factory();
  await fullGc();
  const t0 = performance.now();
  await ctx.run(jobs);
  const t1 = performance.now();
  const failures = checkRun(n, scenario);
  if (ctx.check) failures.push(...ctx.check());
  await ctx.dispose();
  return { nsPerJob: ((t1 - t0) * 1e6) / n, failures, info: runInfo() };
}

function usage() {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

async function memoryRun() {
  if (!implementation.memory) return { status: "unsupported", failures: [] };
  // A small warm-up loads every code path (and, for gorqs, instantiates the wasm module).
  resetState(1000);
  const warm = await implementation.memory(1000);
  const warmFailures = warm.verify();
  await warm.dispose();
  resetState(n);
  await fullGc();
  const before = usage();
  let handle = await implementation.memory(n);
  await fullGc();
  const after = usage();
  const failures = [...warmFailures, ...handle.verify()];
  await handle.dispose();
  handle = null;
  // heapUsed + external: `arrayBuffers` is already part of `external` (Node docs), and wasm
  // linear memory is counted in `external`. Reported separately too.
  const delta = (k) => after[k] - before[k];
  const bytes = delta("heapUsed") + delta("external");
  return {
    status: failures.length ? "failed" : "ok",
    failures,
    memory: {
      bytesPerJob: bytes / n,
      heapPerJob: delta("heapUsed") / n,
      externalPerJob: delta("external") / n,
      arrayBuffersPerJob: delta("arrayBuffers") / n,
      rssPerJob: delta("rss") / n,
      before,
      after,
    },
  };
}

async function main() {
  if (scenario.memory) return memoryRun();
  const factory = implementation.scenarios[scenario.base ?? scenario.key];
  if (!factory) return { status: "unsupported", failures: [] };
  const failures = [];
  const warmupNs = [];
  const nsPerJob = [];
  let info;
  for (let k = 0; k < warmup + runs; k++) {
    say(`@@RUN ${k}`);
    const r = await timedRun(factory);
    say(`@@DONE ${k} ${r.nsPerJob} ${r.failures.length}`);
    (k < warmup ? warmupNs : nsPerJob).push(r.nsPerJob);
    for (const f of r.failures) failures.push(`${k < warmup ? "warm-up" : "run"} ${k < warmup ? k + 1 : k - warmup + 1}: ${f}`);
    info = r.info;
  }
  return { status: failures.length ? "failed" : "ok", failures, warmupNs, nsPerJob, info };
}

try {
  const result = await main();
  await tick();
  if (stray.length) {
    result.failures.push(...stray);
    result.status = "failed";
  }
  clearInterval(beat);
  emit(result);
} catch (e) {
  clearInterval(beat);
  emit({ status: "failed", failures: [`threw: ${e && e.stack ? e.stack : e}`, ...stray] });
  process.exitCode = 1;
}

// Once the result is out, the process should end by itself: every queue was stopped (gorqs:
// stop() + free()). If something still holds the event loop, say so and exit.
setTimeout(() => {
  process.stdout.write(`@@NOTE ${JSON.stringify(`${impl} ${scenarioKey}: the process did not exit by itself 3 s after the last queue was stopped (something keeps the event loop alive)`)}\n`);
  process.exit(process.exitCode ?? 0);
}, 3000).unref();
