//! Keys for signed artifacts: `strata keygen`, and reading the key files
//! that `strata compile --sign` and `strata run --trust` name (with the
//! `aot` feature; the format is `strata_aot::artifact::signing`'s: one line,
//! a label and 64 hex digits).
//!
//! The secret key file is created readable and writable by its owner only;
//! neither file is ever overwritten.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::KeygenArgs;

/// The public key's file for secret key file `secret`: `secret` + `.pub`.
fn public_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Run `strata keygen`.
///
/// # Errors
/// If randomness or either file cannot be had, or a file exists.
#[cfg(feature = "aot")]
pub fn keygen(args: &KeygenArgs) -> Result<ExitCode> {
    use anyhow::{anyhow, Context};
    use strata_api::artifact::SigningKey;

    let secret_path = &args.file;
    let public_path = public_path(secret_path);
    for path in [secret_path, &public_path] {
        if path.exists() {
            anyhow::bail!("`{}` exists; keys are never overwritten", path.display());
        }
    }
    let key = SigningKey::generate().map_err(|e| anyhow!("{e}"))?;
    let public = key.verifying_key();
    write_new(secret_path, key.to_key_file().as_bytes(), true)
        .with_context(|| format!("cannot write the secret key `{}`", secret_path.display()))?;
    if let Err(e) = write_new(&public_path, public.to_key_file().as_bytes(), false) {
        // No secret key without its public key.
        let _ = std::fs::remove_file(secret_path);
        return Err(e)
            .with_context(|| format!("cannot write the public key `{}`", public_path.display()));
    }
    println!(
        "secret key: {}\npublic key: {} (fingerprint {})",
        secret_path.display(),
        public_path.display(),
        public.fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}

/// Run `strata keygen`.
///
/// # Errors
/// Always: this binary has no AOT tier.
#[cfg(not(feature = "aot"))]
pub fn keygen(args: &KeygenArgs) -> Result<ExitCode> {
    let _ = public_path(&args.file);
    anyhow::bail!("`strata keygen` makes keys for AOT artifacts, which need the `aot` feature")
}

/// Write `bytes` to a new file at `path` (refusing an existing one); a
/// `secret` file is readable by its owner only.
#[cfg(feature = "aot")]
fn write_new(path: &Path, bytes: &[u8], secret: bool) -> std::io::Result<()> {
    use std::io::Write;

    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Read a key file as text.
#[cfg(feature = "aot")]
fn read_text(path: &Path) -> Result<String> {
    use anyhow::Context;

    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("`{}` is not a text file", path.display()))
}

/// The secret key in `path`, for `--sign`.
///
/// # Errors
/// An unreadable or malformed file, or a public key, saying which.
#[cfg(feature = "aot")]
pub fn signing_key(path: &Path) -> Result<strata_api::artifact::SigningKey> {
    let text = read_text(path)?;
    strata_api::artifact::SigningKey::from_key_file(&text).map_err(|e| {
        anyhow::anyhow!(
            "`{}` is not a secret key (--sign takes the file `strata keygen` wrote without `.pub`): {e}",
            path.display()
        )
    })
}

/// The public key in `path`, for `--trust`.
///
/// # Errors
/// An unreadable or malformed file, or a secret key, saying which.
#[cfg(feature = "aot")]
pub fn trusted_key(path: &Path) -> Result<strata_api::artifact::VerifyingKey> {
    let text = read_text(path)?;
    strata_api::artifact::VerifyingKey::from_key_file(&text).map_err(|e| {
        anyhow::anyhow!(
            "`{}` is not a public key (--trust takes the `.pub` file of `strata keygen`): {e}",
            path.display()
        )
    })
}
