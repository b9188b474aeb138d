// End-to-end test of the demo page (www/): serves the repository root, opens the page in
// headless Chromium and checks, from the DOM only, that the sync queue runs one job at a time,
// the async queue interleaves, the counters add up, the id lookup reports states and gorqs
// error codes, and a stopped queue refuses pushes and drops its pending jobs.
//
//   bash scripts/build.sh && node --test tests/e2e/demo.test.mjs
//
// Needs pkg/dist/gorqs.mjs (the build), /usr/bin/chromium and tools/node_modules/playwright-core.
// Writes a screenshot taken mid-run to tests/artifacts/demo.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { get } from "node:http";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "../../www/serve.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(new URL("../../tools/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = new URL("../artifacts/", import.meta.url);
const BURST = 20;

let server;
let browser;
let page;
const consoleErrors = [];

before(async () => {
  assert.ok(
    existsSync(`${repo}pkg/dist/gorqs.mjs`),
    "pkg/dist/gorqs.mjs is missing: build the package first (bash scripts/build.sh)",
  );
  server = await startServer(0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(`console.error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  await page.goto(server.url);
  await page.waitForSelector("html[data-ready=true]", { timeout: 10_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// ---- helpers (all read or drive the DOM) --------------------------------------------------

/** Sets a range or number input and fires the events the page listens to. */
async function setInput(selector, value) {
  await page.$eval(
    selector,
    (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    },
    value,
  );
}

async function settings(name, { min, max, fail }) {
  await setInput(`#${name}-min`, min);
  await setInput(`#${name}-max`, max);
  await setInput(`#${name}-fail`, fail);
}

/** One snapshot of a panel's counters, read in a single evaluation. */
function counters(name) {
  return page.$eval(`[data-queue=${name}]`, (panel) => {
    const n = (k) => Number(panel.querySelector(`.counter-${k}`).textContent);
    return {
      pushed: n("pushed"),
      pending: n("pending"),
      running: n("running"),
      succeeded: n("succeeded"),
      failed: n("failed"),
      invariantShown: panel.querySelector(".invariant").dataset.ok,
    };
  });
}

function assertAddsUp(c, where) {
  assert.equal(
    c.pending + c.running + c.succeeded + c.failed,
    c.pushed,
    `${where}: pushed ${c.pushed} != pending ${c.pending} + running ${c.running} + succeeded ${c.succeeded} + failed ${c.failed}`,
  );
  assert.equal(c.invariantShown, "true", `${where}: the page shows the invariant as broken`);
}

function bars(name) {
  return page.$$eval(`[data-queue=${name}] svg.timeline g.bar`, (gs) =>
    gs.map((g) => {
      const num = (v) => (v === "" || v === undefined ? null : Number(v));
      return {
        id: Number(g.dataset.id),
        state: g.dataset.state,
        error: g.dataset.error,
        push: num(g.dataset.push),
        start: num(g.dataset.start),
        end: num(g.dataset.end),
        runStart: num(g.dataset.runStart),
        runEnd: num(g.dataset.runEnd),
      };
    }),
  );
}

/** Pairs of [start, end) intervals that overlap. */
function overlaps(list, startKey, endKey) {
  const found = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i];
      const b = list[j];
      if (a[startKey] < b[endKey] && b[startKey] < a[endKey]) found.push([a.id, b.id]);
    }
  }
  return found;
}

/** Waits until the timeline shows n bars (it is drawn on the next animation frame). */
const barCount = (name, n) =>
  page.waitForFunction(
    ([q, count]) => document.querySelectorAll(`[data-queue=${q}] svg.timeline g.bar`).length === count,
    [name, n],
    { polling: 20, timeout: 2000 },
  );

/** Waits until the panel shows more than `pushed` jobs pushed (it renders on the next animation
 * frame: a look before that saw the old counters). */
const shownPushed = (name, pushed) =>
  page.waitForFunction(
    ([q, n]) => Number(document.querySelector(`[data-queue=${q}] .counter-pushed`).textContent) > n,
    [name, pushed],
    { polling: 20, timeout: 5000 },
  );

const idle = (name) =>
  page.waitForFunction(
    (n) => {
      const p = document.querySelector(`[data-queue=${n}]`);
      const v = (k) => Number(p.querySelector(`.counter-${k}`).textContent);
      return v("pending") === 0 && v("running") === 0;
    },
    name,
    { polling: 50, timeout: 20_000 },
  );

async function lookup(name, id) {
  await page.fill(`#${name}-lookup-id`, String(id));
  await page.click(`#${name}-lookup-go`);
  return page.$eval(`[data-queue=${name}] form.lookup`, (f) => ({
    status: f.querySelector(".lookup-status").dataset.status,
    outcome: f.querySelector(".lookup-result").dataset.outcome,
    result: f.querySelector(".lookup-result").textContent,
    code: f.querySelector(".lookup-code").dataset.code,
  }));
}

async function diagnostics() {
  return page.$$eval(".diagnostics li", (lis) => lis.map((li) => li.closest("[data-queue]").dataset.queue + ": " + li.textContent));
}

// ---- tests (they run in order on one page) -------------------------------------------------

test("the server serves the page and the package with the right MIME types", async () => {
  const type = async (path) => (await fetch(`http://127.0.0.1:${server.port}${path}`)).headers.get("content-type");
  assert.match(await type("/www/"), /^text\/html/);
  assert.match(await type("/www/app.js"), /^text\/javascript/);
  assert.match(await type("/www/style.css"), /^text\/css/);
  assert.match(await type("/pkg/dist/gorqs.mjs"), /^text\/javascript/);
  assert.equal((await fetch(`http://127.0.0.1:${server.port}/www/nope.js`)).status, 404);
  // A raw request (fetch would normalise the dots away) must not escape the served folder.
  const escaped = await new Promise((resolve, reject) =>
    get({ host: "127.0.0.1", port: server.port, path: "/www/..%2f..%2f..%2f..%2fetc%2fpasswd" }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on("error", reject),
  );
  assert.equal(escaped, 403);
});

test("a burst runs one at a time in the sync queue and interleaved in the async queue", async () => {
  await settings("sync", { min: 40, max: 160, fail: 20 });
  await settings("async", { min: 60, max: 260, fail: 20 });

  const [s0, a0] = await Promise.all([counters("sync"), counters("async")]);
  await page.click("#sync-push-burst");
  await page.click("#async-push-burst");
  await Promise.all([shownPushed("sync", s0.pushed), shownPushed("async", a0.pushed)]);

  // Poll the counters while the jobs run: the sum must hold at every moment.
  const snapshots = [];
  let shot = false;
  const t0 = Date.now();
  for (;;) {
    const [s, a] = await Promise.all([counters("sync"), counters("async")]);
    snapshots.push({ s, a });
    assertAddsUp(s, `sync, snapshot ${snapshots.length}`);
    assertAddsUp(a, `async, snapshot ${snapshots.length}`);
    if (!shot && Date.now() - t0 > 600) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: fileURLToPath(new URL("demo.png", ARTIFACTS)), fullPage: true });
      shot = true;
    }
    if (s.pending + s.running + a.pending + a.running === 0) break;
    assert.ok(Date.now() - t0 < 20_000, "the bursts did not finish within 20 s");
    await new Promise((r) => setTimeout(r, 40));
  }
  const busy = snapshots.filter(({ s }) => s.pending > 0 && s.running === 1);
  assert.ok(busy.length >= 3, `expected several snapshots mid-run, got ${busy.length}`);
  assert.ok(snapshots.every(({ s }) => s.running <= 1), "the sync queue showed more than one job running");
  assert.ok(snapshots.some(({ a }) => a.running >= 2), "the async queue never showed two jobs running");
  assert.ok(snapshots.every(({ a }) => a.running <= 4), "the async queue ran more jobs than its concurrency (4)");

  const s = await counters("sync");
  const a = await counters("async");
  assert.equal(s.pushed, BURST);
  assert.equal(a.pushed, BURST);
  assert.equal(s.succeeded + s.failed, BURST);
  assert.equal(a.succeeded + a.failed, BURST);

  const sb = await bars("sync");
  const ab = await bars("async");
  assert.equal(sb.length, BURST, "one sync timeline bar per job");
  assert.equal(ab.length, BURST, "one async timeline bar per job");
  for (const b of [...sb, ...ab]) {
    assert.ok(["succeeded", "failed"].includes(b.state), `job ${b.id} ended ${b.state}`);
    assert.ok(b.push <= b.start && b.start <= b.end, `job ${b.id}: push ${b.push} <= start ${b.start} <= end ${b.end}`);
  }
  assert.deepEqual(overlaps(sb, "start", "end"), [], "sync bars (queue events) overlap");
  assert.deepEqual(overlaps(sb, "runStart", "runEnd"), [], "sync jobs' own run() intervals overlap");
  const byStart = [...sb].sort((x, y) => x.start - y.start).map((b) => b.id);
  assert.deepEqual(byStart, [...byStart].sort((x, y) => x - y), "the sync queue ran jobs out of push order");
  assert.ok(overlaps(ab, "start", "end").length >= 1, "no two async bars overlap");

  assert.deepEqual(await diagnostics(), [], "the page saw the library break API.md");
});

test("the lookup shows a finished job's state, then ERR_NOT_FOUND; an unknown id gives ERR_NOT_FOUND", async () => {
  const sb = await bars("sync");
  const ok = sb.find((b) => b.state === "succeeded");
  assert.ok(ok, "at least one sync job succeeded");
  let r = await lookup("sync", ok.id);
  assert.equal(r.status, "succeeded");
  assert.equal(r.outcome, "value");
  assert.match(r.result, new RegExp(`job ${ok.id} done`));

  // result() took the record: a second look finds nothing.
  r = await lookup("sync", ok.id);
  assert.equal(r.status, "undefined");
  assert.equal(r.code, "ERR_NOT_FOUND");

  const bad = (await bars("async")).find((b) => b.state === "failed");
  if (bad) {
    r = await lookup("async", bad.id);
    assert.equal(r.status, "failed");
    assert.equal(r.outcome, "error");
    assert.equal(r.code, "", "a job's own error carries no gorqs code");
    assert.match(r.result, /boom/);
  }

  r = await lookup("sync", 9999);
  assert.equal(r.status, "undefined");
  assert.equal(r.code, "ERR_NOT_FOUND");
});

test("the lookup shows ERR_RUNNING and ERR_PENDING; stop drops pending jobs and refuses pushes", async () => {
  // Long jobs: each click and lookup takes a few hundred ms on a busy machine.
  await settings("sync", { min: 3000, max: 3000, fail: 0 });
  await page.click("#sync-push-one");
  await page.click("#sync-push-one");
  await page.click("#sync-push-one");
  await barCount("sync", BURST + 3);
  const [first, second, third] = (await bars("sync")).slice(-3).map((b) => b.id);
  await page.waitForSelector(`[data-queue=sync] g.bar[data-id="${first}"][data-state=running]`, { state: "attached" });

  let r = await lookup("sync", first);
  assert.equal(r.status, "running");
  assert.equal(r.code, "ERR_RUNNING");
  r = await lookup("sync", second);
  assert.equal(r.status, "pending");
  assert.equal(r.code, "ERR_PENDING");
  assertAddsUp(await counters("sync"), "sync, one running and two pending");

  await page.click("#sync-stop");
  await page.waitForSelector("[data-queue=sync] .queue-state[data-running=false]");
  // The two waiting jobs are dropped at once, failed with ERR_QUEUE_CLOSED; the running one goes on.
  for (const id of [second, third]) {
    await page.waitForSelector(`[data-queue=sync] g.bar[data-id="${id}"][data-state=failed][data-error=ERR_QUEUE_CLOSED]`, {
      state: "attached",
      timeout: 2000,
    });
  }
  assertAddsUp(await counters("sync"), "sync, just stopped");

  await page.click("#sync-push-one");
  await page.waitForSelector("[data-queue=sync] .queue-error[data-code=ERR_QUEUE_CLOSED]");
  assert.match(await page.textContent("[data-queue=sync] .queue-error"), /ERR_QUEUE_CLOSED.*gorqs: queue is closed/);
  await page.screenshot({ path: fileURLToPath(new URL("demo-stopped.png", ARTIFACTS)), fullPage: true });
  await page.click("#sync-push-burst");
  assert.equal((await counters("sync")).pushed, BURST + 3, "a refused push was counted");

  await page.waitForSelector(`[data-queue=sync] g.bar[data-id="${first}"][data-state=succeeded]`, {
    state: "attached",
    timeout: 8000,
  });
  r = await lookup("sync", second);
  assert.equal(r.status, "failed");
  assert.equal(r.code, "ERR_QUEUE_CLOSED");
  assertAddsUp(await counters("sync"), "sync, stopped and idle");

  // Started again, it takes pushes and the ids keep counting.
  await page.click("#sync-start");
  await page.waitForSelector("[data-queue=sync] .queue-state[data-running=true]");
  await settings("sync", { min: 10, max: 20, fail: 0 });
  await page.click("#sync-push-one");
  assert.equal(await page.isHidden("[data-queue=sync] .queue-error"), true, "the error stays after a good push");
  // Ids go on after a restart: the next job is third + 1.
  await barCount("sync", BURST + 4);
  assert.equal((await bars("sync")).at(-1).id, third + 1, "ids go on after a restart");
  await idle("sync");

  // The async queue refuses pushes once stopped too.
  await page.click("#async-stop");
  await page.waitForSelector("[data-queue=async] .queue-state[data-running=false]");
  await page.click("#async-push-one");
  await page.waitForSelector("[data-queue=async] .queue-error[data-code=ERR_QUEUE_CLOSED]");
  assertAddsUp(await counters("async"), "async, stopped");

  assert.deepEqual(await diagnostics(), [], "the page saw the library break API.md");
});

test("changing the async concurrency takes effect", async () => {
  if (await page.isEnabled("#async-start")) await page.click("#async-start");
  await page.waitForSelector("[data-queue=async] .queue-state[data-running=true]");
  await idle("async");
  await setInput("#async-concurrency", 2);
  await settings("async", { min: 80, max: 120, fail: 0 });
  const before = (await counters("async")).pushed;
  await page.click("#async-push-burst");
  // Watch it drain from the render that shows it (a first look before that render saw nothing
  // pending and ended the watch with a peak of 0).
  await shownPushed("async", before);
  let peak = 0;
  for (;;) {
    const a = await counters("async");
    assertAddsUp(a, "async, concurrency 2");
    peak = Math.max(peak, a.running);
    if (a.pending + a.running === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(peak, 2, "with concurrency 2, the async queue should run exactly 2 at a time at its peak");
  assert.match(await page.textContent("[data-queue=async] .concurrency-note"), /concurrency.*2/);
  assert.deepEqual(await diagnostics(), [], "the page saw the library break API.md");
});

test("the console shows no error", () => {
  assert.deepEqual(consoleErrors, []);
});
