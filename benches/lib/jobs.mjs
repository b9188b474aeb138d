// The job bodies every implementation runs, and the bookkeeping that lets the harness check
// each run afterwards. Every adapter gets the very same closures (made by the factories below,
// before the clock starts), so the queues are compared on identical work.
//
// The bookkeeping is deliberately tiny (a typed-array store and two counters) so that it costs
// the same few nanoseconds for everyone.

let log = new Int32Array(0); // log[k] = index of the k-th job that started
let pos = 0; // how many jobs started
let inflight = 0; // promise jobs started and not yet finished
let maxInflight = 0; // the most promise jobs seen in flight at once
let readBack = new Float64Array(0); // readBack[j] = the result read back for job j (S4)

/** Resets the bookkeeping for a run of `n` jobs. */
export function resetState(n) {
  if (log.length !== n) {
    log = new Int32Array(n);
    readBack = new Float64Array(n);
  }
  log.fill(-1);
  readBack.fill(-1);
  pos = 0;
  inflight = 0;
  maxInflight = 0;
}

/** A synchronous job (S1): logs its start and returns its index. */
export function makeSyncJob(i) {
  return () => {
    log[pos++] = i;
    return i;
  };
}

/**
 * A promise job (S2, S3, S4): logs its start, awaits once, returns its index. The in-flight
 * counter lets the harness prove that a serial queue never overlapped two jobs and see how many
 * jobs an unbounded queue really ran at once.
 */
export function makeAsyncJob(i) {
  return async () => {
    if (++inflight > maxInflight) maxInflight = inflight;
    log[pos++] = i;
    await null;
    inflight--;
    return i;
  };
}

/**
 * An I/O-like promise job (S5): logs its start, awaits twice (a request, then reading its body),
 * returns its index. Counted in flight like makeAsyncJob.
 */
export function makeIoJob(i) {
  return async () => {
    if (++inflight > maxInflight) maxInflight = inflight;
    log[pos++] = i;
    await null;
    await null;
    inflight--;
    return i;
  };
}

/** Builds the `n` job closures of a run, outside the timed section. */
export function makeJobs(kind, n) {
  const make = kind === "sync" ? makeSyncJob : kind === "io" ? makeIoJob : makeAsyncJob;
  const jobs = new Array(n);
  for (let i = 0; i < n; i++) jobs[i] = make(i);
  return jobs;
}

/** Records the value read back for job `j` (S4, S6, S7). Same cost for every implementation. */
export function recordRead(j, value) {
  readBack[j] = value;
}

/** How many jobs started so far (used by contract checks, e.g. "push never runs a job"). */
export function startedCount() {
  return pos;
}

/**
 * Checks a finished run of `n` jobs. Returns a list of failure messages (empty = all good).
 * - every job ran exactly once;
 * - serial: in push order, never two in flight at once;
 * - capped: never more than `cap` promise jobs in flight at once;
 * - results: every value read back is the job's own.
 */
export function checkRun(n, { serial, results, cap }) {
  const errors = [];
  if (pos !== n) errors.push(`${pos} of ${n} jobs ran when the queue reported done`);
  if (inflight !== 0) errors.push(`${inflight} promise jobs still in flight when the queue reported done`);
  const upto = Math.min(pos, n);
  if (serial) {
    for (let k = 0; k < upto; k++) {
      if (log[k] !== k) {
        errors.push(`out of push order: job #${k} to start was job ${log[k]}`);
        break;
      }
    }
    if (maxInflight > 1) errors.push(`serial queue ran ${maxInflight} promise jobs at once`);
  } else {
    if (cap && maxInflight > cap) errors.push(`ran ${maxInflight} promise jobs at once, over the concurrency cap of ${cap}`);
    const seen = new Uint8Array(n);
    for (let k = 0; k < upto; k++) {
      const i = log[k];
      if (i < 0 || i >= n || seen[i]) {
        errors.push(`job ${i} ran twice or is unknown (start #${k})`);
        break;
      }
      seen[i] = 1;
    }
  }
  if (results) {
    for (let j = 0; j < n; j++) {
      if (readBack[j] !== j) {
        errors.push(`result of job ${j} read back as ${readBack[j] === -1 ? "nothing" : readBack[j]}`);
        break;
      }
    }
  }
  return errors;
}

/** Informational figures of the last run. */
export function runInfo() {
  return { maxInflight };
}
