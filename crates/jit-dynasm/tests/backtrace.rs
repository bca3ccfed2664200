//! Trap backtraces in the JIT: every frame a trap unwinds is named, innermost
//! first, as the interpreter names them (the JIT records no byte offsets),
//! through host functions and calls into other instances.

use std::sync::Arc;

use strata_api::{Caller, Config, Engine, Error, Linker, Module, Store, Trap, TrapCode};

const CALLEE: &str = r#"(module
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.div_u (i32.const 1) (local.get 0))))))"#;

const CALLER: &str = r#"(module
  (import "callee" "deep" (func $deep (param i32) (result i32)))
  (import "env" "fail" (func $fail))
  (memory 1)
  (func $oob (export "oob") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 65536))))
  (func $via_host (export "via_host") (call $fail))
  (func $across (export "across") (result i32)
    (call $deep (i32.const 2)))
  (func $top (export "top") (param i32) (result i32)
    (call $oob (local.get 0))))"#;

fn engine(jit: bool) -> Engine {
    let config = if jit {
        Config::new().tier(Arc::new(strata_jit::Jit::default()))
    } else {
        Config::new()
    };
    Engine::new(&config).unwrap_or_else(|e| panic!("{e}"))
}

/// Calls `export` with `args` and returns the trap code and its frames as
/// `(function index, name)`.
fn trap_of(jit: bool, export: &str, args: &[strata_api::Val]) -> (TrapCode, Vec<(u32, String)>) {
    let engine = engine(jit);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::<()>::new(&engine);
    linker
        .func_wrap("env", "fail", |_: Caller<'_, ()>| -> Result<(), Trap> {
            Err(Trap::host("refused"))
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let callee = Module::new(&engine, CALLEE).unwrap_or_else(|e| panic!("{e}"));
    let callee = linker
        .instantiate(&mut store, &callee)
        .unwrap_or_else(|e| panic!("{e}"));
    linker
        .instance(&store, "callee", callee)
        .unwrap_or_else(|e| panic!("{e}"));
    let caller = Module::new(&engine, CALLER).unwrap_or_else(|e| panic!("{e}"));
    let caller = linker
        .instantiate(&mut store, &caller)
        .unwrap_or_else(|e| panic!("{e}"));
    let f = caller
        .get_func(&store, export)
        .unwrap_or_else(|| panic!("no export {export}"));
    let err: Error = match f.call(&mut store, args) {
        Ok(v) => panic!("{export} returned {v:?}"),
        Err(e) => e,
    };
    let code = err.trap().map_or(TrapCode::HostError, |t| t.code());
    let frames = err
        .frames()
        .iter()
        .map(|f| (f.func.0, f.name.clone()))
        .collect();
    (code, frames)
}

fn frames(list: &[(u32, &str)]) -> Vec<(u32, String)> {
    list.iter().map(|(i, n)| (*i, n.to_string())).collect()
}

#[test]
fn a_memory_trap_names_every_frame() {
    let args = [strata_api::Val::I32(0)];
    let expected = (
        TrapCode::MemoryOutOfBounds,
        frames(&[(2, "oob"), (5, "top")]),
    );
    assert_eq!(trap_of(false, "top", &args), expected);
    assert_eq!(trap_of(true, "top", &args), expected);
}

#[test]
fn a_host_trap_names_the_calling_frames() {
    let expected = (TrapCode::HostError, frames(&[(3, "via_host")]));
    assert_eq!(trap_of(false, "via_host", &[]), expected);
    assert_eq!(trap_of(true, "via_host", &[]), expected);
}

#[test]
fn frames_of_another_instance_come_first() {
    let expected = (
        TrapCode::IntegerDivideByZero,
        frames(&[(0, "deep"), (0, "deep"), (0, "deep"), (4, "across")]),
    );
    assert_eq!(trap_of(false, "across", &[]), expected);
    assert_eq!(trap_of(true, "across", &[]), expected);
}
