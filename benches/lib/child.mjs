// One implementation × one scenario, in its own process: Node (spawned by run.mjs with
// --expose-gc) or Bun (the same flag defines `gc` there; Bun.gc(true) otherwise). Prints one line
// "@@RESULT <json>" on stdout; the measuring itself is lib/core.mjs, shared with the browsers.
import "./wasm-hook.mjs"; // first: it must see the wasm instances the implementations make
import { performance } from "node:perf_hooks";
import { loadImpl } from "./impls.mjs";
import { scenarioByKey } from "./scenarios.mjs";
import { startedCount } from "./jobs.mjs";
import { runCombo } from "./core.mjs";

const args = JSON.parse(process.argv[2]);
const { impl, scenario: scenarioKey, n, warmup, runs, budgetMs } = args;
const scenario = scenarioByKey(scenarioKey);

let buildSha;
function emit(result) {
  process.stdout.write(`@@RESULT ${JSON.stringify({ impl, scenario: scenarioKey, n, buildSha, ...result })}\n`);
}

// Bun: Bun.gc(true), a synchronous full collection (JavaScriptCore's); Node: --expose-gc's gc().
const gc =
  typeof globalThis.Bun === "object" && typeof globalThis.Bun.gc === "function"
    ? () => globalThis.Bun.gc(true)
    : typeof globalThis.gc === "function"
      ? globalThis.gc
      : null;
if (!gc) {
  emit({ status: "error", failures: ["no forced GC: run with --expose-gc"] });
  process.exit(2);
}

// A rejection nobody handled is a bug of the queue under test (or of the harness): fail loudly.
const stray = [];
process.on("unhandledRejection", (reason) => stray.push(`unhandled rejection: ${reason && reason.stack ? reason.stack : reason}`));

let implementation;
try {
  implementation = await loadImpl(impl);
  buildSha = implementation.buildSha;
} catch (e) {
  if (e && e.notBuilt) {
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

const host = {
  now: () => performance.now(),
  gc,
  tick: () => new Promise((resolve) => setImmediate(resolve)),
  jsHeap: () => process.memoryUsage().heapUsed,
  // For reference in the JSON only (see lib/core.mjs).
  extraUsage: () => {
    const m = process.memoryUsage();
    return { external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
  },
  say,
};

try {
  const result = await runCombo({ host, implementation, scenario, n, warmup, runs, budgetMs });
  await host.tick();
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
