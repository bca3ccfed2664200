//! The real programs of the benchmark: the Lua 5.4 interpreter and the
//! SQLite 3 shell from `programs/`, built for wasm32-wasip1 and
//! wasm64-wasip1 (committed `.wasm` files), run as WASI commands on every
//! engine that has WASI, beside their native builds.
//!
//! Each run is a whole process's worth of work: a fresh instance (the module
//! is compiled once per engine and width, before timing), the program's
//! arguments, a fresh copy of its workload folder preopened as `/` (copied
//! outside the timed span), and the run to its exit. The native column runs
//! the x86-64 build of the same sources that `cargo xtask build-real-programs`
//! leaves in `target/real-programs-build/native/` (clang 22, `-O2`, the same
//! options); without it the column is "n/a" and the outputs are checked
//! against the first Strata run instead. Every timed run checks its exit
//! status and its stdout, byte for byte, against the reference.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};

use crate::engines::{EngineSpec, Runner};
use crate::kernels::Width;
use crate::measure::Bench;
use crate::results::{Outcome, ProgramCell, ProgramRow, Results};
use crate::wasi_engines::{Command, Output};

/// One real program and its benchmark workload.
pub struct Program {
    /// Its name in the report.
    pub name: &'static str,
    /// One line on the workload.
    pub what: &'static str,
    /// Its folder under `programs/` (holding `wasm32-wasip1/`, `wasm64-wasip1/`
    /// and the workload folder).
    folder: &'static str,
    /// The module's file name in `programs/<folder>/<width>-wasip1/`.
    wasm_file: &'static str,
    /// The native binary's name in `target/real-programs-build/native/`.
    native_file: &'static str,
    /// The workload folder under `programs/<folder>/`: the preopened `/` (and
    /// the working directory of the native run).
    workload: &'static str,
    /// Its arguments after `argv[0]`, for a full (false) or quick (true) run.
    args: fn(bool) -> Vec<String>,
}

impl Program {
    /// Its arguments for the chosen mode.
    pub fn args(&self, quick: bool) -> Vec<String> {
        (self.args)(quick)
    }
}

/// The programs, in report order.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "lua",
        what: "Lua 5.4 running `bench.lua`: recursive fib, an n-body simulation, string building, table sorting",
        folder: "lua",
        wasm_file: "lua.wasm",
        native_file: "lua",
        workload: "bench",
        args: |quick| {
            let scale = if quick { "0.02" } else { "0.3" };
            vec!["bench.lua".to_string(), scale.to_string()]
        },
    },
    Program {
        name: "sqlite",
        what: "the SQLite 3 shell: a database file of customers and orders built (inserts, two indexes, joins, aggregates), reopened, read back, rows deleted, VACUUM",
        folder: "sqlite",
        wasm_file: "sqlite3.wasm",
        native_file: "sqlite3",
        workload: "bench",
        args: |quick| {
            let rows = if quick { 3_000 } else { 40_000 };
            [
                "-batch",
                "test.db",
                &format!(".parameter set @rows {rows}"),
                ".read build.sql",
                ".read readback.sql",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        },
    },
];

/// The repository root.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where runs get their fresh copy of a workload.
fn scratch_dir(program: &Program) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("program-runs").join(program.name)
}

/// Replaces `scratch` with a copy of the files of `workload` (not its
/// subfolders, nor hidden files).
fn fresh_copy(workload: &Path, scratch: &Path) -> Result<()> {
    if scratch.exists() {
        std::fs::remove_dir_all(scratch)
            .with_context(|| format!("removing {}", scratch.display()))?;
    }
    std::fs::create_dir_all(scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let entries =
        std::fs::read_dir(workload).with_context(|| format!("listing {}", workload.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", workload.display()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type()?.is_file() && !hidden {
            let to = scratch.join(entry.file_name());
            std::fs::copy(entry.path(), &to).with_context(|| {
                format!("copying {} to {}", entry.path().display(), to.display())
            })?;
        }
    }
    Ok(())
}

/// Runs the native build once.
fn run_native(binary: &Path, args: &[String], dir: &Path) -> Result<Output> {
    let out = std::process::Command::new(binary)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", binary.display()))?;
    Ok(Output {
        exit_code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    })
}

/// The reference a run is checked against, and where it came from.
struct Reference {
    stdout: Vec<u8>,
    source: String,
}

/// Checks one run's exit status and stdout against the reference.
fn check(output: &Output, reference: &Reference) -> Result<()> {
    if output.exit_code != 0 {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "exit status {}; stderr: {}",
            output.exit_code,
            stderr.trim()
        );
    }
    if output.stdout != reference.stdout {
        let at = output
            .stdout
            .iter()
            .zip(&reference.stdout)
            .position(|(a, b)| a != b)
            .unwrap_or(output.stdout.len().min(reference.stdout.len()));
        bail!(
            "stdout differs from {} at byte {at} ({} bytes, the reference has {})",
            reference.source,
            output.stdout.len(),
            reference.stdout.len()
        );
    }
    Ok(())
}

/// Runs and times every program in `PROGRAMS` that `selected` accepts, on
/// the native build and on every engine that runs programs, both widths.
///
/// # Errors
/// Only if the harness itself cannot work (a workload folder cannot be
/// copied); a program that fails on an engine is that cell's outcome.
pub fn run_all(
    quick: bool,
    selected: impl Fn(&str) -> bool,
    built: &[(&EngineSpec, Result<Box<dyn Runner>>)],
    bench: &mut Bench,
    results: &mut Results,
) -> Result<()> {
    for program in PROGRAMS.iter().filter(|p| selected(p.name)) {
        run_program(program, quick, built, bench, results)?;
    }
    Ok(())
}

fn run_program(
    program: &Program,
    quick: bool,
    built: &[(&EngineSpec, Result<Box<dyn Runner>>)],
    bench: &mut Bench,
    results: &mut Results,
) -> Result<()> {
    let root = repo_root();
    let workload = root
        .join("programs")
        .join(program.folder)
        .join(program.workload);
    let scratch = scratch_dir(program);
    let args = program.args(quick);
    let native_binary = root
        .join("target")
        .join("real-programs-build")
        .join("native")
        .join(program.native_file);
    println!("{:<8} {}", program.name, args.join(" "));

    // The native run: the reference output, then its time.
    let mut reference: Option<Reference> = None;
    let native = if native_binary.is_file() {
        fresh_copy(&workload, &scratch)?;
        let output = run_native(&native_binary, &args, &scratch)?;
        let native_reference = Reference {
            stdout: output.stdout.clone(),
            source: "the native build's".to_string(),
        };
        match check(&output, &native_reference) {
            Err(err) => Outcome::Failed(crate::one_line(&err)),
            Ok(()) => {
                let group = format!("program-{}", program.name);
                let outcome = match bench.measure_after(
                    &group,
                    "native",
                    &mut || fresh_copy(&workload, &scratch),
                    &mut || {
                        check(
                            &run_native(&native_binary, &args, &scratch)?,
                            &native_reference,
                        )
                    },
                ) {
                    Ok(stats) => Outcome::Measured(stats),
                    Err(err) => Outcome::Failed(crate::one_line(&err)),
                };
                reference = Some(native_reference);
                outcome
            }
        }
    } else {
        Outcome::NotAvailable(format!(
            "no native build at {} (`cargo xtask build-real-programs` makes it; it needs clang 22)",
            native_binary.display()
        ))
    };
    println!(
        "{:<8} {:<7} {:<20} {}",
        program.name,
        "",
        "native",
        native.short()
    );
    let native_row = results.programs.len();
    results.programs.push(ProgramRow {
        program: program.name,
        what: program.what,
        args: args.clone(),
        native,
        reference: String::new(),
        stdout_bytes: 0,
    });

    for width in Width::ALL {
        let wasm_path = root
            .join("programs")
            .join(program.folder)
            .join(format!("{}-wasip1", width.name()))
            .join(program.wasm_file);
        let wasm = std::fs::read(&wasm_path)
            .with_context(|| format!("reading {}", wasm_path.display()))?;
        let group = format!("program-{}-{}", program.name, width.name());
        for (spec, runner) in built.iter().filter(|(s, _)| s.runs_programs) {
            let loaded = match runner {
                Err(err) => Err(Outcome::NotAvailable(format!("engine not built: {err:#}"))),
                Ok(runner) => runner
                    .load_command(&wasm)
                    .map_err(|err| Outcome::NotAvailable(crate::one_line(&err))),
            };
            let outcome = match loaded {
                Err(outcome) => outcome,
                Ok(command) => measure_cell(
                    command.as_ref(),
                    &args,
                    (&workload, &scratch),
                    (&group, spec.name),
                    &mut reference,
                    bench,
                ),
            };
            println!(
                "{:<8} {:<7} {:<20} {}",
                program.name,
                width.name(),
                spec.name,
                outcome.short()
            );
            results.program_runs.push(ProgramCell {
                program: program.name,
                width,
                engine: spec.name,
                outcome,
            });
        }
    }
    if let (Some(row), Some(reference)) = (results.programs.get_mut(native_row), &reference) {
        row.reference = reference.source.clone();
        row.stdout_bytes = reference.stdout.len();
    }
    Ok(())
}

/// Checks one cell's first run (which becomes the reference when there is
/// none yet), then times it.
fn measure_cell(
    command: &dyn Command,
    args: &[String],
    (workload, scratch): (&Path, &Path),
    (group, engine): (&str, &'static str),
    reference: &mut Option<Reference>,
    bench: &mut Bench,
) -> Outcome {
    let first = fresh_copy(workload, scratch).and_then(|()| command.run(args, scratch));
    let output = match first {
        Ok(output) => output,
        Err(err) => return Outcome::Failed(crate::one_line(&err)),
    };
    let reference = reference.get_or_insert_with(|| Reference {
        stdout: output.stdout.clone(),
        source: format!("{engine}'s first run (no native build)"),
    });
    if let Err(err) = check(&output, reference) {
        return Outcome::Failed(crate::one_line(&err));
    }
    let reference: &Reference = reference;
    match bench.measure_after(
        group,
        engine,
        &mut || fresh_copy(workload, scratch),
        &mut || check(&command.run(args, scratch)?, reference),
    ) {
        Ok(stats) => Outcome::Measured(stats),
        Err(err) => Outcome::Failed(crate::one_line(&err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_copy_replaces_what_a_run_left() {
        let base = std::env::temp_dir().join(format!("strata-bench-copy-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        std::fs::create_dir_all(&from).expect("creates");
        std::fs::write(from.join("script.sql"), "select 1;").expect("writes");
        std::fs::write(from.join(".gitignore"), "test.db").expect("writes");
        fresh_copy(&from, &to).expect("copies");
        std::fs::write(to.join("test.db"), "left by a run").expect("writes");
        fresh_copy(&from, &to).expect("copies again");
        let mut names: Vec<String> = std::fs::read_dir(&to)
            .expect("lists")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["script.sql"]);
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn a_different_stdout_or_status_fails_the_check() {
        let reference = Reference {
            stdout: b"1|2\n".to_vec(),
            source: "the test's".to_string(),
        };
        let output = |code, out: &[u8]| Output {
            exit_code: code,
            stdout: out.to_vec(),
            stderr: b"boom".to_vec(),
        };
        assert!(check(&output(0, b"1|2\n"), &reference).is_ok());
        let wrong = check(&output(0, b"1|3\n"), &reference).expect_err("differs");
        assert!(wrong.to_string().contains("at byte 2"), "{wrong}");
        let status = check(&output(1, b"1|2\n"), &reference).expect_err("fails");
        assert!(
            status.to_string().contains("exit status 1; stderr: boom"),
            "{status}"
        );
    }

    /// Every engine that runs programs loads both widths of each program
    /// (or says why not), and all that run give the same stdout; Strata's
    /// tiers run every one.
    #[test]
    fn every_engine_runs_the_programs_alike_on_tiny_workloads() {
        let tiny: [(&str, Vec<String>); 2] = [
            ("lua", vec!["bench.lua".into(), "0.001".into()]),
            (
                "sqlite",
                [
                    "-batch",
                    "test.db",
                    ".parameter set @rows 200",
                    ".read build.sql",
                    ".read readback.sql",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ),
        ];
        let root = repo_root();
        for (name, args) in tiny {
            let program = PROGRAMS.iter().find(|p| p.name == name).expect("listed");
            let workload = root
                .join("programs")
                .join(program.folder)
                .join(program.workload);
            let scratch = scratch_dir(program).with_extension("test");
            let mut outputs = Vec::new();
            for spec in crate::engines::all().iter().filter(|s| s.runs_programs) {
                let runner = spec.build().expect("engine builds");
                for width in Width::ALL {
                    let wasm = std::fs::read(
                        workload
                            .join("..")
                            .join(format!("{}-wasip1", width.name()))
                            .join(program.wasm_file),
                    )
                    .expect("committed module");
                    let command = match runner.load_command(&wasm) {
                        Ok(command) => command,
                        Err(err) => {
                            assert!(
                                !spec.strata,
                                "{} {name} {}: {err:#}",
                                spec.name,
                                width.name()
                            );
                            continue;
                        }
                    };
                    fresh_copy(&workload, &scratch).expect("copies");
                    let output = command.run(&args, &scratch).expect("runs");
                    assert_eq!(
                        output.exit_code,
                        0,
                        "{}: {}",
                        spec.name,
                        String::from_utf8_lossy(&output.stderr)
                    );
                    outputs.push((spec.name, width, output.stdout));
                }
            }
            assert!(outputs.len() >= 6, "{name}: {} runs", outputs.len());
            assert!(!outputs[0].2.is_empty());
            for (engine, width, stdout) in &outputs {
                assert!(
                    *stdout == outputs[0].2,
                    "{name}: {engine} {} differs",
                    width.name()
                );
            }
            let _ = std::fs::remove_dir_all(&scratch);
        }
    }
}
