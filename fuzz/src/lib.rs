//! Shared code of Strata's fuzz targets (`fuzz_targets/*.rs`, run with
//! `cargo xtask fuzz` or `cargo +nightly fuzz run TARGET`).
//!
//! - [`smith`]: wasm-smith configurations inside Strata's scope (no SIMD, GC,
//!   threads or imports) and module generation from fuzzer bytes;
//! - [`engines`]: one Strata engine per tier, with the fuel, call depth and
//!   size caps every target runs under;
//! - [`report`]: what a run of a module observed (instantiation, every
//!   export's outcome, the exported state), in a form both Strata and the
//!   oracle produce, and the comparisons between two reports;
//! - [`strata_run`] and [`oracle`]: a run of a module on a Strata engine and
//!   on wasmi;
//! - [`targets`]: the body of each target, callable without libFuzzer;
//! - [`artifact`]: the artifact target's checksum fixer, section splitter and
//!   mutations (never of the code section).
//!
//! The crate is its own cargo workspace, excluded from the main one, so the
//! main build, `cargo clippy --workspace` and CI never compile libFuzzer.

pub mod artifact;
pub mod engines;
pub mod oracle;
pub mod report;
pub mod smith;
pub mod strata_run;
pub mod targets;
