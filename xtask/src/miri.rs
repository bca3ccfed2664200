//! `cargo xtask miri`: the tests of `strata-runtime` and `strata-interp`
//! under Miri (`cargo +nightly miri test`), which checks the unsafe code the
//! tests reach for undefined behaviour: the memory layer's `Region` and
//! `Mmap` (on Miri's heap stand-in for `mmap`, see
//! `crates/runtime/src/memory/mmap.rs`), the interpreter's unchecked slot
//! access, its raw memory views and its dispatch loop.
//!
//! What Miri cannot run is ignored under it, each with its reason beside
//! the test (`#[cfg_attr(miri, ignore = "...")]`): the layout of real
//! `mmap` reservations and their guard pages, the native stack's bounds
//! (`pthread_getattr_np`), and large or long-running workloads. Extra Miri
//! flags come from `$MIRIFLAGS`.

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::steps::workspace_root;

/// The packages whose tests run under Miri.
const PACKAGES: &[&str] = &["strata-runtime", "strata-interp"];

/// Runs the task (it takes no options).
///
/// # Errors
/// A missing toolchain or component, or a failing test (undefined behaviour
/// included).
pub fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("unknown option `{arg}` (miri takes none)");
    }
    let root = workspace_root()?;
    let nightly = |args: &[&str]| {
        let mut c = Command::new("cargo");
        c.arg("+nightly")
            .args(args)
            .current_dir(&root)
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO");
        c
    };
    let has_miri = nightly(&["miri", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_miri {
        bail!("Miri is missing: rustup +nightly component add miri rust-src");
    }
    let started = Instant::now();
    for package in PACKAGES {
        let args = ["miri", "test", "-p", package];
        println!("\n==> cargo +nightly {}", args.join(" "));
        let step = Instant::now();
        let status = nightly(&args)
            .status()
            .with_context(|| format!("cannot run `cargo +nightly miri test -p {package}`"))?;
        if !status.success() {
            bail!("`cargo +nightly miri test -p {package}` failed ({status})");
        }
        println!("<== {package}: ok in {:.1} s", step.elapsed().as_secs_f64());
    }
    println!(
        "\nmiri: {} passed in {:.1} s",
        PACKAGES.join(", "),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
