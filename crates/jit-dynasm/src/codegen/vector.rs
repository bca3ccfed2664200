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

    /// Pop `N` operands and return their slots, and the result's home slot.
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

    /// Where the result of op `i` goes: straight into the local a
    /// following `local.set`/`tee` writes (its other lazy readers copied
    /// home first), else `home`. Operands must have been taken already.
    fn result_slot(&mut self, i: usize, home: u32) -> (u32, Option<(u32, bool)>) {
        match self.fused_set(i) {
            Some(f) => {
                self.materialize_local(f.0);
                (f.0, Some(f))
            }
            None => (home, None),
        }
    }

    /// After the result went to [`Self::result_slot`]'s slot; returns the
    /// ops consumed.
    fn finish_result(&mut self, fused: Option<(u32, bool)>) -> usize {
        match fused {
            Some(f) => self.finish_fused(f),
            None => {
                self.push_home();
                1
            }
        }
    }

    /// Emit SIMD op `i`; returns the ops consumed (2 when it fused the
    /// following `local.set`).
    pub(super) fn visit_vector(&mut self, i: usize, op: Op) -> Result<usize, CompileError> {
        match op {
            Op::V128Const(bytes) => {
                let (dst, fused) = self.result_slot(i, self.s(self.h));
                self.m.emit_v128_const(dst, u128::from_le_bytes(bytes));
                return Ok(self.finish_result(fused));
            }
            Op::Simd(s) => return Ok(self.visit_simd(i, s)),
            Op::I8x16Shuffle(lanes) => {
                if lanes.iter().any(|l| *l >= 32) {
                    return Err(self.lane_error("shuffle lane"));
                }
                let ([a, b], home) = self.pop_vector_operands::<2>();
                let (dst, fused) = self.result_slot(i, home);
                self.m.emit_shuffle(dst, a, b, lanes);
                return Ok(self.finish_result(fused));
            }
            Op::ExtractLane(e, lane) => {
                self.check_lane(lane, e.shape.width())?;
                let ([v], home) = self.pop_vector_operands::<1>();
                let (dst, fused) = self.result_slot(i, home);
                self.m.emit_extract_lane(e, lane, dst, v);
                return Ok(self.finish_result(fused));
            }
            Op::ReplaceLane(shape, lane) => {
                self.check_lane(lane, shape.width())?;
                let ([v, x], home) = self.pop_vector_operands::<2>();
                let (dst, fused) = self.result_slot(i, home);
                self.m.emit_replace_lane(shape.width(), lane, dst, v, x);
                return Ok(self.finish_result(fused));
            }
            Op::V128Load(kind, arg) => {
                let ([addr], home) = self.pop_vector_operands::<1>();
                let at = self.mem_access(arg, kind.width(), addr)?;
                let (dst, fused) = self.result_slot(i, home);
                self.m.emit_v128_load(kind, at, dst);
                return Ok(self.finish_result(fused));
            }
            Op::V128Store(arg) => {
                let ([addr, value], _) = self.pop_vector_operands::<2>();
                let at = self.mem_access(arg, 16, addr)?;
                self.m.emit_v128_store(at, value);
            }
            Op::V128LoadLane(width, lane, arg) => {
                self.check_lane(lane, width)?;
                let ([addr, v], home) = self.pop_vector_operands::<2>();
                let at = self.mem_access(arg, width.bytes(), addr)?;
                let (dst, fused) = self.result_slot(i, home);
                self.m.emit_v128_load_lane(width, lane, at, dst, v);
                return Ok(self.finish_result(fused));
            }
            Op::V128StoreLane(width, lane, arg) => {
                self.check_lane(lane, width)?;
                let ([addr, v], _) = self.pop_vector_operands::<2>();
                let at = self.mem_access(arg, width.bytes(), addr)?;
                self.m.emit_v128_store_lane(width, lane, at, v);
            }
            _ => {}
        }
        Ok(1)
    }

    /// Pure SIMD operator `i`: inline when the backend has it, else the
    /// helper on home slots (the result replaces the first operand). Its
    /// result goes straight into a following `local.set`'s local. Returns
    /// the ops consumed.
    fn visit_simd(&mut self, i: usize, op: SimdOp) -> usize {
        let arity = op.params().len() as u32;
        let base = self.h - arity;
        let mut operands = [0; 3];
        for (k, s) in operands.iter_mut().enumerate().take(arity as usize) {
            *s = self.src(base + k as u32);
        }
        let home = self.s(base);
        let [a, b, c] = operands;
        self.h = base;
        let (dst, fused) = self.result_slot(i, home);
        if self.m.emit_simd(op, dst, a, b, c) {
            return self.finish_result(fused);
        }
        // The helper works on the home row; the operands go home (a lazy
        // one may still name the result's local: it is read before the
        // copy below writes it).
        self.h = base + arity;
        self.materialize_range(base);
        self.m.emit_call_helper(Helper::Simd, home, op as u64, 0);
        self.h = base;
        self.m.emit_copy(dst, home);
        self.finish_result(fused)
    }
}
