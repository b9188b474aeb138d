// A stand-in for the gorqs build, in plain JS, implementing only the part of the API the
// benchmark uses (Queue with mode/track/autoStart, start, stop, free, push, pushAll, onIdle,
// result, size, running). It exists to validate the harness before pkg/dist/gorqs.mjs is built:
//   node benches/run.mjs --quick --gorqs-module=benches/lib/placeholder-gorqs.mjs
// Its figures mean nothing about gorqs.

export class QueueError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export class Queue {
  #async;
  #track;
  #running = false;
  #nextId = 1;
  #waiting = []; // [id, runner]
  #head = 0;
  #inFlight = 0;
  #records = new Map();
  #idle = [];
  #scheduled = false;

  constructor(options = {}) {
    this.#async = options.mode === "async";
    this.#track = Boolean(options.track);
    if (options.autoStart) this.start();
  }

  get size() {
    return this.#waiting.length - this.#head;
  }
  get running() {
    return this.#inFlight;
  }

  start() {
    this.#running = true;
    this.#schedule();
    return new Promise(() => {});
  }

  async stop() {
    this.#running = false;
  }

  free() {
    this.#running = false;
  }

  push(runner) {
    if (!this.#running) throw new QueueError("ERR_QUEUE_CLOSED", "gorqs: queue is closed");
    const id = this.#nextId++;
    this.#waiting.push([id, runner]);
    if (this.#track) this.#records.set(id, { state: "pending" });
    this.#schedule();
    return id;
  }

  pushAll(runners) {
    return Array.from(runners, (r) => this.push(r));
  }

  onIdle() {
    if (this.size === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  result(id) {
    if (!this.#track) throw new QueueError("ERR_NOT_IMPLEMENTED", "gorqs: feature not enabled");
    const r = this.#records.get(id);
    if (!r) throw new QueueError("ERR_NOT_FOUND", "gorqs: job not found");
    if (r.state === "pending") throw new QueueError("ERR_PENDING", "gorqs: pending into queue");
    if (r.state === "running") throw new QueueError("ERR_RUNNING", "gorqs: job still running");
    this.#records.delete(id);
    if (r.state === "failed") throw r.value;
    return r.value;
  }

  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump() {
    while (this.#running && this.size > 0 && (this.#async || this.#inFlight === 0)) {
      const [id, runner] = this.#waiting[this.#head];
      this.#waiting[this.#head++] = undefined;
      if (this.#head === this.#waiting.length) {
        this.#waiting = [];
        this.#head = 0;
      }
      this.#inFlight++;
      if (this.#track) this.#records.get(id).state = "running";
      let out;
      try {
        out = typeof runner === "function" ? runner() : runner.run();
      } catch (e) {
        this.#settle(id, "failed", e);
        continue;
      }
      if (out && typeof out.then === "function") {
        out.then(
          (v) => this.#settle(id, "succeeded", v, true),
          (e) => this.#settle(id, "failed", e, true),
        );
      } else this.#settle(id, "succeeded", out);
    }
    if (this.size === 0 && this.#inFlight === 0 && this.#idle.length) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }

  #settle(id, state, value, later = false) {
    this.#inFlight--;
    if (this.#track) this.#records.set(id, { state, value });
    if (later) this.#pump();
  }
}
