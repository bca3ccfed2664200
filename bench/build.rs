//! Build script: compiles the C kernels in `../kernels` for the host (the
//! native reference every engine's checksum is checked against) and records
//! the versions of the peers from `Cargo.lock` and of `rustc`.
//!
//! The host build needs only the C compiler Rust itself links with (`cc`);
//! the committed `.wasm` files need no C toolchain at all.

use std::path::Path;
use std::process::Command;

/// The kernels, by file stem; `src/kernels.rs` lists the same names.
const KERNELS: &[&str] = &[
    "sort",
    "sha256",
    "nbody",
    "hashmap",
    "memops",
    "intmix",
    "simd_blend",
    "simd_matmul",
];

fn main() {
    let kernels = Path::new("../kernels");
    println!("cargo:rerun-if-changed=../kernels/kernel.h");
    for name in KERNELS {
        let source = kernels.join(format!("{name}.c"));
        println!("cargo:rerun-if-changed={}", source.display());
        cc::Build::new()
            .file(&source)
            .include(kernels)
            .opt_level(2)
            .flag("-ffp-contract=off")
            .flag("-fno-math-errno")
            .flag("-std=c11")
            .warnings(true)
            .define(
                "KERNEL_NATIVE_NAME",
                Some(format!("strata_kernel_{name}").as_str()),
            )
            .compile(&format!("kernel_{name}"));
    }

    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    for (krate, var) in [
        ("wasmi", "BENCH_WASMI_VERSION"),
        ("wasmtime", "BENCH_WASMTIME_VERSION"),
        ("strata-api", "BENCH_STRATA_VERSION"),
        ("criterion", "BENCH_CRITERION_VERSION"),
    ] {
        let version = locked_version(&lock, krate).unwrap_or_else(|| "unknown".to_string());
        println!("cargo:rustc-env={var}={version}");
    }

    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=BENCH_RUSTC_VERSION={version}");
    let cc = cc::Build::new().get_compiler();
    let cc_version = Command::new(cc.path())
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=BENCH_CC_VERSION={cc_version}");
}

/// The version of `krate` in a `Cargo.lock`, if it is locked exactly once.
fn locked_version(lock: &str, krate: &str) -> Option<String> {
    let mut found = None;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{krate}\"") {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            found = Some(version.trim_end_matches('"').to_string());
        }
    }
    found
}
