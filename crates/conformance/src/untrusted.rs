//! The untrusted-IR check of the conformance kit: a tier must not rely on
//! validation for memory safety. `ir::Module` is public and can be built by
//! hand, so a tier given a memory32 access whose offset validation would
//! refuse (above `u32::MAX`) must refuse the module or trap on the access,
//! never compute an address that wraps around into (or past) the memory.

use std::sync::Arc;

use strata_api::{Features, TrapCode};
use strata_ir::{Module, Op, Val, ValidModule};
use strata_loader::Loader;
use strata_runtime::{instantiate::instantiate, ExternVal, Store, StoreConfig, Tier};

/// A memory32 module whose `load` reads 4 bytes at its argument; the check
/// rewrites the offset of that load.
const MODULE: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\2a\00\00\00")
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#;

/// Offsets past `u32::MAX`, with an address for each that makes
/// `address + offset + 4` wrap around 2^64 to a small, in-bounds value (or
/// land just past it): an unchecked add would read byte 0 of the memory.
const CASES: &[(u64, i32)] = &[
    (u64::MAX - 0xffff - 3, 0x1_0000),
    (u64::MAX - 3, 1),
    (1 << 32, 0),
    (u64::MAX, 0),
];

/// The module with the offset of its one load replaced.
fn with_offset(offset: u64) -> Result<ValidModule, String> {
    let loaded = Loader::new(Features::default())
        .load_wat(MODULE)
        .map_err(|e| format!("the check's module does not load: {e}"))?;
    let mut module: Module = (*loaded).clone();
    let mut patched = false;
    for body in &mut module.bodies {
        for op in &mut body.ops {
            if let Op::Load(_, memarg) = op {
                memarg.offset = offset;
                patched = true;
            }
        }
    }
    if patched {
        // SAFETY: the module is the loader's, changed in one way only: a
        // memory32 offset past `u32::MAX`, the one flaw `new_unchecked`'s
        // contract allows (tiers must check offsets regardless; this check
        // is what holds them to it).
        #[allow(unsafe_code)]
        let module = unsafe { ValidModule::new_unchecked(Arc::new(module)) };
        Ok(module)
    } else {
        Err("the check's module has no load".into())
    }
}

/// Run the check on `tier`. `Ok` if every hand-built module is refused by
/// the tier or traps with "out of bounds memory access"; otherwise the
/// first offending case.
///
/// # Errors
/// A message naming the offset and what happened instead.
pub fn check_untrusted_memory_offsets(tier: &dyn Tier) -> Result<(), String> {
    for &(offset, addr) in CASES {
        let module = with_offset(offset)?;
        let Ok(code) = tier.compile(&module) else {
            // Refusing the module is a correct answer.
            continue;
        };
        let mut store = Store::new(StoreConfig::default(), Box::new(()));
        let inst = instantiate(&mut store, module.arc(), code, &[])
            .map_err(|e| format!("offset {offset:#x}: instantiation failed: {e}"))?;
        let Some(ExternVal::Func(f)) = store.instance(inst).export("load") else {
            return Err("the check's module exports no `load`".into());
        };
        match store.invoke(f, &[Val::I32(addr)]) {
            Err(t) if t.code() == TrapCode::MemoryOutOfBounds => {}
            Err(t) => {
                return Err(format!(
                    "offset {offset:#x}, address {addr:#x}: trapped with `{t}`, expected an out-of-bounds trap"
                ))
            }
            Ok(v) => {
                return Err(format!(
                    "offset {offset:#x}, address {addr:#x}: the load returned {v:?} instead of trapping (the address wrapped)"
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_interpreter_refuses_or_traps() {
        assert_eq!(
            super::check_untrusted_memory_offsets(&strata_interp::Interp::default()),
            Ok(())
        );
    }
}
