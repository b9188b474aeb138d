// Stress test of the whole library, portable (Node and browsers): a million jobs of random
// kinds through tracked queues, with every id accounted for exactly once with the outcome it
// was built to have, and no unhandled rejection anywhere.
//
// Kinds: a sync value, a sync throw, a resolved / rejected promise, a promise settled after a
// macrotask (or, rarely, a timer), and re-entrant jobs that push a child job, read another
// job's result, check another job's status, or clear the records, from inside `run`.
//
// Outcomes are built from the id, so any mix-up shows: job `id` succeeds with `id * 3 + 1` or
// fails with `-id`. The ledger (`acc`) counts, per id, how its outcome reached the test:
//   - `result(id)` at the end of each batch, or from inside another job;
//   - `wait(id)` on a finished job just before a job calls `clear()` (the records it is about
//     to delete; each must then report `status(id) === undefined`);
// and, in the phases with listeners, a second ledger counts `completed` / `failed` events.
// Each id must be counted exactly once in each ledger, with the right outcome.
//
// Phases (a quarter of the jobs each): sync and async mode, each once on the plain path (no
// listeners: batched pushes and runs) and once observed (completed/failed listeners).

const VALUE = (id) => id * 3 + 1;
const ERROR = (id) => -id;

/** mulberry32: small, fast, seeded. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn` in a later macrotask (not clamped like setTimeout in browsers). */
const later = (() => {
  if (typeof setImmediate === "function") return (fn) => setImmediate(fn);
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()();
  return (fn) => {
    waiting.push(fn);
    channel.port2.postMessage(0);
  };
})();

// Kind codes.
const K = {
  value: 0,
  throw: 1,
  resolved: 2,
  rejected: 3,
  delayed: 4,
  delayedReject: 5,
  timer: 6,
  pushChild: 7,
  readOther: 8,
  statusOther: 9,
  clear: 10,
};
const KIND_NAMES = Object.keys(K);
// Kind codes, with their weights (per 100,000 jobs). clear() deletes every finished record
// of the batch so far, so it is rare: about a third of the records leave through it.
const WEIGHTS = [
  [K.value, 52000],
  [K.throw, 12000],
  [K.resolved, 11000],
  [K.rejected, 7000],
  [K.delayed, 1200],
  [K.delayedReject, 600],
  [K.timer, 20],
  [K.pushChild, 7000],
  [K.readOther, 6000],
  [K.statusOther, 3177],
  [K.clear, 3],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((s, [, w]) => s + w, 0);

function pickKind(r) {
  let x = r() * TOTAL_WEIGHT;
  for (const [k, w] of WEIGHTS) {
    if (x < w) return k;
    x -= w;
  }
  return K.value;
}

/** Whether the kind fails (its outcome is `-id`). */
const FAILS = new Set([K.throw, K.rejected, K.delayedReject]);

/**
 * Runs the stress test. Options: `jobs` (total, default 1,000,000), `seed`, `batch` (jobs
 * pushed by the driver before it waits for idle, default 20,000), `Queue` (the class under
 * test), `log` (progress lines), `watchUnhandled(report)` (installs `report` as the host's
 * unhandled-rejection listener and returns a function that removes it).
 * Resolves to `{ ok, problems, jobs, byKind, via, unhandled, ms, phases, seed }`.
 */
export async function stress({ Queue, jobs = 1_000_000, seed = 1, batch = 20_000, log = () => {}, watchUnhandled }) {
  const problems = [];
  const problem = (msg) => {
    if (problems.length < 50) problems.push(msg);
  };
  let unhandled = 0;
  const stopWatching = watchUnhandled
    ? watchUnhandled((reason) => {
        unhandled++;
        problem(`unhandled rejection: ${String(reason)}`);
      })
    : () => {};
  const byKind = new Array(KIND_NAMES.length).fill(0);
  /** How each record reached the ledger. */
  const via = {};
  const phases = [];
  const started = now();
  const r = rng(seed);
  const phaseDefs = [
    { mode: "sync", observed: false },
    { mode: "async", observed: false },
    { mode: "sync", observed: true },
    { mode: "async", observed: true },
  ];
  let done = 0;
  try {
    for (let p = 0; p < phaseDefs.length; p++) {
      const target = Math.round((jobs * (p + 1)) / phaseDefs.length) - done;
      const t0 = now();
      const n = await phase({ Queue, ...phaseDefs[p], target, batch, r, byKind, via, problem });
      done += n;
      const ms = Math.round(now() - t0);
      phases.push({ ...phaseDefs[p], jobs: n, ms });
      log(`phase ${p + 1} (${phaseDefs[p].mode}${phaseDefs[p].observed ? ", with listeners" : ""}): ${n} jobs in ${ms} ms`);
    }
    // Late reports of unhandled rejections arrive after a macrotask or two.
    for (let i = 0; i < 5; i++) await new Promise((res) => setTimeout(res, 0));
  } finally {
    stopWatching();
  }
  const ms = Math.round(now() - started);
  const kinds = Object.fromEntries(KIND_NAMES.map((name, i) => [name, byKind[i]]));
  return { ok: problems.length === 0, problems, jobs: done, byKind: kinds, via, unhandled, ms, phases, seed };
}

/** One queue, `target` ids in all (the driver's pushes and the children jobs push). */
async function phase({ Queue, mode, observed, target, batch, r, byKind, via, problem }) {
  const q = new Queue({ mode, track: true });
  q.start();
  const cap = target + 16;
  const kindOf = new Uint8Array(cap + 1);
  const acc = new Uint8Array(cap + 1); // ledger of records read (result, wait before clear)
  const ev = observed ? new Uint8Array(cap + 1) : null; // ledger of events
  // Records gone: read, or taken by wait() and cleared (its `acc` count comes a microtask later).
  const gone = new Uint8Array(cap + 1);
  let lastId = 0;
  let batchStart = 1;

  /** Counts an outcome that reached the test for `id`, checking it. */
  const account = (id, ok, value, how) => {
    if (!(id >= 1 && id <= lastId)) return problem(`${how}: outcome for unknown id ${id}`);
    if (acc[id]++ !== 0) return problem(`${how}: id ${id} accounted twice`);
    gone[id] = 1;
    via[how] = (via[how] || 0) + 1;
    checkOutcome(id, ok, value, how);
  };
  const checkOutcome = (id, ok, value, how) => {
    const fails = FAILS.has(kindOf[id]);
    if (ok === fails) problem(`${how}: id ${id} (${KIND_NAMES[kindOf[id]]}) ${ok ? "succeeded" : "failed"} with ${String(value)}`);
    else if (value !== (fails ? ERROR(id) : VALUE(id))) problem(`${how}: id ${id} (${KIND_NAMES[kindOf[id]]}) has the outcome ${String(value)}`);
  };
  const readRecord = (id, how) => {
    let value;
    try {
      value = q.result(id);
    } catch (e) {
      if (e !== null && typeof e === "object" && typeof e.code === "string") return e.code;
      account(id, false, e, how);
      return "read";
    }
    account(id, true, value, how);
    return "read";
  };

  if (observed) {
    q.addEventListener("completed", (e) => {
      const { id, value } = e.detail;
      if (ev[id]++ !== 0) problem(`completed event: id ${id} settled twice`);
      checkOutcome(id, true, value, "completed event");
    });
    q.addEventListener("failed", (e) => {
      const { id, error } = e.detail;
      if (ev[id]++ !== 0) problem(`failed event: id ${id} settled twice`);
      checkOutcome(id, false, error, "failed event");
    });
  }

  /** A job of kind `k`; `id` is filled in right after push. */
  const make = (k) => {
    const job = {
      id: 0,
      run(ctx) {
        const id = this.id;
        if (ctx.id !== id) problem(`ctx.id ${ctx.id} in job ${id}`);
        switch (k) {
          case K.value:
            return VALUE(id);
          case K.throw:
            throw ERROR(id);
          case K.resolved:
            return Promise.resolve(VALUE(id));
          case K.rejected:
            return Promise.reject(ERROR(id));
          case K.delayed:
            return new Promise((res) => later(() => res(VALUE(id))));
          case K.delayedReject:
            return new Promise((_, rej) => later(() => rej(ERROR(id))));
          case K.timer:
            return new Promise((res) => setTimeout(() => res(VALUE(id)), 0));
          case K.pushChild: {
            if (lastId < target) {
              const ck = pickPlain(r);
              add(ck);
              if (q.status(lastId) !== "pending") problem(`child ${lastId} not pending right after push`);
            }
            return VALUE(id);
          }
          case K.readOther: {
            const other = batchStart + Math.floor(r() * (lastId - batchStart + 1));
            if (other !== id) {
              const code = readRecord(other, "result() in a job");
              if (code === "ERR_NOT_FOUND" && gone[other] === 0) problem(`result(${other}) in a job: ERR_NOT_FOUND, yet never read or cleared`);
              if ((code === "ERR_PENDING" || code === "ERR_RUNNING") && gone[other] !== 0) problem(`result(${other}) in a job: ${code} after it was read`);
            } else {
              const code = readRecord(id, "own result()");
              if (code !== "ERR_RUNNING") problem(`own result(${id}) in a job: ${code}`);
            }
            return VALUE(id);
          }
          case K.statusOther: {
            const other = batchStart + Math.floor(r() * (lastId - batchStart + 1));
            const st = q.status(other);
            if (other === id && st !== "running") problem(`own status(${id}) in a job: ${st}`);
            if (gone[other] !== 0 && st !== undefined) problem(`status(${other}) in a job: ${st} after it was read`);
            if (gone[other] === 0 && st === undefined) problem(`status(${other}) in a job: undefined, yet never read or cleared`);
            return VALUE(id);
          }
          case K.clear: {
            // Take what clear() will delete: the finished records not yet read, read without
            // deleting by wait(); then clear and check they are gone.
            const doomed = [];
            for (let other = batchStart; other <= lastId; other++) {
              if (gone[other] !== 0 || other === id) continue;
              const st = q.status(other);
              if (st === "succeeded" || st === "failed") {
                doomed.push(other);
                gone[other] = 1;
                q.wait(other).then(
                  (v) => account(other, true, v, "wait() before clear()"),
                  (e) => account(other, false, e, "wait() before clear()"),
                );
              }
            }
            q.clear();
            for (const other of doomed) {
              const st = q.status(other);
              if (st !== undefined) problem(`status(${other}) after clear(): ${st}`);
            }
            if (q.status(id) !== "running") problem(`clear() in job ${id} touched its own state`);
            return VALUE(id);
          }
        }
        return undefined;
      },
    };
    return job;
  };

  const add = (k) => {
    const job = make(k);
    const id = q.push(job);
    job.id = id;
    if (id !== lastId + 1) problem(`push returned ${id} after ${lastId}`);
    lastId = id;
    kindOf[id] = k;
    byKind[k]++;
  };

  while (lastId < target) {
    batchStart = lastId + 1;
    const end = Math.min(target, lastId + batch);
    while (lastId < end) add(pickKind(r));
    await q.onIdle();
    // Children pushed by the last jobs may still be waiting for their own drain.
    while (q.size !== 0 || q.running !== 0) await q.onIdle();
    for (let id = batchStart; id <= lastId; id++) {
      if (acc[id] === 0) {
        const code = readRecord(id, "result() after the batch");
        if (code !== "read") problem(`result(${id}) after the batch: ${code}, never read or cleared before`);
      }
      if (acc[id] !== 1) problem(`id ${id} accounted ${acc[id]} times`);
      if (ev !== null && ev[id] !== 1) problem(`id ${id} had ${ev[id]} events`);
      if (q.status(id) !== undefined) problem(`status(${id}) after the batch was read: ${q.status(id)}`);
    }
  }
  await q.stop();
  q.free();
  return lastId;
}

/** A kind for a child job: anything but the re-entrant ones (so children never cascade). */
function pickPlain(r) {
  for (;;) {
    const k = pickKind(r);
    if (k < K.pushChild) return k;
  }
}

function now() {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}
