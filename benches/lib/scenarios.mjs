// The scenarios. Timed ones build their N jobs before the clock starts and time from the first
// push until all are done (and, where results are read, until every result has been read back).
//
// S1–S4 measure the queue's own cost per job; S5–S7 are shapes taken from real programs, each
// with a `standsFor` line saying which kind of program. Fields:
//   jobs     "sync" | "async" (one await) | "io" (two awaits: a request, then its body)
//   serial   jobs must start in push order, never two in flight at once
//   cap      most promise jobs allowed in flight at once (checked)
//   results  every job's value must be read back (checked)
//   burst / batch   S6's burst size, S7's batch size
export const SCENARIOS = [
  {
    key: "S1",
    title: "S1 serial sync jobs",
    standsFor: "the queue's own cost per job: N synchronous jobs pushed up front, run one at a time",
    jobs: "sync",
    serial: true,
    n: 200_000,
  },
  {
    key: "S2",
    title: "S2 serial promise jobs",
    standsFor: "the cost of settling a promise job and starting the next, one at a time",
    jobs: "async",
    serial: true,
    n: 200_000,
  },
  {
    key: "S3",
    title: "S3 unbounded promise jobs",
    standsFor: "N promise jobs, no concurrency limit: all start, all interleave",
    jobs: "async",
    serial: false,
    n: 200_000,
  },
  {
    key: "S4",
    title: "S4 serial promise jobs + every result read back by id",
    standsFor: "S2 plus job tracking: every result read back by id once all are done",
    jobs: "async",
    serial: true,
    results: true,
    n: 200_000,
  },
  {
    key: "S5",
    title: "S5 crawler: async fan-out, concurrency 8",
    standsFor: "a crawler or API client: N requests (each awaits a response, then its body) with at most 8 in flight",
    jobs: "io",
    serial: false,
    cap: 8,
    n: 200_000,
  },
  {
    key: "S6",
    title: "S6 UI handler: bursts of 16 tracked jobs, each awaited",
    standsFor: "a UI event handler: bursts of 16 events, each pushes a small synchronous job and awaits its value (gorqs: track: true + wait(id)); the next burst comes when all 16 are answered",
    jobs: "sync",
    serial: true,
    results: true,
    burst: 16,
    n: 200_000,
  },
  {
    key: "S7",
    title: "S7 pipeline stage: batches of 256 promise jobs, concurrency 4, results by id",
    standsFor: "a pipeline/ETL stage: each batch of 256 records from upstream is pushed at once (gorqs: pushAll), processed 4 at a time, and its results read back by id (peers: by index) before the next batch",
    jobs: "async",
    serial: false,
    cap: 4,
    results: true,
    batch: 256,
    n: 200_000,
  },
  { key: "MEM", title: "memory: bytes retained per tracked finished job", memory: true, n: 200_000 },
  { key: "S1-1M", base: "S1", title: "S1 at N = 1,000,000", jobs: "sync", serial: true, n: 1_000_000, scaling: true },
  { key: "S4-1M", base: "S4", title: "S4 at N = 1,000,000", jobs: "async", serial: true, results: true, n: 1_000_000, scaling: true },
];

/** Scenarios whose ratio to the JS-executor build is a target (<= 1.25×). */
export const JSEXEC_TARGET_SCENARIOS = ["S1", "S2", "S3", "S4"];

export function scenarioByKey(key) {
  const s = SCENARIOS.find((x) => x.key === key);
  if (!s) throw new Error(`unknown scenario ${key}`);
  return s;
}
