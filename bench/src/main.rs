//! `strata-bench`: runs every benchmark kernel on Strata's built tiers and on
//! the peers (wasmi, wasmtime winch, wasmtime cranelift), in wasm32 and wasm64,
//! plus a compile-throughput benchmark, and writes `BENCHMARKS.md`, a chart
//! and the raw results as JSON. `cargo xtask bench [--quick]` runs it.
//!
//! Then the real programs (Lua and SQLite, built for wasm32-wasip1 and
//! wasm64-wasip1) run as WASI commands on every engine with WASI, beside
//! their native builds.
//!
//! Before any time counts, each kernel's checksum on each engine is checked
//! against the native build of the same C source, and each program's stdout
//! against its native run; every timed call checks it again. A cell whose
//! engine cannot load a module is "n/a" with the reason.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod ab;
mod chart;
mod engines;
mod generate;
mod kernels;
mod machine;
mod measure;
mod native;
mod programs;
mod report;
mod report_programs;
mod report_spectre;
mod results;
mod wasi_engines;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::kernels::{Width, KERNELS};
use crate::measure::{Bench, Plan};
use crate::results::{CompileCell, NativeRow, Outcome, Results, RunCell};

const USAGE: &str = "\
usage: strata-bench [--quick] [--out-dir DIR] [--only NAME] [--engine NAME]
       strata-bench --ab ENGINE_A ENGINE_B [--quick] [--out-dir DIR] [--only NAME]

  --quick         small inputs and few samples (under a minute)
  --out-dir DIR   where BENCHMARKS.md goes (default: the repository root);
                  the chart and results.json go to DIR/bench/report/
  --only NAME     run only this kernel or real program (repeatable); the
                  compile benchmark always runs
  --engine NAME   build and measure only this engine (repeatable); the only
                  way to measure an engine kept for one question, such as
                  strata-jit-nospectre (the JIT without its Spectre mask)
  --ab A B        instead of the full run: the kernels on engines A and B
                  interleaved in short rounds (robust to a shared machine),
                  the ratio A/B per kernel and width and its geometric mean;
                  writes DIR/bench/report/ab-A-vs-B.md";

/// Command-line options.
struct Options {
    quick: bool,
    out_dir: PathBuf,
    only: Vec<String>,
    engines: Vec<String>,
    ab: Option<(String, String)>,
}

fn parse_options() -> Result<Options> {
    let mut options = Options {
        quick: false,
        out_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."),
        only: Vec::new(),
        engines: Vec::new(),
        ab: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--out-dir" => {
                options.out_dir = args.next().context("`--out-dir` needs a value")?.into()
            }
            "--only" => options
                .only
                .push(args.next().context("`--only` needs a value")?),
            "--engine" => options
                .engines
                .push(args.next().context("`--engine` needs a value")?),
            "--ab" => {
                let a = args.next().context("`--ab` needs two engines")?;
                let b = args.next().context("`--ab` needs two engines")?;
                options.ab = Some((a, b));
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            // `cargo bench` passes `--bench`; accept and ignore it.
            "--bench" => {}
            _ => bail!("unknown option `{arg}`\n\n{USAGE}"),
        }
    }
    options.out_dir = std::fs::canonicalize(&options.out_dir).unwrap_or(options.out_dir);
    for name in &options.only {
        if !benchmark_names().any(|k| k == name) {
            bail!(
                "no kernel or program `{name}`; there are: {}",
                benchmark_names().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let engines = engines::all();
    let ab = options.ab.iter().flat_map(|(a, b)| [a, b]);
    for name in options.engines.iter().chain(ab) {
        if !engines.iter().any(|e| e.name == name) {
            bail!(
                "no engine `{name}`; there are: {}",
                engines
                    .iter()
                    .map(|e| e.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    Ok(options)
}

/// The kernels' and the real programs' names, which `--only` takes.
fn benchmark_names() -> impl Iterator<Item = &'static str> {
    KERNELS
        .iter()
        .map(|k| k.name)
        .chain(programs::PROGRAMS.iter().map(|p| p.name))
}

impl Options {
    /// Whether the kernel or program `name` runs.
    fn selected(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|k| k == name)
    }

    /// Whether the engine runs: every engine not kept for one question, or
    /// those `--engine` names.
    fn engine_selected(&self, spec: &engines::EngineSpec) -> bool {
        if self.engines.is_empty() {
            !spec.on_request
        } else {
            self.engines.iter().any(|e| e == spec.name)
        }
    }
}

/// Sampling of real-program runs: each takes 0.1 s to seconds, so one
/// warm-up run, then criterion's minimum of 10 samples of one run each.
fn program_plan(quick: bool) -> Plan {
    Plan {
        warmup: Duration::from_millis(1),
        measurement: Duration::from_millis(1),
        sample_size: 10,
        resamples: if quick { 2_000 } else { 50_000 },
    }
}

/// Sampling plans for kernel runs and for compilation.
fn plans(quick: bool) -> (Plan, Plan) {
    if quick {
        let run = Plan {
            warmup: Duration::from_millis(100),
            measurement: Duration::from_millis(300),
            sample_size: 10,
            resamples: 2_000,
        };
        (run, run)
    } else {
        let run = Plan {
            warmup: Duration::from_secs(1),
            measurement: Duration::from_secs(4),
            sample_size: 20,
            resamples: 50_000,
        };
        let compile = Plan {
            warmup: Duration::from_millis(500),
            measurement: Duration::from_secs(4),
            sample_size: 10,
            resamples: 50_000,
        };
        (run, compile)
    }
}

/// Where criterion keeps its data: beside the harness's build, one folder
/// per mode.
fn criterion_dir(quick: bool) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join(if quick {
        "criterion-quick"
    } else {
        "criterion"
    })
}

fn main() -> ExitCode {
    match real_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("strata-bench: some checksums disagreed; see the report");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("strata-bench: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs everything and writes the report; `Ok(false)` if a checksum disagreed.
fn real_main() -> Result<bool> {
    let options = parse_options()?;
    if let Some((a, b)) = &options.ab {
        run_ab(&options, a, b)?;
        return Ok(true);
    }
    let started = Instant::now();
    let machine_before = machine::Machine::probe();
    let (run_plan, compile_plan) = plans(options.quick);
    let criterion_dir = criterion_dir(options.quick);
    let mut run_bench = Bench::new(&run_plan, criterion_dir.clone());
    let mut compile_bench = Bench::new(&compile_plan, criterion_dir.clone());
    let program_plan = program_plan(options.quick);
    let mut program_bench = Bench::new(&program_plan, criterion_dir);
    let specs: Vec<_> = engines::all()
        .into_iter()
        .filter(|spec| options.engine_selected(spec))
        .collect();
    let mut built = Vec::new();
    for spec in &specs {
        let runner = spec.build();
        if let Err(err) = &runner {
            eprintln!("{}: cannot build the engine: {err:#}", spec.name);
        }
        built.push((spec, runner));
    }

    let mut results = Results::new(
        options.quick,
        machine_before,
        &specs,
        run_plan,
        compile_plan,
        program_plan,
    );
    for kernel in KERNELS {
        if !options.selected(kernel.name) {
            continue;
        }
        let n = kernel.n(options.quick);
        let expected = (kernel.native)(n);
        println!("{:<8} n={n:<7} checksum {expected:#018x}", kernel.name);
        let native = kernel.native;
        let native_stats = run_bench
            .measure(kernel.name, "native", &mut || check(expected, native(n)))
            .context("timing the native build")?;
        results.native.push(NativeRow {
            kernel: kernel.name,
            what: kernel.what,
            n,
            checksum: expected,
            stats: native_stats,
        });
        for width in Width::ALL {
            let group = format!("{}-{}", kernel.name, width.name());
            for (spec, runner) in built.iter().filter(|(s, _)| s.runs_kernels) {
                // Load and check the cell first; only a cell that passes is timed.
                let prepared = match runner {
                    Err(err) => Err(Outcome::NotAvailable(format!("engine not built: {err:#}"))),
                    Ok(runner) => prepare(runner.as_ref(), kernel.wasm(width), n, expected),
                };
                let outcome = match prepared {
                    Err(outcome) => outcome,
                    Ok(mut instance) => {
                        match run_bench
                            .measure(&group, spec.name, &mut || check(expected, instance.run(n)?))
                        {
                            Ok(stats) => Outcome::Measured(stats),
                            Err(err) => Outcome::Failed(one_line(&err)),
                        }
                    }
                };
                println!(
                    "{:<8} {:<7} {:<20} {}",
                    kernel.name,
                    width.name(),
                    spec.name,
                    outcome.short()
                );
                results.runs.push(RunCell {
                    kernel: kernel.name,
                    width,
                    engine: spec.name,
                    outcome,
                });
            }
        }
    }

    programs::run_all(
        options.quick,
        |name| options.selected(name),
        &built,
        &mut program_bench,
        &mut results,
    )?;

    for width in Width::ALL {
        let wat = generate::wat(generate::functions(options.quick), width);
        let wasm = wat::parse_str(&wat).context("assembling the generated module")?;
        results.compile_module_bytes.push((width, wasm.len()));
        // Check each engine can run the module, then time it.
        let mut cells: Vec<CompileCell> = Vec::new();
        let mut runnable: Vec<(usize, &dyn engines::Runner)> = Vec::new();
        for (spec, runner) in &built {
            let checked = match runner {
                Err(err) => Err(format!("engine not built: {err:#}")),
                Ok(runner) => runner
                    .load(&wasm)
                    .and_then(|mut instance| instance.run(COMPILE_CHECK_ARG))
                    .map(|result| (result, runner.as_ref()))
                    .map_err(|err| one_line(&err)),
            };
            match checked {
                Ok((result, runner)) => {
                    runnable.push((cells.len(), runner));
                    cells.push(CompileCell {
                        width,
                        engine: spec.name,
                        outcome: Outcome::NotAvailable(String::new()),
                        result: Some(result),
                    });
                }
                Err(why) => cells.push(CompileCell {
                    width,
                    engine: spec.name,
                    outcome: Outcome::NotAvailable(why),
                    result: None,
                }),
            }
        }
        for (index, runner) in runnable {
            let Some(cell) = cells.get_mut(index) else {
                continue;
            };
            let group = format!("compile-{}", width.name());
            cell.outcome = match compile_bench
                .measure(&group, cell.engine, &mut || runner.load(&wasm).map(drop))
            {
                Ok(stats) => Outcome::Measured(stats),
                Err(err) => Outcome::Failed(one_line(&err)),
            };
        }
        for cell in cells {
            println!(
                "compile  {:<7} {:<20} {}",
                width.name(),
                cell.engine,
                cell.outcome.short()
            );
            results.compile.push(cell);
        }
    }
    results.check_compile_agreement();

    results.machine_after = Some(machine::Machine::probe());
    results.elapsed_seconds = started.elapsed().as_secs_f64();
    let all_agree = results.all_agree();
    if let Some(section) = report_spectre::section(&results) {
        println!("\n{section}");
    }
    report::write(&results, &options.out_dir)?;
    Ok(all_agree)
}

/// `--ab A B`: the interleaved comparison of two engines (see [`ab`]).
fn run_ab(options: &Options, a: &str, b: &str) -> Result<()> {
    let specs = engines::all();
    let build = |name: &str| -> Result<Box<dyn engines::Runner>> {
        specs
            .iter()
            .find(|s| s.name == name)
            .with_context(|| format!("no engine `{name}`"))?
            .build()
    };
    let (ra, rb) = (build(a)?, build(b)?);
    let kernels: Vec<_> = KERNELS
        .iter()
        .filter(|k| options.selected(k.name))
        .collect();
    let machine = machine::Machine::probe();
    let rows = ab::run(&kernels, (ra.as_ref(), rb.as_ref()), options.quick)?;
    let after = machine::Machine::probe();
    let md = format!(
        "{}\nRun on {}, {} ({} logical cores), 1-minute load average {} before and {} after{}.\n",
        ab::markdown(a, b, &rows),
        machine.date,
        machine.cpu,
        machine.cores,
        machine.load,
        after.load,
        if options.quick { ", `--quick`" } else { "" }
    );
    println!("\n{md}");
    let dir = options.out_dir.join("bench").join("report");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("ab-{a}-vs-{b}.md"));
    std::fs::write(&path, md).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The argument of the generated module's `run` after compiling it.
const COMPILE_CHECK_ARG: u32 = 1000;

/// The checksum test every timed call passes.
fn check(expected: u64, got: u64) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        bail!("checksum {got:#018x}, expected {expected:#018x}")
    }
}

/// Loads one kernel on one engine and checks its checksum once; the error
/// is the cell's outcome.
fn prepare(
    runner: &dyn engines::Runner,
    wasm: &[u8],
    n: u32,
    expected: u64,
) -> Result<Box<dyn engines::Instance>, Outcome> {
    let mut instance = runner
        .load(wasm)
        .map_err(|err| Outcome::NotAvailable(one_line(&err)))?;
    match instance.run(n) {
        Err(err) => Err(Outcome::Failed(one_line(&err))),
        Ok(got) if got != expected => Err(Outcome::Mismatch { expected, got }),
        Ok(_) => Ok(instance),
    }
}

/// An error as one line (wasmtime's debug output spans several).
fn one_line(err: &anyhow::Error) -> String {
    let text = format!("{err:#}");
    let mut line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if line.len() > 160 {
        let mut cut = 160;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    line
}
