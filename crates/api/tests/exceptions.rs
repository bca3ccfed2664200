//! Exceptions through the embedding API, in every tier: a host function
//! throws one ([`Tag::throw`], [`ExnRef::to_trap`]) or propagates one from a
//! nested call, wasm catches it; an uncaught one reaches the embedder with
//! its payload ([`Error::exception`]); the store's limit of live exceptions
//! ([`StoreLimits::exceptions`]) bounds what a guest can keep.
#![cfg(any(feature = "interp", feature = "jit", feature = "aot"))]

use strata_api::{
    Caller, Config, Engine, Error, ErrorKind, ExnRef, Extern, Func, FuncType, Instance, Linker,
    Module, Store, StoreLimits, Tag, TrapCode, Val, ValType,
};

const THROWER: &str = r#"(module
  (tag $e (export "e") (param i32))
  (global $kept (export "kept") (mut exnref) (ref.null exn))
  (func (export "throw") (param i32) (throw $e (local.get 0)))
  ;; Catches its own exception as an exnref and keeps it in a global.
  (func (export "keep") (param i32)
    (block $caught (result i32 exnref)
      (try_table (catch_ref $e $caught) (throw $e (local.get 0)))
      (unreachable))
    (global.set $kept)
    (drop))
  ;; Catches n exceptions as exnrefs in one call.
  (func (export "loop_ref") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (block $caught (result i32 exnref)
          (try_table (catch_ref $e $caught) (throw $e (local.get $n)))
          (unreachable))
        (drop)
        (drop)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
  ;; Throws what `kept` holds.
  (func (export "rethrow_kept") (throw_ref (global.get $kept))))"#;

const CATCHER: &str = r#"(module
  (import "a" "e" (tag $e (param i32)))
  (import "host" "call" (func $host (param i32)))
  (func (export "catch") (param i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $e $caught) (call $host (local.get 0)))
      (i32.const -1))))"#;

fn engine(config: Config) -> Engine {
    Engine::new(&config).unwrap_or_else(|e| panic!("engine: {e}"))
}

/// The thrower instance and its tag, in `store`.
fn thrower(engine: &Engine, store: &mut Store<()>) -> (Instance, Tag) {
    let module = Module::new(engine, THROWER).unwrap_or_else(|e| panic!("thrower: {e}"));
    let instance = Instance::new(&mut *store, &module, &[])
        .unwrap_or_else(|e| panic!("instantiate the thrower: {e}"));
    let Some(Extern::Tag(tag)) = instance.get_export(&*store, "e") else {
        panic!("the thrower exports no tag");
    };
    (instance, tag)
}

/// The catcher's `catch`, with `host` as the host function it calls inside
/// its `try_table`.
fn catcher(
    engine: &Engine,
    store: &mut Store<()>,
    tag: Tag,
    host: impl Fn(Caller<'_, ()>, i32) -> Result<(), strata_api::Trap> + Send + Sync + 'static,
) -> Func {
    let ty = FuncType::new([ValType::I32], []);
    let host = Func::new(&mut *store, ty, move |caller, params, _| {
        host(caller, params[0].i32().unwrap_or_default())
    });
    let mut linker = Linker::new(engine);
    for (module, name, item) in [("a", "e", Extern::from(tag)), ("host", "call", host.into())] {
        linker
            .define(module, name, item)
            .unwrap_or_else(|e| panic!("define {module}.{name}: {e}"));
    }
    let module = Module::new(engine, CATCHER).unwrap_or_else(|e| panic!("catcher: {e}"));
    let instance = linker
        .instantiate(&mut *store, &module)
        .unwrap_or_else(|e| panic!("instantiate the catcher: {e}"));
    instance
        .get_func(&*store, "catch")
        .unwrap_or_else(|| panic!("no export `catch`"))
}

fn call_i32(store: &mut Store<()>, f: Func, arg: i32) -> Result<i32, Error> {
    match f.call(store, &[Val::I32(arg)])?.as_slice() {
        [Val::I32(v)] => Ok(*v),
        other => panic!("unexpected results {other:?}"),
    }
}

fn host_throws_and_wasm_catches(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let (_, tag) = thrower(&engine, &mut store);
    let catch = catcher(&engine, &mut store, tag, move |mut caller, x| {
        Err(tag.throw(&mut caller, &[Val::I32(x + 1)])?)
    });
    for x in [0, 7, -3] {
        assert_eq!(
            call_i32(&mut store, catch, x).map_err(|e| e.to_string()),
            Ok(x + 1)
        );
    }
    assert_eq!(store.live_exceptions(), 0, "caught by payload, so freed");
}

fn host_rethrows_an_exnref(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let (_, tag) = thrower(&engine, &mut store);
    let catch = catcher(&engine, &mut store, tag, move |mut caller, x| {
        let exn = ExnRef::new(&mut caller, &tag, &[Val::I32(x * 2)])?;
        assert_eq!(exn.tag(&caller).ok(), Some(tag));
        assert_eq!(exn.payload(&caller).ok(), Some(vec![Val::I32(x * 2)]));
        Err(exn.to_trap(&caller)?)
    });
    assert_eq!(
        call_i32(&mut store, catch, 21).map_err(|e| e.to_string()),
        Ok(42)
    );
    let err =
        ExnRef::new(&mut store, &tag, &[Val::I64(1)]).expect_err("a payload of the wrong type");
    assert_eq!(err.kind(), ErrorKind::Type, "{err}");
}

fn host_propagates_a_nested_exception(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let (thrower, tag) = thrower(&engine, &mut store);
    let throw = thrower
        .get_func(&store, "throw")
        .unwrap_or_else(|| panic!("no export `throw`"));
    let catch = catcher(&engine, &mut store, tag, move |mut caller, x| {
        throw.call(&mut caller, &[Val::I32(x + 5)])?;
        Ok(())
    });
    assert_eq!(
        call_i32(&mut store, catch, 1).map_err(|e| e.to_string()),
        Ok(6)
    );
}

fn uncaught_exceptions_reach_the_embedder(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let (thrower, tag) = thrower(&engine, &mut store);
    let throw = thrower
        .get_func(&store, "throw")
        .unwrap_or_else(|| panic!("no export `throw`"));
    let err = throw
        .call(&mut store, &[Val::I32(9)])
        .expect_err("nothing catches it");
    assert_eq!(
        err.kind(),
        ErrorKind::Trap(TrapCode::UncaughtException),
        "{err}"
    );
    let exn = err
        .exception(&store)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the error carries no exception"));
    assert_eq!(exn.tag(&store).ok(), Some(tag));
    assert_eq!(exn.payload(&store).ok(), Some(vec![Val::I32(9)]));
    let other = Store::new(&engine, ());
    let wrong = err.exception(&other).expect_err("another store");
    assert_eq!(wrong.kind(), ErrorKind::WrongStore, "{wrong}");
}

fn the_limit_bounds_kept_exceptions(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().exceptions(8));
    assert_eq!(store.limits().get_exceptions(), Some(8));
    let (thrower, _) = thrower(&engine, &mut store);
    let get = |name: &str| {
        thrower
            .get_func(&store, name)
            .unwrap_or_else(|| panic!("no export `{name}`"))
    };
    let (keep, loop_ref, rethrow_kept) = (get("keep"), get("loop_ref"), get("rethrow_kept"));
    let err = loop_ref
        .call(&mut store, &[Val::I32(20)])
        .expect_err("20 exnrefs in one call, under a limit of 8");
    assert_eq!(
        err.kind(),
        ErrorKind::Trap(TrapCode::ExceptionLimit),
        "{err}"
    );
    assert!(
        err.to_string().contains("too many live exceptions"),
        "{err}"
    );
    keep.call(&mut store, &[Val::I32(77)])
        .unwrap_or_else(|e| panic!("keep: {e}"));
    // Calls from the embedder reclaim unreachable exnrefs; the kept one stays.
    for _ in 0..50 {
        loop_ref
            .call(&mut store, &[Val::I32(3)])
            .unwrap_or_else(|e| panic!("loop_ref between sweeps: {e}"));
    }
    let err = rethrow_kept.call(&mut store, &[]).expect_err("rethrows");
    let exn = err.exception(&store).ok().flatten();
    assert_eq!(
        exn.and_then(|e| e.payload(&store).ok()),
        Some(vec![Val::I32(77)]),
        "the exception kept in a global survived the sweeps: {err}"
    );
}

macro_rules! tier_tests {
    ($tier:ident, $feature:literal, $config:expr) => {
        #[cfg(feature = $feature)]
        mod $tier {
            use super::*;

            #[test]
            fn a_host_function_throws_and_wasm_catches() {
                super::host_throws_and_wasm_catches($config);
            }

            #[test]
            fn a_host_function_rethrows_an_exnref() {
                super::host_rethrows_an_exnref($config);
            }

            #[test]
            fn a_host_function_propagates_a_nested_exception() {
                super::host_propagates_a_nested_exception($config);
            }

            #[test]
            fn uncaught_exceptions_reach_the_embedder() {
                super::uncaught_exceptions_reach_the_embedder($config);
            }

            #[test]
            fn the_limit_bounds_kept_exceptions() {
                super::the_limit_bounds_kept_exceptions($config);
            }
        }
    };
}

tier_tests!(interp, "interp", Config::new());
tier_tests!(
    jit,
    "jit",
    Config::new().tier(std::sync::Arc::new(strata_api::Jit::default()))
);
tier_tests!(
    aot,
    "aot",
    Config::new().tier(std::sync::Arc::new(strata_api::Aot::new()))
);
