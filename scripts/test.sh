#!/usr/bin/env bash
# Runs every test, after installing whatever is missing (scripts/setup.sh) and building the
# package (scripts/build.sh). Each suite runs even when an earlier one failed; the last line
# counts the suites, and the exit code is non-zero when any failed.
#   scripts/test.sh                 everything
#   scripts/test.sh native js       only the named suites (see `suites` below)
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

bash scripts/setup.sh || { echo "setup failed"; exit 1; }
bash scripts/build.sh || { echo "build failed"; exit 1; }

passed=0
failed=0
failures=()
suite() {
  local name=$1
  shift
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then return; fi
  echo
  echo "=== $name: $*"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
  fi
}
only=("$@")

# The scheduling core, natively (unit, scenario and model tests), and lint.
suite native cargo test --all-targets
suite clippy cargo clippy --all-targets -- -D warnings
suite clippy-wasm cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
# The JS contract through wasm-bindgen (tests/wasm/contract.rs), in Node and two browsers.
suite wasm-node wasm-pack test --node
suite wasm-chrome wasm-pack test --headless --chrome
suite wasm-firefox wasm-pack test --headless --firefox
# The JS contract suite (tests/js), in Node and in headless Chromium and Firefox.
suite js-node node tests/js/node-run.mjs
suite js-browsers node scripts/browser-test.mjs --browser=chromium,firefox --page=/tests/js/browser.html
# The runtime matrix: on Node 20, 22, 24, 26, Bun and Deno (pinned, installed into runtimes/ by
# scripts/runtimes.sh), the same contract suite, the packed package's ESM and CommonJS imports,
# and the million-job stress (scripts/matrix.sh; about 70 s).
suite runtimes bash scripts/matrix.sh
# The package's shape: Queue generated from Rust, hand-written JS within 300 lines and free of
# wasm-bindgen glue internals (tests/layer; it replaced the V8-shapes check of the old JS queue;
# the per-job path is checked natively, tests/executor_per_job.rs, in `native`).
suite layer node --test tests/layer/
# The download within its budget (pkg/size-budget.json, gzip -9 of the bundles); prints the sizes.
suite size node --test tests/size/
# The npm package as users get it: npm pack, then ESM, CJS, TypeScript, Vite, plain page.
suite package bash tests/package/run.sh
# The demo page, end to end in headless Chromium.
suite demo node --test tests/e2e/demo.test.mjs
# Reliability (issue 6). Hostile inputs are part of the contract suites above
# (tests/js/contract/hostile.test.mjs).
# Model-based fuzzing of the core for 60 s (tests/core_fuzz.rs; longer: GORQS_FUZZ_SECS=…).
suite core-fuzz env GORQS_FUZZ_SECS=60 cargo test --release --test core_fuzz -- --nocapture
# The same model under libFuzzer, coverage-guided, for 60 s (fuzz/; nightly toolchain).
suite cargo-fuzz bash scripts/fuzz.sh 60
# A million jobs of random kinds, each accounted for once: Node, then headless Chromium.
suite stress-node node tests/stress/node-stress.mjs
suite stress-chrome node scripts/browser-test.mjs --browser=chromium --page=/tests/stress/stress.html --timeout=300 --verbose
# A queue made after a full GC finds the push path still optimized (V8 keeps a class only while
# an object has it; pkg/src/index.js keeps one queue): Node 20, 22, 24 and 26.
suite warm bash -c 'source scripts/runtimes.sh >/dev/null && for n in node20 node22 node24 node26; do "$(runtime_cmd "$n")" tests/stress/warm-after-gc.mjs || exit 1; done'
# 20 rounds of 100,000 tracked jobs: wasm memory and JS heap per round must level off.
suite leak node --expose-gc tests/stress/leak.mjs
# Queues dropped without free(): busy ones finish their jobs, idle ones are collected (wasm
# memory level), late callbacks of collected ones stay silent.
suite dropped node --expose-gc tests/stress/dropped.mjs
# Licences, banned crates, sources (cargo deny); npm audit where its endpoint answers.
suite supply-chain bash scripts/supply-chain.sh

echo
if [ $failed -gt 0 ]; then echo "failed suites: ${failures[*]}"; fi
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
