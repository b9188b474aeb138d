// The JS side of the executor's host (src/wasm/js_host.rs): what only JS can do, each in one
// crossing. No queue state and no decision lives here: Rust decides, this file calls.

/** Code → Go message, installed by Rust (src/core/error.rs is the one place they are written). */
const MESSAGES = new Map();

export function setMessage(code, message) {
  MESSAGES.set(code, message);
}

/** An error raised by the queue itself (not by a job): check `err.code`. */
export class QueueError extends Error {
  constructor(code, message) {
    super(message ?? MESSAGES.get(code) ?? code);
    this.code = code;
  }

  get name() {
    return "QueueError";
  }
}

export function queueError(code, message) {
  return new QueueError(code, message);
}

export function abortError() {
  return typeof DOMException === "function"
    ? new DOMException("This operation was aborted", "AbortError")
    : Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
}

/** `value` as in p-queue's messages: `0` (number). */
export function show(value) {
  let text;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    try {
      text = Object.prototype.toString.call(value); // a Proxy's traps run here too
    } catch {
      text = typeName(value);
    }
  }
  return `\`${text}\` (${typeName(value)})`;
}

export function typeName(value) {
  return value === null ? "null" : typeof value;
}

/** ``Expected `name` to be what, got `value` (type)``, as a RangeError or a TypeError. */
export function argError(range, name, what, value) {
  const message = `Expected \`${name}\` to be ${what}, got ${show(value)}`;
  return range ? new RangeError(message) : new TypeError(message);
}

/** A TypeError: `prefix` and the value got (or only its type). */
export function gotError(prefix, value, typeOnly) {
  return new TypeError(prefix + (typeOnly ? typeName(value) : show(value)));
}

/** A bad runner: `runner`, or `runners[index]` of pushAll. */
export function runnerError(index, value) {
  const name = index < 0 ? "runner" : `runners[${index}]`;
  return argError(false, name, "a function or an object with a `run()` method", value);
}

/**
 * 0: not a runner; 1: a function; 2: an object with a callable `run` (own or inherited);
 * 3: reading `run` threw (what it threw waits for `takeValue`). Not a `catch` import: those
 * cost an `arguments` object and an `apply` per call, and this one is on every push.
 */
export function runnerKind(r) {
  if (typeof r === "function") return 1;
  try {
    return r !== null && typeof r === "object" && typeof r.run === "function" ? 2 : 0;
  } catch (e) {
    out = e;
    return 3;
  }
}

export function isAbortSignal(s) {
  return (
    s !== null &&
    typeof s === "object" &&
    typeof s.aborted === "boolean" &&
    typeof s.addEventListener === "function" &&
    typeof s.removeEventListener === "function"
  );
}

/** The values of the comma-separated `keys` of `object` (own or inherited; each getter run
 * once), in order. */
export function fields(object, keys) {
  return keys.split(",").map((key) => object[key]);
}

/** 0 when `value` is no iterable, else its items in an array. */
export function toArray(value) {
  return value !== null && value !== undefined && typeof value[Symbol.iterator] === "function"
    ? Array.from(value)
    : 0;
}

/** Reports an error nobody can catch, as the host reports a throwing event listener's. */
function report(error) {
  if (typeof reportError === "function") reportError(error);
  else setTimeout(() => { throw error; }, 0);
}

/** The globals a queue needs: a `TypeError` naming those this host lacks, else undefined. */
export function missingGlobals() {
  const need = ["queueMicrotask", "EventTarget", "Event", "AbortController", "setTimeout", "clearTimeout"];
  const missing = need.filter((name) => typeof globalThis[name] !== "function");
  return missing.length ? new TypeError(`gorqs: this JavaScript host lacks ${missing.join(", ")}`) : undefined;
}

/** Milliseconds, monotonic. */
export const now =
  typeof performance !== "undefined" && typeof performance.now === "function"
    ? () => performance.now()
    : () => Date.now();

/**
 * Runs `fn` in a new macrotask, after timers, I/O, input and rendering: setImmediate in Node,
 * Bun and Deno; in browsers a background-priority `scheduler.postTask` where it exists (else a
 * MessageChannel; setTimeout(0) is clamped to 4 ms). Chromium ran a 1 ms interval only on
 * every other MessageChannel (or user-visible postTask) yield, so timers went 2 slices
 * without a turn; a background task lets them run at every yield (README "Responsiveness").
 */
export const macrotask =
  typeof setImmediate === "function"
    ? (fn) => void setImmediate(fn)
    : typeof scheduler === "object" && typeof scheduler?.postTask === "function"
      ? (fn) => void scheduler.postTask(fn, { priority: "background" })
      : typeof MessageChannel === "function"
        ? (fn) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              channel.port1.close();
              fn();
            };
            channel.port2.postMessage(0);
          }
        : (fn) => void setTimeout(fn, 0);

export function setTimer(fn, ms) {
  return setTimeout(fn, ms);
}

export function clearTimer(handle) {
  clearTimeout(handle);
}

/** Calls a user's backoff function; -1 when it threw or gave no number of ms ≥ 0. */
export function callBackoff(fn, attempt) {
  try {
    const ms = fn(attempt);
    return typeof ms === "number" && ms >= 0 ? ms : -1;
  } catch {
    return -1;
  }
}

export function listen(signal, key, aborted) {
  const onAbort = () => aborted(key, signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return onAbort;
}

export function unlisten(signal, onAbort) {
  try {
    signal.removeEventListener("abort", onAbort);
  } catch {
    // A signal-like object whose removeEventListener throws: nothing more to do.
  }
}

export function isAborted(signal) {
  return Boolean(signal.aborted);
}

export function reasonOf(signal) {
  return signal.reason;
}

export function newController() {
  return new AbortController();
}

/** Never throws: the signal's listeners are user code (their errors are reported). */
export function abortWith(controller, reason) {
  try {
    controller.abort(reason);
  } catch (e) {
    report(e);
  }
}

export function signalOf(controller) {
  return controller.signal;
}

/** What a job's `run(ctx)` receives. `signal` is made on first read only (by Rust). */
class JobContext {
  #signalFor;
  constructor(id, attempt, signalFor) {
    this.id = id;
    this.attempt = attempt;
    this.#signalFor = signalFor;
  }

  /** Aborts when the job times out, its own signal aborts, or `cancel(id)` is called. */
  get signal() {
    return this.#signalFor(this.id);
  }
}

// The value of the last classification and, for a thenable, its `then`: written by
// invoke/follow's handlers, read at once by Rust (takeValue / follow). Never kept across jobs.
let out;
let outThen;

/** 0 value, 2 thenable (`then` read once, as a promise would); a throwing getter throws. */
function classify(value) {
  out = value;
  outThen = undefined;
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    const then = value.then;
    if (typeof then === "function") {
      outThen = then;
      return 2;
    }
  }
  return 0;
}

const EVENT_TYPES = ["active", "completed", "failed", "empty", "idle"];

export function takeOut() {
  const value = out;
  out = undefined;
  return value;
}

/** One queue's host: the callbacks into its Rust executor and the target of its events. */
export class Host {
  constructor(settle, signalFor) {
    this.settle = settle;
    this.signalFor = signalFor;
    this.target = new EventTarget();
  }

  /** Calls the runner; returns 0 value, 1 threw, 2 thenable (the value waits in `out`). */
  invoke(runner, id, attempt) {
    try {
      const ctx = new JobContext(id, attempt, this.signalFor);
      return classify(typeof runner === "function" ? runner(ctx) : runner.run(ctx));
    } catch (e) {
      out = e;
      return 1;
    }
  }

  takeValue() {
    const value = out;
    out = undefined;
    return value;
  }

  /** Follows the thenable of the last classification; Rust hears through `settle`. */
  follow(id, attempt) {
    const thenable = out;
    const then = outThen;
    out = outThen = undefined;
    const settle = this.settle;
    let done = false;
    const fail = (e) => {
      if (done) return;
      done = true;
      out = e;
      settle(id, attempt, 1);
    };
    try {
      then.call(
        thenable,
        (value) => {
          if (done) return;
          done = true;
          let kind;
          try {
            kind = classify(value);
          } catch (e) {
            out = e;
            kind = 1;
          }
          settle(id, attempt, kind);
        },
        fail,
      );
    } catch (e) {
      fail(e);
    }
  }

  on(type, listener, options) {
    this.target.addEventListener(type, listener, options);
  }

  off(type, listener, options) {
    this.target.removeEventListener(type, listener, options);
  }

  dispatch(event) {
    return this.target.dispatchEvent(event);
  }

  /** Fires event `kind` (0 active, 1 completed, 2 failed, 3 empty, 4 idle). Never throws:
   * a listener's error is reported by the host; a host without `CustomEvent` (Node 18) gets
   * an `Event` with the same `detail`. */
  emit(kind, id, value) {
    const detail = kind === 0 ? { id } : kind === 1 ? { id, value } : kind === 2 ? { id, error: value } : null;
    try {
      const type = EVENT_TYPES[kind];
      const event = typeof CustomEvent === "function"
        ? new CustomEvent(type, { detail })
        : Object.defineProperty(new Event(type), "detail", { value: detail, enumerable: true });
      this.target.dispatchEvent(event);
    } catch (e) {
      report(e);
    }
  }
}
