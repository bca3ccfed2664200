//! Differential test: random valid modules from `wasm-smith` (memory32 and
//! memory64, multi-value, tail calls, bulk memory, reference types,
//! exceptions; and, in a second test, SIMD and relaxed SIMD) run on
//! the AOT tier and on the interpreter must agree on instantiation, on every
//! exported function's results and on every trap code.
//!
//! Fuel bounds every run (both tiers consume one unit per call and per loop
//! iteration, at the same points). A run that exhausts the stack on either
//! side is skipped: the tiers have different stack budgets by design.

mod common;

use arbitrary::Unstructured;
use strata_api::{Engine, Linker, Module, Store, Val};

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

/// The modules compared; `simd` turns SIMD and relaxed SIMD on (the tiers
/// share one deterministic behaviour per relaxed operator, so they agree
/// exactly there too).
fn config(simd: bool) -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: simd,
        relaxed_simd_enabled: simd,
        gc_enabled: false,
        threads_enabled: false,
        exceptions_enabled: true,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        canonicalize_nans: true,
        export_everything: true,
        max_imports: 0,
        max_memories: 2,
        max_tables: 2,
        max_memory32_bytes: 1 << 20,
        max_memory64_bytes: 1 << 20,
        max_table_elements: 1_000,
        max_instructions: 500,
        min_funcs: 5,
        max_funcs: 20,
        ..wasm_smith::Config::default()
    }
}

/// Outcome of every exported function, called once in export order with
/// zero (or null) arguments, on one instance.
/// Each export's name and its results or trap message.
type Outcomes = Vec<(String, Result<Vec<Val>, String>)>;

fn outcomes(engine: &Engine, wasm: &[u8]) -> Option<Outcomes> {
    let module = Module::new(engine, wasm).ok()?;
    let mut store = Store::new(engine, ());
    store.set_fuel(5_000);
    let instance = match Linker::<()>::new(engine).instantiate(&mut store, &module) {
        Ok(i) => i,
        Err(e) => {
            let why = e.trap().map_or("link or instantiation error".into(), |t| {
                t.code().to_string()
            });
            return Some(vec![("<instantiate>".into(), Err(why))]);
        }
    };
    let names: Vec<String> = module
        .exports()
        .filter(|e| matches!(e.ty(), strata_api::ExternType::Func(_)))
        .map(|e| e.name().to_string())
        .collect();
    let mut out = Vec::new();
    for name in names {
        let Some(f) = instance.get_func(&store, &name) else {
            continue;
        };
        let ty = f.ty(&store).expect("a function of this store");
        let args: Vec<Val> = ty.params.iter().map(|t| Val::default_for(*t)).collect();
        store.set_fuel(5_000);
        let r = f.call(&mut store, &args).map_err(|e| match e.trap() {
            Some(t) => t.code().to_string(),
            None => e.to_string(),
        });
        out.push((name, r));
    }
    Some(out)
}

#[test]
fn aot_agrees_with_the_interpreter() {
    compare(false, 0..400);
}

#[test]
fn aot_agrees_with_the_interpreter_on_simd() {
    compare(true, 1_000..1_300);
}

/// Compare the tiers on the modules of `seeds`.
fn compare(simd: bool, seeds: std::ops::Range<u64>) {
    let (aot, interp) = (common::aot_engine(), common::interp_engine());
    let mut compared = 0;
    let mut with_simd = 0;
    for seed in seeds {
        let data = bytes(seed, 32 * 1024);
        let m = match wasm_smith::Module::new(config(simd), &mut Unstructured::new(&data)) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("seed {seed}: wasm-smith: {e}");
                continue;
            }
        };
        let wasm = m.to_bytes();
        let loaded = strata_loader::Loader::new(strata_ir::Features::CORE).load(&wasm);
        if loaded.is_ok_and(|m| m.uses_simd()) {
            with_simd += 1;
        }
        let (Some(a), Some(b)) = (outcomes(&aot, &wasm), outcomes(&interp, &wasm)) else {
            // The loader refuses the module; it must refuse it for both.
            eprintln!(
                "seed {seed}: load: {:?}",
                Module::new(&interp, &wasm).err().map(|e| e.to_string())
            );
            assert_eq!(
                Module::new(&aot, &wasm).is_ok(),
                Module::new(&interp, &wasm).is_ok(),
                "seed {seed}: load disagrees"
            );
            continue;
        };
        assert_eq!(a.len(), b.len(), "seed {seed}");
        for ((name, ra), (_, rb)) in a.iter().zip(&b) {
            let exhausted =
                |r: &Result<Vec<Val>, String>| matches!(r, Err(m) if m == "call stack exhausted");
            if exhausted(ra) || exhausted(rb) {
                break;
            }
            assert_eq!(ra, rb, "seed {seed}, export `{name}`");
            compared += 1;
        }
    }
    println!("{compared} calls compared, {with_simd} modules with SIMD");
    assert!(compared > 50, "only {compared} calls compared");
    if simd {
        assert!(with_simd > 100, "only {with_simd} modules use SIMD");
    }
}
