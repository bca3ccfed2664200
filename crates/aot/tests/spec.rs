//! The spec test suite's core scope on the AOT tier, exactly as
//! `strata-conformance` runs it for the built-in tiers.
//!
//! Reads `scopes/core.txt` of the suite folder (`$STRATA_TESTSUITE`, default
//! `<workspace>/../shared/testsuite`); without that folder the test says so
//! and passes (the conformance crate's own fallback covers the interpreter).

use std::sync::Arc;

use strata_api::Config;
use strata_conformance::{core_scope_files, default_testsuite_dir, Error, Runner};

#[test]
fn core_scope_aot() {
    let config = Config::default().tier(Arc::new(strata_aot::Aot::default()));
    let runner = match Runner::new(config) {
        Ok(r) => r,
        Err(e) => panic!("cannot set up the runner: {e}"),
    };
    let files = match core_scope_files(&default_testsuite_dir()) {
        Ok(files) => files,
        Err(Error::SuiteNotFound(path)) => {
            eprintln!(
                "WARNING: test suite folder {} not found (set STRATA_TESTSUITE); \
                 the aot core scope did not run",
                path.display()
            );
            return;
        }
        Err(e) => panic!("cannot read the core scope: {e}"),
    };
    let report = runner.run_files(&files);
    println!("{}", report.render());
    assert!(
        report.failed == 0 && report.skipped == 0 && report.stale_expected() == 0,
        "core scope on aot: {} failed, {} skipped, {} stale expected-failure entries (report above)",
        report.failed,
        report.skipped,
        report.stale_expected()
    );
}
