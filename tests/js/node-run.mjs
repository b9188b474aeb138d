// Runs every contract test as a node:test test, so node:test prints its usual summary:
//   node tests/js/node-run.mjs
//   node --test tests/js/node-run.mjs
//   node --test-name-pattern="tracking" tests/js/node-run.mjs
//   node --test-force-exit tests/js/node-run.mjs   (exit even if something keeps the loop busy)
// node:test prints its summary once the event loop is empty. If something (a queue's leaked
// timer) keeps it busy for 5 s after the last test, a watchdog says so and exits with code 1.
// The tests themselves are portable (see harness.mjs); this file is the only Node-specific one.
import { test as nodeTest } from "node:test";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registered, runTest, finalCheck, FINAL_CHECK_NAME } from "./harness.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));

let loadError;
let files = [];
try {
  ({ FILES: files } = await import("./all.mjs"));
} catch (e) {
  loadError = e;
}

if (loadError) {
  nodeTest("load the contract tests and pkg/dist/gorqs.mjs", () => {
    throw loadError;
  });
} else {
  nodeTest("harness › all.mjs imports every contract/*.test.mjs", () => {
    const onDisk = readdirSync(`${here}/contract`)
      .filter((f) => f.endsWith(".test.mjs"))
      .map((f) => `contract/${f}`)
      .sort();
    const missing = onDisk.filter((f) => !files.includes(f));
    if (missing.length) throw new Error(`all.mjs does not import: ${missing.join(", ")}`);
  });

  for (const t of registered()) {
    nodeTest(t.name, async () => {
      const r = await runTest(t);
      for (const line of r.notes) console.log(`${t.name}: ${line}`);
      if (!r.ok) throw r.thrown instanceof Error ? r.thrown : new Error(r.error);
    });
  }

  nodeTest(FINAL_CHECK_NAME, async () => {
    const r = await finalCheck();
    if (!r.ok) throw r.thrown;
    armWatchdog();
  });
}

/** Fires only if the event loop is still alive long after the last test (the timer is unref'd). */
function armWatchdog() {
  const timer = setTimeout(() => {
    const active = process.getActiveResourcesInfo ? process.getActiveResourcesInfo().join(", ") : "?";
    process.stderr.write(
      `\nnode-run: all tests finished, but the event loop is still busy 5 s later ` +
        `(active: ${active}); a queue probably left a timer running. Exiting with code 1 ` +
        `(node:test's summary is lost; run with --test-force-exit to keep it).\n`,
    );
    process.exit(1);
  }, 5000);
  timer.unref();
}
