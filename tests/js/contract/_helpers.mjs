// Shared helpers for the contract tests. No timing assertions: waits are bounded by counts of
// macrotasks (liveness only), and order/overlap are measured with logs and counters.
import * as gorqs from "../../../pkg/dist/gorqs.mjs";

/** The library's namespace; read names from it so a missing export fails one test, not all. */
export { gorqs };

/** The Go messages of the error codes (API.md, "Errors"). */
export const MESSAGES = Object.freeze({
  ERR_PENDING: "gorqs: pending into queue",
  ERR_RUNNING: "gorqs: job still running",
  ERR_NOT_FOUND: "gorqs: job not found",
  ERR_QUEUE_CLOSED: "gorqs: queue is closed",
  ERR_TIMEOUT: "gorqs: operation took too long",
  ERR_UNKNOWN_MODE: "gorqs: unknown queue mode flag",
  ERR_INVALID_MODE: "gorqs: invalid queue mode flag",
  ERR_NOT_IMPLEMENTED: "gorqs: feature not enabled. add TrackJobs flag when creating the queue",
});

/** Matcher for `assert.throws`/`assert.rejects`: a `QueueError` with this code. */
export function qe(code) {
  return { type: gorqs.QueueError, code };
}

/** A promise with its resolve/reject functions. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One macrotask. */
export function tick() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** `n` promise jobs pushed on `q` (with `options` when given), each waiting on its own gate;
 * `started` lists the ids that started. */
export function gatedJobs(q, n, options) {
  const gates = [];
  const started = [];
  const ids = [];
  for (let i = 0; i < n; i++) {
    const gate = deferred();
    gates.push(gate);
    const job = async (ctx) => {
      started.push(ctx.id);
      return gate.promise;
    };
    ids.push(options === undefined ? q.push(job) : q.push(job, options));
  }
  return { gates, started, ids };
}

/** `n` macrotasks in a row. */
export async function ticks(n) {
  for (let i = 0; i < n; i++) await tick();
}

/** `n` microtask turns. */
export async function microtasks(n) {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** Default bound, in macrotasks, for liveness waits. */
export const MAX_TICKS = 1000;

/** Waits until `cond()` is true, checking after each macrotask; throws after `max` of them. */
export async function waitFor(cond, label, max = MAX_TICKS) {
  for (let i = 0; i < max; i++) {
    if (cond()) return;
    await tick();
  }
  if (!cond()) throw new Error(`gave up waiting for: ${label} (after ${max} macrotasks)`);
}

/**
 * Follows a promise: returns a live view `{ settled, fulfilled, rejected, value, reason }`.
 * Attaches handlers, so a rejection is never unhandled because of the view.
 */
export function watch(promise) {
  const view = { settled: false, fulfilled: false, rejected: false, value: undefined, reason: undefined };
  Promise.resolve(promise).then(
    (value) => Object.assign(view, { settled: true, fulfilled: true, value }),
    (reason) => Object.assign(view, { settled: true, rejected: true, reason }),
  );
  return view;
}

/** Awaits `promise` but fails (instead of hanging) if it has not settled within `max` macrotasks. */
export async function within(promise, label, max = MAX_TICKS) {
  const view = watch(promise);
  await waitFor(() => view.settled, label, max);
  if (view.rejected) throw view.reason;
  return view.value;
}

/** A queue from `arg`, already started; `startPromise` holds what `start()` returned. */
export function startedQueue(arg) {
  const q = arg === undefined ? new gorqs.Queue() : new gorqs.Queue(arg);
  const startPromise = q.start();
  return { q, startPromise };
}

/**
 * A job that logs `name:start`, waits for `gate` (a deferred) if given, then logs `name:end`
 * and returns `value`. Its `started`/`finished` flags are readable on the returned runner.
 */
export function gatedJob(log, name, gate, value = name) {
  const job = {
    started: false,
    finished: false,
    run() {
      job.started = true;
      log.push(`${name}:start`);
      const end = () => {
        job.finished = true;
        log.push(`${name}:end`);
        return value;
      };
      return gate ? gate.promise.then(end) : end();
    },
  };
  return job;
}

/** A runner that counts how many are running at once, each waiting `hold` macrotasks. */
export function concurrencyProbe() {
  const probe = {
    now: 0,
    max: 0,
    done: 0,
    job(hold = 2) {
      return async () => {
        probe.now++;
        probe.max = Math.max(probe.max, probe.now);
        await ticks(hold);
        probe.now--;
        probe.done++;
      };
    },
  };
  return probe;
}

/** Index of `entry` in `log`, failing loudly if it is absent. */
export function at(log, entry) {
  const i = log.indexOf(entry);
  if (i < 0) throw new Error(`log has no ${JSON.stringify(entry)}: ${JSON.stringify(log)}`);
  return i;
}

/** Whether the runtime provides `Symbol.dispose`. */
export const hasSymbolDispose = typeof Symbol.dispose === "symbol";
