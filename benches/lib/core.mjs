// One implementation × one scenario, whatever the host: a Node or Bun child process
// (lib/child.mjs) or a browser frame (browser/frame.mjs). The host supplies:
//
//   now()      ms, high resolution
//   gc()       a forced full GC, or null where the runtime has none (Firefox)
//   tick()     a macrotask hop
//   jsHeap()   bytes used by the JS heap, or null where it cannot be read
//   say(line)  progress: "@@RUN k", "@@DONE k ns failures"
//
// Never asserts on time: only correctness checks (all jobs ran, in push order when serial,
// within the concurrency cap, results read back right) fail a run.
import { makeJobs, resetState, checkRun, runInfo } from "./jobs.mjs";
import { wasmBytes, wasmMemoryCount } from "./wasm-hook.mjs";

async function fullGc(host) {
  if (!host.gc) return;
  for (let k = 0; k < 6; k++) {
    host.gc();
    await host.tick();
  }
}

async function timedRun(host, scenario, factory, n) {
  resetState(n);
  const jobs = makeJobs(scenario.jobs, n);
  const ctx = factory(scenario);
  await fullGc(host);
  const t0 = host.now();
  await ctx.run(jobs);
  const t1 = host.now();
  const failures = checkRun(n, scenario);
  if (ctx.check) failures.push(...ctx.check());
  await ctx.dispose();
  return { nsPerJob: ((t1 - t0) * 1e6) / n, failures, info: runInfo() };
}

function usage(host) {
  return { jsHeap: host.jsHeap(), wasm: wasmBytes(), ...(host.extraUsage ? host.extraUsage() : {}) };
}

async function memoryRun(host, implementation, n) {
  if (!implementation.memory) return { status: "unsupported", failures: [] };
  if (!host.gc || host.jsHeap() === null)
    return { status: "unsupported", failures: [], message: host.noMemoryWhy ?? "this runtime exposes no forced GC or no JS heap size" };
  // A small warm-up loads every code path (and, for gorqs, instantiates the wasm module).
  resetState(1000);
  const warm = await implementation.memory(1000);
  const warmFailures = warm.verify();
  await warm.dispose();
  resetState(n);
  await fullGc(host);
  const before = usage(host);
  let handle = await implementation.memory(n);
  await fullGc(host);
  const after = usage(host);
  const failures = [...warmFailures, ...handle.verify()];
  await handle.dispose();
  handle = null;
  // JS heap + wasm linear memory (lib/wasm-hook.mjs). Node's `external` is kept in the JSON for
  // reference only: it counts wasm memory on some versions and not on others.
  const delta = (k) => (after[k] ?? 0) - (before[k] ?? 0);
  return {
    status: failures.length ? "failed" : "ok",
    failures,
    memory: {
      bytesPerJob: (delta("jsHeap") + delta("wasm")) / n,
      heapPerJob: delta("jsHeap") / n,
      wasmPerJob: delta("wasm") / n,
      wasmMemories: wasmMemoryCount(),
      before,
      after,
    },
  };
}

/**
 * Runs `warmup + runs` timed runs (or the memory measurement). Stops early, between runs, once
 * `budgetMs` has passed: the result is then "over budget" with the runs it finished.
 */
export async function runCombo({ host, implementation, scenario, n, warmup, runs, budgetMs }) {
  if (scenario.memory) return memoryRun(host, implementation, n);
  const factory = implementation.scenarios[scenario.base ?? scenario.key];
  if (!factory) return { status: "unsupported", failures: [] };
  const failures = [];
  const warmupNs = [];
  const nsPerJob = [];
  let info;
  const t0 = host.now();
  let overBudget = false;
  for (let k = 0; k < warmup + runs; k++) {
    if (k > 0 && budgetMs && host.now() - t0 > budgetMs) {
      overBudget = true;
      break;
    }
    host.say(`@@RUN ${k}`);
    const r = await timedRun(host, scenario, factory, n);
    host.say(`@@DONE ${k} ${r.nsPerJob} ${r.failures.length}`);
    (k < warmup ? warmupNs : nsPerJob).push(r.nsPerJob);
    for (const f of r.failures) failures.push(`${k < warmup ? "warm-up" : "run"} ${k < warmup ? k + 1 : k - warmup + 1}: ${f}`);
    info = r.info;
  }
  const status = failures.length ? "failed" : overBudget ? "over budget" : "ok";
  const notes = overBudget
    ? [`over its ${budgetMs / 1000} s budget: stopped after ${warmupNs.length + nsPerJob.length} of ${warmup + runs} runs` + (nsPerJob.length ? ` (figures from the ${nsPerJob.length} measured runs it finished)` : " (no measured run)")]
    : [];
  const out = { status, failures, warmupNs, nsPerJob, info, notes };
  if (overBudget && !nsPerJob.length) out.lowerBound = warmupNs.length ? Math.max(...warmupNs) : undefined;
  return out;
}
