// Checks SECURITY.md's list of what the shipped bundles never touch, on the built files:
//   node tests/security/bundle-apis.mjs        (after scripts/build.sh)
// A plain text scan of pkg/dist/gorqs.mjs and gorqs.cjs for the host APIs that reach the
// network, evaluate strings as code, store data, start threads or read host data. The only
// allowed matches are listed in ALLOWED (the `fetch(id)` method is Go's `Fetch`, not a request).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const FILES = ["pkg/dist/gorqs.mjs", "pkg/dist/gorqs.cjs"];

const FORBIDDEN = [
  ["network", /\bfetch\s*\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|RTCPeerConnection|\bimportScripts\b/g],
  ["code from strings", /\beval\s*\(|\bFunction\s*\(|new\s+Function\b|setTimeout\s*\(\s*["'`]/g],
  ["dynamic loading", /\bimport\s*\(|\brequire\s*\(|WebAssembly\.(instantiateStreaming|compileStreaming)/g],
  ["storage", /localStorage|sessionStorage|indexedDB|document\.cookie|caches\.|navigator\.storage/g],
  ["threads and workers", /\bWorker\s*\(|SharedWorker|SharedArrayBuffer|Atomics\./g],
  ["timers beyond setTimeout/setImmediate/MessageChannel", /setInterval|requestAnimationFrame|requestIdleCallback/g],
  ["host data", /navigator\.|location\.|document\.|process\.env/g],
];
/**
 * Matches that are not what they look like, tested on the text from the match on: the
 * `fetch(id) {` method definition (also minified, `fetch(e){`), not a call.
 */
const ALLOWED = [/^fetch\(\w*\)\s*\{/];

let problems = 0;
for (const file of FILES) {
  const lines = readFileSync(root + file, "utf8").split("\n");
  lines.forEach((line, i) => {
    for (const [what, re] of FORBIDDEN) {
      for (const m of line.matchAll(re)) {
        if (ALLOWED.some((ok) => ok.test(line.slice(m.index)))) continue;
        problems++;
        console.log(`bundle-apis: ${file}:${i + 1}: ${what}: ${m[0]} in: ${line.trim().slice(0, 120)}`);
      }
    }
  });
}
console.log(problems ? `bundle-apis: FAILED (${problems} match(es))` : `bundle-apis: ok (${FILES.join(", ")})`);
process.exit(problems ? 1 : 0);
