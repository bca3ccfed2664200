//! SIMD in the AOT tier beyond the spec suite: `v128` arguments and results
//! through the embedding API, host functions taking and returning vectors,
//! `v128` globals, exceptions carrying vectors, memory64 vector accesses
//! past 4 GiB, and a SIMD module through an artifact.

mod common;

use common::{aot_engine, call, instantiate};
use strata_api::{Func, FuncType, Global, GlobalType, Linker, Module, Store, Val, ValType};

/// The vector whose `i32` lanes are `l` (lane 0 first).
fn i32x4(l: [u32; 4]) -> Val {
    let mut b = [0u8; 16];
    for (i, x) in l.iter().enumerate() {
        b[4 * i..4 * i + 4].copy_from_slice(&x.to_le_bytes());
    }
    Val::V128(u128::from_le_bytes(b))
}

#[test]
fn vectors_pass_in_and_out_of_compiled_code() {
    let engine = aot_engine();
    let (mut store, inst) = instantiate(
        &engine,
        r#"(module
          (func (export "add") (param v128 i32 v128) (result i32 v128 v128)
            (local.get 1)
            (i32x4.add (local.get 0) (local.get 2))
            (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 2))))"#,
    );
    let a = i32x4([1, 2, 3, 0xffff_ffff]);
    let b = i32x4([10, 20, 30, 1]);
    let r = call(&mut store, &inst, "add", &[a, Val::I32(-7), b]).expect("runs");
    assert_eq!(r[0], Val::I32(-7));
    assert_eq!(r[1], i32x4([11, 22, 33, 0]));
    let Val::V128(a_bits) = a else { unreachable!() };
    assert_eq!(r[2], Val::V128(a_bits.swap_bytes()));
}

#[test]
fn host_functions_take_and_return_vectors() {
    let engine = aot_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "twice" (func $twice (param i64 v128) (result v128 i32)))
          (func (export "run") (param v128) (result v128 i32)
            (call $twice (i64.const 5) (local.get 0))))"#,
    )
    .expect("module");
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
    let inst = linker.instantiate(&mut store, &module).expect("instance");
    let v = 0x0123_4567_89ab_cdef_0011_2233_4455_6677u128;
    let r = call(&mut store, &inst, "run", &[Val::V128(v)]).expect("runs");
    assert_eq!(r, vec![Val::V128(v.wrapping_mul(2)), Val::I32(6)]);
}

#[test]
fn v128_globals_read_and_write_all_sixteen_bytes() {
    let engine = aot_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "g" (global $in v128))
          (global $g (export "g") (mut v128) (v128.const i64x2 -1 2))
          (func (export "swap") (result v128)
            (global.get $g)
            (global.set $g (i64x2.add (global.get $in) (global.get $g)))))"#,
    )
    .expect("module");
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
    let inst = linker.instantiate(&mut store, &module).expect("instance");
    let old = u128::from(u64::MAX) | (2u128 << 64);
    assert_eq!(
        call(&mut store, &inst, "swap", &[]),
        Ok(vec![Val::V128(old)])
    );
    let g = inst.get_global(&store, "g").expect("export");
    assert_eq!(g.get(&store).expect("get"), Val::V128(3u128 << 64));
}

#[test]
fn exceptions_carry_vectors() {
    let engine = aot_engine();
    let (mut store, inst) = instantiate(
        &engine,
        r#"(module
          (tag $t (param v128 i32 v128))
          (func $throw (param v128 v128) (throw $t (local.get 0) (i32.const 7) (local.get 1)))
          (func (export "catch") (param v128 v128) (result v128 i32 v128)
            (block $h (result v128 i32 v128)
              (try_table (catch $t $h) (call $throw (local.get 0) (local.get 1)))
              (unreachable))))"#,
    );
    let (a, b) = (Val::V128(u128::MAX - 5), Val::V128(1 << 100));
    assert_eq!(
        call(&mut store, &inst, "catch", &[a, b]),
        Ok(vec![a, Val::I32(7), b])
    );
}

#[test]
fn memory64_vector_accesses_past_4gib_and_at_the_end() {
    let engine = aot_engine();
    // 65537 pages: one page past 4 GiB.
    let (mut store, inst) = instantiate(
        &engine,
        r#"(module
          (memory i64 65537)
          (func (export "store") (param i64 v128) (v128.store (local.get 0) (local.get 1)))
          (func (export "load") (param i64) (result v128) (v128.load (local.get 0)))
          (func (export "lane") (param i64) (result v128)
            (v128.load32_lane 3 (local.get 0) (v128.const i32x4 0 0 0 0))))"#,
    );
    let at = Val::I64(0x1_0000_0000 + 8);
    let v = Val::V128(0x1111_2222_3333_4444_5555_6666_7777_8888);
    call(&mut store, &inst, "store", &[at, v]).expect("store");
    assert_eq!(call(&mut store, &inst, "load", &[at]), Ok(vec![v]));
    assert_eq!(
        call(&mut store, &inst, "load", &[Val::I64(8)]),
        Ok(vec![Val::V128(0)])
    );
    let lane = call(&mut store, &inst, "lane", &[at]).expect("lane");
    assert_eq!(lane, vec![i32x4([0, 0, 0, 0x7777_8888])]);
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
}

#[test]
fn a_simd_module_runs_from_an_artifact() {
    let engine = aot_engine();
    let wat = r#"(module
      (func (export "dot") (param v128 v128) (result i32)
        (local $d v128)
        (local.set $d (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
        (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $d)) (i32x4.extract_lane 1 (local.get $d)))
          (i32.add (i32x4.extract_lane 2 (local.get $d)) (i32x4.extract_lane 3 (local.get $d))))))"#;
    let bytes = engine
        .precompile_module(wat.as_bytes())
        .expect("precompile");
    // SAFETY: compiled just above by this engine.
    let module = unsafe { Module::deserialize(&engine, &bytes) }.expect("load");
    let mut store = Store::new(&engine, ());
    let inst = Linker::<()>::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instance");
    let ones = Val::V128(u128::from_le_bytes(
        [1, 0].repeat(8).try_into().expect("16"),
    ));
    let twos = Val::V128(u128::from_le_bytes(
        [2, 0].repeat(8).try_into().expect("16"),
    ));
    assert_eq!(
        call(&mut store, &inst, "dot", &[ones, twos]),
        Ok(vec![Val::I32(16)])
    );
}
