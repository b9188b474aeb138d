// Check 1: the package from Node as ESM. Run inside a scratch project with gorqs installed.
// scripts/matrix.sh runs it on Bun and Deno too (`deno run -A node-esm.mjs`).
import { Queue, SyncMode, TrackJobs } from "gorqs";
import * as gorqs from "gorqs";
import { readFileSync } from "node:fs";
import { scenario, compare } from "./scenario.mjs";

const expected = JSON.parse(readFileSync(new URL("./expected.json", import.meta.url), "utf8"));
const problems = [];

const resolved = import.meta.resolve("gorqs");
if (!resolved.endsWith("/node_modules/gorqs/dist/gorqs.mjs")) problems.push(`"gorqs" resolved to ${resolved}, want .../dist/gorqs.mjs`);
if (gorqs.Queue !== Queue || typeof Queue !== "function") problems.push("named and namespace imports differ");

// The brief's own case: a tracked sync queue, three jobs, results by id, in order.
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
console.log(`  ${runtime} ${process.versions[runtime]} ESM: ok`);
