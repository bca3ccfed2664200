//! Fuzz target `translate_aot`: `strata_fuzz::targets::translate` on the
//! AOT tier.
#![no_main]

use strata_fuzz::engines::Tier;

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::targets::translate(Tier::Aot, data));
