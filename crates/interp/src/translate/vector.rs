//! Translation of the SIMD operators into vector instructions (see
//! [`crate::vector`] for the frame layout they rely on).

use strata_ir::{GlobalIdx, MemArg, Op, ValType};
use strata_runtime::CompileError;

use super::Translator;
use crate::bytecode::Slot;
use crate::vector::{VInstr, Width};

impl Translator<'_> {
    /// Whether global `global` holds a `v128`.
    pub(super) fn is_v128_global(&self, global: GlobalIdx) -> bool {
        self.module
            .globals
            .get(global.index())
            .is_some_and(|g| g.ty == ValType::V128)
    }

    /// Keep a 128-bit immediate; returns its index.
    fn vconst(&mut self, value: u128) -> u32 {
        let idx = match self.vconsts.iter().position(|c| *c == value) {
            Some(i) => i,
            None => {
                self.vconsts.push(value);
                self.vconsts.len() - 1
            }
        };
        idx as u32
    }

    /// The address width and static offset of a vector access.
    fn vector_access(&self, arg: MemArg) -> Result<(Width, u64), CompileError> {
        let is_64 = self
            .module
            .memories
            .get(arg.mem.index())
            .is_some_and(|m| m.index.is_64());
        if is_64 {
            return Ok((Width::M64, arg.offset));
        }
        if arg.offset > u64::from(u32::MAX) {
            return Err(self.unsupported("a memory32 offset above 4 GiB"));
        }
        Ok((Width::M32, arg.offset))
    }

    /// Pop `n` operands; returns their slots bottom first, 0 for the
    /// missing ones.
    fn pop_operands(&mut self, n: usize) -> [Slot; 3] {
        let mut slots = [0; 3];
        for i in (0..n.min(3)).rev() {
            slots[i] = self.pop();
        }
        slots
    }

    /// A SIMD operator (or any other operator the interpreter lacks, which
    /// is refused).
    pub(super) fn translate_vector_op(&mut self, op: &Op) -> Result<(), CompileError> {
        if self.stride < 2 && op.is_simd() {
            // `Module::uses_simd` picks the stride; a vector in a one-slot
            // frame would overlap its neighbour.
            return Err(self.unsupported("SIMD in a module translated without it"));
        }
        match *op {
            Op::V128Const(bytes) => {
                let idx = self.vconst(u128::from_le_bytes(bytes));
                let dst = self.push_home();
                self.emit_vector_result(VInstr::Const { dst, idx }, dst);
            }
            Op::Simd(op) => {
                let [a, b, c] = self.pop_operands(op.params().len());
                let dst = self.push_home();
                self.emit_vector_result(VInstr::simd(op, dst, a, b, c), dst);
            }
            Op::I8x16Shuffle(lanes) => {
                let lanes = self.vconst(u128::from_le_bytes(lanes));
                let [a, b, _] = self.pop_operands(2);
                let dst = self.push_home();
                self.emit_vector_result(VInstr::Shuffle { dst, a, b, lanes }, dst);
            }
            Op::ExtractLane(op, lane) => {
                let src = self.pop();
                let dst = self.push_home();
                self.emit_vector_result(VInstr::Extract { dst, src, op, lane }, dst);
            }
            Op::ReplaceLane(shape, lane) => {
                let [v, x, _] = self.pop_operands(2);
                let dst = self.push_home();
                let instr = VInstr::Replace {
                    dst,
                    v,
                    x,
                    shape,
                    lane,
                };
                self.emit_vector_result(instr, dst);
            }
            Op::V128Load(kind, arg) => {
                let (width, offset) = self.vector_access(arg)?;
                let ptr = self.pop();
                let dst = self.push_home();
                let instr = VInstr::Load {
                    kind,
                    width,
                    dst,
                    ptr,
                    mem: arg.mem,
                    offset,
                };
                self.emit_vector_result(instr, dst);
            }
            Op::V128Store(arg) => {
                let (width, offset) = self.vector_access(arg)?;
                let [ptr, value, _] = self.pop_operands(2);
                self.emit_vector(VInstr::Store {
                    width,
                    ptr,
                    value,
                    mem: arg.mem,
                    offset,
                });
            }
            Op::V128LoadLane(lanes, lane, arg) => {
                let (width, offset) = self.vector_access(arg)?;
                let [ptr, v, _] = self.pop_operands(2);
                let dst = self.push_home();
                let instr = VInstr::LoadLane {
                    lanes,
                    lane,
                    width,
                    dst,
                    ptr,
                    v,
                    mem: arg.mem,
                    offset,
                };
                self.emit_vector_result(instr, dst);
            }
            Op::V128StoreLane(lanes, lane, arg) => {
                let (width, offset) = self.vector_access(arg)?;
                let [ptr, v, _] = self.pop_operands(2);
                self.emit_vector(VInstr::StoreLane {
                    lanes,
                    lane,
                    width,
                    ptr,
                    v,
                    mem: arg.mem,
                    offset,
                });
            }
            _ => return Err(self.unsupported("this operator")),
        }
        Ok(())
    }
}
