//! Mutation fuzzing of the whole pipeline: mutated module bytes go through
//! the loader, the interpreter's translator and verifier, instantiation, and
//! execution of every exported function with zero arguments under a fuel
//! limit. Nothing may panic; every failure must be a typed error or a trap.

use strata_interp::Interp;
use strata_ir::{Features, Val};
use strata_loader::Loader;
use strata_runtime::{instantiate::instantiate, ExternVal, Store, StoreConfig, Tier};

const SEEDS: &[&str] = &[
    r#"(module (memory 1) (func (export "f") (result i32) (local i32)
        (loop (local.set 0 (i32.add (local.get 0) (i32.const 1)))
              (i32.store (i32.shl (local.get 0) (i32.const 2)) (local.get 0))
              (br_if 0 (i32.lt_u (local.get 0) (i32.const 100))))
        (i32.load (i32.const 40))))"#,
    r#"(module (memory i64 1 2) (data (i64.const 8) "abc")
        (func (export "g") (result i64)
          (drop (memory.grow (i64.const 1)))
          (memory.copy (i64.const 100) (i64.const 8) (i64.const 3))
          (i64.load8_u offset=100 (i64.const 1))))"#,
    r#"(module (type $t (func (param i32) (result i32)))
        (table 4 funcref) (elem (i32.const 0) $a $b)
        (func $a (type $t) (i32.mul (local.get 0) (i32.const 3)))
        (func $b (type $t) (call_indirect (type $t) (local.get 0) (i32.const 0)))
        (func (export "h") (result i32) (call_indirect (type $t) (i32.const 5) (i32.const 1))))"#,
    r#"(module (func $f (export "r") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
          (else (i64.mul (local.get 0) (call $f (i64.sub (local.get 0) (i64.const 1))))))))"#,
    r#"(module (tag $e (param i32))
        (func (export "x") (result i32)
          (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 7))) (i32.const 0)))
        (func (export "t") (param i32) (result i32)
          (block (block (br_table 0 1 (local.get 0))) (return (i32.const 1)))
          (i32.const 2)))"#,
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        match rng.below(4) {
            0 => {
                let i = rng.below(len);
                bytes[i] = rng.next() as u8;
            }
            1 => {
                let i = rng.below(len);
                bytes[i] ^= 1 << rng.below(8);
            }
            2 => {
                let i = rng.below(len + 1);
                bytes.insert(i, rng.next() as u8);
            }
            _ if len > 9 => {
                let i = 8 + rng.below(len - 8);
                bytes.remove(i);
            }
            _ => {}
        }
    }
}

/// Fuel per call (less under Miri, which interprets the interpreter).
const FUEL: u64 = if cfg!(miri) { 500 } else { 20_000 };

/// Load, compile, instantiate and run; every outcome is fine but a panic.
fn exercise(loader: &Loader, bytes: &[u8]) -> &'static str {
    let Ok(module) = loader.load(bytes) else {
        return "rejected";
    };
    let Ok(code) = Interp::default().compile(&module) else {
        return "not compiled";
    };
    if !module.imports.is_empty() {
        return "needs imports";
    }
    let config = StoreConfig {
        max_call_depth: 200,
        ..StoreConfig::default()
    };
    let mut store = Store::new(config, Box::new(()));
    let Ok(inst) = instantiate(&mut store, module.arc(), code, &[]) else {
        return "not instantiated";
    };
    for export in module.exports.clone() {
        if let Some(ExternVal::Func(f)) = store.instance(inst).export(&export.name) {
            let ty = store.sigs().get(store.func(f).sig).clone();
            let args: Vec<Val> = ty.params.iter().map(|t| Val::default_for(*t)).collect();
            store.interrupt_mut().fuel = Some(FUEL);
            let _ = store.invoke(f, &args);
        }
    }
    "ran"
}

#[test]
fn mutated_modules_never_panic() {
    let loader = Loader::new(Features::default());
    let cases: usize = std::env::var("STRATA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(miri) { 40 } else { 3000 });
    let seeds: Vec<Vec<u8>> = SEEDS
        .iter()
        .map(|s| wat::parse_str(s).expect("seed modules are valid"))
        .collect();
    for bytes in &seeds {
        assert_eq!(exercise(&loader, bytes), "ran", "every seed runs unmutated");
    }
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut ran = 0;
    for _ in 0..cases {
        let mut bytes = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &mut bytes);
        if exercise(&loader, &bytes) == "ran" {
            ran += 1;
        }
    }
    // The mutations must not all be rejected, or the test would prove little.
    assert!(ran >= cases / 100, "only {ran} of {cases} mutants ran");
}
