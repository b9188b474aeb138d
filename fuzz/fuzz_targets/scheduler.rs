//! libFuzzer target: the model-based check of `tests/core_fuzz.rs`, with each case drawn from
//! the fuzzer's bytes instead of a random generator (proptest's pass-through RNG), so coverage
//! guides the sequences of calls.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/core_fuzz.rs"]
#[allow(dead_code, unused_imports)]
mod model;

fuzz_target!(|data: &[u8]| model::fuzz_one(data));
