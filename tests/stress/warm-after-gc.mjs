// A queue made after a full GC finds its per-job path still optimized (V8: Node, Chromium).
//   node tests/stress/warm-after-gc.mjs [--module=PATH]
// V8 keeps a hidden class only while some object has it. With no queue alive (or no job
// running) at a full GC, the classes of a queue, of its host and of a job's context went, and
// with them every optimized `push`, `put`, `invoke` built on them ("embedded weak objects
// cleared", "dependent field type constness changed"): each new queue warmed up again, at 2-3x
// the cost per job. The package keeps one queue (pkg/src/index.js) and one context
// (src/wasm/host.js) for their classes. This runs rounds of a program that makes queues, runs
// their jobs (sync jobs, promise jobs 8 at a time with results read back, bursts of waited
// jobs), drops them and forces full GCs, in a child with `--trace-deopt`, and fails when V8
// throws optimized code away (because what it assumed changed) in more than one round after
// the first. It prints each round's ns per sync job, never asserted (this machine is noisy).
// Measured without the kept objects: code thrown away in every round, 250-850 ns per sync job
// after the first round; with them: none, 30-300.
// --module: another build (pkg/dist/gorqs.mjs by default), e.g. one without the kept queue.
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const ROUNDS = 6;
const JOBS = 20_000;
// V8's line for optimized code whose assumptions broke (a class it relied on collected, a field
// it took for constant written), thrown away at its next use: "marking dependent code … for
// deoptimization, reason: embedded weak objects cleared" (Node 24+; "weak objects" and "code
// dependencies" in Node 20 and 22).
const THROWN_AWAY = /^\[marking dependent code .* for deoptimization/;

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = process.argv.slice(2).find((a) => a.startsWith("--module="));
const modulePath = arg ? path.resolve(arg.slice("--module=".length)) : path.join(here, "../../pkg/dist/gorqs.mjs");

if (process.argv.includes("--child")) {
  const { Queue } = await import(pathToFileURL(modulePath).href);
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  const check = (queue, what) => {
    if (queue.size !== 0 || queue.running !== 0) throw new Error(`${what}: the queue did not drain`);
  };
  const drop = async (queue) => (await queue.stop(), queue.free());
  for (let round = 0; round < ROUNDS; round++) {
    // Serial sync jobs (timed), then promise jobs 8 at a time with their results read back, then
    // bursts of 16 jobs each awaited by `wait`: the push path, runs, followed thenables, waits.
    const jobs = Array.from({ length: JOBS }, (_, i) => () => i);
    const serial = new Queue({ autoStart: true });
    const t0 = performance.now();
    for (const job of jobs) serial.push(job);
    await serial.onIdle();
    const ns = ((performance.now() - t0) * 1e6) / JOBS;
    check(serial, `round ${round}, sync jobs`);
    await drop(serial);
    const capped = new Queue({ mode: "async", concurrency: 8, track: true, autoStart: true });
    const ids = capped.pushAll(Array.from({ length: JOBS / 4 }, (_, i) => async () => (await null, i)));
    await capped.onIdle();
    ids.forEach((id, i) => {
      if (capped.result(id) !== i) throw new Error(`round ${round}: result(${id}) is not ${i}`);
    });
    check(capped, `round ${round}, promise jobs`);
    await drop(capped);
    const waited = new Queue({ track: true, autoStart: true });
    for (let i = 0; i < JOBS / 4; i += 16) {
      const values = await Promise.all(Array.from({ length: 16 }, (_, k) => waited.wait(waited.push(() => i + k))));
      if (values[15] !== i + 15) throw new Error(`round ${round}: wait gave ${values[15]}, not ${i + 15}`);
    }
    check(waited, `round ${round}, waited jobs`);
    await drop(waited);
    for (let k = 0; k < 4; k++) (globalThis.gc(), await tick());
    console.log(`@@round ${round} ${ns.toFixed(1)}`);
  }
} else {
  const child = spawnSync(process.execPath, ["--expose-gc", "--trace-deopt", fileURLToPath(import.meta.url), "--child", `--module=${modulePath}`], {
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  if (child.status !== 0) {
    console.error(child.stdout.slice(-4000), child.stderr.slice(-4000));
    console.error(`warm-after-gc: the child failed (status ${child.status})`);
    process.exit(1);
  }
  // Per round: how many pieces of optimized code were thrown away during it (and its GCs).
  const thrown = [];
  const perJob = [];
  let count = 0;
  const samples = [];
  for (const line of child.stdout.split("\n")) {
    const m = /^@@round (\d+) ([\d.]+)$/.exec(line);
    if (m) (thrown.push(count), perJob.push(m[2]), (count = 0));
    else if (THROWN_AWAY.test(line)) (count++, thrown.length >= 1 && samples.length < 8 && samples.push(`round ${thrown.length}: ${line.replace(/0x[0-9a-f]+ /g, "")}`));
  }
  console.log(`warm-after-gc: ${process.version}, ${JOBS} serial sync jobs a round on a new queue (and promise jobs, waits); ns/job by round: ${perJob.join(" ")}; optimized code thrown away by round: ${thrown.join(" ")}`);
  if (perJob.length !== ROUNDS) {
    console.error(`warm-after-gc: ${perJob.length} of ${ROUNDS} rounds reported`);
    process.exit(1);
  }
  // The first round always throws some code away as it warms up (6-21 pieces measured): none
  // at all means V8 no longer words its trace as THROWN_AWAY expects, and this check is blind.
  if (thrown[0] === 0) {
    console.error("warm-after-gc: no optimized code thrown away even in the first round: is --trace-deopt's wording still what THROWN_AWAY matches?");
    process.exit(1);
  }
  // The first round compiles; after it, nothing should be thrown away. One round may be, for
  // reasons of V8's own; without the kept queue every round after the first was (until V8
  // gave up optimizing some of them, in round 5 or later in Node 24 and 26).
  const bad = thrown.slice(1).filter((n) => n > 0).length;
  if (bad > 1) {
    console.error(`warm-after-gc: optimized code was thrown away in ${bad} of the ${ROUNDS - 1} rounds after the first:\n${samples.join("\n")}`);
    process.exit(1);
  }
  console.log(`warm-after-gc: ok`);
}
