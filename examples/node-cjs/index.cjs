// CommonJS: the same package through require(). An options object instead of flags, at most two
// jobs at a time, per-job priorities and timeouts, and wait(id) for one job's outcome.
//
//   node examples/node-cjs/index.cjs
const { Queue, QueueError } = require("gorqs");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const queue = new Queue({ mode: "async", concurrency: 2, track: true, autoStart: true });

  const order = [];
  const job = (name, ms) => async () => {
    order.push(name);
    await sleep(ms);
    return name.toUpperCase();
  };

  const a = queue.push(job("a", 30));
  const b = queue.push(job("b", 30));
  const low = queue.push(job("low", 5));
  const high = queue.push(job("high", 5), { priority: 10 }); // jumps ahead of "low"
  // A job that honours its signal: the timeout aborts it, so it stops waiting at once.
  const slow = queue.push(
    (ctx) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 1000, "too late");
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      }),
    { timeout: 50 },
  );

  console.log(`waiting: ${queue.size}, running: ${queue.running} (concurrency ${queue.concurrency})`);
  console.log(`wait(${high}) -> ${await queue.wait(high)}`);

  try {
    await queue.wait(slow);
  } catch (err) {
    console.log(`wait(${slow}) -> ${err instanceof QueueError ? err.code : err}`);
  }

  await queue.onIdle();
  console.log(`start order: ${order.join(", ")}`);
  console.log(`results: ${[a, b, low].map((id) => queue.result(id)).join(", ")}`);

  await queue.stop();
  queue.free();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
