#!/usr/bin/env bash
# The runtime matrix: gorqs on Node 20, 22, 24, 26, Bun and Deno (pinned versions installed
# by scripts/runtimes.sh into runtimes/). On each runtime, one after another:
#   contract  the JS contract suite: tests/js/run-all.mjs (the portable runner of tests/js)
#   esm       the npm-packed package imported as an ES module: tests/package/node-esm.mjs
#   cjs       the same package through require(): tests/package/node-cjs.cjs
#   stress    a million jobs of random kinds: tests/stress/node-stress.mjs
# Deno runs each script with `deno run -A`; Node and Bun run them as they are.
#
#   bash scripts/matrix.sh                    every runtime, every check
#   bash scripts/matrix.sh node26 bun         only these runtimes (names: scripts/runtimes.sh)
#   MATRIX_CHECKS="contract esm" bash scripts/matrix.sh    only these checks
#   MATRIX_JOBS=100000 bash scripts/matrix.sh              a smaller stress run (default 1000000)
#
# Prints one line per check and one per runtime, `matrix: <runtime> <version>: PASS|FAIL …`,
# the log of any failed check, and last `matrix: N passed, N failed` (runtimes); exit code 1
# when any check failed on any runtime. Needs pkg/dist (bash scripts/build.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# shellcheck source=runtimes.sh
source scripts/runtimes.sh || { echo "matrix: could not install the runtimes (scripts/runtimes.sh)"; exit 1; }

checks=${MATRIX_CHECKS:-contract esm cjs stress}
jobs=${MATRIX_JOBS:-1000000}
runtimes=("$@")
[ ${#runtimes[@]} -eq 0 ] && read -r -a runtimes <<<"$GORQS_RUNTIMES"
for rt in "${runtimes[@]}"; do
  [[ " $GORQS_RUNTIMES " == *" $rt "* ]] || { echo "matrix: unknown runtime $rt (known: $GORQS_RUNTIMES)"; exit 2; }
done
for c in $checks; do
  [[ " contract esm cjs stress " == *" $c "* ]] || { echo "matrix: unknown check $c (known: contract esm cjs stress)"; exit 2; }
done
if [ ! -f pkg/dist/gorqs.mjs ] || [ ! -f pkg/dist/gorqs.cjs ]; then
  echo "matrix: pkg/dist/gorqs.mjs or pkg/dist/gorqs.cjs is missing: run \`bash scripts/build.sh\` first"
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gorqs-matrix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The esm and cjs checks use the package as users get it: the npm pack tarball installed into
# one scratch ES-module project and one CommonJS project, shared by all runtimes.
if [[ " $checks " == *" esm "* || " $checks " == *" cjs "* ]]; then
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  export npm_config_loglevel=error npm_config_cache="$tmp/npm-cache"
  tarball="$tmp/$(cd pkg && npm pack --silent --pack-destination "$tmp" | tail -n 1)"
  [ -f "$tarball" ] || { echo "matrix: npm pack produced no tarball"; exit 1; }
  for kind in esm:module cjs:commonjs; do
    dir="$tmp/${kind%%:*}"
    mkdir -p "$dir"
    printf '{ "name": "gorqs-matrix-%s", "private": true, "version": "0.0.0", "type": "%s" }\n' \
      "${kind%%:*}" "${kind#*:}" >"$dir/package.json"
    (cd "$dir" && npm install --offline "$tarball" >/dev/null 2>"$dir/npm-install.log") ||
      { cat "$dir/npm-install.log"; echo "matrix: npm install of the tarball failed"; exit 1; }
    cp tests/package/scenario.mjs tests/package/expected.json "$dir/"
  done
  cp tests/package/node-esm.mjs "$tmp/esm/"
  cp tests/package/node-cjs.cjs "$tmp/cjs/"
fi

# Runs check $2 on runtime $1, its output in $tmp/$1-$2.log; prints one line.
run_check() {
  local rt=$1 check=$2 log="$tmp/$1-$2.log" dir=$repo limit script rc
  local -a cmd args=()
  mapfile -t cmd < <(runtime_cmd "$rt")
  case $check in
    contract) script=tests/js/run-all.mjs limit=900 ;;
    esm) dir=$tmp/esm script=node-esm.mjs limit=120 ;;
    cjs) dir=$tmp/cjs script=node-cjs.cjs limit=120 ;;
    stress) script=tests/stress/node-stress.mjs limit=900 args=("--jobs=$jobs") ;;
  esac
  local start=$SECONDS
  (cd "$dir" && timeout --kill-after=10 "$limit" "${cmd[@]}" "$script" "${args[@]}") >"$log" 2>&1
  rc=$?
  local took=$((SECONDS - start)) summary
  case $check in
    contract) summary=$(grep '^contract: ' "$log" | tail -n 1) ;;
    stress) summary=$(grep -E '^stress: [0-9]+ jobs in' "$log" | tail -n 1) ;;
    *) summary=$(grep -E ': ok$' "$log" | tail -n 1 | sed 's/^ *//') ;;
  esac
  [ "$check" = contract ] || [ "$check" = stress ] && summary=${summary#*: }
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && summary="timed out after $limit s"
  if [ $rc -eq 0 ]; then
    printf '  %-8s %-8s ok     (%3d s) %s\n' "$rt" "$check" "$took" "$summary"
    # The figures the contract suite measured (responsiveness: the longest event-loop gaps).
    [ "$check" = contract ] && grep '^note ' "$log" | sed 's/^note /      /'
    return 0
  fi
  printf '  %-8s %-8s FAILED (%3d s, exit code %d) %s\n' "$rt" "$check" "$took" "$rc" "$summary"
  echo "  ---- log of $rt $check (last 150 lines): $(printf '%q ' "${cmd[@]}" "$script" "${args[@]}")in $dir"
  tail -n 150 "$log" | sed 's/^/  | /'
  echo "  ----"
  return 1
}

passed=0
failed=0
failures=()
lines=()
start_all=$SECONDS
for rt in "${runtimes[@]}"; do
  bin=$(_gorqs_runtime_bin "$rt")
  version=$("$bin" --version 2>/dev/null | head -n 1)
  version=${version#v}
  version=${version#deno }
  version=${version%% *}
  echo "== $rt $version: $(runtime_cmd "$rt" | tr '\n' ' ')"
  start=$SECONDS
  bad=()
  for check in $checks; do
    run_check "$rt" "$check" || bad+=("$check")
  done
  if [ ${#bad[@]} -eq 0 ]; then
    passed=$((passed + 1))
    line="matrix: $rt $version: PASS ($(echo $checks | tr ' ' ','); $((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$rt")
    line="matrix: $rt $version: FAIL (${bad[*]}; $((SECONDS - start)) s)"
  fi
  echo "$line"
  lines+=("$line")
done

echo
echo "matrix summary ($((SECONDS - start_all)) s):"
printf '%s\n' "${lines[@]}"
[ $failed -gt 0 ] && echo "matrix: failed on ${failures[*]}"
echo "matrix: $passed passed, $failed failed"
[ $failed -eq 0 ]
