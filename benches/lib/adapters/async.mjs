// async 3.2 (caolan): async.queue(worker, concurrency), q.push(job), await q.drain().
// Synchronous jobs use a callback worker; promise jobs an async function worker (async v3
// recognises AsyncFunction workers and awaits them).
import asyncLib from "async";
import { makeSyncJob } from "../jobs.mjs";
import { readBackMap, verifyMap, runBursts, runBatches, noDispose } from "./common.mjs";

export const meta = { name: "async", kind: "peer", pkg: "async", note: "async.queue" };

function syncWorker(job, cb) {
  cb(null, job());
}
async function promiseWorker(job) {
  return job();
}

function plain(worker, concurrency) {
  return () => {
    const q = asyncLib.queue(worker, concurrency);
    return {
      async run(jobs) {
        for (let j = 0; j < jobs.length; j++) q.push(jobs[j]);
        await q.drain();
      },
      dispose: noDispose,
    };
  };
}

export const scenarios = {
  S1: plain(syncWorker, 1),
  S2: plain(promiseWorker, 1),
  S3: plain(promiseWorker, Infinity),
  // Results by hand: the per-task callback gets the job's value; store it under a counter id.
  S4: () => {
    const q = asyncLib.queue(promiseWorker, 1);
    return {
      async run(jobs) {
        const n = jobs.length;
        const results = new Map();
        const ids = new Array(n);
        let counter = 0;
        for (let j = 0; j < n; j++) {
          const id = ++counter;
          ids[j] = id;
          q.push(jobs[j], (err, value) => {
            results.set(id, value);
          });
        }
        await q.drain();
        readBackMap(results, ids);
      },
      dispose: noDispose,
    };
  },
  // Crawler: async.queue(worker, 8), push() per request, drain().
  S5: (s) => plain(promiseWorker, s.cap)(),
  // UI handler: each event awaits the promise push() returns (no callback given).
  S6: (s) => {
    const q = asyncLib.queue(promiseWorker, 1);
    return { run: (jobs) => runBursts(jobs, s.burst, (job) => q.push(job)), dispose: noDispose };
  },
  // Pipeline stage: push(batch) returns an array of promises, one per job.
  S7: (s) => {
    const q = asyncLib.queue(promiseWorker, s.cap);
    return { run: (jobs) => runBatches(jobs, s.batch, (batch) => Promise.all(q.push(batch))), dispose: noDispose };
  },
};

export async function memory(n) {
  const q = asyncLib.queue(syncWorker, 1);
  const results = new Map();
  let counter = 0;
  for (let i = 0; i < n; i++) {
    const id = ++counter;
    q.push(makeSyncJob(i), (err, value) => {
      results.set(id, value);
    });
  }
  await q.drain();
  return { keep: [q, results], verify: () => verifyMap(results, n), dispose: noDispose };
}
