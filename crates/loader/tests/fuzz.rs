//! Mutation fuzzing: random byte flips, insertions and deletions applied to a
//! few valid modules must never make the loader panic, and whatever loads
//! must satisfy the IR's structural invariants.
#![cfg(feature = "wat")]

use strata_ir::{Module, Op};
use strata_loader::Loader;

/// A tiny deterministic xorshift64* generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"(module
        (type $t (func (param i32) (result i32)))
        (import "env" "f" (func $imp (type $t)))
        (memory 1 2)
        (table 4 funcref)
        (global $g (mut i32) (i32.const 7))
        (func $fac (export "fac") (type $t)
          (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
            (then (i32.const 1))
            (else (i32.mul (local.get 0) (call $fac (i32.sub (local.get 0) (i32.const 1)))))))
        (func (param i32) (result i32) (local i64 f64)
          (block $a (block $b (br_table $a $b $a (local.get 0))))
          (loop $l (br_if $l (i32.eqz (global.get $g))))
          (i32.store offset=4 (i32.const 0) (i32.load8_u (i32.const 3)))
          (select (i32.const 1) (i32.const 2) (local.get 0)))
        (elem (i32.const 0) func $fac)
        (data (i32.const 16) "hello"))"#,
    r#"(module
        (memory i64 1)
        (table i64 2 externref)
        (global i64 (i64.add (i64.const 1) (i64.const 2)))
        (func (param i64) (result i64)
          (memory.fill (local.get 0) (i32.const 0) (i64.const 4))
          (drop (table.size 0))
          (unreachable))
        (data (i64.const 0) "x")
        (data "passive"))"#,
    r#"(module
        (type $f (func (result i32)))
        (func $k (type $f) (i32.const 42))
        (elem declare func $k)
        (func (result i32)
          (return_call_ref $f (ref.func $k))))"#,
];

fn check_invariants(m: &Module) {
    for body in &m.bodies {
        assert_eq!(body.ops.len(), body.offsets.len());
        assert_eq!(body.ops.last(), Some(&Op::End));
        let n = body.ops.len() as u32;
        for op in &body.ops {
            match *op {
                Op::Block { end, .. } | Op::Loop { end, .. } | Op::Else { end } => {
                    assert!(end < n && body.ops[end as usize] == Op::End)
                }
                Op::If { else_, end, .. } => {
                    assert!(end < n && else_ <= end);
                    assert!(matches!(
                        body.ops[else_ as usize],
                        Op::Else { .. } | Op::End
                    ));
                }
                Op::BrTable(i) => assert!(!body.br_table(i).is_empty()),
                _ => {}
            }
        }
    }
}

#[test]
fn mutated_modules_never_panic() {
    let loader = Loader::default();
    let seeds: Vec<Vec<u8>> = SEEDS
        .iter()
        .map(|s| wat::parse_str(s).expect("seed module parses"))
        .collect();
    for seed in &seeds {
        let m = loader.load(seed).expect("seed module loads");
        check_invariants(&m);
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cases: usize = std::env::var("STRATA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6000);
    let mut loaded = 0;
    for case in 0..cases {
        let mut bytes = seeds[case % seeds.len()].clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] ^= 1 << rng.below(8),
                1 => bytes[at] = rng.next() as u8,
                2 => bytes.insert(at, rng.next() as u8),
                _ => {
                    bytes.remove(at);
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        if let Ok(m) = loader.load(&bytes) {
            check_invariants(&m);
            loaded += 1;
        }
    }
    // Some mutations (inside data segments, names, constants) stay valid.
    assert!(loaded > 0);
}
