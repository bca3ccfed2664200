//! The conformance kit as one entry point: [`run_kit`] runs spec files on
//! any [`Config`] (a built-in tier, a `Config::tier` one, a plugin), then
//! the kit's own checks, which the spec suite does not make, and reports
//! both with the runner's closing line.
//!
//! The checks: trap backtraces, untrusted memory offsets, exceptions across
//! tiers and host functions, fuel and interruption and call depth (the
//! limits an embedder sets), and memory64 past 4 GiB.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use strata_api::{Config, Engine, Linker, Module, Store, StoreLimits, TrapCode, Val, Watchdog};

use crate::report::SuiteReport;
use crate::runner::Runner;

/// Iterations of the exception check's throw/catch loops.
const EXCEPTION_ITERATIONS: u32 = 2_000;

/// The outcome of one of the kit's checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// The check's name.
    pub name: &'static str,
    /// `Ok`, or what did not hold.
    pub result: Result<(), String>,
}

/// What [`run_kit`] found: the spec files' report and every check's
/// outcome.
#[derive(Debug, Default)]
pub struct KitReport {
    /// The spec files.
    pub suite: SuiteReport,
    /// The kit's checks, in the order they ran.
    pub checks: Vec<CheckOutcome>,
}

impl KitReport {
    /// Checks that held.
    pub fn checks_passed(&self) -> usize {
        self.checks.iter().filter(|c| c.result.is_ok()).count()
    }

    /// Whether every directive passed (none skipped) and every check held.
    pub fn is_success(&self) -> bool {
        self.suite.is_success() && self.checks.iter().all(|c| c.result.is_ok())
    }

    /// The suite's report, then one line per check, then the closing line
    /// `N passed, N failed, N skipped`, where each check counts as one.
    pub fn render(&self) -> String {
        let suite = self.suite.render();
        let body = suite.rsplit_once('\n').map_or("", |(body, _)| body);
        let mut out = String::from(body);
        if !out.is_empty() {
            out.push('\n');
        }
        for c in &self.checks {
            match &c.result {
                Ok(()) => {
                    let _ = writeln!(out, "check {}: passed", c.name);
                }
                Err(why) => {
                    let why = why.replace('\n', "\n      ");
                    let _ = writeln!(out, "check {}: FAILED: {why}", c.name);
                }
            }
        }
        let failed = self.checks.len() - self.checks_passed();
        let _ = write!(
            out,
            "{} passed, {} failed, {} skipped",
            self.suite.passed + self.checks_passed(),
            self.suite.failed + failed,
            self.suite.skipped
        );
        out
    }
}

/// Run `files` (spec `.wast` files: a scope's, see
/// [`read_scope`](crate::read_scope), or a directory's) on an engine of
/// `config` with its tier's expected failures, then every check of the kit.
///
/// # Errors
/// If the engine cannot be created.
pub fn run_kit(config: Config, files: &[PathBuf]) -> Result<KitReport, crate::Error> {
    let runner = Runner::new(config.clone())?;
    let suite = runner.run_files(files);
    Ok(KitReport {
        suite,
        checks: run_checks(&config),
    })
}

/// Every check of the kit on `config`.
pub fn run_checks(config: &Config) -> Vec<CheckOutcome> {
    let engine = match Engine::new(config) {
        Ok(e) => e,
        Err(e) => {
            return vec![CheckOutcome {
                name: "engine",
                result: Err(e.to_string()),
            }]
        }
    };
    let tier = engine.tier().clone();
    vec![
        CheckOutcome {
            name: "trap backtraces",
            result: crate::check_trap_backtraces(config),
        },
        CheckOutcome {
            name: "untrusted memory offsets",
            result: crate::check_untrusted_memory_offsets(&*tier),
        },
        CheckOutcome {
            name: "exceptions across host functions",
            result: crate::check_exceptions(&*tier, &*tier, EXCEPTION_ITERATIONS),
        },
        CheckOutcome {
            name: "fuel, interruption and call depth",
            result: check_limits(config),
        },
        CheckOutcome {
            name: "memory64 past 4 GiB",
            result: check_memory64_past_4gib(&engine),
        },
    ]
}

const SPIN: &str = r#"(module
  (func (export "spin") (loop $l (br $l)))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;

/// Fuel ends an endless loop, an interrupt ends it too (and the store runs
/// again afterwards), and the configured call depth ends a recursion exactly
/// past its limit.
fn check_limits(config: &Config) -> Result<(), String> {
    const DEPTH: usize = 200;
    let engine =
        Engine::new(&config.clone().max_call_depth(DEPTH)).map_err(|e| format!("engine: {e}"))?;
    let module = Module::new(&engine, SPIN).map_err(|e| format!("module: {e}"))?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let spin = instance
        .get_func(&store, "spin")
        .ok_or("no export `spin`")?;
    let down = instance
        .get_func(&store, "down")
        .ok_or("no export `down`")?;
    let trap_of =
        |r: Result<Vec<Val>, strata_api::Error>| r.err().and_then(|e| e.trap().map(|t| t.code()));

    store.set_fuel(10_000);
    let got = trap_of(spin.call(&mut store, &[]));
    if got != Some(TrapCode::OutOfFuel) {
        return Err(format!(
            "an endless loop with 10000 fuel gave {got:?}, not \"all fuel consumed\""
        ));
    }
    store.disable_fuel();

    let watchdog = Watchdog::start(store.interrupt_handle(), Duration::from_millis(20));
    let got = trap_of(spin.call(&mut store, &[]));
    drop(watchdog);
    if got != Some(TrapCode::Interrupted) {
        return Err(format!(
            "an interrupted endless loop gave {got:?}, not \"interrupted\""
        ));
    }

    // `down(n)` is n + 1 frames deep.
    let ok = down.call(&mut store, &[Val::I32(DEPTH as i32 - 1)]);
    if ok.as_ref().map_err(ToString::to_string) != Ok(&vec![Val::I32(DEPTH as i32 - 1)]) {
        return Err(format!(
            "a recursion {DEPTH} frames deep, at a limit of {DEPTH}, gave {ok:?}"
        ));
    }
    let got = trap_of(down.call(&mut store, &[Val::I32(DEPTH as i32)]));
    if got != Some(TrapCode::StackExhausted) {
        return Err(format!(
            "a recursion {} frames deep, past a limit of {DEPTH}, gave {got:?}, not \"call stack exhausted\"",
            DEPTH + 1
        ));
    }
    Ok(())
}

const BIG64: &str = r#"(module
  (memory (export "mem") i64 65537)
  (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load") (param i64) (result i64) (i64.load (local.get 0))))"#;

/// A memory64 memory of 4 GiB + 64 KiB: stores and loads above 4 GiB round
/// trip, the last 8 bytes are in bounds, one byte further traps, and the
/// host sees the value the guest stored.
fn check_memory64_past_4gib(engine: &Engine) -> Result<(), String> {
    let module = Module::new(engine, BIG64).map_err(|e| format!("module: {e}"))?;
    let size: u64 = (1 << 32) + (1 << 16);
    let mut store = Store::new(engine, ());
    // Make room, whatever caps the configuration set.
    store.set_limits(
        StoreLimits::new()
            .memory_bytes(size)
            .total_memory_bytes(size),
    );
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let st = instance
        .get_func(&store, "store")
        .ok_or("no export `store`")?;
    let ld = instance
        .get_func(&store, "load")
        .ok_or("no export `load`")?;
    let mem = instance
        .get_memory(&store, "mem")
        .ok_or("no export `mem`")?;
    for (addr, value) in [(1u64 << 32, 0x0123_4567_89ab_cdefi64), (size - 8, -2)] {
        st.call(&mut store, &[Val::I64(addr as i64), Val::I64(value)])
            .map_err(|e| format!("store at {addr:#x}: {e}"))?;
        let got = ld
            .call(&mut store, &[Val::I64(addr as i64)])
            .map_err(|e| format!("load at {addr:#x}: {e}"))?;
        if got != vec![Val::I64(value)] {
            return Err(format!("load at {addr:#x} gave {got:?}, stored {value:#x}"));
        }
        let mut bytes = [0u8; 8];
        mem.read(&store, addr, &mut bytes)
            .map_err(|e| format!("host read at {addr:#x}: {e}"))?;
        if i64::from_le_bytes(bytes) != value {
            return Err(format!(
                "the host reads {bytes:?} at {addr:#x}, the guest stored {value:#x}"
            ));
        }
    }
    let past = ld.call(&mut store, &[Val::I64((size - 7) as i64)]);
    let code = past.as_ref().err().and_then(|e| e.trap().map(|t| t.code()));
    if code != Some(TrapCode::MemoryOutOfBounds) {
        return Err(format!(
            "a load crossing the end of the memory gave {past:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use strata_api::tier::ir::Val as RawVal;
    use strata_api::tier::{
        CompileError, CompiledModule, FuncAddr, IrModule, RuntimeStore, Tier, Trap, ValidModule,
    };
    use strata_api::Interp;

    use super::*;

    /// The interpreter, except that a trap becomes zero results: a tier that
    /// ignores its limits.
    struct Swallowing(Interp);
    struct SwallowingModule(Arc<dyn CompiledModule>);

    impl Tier for Swallowing {
        fn name(&self) -> &'static str {
            "swallowing"
        }
        fn compile(&self, m: &ValidModule) -> Result<Arc<dyn CompiledModule>, CompileError> {
            Ok(Arc::new(SwallowingModule(self.0.compile(m)?)))
        }
    }

    impl CompiledModule for SwallowingModule {
        fn module(&self) -> &Arc<IrModule> {
            self.0.module()
        }
        fn invoke(
            &self,
            store: &mut RuntimeStore,
            func: FuncAddr,
            args: &[RawVal],
            results: &mut Vec<RawVal>,
        ) -> Result<(), Trap> {
            if self.0.invoke(store, func, args, results).is_err() {
                let sig = store.func(func).sig;
                results.clear();
                results.extend(
                    store
                        .sigs()
                        .get(sig)
                        .results
                        .iter()
                        .map(|t| RawVal::default_for(*t)),
                );
            }
            Ok(())
        }
    }

    #[test]
    fn every_check_holds_on_the_interpreter() {
        let checks = run_checks(&Config::new());
        assert_eq!(checks.len(), 5);
        for c in &checks {
            assert_eq!(c.result, Ok(()), "{}", c.name);
        }
    }

    #[test]
    fn a_tier_that_ignores_its_limits_fails_the_checks() {
        let config = Config::new().tier(Arc::new(Swallowing(Interp::default())));
        let checks = run_checks(&config);
        let failed: Vec<&str> = checks
            .iter()
            .filter(|c| c.result.is_err())
            .map(|c| c.name)
            .collect();
        assert!(
            failed.contains(&"fuel, interruption and call depth"),
            "{checks:?}"
        );
        assert!(failed.contains(&"trap backtraces"), "{checks:?}");
        assert!(failed.contains(&"memory64 past 4 GiB"), "{checks:?}");
        let report = KitReport {
            suite: SuiteReport::default(),
            checks,
        };
        assert!(!report.is_success());
        let text = report.render();
        assert!(text.contains("check memory64 past 4 GiB: FAILED"), "{text}");
        let last = text.lines().last().unwrap_or_default().to_string();
        assert_eq!(
            last,
            format!(
                "{} passed, {} failed, 0 skipped",
                report.checks_passed(),
                failed.len()
            )
        );
    }
}
