//! The oracle: the same run as [`crate::strata_run`] on wasmi, with the same
//! caps on memories, tables and call depth. Its fuel counts instructions
//! rather than calls and loop iterations, so it gets far more, and a run
//! that exhausts either engine's fuel (or stack) ends the comparison
//! ([`crate::report::compare_oracle`]).
//!
//! wasmi has no exception handling: a module with tags or exception
//! instructions does not load here, and only Strata's tiers check it.

use std::sync::OnceLock;

use wasmi::{
    CompilationMode, Config, Engine, Extern, Linker, Module, Store, StoreLimits,
    StoreLimitsBuilder, TrapCode, Val,
};

use crate::engines::{MAX_CALL_DEPTH, MAX_MEMORY_BYTES, MAX_TABLE_ELEMENTS};
use crate::report::{Outcome, RefKind, Report, State, TrapClass, Value};

/// wasmi's fuel per run: one unit per instruction (more for bulk
/// operations), well above what Strata's fuel allows.
pub const FUEL: u64 = 1 << 26;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::default();
        config
            .consume_fuel(true)
            .compilation_mode(CompilationMode::Eager)
            .set_max_recursion_depth(MAX_CALL_DEPTH)
            .wasm_memory64(true)
            .wasm_multi_memory(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(true);
        Engine::new(&config)
    })
}

/// Load `wasm` on wasmi; `None` if wasmi refuses it (a proposal it lacks).
pub fn load(wasm: &[u8]) -> Option<Module> {
    Module::new(engine(), wasm).ok()
}

/// Run `module`: instantiate with no imports, call the exports `names` in
/// order with zero or null arguments, read the exported state.
pub fn run(module: &Module, names: &[&str]) -> Report {
    let limits = StoreLimitsBuilder::new()
        .memory_size(MAX_MEMORY_BYTES as usize)
        .table_elements(MAX_TABLE_ELEMENTS as usize)
        .build();
    let mut store = Store::new(engine(), limits);
    store.limiter(|limits: &mut StoreLimits| limits);
    let _ = store.set_fuel(FUEL);
    let instance =
        match Linker::<StoreLimits>::new(engine()).instantiate_and_start(&mut store, module) {
            Ok(instance) => instance,
            Err(e) => {
                let trap = e.as_trap_code().map(class);
                return Report::NotInstantiated {
                    trap,
                    message: e.to_string(),
                };
            }
        };
    let mut calls = Vec::with_capacity(names.len());
    for name in names {
        let Some(func) = instance.get_func(&store, name) else {
            calls.push((name.to_string(), Outcome::Failed("no such export".into())));
            continue;
        };
        let ty = func.ty(&store);
        let args: Vec<Val> = ty
            .params()
            .iter()
            .map(|t| Val::default_for_ty(*t))
            .collect();
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|t| Val::default_for_ty(*t))
            .collect();
        let _ = store.set_fuel(FUEL);
        let outcome = match func.call(&mut store, &args, &mut results) {
            Ok(()) => Outcome::Returned(results.iter().map(value).collect()),
            Err(e) => match e.as_trap_code() {
                Some(code) => Outcome::Trapped {
                    class: class(code),
                    message: code.to_string(),
                },
                None => Outcome::Failed(e.to_string()),
            },
        };
        calls.push((name.to_string(), outcome));
    }
    let mut state = State::default();
    let exports: Vec<(String, Extern)> = instance
        .exports(&store)
        .map(|e| (e.name().to_string(), e.into_extern()))
        .collect();
    for (name, ext) in exports {
        match ext {
            Extern::Global(g) => state.globals.push((name, value(&g.get(&store)))),
            Extern::Memory(m) => state.memories.push((name, m.data(&store).to_vec())),
            Extern::Table(t) => {
                let elements = (0..t.size(&store))
                    .filter_map(|i| t.get(&store, i))
                    .map(|r| value(&Val::from(r)))
                    .collect();
                state.tables.push((name, elements));
            }
            Extern::Func(_) => {}
        }
    }
    state.sort();
    Report::Ran { calls, state }
}

fn value(v: &Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(*x),
        Val::I64(x) => Value::I64(*x),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::FuncRef(f) => Value::Ref {
            kind: RefKind::Func,
            null: f.is_null(),
            func: None,
        },
        Val::ExternRef(r) => Value::Ref {
            kind: RefKind::Extern,
            null: r.is_null(),
            func: None,
        },
        Val::V128(x) => Value::V128(x.as_u128()),
    }
}

fn class(code: TrapCode) -> TrapClass {
    match code {
        TrapCode::UnreachableCodeReached => TrapClass::Unreachable,
        TrapCode::MemoryOutOfBounds => TrapClass::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds => TrapClass::TableOutOfBounds,
        TrapCode::IndirectCallToNull => TrapClass::NullCall,
        TrapCode::BadSignature => TrapClass::SignatureMismatch,
        TrapCode::IntegerOverflow => TrapClass::IntegerOverflow,
        TrapCode::IntegerDivisionByZero => TrapClass::DivideByZero,
        TrapCode::BadConversionToInteger => TrapClass::BadConversion,
        TrapCode::StackOverflow => TrapClass::StackExhausted,
        TrapCode::OutOfFuel => TrapClass::OutOfFuel,
        _ => TrapClass::Other,
    }
}
