//! Trap backtraces in the AOT tier: the conformance kit's backtrace check
//! (every unwound frame named, innermost first, through host functions and
//! other instances).

use std::sync::Arc;

use strata_api::Config;

#[test]
fn aot_traps_name_every_frame() {
    let config = Config::new().tier(Arc::new(strata_aot::Aot::new()));
    assert_eq!(strata_conformance::check_trap_backtraces(&config), Ok(()));
}
