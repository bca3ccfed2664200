//! The interpreter's register bytecode.
//!
//! Every instruction names the frame slots it reads and writes; nothing is
//! pushed or popped at run time. A frame is laid out as
//! `[params | declared locals | operand slots]`, and the translator maps the
//! Wasm operand stack at depth `d` to slot `num_locals + d`, so the stack
//! height never exists at run time. Callee frames start at the caller's first
//! argument slot: arguments are passed without copying and results land where
//! the caller expects them.
//!
//! Raw slot values follow `strata_runtime::value`; in addition, every i32
//! result is written zero-extended, so an i32 slot can be used as a u64 index
//! directly.

use strata_ir::{
    DataIdx, ElemIdx, FuncIdx, GlobalIdx, LoadKind, MemIdx, StoreKind, TableIdx, TagIdx, TypeIdx,
};

/// A frame slot.
pub type Slot = u32;

macro_rules! define_instr {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident $trap:literal;)*) => {
        /// One register instruction. Jump targets are instruction indices in
        /// the same function.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[allow(missing_docs)]
        pub enum Instr {
            Unreachable,
            /// A loop header: consume fuel and check for interruption.
            LoopCheck,
            /// `dst = src`.
            Copy { dst: Slot, src: Slot },
            /// `dst = val`.
            Const { dst: Slot, val: u64 },
            Br { target: u32 },
            BrIfNez { cond: Slot, target: u32 },
            BrIfEqz { cond: Slot, target: u32 },
            /// Jump to `self + 1 + min(index, len - 1)`, which holds a `Br`.
            BrTable { index: Slot, len: u32 },
            /// Return; results are already in slots `0..n`.
            Return,
            Call { func: FuncIdx, args: Slot },
            CallIndirect { ty: TypeIdx, table: TableIdx, index: Slot, args: Slot },
            CallRef { func_ref: Slot, args: Slot },
            ReturnCall { func: FuncIdx, args: Slot },
            ReturnCallIndirect { ty: TypeIdx, table: TableIdx, index: Slot, args: Slot },
            ReturnCallRef { func_ref: Slot, args: Slot },
            Select { dst: Slot, cond: Slot, a: Slot, b: Slot },
            GlobalGet { dst: Slot, global: GlobalIdx },
            GlobalSet { src: Slot, global: GlobalIdx },
            TableGet { dst: Slot, table: TableIdx, index: Slot },
            TableSet { table: TableIdx, index: Slot, value: Slot },
            TableSize { dst: Slot, table: TableIdx },
            /// `dst = table.grow(init, delta)`; `dst` doubles as the init operand slot.
            TableGrow { dst: Slot, table: TableIdx, init: Slot, delta: Slot },
            TableFill { table: TableIdx, dst: Slot, value: Slot, len: Slot },
            TableCopy { dst_table: TableIdx, src_table: TableIdx, dst: Slot, src: Slot, len: Slot },
            TableInit { table: TableIdx, elem: ElemIdx, dst: Slot, src: Slot, len: Slot },
            ElemDrop { elem: ElemIdx },
            /// A load from a memory32 memory; `offset` fits 32 bits by validation.
            LoadM32 { kind: LoadKind, dst: Slot, ptr: Slot, offset: u32, mem: MemIdx },
            /// A load from a memory64 memory.
            LoadM64 { kind: LoadKind, dst: Slot, ptr: Slot, offset: u64, mem: MemIdx },
            StoreM32 { kind: StoreKind, ptr: Slot, value: Slot, offset: u32, mem: MemIdx },
            StoreM64 { kind: StoreKind, ptr: Slot, value: Slot, offset: u64, mem: MemIdx },
            MemorySize { dst: Slot, mem: MemIdx },
            MemoryGrow { dst: Slot, mem: MemIdx, delta: Slot },
            MemoryFill { mem: MemIdx, dst: Slot, value: Slot, len: Slot },
            MemoryCopy { dst_mem: MemIdx, src_mem: MemIdx, dst: Slot, src: Slot, len: Slot },
            MemoryInit { mem: MemIdx, data: DataIdx, dst: Slot, src: Slot, len: Slot },
            DataDrop { data: DataIdx },
            RefIsNull { dst: Slot, src: Slot },
            RefFunc { dst: Slot, func: FuncIdx },
            /// Trap with "null reference" if `src` is null.
            RefAsNonNull { src: Slot },
            /// Throw a new exception of `tag` with the payload at `args..`.
            Throw { tag: TagIdx, args: Slot },
            /// Rethrow the exception of the exnref in `src`.
            ThrowRef { src: Slot },
            /// A pure numeric operator: `dst = op(a[, b])`.
            $($name { dst: Slot, a: Slot, b: Slot },)*
        }

        impl Instr {
            /// The numeric instruction for a numeric operator.
            pub fn numeric(op: strata_ir::NumOp, dst: Slot, a: Slot, b: Slot) -> Instr {
                match op {
                    $(strata_ir::NumOp::$name => Instr::$name { dst, a, b },)*
                }
            }
        }
    };
}
strata_ir::for_each_num_op!(define_instr);

/// An exception handler: the instruction range of a `try_table` body and
/// its catch clauses, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Handler {
    /// First instruction of the try body.
    pub start: u32,
    /// One past the last instruction of the try body.
    pub end: u32,
    /// The catch clauses.
    pub catches: Box<[CatchPad]>,
}

/// Where a matching catch clause delivers its values and continues.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CatchPad {
    /// What it matches and delivers.
    pub kind: strata_ir::CatchKind,
    /// The landing pad: an instruction that branches to the clause's label.
    pub pad: u32,
    /// First slot of the label's values (payload, then the exnref).
    pub dst: Slot,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_stay_small() {
        assert!(
            core::mem::size_of::<Instr>() <= 24,
            "{}",
            core::mem::size_of::<Instr>()
        );
    }
}
