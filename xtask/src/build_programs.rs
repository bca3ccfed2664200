//! `cargo xtask build-programs`: compiles every `programs/c/*.c` twice, for
//! wasm32 and for wasm64, against the sysroots of `cargo xtask
//! build-sysroot`, into `programs/c/wasm32-wasip1/NAME.wasm` and
//! `programs/c/wasm64-wasip1/NAME.wasm`, and puts each program's test
//! specification next to it as `NAME.json` for `strata wasi-test`.
//!
//! The specification is `programs/c/NAME.<width>.json` if there is one (for
//! a program whose expected behaviour differs per width), else
//! `programs/c/NAME.json`, else none. The output folders are emptied of
//! `.wasm` and `.json` files first, so a removed program leaves nothing
//! behind. The modules are built with `-O2` and stripped
//! ([`crate::build_sysroot::PROGRAM_FLAGS`]).

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::build_kernels::sources;
use crate::build_sysroot::{self, WIDTHS};
use crate::steps::workspace_root;

/// Rebuilds every program for both widths.
///
/// # Errors
/// If a tool or a sysroot is missing, a program fails to compile, or a file
/// cannot be read or written.
pub fn run() -> Result<()> {
    let root = workspace_root()?;
    let dir = root.join("programs").join("c");
    println!("==> checking the tools");
    build_sysroot::check_program_tools()?;
    for width in WIDTHS {
        let libc = width.lib_dir(&root).join("libc.a");
        if !libc.is_file() {
            bail!(
                "no {} sysroot ({} is missing); build it with `cargo xtask build-sysroot`",
                width.name,
                libc.display()
            );
        }
    }
    let sources = sources(&dir)?;
    if sources.is_empty() {
        bail!("no C sources in {}", dir.display());
    }
    for width in WIDTHS {
        println!("==> {} programs into {}", width.name, width.folder);
        let out_dir = dir.join(width.folder);
        std::fs::create_dir_all(&out_dir)
            .with_context(|| format!("creating {}", out_dir.display()))?;
        clean(&out_dir)?;
        for source in &sources {
            let stem = source
                .file_stem()
                .and_then(|s| s.to_str())
                .with_context(|| format!("bad file name {}", source.display()))?;
            let out = out_dir.join(format!("{stem}.wasm"));
            build_sysroot::compile(&root, width, source, &out, &[])?;
            let size = std::fs::metadata(&out)
                .with_context(|| format!("reading {}", out.display()))?
                .len();
            let spec = [
                dir.join(format!("{stem}.{}.json", width.name)),
                dir.join(format!("{stem}.json")),
            ]
            .into_iter()
            .find(|p| p.is_file());
            let spec_note = match &spec {
                Some(spec) => {
                    let to = out_dir.join(format!("{stem}.json"));
                    std::fs::copy(spec, &to).with_context(|| {
                        format!("copying {} to {}", spec.display(), to.display())
                    })?;
                    spec.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                }
                None => "no json".to_string(),
            };
            println!(
                "    {}/{stem}.wasm  {size} bytes  ({spec_note})",
                width.folder
            );
        }
    }
    println!(
        "\nrun them with:\n  target/release/strata wasi-test programs/c/wasm32-wasip1 programs/c/wasm64-wasip1"
    );
    Ok(())
}

/// Removes the `.wasm` and `.json` files of an output folder.
fn clean(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.is_file() && path.extension().is_some_and(|e| e == "wasm" || e == "json") {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}
