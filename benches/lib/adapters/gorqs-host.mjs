// gorqs' JS host alone (src/wasm/host.js), driven by a JS stand-in for the Rust executor: no
// wasm, no crossing, no bookkeeping beyond a counter. Not a queue anyone should use (no
// options, no features, no checks): a measurement of how far the package's own JS goes per job
// in S1, S5, S6 and S7, the scenarios where gorqs misses its targets. gorqs − this row is what
// the executor (Rust) and the crossings add; this row − no queue is the floor of the design's
// JS (a context per job, following the job's thenable, the waits). Opt in with
// `--impl=gorqs-host`; never in a default run.
//
// The stand-in calls the host as src/executor/run_loop.rs does on the plain path: a push taken
// by `host.push` while the inbox is open (else "Rust" puts it and opens the inbox), a drive
// microtask that closes the inbox and runs jobs with `runFrom`, a settle callback that starts
// the next job right there.
import { Host, microtask } from "../../../src/wasm/host.js";
import { runBursts, runBatches, noDispose } from "./common.mjs";

export const meta = { name: "gorqs host alone", kind: "floor" };

const RUN = 512; // the longest run Rust asks for (MAX_STRIDE)

class StandIn {
  constructor(cap, track) {
    this.host = new Host((id, attempt, kind, int) => this.settled(id, kind, int), () => undefined);
    this.cap = cap;
    this.track = track;
    this.last = 0; // the last id pushed that the stand-in took in (`close`)
    this.started = 0; // the last id started
    this.running = 0;
    this.scheduled = false;
    this.records = []; // tracked: job id - 1 → int32 value (the ints Rust keeps)
    this.idle = undefined;
    this.drive = () => this.run();
  }

  push(runner) {
    const id = this.host.push(runner);
    if (id !== 0) return id;
    // Inbox closed: Rust's `pushId` (one crossing in gorqs) stores it and opens the inbox.
    const own = this.host.put(runner);
    this.host.openInbox(own);
    this.schedule();
    return own;
  }

  pushAll(runners) {
    this.host.close(); // `pushAll` is Rust's: it absorbs first (nothing was taken here)
    const ids = this.host.putAll(runners);
    this.last = ids[ids.length - 1];
    this.schedule();
    return ids;
  }

  schedule() {
    if (!this.scheduled) (this.scheduled = true), microtask(this.drive); // as the executor schedules its drive
  }

  wait(id) { return this.host.waitHeld(id); }

  /** What Rust does at each entry: the pushes the host took since the inbox opened are the
   * queue's now. */
  absorb() {
    const next = Math.abs(this.host.close());
    if (next - 1 > this.last) this.last = next - 1;
  }

  run() {
    this.scheduled = false;
    this.absorb();
    const { host } = this;
    while (this.running < this.cap && this.started < this.last) {
      const first = this.started + 1;
      const n = this.cap === 1 ? Math.min(RUN, this.last - this.started) : 1;
      const r = host.runFrom(first, n, false, this.track);
      const at = first + (r >> 2) - 1;
      if (this.track) for (let id = first; id < at; id++) this.records[id - 1] = host.nextInt();
      if (this.track && at > first) host.nextInt(); // the NaN that ends them (the ints let go)
      this.started = at;
      if ((r & 3) === 2) this.running++;
      else {
        host.wakeOut(at, r & 3); // its waiters first: `takeInt` takes the value from the host
        if (this.track) this.records[at - 1] = host.takeInt();
      }
    }
    this.checkIdle();
  }

  settled(id, kind, int) {
    this.running--;
    if (this.track) this.records[id - 1] = int;
    this.run();
  }

  checkIdle() {
    if (this.idle !== undefined && this.running === 0 && this.started === this.last) {
      const resolve = this.idle;
      this.idle = undefined;
      resolve();
    }
  }

  onIdle() {
    this.absorb();
    return new Promise((resolve) => {
      this.idle = resolve;
      this.checkIdle();
    });
  }

  result(id) {
    const v = this.records[id - 1];
    this.records[id - 1] = undefined;
    return v;
  }
}

function plain(cap) {
  return () => {
    const q = new StandIn(cap, false);
    return {
      async run(jobs) {
        for (let j = 0; j < jobs.length; j++) q.push(jobs[j]);
        await q.onIdle();
      },
      dispose: noDispose,
    };
  };
}

export const scenarios = {
  S1: plain(1),
  S5: (s) => plain(s.cap)(),
  S6: (s) => {
    const q = new StandIn(1, true);
    return { run: (jobs) => runBursts(jobs, s.burst, (job) => q.wait(q.push(job))), dispose: noDispose };
  },
  S7: (s) => {
    const q = new StandIn(s.cap, true);
    return {
      run: (jobs) =>
        runBatches(jobs, s.batch, async (batch) => {
          const ids = q.pushAll(batch);
          await q.onIdle();
          const values = new Array(ids.length);
          for (let k = 0; k < ids.length; k++) values[k] = q.result(ids[k]);
          return values;
        }),
      dispose: noDispose,
    };
  },
};
