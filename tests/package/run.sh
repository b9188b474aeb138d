#!/usr/bin/env bash
# Package tests: the npm tarball of pkg/, installed into fresh scratch projects, used the ways a
# user would. Needs the build (bash scripts/build.sh) and the tools (bash scripts/setup.sh).
#
#   bash tests/package/run.sh          all checks
#   KEEP_TMP=1 bash tests/package/run.sh   keep the scratch projects (path printed) to look into
#
# Checks: 0 tarball contents; 1 Node ESM; 2 Node CommonJS; 3 TypeScript (every public name
# compiles; deliberate mistakes do not; a CommonJS .cts consumer compiles; a Node project with
# @types/node and no DOM lib compiles); 4 a Vite build in headless Chromium; 5 a plain
# <script type="module"> page in headless Chromium.
# Network: only the npm registry, for the pinned @types/node (the package has no dependencies).
# Ends with `package: N passed, N failed`; exits non-zero when any check failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tools="$repo/tools/node_modules"
tsc="$tools/typescript/bin/tsc"
vite="$tools/vite/bin/vite.js"
types_node_version=20.19.43

if [ ! -f "$repo/pkg/dist/gorqs.mjs" ] || [ ! -f "$repo/pkg/dist/gorqs.cjs" ]; then
  echo "package: pkg/dist/gorqs.mjs or pkg/dist/gorqs.cjs is missing: run \`bash scripts/build.sh\` first" >&2
  exit 1
fi
for t in "$tsc" "$vite" "$tools/playwright-core/package.json"; do
  if [ ! -e "$t" ]; then
    echo "package: $t is missing: run \`bash scripts/setup.sh\` first" >&2
    exit 1
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gorqs-package.XXXXXX")
cleanup() {
  if [ "${KEEP_TMP:-}" = 1 ]; then echo "scratch projects kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_loglevel=error npm_config_cache="$tmp/npm-cache"

echo "== npm pack"
tarball="$tmp/$(cd "$repo/pkg" && npm pack --silent --pack-destination "$tmp" | tail -n 1)"
[ -f "$tarball" ] || { echo "npm pack produced no tarball" >&2; exit 1; }
echo "   $(basename "$tarball"): $(wc -c <"$tarball") bytes"

# A fresh project in $tmp/$1 with the tarball installed; extra args: files to copy into it.
scratch() {
  local dir="$tmp/$1" type="$2"
  shift 2
  mkdir -p "$dir"
  printf '{ "name": "gorqs-check-%s", "private": true, "version": "0.0.0", "type": "%s" }\n' "$(basename "$dir")" "$type" \
    >"$dir/package.json"
  (cd "$dir" && npm install --offline "$tarball" >/dev/null 2>"$dir/npm-install.log" ||
    npm install --prefer-offline "$tarball" >/dev/null 2>"$dir/npm-install.log") ||
    { cat "$dir/npm-install.log" >&2; return 1; }
  [ $# -gt 0 ] && cp -r "$@" "$dir/"
  return 0
}

passed=0
failed=0
failures=()
# Runs check function $2 (in a subshell with `set -e` in force) under the title $1.
check() {
  local title=$1
  echo "== $title"
  set +e
  (set -e; "$2") 2>&1
  local rc=$?
  set -e
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "   PASS $title"
  else
    failed=$((failed + 1))
    failures+=("$title")
    echo "   FAIL $title"
  fi
}

check_tarball() {
  local list
  list=$(tar -tzf "$tarball" | sort)
  echo "$list" | sed 's/^/   /'
  local want
  for want in package/package.json package/dist/gorqs.mjs package/dist/gorqs.cjs package/index.d.ts; do
    grep -qx "$want" <<<"$list" || { echo "   missing from the tarball: $want" >&2; return 1; }
  done
  # Nothing but what a user needs: no sources, no intermediate build output, no wasm file
  # (it is inlined), no tests.
  if grep -E '^package/(src|dist/core|tests?)/|\.wasm$' <<<"$list"; then
    echo "   unexpected files in the tarball (above)" >&2
    return 1
  fi
  grep -qx package/README.md <<<"$list" || echo "   note: README.md is listed in \"files\" but not in the tarball"
  return 0
}

check_node_esm() {
  scratch node-esm module "$here/node-esm.mjs" "$here/scenario.mjs" "$here/expected.json"
  (cd "$tmp/node-esm" && node node-esm.mjs)
}

check_node_cjs() {
  scratch node-cjs commonjs "$here/node-cjs.cjs" "$here/scenario.mjs" "$here/expected.json"
  (cd "$tmp/node-cjs" && node node-cjs.cjs)
}

check_types_ok() {
  scratch types module "$here/types/uses-every-name.ts" "$here/types/type-errors.ts" "$here/types/cjs-consumer.cts"
  cd "$tmp/types"
  node "$tsc" --noEmit --strict --target es2022 --module nodenext uses-every-name.ts
  echo "   uses-every-name.ts compiles"
}

check_types_errors() {
  [ -d "$tmp/types" ] || scratch types module "$here/types/type-errors.ts"
  cd "$tmp/types"
  local out rc=0
  out=$(node "$tsc" --noEmit --strict --target es2022 --module nodenext type-errors.ts) || rc=$?
  if [ $rc -eq 0 ]; then
    echo "   tsc accepted type-errors.ts; it must reject it" >&2
    return 1
  fi
  local line missing=0
  for line in $(grep -n ' // type error$' type-errors.ts | cut -d: -f1); do
    if grep -q "^type-errors.ts($line," <<<"$out"; then
      echo "   line $line rejected: $(sed -n "${line}p" type-errors.ts | sed 's| *// type error||')"
    else
      echo "   line $line was accepted but must be a type error: $(sed -n "${line}p" type-errors.ts)" >&2
      missing=1
    fi
  done
  return $missing
}

check_types_cjs() {
  [ -d "$tmp/types" ] || scratch types module "$here/types/cjs-consumer.cts"
  cd "$tmp/types"
  if ! node "$tsc" --noEmit --strict --target es2022 --module node16 cjs-consumer.cts; then
    echo "   TypeScript reads index.d.ts as ESM (the package is \"type\": \"module\"), so a CommonJS"
    echo "   consumer may not import it. Fix in the package: ship a CommonJS copy of the types"
    echo "   (index.d.cts) and point exports[\".\"].require.types at it."
    return 1
  fi
  echo "   cjs-consumer.cts compiles under module node16"
}

# A Node project without the DOM lib: EventTarget, CustomEvent and AbortSignal come from
# @types/node (pinned; the one package fetched from the npm registry).
check_types_node() {
  [ -d "$tmp/types" ] || scratch types module "$here/types/uses-every-name.ts"
  cd "$tmp/types"
  npm install --save-dev --prefer-offline "@types/node@$types_node_version" >/dev/null
  node "$tsc" --noEmit --strict --target es2022 --module nodenext --lib es2022 --types node uses-every-name.ts
  echo "   uses-every-name.ts compiles with lib es2022 + @types/node $types_node_version (no DOM lib)"
}

check_vite() {
  scratch vite module "$here/pages/vite/index.html" "$here/pages/vite/main.js" "$here/scenario.mjs"
  (cd "$tmp/vite" && node "$vite" build --logLevel warn --outDir dist --emptyOutDir)
  ls "$tmp/vite/dist/assets" | sed 's/^/   built /'
  node "$here/page-check.mjs" --root="$tmp/vite/dist" --page=/index.html
}

check_plain_page() {
  scratch plain module "$here/pages/plain/index.html" "$here/scenario.mjs"
  node "$here/page-check.mjs" --root="$tmp/plain" --page=/index.html
}

check "tarball contents" check_tarball
check "Node ESM: import { Queue, SyncMode, TrackJobs } from \"gorqs\"" check_node_esm
check "Node CommonJS: require(\"gorqs\")" check_node_cjs
check "TypeScript: every public name compiles (tsc --strict, module nodenext)" check_types_ok
check "TypeScript: deliberate mistakes are rejected" check_types_errors
check "TypeScript: a CommonJS consumer (.cts, module node16) compiles" check_types_cjs
check "TypeScript: a Node project without the DOM lib (@types/node)" check_types_node
check "Vite: vite build, then the app in headless Chromium" check_vite
check "plain <script type=module> page importing ./node_modules/gorqs/dist/gorqs.mjs" check_plain_page

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: $f"; done
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
