//! Forged-but-consistent artifacts: every table and section of a real
//! artifact edited, the header resealed (length and checksum recomputed, as
//! a forger would), so only the checks after the checksum stand between the
//! edit and execution. Each variant must be refused with the check for that
//! table, or be harmless.
//!
//! Loading is safe to do in this process: a refused artifact maps nothing,
//! and an accepted one is mapped but not run here. Every accepted variant
//! then runs in a child process (this test binary, re-executed on the
//! ignored test `child_runs_the_variant`), which must exit normally: no
//! signal, no panic, and `fib(20)` either returns what the original returns
//! or fails with an error. Only the machine code itself is not edited: no
//! check can vouch for it (signatures cover that: `signed_artifact.rs`).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::artifacts::{artifact, compile, run_fib, FIB_20, WAT};
use common::forge::{
    self, CODE, CPU_FEATURES, STRATA_VERSION, SYMBOLS, TARGET, WASM, WASM_FEATURES,
};
use strata_aot::{Aot, ArtifactError, ArtifactPolicy};
use strata_api::{Features, Val};

/// The variable naming the variant the child runs.
const CHILD: &str = "STRATA_FORGED_ARTIFACT";

/// Run as a child by `in_child`: load and run the variant named by
/// `$STRATA_FORGED_ARTIFACT` and print the outcome.
#[test]
#[ignore = "the forged-variant tests run it in a child process"]
fn child_runs_the_variant() {
    let Some(path) = std::env::var_os(CHILD) else {
        return;
    };
    let bytes = std::fs::read(path).expect("read the variant");
    // SAFETY: this is the child process the parent is prepared to lose.
    let outcome = unsafe { run_fib(&bytes) };
    println!("outcome: {outcome:?}");
}

/// Run `bytes` in a child process; return its outcome line. Panics if the
/// child died of a signal or panicked.
fn in_child(name: &str, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("forged");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.aot"));
    std::fs::write(&path, bytes).expect("write the variant");
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_runs_the_variant",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, &path)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{name}: the child did not exit normally ({:?}): {stdout} {stderr}",
        out.status
    );
    // The harness may print the test's name on the same line.
    let line = stdout
        .lines()
        .find_map(|l| l.find("outcome: ").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("{name}: no outcome: {stdout} {stderr}"));
    line.to_string()
}

/// The outcomes of a sweep over one table.
#[derive(Debug, Default)]
struct Tally {
    refused: usize,
    harmless: usize,
}

impl Tally {
    /// Load `v`: refused with an error `expected` accepts, or accepted and
    /// harmless in a child.
    fn check(&mut self, name: &str, v: &[u8], expected: fn(&ArtifactError) -> bool) {
        // SAFETY: nothing of the variant runs in this process (see above).
        match unsafe { Aot::default().load_artifact(v) } {
            Err(e) => {
                assert!(expected(&e), "{name}: refused by an unexpected check: {e}");
                self.refused += 1;
            }
            Ok(_) => {
                let outcome = in_child(name, v);
                let original = format!("outcome: {:?}", Ok::<_, String>(vec![Val::I32(FIB_20)]));
                assert!(
                    outcome == original || outcome.starts_with("outcome: Err("),
                    "{name}: accepted, and changed what runs: {outcome}"
                );
                eprintln!("{name}: accepted, harmless: {outcome}");
                self.harmless += 1;
            }
        }
    }
}

fn symbols_check(e: &ArtifactError) -> bool {
    matches!(e, ArtifactError::Symbols(_))
}

#[test]
fn forged_symbol_tables_are_refused() {
    let bytes = artifact();
    let table = forge::symbols(&bytes);
    let code_len = forge::section(&bytes, CODE).len() as u32;
    assert_eq!(table.len(), 4, "two functions, two trampolines");
    let mut tally = Tally::default();
    for i in 0..table.len() {
        let (offset, len) = table[i];
        let other = table[(i + 1) % table.len()].0;
        let offsets = [
            offset.wrapping_add(1),
            offset.wrapping_sub(1),
            offset + 16,
            offset.wrapping_sub(16),
            other,
            other + 4,
            code_len,
            code_len - 1,
            u32::MAX,
            0,
        ];
        for (k, o) in offsets.into_iter().enumerate() {
            if o == offset {
                continue;
            }
            let mut t = table.clone();
            t[i].0 = o;
            tally.check(
                &format!("symbol{i}-offset{k}"),
                &forge::with_symbols(&bytes, &t),
                symbols_check,
            );
        }
        let lens = [len + 1, len - 1, len + 16, 0, 1, u32::MAX, code_len];
        for (k, l) in lens.into_iter().enumerate() {
            let mut t = table.clone();
            t[i].1 = l;
            tally.check(
                &format!("symbol{i}-len{k}"),
                &forge::with_symbols(&bytes, &t),
                symbols_check,
            );
        }
        // Both the offset and the length moved, the end kept.
        let mut t = table.clone();
        t[i] = (offset + 16, len.saturating_sub(16));
        tally.check(
            &format!("symbol{i}-shifted"),
            &forge::with_symbols(&bytes, &t),
            symbols_check,
        );
    }
    let mut swapped = table.clone();
    swapped.swap(0, 1);
    let mut fewer = table.clone();
    fewer.pop();
    let mut more = table.clone();
    more.push((code_len, 16));
    let mut duplicated = table.clone();
    duplicated[1] = duplicated[0];
    for (name, t) in [
        ("swapped", swapped),
        ("fewer", fewer),
        ("more", more),
        ("empty", vec![]),
        ("duplicated", duplicated),
    ] {
        tally.check(name, &forge::with_symbols(&bytes, &t), symbols_check);
    }
    // A table whose length is not whole entries.
    let v = forge::edit(&bytes, SYMBOLS, |p| p.push(0));
    tally.check("ragged", &v, |e| matches!(e, ArtifactError::Malformed(_)));
    eprintln!("symbol table: {tally:?}");
    // Lengths grown into the zero padding are the only harmless edits.
    assert!(tally.refused >= 60, "{tally:?}");
}

#[test]
fn forged_code_sections_are_refused() {
    let bytes = artifact();
    let table = forge::symbols(&bytes);
    let mut tally = Tally::default();
    tally.check(
        "code-shorter",
        &forge::edit(&bytes, CODE, |c| {
            c.pop();
        }),
        symbols_check,
    );
    tally.check(
        "code-longer",
        &forge::edit(&bytes, CODE, |c| c.push(0xc3)),
        symbols_check,
    );
    tally.check(
        "code-padded",
        &forge::edit(&bytes, CODE, |c| c.extend_from_slice(&[0; 16])),
        symbols_check,
    );
    tally.check(
        "code-empty",
        &forge::replace(&bytes, CODE, &[]),
        symbols_check,
    );
    for (i, (offset, len)) in table.iter().enumerate() {
        // The first byte of every symbol (its frame setup).
        tally.check(
            &format!("code-entry{i}"),
            &forge::edit(&bytes, CODE, |c| c[*offset as usize] ^= 0x01),
            symbols_check,
        );
        // A byte of the padding after it, if any.
        let end = (offset + len) as usize;
        if let Some((next, _)) = table.get(i + 1) {
            if (*next as usize) > end {
                tally.check(
                    &format!("code-padding{i}"),
                    &forge::edit(&bytes, CODE, |c| c[end] = 0xcc),
                    symbols_check,
                );
            }
        }
    }
    eprintln!("code section: {tally:?}");
    assert_eq!(tally.harmless, 0, "{tally:?}");
}

#[test]
fn forged_wasm_sections_are_refused_or_harmless() {
    let bytes = artifact();
    let wasm = forge::section(&bytes, WASM);
    let mut tally = Tally::default();
    let module_or_symbols =
        |e: &ArtifactError| matches!(e, ArtifactError::Module(_) | ArtifactError::Symbols(_));
    // Every byte of the module, three ways.
    for at in 0..wasm.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let v = forge::edit(&bytes, WASM, |w| w[at] ^= flip);
            tally.check(&format!("wasm{at}^{flip:#x}"), &v, module_or_symbols);
        }
    }
    eprintln!("wasm bytes: {tally:?}");
    let flips = tally.refused;
    // Truncated, empty, text instead of binary.
    for (name, w) in [
        ("wasm-truncated", wasm[..wasm.len() - 1].to_vec()),
        ("wasm-half", wasm[..wasm.len() / 2].to_vec()),
        ("wasm-empty", vec![]),
        ("wasm-text", WAT.as_bytes().to_vec()),
    ] {
        tally.check(name, &forge::replace(&bytes, WASM, &w), |e| {
            matches!(e, ArtifactError::Module(_))
        });
    }
    // Valid modules, but not the one compiled: one function more, one fewer
    // (the symbol count gives them away), and the same shape with another
    // constant (the compiled code still runs the original).
    let binary = |wat: &str| {
        strata_loader::binary_form(wat.as_bytes())
            .unwrap()
            .into_owned()
    };
    let more = WAT.replacen(
        "(func (export \"mem\")",
        "(func (result i32) (i32.const 1))\n  (func (export \"mem\")",
        1,
    );
    let fewer = r#"(module (func (export "fib") (param i32) (result i32) (local.get 0)))"#;
    let constant = WAT.replace("(i32.const 2)", "(i32.const 3)");
    for (name, wat) in [("wasm-more", more.as_str()), ("wasm-fewer", fewer)] {
        tally.check(
            name,
            &forge::replace(&bytes, WASM, &binary(wat)),
            |e| matches!(e, ArtifactError::Symbols(m) if m.contains("symbols for")),
        );
    }
    let v = forge::replace(&bytes, WASM, &binary(&constant));
    // SAFETY: mapped, not run, in this process.
    assert!(unsafe { Aot::default().load_artifact(&v) }.is_ok());
    assert_eq!(
        in_child("wasm-constant", &v),
        format!("outcome: {:?}", Ok::<_, String>(vec![Val::I32(FIB_20)]))
    );
    eprintln!("wasm section: {tally:?}");
    assert!(flips > wasm.len(), "{tally:?}");
}

#[test]
fn forged_feature_sections_are_refused_or_harmless() {
    let bytes = artifact();
    let json: serde_json::Value =
        serde_json::from_slice(&forge::section(&bytes, WASM_FEATURES)).unwrap();
    let serde_json::Value::Object(fields) = &json else {
        panic!("features are an object: {json}");
    };
    let mut tally = Tally::default();
    let mut toggled = 0;
    for (name, value) in fields {
        let serde_json::Value::Bool(on) = value else {
            panic!("feature {name} is a bool: {value}");
        };
        let mut edited = fields.clone();
        edited.insert(name.clone(), serde_json::Value::Bool(!on));
        let payload = serde_json::to_vec(&edited).unwrap();
        let v = forge::replace(&bytes, WASM_FEATURES, &payload);
        // The module must validate with the features it claims.
        tally.check(&format!("features-{name}"), &v, |e| {
            matches!(e, ArtifactError::Module(_))
        });
        // An embedder that requires its own features refuses every edit.
        let policy = ArtifactPolicy::new().require_features(Features::default());
        // SAFETY: refused before any code is mapped.
        match unsafe { Aot::default().load_artifact_with(&v, &policy) } {
            Err(ArtifactError::Features(m)) => assert!(m.contains(name.as_str()), "{m}"),
            other => panic!("features-{name} under a policy: {:?}", other.err()),
        }
        toggled += 1;
    }
    assert_eq!(toggled, fields.len());
    // memory64 off: the module no longer validates.
    let mut no64 = fields.clone();
    no64.insert("memory64".into(), serde_json::Value::Bool(false));
    let v = forge::replace(&bytes, WASM_FEATURES, &serde_json::to_vec(&no64).unwrap());
    // SAFETY: refused before any code is mapped.
    let r = unsafe { Aot::default().load_artifact(&v) };
    assert!(matches!(r, Err(ArtifactError::Module(_))), "{:?}", r.err());
    // Not JSON, not an object of features, a feature missing.
    let mut missing = fields.clone();
    missing.remove("simd");
    for (name, payload) in [
        ("features-garbage", b"{not json".to_vec()),
        ("features-empty", vec![]),
        ("features-array", b"[]".to_vec()),
        ("features-missing", serde_json::to_vec(&missing).unwrap()),
        ("features-string", br#"{"simd":"yes"}"#.to_vec()),
    ] {
        tally.check(
            name,
            &forge::replace(&bytes, WASM_FEATURES, &payload),
            |e| matches!(e, ArtifactError::Malformed(_)),
        );
    }
    eprintln!("wasm features: {tally:?}");
}

#[test]
fn forged_identity_sections_are_refused() {
    let bytes = artifact();
    let mut tally = Tally::default();
    let target = String::from_utf8(forge::section(&bytes, TARGET)).unwrap();
    for (name, t) in [
        ("target-other", "riscv64gc-unknown-linux-gnu".to_string()),
        ("target-empty", String::new()),
        ("target-longer", format!("{target}x")),
    ] {
        tally.check(name, &forge::replace(&bytes, TARGET, t.as_bytes()), |e| {
            matches!(e, ArtifactError::Target { .. })
        });
    }
    tally.check(
        "target-not-utf8",
        &forge::replace(&bytes, TARGET, &[0xff, 0xfe]),
        |e| matches!(e, ArtifactError::Malformed(_)),
    );
    tally.check(
        "strata-version",
        &forge::replace(&bytes, STRATA_VERSION, b"0.0.0-forged"),
        |e| matches!(e, ArtifactError::StrataVersion { .. }),
    );
    tally.check(
        "cpu-features-unknown",
        &forge::replace(&bytes, CPU_FEATURES, b"has_everything"),
        |e| matches!(e, ArtifactError::CpuFeatures(_)),
    );
    // Claiming fewer CPU features than the code was compiled for passes the
    // check (it compares names, not code); here the host has them all.
    tally.check(
        "cpu-features-none",
        &forge::replace(&bytes, CPU_FEATURES, b""),
        |_| false,
    );
    eprintln!("identity sections: {tally:?}");
    assert_eq!((tally.refused, tally.harmless), (6, 1), "{tally:?}");
}

#[test]
fn forged_containers_are_refused() {
    let bytes = artifact();
    let sections = forge::sections(&bytes);
    let mut tally = Tally::default();
    let structural = |e: &ArtifactError| {
        matches!(
            e,
            ArtifactError::Truncated | ArtifactError::Malformed(_) | ArtifactError::BadMagic
        )
    };
    // Truncated at every section boundary and inside every section, resealed.
    let mut at = forge::HEADER;
    for (tag, payload) in &sections {
        for cut in [at, at + 4, at + 12, at + 12 + payload.len() / 2] {
            if cut < bytes.len() {
                let mut v = bytes[..cut].to_vec();
                forge::reseal(&mut v);
                tally.check(&format!("cut{tag}@{cut}"), &v, structural);
            }
        }
        at += 12 + payload.len();
    }
    // Sections missing, repeated, out of order, unknown, trailing bytes.
    for i in 0..sections.len() {
        let mut s = sections.clone();
        s.remove(i);
        tally.check(
            &format!("missing{i}"),
            &forge::assemble(&bytes, &s),
            structural,
        );
        let mut s = sections.clone();
        s.insert(i, sections[i].clone());
        tally.check(
            &format!("repeated{i}"),
            &forge::assemble(&bytes, &s),
            structural,
        );
    }
    let mut s = sections.clone();
    s.swap(4, 5);
    tally.check("swapped", &forge::assemble(&bytes, &s), structural);
    let mut s = sections.clone();
    s.push((9, vec![1, 2, 3]));
    tally.check("unknown", &forge::assemble(&bytes, &s), structural);
    let mut v = bytes.clone();
    v.extend_from_slice(&[0; 5]);
    forge::reseal(&mut v);
    tally.check("trailing", &v, structural);
    // A section length that overruns the file.
    let mut v = bytes.clone();
    v[forge::HEADER + 4..forge::HEADER + 12].copy_from_slice(&u64::MAX.to_le_bytes());
    forge::reseal(&mut v);
    tally.check("overrun", &v, structural);
    // The reserved header field.
    let mut v = bytes.clone();
    v[12] = 1;
    forge::reseal(&mut v);
    tally.check("reserved", &v, structural);
    // A signature section of the wrong size (a version 3 relocation table,
    // 17 bytes an entry, where the signature now is).
    let mut s = sections.clone();
    s.push((forge::SIGNATURE, vec![0; 17]));
    tally.check("signature-size", &forge::assemble(&bytes, &s), structural);
    eprintln!("container: {tally:?}");
    assert_eq!(tally.harmless, 0, "{tally:?}");
}

#[test]
fn a_module_without_functions_round_trips() {
    let bytes = compile("(module (memory 1) (export \"m\" (memory 0)))", None);
    assert!(forge::symbols(&bytes).is_empty());
    assert!(forge::section(&bytes, CODE).is_empty());
    // SAFETY: compiled by this test.
    assert!(unsafe { Aot::default().load_artifact(&bytes) }.is_ok());
    // A symbol for a module without functions is refused.
    let v = forge::with_symbols(&bytes, &[(0, 4)]);
    // SAFETY: refused before any code is mapped.
    assert!(matches!(
        unsafe { Aot::default().load_artifact(&v) },
        Err(ArtifactError::Symbols(_))
    ));
}
