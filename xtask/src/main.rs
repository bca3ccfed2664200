//! `cargo xtask`: Strata's build orchestrator (std and `anyhow` only).
//!
//! - `cargo xtask test [--testsuite PATH]`: formatting, clippy, the
//!   workspace's tests (and the CLI's with its `aot` feature), the fuzz
//!   targets' seeds and kept findings, then the core and simd scopes of
//!   the official spec suite, the official
//!   WASI testsuite and the repository's WASI programs (both widths) in
//!   every built tier, failing fast;
//! - `cargo xtask spec [--tier T] [--testsuite PATH]`: only the suite steps;
//! - `cargo xtask bench [--quick]`: the benchmark harness in `bench/` (kernels, real programs);
//! - `cargo xtask build-kernels`: rebuild the benchmark kernels' `.wasm` files;
//! - `cargo xtask large-module`: a 100 MB module's load time and peak memory per tier;
//! - `cargo xtask build-sysroot`: build the wasm32 and wasm64 WASI C sysroots;
//! - `cargo xtask build-programs`: rebuild the C test programs' `.wasm` files;
//! - `cargo xtask build-real-programs [--check]`: build Lua and the SQLite
//!   shell from Debian's sources for both widths and natively, and their
//!   tests' expectations from the native runs;
//! - `cargo xtask fuzz [--minutes N] [--target NAME] [--jobs J]`: the
//!   cargo-fuzz targets in `fuzz/` (nightly; installs cargo-fuzz if missing);
//! - `cargo xtask miri`: the interpreter's and the runtime's tests that Miri
//!   can run (nightly with the `miri` component).
//!
//! Each step prints the command it runs and its elapsed time.
#![forbid(unsafe_code)]

mod bench;
mod build_kernels;
mod build_programs;
mod build_real_programs;
mod build_sysroot;
mod fuzz;
mod large_module;
mod miri;
mod steps;
mod suite;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::steps::Steps;
use crate::suite::Suite;

/// Tiers built into `strata` today; `cargo xtask test` runs the suite in each.
const BUILT_TIERS: &[&str] = if cfg!(target_arch = "x86_64") {
    &["interp", "jit", "aot"]
} else {
    &["interp", "aot"]
};

/// Cargo features of `strata-cli` that a tier needs (tiers off by default).
fn tier_features(tier: &str) -> &'static [&'static str] {
    match tier {
        "aot" => &["--features", "aot"],
        _ => &[],
    }
}

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test   cargo fmt --check, cargo clippy -D warnings, cargo test --workspace,
         the CLI's artifact tests with its `aot` feature, the fuzz targets'
         seeds and kept findings (fuzz/, on stable), then the core spec
         and simd scopes and the WASI testsuite in every built tier, and
         part of the
         core scope on the example tier plugin (examples/trace-tier, loaded
         with --tier-plugin)
  spec   only the spec scopes (core and simd) and the WASI testsuite
  bench [--quick] [--only NAME] [--engine NAME] [--ab A B]
         every Strata tier against wasmi and wasmtime, wasm32 and wasm64:
         the kernels, then Lua and SQLite as WASI programs (native beside
         them after build-real-programs); writes BENCHMARKS.md and
         bench/report/ (--quick: a few minutes, writes
         bench/report/*-quick.* instead; --engine: only these engines;
         --ab: two engines interleaved on the kernels, e.g.
         --ab strata-jit strata-jit-nospectre for the JIT's Spectre mask)
  build-kernels
         rebuild kernels/wasm32/*.wasm and kernels/wasm64/*.wasm from
         kernels/*.c (needs clang-16 and lld-16)
  build-sysroot
         build the WASI preview1 C sysroots target/sysroot/wasm32-wasip1 and
         target/sysroot/wasm64-wasip1 from Debian's wasi-libc source and
         toolchain/wasi-libc-wasm64.patch (see toolchain/README.md)
  build-programs
         rebuild programs/c/wasm32-wasip1/*.wasm and programs/c/wasm64-wasip1/*.wasm
         (with their .json) from programs/c/*.c (needs build-sysroot first)
  build-real-programs [--check]
         build programs/lua/wasm{32,64}-wasip1/lua.wasm and
         programs/sqlite/wasm{32,64}-wasip1/sqlite3.wasm from Debian's lua5.4
         and sqlite3 sources with clang 22 (and its sysroots, built if
         missing), native builds into target/real-programs-build/native/, and
         the tests' .json from the native runs (--check: only compare them)
  large-module [--mb N] [--tier T]... [--out PATH]
         generate a module of about N MB (default 100, about 900 functions
         per MB, scalar and SIMD code) into target/large-module.wasm, then
         load, compile and run it in every built tier (or T) with
         `strata run --stats`: load and compile times, peak RSS
  fuzz [--minutes N] [--target NAME] [--jobs J]
         run the cargo-fuzz targets in fuzz/ (loader, translate_interp,
         translate_jit, translate_aot, differential, artifact) for N minutes
         each (default 5), or only NAME (repeatable), with J libFuzzer
         workers (default 1); needs the nightly toolchain, installs
         cargo-fuzz if missing; prints executions, coverage, corpus size
         and findings (fuzz/artifacts/) per target, fails on findings
  miri   the interpreter's and the runtime's tests under Miri (nightly
         with the miri component): the tests that need mmap, the native
         stack bounds or compiled code are ignored under Miri
  help   this message

options:
  --testsuite PATH   the official testsuite checkout (default: $STRATA_TESTSUITE,
                     else <workspace>/../shared/testsuite)
  --tier T           (spec only) run this tier instead of every built one";

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Parsed command line.
#[derive(Debug, Default)]
struct Options {
    command: String,
    testsuite: Option<String>,
    tiers: Vec<String>,
}

fn parse_options(mut args: impl Iterator<Item = String>) -> Result<Options> {
    let mut options = Options {
        command: args.next().unwrap_or_else(|| "help".to_string()),
        ..Options::default()
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .with_context(|| format!("`{flag}` needs a value"))
        };
        match flag.as_str() {
            "--testsuite" => options.testsuite = Some(value()?),
            "--tier" => options.tiers.push(value()?),
            _ => bail!("unknown option `{arg}`\n\n{USAGE}"),
        }
    }
    Ok(options)
}

fn real_main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => return bench::run(&args[1..]),
        Some("build-kernels") => return build_kernels::run(),
        Some("build-sysroot") => return build_sysroot::run(),
        Some("build-programs") => return build_programs::run(),
        Some("build-real-programs") => return build_real_programs::run(&args[1..]),
        Some("fuzz") => return fuzz::run(&args[1..]),
        Some("large-module") => return large_module::run(&args[1..]),
        Some("miri") => return miri::run(&args[1..]),
        _ => {}
    }
    let options = parse_options(args.into_iter())?;
    match options.command.as_str() {
        "test" => {
            if !options.tiers.is_empty() {
                bail!("`--tier` is for `cargo xtask spec`; `test` runs every built tier");
            }
            let suite = Suite::resolve(options.testsuite.as_deref())?;
            let mut steps = Steps::new()?;
            steps.cargo("fmt", &["fmt", "--all", "--check"])?;
            steps.cargo(
                "fmt (fuzz)",
                &["fmt", "--manifest-path", "fuzz/Cargo.toml", "--check"],
            )?;
            steps.cargo(
                "clippy",
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            )?;
            steps.cargo("test", &["test", "--workspace"])?;
            // The CLI's artifact tests need its `aot` feature, which the
            // workspace run leaves off.
            steps.cargo(
                "test (cli, aot)",
                &[
                    "test",
                    "-p",
                    "strata-cli",
                    "--features",
                    "aot",
                    "--test",
                    "artifacts",
                    "--test",
                    "cli",
                ],
            )?;
            // The fuzz crate is a workspace of its own: its seeds and kept
            // findings replay on stable, without libFuzzer.
            steps.cargo(
                "fuzz regressions",
                &["test", "--manifest-path", "fuzz/Cargo.toml"],
            )?;
            spec(&mut steps, &suite, BUILT_TIERS)?;
            wasi(&mut steps, BUILT_TIERS)?;
            plugin(&mut steps, &suite)?;
            steps.finish();
            Ok(())
        }
        "spec" => {
            let suite = Suite::resolve(options.testsuite.as_deref())?;
            let tiers: Vec<&str> = if options.tiers.is_empty() {
                BUILT_TIERS.to_vec()
            } else {
                options.tiers.iter().map(String::as_str).collect()
            };
            let mut steps = Steps::new()?;
            spec(&mut steps, &suite, &tiers)?;
            wasi(&mut steps, &tiers)?;
            steps.finish();
            Ok(())
        }
        "help" | "--help" | "-h" => {
            // Ignore a closed pipe (`cargo xtask help | head`).
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Folders of the repository's own WASI programs (`programs/`), run with the
/// WASI testsuite.
const PROGRAM_DIRS: &[&str] = &[
    "programs/c/wasm32-wasip1",
    "programs/c/wasm64-wasip1",
    "programs/lua/wasm32-wasip1",
    "programs/lua/wasm64-wasip1",
    "programs/sqlite/wasm32-wasip1",
    "programs/sqlite/wasm64-wasip1",
];

/// In each of `tiers`: the official WASI testsuite (when found) and the
/// repository's WASI programs in both widths.
fn wasi(steps: &mut Steps, tiers: &[&str]) -> Result<()> {
    let suite = suite::wasi_suite()?;
    if suite.is_none() {
        suite::warn_no_wasi_suite();
    }
    let suite = suite.map(|dir| dir.to_string_lossy().into_owned());
    for tier in tiers {
        let name = format!("wasi ({tier})");
        let mut args = vec!["run", "--release", "-p", "strata-cli"];
        args.extend_from_slice(tier_features(tier));
        args.extend_from_slice(&["--", "wasi-test", "--tier", tier]);
        if let Some(dir) = &suite {
            args.extend_from_slice(&["--testsuite", dir]);
        }
        args.extend_from_slice(PROGRAM_DIRS);
        steps.cargo_with_summary(&name, &args)?;
    }
    Ok(())
}

/// Spec files of the core scope that `plugin` runs on the example plugin:
/// numerics, memory32 and memory64 addressing, calls within and across
/// instances (the latter go through the store, the SDK's `call_from`).
const PLUGIN_SPEC_FILES: &[&str] = &[
    "i32.wast",
    "i64.wast",
    "address.wast",
    "address64.wast",
    "memory64.wast",
    "call.wast",
    "call_indirect.wast",
    "linking.wast",
    "imports.wast",
];

/// The example tier plugin (`examples/trace-tier`), built as a library and
/// loaded by `strata --tier-plugin`: part of the core scope when the suite
/// is here, else the repository's examples.
fn plugin(steps: &mut Steps, suite: &Suite) -> Result<()> {
    steps.cargo(
        "plugin build",
        &["build", "--release", "-p", "strata-trace-tier"],
    )?;
    let root = steps::workspace_root()?;
    // Where cargo put it: `$CARGO_TARGET_DIR` (relative to the workspace
    // root, where the steps run) or `target/`.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), |d| root.join(d));
    let library = target
        .join("release")
        .join(format!(
            "{}strata_trace_tier{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        ))
        .to_string_lossy()
        .into_owned();
    let mut args = vec!["run", "--release", "-p", "strata-cli", "--"];
    match suite {
        Suite::Dir(dir) => {
            let files: Vec<String> = PLUGIN_SPEC_FILES
                .iter()
                .map(|f| dir.join(f).to_string_lossy().into_owned())
                .collect();
            args.extend_from_slice(&["wast", "--tier-plugin", &library]);
            args.extend(files.iter().map(String::as_str));
            steps.cargo_with_summary("spec (plugin)", &args)
        }
        Suite::Fallback => {
            suite::warn_fallback();
            args.extend_from_slice(&["run", "--tier-plugin", &library, "examples/sort64.wat"]);
            steps.cargo("run (plugin)", &args)
        }
    }
}

/// The core and simd spec scopes in each of `tiers`.
fn spec(steps: &mut Steps, suite: &Suite, tiers: &[&str]) -> Result<()> {
    for tier in tiers {
        let name = format!("spec ({tier})");
        match suite {
            Suite::Dir(dir) => {
                let scopes = [("core", name), ("simd", format!("spec simd ({tier})"))];
                for (scope, name) in scopes {
                    let scope = dir.join("scopes").join(format!("{scope}.txt"));
                    let scope = scope.to_string_lossy();
                    let mut args = vec!["run", "--release", "-p", "strata-cli"];
                    args.extend_from_slice(tier_features(tier));
                    args.extend_from_slice(&["--", "wast", "--tier", tier, "--scope", &scope]);
                    steps.cargo_with_summary(&name, &args)?;
                }
            }
            Suite::Fallback => {
                suite::warn_fallback();
                steps.cargo(&name, &["test", "--release", "-p", "strata-conformance"])?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options> {
        parse_options(args.iter().map(|s| (*s).to_string()))
    }

    #[test]
    fn options() -> Result<()> {
        let o = parse(&["spec", "--tier", "interp", "--testsuite=/x"])?;
        assert_eq!(o.command, "spec");
        assert_eq!(o.tiers, ["interp"]);
        assert_eq!(o.testsuite.as_deref(), Some("/x"));
        assert_eq!(parse(&[])?.command, "help");
        assert!(parse(&["test", "--tier"]).is_err());
        assert!(parse(&["test", "--bogus"]).is_err());
        Ok(())
    }
}
