//! Translation of constant expressions (global initializers, segment offsets,
//! element items, table initializers) to [`ConstExpr`].
//!
//! Decoding errors are fatal ([`LoadErrorKind::Malformed`](crate::LoadErrorKind));
//! the operators are validated by the module validator, so an operator that has
//! no [`ConstOp`] is reported as unsupported only if validation accepts it.

use strata_ir::{ConstExpr, ConstOp, FuncIdx, GlobalIdx};
use wasmparser::{self as wp, Operator};

use crate::error::LoadError;
use crate::types::heap_type;

/// A decoded constant expression: either translated, or the reason it could
/// not be (to be reported once validation has accepted the module).
pub(crate) type Translated = Result<ConstExpr, LoadError>;

/// Decodes a constant expression. The outer `Result` is a decoding error
/// (malformed); the inner one says whether the expression is representable.
pub(crate) fn translate(expr: &wp::ConstExpr<'_>) -> Result<Translated, LoadError> {
    let mut reader = expr.get_operators_reader();
    let mut ops = Vec::new();
    let mut unsupported = None;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(LoadError::malformed)?;
        if unsupported.is_some() {
            continue;
        }
        match const_op(&op, offset) {
            Ok(Some(c)) => ops.push(c),
            Ok(None) => {}
            Err(e) => unsupported = Some(e),
        }
    }
    reader.finish().map_err(LoadError::malformed)?;
    Ok(match unsupported {
        Some(e) => Err(e),
        None => Ok(ConstExpr { ops: ops.into() }),
    })
}

/// Translates one operator; `Ok(None)` for the final `end`.
fn const_op(op: &Operator<'_>, offset: u64) -> Result<Option<ConstOp>, LoadError> {
    Ok(Some(match *op {
        Operator::End => return Ok(None),
        Operator::I32Const { value } => ConstOp::I32Const(value),
        Operator::I64Const { value } => ConstOp::I64Const(value),
        Operator::F32Const { value } => ConstOp::F32Const(value.bits()),
        Operator::F64Const { value } => ConstOp::F64Const(value.bits()),
        Operator::V128Const { value } => ConstOp::V128Const(*value.bytes()),
        Operator::RefNull { hty } => ConstOp::RefNull(heap_type(hty, offset)?),
        Operator::RefFunc { function_index } => ConstOp::RefFunc(FuncIdx(function_index)),
        Operator::GlobalGet { global_index } => ConstOp::GlobalGet(GlobalIdx(global_index)),
        Operator::I32Add => ConstOp::I32Add,
        Operator::I32Sub => ConstOp::I32Sub,
        Operator::I32Mul => ConstOp::I32Mul,
        Operator::I64Add => ConstOp::I64Add,
        Operator::I64Sub => ConstOp::I64Sub,
        Operator::I64Mul => ConstOp::I64Mul,
        ref other => {
            return Err(LoadError::unsupported(
                format!(
                    "operator `{}` in a constant expression",
                    crate::op_map::op_name(other)
                ),
                offset,
            ))
        }
    }))
}
