//! Signed artifacts: a signature by a trusted key loads and runs; an
//! unsigned artifact, one signed by another key, and one edited after
//! signing (checksum recomputed) are refused under a trust policy, each
//! with its own error; without a policy a signed artifact loads as any.

mod common;

use common::artifacts::{artifact, run_fib, FIB_20};
use common::forge::{self, SIGNATURE, WASM_FEATURES};
use strata_aot::artifact::{sign, signer, verify, SigningKey};
use strata_aot::{Aot, ArtifactError, ArtifactPolicy};
use strata_api::Val;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_seed(&[seed; 32])
}

fn load(bytes: &[u8], policy: &ArtifactPolicy) -> Result<(), ArtifactError> {
    // SAFETY: the artifacts are this test's; refused ones map nothing.
    unsafe { Aot::default().load_artifact_with(bytes, policy) }.map(|_| ())
}

#[test]
fn a_signature_by_a_trusted_key_loads() {
    let unsigned = artifact();
    let signed = sign(&unsigned, &key(1)).expect("sign");
    let public = key(1).verifying_key();
    assert_eq!(verify(&signed, &[public]), Ok(public));
    assert_eq!(signer(&signed), Ok(Some(public.to_bytes())));
    assert_eq!(signer(&unsigned), Ok(None));
    // The signature is one section after the others; the rest is unchanged.
    assert_eq!(forge::section(&signed, SIGNATURE).len(), 96);
    assert_eq!(&signed[..16], &unsigned[..16]);
    assert_eq!(&signed[32..unsigned.len()], &unsigned[32..]);
    let policy = ArtifactPolicy::new()
        .trust(key(2).verifying_key())
        .trust(public);
    assert_eq!(load(&signed, &policy), Ok(()));
    // Without a policy the signature is not needed, and not in the way.
    assert_eq!(load(&signed, &ArtifactPolicy::new()), Ok(()));
    // SAFETY: compiled and signed by this test.
    assert_eq!(unsafe { run_fib(&signed) }, Ok(vec![Val::I32(FIB_20)]));
    // Signing again replaces the signature.
    let resigned = sign(&signed, &key(2)).expect("sign again");
    assert_eq!(resigned.len(), signed.len());
    assert_eq!(
        signer(&resigned),
        Ok(Some(key(2).verifying_key().to_bytes()))
    );
    assert_eq!(load(&resigned, &policy), Ok(()));
}

#[test]
fn untrusted_artifacts_are_refused() {
    let unsigned = artifact();
    let trusted = ArtifactPolicy::new().trust(key(1).verifying_key());
    assert_eq!(load(&unsigned, &trusted), Err(ArtifactError::Unsigned));
    // Signed by another key.
    let other = sign(&unsigned, &key(3)).expect("sign");
    match load(&other, &trusted) {
        Err(ArtifactError::UntrustedSigner { signer, trusted }) => {
            assert_eq!(signer, key(3).verifying_key().fingerprint());
            assert_eq!(trusted, key(1).verifying_key().fingerprint());
        }
        r => panic!("other key: {r:?}"),
    }
    // A policy that trusts no key refuses everything.
    let none = ArtifactPolicy::new().trust_only(&[]);
    assert_eq!(load(&unsigned, &none), Err(ArtifactError::Unsigned));
    assert!(matches!(
        load(&other, &none),
        Err(ArtifactError::UntrustedSigner { .. })
    ));
}

#[test]
fn edits_after_signing_are_refused() {
    let signed = sign(&artifact(), &key(1)).expect("sign");
    let trusted = ArtifactPolicy::new().trust(key(1).verifying_key());
    let bad = |name: &str, v: &[u8]| match load(v, &trusted) {
        Err(ArtifactError::BadSignature { signer }) => {
            assert_eq!(signer, key(1).verifying_key().fingerprint(), "{name}")
        }
        r => panic!("{name}: {r:?}"),
    };
    // Every section but the signature, edited and resealed.
    for (tag, payload) in forge::sections(&signed) {
        if tag == SIGNATURE || payload.is_empty() {
            continue;
        }
        bad(
            &format!("section {tag}"),
            &forge::edit(&signed, tag, |p| p[0] ^= 1),
        );
    }
    // A feature toggled: the kind of edit that would load unsigned.
    let v = forge::edit(&signed, WASM_FEATURES, |p| {
        let s = String::from_utf8(p.clone()).unwrap();
        *p = s.replace("\"simd\":true", "\"simd\":false").into_bytes();
    });
    bad("features", &v);
    // Every byte of the signature itself.
    for i in 32..96 {
        bad(
            &format!("signature byte {i}"),
            &forge::edit(&signed, SIGNATURE, |p| p[i] ^= 0x20),
        );
    }
    // The header's format version, resealed: refused before the signature.
    let mut v = signed.clone();
    v[8] ^= 1;
    forge::reseal(&mut v);
    assert!(matches!(
        load(&v, &trusted),
        Err(ArtifactError::FormatVersion { .. })
    ));
    // The signature section removed: unsigned.
    let unsigned: Vec<(u32, Vec<u8>)> = forge::sections(&signed)
        .into_iter()
        .filter(|(t, _)| *t != SIGNATURE)
        .collect();
    assert_eq!(
        load(&forge::assemble(&signed, &unsigned), &trusted),
        Err(ArtifactError::Unsigned)
    );
    // The signer's key swapped for the trusted one's on another key's
    // signature: the signature is checked under the trusted key.
    let other = sign(&artifact(), &key(3)).expect("sign");
    let v = forge::edit(&other, SIGNATURE, |p| {
        p[..32].copy_from_slice(&key(1).verifying_key().to_bytes())
    });
    bad("swapped key", &v);
}

#[test]
fn only_artifacts_can_be_signed() {
    assert_eq!(
        sign(b"\0asm\x01\0\0\0", &key(1)),
        Err(ArtifactError::BadMagic)
    );
    let mut v = artifact();
    v.pop();
    assert!(sign(&v, &key(1)).is_err());
}
