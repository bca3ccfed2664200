//! Exceptions through the store in the AOT tier (the conformance kit's
//! check): a throw/catch loop of 10^7 iterations runs under a limit of 16
//! live exceptions, and exceptions cross between AOT, JIT and interpreter
//! instances and through host functions, every way.

use strata_api::{Aot, Interp, Jit};
use strata_conformance::check_exceptions;

/// The loop length in optimized builds; debug builds run a tenth of
/// it (a leak would still trip the limit of 16 after 17 iterations).
const ITERATIONS: u32 = if cfg!(debug_assertions) {
    1_000_000
} else {
    10_000_000
};

#[test]
fn aot_throws_and_catches_in_bounded_memory() {
    assert_eq!(
        check_exceptions(&Aot::default(), &Aot::default(), ITERATIONS),
        Ok(())
    );
}

#[test]
fn exceptions_cross_between_aot_and_the_other_tiers() {
    let (aot, jit, interp) = (Aot::default(), Jit::default(), Interp::default());
    for (thrower, catcher) in [
        (
            &aot as &dyn strata_runtime::Tier,
            &interp as &dyn strata_runtime::Tier,
        ),
        (&interp, &aot),
        (&aot, &jit),
        (&jit, &aot),
    ] {
        assert_eq!(
            check_exceptions(thrower, catcher, 1000),
            Ok(()),
            "thrower {}, catcher {}",
            thrower.name(),
            catcher.name()
        );
    }
}
