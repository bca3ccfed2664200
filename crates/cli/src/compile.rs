//! `strata compile`: compile a module ahead of time into an artifact (signed
//! with `--sign`), and the loading of artifacts for `strata run` (with
//! `--trust`, only signed ones); both with the `aot` feature.
//!
//! Functions compile in parallel across the cores; on a terminal, a progress
//! line counts them.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use std::path::PathBuf;

use anyhow::Result;
use strata_api::{Engine, Module};

use crate::cli::CompileArgs;

/// The first bytes of every artifact.
const ARTIFACT_MAGIC: &[u8] = b"STRATAOT";

/// Whether `bytes` is an AOT artifact rather than a module.
pub fn is_artifact(bytes: &[u8]) -> bool {
    bytes.starts_with(ARTIFACT_MAGIC)
}

/// Load an artifact the user named on the command line, requiring a
/// signature by one of the public keys in the files `trust` if there are
/// any.
///
/// # Errors
/// If a key file cannot be read, or the artifact is refused (the message
/// names the check).
#[cfg(feature = "aot")]
#[allow(unsafe_code)]
pub fn load_artifact(engine: &Engine, bytes: &[u8], trust: &[PathBuf]) -> Result<Module> {
    let loaded = if trust.is_empty() {
        // SAFETY: running the artifact is what the user asked for by naming
        // it with `--allow-precompiled`; it is checked (header, version,
        // checksum, target, its module, its symbol table) before it runs.
        unsafe { Module::deserialize(engine, bytes) }
    } else {
        let keys = trust
            .iter()
            .map(|path| crate::keys::trusted_key(path))
            .collect::<Result<Vec<_>>>()?;
        // SAFETY: as above, and the user trusts the holders of the keys
        // named with `--trust`; the artifact must be signed by one.
        unsafe { Module::deserialize_trusted(engine, bytes, &keys) }
    };
    loaded.map_err(|e| anyhow::anyhow!("{e}"))
}

/// Load an artifact the user named on the command line.
///
/// # Errors
/// Always: this binary has no AOT tier.
#[cfg(not(feature = "aot"))]
pub fn load_artifact(engine: &Engine, bytes: &[u8], trust: &[PathBuf]) -> Result<Module> {
    let _ = (engine, bytes, trust);
    anyhow::bail!("this is an AOT artifact; running it needs the `aot` feature")
}

/// Run `strata compile`.
///
/// # Errors
/// On any failure to read, load or compile the module or write the artifact.
#[cfg(feature = "aot")]
pub fn compile(args: &CompileArgs) -> Result<ExitCode> {
    use anyhow::{anyhow, Context};
    use std::sync::atomic::{AtomicUsize, Ordering};

    let path = args.file.display();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read `{path}`"))?;
    // Read the key first: a bad key file fails before a long compile.
    let key = args
        .sign
        .as_deref()
        .map(crate::keys::signing_key)
        .transpose()?;
    // The features `strata run` loads with.
    let features = *strata_api::Config::new().get_features();
    let tty = std::io::stderr().is_terminal();
    let shown = AtomicUsize::new(0);
    let progress = |done: usize, total: usize| {
        // Redraw at most once per percent.
        let pct = done * 100 / total.max(1);
        if tty && shown.fetch_max(pct + 1, Ordering::Relaxed) < pct + 1 {
            let bar = "#".repeat(pct / 4) + &" ".repeat(25 - pct / 4);
            eprint!("\rcompiling [{bar}] {done}/{total} functions");
            let _ = std::io::stderr().flush();
        }
    };
    let compiled = strata_api::Aot::default().compile_artifact(
        &bytes,
        features,
        args.target.as_deref(),
        &progress,
    );
    if tty && shown.load(Ordering::Relaxed) > 0 {
        eprintln!();
    }
    let mut artifact = compiled.map_err(|e| match e {
        strata_api::artifact::CompileArtifactError::Load(e) => {
            anyhow!("{e}").context(format!("cannot load `{path}`"))
        }
        e => anyhow!("{e}").context(format!("cannot compile `{path}`")),
    })?;
    if let Some(key) = &key {
        artifact = strata_api::artifact::sign(&artifact, key)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("cannot sign the artifact of `{path}`"))?;
    }
    std::fs::write(&args.output, &artifact)
        .with_context(|| format!("cannot write `{}`", args.output.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// Run `strata compile`.
///
/// # Errors
/// Always: this binary has no AOT tier.
#[cfg(not(feature = "aot"))]
pub fn compile(args: &CompileArgs) -> Result<ExitCode> {
    let _ = (
        args,
        std::io::stderr().is_terminal(),
        std::io::stdout().flush(),
    );
    anyhow::bail!("`strata compile` needs the AOT tier (build with the `aot` feature)")
}
