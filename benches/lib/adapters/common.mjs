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
