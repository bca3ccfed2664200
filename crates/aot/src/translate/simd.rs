//! Lowering of the pure SIMD operators (`Op::Simd`) and of constants,
//! shuffles and lane access to Cranelift's vector types.
//!
//! Every `v128` on the operand stack, in a local or a block parameter is an
//! `I8X16` value; an operator bitcasts its operands to the lane type it
//! works on (`I16X8`, `F32X4`, ...) and its result back, and Cranelift
//! removes the casts that cancel. The results are bit-identical to
//! `strata_ir::simd` (the interpreter's semantics): Cranelift's `fmin`,
//! `fmax`, `swizzle`, saturating conversions and shifts already have wasm
//! semantics, and each relaxed operator lowers to the one behaviour
//! `strata_ir::simd` documents (its `relaxed.rs`): `relaxed_madd` is a fused
//! `fma`, the relaxed truncations saturate, `laneselect` is `bitselect`,
//! relaxed min/max are `fmin`/`fmax`, `relaxed_q15mulr` saturates, and the
//! relaxed dot products read both operands signed.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value,
};
use strata_ir::{ExtractLane, Shape, SimdOp};

use super::FuncTranslator;

/// Flags of a bitcast between vector types: lanes keep their little-endian
/// byte order.
fn lane_order() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// The Cranelift vector type of a shape.
pub(super) fn shape_type(shape: Shape) -> Type {
    match shape {
        Shape::I8x16 => types::I8X16,
        Shape::I16x8 => types::I16X8,
        Shape::I32x4 => types::I32X4,
        Shape::I64x2 => types::I64X2,
        Shape::F32x4 => types::F32X4,
        Shape::F64x2 => types::F64X2,
    }
}

impl FuncTranslator<'_> {
    /// `v` as a value of vector type `ty` (a no-op when it already is).
    pub(super) fn as_vector(&mut self, v: Value, ty: Type) -> Value {
        if self.builder.func.dfg.value_type(v) == ty {
            v
        } else {
            self.builder.ins().bitcast(ty, lane_order(), v)
        }
    }

    /// Pop a `v128` viewed as `ty`.
    pub(super) fn vpop(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.as_vector(v, ty)
    }

    /// Push a vector result as the canonical `I8X16`.
    pub(super) fn vpush(&mut self, v: Value) {
        let v = self.as_vector(v, types::I8X16);
        self.push(v);
    }

    /// A `v128` constant.
    pub(super) fn v128_const(&mut self, bytes: [u8; 16]) -> Value {
        let c = self
            .builder
            .func
            .dfg
            .constants
            .insert(ConstantData::from(bytes.to_vec()));
        self.builder.ins().vconst(types::I8X16, c)
    }

    /// The zero vector, as a constant of type `ty` itself (the x86-64
    /// lowering of the `f64x2` truncations matches `snarrow`/`uunarrow` of
    /// a conversion and an `I64X2` zero constant, not of a bitcast).
    fn vzero(&mut self, ty: Type) -> Value {
        let c = self
            .builder
            .func
            .dfg
            .constants
            .insert(ConstantData::from(vec![0u8; 16]));
        self.builder.ins().vconst(ty, c)
    }

    /// `icmp` of vectors, as the all-ones/zeros lane mask wasm wants.
    fn vicmp(&mut self, ty: Type, cc: IntCC) {
        let b = self.vpop(ty);
        let a = self.vpop(ty);
        let r = self.builder.ins().icmp(cc, a, b);
        self.vpush(r);
    }

    /// `fcmp` of vectors, as the all-ones/zeros lane mask wasm wants.
    fn vfcmp(&mut self, ty: Type, cc: FloatCC) {
        let b = self.vpop(ty);
        let a = self.vpop(ty);
        let r = self.builder.ins().fcmp(cc, a, b);
        self.vpush(r);
    }

    /// Pseudo-minimum or -maximum: `b` where `b < a` (pmin) or `a < b`
    /// (pmax), else `a`; NaNs pass through as bits.
    fn pseudo_min_max(&mut self, ty: Type, max: bool) {
        let b = self.vpop(ty);
        let a = self.vpop(ty);
        let pick_b = if max {
            self.builder.ins().fcmp(FloatCC::LessThan, a, b)
        } else {
            self.builder.ins().fcmp(FloatCC::LessThan, b, a)
        };
        let m = self.as_vector(pick_b, types::I8X16);
        let a = self.as_vector(a, types::I8X16);
        let b = self.as_vector(b, types::I8X16);
        let r = self.builder.ins().bitselect(m, b, a);
        self.vpush(r);
    }

    /// A splat of the popped scalar (narrowed to the lane width).
    fn splat(&mut self, ty: Type) {
        let x = self.pop();
        let lane = ty.lane_type();
        let x = if lane.bits() < 32 {
            self.builder.ins().ireduce(lane, x)
        } else {
            x
        };
        let r = self.builder.ins().splat(ty, x);
        self.vpush(r);
    }

    /// A shift by the popped `i32` (Cranelift masks the count to the lane
    /// width, as wasm does).
    fn vshift(&mut self, ty: Type, kind: u8) {
        let n = self.pop();
        let a = self.vpop(ty);
        let ins = self.builder.ins();
        let r = match kind {
            0 => ins.ishl(a, n),
            1 => ins.sshr(a, n),
            _ => ins.ushr(a, n),
        };
        self.vpush(r);
    }

    /// `all_true` (1 if no lane is zero) of lane type `ty`.
    fn all_true(&mut self, ty: Type) {
        let a = self.vpop(ty);
        let r = self.builder.ins().vall_true(a);
        let r = self.builder.ins().uextend(types::I32, r);
        self.push(r);
    }

    /// `bitmask`: the lanes' sign bits.
    fn bitmask(&mut self, ty: Type) {
        let a = self.vpop(ty);
        let r = self.builder.ins().vhigh_bits(types::I32, a);
        self.push(r);
    }

    /// `extmul_low/high`: both operands' halves widened, multiplied.
    fn extmul(&mut self, ty: Type, high: bool, signed: bool) {
        let b = self.vpop(ty);
        let a = self.vpop(ty);
        let a = self.widen(a, high, signed);
        let b = self.widen(b, high, signed);
        let r = self.builder.ins().imul(a, b);
        self.vpush(r);
    }

    fn widen(&mut self, a: Value, high: bool, signed: bool) -> Value {
        let ins = self.builder.ins();
        match (high, signed) {
            (false, true) => ins.swiden_low(a),
            (true, true) => ins.swiden_high(a),
            (false, false) => ins.uwiden_low(a),
            (true, false) => ins.uwiden_high(a),
        }
    }

    /// `extend_low/high`.
    fn extend(&mut self, ty: Type, high: bool, signed: bool) {
        let a = self.vpop(ty);
        let r = self.widen(a, high, signed);
        self.vpush(r);
    }

    /// `extadd_pairwise`: adjacent lanes widened and added.
    fn extadd_pairwise(&mut self, ty: Type, signed: bool) {
        let a = self.vpop(ty);
        let lo = self.widen(a, false, signed);
        let hi = self.widen(a, true, signed);
        let r = self.builder.ins().iadd_pairwise(lo, hi);
        self.vpush(r);
    }

    /// The signed dot product of adjacent lane pairs into lanes twice as
    /// wide, wrapping: `i32x4.dot_i16x8_s` on `I16X8` operands, and the
    /// relaxed `i8` dot product (both operands signed) on `I8X16` ones.
    fn dot(&mut self, a: Value, b: Value) -> Value {
        let alo = self.builder.ins().swiden_low(a);
        let blo = self.builder.ins().swiden_low(b);
        let lo = self.builder.ins().imul(alo, blo);
        let ahi = self.builder.ins().swiden_high(a);
        let bhi = self.builder.ins().swiden_high(b);
        let hi = self.builder.ins().imul(ahi, bhi);
        self.builder.ins().iadd_pairwise(lo, hi)
    }

    /// A fused multiply-add, negated product for `nmadd`.
    fn madd(&mut self, ty: Type, negate: bool) {
        let c = self.vpop(ty);
        let b = self.vpop(ty);
        let a = self.vpop(ty);
        let a = if negate {
            self.builder.ins().fneg(a)
        } else {
            a
        };
        let r = self.builder.ins().fma(a, b, c);
        self.vpush(r);
    }

    /// `bitselect(a, b, m)`.
    fn bitselect(&mut self) {
        let m = self.vpop(types::I8X16);
        let b = self.vpop(types::I8X16);
        let a = self.vpop(types::I8X16);
        let r = self.builder.ins().bitselect(m, a, b);
        self.vpush(r);
    }

    /// Saturating float-to-int of `f64x2` lanes into the low `i32x4`
    /// lanes, zeros above.
    fn trunc_sat_f64_zero(&mut self, signed: bool) {
        let a = self.vpop(types::F64X2);
        let zero = self.vzero(types::I64X2);
        let r = if signed {
            let w = self.builder.ins().fcvt_to_sint_sat(types::I64X2, a);
            self.builder.ins().snarrow(w, zero)
        } else {
            let w = self.builder.ins().fcvt_to_uint_sat(types::I64X2, a);
            self.builder.ins().uunarrow(w, zero)
        };
        self.vpush(r);
    }

    /// Saturating `f32x4` to `i32x4`.
    fn trunc_sat_f32(&mut self, signed: bool) {
        let a = self.vpop(types::F32X4);
        let r = if signed {
            self.builder.ins().fcvt_to_sint_sat(types::I32X4, a)
        } else {
            self.builder.ins().fcvt_to_uint_sat(types::I32X4, a)
        };
        self.vpush(r);
    }

    /// Lower a pure SIMD operator.
    pub(super) fn visit_simd(&mut self, op: SimdOp) {
        use types::{F32X4, F64X2, I16X8, I32X4, I64X2, I8X16};
        use SimdOp as S;
        macro_rules! un {
            ($ty:expr, $f:ident) => {{
                let a = self.vpop($ty);
                let r = self.builder.ins().$f(a);
                self.vpush(r);
            }};
        }
        macro_rules! bin {
            ($ty:expr, $f:ident) => {{
                let b = self.vpop($ty);
                let a = self.vpop($ty);
                let r = self.builder.ins().$f(a, b);
                self.vpush(r);
            }};
        }
        match op {
            S::I8x16Swizzle | S::I8x16RelaxedSwizzle => bin!(I8X16, swizzle),
            S::I8x16Splat => self.splat(I8X16),
            S::I16x8Splat => self.splat(I16X8),
            S::I32x4Splat => self.splat(I32X4),
            S::I64x2Splat => self.splat(I64X2),
            S::F32x4Splat => self.splat(F32X4),
            S::F64x2Splat => self.splat(F64X2),

            S::I8x16Eq => self.vicmp(I8X16, IntCC::Equal),
            S::I8x16Ne => self.vicmp(I8X16, IntCC::NotEqual),
            S::I8x16LtS => self.vicmp(I8X16, IntCC::SignedLessThan),
            S::I8x16LtU => self.vicmp(I8X16, IntCC::UnsignedLessThan),
            S::I8x16GtS => self.vicmp(I8X16, IntCC::SignedGreaterThan),
            S::I8x16GtU => self.vicmp(I8X16, IntCC::UnsignedGreaterThan),
            S::I8x16LeS => self.vicmp(I8X16, IntCC::SignedLessThanOrEqual),
            S::I8x16LeU => self.vicmp(I8X16, IntCC::UnsignedLessThanOrEqual),
            S::I8x16GeS => self.vicmp(I8X16, IntCC::SignedGreaterThanOrEqual),
            S::I8x16GeU => self.vicmp(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            S::I16x8Eq => self.vicmp(I16X8, IntCC::Equal),
            S::I16x8Ne => self.vicmp(I16X8, IntCC::NotEqual),
            S::I16x8LtS => self.vicmp(I16X8, IntCC::SignedLessThan),
            S::I16x8LtU => self.vicmp(I16X8, IntCC::UnsignedLessThan),
            S::I16x8GtS => self.vicmp(I16X8, IntCC::SignedGreaterThan),
            S::I16x8GtU => self.vicmp(I16X8, IntCC::UnsignedGreaterThan),
            S::I16x8LeS => self.vicmp(I16X8, IntCC::SignedLessThanOrEqual),
            S::I16x8LeU => self.vicmp(I16X8, IntCC::UnsignedLessThanOrEqual),
            S::I16x8GeS => self.vicmp(I16X8, IntCC::SignedGreaterThanOrEqual),
            S::I16x8GeU => self.vicmp(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            S::I32x4Eq => self.vicmp(I32X4, IntCC::Equal),
            S::I32x4Ne => self.vicmp(I32X4, IntCC::NotEqual),
            S::I32x4LtS => self.vicmp(I32X4, IntCC::SignedLessThan),
            S::I32x4LtU => self.vicmp(I32X4, IntCC::UnsignedLessThan),
            S::I32x4GtS => self.vicmp(I32X4, IntCC::SignedGreaterThan),
            S::I32x4GtU => self.vicmp(I32X4, IntCC::UnsignedGreaterThan),
            S::I32x4LeS => self.vicmp(I32X4, IntCC::SignedLessThanOrEqual),
            S::I32x4LeU => self.vicmp(I32X4, IntCC::UnsignedLessThanOrEqual),
            S::I32x4GeS => self.vicmp(I32X4, IntCC::SignedGreaterThanOrEqual),
            S::I32x4GeU => self.vicmp(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            S::I64x2Eq => self.vicmp(I64X2, IntCC::Equal),
            S::I64x2Ne => self.vicmp(I64X2, IntCC::NotEqual),
            S::I64x2LtS => self.vicmp(I64X2, IntCC::SignedLessThan),
            S::I64x2GtS => self.vicmp(I64X2, IntCC::SignedGreaterThan),
            S::I64x2LeS => self.vicmp(I64X2, IntCC::SignedLessThanOrEqual),
            S::I64x2GeS => self.vicmp(I64X2, IntCC::SignedGreaterThanOrEqual),
            S::F32x4Eq => self.vfcmp(F32X4, FloatCC::Equal),
            S::F32x4Ne => self.vfcmp(F32X4, FloatCC::NotEqual),
            S::F32x4Lt => self.vfcmp(F32X4, FloatCC::LessThan),
            S::F32x4Gt => self.vfcmp(F32X4, FloatCC::GreaterThan),
            S::F32x4Le => self.vfcmp(F32X4, FloatCC::LessThanOrEqual),
            S::F32x4Ge => self.vfcmp(F32X4, FloatCC::GreaterThanOrEqual),
            S::F64x2Eq => self.vfcmp(F64X2, FloatCC::Equal),
            S::F64x2Ne => self.vfcmp(F64X2, FloatCC::NotEqual),
            S::F64x2Lt => self.vfcmp(F64X2, FloatCC::LessThan),
            S::F64x2Gt => self.vfcmp(F64X2, FloatCC::GreaterThan),
            S::F64x2Le => self.vfcmp(F64X2, FloatCC::LessThanOrEqual),
            S::F64x2Ge => self.vfcmp(F64X2, FloatCC::GreaterThanOrEqual),

            S::V128Not => un!(I8X16, bnot),
            S::V128And => bin!(I8X16, band),
            S::V128AndNot => bin!(I8X16, band_not),
            S::V128Or => bin!(I8X16, bor),
            S::V128Xor => bin!(I8X16, bxor),
            S::V128Bitselect
            | S::I8x16RelaxedLaneselect
            | S::I16x8RelaxedLaneselect
            | S::I32x4RelaxedLaneselect
            | S::I64x2RelaxedLaneselect => self.bitselect(),
            S::V128AnyTrue => {
                let a = self.vpop(I8X16);
                let r = self.builder.ins().vany_true(a);
                let r = self.builder.ins().uextend(types::I32, r);
                self.push(r);
            }

            S::I8x16Abs => un!(I8X16, iabs),
            S::I8x16Neg => un!(I8X16, ineg),
            S::I8x16Popcnt => un!(I8X16, popcnt),
            S::I8x16AllTrue => self.all_true(I8X16),
            S::I8x16Bitmask => self.bitmask(I8X16),
            S::I8x16NarrowI16x8S => bin!(I16X8, snarrow),
            S::I8x16NarrowI16x8U => bin!(I16X8, unarrow),
            S::I8x16Shl => self.vshift(I8X16, 0),
            S::I8x16ShrS => self.vshift(I8X16, 1),
            S::I8x16ShrU => self.vshift(I8X16, 2),
            S::I8x16Add => bin!(I8X16, iadd),
            S::I8x16AddSatS => bin!(I8X16, sadd_sat),
            S::I8x16AddSatU => bin!(I8X16, uadd_sat),
            S::I8x16Sub => bin!(I8X16, isub),
            S::I8x16SubSatS => bin!(I8X16, ssub_sat),
            S::I8x16SubSatU => bin!(I8X16, usub_sat),
            S::I8x16MinS => bin!(I8X16, smin),
            S::I8x16MinU => bin!(I8X16, umin),
            S::I8x16MaxS => bin!(I8X16, smax),
            S::I8x16MaxU => bin!(I8X16, umax),
            S::I8x16AvgrU => bin!(I8X16, avg_round),

            S::I16x8ExtAddPairwiseI8x16S => self.extadd_pairwise(I8X16, true),
            S::I16x8ExtAddPairwiseI8x16U => self.extadd_pairwise(I8X16, false),
            S::I16x8Abs => un!(I16X8, iabs),
            S::I16x8Neg => un!(I16X8, ineg),
            S::I16x8Q15MulrSatS | S::I16x8RelaxedQ15mulrS => bin!(I16X8, sqmul_round_sat),
            S::I16x8AllTrue => self.all_true(I16X8),
            S::I16x8Bitmask => self.bitmask(I16X8),
            S::I16x8NarrowI32x4S => bin!(I32X4, snarrow),
            S::I16x8NarrowI32x4U => bin!(I32X4, unarrow),
            S::I16x8ExtendLowI8x16S => self.extend(I8X16, false, true),
            S::I16x8ExtendHighI8x16S => self.extend(I8X16, true, true),
            S::I16x8ExtendLowI8x16U => self.extend(I8X16, false, false),
            S::I16x8ExtendHighI8x16U => self.extend(I8X16, true, false),
            S::I16x8Shl => self.vshift(I16X8, 0),
            S::I16x8ShrS => self.vshift(I16X8, 1),
            S::I16x8ShrU => self.vshift(I16X8, 2),
            S::I16x8Add => bin!(I16X8, iadd),
            S::I16x8AddSatS => bin!(I16X8, sadd_sat),
            S::I16x8AddSatU => bin!(I16X8, uadd_sat),
            S::I16x8Sub => bin!(I16X8, isub),
            S::I16x8SubSatS => bin!(I16X8, ssub_sat),
            S::I16x8SubSatU => bin!(I16X8, usub_sat),
            S::I16x8Mul => bin!(I16X8, imul),
            S::I16x8MinS => bin!(I16X8, smin),
            S::I16x8MinU => bin!(I16X8, umin),
            S::I16x8MaxS => bin!(I16X8, smax),
            S::I16x8MaxU => bin!(I16X8, umax),
            S::I16x8AvgrU => bin!(I16X8, avg_round),
            S::I16x8ExtMulLowI8x16S => self.extmul(I8X16, false, true),
            S::I16x8ExtMulHighI8x16S => self.extmul(I8X16, true, true),
            S::I16x8ExtMulLowI8x16U => self.extmul(I8X16, false, false),
            S::I16x8ExtMulHighI8x16U => self.extmul(I8X16, true, false),

            S::I32x4ExtAddPairwiseI16x8S => self.extadd_pairwise(I16X8, true),
            S::I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(I16X8, false),
            S::I32x4Abs => un!(I32X4, iabs),
            S::I32x4Neg => un!(I32X4, ineg),
            S::I32x4AllTrue => self.all_true(I32X4),
            S::I32x4Bitmask => self.bitmask(I32X4),
            S::I32x4ExtendLowI16x8S => self.extend(I16X8, false, true),
            S::I32x4ExtendHighI16x8S => self.extend(I16X8, true, true),
            S::I32x4ExtendLowI16x8U => self.extend(I16X8, false, false),
            S::I32x4ExtendHighI16x8U => self.extend(I16X8, true, false),
            S::I32x4Shl => self.vshift(I32X4, 0),
            S::I32x4ShrS => self.vshift(I32X4, 1),
            S::I32x4ShrU => self.vshift(I32X4, 2),
            S::I32x4Add => bin!(I32X4, iadd),
            S::I32x4Sub => bin!(I32X4, isub),
            S::I32x4Mul => bin!(I32X4, imul),
            S::I32x4MinS => bin!(I32X4, smin),
            S::I32x4MinU => bin!(I32X4, umin),
            S::I32x4MaxS => bin!(I32X4, smax),
            S::I32x4MaxU => bin!(I32X4, umax),
            S::I32x4DotI16x8S => {
                let b = self.vpop(I16X8);
                let a = self.vpop(I16X8);
                let r = self.dot(a, b);
                self.vpush(r);
            }
            S::I32x4ExtMulLowI16x8S => self.extmul(I16X8, false, true),
            S::I32x4ExtMulHighI16x8S => self.extmul(I16X8, true, true),
            S::I32x4ExtMulLowI16x8U => self.extmul(I16X8, false, false),
            S::I32x4ExtMulHighI16x8U => self.extmul(I16X8, true, false),

            S::I64x2Abs => un!(I64X2, iabs),
            S::I64x2Neg => un!(I64X2, ineg),
            S::I64x2AllTrue => self.all_true(I64X2),
            S::I64x2Bitmask => self.bitmask(I64X2),
            S::I64x2ExtendLowI32x4S => self.extend(I32X4, false, true),
            S::I64x2ExtendHighI32x4S => self.extend(I32X4, true, true),
            S::I64x2ExtendLowI32x4U => self.extend(I32X4, false, false),
            S::I64x2ExtendHighI32x4U => self.extend(I32X4, true, false),
            S::I64x2Shl => self.vshift(I64X2, 0),
            S::I64x2ShrS => self.vshift(I64X2, 1),
            S::I64x2ShrU => self.vshift(I64X2, 2),
            S::I64x2Add => bin!(I64X2, iadd),
            S::I64x2Sub => bin!(I64X2, isub),
            S::I64x2Mul => bin!(I64X2, imul),
            S::I64x2ExtMulLowI32x4S => self.extmul(I32X4, false, true),
            S::I64x2ExtMulHighI32x4S => self.extmul(I32X4, true, true),
            S::I64x2ExtMulLowI32x4U => self.extmul(I32X4, false, false),
            S::I64x2ExtMulHighI32x4U => self.extmul(I32X4, true, false),

            S::F32x4Ceil => un!(F32X4, ceil),
            S::F32x4Floor => un!(F32X4, floor),
            S::F32x4Trunc => un!(F32X4, trunc),
            S::F32x4Nearest => un!(F32X4, nearest),
            S::F32x4Abs => un!(F32X4, fabs),
            S::F32x4Neg => un!(F32X4, fneg),
            S::F32x4Sqrt => un!(F32X4, sqrt),
            S::F32x4Add => bin!(F32X4, fadd),
            S::F32x4Sub => bin!(F32X4, fsub),
            S::F32x4Mul => bin!(F32X4, fmul),
            S::F32x4Div => bin!(F32X4, fdiv),
            S::F32x4Min | S::F32x4RelaxedMin => bin!(F32X4, fmin),
            S::F32x4Max | S::F32x4RelaxedMax => bin!(F32X4, fmax),
            S::F32x4PMin => self.pseudo_min_max(F32X4, false),
            S::F32x4PMax => self.pseudo_min_max(F32X4, true),
            S::F64x2Ceil => un!(F64X2, ceil),
            S::F64x2Floor => un!(F64X2, floor),
            S::F64x2Trunc => un!(F64X2, trunc),
            S::F64x2Nearest => un!(F64X2, nearest),
            S::F64x2Abs => un!(F64X2, fabs),
            S::F64x2Neg => un!(F64X2, fneg),
            S::F64x2Sqrt => un!(F64X2, sqrt),
            S::F64x2Add => bin!(F64X2, fadd),
            S::F64x2Sub => bin!(F64X2, fsub),
            S::F64x2Mul => bin!(F64X2, fmul),
            S::F64x2Div => bin!(F64X2, fdiv),
            S::F64x2Min | S::F64x2RelaxedMin => bin!(F64X2, fmin),
            S::F64x2Max | S::F64x2RelaxedMax => bin!(F64X2, fmax),
            S::F64x2PMin => self.pseudo_min_max(F64X2, false),
            S::F64x2PMax => self.pseudo_min_max(F64X2, true),

            S::I32x4TruncSatF32x4S | S::I32x4RelaxedTruncF32x4S => self.trunc_sat_f32(true),
            S::I32x4TruncSatF32x4U | S::I32x4RelaxedTruncF32x4U => self.trunc_sat_f32(false),
            S::F32x4ConvertI32x4S => {
                let a = self.vpop(I32X4);
                let r = self.builder.ins().fcvt_from_sint(F32X4, a);
                self.vpush(r);
            }
            S::F32x4ConvertI32x4U => {
                let a = self.vpop(I32X4);
                let r = self.builder.ins().fcvt_from_uint(F32X4, a);
                self.vpush(r);
            }
            S::I32x4TruncSatF64x2SZero | S::I32x4RelaxedTruncF64x2SZero => {
                self.trunc_sat_f64_zero(true)
            }
            S::I32x4TruncSatF64x2UZero | S::I32x4RelaxedTruncF64x2UZero => {
                self.trunc_sat_f64_zero(false)
            }
            S::F64x2ConvertLowI32x4S => {
                let a = self.vpop(I32X4);
                let w = self.builder.ins().swiden_low(a);
                let r = self.builder.ins().fcvt_from_sint(F64X2, w);
                self.vpush(r);
            }
            S::F64x2ConvertLowI32x4U => {
                let a = self.vpop(I32X4);
                let w = self.builder.ins().uwiden_low(a);
                let r = self.builder.ins().fcvt_from_uint(F64X2, w);
                self.vpush(r);
            }
            S::F32x4DemoteF64x2Zero => un!(F64X2, fvdemote),
            S::F64x2PromoteLowF32x4 => un!(F32X4, fvpromote_low),

            S::F32x4RelaxedMadd => self.madd(F32X4, false),
            S::F32x4RelaxedNmadd => self.madd(F32X4, true),
            S::F64x2RelaxedMadd => self.madd(F64X2, false),
            S::F64x2RelaxedNmadd => self.madd(F64X2, true),
            S::I16x8RelaxedDotI8x16I7x16S => {
                let b = self.vpop(I8X16);
                let a = self.vpop(I8X16);
                let r = self.dot(a, b);
                self.vpush(r);
            }
            S::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.vpop(I32X4);
                let b = self.vpop(I8X16);
                let a = self.vpop(I8X16);
                let d = self.dot(a, b);
                let lo = self.builder.ins().swiden_low(d);
                let hi = self.builder.ins().swiden_high(d);
                let pairs = self.builder.ins().iadd_pairwise(lo, hi);
                let r = self.builder.ins().iadd(pairs, c);
                self.vpush(r);
            }
        }
    }

    /// `i8x16.shuffle` with its lane immediates.
    pub(super) fn visit_shuffle(&mut self, lanes: [u8; 16]) {
        let b = self.vpop(types::I8X16);
        let a = self.vpop(types::I8X16);
        let mask = self
            .builder
            .func
            .dfg
            .immediates
            .push(ConstantData::from(lanes.to_vec()));
        let r = self.builder.ins().shuffle(a, b, mask);
        self.vpush(r);
    }

    /// `*.extract_lane`: narrow integer lanes extend to `i32`.
    pub(super) fn visit_extract_lane(&mut self, op: ExtractLane, lane: u8) {
        let ty = shape_type(op.shape);
        let a = self.vpop(ty);
        let x = self.builder.ins().extractlane(a, lane);
        let x = match (op.shape, op.signed) {
            (Shape::I8x16 | Shape::I16x8, true) => self.builder.ins().sextend(types::I32, x),
            (Shape::I8x16 | Shape::I16x8, false) => self.builder.ins().uextend(types::I32, x),
            _ => x,
        };
        self.push(x);
    }

    /// `*.replace_lane`: the scalar narrowed to the lane width.
    pub(super) fn visit_replace_lane(&mut self, shape: Shape, lane: u8) {
        let x = self.pop();
        let ty = shape_type(shape);
        let a = self.vpop(ty);
        let lane_ty = ty.lane_type();
        let x = if lane_ty.is_int() && lane_ty.bits() < 32 {
            self.builder.ins().ireduce(lane_ty, x)
        } else {
            x
        };
        let r = self.builder.ins().insertlane(a, x, lane);
        self.vpush(r);
    }
}
