// Compiles under `tsc --noEmit --strict`: every public name of the gorqs API, used as a user would.
import {
  Queue,
  SyncMode,
  AsyncMode,
  TrackJobs,
  MODE_SYNC,
  MODE_ASYNC,
  TRACK_JOBS,
  QueueError,
  type QueueErrorCode,
  type Runner,
  type JobContext,
  type QueueOptions,
  type PushOptions,
  type JobStatus,
  type Job,
  type JobFunction,
  type QueueEventMap,
  type Backoff,
  type QueueStats,
} from "gorqs";

// Constants are literal numbers.
const one: 1 = SyncMode;
const two: 2 = AsyncMode;
const four: 4 = TrackJobs;
const aliases: [1, 2, 4] = [MODE_SYNC, MODE_ASYNC, TRACK_JOBS];

// Construction: none, flags, options.
const plain = new Queue();
const q = new Queue(SyncMode | TrackJobs);
const opts: QueueOptions = { mode: "async", track: true, concurrency: 8, timeout: 5000, autoStart: false, maxRecords: 100 };
const qa = new Queue(opts);
const qi = new Queue({ concurrency: Infinity });
const limited = new Queue({ recordTTL: 60_000, interval: 1000, intervalCap: 10, track: true });
const fixed: Backoff = { type: "fixed", delay: 100 };
const exponential: Backoff = { type: "exponential", delay: 50, jitter: 0.2 };
const byAttempt: Backoff = (attempt: number) => attempt * 10;
const retrying: PushOptions = { retries: 3, backoff: exponential };

// Runners: objects with run(ctx), classes, plain functions, async functions.
class Doubler implements Runner<number> {
  constructor(private readonly n: number) {}
  run(ctx: JobContext): number {
    const id: number = ctx.id;
    const attempt: number = ctx.attempt;
    const signal: AbortSignal = ctx.signal;
    return signal.aborted ? -1 : this.n * 2 + id * 0 + attempt * 0;
  }
}
const later: Runner<string> = {
  async run(ctx) {
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    ctx.signal.throwIfAborted();
    return "done";
  },
};
const fn: JobFunction<boolean> = (ctx) => ctx.id > 0;
const noCtx: Job<void> = () => {};

async function main(): Promise<void> {
  const ac = new AbortController();
  const pushOpts: PushOptions = { signal: ac.signal, priority: 2, timeout: 100 };
  const started: Promise<void> = q.start(ac.signal);
  started.catch(() => {});
  const running: boolean = q.isRunning();

  const id1: number = q.push(new Doubler(21));
  const id2: number = q.push(later, pushOpts);
  const id3: number = q.push(fn, { priority: 1 });
  const id4: number = q.push(noCtx);
  const id5: number = q.push(async () => 5);
  const ids: number[] = q.pushAll([new Doubler(1), () => "x", later], { priority: 0 });

  const size: number = q.size;
  const inFlight: number = q.running;
  const stats: QueueStats = q.stats();
  const limit: number | null = stats.concurrency;
  const counted: number = stats.size + stats.retrying + stats.running + stats.records + stats.pushed;
  void (stats.isRunning && stats.isPaused), limit, counted;
  const paused: boolean = q.isPaused;
  q.pause();
  q.resume();
  q.concurrency = 2;
  const c: number = q.concurrency;
  const moved: boolean = q.setPriority(ids[0], 10);
  const cancelled: boolean = q.cancel(ids[1]);
  q.cancel(ids[2], new Error("no longer needed"));

  await q.onEmpty();
  await q.onSizeLessThan(1);
  await q.onIdle();

  const s: JobStatus | undefined = q.status(id1);
  const value: number = q.result<number>(id1);
  const fetched: unknown = q.fetch(id3);
  const waited: string = await q.wait<string>(id2);
  const waitedUnknown: unknown = await q.wait(id4);
  q.clear();

  try {
    q.result(999);
  } catch (e) {
    if (e instanceof QueueError) {
      const code: QueueErrorCode = e.code;
      switch (code) {
        case "ERR_PENDING":
        case "ERR_RUNNING":
        case "ERR_NOT_FOUND":
        case "ERR_QUEUE_CLOSED":
        case "ERR_TIMEOUT":
        case "ERR_UNKNOWN_MODE":
        case "ERR_INVALID_MODE":
        case "ERR_NOT_IMPLEMENTED":
          break;
        default: {
          const never: never = code;
          throw never;
        }
      }
      const msg: string = e.message;
      const asError: Error = e;
      void msg, asError;
    }
  }
  const made = new QueueError("ERR_TIMEOUT");
  const made2 = new QueueError("ERR_NOT_FOUND", "custom");

  // Typed events.
  q.addEventListener("active", (e) => {
    const id: number = e.detail.id;
    void id;
  });
  q.addEventListener("completed", (e) => {
    const { id, value } = e.detail;
    void id, value;
  });
  const onFailed = (e: QueueEventMap["failed"]): void => {
    const err: unknown = e.detail.error;
    const id: number = e.detail.id;
    void err, id;
  };
  q.addEventListener("failed", onFailed);
  q.removeEventListener("failed", onFailed);
  q.addEventListener("empty", (e) => void e.detail);
  q.addEventListener("idle", () => {}, { once: true });
  q.addEventListener("something-else", (e: Event) => void e.type);

  await q.stop();
  q.free();
  {
    using disposable = new Queue();
    void disposable;
  }
  qa[Symbol.dispose]();
  qi.free();
  plain.free();
  limited.start();
  limited.push(fn, retrying);
  limited.push(fn, { retries: 1, backoff: fixed });
  limited.push(fn, { retries: 1, backoff: byAttempt });
  limited.free();
  void one, two, four, aliases, running, id4, id5, size, inFlight, paused, c, moved, cancelled;
  void s, value, fetched, waited, waitedUnknown, made, made2;
}

void main;
