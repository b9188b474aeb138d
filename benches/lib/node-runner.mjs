// Runs one implementation × scenario in a child process of a Node or Bun binary
// (`BIN --expose-gc lib/child.mjs ARGS`) and collects its result.
//
// Time budget: the child stops itself between runs once its budget has passed (lib/core.mjs:
// "over budget", with the runs it finished). As a backstop a child still running GRACE_S after
// its budget is killed: if it was still working (busy event loop or jobs still starting) it is
// "over budget" with the runs it reported; if its heartbeat shows the same job count for HANG_S
// seconds while its event loop is idle, it hung: a failure.
import { spawn } from "node:child_process";
import path from "node:path";
import { BENCHES_DIR } from "./paths.mjs";

export const HANG_S = 20;
const GRACE_S = 30;

export function runChild({ bin, impl, scenario, plan, budgetS, env }) {
  const args = JSON.stringify({ impl: impl.key, scenario: scenario.key, n: plan.n, warmup: plan.warmup, runs: plan.runs, budgetMs: budgetS * 1000 });
  const killMs = (budgetS + GRACE_S) * 1000;
  return new Promise((resolve) => {
    const child = spawn(bin, ["--expose-gc", path.join(BENCHES_DIR, "lib/child.mjs"), args], {
      cwd: BENCHES_DIR,
      env: { ...process.env, ...env },
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
    }, killMs);
    child.on("error", (e) => {
      err += `\ncannot start ${bin}: ${e.message}`;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (buf) onLine(buf);
      const tail = err.trim().split("\n").slice(-15).join("\n");
      if (!result && stopped === "budget") {
        const measured = done.filter(([k]) => k >= plan.warmup).map(([, ns]) => ns);
        const lowerBound = ((Date.now() - runStartedAt) * 1e6) / plan.n;
        result = {
          status: "over budget",
          failures: [],
          nsPerJob: measured,
          warmupNs: done.filter(([k]) => k < plan.warmup).map(([, ns]) => ns),
          lowerBound: measured.length ? undefined : lowerBound,
          notes: [],
        };
        notes.push(
          `killed ${GRACE_S} s past its ${budgetS} s budget, after ${done.length} of ${plan.warmup + plan.runs} runs` +
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
      } else if (code !== 0 && ["ok", "over budget"].includes(result.status)) {
        result.status = "failed";
        result.failures.push(`exited with code ${code}${tail ? `; stderr: ${tail}` : ""}`);
      }
      result.notes = [...(result.notes ?? []), ...notes];
      if (err.trim() && result.status === "ok") result.notes.push(`stderr: ${tail}`);
      result.wallSeconds = (Date.now() - t0) / 1000;
      resolve(result);
    });
  });
}
