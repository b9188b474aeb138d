// The scenario every package check runs against the installed `gorqs`: Node ESM, Node CommonJS,
// a Vite build and a plain module page. It only observes; callers compare what it returns with
// expected.json (compare() below), so one file says what "works" means everywhere.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs queues of the given gorqs module and returns plain JSON-able observations. */
export async function scenario(gorqs) {
  const { Queue, SyncMode, AsyncMode, TrackJobs, QueueError } = gorqs;
  const out = {};
  out.constants = [SyncMode, AsyncMode, TrackJobs, gorqs.MODE_SYNC, gorqs.MODE_ASYNC, gorqs.TRACK_JOBS];

  // Sync mode, tracked: one job at a time, in push order, even when the first is the slowest.
  {
    const q = new Queue(SyncMode | TrackJobs);
    const order = [];
    let active = 0;
    let maxActive = 0;
    const job = (name, ms) => async () => {
      maxActive = Math.max(maxActive, ++active);
      order.push(name);
      await sleep(ms);
      active--;
      return name.toUpperCase();
    };
    q.start().catch(() => {});
    const ids = [
      q.push(job("a", 30)),
      q.push(job("b", 5)),
      q.push({ run() { order.push("c"); return "C"; } }),
    ];
    const sizeAfterPush = q.size;
    await q.onIdle();
    out.sync = {
      ids,
      sizeAfterPush,
      order,
      maxActive,
      statuses: ids.map((id) => q.status(id)),
      values: ids.map((id) => q.result(id)),
      statusesAfterResult: ids.map((id) => q.status(id) ?? null),
      running: q.isRunning(),
    };
    await q.stop();
    out.sync.runningAfterStop = q.isRunning();
    q.free();
  }

  // Async mode, tracked: all three start at once and finish in order of their delays.
  {
    const q = new Queue({ mode: "async", track: true });
    const finished = [];
    let active = 0;
    let maxActive = 0;
    const job = (name, ms) => async (ctx) => {
      maxActive = Math.max(maxActive, ++active);
      await sleep(ms);
      finished.push(name);
      active--;
      return `${name}#${ctx.id}`;
    };
    q.start().catch(() => {});
    const ids = q.pushAll([job("x", 60), job("y", 5), job("z", 30)]);
    await q.onIdle();
    out.async = { ids, finished, maxActive, values: ids.map((id) => q.result(id)) };
    await q.stop();
    q.free();
  }

  // Errors: a job's own error comes back as is; the queue's own ones are QueueErrors.
  {
    const q = new Queue({ track: true });
    q.start().catch(() => {});
    const boom = new Error("boom");
    const failedEvents = [];
    q.addEventListener("failed", (e) => failedEvents.push(e.detail.id));
    const id = q.push(() => {
      throw boom;
    });
    const waited = await q.wait(id).then(
      () => "resolved",
      (e) => (e === boom ? "rejected with the job's error" : `rejected with ${e}`),
    );
    let thrown;
    try {
      q.result(id);
    } catch (e) {
      thrown = e;
    }
    let notFound;
    try {
      q.result(id);
    } catch (e) {
      notFound = {
        isQueueError: e instanceof QueueError,
        isError: e instanceof Error,
        code: e.code,
        message: e.message,
      };
    }
    const untracked = new Queue();
    let notImplemented;
    try {
      untracked.result(1);
    } catch (e) {
      notImplemented = e instanceof QueueError ? e.code : String(e);
    }
    untracked.free();
    await q.stop();
    let closed;
    try {
      q.push(() => 1);
    } catch (e) {
      closed = e instanceof QueueError ? e.code : String(e);
    }
    q.free();
    out.errors = {
      waited,
      resultThrowsJobError: thrown === boom,
      failedEvents,
      notFound,
      notImplemented,
      closed,
    };
  }
  return out;
}

/** Differences between `got` and `want` as readable lines (empty when equal). */
export function compare(got, want, path = "") {
  if (Object.is(got, want)) return [];
  if (typeof want !== "object" || want === null || typeof got !== "object" || got === null) {
    return [`${path || "(root)"}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
  }
  if (Array.isArray(want) !== Array.isArray(got)) {
    return [`${path || "(root)"}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
  }
  const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
  const diffs = [];
  for (const k of keys) diffs.push(...compare(got[k], want[k], Array.isArray(want) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  return diffs;
}
