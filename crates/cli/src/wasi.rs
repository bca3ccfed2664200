//! The WASI context of `strata run`: the guest's arguments (the module file
//! as `argv[0]`, then everything after it), `--env` variables, `--dir`
//! preopens, and the host's stdio.

use anyhow::{bail, Context, Result};
use strata_wasi::{DirPerms, FilePerms, WasiCtx};

use crate::cli::RunArgs;

/// The WASI context for `args`.
///
/// # Errors
/// If a `--env` or `--dir` is malformed, or a directory cannot be opened.
pub fn context(args: &RunArgs) -> Result<WasiCtx> {
    let mut b = WasiCtx::builder();
    b.inherit_stdio();
    b.arg(args.file().to_string_lossy());
    if args.invoke.is_none() {
        b.args(args.guest_args());
    }
    for var in &args.env {
        match var.split_once('=') {
            Some(("", _)) => {
                bail!("--env `{var}`: the variable name is empty")
            }
            Some((name, value)) => b.env(name, value),
            None => match std::env::var(var) {
                Ok(value) => b.env(var, value),
                Err(_) => bail!("--env `{var}`: the host has no such variable to pass on"),
            },
        };
    }
    for dir in &args.dirs {
        let (host, guest) = dir.split_once("::").unwrap_or((dir, dir));
        b.preopened_dir(host, guest, DirPerms::all(), FilePerms::all())
            .with_context(|| format!("--dir `{dir}`: cannot open `{host}` as a directory"))?;
    }
    Ok(b.build())
}
