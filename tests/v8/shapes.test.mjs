// V8 hidden classes ("maps") of queues: run with `node --allow-natives-syntax --test`.
//
// Why it matters (pkg/src/queue.js, `shapeKeeper`): a field whose representation changes after
// construction (a Smi field later given a double, say) makes V8 build a new map for every
// queue that goes through the change, and the inline caches of every method then see many
// maps and go megamorphic: promise jobs ran 2× slower from the fifth queue of a process on.
// The library keeps one idle queue alive to pin the maps, which only works if a queue that has
// been used has the very map of one that has not. These tests use every feature on one queue
// and check exactly that.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Queue, SyncMode, TrackJobs } from "../../pkg/dist/gorqs.mjs";

// Natives syntax is only legal under the flag; `new Function` keeps this file parseable without it.
const sameMap = new Function("a", "b", "return %HaveSameMap(a, b);");

const tick = () => new Promise((r) => setTimeout(r, 1));

test("a queue keeps its map through every feature, stop and free", async () => {
  const fresh = new Queue();
  const q = new Queue({ autoStart: true, track: true, timeout: 20, concurrency: 2, maxRecords: 50 });
  const ac = new AbortController();
  q.addEventListener("completed", () => {});
  q.addEventListener("failed", () => {});
  q.addEventListener("idle", () => {});
  q.addEventListener("empty", () => {});
  for (let i = 0; i < 200; i++) {
    q.push(
      async (ctx) => {
        void ctx.signal;
        await null;
        if (i % 7 === 0) throw new Error("x");
        return i;
      },
      { signal: ac.signal, priority: i % 3, retries: 1, backoff: { type: "exponential", delay: 0 } },
    );
  }
  for (let i = 0; i < 300; i++) q.push(() => i);
  const slow = q.push(() => new Promise((r) => setTimeout(r, 60))); // times out
  const cancelled = q.push(() => 1);
  q.cancel(cancelled);
  q.pause();
  q.resume();
  q.concurrency = 3;
  await q.onIdle();
  await assert.rejects(q.wait(slow));
  await tick();
  assert.ok(sameMap(fresh, q), "a used queue has the map of a fresh one");

  const flags = new Queue(SyncMode | TrackJobs);
  flags.start(ac.signal);
  flags.push(() => 1);
  await flags.onIdle();
  await flags.stop();
  assert.ok(sameMap(fresh, flags), "a flags-built, started and stopped queue has it too");

  const rated = new Queue({ autoStart: true, interval: 5, intervalCap: 10, recordTTL: 5, track: true });
  for (let i = 0; i < 30; i++) rated.push(() => i);
  await rated.onIdle();
  await tick();
  assert.ok(sameMap(fresh, rated), "a rate-limited queue with record TTL has it too");

  q.free();
  rated.free();
  assert.ok(sameMap(fresh, q), "a freed queue has it too");
  assert.ok(sameMap(new Queue(), q), "and so does a queue made after all that");
});
