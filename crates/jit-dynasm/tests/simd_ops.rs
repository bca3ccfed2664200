//! Every pure SIMD operator in the JIT against the interpreter (whose
//! semantics are `strata_ir::simd`), on edge-case vectors: the inline SSE
//! lowerings and the helper must give the same bits, NaN payloads
//! included. And the JIT does not trust lane immediates of a hand-built IR.

use std::sync::Arc;

use strata_api::{Config, Engine, Extern, Instance, Module, Store, Val, ValType};
use strata_ir::{ExtractLane, Op, Shape};

/// `(wat name, parameter types, result type)` of every pure operator.
macro_rules! rows {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident;)*) => {
        &[$((stringify!($snake), &[$(ValType::$param),*], ValType::$result)),*]
    };
}
const ROWS: &[(&str, &[ValType], ValType)] = strata_ir::for_each_simd_op!(rows);

fn wat_type(t: ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        _ => "v128",
    }
}

/// Two exported functions per operator: `i` (its index in [`ROWS`])
/// returns the result, `s{i}` writes it to a local first (the operand's own
/// local where the types allow, so the result overwrites an operand) and
/// returns that.
fn module_text() -> String {
    let mut text = String::from("(module\n");
    for (i, (snake, params, result)) in ROWS.iter().enumerate() {
        // `i8x16_add` is `i8x16.add`: the first underscore is the dot.
        let name = snake.replacen('_', ".", 1);
        let ps: Vec<&str> = params.iter().map(|t| wat_type(*t)).collect();
        let gets: String = (0..params.len())
            .map(|k| format!("(local.get {k})"))
            .collect();
        let (ps, r) = (ps.join(" "), wat_type(*result));
        text.push_str(&format!(
            "(func (export \"{i}\") (param {ps}) (result {r}) ({name} {gets}))\n"
        ));
        let stored = if params.first() == Some(result) {
            format!("(local.set 0 ({name} {gets})) (local.get 0)")
        } else {
            format!("(local.tee 2 ({name} {gets}))")
        };
        // Local 2 is past every operator's parameters (at most three, and
        // a three-operand row's result is its first operand's type).
        let local = if params.first() == Some(result) {
            String::new()
        } else {
            format!("(local {r} {r} {r})")
        };
        text.push_str(&format!(
            "(func (export \"s{i}\") (param {ps}) (result {r}) {local} {stored})\n"
        ));
    }
    text.push(')');
    text
}

/// Vectors that reach the corners: zeros, ones, every lane's extremes,
/// float NaNs (quiet, signalling, negative), infinities, signed zeros,
/// subnormals, and mixed patterns.
const VECTORS: &[u128] = &[
    0,
    u128::MAX,
    0x8000_0000_8000_0000_8000_0000_8000_0000,
    0x7fff_ffff_7fff_ffff_7fff_ffff_7fff_ffff,
    0x8080_8080_8080_8080_8080_8080_8080_8080,
    0x7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f,
    0x8000_7fff_0001_ffff_8000_7fff_0001_ffff,
    0x7fc0_0000_ffc0_0001_7f80_0001_ff80_0000,
    0x7ff8_0000_0000_0000_7ff0_0000_0000_0001,
    0xfff0_0000_0000_0000_8000_0000_0000_0000,
    0x7f80_0000_0000_0001_3f80_0000_bf80_0000,
    0x4f00_0000_cf00_0000_4f80_0000_5f00_0000,
    0x41e0_0000_0000_0000_c1e0_0000_0020_0000,
    0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
    0x1f1e_1d1c_1b1a_1918_1716_1514_1312_1110,
    0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100,
    0x3fe0_0000_0000_0000_4004_0000_0000_0000,
    0x3f00_0000_4020_0000_c020_0000_bf00_0000,
];

const SCALARS: &[u64] = &[
    0,
    1,
    7,
    8,
    15,
    16,
    31,
    33,
    63,
    64,
    0x7fff_ffff,
    0xffff_ffff,
    u64::MAX,
];

fn arg(t: ValType, k: usize) -> Val {
    match t {
        ValType::V128 => Val::V128(VECTORS[k % VECTORS.len()]),
        ValType::I32 => Val::I32(SCALARS[k % SCALARS.len()] as i32),
        ValType::I64 => Val::I64(SCALARS[k % SCALARS.len()] as i64),
        ValType::F32 => Val::F32(VECTORS[k % VECTORS.len()] as u32),
        _ => Val::F64(VECTORS[k % VECTORS.len()] as u64),
    }
}

#[test]
fn every_simd_operator_agrees_with_the_interpreter() {
    let wasm = wat::parse_str(module_text()).expect("the operator module parses");
    let jit = Engine::new(&Config::new().tier(Arc::new(strata_jit::Jit::default())));
    let interp = Engine::new(&Config::new());
    let (Ok(jit), Ok(interp)) = (jit, interp) else {
        panic!("cannot build the engines");
    };
    let instance = |engine: &Engine| {
        let module = Module::new(engine, &wasm).expect("the operator module compiles");
        let mut store = Store::new(engine, ());
        let inst = Instance::new(&mut store, &module, &[]).expect("instantiates");
        (store, inst)
    };
    let (mut js, ji) = instance(&jit);
    let (mut is, ii) = instance(&interp);
    let mut calls = 0;
    for (i, (snake, params, _)) in ROWS.iter().enumerate() {
        for name in [i.to_string(), format!("s{i}")] {
            let (Some(Extern::Func(jf)), Some(Extern::Func(jf_i))) =
                (ji.get_export(&js, &name), ii.get_export(&is, &name))
            else {
                panic!("operator {snake} is not exported as {name}");
            };
            // Every pair of vectors for binary operators, a stride through
            // the pool for the others.
            let n = VECTORS.len().max(SCALARS.len());
            for x in 0..n {
                for y in 0..n {
                    let args: Vec<Val> = params
                        .iter()
                        .enumerate()
                        .map(|(k, t)| arg(*t, [x, y, x + y][k]))
                        .collect();
                    let got = jf.call(&mut js, &args).expect("the jit call runs");
                    let want = jf_i
                        .call(&mut is, &args)
                        .expect("the interpreter call runs");
                    assert_eq!(got, want, "{snake} ({name}) on {args:x?}");
                    calls += 1;
                    if params.len() < 2 {
                        break;
                    }
                }
            }
        }
    }
    assert!(calls > 2 * ROWS.len() * VECTORS.len());
}

/// The module `wat` with its first op that `patch` changes changed, as a
/// module only validation could have refused.
fn patched(wat: &str, patch: impl Fn(&mut Op) -> bool) -> strata_ir::ValidModule {
    let loaded = strata_loader::Loader::new(strata_ir::Features::CORE)
        .load_wat(wat)
        .expect("loads");
    let mut module: strata_ir::Module = (*loaded).clone();
    let changed = module
        .bodies
        .iter_mut()
        .flat_map(|b| b.ops.iter_mut())
        .any(patch);
    assert!(changed, "nothing to patch");
    // SAFETY: a loader's module with one immediate changed; the test checks
    // that the JIT refuses it rather than trusting it.
    #[allow(unsafe_code)]
    unsafe {
        strata_ir::ValidModule::new_unchecked(Arc::new(module))
    }
}

#[test]
fn lane_immediates_past_the_vector_are_compile_errors() {
    use strata_runtime::Tier;
    let jit = strata_jit::Jit::default();
    let extract = patched(
        "(module (func (param v128) (result i32) (i8x16.extract_lane_s 3 (local.get 0))))",
        |op| match op {
            Op::ExtractLane(
                ExtractLane {
                    shape: Shape::I8x16,
                    ..
                },
                lane,
            ) => {
                *lane = 16;
                true
            }
            _ => false,
        },
    );
    let Err(err) = jit.compile(&extract) else {
        panic!("lane 16 of i8x16 compiled");
    };
    assert!(err.message.contains("lane"), "{}", err.message);
    let replace = patched(
        "(module (func (param v128 i64) (result v128) \
           (i64x2.replace_lane 1 (local.get 0) (local.get 1))))",
        |op| match op {
            Op::ReplaceLane(_, lane) => {
                *lane = 200;
                true
            }
            _ => false,
        },
    );
    assert!(jit.compile(&replace).is_err());
    let shuffle = patched(
        "(module (func (param v128 v128) (result v128) \
           (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (local.get 0) (local.get 1))))",
        |op| match op {
            Op::I8x16Shuffle(lanes) => {
                lanes[15] = 32;
                true
            }
            _ => false,
        },
    );
    assert!(jit.compile(&shuffle).is_err());
    let lane_load = patched(
        "(module (memory 1) (func (param i32 v128) (result v128) \
           (v128.load32_lane 3 (local.get 0) (local.get 1))))",
        |op| match op {
            Op::V128LoadLane(_, lane, _) => {
                *lane = 4;
                true
            }
            _ => false,
        },
    );
    assert!(jit.compile(&lane_load).is_err());
}
