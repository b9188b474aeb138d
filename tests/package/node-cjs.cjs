// Check 2: the package from Node as CommonJS. Run inside a scratch project with gorqs installed.
// scripts/matrix.sh runs it on Bun and Deno too (`deno run -A node-cjs.cjs`).
const { Queue, SyncMode, TrackJobs } = require("gorqs");
const gorqs = require("gorqs");
const { readFileSync } = require("node:fs");
const path = require("node:path");

async function main() {
  const { scenario, compare } = await import("./scenario.mjs");
  const expected = JSON.parse(readFileSync(path.join(__dirname, "expected.json"), "utf8"));
  const problems = [];

  const resolved = require.resolve("gorqs");
  if (!resolved.endsWith(path.join("node_modules", "gorqs", "dist", "gorqs.cjs"))) {
    problems.push(`require("gorqs") resolved to ${resolved}, want .../dist/gorqs.cjs`);
  }

  const q = new Queue(SyncMode | TrackJobs);
  q.start().catch(() => {});
  const ran = [];
  const ids = [10, 20, 30].map((n) => q.push(() => (ran.push(n), n * 2)));
  await q.onIdle();
  const values = ids.map((id) => q.result(id));
  if (JSON.stringify(ids) !== "[1,2,3]") problems.push(`ids ${JSON.stringify(ids)}, want [1,2,3]`);
  if (JSON.stringify(ran) !== "[10,20,30]") problems.push(`run order ${JSON.stringify(ran)}, want [10,20,30]`);
  if (JSON.stringify(values) !== "[20,40,60]") problems.push(`values ${JSON.stringify(values)}, want [20,40,60]`);
  await q.stop();
  q.free();

  problems.push(...compare(await scenario(gorqs), expected));
  if (problems.length) {
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  const runtime = globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node";
  console.log(`  ${runtime} ${process.versions[runtime]} CommonJS: ok`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
