// Portable runner of the JS contract suite (tests/js/contract/), for any runtime with ES
// modules and node:fs / node:timers (Node, Bun, Deno); the browsers use browser.html, and
// node-run.mjs runs the same tests under node:test. Used by scripts/matrix.sh:
//   node tests/js/run-all.mjs [--grep=REGEX] [--verbose]
//   bun tests/js/run-all.mjs
//   deno run -A tests/js/run-all.mjs
// Prints each test's notes (figures it measured), each failing test with its error (--verbose:
// every test), then one line
//   contract: N passed, N failed (T s, <runtime> <version>)
// Exit code 1 when a test failed, or when something (a queue's leaked timer) still keeps the
// event loop busy 5 s after the last test, as node-run.mjs does.
import { readdirSync } from "node:fs";
import { setTimeout as nodeSetTimeout } from "node:timers";
import { fileURLToPath } from "node:url";
import { registered, run } from "./harness.mjs";

const runtime = globalThis.Bun
  ? `bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `deno ${globalThis.Deno.version.deno}`
    : `node ${process.versions.node}`;

let grep;
let verbose = false;
for (const arg of process.argv.slice(2)) {
  if (arg === "--verbose") verbose = true;
  else if (arg.startsWith("--grep=")) grep = new RegExp(arg.slice("--grep=".length));
  else {
    console.error(`usage: run-all.mjs [--grep=REGEX] [--verbose]; got ${arg}`);
    process.exit(2);
  }
}

const startedAt = performance.now();
let passed = 0;
let failed = 0;
const record = (row) => {
  for (const line of row.notes ?? []) console.log(`note ${row.name}: ${line}`);
  if (row.ok) passed++;
  else failed++;
  if (!row.ok) {
    console.log(`FAIL ${row.name} (${row.ms} ms)`);
    console.log(`  ${row.error.split("\n").join("\n  ")}`);
  } else if (verbose) {
    console.log(`ok   ${row.name} (${row.ms} ms)`);
  }
};

let files;
try {
  ({ FILES: files } = await import("./all.mjs"));
} catch (e) {
  record({ name: "load the contract tests and pkg/dist/gorqs.mjs", ok: false, ms: 0, error: describe(e) });
}

if (files) {
  // The same check as node-run.mjs: all.mjs imports every contract/*.test.mjs.
  const here = fileURLToPath(new URL(".", import.meta.url));
  const onDisk = readdirSync(`${here}/contract`)
    .filter((f) => f.endsWith(".test.mjs"))
    .map((f) => `contract/${f}`);
  const missing = onDisk.filter((f) => !files.includes(f));
  record({
    name: "harness › all.mjs imports every contract/*.test.mjs",
    ok: missing.length === 0,
    ms: 0,
    error: missing.length ? `all.mjs does not import: ${missing.join(", ")}` : null,
  });
  if (registered().length === 0) {
    record({ name: "harness › tests registered", ok: false, ms: 0, error: "no test registered" });
  }
  await run({ grep, onResult: record });
}

const secs = ((performance.now() - startedAt) / 1000).toFixed(1);
console.log(`contract: ${passed} passed, ${failed} failed (${secs} s, ${runtime})`);
if (failed > 0) process.exit(1);

// All passed: let the event loop empty by itself, so that a leaked timer shows. The watchdog is
// unref'd (node:timers gives an object with unref() on Node, Bun and Deno alike).
process.exitCode = 0;
nodeSetTimeout(() => {
  const active = typeof process.getActiveResourcesInfo === "function"
    ? process.getActiveResourcesInfo().join(", ")
    : "?";
  console.log(
    `contract: all tests passed, but the event loop is still busy 5 s later (active: ${active}); ` +
      `a queue probably left a timer running. Exiting with code 1.`,
  );
  process.exit(1);
}, 5000).unref();

function describe(e) {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);
}
