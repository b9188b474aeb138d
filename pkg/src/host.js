// What the queue needs from the host: a clock, a macrotask to yield to the event loop, timers.
// One place, so Node and browsers differ only here.

/** Milliseconds, monotonic. */
export const now =
  typeof performance !== "undefined" && typeof performance.now === "function"
    ? () => performance.now()
    : () => Date.now();

/**
 * Runs `fn` in a new macrotask, after timers, I/O and rendering had their turn: setImmediate in
 * Node (not clamped), a MessageChannel in browsers (setTimeout(0) is clamped to 4 ms there).
 */
export const macrotask = (() => {
  if (typeof setImmediate === "function") return (fn) => void setImmediate(fn);
  if (typeof MessageChannel === "function") {
    const channel = new MessageChannel();
    /** @type {Array<() => void>} */
    const waiting = [];
    channel.port1.onmessage = () => {
      const fn = waiting.shift();
      if (fn) fn();
    };
    return (fn) => {
      waiting.push(fn);
      channel.port2.postMessage(0);
    };
  }
  return (fn) => void setTimeout(fn, 0);
})();

/** A Promise with its settle functions; its rejection is pre-handled (ignoring it is harmless). */
export function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(noop);
  return { promise, resolve, reject };
}

export function noop() {}

/** A rejected promise that does not count as unhandled if the caller ignores it. */
export function rejected(reason) {
  const p = Promise.reject(reason);
  p.catch(noop);
  return p;
}
