//! The JIT's Spectre mask is emitted when `JitConfig::spectre_hardening` is
//! on (the default) and absent when it is off: the compiled code of each
//! kind of planned check contains its `cmov`s exactly once per access, and
//! none without hardening. Both builds compute the same results and traps.

use std::sync::Arc;

use strata_api::{Config, Engine, Instance, Module, Store, TrapCode};
use strata_jit::{Jit, JitConfig, JitModule};
use strata_runtime::Tier;

/// `cmova rax, rcx`: the fast path's mask (the index becomes `len - k`).
const CMOVA_RAX_RCX: [u8; 4] = [0x48, 0x0f, 0x47, 0xc1];
/// `cmova rax, r8`: the add paths' mask on the compare.
const CMOVA_RAX_R8: [u8; 4] = [0x49, 0x0f, 0x47, 0xc0];
/// `cmovb rax, r8`: the carry-checked path's mask on the carry.
const CMOVB_RAX_R8: [u8; 4] = [0x49, 0x0f, 0x42, 0xc0];

/// Two memories: memory 0 is memory32 of one page, memory 1 memory64 of
/// one page. Per function, the plan its accesses get.
const WAT: &str = r#"(module
  (memory $m32 1)
  (memory $m64 i64 1)
  ;; CompareAgainstLenMinusK (k = 12 <= 64 KiB), a load and a store.
  (func (export "fast32") (param i32) (result i32)
    (i32.store $m32 offset=8 (local.get 0) (i32.const 7))
    (i32.load $m32 offset=8 (local.get 0)))
  ;; CompareAgainstLenMinusK on memory64.
  (func (export "fast64") (param i64) (result i64)
    (i64.load $m64 offset=16 (local.get 0)))
  ;; AddThenCompare: k = 0x10004 is past the one-page minimum.
  (func (export "add32") (param i32) (result i32)
    (i32.load $m32 offset=0x10000 (local.get 0)))
  ;; AddWithCarryThenCompare: memory64, k past the minimum.
  (func (export "carry64") (param i64) (result i64)
    (i64.load $m64 offset=0x10000 (local.get 0)))
  ;; Both memories to two pages, so the add paths have in-bounds addresses.
  (func (export "grow")
    (drop (memory.grow $m32 (i32.const 1)))
    (drop (memory.grow $m64 (i64.const 1)))))"#;

fn count(code: &[u8], pattern: &[u8]) -> usize {
    code.windows(pattern.len())
        .filter(|w| *w == pattern)
        .count()
}

fn code_of(config: JitConfig) -> Vec<u8> {
    let module = strata_loader::Loader::new(strata_ir::Features::default())
        .load_wat(WAT)
        .unwrap_or_else(|e| panic!("load: {e}"));
    let compiled = Jit::new(config)
        .compile(&Arc::new(module))
        .unwrap_or_else(|e| panic!("compile: {e:?}"));
    let Some(jit) = compiled.as_any().downcast_ref::<JitModule>() else {
        panic!("not a JitModule");
    };
    jit.code_bytes().to_vec()
}

#[test]
fn hardening_is_on_by_default() {
    assert!(JitConfig::default().spectre_hardening);
    assert!(Jit::default().config().spectre_hardening);
}

#[test]
fn the_mask_is_one_cmov_per_check_when_on() {
    let code = code_of(JitConfig::default());
    // fast32's load and store, fast64's load.
    assert_eq!(count(&code, &CMOVA_RAX_RCX), 3);
    // add32's and carry64's compares.
    assert_eq!(count(&code, &CMOVA_RAX_R8), 2);
    // carry64's carry.
    assert_eq!(count(&code, &CMOVB_RAX_R8), 1);
}

#[test]
fn no_mask_when_off() {
    let on = code_of(JitConfig::default());
    let off = code_of(JitConfig::default().spectre_hardening(false));
    for pattern in [CMOVA_RAX_RCX, CMOVA_RAX_R8, CMOVB_RAX_R8] {
        assert_eq!(count(&off, &pattern), 0, "{pattern:02x?}");
    }
    // The same code less the masks (function alignment pads the rest).
    assert!(off.len() < on.len(), "{} vs {}", off.len(), on.len());
}

/// Grows both memories to two pages, then runs every access at in- and
/// out-of-bounds addresses; the results (or traps) as text.
fn behaviour(config: JitConfig) -> Vec<String> {
    let engine = Engine::new(&Config::new().tier(Arc::new(Jit::new(config))))
        .unwrap_or_else(|e| panic!("engine: {e}"));
    let module = Module::new(&engine, WAT).unwrap_or_else(|e| panic!("module: {e}"));
    let mut store = Store::new(&engine, ());
    let instance =
        Instance::new(&mut store, &module, &[]).unwrap_or_else(|e| panic!("instance: {e}"));
    let grow = instance
        .get_func(&store, "grow")
        .unwrap_or_else(|| panic!("no export grow"));
    if let Err(e) = grow.call(&mut store, &[]) {
        panic!("grow: {e}");
    }
    let mut out = Vec::new();
    for (name, args) in [
        ("fast32", [0u64, 0x1fff4, 0x1fff5, u64::from(u32::MAX)]),
        ("fast64", [0, 0x1ffe8, 0x1ffe9, u64::MAX]),
        ("add32", [0, 0xfffc, 0xfffd, u64::from(u32::MAX)]),
        ("carry64", [0, 0xfff8, 0xfff9, u64::MAX - 0xffff]),
    ] {
        for a in args {
            let arg = if name.ends_with("32") {
                strata_api::Val::I32(a as u32 as i32)
            } else {
                strata_api::Val::I64(a as i64)
            };
            let func = instance
                .get_func(&store, name)
                .unwrap_or_else(|| panic!("no export {name}"));
            out.push(match func.call(&mut store, &[arg]) {
                Ok(results) => format!("{name}({a:#x}) = {results:?}"),
                Err(e) => {
                    let code = e.trap().map(|t| t.code());
                    assert_eq!(code, Some(TrapCode::MemoryOutOfBounds), "{name}({a:#x})");
                    format!("{name}({a:#x}) traps")
                }
            });
        }
    }
    out
}

#[test]
fn both_settings_agree_and_trap_out_of_bounds() {
    let on = behaviour(JitConfig::default());
    assert_eq!(on, behaviour(JitConfig::default().spectre_hardening(false)));
    // The last in-bounds address of each works, the next one traps.
    for name in ["fast32", "fast64", "add32", "carry64"] {
        let of: Vec<_> = on.iter().filter(|l| l.starts_with(name)).collect();
        assert!(!of[1].ends_with("traps"), "{of:?}");
        assert!(
            of[2].ends_with("traps") && of[3].ends_with("traps"),
            "{of:?}"
        );
    }
}
