//! A run of a module on a Strata engine: instantiate with no imports (fuel
//! [`FUEL`]), call every exported function once in export order with zero
//! or null arguments (each with fuel [`FUEL`] again), then read the exported
//! globals, memories and tables.

use strata_api::{Engine, Error, ErrorKind, Extern, Linker, Module, Store, TrapCode, Val};

use crate::engines::FUEL;
use crate::report::{Outcome, RefKind, Report, State, TrapClass, Value};

/// Run `module` (of `engine`) as described above.
pub fn run(engine: &Engine, module: &Module) -> Report {
    let mut store = Store::new(engine, ());
    store.set_fuel(FUEL);
    let instance = match Linker::<()>::new(engine).instantiate(&mut store, module) {
        Ok(instance) => instance,
        Err(e) => {
            let (trap, message) = match failure(&e) {
                Outcome::Trapped { class, message } => (Some(class), message),
                Outcome::Failed(message) => (None, message),
                Outcome::Returned(_) => (None, String::new()),
            };
            return Report::NotInstantiated { trap, message };
        }
    };
    let names: Vec<String> = module
        .exports()
        .filter(|e| e.ty().func().is_some())
        .map(|e| e.name().to_string())
        .collect();
    let mut calls = Vec::with_capacity(names.len());
    for name in names {
        let Some(func) = instance.get_func(&store, &name) else {
            continue;
        };
        let Ok(ty) = func.ty(&store) else {
            continue;
        };
        let args: Vec<Val> = ty.params.iter().map(|t| Val::default_for(*t)).collect();
        store.set_fuel(FUEL);
        let outcome = match func.call(&mut store, &args) {
            Ok(results) => Outcome::Returned(results.iter().map(value).collect()),
            Err(e) => failure(&e),
        };
        calls.push((name, outcome));
    }
    let mut state = State::default();
    let exports: Vec<(String, Extern)> = instance
        .exports(&store)
        .map(|(name, ext)| (name.to_string(), ext))
        .collect();
    for (name, ext) in exports {
        match ext {
            Extern::Global(g) => {
                if let Ok(v) = g.get(&store) {
                    state.globals.push((name, value(&v)));
                }
            }
            Extern::Memory(m) => {
                if let Ok(bytes) = m.data(&store) {
                    state.memories.push((name, bytes.to_vec()));
                }
            }
            Extern::Table(t) => {
                let size = t.size(&store).unwrap_or(0);
                let elements = (0..size)
                    .filter_map(|i| t.get(&store, i).ok().flatten())
                    .map(|v| value(&v))
                    .collect();
                state.tables.push((name, elements));
            }
            _ => {}
        }
    }
    state.sort();
    Report::Ran { calls, state }
}

/// A Strata value as a report shows it.
pub fn value(v: &Val) -> Value {
    let reference = |kind, null, func| Value::Ref { kind, null, func };
    match v {
        Val::I32(x) => Value::I32(*x),
        Val::I64(x) => Value::I64(*x),
        Val::F32(x) => Value::F32(*x),
        Val::F64(x) => Value::F64(*x),
        Val::V128(x) => Value::V128(*x),
        Val::FuncRef(f) => reference(RefKind::Func, f.is_none(), f.map(|f| f.addr().0)),
        Val::ExternRef(r) => reference(RefKind::Extern, r.is_none(), None),
        Val::AnyRef(r) => reference(RefKind::Any, r.is_none(), None),
        Val::ExnRef(r) => reference(RefKind::Exn, r.is_none(), None),
    }
}

/// The outcome of a failed call or instantiation.
pub fn failure(e: &Error) -> Outcome {
    match e.trap() {
        Some(t) => Outcome::Trapped {
            class: class(t.code()),
            message: t.code().to_string(),
        },
        None => match e.kind() {
            ErrorKind::Trap(code) => Outcome::Trapped {
                class: class(code),
                message: code.to_string(),
            },
            kind => Outcome::Failed(kind.to_string()),
        },
    }
}

/// The class of a Strata trap code.
pub fn class(code: TrapCode) -> TrapClass {
    match code {
        TrapCode::Unreachable => TrapClass::Unreachable,
        TrapCode::MemoryOutOfBounds => TrapClass::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds | TrapCode::UndefinedElement => TrapClass::TableOutOfBounds,
        TrapCode::UninitializedElement | TrapCode::NullFunctionReference => TrapClass::NullCall,
        TrapCode::IndirectCallTypeMismatch => TrapClass::SignatureMismatch,
        TrapCode::IntegerOverflow => TrapClass::IntegerOverflow,
        TrapCode::IntegerDivideByZero => TrapClass::DivideByZero,
        TrapCode::InvalidConversionToInteger => TrapClass::BadConversion,
        TrapCode::StackExhausted => TrapClass::StackExhausted,
        TrapCode::OutOfFuel => TrapClass::OutOfFuel,
        TrapCode::UncaughtException => TrapClass::UncaughtException,
        _ => TrapClass::Other,
    }
}
