//! Compile cost must stay linear in nesting depth: one function of 100k and
//! of 1M nested blocks and loops compiles on the AOT tier and agrees with
//! the interpreter, results and fuel consumed alike.
//!
//! These run in a few seconds each; translation or a Cranelift pipeline
//! gone quadratic in depth would take hours on 1M levels (10^12 steps), and
//! a copy per level would exhaust memory. The deterministic counts behind
//! that (CLIF blocks per level, which pipeline a body gets) are unit tests
//! of the translator.

mod common;

use strata_api::{Engine, Linker, Module, Store, Val};

/// How each level of the nest is made.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// `block` … `end`.
    Blocks,
    /// `loop` … `end` that nothing branches to.
    Loops,
    /// Inside an outer `block`, loops each starting with
    /// `br_if` (the argument) to that outer block.
    LoopsLeavingOuter,
    /// Loops each ending, after the loop nested in it, with a back edge
    /// taken while a shared counter (local 1, from the argument) is
    /// positive: `arg` iterations in all, plus one check per level.
    BackEdges,
}

fn uleb(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(id: u8, payload: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    uleb(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

const LOOP: u8 = 0x03;
const BLOCK: u8 = 0x02;
const END: u8 = 0x0b;
const EMPTY: u8 = 0x40;
const LOCAL_GET_0: [u8; 2] = [0x20, 0x00];

/// A module exporting `run: (i32) -> i32`, whose body nests `n` levels of
/// `shape` and returns a value computed from the argument.
fn nested(shape: Shape, n: usize) -> Vec<u8> {
    let mut body = Vec::new();
    let mut locals = vec![0x00]; // no local declarations
    match shape {
        Shape::Blocks | Shape::Loops => {
            let op = if let Shape::Blocks = shape {
                BLOCK
            } else {
                LOOP
            };
            for _ in 0..n {
                body.extend_from_slice(&[op, EMPTY]);
            }
            body.resize(body.len() + n, END);
            // local.get 0; i32.const 1; i32.add
            body.extend_from_slice(&[0x20, 0x00, 0x41, 0x01, 0x6a]);
        }
        Shape::LoopsLeavingOuter => {
            body.extend_from_slice(&[BLOCK, EMPTY]);
            for i in 0..n {
                body.extend_from_slice(&[LOOP, EMPTY]);
                body.extend_from_slice(&LOCAL_GET_0);
                body.push(0x0d); // br_if to the outer block
                uleb(i as u64 + 1, &mut body);
            }
            body.resize(body.len() + n + 1, END);
            body.extend_from_slice(&[0x20, 0x00, 0x41, 0x02, 0x6c]); // arg * 2
        }
        Shape::BackEdges => {
            locals = vec![0x01, 0x01, 0x7f]; // one i32 local: the counter
            body.extend_from_slice(&[0x20, 0x00, 0x21, 0x01]); // counter = arg
            for _ in 0..n {
                body.extend_from_slice(&[LOOP, EMPTY]);
            }
            for _ in 0..n {
                // counter -= 1; br_if 0 (counter > 0); end
                body.extend_from_slice(&[
                    0x20, 0x01, 0x41, 0x01, 0x6b, 0x22, 0x01, 0x41, 0x00, 0x4a, 0x0d, 0x00, END,
                ]);
            }
            body.extend_from_slice(&[0x20, 0x01]); // the counter
        }
    }
    body.push(END);
    let mut code = locals;
    code.extend_from_slice(&body);

    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(1, &[0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f], &mut m);
    section(3, &[0x01, 0x00], &mut m);
    section(7, &[0x01, 0x03, b'r', b'u', b'n', 0x00, 0x00], &mut m);
    let mut codes = vec![0x01];
    uleb(code.len() as u64, &mut codes);
    codes.extend_from_slice(&code);
    section(10, &codes, &mut m);
    m
}

/// What one call of `run(arg)` did on `engine`: its result or trap, and
/// the fuel left.
fn outcome(engine: &Engine, wasm: &[u8], arg: i32, fuel: u64) -> (Result<Vec<Val>, String>, u64) {
    let module = Module::new(engine, wasm).expect("the module loads and compiles");
    let mut store = Store::new(engine, ());
    let instance = Linker::<()>::new(engine)
        .instantiate(&mut store, &module)
        .expect("instance");
    store.set_fuel(fuel);
    let r = common::call(&mut store, &instance, "run", &[Val::I32(arg)]);
    (r, store.fuel().unwrap_or(0))
}

/// `run(arg)` on a nest of `n` levels of `shape` agrees between the AOT
/// tier and the interpreter; returns the AOT outcome.
fn agree(shape: Shape, n: usize, arg: i32, fuel: u64) -> (Result<Vec<Val>, String>, u64) {
    let wasm = nested(shape, n);
    let aot = outcome(&common::aot_engine(), &wasm, arg, fuel);
    let interp = outcome(&common::interp_engine(), &wasm, arg, fuel);
    assert_eq!(aot, interp, "{shape:?} x {n}, run({arg}), fuel {fuel}");
    aot
}

const BIG_FUEL: u64 = 1 << 40;

/// Depth of the nests with joins (branches out, back edges). In debug
/// builds Cranelift and regalloc2 also run invariant checks (the e-graph
/// pass's dominator-path assertion, regalloc2's SSA validation) that walk
/// the dominator tree from every block, quadratic in such a nest; those
/// checks are off in release builds, where `cargo test --release` runs the
/// full depth.
const JOIN_DEPTH: usize = if cfg!(debug_assertions) {
    5_000
} else {
    100_000
};

#[test]
fn a_million_nested_blocks() {
    for n in [100_000, 1_000_000] {
        let (r, _) = agree(Shape::Blocks, n, 41, BIG_FUEL);
        assert_eq!(r, Ok(vec![Val::I32(42)]));
    }
}

#[test]
fn a_million_nested_loops() {
    for n in [100_000, 1_000_000] {
        let (r, left) = agree(Shape::Loops, n, 41, BIG_FUEL);
        assert_eq!(r, Ok(vec![Val::I32(42)]));
        // One unit at entry and one per loop header.
        assert_eq!(BIG_FUEL - left, n as u64 + 1);
    }
}

#[test]
fn fuel_runs_out_inside_a_nest_of_loops() {
    // The check of the 50_000th header traps, as in the interpreter.
    let (r, left) = agree(Shape::Loops, 100_000, 1, 50_000);
    assert_eq!(r, Err("all fuel consumed".to_string()));
    assert_eq!(left, 0);
}

#[test]
fn nested_loops_leaving_the_outer_block() {
    // Taken at the first level, and never.
    let n = JOIN_DEPTH;
    let (r, left) = agree(Shape::LoopsLeavingOuter, n, 3, BIG_FUEL);
    assert_eq!(r, Ok(vec![Val::I32(6)]));
    assert_eq!(BIG_FUEL - left, 2);
    let (r, left) = agree(Shape::LoopsLeavingOuter, n, 0, BIG_FUEL);
    assert_eq!(r, Ok(vec![Val::I32(0)]));
    assert_eq!(BIG_FUEL - left, n as u64 + 1);
}

#[test]
fn nested_loops_with_back_edges() {
    // The innermost loop takes its back edge 9 times; every level then
    // decrements the counter once more.
    let n = JOIN_DEPTH;
    let (r, left) = agree(Shape::BackEdges, n, 10, BIG_FUEL);
    assert_eq!(r, Ok(vec![Val::I32(1 - n as i32)]));
    assert_eq!(BIG_FUEL - left, 1 + n as u64 + 9);
}
