//! The host module that `strata run` links, so example programs can print.
//!
//! It is importable as `strata` or `env`:
//!
//! | name          | type                            | prints               |
//! |---------------|---------------------------------|----------------------|
//! | `print_i32`   | `(i32) -> ()`                   | the value and `\n`   |
//! | `print_i64`   | `(i64) -> ()`                   | the value and `\n`   |
//! | `print_f32`   | `(f32) -> ()`                   | the value and `\n`   |
//! | `print_f64`   | `(f64) -> ()`                   | the value and `\n`   |
//! | `print_bytes` | `(i32, i32) -> ()` or `(i64, i64) -> ()` | `len` bytes at `ptr` of the exported `memory` |
//!
//! Pointer parameters follow the index width of the importing module's
//! memory, so `print_bytes` is defined with whichever of the two types the
//! module imports it with. Imports from other modules, or of other names, are
//! left for the linker to report as unsatisfied.

use std::io::Write;

use anyhow::{bail, Result};
use strata_api::{
    Caller, Extern, ExternType, Func, FuncType, Linker, Module, Store, Trap, Val, ValType,
};

use crate::values::{format_val, type_name};

/// Module names the host functions are importable under.
pub const HOST_MODULES: [&str; 2] = ["strata", "env"];

/// Longest string `print_bytes` prints in one call.
const MAX_PRINT_BYTES: u64 = 1 << 30;

/// Per-store data of `strata run`: the guest's WASI state.
#[derive(Debug)]
pub struct HostState {
    /// The WASI context (arguments, environment, preopens, stdio).
    #[cfg(feature = "wasi")]
    pub wasi: strata_wasi::WasiCtx,
}

/// Define, in `linker`, each host function that `module` imports.
///
/// # Errors
/// If the module imports a host function with a type it cannot have.
pub fn define_imports(
    linker: &mut Linker<HostState>,
    store: &mut Store<HostState>,
    module: &Module,
) -> Result<()> {
    for import in module.imports() {
        let (module_name, name) = (import.module(), import.name());
        if !HOST_MODULES.contains(&module_name) {
            continue;
        }
        let ExternType::Func(ty) = import.ty() else {
            continue;
        };
        let Some(kind) = HostFunc::by_name(name) else {
            continue;
        };
        if !kind.accepts(&ty) {
            bail!(
                "import `{module_name}.{name}` has type {}, but the host defines it as {}",
                describe(&ty),
                kind.signature()
            );
        }
        let func = Func::new(&mut *store, ty, move |caller, args, _results| {
            kind.call(caller, args)
        });
        linker
            .define(module_name, name, func)
            .map_err(|err| anyhow::anyhow!("{err}"))?;
    }
    Ok(())
}

/// The host functions.
#[derive(Debug, Clone, Copy)]
enum HostFunc {
    PrintI32,
    PrintI64,
    PrintF32,
    PrintF64,
    PrintBytes,
}

impl HostFunc {
    fn by_name(name: &str) -> Option<Self> {
        Some(match name {
            "print_i32" => HostFunc::PrintI32,
            "print_i64" => HostFunc::PrintI64,
            "print_f32" => HostFunc::PrintF32,
            "print_f64" => HostFunc::PrintF64,
            "print_bytes" => HostFunc::PrintBytes,
            _ => return None,
        })
    }

    fn accepts(self, ty: &FuncType) -> bool {
        if !ty.results.is_empty() {
            return false;
        }
        match self {
            HostFunc::PrintI32 => *ty.params == [ValType::I32],
            HostFunc::PrintI64 => *ty.params == [ValType::I64],
            HostFunc::PrintF32 => *ty.params == [ValType::F32],
            HostFunc::PrintF64 => *ty.params == [ValType::F64],
            HostFunc::PrintBytes => {
                *ty.params == [ValType::I32, ValType::I32]
                    || *ty.params == [ValType::I64, ValType::I64]
            }
        }
    }

    fn signature(self) -> &'static str {
        match self {
            HostFunc::PrintI32 => "(i32) -> ()",
            HostFunc::PrintI64 => "(i64) -> ()",
            HostFunc::PrintF32 => "(f32) -> ()",
            HostFunc::PrintF64 => "(f64) -> ()",
            HostFunc::PrintBytes => "(i32, i32) -> () or (i64, i64) -> ()",
        }
    }

    fn call(self, caller: Caller<'_, HostState>, args: &[Val]) -> Result<(), Trap> {
        let mut out = std::io::stdout().lock();
        let written = match (self, args) {
            (HostFunc::PrintBytes, [ptr, len]) => {
                let bytes = read_memory(&caller, as_u64(ptr), as_u64(len))?;
                out.write_all(&bytes)
            }
            (_, [value]) => writeln!(out, "{}", format_val(value)),
            _ => return Err(Trap::host("host function called with the wrong arity")),
        };
        written
            .and_then(|()| out.flush())
            .map_err(|err| Trap::host(format!("cannot write to stdout: {err}")))
    }
}

/// `len` bytes at `ptr` of the caller's exported `memory`.
fn read_memory(caller: &Caller<'_, HostState>, ptr: u64, len: u64) -> Result<Vec<u8>, Trap> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return Err(Trap::host("print_bytes: the module exports no `memory`"));
    };
    if len > MAX_PRINT_BYTES {
        return Err(Trap::host(format!(
            "print_bytes: length {len} exceeds the limit of {MAX_PRINT_BYTES} bytes"
        )));
    }
    let len = usize::try_from(len).map_err(|_| Trap::host("print_bytes: length too large"))?;
    let mut buf = vec![0; len];
    memory.read(caller, ptr, &mut buf).map_err(|_| {
        Trap::host(format!(
            "print_bytes: {len} bytes at {ptr:#x} are out of bounds"
        ))
    })?;
    Ok(buf)
}

/// An address or length argument as an unsigned 64-bit number.
fn as_u64(value: &Val) -> u64 {
    match *value {
        Val::I32(x) => u64::from(x as u32),
        Val::I64(x) => x as u64,
        _ => 0,
    }
}

/// `(i32, i64) -> (f32)`-style text of a function type.
fn describe(ty: &FuncType) -> String {
    let list = |types: &[ValType]| {
        types
            .iter()
            .map(|ty| type_name(*ty))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(&ty.params), list(&ty.results))
}
