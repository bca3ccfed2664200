//! Exceptions through the store in the JIT tier (the conformance kit's
//! check): a throw/catch loop of 10^7 iterations runs under a limit of 16
//! live exceptions, and exceptions cross between JIT and interpreter
//! instances and through host functions, both ways.

use strata_api::{Interp, Jit};
use strata_conformance::check_exceptions;

/// The loop length in optimized builds; debug builds run a tenth of
/// it (a leak would still trip the limit of 16 after 17 iterations).
const ITERATIONS: u32 = if cfg!(debug_assertions) {
    1_000_000
} else {
    10_000_000
};

#[test]
fn jit_throws_and_catches_in_bounded_memory() {
    assert_eq!(
        check_exceptions(&Jit::default(), &Jit::default(), ITERATIONS),
        Ok(())
    );
}

#[test]
fn interpreter_catches_what_the_jit_throws() {
    assert_eq!(
        check_exceptions(&Jit::default(), &Interp::default(), 1000),
        Ok(())
    );
}

#[test]
fn jit_catches_what_the_interpreter_throws() {
    assert_eq!(
        check_exceptions(&Interp::default(), &Jit::default(), 1000),
        Ok(())
    );
}
