// fastq 1.20 (mcollina): in-memory work queue. Synchronous jobs use the callback API,
// fastq(worker, 1) with worker(job, cb), and the drain callback; promise jobs use fastq.promise
// with q.drained().
import fastq from "fastq";
import { makeSyncJob } from "../jobs.mjs";
import { readBackMap, verifyMap, runBursts, runBatches, noDispose } from "./common.mjs";

export const meta = { name: "fastq", kind: "peer", pkg: "fastq" };

// The worker runs the pushed job; the same worker for every scenario of one kind.
function syncWorker(job, cb) {
  cb(null, job());
}
function promiseWorker(job) {
  return job();
}
async function asyncWorker(job) {
  return job();
}

function promised(concurrency) {
  return () => {
    const q = fastq.promise(promiseWorker, concurrency);
    return {
      async run(jobs) {
        for (let j = 0; j < jobs.length; j++) q.push(jobs[j]);
        await q.drained();
      },
      dispose: noDispose,
    };
  };
}

export const scenarios = {
  S1: () => {
    const q = fastq(syncWorker, 1);
    return {
      run(jobs) {
        return new Promise((resolve) => {
          // drain fires whenever the queue empties; only the last one (after the push loop) matters.
          let pushing = true;
          q.drain = () => {
            if (!pushing) resolve();
          };
          for (let j = 0; j < jobs.length; j++) q.push(jobs[j]);
          pushing = false;
          if (q.idle()) resolve();
        });
      },
      dispose: noDispose,
    };
  },
  S2: promised(1),
  S3: promised(Infinity),
  // Results by hand: push() resolves with the job's value; store it under a counter id.
  S4: () => {
    const q = fastq.promise(promiseWorker, 1);
    return {
      async run(jobs) {
        const n = jobs.length;
        const results = new Map();
        const ids = new Array(n);
        let counter = 0;
        for (let j = 0; j < n; j++) {
          const id = ++counter;
          ids[j] = id;
          q.push(jobs[j]).then((value) => {
            results.set(id, value);
          });
        }
        await q.drained();
        readBackMap(results, ids);
      },
      dispose: noDispose,
    };
  },
  // Crawler: fastq.promise(worker, 8), push() per request, drained().
  S5: (s) => promised(s.cap)(),
  // UI handler: each event awaits the promise push() returns. fastq.promise needs a worker that
  // returns a promise, so the synchronous jobs go through an async worker.
  S6: (s) => {
    const q = fastq.promise(asyncWorker, 1);
    return { run: (jobs) => runBursts(jobs, s.burst, (job) => q.push(job)), dispose: noDispose };
  },
  // Pipeline stage: a push() per job of the batch, Promise.all of their promises.
  S7: (s) => {
    const q = fastq.promise(promiseWorker, s.cap);
    return { run: (jobs) => runBatches(jobs, s.batch, (batch) => Promise.all(batch.map((job) => q.push(job)))), dispose: noDispose };
  },
};

export async function memory(n) {
  const q = fastq(syncWorker, 1);
  const results = new Map();
  let counter = 0;
  for (let i = 0; i < n; i++) {
    const id = ++counter;
    q.push(makeSyncJob(i), (err, value) => {
      results.set(id, value);
    });
  }
  if (!q.idle()) await new Promise((resolve) => (q.drain = resolve));
  return { keep: [q, results], verify: () => verifyMap(results, n), dispose: noDispose };
}
