//! `strata`: the command-line front end of the Strata WebAssembly runtime.
//!
//! - `strata run FILE [--invoke NAME] [ARGS...]` instantiates a module (binary
//!   or text) with a small host module and calls one of its exports;
//! - `strata wast [--scope FILE] [FILES...]` runs spec tests with the
//!   conformance runner;
//! - `strata wasi-test [--testsuite DIR] [FOLDERS...]` runs the official
//!   WASI testsuite;
//! - `strata compile FILE -o OUT [--target TRIPLE] [--sign KEYFILE]` writes
//!   an AOT artifact (with the `aot` feature), which `strata run
//!   --allow-precompiled [--trust PUBKEYFILE]` recognizes by its magic;
//! - `strata keygen KEYFILE` makes the key pair `--sign` and `--trust` take.
//!
//! Every failure (unreadable file, malformed module, link error, trap) is
//! reported as one `error: ...` message on stderr with exit code 1; nothing
//! here panics on user input.
// `unsafe` is denied, except for two calls that run code the user named on
// the command line, the user's trust decision: loading a tier plugin
// (`tier::plugin_config`) and, with the `aot` feature, an artifact
// (`compile::load_artifact`, with `--allow-precompiled` and, if given, the
// keys of `--trust`).
#![deny(unsafe_code)]

mod cli;
mod compile;
mod host;
mod keys;
mod limits;
mod run;
mod tier;
mod values;
#[cfg(feature = "wasi")]
mod wasi;
mod wasi_test;
mod wast;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => {
            // A panic here is a bug in Strata, not in the guest: report it
            // like any other error instead of with a Rust backtrace. (`wast`
            // keeps the default hook: its runner catches and reports panics
            // per directive.)
            std::panic::set_hook(Box::new(|info| {
                eprintln!("error: internal error (a bug in Strata): {info}");
            }));
            std::panic::catch_unwind(|| run::run(&args)).unwrap_or(Ok(ExitCode::FAILURE))
        }
        Command::Wast(args) => wast::wast(&args),
        Command::WasiTest(args) => wasi_test::wasi_test(&args),
        Command::Compile(args) => compile::compile(&args),
        Command::Keygen(args) => keys::keygen(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
