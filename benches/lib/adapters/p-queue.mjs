// p-queue 10 (sindresorhus): promise queue. Idiomatic use: new PQueue({ concurrency }),
// queue.add(fn) per job, await queue.onIdle().
import PQueue from "p-queue";
import { makeSyncJob } from "../jobs.mjs";
import { readBackMap, verifyMap, runBursts, runBatches, noDispose } from "./common.mjs";

export const meta = { name: "p-queue", kind: "peer", pkg: "p-queue" };

function plain(concurrency) {
  return () => {
    const queue = new PQueue({ concurrency });
    return {
      async run(jobs) {
        for (let j = 0; j < jobs.length; j++) queue.add(jobs[j]);
        await queue.onIdle();
      },
      dispose: noDispose,
    };
  };
}

export const scenarios = {
  S1: plain(1),
  S2: plain(1),
  S3: plain(Infinity),
  // Results by hand: add() resolves with the job's value; store it under a counter id.
  S4: () => {
    const queue = new PQueue({ concurrency: 1 });
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
        await queue.onIdle();
        readBackMap(results, ids);
      },
      dispose: noDispose,
    };
  },
  // Crawler: concurrency 8, add() per request, onIdle().
  S5: (s) => plain(s.cap)(),
  // UI handler: each event awaits the promise add() returns.
  S6: (s) => {
    const queue = new PQueue({ concurrency: 1 });
    return { run: (jobs) => runBursts(jobs, s.burst, (job) => queue.add(job)), dispose: noDispose };
  },
  // Pipeline stage: addAll(batch) resolves with the batch's values in order.
  S7: (s) => {
    const queue = new PQueue({ concurrency: s.cap });
    return { run: (jobs) => runBatches(jobs, s.batch, (batch) => queue.addAll(batch)), dispose: noDispose };
  },
};

export async function memory(n) {
  const queue = new PQueue({ concurrency: 1 });
  const results = new Map();
  let counter = 0;
  for (let i = 0; i < n; i++) {
    const id = ++counter;
    queue.add(makeSyncJob(i)).then((value) => {
      results.set(id, value);
    });
  }
  await queue.onIdle();
  return { keep: [queue, results], verify: () => verifyMap(results, n), dispose: noDispose };
}
