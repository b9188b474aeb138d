// Opens a page in headless Chromium, waits for its #state to leave "running", reads the
// scenario's observations from #outcome and compares them with expected.json.
// Any console error or uncaught error on the page fails the check.
//
//   node tests/package/page-check.mjs --root=DIR [--page=/index.html] [--timeout=60]
import { readFileSync } from "node:fs";
import { startServer, launchChromium } from "../../scripts/browser-test.mjs";
import { compare } from "./scenario.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2]];
  }),
);
if (!args.root) throw new Error("--root=DIR is required");
const page = args.page || "/index.html";
const timeoutMs = Number(args.timeout || 60) * 1000;
const expected = JSON.parse(readFileSync(new URL("./expected.json", import.meta.url), "utf8"));

const problems = [];
const server = await startServer(args.root);
let browser;
try {
  browser = await launchChromium();
  const tab = await browser.context.newPage();
  tab.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()} ${msg.location()?.url ?? ""}`);
  });
  tab.on("pageerror", (err) => problems.push(`uncaught: ${err.stack || err}`));
  await tab.goto(server.url + page, { waitUntil: "load", timeout: timeoutMs });
  await tab.waitForFunction(() => document.getElementById("state")?.textContent !== "running", null, {
    timeout: timeoutMs,
  });
  const state = await tab.textContent("#state");
  const outcome = await tab.textContent("#outcome");
  if (state !== "done") {
    problems.push(`page state "${state}": ${outcome}`);
  } else {
    problems.push(...compare(JSON.parse(outcome), expected));
  }
  // Late console errors (after the page finished) still count.
  await tab.waitForTimeout(100);
} catch (e) {
  problems.push(String(e && e.stack ? e.stack : e));
} finally {
  if (browser) await browser.close();
  await server.close();
}
if (server.missing.length) problems.push(`404 for: ${server.missing.join(", ")}`);
if (problems.length) {
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`  page ${page}: ok`);
