//! Artifacts: a compiled artifact loads and runs; every corruption of a real
//! artifact is refused with a typed error (or is harmless); an artifact for
//! another target is refused by the target check.

mod common;

use std::sync::Arc;

use strata_aot::{Aot, ArtifactError};
use strata_api::{Linker, Module as ApiModule, Store, Val};

const WAT: &str = r#"(module
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

fn ir() -> strata_ir::ValidModule {
    strata_loader::Loader::default()
        .load_wat(WAT)
        .expect("load")
}

fn artifact() -> Vec<u8> {
    Aot::default()
        .compile_artifact(&ir(), None, &|_, _| {})
        .expect("compile")
}

fn run_fib(bytes: &[u8]) -> Result<Vec<Val>, String> {
    let engine = common::aot_engine();
    // SAFETY: the artifact was compiled by this test.
    let module = unsafe { ApiModule::deserialize(&engine, bytes) }.map_err(|e| e.to_string())?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    common::call(&mut store, &instance, "fib", &[Val::I32(20)])
}

#[test]
fn artifact_round_trip_runs() {
    let bytes = artifact();
    assert!(strata_aot::artifact::is_artifact(&bytes));
    assert_eq!(run_fib(&bytes), Ok(vec![Val::I32(6765)]));
}

#[test]
fn every_corruption_is_refused() {
    let bytes = artifact();
    let aot = Aot::default();
    // Every byte of the header, then a dense sample of the rest.
    let step = (bytes.len() / 1500).max(1);
    let positions: Vec<usize> = (0..64.min(bytes.len()))
        .chain((64..bytes.len()).step_by(step))
        .collect();
    for at in positions {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut v = bytes.clone();
            v[at] ^= flip;
            // SAFETY: a refused artifact is never executed; none may load.
            match unsafe { aot.load_artifact(&v) } {
                Err(
                    ArtifactError::BadMagic
                    | ArtifactError::Truncated
                    | ArtifactError::FormatVersion { .. }
                    | ArtifactError::Checksum,
                ) => {}
                Err(e) => panic!("byte {at} ^ {flip:#x}: unexpected check {e}"),
                Ok(_) => panic!("byte {at} ^ {flip:#x}: corrupt artifact accepted"),
            }
        }
    }
    for len in [0, 7, 8, 31, 32, bytes.len() / 2, bytes.len() - 1] {
        // SAFETY: as above.
        let r = unsafe { aot.load_artifact(&bytes[..len]) };
        assert!(
            matches!(r, Err(ArtifactError::BadMagic | ArtifactError::Truncated)),
            "length {len}: {:?}",
            r.err()
        );
    }
}

#[test]
fn foreign_target_is_refused() {
    let bytes = Aot::default()
        .compile_artifact(&ir(), Some("aarch64-unknown-linux-gnu"), &|_, _| {})
        .expect("cross-compile");
    // SAFETY: refused before any code is mapped.
    let r = unsafe { Aot::default().load_artifact(&bytes) };
    if cfg!(target_arch = "x86_64") {
        match r {
            Err(ArtifactError::Target { found, .. }) => {
                assert_eq!(found, "aarch64-unknown-linux-gnu")
            }
            other => panic!("expected a target error, got {:?}", other.err()),
        }
    }
}

#[test]
fn foreign_version_is_refused() {
    let mut bytes = artifact();
    bytes[8..12].copy_from_slice(&(strata_aot::artifact::ARTIFACT_VERSION + 1).to_le_bytes());
    // SAFETY: refused before any code is mapped.
    let r = unsafe { Aot::default().load_artifact(&bytes) };
    assert!(matches!(r, Err(ArtifactError::FormatVersion { .. })));
    let _ = Arc::new(());
}
