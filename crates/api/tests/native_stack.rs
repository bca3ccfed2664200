//! The native stack limit in every tier: on a thread with a 256 KiB stack,
//! unbounded recursion — in wasm, through a host function calling back into
//! wasm, and between instances of different tiers — traps with "call stack
//! exhausted" and the thread joins normally, while moderate recursion still
//! runs to completion.
//!
//! The call-depth limit is raised far above what a 256 KiB stack can hold,
//! so it is the native stack rule (`strata_runtime::native_stack`) that
//! stops the compiled tiers and every nested entry. Run a tier's tests with
//! its feature: `cargo test -p strata-api --features jit,aot --test native_stack`.
#![cfg(any(feature = "interp", feature = "jit", feature = "aot"))]

use std::thread;

use strata_api::{
    Caller, Config, Engine, Error, Extern, Linker, Module, Store, Trap, TrapCode, Val,
};

/// The stack of every thread these tests run wasm on.
const SMALL_STACK: usize = 256 * 1024;

/// The call-depth limit of these tests: far more frames than fit on
/// [`SMALL_STACK`] in a compiled tier.
const DEPTH_CAP: usize = 200_000;

/// Levels of wasm → host → wasm that must fit on [`SMALL_STACK`].
const MODERATE_REENTRY: i32 = 10;

/// Recursion with no base case (not a tail call).
const UNBOUNDED: &str = r#"(module
  (func $down (export "down") (param i32) (result i32)
    (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#;

/// `depth(n)` recurses `n` frames deep and returns `n`.
const DEPTH: &str = r#"(module
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;

/// `f(n)` calls the host, which calls `f(n + 1)` again.
const REENTER: &str = r#"(module
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (func (export "f") (param i32) (result i32)
    (call $reenter (i32.add (local.get 0) (i32.const 1)))))"#;

/// Run `f` on a new thread with a [`SMALL_STACK`] stack; a panic on it
/// fails the test with its message (a stack overflow would abort the whole
/// test binary instead).
fn on_small_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let handle = thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap_or_else(|e| panic!("cannot spawn a thread: {e}"));
    match handle.join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn engine(config: &Config) -> Engine {
    Engine::new(config).unwrap_or_else(|e| panic!("engine: {e}"))
}

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, wat).unwrap_or_else(|e| panic!("test module does not load: {e}"))
}

fn assert_stack_exhausted(err: &Error) {
    assert_eq!(
        err.trap().map(Trap::code),
        Some(TrapCode::StackExhausted),
        "{err}"
    );
    assert!(err.to_string().contains("call stack exhausted"), "{err}");
}

fn call_i32(
    store: &mut Store<impl Send + 'static>,
    f: &strata_api::Func,
    arg: i32,
) -> Result<i32, Error> {
    match f.call(store, &[Val::I32(arg)])?.as_slice() {
        [Val::I32(v)] => Ok(*v),
        other => panic!("unexpected results {other:?}"),
    }
}

/// Unbounded wasm recursion on a small thread traps; a compiled tier is
/// stopped by the native limit (fewer frames than the thread could hold at
/// 16 bytes each), the interpreter, which keeps wasm frames off the native
/// stack, by the call-depth limit.
fn unbounded_recursion_traps(config: Config, native_frames: bool) {
    let engine = engine(&config);
    let m = module(&engine, UNBOUNDED);
    let frames = on_small_thread(move || {
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &m)
            .unwrap_or_else(|e| panic!("instantiate: {e}"));
        let f = instance
            .get_func(&store, "down")
            .unwrap_or_else(|| panic!("no export `down`"));
        let err = call_i32(&mut store, &f, 0).expect_err("unbounded recursion must trap");
        assert_stack_exhausted(&err);
        // The store stays usable after the trap.
        let err = call_i32(&mut store, &f, 0).expect_err("and trap again");
        assert_stack_exhausted(&err);
        err.frames().len()
    });
    if native_frames {
        assert!(
            frames < SMALL_STACK / 16,
            "{frames} frames: not stopped by the native stack limit"
        );
    } else {
        assert!(frames >= DEPTH_CAP - 1, "{frames} frames: stopped early");
    }
    assert!(frames > 1000, "only {frames} frames fit");
}

/// Depth 1000 of a small function runs on a small thread.
fn moderate_recursion_runs(config: Config) {
    let engine = engine(&config);
    let m = module(&engine, DEPTH);
    let got = on_small_thread(move || {
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &m)
            .unwrap_or_else(|e| panic!("instantiate: {e}"));
        let f = instance
            .get_func(&store, "depth")
            .unwrap_or_else(|| panic!("no export `depth`"));
        call_i32(&mut store, &f, 1000)
    });
    assert_eq!(got.map_err(|e| e.to_string()), Ok(1000));
}

/// How deep the host-mediated recursion went, and where it stops.
#[derive(Default)]
struct Reentry {
    /// `None`: never stop (until the stack is exhausted).
    bound: Option<i32>,
    deepest: i32,
}

/// A store and `f` of [`REENTER`], whose host function calls `f` again.
fn reentering(
    engine: &Engine,
    m: &Module,
    bound: Option<i32>,
) -> (Store<Reentry>, strata_api::Func) {
    let mut linker = Linker::<Reentry>::new(engine);
    linker
        .func_wrap(
            "host",
            "reenter",
            |mut caller: Caller<'_, Reentry>, n: i32| -> Result<i32, Trap> {
                let data = caller.data_mut();
                data.deepest = data.deepest.max(n);
                if data.bound.is_some_and(|b| n >= b) {
                    return Ok(n);
                }
                let f = caller
                    .get_export("f")
                    .and_then(Extern::into_func)
                    .ok_or_else(|| Trap::host("no export `f`"))?;
                match f.call(&mut caller, &[Val::I32(n)])?.as_slice() {
                    [Val::I32(v)] => Ok(*v),
                    _ => Err(Trap::host("`f` returned something else than an i32")),
                }
            },
        )
        .unwrap_or_else(|e| panic!("define: {e}"));
    let mut store = Store::new(
        engine,
        Reentry {
            bound,
            ..Reentry::default()
        },
    );
    let instance = linker
        .instantiate(&mut store, m)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    let f = instance
        .get_func(&store, "f")
        .unwrap_or_else(|| panic!("no export `f`"));
    (store, f)
}

/// wasm → host → wasm without end on a small thread traps (every re-entry
/// checks the thread's limit, in every tier); 10 levels of it run (an
/// unoptimized build fits about 16 on a 256 KiB thread, an optimized one
/// about 100).
fn reentry_traps(config: Config) {
    let engine = engine(&config);
    let m = module(&engine, REENTER);
    let (deepest, moderate) = on_small_thread(move || {
        let (mut store, f) = reentering(&engine, &m, None);
        let err = call_i32(&mut store, &f, 0).expect_err("unbounded re-entry must trap");
        assert_stack_exhausted(&err);
        let deepest = store.data().deepest;
        let (mut store, f) = reentering(&engine, &m, Some(MODERATE_REENTRY));
        (
            deepest,
            call_i32(&mut store, &f, 0).map_err(|e| e.to_string()),
        )
    });
    assert!(
        (MODERATE_REENTRY..(DEPTH_CAP / 2) as i32).contains(&deepest),
        "re-entered {deepest} times"
    );
    assert_eq!(moderate, Ok(MODERATE_REENTRY));
}

/// Cross-tier recursion without end: `f` (the engine's tier) calls `g` (an
/// AOT artifact's instance), which calls `f` through a shared table. Every
/// call between the two instances is a nested entry through the store.
#[cfg(feature = "aot")]
fn cross_tier_recursion(config: Config) {
    use strata_api::{IndexType, Limits, RefType, Table, TableType};

    const G: &str = r#"(module
      (import "env" "t" (table 1 funcref))
      (type $s (func (param i32 i32) (result i32)))
      (func (export "g") (param $n i32) (param $bound i32) (result i32)
        (if (result i32) (i32.ge_u (local.get $n) (local.get $bound))
          (then (i32.const 0))
          (else
            (i32.add
              (call_indirect (type $s)
                (i32.add (local.get $n) (i32.const 1)) (local.get $bound) (i32.const 0))
              (i32.const 1))))))"#;
    const F: &str = r#"(module
      (import "a" "g" (func $g (param i32 i32) (result i32)))
      (func (export "f") (param i32 i32) (result i32)
        (i32.add (call $g (local.get 0) (local.get 1)) (i32.const 1))))"#;

    let engine = engine(&config);
    let artifact = engine
        .precompile_module(G.as_bytes())
        .unwrap_or_else(|e| panic!("compile the artifact: {e}"));
    // SAFETY: the artifact was compiled just above by this process.
    let g_module = unsafe { Module::deserialize(&engine, &artifact) }
        .unwrap_or_else(|e| panic!("load the artifact: {e}"));
    let f_module = module(&engine, F);
    let results = on_small_thread(move || {
        let mut store = Store::new(&engine, ());
        let table = Table::new(
            &mut store,
            TableType {
                index: IndexType::I32,
                elem: RefType::FUNCREF,
                limits: Limits { min: 1, max: None },
            },
            Val::FuncRef(None),
        )
        .unwrap_or_else(|e| panic!("table: {e}"));
        let mut linker = Linker::new(&engine);
        linker
            .define("env", "t", table)
            .unwrap_or_else(|e| panic!("define: {e}"));
        let a = linker
            .instantiate(&mut store, &g_module)
            .unwrap_or_else(|e| panic!("instantiate the artifact: {e}"));
        let g = a
            .get_func(&store, "g")
            .unwrap_or_else(|| panic!("no export `g`"));
        linker
            .define("a", "g", g)
            .unwrap_or_else(|e| panic!("define: {e}"));
        let b = linker
            .instantiate(&mut store, &f_module)
            .unwrap_or_else(|e| panic!("instantiate: {e}"));
        let f = b
            .get_func(&store, "f")
            .unwrap_or_else(|| panic!("no export `f`"));
        table
            .set(&mut store, 0, f.to_val())
            .unwrap_or_else(|e| panic!("table.set: {e}"));
        let mut call = |bound: i32| f.call(&mut store, &[Val::I32(0), Val::I32(bound)]);
        (call(-1), call(10))
    });
    let (unbounded, moderate) = results;
    let err = unbounded.expect_err("unbounded cross-tier recursion must trap");
    assert_stack_exhausted(&err);
    assert_eq!(moderate.map_err(|e| e.to_string()), Ok(vec![Val::I32(21)]));
}

/// The tests of one tier, in a module named after it.
macro_rules! tier_tests {
    ($tier:ident, $feature:literal, $config:expr, native_frames: $native:expr) => {
        #[cfg(feature = $feature)]
        mod $tier {
            use super::*;

            fn config() -> Config {
                $config.max_call_depth(DEPTH_CAP)
            }

            #[test]
            fn unbounded_recursion_on_a_small_thread_traps() {
                unbounded_recursion_traps(config(), $native);
            }

            #[test]
            fn moderate_recursion_on_a_small_thread_runs() {
                moderate_recursion_runs(config());
            }

            #[test]
            fn wasm_host_wasm_recursion_on_a_small_thread_traps() {
                reentry_traps(config());
            }

            #[cfg(feature = "aot")]
            #[test]
            fn cross_tier_recursion_on_a_small_thread_traps() {
                cross_tier_recursion(config());
            }
        }
    };
}

tier_tests!(interp, "interp", Config::new(), native_frames: false);
tier_tests!(
    jit,
    "jit",
    Config::new().tier(std::sync::Arc::new(strata_api::Jit::default())),
    native_frames: true
);
tier_tests!(
    aot,
    "aot",
    Config::new().tier(std::sync::Arc::new(strata_api::Aot::new())),
    native_frames: true
);
