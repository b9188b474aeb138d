// @henrygd/queue 1.2: tiny promise queue. newQueue(concurrency), queue.add(fn), await
// queue.done(). add() expects a function returning a promise (it calls .then on the result), so
// a synchronous job is handed over as `() => Promise.resolve(job())`, wrapped at push time,
// as a user of this library has to.
import { newQueue } from "@henrygd/queue";
import { makeSyncJob } from "../jobs.mjs";
import { readBackMap, verifyMap, runBursts, runBatches, noDispose } from "./common.mjs";

export const meta = { name: "@henrygd/queue", kind: "peer", pkg: "@henrygd/queue" };

function plain(concurrency, wrapSync) {
  return () => {
    const queue = newQueue(concurrency);
    return {
      run: wrapSync
        ? async (jobs) => {
            for (let j = 0; j < jobs.length; j++) {
              const job = jobs[j];
              queue.add(() => Promise.resolve(job()));
            }
            await queue.done();
          }
        : async (jobs) => {
            for (let j = 0; j < jobs.length; j++) queue.add(jobs[j]);
            await queue.done();
          },
      dispose: noDispose,
    };
  };
}

export const scenarios = {
  S1: plain(1, true),
  S2: plain(1, false),
  S3: plain(Infinity, false),
  // Results by hand: add() resolves with the job's value; store it under a counter id.
  S4: () => {
    const queue = newQueue(1);
    return {
      async run(jobs) {
        const n = jobs.length;
        const results = new Map();
        const ids = new Array(n);
        let counter = 0;
        for (let j = 0; j < n; j++) {
          const id = ++counter;
          ids[j] = id;
          queue.add(jobs[j]).then((value) => {
            results.set(id, value);
          });
        }
        await queue.done();
        readBackMap(results, ids);
      },
      dispose: noDispose,
    };
  },
  // Crawler: newQueue(8), add() per request, done().
  S5: (s) => plain(s.cap, false)(),
  // UI handler: each event awaits the promise add() returns; synchronous jobs wrapped as in S1.
  S6: (s) => {
    const queue = newQueue(1);
    return { run: (jobs) => runBursts(jobs, s.burst, (job) => queue.add(() => Promise.resolve(job()))), dispose: noDispose };
  },
  // Pipeline stage: an add() per job of the batch, Promise.all of their promises.
  S7: (s) => {
    const queue = newQueue(s.cap);
    return { run: (jobs) => runBatches(jobs, s.batch, (batch) => Promise.all(batch.map((job) => queue.add(job)))), dispose: noDispose };
  },
};

export async function memory(n) {
  const queue = newQueue(1);
  const results = new Map();
  let counter = 0;
  for (let i = 0; i < n; i++) {
    const id = ++counter;
    const job = makeSyncJob(i);
    queue.add(() => Promise.resolve(job())).then((value) => {
      results.set(id, value);
    });
  }
  await queue.done();
  return { keep: [queue, results], verify: () => verifyMap(results, n), dispose: noDispose };
}
