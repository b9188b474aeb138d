// Helpers shared by the peer adapters: the hand-written result store a user of a queue without
// job tracking would write (a Map keyed by a counter id).
import { recordRead } from "../jobs.mjs";

/** Reads every result back by id (map.get + map.delete), as S4 asks. */
export function readBackMap(results, ids) {
  for (let j = 0; j < ids.length; j++) {
    const id = ids[j];
    recordRead(j, results.get(id));
    results.delete(id);
  }
}

/** Memory scenario: checks that the Map kept job i's value under id i + 1. */
export function verifyMap(results, n) {
  for (let i = 0; i < n; i++) if (results.get(i + 1) !== i) return [`result of job ${i} missing from the Map`];
  return [];
}

export const noDispose = async () => {};

/**
 * S6, the same for every implementation: bursts of `size` events; each event's handler hands
 * its job to `submit` (which returns a promise of the job's value), awaits the value and records
 * it. The next burst starts once all handlers of the previous one are done.
 */
export async function runBursts(jobs, size, submit) {
  const n = jobs.length;
  const handler = async (job, j) => {
    recordRead(j, await submit(job));
  };
  const handlers = new Array(size);
  for (let b = 0; b < n; b += size) {
    const m = Math.min(size, n - b);
    handlers.length = m;
    for (let k = 0; k < m; k++) handlers[k] = handler(jobs[b + k], b + k);
    await Promise.all(handlers);
  }
}

/**
 * S7, the same for every implementation: the jobs arrive in batches of `size`; `processBatch`
 * runs a batch and resolves with its values in batch order; they are recorded before the next
 * batch is taken.
 */
export async function runBatches(jobs, size, processBatch) {
  const n = jobs.length;
  for (let b = 0; b < n; b += size) {
    const values = await processBatch(jobs.slice(b, b + size));
    for (let k = 0; k < values.length; k++) recordRead(b + k, values[k]);
  }
}
