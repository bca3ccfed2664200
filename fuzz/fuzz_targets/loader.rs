//! Fuzz target `loader`: see `strata_fuzz::targets::loader`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::targets::loader(data));
