//! Fuzz target `translate_interp`: `strata_fuzz::targets::translate` on the
//! interpreter.
#![no_main]

use strata_fuzz::engines::Tier;

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::targets::translate(Tier::Interp, data));
