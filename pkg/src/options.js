// Argument checks at the edge, with messages that name the option and the value got.
// Everything the core receives has passed through here, so the core only sees valid numbers.

/** `value` shown as in p-queue's messages: `0` (number). */
function show(value) {
  let text;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return `\`${text}\` (${value === null ? "null" : typeof value})`;
}

function fail(ErrorType, name, expected, value) {
  return new ErrorType(`Expected \`${name}\` to be ${expected}, got ${show(value)}`);
}

/** A count option: an integer >= 1 or Infinity. */
function readCount(name, value) {
  if (typeof value !== "number") throw fail(TypeError, name, "an integer from 1 and up or `Infinity`", value);
  if (value === Infinity) return value;
  if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) {
    throw fail(RangeError, name, "an integer from 1 and up or `Infinity`", value);
  }
  return value;
}

/** A duration in ms: a number > 0, Infinity meaning none. */
export function readTimeout(name, value) {
  if (typeof value !== "number") throw fail(TypeError, name, "a number of milliseconds greater than 0", value);
  if (!(value > 0)) throw fail(RangeError, name, "a number of milliseconds greater than 0", value);
  return value;
}

/** Whether `value` looks like an AbortSignal (cross-realm safe). */
export function isAbortSignal(value) {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof value.aborted === "boolean" &&
    typeof value.addEventListener === "function" &&
    typeof value.removeEventListener === "function"
  );
}

export function readSignal(name, value) {
  if (!isAbortSignal(value)) throw fail(TypeError, name, "an AbortSignal", value);
  return value;
}

/**
 * The queue options, checked. Unknown keys are ignored (as in p-queue).
 * @returns {{ concurrency: number, track: boolean, timeout: number, autoStart: boolean, maxRecords: number }}
 */
export function readQueueOptions(options) {
  const { mode = "sync", track = false, concurrency, timeout, autoStart = false, maxRecords, recordTTL } = options;
  const { interval, intervalCap } = options;
  if (mode !== "sync" && mode !== "async") throw fail(TypeError, "mode", '"sync" or "async"', mode);
  if (typeof track !== "boolean") throw fail(TypeError, "track", "a boolean", track);
  if (typeof autoStart !== "boolean") throw fail(TypeError, "autoStart", "a boolean", autoStart);
  return {
    concurrency: concurrency === undefined ? (mode === "async" ? Infinity : 1) : readCount("concurrency", concurrency),
    track,
    timeout: timeout === undefined ? Infinity : readTimeout("timeout", timeout),
    autoStart,
    maxRecords: maxRecords === undefined ? Infinity : readCount("maxRecords", maxRecords),
    recordTTL: recordTTL === undefined ? Infinity : readTimeout("recordTTL", recordTTL),
    interval: interval === undefined ? 0 : readInterval(interval),
    intervalCap: intervalCap === undefined ? Infinity : readCount("intervalCap", intervalCap),
  };
}

/** The rate-limit window: a finite number of ms > 0 (0 = no window, as p-queue's default). */
function readInterval(value) {
  if (typeof value !== "number") throw fail(TypeError, "interval", "a finite number of milliseconds ≥ 0", value);
  if (!(value >= 0) || value === Infinity) throw fail(RangeError, "interval", "a finite number of milliseconds ≥ 0", value);
  return value;
}

/** Retries: an integer from 0 up. */
function readRetries(value) {
  if (typeof value !== "number") throw fail(TypeError, "retries", "an integer from 0 and up", value);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw fail(RangeError, "retries", "an integer from 0 and up", value);
  return value;
}

const BACKOFF = "a function of the attempt or { type: \"fixed\" | \"exponential\", delay, jitter? }";

/**
 * A backoff, checked: a function (called with the attempt that failed, must return ms), or
 * `{ kind: 1 fixed | 2 exponential, delay, jitter }`.
 */
function readBackoff(value) {
  if (typeof value === "function") return value;
  if (value === null || typeof value !== "object") throw fail(TypeError, "backoff", BACKOFF, value);
  const { type, delay, jitter = 0 } = value;
  if (type !== "fixed" && type !== "exponential") throw fail(TypeError, "backoff.type", '"fixed" or "exponential"', type);
  if (typeof delay !== "number") throw fail(TypeError, "backoff.delay", "a finite number of milliseconds ≥ 0", delay);
  if (!(delay >= 0) || delay === Infinity) throw fail(RangeError, "backoff.delay", "a finite number of milliseconds ≥ 0", delay);
  if (typeof jitter !== "number") throw fail(TypeError, "backoff.jitter", "a number from 0 to 1", jitter);
  if (!(jitter >= 0 && jitter <= 1)) throw fail(RangeError, "backoff.jitter", "a number from 0 to 1", jitter);
  return { kind: type === "fixed" ? 1 : 2, delay, jitter };
}

/** Checks `concurrency` set at run time. */
export function readConcurrency(value) {
  return readCount("concurrency", value);
}

/**
 * Per-job options, checked; `timeout` is NaN when absent (the queue's applies).
 * @returns {{ priority: number, timeout: number, signal: AbortSignal | undefined }}
 */
export function readPushOptions(options) {
  if (options === null || typeof options !== "object") throw fail(TypeError, "options", "an object", options);
  const { priority = 0, timeout, signal, retries = 0, backoff } = options;
  if (typeof priority !== "number") throw fail(TypeError, "priority", "a number", priority);
  if (Number.isNaN(priority)) throw fail(RangeError, "priority", "a number", priority);
  return {
    priority,
    timeout: timeout === undefined ? NaN : readTimeout("timeout", timeout),
    signal: signal === undefined ? undefined : readSignal("signal", signal),
    retries: readRetries(retries),
    backoff: backoff === undefined ? undefined : readBackoff(backoff),
  };
}

/** A runner is a function or an object with a callable `run` (own or inherited). */
export function checkRunner(runner, where = "runner") {
  if (typeof runner === "function") return;
  if (runner !== null && typeof runner === "object" && typeof runner.run === "function") return;
  throw new TypeError(
    `Expected \`${where}\` to be a function or an object with a \`run()\` method, got ${show(runner)}`,
  );
}

/** Ids are numbers; anything else is a caller's mistake, caught before any lookup. */
export function checkId(id) {
  if (typeof id !== "number") throw new TypeError(`Expected a job id (number), got ${show(id)}`);
}
