//! Command-line syntax of `strata`, declared with `clap`'s derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::tier::TierName;

/// Strata: a WebAssembly runtime with first-class memory64.
#[derive(Debug, Parser)]
#[command(
    name = "strata",
    version,
    about = "Strata: a WebAssembly runtime with first-class memory64"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Instantiate a module and call `_start`, `main` or the export named by
    /// `--invoke`, printing its results one per line.
    Run(RunArgs),
    /// Run `.wast` spec-test scripts and print pass/fail/skip counts.
    Wast(WastArgs),
    /// Compile a module ahead of time into a versioned artifact (`--tier
    /// aot`; needs the `aot` feature).
    Compile(CompileArgs),
}

/// Arguments of `strata compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The module: a binary `.wasm` or a text `.wat` file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Where to write the artifact.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// Target triple (default: this host, with its CPU features), e.g.
    /// `aarch64-unknown-linux-gnu`.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
}

/// Arguments of `strata run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Execution tier.
    #[arg(long, value_enum, default_value_t = TierName::Interp)]
    pub tier: TierName,

    /// Export to call (default: `_start`, else `main`, else only the start
    /// function runs).
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,

    /// The module: a binary `.wasm` or a text `.wat` file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Arguments of the called function, parsed per its parameter types:
    /// integers in decimal or `0x` hex, floats in decimal or `nan`, `inf`,
    /// `-inf`; `null` for references.
    #[arg(
        value_name = "ARGS",
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub args: Vec<String>,
}

/// Arguments of `strata wast`.
#[derive(Debug, Args)]
pub struct WastArgs {
    /// Execution tier.
    #[arg(long, value_enum, default_value_t = TierName::Interp)]
    pub tier: TierName,

    /// A scope file listing `.wast` names, one per line (`#` starts a
    /// comment); names are relative to the parent of the scope file's folder,
    /// so `testsuite/scopes/core.txt` lists names relative to `testsuite/`.
    #[arg(long, value_name = "SCOPE_TXT")]
    pub scope: Option<PathBuf>,

    /// Files run at once (default: the number of CPUs).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,

    /// `.wast` files to run (after those of `--scope`).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}
