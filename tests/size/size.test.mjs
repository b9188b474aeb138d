// The download stays within its budget (pkg/size-budget.json): sizes are deterministic, so this
// may assert them. Prints every size (raw and gzip -9 of the bundles, and of the module inside).
//   node --test tests/size/
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const budget = JSON.parse(readFileSync(root + "pkg/size-budget.json", "utf8"));
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

test("the bundles are within their gzip budget", () => {
  const module = readFileSync(root + "pkg/dist/core/gorqs_core_bg.wasm");
  console.log(`size: the wasm module: ${module.length} bytes raw, ${gzip(module)} gzip -9`);
  for (const name of ["gorqs.mjs", "gorqs.cjs"]) {
    const bytes = readFileSync(root + "pkg/dist/" + name);
    const size = gzip(bytes);
    console.log(`size: ${name}: ${bytes.length} bytes raw, ${size} gzip -9 (budget ${budget[name]})`);
    assert.equal(typeof budget[name], "number", `pkg/size-budget.json has a budget for ${name}`);
    assert.ok(size <= budget[name], `${name} is ${size} bytes gzip, over its budget of ${budget[name]}`);
  }
});

test("an uncaught QueueError prints its message, code and stack, in lines a terminal can show", () => {
  // Node prints the source line where an uncaught error was made: a one-line bundle printed
  // 64 KB of it and lost the message (scripts/build.sh keeps the bundle's lines short).
  const dir = mkdtempSync(path.join(tmpdir(), "gorqs-uncaught-"));
  try {
    const scripts = {
      "esm.mjs": `import { Queue } from ${JSON.stringify(root + "pkg/dist/gorqs.mjs")};\nnew Queue().push(() => 1);\n`,
      "cjs.cjs": `const { Queue } = require(${JSON.stringify(root + "pkg/dist/gorqs.cjs")});\nnew Queue().push(() => 1);\n`,
    };
    for (const [name, text] of Object.entries(scripts)) {
      writeFileSync(path.join(dir, name), text);
      const run = spawnSync(process.execPath, [path.join(dir, name)], { encoding: "utf8" });
      const lines = run.stderr.split("\n");
      const longest = Math.max(...lines.map((l) => l.length));
      console.log(`size: ${name}: an uncaught QueueError printed ${lines.length} lines, the longest ${longest} characters`);
      assert.notEqual(run.status, 0, `${name}: the process failed`);
      assert.match(run.stderr, /QueueError: gorqs: queue is closed/, `${name}: the message is printed`);
      assert.match(run.stderr, /code: 'ERR_QUEUE_CLOSED'/, `${name}: the code is printed`);
      assert.match(run.stderr, /\n\s+at .*(esm\.mjs|cjs\.cjs):2/, `${name}: the stack reaches the caller`);
      // (esbuild's --line-limit=1000 wraps at the first place it can after 1,000 characters.)
      assert.ok(longest <= 2000, `${name}: no printed line over 2,000 characters (got ${longest})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
