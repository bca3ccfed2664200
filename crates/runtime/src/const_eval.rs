//! Evaluation of validated constant expressions (global initializers,
//! segment offsets and items, table initializers).

use strata_ir::{ConstExpr, ConstOp};

use crate::addr::{FuncAddr, GlobalAddr};
use crate::store::Store;
use crate::value;

/// The store addresses a constant expression may refer to.
pub struct ConstEnv<'a> {
    /// The instance's function index space.
    pub funcs: &'a [FuncAddr],
    /// The instance's global index space (as far as initialized).
    pub globals: &'a [GlobalAddr],
    /// The store, for the values of globals.
    pub store: &'a Store,
}

/// Evaluate `expr` to its raw value (a scalar in the low 64 bits; see
/// [`value::to_raw_wide`]). The expression is validated, so an out-of-range
/// index or stack underflow can only come from a bug; such a case yields 0
/// rather than a panic.
pub fn eval_wide(expr: &ConstExpr, env: &ConstEnv<'_>) -> u128 {
    let mut stack: Vec<u128> = Vec::with_capacity(4);
    for op in expr.ops.iter() {
        let v = match *op {
            ConstOp::I32Const(x) => u128::from(x as u32),
            ConstOp::I64Const(x) => u128::from(x as u64),
            ConstOp::F32Const(x) => u128::from(x),
            ConstOp::F64Const(x) => u128::from(x),
            ConstOp::V128Const(bytes) => u128::from_le_bytes(bytes),
            ConstOp::RefNull(_) => u128::from(value::NULL_REF),
            ConstOp::RefFunc(f) => {
                u128::from(value::func_ref_to_raw(env.funcs.get(f.index()).copied()))
            }
            ConstOp::GlobalGet(g) => env
                .globals
                .get(g.index())
                .and_then(|a| env.store.get_global(*a))
                .map_or(0, |g| g.value),
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let b = stack.pop().unwrap_or(0) as u32;
                let a = stack.pop().unwrap_or(0) as u32;
                u128::from(match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let b = stack.pop().unwrap_or(0) as u64;
                let a = stack.pop().unwrap_or(0) as u64;
                u128::from(match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
        };
        stack.push(v);
    }
    stack.pop().unwrap_or(0)
}

/// Evaluate a scalar-typed `expr` (a segment offset or item, a table
/// initializer) to its raw slot: as [`eval_wide`], truncated.
pub fn eval(expr: &ConstExpr, env: &ConstEnv<'_>) -> u64 {
    eval_wide(expr, env) as u64
}
