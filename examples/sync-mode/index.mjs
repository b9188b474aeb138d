// Sync mode with job tracking: jobs run one at a time, in the order they were pushed, and each
// one's outcome is kept until it is fetched by id. (Go: gorqs.New(gorqs.SyncMode | gorqs.TrackJobs))
//
//   node examples/sync-mode/index.mjs
import { Queue, SyncMode, TrackJobs, QueueError } from "gorqs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A job is any object with a run() method (Go's Runner interface) or a plain function.
class Download {
  constructor(file, ms) {
    this.file = file;
    this.ms = ms;
  }

  async run(ctx) {
    console.log(`  job ${ctx.id}: downloading ${this.file} ...`);
    await sleep(this.ms);
    console.log(`  job ${ctx.id}: ${this.file} done`);
    return `${this.file} (${this.ms * 10} KB)`;
  }
}

const queue = new Queue(SyncMode | TrackJobs);
const stopped = queue.start(); // settles when the queue stops

// push() returns the job's id at once; the job runs later.
const ids = [
  queue.push(new Download("a.txt", 30)),
  queue.push(new Download("b.txt", 10)), // shorter, but still runs after a.txt
  queue.push(() => {
    throw new Error("disk full");
  }),
  queue.push(new Download("c.txt", 20)),
];
console.log(`pushed jobs ${ids.join(", ")}; ${queue.size} waiting`);

// Nothing has run yet: fetching now tells where the job is.
try {
  queue.fetch(ids[3]);
} catch (err) {
  if (err instanceof QueueError) console.log(`fetch(${ids[3]}) right away: ${err.code} (${err.message})`);
}

await queue.onIdle();
console.log("all jobs finished; results:");

for (const id of ids) {
  try {
    console.log(`  job ${id}: ${queue.fetch(id)}`);
  } catch (err) {
    console.log(`  job ${id} failed: ${err.message}`);
  }
}

// A record is deleted once fetched.
try {
  queue.fetch(ids[0]);
} catch (err) {
  console.log(`fetch(${ids[0]}) again: ${err.code}`);
}

queue.clear(); // drops any records left (none here)
await queue.stop();
await stopped;
console.log(`queue running: ${queue.isRunning()}`);
queue.free();
