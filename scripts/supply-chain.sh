#!/usr/bin/env bash
# Supply-chain checks (see SECURITY.md):
#   1. cargo deny check licenses bans sources   (deny.toml; offline)
#   2. npm audit --audit-level=high on each npm lockfile (tools/, benches/, examples/), when the
#      registry's audit endpoint answers; where it does not (this workplace only reaches the
#      registries' package downloads), each skipped audit is named with the command to run;
#   3. the built bundles use none of the APIs SECURITY.md says they never use
#      (tests/security/bundle-apis.mjs; needs scripts/build.sh first).
# Not run here: `cargo deny check advisories` needs the RustSec database from GitHub.
# On a networked machine run both:
#   cargo deny check advisories
#   for d in tools benches examples; do [ -f $d/package-lock.json ] && (cd $d && npm audit --audit-level=high --package-lock-only); done
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
status=0

echo "supply-chain: cargo deny check licenses bans sources"
if ! command -v cargo-deny >/dev/null; then
  echo "supply-chain: cargo-deny is not installed (bash scripts/setup.sh installs it)"
  status=1
elif ! cargo deny --log-level error check licenses bans sources; then
  status=1
fi
echo "supply-chain: not run here: cargo deny check advisories (the advisory database is on GitHub)"

for dir in tools benches examples; do
  if [ ! -f "$dir/package-lock.json" ]; then
    echo "supply-chain: npm audit $dir/: no package-lock.json, nothing to audit"
    continue
  fi
  out=$(cd "$dir" && npm audit --audit-level=high --package-lock-only 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && grep -qE "audit endpoint returned an error|E405|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT" <<<"$out"; then
    echo "supply-chain: npm audit $dir/: SKIPPED, the registry's audit endpoint does not answer here:"
    grep -E "^npm (warn|error)" <<<"$out" | head -2 | sed 's/^/    /'
    echo "    run on a networked machine: (cd $dir && npm audit --audit-level=high --package-lock-only)"
  elif [ $rc -ne 0 ]; then
    echo "$out"
    echo "supply-chain: npm audit $dir/: FAILED"
    status=1
  else
    echo "supply-chain: npm audit $dir/: ok"
  fi
done

echo "supply-chain: host APIs in the built bundles (tests/security/bundle-apis.mjs)"
node tests/security/bundle-apis.mjs || status=1
exit $status
