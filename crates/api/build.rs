//! Records the compiler version and the target for the tier-plugin
//! descriptor (`src/plugin.rs`): a plugin and the program loading it must
//! agree on both.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(&rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty() && !v.contains('\0'))
        .unwrap_or_else(|| "unknown rustc".into());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown target".into());
    println!("cargo:rustc-env=STRATA_RUSTC_VERSION={version}");
    println!("cargo:rustc-env=STRATA_TARGET={target}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
