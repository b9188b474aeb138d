// A tiny dependency-free test registry and assert API that runs unchanged in Node and in
// browsers. Test files call `test()` (optionally inside `describe()`); a runner (node-run.mjs,
// browser.html) then calls `run()` or `runTest()` for each registered test.
//
// Besides the test's own assertions, a test fails when an unhandled promise rejection or an
// uncaught exception is reported while it runs (browser: window `unhandledrejection`/`error`;
// Node: process `unhandledRejection`/`uncaughtException`), or when it does not settle within
// its timeout. Reports that arrive outside any test fail the final check of `run()`.

/** Default per-test timeout in ms: a hung promise fails the test instead of hanging the run. */
export const DEFAULT_TIMEOUT = 10_000;

/** Macrotasks waited after each test so late rejection reports are pinned on that test. */
const SETTLE_TICKS = 3;

const registry = [];
const groups = [];

/** Groups the tests registered by `fn` (synchronously) under `name`. */
export function describe(name, fn) {
  groups.push(name);
  try {
    fn();
  } finally {
    groups.pop();
  }
}

/**
 * Registers a test. `fn` may be async. `options.timeout` overrides the default per-test timeout.
 */
export function test(name, fn, options = {}) {
  if (typeof fn !== "function") throw new TypeError(`test "${name}" needs a function`);
  const fullName = [...groups, name].join(" › ");
  if (registry.some((t) => t.name === fullName)) {
    throw new Error(`duplicate test name: ${fullName}`);
  }
  registry.push({ name: fullName, fn, timeout: options.timeout ?? DEFAULT_TIMEOUT });
}

/** The registered tests, in registration order: `[{ name, fn, timeout }]`. */
export function registered() {
  return registry.slice();
}

// ---------------------------------------------------------------------------------------------
// Unhandled rejections and uncaught exceptions

let current = null; // the test running now, or null
const outside = []; // reports that arrived while no test was running

/** Active `captureReported` calls: `{ predicate, caught }`. */
const captures = [];

/** Records a report; `event` (browsers) is cancelled when a capture takes it. */
function report(kind, value, event) {
  if (kind === "uncaught exception") {
    const capture = captures.find((c) => c.predicate(value));
    if (capture) {
      capture.caught.push(value);
      if (event) event.preventDefault();
      return;
    }
  }
  const entry = { kind, value };
  if (current) current.problems.push(entry);
  else outside.push(entry);
}

let installed = false;
const onUncaught = (error) => report("uncaught exception", error);

function installWatchers() {
  if (installed) return;
  installed = true;
  const proc = globalThis.process;
  if (proc && typeof proc.on === "function" && proc.versions && proc.versions.node) {
    proc.on("unhandledRejection", (reason) => report("unhandled rejection", reason));
    proc.on("uncaughtException", onUncaught);
  } else if (typeof globalThis.addEventListener === "function") {
    globalThis.addEventListener("unhandledrejection", (event) => {
      report("unhandled rejection", event.reason);
    });
    globalThis.addEventListener("error", (event) => {
      report("uncaught exception", event.error !== undefined ? event.error : event.message, event);
    });
  }
}
installWatchers();

/**
 * Catches the errors the host reports (an uncaught exception, such as a throwing event
 * listener's) that `predicate(error)` accepts, until `release()`; returns `{ caught, release }`.
 * Other reports fail the test as before. Browsers: the window `error` events it takes are
 * cancelled, so they are not logged as console errors either.
 */
export function captureReported(predicate) {
  const capture = { predicate, caught: [] };
  captures.push(capture);
  // Node: node:test's own listener would fail the test on any uncaught exception; it steps
  // aside while the capture is on (the harness's listener still reports the others).
  const proc = globalThis.process;
  const others = proc && proc.versions && proc.versions.node
    ? proc.rawListeners("uncaughtException").filter((l) => l !== onUncaught)
    : [];
  for (const l of others) proc.off("uncaughtException", l);
  return {
    caught: capture.caught,
    release() {
      captures.splice(captures.indexOf(capture), 1);
      for (const l of others) proc.on("uncaughtException", l);
    },
  };
}

/** A figure the running test wants printed (a measurement, never a verdict): runners print
 * each test's notes beside its result. */
export function note(text) {
  if (current) current.notes.push(String(text));
}

function problemsError(problems, where) {
  const lines = problems.map((p) => `${p.kind}: ${describeThrown(p.value)}`);
  return new Error(`${problems.length} ${where}:\n  ${lines.join("\n  ")}`);
}

const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

// ---------------------------------------------------------------------------------------------
// Running

/**
 * Runs one registered test. Returns `{ name, ok, error, ms, thrown }`: `error` is a printable
 * string (null when ok) and `thrown` the original value that made the test fail.
 */
export async function runTest(t) {
  const startedAt = now();
  const state = { problems: [], notes: [] };
  current = state;
  let failed = false;
  let thrown;
  let timer;
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`test did not finish within ${t.timeout} ms (a promise never settled?)`));
      }, t.timeout);
    });
    await Promise.race([Promise.resolve().then(() => t.fn()), timeout]);
  } catch (e) {
    failed = true;
    thrown = e;
  } finally {
    clearTimeout(timer);
  }
  for (let i = 0; i < SETTLE_TICKS; i++) await macrotask();
  current = null;
  if (!failed && state.problems.length > 0) {
    failed = true;
    thrown = problemsError(state.problems, "problem(s) reported while the test ran");
  }
  const ms = Math.round((now() - startedAt) * 10) / 10;
  return { name: t.name, ok: !failed, error: failed ? describeThrown(thrown) : null, ms, thrown, notes: state.notes };
}

/** Name of the final check added by `run()` and `finalCheck()`. */
export const FINAL_CHECK_NAME = "harness › no unhandled rejection or uncaught exception outside tests";

/** Checks that no rejection or exception was reported outside the tests. */
export async function finalCheck() {
  const startedAt = now();
  for (let i = 0; i < SETTLE_TICKS; i++) await macrotask();
  const ok = outside.length === 0;
  const thrown = ok ? undefined : problemsError(outside.splice(0), "problem(s) reported outside tests");
  return {
    name: FINAL_CHECK_NAME,
    ok,
    error: ok ? null : describeThrown(thrown),
    ms: Math.round((now() - startedAt) * 10) / 10,
    thrown,
  };
}

/**
 * Runs every registered test (those whose name matches `options.grep`, a RegExp or string, if
 * given) one after another, then the final check. `options.onResult(result)` is called after
 * each. Returns `[{ name, ok, error, ms }]`.
 */
export async function run(options = {}) {
  const grep = typeof options.grep === "string" ? new RegExp(options.grep) : options.grep;
  const results = [];
  const publish = async (r) => {
    const row = { name: r.name, ok: r.ok, error: r.error, ms: r.ms, notes: r.notes ?? [] };
    results.push(row);
    if (options.onResult) await options.onResult(row);
  };
  for (const t of registry) {
    if (grep && !grep.test(t.name)) continue;
    await publish(await runTest(t));
  }
  await publish(await finalCheck());
  return results;
}

function now() {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** A short readable form of any value, for failure messages. */
export function show(value, depth = 0) {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return `[function ${value.name || "anonymous"}]`;
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "undefined":
      return "undefined";
    case "boolean":
      return String(value);
  }
  if (value === null) return "null";
  if (value instanceof Error) {
    const code = value.code !== undefined ? ` code=${show(value.code)}` : "";
    return `${value.constructor ? value.constructor.name : "Error"}(${show(value.message)}${code})`;
  }
  if (depth > 2) return Array.isArray(value) ? "[…]" : "{…}";
  if (Array.isArray(value)) {
    const items = value.slice(0, 30).map((v) => show(v, depth + 1));
    if (value.length > 30) items.push(`… ${value.length - 30} more`);
    return `[${items.join(", ")}]`;
  }
  let keys;
  try {
    keys = Object.keys(value);
  } catch {
    return "[object]";
  }
  const ctor = value.constructor && value.constructor !== Object ? `${value.constructor.name} ` : "";
  const body = keys.slice(0, 12).map((k) => `${k}: ${show(value[k], depth + 1)}`);
  if (keys.length > 12) body.push("…");
  return `${ctor}{${body.join(", ")}}`;
}

/** A printable description of a thrown value, with the top of its stack when there is one. */
export function describeThrown(value) {
  if (value instanceof Error) {
    const code = value.code !== undefined ? ` [code ${show(value.code)}]` : "";
    const head = `${value.name || "Error"}: ${value.message}${code}`;
    const frames = typeof value.stack === "string"
      ? value.stack.split("\n").filter((l) => /^\s+at |@/.test(l)).slice(0, 8)
      : [];
    return frames.length ? `${head}\n${frames.join("\n")}` : head;
  }
  return `thrown non-Error value: ${show(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Assertions

/** The error thrown by a failed assertion. */
export class AssertionError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = "AssertionError";
    Object.assign(this, details);
  }
}

function fail(message, prefix) {
  throw new AssertionError(prefix ? `${prefix}: ${message}` : message);
}

function deepEq(a, b, seen = []) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.some(([x, y]) => x === a && y === b)) return true;
  seen.push([a, b]);
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    return a.every((v, i) => deepEq(v, b[i], seen));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEq(a[k], b[k], seen));
}

/**
 * Checks a thrown/rejected value against a matcher, returning a problem string or null.
 * Matcher: a constructor (instanceof), an array of constructors (any of them), a RegExp (on the
 * message), a non-function value compared by identity via `{ is }`, or an object with any of
 * `type` (constructor or array of them), `code`, `message` (string: exact, RegExp: test),
 * `name`, `is` (identity).
 */
function matchProblem(value, matcher) {
  if (matcher === undefined) return null;
  if (typeof matcher === "function" || Array.isArray(matcher)) matcher = { type: matcher };
  else if (matcher instanceof RegExp) matcher = { message: matcher };
  const problems = [];
  if (matcher.type !== undefined) {
    const types = Array.isArray(matcher.type) ? matcher.type : [matcher.type];
    if (!types.some((T) => typeof T === "function" && value instanceof T)) {
      problems.push(`expected an instance of ${types.map((T) => (T && T.name) || show(T)).join(" or ")}`);
    }
  }
  if ("is" in matcher && !Object.is(value, matcher.is)) {
    problems.push(`expected exactly ${show(matcher.is)}`);
  }
  const field = (k) => (value !== null && (typeof value === "object" || typeof value === "function") ? value[k] : undefined);
  if (matcher.code !== undefined && field("code") !== matcher.code) {
    problems.push(`expected code ${show(matcher.code)}, got ${show(field("code"))}`);
  }
  if (matcher.name !== undefined && field("name") !== matcher.name) {
    problems.push(`expected name ${show(matcher.name)}, got ${show(field("name"))}`);
  }
  if (matcher.message !== undefined) {
    const msg = field("message");
    const ok = matcher.message instanceof RegExp
      ? typeof msg === "string" && matcher.message.test(msg)
      : msg === matcher.message;
    if (!ok) problems.push(`expected message ${matcher.message instanceof RegExp ? String(matcher.message) : show(matcher.message)}, got ${show(msg)}`);
  }
  return problems.length ? `${problems.join("; ")} — got ${show(value)}` : null;
}

function isThenable(v) {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
}

export const assert = {
  /** `Object.is(actual, expected)`. */
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) {
      fail(`expected ${show(expected)}, got ${show(actual)}`, message);
    }
  },

  notEqual(actual, unexpected, message) {
    if (Object.is(actual, unexpected)) fail(`expected something other than ${show(unexpected)}`, message);
  },

  /** Structural equality of arrays and plain objects (same prototypes), `Object.is` on leaves. */
  deepEqual(actual, expected, message) {
    if (!deepEq(actual, expected)) {
      fail(`expected ${show(expected)}, got ${show(actual)}`, message);
    }
  },

  ok(value, message) {
    if (!value) fail(`expected a truthy value, got ${show(value)}`, message);
  },

  fail(message) {
    fail(message);
  },

  match(string, regex, message) {
    if (typeof string !== "string" || !regex.test(string)) {
      fail(`expected ${show(string)} to match ${regex}`, message);
    }
  },

  /** `fn()` must throw synchronously a value accepted by `matcher`; returns the thrown value. */
  throws(fn, matcher, message) {
    let threw = false;
    let value;
    let returned;
    try {
      returned = fn();
    } catch (e) {
      threw = true;
      value = e;
    }
    if (!threw) {
      if (isThenable(returned)) {
        // Keep the returned promise from becoming an unhandled rejection of its own.
        Promise.resolve(returned).catch(() => {});
        fail("expected a synchronous throw, but a promise was returned", message);
      }
      fail(`expected a throw, but ${show(returned)} was returned`, message);
    }
    const problem = matchProblem(value, matcher);
    if (problem) fail(problem, message);
    return value;
  },

  /**
   * `promiseOrFn` (a promise, or a function returning one) must reject with a value accepted by
   * `matcher`; resolves to the rejection value. A function that throws synchronously fails.
   */
  async rejects(promiseOrFn, matcher, message) {
    let p = promiseOrFn;
    if (typeof promiseOrFn === "function") {
      try {
        p = promiseOrFn();
      } catch (e) {
        fail(`expected a rejected promise, but the call threw synchronously ${show(e)}`, message);
      }
    }
    if (!isThenable(p)) fail(`expected a promise, got ${show(p)}`, message);
    let rejected = false;
    let value;
    try {
      value = await p;
    } catch (e) {
      rejected = true;
      value = e;
    }
    if (!rejected) fail(`expected a rejection, but it resolved with ${show(value)}`, message);
    const problem = matchProblem(value, matcher);
    if (problem) fail(problem, message);
    return value;
  },
};
