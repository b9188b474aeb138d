// The gorqs live demo: two queues side by side, a timeline of every job, counters, an id lookup.
// It uses the package exactly as a user would, through the bare import "gorqs" (mapped to the
// browser build by the import map in index.html).

import { Queue, QueueError } from "gorqs";

const BURST = 20;
const SVG_NS = "http://www.w3.org/2000/svg";
const ROW = 14; // px per job row in the timeline
const GUTTER = 40; // px left of the plot, for the job ids
const AXIS = 18; // px: height of the time axis above the (scrolling) rows
const TOP = 3; // px above the first row
const MIN_SPAN = 1000; // ms: the timeline never shows less than this
const RATE_WINDOW = 2000; // ms over which jobs/s is measured

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();
/** A time for a data-* attribute: ms since the page's time origin, 0.1 ms precision. */
const stamp = (t) => (t === undefined ? "" : String(Math.round(t * 10) / 10));

/** "ERR_QUEUE_CLOSED: gorqs: queue is closed", or the error's own text for a non-gorqs error. */
function describeError(err) {
  if (err && typeof err === "object" && typeof err.code === "string") return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `thrown value ${JSON.stringify(err)}`;
}
const codeOf = (err) => (err && typeof err === "object" && typeof err.code === "string" ? err.code : "");

/** Sets a live concurrency limit if this build of gorqs has a writable `concurrency`. */
function setConcurrencyLive(queue, n) {
  if (!("concurrency" in queue)) return false;
  try {
    queue.concurrency = n;
    return queue.concurrency === n;
  } catch {
    return false; // a getter without a setter throws in strict mode
  }
}

/**
 * One queue, its controls and its view. The panel keeps its own copy of every job's state,
 * driven by the queue's events (or, if the build has none, by the job's own run), so the
 * counters are always a consistent snapshot: pushed = pending + running + succeeded + failed.
 */
class QueuePanel {
  constructor(root, { name, mode, concurrency }) {
    this.root = root;
    this.name = name;
    this.mode = mode;
    this.concurrency = concurrency; // async only: the limit the next queue is created with
    this.generation = 0;
    this.dirty = true;
    this.frameRequested = false;
    this.mount();
    this.createQueue();
  }

  // ---- DOM -------------------------------------------------------------------------------

  mount() {
    const tpl = document.getElementById("queue-template");
    this.root.append(tpl.content.cloneNode(true));
    for (const el of this.root.querySelectorAll("[data-id-suffix]")) {
      el.id = `${this.name}-${el.dataset.idSuffix}`;
    }
    const $ = (sel) => this.root.querySelector(sel);
    this.$ = $;
    $(".queue-name").textContent = this.name;
    $(".queue-mode").textContent =
      this.mode === "sync" ? "one job at a time, in push order" : "jobs run at once, interleaved";

    this.el = {
      state: $(".queue-state"),
      code: $(".queue-code code"),
      min: $(`#${this.name}-min`),
      max: $(`#${this.name}-max`),
      fail: $(`#${this.name}-fail`),
      counters: Object.fromEntries(
        ["pushed", "pending", "running", "succeeded", "failed", "rate"].map((k) => [k, $(`.counter-${k}`)]),
      ),
      invariant: $(".invariant"),
      libraryCounts: $(".library-counts"),
      error: $(".queue-error"),
      diagnostics: $(".diagnostics"),
      wrap: $(".timeline-wrap"),
      svg: $(".timeline"),
      axisSvg: $(".timeline-axis"),
      empty: $(".timeline-empty"),
      stop: $(`#${this.name}-stop`),
      start: $(`#${this.name}-start`),
    };

    const outputs = (input, fmt) => {
      const out = $(`output[data-for="${input.dataset.idSuffix}"]`);
      const show = () => (out.textContent = fmt(Number(input.value)));
      input.addEventListener("input", show);
      show();
    };
    outputs(this.el.min, (v) => `${v} ms`);
    outputs(this.el.max, (v) => `${v} ms`);
    outputs(this.el.fail, (v) => `${v} %`);

    $(`#${this.name}-push-one`).addEventListener("click", () => this.push(1));
    $(`#${this.name}-push-burst`).addEventListener("click", () => this.push(BURST));
    this.el.start.addEventListener("click", () => this.start());
    this.el.stop.addEventListener("click", () => this.stop());
    $(`#${this.name}-clear`).addEventListener("click", () => this.clearTimeline());
    $("form.lookup").addEventListener("submit", (e) => {
      e.preventDefault();
      this.lookup();
    });
    this.el.svg.addEventListener("click", (e) => {
      const bar = e.target.closest?.("g.bar");
      if (!bar) return;
      const input = $(`#${this.name}-lookup-id`);
      input.value = bar.dataset.id;
      input.focus();
    });

    if (this.mode === "async") this.mountConcurrency();
    else this.mountFixedConcurrency();
    this.mountSvg();
    new ResizeObserver(() => this.invalidate()).observe(this.el.wrap);
  }

  /** Sync mode runs one job at a time: shown, for comparison, but not adjustable. */
  mountFixedConcurrency() {
    const $ = this.$;
    const box = $(".concurrency");
    for (const el of box.querySelectorAll("input")) el.disabled = true;
    $(`#${this.name}-concurrency`).value = "1";
    $('output[data-for="concurrency"]').textContent = "1";
    box.title = "sync mode: one job at a time (concurrency 1)";
  }

  mountConcurrency() {
    const $ = this.$;
    const range = $(`#${this.name}-concurrency`);
    const unlimited = $(`#${this.name}-unlimited`);
    const out = $('output[data-for="concurrency"]');
    this.el.concurrencyNote = $(".concurrency-note");
    const show = () => {
      range.disabled = unlimited.checked;
      out.textContent = unlimited.checked ? "∞" : range.value;
    };
    const apply = () => {
      show();
      const n = unlimited.checked ? Infinity : Math.max(1, Math.floor(Number(range.value)) || 1);
      if (n !== this.concurrency) this.changeConcurrency(n);
    };
    range.addEventListener("input", apply);
    range.addEventListener("change", apply);
    unlimited.addEventListener("change", apply);
    unlimited.checked = this.concurrency === Infinity;
    if (this.concurrency !== Infinity) range.value = String(this.concurrency);
    show();
  }

  mountSvg() {
    const svg = this.el.svg;
    svg.innerHTML = "";
    const defs = document.createElementNS(SVG_NS, "defs");
    // Dropped jobs: red hatching, so they differ from jobs that failed by throwing.
    defs.innerHTML = `
      <pattern id="${this.name}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
        <rect width="6" height="6" class="hatch-bg"></rect>
        <line x1="0" y1="0" x2="0" y2="6" class="hatch-line"></line>
      </pattern>`;
    this.grid = document.createElementNS(SVG_NS, "g");
    this.grid.setAttribute("class", "grid-lines");
    this.axis = this.el.axisSvg;
    this.bars = document.createElementNS(SVG_NS, "g");
    this.bars.setAttribute("class", "bars");
    this.nowLine = document.createElementNS(SVG_NS, "line");
    this.nowLine.setAttribute("class", "now");
    svg.append(defs, this.grid, this.bars, this.nowLine);
  }

  // ---- the queue -------------------------------------------------------------------------

  options() {
    const opts = { mode: this.mode, track: true, autoStart: true };
    if (this.mode === "async") opts.concurrency = this.concurrency;
    return opts;
  }

  createQueue() {
    const opts = this.options();
    this.queue = new Queue(opts);
    this.generation += 1;
    this.queueConcurrency = opts.concurrency ?? (this.mode === "sync" ? 1 : Infinity);
    this.jobs = new Map(); // id -> job record (see newJob)
    this.shown = []; // jobs in the timeline, in push order
    this.count = { pushed: 0, pending: 0, running: 0, succeeded: 0, failed: 0 };
    this.finishTimes = [];
    this.t0 = undefined;
    this.mismatchSince = undefined;
    this.diagnosed = new Set();
    this.bars.replaceChildren();
    this.el.diagnostics.replaceChildren();
    this.el.diagnostics.hidden = true;

    const shownOpts = { ...opts };
    if (shownOpts.concurrency === Infinity) shownOpts.concurrency = "∞";
    this.el.code.textContent = `new Queue(${JSON.stringify(shownOpts)
      .replace(/"(\w+)":/g, "$1: ")
      .replace(/,/g, ", ")
      .replace(/"∞"/, "Infinity")})`;

    // State comes from the queue's events when it has them; otherwise from the job's own run.
    this.useEvents = typeof this.queue.addEventListener === "function";
    if (this.useEvents) {
      const q = this.queue;
      q.addEventListener("active", (e) => this.onEvent("active", e.detail));
      q.addEventListener("completed", (e) => this.onEvent("completed", e.detail));
      q.addEventListener("failed", (e) => this.onEvent("failed", e.detail));
    }
    this.invalidate();
  }

  /** Recreates the async queue with a new limit, unless the build can change it live. */
  changeConcurrency(n) {
    this.concurrency = n;
    const note = this.el.concurrencyNote;
    if (setConcurrencyLive(this.queue, n)) {
      this.queueConcurrency = n;
      note.hidden = false;
      note.textContent = `queue.concurrency = ${n === Infinity ? "Infinity" : n} (set live, on the running queue)`;
      this.invalidate();
      return;
    }
    // No live setter: the option is read when a queue is created. A new queue starts its ids
    // at 1 again, so swap only when this one is idle (and then start a fresh timeline).
    if (this.isIdle()) {
      this.replaceQueue();
    } else {
      note.hidden = false;
      note.textContent = `concurrency ${n === Infinity ? "∞" : n} applies when this queue is idle (a new queue is created then)`;
      this.pendingConcurrency = true;
      this.invalidate();
    }
  }

  replaceQueue() {
    const old = this.queue;
    const wasRunning = old.isRunning();
    old.stop().catch(() => {});
    if (typeof old.free === "function") old.free();
    this.pendingConcurrency = false;
    this.el.concurrencyNote.hidden = false;
    this.el.concurrencyNote.textContent =
      `this build has no live concurrency setter: created queue #${this.generation + 1} with the new limit (ids restart at 1)`;
    this.createQueue();
    if (!wasRunning) this.queue.stop().catch(() => {});
  }

  isIdle() {
    return this.count.pending === 0 && this.count.running === 0;
  }

  newJob() {
    const lo = Math.min(Number(this.el.min.value), Number(this.el.max.value));
    const hi = Math.max(Number(this.el.min.value), Number(this.el.max.value));
    const failRate = Number(this.el.fail.value) / 100;
    const job = {
      id: undefined, // set when push returns it
      duration: Math.round(lo + Math.random() * (hi - lo)),
      willFail: Math.random() < failRate,
      state: "pending",
      pushAt: undefined,
      startAt: undefined,
      endAt: undefined,
      runStart: undefined, // seen by the job itself
      runEnd: undefined,
      error: "",
      value: undefined,
      el: undefined,
    };
    const panel = this;
    const runner = {
      async run(ctx) {
        job.runStart = now();
        panel.onRun(job, ctx);
        try {
          await sleep(job.duration);
          if (job.willFail) throw new Error("boom");
          return `job ${job.id} done in ${job.duration} ms`;
        } finally {
          job.runEnd = now();
          if (!panel.useEvents) panel.invalidate();
        }
      },
    };
    return { job, runner };
  }

  push(n) {
    const made = Array.from({ length: n }, () => this.newJob());
    let ids;
    const t = now();
    try {
      if (n > 1 && typeof this.queue.pushAll === "function") {
        ids = this.queue.pushAll(made.map((m) => m.runner));
      } else {
        ids = made.map((m) => this.queue.push(m.runner));
      }
    } catch (err) {
      this.showError(err, n > 1 ? `push burst (${n})` : "push");
      return;
    }
    this.clearError();
    ids.forEach((id, i) => this.addJob(id, made[i].job, t));
    this.invalidate();
  }

  addJob(id, job, t) {
    job.id = id;
    job.pushAt = t;
    if (this.jobs.has(id)) this.diagnose(`id-reused-${id}`, `push returned id ${id}, which this queue already gave out`);
    this.jobs.set(id, job);
    this.shown.push(job);
    this.count.pushed += 1;
    this.count.pending += 1;
    if (this.t0 === undefined) this.t0 = t;
    if (!this.useEvents) {
      // No events: learn of dropped jobs (ERR_QUEUE_CLOSED) through wait(id).
      this.queue.wait?.(id).then(
        (value) => this.finish(job, "completed", { value }),
        (error) => this.finish(job, "failed", { error }),
      );
    }
  }

  start() {
    if (this.queue.isRunning()) return;
    // start() settles when the queue stops; the demo does not need that promise.
    this.queue.start().catch(() => {});
    this.clearError();
    this.invalidate();
  }

  async stop() {
    if (!this.queue.isRunning()) return;
    const btn = this.el.stop;
    btn.disabled = true;
    btn.textContent = "stopping…";
    const p = this.queue.stop();
    this.invalidate();
    try {
      await p;
    } finally {
      btn.textContent = "stop";
      this.invalidate();
    }
  }

  clearTimeline() {
    this.shown = this.shown.filter((j) => j.state === "pending" || j.state === "running");
    for (const el of [...this.bars.children]) if (!this.shown.includes(el.job)) el.remove();
    this.t0 = this.shown.length ? Math.min(...this.shown.map((j) => j.pushAt)) : undefined;
    this.invalidate();
  }

  // ---- state transitions -----------------------------------------------------------------

  onRun(job, ctx) {
    if (job.id === undefined) {
      this.diagnose("ran-in-push", "a job's run() was called inside push(), before push returned its id");
      return;
    }
    if (ctx && typeof ctx.id === "number" && ctx.id !== job.id) {
      this.diagnose(`ctx-${job.id}`, `job ${job.id} ran with ctx.id = ${ctx.id}`);
    }
    if (job.state === "failed" && codeOf(job.errorObj) === "ERR_QUEUE_CLOSED") {
      this.diagnose(`ran-dropped-${job.id}`, `job ${job.id} ran after stop() had settled it as ERR_QUEUE_CLOSED`);
    }
    if (!this.useEvents) this.begin(job, job.runStart);
  }

  onEvent(type, detail) {
    const id = detail?.id;
    const job = this.jobs.get(id);
    if (!job) {
      // A job pushed by this page is always known: its id was recorded when push returned.
      this.diagnose(`unknown-${type}-${id}`, `"${type}" event for id ${JSON.stringify(id)}, which push never returned`);
      return;
    }
    if (type === "active") this.begin(job, now());
    else this.finish(job, type, detail);
  }

  begin(job, t) {
    if (job.state !== "pending") {
      this.diagnose(`begin-${job.id}`, `job ${job.id} reported started while ${job.state}`);
      return;
    }
    job.state = "running";
    job.startAt = t;
    this.count.pending -= 1;
    this.count.running += 1;
    if (this.count.running > this.queueConcurrency) {
      this.diagnose(
        `over-${this.count.running}`,
        `${this.count.running} jobs running at once; the limit is ${this.queueConcurrency}`,
      );
    }
    this.invalidate();
  }

  finish(job, type, detail) {
    if (job.state !== "pending" && job.state !== "running") {
      this.diagnose(`finish-${job.id}`, `job ${job.id} reported "${type}" but it had already ${job.state}`);
      return;
    }
    const t = now();
    this.count[job.state] -= 1;
    if (job.state === "running") job.startAt ??= t;
    job.endAt = t;
    if (type === "completed") {
      job.state = "succeeded";
      job.value = detail.value;
      this.count.succeeded += 1;
    } else {
      job.state = "failed";
      job.errorObj = detail.error;
      job.error = codeOf(detail.error) || String(detail.error?.message ?? detail.error);
      this.count.failed += 1;
      if (job.startAt === undefined && codeOf(detail.error) !== "ERR_QUEUE_CLOSED") {
        // Allowed by the API (a per-job abort), but this page never aborts jobs.
        this.diagnose(`fail-unstarted-${job.id}`, `job ${job.id} failed before starting: ${describeError(detail.error)}`);
      }
    }
    this.finishTimes.push(t);
    this.invalidate();
  }

  // ---- lookup ----------------------------------------------------------------------------

  lookup() {
    const $ = this.$;
    const input = $(`#${this.name}-lookup-id`);
    const statusEl = $(".lookup-status");
    const resultEl = $(".lookup-result");
    const codeEl = $(".lookup-code");
    const raw = input.value.trim();
    if (raw === "") {
      input.focus();
      return;
    }
    const id = Number(raw);
    let status;
    try {
      status = this.queue.status(id);
    } catch (err) {
      status = `throws ${describeError(err)}`;
    }
    statusEl.textContent = status === undefined ? "undefined (no record)" : String(status);
    statusEl.dataset.status = status === undefined ? "undefined" : String(status);

    let text;
    let code = "";
    let outcome;
    try {
      const value = this.queue.result(id);
      text = `returned ${JSON.stringify(value)}`;
      outcome = "value";
    } catch (err) {
      code = codeOf(err);
      outcome = "error";
      text = code
        ? `throws QueueError ${err.message ? `"${err.message}"` : ""}`
        : `throws the job's own error: ${describeError(err)}`;
    }
    resultEl.textContent = text;
    resultEl.dataset.outcome = outcome;
    codeEl.hidden = !code;
    codeEl.textContent = code;
    codeEl.dataset.code = code;

    const li = document.createElement("li");
    li.dataset.id = String(id);
    li.dataset.status = statusEl.dataset.status;
    li.dataset.code = code;
    const time = new Date().toLocaleTimeString();
    li.textContent = `${time} · id ${id}: status ${statusEl.dataset.status}; result ${code || text}`;
    const log = $(".lookup-log");
    log.prepend(li);
    while (log.children.length > 6) log.lastElementChild.remove();
  }

  // ---- messages --------------------------------------------------------------------------

  showError(err, action) {
    const box = this.el.error;
    box.hidden = false;
    box.dataset.code = codeOf(err);
    box.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = codeOf(err) || (err?.name ?? "error");
    box.append(strong, ` ${action} threw: ${err?.message ?? String(err)}`);
    if (codeOf(err) === "ERR_QUEUE_CLOSED") box.append(" — the queue is stopped; press start to reopen it.");
  }

  clearError() {
    this.el.error.hidden = true;
    this.el.error.dataset.code = "";
  }

  /** Records, once, something the library did that API.md says it must not. */
  diagnose(key, text) {
    if (this.diagnosed.has(key)) return;
    this.diagnosed.add(key);
    const li = document.createElement("li");
    li.dataset.key = key;
    li.textContent = text;
    this.el.diagnostics.append(li);
    this.el.diagnostics.hidden = false;
    console.warn(`gorqs demo (${this.name}): ${text}`);
  }

  // ---- rendering -------------------------------------------------------------------------

  invalidate() {
    this.dirty = true;
    if (!this.frameRequested) {
      this.frameRequested = true;
      requestAnimationFrame(() => {
        this.frameRequested = false;
        this.render();
      });
    }
  }

  render() {
    this.dirty = false;
    const t = now();
    const c = this.count;
    const running = this.queue.isRunning();

    this.el.state.textContent = running ? "running" : "stopped";
    this.el.state.dataset.running = String(running);
    this.el.start.disabled = running;
    if (this.el.stop.textContent === "stop") this.el.stop.disabled = !running;

    // Counters: one snapshot of the panel's own state, so the sum always holds.
    while (this.finishTimes.length && this.finishTimes[0] < t - RATE_WINDOW) this.finishTimes.shift();
    const rate = this.finishTimes.length / (RATE_WINDOW / 1000);
    for (const k of ["pushed", "pending", "running", "succeeded", "failed"]) {
      this.el.counters[k].textContent = String(c[k]);
    }
    this.el.counters.rate.textContent = rate.toFixed(1);
    const sum = c.pending + c.running + c.succeeded + c.failed;
    const ok = sum === c.pushed;
    this.el.invariant.dataset.ok = String(ok);
    this.el.invariant.textContent =
      `pushed ${c.pushed} ${ok ? "=" : "≠"} ${c.pending} pending + ${c.running} running + ` +
      `${c.succeeded} succeeded + ${c.failed} failed ${ok ? "✓" : "✗"}`;

    // The queue's own view, for comparison. Events may trail a state change by a moment, so
    // only a disagreement that lasts is reported.
    const size = this.queue.size;
    const libRunning = this.queue.running;
    this.el.libraryCounts.textContent =
      `queue.size ${size} · queue.running ${libRunning} · isRunning() ${running}` +
      (this.useEvents ? "" : " · (no events in this build: state from the jobs' own run)");
    if (size !== c.pending || libRunning !== c.running) {
      this.mismatchSince ??= t;
      if (t - this.mismatchSince > 500) {
        this.diagnose(
          `mismatch-${size}-${libRunning}-${c.pending}-${c.running}`,
          `queue.size/running = ${size}/${libRunning} but events say ${c.pending} pending / ${c.running} running (for > 500 ms)`,
        );
      }
    } else {
      this.mismatchSince = undefined;
    }

    if (this.pendingConcurrency && this.isIdle()) this.replaceQueue();

    this.renderTimeline(t);

    // Keep animating while something moves (running bars grow, the rate decays).
    if (c.pending || c.running || this.finishTimes.length || this.mismatchSince !== undefined) this.invalidate();
  }

  renderTimeline(t) {
    const svg = this.el.svg;
    const jobs = this.shown;
    this.el.empty.hidden = jobs.length > 0;
    const width = Math.max(200, this.el.wrap.clientWidth);
    const height = TOP + Math.max(jobs.length, 1) * ROW + 4;
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.axis.setAttribute("width", String(width));
    this.axis.setAttribute("height", String(AXIS));
    this.axis.setAttribute("viewBox", `0 0 ${width} ${AXIS}`);
    if (!jobs.length) {
      this.axis.replaceChildren();
      this.grid.replaceChildren();
      this.nowLine.setAttribute("visibility", "hidden");
      return;
    }

    const active = this.count.pending + this.count.running > 0;
    const lastEnd = Math.max(...jobs.map((j) => j.endAt ?? j.startAt ?? j.pushAt));
    const t0 = this.t0;
    const t1 = Math.max(t0 + MIN_SPAN, active ? t : lastEnd);
    const plot = width - GUTTER - 8;
    const x = (time) => GUTTER + ((time - t0) / (t1 - t0)) * plot;

    this.renderAxis(t0, t1, x, height, plot);
    if (active) {
      this.nowLine.setAttribute("visibility", "visible");
      this.nowLine.setAttribute("x1", String(x(t)));
      this.nowLine.setAttribute("x2", String(x(t)));
      this.nowLine.setAttribute("y1", "0");
      this.nowLine.setAttribute("y2", String(height));
    } else {
      this.nowLine.setAttribute("visibility", "hidden");
    }

    const wasAtBottom = this.el.wrap.scrollTop + this.el.wrap.clientHeight >= this.el.wrap.scrollHeight - ROW * 2;
    jobs.forEach((job, row) => this.renderBar(job, row, t, x));
    if (wasAtBottom) this.el.wrap.scrollTop = this.el.wrap.scrollHeight;
  }

  renderAxis(t0, t1, x, height, plot) {
    const span = t1 - t0;
    const steps = [50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 30000, 60000, 120000, 300000, 600000];
    const step = steps.find((s) => span / s <= plot / 70) ?? steps[steps.length - 1];
    const ticks = [];
    const lines = [];
    for (let v = 0; v <= span; v += step) {
      const px = x(t0 + v).toFixed(1);
      const label = step >= 1000 ? `${v / 1000}s` : `${v}ms`;
      // The first label starts at the origin instead of centring on it (the gutter is narrow).
      ticks.push(
        `<line class="tick-mark" x1="${px}" x2="${px}" y1="${AXIS - 4}" y2="${AXIS}"></line>` +
          `<text class="tick${v === 0 ? " first" : ""}" x="${v === 0 ? Number(px) + 2 : px}" y="${AXIS - 7}">${label}</text>`,
      );
      lines.push(`<line class="grid" x1="${px}" x2="${px}" y1="0" y2="${height}"></line>`);
    }
    ticks.push(`<text class="tick gutter" x="6" y="${AXIS - 7}">job</text>`);
    this.axis.innerHTML = ticks.join("");
    this.grid.innerHTML = lines.join("");
  }

  renderBar(job, row, t, x) {
    let g = job.el;
    if (!g) {
      g = document.createElementNS(SVG_NS, "g");
      g.setAttribute("class", "bar");
      g.innerHTML =
        `<title></title><text class="label"></text>` +
        `<rect class="wait" rx="1.5"></rect><rect class="run" rx="2"></rect>`;
      g.job = job;
      job.el = g;
      this.bars.append(g);
    }
    const dropped = job.state === "failed" && job.startAt === undefined;
    const y = TOP + row * ROW;
    g.dataset.id = String(job.id);
    g.dataset.state = job.state;
    g.dataset.push = stamp(job.pushAt);
    g.dataset.start = stamp(job.startAt);
    g.dataset.end = stamp(job.endAt);
    g.dataset.runStart = stamp(job.runStart);
    g.dataset.runEnd = stamp(job.runEnd);
    g.dataset.error = job.error;
    g.setAttribute("class", `bar ${job.state}${dropped ? " dropped" : ""}`);

    const label = g.children[1];
    label.setAttribute("x", String(GUTTER - 6));
    label.setAttribute("y", String(y + ROW / 2 + 0.5));
    label.textContent = String(job.id);

    // Waiting: push -> start (or -> drop, or -> now).
    const waitEnd = job.startAt ?? job.endAt ?? t;
    const wait = g.children[2];
    wait.setAttribute("x", x(job.pushAt).toFixed(2));
    // At least a few px, so a job dropped right after its push still shows.
    wait.setAttribute("width", Math.max(dropped ? 6 : 2, x(waitEnd) - x(job.pushAt)).toFixed(2));
    wait.setAttribute("y", String(y + (dropped ? 2 : 5)));
    wait.setAttribute("height", String(dropped ? ROW - 4 : 3));
    // Inline style: a presentation attribute would lose to the stylesheet's fill.
    wait.style.fill = dropped ? `url(#${this.name}-hatch)` : "";

    // Running: start -> finish (or -> now).
    const run = g.children[3];
    if (job.startAt === undefined) {
      run.setAttribute("visibility", "hidden");
    } else {
      run.setAttribute("visibility", "visible");
      const x0 = x(job.startAt);
      run.setAttribute("x", x0.toFixed(2));
      run.setAttribute("width", Math.max(1.5, x(job.endAt ?? t) - x0).toFixed(2));
      run.setAttribute("y", String(y + 2));
      run.setAttribute("height", String(ROW - 4));
    }

    const fmt = (a, b) => (a === undefined || b === undefined ? "…" : `${Math.round(b - a)} ms`);
    const outcome =
      job.state === "succeeded" ? ` → ${JSON.stringify(job.value)}` : job.state === "failed" ? ` → ${job.error}` : "";
    g.firstChild.textContent =
      `job ${job.id}: ${job.state}${outcome}\nwaited ${fmt(job.pushAt, job.startAt ?? job.endAt)}, ` +
      `ran ${job.startAt === undefined ? "–" : fmt(job.startAt, job.endAt)} (planned ${job.duration} ms` +
      `${job.willFail ? ", then throw" : ""})`;
  }
}

const sync = new QueuePanel(document.getElementById("sync-panel"), { name: "sync", mode: "sync" });
const async_ = new QueuePanel(document.getElementById("async-panel"), { name: "async", mode: "async", concurrency: 4 });

// For poking around in the console: demo.sync.queue, demo.async.queue.
window.demo = { sync, async: async_, Queue, QueueError };
document.documentElement.dataset.ready = "true";
