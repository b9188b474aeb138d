// The implementations measured, in table order. `kind`: baseline | gorqs | peer
// ("best peer" = the fastest non-gorqs queue of a scenario).
export const IMPLS = [
  { key: "baseline", kind: "baseline", label: "baseline (no queue)" },
  { key: "gorqs", kind: "gorqs", label: "gorqs" },
  { key: "gorqs-pushAll", kind: "gorqs", label: "gorqs (pushAll)", only: ["S1", "S1-1M"] },
  { key: "p-queue", kind: "peer", label: "p-queue", pkg: "p-queue" },
  { key: "fastq", kind: "peer", label: "fastq", pkg: "fastq" },
  { key: "async", kind: "peer", label: "async.queue", pkg: "async" },
  { key: "henrygd", kind: "peer", label: "@henrygd/queue", pkg: "@henrygd/queue" },
];

/** Loads an implementation: { scenarios: {S1..S4: factory}, memory(n) }. */
export async function loadImpl(key) {
  switch (key) {
    case "baseline":
      return import("./adapters/baseline.mjs");
    case "gorqs":
    case "gorqs-pushAll": {
      const g = await import("./adapters/gorqs.mjs");
      await g.load();
      const variant = key === "gorqs-pushAll" ? "pushAll" : undefined;
      return { scenarios: g.scenariosFor(variant), memory: variant ? undefined : g.memory, buildSha: g.buildSha };
    }
    case "p-queue":
      return import("./adapters/p-queue.mjs");
    case "fastq":
      return import("./adapters/fastq.mjs");
    case "async":
      return import("./adapters/async.mjs");
    case "henrygd":
      return import("./adapters/henrygd.mjs");
    default:
      throw new Error(`unknown implementation ${key}`);
  }
}
