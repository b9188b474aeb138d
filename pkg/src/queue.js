// The public `Queue`: the JS half of gorqs.
//
// Division of labour. The Rust core (`Core`, src/core via src/wasm) owns every decision and
// every state: ids, the waiting order (priority, FIFO), concurrency, pending → running →
// succeeded/failed, records, retention, deadlines, open/closed. This class owns what only JS
// can hold: the runners and the outcome values, stored in `#vals` (Slots) by id. It
// calls `run()`, watches returned promises, fires events and settles promises. Per job, it
// crosses into wasm twice with plain numbers (`push`, then `finish`, which also claims the
// next job) and allocates nothing but the job's context.
//
// Invariants:
// - `#vals.get(id)` is job `id`'s JS side for every id from `core.base` to `#vals.end - 1`:
//   a waiting job's runner; a tracked finished job's value or thrown error; otherwise
//   `undefined`. What the core forgets (read, cleared, evicted, untracked), this releases at
//   once; chunks below `core.base` are dropped between drains. Ids are consecutive, so a new
//   job is always appended at the end, and `#vals.end` is the next id (plain pushes may
//   reach the core later, see `#pending`).
// - No job runs inside a call of a public method: push/start/resume only schedule a drain.
// - Every promise handed out is pre-handled: ignoring it never raises an unhandled rejection.
// - A public method called from inside a running job sees the core's current state: the core
//   is told of each outcome before the next job starts.

import { Core } from "../dist/core/gorqs_core.js";
import { QueueError, errorFromReply, queueError } from "./errors.js";
import {
  checkId,
  checkRunner,
  isAbortSignal,
  readConcurrency,
  readPushOptions,
  readQueueOptions,
  readSignal,
} from "./options.js";
import { deferred, macrotask, noop, now, rejected } from "./host.js";
import { Slots } from "./slots.js";

/** Run jobs one at a time, in push order (Go `gorqs.SyncMode`). */
export const SyncMode = 1;
/** Run jobs as soon as they are picked, interleaved (Go `gorqs.AsyncMode`). */
export const AsyncMode = 2;
/** Keep each job's outcome for lookup by id (Go `gorqs.TrackJobs`). */
export const TrackJobs = 4;

const STATUS = [undefined, "pending", "running", "succeeded", "failed"];

// Longest stretch of synchronous work before yielding to the event loop (ms).
const SLICE_MS = 8;
// Aim for a clock read about this often (ms of job time), adapting the stride to job length.
const CHECK_MS = 1;
const MAX_STRIDE = 512;
// Most jobs in one run (see #runRun): long enough that its two calls into the core vanish per
// job, short enough that the core's check of the run stays cheap.
const RUN_MAX = 256;
// The longest delay setTimeout honours (ms).
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Single-path jobs between two trims of `#vals` (one chunk's worth). */
const TRIM_JOBS = 1024;

// Event types the queue fires; bits of `#listening`.
const EVENTS = { active: 1, completed: 2, failed: 4, empty: 8, idle: 16 };

function freedError() {
  return new Error("gorqs: this queue was freed (free() or Symbol.dispose); create a new Queue");
}

function abortError() {
  return typeof DOMException === "function"
    ? new DOMException("This operation was aborted", "AbortError")
    : Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
}

/**
 * What a job's `run(ctx)` receives. `signal` is created on first read only: most jobs never
 * look at it, and an AbortController per job would cost more than the whole queue.
 */
class JobContext {
  #aborts;
  #attempt;
  /**
   * @param {number} id
   * @param {Aborts} aborts
   * @param {number} attempt
   */
  constructor(id, aborts, attempt) {
    /** The job's id. */
    this.id = id;
    this.#aborts = aborts;
    this.#attempt = attempt;
  }

  /** Which try this is: 1 for the first run, 2 for the first retry, … */
  get attempt() {
    return this.#attempt;
  }

  /** Aborts when the job times out, its own signal aborts, or `cancel(id)` is called. */
  get signal() {
    return this.#aborts.signal(this.id);
  }
}

/**
 * A never-started queue and a job context, made with the first queue and kept for the module's
 * lifetime. V8 keeps the hidden classes (maps) of class instances only while some instance
 * lives: a program that dropped every queue and made a new one (a queue per batch; the
 * benchmark's queue per run) got new maps each time, for the queue, its core, its storage and
 * the job contexts, and the inline caches of every method saw one more map per queue until
 * they went megamorphic (promise jobs ran 2× slower from the fifth queue on). Live instances
 * pin the maps. The cost: one empty core and a few idle objects.
 * @type {{queue: Queue, context: JobContext} | null | undefined}
 */
let shapeKeeper;

/** Where `invoke` leaves a job's outcome: one object for all queues, read at once. */
const OUT = { value: undefined, failed: false, then: undefined };

/**
 * Calls a job's runner with its context and leaves the outcome in `out`: the value (or what
 * it threw, `failed`), and the `then` function when the value is a thenable.
 */
function invoke(runner, ctx, out) {
  out.failed = false;
  out.then = undefined;
  try {
    const value = typeof runner === "function" ? runner(ctx) : runner.run(ctx);
    out.value = value;
    if (value !== null && (typeof value === "object" || typeof value === "function")) {
      const then = value.then;
      if (typeof then === "function") out.then = then;
    }
  } catch (e) {
    out.value = e;
    out.failed = true;
    out.then = undefined;
  }
}

/**
 * The abort side of running jobs: controllers of jobs that read `ctx.signal`, and reasons of
 * jobs aborted before they read it. Touched only by jobs that read their signal and on abort,
 * timeout and cancel paths; `size` lets the per-job path skip it.
 */
class Aborts {
  /** @type {Map<number, AbortController>} */
  controllers = new Map();
  /** @type {Map<number, unknown>} */
  reasons = new Map();
  size = 0;

  /** @param {(id: number) => boolean} running whether job `id` is running in the core */
  constructor(running) {
    this.running = running;
  }

  /** Job `id`'s signal, created on first read; already aborted if the job was. */
  signal(id) {
    let c = this.controllers.get(id);
    if (c === undefined) {
      c = new AbortController();
      if (this.reasons.has(id)) c.abort(this.reasons.get(id));
      // Read after the job's own outcome came in: nothing will abort it, and nothing would
      // forget it; hand it out without keeping it.
      else if (!this.running(id)) return c.signal;
      this.controllers.set(id, c);
      this.size++;
    }
    return c.signal;
  }

  /** Aborts job `id`'s signal, now or when it is first read. */
  abort(id, reason) {
    const c = this.controllers.get(id);
    if (c !== undefined) c.abort(reason);
    else if (!this.reasons.has(id)) {
      this.reasons.set(id, reason);
      this.size++;
    }
  }

  /** The job has settled for good: nothing more to abort. */
  forget(id) {
    if (this.controllers.delete(id)) this.size--;
    if (this.reasons.delete(id)) this.size--;
  }
}

/** A job queue: sync (one at a time, in order) or async (interleaved). See README.md. */
export class Queue extends EventTarget {
  /** @type {Core | null} null once freed */
  #core;
  #track;
  /** Runners and values by id. */
  #vals = new Slots();
  /** Whether any job may have a deadline: only then is the clock read when a job starts. */
  #timed;
  #timerAt = Infinity;
  #timer = undefined;

  /** A drain is armed (microtask or macrotask) and will run. */
  #scheduled = false;
  /** The run loop is on the stack. */
  #draining = false;
  #drainTask = () => this.#drain();
  /** The current slice of synchronous work ends at this time (ms). */
  #sliceEnd = -Infinity; // a double from the start: see shapeKeeper
  /** The next drain starts a new slice. */
  #fresh = false;
  /**
   * The slice is spent and a macrotask will start the next one. Until then no job starts:
   * not from the run loop, and not from promise settlements, which arrive in microtasks
   * and would otherwise go on claiming jobs without ever yielding.
   */
  #spent = false;
  #resumeTask = () => {
    this.#spent = false;
    this.#sliceEnd = now() + SLICE_MS;
    this.#drain();
  };
  /**
   * The run being executed (#runRun): its first id, 0 when none, and how many of its jobs
   * have succeeded so far. The core still sees them all waiting; #flushRun tells it.
   */
  #runFirst = 0;
  #runDone = 0;
  /** Length of the run being executed (for a parked run to go on). */
  #runLen = 0;
  /**
   * A run parked at its job `#parked` (its `#runDone`-th), whose promise is pending: serial
   * queues only, where nothing else may start meanwhile. The core still sees the run's jobs
   * waiting; when the promise fulfils the run goes on from the next job (#resumeRun) with no
   * wasm call. Any call that needs the core's true state flushes the run first (#sync →
   * #flushRun), which unparks it: the job is then running in the core and settles through
   * `finish` as usual. 0: none.
   */
  #parked = 0;
  /**
   * Plain pushes (no options) not yet told to the core: their runners are at the end of
   * `#vals`, their ids follow the core's. Told in one `pushMany` before any call that reads
   * or changes the core's waiting jobs (#flushPushes). Only while `#open`.
   */
  #pending = 0;
  /** The core is open (mirror of `core.isOpen()`, for push's fast path). */
  #open = false;
  /** Concurrency is 1: while a job runs, asking the core for another is pointless. */
  #serial = false;
  /** Jobs run on the single path since `#vals` was last trimmed (see #passDone). */
  #untrimmed = 0;
  /** Set by #follow: the thenable it watched did not settle during its `then` call. */
  #followPending = false;
  /** Jobs since the last clock read, and how many between reads. */
  #count = 0;
  #stride = 1;
  #lastCheck = -Infinity; // a double from the start: see shapeKeeper

  /** Bits of EVENTS with listeners (sticky: a removed listener leaves its bit). */
  #listening = 0;
  /** Something beyond the plain path wants to hear about each settled job (waiters by id,
   * completed/failed listeners, job signals, a record cap). */
  #notify = false;
  /** Someone watches the queue's state (onIdle/onEmpty/stop waiters, empty/idle listeners). */
  #observed = false;
  /** @type {Map<number, Array<{resolve: Function, reject: Function}>>} */
  #waiters = new Map();
  /** @type {Array<{resolve: Function, kind: number, limit: number}>} kind 0 idle, 1 empty, 2 size<limit, 3 none running */
  #watchers = [];
  /** @type {Map<number, {signal: AbortSignal, onAbort: () => void}>} */
  #jobSignals = new Map();
  // A job of a run reading its signal ends the run, so that the core sees it running.
  #aborts = new Aborts((id) => {
    this.#sync();
    return this.#core !== null && this.#core.status(id) === 2;
  });
  /** Records may be dropped by the core (maxRecords, recordTTL): release their values. */
  #evicting = false;
  /**
   * Jobs pushed with retries, until they settle: the runner (run again), the backoff function
   * if the user gave one, and the attempt running or next. Empty on the plain path.
   * @type {Map<number, {runner: unknown, backoff: Function | undefined, attempt: number}>}
   */
  #retry = new Map();
  #seeded = false;
  #idleFired = true;
  #emptyFired = true;
  #paused = false;

  #started = null;
  #startSignal = null;

  /**
   * @param {number | object} [modeOrOptions] gorqs flags (`SyncMode | TrackJobs`) or options
   */
  constructor(modeOrOptions) {
    super();
    let core;
    let autoStart = false;
    if (modeOrOptions === undefined) {
      core = Core.fromFlags(0);
    } else if (typeof modeOrOptions === "number") {
      const bad = Core.flagsError(modeOrOptions);
      if (bad !== 0) throw errorFromReply(bad);
      core = Core.fromFlags(modeOrOptions);
    } else if (modeOrOptions !== null && typeof modeOrOptions === "object") {
      const o = readQueueOptions(modeOrOptions);
      core = Core.withOptions(o.concurrency, o.track, o.timeout, o.maxRecords);
      if (o.recordTTL !== Infinity) core.setRecordTtl(o.recordTTL);
      if (o.interval > 0 && o.intervalCap !== Infinity) core.setRateLimit(o.interval, o.intervalCap);
      autoStart = o.autoStart;
      if (o.maxRecords !== Infinity) {
        this.#evicting = true;
        this.#notify = true; // evictions happen as jobs settle
      }
      if (o.recordTTL !== Infinity) this.#evicting = true; // evictions happen in #onTimer
    } else {
      throw new TypeError(
        `Expected gorqs mode flags (a number) or an options object, got ${
          modeOrOptions === null ? "null" : typeof modeOrOptions
        }`,
      );
    }
    this.#core = core;

    this.#serial = core.concurrency === 1;
    this.#track = core.track;
    this.#timed = core.needsClock;
    if (shapeKeeper === undefined) {
      shapeKeeper = null; // the keeper's own construction comes through here
      const queue = new Queue();
      shapeKeeper = { queue, context: new JobContext(0, queue.#aborts, 1) };
    }
    if (autoStart) this.start();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /**
   * Opens the queue and begins running jobs (Go `Start`). Settles when the queue stops:
   * resolves after `stop()`, rejects with `signal.reason` when `signal` aborts.
   * @param {AbortSignal} [signal]
   * @returns {Promise<void>}
   */
  start(signal) {
    const core = this.#live();
    if (signal !== undefined) readSignal("signal", signal);
    if (core.isOpen()) return this.#started.promise;
    if (signal !== undefined && signal.aborted) return rejected(signal.reason);
    core.start();
    this.#open = true;
    const started = deferred();
    this.#started = started;
    if (signal !== undefined) {
      const onAbort = () => {
        this.#sync();
        const c = this.#core;
        if (c !== null && c.isOpen() && this.#started === started) this.#close(c, true, signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#startSignal = { signal, onAbort };
    }
    this.#sliceEnd = now() + SLICE_MS;
    this.#schedule();
    return started.promise;
  }

  /**
   * Closes the queue (Go `Stop`): later pushes throw, waiting jobs fail with
   * `ERR_QUEUE_CLOSED`, running jobs finish. Resolves once no job is running.
   * @returns {Promise<void>}
   */
  stop() {
    const core = this.#live();
    if (core.isOpen()) this.#close(core, false, undefined);
    return this.#whenNoneRunning();
  }

  /** Whether the queue is open (Go `IsRunning`). */
  isRunning() {
    return this.#live().isOpen();
  }

  /** Holds back new starts; running jobs go on. */
  pause() {
    this.#live().setPaused(true);
    this.#paused = true;
  }

  /** Lets jobs start again after `pause()`. */
  resume() {
    this.#live().setPaused(false);
    this.#paused = false;
    this.#schedule();
  }

  /** Whether `pause()` is in force. */
  get isPaused() {
    this.#live();
    return this.#paused;
  }

  /** Most jobs running at once (`Infinity`: no limit). Settable; raising it starts jobs. */
  get concurrency() {
    return this.#live().concurrency;
  }

  set concurrency(value) {
    const core = this.#live();
    core.setConcurrency(readConcurrency(value));
    this.#serial = core.concurrency === 1;
    this.#schedule();
  }

  // ---- jobs ------------------------------------------------------------------------------

  /**
   * Adds a job and returns its id at once (Go `Push`); never runs it here.
   * @param {{ run(ctx?: JobContext): unknown } | ((ctx?: JobContext) => unknown)} runner
   * @param {{ priority?: number, timeout?: number, signal?: AbortSignal }} [options]
   * @returns {number}
   */
  push(runner, options) {
    if (options === undefined && this.#open) {
      // Fast path: the id is the next slot's; the core hears of it in a batch (#flushPushes).
      if (typeof runner !== "function") checkRunner(runner);
      const vals = this.#vals;
      const id = vals.end;
      vals.append(runner);
      this.#pending++;
      if (!this.#scheduled) this.#schedule();
      return id;
    }
    const core = this.#live();
    checkRunner(runner);
    let id;
    if (options === undefined) {
      id = core.push();
      if (id === 0) throw queueError("ERR_QUEUE_CLOSED");
    } else {
      id = this.#pushWith(core, readPushOptions(options), runner);
    }
    this.#vals.append(runner);
    if (!this.#scheduled) this.#schedule();
    return id;
  }

  /**
   * Many pushes in one call, all or nothing: a bad runner throws before any job is queued.
   * @param {Iterable<unknown>} runners
   * @param {{ priority?: number, timeout?: number, signal?: AbortSignal }} [options]
   * @returns {number[]}
   */
  pushAll(runners, options) {
    const core = this.#live();
    if (runners === null || runners === undefined || typeof runners[Symbol.iterator] !== "function") {
      throw new TypeError("Expected `runners` to be an iterable of runners");
    }
    const list = Array.from(runners);
    for (let i = 0; i < list.length; i++) checkRunner(list[i], `runners[${i}]`);
    const opts = options === undefined ? undefined : readPushOptions(options);
    // The same order of checks as push: an aborted signal, then a closed queue.
    if (opts !== undefined && opts.signal !== undefined && opts.signal.aborted) throw opts.signal.reason;
    if (!core.isOpen()) throw queueError("ERR_QUEUE_CLOSED");
    const ids = new Array(list.length);
    if (opts === undefined) {
      const vals = this.#vals;
      const first = vals.end;
      for (let i = 0; i < list.length; i++) {
        ids[i] = first + i;
        vals.append(list[i]);
      }
      this.#pending += list.length;
    } else {
      for (let i = 0; i < list.length; i++) {
        ids[i] = this.#pushWith(core, opts, list[i]);
        this.#vals.append(list[i]);
      }
    }
    if (list.length > 0 && !this.#scheduled) this.#schedule();
    return ids;
  }

  /**
   * Fails a waiting or running job with `reason` (default: an AbortError): a waiting job
   * leaves the queue, a running one frees its slot and its late outcome is ignored.
   * @returns {boolean} false when the job had finished or is unknown
   */
  cancel(id, reason) {
    checkId(id);
    const core = this.#live();
    return this.#cancel(core, id, reason === undefined ? abortError() : reason);
  }

  /**
   * Gives a waiting job a new priority. Returns false when it is not waiting.
   * @param {number} id
   * @param {number} priority
   */
  setPriority(id, priority) {
    checkId(id);
    const { priority: p } = readPushOptions({ priority });
    return this.#live().setPriority(id, p);
  }

  // ---- tracking --------------------------------------------------------------------------

  /**
   * Go `Fetch`: a finished job's value, deleting its record. Throws `ERR_NOT_IMPLEMENTED`
   * (tracking off), `ERR_NOT_FOUND`, `ERR_PENDING`, `ERR_RUNNING`, or the job's own error.
   * @param {number} id
   */
  result(id) {
    checkId(id);
    const core = this.#live();
    const reply = core.result(id);
    if (reply < 0) throw errorFromReply(reply);
    const value = this.#vals.take(id);
    if (this.#timed) this.#armTimer(core); // its TTL deadline may be gone
    if (reply === 1) throw value;
    return value;
  }

  /** Alias of `result` (Go's name). */
  fetch(id) {
    return this.result(id);
  }

  /**
   * Where job `id` is: "pending" | "running" | "succeeded" | "failed" | undefined. Never deletes.
   * @param {number} id
   */
  status(id) {
    checkId(id);
    return STATUS[this.#live().status(id)];
  }

  /**
   * Settles with job `id`'s outcome once it finishes; at once for a finished tracked job
   * (without deleting its record); rejects `ERR_NOT_FOUND` for an unknown id.
   * @param {number} id
   * @returns {Promise<unknown>}
   */
  wait(id) {
    checkId(id);
    const core = this.#live();
    const state = core.status(id);
    if (state === 1 || state === 2) {
      const d = deferred();
      const list = this.#waiters.get(id);
      if (list === undefined) this.#waiters.set(id, [d]);
      else list.push(d);
      this.#notify = true;
      return d.promise;
    }
    if (state === 3) return Promise.resolve(this.#vals.get(id));
    if (state === 4) {
      const reply = core.peek(id);
      return rejected(reply === 1 ? this.#vals.get(id) : errorFromReply(reply));
    }
    return rejected(queueError("ERR_NOT_FOUND"));
  }

  /** Go `Clear`: deletes every finished record; pending and running jobs keep theirs. */
  clear() {
    const core = this.#live();
    this.#release(core.clear());
    if (this.#timed) this.#armTimer(core); // records' TTL deadlines may be gone
  }

  // ---- observing -------------------------------------------------------------------------

  /** Jobs waiting to start. */
  get size() {
    return this.#live().size;
  }

  /** Jobs running. */
  get running() {
    return this.#live().running;
  }

  /** Resolves when nothing waits and nothing runs (at once if so already). */
  onIdle() {
    return this.#watch(0, 0);
  }

  /** Resolves when nothing waits (at once if so already). */
  onEmpty() {
    return this.#watch(1, 0);
  }

  /** Resolves when fewer than `limit` jobs wait (at once if so already). */
  onSizeLessThan(limit) {
    if (typeof limit !== "number" || Number.isNaN(limit)) {
      throw new TypeError(`Expected \`limit\` to be a number, got ${typeof limit}`);
    }
    return this.#watch(2, limit);
  }

  addEventListener(type, listener, options) {
    this.#flushRun(); // a job in a run adding a listener: the next jobs take the full path
    super.addEventListener(type, listener, options);
    if (listener !== null && listener !== undefined && EVENTS[type] !== undefined) {
      this.#listening |= EVENTS[type];
      if (type === "empty" || type === "idle") this.#observed = true;
      else this.#notify = true;
    }
  }

  // ---- release ---------------------------------------------------------------------------

  /** Stops the queue as `stop()` does and releases it; any later call throws. */
  free() {
    const core = this.#core;
    if (core === null) return;
    this.#sync();
    if (core.isOpen()) this.#close(core, false, undefined);
    this.#core = null;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#vals.reset();
    this.#retry.clear();
    core.free();
    // Nothing will change any more: whoever waits for the queue to stop or go idle is done.
    const watchers = this.#watchers;
    this.#watchers = [];
    for (const w of watchers) w.resolve();
  }

  // ---- internals: storage ----------------------------------------------------------------

  #live() {
    const core = this.#core;
    if (core === null) throw freedError();
    this.#sync();
    return core;
  }

  /** Tells the core what JS did ahead of it: plain pushes, and the jobs of a run. */
  #sync() {
    if (this.#core === null) return;
    if (this.#pending !== 0) this.#flushPushes();
    if (this.#runFirst !== 0) this.#flushRun();
  }

  #flushPushes() {
    const n = this.#pending;
    this.#pending = 0;
    this.#core.pushMany(n);
  }

  /**
   * Called from inside a job of a run: tells the core which jobs of the run are done and that
   * this one is running, so the caller sees the core's true state; the run ends there.
   */
  #flushRun() {
    const first = this.#runFirst;
    if (first === 0) return;
    this.#runFirst = 0;
    this.#parked = 0;
    this.#core.completeRun(first, this.#runDone, true, 0, 0);
  }

  /** Releases the slots of ids the core has forgotten. */
  #release(ids) {
    const vals = this.#vals;
    for (let i = 0; i < ids.length; i++) vals.set(ids[i], undefined);
  }

  /** Drops the storage of ids the core has left behind (below `core.base`). */
  #trim(core) {
    this.#vals.dropBelow(core.base);
  }

  /** A push with options; the caller appends the runner (its id is `#vals.end`). */
  #pushWith(core, opts, runner) {
    const signal = opts.signal;
    if (signal !== undefined && signal.aborted) throw signal.reason;
    const expected = this.#vals.end;
    let onAbort;
    if (signal !== undefined) {
      // Listening first: if the signal's addEventListener throws, nothing is queued.
      onAbort = () => {
        this.#sync();
        const c = this.#core;
        if (c !== null) this.#cancel(c, expected, signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    }
    let id;
    if (opts.retries > 0) {
      const b = opts.backoff;
      const kind = b === undefined ? 0 : typeof b === "function" ? 2 : b.kind === 1 ? 0 : 1;
      if (!this.#seeded) {
        this.#seeded = true;
        core.seedJitter(Math.random());
      }
      id = core.pushRetrying(
        opts.priority,
        opts.timeout,
        opts.retries,
        kind,
        b === undefined || kind === 2 ? 0 : b.delay,
        b === undefined || kind === 2 ? 0 : b.jitter,
      );
      if (id !== 0) this.#retry.set(id, { runner, backoff: kind === 2 ? b : undefined, attempt: 1 });
    } else {
      id = core.pushWith(opts.priority, opts.timeout);
    }
    if (id === 0) {
      if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
      throw queueError("ERR_QUEUE_CLOSED");
    }
    if (!this.#timed) this.#timed = core.needsClock;
    if (signal !== undefined) {
      this.#jobSignals.set(id, { signal, onAbort });
      this.#notify = true;
    }
    return id;
  }

  // ---- internals: running ----------------------------------------------------------------

  /** Arms one drain in a microtask: never inside the caller's call. */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Work arriving at a queue with nothing running starts a fresh slice: the time it sat
    // idle was the event loop's, not ours.
    if (!this.#draining && this.#parked === 0 && this.#core !== null && this.#core.running === 0) this.#fresh = true;
    queueMicrotask(this.#drainTask);
  }

  #drain() {
    this.#scheduled = false;
    const core = this.#core;
    // A parked run goes on when its promise settles; nothing else may start before (serial).
    if (core === null || this.#draining || this.#parked !== 0) return;
    if (this.#pending !== 0) this.#flushPushes();
    if (this.#fresh) {
      this.#fresh = false;
      this.#sliceEnd = now() + SLICE_MS;
    }
    if (!this.#mayContinue()) return;
    if (!this.#notify && this.#listening === 0) this.#runs(core, core.claim(RUN_MAX, this.#timed ? now() : 0));
    else this.#run(core, core.startNext(this.#timed ? now() : 0));
  }

  /**
   * End of a pass: drop dead storage, re-arm the timer, tell watchers. `busy`: the pass's last
   * job is known to be running still (see #checkWatchers). Storage is trimmed after passes of
   * runs and after every TRIM_JOBS single-path jobs (one wasm call saved per promise job; a
   * trim only frees emptied chunks, so doing it late keeps at most a chunk or two longer).
   */
  #passDone(core, busy) {
    if (this.#untrimmed >= TRIM_JOBS) {
      this.#untrimmed = 0;
      this.#trim(core);
    }
    if (this.#timed) this.#armTimer(core);
    if (this.#observed) this.#checkWatchers(core, busy);
  }

  /**
   * Goes on from a claim reply (see src/wasm/core_handle/fifo_run.rs): `r > 0` a run from id
   * `r`, `r < 0` job `-r` started the ordinary way, 0 nothing.
   */
  #runs(core, r) {
    this.#draining = true;
    try {
      while (r > 0) r = this.#runRun(core, r, core.runLength(r, RUN_MAX), 0);
    } finally {
      this.#draining = false;
      if (this.#parked === 0) this.#runFirst = 0;
    }
    this.#afterRuns(core, r);
  }

  /** The end of a pass of runs: goes on with a single job (`r < 0`) or wraps up. */
  #afterRuns(core, r) {
    if (this.#core !== core) return;
    if (r < 0) {
      this.#run(core, -r);
      return;
    }
    if (this.#parked === 0) this.#untrimmed = TRIM_JOBS; // a run ended: its storage may go
    this.#passDone(core, this.#parked !== 0);
  }

  /**
   * The promise of the parked job fulfilled with `value`: it succeeded, and the run goes on
   * from the next job, as if the job had returned the value synchronously.
   */
  #resumeRun(core, id, value) {
    this.#parked = 0;
    if (this.#track) this.#vals.set(id, value);
    if (this.#aborts.size !== 0) this.#aborts.forget(id);
    const first = this.#runFirst;
    const done = this.#runDone + 1;
    let r;
    this.#draining = true;
    try {
      r = this.#mayContinue() ? this.#runRun(core, first, this.#runLen, done) : this.#endRun(core, first, done);
      while (r > 0) r = this.#runRun(core, r, core.runLength(r, RUN_MAX), 0);
    } finally {
      this.#draining = false;
      if (this.#parked === 0) this.#runFirst = 0;
    }
    this.#afterRuns(core, r);
  }

  /**
   * Runs the jobs of the run from `first` (still waiting in the core) one after another while
   * each returns a plain value, then reports them in one call that also claims what comes next.
   * A job that throws or returns a thenable, or calls into the queue (which flushes the run),
   * ends the run: the core is told the jobs before it succeeded and it is running, and it
   * takes the ordinary path. Returns a claim reply as #runs takes it.
   */
  #runRun(core, first, len, from) {
    const vals = this.#vals;
    const aborts = this.#aborts;
    const track = this.#track;
    this.#runFirst = first;
    let j = from;
    while (j < len) {
      const id = first + j;
      const runner = vals.take(id);
      this.#runDone = j;
      invoke(runner, new JobContext(id, aborts, 1), OUT);
      const { value, failed, then } = OUT;
      OUT.value = undefined;
      if (this.#runFirst === 0) {
        // The job called into the queue: the run was flushed and the job is running.
        return this.#nextSingle(this.#handled(core, id, 0, value, failed, then));
      }
      if (then !== undefined) {
        if (this.#serial) {
          // Nothing may start beside it: the run parks here and goes on when it fulfils.
          this.#runLen = len;
          this.#parked = id;
          this.#follow(id, 0, value, then);
          if (this.#core !== core || this.#parked === id) return 0;
          // Settled or flushed inside `then`: the core knows the job; the ordinary path.
          if (this.#pending !== 0) this.#flushPushes();
          return this.#nextSingle(!this.#followPending && this.#mayContinue() ? core.startNext(this.#timed ? now() : 0) : 0);
        }
        // A promise job: it runs on; what may start beside it is claimed in the same call.
        this.#runFirst = 0;
        if (this.#pending !== 0) this.#flushPushes();
        const r = core.completeRun(first, j, true, this.#mayContinue() ? RUN_MAX : 0, this.#timed ? now() : 0);
        this.#follow(id, 0, value, then);
        return this.#core === core ? r : 0;
      }
      if (failed) {
        this.#runFirst = 0;
        core.completeRun(first, j, true, 0, 0);
        return this.#nextSingle(this.#handled(core, id, 0, value, true, undefined));
      }
      if (track) vals.set(id, value);
      if (aborts.size !== 0) aborts.forget(id);
      j++;
      if (!this.#mayContinue()) break;
    }
    return this.#endRun(core, first, j);
  }

  /** Reports the run from `first` with its first `done` jobs succeeded; claims what is next. */
  #endRun(core, first, done) {
    this.#runFirst = 0;
    if (this.#pending !== 0) this.#flushPushes();
    return core.completeRun(first, done, false, this.#spent ? 0 : RUN_MAX, this.#timed ? now() : 0);
  }

  /** A next-job id from #handled as a claim reply. */
  #nextSingle(next) {
    return next > 0 ? -next : 0;
  }

  /**
   * The outcome of job `id` (running in the core): a thenable (`then` given) is watched, a
   * value or throw is reported. Claims the next job when the slice allows and returns its id
   * (0: none), or -1 when the job freed the queue.
   */
  #handled(core, id, attempt, value, failed, then) {
    if (then !== undefined) {
      this.#follow(id, attempt, value, then);
      if (this.#core !== core) return -1;
      // Serial: a job still pending holds the only slot (a cancel that frees it schedules a
      // drain itself). A thenable that settled inside `then` has finished: go on.
      if (this.#serial && this.#followPending) return 0;
      if (this.#pending !== 0) this.#flushPushes();
      return this.#mayContinue() ? core.startNext(this.#timed ? now() : 0) : 0;
    }
    if (this.#core !== core) return -1; // freed by the job itself
    if (this.#pending !== 0) this.#flushPushes();
    const claim = this.#mayContinue();
    const t = this.#timed ? now() : 0;
    const reply = attempt === 0 ? core.finish(id, failed, claim, t) : core.finishAttempt(id, attempt, failed, claim, t);
    if (this.#aborts.size !== 0) this.#forgetAbort(id, attempt, reply);
    if (reply < 0) return -reply - 1;
    if (attempt !== 0 && this.#retried(core, id, failed)) return reply;
    if (this.#track) this.#vals.set(id, value);
    if (this.#notify) this.#settled(core, id, failed, value);
    return reply;
  }

  /**
   * A job's own outcome is in: its signal has nothing left to abort. Except for the late
   * outcome of an earlier try of a job with retries, whose signal state is the new try's.
   */
  #forgetAbort(id, attempt, reply) {
    if (attempt !== 0 && reply < 0) {
      const entry = this.#retry.get(id);
      if (entry === undefined || entry.attempt !== attempt) return;
    }
    this.#aborts.forget(id);
  }

  /**
   * After an accepted outcome of a job with retries: when the core keeps it for another try,
   * puts its runner back, asks the user's backoff function for the wait, and says true.
   * Otherwise the job has settled: forgets it and says false.
   */
  #retried(core, id, failed) {
    const entry = this.#retry.get(id);
    if (entry === undefined) return false;
    if (!(failed && core.retried)) {
      this.#retry.delete(id);
      return false;
    }
    this.#again(core, id, entry);
    return true;
  }

  /** Job `id` will run again (attempt failed or timed out): runner back, backoff, timer. */
  #again(core, id, entry) {
    const failedAttempt = entry.attempt;
    entry.attempt = failedAttempt + 1;
    this.#vals.set(id, entry.runner);
    if (entry.backoff !== undefined) {
      let delay;
      try {
        delay = entry.backoff(failedAttempt);
      } catch {
        delay = 0; // a throwing backoff retries at once rather than losing the job
      }
      // A bad value (not a number, NaN, negative) retries at once.
      core.setRetryDelay(id, typeof delay === "number" && delay >= 0 ? delay : 0);
    }
    this.#armTimer(core);
    this.#schedule(); // a retry due at once is waiting already
  }

  /**
   * Counts a job against the current slice and says whether another may start now; when the
   * slice is spent it arms a macrotask to go on and says no. Reads the clock only every
   * `#stride` jobs, adapting the stride so reads come about every CHECK_MS of work.
   */
  #mayContinue() {
    if (this.#spent) return false;
    if (++this.#count < this.#stride) return true;
    const t = now();
    const perJob = (t - this.#lastCheck) / this.#count;
    this.#lastCheck = t;
    this.#count = 0;
    this.#stride = perJob > 0 ? Math.max(1, Math.min(MAX_STRIDE, Math.floor(CHECK_MS / perJob))) : MAX_STRIDE;
    if (t < this.#sliceEnd) return true;
    this.#spent = true;
    macrotask(this.#resumeTask);
    return false;
  }

  /**
   * Runs job `id` and then each next job the core hands out, until none may start now.
   * Synchronous outcomes are reported as they happen; promises are watched.
   */
  #run(core, id) {
    this.#draining = true;
    let busy = false;
    try {
      while (id !== 0) {
        this.#untrimmed++;
        const runner = this.#vals.take(id);
        if (this.#listening !== 0) this.#onStarted(core, id);
        if (this.#timed) this.#armTimer(core);
        let attempt = 0;
        if (this.#retry.size !== 0) {
          const entry = this.#retry.get(id);
          if (entry !== undefined) {
            attempt = entry.attempt;
            // A new try: the last one's aborted signal is not this one's.
            if (attempt > 1 && this.#aborts.size !== 0) this.#aborts.forget(id);
          }
        }
        invoke(runner, new JobContext(id, this.#aborts, attempt === 0 ? 1 : attempt), OUT);
        const { value, failed, then } = OUT;
        OUT.value = undefined;
        this.#followPending = false;
        id = this.#handled(core, id, attempt, value, failed, then);
        if (id < 0) return;
        busy = this.#followPending;
      }
    } finally {
      this.#draining = false;
    }
    this.#passDone(core, busy);
  }

  /**
   * Watches a returned thenable; its outcome is reported when it settles. A thenable that
   * fulfils with another thenable is followed on, as a promise would adopt it.
   */
  #follow(id, attempt, thenable, then) {
    let done = false;
    const onValue = (value) => {
      if (done) return;
      done = true;
      if (value !== null && (typeof value === "object" || typeof value === "function")) {
        let next;
        try {
          next = value.then;
        } catch (e) {
          this.#settleLate(id, attempt, true, e);
          return;
        }
        if (typeof next === "function") {
          this.#follow(id, attempt, value, next);
          return;
        }
      }
      this.#settleLate(id, attempt, false, value);
    };
    const onError = (error) => {
      if (done) return;
      done = true;
      this.#settleLate(id, attempt, true, error);
    };
    try {
      then.call(thenable, onValue, onError);
    } catch (e) {
      onError(e);
    }
    this.#followPending = !done;
  }

  /** A promise-backed job settled: record it, then run what may start next, right here. */
  #settleLate(id, attempt, failed, value) {
    const core = this.#core;
    if (core === null) {
      this.#notifyWaiters(id, failed, value);
      return;
    }
    if (id === this.#parked && attempt === 0) {
      if (!failed && !this.#draining) {
        this.#resumeRun(core, id, value);
        return;
      }
      // A rejection, or a settlement inside a run: the core hears of the run (the job is
      // running there), and the outcome takes the ordinary path below.
      this.#flushRun();
    }
    this.#sync(); // pushes made meanwhile; a thenable may call back from inside a run
    let claim = !this.#draining && this.#mayContinue();
    // Serial and nothing listening: what comes next is claimed as a run (it may park), so a
    // rejection or a flushed run costs the plain path one extra call, not one per job after.
    const viaRuns = claim && this.#serial && !this.#notify && this.#listening === 0;
    if (viaRuns) claim = false;
    const t = this.#timed ? now() : 0;
    const reply = attempt === 0 ? core.finish(id, failed, claim, t) : core.finishAttempt(id, attempt, failed, claim, t);
    let next = reply;
    // The job's own outcome is in, accepted or not: its signal has nothing left to abort.
    if (this.#aborts.size !== 0) this.#forgetAbort(id, attempt, reply);
    if (reply < 0) {
      next = -reply - 1;
    } else if (attempt === 0 || !this.#retried(core, id, failed)) {
      if (this.#track) this.#vals.set(id, value);
      if (this.#notify) this.#settled(core, id, failed, value);
    }
    if (this.#core !== core) return;
    if (viaRuns) this.#runs(core, core.claim(RUN_MAX, t));
    else if (next !== 0) this.#run(core, next);
    else if (!this.#draining) {
      if (this.#timed) this.#armTimer(core);
      if (this.#observed) this.#checkWatchers(core, false);
    }
  }

  /**
   * After a job's final outcome is recorded (its own, or a cancel, timeout or stop): events,
   * waiters, its push signal, evicted records. Its `ctx.signal` state stays until the job's
   * own outcome arrives (a cancelled job may still read it).
   */
  #settled(core, id, failed, value) {
    if (this.#jobSignals.size !== 0) this.#dropJobSignal(id);
    if (this.#evicting && core.hasEvicted) this.#release(core.takeEvicted());
    this.#notifyWaiters(id, failed, value);
    if (failed) {
      if (this.#listening & EVENTS.failed) this.#emit("failed", { id, error: value });
    } else if (this.#listening & EVENTS.completed) {
      this.#emit("completed", { id, value });
    }
  }

  #notifyWaiters(id, failed, value) {
    if (this.#waiters.size === 0) return;
    const list = this.#waiters.get(id);
    if (list === undefined) return;
    this.#waiters.delete(id);
    for (const d of list) {
      if (failed) d.reject(value);
      else d.resolve(value);
    }
  }

  #dropJobSignal(id) {
    const entry = this.#jobSignals.get(id);
    if (entry !== undefined) {
      this.#jobSignals.delete(id);
      entry.signal.removeEventListener("abort", entry.onAbort);
    }
  }

  #onStarted(core, id) {
    this.#idleFired = false;
    if (this.#listening & EVENTS.active) this.#emit("active", { id });
    // Taking the last waiting job empties the queue, each time it happens.
    if (this.#listening & EVENTS.empty && core.size === 0) {
      this.#emptyFired = true;
      this.#emit("empty", undefined);
    }
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Fails job `id` with `reason` (cancel, its signal aborted). */
  #cancel(core, id, reason) {
    if (this.#timed) core.advance(now());
    const was = core.cancel(id);
    if (was === 0) return false;
    if (this.#retry.size !== 0) this.#retry.delete(id);
    if (this.#timed) this.#armTimer(core); // its retry or timeout deadline is gone
    this.#vals.set(id, this.#track ? reason : undefined);
    if (was === 2) this.#aborts.abort(id, reason);
    this.#settled(core, id, true, reason);
    if (was === 2) this.#schedule(); // a slot is free
    this.#checkWatchers(core, false);
    return true;
  }

  /** Closes the queue: fails waiting jobs, settles the start promise. */
  #close(core, aborted, reason) {
    if (this.#pending !== 0) this.#flushPushes();
    this.#open = false;
    if (this.#timed) core.advance(now());
    const dropped = core.stop();
    if (this.#retry.size !== 0) for (let i = 0; i < dropped.length; i++) this.#retry.delete(dropped[i]);
    if (this.#timed) this.#armTimer(core); // retry deadlines of dropped jobs are gone
    this.#release(dropped);
    if (this.#evicting) this.#release(core.takeEvicted());
    if (this.#notify) {
      for (let i = 0; i < dropped.length; i++) {
        const id = dropped[i];
        if (this.#waiters.has(id) || this.#listening & EVENTS.failed || this.#jobSignals.size !== 0) {
          this.#settled(core, id, true, queueError("ERR_QUEUE_CLOSED"));
        }
      }
    }
    const started = this.#started;
    const s = this.#startSignal;
    this.#startSignal = null;
    if (s !== null) s.signal.removeEventListener("abort", s.onAbort);
    if (started !== null) {
      if (aborted) started.reject(reason);
      else started.resolve();
    }
    this.#checkWatchers(core, false);
  }

  // ---- internals: timeouts ---------------------------------------------------------------

  /**
   * Keeps the one timer at the core's next deadline (a job's timeout, a retry coming due, a
   * record's TTL, a rate-limit window's end), or none when there is none.
   */
  #armTimer(core) {
    const at = core.nextDeadline;
    if (at === this.#timerAt) return;
    if (at > this.#timerAt && this.#timer !== undefined) {
      // The armed deadline went away (the job finished): fire later, or not at all.
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = Infinity;
    }
    if (at === Infinity || at >= this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    // setTimeout takes at most 2^31-1 ms; a later deadline just wakes up early and re-arms.
    this.#timer = setTimeout(this.#timerTask, Math.min(MAX_TIMER_MS, Math.max(0, at - now())));
  }

  #timerTask = () => this.#onTimer();

  #onTimer() {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const core = this.#core;
    if (core === null) return;
    this.#sync();
    const expired = core.expire(now());
    for (let i = 0; i < expired.length; i++) {
      const e = expired[i];
      const id = e < 0 ? -e : e;
      const error = queueError("ERR_TIMEOUT");
      this.#aborts.abort(id, error);
      if (e < 0) {
        // A timed-out try of a job with retries left: it waits for its next try.
        const entry = this.#retry.get(id);
        if (entry !== undefined) this.#again(core, id, entry);
        continue;
      }
      if (this.#retry.size !== 0) this.#retry.delete(id);
      if (this.#notify) this.#settled(core, id, true, error);
    }
    if (this.#evicting && core.hasEvicted) this.#release(core.takeEvicted());
    this.#armTimer(core);
    if (expired.length !== 0 || core.canStart()) this.#schedule();
    this.#checkWatchers(core, false);
  }

  // ---- internals: watchers ---------------------------------------------------------------

  #watch(kind, limit) {
    const core = this.#live();
    if (this.#holds(core, kind, limit)) return Promise.resolve();
    const d = deferred();
    this.#watchers.push({ resolve: d.resolve, kind, limit });
    this.#observed = true;
    return d.promise;
  }

  #holds(core, kind, limit) {
    switch (kind) {
      case 0:
        return core.isIdle;
      case 1:
        return core.size === 0;
      case 2:
        return core.size < limit;
      default:
        return core.running === 0;
    }
  }

  #whenNoneRunning() {
    return this.#watch(3, 0);
  }

  /**
   * Resolves watchers whose condition holds and fires `empty` / `idle` on transitions.
   * `busy`: a job is known to be running, so "idle" and "none running" cannot hold and are
   * not asked of the core (the per-job path of promise jobs under `onIdle()`). A job stops
   * running only through its outcome, a cancel, a timeout or `stop`, and each of those paths
   * calls this again without `busy`.
   */
  #checkWatchers(core, busy) {
    const watchers = this.#watchers;
    if (watchers.length !== 0) {
      let kept = 0;
      for (let i = 0; i < watchers.length; i++) {
        const w = watchers[i];
        if (busy && (w.kind === 0 || w.kind === 3)) {
          watchers[kept++] = w;
          continue;
        }
        this.#sync(); // the core's true state, parked run and plain pushes included
        if (this.#holds(core, w.kind, w.limit)) w.resolve();
        else watchers[kept++] = w;
      }
      if (kept !== watchers.length) watchers.length = kept;
      if (kept === 0 && (this.#listening & (EVENTS.empty | EVENTS.idle)) === 0) {
        this.#observed = false;
      }
    }
    if (this.#listening & (EVENTS.empty | EVENTS.idle)) {
      this.#sync();
      const size = core.size;
      if (size !== 0) this.#emptyFired = false;
      else if (!this.#emptyFired && this.#listening & EVENTS.empty) {
        this.#emptyFired = true;
        this.#emit("empty", undefined);
      }
      if (size === 0 && !busy && core.running === 0) {
        if (!this.#idleFired && this.#listening & EVENTS.idle) {
          this.#idleFired = true;
          this.#emit("idle", undefined);
        }
      }
    }
  }
}

if (typeof Symbol.dispose === "symbol") {
  Object.defineProperty(Queue.prototype, Symbol.dispose, {
    value: Queue.prototype.free,
    writable: true,
    configurable: true,
  });
}
