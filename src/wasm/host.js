// The JS side of the executor's host (src/wasm/js_host.rs): what only JS can do, each in one
// crossing. No queue state and no decision lives here: Rust decides, this file calls.

/** Code → Go message, installed by Rust (src/core/error.rs is the one place they are written). */
export const MESSAGES = new Map();

/** An error raised by the queue itself (not by a job): check `err.code`. */
export class QueueError extends Error {
  constructor(code, message) {
    super(message ?? MESSAGES.get(code) ?? code);
    this.code = code;
  }

  get name() { return "QueueError"; }
}

export const abortError = () => new DOMException("This operation was aborted", "AbortError");

/** `value` as in p-queue's messages: `0` (number). */
export function show(value) {
  let text;
  try { text = typeof value === "string" ? JSON.stringify(value) : String(value); } catch {
    // A Proxy's traps run in `toString` too.
    try { text = Object.prototype.toString.call(value); } catch { text = typeName(value); }
  }
  return `\`${text}\` (${typeName(value)})`;
}

export const typeName = (value) => (value === null ? "null" : typeof value);

/** ``Expected `name` to be what, got `value` (type)``, as a RangeError or a TypeError; a
 * number `name` is an index of `pushAll`'s runners. */
export function argError(range, name, what, value) {
  if (typeof name === "number") name = `runners[${name}]`;
  const message = `Expected \`${name}\` to be ${what}, got ${show(value)}`;
  return range ? new RangeError(message) : new TypeError(message);
}

/** A TypeError: `prefix` and the value got (or only its type). */
export function gotError(prefix, value, typeOnly) {
  return new TypeError(prefix + (typeOnly ? typeName(value) : show(value)));
}

/** Whether `r` is a runner: a function, or an object with a callable `run` (own or
 * inherited). Reading `run` may throw (a getter, a Proxy): that is the push's error. */
export function isRunner(r) {
  return typeof r === "function" || (r !== null && typeof r === "object" && typeof r.run === "function");
}

/** The index of the first item of `list` that is no runner, or -1. (A loop: `findIndex` with
 * a closure measured 14-20 against 6 ns an item in Node 24, 3.6 against 2.1 in Bun.) */
export function badRunner(list) { for (let i = 0; i < list.length; i++) if (!isRunner(list[i])) return i; return -1; }

// The imports below may throw (user code runs in them). None returns a JS object: wasm-bindgen
// leaked a table slot for the return value of a `catch` import that threw (measured: one per
// throw); they fill the array `into` instead.

/** Pushes the values of the comma-separated `keys` of `object` (own or inherited; each getter
 * run once) into `into`, in order. */
export function fields(object, keys, into) {
  for (const key of keys.split(",")) into.push(object[key]);
}

/** Whether `value` is iterable; when it is, an array of its items is pushed into `into` (one
 * array made whole by `Array.from`: pushing 200,000 items one by one measured 46 against 17 ns
 * an item in Node 24, the growing array's copies and their garbage). */
export function toArray(value, into) {
  const iterable = value !== null && value !== undefined && typeof value[Symbol.iterator] === "function";
  if (iterable) into.push(Array.from(value));
  return iterable;
}

/** Whether `signal` is aborted (`Boolean(signal.aborted)`), its `reason` pushed into `into`
 * when it is. */
export function abortedReason(signal, into) {
  const aborted = Boolean(signal.aborted);
  if (aborted) into.push(signal.reason);
  return aborted;
}

/** Reports an error nobody can catch, as the host reports a throwing event listener's. */
export function report(error) {
  if (typeof reportError === "function") reportError(error);
  else setTimeout(() => { throw error; }, 0);
}

/** The globals a queue needs: a `TypeError` naming those this host lacks, else undefined. */
export function missingGlobals() {
  const need = ["EventTarget", "Event", "AbortController", "DOMException", "setTimeout", "clearTimeout"];
  const missing = need.filter((name) => typeof globalThis[name] !== "function");
  return missing.length ? new TypeError(`gorqs: this JavaScript host lacks ${missing.join(", ")}`) : undefined;
}

/** Milliseconds, monotonic. `performance` is looked up once: reading the global per call took
 * headless Chromium 156 200-520 ns against 75-165 held (Node 24 ~50 either way). */
export const now = typeof globalThis.performance?.now === "function" ? ((p) => () => p.now())(performance) : () => Date.now();

/** Runs `fn` in a microtask: a reaction to a promise already fulfilled, which joins the same
 * queue as `queueMicrotask` (same order) but took 100-160 ns a call in headless Chromium 156
 * against `queueMicrotask`'s 680-980 (Node 22 90-130 against 310-480, Deno 50-130 against
 * 75-230, Bun ~40 both; Node 24 and 26 100-150 against 40-60). */
export const microtask = ((fulfilled) => (fn) => void fulfilled.then(fn))(Promise.resolve());

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
            const { port1, port2 } = new MessageChannel();
            port1.onmessage = () => void (port1.close(), fn());
            port2.postMessage(0);
          }
        : (fn) => void setTimeout(fn, 0);

/** Listens for `signal`'s abort; the listener pushed into `into` (for `unlisten`). */
export function listen(signal, key, aborted, into) {
  const onAbort = () => aborted(key, signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  into.push(onAbort);
}

/** What a job's `run(ctx)` receives. `signal` is made on first read only (by Rust). */
class JobContext {
  #signalFor;
  constructor(id, attempt, signalFor) { this.id = id; this.attempt = attempt; this.#signalFor = signalFor; }

  /** Aborts when the job times out, its own signal aborts, or `cancel(id)` is called. */
  get signal() { return this.#signalFor(this.id); }

  // One kept for V8's hidden class, as the package keeps a queue (pkg/src/index.js): at a full
  // GC with no job running, the class went and `invoke` was thrown away (tests/stress/warm-after-gc.mjs).
  static kept = new JobContext(0, 1, () => undefined);
}

/** `v` when an int32 (not -0), which a record keeps inline; else NaN. */
const intOf = (v) => (typeof v === "number" && (v | 0) === v && (v !== 0 || 1 / v > 0) ? v : NaN);

const noop = () => {};

/** What `Promise.withResolvers()` makes, made by hand: in Node 24 and 26 half its cost (24
 * against 47 ns; Bun alike), and there where the host lacks it (Node 20, Safari 17.3). */
function withResolvers() {
  const w = { promise: undefined, resolve: noop, reject: noop };
  w.promise = new Promise((resolve, reject) => { w.resolve = resolve; w.reject = reject; });
  return w;
}

const EVENT_TYPES = ["active", "completed", "failed", "empty", "idle"];

/** Runners per chunk of the store: growing the store never copies a runner (a plain array
 * grown to 200,000 by `push` cost 30–50 ns per push in Node 24, against 6 once grown). */
const SHIFT = 10;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
const RING = 1024; // places for `wait`s, by the low bits of their ids
const RING_MASK = RING - 1;

/**
 * One queue's host: its runners, the callbacks into its Rust executor, its events.
 *
 * Runners are kept here, not in the wasm module's externref table (passing one in cost a
 * table slot's allocation, a crossing, per push): job `id`'s runner is entry `id - base` of
 * `chunks`, `undefined` once Rust let it go (`invoke` without `keep`, `release`). Every id Rust
 * gave has its entry, so `next` is the next id. While Rust keeps the inbox `open`, a plain push
 * is taken here with no crossing at all (`push`); Rust absorbs those pushes at its next entry
 * (`close`). Runs (`runFrom`): Rust hands over the jobs it starts one after another and is
 * told where the run ended, or ends it itself (`cut`) when anything calls into it meanwhile.
 * Rust decides every job's fate; this only holds the objects and calls the runners.
 */
export class Host {
  constructor(settle, signalFor) {
    this.settle = settle;
    this.signalFor = signalFor;
    this.target = new EventTarget();
    this.chunks = [];
    this.base = 1; // the id of chunks[0][0]
    this.next = 1;
    this.open = this.waited = false; // waited: waits were taken here since the inbox opened
    this.at = this.end = this.parked = 0; // `runFrom`'s job running now, its end, the parked job
    this.park = this.track = false; // the run's kind (see `runFrom`)
    this.spread = 0; // an async run's free slots (see `runFrom`); 0: a serial run
    this.ints = [], this.taken = 0; // a tracked run's int32 values, kept until Rust takes them (`taken` so far)
    this.gone = []; // the jobs whose settlements an async run kept, until Rust takes them
    this.goneAt = 0; // (with `track`, their values are in `ints`, in the same order)
    // `wait`s by job id, a `Promise.withResolvers()` each: at `id & RING_MASK` of `ring`
    // (`ids` says whose; both made at the first wait: 16 KB), else in `other` (a Map alone
    // cost ~45 ns a job more in Node 24, ~250 more in a fresh queue).
    this.ids = this.ring = undefined;
    this.other = new Map();
    this.waits = this.from = 0; // how many; the first id `waitHeld` may take
    // The last classification's value and, for a thenable, its `then` (read at once by Rust).
    this.out = this.outThen = undefined;
  }

  /** A plain push taken here: its id, or 0 when Rust must take it (inbox closed). */
  push(runner) {
    return this.open && isRunner(runner) ? this.put(runner) : 0;
  }

  /** Rust opens the inbox, having pushed jobs `from`…; `close` ends it and gives the next id
   * (what Rust absorbs), negated when `wait`s were taken meanwhile (`waitHeld`). */
  openInbox(from) { this.open = true; this.from = from; }

  close() { const next = this.waited ? -this.next : this.next; this.open = this.waited = false; return next; }

  /** `wait(id)` taken here when job `id` is pending for sure, with no crossing: while the
   * inbox is open nothing entered Rust since it opened, so the jobs it took and those pushed
   * by the entry that opened it have not started (Rust hears of the wait at `close`). Else
   * undefined. */
  waitHeld(id) {
    if (!(this.open && id >= this.from && id < this.next && id % 1 === 0)) return undefined;
    this.waited = true;
    return this.waiter(id);
  }

  /** A promise for job `id`'s outcome, one per id, which `wake` settles. */
  waiter(id) {
    if (this.ids === undefined) this.ids = new Array(RING).fill(0), this.ring = new Array(RING).fill(undefined);
    const k = id & RING_MASK;
    let w = this.ids[k] === id ? this.ring[k] : this.other.get(id);
    if (w !== undefined) return w.promise;
    w = withResolvers();
    if (this.ids[k] === 0) this.ring[k] = w, this.ids[k] = id;
    else this.other.set(id, w);
    this.waits++;
    return w.promise;
  }

  /** Settles job `id`'s waiters, if any (kind 0 fulfils, else rejects); whether waiters of
   * any job are left. Runs no user code: resolving with an object reads its `then` (maybe a
   * getter), so that happens a microtask later. A rejection is handled first (none is left
   * unhandled). */
  wake(id, kind, value) {
    if (this.waits === 0) return false;
    const k = id & RING_MASK;
    let w;
    if (this.ids[k] === id) w = this.ring[k], this.ring[k] = undefined, this.ids[k] = 0;
    else if ((w = this.other.get(id)) !== undefined) this.other.delete(id);
    if (w !== undefined) {
      this.waits--;
      if (kind !== 0) w.promise.catch(noop), w.reject(value);
      else if (value !== null && (typeof value === "object" || typeof value === "function")) microtask(() => w.resolve(value));
      else w.resolve(value);
    }
    return this.waits !== 0;
  }

  wakeOut(id, kind) { return this.wake(id, kind, this.out); }

  /** Stores the runner of the next id (a job Rust pushed itself, or `push`'s); its id. */
  put(runner) {
    let i = this.next - this.base;
    if ((i & MASK) === 0 && i >> SHIFT === this.chunks.length) i = this.grow();
    this.chunks[i >> SHIFT][i & MASK] = runner;
    return this.next++;
  }

  /** `put` for each runner of `list`; their ids, for `pushAll` to return. */
  putAll(list) { return list.map((r) => this.put(r)); }

  /** A new chunk, made whole (written by index, never grown); first, the chunks at the front
   * whose runners are all gone are let go (checked here, once per chunk of pushes, not per
   * job), the last of them kept for reuse. Returns the next id's index. */
  grow() {
    const { chunks } = this;
    let spare;
    while (chunks.length > 0 && chunks[0].every((r) => r === undefined)) { spare = chunks.shift(); this.base += CHUNK; }
    chunks.push(spare ?? new Array(CHUNK).fill(undefined));
    return this.next - this.base; // the next id's index, `base` having moved
  }

  /** Job `id`'s runner, and with `empty` its entry emptied. */
  entry(id, empty) {
    const i = id - this.base;
    const chunk = i >= 0 ? this.chunks[i >> SHIFT] : undefined;
    const runner = chunk?.[i & MASK];
    if (!empty || chunk === undefined) return runner;
    chunk[i & MASK] = undefined;
    // The first chunk emptied in id order goes at once: a drained queue keeps no chunk of
    // empty entries (8 bytes a job, measured, until the next `grow`).
    if (i === MASK && chunk.every((r) => r === undefined)) { this.chunks.shift(); this.base += CHUNK; }
    return runner;
  }

  releaseAll() { this.chunks = []; this.base = this.next; }

  /** 0 value, 2 thenable (`then` read once, as a promise would); a throwing getter throws. */
  classify(value) {
    this.out = value;
    const then = value !== null && (typeof value === "object" || typeof value === "function") ? value.then : 0;
    this.outThen = typeof then === "function" ? then : undefined;
    return this.outThen ? 2 : 0;
  }

  /** Calls job `id`'s runner (its last use unless `keep`); returns 0 value, 1 threw (the
   * value waits in `out`), 2 thenable, followed at once (Rust hears through `settle`): a
   * `follow` import called by Rust cost a crossing per promise job. */
  invoke(id, attempt, keep) {
    const runner = this.entry(id, !keep);
    let kind;
    try {
      const ctx = new JobContext(id, attempt, this.signalFor);
      kind = this.classify(typeof runner === "function" ? runner(ctx) : runner.run(ctx));
    } catch (e) { this.out = e; return 1; }
    if (kind === 2) this.follow(id, attempt);
    return kind;
  }

  /** Runs jobs `first`, `first + 1`, … as `invoke` does their first tries, at most `n`,
   * while each returns a plain value and Rust does not `cut` the run (Rust checked they wait
   * in id order and that only their records hear of them): 4 × how many ran + the last's
   * kind. With `track`, each value before the last is kept for Rust (`nextInt`) while it is
   * an int32 (another ends the run on its job). With `park` (serial), a run ending on a
   * thenable waits for it (`parked`), then goes on (`goOn`). With `spread` free slots (an
   * async queue), a job returning a thenable takes one and the run goes on while another is
   * free; ending on a thenable it stays open: each settlement with a plain value is kept for
   * Rust (`gone`) and starts the next jobs in the slot it freed (`goOnAsync`). */
  runFrom(first, n, park, track, spread) {
    this.at = first, this.end = first + n, this.parked = 0;
    this.park = park, this.track = track, this.spread = spread;
    const kind = this.more(this.invoke(first, 1, false));
    if (this.parked !== this.at && !(kind === 2 && spread !== 0 && this.at + 1 < this.end)) this.end = 0;
    return (this.at - first + 1) * 4 + kind;
  }

  /** Goes on with the run after job `at` ended as `kind`; the kind of the job it ends on. */
  more(kind) {
    while (this.at + 1 < this.end && (kind === 0 ? this.done(this.at) : kind === 2 && this.spread > 1 && this.spread-- > 0)) kind = this.invoke(++this.at, 1, false);
    if (kind === 2 && this.park && this.end !== 0) this.parked = this.at;
    return kind;
  }

  /** Job `id` of a run returned a value (in `out`), not as its last, or, in an async run,
   * fulfilled with it: with `track` the value is kept for Rust while an int32 (else false:
   * the run ends on it, and Rust takes it); its waiters hear of it. In an async run, a
   * settlement kept for Rust (`takeGone`). */
  done(id) {
    const v = this.out;
    if (this.track && !this.keep(this.takeInt())) return false;
    if (this.spread !== 0) this.out = undefined, this.gone.push(id);
    if (this.waits !== 0) this.wake(id, 0, v);
    return true;
  }

  /** Moves the settlements an async run kept into `into` (a view of Rust's memory), in the
   * order they settled, as many as fit: pairs of the job's id and its int32 value (tracked;
   * else 0). How many; once all are taken they are let go. */
  takeGone(into) {
    const { gone, ints } = this;
    const n = Math.min(gone.length - this.goneAt, into.length >> 1);
    for (let k = 0, i = this.goneAt; k < n; k++, i++) into[2 * k] = gone[i], into[2 * k + 1] = i < ints.length ? ints[i] : 0;
    if ((this.goneAt += n) === gone.length) gone.length = ints.length = this.goneAt = 0;
    return n;
  }

  /** A settlement kept by the open async run freed a slot: the run's next jobs start in it;
   * Rust hears of the one it ends on unless a thenable (its settlement). */
  goOnAsync() {
    this.spread = 1;
    const kind = this.more(this.invoke(++this.at, 1, false));
    if (kind !== 2) this.end = 0, this.settled(this.at, 1, kind);
  }

  /** Keeps a tracked run's int32 value for Rust; false for NaN (no int32: the run ends). */
  keep(n) { return n === n && this.ints.push(n) > 0; }

  /** The next value kept by a tracked run, in id order; NaN once all are taken (then let go). */
  nextInt() { if (this.taken < this.ints.length) return this.ints[this.taken++]; this.ints.length = this.taken = 0; return NaN; }

  /** Ends the run after the job running now (the queue was entered); that job's id. */
  cut() { this.end = this.parked = 0; return this.at; }

  /** The parked job fulfilled with a plain value: the run goes on; Rust hears where it ends
   * (`settle` of its last job, or of one that threw), or nothing when a thenable parks it. */
  goOn() {
    this.parked = 0;
    const kind = this.more(0);
    if (kind !== 2) this.settled(this.at, 1, kind);
  }

  /** The value, taken, when it is an int32 (not -0), which a record keeps inline; else NaN
   * (it stays for `takeValue`). */
  takeInt() { const n = intOf(this.out); if (n === n) this.out = undefined; return n; }

  takeValue() { const value = this.out; this.out = undefined; return value; }

  /** Tells Rust a followed job settled (kind 0 value, 1 threw), an int32 value handed over at
   * once (NaN: none; it stays for `takeValue`): a tracked job's `takeInt` crossing spared. */
  settled(id, attempt, kind) { this.settle(id, attempt, kind, kind === 0 ? intOf(this.out) : NaN); }

  /** Follows the thenable of the last classification (one it settles with too); Rust hears
   * through `settle`. */
  follow(id, attempt) {
    const thenable = this.out;
    const then = this.outThen;
    this.out = this.outThen = undefined;
    let done = false;
    const fail = (e) => {
      if (done) return;
      done = true;
      this.out = e;
      this.settle(id, attempt, 1, NaN);
    };
    const fulfil = (value) => {
      if (done) return;
      done = true;
      let kind = 1; // unless it classifies: a throwing `then` getter fails the job
      try { kind = this.classify(value); } catch (e) { this.out = e; }
      if (kind === 2) this.follow(id, attempt);
      else if (kind === 0 && id === this.parked) this.goOn();
      else if (kind === 0 && this.spread !== 0 && this.at + 1 < this.end && this.done(id)) this.goOnAsync();
      else this.settled(id, attempt, kind);
    };
    try { then.call(thenable, fulfil, fail); } catch (e) { fail(e); }
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
    } catch (e) { report(e); }
  }
}
