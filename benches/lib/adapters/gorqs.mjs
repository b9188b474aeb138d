// gorqs, the package under test, imported from the current build (../pkg/dist/gorqs.mjs).
// Sync mode for serial scenarios, { mode: "async" } for unbounded, { track: true } + result(id)
// for S4 and memory. Each job is pushed with push(); the `pushAll` variant hands the whole
// array to pushAll() at once (S1 only).
//
// Besides the harness' checks, this adapter checks a few points of the API contract on the way
// (ids 1, 2, 3 …; push never runs a job; a fetched record is gone) and reports any breach as a
// failure of the run.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { makeSyncJob, recordRead, startedCount } from "../jobs.mjs";
import { gorqsModulePath } from "../paths.mjs";

export class NotBuilt extends Error {}

let mod;
export let buildSha;
/** Loads the build once; throws NotBuilt when it is not there. */
export async function load() {
  if (mod) return mod;
  const file = gorqsModulePath();
  if (!existsSync(file)) throw new NotBuilt(`not built (${file} missing)`);
  // Which build this process measures (the build may be redone while a long run goes on).
  buildSha = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  mod = await import(pathToFileURL(file).href);
  if (typeof mod.Queue !== "function") throw new Error(`${file} exports no Queue class`);
  return mod;
}

export function makeMeta(variant) {
  return {
    name: variant === "pushAll" ? "gorqs (pushAll)" : "gorqs",
    kind: "gorqs",
    pkg: "gorqs",
    note: variant === "pushAll" ? "pushAll(jobs) instead of push() per job" : undefined,
  };
}

// Checks shared by the scenarios; `contract` collects breaches found during a run.
function checkIds(ids, contract) {
  for (let j = 0; j < ids.length; j++) {
    if (ids[j] !== j + 1) {
      contract.push(`push returned id ${ids[j]} for the job #${j + 1} pushed on a fresh queue (expected ${j + 1})`);
      return;
    }
  }
}

async function close(queue, contract) {
  try {
    await queue.stop();
    if (typeof queue.free === "function") queue.free();
  } catch (e) {
    contract.push(`stop()/free() threw: ${e && e.stack ? e.stack : e}`);
  }
}

function plain(options, variant) {
  return () => {
    const { Queue } = mod;
    const queue = new Queue({ ...options, autoStart: true });
    const contract = [];
    let ids;
    return {
      run:
        variant === "pushAll"
          ? async (jobs) => {
              ids = queue.pushAll(jobs);
              if (startedCount() !== 0) contract.push(`pushAll ran ${startedCount()} jobs before returning`);
              await queue.onIdle();
            }
          : async (jobs) => {
              const n = jobs.length;
              ids = new Array(n);
              for (let j = 0; j < n; j++) ids[j] = queue.push(jobs[j]);
              if (startedCount() !== 0) contract.push(`push ran ${startedCount()} jobs before returning`);
              await queue.onIdle();
            },
      check() {
        if (!ids || typeof ids.length !== "number") contract.push(`push/pushAll returned ${typeof ids}, not ids`);
        else checkIds(ids, contract);
        if (queue.size !== 0 || queue.running !== 0)
          contract.push(`after onIdle(): size ${queue.size}, running ${queue.running} (expected 0, 0)`);
        return contract;
      },
      dispose: () => close(queue, contract),
    };
  };
}

export function scenariosFor(variant) {
  if (variant === "pushAll") return { S1: plain({}, "pushAll") };
  return {
    S1: plain({}),
    S2: plain({}),
    S3: plain({ mode: "async" }),
    // Tracking on: push, wait for idle, then result(id) for every id (which deletes the record).
    S4: () => {
      const { Queue } = mod;
      const queue = new Queue({ track: true, autoStart: true });
      const contract = [];
      let ids;
      return {
        async run(jobs) {
          const n = jobs.length;
          ids = new Array(n);
          for (let j = 0; j < n; j++) ids[j] = queue.push(jobs[j]);
          await queue.onIdle();
          for (let j = 0; j < n; j++) recordRead(j, queue.result(ids[j]));
        },
        check() {
          checkIds(ids, contract);
          // A record that was read is gone.
          for (const id of [ids[0], ids[ids.length - 1]]) {
            try {
              queue.result(id);
              contract.push(`result(${id}) read twice without ERR_NOT_FOUND`);
            } catch (e) {
              if (!e || e.code !== "ERR_NOT_FOUND")
                contract.push(`second result(${id}) threw ${e && e.code ? e.code : e}, expected ERR_NOT_FOUND`);
            }
          }
          return contract;
        },
        dispose: () => close(queue, contract),
      };
    },
  };
}

// Memory: n tracked jobs finished, results not yet read.
export async function memory(n) {
  const { Queue } = mod;
  const queue = new Queue({ track: true, autoStart: true });
  let badId = 0;
  for (let i = 0; i < n; i++) {
    const id = queue.push(makeSyncJob(i));
    if (id !== i + 1 && badId === 0) badId = i + 1;
  }
  await queue.onIdle();
  const contract = [];
  return {
    keep: queue,
    verify() {
      if (badId) contract.push(`push returned a wrong id for job #${badId}`);
      for (let i = 0; i < n; i++) {
        let v;
        try {
          v = queue.result(i + 1);
        } catch (e) {
          contract.push(`result(${i + 1}) threw ${e && e.code ? e.code : e}`);
          break;
        }
        if (v !== i) {
          contract.push(`result(${i + 1}) returned ${v}, expected ${i}`);
          break;
        }
      }
      return contract;
    },
    dispose: () => close(queue, contract),
  };
}
