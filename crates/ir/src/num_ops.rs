//! The table of pure numeric operators, written down once.
//!
//! `for_each_num_op!(callback)` calls `callback!` with one row per operator:
//! `Name snake_name [param types] result_type can_trap;`. The IR's
//! [`NumOp`](crate::op::NumOp) enum is generated from it, and tiers generate
//! their instruction variants and handlers from the same table, so adding an
//! operator is one line here and one semantic function per tier.
//!
//! Types are written as [`ValType`](crate::types::ValType) variant names.
//!
//! `for_each_num_op!(callback, [tokens])` passes `tokens` to the callback
//! before the rows, so a tier can combine this table with tables of its own
//! in one generated item.

/// Invokes `$m!` with the full numeric operator table. See the module docs.
#[macro_export]
macro_rules! for_each_num_op {
    ($m:ident) => {
        $crate::for_each_num_op!($m, []);
    };
    ($m:ident, [$($extra:tt)*]) => {
        $m! {
            $($extra)*
            I32Eqz i32_eqz [I32] I32 false;
            I32Eq i32_eq [I32 I32] I32 false;
            I32Ne i32_ne [I32 I32] I32 false;
            I32LtS i32_lt_s [I32 I32] I32 false;
            I32LtU i32_lt_u [I32 I32] I32 false;
            I32GtS i32_gt_s [I32 I32] I32 false;
            I32GtU i32_gt_u [I32 I32] I32 false;
            I32LeS i32_le_s [I32 I32] I32 false;
            I32LeU i32_le_u [I32 I32] I32 false;
            I32GeS i32_ge_s [I32 I32] I32 false;
            I32GeU i32_ge_u [I32 I32] I32 false;
            I64Eqz i64_eqz [I64] I32 false;
            I64Eq i64_eq [I64 I64] I32 false;
            I64Ne i64_ne [I64 I64] I32 false;
            I64LtS i64_lt_s [I64 I64] I32 false;
            I64LtU i64_lt_u [I64 I64] I32 false;
            I64GtS i64_gt_s [I64 I64] I32 false;
            I64GtU i64_gt_u [I64 I64] I32 false;
            I64LeS i64_le_s [I64 I64] I32 false;
            I64LeU i64_le_u [I64 I64] I32 false;
            I64GeS i64_ge_s [I64 I64] I32 false;
            I64GeU i64_ge_u [I64 I64] I32 false;
            F32Eq f32_eq [F32 F32] I32 false;
            F32Ne f32_ne [F32 F32] I32 false;
            F32Lt f32_lt [F32 F32] I32 false;
            F32Gt f32_gt [F32 F32] I32 false;
            F32Le f32_le [F32 F32] I32 false;
            F32Ge f32_ge [F32 F32] I32 false;
            F64Eq f64_eq [F64 F64] I32 false;
            F64Ne f64_ne [F64 F64] I32 false;
            F64Lt f64_lt [F64 F64] I32 false;
            F64Gt f64_gt [F64 F64] I32 false;
            F64Le f64_le [F64 F64] I32 false;
            F64Ge f64_ge [F64 F64] I32 false;
            I32Clz i32_clz [I32] I32 false;
            I32Ctz i32_ctz [I32] I32 false;
            I32Popcnt i32_popcnt [I32] I32 false;
            I32Add i32_add [I32 I32] I32 false;
            I32Sub i32_sub [I32 I32] I32 false;
            I32Mul i32_mul [I32 I32] I32 false;
            I32DivS i32_div_s [I32 I32] I32 true;
            I32DivU i32_div_u [I32 I32] I32 true;
            I32RemS i32_rem_s [I32 I32] I32 true;
            I32RemU i32_rem_u [I32 I32] I32 true;
            I32And i32_and [I32 I32] I32 false;
            I32Or i32_or [I32 I32] I32 false;
            I32Xor i32_xor [I32 I32] I32 false;
            I32Shl i32_shl [I32 I32] I32 false;
            I32ShrS i32_shr_s [I32 I32] I32 false;
            I32ShrU i32_shr_u [I32 I32] I32 false;
            I32Rotl i32_rotl [I32 I32] I32 false;
            I32Rotr i32_rotr [I32 I32] I32 false;
            I64Clz i64_clz [I64] I64 false;
            I64Ctz i64_ctz [I64] I64 false;
            I64Popcnt i64_popcnt [I64] I64 false;
            I64Add i64_add [I64 I64] I64 false;
            I64Sub i64_sub [I64 I64] I64 false;
            I64Mul i64_mul [I64 I64] I64 false;
            I64DivS i64_div_s [I64 I64] I64 true;
            I64DivU i64_div_u [I64 I64] I64 true;
            I64RemS i64_rem_s [I64 I64] I64 true;
            I64RemU i64_rem_u [I64 I64] I64 true;
            I64And i64_and [I64 I64] I64 false;
            I64Or i64_or [I64 I64] I64 false;
            I64Xor i64_xor [I64 I64] I64 false;
            I64Shl i64_shl [I64 I64] I64 false;
            I64ShrS i64_shr_s [I64 I64] I64 false;
            I64ShrU i64_shr_u [I64 I64] I64 false;
            I64Rotl i64_rotl [I64 I64] I64 false;
            I64Rotr i64_rotr [I64 I64] I64 false;
            F32Abs f32_abs [F32] F32 false;
            F32Neg f32_neg [F32] F32 false;
            F32Ceil f32_ceil [F32] F32 false;
            F32Floor f32_floor [F32] F32 false;
            F32Trunc f32_trunc [F32] F32 false;
            F32Nearest f32_nearest [F32] F32 false;
            F32Sqrt f32_sqrt [F32] F32 false;
            F32Add f32_add [F32 F32] F32 false;
            F32Sub f32_sub [F32 F32] F32 false;
            F32Mul f32_mul [F32 F32] F32 false;
            F32Div f32_div [F32 F32] F32 false;
            F32Min f32_min [F32 F32] F32 false;
            F32Max f32_max [F32 F32] F32 false;
            F32Copysign f32_copysign [F32 F32] F32 false;
            F64Abs f64_abs [F64] F64 false;
            F64Neg f64_neg [F64] F64 false;
            F64Ceil f64_ceil [F64] F64 false;
            F64Floor f64_floor [F64] F64 false;
            F64Trunc f64_trunc [F64] F64 false;
            F64Nearest f64_nearest [F64] F64 false;
            F64Sqrt f64_sqrt [F64] F64 false;
            F64Add f64_add [F64 F64] F64 false;
            F64Sub f64_sub [F64 F64] F64 false;
            F64Mul f64_mul [F64 F64] F64 false;
            F64Div f64_div [F64 F64] F64 false;
            F64Min f64_min [F64 F64] F64 false;
            F64Max f64_max [F64 F64] F64 false;
            F64Copysign f64_copysign [F64 F64] F64 false;
            I32WrapI64 i32_wrap_i64 [I64] I32 false;
            I32TruncF32S i32_trunc_f32_s [F32] I32 true;
            I32TruncF32U i32_trunc_f32_u [F32] I32 true;
            I32TruncF64S i32_trunc_f64_s [F64] I32 true;
            I32TruncF64U i32_trunc_f64_u [F64] I32 true;
            I64ExtendI32S i64_extend_i32_s [I32] I64 false;
            I64ExtendI32U i64_extend_i32_u [I32] I64 false;
            I64TruncF32S i64_trunc_f32_s [F32] I64 true;
            I64TruncF32U i64_trunc_f32_u [F32] I64 true;
            I64TruncF64S i64_trunc_f64_s [F64] I64 true;
            I64TruncF64U i64_trunc_f64_u [F64] I64 true;
            F32ConvertI32S f32_convert_i32_s [I32] F32 false;
            F32ConvertI32U f32_convert_i32_u [I32] F32 false;
            F32ConvertI64S f32_convert_i64_s [I64] F32 false;
            F32ConvertI64U f32_convert_i64_u [I64] F32 false;
            F32DemoteF64 f32_demote_f64 [F64] F32 false;
            F64ConvertI32S f64_convert_i32_s [I32] F64 false;
            F64ConvertI32U f64_convert_i32_u [I32] F64 false;
            F64ConvertI64S f64_convert_i64_s [I64] F64 false;
            F64ConvertI64U f64_convert_i64_u [I64] F64 false;
            F64PromoteF32 f64_promote_f32 [F32] F64 false;
            I32ReinterpretF32 i32_reinterpret_f32 [F32] I32 false;
            I64ReinterpretF64 i64_reinterpret_f64 [F64] I64 false;
            F32ReinterpretI32 f32_reinterpret_i32 [I32] F32 false;
            F64ReinterpretI64 f64_reinterpret_i64 [I64] F64 false;
            I32Extend8S i32_extend8_s [I32] I32 false;
            I32Extend16S i32_extend16_s [I32] I32 false;
            I64Extend8S i64_extend8_s [I64] I64 false;
            I64Extend16S i64_extend16_s [I64] I64 false;
            I64Extend32S i64_extend32_s [I64] I64 false;
            I32TruncSatF32S i32_trunc_sat_f32_s [F32] I32 false;
            I32TruncSatF32U i32_trunc_sat_f32_u [F32] I32 false;
            I32TruncSatF64S i32_trunc_sat_f64_s [F64] I32 false;
            I32TruncSatF64U i32_trunc_sat_f64_u [F64] I32 false;
            I64TruncSatF32S i64_trunc_sat_f32_s [F32] I64 false;
            I64TruncSatF32U i64_trunc_sat_f32_u [F32] I64 false;
            I64TruncSatF64S i64_trunc_sat_f64_s [F64] I64 false;
            I64TruncSatF64U i64_trunc_sat_f64_u [F64] I64 false;
        }
    };
}
