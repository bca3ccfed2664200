//! The interpreter's vector instructions: everything that reads or writes a
//! `v128` slot.
//!
//! # How a `v128` lives in a frame
//! A module that uses SIMD anywhere ([`strata_ir::Module::uses_simd`]) is
//! translated with a *slot stride* of 2: every local and every operand-stack
//! position takes two 64-bit slots (`slot = 2 * index`), so a `v128` fits its
//! position (low half first, as in the store's rows) and the translator's
//! depth-to-slot mapping stays a multiplication. Scalars use the first slot
//! of their pair. Modules without SIMD keep stride 1 and pay nothing.
//!
//! In a stride-2 frame the value-moving instructions (`Copy`, `Select`) move
//! both slots of a pair whatever the value's type, so branches, `local.set`
//! and `select` need no type information. Where values cross the frame's
//! edge (arguments and results of an entry, host calls, calls into other
//! modules, exception payloads), the executor converts between the strided
//! frame and the store's canonical rows, where only a `v128` takes two slots.
//!
//! # Encoding
//! [`Instr`](crate::bytecode::Instr) has one variant for all of this,
//! `Vector { idx }`, indexing the function's [`VInstr`] table: the scalar
//! instruction set keeps its one-byte tag, and the 218 pure SIMD operators
//! (one [`VInstr`] variant per row of `strata_ir::for_each_simd_op!`) cost
//! one extra dispatch (and a call: their handler stays out of the scalar
//! instruction loop). Their semantics are `strata_ir::simd`'s, called
//! directly. 128-bit immediates (`v128.const`, shuffle lane lists) live in
//! the function's `vconsts` table.

use strata_ir::{ExtractLane, GlobalIdx, LaneWidth, MemIdx, Shape, SimdOp, V128LoadKind};

use crate::bytecode::Slot;

/// The address width of a vector memory access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// A memory32 memory: the address operand is an `i32`.
    M32,
    /// A memory64 memory: the address operand is an `i64`.
    M64,
}

macro_rules! define_vinstr {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident;)*) => {
        /// One vector instruction (see the module docs). `a`, `b`, `c` are
        /// the operands in stack order; the ones a row does not take are 0.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[allow(missing_docs)]
        pub enum VInstr {
            /// `dst = src`, both slots of the pair.
            Copy128 { dst: Slot, src: Slot },
            /// `dst = cond ? a : b`, both slots of the pair.
            Select128 { dst: Slot, cond: Slot, a: Slot, b: Slot },
            /// `dst = vconsts[idx]`.
            Const { dst: Slot, idx: u32 },
            /// `i8x16.shuffle` with the lane list `vconsts[lanes]`.
            Shuffle { dst: Slot, a: Slot, b: Slot, lanes: u32 },
            /// `*.extract_lane*` into a scalar slot.
            Extract { dst: Slot, src: Slot, op: ExtractLane, lane: u8 },
            /// `*.replace_lane` with the scalar in `x`.
            Replace { dst: Slot, v: Slot, x: Slot, shape: Shape, lane: u8 },
            /// `global.get` of a `v128` global.
            GlobalGet { dst: Slot, global: GlobalIdx },
            /// `global.set` of a `v128` global.
            GlobalSet { src: Slot, global: GlobalIdx },
            /// `v128.load*` (plain, extending, splat and zero forms).
            Load { kind: V128LoadKind, width: Width, dst: Slot, ptr: Slot, mem: MemIdx, offset: u64 },
            /// `v128.store`.
            Store { width: Width, ptr: Slot, value: Slot, mem: MemIdx, offset: u64 },
            /// `v128.load*_lane`: `dst = v` with lane `lane` loaded.
            LoadLane { lanes: LaneWidth, lane: u8, width: Width, dst: Slot, ptr: Slot, v: Slot, mem: MemIdx, offset: u64 },
            /// `v128.store*_lane`.
            StoreLane { lanes: LaneWidth, lane: u8, width: Width, ptr: Slot, v: Slot, mem: MemIdx, offset: u64 },
            $(
                /// A pure SIMD operator: `dst = op(a[, b[, c]])`.
                $name { dst: Slot, a: Slot, b: Slot, c: Slot },
            )*
        }

        impl VInstr {
            /// The instruction for a pure SIMD operator.
            pub fn simd(op: SimdOp, dst: Slot, a: Slot, b: Slot, c: Slot) -> VInstr {
                match op {
                    $(SimdOp::$name => VInstr::$name { dst, a, b, c },)*
                }
            }

            /// The operator of a pure SIMD instruction, if it is one.
            pub fn simd_op(&self) -> Option<SimdOp> {
                match self {
                    $(VInstr::$name { .. } => Some(SimdOp::$name),)*
                    _ => None,
                }
            }

            /// Redirect the result to `slot` (single-result instructions);
            /// `false` and no change for the others.
            pub fn set_result_slot(&mut self, slot: Slot) -> bool {
                match self {
                    VInstr::Copy128 { dst, .. }
                    | VInstr::Select128 { dst, .. }
                    | VInstr::Const { dst, .. }
                    | VInstr::Shuffle { dst, .. }
                    | VInstr::Extract { dst, .. }
                    | VInstr::Replace { dst, .. }
                    | VInstr::GlobalGet { dst, .. }
                    | VInstr::Load { dst, .. }
                    | VInstr::LoadLane { dst, .. } => *dst = slot,
                    $(VInstr::$name { dst, .. } => *dst = slot,)*
                    VInstr::GlobalSet { .. } | VInstr::Store { .. } | VInstr::StoreLane { .. } => {
                        return false
                    }
                }
                true
            }

            /// Every slot the instruction reads or writes. The verifier
            /// checks that each one's pair lies inside the frame (a scalar
            /// operand of a stride-2 frame has its pair too).
            pub fn slots(&self) -> Vec<Slot> {
                match *self {
                    VInstr::Copy128 { dst, src } => vec![dst, src],
                    VInstr::Select128 { dst, cond, a, b } => vec![dst, cond, a, b],
                    VInstr::Const { dst, .. } | VInstr::GlobalGet { dst, .. } => vec![dst],
                    VInstr::GlobalSet { src, .. } => vec![src],
                    VInstr::Shuffle { dst, a, b, .. } => vec![dst, a, b],
                    VInstr::Extract { dst, src, .. } => vec![dst, src],
                    VInstr::Replace { dst, v, x, .. } => vec![dst, v, x],
                    VInstr::Load { dst, ptr, .. } => vec![dst, ptr],
                    VInstr::Store { ptr, value, .. } => vec![ptr, value],
                    VInstr::LoadLane { dst, ptr, v, .. } => vec![dst, ptr, v],
                    VInstr::StoreLane { ptr, v, .. } => vec![ptr, v],
                    $(VInstr::$name { dst, a, b, c } => vec![dst, a, b, c],)*
                }
            }

            /// The index into the function's `vconsts` table, if the
            /// instruction has one.
            pub fn vconst(&self) -> Option<u32> {
                match *self {
                    VInstr::Const { idx, .. } => Some(idx),
                    VInstr::Shuffle { lanes, .. } => Some(lanes),
                    _ => None,
                }
            }
        }
    };
}
strata_ir::for_each_simd_op!(define_vinstr);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simd_operator_round_trips() {
        for &op in SimdOp::ALL {
            let v = VInstr::simd(op, 2, 4, 6, 8);
            assert_eq!(v.simd_op(), Some(op));
            assert_eq!(v.slots(), vec![2, 4, 6, 8]);
            let mut w = v;
            assert!(w.set_result_slot(10));
            assert_eq!(w.slots()[0], 10);
        }
    }

    #[test]
    fn vector_instructions_stay_small() {
        assert!(core::mem::size_of::<VInstr>() <= 32);
    }
}
