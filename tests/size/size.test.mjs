// The download stays within its budget (pkg/size-budget.json): sizes are deterministic, so this
// may assert them. Prints every size (raw and gzip -9 of the bundles, and of the module inside).
//   node --test tests/size/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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
