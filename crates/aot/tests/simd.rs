//! SIMD in the AOT tier beyond the spec suite and the embedding API's SIMD
//! tests (`crates/api/tests/simd.rs`, which run in this tier too): a SIMD
//! module through an artifact.

mod common;

use common::{aot_engine, call};
use strata_api::{Linker, Module, Store, Val};

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
