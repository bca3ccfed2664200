//! Artifacts: a compiled artifact loads and runs; every corruption of a real
//! artifact is refused with a typed error; an artifact for another target,
//! or another target's code labelled as this host's, is refused; the API
//! loads an artifact only with the wasm features it was compiled with.
//! (Forged-but-consistent artifacts: `forged_artifact.rs`; signatures:
//! `signed_artifact.rs`.)

mod common;

use common::artifacts::{artifact, compile, run_fib, FIB_20, WAT};
use common::forge;
use strata_aot::{Aot, ArtifactError};
use strata_api::{Config, Engine, Features, Module as ApiModule, Val};

#[test]
fn artifact_round_trip_runs() {
    let bytes = artifact();
    assert!(strata_aot::artifact::is_artifact(&bytes));
    // SAFETY: the artifact was compiled by this test.
    assert_eq!(unsafe { run_fib(&bytes) }, Ok(vec![Val::I32(FIB_20)]));
    // The artifact holds the module's binary, exactly.
    let wasm = strata_loader::binary_form(WAT.as_bytes()).unwrap();
    assert_eq!(forge::section(&bytes, forge::WASM), &*wasm);
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

/// A target other than this host's that the tier compiles for.
fn foreign_target() -> &'static str {
    if cfg!(target_arch = "x86_64") {
        "aarch64-unknown-linux-gnu"
    } else {
        "x86_64-unknown-linux-gnu"
    }
}

#[test]
fn foreign_target_is_refused() {
    let bytes = compile(WAT, Some(foreign_target()));
    // SAFETY: refused before any code is mapped.
    match unsafe { Aot::default().load_artifact(&bytes) } {
        Err(ArtifactError::Target { found, .. }) => assert_eq!(found, foreign_target()),
        other => panic!("expected a target error, got {:?}", other.err()),
    }
}

#[test]
fn foreign_code_labelled_as_this_hosts_is_refused() {
    // Another architecture's code with this host's triple and CPU features
    // (checksum recomputed): the frame-setup check refuses every symbol.
    let host = artifact();
    let foreign = compile(WAT, Some(foreign_target()));
    let relabelled = forge::replace(
        &forge::replace(
            &foreign,
            forge::TARGET,
            &forge::section(&host, forge::TARGET),
        ),
        forge::CPU_FEATURES,
        &forge::section(&host, forge::CPU_FEATURES),
    );
    // SAFETY: refused before any code is mapped.
    match unsafe { Aot::default().load_artifact(&relabelled) } {
        Err(ArtifactError::Symbols(m)) => assert!(m.contains("frame setup"), "{m}"),
        other => panic!("relabelled code: {:?}", other.err()),
    }
}

#[test]
fn foreign_version_is_refused() {
    let mut bytes = artifact();
    bytes[8..12].copy_from_slice(&(strata_aot::artifact::ARTIFACT_VERSION + 1).to_le_bytes());
    // SAFETY: refused before any code is mapped.
    let r = unsafe { Aot::default().load_artifact(&bytes) };
    assert!(matches!(r, Err(ArtifactError::FormatVersion { .. })));
    // Resealed, it is still refused by the version check, not read.
    forge::reseal(&mut bytes);
    // SAFETY: as above.
    let r = unsafe { Aot::default().load_artifact(&bytes) };
    assert!(matches!(r, Err(ArtifactError::FormatVersion { .. })));
}

#[test]
fn modules_that_do_not_load_are_not_compiled() {
    let r = Aot::default().compile_artifact(
        b"(module (func (result i32)))",
        Features::default(),
        None,
        &|_, _| {},
    );
    assert!(
        matches!(r, Err(strata_aot::CompileArtifactError::Load(_))),
        "{r:?}"
    );
    // memory64 off: the sample module does not validate.
    let r = Aot::default().compile_artifact(
        WAT.as_bytes(),
        Features {
            memory64: false,
            ..Features::default()
        },
        None,
        &|_, _| {},
    );
    assert!(
        matches!(r, Err(strata_aot::CompileArtifactError::Load(_))),
        "{r:?}"
    );
}

#[test]
fn the_api_requires_the_engines_features() {
    let engine = common::aot_engine();
    let bytes = engine
        .precompile_module(WAT.as_bytes())
        .expect("precompile");
    // SAFETY: compiled just above.
    assert!(unsafe { ApiModule::deserialize(&engine, &bytes) }.is_ok());
    let other = Engine::new(&Config::new().features(Features {
        simd: false,
        relaxed_simd: false,
        ..Features::default()
    }))
    .expect("engine");
    // SAFETY: refused before any code is mapped.
    let err = unsafe { ApiModule::deserialize(&other, &bytes) }
        .expect_err("other features")
        .to_string();
    assert!(
        err.contains("other wasm features") && err.contains("simd (artifact: on, required: off)"),
        "{err}"
    );
    // Invalid input is a load error of its kind, as for `Module::new`.
    let err = engine
        .precompile_module(b"(module (func (result i32)))")
        .expect_err("invalid");
    assert_eq!(err.kind(), strata_api::ErrorKind::Invalid, "{err}");
}
