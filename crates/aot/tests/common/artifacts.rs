//! A sample module with calls (recursion), a memory64 and a global, its
//! artifact, and running it: what the artifact tests compile, edit, sign
//! and load.

#![allow(dead_code)]

use strata_aot::Aot;
use strata_api::{Config, Engine, Features, Linker, Module, Store, Val};

/// The sample module: `fib` (recursive) and `mem` (memory64, a global).
pub const WAT: &str = r#"(module
  (memory i64 1)
  (global $g (mut i64) (i64.const 5))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "mem") (param i64) (result i64)
    (i64.store (local.get 0) (global.get $g))
    (i64.load (local.get 0))))"#;

/// What `fib(20)` returns.
pub const FIB_20: i32 = 6765;

/// The artifact of `wat` for `target` (`None`: this host).
pub fn compile(wat: &str, target: Option<&str>) -> Vec<u8> {
    Aot::default()
        .compile_artifact(wat.as_bytes(), Features::default(), target, &|_, _| {})
        .unwrap_or_else(|e| panic!("compile: {e}"))
}

/// The sample module's artifact for this host.
pub fn artifact() -> Vec<u8> {
    compile(WAT, None)
}

/// Load `bytes` with an engine of the features it was compiled with, and
/// call `fib(20)`: `Ok` with its results, `Err` with why it did not run.
///
/// # Safety
/// `bytes` runs: the caller must be prepared for it to crash the process
/// (the forged-variant tests call this in a child process only).
pub unsafe fn run_fib(bytes: &[u8]) -> Result<Vec<Val>, String> {
    // SAFETY: the caller's contract.
    let (ir, _) = unsafe { Aot::default().load_artifact(bytes) }.map_err(|e| e.to_string())?;
    let config = Config::new()
        .features(ir.features)
        .tier(std::sync::Arc::new(Aot::default()));
    let engine = Engine::new(&config).map_err(|e| e.to_string())?;
    // SAFETY: the caller's contract.
    let module = unsafe { Module::deserialize(&engine, bytes) }.map_err(|e| e.to_string())?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let fib = instance.get_func(&store, "fib").ok_or("no export `fib`")?;
    fib.call(&mut store, &[Val::I32(20)])
        .map_err(|e| e.to_string())
}
