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

/// Invokes `$m!` with the binary operators that get an immediate-operand
/// form (`dst = op(a, imm)`): `Variant NumOp semantics width;`. The
/// immediate is an `i32`: zero-extended for 32-bit operators (only its bits
/// count), sign-extended for 64-bit ones.
macro_rules! for_each_imm_op {
    ($m:ident) => {
        $crate::bytecode::for_each_imm_op!($m, []);
    };
    ($m:ident, [$($extra:tt)*]) => {
        $m! {
            $($extra)*
            I32AddImm I32Add i32_add 32;
            I32SubImm I32Sub i32_sub 32;
            I32MulImm I32Mul i32_mul 32;
            I32AndImm I32And i32_and 32;
            I32OrImm I32Or i32_or 32;
            I32XorImm I32Xor i32_xor 32;
            I32ShlImm I32Shl i32_shl 32;
            I32ShrSImm I32ShrS i32_shr_s 32;
            I32ShrUImm I32ShrU i32_shr_u 32;
            I32RotrImm I32Rotr i32_rotr 32;
            I32EqImm I32Eq i32_eq 32;
            I32NeImm I32Ne i32_ne 32;
            I32LtSImm I32LtS i32_lt_s 32;
            I32LtUImm I32LtU i32_lt_u 32;
            I32GtSImm I32GtS i32_gt_s 32;
            I32GtUImm I32GtU i32_gt_u 32;
            I32LeSImm I32LeS i32_le_s 32;
            I32LeUImm I32LeU i32_le_u 32;
            I32GeSImm I32GeS i32_ge_s 32;
            I32GeUImm I32GeU i32_ge_u 32;
            I64AddImm I64Add i64_add 64;
            I64SubImm I64Sub i64_sub 64;
            I64MulImm I64Mul i64_mul 64;
            I64AndImm I64And i64_and 64;
            I64OrImm I64Or i64_or 64;
            I64XorImm I64Xor i64_xor 64;
            I64ShlImm I64Shl i64_shl 64;
            I64ShrSImm I64ShrS i64_shr_s 64;
            I64ShrUImm I64ShrU i64_shr_u 64;
            I64RotrImm I64Rotr i64_rotr 64;
            I64EqImm I64Eq i64_eq 64;
            I64NeImm I64Ne i64_ne 64;
            I64LtSImm I64LtS i64_lt_s 64;
            I64LtUImm I64LtU i64_lt_u 64;
            I64GtSImm I64GtS i64_gt_s 64;
            I64GtUImm I64GtU i64_gt_u 64;
            I64LeSImm I64LeS i64_le_s 64;
            I64LeUImm I64LeU i64_le_u 64;
            I64GeSImm I64GeS i64_ge_s 64;
            I64GeUImm I64GeU i64_ge_u 64;
        }
    };
}
pub(crate) use for_each_imm_op;

/// An integer comparison fused into a conditional branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Cmp {
    I32Eq,
    I32Ne,
    I32LtS,
    I32LtU,
    I32GtS,
    I32GtU,
    I32LeS,
    I32LeU,
    I32GeS,
    I32GeU,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64GtU,
    I64LeS,
    I64LeU,
    I64GeS,
    I64GeU,
}

impl Cmp {
    /// The comparison for an integer compare operator, if it is one.
    pub fn from_num_op(op: strata_ir::NumOp) -> Option<Cmp> {
        use strata_ir::NumOp as N;
        Some(match op {
            N::I32Eq | N::I32Eqz => Cmp::I32Eq,
            N::I32Ne => Cmp::I32Ne,
            N::I32LtS => Cmp::I32LtS,
            N::I32LtU => Cmp::I32LtU,
            N::I32GtS => Cmp::I32GtS,
            N::I32GtU => Cmp::I32GtU,
            N::I32LeS => Cmp::I32LeS,
            N::I32LeU => Cmp::I32LeU,
            N::I32GeS => Cmp::I32GeS,
            N::I32GeU => Cmp::I32GeU,
            N::I64Eq | N::I64Eqz => Cmp::I64Eq,
            N::I64Ne => Cmp::I64Ne,
            N::I64LtS => Cmp::I64LtS,
            N::I64LtU => Cmp::I64LtU,
            N::I64GtS => Cmp::I64GtS,
            N::I64GtU => Cmp::I64GtU,
            N::I64LeS => Cmp::I64LeS,
            N::I64LeU => Cmp::I64LeU,
            N::I64GeS => Cmp::I64GeS,
            N::I64GeU => Cmp::I64GeU,
            _ => return None,
        })
    }

    /// The comparison that is true exactly when this one is false.
    pub fn negate(self) -> Cmp {
        use Cmp::*;
        match self {
            I32Eq => I32Ne,
            I32Ne => I32Eq,
            I32LtS => I32GeS,
            I32LtU => I32GeU,
            I32GtS => I32LeS,
            I32GtU => I32LeU,
            I32LeS => I32GtS,
            I32LeU => I32GtU,
            I32GeS => I32LtS,
            I32GeU => I32LtU,
            I64Eq => I64Ne,
            I64Ne => I64Eq,
            I64LtS => I64GeS,
            I64LtU => I64GeU,
            I64GtS => I64LeS,
            I64GtU => I64LeU,
            I64LeS => I64GtS,
            I64LeU => I64GtU,
            I64GeS => I64LtS,
            I64GeU => I64LtU,
        }
    }

    /// Evaluate on raw slot values.
    #[inline(always)]
    pub fn eval(self, a: u64, b: u64) -> bool {
        use Cmp::*;
        let (a32, b32) = (a as u32, b as u32);
        match self {
            I32Eq => a32 == b32,
            I32Ne => a32 != b32,
            I32LtS => (a32 as i32) < (b32 as i32),
            I32LtU => a32 < b32,
            I32GtS => (a32 as i32) > (b32 as i32),
            I32GtU => a32 > b32,
            I32LeS => (a32 as i32) <= (b32 as i32),
            I32LeU => a32 <= b32,
            I32GeS => (a32 as i32) >= (b32 as i32),
            I32GeU => a32 >= b32,
            I64Eq => a == b,
            I64Ne => a != b,
            I64LtS => (a as i64) < (b as i64),
            I64LtU => a < b,
            I64GtS => (a as i64) > (b as i64),
            I64GtU => a > b,
            I64LeS => (a as i64) <= (b as i64),
            I64LeU => a <= b,
            I64GeS => (a as i64) >= (b as i64),
            I64GeU => a >= b,
        }
    }
}

/// Calls `$final!` with the instruction tables:
/// `imm { imm rows } cmp { .. } load { .. } store { .. } num rows` (see
/// [`for_each_imm_op!`], `for_each_instr_table_stage!` and
/// `strata_ir::for_each_num_op!`).
macro_rules! for_each_instr_table {
    ($final:ident) => {
        $crate::bytecode::for_each_imm_op!(for_each_instr_table_stage, [$final]);
    };
}
pub(crate) use for_each_instr_table;

macro_rules! for_each_instr_table_stage {
    ($final:ident $($imm:ident $op:ident $snake:ident $width:tt;)*) => {
        // The `cmp`, `load` and `store` rows are the single-dispatch forms
        // of `Instr::specialize`. Keep `Instr` at most 256 variants (a
        // one-byte tag): past that, measured dispatch got slower.
        strata_ir::for_each_num_op!($final, [
            imm { $($imm $op $snake $width;)* }
            // `Cmp` variant, its compare-and-branch.
            cmp {
                I32Eq BrI32Eq;
                I32Ne BrI32Ne;
                I32LtS BrI32LtS;
                I32LtU BrI32LtU;
                I32GtS BrI32GtS;
                I32GtU BrI32GtU;
                I32LeS BrI32LeS;
                I32LeU BrI32LeU;
                I32GeS BrI32GeS;
                I32GeU BrI32GeU;
                I64Eq BrI64Eq;
                I64Ne BrI64Ne;
                I64LtS BrI64LtS;
                I64LtU BrI64LtU;
                I64GtS BrI64GtS;
                I64GtU BrI64GtU;
                I64LeS BrI64LeS;
                I64LeU BrI64LeU;
                I64GeS BrI64GeS;
                I64GeU BrI64GeU;
            }
            // Canonical `LoadKind`, its memory-0 memory32 and memory64 loads
            // (the most frequent kinds; the others stay generic).
            load {
                I32 Load32 Load32M64;
                I64 Load64 Load64M64;
                I32U8 Load8U Load8UM64;
            }
            // Canonical `StoreKind`, its memory-0 memory32 and memory64 stores.
            store {
                I32 Store32 Store32M64;
                I64 Store64 Store64M64;
                I32As8 Store8 Store8M64;
            }
        ]);
    };
}
pub(crate) use for_each_instr_table_stage;

macro_rules! define_instr {
    (
        imm { $($iname:ident $iop:ident $isnake:ident $iwidth:tt;)* }
        cmp { $($cmp:ident $brc:ident;)* }
        load { $($lkind:ident $l32:ident $l64:ident;)* }
        store { $($skind:ident $s32:ident $s64:ident;)* }
        $($name:ident $snake:ident [$($param:ident)*] $result:ident $trap:literal;)*
    ) => {
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
            /// Branch if `cmp(a, b)`.
            BrCmp { cmp: Cmp, a: Slot, b: Slot, target: u32 },
            /// Branch if `cmp(a, imm)` (`imm` sign-extended for i64 compares).
            BrCmpImm { cmp: Cmp, a: Slot, imm: i32, target: u32 },
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
            /// The vector instruction `vector[idx]` of the function (see
            /// [`crate::vector`]).
            Vector { idx: u32 },
            $(
                /// A numeric operator with an immediate right operand:
                /// `dst = op(a, imm)`.
                $iname { dst: Slot, a: Slot, imm: i32 },
            )*
            $(
                /// A pure numeric operator: `dst = op(a[, b])`.
                $name { dst: Slot, a: Slot, b: Slot },
            )*
            $(
                /// `BrCmp` specialized to one comparison (see [`Instr::specialize`]).
                $brc { a: Slot, b: Slot, target: u32 },
            )*
            $(
                /// `LoadM32` of memory 0 specialized to one (canonical) kind.
                $l32 { dst: Slot, ptr: Slot, offset: u32 },
            )*
            $(
                /// `LoadM64` of memory 0 specialized to one (canonical) kind.
                $l64 { dst: Slot, ptr: Slot, offset: u64 },
            )*
            $(
                /// `StoreM32` of memory 0 specialized to one (canonical) kind.
                $s32 { ptr: Slot, value: Slot, offset: u32 },
            )*
            $(
                /// `StoreM64` of memory 0 specialized to one (canonical) kind.
                $s64 { ptr: Slot, value: Slot, offset: u64 },
            )*
        }

        impl Instr {
            /// The numeric instruction for a numeric operator.
            pub fn numeric(op: strata_ir::NumOp, dst: Slot, a: Slot, b: Slot) -> Instr {
                match op {
                    $(strata_ir::NumOp::$name => Instr::$name { dst, a, b },)*
                }
            }

            /// The immediate form of `op` with the constant `value`, if the
            /// operator has one and the constant fits.
            pub fn numeric_imm(op: strata_ir::NumOp, dst: Slot, a: Slot, value: u64) -> Option<Instr> {
                match op {
                    $(strata_ir::NumOp::$iop => {
                        fits_imm(value, $iwidth).map(|imm| Instr::$iname { dst, a, imm })
                    })*
                    _ => None,
                }
            }

            /// Redirect the result of a single-result instruction to `slot`;
            /// `false` (and no change) for any other instruction.
            pub fn set_result_slot(&mut self, slot: Slot) -> bool {
                match self {
                    Instr::Copy { dst, .. }
                    | Instr::Const { dst, .. }
                    | Instr::Select { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::TableGet { dst, .. }
                    | Instr::TableSize { dst, .. }
                    | Instr::MemorySize { dst, .. }
                    | Instr::LoadM32 { dst, .. }
                    | Instr::LoadM64 { dst, .. }
                    | Instr::RefIsNull { dst, .. }
                    | Instr::RefFunc { dst, .. } => *dst = slot,
                    $(Instr::$iname { dst, .. } => *dst = slot,)*
                    $(Instr::$name { dst, .. } => *dst = slot,)*
                    _ => return false,
                }
                true
            }

            /// The slots of a numeric instruction (with or without an
            /// immediate), if it is one.
            pub fn numeric_slots(&self) -> Option<[Slot; 3]> {
                match *self {
                    $(Instr::$iname { dst, a, .. } => Some([dst, a, a]),)*
                    $(Instr::$name { dst, a, b } => Some([dst, a, b]),)*
                    _ => None,
                }
            }

            /// The single-dispatch form of a compare-and-branch or of a
            /// memory-0 load or store (one variant per comparison or access
            /// kind, so the executor decodes no second operand); any other
            /// instruction is returned unchanged.
            pub fn specialize(self) -> Instr {
                match self {
                    Instr::BrCmp { cmp, a, b, target } => match cmp {
                        $(Cmp::$cmp => Instr::$brc { a, b, target },)*
                    },
                    Instr::LoadM32 { kind, dst, ptr, offset, mem } if mem.0 == 0 => {
                        match canonical_load(kind) {
                            $(LoadKind::$lkind => Instr::$l32 { dst, ptr, offset },)*
                            _ => self,
                        }
                    }
                    Instr::LoadM64 { kind, dst, ptr, offset, mem } if mem.0 == 0 => {
                        match canonical_load(kind) {
                            $(LoadKind::$lkind => Instr::$l64 { dst, ptr, offset },)*
                            _ => self,
                        }
                    }
                    Instr::StoreM32 { kind, ptr, value, offset, mem } if mem.0 == 0 => {
                        match canonical_store(kind) {
                            $(StoreKind::$skind => Instr::$s32 { ptr, value, offset },)*
                            _ => self,
                        }
                    }
                    Instr::StoreM64 { kind, ptr, value, offset, mem } if mem.0 == 0 => {
                        match canonical_store(kind) {
                            $(StoreKind::$skind => Instr::$s64 { ptr, value, offset },)*
                            _ => self,
                        }
                    }
                    other => other,
                }
            }

            /// The slots a specialized instruction (see
            /// [`Instr::specialize`]) reads or writes, if it is one.
            pub fn specialized_slots(&self) -> Option<[Slot; 2]> {
                match *self {
                    $(Instr::$brc { a, b, .. } => Some([a, b]),)*
                    $(Instr::$l32 { dst, ptr, .. } => Some([dst, ptr]),)*
                    $(Instr::$l64 { dst, ptr, .. } => Some([dst, ptr]),)*
                    $(Instr::$s32 { ptr, value, .. } => Some([ptr, value]),)*
                    $(Instr::$s64 { ptr, value, .. } => Some([ptr, value]),)*
                    _ => None,
                }
            }

            /// The jump target of a specialized compare-and-branch.
            pub fn specialized_target(&self) -> Option<u32> {
                match *self {
                    $(Instr::$brc { target, .. } => Some(target),)*
                    _ => None,
                }
            }
        }
    };
}
for_each_instr_table!(define_instr);

/// The load kind with the same access width and the same extension to a
/// raw slot value (an f32 load moves the same bits as an i32 load).
pub fn canonical_load(kind: LoadKind) -> LoadKind {
    match kind {
        LoadKind::F32 | LoadKind::I64U32 => LoadKind::I32,
        LoadKind::F64 => LoadKind::I64,
        LoadKind::I64U8 => LoadKind::I32U8,
        LoadKind::I64U16 => LoadKind::I32U16,
        other => other,
    }
}

/// The store kind writing the same bytes of a raw slot value.
pub fn canonical_store(kind: StoreKind) -> StoreKind {
    match kind {
        StoreKind::F32 | StoreKind::I64As32 => StoreKind::I32,
        StoreKind::F64 => StoreKind::I64,
        StoreKind::I64As8 => StoreKind::I32As8,
        StoreKind::I64As16 => StoreKind::I32As16,
        other => other,
    }
}

/// Whether a 64-bit constant can be the immediate of a `width`-bit operator.
pub fn fits_imm(value: u64, width: u32) -> Option<i32> {
    if width == 32 {
        Some(value as u32 as i32)
    } else {
        i32::try_from(value as i64).ok()
    }
}

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
    fn specialize_keeps_operands() {
        let br = Instr::BrCmp {
            cmp: Cmp::I64LtU,
            a: 3,
            b: 4,
            target: 9,
        };
        let s = br.specialize();
        assert_eq!(
            s,
            Instr::BrI64LtU {
                a: 3,
                b: 4,
                target: 9
            }
        );
        assert_eq!(s.specialized_slots(), Some([3, 4]));
        assert_eq!(s.specialized_target(), Some(9));
        let load = |kind, mem| Instr::LoadM32 {
            kind,
            dst: 1,
            ptr: 2,
            offset: 7,
            mem: MemIdx(mem),
        };
        let f32_load = Instr::Load32 {
            dst: 1,
            ptr: 2,
            offset: 7,
        };
        assert_eq!(load(LoadKind::F32, 0).specialize(), f32_load);
        assert_eq!(load(LoadKind::I64U32, 0).specialize(), f32_load);
        // Other memories and uncommon kinds stay generic.
        assert_eq!(load(LoadKind::I32, 1).specialize(), load(LoadKind::I32, 1));
        assert_eq!(
            load(LoadKind::I32S8, 0).specialize(),
            load(LoadKind::I32S8, 0)
        );
        let store = Instr::StoreM64 {
            kind: StoreKind::I64As8,
            ptr: 5,
            value: 6,
            offset: 1 << 40,
            mem: MemIdx(0),
        };
        let expected = Instr::Store8M64 {
            ptr: 5,
            value: 6,
            offset: 1 << 40,
        };
        assert_eq!(store.specialize(), expected);
        assert_eq!(expected.specialized_slots(), Some([5, 6]));
    }

    #[test]
    fn instructions_stay_small() {
        assert!(
            core::mem::size_of::<Instr>() <= 24,
            "{}",
            core::mem::size_of::<Instr>()
        );
    }
}
