//! `cargo xtask bench [--quick] [ARGS...]`: runs the benchmark harness in
//! `bench/` (its own cargo workspace, so the peers it measures never enter
//! the main build) in release mode. The harness writes `BENCHMARKS.md` and
//! `bench/report/` (a quick run writes `bench/report/*-quick.*` instead).

use anyhow::Result;

use crate::steps::Steps;

/// Runs the harness with `args` (for example `--quick`).
///
/// # Errors
/// If the harness fails to build, a checksum disagrees or a file cannot be written.
pub fn run(args: &[String]) -> Result<()> {
    let mut command = vec![
        "run",
        "--release",
        "--manifest-path",
        "bench/Cargo.toml",
        "--",
    ];
    command.extend(args.iter().map(String::as_str));
    let mut steps = Steps::new()?;
    steps.cargo("bench", &command)?;
    steps.finish();
    Ok(())
}
