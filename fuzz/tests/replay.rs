//! Replays the committed seeds (`corpus/<target>/`) and findings kept as
//! regressions (`regressions/<target>/`) through each target's body, and a
//! few hundred pseudo-random inputs, with the stable toolchain and without
//! libFuzzer: `cargo test --manifest-path fuzz/Cargo.toml`.

use std::path::Path;

use strata_fuzz::engines::Tier;
use strata_fuzz::targets;

type Body = fn(&[u8]);

fn translate_jit(data: &[u8]) {
    if let Some((first, rest)) = data.split_first() {
        let tier = if first & 1 == 1 {
            Tier::JitUnhardened
        } else {
            Tier::Jit
        };
        targets::translate(tier, rest);
    }
}

const TARGETS: [(&str, Body); 6] = [
    ("loader", targets::loader),
    ("translate_interp", |d| targets::translate(Tier::Interp, d)),
    ("translate_jit", translate_jit),
    ("translate_aot", |d| targets::translate(Tier::Aot, d)),
    ("differential", targets::differential),
    ("artifact", targets::artifact),
];

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn seeds_and_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for (name, body) in TARGETS {
        for kind in ["corpus", "regressions"] {
            for file in files(&root.join(kind).join(name)) {
                let data = std::fs::read(&file).expect("readable seed");
                eprintln!("{}", file.display());
                body(&data);
                replayed += 1;
            }
        }
    }
    assert!(replayed > 0, "no seeds found");
}

#[test]
fn loader_seeds_are_valid_modules() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/loader");
    let loader = strata_loader::Loader::new(strata_api::Features::CORE);
    let seeds = files(&dir);
    assert!(!seeds.is_empty());
    for file in seeds {
        let bytes = std::fs::read(&file).expect("readable seed");
        if let Err(e) = loader.load(&bytes) {
            panic!("{}: {e}", file.display());
        }
    }
}

/// Deterministic bytes for seed `seed` (splitmix64).
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
    (0..len)
        .map(|_| {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

#[test]
fn pseudo_random_inputs() {
    let runs: u64 = std::env::var("STRATA_FUZZ_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    for (name, body) in TARGETS {
        for seed in 0..runs {
            eprintln!("{name} seed {seed}");
            body(&bytes(seed, 4096));
        }
    }
}
