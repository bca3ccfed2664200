//! Fuzz target `translate_jit`: `strata_fuzz::targets::translate` on the
//! baseline JIT; the first byte's low bit turns Spectre hardening off (the
//! JIT's other code path for memory accesses).
#![no_main]

use strata_fuzz::engines::Tier;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((first, rest)) = data.split_first() {
        let tier = if first & 1 == 1 {
            Tier::JitUnhardened
        } else {
            Tier::Jit
        };
        strata_fuzz::targets::translate(tier, rest);
    }
});
