// A CommonJS TypeScript file (module "node16"): `import ... from "gorqs"` compiles to
// require("gorqs"), which Node resolves to dist/gorqs.cjs. The types must say so too.
import { Queue, SyncMode, TrackJobs, QueueError } from "gorqs";

const q = new Queue(SyncMode | TrackJobs);
const id: number = q.push(() => 1);
const err: QueueError | undefined = undefined;
void id, err;
q.free();
