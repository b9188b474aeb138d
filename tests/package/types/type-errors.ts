// Must NOT compile: every line marked `// type error` is a mistake the declarations must catch
// (tests/package/run.sh checks that tsc reports an error on each of those lines).
import { Queue, QueueError, type QueueErrorCode } from "gorqs";

const q = new Queue();
q.push(42); // type error
new Queue({ mode: "fast" }); // type error
new Queue("sync"); // type error
q.push({ run: 5 }); // type error
q.result("1"); // type error
const code: QueueErrorCode = "ERR_SOMETHING"; // type error
q.addEventListener("completed", (e) => e.detail.nope); // type error
const s: "done" | undefined = q.status(1); // type error
new QueueError("ERR_BOGUS"); // type error
q.pushAll([1, 2]); // type error
const n: string = q.size; // type error
void code, s, n;

// Retries and backoff: a string count, an unknown backoff type, a backoff returning a string.
new Queue().push(() => 1, { retries: "3" }); // type error
new Queue().push(() => 1, { retries: 1, backoff: { type: "linear", delay: 1 } }); // type error
new Queue().push(() => 1, { retries: 1, backoff: () => "soon" }); // type error
