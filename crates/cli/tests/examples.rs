//! Runs every program in `examples/` through the `strata` binary and checks
//! its output. The expected values were computed independently of Strata
//! (a Python model of each program, and another engine).

mod common;

use common::strata;

#[test]
fn sort64_sorts_above_4_gib() {
    // Python: LCG x = x * 6364136223846793005 + 1442695040888963407 mod 2^64
    // from 42, 2000 values, sorted, h = (h * 1099511628211) ^ v from the
    // FNV-1a basis, as a signed i64.
    let out = strata(&["run", "examples/sort64.wat"]);
    assert_eq!(out.ok(), "8058710662330092173\n");
}

#[test]
fn sort64_with_explicit_tier_and_invoke() {
    let out = strata(&[
        "run",
        "--tier",
        "interp",
        "--invoke",
        "main",
        "examples/sort64.wat",
    ]);
    assert_eq!(out.ok(), "8058710662330092173\n");
}

#[test]
fn fib_main() {
    assert_eq!(strata(&["run", "examples/fib.wat"]).ok(), "6765\n");
}

#[test]
fn fib_invoke_with_arguments() {
    let out = strata(&["run", "--invoke", "fib", "examples/fib.wat", "25"]);
    assert_eq!(out.ok(), "75025\n");
    let out = strata(&["run", "--invoke", "fib", "examples/fib.wat", "0x10"]);
    assert_eq!(out.ok(), "987\n");
    let out = strata(&["run", "--invoke", "fib_table", "examples/fib.wat", "90"]);
    assert_eq!(out.ok(), "2880067194370816120\n");
}

#[test]
fn fib_table_out_of_bounds_traps() {
    // mem[8 * 8192] is one past the single 64 KiB page.
    let out = strata(&["run", "--invoke", "fib_table", "examples/fib.wat", "8192"]);
    let err = out.trap().to_lowercase();
    assert!(err.contains("bounds"), "{err}");
    assert_eq!(out.stdout, "");
}

#[test]
fn hello64_prints_through_the_host() {
    let out = strata(&["run", "examples/hello64.wat"]);
    assert_eq!(out.ok(), "hello from above 4 GiB\n23\n");
}

#[test]
fn every_example_is_tested() {
    let mut names: Vec<String> = std::fs::read_dir(common::workspace_root().join("examples"))
        .expect("examples/ exists")
        .map(|entry| {
            entry
                .expect("readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".wat") || name.ends_with(".wasm"))
        .collect();
    names.sort();
    // args64.wat is tested in tests/wasi.rs.
    assert_eq!(
        names,
        ["args64.wat", "fib.wat", "hello64.wat", "sort64.wat"]
    );
}
