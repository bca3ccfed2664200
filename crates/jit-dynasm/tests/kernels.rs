//! The benchmark kernels (`kernels/wasm{32,64}/*.wasm` at the repository
//! root) run in the JIT and in the interpreter with the same checksums: a
//! differential test on real compiled C (quicksort, SHA-256, n-body, a hash
//! map, memory ops, integer mixes), in both widths.
//!
//! `cargo test -p strata-jit --release --test kernels -- --ignored --nocapture`
//! prints the figures: run time of each tier, the ratio, and the JIT's
//! compile throughput.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use strata_api::{Config, Engine, Instance, Module, Store, Val};

const KERNELS: &[(&str, u32, u32)] = &[
    ("sort", 2_000, 100_000),
    ("sha256", 1, 24),
    ("nbody", 200, 40_000),
    ("hashmap", 500, 40_000),
    ("memops", 20, 12_000),
    ("intmix", 2_000, 400_000),
];

fn kernel(width: &str, name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../kernels")
        .join(width)
        .join(format!("{name}.wasm"));
    std::fs::read(path).ok()
}

fn engine(jit: bool) -> Engine {
    let config = if jit {
        Config::new().tier(Arc::new(strata_jit::Jit::default()))
    } else {
        Config::new()
    };
    match Engine::new(&config) {
        Ok(e) => e,
        Err(e) => panic!("engine: {e}"),
    }
}

/// Compile time, then run time and checksum of `run(n)`.
fn run(engine: &Engine, wasm: &[u8], n: u32) -> (Duration, Duration, Vec<Val>) {
    let t0 = Instant::now();
    let module = match Module::new(engine, wasm) {
        Ok(m) => m,
        Err(e) => panic!("compile: {e}"),
    };
    let compile = t0.elapsed();
    let mut store = Store::new(engine, ());
    let instance = match Instance::new(&mut store, &module, &[]) {
        Ok(i) => i,
        Err(e) => panic!("instantiate: {e}"),
    };
    let Some(f) = instance.get_func(&store, "run") else {
        panic!("no `run` export")
    };
    let t1 = Instant::now();
    let r = match f.call(&mut store, &[Val::I32(n as i32)]) {
        Ok(r) => r,
        Err(e) => panic!("run: {e}"),
    };
    (compile, t1.elapsed(), r)
}

#[test]
fn kernels_agree_with_the_interpreter() {
    let (jit, interp) = (engine(true), engine(false));
    let mut ran = 0;
    for width in ["wasm32", "wasm64"] {
        for &(name, n, _) in KERNELS {
            let Some(wasm) = kernel(width, name) else {
                continue;
            };
            let (_, _, a) = run(&jit, &wasm, n);
            let (_, _, b) = run(&interp, &wasm, n);
            assert_eq!(a, b, "{width} {name}");
            ran += 1;
        }
    }
    assert!(ran > 0, "no kernels found");
}

#[test]
#[ignore = "figures: run with --release --ignored --nocapture"]
fn figures() {
    let (jit, interp) = (engine(true), engine(false));
    println!("kernel    width   interp ms   jit ms   jit/interp");
    let mut per_width = std::collections::BTreeMap::new();
    for width in ["wasm32", "wasm64"] {
        for &(name, _, n) in KERNELS {
            let Some(wasm) = kernel(width, name) else {
                continue;
            };
            let best = |e: &Engine| {
                (0..3)
                    .map(|_| run(e, &wasm, n))
                    .min_by_key(|r| r.1)
                    .map(|r| (r.1, r.2))
            };
            let (Some((tj, rj)), Some((ti, ri))) = (best(&jit), best(&interp)) else {
                continue;
            };
            assert_eq!(rj, ri, "{width} {name}");
            let (ms_i, ms_j) = (ti.as_secs_f64() * 1e3, tj.as_secs_f64() * 1e3);
            println!(
                "{name:<9} {width}  {ms_i:>9.1}  {ms_j:>7.1}   {:.3}",
                ms_j / ms_i
            );
            per_width.insert((name, width), ms_j);
        }
    }
    println!("memory64 / memory32 run time in the JIT:");
    for &(name, _, _) in KERNELS {
        if let (Some(a), Some(b)) = (
            per_width.get(&(name, "wasm32")),
            per_width.get(&(name, "wasm64")),
        ) {
            println!("  {name:<9} {:.3}", b / a);
        }
    }
    // Compile throughput on a large module: many copies of every kernel's
    // code would need a linker, so use a synthetic module of many bodies.
    let wat = large_module(4000);
    let bytes = match wat_to_bytes(&wat) {
        Some(b) => b,
        None => return,
    };
    let t0 = Instant::now();
    let m = Module::new(&jit, &bytes);
    let dt = t0.elapsed();
    assert!(m.is_ok());
    let t1 = Instant::now();
    let _ = Module::new(&interp, &bytes);
    let di = t1.elapsed();
    let mib = bytes.len() as f64 / (1 << 20) as f64;
    // The tier's own part: IR to machine code, without decoding/validation.
    let ir = match strata_loader::Loader::new(strata_ir::Features::default()).load(&bytes) {
        Ok(m) => m,
        Err(e) => panic!("load: {e}"),
    };
    let tier = strata_jit::Jit::default();
    let t2 = Instant::now();
    let compiled = strata_runtime::Tier::compile(&tier, &ir);
    let dc = t2.elapsed();
    assert!(compiled.is_ok());
    println!(
        "JIT code generation alone (IR -> machine code): {:.1} ms = {:.1} MiB/s of wasm",
        dc.as_secs_f64() * 1e3,
        mib / dc.as_secs_f64()
    );
    println!(
        "compile (binary: decode + validate + compile): {:.2} MiB module, jit {:.1} ms = {:.1} MiB/s, interp {:.1} ms",
        mib,
        dt.as_secs_f64() * 1e3,
        mib / dt.as_secs_f64(),
        di.as_secs_f64() * 1e3
    );
}

fn wat_to_bytes(wat: &str) -> Option<Vec<u8>> {
    wat::parse_str(wat).ok()
}

/// A module of `n` functions mixing arithmetic, memory and control flow.
fn large_module(n: usize) -> String {
    let mut s = String::from("(module (memory 1)\n");
    for i in 0..n {
        s.push_str(&format!(
            "(func $f{i} (param i32 i32) (result i32) (local i32 i64)
  (block (loop
    (local.set 2 (i32.add (local.get 2) (i32.mul (local.get 0) (i32.const {i}))))
    (i32.store offset=8 (i32.and (local.get 2) (i32.const 0xfff)) (local.get 2))
    (local.set 3 (i64.add (local.get 3) (i64.extend_i32_u (i32.load (i32.const 16)))))
    (br_if 1 (i32.ge_u (local.get 2) (local.get 1)))
    (local.set 0 (i32.xor (local.get 0) (i32.shl (local.get 2) (i32.const 3))))
    (br_if 0 (i32.lt_s (local.get 0) (i32.const 1000)))))
  (if (result i32) (i64.eqz (local.get 3))
    (then (i32.sub (local.get 2) (local.get 1)))
    (else (i32.wrap_i64 (local.get 3)))))\n"
        ));
    }
    s.push(')');
    s
}
