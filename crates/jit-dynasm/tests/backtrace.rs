//! Trap backtraces in the JIT: the conformance kit's backtrace check (every
//! unwound frame named, innermost first, through host functions and other
//! instances).

use std::sync::Arc;

use strata_api::Config;

#[test]
fn jit_traps_name_every_frame() {
    let config = Config::new().tier(Arc::new(strata_jit::Jit::default()));
    assert_eq!(strata_conformance::check_trap_backtraces(&config), Ok(()));
}
