// Type definitions for gorqs: a job queue for JavaScript in Rust/WebAssembly (port of Go gorqs).
// The contract these describe is the project's API document; the README has examples.
//
// The types use the web platform's EventTarget, Event, CustomEvent and AbortSignal: they come
// from TypeScript's "dom" lib (part of the default libs) or, in a Node project, @types/node.

/// <reference lib="esnext.disposable" />

/** Flag: run jobs one at a time, in push order (Go `gorqs.SyncMode`). */
export declare const SyncMode: 1;
/** Flag: start every job as soon as it is picked, interleaved (Go `gorqs.AsyncMode`). */
export declare const AsyncMode: 2;
/** Flag: keep each job's outcome for lookup by id (Go `gorqs.TrackJobs`). */
export declare const TrackJobs: 4;
/** Alias of {@link SyncMode}. */
export declare const MODE_SYNC: 1;
/** Alias of {@link AsyncMode}. */
export declare const MODE_ASYNC: 2;
/** Alias of {@link TrackJobs}. */
export declare const TRACK_JOBS: 4;

/** The `code` of a {@link QueueError}: one per Go sentinel error. */
export type QueueErrorCode =
  | "ERR_PENDING"
  | "ERR_RUNNING"
  | "ERR_NOT_FOUND"
  | "ERR_QUEUE_CLOSED"
  | "ERR_TIMEOUT"
  | "ERR_UNKNOWN_MODE"
  | "ERR_INVALID_MODE"
  | "ERR_NOT_IMPLEMENTED";

/** An error raised by the queue itself (not by a job); tell them apart by `code`. */
export declare class QueueError extends Error {
  /** Creates the error for `code`; the message defaults to Go's text for it. */
  constructor(code: QueueErrorCode, message?: string);
  /** Which condition this is, e.g. `"ERR_NOT_FOUND"`. */
  readonly code: QueueErrorCode;
}

/** Where a job is: waiting, in flight, or finished with a value or an error. */
export type JobStatus = "pending" | "running" | "succeeded" | "failed";

/** What a job's `run` receives. */
export interface JobContext {
  /** The job's id, as returned by `push`. */
  readonly id: number;
  /** Aborts on the job's timeout, its own signal's abort, or `cancel(id)` (not on `stop()`). */
  readonly signal: AbortSignal;
  /** Which try this is: 1 for the first run. */
  readonly attempt: number;
}

/** A job as an object: its `run` is called with `this` = the runner (Go's `Runner` interface). */
export interface Runner<T = unknown> {
  /** Does the job's work; its return value (or a promise's value) is the job's outcome. */
  run(ctx: JobContext): T | PromiseLike<T>;
}

/** A job as a plain function, called with the job's context. */
export type JobFunction<T = unknown> = (ctx: JobContext) => T | PromiseLike<T>;

/** Anything `push` accepts: a {@link Runner} or a {@link JobFunction}. */
export type Job<T = unknown> = Runner<T> | JobFunction<T>;

/** Options of `new Queue(options)`; every one is optional. */
export interface QueueOptions {
  /** `"sync"`: one job at a time, in order (default); `"async"`: jobs start at once, interleaved. */
  mode?: "sync" | "async";
  /** Keep each job's outcome for `result(id)` (default false). */
  track?: boolean;
  /** Most jobs running at once: an integer ≥ 1 or `Infinity`; overrides the mode's default. */
  concurrency?: number;
  /** Per-job time limit in ms (a number > 0); `Infinity` or absent means none. */
  timeout?: number;
  /** Start the queue in the constructor (default false). */
  autoStart?: boolean;
  /** Cap on finished records kept (integer ≥ 1 or `Infinity`); the earliest finished go first. */
  maxRecords?: number;
  /** How long a finished record is kept, in ms after the job finished (> 0; `Infinity` = for ever). */
  recordTTL?: number;
  /** Rate limit window in ms (a finite number ≥ 0; 0, the default, means no limit), used with `intervalCap`. */
  interval?: number;
  /** Most job starts per `interval` (integer ≥ 1; `Infinity` = no limit, the default). */
  intervalCap?: number;
}

/**
 * How long a failed job waits before its next try: a fixed delay, a delay doubling with every
 * try (`delay * 2 ** (attempt - 1)`), each optionally shortened by up to `jitter` (0 to 1) of
 * itself at random; or a function of the attempt that failed (1 for the first run) returning ms.
 */
export type Backoff =
  | { type: "fixed" | "exponential"; delay: number; jitter?: number }
  | ((attempt: number) => number);

/** Options of one `push` (or of every job of a `pushAll`). */
export interface PushOptions {
  /** Aborting it fails the job with `signal.reason` (removed if waiting, released if running). */
  signal?: AbortSignal;
  /** Higher runs first; FIFO among equals (default 0). */
  priority?: number;
  /** This job's time limit in ms, overriding the queue's. */
  timeout?: number;
  /** How many times a failed job is run again (integer ≥ 0, default 0); it keeps its id. */
  retries?: number;
  /** The wait before each retry (default: none). */
  backoff?: Backoff;
}

/** The `detail` of an `active` event: a job started. */
/** What `stats()` returns: a plain object, made anew on each call. */
export interface QueueStats {
  /** The queue is open (`isRunning()`). */
  isRunning: boolean;
  /** `pause()` is in force. */
  isPaused: boolean;
  /** Jobs waiting to start, those waiting for a retry included (`size`). */
  size: number;
  /** Of those, jobs waiting out a retry delay. */
  retrying: number;
  /** Jobs running (`running`). */
  running: number;
  /** Finished records kept (tracking on). */
  records: number;
  /** Jobs pushed since the queue was made: the last id given. */
  pushed: number;
  /** Most jobs running at once; `null` when unlimited. */
  concurrency: number | null;
}

export interface ActiveEventDetail {
  /** The job's id. */
  id: number;
}

/** The `detail` of a `completed` event: a job succeeded. */
export interface CompletedEventDetail<T = unknown> {
  /** The job's id. */
  id: number;
  /** What the job returned (or its promise resolved to). */
  value: T;
}

/** The `detail` of a `failed` event: a job failed (threw, rejected, timed out, aborted, dropped). */
export interface FailedEventDetail {
  /** The job's id. */
  id: number;
  /** What the job threw or rejected with, or the `QueueError` / abort reason that ended it. */
  error: unknown;
}

/** The events a {@link Queue} fires, by type. */
export interface QueueEventMap {
  /** A job started running. */
  active: CustomEvent<ActiveEventDetail>;
  /** A job succeeded. */
  completed: CustomEvent<CompletedEventDetail>;
  /** A job failed. */
  failed: CustomEvent<FailedEventDetail>;
  /** Nothing is waiting any more (jobs may still be running). */
  empty: CustomEvent<null>;
  /** Nothing is waiting and nothing is running. */
  idle: CustomEvent<null>;
}

/** Options of `addEventListener`, as on any EventTarget. */
export interface QueueListenerOptions {
  /** Listen in the capture phase (no difference for a queue, which has no tree). */
  capture?: boolean;
  /** Remove the listener after its first call. */
  once?: boolean;
  /** Promise not to call `preventDefault()`. */
  passive?: boolean;
  /** Remove the listener when this signal aborts. */
  signal?: AbortSignal;
}

/** A listener of any event type: a function or an object with `handleEvent`. */
export type QueueListener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

/** A job queue: sync (one at a time, in order) or async (interleaved), with ids and tracking. */
export declare class Queue extends EventTarget implements Disposable {
  /** A sync queue without tracking. */
  constructor();
  /** A queue from gorqs flags, e.g. `SyncMode | TrackJobs`. */
  constructor(flags: number);
  /** A queue from options, e.g. `{ mode: "async", track: true, concurrency: 8 }`. */
  constructor(options: QueueOptions);

  /** Opens the queue and runs jobs; settles when it stops (rejects with `signal.reason` on abort). */
  start(signal?: AbortSignal): Promise<void>;
  /** Closes the queue; waiting jobs fail with `ERR_QUEUE_CLOSED`; resolves when running jobs settle. */
  stop(): Promise<void>;
  /** Whether the queue is open (started and not stopped). */
  isRunning(): boolean;
  /** Holds back new starts; running jobs go on. */
  pause(): void;
  /** Lets jobs start again after `pause()`. */
  resume(): void;
  /** Whether `pause()` is in force. */
  readonly isPaused: boolean;
  /** Most jobs running at once (`Infinity`: no limit); setting it takes effect at once. */
  concurrency: number;

  /** Adds a job and returns its id at once; the job never runs inside `push`. */
  push<T>(runner: Job<T>, options?: PushOptions | null): number;
  /** Adds many jobs, all or nothing, and returns their ids in order. */
  pushAll(runners: Iterable<Job>, options?: PushOptions): number[];
  /** Fails a waiting or running job with `reason` (default an AbortError); false if it had finished. */
  cancel(id: number, reason?: unknown): boolean;
  /** Gives a waiting job a new priority; false when it is not waiting. */
  setPriority(id: number, priority: number): boolean;

  /** A finished tracked job's value, deleting its record; throws its error or a `QueueError`. */
  result<T = unknown>(id: number): T;
  /** Alias of `result` (Go's `Fetch`). */
  fetch<T = unknown>(id: number): T;
  /** Where job `id` is, or `undefined` when unknown (never deletes). */
  status(id: number): JobStatus | undefined;
  /** Settles with job `id`'s outcome once it finishes; rejects `ERR_NOT_FOUND` for an unknown id. */
  wait<T = unknown>(id: number): Promise<T>;
  /** Deletes every finished record; records of waiting and running jobs stay. */
  clear(): void;

  /** How many jobs are waiting to start. */
  readonly size: number;
  /** How many jobs are running. */
  readonly running: number;
  /** A snapshot of the queue's state, as a plain object. */
  stats(): QueueStats;
  /** Resolves when nothing waits and nothing runs (at once if so already). */
  onIdle(): Promise<void>;
  /** Resolves when nothing waits (at once if so already). */
  onEmpty(): Promise<void>;
  /** Resolves when fewer than `limit` jobs wait (at once if so already). */
  onSizeLessThan(limit: number): Promise<void>;

  /** Listens to a queue event; the payload is in `event.detail`. */
  addEventListener<K extends keyof QueueEventMap>(
    type: K,
    listener: (this: Queue, event: QueueEventMap[K]) => unknown,
    options?: boolean | QueueListenerOptions,
  ): void;
  /** Listens to any event type. */
  addEventListener(
    type: string,
    listener: QueueListener | null,
    options?: boolean | QueueListenerOptions,
  ): void;
  /** Removes a listener added with `addEventListener`. */
  removeEventListener<K extends keyof QueueEventMap>(
    type: K,
    listener: (this: Queue, event: QueueEventMap[K]) => unknown,
    options?: boolean | Pick<QueueListenerOptions, "capture">,
  ): void;
  /** Removes a listener of any event type. */
  removeEventListener(
    type: string,
    listener: QueueListener | null,
    options?: boolean | Pick<QueueListenerOptions, "capture">,
  ): void;

  /** Stops the queue as `stop()` does and releases it; any later call throws. */
  free(): void;
  /** Same as `free()`, for `using queue = new Queue()`. */
  [Symbol.dispose](): void;
}
