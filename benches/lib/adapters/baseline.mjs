// No queue at all: the same jobs called straight from a loop. The floor every queue is measured
// against ("× baseline" in the tables).
import { makeSyncJob } from "../jobs.mjs";
import { readBackMap, runBursts, runBatches, noDispose } from "./common.mjs";

export const meta = { name: "baseline", kind: "baseline", version: "-", note: "plain loop, no queue" };

export const scenarios = {
  // Serial synchronous jobs: call each in turn.
  S1: () => ({
    async run(jobs) {
      for (let j = 0; j < jobs.length; j++) jobs[j]();
    },
    dispose: noDispose,
  }),
  // Serial promise jobs: await each in turn.
  S2: () => ({
    async run(jobs) {
      for (let j = 0; j < jobs.length; j++) await jobs[j]();
    },
    dispose: noDispose,
  }),
  // Unbounded promise jobs: start them all, await them all.
  S3: () => ({
    async run(jobs) {
      const pending = new Array(jobs.length);
      for (let j = 0; j < jobs.length; j++) pending[j] = jobs[j]();
      await Promise.all(pending);
    },
    dispose: noDispose,
  }),
  // Serial promise jobs, results kept in a Map by counter id, then read back and deleted.
  S4: () => ({
    async run(jobs) {
      const n = jobs.length;
      const results = new Map();
      const ids = new Array(n);
      let counter = 0;
      for (let j = 0; j < n; j++) {
        const id = ++counter;
        ids[j] = id;
        results.set(id, await jobs[j]());
      }
      readBackMap(results, ids);
    },
    dispose: noDispose,
  }),
  // Crawler: a hand-written pool of `cap` workers pulling the next job from an index.
  S5: (s) => ({
    async run(jobs) {
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) await jobs[next++]();
      };
      const workers = [];
      for (let k = 0; k < s.cap; k++) workers.push(worker());
      await Promise.all(workers);
    },
    dispose: noDispose,
  }),
  // UI handler: each event of a burst calls its job straight away and awaits its value.
  S6: (s) => ({
    run: (jobs) => runBursts(jobs, s.burst, async (job) => job()),
    dispose: noDispose,
  }),
  // Pipeline stage: each batch through a hand-written pool of `cap` workers, values by index.
  S7: (s) => ({
    run: (jobs) =>
      runBatches(jobs, s.batch, async (batch) => {
        const values = new Array(batch.length);
        let next = 0;
        const worker = async () => {
          while (next < batch.length) {
            const k = next++;
            values[k] = await batch[k]();
          }
        };
        const workers = [];
        for (let w = 0; w < s.cap; w++) workers.push(worker());
        await Promise.all(workers);
        return values;
      }),
    dispose: noDispose,
  }),
};

// Memory: a plain Map holding n finished results (the peers' baseline).
export async function memory(n) {
  const results = new Map();
  for (let i = 0; i < n; i++) results.set(i + 1, makeSyncJob(i)());
  return {
    keep: results,
    verify() {
      for (let i = 0; i < n; i++) if (results.get(i + 1) !== i) return [`Map lost the result of job ${i}`];
      return [];
    },
    dispose: noDispose,
  };
}
