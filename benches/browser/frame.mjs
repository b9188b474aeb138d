// One implementation × scenario in a browser frame (frame.html?impl=…&scenario=…&n=…&warmup=…
// &runs=…&budgetMs=…&id=…), the browser's counterpart of lib/child.mjs: a fresh frame is a fresh
// JavaScript realm (globals, module instances, type feedback), as a child process is in Node.
// Posts { type: "gorqs-bench", id, result } to the parent page.
import "../lib/wasm-hook.mjs"; // first: it must see the wasm instances the implementations make
import { scenarioByKey } from "../lib/scenarios.mjs";
import { startedCount } from "../lib/jobs.mjs";
import { runCombo } from "../lib/core.mjs";

// fastq's promise API calls process.nextTick, which browsers lack; the bundle maps it to this
// (browser/build.mjs), the shim a bundler adds for a browser user of fastq.
globalThis.__benchNextTick = (fn, ...args) => queueMicrotask(() => fn(...args));

const q = new URLSearchParams(location.search);
const impl = q.get("impl");
const scenarioKey = q.get("scenario");
const id = Number(q.get("id"));
const [n, warmup, runs, budgetMs] = ["n", "warmup", "runs", "budgetMs"].map((k) => Number(q.get(k)));

function post(result) {
  parent.postMessage({ type: "gorqs-bench", id, result: { impl, scenario: scenarioKey, n, ...result } }, "*");
}

// Progress the parent reads: the job count (hang detection) and the finished runs (a frame
// stopped over its budget still reports them).
window.__benchStarted = startedCount;
window.__benchRuns = [];

const stray = [];
addEventListener("unhandledrejection", (e) => {
  const r = e.reason;
  stray.push(`unhandled rejection: ${r && r.stack ? r.stack : r}`);
});
addEventListener("error", (e) => stray.push(`uncaught: ${e.error && e.error.stack ? e.error.stack : e.message}`));

class NotBuilt extends Error {}

async function loadImpl(key) {
  const gorqs = async (modPromise, variant) => {
    const mod = await modPromise;
    if (mod.__missing) throw new NotBuilt(mod.__missing);
    const { gorqsAdapter } = await import("../lib/adapters/gorqs.mjs");
    return gorqsAdapter(mod, variant);
  };
  switch (key) {
    case "baseline":
      return import("../lib/adapters/baseline.mjs");
    case "gorqs":
      return gorqs(import("bench:gorqs-current"));
    case "gorqs-pushAll":
      return gorqs(import("bench:gorqs-current"), "pushAll");
    case "gorqs-jsexec":
      return gorqs(import("bench:gorqs-jsexec"));
    case "gorqs-host":
      return import("../lib/adapters/gorqs-host.mjs");
    case "p-queue":
      return import("../lib/adapters/p-queue.mjs");
    case "fastq":
      return import("../lib/adapters/fastq.mjs");
    case "async":
      return import("../lib/adapters/async.mjs");
    case "henrygd":
      return import("../lib/adapters/henrygd.mjs");
    default:
      throw new Error(`unknown implementation ${key}`);
  }
}

// A macrotask hop: MessageChannel (setTimeout would be clamped to 4 ms once nested).
const channel = new MessageChannel();
const hops = [];
channel.port1.onmessage = () => hops.shift()();
const tick = () =>
  new Promise((resolve) => {
    hops.push(resolve);
    channel.port2.postMessage(0);
  });

const host = {
  now: () => performance.now(),
  // Chromium is launched with --js-flags=--expose-gc; Firefox has no forced GC for web content.
  gc: typeof globalThis.gc === "function" ? () => globalThis.gc() : null,
  tick,
  // Chromium with --enable-precise-memory-info; null elsewhere (memory is then not measured).
  jsHeap: () => (performance.memory && typeof performance.memory.usedJSHeapSize === "number" ? performance.memory.usedJSHeapSize : null),
  noMemoryWhy: "this browser gives web pages no forced GC and no JS heap figure",
  say(line) {
    if (line.startsWith("@@DONE ")) window.__benchRuns.push(line.slice(7).split(" ").map(Number));
  },
};

try {
  let implementation;
  try {
    implementation = await loadImpl(impl);
  } catch (e) {
    if (e instanceof NotBuilt) post({ status: "not built", failures: [], message: e.message });
    else post({ status: "error", failures: [`cannot load ${impl}: ${e && e.stack ? e.stack : e}`] });
    throw null;
  }
  const result = await runCombo({ host, implementation, scenario: scenarioByKey(scenarioKey), n, warmup, runs, budgetMs });
  await tick();
  if (stray.length) {
    result.failures.push(...stray);
    result.status = "failed";
  }
  post(result);
} catch (e) {
  if (e !== null) post({ status: "failed", failures: [`threw: ${e && e.stack ? e.stack : e}`, ...stray] });
}
