// gorqs, the package under test: the current build (../pkg/dist/gorqs.mjs) or the JS-executor
// reference build, whichever module the loader hands over (lib/impls.mjs in Node and Bun,
// browser/frame.mjs in a browser). Sync mode for serial scenarios, { mode: "async" } for
// unbounded ones, { concurrency } for capped ones, { track: true } + result(id) / wait(id) where
// results are read. The `pushAll` variant hands S1's whole array to pushAll() at once.
//
// Besides the harness' checks, this adapter checks a few points of the API contract on the way
// (ids 1, 2, 3 …; push never runs a job; a fetched record is gone; size and running are 0 once
// idle) and reports any breach as a failure of the run.
import { makeSyncJob, recordRead, startedCount } from "../jobs.mjs";
import { runBursts, runBatches } from "./common.mjs";

// Checks shared by the scenarios; `contract` collects breaches found during a run.
function checkIds(ids, contract) {
  for (let j = 0; j < ids.length; j++) {
    if (ids[j] !== j + 1) {
      contract.push(`push returned id ${ids[j]} for the job #${j + 1} pushed on a fresh queue (expected ${j + 1})`);
      return;
    }
  }
}

function checkIdle(queue, contract) {
  if (queue.size !== 0 || queue.running !== 0) contract.push(`once done: size ${queue.size}, running ${queue.running} (expected 0, 0)`);
}

async function close(queue, contract) {
  try {
    await queue.stop();
    if (typeof queue.free === "function") queue.free();
  } catch (e) {
    contract.push(`stop()/free() threw: ${e && e.stack ? e.stack : e}`);
  }
}

/** { scenarios: {S1..S7: factory(scenario)}, memory(n) } for the gorqs module `mod`. */
export function gorqsAdapter(mod, variant) {
  const { Queue } = mod;

  function plain(options) {
    return () => {
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
          checkIdle(queue, contract);
          return contract;
        },
        dispose: () => close(queue, contract),
      };
    };
  }

  // A record that was read is gone: a second read throws ERR_NOT_FOUND.
  function checkGone(queue, ids, contract) {
    for (const id of [ids[0], ids[ids.length - 1]]) {
      try {
        queue.result(id);
        contract.push(`result(${id}) read twice without ERR_NOT_FOUND`);
      } catch (e) {
        if (!e || e.code !== "ERR_NOT_FOUND") contract.push(`second result(${id}) threw ${e && e.code ? e.code : e}, expected ERR_NOT_FOUND`);
      }
    }
  }

  if (variant === "pushAll") return { scenarios: { S1: plain({}) } };

  const scenarios = {
    S1: plain({}),
    S2: plain({}),
    S3: plain({ mode: "async" }),
    // Tracking on: push, wait for idle, then result(id) for every id (which deletes the record).
    S4: () => {
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
          checkGone(queue, ids, contract);
          return contract;
        },
        dispose: () => close(queue, contract),
      };
    },
    // Crawler: async mode capped at 8, a push per request, wait for idle.
    S5: (s) => plain({ mode: "async", concurrency: s.cap })(),
    // UI handler: each event of a burst pushes its job and awaits wait(id); tracking on.
    S6: (s) => {
      const queue = new Queue({ track: true, autoStart: true });
      const contract = [];
      let expected = 0;
      let badId = 0; // the first job whose id was not the next one
      const submit = (job) => {
        const id = queue.push(job);
        if (id !== ++expected && badId === 0) badId = expected;
        return queue.wait(id);
      };
      return {
        run: (jobs) => runBursts(jobs, s.burst, submit),
        check() {
          if (badId) contract.push(`push returned a wrong id for job #${badId} (ids 1, 2, 3 … expected)`);
          checkIdle(queue, contract);
          return contract;
        },
        dispose: () => close(queue, contract),
      };
    },
    // Pipeline stage: pushAll a batch, wait for idle, read every result by id.
    S7: (s) => {
      const queue = new Queue({ mode: "async", concurrency: s.cap, track: true, autoStart: true });
      const contract = [];
      const seen = [];
      return {
        run: (jobs) =>
          runBatches(jobs, s.batch, async (batch) => {
            const ids = queue.pushAll(batch);
            await queue.onIdle();
            const values = new Array(ids.length);
            for (let k = 0; k < ids.length; k++) values[k] = queue.result(ids[k]);
            if (seen.length === 0) seen.push(ids[0]);
            return values;
          }),
        check() {
          if (seen[0] !== 1) contract.push(`pushAll's first id on a fresh queue was ${seen[0]}, expected 1`);
          checkGone(queue, [1, startedCount()], contract);
          checkIdle(queue, contract);
          return contract;
        },
        dispose: () => close(queue, contract),
      };
    },
  };

  // Memory: n tracked jobs finished, results not yet read.
  async function memory(n) {
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

  return { scenarios, memory };
}
