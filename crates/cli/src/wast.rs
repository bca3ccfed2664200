//! `strata wast`: run `.wast` spec scripts with the conformance runner.
//!
//! Files come from `--scope FILE` (one name per line, relative to the parent
//! of the scope file's folder) and from the command line; they run in
//! parallel, each in a fresh store. The report lists each file's counts and
//! failures, and its last line is the total, `N passed, N failed, N skipped`.
//! The exit code is 1 if anything failed; skipped directives do not fail the
//! run but are called out just before the total. `--kit` adds the
//! conformance kit's own checks (one line each, each counted in the total). `--fuel` and `--timeout`
//! bound each directive: one past a bound fails, with the bound named.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use strata_conformance::{
    read_scope, run_checks, wast_files_in, DirectiveLimits, ExpectedFailures, KitReport, Runner,
};

use crate::cli::WastArgs;
use crate::tier;

/// Run `strata wast`.
///
/// # Errors
/// If the tier is not built, the scope file cannot be read or lists a file
/// that does not exist, or no file is given. Failing tests are not errors:
/// they are reported and set exit code 1.
pub fn wast(args: &WastArgs) -> Result<ExitCode> {
    let config = tier::engine_config(&args.tier)?;
    let mut files = match &args.scope {
        Some(scope) => scope_files(scope)?,
        None => Vec::new(),
    };
    for file in &args.files {
        if file.is_dir() {
            files.extend(wast_files_in(file).map_err(|err| anyhow!("{err}"))?);
        } else {
            files.push(file.clone());
        }
    }
    if files.is_empty() {
        bail!("no .wast files given (pass FILE... or --scope SCOPE_TXT)");
    }

    let mut runner = Runner::new(config.clone()).map_err(|err| anyhow!("{err}"))?;
    if let Some(list) = &args.expected_failures {
        let text = std::fs::read_to_string(list)
            .with_context(|| format!("cannot read `{}`", list.display()))?;
        let expected = ExpectedFailures::parse(&text)
            .map_err(|err| anyhow!("{err}"))
            .with_context(|| format!("`{}` is not an expected-failure list", list.display()))?;
        runner = runner.with_expected_failures(expected);
    }
    if let Some(jobs) = args.jobs {
        runner = runner.with_parallelism(jobs);
    }
    runner = runner.with_limits(DirectiveLimits {
        fuel: args.limits.fuel,
        timeout: args.limits.timeout,
    });
    let report = KitReport {
        suite: runner.run_files(&files),
        checks: if args.kit {
            run_checks(&config)
        } else {
            Vec::new()
        },
    };
    let checks_failed = report.checks.len() - report.checks_passed();
    let text = report.render();
    let (body, totals) = text.rsplit_once('\n').unwrap_or(("", &text));
    let mut out = std::io::stdout().lock();
    let mut emit = || -> std::io::Result<()> {
        if !body.is_empty() {
            writeln!(out, "{body}")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "tier {}: {} file(s), {} expected failure(s)",
            runner.engine().tier_name(),
            files.len(),
            report.suite.expected_failed
        )?;
        let failed_files: Vec<String> = report
            .suite
            .files
            .iter()
            .filter(|file| file.failed > 0)
            .map(|file| file.path.display().to_string())
            .collect();
        if !failed_files.is_empty() {
            writeln!(out, "FAILED files: {}", failed_files.join(" "))?;
        }
        if report.suite.skipped > 0 {
            writeln!(
                out,
                "NOTE: {} directive(s) SKIPPED: not run, not counted as passed",
                report.suite.skipped
            )?;
        }
        if checks_failed > 0 {
            writeln!(out, "FAILED checks of the kit: {checks_failed}")?;
        }
        writeln!(out, "{totals}")?;
        out.flush()
    };
    emit().context("cannot write to stdout")?;

    Ok(if report.suite.failed > 0 || checks_failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The files a scope file lists (resolved by the conformance crate against
/// the parent of its folder), all of which must exist.
fn scope_files(scope: &Path) -> Result<Vec<PathBuf>> {
    let files = read_scope(scope).map_err(|err| anyhow!("{err}"))?;
    if let Some(missing) = files.iter().find(|file| !file.is_file()) {
        bail!(
            "`{}` (listed in `{}`) does not exist",
            missing.display(),
            scope.display()
        );
    }
    Ok(files)
}
