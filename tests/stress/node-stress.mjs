// Node runner of the stress test (stress.mjs):
//   node tests/stress/node-stress.mjs [--jobs=1000000] [--seed=N] [--batch=20000]
// Prints progress and the figures, then `stress: ok` or the problems; exit code 1 on any.
import { stress } from "./stress.mjs";
import { Queue } from "../../pkg/dist/gorqs.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z]+)=(\d+)$/.exec(a);
    if (!m) {
      console.error(`usage: node tests/stress/node-stress.mjs [--jobs=N] [--seed=N] [--batch=N]; got ${a}`);
      process.exit(2);
    }
    return [m[1], Number(m[2])];
  }),
);
const seed = args.seed ?? (Date.now() % 1_000_000);
console.log(`stress: seed ${seed} (replay with --seed=${seed})`);
const out = await stress({
  Queue,
  jobs: args.jobs ?? 1_000_000,
  seed,
  batch: args.batch ?? 20_000,
  log: (line) => console.log(`stress: ${line}`),
  watchUnhandled(report) {
    process.on("unhandledRejection", report);
    return () => process.off("unhandledRejection", report);
  },
});
console.log(`stress: ${out.jobs} jobs in ${out.ms} ms; unhandled rejections: ${out.unhandled}`);
console.log(`stress: kinds ${JSON.stringify(out.byKind)}`);
console.log(`stress: records read by ${JSON.stringify(out.via)}`);
if (out.ok) {
  console.log("stress: ok (every id accounted for exactly once with the right outcome)");
} else {
  for (const p of out.problems) console.log(`stress: PROBLEM ${p}`);
  console.log(`stress: FAILED (${out.problems.length} problem(s) shown)`);
}
process.exit(out.ok ? 0 : 1);
