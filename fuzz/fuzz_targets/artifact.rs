//! Fuzz target `artifact`: see `strata_fuzz::targets::artifact`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::targets::artifact(data));
