//! The bodies of the fuzz targets, as plain functions of the fuzzer's
//! bytes, so that a finding replays without libFuzzer
//! (`tests/replay.rs`) and each `fuzz_targets/*.rs` stays one line.
//!
//! Setting `STRATA_FUZZ_DUMP=FILE` writes each generated module to `FILE`
//! before it runs (to turn a finding into a `.wat` regression test).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use arbitrary::Unstructured;
use strata_api::{Aot, Features, Module};
use strata_ir::ValidModule;
use strata_loader::Loader;

use crate::artifact;
use crate::engines::{engine, Tier};
use crate::oracle;
use crate::report::{compare_oracle, compare_tiers, Report};
use crate::smith;
use crate::strata_run;

fn dump(wasm: &[u8]) {
    if let Some(path) = std::env::var_os("STRATA_FUZZ_DUMP") {
        let _ = std::fs::write(path, wasm);
    }
}

/// `loader`: any bytes load to a module or a typed error, never a panic;
/// and a valid module wasm-smith builds from the same bytes (with a
/// configuration the bytes choose, inside Strata's scope) loads.
pub fn loader(data: &[u8]) {
    let loader = Loader::new(Features::CORE);
    match loader.load(data) {
        Ok(module) => assert_eq!(
            module.bodies.len() + module.num_imported_funcs as usize,
            module.funcs.len()
        ),
        Err(e) => {
            let _ = (e.kind(), e.offset(), e.to_string());
        }
    }
    let mut u = Unstructured::new(data);
    let Ok(config) = smith::arbitrary_config(&mut u) else {
        return;
    };
    let Ok(wasm) = smith::module(config, &mut u) else {
        return;
    };
    dump(&wasm);
    if let Err(e) = loader.load(&wasm) {
        panic!("a valid module does not load: {e}");
    }
}

/// `translate_*`: a wasm-smith module (configuration chosen by the bytes,
/// SIMD included) loads and compiles on `tier`, instantiates or fails to
/// with an error, and every export runs to a result or a trap within the
/// fuel.
pub fn translate(tier: Tier, data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(mut config) = smith::arbitrary_config(&mut u) else {
        return;
    };
    // SIMD (every tier has it), chosen by the bytes.
    config.simd_enabled = u.arbitrary().unwrap_or(false);
    config.relaxed_simd_enabled = config.simd_enabled;
    let Ok(wasm) = smith::module(config, &mut u) else {
        return;
    };
    dump(&wasm);
    let engine = engine(tier);
    let module = match Module::new(engine, &wasm) {
        Ok(module) => module,
        Err(e) => panic!("{}: a valid module does not compile: {e}", tier.name()),
    };
    let _ = strata_run::run(engine, &module);
}

/// `differential`: a wasm-smith module (bit 0 of the first byte chooses
/// whether it may use exceptions, bit 1 whether SIMD) runs in the
/// interpreter, the JIT and the AOT tier, which must agree exactly; then, if wasmi loads it, on wasmi, which must
/// agree up to the first run either ends on its fuel or stack budget.
pub fn differential(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let mut u = Unstructured::new(rest);
    let simd = first & 2 != 0;
    let config = smith::differential_config(first & 1 == 1, simd);
    let Ok(wasm) = smith::module(config, &mut u) else {
        return;
    };
    dump(&wasm);
    let reports: Vec<(&str, Report)> = Tier::COMPARED
        .iter()
        .map(|&tier| {
            let engine = engine(tier);
            match Module::new(engine, &wasm) {
                Ok(module) => (tier.name(), strata_run::run(engine, &module)),
                Err(e) => panic!("{}: a valid module does not compile: {e}", tier.name()),
            }
        })
        .collect();
    let (name, first) = (reports[0].0, &reports[0].1);
    for (other, report) in &reports[1..] {
        if let Err(d) = compare_tiers((name, first), (other, report)) {
            panic!("tiers disagree: {d}");
        }
    }
    let Some(module) = oracle::load(&wasm) else {
        return;
    };
    let names: Vec<&str> = match first {
        Report::Ran { calls, .. } => calls[..first.calls_worth_comparing()]
            .iter()
            .map(|(n, _)| n.as_str())
            .collect(),
        Report::NotInstantiated { .. } => Vec::new(),
    };
    let theirs = oracle::run(&module, &names);
    if let Err(d) = compare_oracle(first, &theirs) {
        panic!("strata ({name}) and wasmi disagree: {d}");
    }
}

/// A module compiled to an artifact by this process.
struct Compiled {
    ir: ValidModule,
    artifact: Vec<u8>,
}

/// The artifact of the wasm-smith module built from `bytes`, compiled once
/// (the fuzzer mutates the mutations far more often than the module).
fn compiled(bytes: &[u8]) -> Option<Arc<Compiled>> {
    static CACHE: OnceLock<Mutex<HashMap<Vec<u8>, Option<Arc<Compiled>>>>> = OnceLock::new();
    static AOT: OnceLock<Aot> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok()?.get(bytes) {
        return hit.clone();
    }
    let build = || -> Option<Arc<Compiled>> {
        let mut u = Unstructured::new(bytes);
        let wasm = smith::module(smith::artifact_config(), &mut u).ok()?;
        dump(&wasm);
        let ir = Loader::new(Features::CORE).load(&wasm).ok()?;
        let aot = AOT.get_or_init(Aot::default);
        let artifact = aot
            .compile_artifact(&wasm, Features::CORE, None, &|_, _| {})
            .ok()?;
        Some(Arc::new(Compiled { ir, artifact }))
    };
    let built = build();
    let mut cache = cache.lock().ok()?;
    if cache.len() >= 256 {
        cache.clear();
    }
    cache.insert(bytes.to_vec(), built.clone());
    built
}

/// `artifact`: an artifact the AOT tier wrote for a wasm-smith module,
/// mutated outside its code section (byte 0: flags, bit 0 keeps the length
/// field as mutated; byte 1: the number of 5-byte mutations that follow;
/// the rest builds the module), with its checksum recomputed, loads or is
/// refused with an error, never a panic. If it loads and its code, symbol
/// table and IR (validated again from the wasm module inside) are still the
/// ones compiled, it is instantiated and run with fuel.
pub fn artifact(data: &[u8]) {
    let [flags, count, rest @ ..] = data else {
        return;
    };
    let ops_len = (usize::from(*count) % 9 * 5).min(rest.len());
    let (ops, module_bytes) = rest.split_at(ops_len);
    let Some(compiled) = compiled(module_bytes) else {
        return;
    };
    let mut bytes = artifact::mutate(&compiled.artifact, ops);
    if flags & 1 == 0 {
        artifact::fix_length(&mut bytes);
    }
    artifact::fix_checksum(&mut bytes);
    let engine = engine(Tier::Aot);
    // SAFETY: the artifact's machine code was compiled by this process and
    // no mutation writes the code section's bytes. A loaded module runs
    // below only if its code and symbol sections and its IR are exactly the
    // ones compiled; otherwise it is dropped without any of its code running
    // (loading maps the code, it does not call it).
    let loaded = unsafe { Module::deserialize(engine, &bytes) };
    let Ok(module) = loaded else {
        return;
    };
    let tags = [artifact::CODE, artifact::SYMBOLS];
    let unchanged = artifact::bodies(&bytes, &tags) == artifact::bodies(&compiled.artifact, &tags)
        && **module.ir() == *compiled.ir;
    if unchanged {
        let _ = strata_run::run(engine, &module);
    }
}
