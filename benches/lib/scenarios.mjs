// The scenarios. Timed ones push N jobs up front and time from the first push until all are done
// (S4: until every result has also been read back).
export const SCENARIOS = [
  { key: "S1", title: "S1 serial sync jobs", jobs: "sync", serial: true, n: 200_000 },
  { key: "S2", title: "S2 serial promise jobs", jobs: "async", serial: true, n: 200_000 },
  { key: "S3", title: "S3 unbounded promise jobs", jobs: "async", serial: false, n: 200_000 },
  { key: "S4", title: "S4 serial promise jobs + every result read back by id", jobs: "async", serial: true, results: true, n: 200_000 },
  { key: "MEM", title: "memory: bytes retained per tracked finished job", memory: true, n: 200_000 },
  { key: "S1-1M", base: "S1", title: "S1 at N = 1,000,000", jobs: "sync", serial: true, n: 1_000_000, scaling: true },
  { key: "S4-1M", base: "S4", title: "S4 at N = 1,000,000", jobs: "async", serial: true, results: true, n: 1_000_000, scaling: true },
];

export function scenarioByKey(key) {
  const s = SCENARIOS.find((x) => x.key === key);
  if (!s) throw new Error(`unknown scenario ${key}`);
  return s;
}
