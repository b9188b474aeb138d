#!/usr/bin/env bash
# Coverage-guided fuzzing of the scheduling core (cargo-fuzz + libFuzzer), bounded in time:
#   bash scripts/fuzz.sh [SECONDS]        default 60; needs the pinned nightly (scripts/toolchain.sh) and cargo-fuzz
# The target (fuzz/fuzz_targets/scheduler.rs) plays the model of tests/core_fuzz.rs on cases
# decoded from the fuzzer's bytes. A failing input is saved in fuzz/artifacts/scheduler/;
# replay it with `cargo +nightly-2026-05-20 fuzz run scheduler fuzz/artifacts/scheduler/<file>`
# (the nightly of scripts/toolchain.sh).
# The corpus (fuzz/corpus/, not committed) grows across runs on one machine.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
secs=${1:-60}
. scripts/toolchain.sh
if ! cargo "+$GORQS_NIGHTLY" --version >/dev/null 2>&1; then
  echo "fuzz: no $GORQS_NIGHTLY toolchain (bash scripts/setup.sh installs it); cargo fuzz cannot run here"
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is not installed (bash scripts/setup.sh installs it)"
  exit 1
fi
log=$(mktemp)
cargo "+$GORQS_NIGHTLY" fuzz run scheduler -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1
rc=$?
grep -E "^#[0-9]+\s+(INITED|DONE)|^Done |panicked|SUMMARY|ERROR|deadly signal|Test unit written" "$log" | sed 's/^/fuzz: /'
if [ $rc -ne 0 ]; then
  grep -vE "^\s+[0-9]+: |^\s+at " "$log" | tail -60
  echo "fuzz: FAILED (exit $rc)"
fi
rm -f "$log"
exit $rc
