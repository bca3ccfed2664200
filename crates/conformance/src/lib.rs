//! Strata's spec-test runner as a library: the conformance kit.
//!
//! A [`Runner`] executes `.wast` files — the official WebAssembly test suite
//! — on an engine of a given [`Config`](strata_api::Config), and so on any
//! tier: Strata's own or a third-party one passed with
//! `Config::default().tier(Arc::new(MyTier))`. Every directive is counted
//! exactly once, as passed, failed, skipped (with the reason), or an
//! expected failure from the tier's list (`expected/<tier>.txt`, see
//! [`ExpectedFailures`]).
//!
//! ```no_run
//! use strata_api::Config;
//!
//! # fn main() -> Result<(), strata_conformance::Error> {
//! let report = strata_conformance::run_core_scope(Config::default())?;
//! println!("{}", report.render());
//! assert!(report.is_success());
//! # Ok(())
//! # }
//! ```
//!
//! [`run_wasi_tests`] runs the official WASI testsuite (preview1) the same
//! way, in-process on any tier.
//!
//! [`check_untrusted_memory_offsets`] checks that a tier does not trust a
//! hand-built IR for memory safety.
//!
//! [`check_trap_backtraces`] is the kit's second check: the frames a trap
//! names, which the spec suite does not look at.
//!
//! [`run_kit`] is the kit in one call, for any tier (built in, given with
//! `Config::tier`, or a plugin loaded with `Config::load_tier`): spec files,
//! then every check (backtraces, untrusted offsets, exceptions across host
//! functions, fuel/interruption/call depth, memory64 past 4 GiB), with the
//! runner's closing line (`strata wast --kit` from the command line).
//!
//! Each file runs in a fresh store with the `spectest` module
//! ([`define_spectest`]); modules are encoded with the `wast` crate and
//! loaded through `strata-api` like any embedder's. A panic while running a
//! directive fails that directive (and says it is a bug) instead of ending
//! the run.
// `unsafe` appears once: the untrusted-IR check vouches for a module it
// changed in the one way `ValidModule::new_unchecked` allows.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod backtrace;
mod directive;
mod error;
pub mod exceptions;
mod expected;
mod kit;
mod limits;
pub mod process_memory;
mod report;
mod runner;
mod scope;
mod spectest;
mod untrusted;
mod values;
mod wasi_suite;

pub use backtrace::check_trap_backtraces;
pub use error::Error;
pub use exceptions::{check_exceptions, LIMIT as EXCEPTION_CHECK_LIMIT};
pub use expected::{ExpectedFailures, ExpectedParseError};
pub use kit::{run_checks, run_kit, CheckOutcome, KitReport};
pub use limits::DirectiveLimits;
pub use report::{Failure, FileReport, SuiteReport, FAILURES_SHOWN_PER_FILE};
pub use runner::{run_files, Runner};
pub use scope::{
    core_scope_files, default_testsuite_dir, read_scope, run_core_scope, run_core_scope_in,
    wast_files_in, TESTSUITE_ENV,
};
pub use spectest::{define_spectest, SPECTEST};
pub use untrusted::check_untrusted_memory_offsets;
pub use wasi_suite::{
    default_wasi_testsuite_dir, run_wasi_tests, wasi_test_dirs, WasiOutcome, WasiReport,
    WasiTestResult, WASI_TESTSUITE_ENV,
};
