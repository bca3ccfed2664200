//! `strata-trace-tier`: an example tier plugin. It compiles every module with
//! the interpreter and wraps the result, counting for each function the
//! calls that enter the tier (from the embedder, a host function, another
//! instance or another tier; calls inside one instance stay in the
//! interpreter's loop and are not seen) and the time spent in them. When
//! the engine holding the tier ends, it prints the busiest functions to
//! stderr.
//!
//! Build it with `cargo build -p strata-trace-tier`, then run
//! `strata run --tier-plugin target/debug/libstrata_trace_tier.so FILE`.
//! It uses nothing but `strata-api` and its tier SDK (`strata_api::tier`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use strata_api::tier::ir::Val;
use strata_api::tier::{
    CompileError, CompiledModule, FuncAddr, IrModule, RuntimeStore, Tier, Trap, ValidModule,
};
use strata_api::Interp;

/// How many functions the report at exit lists.
const REPORT_TOP: usize = 10;

strata_api::export_tier!(TraceTier::default());

/// Calls and time per function, by display name and index.
#[derive(Debug, Default)]
struct Stats {
    by_func: Mutex<HashMap<(String, u32), (u64, Duration)>>,
}

impl Stats {
    fn record(&self, name: String, index: u32, took: Duration) {
        // A poisoned lock only means a panic elsewhere: keep counting.
        let mut map = self.by_func.lock().unwrap_or_else(|p| p.into_inner());
        let entry = map.entry((name, index)).or_default();
        entry.0 += 1;
        entry.1 += took;
    }

    /// The report: every function's calls and time, busiest first.
    fn report(&self) -> Vec<(String, u32, u64, Duration)> {
        let map = self.by_func.lock().unwrap_or_else(|p| p.into_inner());
        let mut rows: Vec<_> = map
            .iter()
            .map(|((name, index), (calls, time))| (name.clone(), *index, *calls, *time))
            .collect();
        rows.sort_by(|a, b| b.3.cmp(&a.3).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        rows
    }
}

/// The tracing tier: the interpreter, wrapped.
#[derive(Debug, Default)]
pub struct TraceTier {
    inner: Interp,
    stats: Arc<Stats>,
}

impl TraceTier {
    /// Calls seen so far, per function (display name, index, calls, time),
    /// busiest first.
    pub fn report(&self) -> Vec<(String, u32, u64, Duration)> {
        self.stats.report()
    }
}

impl Tier for TraceTier {
    fn name(&self) -> &'static str {
        "trace"
    }

    fn compile(&self, module: &ValidModule) -> Result<Arc<dyn CompiledModule>, CompileError> {
        Ok(Arc::new(TracedModule {
            inner: self.inner.compile(module)?,
            stats: self.stats.clone(),
        }))
    }
}

impl Drop for TraceTier {
    fn drop(&mut self) {
        let rows = self.report();
        if rows.is_empty() {
            return;
        }
        let calls: u64 = rows.iter().map(|r| r.2).sum();
        eprintln!(
            "trace tier: {calls} call(s) into {} function(s); the busiest:",
            rows.len()
        );
        for (name, index, calls, time) in rows.iter().take(REPORT_TOP) {
            eprintln!("  {time:>12.3?}  {calls:>8} call(s)  {name} (func {index})");
        }
    }
}

/// A module the interpreter compiled, with its calls counted.
struct TracedModule {
    inner: Arc<dyn CompiledModule>,
    stats: Arc<Stats>,
}

impl CompiledModule for TracedModule {
    fn module(&self) -> &Arc<IrModule> {
        self.inner.module()
    }

    fn invoke(
        &self,
        store: &mut RuntimeStore,
        func: FuncAddr,
        args: &[Val],
        results: &mut Vec<Val>,
    ) -> Result<(), Trap> {
        let start = Instant::now();
        let outcome = self.inner.invoke(store, func, args, results);
        let took = start.elapsed();
        if let Ok(f) = store.wasm_func(func, "trace") {
            let name = self.module().func_display_name(f.index);
            self.stats.record(name, f.index.0, took);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_api::{Config, Engine, Linker, Module, Store, Val as ApiVal};

    #[test]
    fn counts_the_calls_that_enter_the_tier() {
        let tier = Arc::new(TraceTier::default());
        let engine = Engine::new(&Config::new().tier(tier.clone())).expect("engine");
        let module = Module::new(
            &engine,
            r#"(module
                 (func $sq (export "square") (param i32) (result i32)
                   (i32.mul (local.get 0) (local.get 0)))
                 (func (export "twice") (param i32) (result i32)
                   (call $sq (call $sq (local.get 0)))))"#,
        )
        .expect("module");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .expect("instance");
        let square = instance.get_func(&store, "square").expect("square");
        let twice = instance.get_func(&store, "twice").expect("twice");
        for n in 0..3 {
            let out = square.call(&mut store, &[ApiVal::I32(n)]).expect("square");
            assert_eq!(out, vec![ApiVal::I32(n * n)]);
        }
        let out = twice.call(&mut store, &[ApiVal::I32(3)]).expect("twice");
        assert_eq!(out, vec![ApiVal::I32(81)]);
        // `twice`'s own calls of `$sq` stay inside the interpreter; frames
        // are named from the name section.
        let calls: Vec<(String, u64)> = tier
            .report()
            .into_iter()
            .map(|(name, _, calls, _)| (name, calls))
            .collect();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert!(calls.contains(&("sq".to_string(), 3)), "{calls:?}");
        assert!(calls.contains(&("twice".to_string(), 1)), "{calls:?}");
    }
}
