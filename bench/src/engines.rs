//! The engines under test, behind one small interface: Strata's built tiers
//! and the peers (wasmi, wasmtime with winch and with cranelift).
//!
//! An engine turns module bytes into a runnable instance ([`Runner::load`]:
//! compile plus instantiate, the "time to a runnable module" of the compile
//! benchmark), and an instance calls its `run(i32) -> i64` export.
//!
//! Adding a Strata tier is one line in [`STRATA_TIERS`]: a name, the
//! category it competes in and a function building its `strata_api::Config`,
//! behind a feature of this crate that forwards to the strata-api feature of
//! the same name (for example `jit = ["strata-api/jit"]` in `Cargo.toml`).

use anyhow::{anyhow, bail, Context, Result};

use crate::wasi_engines::{Command, StrataCommand, WasmtimeCommand};

/// What an engine is compared against: Strata's interpreter against wasmi,
/// its baseline compiler against winch, its AOT compiler against cranelift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Category {
    /// Interprets (after translating to its own bytecode).
    Interpreter,
    /// A single-pass baseline compiler.
    Baseline,
    /// An optimizing compiler (JIT or ahead of time).
    Optimizing,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 3] = [
        Category::Interpreter,
        Category::Baseline,
        Category::Optimizing,
    ];

    /// Lower-case name for the report.
    pub fn name(self) -> &'static str {
        match self {
            Category::Interpreter => "interpreter",
            Category::Baseline => "baseline compiler",
            Category::Optimizing => "optimizing compiler",
        }
    }
}

/// A module compiled and instantiated, ready to call.
pub trait Instance {
    /// Calls the `run(i32) -> i64` export.
    fn run(&mut self, n: u32) -> Result<u64>;
}

/// An engine, configured once, that loads modules.
pub trait Runner {
    /// Compiles and instantiates `wasm` (no imports) and finds its `run` export.
    fn load(&self, wasm: &[u8]) -> Result<Box<dyn Instance>>;

    /// Compiles `wasm` as a WASI preview1 command (see [`crate::wasi_engines`]).
    ///
    /// # Errors
    /// If the module does not compile or link, or the harness gives this
    /// engine no WASI (the default).
    fn load_command(&self, _wasm: &[u8]) -> Result<Box<dyn Command>> {
        bail!("the harness gives this engine no WASI")
    }
}

/// One engine of the report.
pub struct EngineSpec {
    /// Column name, e.g. `strata-interp` or `wasmtime-winch`.
    pub name: &'static str,
    /// The category it competes in.
    pub category: Category,
    /// Strata's own tier (true) or a peer (false).
    pub strata: bool,
    /// Whether it runs the kernels; engines measured only for compile time
    /// (wasmi's lazy default) say false.
    pub runs_kernels: bool,
    /// Whether it runs the real programs (WASI commands, see
    /// [`Runner::load_command`]).
    pub runs_programs: bool,
    /// One line on how it is configured.
    pub how: &'static str,
    /// Measured only when `--engine` names it (a variant kept for one
    /// question, such as the JIT without its Spectre mask).
    pub on_request: bool,
    /// Builds the engine.
    pub make: Maker,
}

/// A Strata tier: its name, category and configuration.
struct StrataTier {
    name: &'static str,
    category: Category,
    how: &'static str,
    /// See [`EngineSpec::on_request`].
    on_request: bool,
    config: fn() -> strata_api::Config,
}

/// The JIT with `spectre_hardening` off, measured beside `strata-jit` to
/// price the mask (see the report's "Spectre hardening in the JIT").
pub const NO_SPECTRE_JIT: &str = "strata-jit-nospectre";
/// The JIT it is compared with.
pub const JIT: &str = "strata-jit";

/// Strata's built tiers, one entry each, behind the feature that builds it.
const STRATA_TIERS: &[StrataTier] = &[
    StrataTier {
        name: "strata-interp",
        category: Category::Interpreter,
        how: "`Config::new()`: the default interpreter tier",
        on_request: false,
        config: strata_api::Config::new,
    },
    #[cfg(feature = "jit")]
    StrataTier {
        name: JIT,
        category: Category::Baseline,
        how: "`Config::new().tier(Arc::new(Jit::default()))`: the baseline JIT",
        on_request: false,
        config: || strata_api::Config::new().tier(std::sync::Arc::new(strata_api::Jit::default())),
    },
    #[cfg(feature = "jit")]
    StrataTier {
        name: NO_SPECTRE_JIT,
        category: Category::Baseline,
        how: "`Jit::new(JitConfig::default().spectre_hardening(false))`: the baseline JIT without its Spectre mask (only with `--engine`)",
        on_request: true,
        config: || {
            let config = strata_api::JitConfig::default().spectre_hardening(false);
            strata_api::Config::new().tier(std::sync::Arc::new(strata_api::Jit::new(config)))
        },
    },
    #[cfg(feature = "aot")]
    StrataTier {
        name: "strata-aot",
        category: Category::Optimizing,
        how:
            "`Config::new().tier(Arc::new(Aot::new()))`: the Cranelift AOT tier, compiled in memory",
        on_request: false,
        config: || strata_api::Config::new().tier(std::sync::Arc::new(strata_api::Aot::new())),
    },
];

/// Every engine: Strata's built tiers, then the peers.
pub fn all() -> Vec<EngineSpec> {
    let mut engines: Vec<EngineSpec> = STRATA_TIERS
        .iter()
        .map(|tier| EngineSpec {
            name: tier.name,
            category: tier.category,
            strata: true,
            runs_kernels: true,
            runs_programs: true,
            how: tier.how,
            on_request: tier.on_request,
            make: Maker::Strata(tier.config),
        })
        .collect();
    engines.extend([
        EngineSpec {
            name: "wasmi",
            category: Category::Interpreter,
            strata: false,
            runs_kernels: true,
            runs_programs: false,
            how: "eager translation, memory64 on",
            on_request: false,
            make: Maker::Peer(|| Ok(Box::new(Wasmi::new(wasmi::CompilationMode::Eager)?))),
        },
        EngineSpec {
            name: "wasmi-lazy",
            category: Category::Interpreter,
            strata: false,
            runs_kernels: false,
            runs_programs: false,
            how: "wasmi's default: validate eagerly, translate each function on first call",
            on_request: false,
            make: Maker::Peer(|| {
                Ok(Box::new(Wasmi::new(
                    wasmi::CompilationMode::LazyTranslation,
                )?))
            }),
        },
        EngineSpec {
            name: "wasmtime-winch",
            category: Category::Baseline,
            strata: false,
            runs_kernels: true,
            runs_programs: true,
            how: "`Strategy::Winch`, memory64 on, parallel compilation (wasmtime's default)",
            on_request: false,
            make: Maker::Peer(|| Ok(Box::new(Wasmtime::new(wasmtime::Strategy::Winch)?))),
        },
        EngineSpec {
            name: "wasmtime-cranelift",
            category: Category::Optimizing,
            strata: false,
            runs_kernels: true,
            runs_programs: true,
            how: "`Strategy::Cranelift` (default opt level), memory64 on, parallel compilation (wasmtime's default)",
            on_request: false,
            make: Maker::Peer(|| Ok(Box::new(Wasmtime::new(wasmtime::Strategy::Cranelift)?))),
        },
    ]);
    engines
}

/// How an [`EngineSpec`] builds its engine.
pub enum Maker {
    /// A Strata tier, from its configuration.
    Strata(fn() -> strata_api::Config),
    /// A peer, from its own constructor.
    Peer(fn() -> Result<Box<dyn Runner>>),
}

impl EngineSpec {
    /// Builds the engine.
    ///
    /// # Errors
    /// The engine's own error, if it refuses its configuration.
    pub fn build(&self) -> Result<Box<dyn Runner>> {
        match self.make {
            Maker::Strata(config) => {
                let engine = strata_api::Engine::new(&config())
                    .map_err(|err| anyhow!("{}: {err}", self.name))?;
                Ok(Box::new(Strata { engine }))
            }
            Maker::Peer(make) => make(),
        }
    }
}

struct Strata {
    engine: strata_api::Engine,
}

struct StrataInstance {
    store: strata_api::Store<()>,
    run: strata_api::Func,
}

impl Runner for Strata {
    fn load(&self, wasm: &[u8]) -> Result<Box<dyn Instance>> {
        let module = strata_api::Module::new(&self.engine, wasm)?;
        let mut store = strata_api::Store::new(&self.engine, ());
        let instance = strata_api::Instance::new(&mut store, &module, &[])?;
        let run = instance
            .get_func(&store, "run")
            .context("the module exports no `run` function")?;
        Ok(Box::new(StrataInstance { store, run }))
    }

    fn load_command(&self, wasm: &[u8]) -> Result<Box<dyn Command>> {
        Ok(Box::new(StrataCommand::new(&self.engine, wasm)?))
    }
}

impl Instance for StrataInstance {
    fn run(&mut self, n: u32) -> Result<u64> {
        let arg = strata_api::Val::I32(i32::from_ne_bytes(n.to_ne_bytes()));
        match self.run.call(&mut self.store, &[arg])?.as_slice() {
            [strata_api::Val::I64(v)] => Ok(u64::from_ne_bytes(v.to_ne_bytes())),
            other => Err(anyhow!("`run` returned {other:?}, not one i64")),
        }
    }
}

struct Wasmi {
    engine: wasmi::Engine,
}

impl Wasmi {
    fn new(mode: wasmi::CompilationMode) -> Result<Self> {
        let mut config = wasmi::Config::default();
        config
            .wasm_memory64(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(true)
            .compilation_mode(mode);
        Ok(Self {
            engine: wasmi::Engine::new(&config),
        })
    }
}

struct WasmiInstance {
    store: wasmi::Store<()>,
    run: wasmi::TypedFunc<i32, i64>,
}

impl Runner for Wasmi {
    fn load(&self, wasm: &[u8]) -> Result<Box<dyn Instance>> {
        let module = wasmi::Module::new(&self.engine, wasm)?;
        let mut store = wasmi::Store::new(&self.engine, ());
        let instance = wasmi::Instance::new(&mut store, &module, &[])?;
        let run = instance.get_typed_func::<i32, i64>(&store, "run")?;
        Ok(Box::new(WasmiInstance { store, run }))
    }
}

impl Instance for WasmiInstance {
    fn run(&mut self, n: u32) -> Result<u64> {
        let v = self
            .run
            .call(&mut self.store, i32::from_ne_bytes(n.to_ne_bytes()))?;
        Ok(u64::from_ne_bytes(v.to_ne_bytes()))
    }
}

struct Wasmtime {
    engine: wasmtime::Engine,
}

impl Wasmtime {
    fn new(strategy: wasmtime::Strategy) -> Result<Self> {
        let mut config = wasmtime::Config::new();
        config.strategy(strategy).wasm_memory64(true);
        let engine = wasmtime::Engine::new(&config).map_err(|err| anyhow!("{err:?}"))?;
        Ok(Self { engine })
    }
}

struct WasmtimeInstance {
    store: wasmtime::Store<()>,
    run: wasmtime::TypedFunc<i32, i64>,
}

impl Runner for Wasmtime {
    fn load(&self, wasm: &[u8]) -> Result<Box<dyn Instance>> {
        let module = wasmtime::Module::new(&self.engine, wasm).map_err(|err| anyhow!("{err:?}"))?;
        let mut store = wasmtime::Store::new(&self.engine, ());
        let instance =
            wasmtime::Instance::new(&mut store, &module, &[]).map_err(|err| anyhow!("{err:?}"))?;
        let run = instance
            .get_typed_func::<i32, i64>(&mut store, "run")
            .map_err(|err| anyhow!("{err:?}"))?;
        Ok(Box::new(WasmtimeInstance { store, run }))
    }

    fn load_command(&self, wasm: &[u8]) -> Result<Box<dyn Command>> {
        Ok(Box::new(WasmtimeCommand::new(&self.engine, wasm)?))
    }
}

impl Instance for WasmtimeInstance {
    fn run(&mut self, n: u32) -> Result<u64> {
        let v = self
            .run
            .call(&mut self.store, i32::from_ne_bytes(n.to_ne_bytes()))
            .map_err(|err| anyhow!("{err:?}"))?;
        Ok(u64::from_ne_bytes(v.to_ne_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{Width, KERNELS};

    #[test]
    fn every_engine_matches_the_native_checksum_on_small_inputs() {
        for spec in all().iter().filter(|s| s.runs_kernels) {
            let runner = spec.build().expect("engine builds");
            for kernel in KERNELS {
                let n = (kernel.n_quick / 16).max(1);
                let expected = (kernel.native)(n);
                for width in Width::ALL {
                    let mut instance = runner.load(kernel.wasm(width)).expect("module loads");
                    let got = instance.run(n).expect("run returns");
                    assert_eq!(
                        got,
                        expected,
                        "{} {} {}",
                        spec.name,
                        kernel.name,
                        width.name()
                    );
                    // A second call recomputes from scratch.
                    assert_eq!(instance.run(n).expect("run returns"), expected);
                }
            }
        }
    }

    #[test]
    fn the_generated_module_runs_alike_everywhere() {
        for width in Width::ALL {
            let wasm = wat::parse_str(crate::generate::wat(200, width)).expect("assembles");
            let results: Vec<u64> = all()
                .iter()
                .map(|spec| {
                    let runner = spec.build().expect("engine builds");
                    runner
                        .load(&wasm)
                        .and_then(|mut i| i.run(77))
                        .expect("runs")
                })
                .collect();
            assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
        }
    }
}
