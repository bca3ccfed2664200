//! One call-depth rule in every tier: with the store's maximum call depth
//! set, the same recursions — direct, mutual, through a host function and
//! through `call_indirect` — return or trap with "call stack exhausted" at
//! exactly the same depth in the interpreter, the JIT and the AOT tier, with
//! the same frames in the trap's backtrace.
#![cfg(all(feature = "interp", feature = "jit", feature = "aot"))]

use std::sync::Arc;

use strata_api::{Config, Engine, Linker, Module, Store, TrapCode, Val};

/// The maximum call depth of these tests.
const MAX_DEPTH: usize = 300;

const RECURSION: &str = r#"(module
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $indirect)
  (type $t (func (param i32) (result i32)))
  ;; depth(n) is n + 1 frames deep.
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func $indirect (export "indirect") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))
                     (i32.const 1)))))
  ;; Through the host: wasm -> host -> wasm, n times.
  (func (export "via_host") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $reenter (i32.sub (local.get 0) (i32.const 1)))))))"#;

/// What one call did: its result, or that it ran out of call depth.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Returned(i32),
    /// With the function index of every frame of the trap's backtrace,
    /// innermost first (the compiled tiers give no byte offsets).
    StackExhausted(Vec<u32>),
    Other(String),
}

fn outcomes(config: Config) -> Vec<(String, i32, Outcome)> {
    let engine = Engine::new(&config.max_call_depth(MAX_DEPTH)).unwrap_or_else(|e| panic!("{e}"));
    let module = Module::new(&engine, RECURSION).unwrap_or_else(|e| panic!("{e}"));
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "reenter",
            |mut caller: strata_api::Caller<'_, ()>, n: i32| {
                let Some(strata_api::Extern::Func(f)) = caller.get_export("via_host") else {
                    return Err(strata_api::Trap::host("no via_host"));
                };
                match f.call(&mut caller, &[Val::I32(n)])?.as_slice() {
                    [Val::I32(r)] => Ok(*r),
                    _ => Err(strata_api::Trap::host("bad results")),
                }
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let instance = linker
        .instantiate(&mut store, &module)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut all = Vec::new();
    for name in ["depth", "even", "indirect", "via_host"] {
        let f = instance
            .get_func(&store, name)
            .unwrap_or_else(|| panic!("no export {name}"));
        let around = [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1];
        let ns: Vec<i32> = around
            .iter()
            .map(|d| *d as i32)
            .chain([10, 5 * MAX_DEPTH as i32])
            .collect();
        for n in ns {
            let outcome = match f.call(&mut store, &[Val::I32(n)]) {
                Ok(v) => match v.as_slice() {
                    [Val::I32(r)] => Outcome::Returned(*r),
                    other => Outcome::Other(format!("{other:?}")),
                },
                Err(e) if e.trap().map(|t| t.code()) == Some(TrapCode::StackExhausted) => {
                    Outcome::StackExhausted(
                        e.trap()
                            .map(|t| t.frames().iter().map(|f| f.func.0).collect())
                            .unwrap_or_default(),
                    )
                }
                Err(e) => Outcome::Other(e.to_string()),
            };
            all.push((name.to_string(), n, outcome));
        }
    }
    all
}

#[test]
fn every_tier_runs_out_of_call_depth_at_the_same_depth() {
    let interp = outcomes(Config::new());
    let jit = outcomes(Config::new().tier(Arc::new(strata_api::Jit::default())));
    let aot = outcomes(Config::new().tier(Arc::new(strata_api::Aot::new())));
    // The limit is reached inside the tested range, not outside it.
    assert!(interp
        .iter()
        .any(|(_, _, o)| matches!(o, Outcome::StackExhausted(_))));
    assert!(interp
        .iter()
        .any(|(_, n, o)| *n as usize >= MAX_DEPTH - 2 && matches!(o, Outcome::Returned(_))));
    assert!(
        !interp
            .iter()
            .any(|(_, _, o)| matches!(o, Outcome::Other(_))),
        "{interp:?}"
    );
    assert_eq!(jit, interp, "jit vs interp");
    assert_eq!(aot, interp, "aot vs interp");
}
