// Async mode with job tracking: every job starts as soon as it is pushed, without waiting for
// the others, so slow jobs overlap. (Go: gorqs.New(gorqs.AsyncMode | gorqs.TrackJobs))
//
//   node examples/async-mode/index.mjs
import { Queue, AsyncMode, TrackJobs } from "gorqs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const queue = new Queue(AsyncMode | TrackJobs);
queue.start().catch(() => {});

queue.addEventListener("active", (e) => console.log(`  started  job ${e.detail.id}`));
queue.addEventListener("completed", (e) => console.log(`  finished job ${e.detail.id}: ${e.detail.value}`));
queue.addEventListener("failed", (e) => console.log(`  failed   job ${e.detail.id}: ${e.detail.error.message}`));

// Each job "works" for a while; the durations overlap.
const durations = [80, 20, 50, 10];
const began = performance.now();
const ids = durations.map((ms, i) =>
  queue.push(async () => {
    await sleep(ms);
    if (i === 2) throw new Error(`job of ${ms} ms gave up`);
    return `slept ${ms} ms`;
  }),
);
console.log(`pushed jobs ${ids.join(", ")}`);

await queue.onEmpty(); // nothing waiting: every job has started
console.log(`${queue.running} jobs running at once`);

await queue.onIdle();
const elapsed = performance.now() - began;
const sum = durations.reduce((a, b) => a + b, 0);
console.log(
  `all done in about ${Math.round(elapsed / 10) * 10} ms, ` +
    `${elapsed < sum ? "less than" : "NOT less than"} the ${sum} ms the jobs take one after another`,
);

for (const id of ids) {
  try {
    console.log(`  result of job ${id}: ${queue.result(id)}`);
  } catch (err) {
    console.log(`  result of job ${id}: error "${err.message}"`);
  }
}

await queue.stop();
queue.free();
