# Shortcuts; the scripts do the work (and install what is missing).
.PHONY: setup build test demo bench
setup: ; bash scripts/setup.sh
build: ; bash scripts/build.sh
test: ; bash scripts/test.sh
demo: ; bash scripts/demo.sh
bench: ; bash scripts/setup.sh && bash scripts/build.sh && (cd benches && npm ci --no-audit --no-fund) && node benches/run.mjs
