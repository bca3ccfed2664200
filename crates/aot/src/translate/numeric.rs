//! Numeric operators, with the exact semantics of `strata_ir::numeric`
//! (which the interpreter and the JIT call): integer division and float-to-int truncation test their
//! trapping conditions explicitly (so no native trapping instruction runs),
//! everything else maps to one Cranelift instruction whose semantics already
//! match Wasm (shift counts modulo the width, `fmin`/`fmax` NaN and signed-zero
//! rules, `nearest` ties-to-even, saturating conversions).

use cranelift_codegen::ir::{
    condcodes::{FloatCC, IntCC},
    types, InstBuilder, MemFlagsData, Type, Value,
};
use strata_ir::{NumOp, TrapCode};

use super::FuncTranslator;

const TWO_31: f64 = 2_147_483_648.0;
const TWO_32: f64 = 4_294_967_296.0;
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

impl FuncTranslator<'_> {
    fn bool_to_i32(&mut self, b: Value) -> Value {
        self.builder.ins().uextend(types::I32, b)
    }

    fn icmp_op(&mut self, cc: IntCC) {
        let b = self.pop();
        let a = self.pop();
        let c = self.builder.ins().icmp(cc, a, b);
        let v = self.bool_to_i32(c);
        self.push(v);
    }

    fn fcmp_op(&mut self, cc: FloatCC) {
        let b = self.pop();
        let a = self.pop();
        let c = self.builder.ins().fcmp(cc, a, b);
        let v = self.bool_to_i32(c);
        self.push(v);
    }

    fn unop(&mut self, f: impl FnOnce(&mut Self, Value) -> Value) {
        let a = self.pop();
        let v = f(self, a);
        self.push(v);
    }

    fn binop(&mut self, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let b = self.pop();
        let a = self.pop();
        let v = f(self, a, b);
        self.push(v);
    }

    /// Integer division and remainder with Wasm's traps.
    fn div_op(&mut self, ty: Type, signed: bool, rem: bool) {
        let b = self.pop();
        let a = self.pop();
        let zero = self.builder.ins().icmp_imm_s(IntCC::Equal, b, 0);
        self.trap_if(zero, TrapCode::IntegerDivideByZero);
        let min = if ty == types::I32 {
            i64::from(i32::MIN)
        } else {
            i64::MIN
        };
        let v = match (signed, rem) {
            (false, false) => self.builder.ins().udiv(a, b),
            (false, true) => self.builder.ins().urem(a, b),
            (true, false) => {
                let is_min = self.builder.ins().icmp_imm_s(IntCC::Equal, a, min);
                let neg1 = self.builder.ins().icmp_imm_s(IntCC::Equal, b, -1);
                let both = self.builder.ins().band(is_min, neg1);
                self.trap_if(both, TrapCode::IntegerOverflow);
                self.builder.ins().sdiv(a, b)
            }
            (true, true) => {
                // x rem -1 is 0; divide by 1 instead so MIN rem -1 cannot fault.
                let neg1 = self.builder.ins().icmp_imm_s(IntCC::Equal, b, -1);
                let one = self.builder.ins().iconst(ty, 1);
                let d = self.builder.ins().select(neg1, one, b);
                self.builder.ins().srem(a, d)
            }
        };
        self.push(v);
    }

    /// A trapping float-to-int truncation: NaN traps as an invalid
    /// conversion, a truncated value outside `[min, max)` as an overflow.
    /// Every f32 is exactly an f64 and the bounds are exact, so the checks
    /// are exact; the saturating conversion then never saturates.
    fn trunc_op(&mut self, to: Type, signed: bool, min: f64, max: f64) {
        let x = self.pop();
        let xd = if self.builder.func.dfg.value_type(x) == types::F32 {
            self.builder.ins().fpromote(types::F64, x)
        } else {
            x
        };
        let nan = self.builder.ins().fcmp(FloatCC::Unordered, xd, xd);
        self.trap_if(nan, TrapCode::InvalidConversionToInteger);
        let t = self.builder.ins().trunc(xd);
        let lo = self.builder.ins().f64const(min);
        let hi = self.builder.ins().f64const(max);
        let below = self.builder.ins().fcmp(FloatCC::LessThan, t, lo);
        let above = self.builder.ins().fcmp(FloatCC::GreaterThanOrEqual, t, hi);
        let out = self.builder.ins().bor(below, above);
        self.trap_if(out, TrapCode::IntegerOverflow);
        let v = if signed {
            self.builder.ins().fcvt_to_sint_sat(to, x)
        } else {
            self.builder.ins().fcvt_to_uint_sat(to, x)
        };
        self.push(v);
    }

    fn sext_from(&mut self, ty: Type, narrow: Type) {
        self.unop(|t, a| {
            let n = t.builder.ins().ireduce(narrow, a);
            t.builder.ins().sextend(ty, n)
        });
    }

    pub(super) fn visit_num(&mut self, op: NumOp) {
        use NumOp::*;
        let (i32t, i64t, f32t, f64t) = (types::I32, types::I64, types::F32, types::F64);
        match op {
            I32Eqz | I64Eqz => self.unop(|t, a| {
                let c = t.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                t.bool_to_i32(c)
            }),
            I32Eq | I64Eq => self.icmp_op(IntCC::Equal),
            I32Ne | I64Ne => self.icmp_op(IntCC::NotEqual),
            I32LtS | I64LtS => self.icmp_op(IntCC::SignedLessThan),
            I32LtU | I64LtU => self.icmp_op(IntCC::UnsignedLessThan),
            I32GtS | I64GtS => self.icmp_op(IntCC::SignedGreaterThan),
            I32GtU | I64GtU => self.icmp_op(IntCC::UnsignedGreaterThan),
            I32LeS | I64LeS => self.icmp_op(IntCC::SignedLessThanOrEqual),
            I32LeU | I64LeU => self.icmp_op(IntCC::UnsignedLessThanOrEqual),
            I32GeS | I64GeS => self.icmp_op(IntCC::SignedGreaterThanOrEqual),
            I32GeU | I64GeU => self.icmp_op(IntCC::UnsignedGreaterThanOrEqual),
            F32Eq | F64Eq => self.fcmp_op(FloatCC::Equal),
            F32Ne | F64Ne => self.fcmp_op(FloatCC::NotEqual),
            F32Lt | F64Lt => self.fcmp_op(FloatCC::LessThan),
            F32Gt | F64Gt => self.fcmp_op(FloatCC::GreaterThan),
            F32Le | F64Le => self.fcmp_op(FloatCC::LessThanOrEqual),
            F32Ge | F64Ge => self.fcmp_op(FloatCC::GreaterThanOrEqual),
            I32Clz | I64Clz => self.unop(|t, a| t.builder.ins().clz(a)),
            I32Ctz | I64Ctz => self.unop(|t, a| t.builder.ins().ctz(a)),
            I32Popcnt | I64Popcnt => self.unop(|t, a| t.builder.ins().popcnt(a)),
            I32Add | I64Add => self.binop(|t, a, b| t.builder.ins().iadd(a, b)),
            I32Sub | I64Sub => self.binop(|t, a, b| t.builder.ins().isub(a, b)),
            I32Mul | I64Mul => self.binop(|t, a, b| t.builder.ins().imul(a, b)),
            I32DivS => self.div_op(i32t, true, false),
            I32DivU => self.div_op(i32t, false, false),
            I32RemS => self.div_op(i32t, true, true),
            I32RemU => self.div_op(i32t, false, true),
            I64DivS => self.div_op(i64t, true, false),
            I64DivU => self.div_op(i64t, false, false),
            I64RemS => self.div_op(i64t, true, true),
            I64RemU => self.div_op(i64t, false, true),
            I32And | I64And => self.binop(|t, a, b| t.builder.ins().band(a, b)),
            I32Or | I64Or => self.binop(|t, a, b| t.builder.ins().bor(a, b)),
            I32Xor | I64Xor => self.binop(|t, a, b| t.builder.ins().bxor(a, b)),
            I32Shl | I64Shl => self.binop(|t, a, b| t.builder.ins().ishl(a, b)),
            I32ShrS | I64ShrS => self.binop(|t, a, b| t.builder.ins().sshr(a, b)),
            I32ShrU | I64ShrU => self.binop(|t, a, b| t.builder.ins().ushr(a, b)),
            I32Rotl | I64Rotl => self.binop(|t, a, b| t.builder.ins().rotl(a, b)),
            I32Rotr | I64Rotr => self.binop(|t, a, b| t.builder.ins().rotr(a, b)),
            F32Abs | F64Abs => self.unop(|t, a| t.builder.ins().fabs(a)),
            F32Neg | F64Neg => self.unop(|t, a| t.builder.ins().fneg(a)),
            F32Ceil | F64Ceil => self.unop(|t, a| t.builder.ins().ceil(a)),
            F32Floor | F64Floor => self.unop(|t, a| t.builder.ins().floor(a)),
            F32Trunc | F64Trunc => self.unop(|t, a| t.builder.ins().trunc(a)),
            F32Nearest | F64Nearest => self.unop(|t, a| t.builder.ins().nearest(a)),
            F32Sqrt | F64Sqrt => self.unop(|t, a| t.builder.ins().sqrt(a)),
            F32Add | F64Add => self.binop(|t, a, b| t.builder.ins().fadd(a, b)),
            F32Sub | F64Sub => self.binop(|t, a, b| t.builder.ins().fsub(a, b)),
            F32Mul | F64Mul => self.binop(|t, a, b| t.builder.ins().fmul(a, b)),
            F32Div | F64Div => self.binop(|t, a, b| t.builder.ins().fdiv(a, b)),
            F32Min | F64Min => self.binop(|t, a, b| t.builder.ins().fmin(a, b)),
            F32Max | F64Max => self.binop(|t, a, b| t.builder.ins().fmax(a, b)),
            F32Copysign | F64Copysign => self.binop(|t, a, b| t.builder.ins().fcopysign(a, b)),
            I32WrapI64 => self.unop(|t, a| t.builder.ins().ireduce(i32t, a)),
            I32TruncF32S | I32TruncF64S => self.trunc_op(i32t, true, -TWO_31, TWO_31),
            I32TruncF32U | I32TruncF64U => self.trunc_op(i32t, false, 0.0, TWO_32),
            I64TruncF32S | I64TruncF64S => self.trunc_op(i64t, true, -TWO_63, TWO_63),
            I64TruncF32U | I64TruncF64U => self.trunc_op(i64t, false, 0.0, TWO_64),
            I64ExtendI32S => self.unop(|t, a| t.builder.ins().sextend(i64t, a)),
            I64ExtendI32U => self.unop(|t, a| t.builder.ins().uextend(i64t, a)),
            F32ConvertI32S | F32ConvertI64S => {
                self.unop(|t, a| t.builder.ins().fcvt_from_sint(f32t, a))
            }
            F32ConvertI32U | F32ConvertI64U => {
                self.unop(|t, a| t.builder.ins().fcvt_from_uint(f32t, a))
            }
            F64ConvertI32S | F64ConvertI64S => {
                self.unop(|t, a| t.builder.ins().fcvt_from_sint(f64t, a))
            }
            F64ConvertI32U | F64ConvertI64U => {
                self.unop(|t, a| t.builder.ins().fcvt_from_uint(f64t, a))
            }
            F32DemoteF64 => self.unop(|t, a| t.builder.ins().fdemote(f32t, a)),
            F64PromoteF32 => self.unop(|t, a| t.builder.ins().fpromote(f64t, a)),
            I32ReinterpretF32 => {
                self.unop(|t, a| t.builder.ins().bitcast(i32t, MemFlagsData::new(), a))
            }
            I64ReinterpretF64 => {
                self.unop(|t, a| t.builder.ins().bitcast(i64t, MemFlagsData::new(), a))
            }
            F32ReinterpretI32 => {
                self.unop(|t, a| t.builder.ins().bitcast(f32t, MemFlagsData::new(), a))
            }
            F64ReinterpretI64 => {
                self.unop(|t, a| t.builder.ins().bitcast(f64t, MemFlagsData::new(), a))
            }
            I32Extend8S => self.sext_from(i32t, types::I8),
            I32Extend16S => self.sext_from(i32t, types::I16),
            I64Extend8S => self.sext_from(i64t, types::I8),
            I64Extend16S => self.sext_from(i64t, types::I16),
            I64Extend32S => self.sext_from(i64t, types::I32),
            I32TruncSatF32S | I32TruncSatF64S => {
                self.unop(|t, a| t.builder.ins().fcvt_to_sint_sat(i32t, a))
            }
            I32TruncSatF32U | I32TruncSatF64U => {
                self.unop(|t, a| t.builder.ins().fcvt_to_uint_sat(i32t, a))
            }
            I64TruncSatF32S | I64TruncSatF64S => {
                self.unop(|t, a| t.builder.ins().fcvt_to_sint_sat(i64t, a))
            }
            I64TruncSatF32U | I64TruncSatF64U => {
                self.unop(|t, a| t.builder.ins().fcvt_to_uint_sat(i64t, a))
            }
        }
    }
}
