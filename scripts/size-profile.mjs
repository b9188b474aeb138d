// Where the module's bytes go: every function's body size, by name, largest first, and the
// totals by crate. Needs a build that kept the names:
//   GORQS_KEEP_NAMES=1 bash scripts/build.sh && node scripts/size-profile.mjs [wasm] [--top=N]
// It also sums them by what they are for (the queue's features), by keywords of the names: a
// rough guide (inlined code counts where it landed; the first matching purpose wins).
// (Names cost bytes: the release build strips them, so sizes here are of the same code.)
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--")) ?? "pkg/dist/core/gorqs_core_bg.wasm";
const top = Number(args.find((a) => a.startsWith("--top="))?.slice(6) ?? 40);
const bytes = readFileSync(file);
let pos = 8;
const u32 = () => {
  let result = 0, shift = 0, b;
  do {
    b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return result;
};
const str = () => {
  const n = u32();
  const s = bytes.toString("utf8", pos, pos + n);
  pos += n;
  return s;
};
let imports = 0;
const bodies = [];
const names = new Map();
const sections = [];
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = u32();
  const end = pos + size;
  let label = String(id);
  if (id === 2) {
    // imports: count the functions (they come first in the function index space)
    for (let n = u32(); n > 0; n--) {
      str(); str();
      const kind = bytes[pos++];
      if (kind === 0) { u32(); imports++; }
      else if (kind === 1) { pos++; const f = bytes[pos++]; u32(); if (f & 1) u32(); }
      else if (kind === 2) { const f = bytes[pos++]; u32(); if (f & 1) u32(); }
      else if (kind === 3) { pos += 2; }
    }
  } else if (id === 10) {
    for (let n = u32(); n > 0; n--) {
      const len = u32();
      bodies.push(len);
      pos += len;
    }
  } else if (id === 0) {
    label = str();
    if (label === "name") {
      while (pos < end) {
        const sub = bytes[pos++];
        const len = u32();
        const subEnd = pos + len;
        if (sub === 1) for (let n = u32(); n > 0; n--) { const i = u32(); names.set(i, str()); }
        pos = subEnd;
      }
    }
  }
  sections.push([({ 0: "custom", 1: "type", 2: "import", 3: "function", 5: "memory", 6: "global", 7: "export", 9: "elem", 10: "code", 11: "data" })[id] ?? id, label, size]);
  pos = end;
}
const funcs = bodies.map((size, i) => ({ name: names.get(i + imports) ?? `func[${i + imports}]`, size }));
const total = bytes.length;
console.log(`${file}: ${total} bytes`);
for (const [kind, label, size] of sections) console.log(`  section ${kind}${kind === "custom" ? ` (${label})` : ""}: ${size}`);
const crate = (name) => {
  if (/ shim$|^queue_|^__wbg_queue/.test(name)) return "exports: Queue's methods (wasm-bindgen shims, with what they inline)";
  if (/^__wbg_|__wbindgen|__externref|wasm_bindgen|^_ZN12wasm_bindgen/.test(name)) return "wasm-bindgen imports and runtime";
  const m = name.replace(/^<+/, "").match(/^([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::/);
  if (!m) return name.startsWith("func[") ? "(unnamed)" : "(other)";
  const c = m[1];
  if (c === "gorqs") {
    const part = name.match(/^<*gorqs(?:\[[0-9a-f]+\])?::(\w+)/);
    return `gorqs::${part ? part[1] : "?"}`;
  }
  return ["std", "core", "alloc", "__rustc"].includes(c) ? "std, core, alloc" : c;
};
const byCrate = new Map();
for (const f of funcs) byCrate.set(crate(f.name), (byCrate.get(crate(f.name)) ?? 0) + f.size);
console.log("\nby crate (function bodies):");
for (const [c, s] of [...byCrate].sort((a, b) => b[1] - a[1])) console.log(`  ${String(s).padStart(7)}  ${c}`);
console.log(`\nlargest ${top} functions:`);
for (const f of funcs.sort((a, b) => b.size - a.size).slice(0, top)) console.log(`  ${String(f.size).padStart(7)}  ${f.name.slice(0, 140)}`);

// By purpose: the first purpose whose keywords a function's name matches (order matters).
const purposes = [
  ["retries, backoff, timeouts, rate limit, record TTL (the timer)", /retry|backoff|on_timer|arm_timer|deadline|promote_due|rate|ttl|macrotask|timeout|timer/i],
  ["priorities", /priority|pending::/i],
  ["events", /event|emit|dispatch/i],
  ["cancel, signals, aborts", /cancel|abort|signal|listen|extra/i],
  ["records: result, status, wait, stats, maxRecords, clear", /result|status|wait|wake|stats|serde|enforce_max|evict|clear|record|kept|take_int|next_int|take_value/i],
  ["state waiters: onIdle, onEmpty, onSizeLessThan, start/stop promises", /watch|oneshot|futures|on_?idle|on_?empty|on_?size|promise|spawn|task/i],
  ["lifecycle: new (its options), start, stop, close, free, pause, concurrency", /queue_new|options::|close|dispose|drop_slow|start|stop|free|install_messages|missing|pause|resume|concurrency|is_?running|is_?paused|queue_size|queue_running/i],
  ["push and run path: push, pushAll, absorb, runs, settle, the job table", /push|absorb|run|catch_up|finish|deliver|drive|settle|chunks|job_?table|attempt|invoke|entry|inbox|cut/i],
  ["allocator", /dlmalloc|talc|__rdl|__rust_alloc|__rust_dealloc|__rust_realloc/],
  ["hash maps (hashbrown)", /hashbrown|HashMap|RawTable/],
];
const byPurpose = new Map();
for (const f of funcs) {
  const p = purposes.find(([, re]) => re.test(f.name))?.[0] ?? "other: std collections, wasm-bindgen runtime, js-sys";
  byPurpose.set(p, (byPurpose.get(p) ?? 0) + f.size);
}
const code = funcs.reduce((sum, f) => sum + f.size, 0);
console.log("\nby purpose (function bodies; keywords of the names, a rough guide):");
for (const [p, s] of [...byPurpose].sort((a, b) => b[1] - a[1])) console.log(`  ${String(s).padStart(7)}  ${String(Math.round((100 * s) / code)).padStart(3)} %  ${p}`);
