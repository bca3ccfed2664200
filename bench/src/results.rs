//! The results of one benchmark run, as measured (serialized to
//! `results.json` and rendered by `report`).

use crate::engines::{Category, EngineSpec};
use crate::kernels::Width;
use crate::machine::Machine;
use crate::measure::{Plan, Stats};

/// What happened in one cell.
#[derive(Clone, Debug, serde::Serialize)]
pub enum Outcome {
    /// Checked and timed.
    Measured(Stats),
    /// The engine cannot load the module (the reason is the engine's error).
    NotAvailable(String),
    /// The module loaded but trapped or failed.
    Failed(String),
    /// The module ran but returned a different checksum from the native build.
    Mismatch {
        /// The native checksum.
        expected: u64,
        /// The engine's.
        got: u64,
    },
}

impl Outcome {
    /// The median, if measured.
    pub fn median(&self) -> Option<f64> {
        match self {
            Outcome::Measured(stats) => Some(stats.median),
            _ => None,
        }
    }

    /// One line for the console.
    pub fn short(&self) -> String {
        match self {
            Outcome::Measured(s) => format!(
                "{:>9.3} ms  [{:.3} {:.3}]  ({} samples, {} calls)",
                s.median * 1e3,
                s.median_low * 1e3,
                s.median_high * 1e3,
                s.samples,
                s.calls
            ),
            Outcome::NotAvailable(why) => format!("n/a: {why}"),
            Outcome::Failed(why) => format!("FAILED: {why}"),
            Outcome::Mismatch { expected, got } => {
                format!("WRONG CHECKSUM {got:#018x}, native {expected:#018x}")
            }
        }
    }
}

/// One engine, as the report lists it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EngineInfo {
    /// Column name.
    pub name: &'static str,
    /// Category it competes in.
    pub category: Category,
    /// Strata's own tier?
    pub strata: bool,
    /// Runs the kernels (else compile benchmark only).
    pub runs_kernels: bool,
    /// Runs the real programs.
    pub runs_programs: bool,
    /// How it is configured.
    pub how: &'static str,
}

/// A kernel's native reference.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NativeRow {
    /// Kernel name.
    pub kernel: &'static str,
    /// What it does.
    pub what: &'static str,
    /// Its input size.
    pub n: u32,
    /// The checksum every engine must return.
    pub checksum: u64,
    /// Native run time.
    pub stats: Stats,
}

/// One kernel × width × engine.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RunCell {
    /// Kernel name.
    pub kernel: &'static str,
    /// Build width.
    pub width: Width,
    /// Engine name.
    pub engine: &'static str,
    /// What happened.
    pub outcome: Outcome,
}

/// A real program's reference run (see `crate::programs`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProgramRow {
    /// Program name.
    pub program: &'static str,
    /// What the workload does.
    pub what: &'static str,
    /// Its arguments (after `argv[0]`).
    pub args: Vec<String>,
    /// The native build's run time, or why there is none.
    pub native: Outcome,
    /// What every cell's stdout was checked against.
    pub reference: String,
    /// Bytes of stdout of the reference run.
    pub stdout_bytes: usize,
}

/// One real program × width × engine.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProgramCell {
    /// Program name.
    pub program: &'static str,
    /// Build width.
    pub width: Width,
    /// Engine name.
    pub engine: &'static str,
    /// What happened (a wrong stdout or exit status is `Failed`).
    pub outcome: Outcome,
}

/// Compile throughput of one engine on one width.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CompileCell {
    /// Module width.
    pub width: Width,
    /// Engine name.
    pub engine: &'static str,
    /// Time to a runnable module (compile + instantiate).
    pub outcome: Outcome,
    /// What `run(1000)` returned, compared across engines.
    pub result: Option<u64>,
}

/// Everything one run measured.
#[derive(Debug, serde::Serialize)]
pub struct Results {
    /// `--quick`?
    pub quick: bool,
    /// The machine when the run started.
    pub machine: Machine,
    /// The machine when it ended (load average).
    pub machine_after: Option<Machine>,
    /// The engines.
    pub engines: Vec<EngineInfo>,
    /// Sampling of kernel runs.
    pub run_plan: Plan,
    /// Sampling of compilation.
    pub compile_plan: Plan,
    /// Sampling of real-program runs.
    pub program_plan: Plan,
    /// Native references, per kernel.
    pub native: Vec<NativeRow>,
    /// Kernel cells.
    pub runs: Vec<RunCell>,
    /// Real programs' references, per program.
    pub programs: Vec<ProgramRow>,
    /// Real-program cells.
    pub program_runs: Vec<ProgramCell>,
    /// Size of the generated module, per width.
    pub compile_module_bytes: Vec<(Width, usize)>,
    /// Compile cells.
    pub compile: Vec<CompileCell>,
    /// Compile cells whose `run` result differed from the others, by width.
    pub compile_disagreements: Vec<String>,
    /// Wall time of the whole run.
    pub elapsed_seconds: f64,
}

impl Results {
    /// An empty result set for these engines and plans.
    pub fn new(
        quick: bool,
        machine: Machine,
        specs: &[EngineSpec],
        run_plan: Plan,
        compile_plan: Plan,
        program_plan: Plan,
    ) -> Self {
        Results {
            quick,
            machine,
            machine_after: None,
            engines: specs
                .iter()
                .map(|s| EngineInfo {
                    name: s.name,
                    category: s.category,
                    strata: s.strata,
                    runs_kernels: s.runs_kernels,
                    runs_programs: s.runs_programs,
                    how: s.how,
                })
                .collect(),
            run_plan,
            compile_plan,
            program_plan,
            native: Vec::new(),
            runs: Vec::new(),
            programs: Vec::new(),
            program_runs: Vec::new(),
            compile_module_bytes: Vec::new(),
            compile: Vec::new(),
            compile_disagreements: Vec::new(),
            elapsed_seconds: 0.0,
        }
    }

    /// The cell for `kernel`, `width`, `engine`.
    pub fn run(&self, kernel: &str, width: Width, engine: &str) -> Option<&RunCell> {
        self.runs
            .iter()
            .find(|c| c.kernel == kernel && c.width == width && c.engine == engine)
    }

    /// The cell for `program`, `width`, `engine`.
    pub fn program_run(&self, program: &str, width: Width, engine: &str) -> Option<&ProgramCell> {
        self.program_runs
            .iter()
            .find(|c| c.program == program && c.width == width && c.engine == engine)
    }

    /// The engines that run the real programs, by category, Strata's tier
    /// first in each.
    pub fn program_engines(&self) -> Vec<&EngineInfo> {
        let mut engines: Vec<&EngineInfo> =
            self.engines.iter().filter(|e| e.runs_programs).collect();
        engines.sort_by_key(|e| (e.category, !e.strata));
        engines
    }

    /// The engines that run kernels, by category, Strata's tier first in each.
    pub fn kernel_engines(&self) -> Vec<&EngineInfo> {
        let mut engines: Vec<&EngineInfo> =
            self.engines.iter().filter(|e| e.runs_kernels).collect();
        engines.sort_by_key(|e| (e.category, !e.strata));
        engines
    }

    /// Records compile cells whose result differs from the first engine's.
    pub fn check_compile_agreement(&mut self) {
        for width in Width::ALL {
            let cells: Vec<&CompileCell> =
                self.compile.iter().filter(|c| c.width == width).collect();
            let Some(reference) = cells.iter().find_map(|c| c.result.map(|r| (c.engine, r))) else {
                continue;
            };
            for cell in &cells {
                if let Some(result) = cell.result {
                    if result != reference.1 {
                        self.compile_disagreements.push(format!(
                            "{} {}: run(1000) = {result:#x}, {} returned {:#x}",
                            width.name(),
                            cell.engine,
                            reference.0,
                            reference.1
                        ));
                    }
                }
            }
        }
    }

    /// No checksum mismatch, no failure (a real program's wrong output
    /// included) and no compile disagreement.
    pub fn all_agree(&self) -> bool {
        let fine =
            |outcome: &Outcome| !matches!(outcome, Outcome::Mismatch { .. } | Outcome::Failed(_));
        self.compile_disagreements.is_empty()
            && self.runs.iter().all(|c| fine(&c.outcome))
            && self.programs.iter().all(|p| fine(&p.native))
            && self.program_runs.iter().all(|c| fine(&c.outcome))
    }
}
