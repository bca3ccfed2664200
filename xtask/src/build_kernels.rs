//! `cargo xtask build-kernels`: compiles every `kernels/*.c` twice, for
//! wasm32 and for wasm64, into `kernels/wasm32/` and `kernels/wasm64/`.
//!
//! The kernels are freestanding (no libc) and built with bulk memory, so
//! `memcpy`/`memset` become `memory.copy`/`memory.fill`; the `simd_*`
//! kernels also with `-msimd128` (their vector-extension code becomes wasm
//! SIMD). The compiler is
//! `$STRATA_CLANG`, else `clang-16`, else `clang`; it needs `wasm-ld`
//! (Debian: `apt-get install -y clang-16 lld-16`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::steps::workspace_root;

/// Flags shared by both widths.
const FLAGS: &[&str] = &[
    "-O2",
    "-nostdlib",
    "-ffreestanding",
    "-mbulk-memory",
    "-fno-math-errno",
    "-ffp-contract=off",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wl,--no-entry",
    "-Wl,--export=run",
    "-Wl,--strip-all",
];

/// The flag that `simd_*` kernels add.
const SIMD_FLAG: &str = "-msimd128";

/// The two builds: output folder and clang target.
const WIDTHS: &[(&str, &str)] = &[
    ("wasm32", "--target=wasm32-unknown-unknown"),
    ("wasm64", "--target=wasm64-unknown-unknown"),
];

/// Rebuilds every kernel.
///
/// # Errors
/// If no clang is found, a kernel fails to compile or a file cannot be written.
pub fn run() -> Result<()> {
    let dir = workspace_root()?.join("kernels");
    let clang = find_clang()?;
    let sources = sources(&dir)?;
    if sources.is_empty() {
        bail!("no C sources in {}", dir.display());
    }
    for (folder, target) in WIDTHS {
        std::fs::create_dir_all(dir.join(folder))
            .with_context(|| format!("creating {}", dir.join(folder).display()))?;
        for source in &sources {
            let stem = source
                .file_stem()
                .and_then(|s| s.to_str())
                .with_context(|| format!("bad file name {}", source.display()))?;
            let out = dir.join(folder).join(format!("{stem}.wasm"));
            let simd: &[&str] = if stem.starts_with("simd_") {
                &[SIMD_FLAG]
            } else {
                &[]
            };
            let status = Command::new(&clang)
                .arg(target)
                .args(FLAGS)
                .args(simd)
                .arg("-I")
                .arg(&dir)
                .arg("-o")
                .arg(&out)
                .arg(source)
                .status()
                .with_context(|| format!("cannot run `{clang}`"))?;
            if !status.success() {
                bail!("`{clang}` failed on {} ({target})", source.display());
            }
            let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            println!("{folder}/{stem}.wasm  {size} bytes");
        }
    }
    Ok(())
}

/// `dir/*.c`, sorted.
pub(crate) fn sources(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "c") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The first clang that runs.
fn find_clang() -> Result<String> {
    let candidates: Vec<String> = std::env::var("STRATA_CLANG")
        .into_iter()
        .chain(["clang-16".to_string(), "clang".to_string()])
        .collect();
    for candidate in &candidates {
        let works = Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if works {
            return Ok(candidate.clone());
        }
    }
    bail!(
        "no clang found (tried {}); install one with `apt-get install -y clang-16 lld-16`",
        candidates.join(", ")
    )
}
