// Runs one scenario in headless Chromium under the DevTools protocol's sampling profiler and
// prints the functions' own time in ns per job (the profile's share of each, times the median).
// The whole page is sampled (job creation and forced GCs between runs too): read shares, not
// totals. For a named wasm build: `GORQS_KEEP_NAMES=1 bash scripts/build.sh`, then rebuild.
//
//   node benches/profile/run.mjs --impl=gorqs --scenario=S6 [--runs=30] [--module=/pkg/dist/gorqs.mjs] [--out=FILE.cpuprofile] [--top=30]
import { writeFileSync } from "node:fs";
import { CHROMIUM_ARGS, REPO_ROOT, loadPlaywright, startServer } from "../../scripts/browser-test.mjs";

const opt = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const query = new URLSearchParams({ impl: opt.impl ?? "gorqs", scenario: opt.scenario ?? "S6", runs: opt.runs ?? "30", module: opt.module ?? "/pkg/dist/gorqs.mjs" });
const { chromium } = await loadPlaywright();
const server = await startServer(REPO_ROOT);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium", headless: true, args: [...CHROMIUM_ARGS, "--js-flags=--expose-gc"] });
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${server.url}/benches/profile/page.html?${query}`);
  await page.waitForFunction(() => window.ready === true);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  await page.evaluate(() => window.go());
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 600_000 });
  const result = await page.evaluate(() => window.result);
  const { profile } = await cdp.send("Profiler.stop");
  if (opt.out) writeFileSync(opt.out, JSON.stringify(profile));
  console.log(`${query.get("impl")} ${query.get("scenario")}: median ${result.median.toFixed(1)} ns/job (min ${result.min.toFixed(1)})${result.wrong ? `, ${result.wrong} WRONG` : ""}`);
  // Self time per function, as ns per job.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id).callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}:${columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
    total += profile.timeDeltas[i];
  });
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(opt.top ?? 30))) {
    console.log(`${((result.median * t) / total).toFixed(1).padStart(8)}  ${key}`);
  }
} finally {
  await browser.close();
  await server.close();
}
