// TypeScript: typed runners, typed results and typed events.
//
//   npm run typescript          (from examples/: compiles with tsc, then runs dist/index.js)
import { Queue, SyncMode, TrackJobs, QueueError, type JobContext, type Runner } from "gorqs";

interface Invoice {
  customer: string;
  cents: number;
}

// A typed runner: the queue passes a JobContext with the job's id and an AbortSignal.
class BillCustomer implements Runner<Invoice> {
  constructor(private readonly customer: string, private readonly items: number[]) {}

  async run(ctx: JobContext): Promise<Invoice> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return { customer: this.customer, cents: this.items.reduce((a, b) => a + b, 0) };
  }
}

async function main(): Promise<void> {
  using queue = new Queue(SyncMode | TrackJobs); // freed at the end of the block
  queue.start().catch(() => {});

  queue.addEventListener("completed", (event) => {
    // event is CustomEvent<{ id: number; value: unknown }>
    console.log(`job ${event.detail.id} completed`);
  });

  const ids: number[] = [
    queue.push(new BillCustomer("ada", [1200, 350])),
    queue.push(new BillCustomer("grace", [999])),
    queue.push((): Invoice => ({ customer: "linus", cents: 0 })),
  ];

  await queue.onIdle();
  for (const id of ids) {
    const invoice = queue.result<Invoice>(id);
    console.log(`${invoice.customer}: $${(invoice.cents / 100).toFixed(2)}`);
  }

  try {
    queue.result(ids[0]);
  } catch (err) {
    if (err instanceof QueueError && err.code === "ERR_NOT_FOUND") {
      console.log(`job ${ids[0]}: already fetched (${err.message})`);
    } else {
      throw err;
    }
  }
  await queue.stop();
}

await main();
