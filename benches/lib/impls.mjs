// The implementations measured, in table order. `kind`: baseline | gorqs | reference | peer |
// floor ("best peer" = the fastest peer of a scenario; "reference" is the JS-executor build of
// gorqs, a5435db, the figure the current build is held to in S1–S4; "floor" is gorqs' JS host
// driven by a JS stand-in for the executor, measured only when asked for: `optIn`).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { gorqsModulePath, jsexecModulePath } from "./paths.mjs";

export const IMPLS = [
  { key: "baseline", kind: "baseline", label: "baseline (no queue)" },
  { key: "gorqs", kind: "gorqs", label: "gorqs" },
  { key: "gorqs-pushAll", kind: "gorqs", label: "gorqs (pushAll)", only: ["S1", "S1-1M"] },
  { key: "gorqs-jsexec", kind: "reference", label: "gorqs JS-executor a5435db" },
  { key: "gorqs-host", kind: "floor", label: "gorqs host alone (no Rust)", only: ["S1", "S5", "S6", "S7"], optIn: true },
  { key: "p-queue", kind: "peer", label: "p-queue", pkg: "p-queue" },
  { key: "fastq", kind: "peer", label: "fastq", pkg: "fastq" },
  { key: "async", kind: "peer", label: "async.queue", pkg: "async" },
  { key: "henrygd", kind: "peer", label: "@henrygd/queue", pkg: "@henrygd/queue" },
];

export class NotBuilt extends Error {
  get notBuilt() {
    return true;
  }
}

/** Imports a build of gorqs from a file; throws NotBuilt when it is not there. */
async function importGorqs(file) {
  if (!existsSync(file)) throw new NotBuilt(`not built (${file} missing)`);
  // Which build this process measures (the build may be redone while a long run goes on).
  const buildSha = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  const mod = await import(pathToFileURL(file).href);
  if (typeof mod.Queue !== "function") throw new Error(`${file} exports no Queue class`);
  return { mod, buildSha };
}

/** Loads an implementation (Node and Bun): { scenarios: {S1..S7: factory}, memory(n), buildSha? }. */
export async function loadImpl(key) {
  switch (key) {
    case "baseline":
      return import("./adapters/baseline.mjs");
    case "gorqs":
    case "gorqs-pushAll":
    case "gorqs-jsexec": {
      const { gorqsAdapter } = await import("./adapters/gorqs.mjs");
      const { mod, buildSha } = await importGorqs(key === "gorqs-jsexec" ? jsexecModulePath() : gorqsModulePath());
      return { ...gorqsAdapter(mod, key === "gorqs-pushAll" ? "pushAll" : undefined), buildSha };
    }
    case "gorqs-host":
      return import("./adapters/gorqs-host.mjs");
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
