#!/usr/bin/env node
// gorqs benchmark (issues 4 and 16): gorqs, its JS-executor reference build and the peers
// (p-queue, fastq, async.queue, @henrygd/queue) against a no-queue baseline, on Node 24, 26, 22
// and 20, Bun, headless Chromium and headless Firefox. Node and Bun: each implementation ×
// scenario in its own process; browsers: each in a fresh iframe of the benchmark page.
//
//   node benches/run.mjs                  full run, every runtime (about an hour on 2 cores)
//   node benches/run.mjs --quick          smoke run: N / 10, fewer runs (about 4 minutes)
//   node benches/run.mjs --runtime=node24,chromium --only=S1,S5 --impl=gorqs,fastq
//
// Options:
//   --quick                 N / 10, 1 warm-up + 3 runs, 45 s budget per implementation × scenario
//   --runtime=LIST          node24,node26,node22,node20,bun,chromium,firefox (default: all);
//                           aliases: all, nodes (the four Node lines), browsers; `node` is the
//                           Node running this script
//   --only=LIST             S1…S7, MEM, S1-1M, S4-1M (aliases: memory, scaling). Default: S1–S7
//                           and MEM everywhere, plus the 1M scaling runs on Node 24 only
//   --impl=LIST             gorqs, gorqs-jsexec, gorqs-host, p-queue, fastq, async, henrygd (the baseline
//                           always runs, for the ratios)
//   --runs=K, --warmup=K    override the measured and warm-up run counts
//   --gorqs-module=PATH     measure another build than pkg/dist/gorqs.mjs
//   --jsexec-module=PATH    another JS-executor reference than
//                           ../shared/baselines/js-executor-a5435db/dist/gorqs.mjs
//   --no-jsexec             leave the reference row out
//   --no-write              print only: no results file, no README update
//   --render-readme[=FILE]  rewrite the READMEs' figures from results/latest.json (or FILE),
//                           running nothing
//   --help
//
// Figures are printed, never asserted. Only correctness checks fail a run: they are printed
// loudly at the end and make the script exit 1.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { IMPLS } from "./lib/impls.mjs";
import { SCENARIOS } from "./lib/scenarios.mjs";
import { BENCHES_DIR, REPO_DIR, RESULTS_DIR, DEFAULT_GORQS_MODULE, DEFAULT_JSEXEC_MODULE, JSEXEC_DIR } from "./lib/paths.mjs";
import { measureBuild, describeBuild } from "./lib/wasmsize.mjs";
import { runtimeTables, glanceTable, renderText, median } from "./lib/report.mjs";
import { RUNTIMES, EXTRA_RUNTIMES, HEADLINE, resolveRuntime, runtimeTitle } from "./lib/runtimes.mjs";
import { runChild } from "./lib/node-runner.mjs";
import { updateReadmes, loadReport } from "./lib/readme.mjs";

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name) => {
  const a = argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return undefined;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : true;
};
const known = ["quick", "runtime", "runtimes", "only", "impl", "runs", "warmup", "gorqs-module", "jsexec-module", "no-jsexec", "no-write", "render-readme", "help"];
for (const a of argv) {
  const name = a.replace(/^--/, "").split("=")[0];
  if (!a.startsWith("--") || !known.includes(name)) {
    console.error(`unknown argument ${a}; try --help`);
    process.exit(2);
  }
}
if (opt("help")) {
  const lines = readFileSync(new URL(import.meta.url), "utf8").split("\n").slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith("//"))).map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
  process.exit(0);
}

// --render-readme: rewrite the READMEs' figures from a results file, running nothing.
if (opt("render-readme")) {
  const file = typeof opt("render-readme") === "string" ? path.resolve(opt("render-readme")) : path.join(RESULTS_DIR, "latest.json");
  updateReadmes(loadReport(file), path.relative(BENCHES_DIR, file));
  process.exit(0);
}

const quick = Boolean(opt("quick"));
const list = (v) => (typeof v === "string" ? v.split(",").map((x) => x.trim()).filter(Boolean) : undefined);
const fail = (msg) => {
  console.error(msg);
  process.exit(2);
};

let runtimeKeys = list(opt("runtime") ?? opt("runtimes"));
if (runtimeKeys) {
  const expanded = [];
  for (const k of runtimeKeys.map((x) => x.toLowerCase())) {
    if (k === "all") expanded.push(...RUNTIMES.map((r) => r.key));
    else if (k === "nodes") expanded.push("node24", "node26", "node22", "node20");
    else if (k === "browsers") expanded.push("chromium", "firefox");
    else if ([...RUNTIMES, ...EXTRA_RUNTIMES].some((r) => r.key === k)) expanded.push(k);
    else fail(`unknown runtime ${k}; known: ${[...RUNTIMES, ...EXTRA_RUNTIMES].map((r) => r.key).join(", ")}, all, nodes, browsers`);
  }
  runtimeKeys = [...new Set(expanded)];
}
const runtimes = runtimeKeys ? [...RUNTIMES, ...EXTRA_RUNTIMES].filter((r) => runtimeKeys.includes(r.key)) : RUNTIMES;

let onlyScenarios = list(opt("only"));
if (onlyScenarios) {
  const expanded = [];
  for (const s of onlyScenarios) {
    const k = s.toUpperCase();
    if (k === "SCALING") expanded.push("S1-1M", "S4-1M");
    else if (k === "MEMORY") expanded.push("MEM");
    else if (SCENARIOS.some((x) => x.key === k)) expanded.push(k);
    else fail(`unknown scenario ${s}; known: ${SCENARIOS.map((x) => x.key).join(", ")}, scaling, memory`);
  }
  onlyScenarios = expanded;
}
let onlyImpls = list(opt("impl"));
if (onlyImpls) {
  const keys = new Set(["baseline"]);
  for (const raw of onlyImpls) {
    const s = raw.toLowerCase();
    const hits = IMPLS.filter((i) => i.key.toLowerCase() === s || i.label.toLowerCase() === s || (i.pkg && i.pkg.toLowerCase() === s) || (s === "gorqs" && i.kind === "gorqs"));
    if (!hits.length) fail(`unknown implementation ${raw}; known: ${IMPLS.map((i) => i.key).join(", ")}`);
    for (const h of hits) keys.add(h.key);
  }
  onlyImpls = [...keys];
}
const filtered = Boolean(onlyScenarios || onlyImpls || runtimeKeys);
const gorqsModule = path.resolve(typeof opt("gorqs-module") === "string" ? opt("gorqs-module") : process.env.GORQS_MODULE || DEFAULT_GORQS_MODULE);
const usingDefaultBuild = gorqsModule === DEFAULT_GORQS_MODULE;
const jsexecModule = opt("no-jsexec") ? null : path.resolve(typeof opt("jsexec-module") === "string" ? opt("jsexec-module") : process.env.GORQS_JSEXEC_MODULE || DEFAULT_JSEXEC_MODULE);
const jsexecPresent = Boolean(jsexecModule && existsSync(jsexecModule));

/** The scenarios of a runtime: the 1M scaling runs only on the headline runtime, unless asked for. */
function scenariosFor(rt) {
  if (onlyScenarios) return SCENARIOS.filter((s) => onlyScenarios.includes(s.key));
  return SCENARIOS.filter((s) => !s.scaling || rt.key === HEADLINE);
}

// Same N, warm-up and run count for every implementation of a scenario.
function plan(s) {
  const scale = quick ? 10 : 1;
  const n = Math.round(s.n / scale);
  let warmup = s.scaling ? 1 : quick ? 1 : 2;
  let runs = s.scaling ? (quick ? 2 : 3) : quick ? 3 : 7;
  if (opt("runs")) runs = Number(opt("runs"));
  if (opt("warmup") !== undefined) warmup = Number(opt("warmup"));
  return s.memory ? { n, warmup: 0, runs: 1 } : { n, warmup, runs };
}
// Time budget of one implementation × scenario (see lib/node-runner.mjs).
function budgetSeconds(p) {
  if (process.env.BENCH_BUDGET_S) return Number(process.env.BENCH_BUDGET_S); // for testing the harness
  if (quick) return 45;
  return p.n >= 1_000_000 ? 150 : 100;
}
const implsFor = (s) =>
  IMPLS.filter((i) => (onlyImpls ? onlyImpls.includes(i.key) : !i.optIn) && (!i.only || i.only.includes(s.key)) && (i.kind !== "reference" || jsexecPresent));

// ---------------------------------------------------------------- what is measured
const peerVersions = {};
for (const i of IMPLS.filter((x) => x.pkg)) {
  try {
    peerVersions[i.pkg] = JSON.parse(readFileSync(path.join(BENCHES_DIR, "node_modules", i.pkg, "package.json"), "utf8")).version;
  } catch {
    fail(`${i.pkg} is not installed: run \`npm ci\` (or npm install) in benches/ first`);
  }
}
const git = (...a) => {
  try {
    return execFileSync("git", ["-C", REPO_DIR, ...a], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
};
const gitHead = git("rev-parse", "--short", "HEAD");
// The build measured comes from the working tree: say when its sources differ from HEAD.
const gitDirty = Boolean(git("status", "--porcelain", "--", "src", "pkg/src", "Cargo.toml", "Cargo.lock", "scripts/build.sh"));
const sha = (file) => createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);

// The build may be being redone (scripts/build.sh empties pkg/dist first): wait for it.
async function waitForBuild() {
  for (let w = 0; w < 120 && !existsSync(gorqsModule); w++) await new Promise((ok) => setTimeout(ok, 1000));
  return existsSync(gorqsModule);
}
const built = await waitForBuild();
const buildShaAtStart = built ? sha(gorqsModule) : null;
const build = built
  ? { sha256: buildShaAtStart, module: path.relative(REPO_DIR, gorqsModule), mtime: statSync(gorqsModule).mtime.toISOString(), ...measureBuild(gorqsModule, REPO_DIR, usingDefaultBuild) }
  : null;
const jsexec = jsexecPresent
  ? { present: true, module: path.relative(REPO_DIR, jsexecModule), sha256: sha(jsexecModule), commit: "a5435db" }
  : { present: false, module: jsexecModule ? path.relative(REPO_DIR, jsexecModule) : null, reason: jsexecModule ? "not found" : "--no-jsexec" };

const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  harnessNode: process.version,
};
const started = new Date();
console.log(`gorqs benchmark — ${quick ? "QUICK smoke run" : "full run"}${filtered ? " (filtered)" : ""}, ${started.toISOString()}`);
console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; git ${gitHead ?? "?"}${gitDirty ? " + uncommitted changes to the sources" : ""}`);
console.log(`gorqs: ${built ? path.relative(REPO_DIR, gorqsModule) : `NOT BUILT (${path.relative(REPO_DIR, gorqsModule)} missing): gorqs rows will say "not built"`}`);
for (const l of describeBuild(build)) console.log(`  ${l}`);
console.log(
  jsexecPresent
    ? `JS-executor reference: ${path.relative(REPO_DIR, jsexecModule)} (the build of a5435db): row "gorqs JS-executor a5435db", column "× JS-exec"`
    : jsexecModule
      ? `JS-executor reference: NOT FOUND (${path.relative(REPO_DIR, path.dirname(path.dirname(jsexecModule)))}/ missing): no reference row, "× JS-exec" says "-"`
      : "JS-executor reference: left out (--no-jsexec)",
);
console.log(`peers: ${Object.entries(peerVersions).map(([k, v]) => `${k} ${v}`).join(", ")}`);
console.log(`runtimes: ${runtimes.map((r) => r.key).join(", ")}\n`);

// ---------------------------------------------------------------- running
const fig = (r) =>
  r.memory
    ? `${r.memory.bytesPerJob.toFixed(1)} bytes/job`
    : r.nsPerJob?.length
      ? `median ${median(r.nsPerJob).toFixed(1)} ns/job`
      : r.lowerBound !== undefined
        ? `> ${r.lowerBound.toFixed(0)} ns/job`
        : "";
const flagOf = (r) => (["ok", "not built", "over budget"].includes(r.status) ? r.status : r.status === "unsupported" ? "not measured here" : `*** ${r.status.toUpperCase()} ***`);
let buildChanged = false;

function finishResult(r, impl, s, p) {
  r.impl = impl.key;
  r.label = impl.label;
  r.kind = impl.kind;
  r.scenario = s.key;
  r.n = p.n;
  r.warmup = p.warmup;
  r.runs = p.runs;
  r.notes ??= [];
  r.failures ??= [];
  if (r.nsPerJob?.length) r.median = median(r.nsPerJob);
  if (impl.key.startsWith("gorqs") && impl.kind === "gorqs" && r.buildSha && r.buildSha !== buildShaAtStart) {
    buildChanged = true;
    r.notes.push(`measured another gorqs build (sha256 ${r.buildSha}) than the one at the start (${buildShaAtStart}): the build was redone during the run`);
  }
  console.log(`  ${impl.label.padEnd(26)} ${fig(r).padEnd(26)} ${flagOf(r)}${r.wallSeconds ? `  (${r.wallSeconds.toFixed(1)} s)` : ""}`);
  for (const f of r.failures) console.log(`      !!! ${String(f).split("\n").slice(0, 6).join("\n          ")}`);
  for (const note of r.notes) console.log(`      note: ${note}`);
  return r;
}

async function runNodeLike(rt, scenarios) {
  const results = [];
  const env = { GORQS_MODULE: gorqsModule, ...(jsexecPresent ? { GORQS_JSEXEC_MODULE: jsexecModule } : {}) };
  for (const s of scenarios) {
    const p = plan(s);
    console.log(`${s.title}: N = ${p.n.toLocaleString("en-US")}${s.memory ? "" : `, ${p.warmup} warm-up + ${p.runs} measured runs`}`);
    for (const impl of implsFor(s)) {
      let r;
      if (impl.kind === "gorqs" && !(await waitForBuild())) r = { status: "not built", failures: [], notes: [] };
      else r = await runChild({ bin: rt.bin, impl, scenario: s, plan: p, budgetS: budgetSeconds(p), env });
      results.push(finishResult(r, impl, s, p));
    }
  }
  return results;
}

let bundled = null;
async function runBrowser(rt, scenarios) {
  const { bundle, openBrowser } = await import("./lib/browser-runner.mjs");
  if (!bundled) {
    await waitForBuild();
    bundled = await bundle({ gorqsModule, jsexecModule: jsexecPresent ? jsexecModule : null });
    console.log(`bundled the benchmark page (gorqs build ${bundled.gorqsSha ?? "not built"}${bundled.jsexecSha ? `, JS-executor ${bundled.jsexecSha}` : ""}) into benches/browser/build/`);
    if (bundled.gorqsSha && bundled.gorqsSha !== buildShaAtStart) {
      buildChanged = true;
      console.log(`note: the browsers measure gorqs build ${bundled.gorqsSha}, not the one at the start (${buildShaAtStart})`);
    }
  }
  const session = await openBrowser(rt.key, { log: console.log });
  rt.version = session.version;
  rt.engine = session.engine;
  console.log(`${runtimeTitle(rt)}`);
  const results = [];
  const scenarioErrors = [];
  try {
    for (const s of scenarios) {
      const p = plan(s);
      const impls = implsFor(s);
      console.log(`${s.title}: N = ${p.n.toLocaleString("en-US")}${s.memory ? "" : `, ${p.warmup} warm-up + ${p.runs} measured runs`}`);
      const out = await session.runScenario(s, impls, p, budgetSeconds(p));
      for (const impl of impls) {
        const r = out.results.find((x) => x.impl === impl.key) ?? { status: "failed", failures: ["no result from the page"], notes: [] };
        if (impl.kind === "gorqs") r.buildSha = bundled.gorqsSha;
        if (r.userAgent) rt.userAgent = r.userAgent;
        delete r.userAgent;
        results.push(finishResult(r, impl, s, p));
      }
      for (const e of out.pageErrors) {
        console.log(`  !!! page: ${e.split("\n").join("\n          ")}`);
        scenarioErrors.push(`${s.key}: ${e}`);
      }
    }
  } finally {
    await session.close();
  }
  return { results, scenarioErrors };
}

const report = {
  date: null,
  started: started.toISOString(),
  durationSeconds: null,
  mode: quick ? "quick" : "full",
  filters: { runtime: runtimeKeys ?? null, only: onlyScenarios ?? null, impl: onlyImpls ?? null },
  machine,
  git: gitHead,
  gitDirty,
  gorqs: built ? { ...build, defaultBuild: usingDefaultBuild, changedDuringRun: false } : { status: "not built", module: path.relative(REPO_DIR, gorqsModule) },
  jsexec,
  peers: peerVersions,
  units: {
    time: "ns per job (wall time from the first push until all done, and results read where the scenario reads them, / N)",
    memory: "bytes per tracked result (JS heap + WebAssembly linear memory, after forced GCs, delta / N)",
  },
  scenarios: SCENARIOS.map((s) => ({ key: s.key, title: s.title, standsFor: s.standsFor, ...plan(s) })),
  runtimes: [],
};

for (const base of runtimes) {
  const t0 = Date.now();
  const rt = resolveRuntime(base);
  const entry = { key: rt.key, label: rt.label, kind: rt.kind, name: rt.name, version: rt.version, engine: rt.engine, headline: rt.key === HEADLINE, started: new Date().toISOString() };
  report.runtimes.push(entry);
  console.log("=".repeat(100));
  if (rt.error) {
    entry.status = "error";
    entry.error = rt.error;
    entry.title = runtimeTitle(rt);
    console.log(`${rt.label}: CANNOT RUN: ${rt.error}\n`);
    continue;
  }
  if (rt.kind !== "browser") {
    entry.bin = path.relative(REPO_DIR, rt.bin);
    console.log(`${runtimeTitle(rt)} — ${rt.engine}; ${entry.bin}`);
  }
  const scenarios = scenariosFor(rt);
  try {
    if (rt.kind === "browser") {
      const out = await runBrowser(rt, scenarios);
      entry.results = out.results;
      entry.scenarioErrors = out.scenarioErrors;
      entry.version = rt.version;
      entry.engine = rt.engine;
      entry.userAgent = rt.userAgent;
    } else entry.results = await runNodeLike(rt, scenarios);
    entry.status = "ok";
  } catch (e) {
    entry.status = "error";
    entry.error = String(e && e.stack ? e.stack : e);
    entry.results ??= [];
    console.log(`${rt.label}: CANNOT RUN: ${entry.error}`);
  }
  entry.title = runtimeTitle(rt);
  entry.durationSeconds = Math.round((Date.now() - t0) / 1000);
  const plans = Object.fromEntries(scenarios.map((s) => [s.key, plan(s)]));
  const t = runtimeTables(scenarios, entry.results ?? [], plans);
  console.log(`\n${entry.title}${entry.engine ? ` (${entry.engine})` : ""}: ${entry.durationSeconds} s\n`);
  console.log(renderText([...t.details, t.memory, t.summary]));
  console.log(t.targets + "\n");
}

// ---------------------------------------------------------------- report
const finished = new Date();
report.date = finished.toISOString();
report.durationSeconds = Math.round((finished - started) / 1000);
report.gorqs.changedDuringRun = buildChanged;
console.log("=".repeat(100));
console.log(renderText([glanceTable(report.runtimes.filter((r) => r.results?.length), SCENARIOS)]));
if (buildChanged) console.log("WARNING: pkg/dist/gorqs.mjs changed during the run: the gorqs rows mix builds (see the notes above).");
console.log(`total ${report.durationSeconds} s (${(report.durationSeconds / 60).toFixed(1)} min)`);

if (!opt("no-write")) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.started.replace(/[:]/g, "-").replace(/\.\d+Z$/, "Z");
  const name = quick ? "quick.json" : filtered ? "partial.json" : `run-${stamp}.json`;
  writeFileSync(path.join(RESULTS_DIR, name), JSON.stringify(report, null, 2) + "\n");
  console.log(`wrote benches/results/${name}`);
  if (!quick && !filtered) {
    copyFileSync(path.join(RESULTS_DIR, name), path.join(RESULTS_DIR, "latest.json"));
    console.log("wrote benches/results/latest.json");
    if (usingDefaultBuild) updateReadmes(report, `results/${name}`);
  }
}

const failed = [];
for (const rt of report.runtimes) {
  if (rt.status === "error") failed.push({ where: rt.title ?? rt.label, what: `cannot run: ${rt.error.split("\n")[0]}`, details: [] });
  for (const e of rt.scenarioErrors ?? []) failed.push({ where: rt.title, what: e.split("\n")[0], details: e.split("\n").slice(1) });
  for (const r of rt.results ?? [])
    if (!["ok", "not built", "unsupported", "over budget"].includes(r.status)) failed.push({ where: `${rt.title} ${r.scenario} ${r.label}`, what: r.status, details: r.failures });
}
if (failed.length) {
  console.log("\n" + "!".repeat(78));
  console.log(`!!! ${failed.length} CORRECTNESS CHECK(S) FAILED`);
  for (const f of failed) {
    console.log(`!!! ${f.where}: ${f.what}`);
    for (const d of f.details.slice(0, 5)) console.log(`!!!     ${String(d).split("\n")[0]}`);
  }
  console.log("!".repeat(78));
  process.exitCode = 1;
} else console.log("all correctness checks ok");
