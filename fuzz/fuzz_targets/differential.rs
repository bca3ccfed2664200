//! Fuzz target `differential`: see `strata_fuzz::targets::differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::targets::differential(data));
