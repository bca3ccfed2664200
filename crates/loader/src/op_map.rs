//! The mapping of wasmparser's non-structural operators to [`Op`].
//!
//! Numeric operators are generated from the IR's operator table
//! ([`strata_ir::for_each_num_op!`]), whose names are wasmparser's operator
//! names; so are the pure SIMD operators ([`strata_ir::for_each_simd_op!`]).
//! Anything without an IR counterpart (atomics, GC objects, legacy
//! exceptions) is an unsupported error.

use strata_ir::{
    DataIdx, ElemIdx, ExtractLane, FuncIdx, GlobalIdx, LaneWidth, LoadKind, LocalIdx, MemArg,
    MemIdx, NumOp, Op, Shape, SimdOp, StoreKind, TableIdx, TypeIdx, V128LoadKind, ValType,
};
use wasmparser::{self as wp, Operator};

use crate::error::LoadError;
use crate::types::{heap_type, val_type};

macro_rules! define_num_op_of {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident $trap:literal;)*) => {
        /// The numeric operator `op` is, if it is one.
        fn num_op(op: &Operator<'_>) -> Option<NumOp> {
            match op {
                $(Operator::$name => Some(NumOp::$name),)*
                _ => None,
            }
        }
    };
}
strata_ir::for_each_num_op!(define_num_op_of);

macro_rules! define_simd_op_of {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident;)*) => {
        /// The pure SIMD operator `op` is, if it is one.
        fn simd_op(op: &Operator<'_>) -> Option<SimdOp> {
            match op {
                $(Operator::$name => Some(SimdOp::$name),)*
                _ => None,
            }
        }
    };
}
strata_ir::for_each_simd_op!(define_simd_op_of);

/// The operator's name (its variant name, without immediates).
pub(crate) fn op_name(op: &Operator<'_>) -> String {
    let dbg = format!("{op:?}");
    let end = dbg.find([' ', '{', '(']).unwrap_or(dbg.len());
    dbg[..end].to_string()
}

fn unsupported(op: &Operator<'_>, offset: u64) -> LoadError {
    LoadError::unsupported(format!("operator `{}`", op_name(op)), offset)
}

fn mem_arg(m: &wp::MemArg, op: &Operator<'_>, offset: u64) -> Result<MemArg, LoadError> {
    let mem = match m.target {
        wp::MemArgTarget::Memory(i) => MemIdx(i),
        wp::MemArgTarget::Array(_) => return Err(unsupported(op, offset)),
    };
    if m.ordering.is_some() {
        return Err(unsupported(op, offset));
    }
    Ok(MemArg {
        mem,
        offset: m.offset,
        align_log2: m.align,
    })
}

fn load_kind<'o>(op: &'o Operator<'_>) -> Option<(LoadKind, &'o wp::MemArg)> {
    use LoadKind as K;
    Some(match op {
        Operator::I32Load { memarg } => (K::I32, memarg),
        Operator::I64Load { memarg } => (K::I64, memarg),
        Operator::F32Load { memarg } => (K::F32, memarg),
        Operator::F64Load { memarg } => (K::F64, memarg),
        Operator::I32Load8S { memarg } => (K::I32S8, memarg),
        Operator::I32Load8U { memarg } => (K::I32U8, memarg),
        Operator::I32Load16S { memarg } => (K::I32S16, memarg),
        Operator::I32Load16U { memarg } => (K::I32U16, memarg),
        Operator::I64Load8S { memarg } => (K::I64S8, memarg),
        Operator::I64Load8U { memarg } => (K::I64U8, memarg),
        Operator::I64Load16S { memarg } => (K::I64S16, memarg),
        Operator::I64Load16U { memarg } => (K::I64U16, memarg),
        Operator::I64Load32S { memarg } => (K::I64S32, memarg),
        Operator::I64Load32U { memarg } => (K::I64U32, memarg),
        _ => return None,
    })
}

fn store_kind<'o>(op: &'o Operator<'_>) -> Option<(StoreKind, &'o wp::MemArg)> {
    use StoreKind as K;
    Some(match op {
        Operator::I32Store { memarg } => (K::I32, memarg),
        Operator::I64Store { memarg } => (K::I64, memarg),
        Operator::F32Store { memarg } => (K::F32, memarg),
        Operator::F64Store { memarg } => (K::F64, memarg),
        Operator::I32Store8 { memarg } => (K::I32As8, memarg),
        Operator::I32Store16 { memarg } => (K::I32As16, memarg),
        Operator::I64Store8 { memarg } => (K::I64As8, memarg),
        Operator::I64Store16 { memarg } => (K::I64As16, memarg),
        Operator::I64Store32 { memarg } => (K::I64As32, memarg),
        _ => return None,
    })
}

/// Translates a non-structural operator (anything but `block`, `loop`, `if`,
/// `else` and `end`). `select_ty` is the operand type of an untyped `select`;
/// `br_tables` receives the target list of a `br_table`.
pub(crate) fn map_op(
    op: &Operator<'_>,
    offset: u64,
    select_ty: Option<ValType>,
    br_tables: &mut Vec<Box<[u32]>>,
) -> Result<Op, LoadError> {
    if let Some(n) = num_op(op) {
        return Ok(Op::Num(n));
    }
    if let Some((kind, m)) = load_kind(op) {
        return Ok(Op::Load(kind, mem_arg(m, op, offset)?));
    }
    if let Some((kind, m)) = store_kind(op) {
        return Ok(Op::Store(kind, mem_arg(m, op, offset)?));
    }
    if let Some(s) = simd_op(op) {
        return Ok(Op::Simd(s));
    }
    if let Some(simd) = simd_memory_or_lane_op(op, offset)? {
        return Ok(simd);
    }
    Ok(match *op {
        Operator::Unreachable => Op::Unreachable,
        Operator::Nop => Op::Nop,
        Operator::Br { relative_depth } => Op::Br(relative_depth),
        Operator::BrIf { relative_depth } => Op::BrIf(relative_depth),
        Operator::BrTable { ref targets } => {
            let mut list = Vec::with_capacity(targets.len() as usize + 1);
            for t in targets.targets() {
                list.push(t.map_err(LoadError::malformed)?);
            }
            list.push(targets.default());
            let idx = u32::try_from(br_tables.len())
                .map_err(|_| LoadError::unsupported("too many br_table operators", offset))?;
            br_tables.push(list.into());
            Op::BrTable(strata_ir::BrTableIdx(idx))
        }
        Operator::Return => Op::Return,
        Operator::Call { function_index } => Op::Call(FuncIdx(function_index)),
        Operator::CallIndirect {
            type_index,
            table_index,
        } => Op::CallIndirect {
            ty: TypeIdx(type_index),
            table: TableIdx(table_index),
        },
        Operator::CallRef { type_index } => Op::CallRef(TypeIdx(type_index)),
        Operator::ReturnCall { function_index } => Op::ReturnCall(FuncIdx(function_index)),
        Operator::ReturnCallIndirect {
            type_index,
            table_index,
        } => Op::ReturnCallIndirect {
            ty: TypeIdx(type_index),
            table: TableIdx(table_index),
        },
        Operator::ReturnCallRef { type_index } => Op::ReturnCallRef(TypeIdx(type_index)),
        Operator::Drop => Op::Drop,
        Operator::Select => match select_ty {
            Some(t) => Op::Select(t),
            None => {
                return Err(LoadError::unsupported(
                    "`select` with operands of unknown type",
                    offset,
                ))
            }
        },
        Operator::TypedSelect { ty } => Op::Select(val_type(ty, offset)?),
        Operator::LocalGet { local_index } => Op::LocalGet(LocalIdx(local_index)),
        Operator::LocalSet { local_index } => Op::LocalSet(LocalIdx(local_index)),
        Operator::LocalTee { local_index } => Op::LocalTee(LocalIdx(local_index)),
        Operator::GlobalGet { global_index } => Op::GlobalGet(GlobalIdx(global_index)),
        Operator::GlobalSet { global_index } => Op::GlobalSet(GlobalIdx(global_index)),
        Operator::TableGet { table } => Op::TableGet(TableIdx(table)),
        Operator::TableSet { table } => Op::TableSet(TableIdx(table)),
        Operator::TableSize { table } => Op::TableSize(TableIdx(table)),
        Operator::TableGrow { table } => Op::TableGrow(TableIdx(table)),
        Operator::TableFill { table } => Op::TableFill(TableIdx(table)),
        Operator::TableCopy {
            dst_table,
            src_table,
        } => Op::TableCopy {
            dst: TableIdx(dst_table),
            src: TableIdx(src_table),
        },
        Operator::TableInit { elem_index, table } => Op::TableInit {
            table: TableIdx(table),
            elem: ElemIdx(elem_index),
        },
        Operator::ElemDrop { elem_index } => Op::ElemDrop(ElemIdx(elem_index)),
        Operator::MemorySize { mem } => Op::MemorySize(MemIdx(mem)),
        Operator::MemoryGrow { mem } => Op::MemoryGrow(MemIdx(mem)),
        Operator::MemoryFill { mem } => Op::MemoryFill(MemIdx(mem)),
        Operator::MemoryCopy { dst_mem, src_mem } => Op::MemoryCopy {
            dst: MemIdx(dst_mem),
            src: MemIdx(src_mem),
        },
        Operator::MemoryInit { data_index, mem } => Op::MemoryInit {
            mem: MemIdx(mem),
            data: DataIdx(data_index),
        },
        Operator::DataDrop { data_index } => Op::DataDrop(DataIdx(data_index)),
        Operator::I32Const { value } => Op::I32Const(value),
        Operator::I64Const { value } => Op::I64Const(value),
        Operator::F32Const { value } => Op::F32Const(value.bits()),
        Operator::F64Const { value } => Op::F64Const(value.bits()),
        Operator::RefNull { hty } => Op::RefNull(heap_type(hty, offset)?),
        Operator::RefIsNull => Op::RefIsNull,
        Operator::RefFunc { function_index } => Op::RefFunc(FuncIdx(function_index)),
        Operator::RefAsNonNull => Op::RefAsNonNull,
        Operator::BrOnNull { relative_depth } => Op::BrOnNull(relative_depth),
        Operator::BrOnNonNull { relative_depth } => Op::BrOnNonNull(relative_depth),
        Operator::Throw { tag_index } => Op::Throw(strata_ir::TagIdx(tag_index)),
        Operator::ThrowRef => Op::ThrowRef,
        _ => return Err(unsupported(op, offset)),
    })
}

/// The SIMD operators with immediates: vector loads and stores, lane
/// access, shuffles and constants.
fn simd_memory_or_lane_op(op: &Operator<'_>, offset: u64) -> Result<Option<Op>, LoadError> {
    use V128LoadKind as L;
    let load = |kind, m| Ok(Some(Op::V128Load(kind, mem_arg(m, op, offset)?)));
    let lane = |width, lane, m| Ok((width, lane, mem_arg(m, op, offset)?));
    let extract = |shape, signed, lane| Some(Op::ExtractLane(ExtractLane { shape, signed }, lane));
    Ok(match *op {
        Operator::V128Load { ref memarg } => return load(L::V128, memarg),
        Operator::V128Load8x8S { ref memarg } => return load(L::I16x8S8, memarg),
        Operator::V128Load8x8U { ref memarg } => return load(L::I16x8U8, memarg),
        Operator::V128Load16x4S { ref memarg } => return load(L::I32x4S16, memarg),
        Operator::V128Load16x4U { ref memarg } => return load(L::I32x4U16, memarg),
        Operator::V128Load32x2S { ref memarg } => return load(L::I64x2S32, memarg),
        Operator::V128Load32x2U { ref memarg } => return load(L::I64x2U32, memarg),
        Operator::V128Load8Splat { ref memarg } => return load(L::Splat8, memarg),
        Operator::V128Load16Splat { ref memarg } => return load(L::Splat16, memarg),
        Operator::V128Load32Splat { ref memarg } => return load(L::Splat32, memarg),
        Operator::V128Load64Splat { ref memarg } => return load(L::Splat64, memarg),
        Operator::V128Load32Zero { ref memarg } => return load(L::Zero32, memarg),
        Operator::V128Load64Zero { ref memarg } => return load(L::Zero64, memarg),
        Operator::V128Store { ref memarg } => Some(Op::V128Store(mem_arg(memarg, op, offset)?)),
        Operator::V128Load8Lane {
            ref memarg,
            lane: l,
        }
        | Operator::V128Load16Lane {
            ref memarg,
            lane: l,
        }
        | Operator::V128Load32Lane {
            ref memarg,
            lane: l,
        }
        | Operator::V128Load64Lane {
            ref memarg,
            lane: l,
        } => {
            let (w, l, m) = lane(lane_width(op), l, memarg)?;
            Some(Op::V128LoadLane(w, l, m))
        }
        Operator::V128Store8Lane {
            ref memarg,
            lane: l,
        }
        | Operator::V128Store16Lane {
            ref memarg,
            lane: l,
        }
        | Operator::V128Store32Lane {
            ref memarg,
            lane: l,
        }
        | Operator::V128Store64Lane {
            ref memarg,
            lane: l,
        } => {
            let (w, l, m) = lane(lane_width(op), l, memarg)?;
            Some(Op::V128StoreLane(w, l, m))
        }
        Operator::V128Const { value } => Some(Op::V128Const(*value.bytes())),
        Operator::I8x16Shuffle { lanes } => Some(Op::I8x16Shuffle(lanes)),
        Operator::I8x16ExtractLaneS { lane } => extract(Shape::I8x16, true, lane),
        Operator::I8x16ExtractLaneU { lane } => extract(Shape::I8x16, false, lane),
        Operator::I16x8ExtractLaneS { lane } => extract(Shape::I16x8, true, lane),
        Operator::I16x8ExtractLaneU { lane } => extract(Shape::I16x8, false, lane),
        Operator::I32x4ExtractLane { lane } => extract(Shape::I32x4, false, lane),
        Operator::I64x2ExtractLane { lane } => extract(Shape::I64x2, false, lane),
        Operator::F32x4ExtractLane { lane } => extract(Shape::F32x4, false, lane),
        Operator::F64x2ExtractLane { lane } => extract(Shape::F64x2, false, lane),
        Operator::I8x16ReplaceLane { lane } => Some(Op::ReplaceLane(Shape::I8x16, lane)),
        Operator::I16x8ReplaceLane { lane } => Some(Op::ReplaceLane(Shape::I16x8, lane)),
        Operator::I32x4ReplaceLane { lane } => Some(Op::ReplaceLane(Shape::I32x4, lane)),
        Operator::I64x2ReplaceLane { lane } => Some(Op::ReplaceLane(Shape::I64x2, lane)),
        Operator::F32x4ReplaceLane { lane } => Some(Op::ReplaceLane(Shape::F32x4, lane)),
        Operator::F64x2ReplaceLane { lane } => Some(Op::ReplaceLane(Shape::F64x2, lane)),
        _ => None,
    })
}

/// The lane width of a lane load or store.
fn lane_width(op: &Operator<'_>) -> LaneWidth {
    match op {
        Operator::V128Load8Lane { .. } | Operator::V128Store8Lane { .. } => LaneWidth::B8,
        Operator::V128Load16Lane { .. } | Operator::V128Store16Lane { .. } => LaneWidth::B16,
        Operator::V128Load32Lane { .. } | Operator::V128Store32Lane { .. } => LaneWidth::B32,
        _ => LaneWidth::B64,
    }
}

/// Whether the operator transfers control unconditionally, so that the code
/// after it (up to the `else` or `end` of the enclosing block) is dead.
pub(crate) fn ends_reachability(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Unreachable
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::Rethrow { .. }
    )
}

/// Whether the operator opens a block (and is closed by an `end`).
pub(crate) fn opens_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. }
    )
}
