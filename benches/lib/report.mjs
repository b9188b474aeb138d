// Tables of the figures: a plain-text rendering for the terminal, Markdown for the README.
// A table is { title, columns, rows: string[][] }.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const ns = (x) => (x === undefined || x === null || !Number.isFinite(x) ? "-" : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratio = (a, b) => (a === undefined || b === undefined || !(b > 0) ? "-" : `${(a / b).toFixed(2)}×`);
const statusText = (r) =>
  r.status === "ok"
    ? "ok"
    : r.status === "not built"
      ? "not built"
      : r.status === "over budget"
        ? `over budget (${r.nsPerJob?.length ?? 0} of ${r.runs} runs)`
        : `FAILED (${r.status})`;

/** The best (lowest median) successful peer of a scenario. */
function bestPeer(results) {
  let best;
  for (const r of results) if (r.kind === "peer" && r.status === "ok" && (!best || r.median < best.median)) best = r;
  return best;
}

export function scenarioTable(scenario, results) {
  const base = results.find((r) => r.kind === "baseline" && r.status === "ok");
  const best = bestPeer(results);
  const showInflight = !scenario.serial;
  const columns = ["implementation", "median ns/job", "min", "max", "× baseline", "× best peer", ...(showInflight ? ["max in flight"] : []), "check"];
  const rows = results.map((r) => {
    const ok = r.nsPerJob?.length > 0;
    const fig = ok
      ? [ns(r.median), ns(Math.min(...r.nsPerJob)), ns(Math.max(...r.nsPerJob))]
      : [r.status === "not built" ? "not built" : r.lowerBound !== undefined ? `> ${ns(r.lowerBound)}` : "-", "-", "-"];
    return [
      r.label,
      ...fig,
      ok ? ratio(r.median, base?.median) : "-",
      ok && best ? ratio(r.median, best.median) : "-",
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

export function memoryTable(results) {
  const base = results.find((r) => r.kind === "baseline" && r.status === "ok");
  const columns = ["implementation", "bytes/job", "JS heap", "external (wasm, buffers)", "× Map baseline", "check"];
  const rows = results.map((r) => {
    const m = r.memory;
    return [
      r.kind === "baseline" ? "baseline (plain Map)" : r.kind === "peer" ? `${r.label} + Map` : `${r.label} (track: true)`,
      m ? m.bytesPerJob.toFixed(1) : r.status === "not built" ? "not built" : "-",
      m ? m.heapPerJob.toFixed(1) : "-",
      m ? m.externalPerJob.toFixed(1) : "-",
      m && base ? ratio(m.bytesPerJob, base.memory.bytesPerJob) : "-",
      statusText(r),
    ];
  });
  return {
    title: `memory: bytes retained per finished job, results not yet read — N = ${results[0]?.n?.toLocaleString("en-US") ?? "?"}`,
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
    return [b.label, okS ? ns(s.median) : s?.status ?? "-", okB ? ns(b.median) : b.status, okS && okB ? ratio(b.median, s.median) : "-", statusText(b)];
  });
  return { title: `scaling: ${base} at ${k(nSmall)} vs ${k(nBig)} jobs (medians)`, columns, rows };
}

function widths(t) {
  return t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => String(r[i]).length)));
}

export function renderText(tables) {
  const out = [];
  for (const t of tables) {
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

function mdTable(t) {
  const esc = (s) => String(s).replace(/\|/g, "\\|");
  const out = [`**${t.title}**`, "", `| ${t.columns.map(esc).join(" | ")} |`, `|${t.columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const r of t.rows) out.push(`| ${r.map(esc).join(" | ")} |`);
  return out.join("\n");
}

export function renderMarkdown(report, tables, buildLines) {
  const m = report.machine;
  const out = [
    `Last full run: ${report.date.slice(0, 10)} (${report.date}), ${report.durationSeconds} s; machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; node ${m.node}; git ${report.git ?? "?"}` +
      (report.gorqs?.sha256 ? `; gorqs build sha256 ${report.gorqs.sha256}` : "") +
      ".",
    `Peers: ${Object.entries(report.peers).map(([k, v]) => `${k} ${v}`).join(", ")}. All figures in \`results/latest.json\`.`,
    "",
    ...buildLines.map((l) => `- ${l}`),
    "",
  ];
  for (const t of tables) out.push(mdTable(t), "");
  return out.join("\n");
}
