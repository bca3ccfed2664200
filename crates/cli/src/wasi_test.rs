//! `strata wasi-test`: run the official WASI testsuite (preview1) with the
//! conformance kit, in-process on the chosen tier. Each test prints one
//! line, each folder its counts, and the last line is the total,
//! `N passed, N failed, N skipped`; the exit code is 1 if anything failed.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use strata_conformance::{default_wasi_testsuite_dir, run_wasi_tests, wasi_test_dirs};

use crate::cli::WasiTestArgs;
use crate::tier;

/// Run `strata wasi-test`.
///
/// # Errors
/// If the tier is not built, or the suite or a folder cannot be read.
pub fn wasi_test(args: &WasiTestArgs) -> Result<ExitCode> {
    let config = tier::engine_config(&args.tier)?;
    let tier_name = config.get_tier().map_or("interp", |t| t.name());
    let mut dirs = args.dirs.clone();
    if dirs.is_empty() || args.testsuite.is_some() {
        let suite = args
            .testsuite
            .clone()
            .unwrap_or_else(default_wasi_testsuite_dir);
        dirs.extend(wasi_test_dirs(&suite).map_err(|e| anyhow!("{e}"))?);
    }
    if dirs.is_empty() {
        bail!("no test folders found");
    }
    let started = std::time::Instant::now();
    let report = run_wasi_tests(&config, &dirs).map_err(|e| anyhow!("{e}"))?;
    let text = report.render();
    let (body, totals) = text.rsplit_once('\n').unwrap_or(("", &text));
    let mut out = std::io::stdout().lock();
    writeln!(out, "{body}")
        .and_then(|()| {
            writeln!(
                out,
                "tier {}: {} test(s) in {:.1} s",
                tier_name,
                report.tests.len(),
                started.elapsed().as_secs_f64()
            )
        })
        .and_then(|()| writeln!(out, "{totals}"))
        .and_then(|()| out.flush())
        .context("cannot write to stdout")?;
    Ok(if report.failed() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
