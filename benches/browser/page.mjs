// The benchmark page (index.html?cfg=JSON): one scenario, each implementation in turn in a fresh
// iframe (frame.html), one after the other. cfg = { scenario, impls: [key…], n, warmup, runs,
// budgetS, graceS, hangS }.
//
// Reports in the protocol of scripts/browser-test.mjs: window.__gorqsResults = { done: true,
// results: [{ name, ok, error, notes: ["@@RESULT <json>"] }] }; progress, for a driver that can
// read it live, as console.log("@@PROGRESS <json>") and window.__benchProgress.
const cfg = JSON.parse(new URLSearchParams(location.search).get("cfg"));
const logEl = document.getElementById("log");
const show = (line) => (logEl.textContent += line + "\n");
window.__benchProgress = [];

let nextId = 0;
function runFrame(impl) {
  const id = ++nextId;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const iframe = document.createElement("iframe");
    const params = new URLSearchParams({
      impl,
      scenario: cfg.scenario,
      n: cfg.n,
      warmup: cfg.warmup,
      runs: cfg.runs,
      budgetMs: cfg.budgetS * 1000,
      id,
    });
    iframe.src = `frame.html?${params}`;
    iframe.style.cssText = "width:1px;height:1px;border:0";
    let last;
    let sameSince = performance.now();
    const runsSoFar = () => {
      try {
        return iframe.contentWindow.__benchRuns ?? [];
      } catch {
        return [];
      }
    };
    const finish = (result) => {
      clearInterval(poll);
      removeEventListener("message", onMessage);
      iframe.remove();
      result.wallSeconds = (performance.now() - t0) / 1000;
      resolve(result);
    };
    const onMessage = (e) => {
      if (e.data && e.data.type === "gorqs-bench" && e.data.id === id) finish(e.data.result);
    };
    // The frame shares this page's event loop: this timer runs only while the frame is idle.
    const poll = setInterval(() => {
      let count;
      try {
        count = iframe.contentWindow.__benchStarted?.();
      } catch {}
      const now = performance.now();
      if (count !== last) {
        last = count;
        sameSince = now;
      } else if (now - sameSince > cfg.hangS * 1000) {
        finish({
          impl,
          scenario: cfg.scenario,
          n: cfg.n,
          status: "failed",
          failures: [`hung: no job started for ${cfg.hangS} s while the event loop was idle (a queue never reported done)`],
        });
        return;
      }
      if (now - t0 > (cfg.budgetS + cfg.graceS) * 1000) {
        const done = runsSoFar();
        const measured = done.filter(([k]) => k >= cfg.warmup).map(([, ns]) => ns);
        finish({
          impl,
          scenario: cfg.scenario,
          n: cfg.n,
          status: "over budget",
          failures: [],
          nsPerJob: measured,
          warmupNs: done.filter(([k]) => k < cfg.warmup).map(([, ns]) => ns),
          notes: [`stopped ${cfg.graceS} s past its ${cfg.budgetS} s budget, after ${done.length} of ${cfg.warmup + cfg.runs} runs`],
        });
      }
    }, 1000);
    addEventListener("message", onMessage);
    document.body.appendChild(iframe);
  });
}

const results = [];
for (const impl of cfg.impls) {
  show(`${cfg.scenario} ${impl} …`);
  const r = await runFrame(impl);
  r.userAgent = navigator.userAgent;
  const progress = { impl, status: r.status, nsPerJob: r.nsPerJob, memory: r.memory, wallSeconds: r.wallSeconds };
  window.__benchProgress.push(progress);
  console.log(`@@PROGRESS ${JSON.stringify(progress)}`);
  show(`  ${r.status}`);
  results.push({
    name: `${cfg.scenario} ${impl}`,
    ok: !["failed", "error"].includes(r.status),
    error: (r.failures ?? []).join("\n"),
    notes: [`@@RESULT ${JSON.stringify(r)}`],
  });
}
window.__gorqsResults = { done: true, results };
