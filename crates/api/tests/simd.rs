//! SIMD through the embedding API, in every tier that runs it: `v128`
//! arguments and results mixed with scalars, host functions taking and
//! returning vectors, `v128` globals, exceptions carrying vectors (also
//! through a module without SIMD), calls between SIMD and non-SIMD modules
//! (the interpreter and the JIT lay their frames out differently), `select` and
//! branches carrying vectors, and memory64 vector accesses past 4 GiB.
#![cfg(any(feature = "interp", feature = "jit", feature = "aot"))]

use strata_api::{
    Config, Engine, Func, FuncType, Global, GlobalType, Instance, Linker, Module, Store, Val,
    ValType,
};

fn engine(config: Config) -> Engine {
    Engine::new(&config).unwrap_or_else(|e| panic!("engine: {e}"))
}

/// The vector whose `i32` lanes are `l` (lane 0 first).
fn i32x4(l: [u32; 4]) -> Val {
    let mut b = [0u8; 16];
    for (i, x) in l.iter().enumerate() {
        b[4 * i..4 * i + 4].copy_from_slice(&x.to_le_bytes());
    }
    Val::V128(u128::from_le_bytes(b))
}

fn instantiate(engine: &Engine, linker: &Linker<()>, store: &mut Store<()>, wat: &str) -> Instance {
    let module = Module::new(engine, wat).unwrap_or_else(|e| panic!("module: {e}"));
    linker
        .instantiate(store, &module)
        .unwrap_or_else(|e| panic!("instantiate: {e}"))
}

/// Call export `name`; `Err` is the error's text.
fn call(
    store: &mut Store<()>,
    inst: &Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, String> {
    let f = inst
        .get_func(&*store, name)
        .unwrap_or_else(|| panic!("no export {name}"));
    f.call(store, args).map_err(|e| e.to_string())
}

fn vectors_pass_in_and_out(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let inst = instantiate(
        &engine,
        &Linker::new(&engine),
        &mut store,
        r#"(module
          (func $sum (param v128 i32 v128) (result i32 v128 v128)
            (local.get 1)
            (i32x4.add (local.get 0) (local.get 2))
            (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 2)))
          (func (export "add") (param v128 i32 v128) (result i32 v128 v128)
            (call $sum (local.get 0) (local.get 1) (local.get 2))))"#,
    );
    let a = i32x4([1, 2, 3, 0xffff_ffff]);
    let b = i32x4([10, 20, 30, 1]);
    let r = call(&mut store, &inst, "add", &[a, Val::I32(-7), b]).expect("runs");
    let Val::V128(a_bits) = a else { unreachable!() };
    assert_eq!(
        r,
        vec![
            Val::I32(-7),
            i32x4([11, 22, 33, 0]),
            Val::V128(a_bits.swap_bytes())
        ]
    );
}

fn host_functions_take_and_return_vectors(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let twice = Func::new(
        &mut store,
        FuncType::new([ValType::I64, ValType::V128], [ValType::V128, ValType::I32]),
        |_, args, results| {
            let (Val::I64(k), Val::V128(v)) = (args[0], args[1]) else {
                return Err(strata_api::Trap::host("wrong argument types"));
            };
            results[0] = Val::V128(v.wrapping_mul(2));
            results[1] = Val::I32(k as i32 + 1);
            Ok(())
        },
    );
    let mut linker = Linker::new(&engine);
    linker.define("host", "twice", twice).expect("define");
    let inst = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (import "host" "twice" (func $twice (param i64 v128) (result v128 i32)))
          (func (export "run") (param v128) (result v128 i32)
            (call $twice (i64.const 5) (local.get 0)))
          (func (export "tail") (param v128) (result v128 i32)
            (return_call $twice (i64.const 9) (local.get 0))))"#,
    );
    let v = 0x0123_4567_89ab_cdef_0011_2233_4455_6677u128;
    let r = call(&mut store, &inst, "run", &[Val::V128(v)]).expect("runs");
    assert_eq!(r, vec![Val::V128(v.wrapping_mul(2)), Val::I32(6)]);
    let r = call(&mut store, &inst, "tail", &[Val::V128(v)]).expect("runs");
    assert_eq!(r, vec![Val::V128(v.wrapping_mul(2)), Val::I32(10)]);
}

fn v128_globals_hold_sixteen_bytes(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let input = Global::new(
        &mut store,
        GlobalType {
            ty: ValType::V128,
            mutable: false,
        },
        Val::V128(1 | (1 << 64)),
    )
    .expect("global");
    let mut linker = Linker::new(&engine);
    linker.define("env", "g", input).expect("define");
    let inst = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (import "env" "g" (global $in v128))
          (global $g (export "g") (mut v128) (v128.const i64x2 -1 2))
          (global $n (export "n") (mut i64) (i64.const 3))
          (func (export "swap") (result v128)
            (global.get $g)
            (global.set $g (i64x2.add (global.get $in) (global.get $g)))
            (global.set $n (i64.add (global.get $n) (i64x2.extract_lane 1 (global.get $g))))))"#,
    );
    let old = u128::from(u64::MAX) | (2u128 << 64);
    assert_eq!(
        call(&mut store, &inst, "swap", &[]),
        Ok(vec![Val::V128(old)])
    );
    let g = inst.get_global(&store, "g").expect("export");
    assert_eq!(g.get(&store).expect("get"), Val::V128(3u128 << 64));
    let n = inst.get_global(&store, "n").expect("export");
    assert_eq!(n.get(&store).expect("get"), Val::I64(6));
}

/// A SIMD module's exception with vectors in its payload unwinds through a
/// module without any SIMD (which sees it only as an `exnref` and rethrows
/// it) and is caught, payload intact, by another SIMD module.
fn exceptions_carry_vectors(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let thrower = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (tag $t (export "t") (param v128 i32 v128))
          (global $a (mut v128) (v128.const i64x2 0 0))
          (global $b (mut v128) (v128.const i64x2 0 0))
          (func (export "set") (param v128 v128)
            (global.set $a (local.get 0))
            (global.set $b (local.get 1)))
          (func (export "throw")
            (throw $t (global.get $a) (i32.const 7) (global.get $b))))"#,
    );
    linker.instance(&store, "thrower", thrower).expect("define");
    let plain = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (import "thrower" "throw" (func $throw))
          (func (export "relay") (param i32) (result i32)
            (block $h (result exnref)
              (try_table (catch_all_ref $h) (call $throw))
              (return (local.get 0)))
            (throw_ref)))"#,
    );
    linker.instance(&store, "plain", plain).expect("define");
    let catcher = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (import "thrower" "t" (tag $t (param v128 i32 v128)))
          (import "thrower" "set" (func $set (param v128 v128)))
          (import "plain" "relay" (func $relay (param i32) (result i32)))
          (func (export "catch") (param v128 v128) (result v128 i32 v128)
            (call $set (local.get 0) (local.get 1))
            (block $h (result v128 i32 v128)
              (try_table (catch $t $h) (drop (call $relay (i32.const 1))))
              (unreachable))))"#,
    );
    let (a, b) = (Val::V128(u128::MAX - 5), Val::V128(1 << 100));
    assert_eq!(
        call(&mut store, &catcher, "catch", &[a, b]),
        Ok(vec![a, Val::I32(7), b])
    );
}

/// Calls in both directions between a module with SIMD and one without,
/// plain and tail calls, scalar arguments and results intact.
fn simd_and_plain_modules_call_each_other(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let plain = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (func (export "mix") (param i32 i64 f64) (result i64 i32)
            (i64.add (local.get 1) (i64.trunc_f64_s (local.get 2)))
            (i32.mul (local.get 0) (i32.const 3))))"#,
    );
    linker.instance(&store, "plain", plain).expect("define");
    let simd = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (import "plain" "mix" (func $mix (param i32 i64 f64) (result i64 i32)))
          (func (export "lanes") (param i32 i64 f64) (result i64 i32)
            (call $mix
              (i32x4.extract_lane 2 (i32x4.splat (local.get 0)))
              (local.get 1) (local.get 2)))
          (func (export "tail") (param i32 i64 f64) (result i64 i32)
            (return_call $mix (local.get 0) (local.get 1) (local.get 2)))
          (func (export "sum") (param i32) (result i32)
            (i32x4.extract_lane 0
              (i32x4.add (i32x4.splat (local.get 0)) (v128.const i32x4 5 0 0 0)))))"#,
    );
    linker.instance(&store, "simd", simd).expect("define");
    let back = instantiate(
        &engine,
        &linker,
        &mut store,
        r#"(module
          (import "simd" "sum" (func $sum (param i32) (result i32)))
          (import "simd" "tail" (func $tail (param i32 i64 f64) (result i64 i32)))
          (func (export "twice") (param i32) (result i32)
            (call $sum (call $sum (local.get 0))))
          (func (export "via") (param i32 i64 f64) (result i64 i32)
            (call $tail (local.get 0) (local.get 1) (local.get 2))))"#,
    );
    let args = [Val::I32(4), Val::I64(-10), Val::F64(2.5f64.to_bits())];
    let expected = Ok(vec![Val::I64(-8), Val::I32(12)]);
    assert_eq!(call(&mut store, &simd, "lanes", &args), expected);
    assert_eq!(call(&mut store, &simd, "tail", &args), expected);
    assert_eq!(call(&mut store, &back, "via", &args), expected);
    assert_eq!(
        call(&mut store, &back, "twice", &[Val::I32(1)]),
        Ok(vec![Val::I32(11)])
    );
}

/// `select` (typed and untyped), `br_if` and `br_table` with vectors, and a
/// loop keeping vectors in locals.
fn vectors_flow_through_control(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    let inst = instantiate(
        &engine,
        &Linker::new(&engine),
        &mut store,
        r#"(module
          (func (export "pick") (param v128 v128 i32) (result v128 v128)
            (select (local.get 0) (local.get 1) (local.get 2))
            (select (result v128) (local.get 1) (local.get 0) (local.get 2)))
          (func (export "table") (param v128 i32) (result v128)
            (block $b (result v128)
              (block $a (result v128)
                (br_table $a $b (i32x4.add (local.get 0) (local.get 0)) (local.get 1)))
              (return (i32x4.neg)))
            (i32x4.mul (v128.const i32x4 3 3 3 3)))
          ;; acc = sum of splat(i) for i in 1..=n, kept in a v128 local.
          (func (export "sum") (param $n i32) (result v128)
            (local $acc v128)
            (block $done
              (loop $next
                (br_if $done (i32.eqz (local.get $n)))
                (local.set $acc
                  (i32x4.add (local.tee $acc (local.get $acc)) (i32x4.splat (local.get $n))))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $next)))
            (local.get $acc)))"#,
    );
    let (a, b) = (i32x4([1, 2, 3, 4]), i32x4([9, 8, 7, 6]));
    assert_eq!(
        call(&mut store, &inst, "pick", &[a, b, Val::I32(1)]),
        Ok(vec![a, b])
    );
    assert_eq!(
        call(&mut store, &inst, "pick", &[a, b, Val::I32(0)]),
        Ok(vec![b, a])
    );
    let neg = |x: u32| 0u32.wrapping_sub(2 * x);
    assert_eq!(
        call(&mut store, &inst, "table", &[a, Val::I32(0)]),
        Ok(vec![i32x4([neg(1), neg(2), neg(3), neg(4)])])
    );
    assert_eq!(
        call(&mut store, &inst, "table", &[a, Val::I32(1)]),
        Ok(vec![i32x4([6, 12, 18, 24])])
    );
    assert_eq!(
        call(&mut store, &inst, "sum", &[Val::I32(100)]),
        Ok(vec![i32x4([5050; 4])])
    );
}

fn memory64_vector_accesses_past_4gib(config: Config) {
    let engine = engine(config);
    let mut store = Store::new(&engine, ());
    // 65537 pages: one page past 4 GiB.
    let inst = instantiate(
        &engine,
        &Linker::new(&engine),
        &mut store,
        r#"(module
          (memory i64 65537)
          (func (export "store") (param i64 v128) (v128.store (local.get 0) (local.get 1)))
          (func (export "load") (param i64) (result v128) (v128.load (local.get 0)))
          (func (export "lane") (param i64) (result v128)
            (v128.load32_lane 3 (local.get 0) (v128.const i32x4 0 0 0 0)))
          (func (export "store_lane") (param i64 v128)
            (v128.store16_lane offset=2 7 (local.get 0) (local.get 1)))
          (func (export "splat") (param i64) (result v128)
            (v128.load16_splat (local.get 0))))"#,
    );
    let at = Val::I64(0x1_0000_0000 + 8);
    let v = Val::V128(0x1111_2222_3333_4444_5555_6666_7777_8888);
    call(&mut store, &inst, "store", &[at, v]).expect("store");
    assert_eq!(call(&mut store, &inst, "load", &[at]), Ok(vec![v]));
    assert_eq!(
        call(&mut store, &inst, "load", &[Val::I64(8)]),
        Ok(vec![Val::V128(0)])
    );
    assert_eq!(
        call(&mut store, &inst, "lane", &[at]),
        Ok(vec![i32x4([0, 0, 0, 0x7777_8888])])
    );
    assert_eq!(
        call(&mut store, &inst, "splat", &[at]),
        Ok(vec![Val::V128(0x8888_8888_8888_8888_8888_8888_8888_8888)])
    );
    // Lane 7 of 16 bits is the vector's top two bytes.
    let far = Val::I64(0x1_0000_0000 + 0x100);
    call(&mut store, &inst, "store_lane", &[far, v]).expect("store lane");
    assert_eq!(
        call(
            &mut store,
            &inst,
            "splat",
            &[Val::I64(0x1_0000_0000 + 0x102)]
        ),
        Ok(vec![Val::V128(0x1111_1111_1111_1111_1111_1111_1111_1111)])
    );
    // The last 16 bytes load; one byte further traps, writing nothing.
    let end = 65537 * 65536;
    let last = Val::I64(end - 16);
    assert!(call(&mut store, &inst, "load", &[last]).is_ok());
    let err = call(&mut store, &inst, "store", &[Val::I64(end - 15), v]).expect_err("oob");
    assert!(err.contains("out of bounds"), "{err}");
    assert_eq!(
        call(&mut store, &inst, "load", &[last]),
        Ok(vec![Val::V128(0)])
    );
    let err = call(&mut store, &inst, "lane", &[Val::I64(end - 3)]).expect_err("oob");
    assert!(err.contains("out of bounds"), "{err}");
}

macro_rules! tier_tests {
    ($tier:ident, $feature:literal, $config:expr) => {
        #[cfg(feature = $feature)]
        mod $tier {
            use super::*;

            #[test]
            fn vectors_pass_in_and_out() {
                super::vectors_pass_in_and_out($config);
            }

            #[test]
            fn host_functions_take_and_return_vectors() {
                super::host_functions_take_and_return_vectors($config);
            }

            #[test]
            fn v128_globals_hold_sixteen_bytes() {
                super::v128_globals_hold_sixteen_bytes($config);
            }

            #[test]
            fn exceptions_carry_vectors() {
                super::exceptions_carry_vectors($config);
            }

            #[test]
            fn simd_and_plain_modules_call_each_other() {
                super::simd_and_plain_modules_call_each_other($config);
            }

            #[test]
            fn vectors_flow_through_control() {
                super::vectors_flow_through_control($config);
            }

            #[test]
            fn memory64_vector_accesses_past_4gib() {
                super::memory64_vector_accesses_past_4gib($config);
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
