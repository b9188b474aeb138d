// Imports every contract test file; each registers its tests with the harness on import.
// Keep this list in sync with contract/*.test.mjs (node-run.mjs checks it in Node).
// Responsiveness runs first: it counts timer turns during a drain, and queues left behind by
// other tests (e.g. a leaked timer) would compete for the event loop and blur that count.
import "./contract/responsiveness.test.mjs";
import "./contract/go-port.test.mjs";
import "./contract/construction.test.mjs";
import "./contract/errors.test.mjs";
import "./contract/runners.test.mjs";
import "./contract/sync.test.mjs";
import "./contract/async.test.mjs";
import "./contract/tracking.test.mjs";
import "./contract/observing.test.mjs";
import "./contract/lifecycle.test.mjs";
import "./contract/reentrancy.test.mjs";
import "./contract/rejections.test.mjs";
import "./contract/safety.test.mjs";
import "./contract/timeouts.test.mjs";
import "./contract/signals.test.mjs";
import "./contract/cancel.test.mjs";
import "./contract/priority.test.mjs";
import "./contract/events.test.mjs";
import "./contract/max-records.test.mjs";
import "./contract/on-empty.test.mjs";
import "./contract/batching.test.mjs";
import "./contract/parked-runs.test.mjs";
import "./contract/async-runs.test.mjs";
import "./contract/waits.test.mjs";
import "./contract/retries.test.mjs";
import "./contract/limits.test.mjs";
import "./contract/hostile.test.mjs";
import "./contract/host-faults.test.mjs";

/** The test files imported above, for runners that want to check the list. */
export const FILES = [
  "responsiveness",
  "go-port",
  "construction",
  "errors",
  "runners",
  "sync",
  "async",
  "tracking",
  "observing",
  "lifecycle",
  "reentrancy",
  "rejections",
  "safety",
  "timeouts",
  "signals",
  "cancel",
  "priority",
  "events",
  "max-records",
  "on-empty",
  "batching",
  "parked-runs",
  "async-runs",
  "waits",
  "retries",
  "limits",
  "hostile",
  "host-faults",
].map((name) => `contract/${name}.test.mjs`);
