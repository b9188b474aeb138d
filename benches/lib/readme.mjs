// The figures in the READMEs: benches/README.md (between its latest-results markers: every
// runtime's summary, memory and, folded, every row) and the Performance section of README.md
// (between its bench-tables markers: the glance table and every runtime's summary and memory).
// Rendered from a results file, so `run.mjs --render-readme` can redo it without running.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BENCHES_DIR, REPO_DIR } from "./paths.mjs";
import { SCENARIOS } from "./scenarios.mjs";
import { describeBuild } from "./wasmsize.mjs";
import { runtimeTables, glanceTable, mdTable } from "./report.mjs";

/** Reads a results file; a file of the single-runtime format (before issue 16) is converted. */
export function loadReport(file) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (report.runtimes) return report;
  const node = report.machine?.node ?? "?";
  for (const r of report.results ?? []) if (r.memory && r.memory.wasmPerJob === undefined) r.memory.wasmPerJob = r.memory.externalPerJob; // Node 20 counted wasm in `external`
  return {
    ...report,
    started: report.date ? new Date(Date.parse(report.date) - (report.durationSeconds ?? 0) * 1000).toISOString() : null,
    jsexec: { present: false, reason: "not part of the benchmark before issue 16" },
    runtimes: [
      {
        key: "node",
        kind: "node",
        name: "Node",
        version: node.replace(/^v/, ""),
        engine: report.machine?.v8 ? `V8 ${report.machine.v8}` : undefined,
        title: `Node ${node.replace(/^v/, "")}`,
        status: "ok",
        started: null,
        durationSeconds: report.durationSeconds,
        results: report.results ?? [],
      },
    ],
  };
}

const hhmm = (iso) => (iso ? iso.slice(11, 16) : "?");

function planLine(report, rt) {
  const keys = [...new Set((rt.results ?? []).map((r) => r.scenario))];
  const plans = (report.scenarios ?? []).filter((s) => keys.includes(s.key) && !s.memory && !s.scaling);
  if (!plans.length) return "";
  const p = plans[0];
  return `N = ${p.n.toLocaleString("en-US")} jobs, ${p.warmup} warm-up + ${p.runs} measured runs per implementation × scenario`;
}

function runtimeBlock(report, rt, { details, headingLevel }) {
  const scenarios = SCENARIOS.filter((s) => (rt.results ?? []).some((r) => r.scenario === s.key));
  const plans = Object.fromEntries((report.scenarios ?? []).map((s) => [s.key, s]));
  const t = runtimeTables(scenarios, rt.results ?? [], plans);
  const m = report.machine ?? {};
  const out = [];
  const title = `${rt.title ?? rt.label}${rt.engine ? ` — ${rt.engine}` : ""}${rt.headline ? " (headline)" : ""}`;
  out.push(headingLevel ? `${"#".repeat(headingLevel)} ${title}` : `**${title}**`, "");
  if (rt.status === "error") {
    out.push(`Could not run: ${String(rt.error).split("\n")[0]}`, "");
    return out;
  }
  const when = rt.started ? `${rt.started.slice(0, 10)} ${hhmm(rt.started)} UTC, ${Math.round((rt.durationSeconds ?? 0) / 60)} min` : (report.date ?? "?").slice(0, 10);
  out.push(
    `${when}; ${m.cpu ?? "?"}, ${m.cores ?? "?"} cores, ${m.os ?? "?"}; git ${report.git ?? "?"}${report.gitDirty ? " + uncommitted source changes" : ""}${report.gorqs?.sha256 ? ` (gorqs build ${report.gorqs.sha256})` : ""}. ${planLine(report, rt)}.`,
    "",
    t.targets,
    "",
    mdTable(t.summary, { heading: false }),
    "",
  );
  if (t.memory) out.push(mdTable(t.memory), "");
  if (details && t.details.length) {
    out.push("<details><summary>every implementation, every scenario</summary>", "");
    for (const d of t.details) out.push(mdTable(d), "");
    out.push("</details>", "");
  }
  for (const e of rt.scenarioErrors ?? []) out.push(`- page error: ${e.split("\n")[0]}`);
  return out;
}

function header(report, resultsFile) {
  const m = report.machine ?? {};
  const peers = Object.entries(report.peers ?? {}).map(([k, v]) => `${k} ${v}`).join(", ");
  const js = report.jsexec?.present
    ? `JS-executor reference: the build of a5435db (\`${report.jsexec.module}\`, sha256 ${report.jsexec.sha256}).`
    : `JS-executor reference: not measured (${report.jsexec?.reason ?? "not found"}).`;
  return [
    `${report.mode === "full" ? "Full run" : `${report.mode} run`} of ${(report.date ?? "?").slice(0, 10)}, ${hhmm(report.started)}–${hhmm(report.date)} UTC (${Math.round((report.durationSeconds ?? 0) / 60)} min); machine: ${m.cpu ?? "?"}, ${m.cores ?? "?"} cores, ${m.memoryGiB ?? "?"} GiB, ${m.os ?? "?"}; git ${report.git ?? "?"}${report.gitDirty ? " + uncommitted source changes" : ""}${report.gorqs?.sha256 ? `; gorqs build sha256 ${report.gorqs.sha256}` : ""}.`,
    `Peers: ${peers}. ${js} Every figure: \`benches/${resultsFile}\`.`,
  ];
}

export function renderBenchReadme(report, resultsFile) {
  const live = report.runtimes.filter((r) => r.results?.length);
  const out = [...header(report, resultsFile), ""];
  for (const l of describeBuild(report.gorqs?.status === "not built" ? null : report.gorqs)) out.push(`- ${l}`);
  out.push("", mdTable(glanceTable(live, SCENARIOS)), "");
  for (const rt of report.runtimes) out.push(...runtimeBlock(report, rt, { details: true, headingLevel: 3 }));
  return out.join("\n");
}

export function renderMainReadme(report, resultsFile) {
  const live = report.runtimes.filter((r) => r.results?.length);
  const out = [...header(report, resultsFile), ""];
  out.push(mdTable(glanceTable(live, SCENARIOS)), "");
  for (const rt of report.runtimes) out.push(...runtimeBlock(report, rt, { details: false, headingLevel: 0 }));
  return out.join("\n");
}

function replaceBetween(file, start, end, body) {
  const text = readFileSync(file, "utf8");
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return false;
  writeFileSync(file, text.slice(0, a + start.length) + "\n" + body.trimEnd() + "\n" + text.slice(b));
  return true;
}

/** Rewrites the figures of both READMEs from `report`. */
export function updateReadmes(report, resultsFile) {
  const bench = path.join(BENCHES_DIR, "README.md");
  if (replaceBetween(bench, "<!-- latest-results:start -->", "<!-- latest-results:end -->", renderBenchReadme(report, resultsFile)))
    console.log("updated the figures in benches/README.md");
  else console.log("benches/README.md has no latest-results markers: not updated");
  const main = path.join(REPO_DIR, "README.md");
  if (replaceBetween(main, "<!-- bench-tables:start -->", "<!-- bench-tables:end -->", renderMainReadme(report, resultsFile)))
    console.log("updated the Performance figures in README.md");
  else console.log("README.md has no bench-tables markers in its Performance section: not updated");
}
