//! The JIT's own edge-case suites (`tests/wast/*.wast`: memory64 above
//! 4 GiB, offset overflow, mixed-width multi-memory, table64 beyond 2^32,
//! tail calls, deep recursion, exceptions across instances), run in the JIT
//! (with and without its Spectre mask) and in the interpreter: both tiers
//! must pass every directive, so they agree on every result and trap.

use std::path::PathBuf;
use std::sync::Arc;

use strata_api::Config;
use strata_conformance::{ExpectedFailures, Runner};

fn run_in(config: Config, name: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/wast")
        .join(name);
    let runner = match Runner::new(config) {
        Ok(r) => r.with_expected_failures(ExpectedFailures::new()),
        Err(e) => panic!("cannot create the runner: {e}"),
    };
    let report = runner.run_file(&path);
    assert!(
        report.failed == 0 && report.skipped == 0 && report.passed > 0,
        "{}: {}\n{:#?}",
        name,
        report.summary_line(),
        report.failures
    );
}

fn both(name: &str) {
    run_in(
        Config::new().tier(Arc::new(strata_jit::Jit::default())),
        name,
    );
    let unhardened = strata_jit::JitConfig::default().spectre_hardening(false);
    run_in(
        Config::new().tier(Arc::new(strata_jit::Jit::new(unhardened))),
        name,
    );
    run_in(Config::new(), name);
}

#[test]
fn memory64_edges() {
    both("memory64_edges.wast");
}

#[test]
fn tables_and_calls() {
    both("tables_calls.wast");
}

#[test]
fn exceptions_across_instances() {
    both("exceptions.wast");
}
