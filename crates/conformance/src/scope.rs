//! Test-suite location and scope lists.
//!
//! The suite is a folder of `.wast` files (the official Wasm 3.0 core suite)
//! with `scopes/<name>.txt` lists in it; a scope lists one file a line,
//! relative to the parent of the scope file's folder, `#` starting a comment.
//! The folder is `$STRATA_TESTSUITE`, or by default `shared/testsuite` next
//! to the workspace.

use std::path::{Path, PathBuf};

use strata_api::Config;

use crate::error::Error;
use crate::report::SuiteReport;
use crate::runner::Runner;

/// The environment variable naming the test-suite folder.
pub const TESTSUITE_ENV: &str = "STRATA_TESTSUITE";

/// The test-suite folder: `$STRATA_TESTSUITE`, else `<workspace>/../shared/testsuite`.
pub fn default_testsuite_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(TESTSUITE_ENV) {
        return PathBuf::from(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testsuite");
    dir.canonicalize().unwrap_or(dir)
}

/// The files a scope list names, in order.
///
/// # Errors
/// If the list cannot be read.
pub fn read_scope(scope_file: &Path) -> Result<Vec<PathBuf>, Error> {
    let text = std::fs::read_to_string(scope_file).map_err(|source| Error::Io {
        path: scope_file.to_path_buf(),
        source,
    })?;
    let base = scope_file
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."));
    Ok(parse_scope(&text)
        .into_iter()
        .map(|name| base.join(name))
        .collect())
}

/// The names of a scope list's text.
fn parse_scope(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.split_once('#').map_or(l, |(before, _)| before).trim())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The files of the core scope (`scopes/core.txt`) of the suite in `suite_dir`.
///
/// # Errors
/// [`Error::SuiteNotFound`] if `suite_dir` does not exist; otherwise if the
/// list cannot be read.
pub fn core_scope_files(suite_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if !suite_dir.is_dir() {
        return Err(Error::SuiteNotFound(suite_dir.to_path_buf()));
    }
    read_scope(&suite_dir.join("scopes").join("core.txt"))
}

/// Run the core scope of the suite in `suite_dir` on an engine of `config`
/// (which names the tier) with that tier's expected failures.
///
/// # Errors
/// As [`core_scope_files`] and [`Runner::new`].
pub fn run_core_scope_in(config: Config, suite_dir: &Path) -> Result<SuiteReport, Error> {
    let files = core_scope_files(suite_dir)?;
    Ok(Runner::new(config)?.run_files(&files))
}

/// The `.wast` files directly in `dir`, sorted by name (for running a
/// directory of scripts, as `strata wast DIR` does).
///
/// # Errors
/// If `dir` cannot be read.
pub fn wast_files_in(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "wast") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Run the core scope of the default suite ([`default_testsuite_dir`]).
///
/// # Errors
/// As [`run_core_scope_in`].
pub fn run_core_scope(config: Config) -> Result<SuiteReport, Error> {
    run_core_scope_in(config, &default_testsuite_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lines() {
        assert_eq!(
            parse_scope("a.wast\n# comment\n\n  b.wast  # trailing\nlegacy/c.wast\n"),
            ["a.wast", "b.wast", "legacy/c.wast"]
        );
    }

    #[test]
    fn missing_suite_is_reported() {
        let e = core_scope_files(Path::new("/nonexistent/strata/testsuite"));
        assert!(matches!(e, Err(Error::SuiteNotFound(_))));
    }
}
