//! The `spectest` host module every spec test file may import from: the
//! `print*` functions (which print nothing), the globals `global_i32` and
//! `global_i64` (666) and `global_f32` and `global_f64` (666.6), the tables
//! `table` (table32, 10..20 `funcref`) and `table64` (table64, 10..20
//! `funcref`), and `memory` (memory32, 1..2 pages).
//!
//! These are exactly the names the Wasm 3.0 core suite imports (its
//! `spectest.unknown` imports must stay undefined: they test link errors).

use strata_api::{
    Error, Func, FuncType, Global, GlobalType, IndexType, Limits, Linker, Memory, MemoryType,
    RefType, Store, Table, TableType, Val, ValType,
};

/// The module name.
pub const SPECTEST: &str = "spectest";

/// Define the `spectest` module in `linker`, creating its entities in
/// `store`.
///
/// # Errors
/// If a host entity cannot be created (for example a memory cap below one
/// page).
pub fn define_spectest<T: Send + 'static>(
    linker: &mut Linker<T>,
    store: &mut Store<T>,
) -> Result<(), Error> {
    use ValType::{F32, F64, I32, I64};
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        let f = Func::new(store, ty, |_caller, _args, _results| Ok(()));
        linker.define(SPECTEST, name, f)?;
    }

    let globals = [
        ("global_i32", I32, Val::I32(666)),
        ("global_i64", I64, Val::I64(666)),
        ("global_f32", F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, value) in globals {
        let g = Global::new(store, GlobalType { ty, mutable: false }, value)?;
        linker.define(SPECTEST, name, g)?;
    }

    for (name, index) in [("table", IndexType::I32), ("table64", IndexType::I64)] {
        let ty = TableType {
            index,
            elem: RefType::FUNCREF,
            limits: Limits {
                min: 10,
                max: Some(20),
            },
        };
        let t = Table::new(store, ty, Val::FuncRef(None))?;
        linker.define(SPECTEST, name, t)?;
    }

    let memory = Memory::new(
        store,
        MemoryType {
            index: IndexType::I32,
            limits: Limits {
                min: 1,
                max: Some(2),
            },
            shared: false,
            page_size_log2: 16,
        },
    )?;
    linker.define(SPECTEST, "memory", memory)?;
    Ok(())
}
