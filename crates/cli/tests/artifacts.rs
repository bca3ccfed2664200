//! AOT artifacts through the `strata` command (with the `aot` feature):
//! `strata compile`, `strata keygen`, `strata compile --sign` and `strata
//! run --allow-precompiled [--trust]`; and forged-but-consistent artifacts
//! (checksum recomputed), each run in its own `strata` process, which must
//! refuse it with an `error:` or run it as compiled, never die of a signal.
#![cfg(feature = "aot")]

mod common;

use std::path::{Path, PathBuf};

use common::strata;

/// A fresh, empty folder for one test.
fn dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("artifacts")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn s(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Compile `examples/fib.wat` into `dir/name`, with extra arguments.
fn compile(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec!["compile", "examples/fib.wat", "-o"];
    let out_s = s(&out);
    args.push(&out_s);
    args.extend_from_slice(extra);
    strata(&args).ok();
    out
}

/// Make a key pair `dir/name`, `dir/name.pub`.
fn keygen(dir: &Path, name: &str) -> (String, String) {
    let secret = dir.join(name);
    let out = strata(&["keygen", &s(&secret)]);
    let stdout = out.ok();
    assert!(stdout.contains("fingerprint"), "{stdout}");
    (s(&secret), format!("{}.pub", s(&secret)))
}

#[test]
fn compiled_artifacts_run_with_allow_precompiled() {
    let dir = dir("run");
    let artifact = compile(&dir, "fib.aot", &[]);
    let out = strata(&["run", "--allow-precompiled", &s(&artifact)]);
    assert_eq!(out.ok(), "6765\n");
    let err = strata(&["run", &s(&artifact)]).err().to_string();
    assert!(err.contains("--allow-precompiled"), "{err}");
    // A module that does not validate is not compiled.
    let bad = dir.join("bad.wat");
    std::fs::write(&bad, "(module (func (result i32)))").expect("write");
    let err = strata(&["compile", &s(&bad), "-o", &s(&dir.join("bad.aot"))])
        .err()
        .to_string();
    assert!(err.contains("cannot load"), "{err}");
}

#[test]
fn keygen_writes_a_key_pair_once() {
    let dir = dir("keygen");
    let (secret, public) = keygen(&dir, "build.key");
    let secret_text = std::fs::read_to_string(&secret).expect("secret key");
    let public_text = std::fs::read_to_string(&public).expect("public key");
    assert!(
        secret_text.starts_with("strata-ed25519-secret-key "),
        "{secret_text}"
    );
    assert!(
        public_text.starts_with("strata-ed25519-public-key "),
        "{public_text}"
    );
    assert_eq!(
        secret_text.trim().len(),
        "strata-ed25519-secret-key ".len() + 64
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the secret key is the owner's only: {mode:o}"
        );
    }
    // Never overwritten.
    let err = strata(&["keygen", &secret]).err().to_string();
    assert!(err.contains("exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&secret).expect("secret"),
        secret_text
    );
    // Two pairs differ.
    let (_, other) = keygen(&dir, "other.key");
    assert_ne!(std::fs::read_to_string(other).expect("other"), public_text);
}

#[test]
fn trust_runs_only_artifacts_signed_by_the_key() {
    let dir = dir("trust");
    let (secret, public) = keygen(&dir, "build.key");
    let (other_secret, other_public) = keygen(&dir, "other.key");
    let signed = s(&compile(&dir, "signed.aot", &["--sign", &secret]));
    let unsigned = s(&compile(&dir, "unsigned.aot", &[]));
    let by_other = s(&compile(&dir, "other.aot", &["--sign", &other_secret]));
    let run = |trust: &[&str], file: &str| {
        let mut args = vec!["run", "--allow-precompiled"];
        for t in trust {
            args.extend_from_slice(&["--trust", t]);
        }
        args.push(file);
        strata(&args)
    };
    // The right key runs it; so does a list that includes it.
    assert_eq!(run(&[&public], &signed).ok(), "6765\n");
    assert_eq!(run(&[&other_public, &public], &signed).ok(), "6765\n");
    // Without --trust a signed artifact runs as any.
    assert_eq!(run(&[], &signed).ok(), "6765\n");
    // Another key's signature, and none, are refused, naming the check.
    let err = run(&[&public], &by_other).err().to_string();
    assert!(
        err.contains("signed by key") && err.contains("not trusted"),
        "{err}"
    );
    let err = run(&[&public], &unsigned).err().to_string();
    assert!(err.contains("not signed"), "{err}");
    // Edited after signing, checksum recomputed: the signature fails.
    let mut bytes = std::fs::read(&signed).expect("read");
    let features = find(&bytes, b"\"simd\":true").expect("features");
    bytes[features..features + 12].copy_from_slice(b"\"simd\":false");
    reseal(&mut bytes);
    let edited = dir.join("edited.aot");
    std::fs::write(&edited, &bytes).expect("write");
    let err = run(&[&public], &s(&edited)).err().to_string();
    assert!(err.contains("does not verify"), "{err}");
    // --trust needs --allow-precompiled (a usage error naming it).
    let out = strata(&["run", "--trust", &public, &signed]);
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert!(out.stderr.contains("--allow-precompiled"), "{out:#?}");
}

#[test]
fn key_files_of_the_wrong_kind_are_clear_errors() {
    let dir = dir("wrong_keys");
    let (secret, public) = keygen(&dir, "build.key");
    let signed = s(&compile(&dir, "signed.aot", &["--sign", &secret]));
    let out_path = s(&dir.join("x.aot"));
    let err = strata(&[
        "compile",
        "examples/fib.wat",
        "-o",
        &out_path,
        "--sign",
        &public,
    ])
    .err()
    .to_string();
    assert!(
        err.contains("is not a secret key") && err.contains("public key"),
        "{err}"
    );
    assert!(!Path::new(&out_path).exists(), "nothing is written");
    let err = strata(&["run", "--allow-precompiled", "--trust", &secret, &signed])
        .err()
        .to_string();
    assert!(
        err.contains("is not a public key") && err.contains("secret key"),
        "{err}"
    );
    let junk = dir.join("junk.pub");
    std::fs::write(&junk, "strata-ed25519-public-key 12345\n").expect("write");
    let err = strata(&["run", "--allow-precompiled", "--trust", &s(&junk), &signed])
        .err()
        .to_string();
    assert!(err.contains("64 hex digits"), "{err}");
    let err = strata(&[
        "run",
        "--allow-precompiled",
        "--trust",
        "no/such.pub",
        &signed,
    ])
    .err()
    .to_string();
    assert!(err.contains("cannot read"), "{err}");
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Recompute the total length and the FNV-1a checksum of the header.
fn reseal(v: &mut [u8]) {
    let len = v.len() as u64;
    v[24..32].copy_from_slice(&len.to_le_bytes());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, b) in v.iter().enumerate() {
        if !(16..24).contains(&i) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    v[16..24].copy_from_slice(&h.to_le_bytes());
}

/// The payload range of section `tag`.
fn section(bytes: &[u8], tag: u32) -> std::ops::Range<usize> {
    let mut at = 32;
    loop {
        let t = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let len = u64::from_le_bytes(bytes[at + 4..at + 12].try_into().unwrap()) as usize;
        if t == tag {
            return at + 12..at + 12 + len;
        }
        at += 12 + len;
    }
}

#[test]
fn forged_artifacts_are_refused_in_a_separate_process() {
    let dir = dir("forged");
    let original = std::fs::read(compile(&dir, "fib.aot", &[])).expect("read");
    let symbols = section(&original, 7);
    let wasm = section(&original, 5);
    let code = section(&original, 6);
    let mut variants: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: String, edit: &dyn Fn(&mut Vec<u8>)| {
        let mut v = original.clone();
        edit(&mut v);
        reseal(&mut v);
        variants.push((name, v));
    };
    // Every byte of the symbol table, plus and minus one.
    for at in symbols.clone() {
        add(format!("symbols[{at}]+1"), &|v| {
            v[at] = v[at].wrapping_add(1)
        });
        add(format!("symbols[{at}]-1"), &|v| {
            v[at] = v[at].wrapping_sub(1)
        });
    }
    // A sample of the wasm module's bytes.
    for at in wasm.clone().step_by(3) {
        add(format!("wasm[{at}]^1"), &|v| v[at] ^= 1);
    }
    // The first function's frame setup (its first four bytes on every
    // target), and the code's length. Other code bytes are machine code,
    // which no check can vouch for.
    for at in code.start..code.start + 4 {
        add(format!("code[{at}]^1"), &|v| v[at] ^= 1);
    }
    let last = code.end - 1;
    add("code-shorter".into(), &|v| {
        v.remove(last);
        let len_at = code.start - 8;
        let len = u64::from_le_bytes(v[len_at..len_at + 8].try_into().unwrap()) - 1;
        v[len_at..len_at + 8].copy_from_slice(&len.to_le_bytes());
    });
    // The target and the features.
    let target = section(&original, 2);
    add("target".into(), &|v| v[target.start] ^= 1);
    let features = section(&original, 4);
    add("features".into(), &|v| v[features.start + 2] ^= 1);
    let (mut refused, mut ran) = (0, 0);
    for (name, bytes) in &variants {
        let path = dir.join("variant.aot");
        std::fs::write(&path, bytes).expect("write");
        let out = strata(&["run", "--allow-precompiled", &s(&path)]);
        assert!(
            out.code.is_some(),
            "{name}: strata died of a signal: {out:#?}"
        );
        assert!(!out.stderr.contains("panicked"), "{name}: {out:#?}");
        match out.code {
            // Accepted: the module validated and the symbol table fits it,
            // so what runs is the compiled code of a valid module (a trap
            // is an orderly exit too).
            Some(0 | 134) => ran += 1,
            _ => {
                let err = out.err();
                assert!(err.contains("cannot load"), "{name}: {err}");
                refused += 1;
            }
        }
    }
    eprintln!("forged variants: {refused} refused, {ran} ran as compiled");
    assert!(
        refused > variants.len() / 2,
        "{refused} of {}",
        variants.len()
    );
}
