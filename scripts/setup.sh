#!/usr/bin/env bash
# Installs, idempotently, everything the build and the tests need on a fresh machine.
# Each step checks first and installs only what is missing; nothing is downloaded from outside
# the package registries (README "The two commands" says what each step installs and why).
#   scripts/setup.sh            everything (Rust wasm toolchain, browsers, npm tools, runtimes)
#   scripts/setup.sh --no-browsers   skip chromium/firefox/geckodriver
#   scripts/setup.sh --no-runtimes   skip the runtimes of the matrix (Node 20-26, Bun, Deno)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
want_browsers=1
want_runtimes=1
for arg in "$@"; do
  case $arg in
    --no-browsers) want_browsers=0 ;;
    --no-runtimes) want_runtimes=0 ;;
    *) echo "setup: unknown option $arg (known: --no-browsers, --no-runtimes)" >&2; exit 2 ;;
  esac
done

log() { printf '[setup] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# Rust target for WebAssembly.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The pinned nightly that builds the release module (scripts/toolchain.sh says why), with the
# std sources it rebuilds.
. scripts/toolchain.sh
if ! rustup run "$GORQS_NIGHTLY" rustc --version >/dev/null 2>&1 ||
  ! rustup component list --installed --toolchain "$GORQS_NIGHTLY" | grep -q '^rust-src'; then
  log "installing rust $GORQS_NIGHTLY with rust-src (the release build's std)"
  rustup toolchain install "$GORQS_NIGHTLY" --profile minimal --component rust-src
fi

# wasm-bindgen CLI pinned to the crate's version (a mismatch makes wasm-pack build its own).
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # --locked first; its lockfile can name a crate version the registry no longer serves
  # (seen: webpki-roots 1.0.11), then let cargo resolve within the CLI's own requirements.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked ||
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! wasm-pack --version 2>/dev/null | grep -q "$WASM_PACK_VERSION"; then
  log "installing wasm-pack $WASM_PACK_VERSION (a few minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked ||
    cargo install wasm-pack --version "$WASM_PACK_VERSION"
fi

# Browsers from Debian; geckodriver from crates.io (not packaged by Debian).
if [ "$want_browsers" = 1 ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  command -v firefox-esr >/dev/null || command -v firefox >/dev/null || need+=(firefox-esr)
  if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
  fi
  if ! command -v geckodriver >/dev/null; then
    log "installing geckodriver"
    cargo install geckodriver --locked || cargo install geckodriver
  fi
fi

# zopfli: the build deflates the module with it (a smaller standard DEFLATE stream than zlib's).
if ! command -v zopfli >/dev/null; then
  log "apt-get install zopfli"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends zopfli >/dev/null
fi

# Node tools pinned in tools/package-lock.json: wasm-opt from npm binaryen (Debian's breaks
# modules), playwright-core, typescript, vite. Installed into tools/node_modules.
if [ ! -d tools/node_modules ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  log "npm ci in tools/"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi

# The JavaScript runtimes of the matrix suite (scripts/matrix.sh): Node 20, 22, 24, 26, Bun and
# Deno from the npm registry, pinned in tools/runtimes/package-lock.json, installed into
# runtimes/ (git-ignored, ~0.9 GB) by scripts/runtimes.sh, which the benchmark can reuse.
if [ "$want_runtimes" = 1 ]; then
  bash scripts/runtimes.sh --check >/dev/null || log "installing the runtimes into runtimes/ (scripts/runtimes.sh)"
  bash scripts/runtimes.sh >/dev/null
fi
log "ok"

# ---- Supply-chain checks (issue 6; scripts/supply-chain.sh, deny.toml) ---------------------
# cargo-deny, pinned so deny.toml's format stays the one it reads (a few minutes to build).
CARGO_DENY_VERSION=0.20.2
if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
  log "installing cargo-deny $CARGO_DENY_VERSION (a few minutes)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked ||
    cargo install cargo-deny --version "$CARGO_DENY_VERSION"
fi
# cargo-fuzz for scripts/fuzz.sh (coverage-guided fuzzing; runs on the pinned nightly).
CARGO_FUZZ_VERSION=0.13.2
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION (about a minute)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked ||
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
