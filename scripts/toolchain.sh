# Sourced by setup.sh, build.sh and fuzz.sh: the one place the pinned nightly toolchain is named.
#
# The release module is built by this nightly, which rebuilds std with the crate
# (`-Zbuild-std`) and with `-Cpanic=immediate-abort`: a panic becomes a plain `unreachable`, so
# the module carries no panic machinery and no `core::fmt` for panic messages. Measured on the
# same source (talc allocator): 114,677 -> 104,902 bytes raw, 43,357 -> 39,586 deflated, the
# bundle 53,180 -> 49,429 gzip -9; per job S1-S4 unchanged within noise in Node 24 and Bun,
# Chromium's S1 ~10 % faster (alternating runs). Panicking was already `abort` (a trap) before:
# only the message nobody could read is gone. The module must never panic anyway.
# Everything else (cargo test, wasm-pack test, the tools) uses stable. cargo fuzz needs a
# nightly: it uses this one too. A dated nightly is installed with rust-src in ~10 s.
GORQS_NIGHTLY=nightly-2026-05-20
