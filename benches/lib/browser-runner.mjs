// The browsers: bundles the benchmark page with the peers and both gorqs builds (esbuild, from
// tools/node_modules), serves benches/ and runs the page, one scenario per page load, each
// implementation in a fresh iframe (browser/page.mjs, browser/frame.mjs).
//
// - Chromium: /usr/bin/chromium through playwright-core, launched with scripts/browser-test.mjs'
//   flags plus --js-flags=--expose-gc (a forced GC before each run, as in Node) and
//   --enable-precise-memory-info (performance.memory for the memory scenario). Progress is read
//   live from the page's console.
// - Firefox: scripts/browser-test.mjs itself (geckodriver + Firefox ESR) runs the page; the
//   figures come back as the page's result notes. Firefox offers web content no forced GC and no
//   heap figure: runs are timed without a GC before them, and memory is not measured.
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BENCHES_DIR, BROWSER_BUILD_DIR, BROWSER_DIR, REPO_DIR } from "./paths.mjs";

const BROWSER_TEST = path.join(REPO_DIR, "scripts/browser-test.mjs");
let helpers;
async function browserTest() {
  helpers ??= await import(pathToFileURL(BROWSER_TEST).href);
  return helpers;
}

const sha = (file) => createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);

/**
 * Bundles browser/page.mjs and browser/frame.mjs into browser/build/ (git-ignored). The two
 * gorqs builds are the virtual modules bench:gorqs-current and bench:gorqs-jsexec; a build that
 * is not there becomes a stub whose rows say "not built". Returns { gorqsSha, jsexecSha }.
 */
export async function bundle({ gorqsModule, jsexecModule }) {
  let esbuild;
  try {
    esbuild = createRequire(path.join(REPO_DIR, "tools/package.json"))("esbuild");
  } catch {
    throw new Error("esbuild not found in tools/node_modules: run `bash scripts/setup.sh`");
  }
  const virtual = { "bench:gorqs-current": gorqsModule, "bench:gorqs-jsexec": jsexecModule };
  const shas = {};
  for (const [name, file] of Object.entries(virtual)) shas[name] = file && existsSync(file) ? sha(file) : null;
  rmSync(BROWSER_BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BROWSER_BUILD_DIR, { recursive: true });
  await esbuild.build({
    entryPoints: { page: path.join(BROWSER_DIR, "page.mjs"), frame: path.join(BROWSER_DIR, "frame.mjs") },
    outdir: BROWSER_BUILD_DIR,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // What a bundler gives a browser user of fastq (its promise API calls process.nextTick).
    define: { "process.nextTick": "globalThis.__benchNextTick" },
    nodePaths: [path.join(BENCHES_DIR, "node_modules")],
    logLevel: "error",
    plugins: [
      {
        name: "gorqs-builds",
        setup(build) {
          build.onResolve({ filter: /^bench:gorqs-/ }, (args) => {
            const file = virtual[args.path];
            if (file && existsSync(file)) return { path: file };
            return { path: args.path, namespace: "missing-build" };
          });
          build.onLoad({ filter: /.*/, namespace: "missing-build" }, (args) => ({
            contents: `export const __missing = ${JSON.stringify(`not built (${virtual[args.path]} missing)`)};`,
            loader: "js",
          }));
        },
      },
    ],
  });
  writeFileSync(path.join(BROWSER_BUILD_DIR, "bundled.json"), JSON.stringify({ date: new Date().toISOString(), ...shas }, null, 2) + "\n");
  return { gorqsSha: shas["bench:gorqs-current"], jsexecSha: shas["bench:gorqs-jsexec"] };
}

function pageConfig(scenario, impls, plan, budgetS) {
  return { scenario: scenario.key, impls: impls.map((i) => i.key), n: plan.n, warmup: plan.warmup, runs: plan.runs, budgetS, graceS: 30, hangS: 20 };
}
const pagePath = (cfg) => `/browser/index.html?cfg=${encodeURIComponent(JSON.stringify(cfg))}`;
const pageTimeoutS = (cfg) => cfg.impls.length * (cfg.budgetS + cfg.graceS + 5) + 60;

function parseResultNote(text) {
  const i = text.indexOf("@@RESULT ");
  return i >= 0 ? JSON.parse(text.slice(i + 9)) : null;
}

/** A browser session: { version, runScenario(scenario, impls, plan, budgetS, onResult), close() }. */
export async function openBrowser(key, { log }) {
  if (key === "chromium") return openChromium({ log });
  if (key === "firefox") return openFirefox({ log });
  throw new Error(`unknown browser ${key}`);
}

async function openChromium({ log }) {
  const { loadPlaywright, startServer, CHROMIUM_ARGS } = await browserTest();
  const { chromium } = await loadPlaywright();
  const executablePath = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`chromium not found at ${executablePath}`);
  const server = await startServer(BENCHES_DIR);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, "--js-flags=--expose-gc", "--enable-precise-memory-info"],
      timeout: 60_000,
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    version: browser.version(),
    engine: "V8",
    async runScenario(scenario, impls, plan, budgetS, onResult) {
      const cfg = pageConfig(scenario, impls, plan, budgetS);
      const page = await browser.newPage();
      const pageErrors = [];
      const seen = new Set();
      page.on("console", (msg) => {
        const text = msg.text();
        if (text.startsWith("@@PROGRESS ")) {
          const p = JSON.parse(text.slice(11));
          seen.add(p.impl);
          onResult?.(p);
        } else if (msg.type() === "error") pageErrors.push(`console.error: ${text}`);
      });
      page.on("pageerror", (err) => pageErrors.push(`uncaught: ${err.stack || err.message || err}`));
      page.on("crash", () => pageErrors.push("page crashed"));
      const deadline = Date.now() + pageTimeoutS(cfg) * 1000;
      let report = null;
      try {
        await page.goto(server.url + pagePath(cfg), { waitUntil: "load", timeout: 60_000 });
        while (Date.now() < deadline) {
          // A page stuck in a loop never answers: bound each read by the time left.
          let timer;
          const raw = await Promise.race([
            page.evaluate(() => window.__gorqsResults ?? null),
            new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))).then(() => undefined),
          ]).finally(() => clearTimeout(timer));
          if (raw === undefined) break;
          if (raw && raw.done) {
            report = raw;
            break;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      } catch (e) {
        pageErrors.push(`could not run the page: ${e && e.message ? e.message : e}`);
      } finally {
        await page.close().catch(() => {});
      }
      const results = (report?.results ?? []).map((r) => parseResultNote(r.notes?.[0] ?? "")).filter(Boolean);
      return { results, pageErrors: report ? pageErrors : [...pageErrors, `the page did not finish within ${pageTimeoutS(cfg)} s`] };
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

async function openFirefox({ log }) {
  const binary = process.env.FIREFOX_BIN || "/usr/bin/firefox-esr";
  let version = "?";
  try {
    version = execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 }).trim().replace(/^Mozilla Firefox\s*/, "");
  } catch (e) {
    throw new Error(`firefox not found or not runnable at ${binary}: ${e.message.split("\n")[0]}`);
  }
  return {
    version,
    engine: "SpiderMonkey",
    async runScenario(scenario, impls, plan, budgetS, onResult) {
      const cfg = pageConfig(scenario, impls, plan, budgetS);
      const timeoutS = pageTimeoutS(cfg);
      const out = await new Promise((resolve) => {
        const child = spawn(process.execPath, [BROWSER_TEST, "--browser=firefox", `--root=${BENCHES_DIR}`, `--page=${pagePath(cfg)}`, `--timeout=${timeoutS}`], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
      const results = [];
      const pageErrors = [];
      const names = new Set(cfg.impls.map((k) => `${cfg.scenario} ${k}`));
      const lines = out.stdout.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.startsWith("note [firefox] ") && line.includes("@@RESULT ")) {
          const r = parseResultNote(line);
          results.push(r);
          onResult?.({ impl: r.impl, status: r.status, nsPerJob: r.nsPerJob, memory: r.memory, wallSeconds: r.wallSeconds });
        } else if (line.startsWith("FAIL [firefox] ")) {
          const rest = line.slice(15);
          if ([...names].some((nm) => rest.startsWith(`${nm}:`))) continue; // a result's own failures, already in its JSON
          // Page-level trouble (console errors, time-out, launch error): keep it with its detail lines.
          const detail = [];
          while (i + 1 < lines.length && lines[i + 1].startsWith("     ")) detail.push(lines[++i].trim());
          pageErrors.push([rest, ...detail].join("\n"));
        }
      }
      if (!results.length && !pageErrors.length)
        pageErrors.push(`scripts/browser-test.mjs exited with code ${out.code} and no results: ${(out.stderr || out.stdout).trim().split("\n").slice(-10).join("\n")}`);
      return { results, pageErrors };
    },
    async close() {},
  };
}
