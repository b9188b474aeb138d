#!/usr/bin/env node
// gorqs benchmark (issue 4): gorqs against p-queue, fastq, async.queue, @henrygd/queue and a
// no-queue baseline, each implementation × scenario in its own `node --expose-gc` process.
//
//   node benches/run.mjs                 full run (N = 200,000; scaling at 1,000,000)
//   node benches/run.mjs --quick         smoke run (N / 10, fewer runs)
//   node benches/run.mjs --only=S1,S2 --impl=gorqs,fastq
//
// Options: --only=S1,S2,S3,S4,MEM,S1-1M,S4-1M (aliases: mem, scaling), --impl=gorqs,p-queue,…
// (the baseline always runs, for the ratios), --runs=K, --warmup=K, --gorqs-module=PATH,
// --no-write (no results file, no README update), --render-readme (rewrite the README's figures
// from results/latest.json, running nothing), --help.
//
// Figures are printed, never asserted. Only correctness checks fail a run: they are printed
// loudly and make the script exit 1.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { IMPLS } from "./lib/impls.mjs";
import { SCENARIOS } from "./lib/scenarios.mjs";
import { BENCHES_DIR, REPO_DIR, RESULTS_DIR, DEFAULT_GORQS_MODULE } from "./lib/paths.mjs";
import { measureBuild, describeBuild } from "./lib/wasmsize.mjs";
import { scenarioTable, scalingTable, memoryTable, renderText, renderMarkdown, median } from "./lib/report.mjs";

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name) => {
  const a = argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return undefined;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : true;
};
const known = ["quick", "only", "impl", "runs", "warmup", "gorqs-module", "no-write", "render-readme", "help"];
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
const quick = Boolean(opt("quick"));
const list = (v) => (typeof v === "string" ? v.split(",").map((x) => x.trim()).filter(Boolean) : undefined);

let onlyScenarios = list(opt("only"));
if (onlyScenarios) {
  const expanded = [];
  for (const s of onlyScenarios) {
    const k = s.toUpperCase();
    if (k === "SCALING") expanded.push("S1-1M", "S4-1M");
    else if (k === "MEMORY") expanded.push("MEM");
    else if (SCENARIOS.some((x) => x.key === k)) expanded.push(k);
    else {
      console.error(`unknown scenario ${s}; known: ${SCENARIOS.map((x) => x.key).join(", ")}, scaling, memory`);
      process.exit(2);
    }
  }
  onlyScenarios = expanded;
}
let onlyImpls = list(opt("impl"));
if (onlyImpls) {
  const keys = new Set(["baseline"]);
  for (const raw of onlyImpls) {
    const s = raw.toLowerCase();
    const hits = IMPLS.filter(
      (i) => i.key.toLowerCase() === s || i.label.toLowerCase() === s || (i.pkg && i.pkg.toLowerCase() === s) || (s === "gorqs" && i.kind === "gorqs"),
    );
    if (!hits.length) {
      console.error(`unknown implementation ${raw}; known: ${IMPLS.map((i) => i.key).join(", ")}`);
      process.exit(2);
    }
    for (const h of hits) keys.add(h.key);
  }
  onlyImpls = [...keys];
}
const filtered = Boolean(onlyScenarios || onlyImpls);
const gorqsModule = path.resolve(typeof opt("gorqs-module") === "string" ? opt("gorqs-module") : process.env.GORQS_MODULE || DEFAULT_GORQS_MODULE);
const usingDefaultBuild = gorqsModule === DEFAULT_GORQS_MODULE;

// Same N, warm-up and run count for every implementation of a scenario.
function plan(s) {
  const scale = quick ? 10 : 1;
  const n = Math.round(s.n / scale);
  let warmup = s.scaling ? 1 : quick ? 1 : 2;
  let runs = s.scaling ? (quick ? 2 : 3) : quick ? 3 : 7;
  if (opt("runs")) runs = Number(opt("runs"));
  if (opt("warmup") !== undefined) warmup = Number(opt("warmup"));
  return { n, warmup, runs: s.memory ? 1 : runs, ...(s.memory ? { warmup: 0 } : {}) };
}

// ---------------------------------------------------------------- README
/** Replaces the figures between the README's latest-results markers. */
function updateReadme(report, sections) {
  const readme = path.join(BENCHES_DIR, "README.md");
  const buildLines = describeBuild(report.gorqs.status === "not built" ? null : report.gorqs);
  const md = renderMarkdown(report, sections, buildLines);
  const text = readFileSync(readme, "utf8");
  const start = "<!-- latest-results:start -->";
  const end = "<!-- latest-results:end -->";
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync(readme, text.slice(0, a + start.length) + "\n" + md + "\n" + text.slice(b));
    console.log("updated the latest figures in benches/README.md");
  } else console.log("benches/README.md has no latest-results markers: not updated");
}

// --render-readme: rewrite the README's figures from results/latest.json, running nothing.
if (opt("render-readme")) {
  const report = JSON.parse(readFileSync(path.join(RESULTS_DIR, "latest.json"), "utf8"));
  const order = ["S1", "S2", "S3", "S4", "MEM", "S1-scaling", "S4-scaling"];
  updateReadme(report, order.filter((k) => report.tables[k]).map((k) => report.tables[k]));
  process.exit(0);
}

// ---------------------------------------------------------------- child processes
// Time budget of one child. A child past it is stopped: if it was still working (busy event loop
// or jobs still starting) it is "over budget", a warning with the runs it finished (or a lower
// bound); if its heartbeat shows the same job count for HANG_S seconds, it hung: a failure.
const HANG_S = 20;
function budgetSeconds(p) {
  if (process.env.BENCH_BUDGET_S) return Number(process.env.BENCH_BUDGET_S); // for testing the harness
  if (quick) return 45;
  return p.n >= 1_000_000 ? 150 : 100;
}

function runChild(impl, scenario, p) {
  const args = JSON.stringify({ impl: impl.key, scenario: scenario.key, n: p.n, warmup: p.warmup, runs: p.runs });
  const budgetMs = budgetSeconds(p) * 1000;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", path.join(BENCHES_DIR, "lib/child.mjs"), args], {
      cwd: BENCHES_DIR,
      env: { ...process.env, GORQS_MODULE: gorqsModule },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const t0 = Date.now();
    let result;
    const notes = [];
    const done = []; // [k, nsPerJob] of finished runs
    let runStartedAt = t0;
    let lastBeat = null;
    let sameSince = null;
    let stopped = null; // "budget" | "hung"
    let buf = "";
    let err = "";
    const onLine = (line) => {
      if (line.startsWith("@@RESULT ")) result = JSON.parse(line.slice(9));
      else if (line.startsWith("@@NOTE ")) notes.push(JSON.parse(line.slice(7)));
      else if (line.startsWith("@@RUN ")) runStartedAt = Date.now();
      else if (line.startsWith("@@DONE ")) {
        const [k, ns] = line.slice(7).split(" ").map(Number);
        done.push([k, ns]);
        lastBeat = null;
      } else if (line.startsWith("@@BEAT ")) {
        const count = Number(line.slice(7));
        if (count !== lastBeat) {
          lastBeat = count;
          sameSince = Date.now();
        } else if (Date.now() - sameSince > HANG_S * 1000 && !stopped) {
          stopped = "hung";
          child.kill("SIGKILL");
        }
      }
    };
    child.stdout.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => {
      stopped = "budget";
      child.kill("SIGKILL");
    }, budgetMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (buf) onLine(buf);
      const tail = err.trim().split("\n").slice(-15).join("\n");
      if (!result && stopped === "budget") {
        const measured = done.filter(([k]) => k >= p.warmup).map(([, ns]) => ns);
        const lowerBound = ((Date.now() - runStartedAt) * 1e6) / p.n;
        result = {
          status: "over budget",
          failures: [],
          nsPerJob: measured,
          warmupNs: done.filter(([k]) => k < p.warmup).map(([, ns]) => ns),
          lowerBound: measured.length ? undefined : lowerBound,
        };
        notes.push(
          `over its ${budgetMs / 1000} s budget: stopped after ${done.length} of ${p.warmup + p.runs} runs` +
            (measured.length ? ` (figures from the ${measured.length} measured runs it finished)` : ` (a single run takes more than ${(lowerBound / 1000).toFixed(0)} µs/job)`),
        );
      } else if (!result) {
        const why =
          stopped === "hung"
            ? `hung: no job started for ${HANG_S} s while the event loop was idle (a queue never reported done)`
            : code === 13
              ? "exited with code 13: a top-level await never settled (a promise of the queue never resolved)"
              : `exited with code ${code}${signal ? ` (${signal})` : ""} without a result`;
        result = { status: "failed", failures: [why, ...(tail ? [`stderr: ${tail}`] : [])] };
      } else if (code !== 0 && result.status === "ok") {
        result.status = "failed";
        result.failures.push(`exited with code ${code}${tail ? `; stderr: ${tail}` : ""}`);
      }
      result.notes = notes;
      if (err.trim() && result.status === "ok") result.notes.push(`stderr: ${tail}`);
      result.wallSeconds = (Date.now() - t0) / 1000;
      resolve(result);
    });
  });
}

// ---------------------------------------------------------------- main
const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.includes(s.key));
const impls = IMPLS.filter((i) => !onlyImpls || onlyImpls.includes(i.key));
const built = existsSync(gorqsModule);
const peerVersions = {};
for (const i of IMPLS.filter((x) => x.pkg)) {
  try {
    peerVersions[i.pkg] = JSON.parse(readFileSync(path.join(BENCHES_DIR, "node_modules", i.pkg, "package.json"), "utf8")).version;
  } catch {
    console.error(`${i.pkg} is not installed: run \`npm ci\` (or npm install) in benches/ first`);
    process.exit(2);
  }
}
let gitHead = null;
try {
  gitHead = execFileSync("git", ["-C", REPO_DIR, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
} catch {}
const sha = (file) => createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
const buildShaAtStart = built ? sha(gorqsModule) : null;
const build = built ? { sha256: buildShaAtStart, module: path.relative(REPO_DIR, gorqsModule), mtime: statSync(gorqsModule).mtime.toISOString(), ...measureBuild(gorqsModule, REPO_DIR, usingDefaultBuild) } : null;

const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  v8: process.versions.v8,
};
const started = new Date();
console.log(`gorqs benchmark — ${quick ? "QUICK smoke run" : "full run"}${filtered ? " (filtered)" : ""}, ${started.toISOString()}`);
console.log(`${machine.cpu}, ${machine.cores} cores, node ${machine.node}; git ${gitHead ?? "?"}`);
console.log(`gorqs: ${built ? path.relative(REPO_DIR, gorqsModule) : `NOT BUILT (${path.relative(REPO_DIR, gorqsModule)} missing): gorqs rows will say "not built"`}`);
for (const l of describeBuild(build)) console.log(`  ${l}`);
console.log(`peers: ${Object.entries(peerVersions).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);

const results = [];
let buildChanged = false;
for (const s of scenarios) {
  const p = plan(s);
  console.log(`${s.title}: N = ${p.n.toLocaleString("en-US")}${s.memory ? "" : `, ${p.warmup} warm-up + ${p.runs} measured runs`}`);
  for (const impl of impls) {
    if (impl.only && !impl.only.includes(s.key)) continue;
    let r;
    if (impl.kind === "gorqs" && !built) r = { status: "not built", failures: [], notes: [] };
    else {
      // The build may be being redone (scripts/build.sh empties pkg/dist first): wait for it.
      if (impl.kind === "gorqs") for (let w = 0; w < 120 && !existsSync(gorqsModule); w++) await new Promise((ok) => setTimeout(ok, 1000));
      r = await runChild(impl, s, p);
      if (impl.kind === "gorqs" && r.buildSha && r.buildSha !== buildShaAtStart) {
        buildChanged = true;
        r.notes.push(`measured another gorqs build (sha256 ${r.buildSha}) than the one at the start (${buildShaAtStart}): the build was redone during the run`);
      }
    }
    r.impl = impl.key;
    r.label = impl.label;
    r.kind = impl.kind;
    r.scenario = s.key;
    r.n = p.n;
    r.warmup = p.warmup;
    r.runs = p.runs;
    if (r.nsPerJob?.length) r.median = median(r.nsPerJob);
    results.push(r);
    const fig = r.memory
      ? `${r.memory.bytesPerJob.toFixed(1)} bytes/job`
      : r.median !== undefined
        ? `median ${r.median.toFixed(1)} ns/job`
        : r.lowerBound !== undefined
          ? `> ${r.lowerBound.toFixed(0)} ns/job`
          : "";
    const flag = ["ok", "not built", "over budget"].includes(r.status) ? r.status : `*** ${r.status.toUpperCase()} ***`;
    console.log(`  ${impl.label.padEnd(22)} ${fig.padEnd(26)} ${flag}${r.wallSeconds ? `  (${r.wallSeconds.toFixed(1)} s)` : ""}`);
    for (const f of r.failures ?? []) console.log(`      !!! ${f}`);
    for (const note of r.notes ?? []) console.log(`      note: ${note}`);
  }
}

// ---------------------------------------------------------------- report
const finished = new Date();
const report = {
  date: finished.toISOString(),
  durationSeconds: Math.round((finished - started) / 1000),
  mode: quick ? "quick" : "full",
  filters: { only: onlyScenarios ?? null, impl: onlyImpls ?? null },
  machine,
  git: gitHead,
  gorqs: built ? { ...build, defaultBuild: usingDefaultBuild, changedDuringRun: buildChanged } : { status: "not built", module: path.relative(REPO_DIR, gorqsModule) },
  peers: peerVersions,
  units: { time: "ns per job (wall time from first push until all done / N)", memory: "bytes per job (heapUsed + external after forced GC, delta / N)" },
  scenarios: scenarios.map((s) => ({ key: s.key, title: s.title, ...plan(s) })),
  tables: {},
  results,
};
const sections = [];
for (const s of scenarios.filter((x) => !x.memory)) {
  const t = scenarioTable(s, results.filter((r) => r.scenario === s.key));
  report.tables[s.key] = t;
  sections.push(t);
}
if (scenarios.some((s) => s.memory)) {
  const t = memoryTable(results.filter((r) => r.scenario === "MEM"));
  report.tables.MEM = t;
  sections.push(t);
}
for (const base of ["S1", "S4"]) {
  const big = scenarios.find((s) => s.key === `${base}-1M`);
  const small = scenarios.find((s) => s.key === base);
  if (big && small) {
    const t = scalingTable(base, results.filter((r) => r.scenario === base), results.filter((r) => r.scenario === big.key), plan(small).n, plan(big).n);
    report.tables[`${base}-scaling`] = t;
    sections.push(t);
  }
}
console.log("");
console.log(renderText(sections));
for (const l of describeBuild(build)) console.log(l);

if (buildChanged) console.log("\nWARNING: pkg/dist/gorqs.mjs changed during the run: the gorqs rows mix builds (see the notes above).");
const failed = results.filter((r) => !["ok", "not built", "unsupported", "over budget"].includes(r.status));
console.log(`\ntotal ${report.durationSeconds} s`);

if (!opt("no-write")) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = quick ? "quick.json" : filtered ? "partial.json" : "latest.json";
  writeFileSync(path.join(RESULTS_DIR, name), JSON.stringify(report, null, 2) + "\n");
  console.log(`wrote benches/results/${name}`);
  if (!quick && !filtered && usingDefaultBuild) updateReadme(report, sections);
}

if (failed.length) {
  console.log("\n" + "!".repeat(78));
  console.log(`!!! ${failed.length} CORRECTNESS CHECK(S) FAILED`);
  for (const r of failed) {
    console.log(`!!! ${r.scenario} ${r.label}: ${r.status}`);
    for (const f of r.failures.slice(0, 5)) console.log(`!!!     ${f.split("\n")[0]}`);
  }
  console.log("!".repeat(78));
  process.exitCode = 1;
}
