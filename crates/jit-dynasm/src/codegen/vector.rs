//! The SIMD operators in the code generator: `v128` values in stride-2
//! frames (every position two slots, see [`super`]), lowered through the
//! backend's vector emitters ([`Masm::emit_simd`] and friends). A pure
//! operator the backend does not emit inline runs in the SIMD helper on
//! home slots, like a numeric operator the backend leaves to its helper.
//!
//! Lane and shuffle immediates are checked here, not trusted: a hand-built
//! IR with a lane past the vector is a compile error, never an access past
//! the operand's slots.

use strata_ir::{FuncIdx, LaneWidth, Op, SimdOp};
use strata_runtime::CompileError;

use super::FuncCompiler;
use crate::masm::{Helper, Masm};

impl<M: Masm> FuncCompiler<'_, M> {
    fn lane_error(&self, what: &str) -> CompileError {
        CompileError {
            func: Some(FuncIdx(self.module.num_imported_funcs + self.defined)),
            offset: None,
            message: format!("{what} out of range"),
        }
    }

    fn check_lane(&self, lane: u8, width: LaneWidth) -> Result<(), CompileError> {
        if lane < width.lanes() {
            Ok(())
        } else {
            Err(self.lane_error(&format!("lane {lane} of a {}-byte lane", width.bytes())))
        }
    }

    /// Pop `n` operands and return their slots, and the result's home slot.
    fn pop_vector_operands<const N: usize>(&mut self) -> ([u32; N], u32) {
        let base = self.h - N as u32;
        let mut slots = [0; N];
        for (k, s) in slots.iter_mut().enumerate() {
            *s = self.src(base + k as u32);
        }
        self.h = base;
        (slots, self.s(base))
    }

    /// The result is in its home slot at the current height.
    fn push_home(&mut self) {
        self.set_home(self.h);
        self.h += 1;
    }

    /// Emit one SIMD operator.
    pub(super) fn visit_vector(&mut self, op: Op) -> Result<(), CompileError> {
        match op {
            Op::V128Const(bytes) => {
                let dst = self.s(self.h);
                self.m.emit_v128_const(dst, u128::from_le_bytes(bytes));
                self.push_home();
            }
            Op::Simd(s) => self.visit_simd(s),
            Op::I8x16Shuffle(lanes) => {
                if lanes.iter().any(|l| *l >= 32) {
                    return Err(self.lane_error("shuffle lane"));
                }
                let ([a, b], dst) = self.pop_vector_operands::<2>();
                self.m.emit_shuffle(dst, a, b, lanes);
                self.push_home();
            }
            Op::ExtractLane(e, lane) => {
                self.check_lane(lane, e.shape.width())?;
                let ([v], dst) = self.pop_vector_operands::<1>();
                self.m.emit_extract_lane(e, lane, dst, v);
                self.push_home();
            }
            Op::ReplaceLane(shape, lane) => {
                self.check_lane(lane, shape.width())?;
                let ([v, x], dst) = self.pop_vector_operands::<2>();
                self.m.emit_replace_lane(shape.width(), lane, dst, v, x);
                self.push_home();
            }
            Op::V128Load(kind, arg) => {
                let ([addr], dst) = self.pop_vector_operands::<1>();
                let at = self.mem_access(arg, kind.width(), addr)?;
                self.m.emit_v128_load(kind, at, dst);
                self.push_home();
            }
            Op::V128Store(arg) => {
                let ([addr, value], _) = self.pop_vector_operands::<2>();
                let at = self.mem_access(arg, 16, addr)?;
                self.m.emit_v128_store(at, value);
            }
            Op::V128LoadLane(width, lane, arg) => {
                self.check_lane(lane, width)?;
                let ([addr, v], dst) = self.pop_vector_operands::<2>();
                let at = self.mem_access(arg, width.bytes(), addr)?;
                self.m.emit_v128_load_lane(width, lane, at, dst, v);
                self.push_home();
            }
            Op::V128StoreLane(width, lane, arg) => {
                self.check_lane(lane, width)?;
                let ([addr, v], _) = self.pop_vector_operands::<2>();
                let at = self.mem_access(arg, width.bytes(), addr)?;
                self.m.emit_v128_store_lane(width, lane, at, v);
            }
            _ => {}
        }
        Ok(())
    }

    /// A pure SIMD operator: inline when the backend has it, else the
    /// helper on home slots (the result replaces the first operand).
    fn visit_simd(&mut self, op: SimdOp) {
        let arity = op.params().len() as u32;
        let base = self.h - arity;
        let mut operands = [0; 3];
        for (k, s) in operands.iter_mut().enumerate().take(arity as usize) {
            *s = self.src(base + k as u32);
        }
        let dst = self.s(base);
        let [a, b, c] = operands;
        self.h = base;
        if self.m.emit_simd(op, dst, a, b, c) {
            self.push_home();
            return;
        }
        self.h = base + arity;
        self.materialize_range(base);
        self.m.emit_call_helper(Helper::Simd, dst, op as u64, 0);
        self.h = base;
        self.push_home();
    }
}
