#!/usr/bin/env bash
# The demo: builds the package, runs the Node examples (Go gorqs' sync and async examples),
# then serves the live demo page on localhost and prints its URL (Ctrl-C to stop).
#   scripts/demo.sh            examples, then the page on http://127.0.0.1:8080/www/
#   PORT=9000 scripts/demo.sh  another port;  scripts/demo.sh --no-serve  examples only
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh --no-browsers --no-runtimes
bash scripts/build.sh
(cd examples && npm install --no-audit --no-fund --loglevel=error >/dev/null)
echo
echo "--- examples/sync-mode"
node examples/sync-mode/index.mjs
echo
echo "--- examples/async-mode"
node examples/async-mode/index.mjs
[ "${1:-}" = "--no-serve" ] && exit 0
echo
exec node www/serve.mjs
