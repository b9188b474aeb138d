// Tables of the figures: plain text for the terminal, Markdown for the READMEs.
// A table is { title, columns, rows: string[][], notes?: string[] }. Everything here is computed
// from a run's results, so a results file can be rendered again later (--render-readme).
import { JSEXEC_TARGET_SCENARIOS } from "./scenarios.mjs";

// The targets of issue 16, read off the printed figures (never asserted).
export const TARGETS = { bestPeer: 0.8, jsexec: 1.25, bytesPerResult: 20 };

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ns = (x) => (x === undefined || x === null || !Number.isFinite(x) ? "-" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratioOf = (a, b) => (a === undefined || b === undefined || !(b > 0) ? undefined : a / b);
const ratio = (a, b) => {
  const r = ratioOf(a, b);
  return r === undefined ? "-" : `${r.toFixed(2)}×`;
};
const mark = (ok) => (ok ? "✓" : "✗");
// A memory figure at or below zero is noise (see benches/README.md on Bun at small N), not a pass.
const memMark = (bytes) => (bytes <= 0 ? "? (implausible)" : mark(bytes <= TARGETS.bytesPerResult));
const targetRatio = (r, limit) => (r === undefined ? "-" : `${r.toFixed(2)}× ${mark(r <= limit)}`);
const statusText = (r) =>
  !r
    ? "-"
    : r.status === "ok"
      ? "ok"
      : r.status === "not built"
        ? "not built"
        : r.status === "unsupported"
          ? "not measured"
          : r.status === "over budget"
            ? `over budget (${r.nsPerJob?.length ?? 0} of ${r.runs} runs)`
            : `FAILED (${r.status})`;
const hasFigure = (r) => r && r.median !== undefined && ["ok", "over budget"].includes(r.status);

/** The best (lowest median) successful peer of a scenario. */
export function bestPeer(results) {
  let best;
  for (const r of results) if (r.kind === "peer" && r.status === "ok" && r.median !== undefined && (!best || r.median < best.median)) best = r;
  return best;
}

const find = (results, kind, key) => results.find((r) => r.kind === kind && (!key || r.impl === key));

/** All rows of one scenario on one runtime. */
export function scenarioTable(scenario, results) {
  const base = find(results, "baseline");
  const ref = find(results, "reference");
  const best = bestPeer(results);
  const showInflight = !scenario.serial;
  const columns = ["implementation", "median ns/job", "min", "max", "× no queue", "× best peer", "× JS-exec", ...(showInflight ? ["max in flight"] : []), "check"];
  const rows = results.map((r) => {
    const ok = r.nsPerJob?.length > 0;
    const fig = ok
      ? [ns(r.median), ns(Math.min(...r.nsPerJob)), ns(Math.max(...r.nsPerJob))]
      : [r.status === "not built" ? "not built" : r.lowerBound !== undefined ? `> ${ns(r.lowerBound)}` : "-", "-", "-"];
    return [
      r.label,
      ...fig,
      ok && hasFigure(base) ? ratio(r.median, base.median) : "-",
      ok && best ? ratio(r.median, best.median) : "-",
      ok && hasFigure(ref) ? ratio(r.median, ref.median) : "-",
      ...(showInflight ? [r.info?.maxInflight !== undefined ? String(r.info.maxInflight) : "-"] : []),
      statusText(r),
    ];
  });
  return {
    title: `${scenario.title} — N = ${results[0]?.n?.toLocaleString("en-US") ?? "?"}${best ? `; best peer: ${best.label}` : ""}`,
    columns,
    rows,
  };
}

/** Memory: one row per implementation, the gorqs row against the <= 20 B target. */
export function memoryTable(results) {
  const base = find(results, "baseline");
  const columns = ["implementation", "bytes per tracked result", "JS heap", "wasm memory", "× plain Map", `target ≤ ${TARGETS.bytesPerResult} B`, "check"];
  const rows = results.map((r) => {
    const m = r.memory;
    return [
      r.kind === "baseline" ? "no queue (plain Map)" : r.kind === "peer" ? `${r.label} + Map` : `${r.label} (track: true)`,
      m ? m.bytesPerJob.toFixed(1) : r.status === "not built" ? "not built" : "-",
      m ? m.heapPerJob.toFixed(1) : "-",
      m ? (m.wasmPerJob ?? 0).toFixed(1) : "-",
      m && base?.memory ? ratio(m.bytesPerJob, base.memory.bytesPerJob) : "-",
      m && r.kind === "gorqs" ? memMark(m.bytesPerJob) : "",
      statusText(r),
    ];
  });
  return {
    title: `memory: bytes retained per finished tracked job, results not yet read — N = ${results[0]?.n?.toLocaleString("en-US") ?? "?"}`,
    columns,
    rows,
  };
}

export function scalingTable(base, small, big, nSmall, nBig) {
  const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
  const columns = ["implementation", `ns/job at ${k(nSmall)}`, `ns/job at ${k(nBig)}`, `ratio ${k(nBig)}/${k(nSmall)}`, "check"];
  const rows = big.map((b) => {
    const s = small.find((x) => x.impl === b.impl);
    const okS = s?.median !== undefined;
    const okB = b.median !== undefined;
    return [b.label, okS ? ns(s.median) : (s?.status ?? "-"), okB ? ns(b.median) : b.status, okS && okB ? ratio(b.median, s.median) : "-", statusText(b)];
  });
  return { title: `scaling: ${base} at ${k(nSmall)} vs ${k(nBig)} jobs (medians)`, columns, rows };
}

/** The figures of one scenario that the targets are read from. */
export function scenarioFigures(scenarioKey, results) {
  const rs = results.filter((r) => r.scenario === scenarioKey);
  const base = find(rs, "baseline");
  const gorqs = find(rs, "gorqs", "gorqs");
  const pushAll = find(rs, "gorqs", "gorqs-pushAll");
  const ref = find(rs, "reference");
  const best = bestPeer(rs);
  const g = hasFigure(gorqs) ? gorqs.median : undefined;
  return {
    base,
    gorqs,
    pushAll,
    ref,
    best,
    xBestPeer: best ? ratioOf(g, best.median) : undefined,
    xJsexec: hasFigure(ref) ? ratioOf(g, ref.median) : undefined,
    failed: rs.filter((r) => !["ok", "not built", "unsupported", "over budget"].includes(r.status)),
  };
}

/**
 * One row per scenario: the no-queue baseline (the job's own cost), gorqs, the queue's share
 * (gorqs − no queue), the best peer, the JS-executor build, and the two ratios against their
 * targets (✓ met, ✗ missed).
 */
export function summaryTable(scenarios, results) {
  const columns = [
    "scenario",
    "no queue ns/job",
    "gorqs ns/job",
    "gorqs − no queue",
    "best peer ns/job",
    `× best peer (≤ ${TARGETS.bestPeer.toFixed(2)})`,
    "JS-exec ns/job",
    `× JS-exec (≤ ${TARGETS.jsexec}, S1–S4)`,
    "check",
  ];
  const rows = [];
  for (const s of scenarios.filter((x) => !x.memory)) {
    const f = scenarioFigures(s.key, results);
    if (!f.gorqs && !f.base) continue;
    const g = hasFigure(f.gorqs) ? f.gorqs.median : undefined;
    const b = hasFigure(f.base) ? f.base.median : undefined;
    const jsTarget = JSEXEC_TARGET_SCENARIOS.includes(s.key);
    const check = f.failed.length ? `FAILED: ${f.failed.map((r) => r.label).join(", ")}` : f.gorqs ? statusText(f.gorqs) : "-";
    rows.push([
      s.key,
      ns(b),
      g !== undefined ? ns(g) : f.gorqs?.status === "not built" ? "not built" : "-",
      g !== undefined && b !== undefined ? ns(g - b) : "-",
      f.best ? `${ns(f.best.median)} (${f.best.label})` : "-",
      targetRatio(f.xBestPeer, TARGETS.bestPeer),
      hasFigure(f.ref) ? ns(f.ref.median) : f.ref ? statusText(f.ref) : "n/a",
      f.xJsexec === undefined ? "-" : jsTarget ? targetRatio(f.xJsexec, TARGETS.jsexec) : `${f.xJsexec.toFixed(2)}×`,
      check,
    ]);
    if (hasFigure(f.pushAll)) {
      const p = f.pushAll.median;
      const xb = f.best ? ratioOf(p, f.best.median) : undefined;
      rows.push([`${s.key} (pushAll)`, ns(b), ns(p), b !== undefined ? ns(p - b) : "-", f.best ? `${ns(f.best.median)} (${f.best.label})` : "-", targetRatio(xb, TARGETS.bestPeer), "", "", statusText(f.pushAll)]);
    }
  }
  return { title: "summary: the targets (✓ met, ✗ missed; figures are medians)", columns, rows };
}

/** One line saying which targets hold on a runtime. */
export function targetsLine(scenarios, results) {
  const peerMiss = [];
  const peerHit = [];
  const jsMiss = [];
  const jsHit = [];
  for (const s of scenarios.filter((x) => !x.memory && !x.scaling)) {
    const f = scenarioFigures(s.key, results);
    if (f.xBestPeer !== undefined) (f.xBestPeer <= TARGETS.bestPeer ? peerHit : peerMiss).push(`${s.key} ${f.xBestPeer.toFixed(2)}×`);
    if (JSEXEC_TARGET_SCENARIOS.includes(s.key) && f.xJsexec !== undefined) (f.xJsexec <= TARGETS.jsexec ? jsHit : jsMiss).push(`${s.key} ${f.xJsexec.toFixed(2)}×`);
  }
  const mem = results.find((r) => r.scenario === "MEM" && r.impl === "gorqs" && r.memory);
  const parts = [];
  if (peerHit.length + peerMiss.length)
    parts.push(`≤ ${TARGETS.bestPeer.toFixed(2)}× best peer in ${peerHit.length} of ${peerHit.length + peerMiss.length} scenarios${peerMiss.length ? ` (missed: ${peerMiss.join(", ")})` : ""}`);
  if (jsHit.length + jsMiss.length)
    parts.push(`≤ ${TARGETS.jsexec}× JS-exec in ${jsHit.length} of ${jsHit.length + jsMiss.length} of S1–S4${jsMiss.length ? ` (missed: ${jsMiss.join(", ")})` : ""}`);
  if (mem) parts.push(`≤ ${TARGETS.bytesPerResult} B per tracked result: ${mem.memory.bytesPerJob.toFixed(1)} B ${memMark(mem.memory.bytesPerJob)}`);
  return parts.length ? `Targets: ${parts.join("; ")}.` : "Targets: no figures.";
}

/** Rows: scenarios; columns: runtimes; cells: "× best peer / × JS-exec" of gorqs. */
export function glanceTable(runtimes, scenarios) {
  const columns = ["scenario", ...runtimes.map((rt) => rt.title)];
  const rows = [];
  for (const s of scenarios.filter((x) => !x.memory && !x.scaling)) {
    const row = [s.key];
    let any = false;
    for (const rt of runtimes) {
      const f = scenarioFigures(s.key, rt.results ?? []);
      const a = f.xBestPeer === undefined ? "-" : `${f.xBestPeer.toFixed(2)} ${mark(f.xBestPeer <= TARGETS.bestPeer)}`;
      const jsT = JSEXEC_TARGET_SCENARIOS.includes(s.key);
      const b = f.xJsexec === undefined ? "-" : `${f.xJsexec.toFixed(2)}${jsT ? ` ${mark(f.xJsexec <= TARGETS.jsexec)}` : ""}`;
      if (f.xBestPeer !== undefined || f.xJsexec !== undefined) any = true;
      row.push(`${a} / ${b}`);
    }
    if (any) rows.push(row);
  }
  const mem = ["bytes/result"];
  let anyMem = false;
  for (const rt of runtimes) {
    const m = (rt.results ?? []).find((r) => r.scenario === "MEM" && r.impl === "gorqs" && r.memory);
    if (m) anyMem = true;
    mem.push(m ? `${m.memory.bytesPerJob.toFixed(1)} ${memMark(m.memory.bytesPerJob)}` : "-");
  }
  if (anyMem) rows.push(mem);
  return {
    title: `at a glance: gorqs × best peer (target ≤ ${TARGETS.bestPeer.toFixed(2)}) / × JS-executor build (target ≤ ${TARGETS.jsexec} in S1–S4); bytes per tracked result (target ≤ ${TARGETS.bytesPerResult})`,
    columns,
    rows,
  };
}

/** Every table of one runtime, in print order. */
export function runtimeTables(scenarios, results, plans) {
  const summary = summaryTable(scenarios, results);
  const details = [];
  let memory = null;
  for (const s of scenarios) {
    const rs = results.filter((r) => r.scenario === s.key);
    if (!rs.length) continue;
    if (s.memory) {
      if (rs.every((r) => r.status === "unsupported")) {
        const why = rs.find((r) => r.message)?.message ?? "the runtime gives no heap figure";
        memory = { title: `memory: not measured here (${why})`, columns: [], rows: [] };
      } else memory = memoryTable(rs);
    }
    else details.push(scenarioTable(s, rs));
  }
  for (const base of ["S1", "S4"]) {
    const big = scenarios.find((s) => s.key === `${base}-1M`);
    const small = scenarios.find((s) => s.key === base);
    const bigRs = results.filter((r) => r.scenario === `${base}-1M`);
    if (big && small && bigRs.length && plans)
      details.push(scalingTable(base, results.filter((r) => r.scenario === base), bigRs, plans[base]?.n, plans[`${base}-1M`]?.n));
  }
  return { summary, memory, details, targets: targetsLine(scenarios, results) };
}

function widths(t) {
  return t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => String(r[i]).length)));
}

export function renderText(tables) {
  const out = [];
  for (const t of tables.filter(Boolean)) {
    if (!t.columns.length) {
      out.push(t.title, "");
      continue;
    }
    const w = widths(t);
    const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ");
    out.push(t.title);
    out.push(line(t.columns));
    out.push(w.map((x) => "-".repeat(x)).join("  "));
    for (const r of t.rows) out.push(line(r));
    out.push("");
  }
  return out.join("\n");
}

export function mdTable(t, { heading = true } = {}) {
  const esc = (s) => String(s).replace(/\|/g, "\\|");
  if (!t.columns.length) return `*${t.title}*`;
  const out = [
    ...(heading ? [`**${t.title}**`, ""] : []),
    `| ${t.columns.map(esc).join(" | ")} |`,
    `|${t.columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ];
  for (const r of t.rows) out.push(`| ${r.map(esc).join(" | ")} |`);
  return out.join("\n");
}
