// The minified bundles stay pleasant to debug where users look: the classes keep their names,
// and console.log(queue) prints the queue's state (util.inspect is what console.log uses).
//   node --test tests/size/
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { inspect } from "node:util";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bundles = {
  "gorqs.mjs": await import(root + "pkg/dist/gorqs.mjs"),
  "gorqs.cjs": createRequire(import.meta.url)(root + "pkg/dist/gorqs.cjs"),
};

for (const [bundle, { Queue, QueueError }] of Object.entries(bundles)) {
  test(`${bundle}: the classes are named Queue and QueueError`, () => {
    assert.equal(Queue.name, "Queue");
    assert.equal(QueueError.name, "QueueError");
    assert.equal(new Queue().constructor.name, "Queue");
  });

  test(`${bundle}: console.log(queue) prints its state, and a freed queue says so`, async () => {
    const queue = new Queue({ mode: "async", concurrency: 2 });
    queue.pause();
    queue.start();
    queue.push(() => 1);
    queue.push(async () => 2);
    const shown = inspect(queue);
    console.log(`readable: ${bundle}: ${shown.replace(/\s+/g, " ")}`);
    assert.match(shown, /^Queue \{/);
    assert.match(shown, /size: 2/);
    assert.match(shown, /isPaused: true/);
    assert.match(shown, /concurrency: 2/);
    queue.resume();
    await queue.onIdle();
    assert.match(inspect(queue), /size: 0/);
    assert.match(inspect(queue), /pushed: 2/);
    queue.free();
    assert.equal(inspect(queue), "Queue <freed>");
    // Nested, as in an object logged whole.
    assert.match(inspect({ queue: new Queue() }), /queue: Queue \{/);
  });
}
