//! The table of pure SIMD operators (no immediates, no memory access), written
//! down once.
//!
//! `for_each_simd_op!(callback)` calls `callback!` with one row per operator:
//! `Name snake_name [param types] result_type;`. Names are wasmparser's
//! operator names and the snake names its visitor names, so the loader maps
//! them mechanically. The IR's [`SimdOp`](crate::op::SimdOp) enum is generated
//! from it, the semantics live in [`crate::simd`] (one function per row, named
//! after `snake_name`), and tiers generate their handlers from the same table.
//! No row traps.
//!
//! The relaxed-SIMD rows come last (`I8x16RelaxedSwizzle` onwards); their one
//! deterministic behaviour, the same in every tier, is written on each
//! function in [`crate::simd`].
//!
//! SIMD operators with immediates or memory operands (`v128.const`,
//! `i8x16.shuffle`, lane extraction and replacement, the vector loads and
//! stores) are ops of their own in [`Op`](crate::op::Op).
//!
//! `for_each_simd_op!(callback, [tokens])` passes `tokens` to the callback
//! before the rows.

/// Invokes `$m!` with the full pure-SIMD operator table. See the module docs.
#[macro_export]
macro_rules! for_each_simd_op {
    ($m:ident) => {
        $crate::for_each_simd_op!($m, []);
    };
    ($m:ident, [$($extra:tt)*]) => {
        $m! {
            $($extra)*
            I8x16Swizzle i8x16_swizzle [V128 V128] V128;
            I8x16Splat i8x16_splat [I32] V128;
            I16x8Splat i16x8_splat [I32] V128;
            I32x4Splat i32x4_splat [I32] V128;
            I64x2Splat i64x2_splat [I64] V128;
            F32x4Splat f32x4_splat [F32] V128;
            F64x2Splat f64x2_splat [F64] V128;
            I8x16Eq i8x16_eq [V128 V128] V128;
            I8x16Ne i8x16_ne [V128 V128] V128;
            I8x16LtS i8x16_lt_s [V128 V128] V128;
            I8x16LtU i8x16_lt_u [V128 V128] V128;
            I8x16GtS i8x16_gt_s [V128 V128] V128;
            I8x16GtU i8x16_gt_u [V128 V128] V128;
            I8x16LeS i8x16_le_s [V128 V128] V128;
            I8x16LeU i8x16_le_u [V128 V128] V128;
            I8x16GeS i8x16_ge_s [V128 V128] V128;
            I8x16GeU i8x16_ge_u [V128 V128] V128;
            I16x8Eq i16x8_eq [V128 V128] V128;
            I16x8Ne i16x8_ne [V128 V128] V128;
            I16x8LtS i16x8_lt_s [V128 V128] V128;
            I16x8LtU i16x8_lt_u [V128 V128] V128;
            I16x8GtS i16x8_gt_s [V128 V128] V128;
            I16x8GtU i16x8_gt_u [V128 V128] V128;
            I16x8LeS i16x8_le_s [V128 V128] V128;
            I16x8LeU i16x8_le_u [V128 V128] V128;
            I16x8GeS i16x8_ge_s [V128 V128] V128;
            I16x8GeU i16x8_ge_u [V128 V128] V128;
            I32x4Eq i32x4_eq [V128 V128] V128;
            I32x4Ne i32x4_ne [V128 V128] V128;
            I32x4LtS i32x4_lt_s [V128 V128] V128;
            I32x4LtU i32x4_lt_u [V128 V128] V128;
            I32x4GtS i32x4_gt_s [V128 V128] V128;
            I32x4GtU i32x4_gt_u [V128 V128] V128;
            I32x4LeS i32x4_le_s [V128 V128] V128;
            I32x4LeU i32x4_le_u [V128 V128] V128;
            I32x4GeS i32x4_ge_s [V128 V128] V128;
            I32x4GeU i32x4_ge_u [V128 V128] V128;
            I64x2Eq i64x2_eq [V128 V128] V128;
            I64x2Ne i64x2_ne [V128 V128] V128;
            I64x2LtS i64x2_lt_s [V128 V128] V128;
            I64x2GtS i64x2_gt_s [V128 V128] V128;
            I64x2LeS i64x2_le_s [V128 V128] V128;
            I64x2GeS i64x2_ge_s [V128 V128] V128;
            F32x4Eq f32x4_eq [V128 V128] V128;
            F32x4Ne f32x4_ne [V128 V128] V128;
            F32x4Lt f32x4_lt [V128 V128] V128;
            F32x4Gt f32x4_gt [V128 V128] V128;
            F32x4Le f32x4_le [V128 V128] V128;
            F32x4Ge f32x4_ge [V128 V128] V128;
            F64x2Eq f64x2_eq [V128 V128] V128;
            F64x2Ne f64x2_ne [V128 V128] V128;
            F64x2Lt f64x2_lt [V128 V128] V128;
            F64x2Gt f64x2_gt [V128 V128] V128;
            F64x2Le f64x2_le [V128 V128] V128;
            F64x2Ge f64x2_ge [V128 V128] V128;
            V128Not v128_not [V128] V128;
            V128And v128_and [V128 V128] V128;
            V128AndNot v128_andnot [V128 V128] V128;
            V128Or v128_or [V128 V128] V128;
            V128Xor v128_xor [V128 V128] V128;
            V128Bitselect v128_bitselect [V128 V128 V128] V128;
            V128AnyTrue v128_any_true [V128] I32;
            I8x16Abs i8x16_abs [V128] V128;
            I8x16Neg i8x16_neg [V128] V128;
            I8x16Popcnt i8x16_popcnt [V128] V128;
            I8x16AllTrue i8x16_all_true [V128] I32;
            I8x16Bitmask i8x16_bitmask [V128] I32;
            I8x16NarrowI16x8S i8x16_narrow_i16x8_s [V128 V128] V128;
            I8x16NarrowI16x8U i8x16_narrow_i16x8_u [V128 V128] V128;
            I8x16Shl i8x16_shl [V128 I32] V128;
            I8x16ShrS i8x16_shr_s [V128 I32] V128;
            I8x16ShrU i8x16_shr_u [V128 I32] V128;
            I8x16Add i8x16_add [V128 V128] V128;
            I8x16AddSatS i8x16_add_sat_s [V128 V128] V128;
            I8x16AddSatU i8x16_add_sat_u [V128 V128] V128;
            I8x16Sub i8x16_sub [V128 V128] V128;
            I8x16SubSatS i8x16_sub_sat_s [V128 V128] V128;
            I8x16SubSatU i8x16_sub_sat_u [V128 V128] V128;
            I8x16MinS i8x16_min_s [V128 V128] V128;
            I8x16MinU i8x16_min_u [V128 V128] V128;
            I8x16MaxS i8x16_max_s [V128 V128] V128;
            I8x16MaxU i8x16_max_u [V128 V128] V128;
            I8x16AvgrU i8x16_avgr_u [V128 V128] V128;
            I16x8ExtAddPairwiseI8x16S i16x8_extadd_pairwise_i8x16_s [V128] V128;
            I16x8ExtAddPairwiseI8x16U i16x8_extadd_pairwise_i8x16_u [V128] V128;
            I16x8Abs i16x8_abs [V128] V128;
            I16x8Neg i16x8_neg [V128] V128;
            I16x8Q15MulrSatS i16x8_q15mulr_sat_s [V128 V128] V128;
            I16x8AllTrue i16x8_all_true [V128] I32;
            I16x8Bitmask i16x8_bitmask [V128] I32;
            I16x8NarrowI32x4S i16x8_narrow_i32x4_s [V128 V128] V128;
            I16x8NarrowI32x4U i16x8_narrow_i32x4_u [V128 V128] V128;
            I16x8ExtendLowI8x16S i16x8_extend_low_i8x16_s [V128] V128;
            I16x8ExtendHighI8x16S i16x8_extend_high_i8x16_s [V128] V128;
            I16x8ExtendLowI8x16U i16x8_extend_low_i8x16_u [V128] V128;
            I16x8ExtendHighI8x16U i16x8_extend_high_i8x16_u [V128] V128;
            I16x8Shl i16x8_shl [V128 I32] V128;
            I16x8ShrS i16x8_shr_s [V128 I32] V128;
            I16x8ShrU i16x8_shr_u [V128 I32] V128;
            I16x8Add i16x8_add [V128 V128] V128;
            I16x8AddSatS i16x8_add_sat_s [V128 V128] V128;
            I16x8AddSatU i16x8_add_sat_u [V128 V128] V128;
            I16x8Sub i16x8_sub [V128 V128] V128;
            I16x8SubSatS i16x8_sub_sat_s [V128 V128] V128;
            I16x8SubSatU i16x8_sub_sat_u [V128 V128] V128;
            I16x8Mul i16x8_mul [V128 V128] V128;
            I16x8MinS i16x8_min_s [V128 V128] V128;
            I16x8MinU i16x8_min_u [V128 V128] V128;
            I16x8MaxS i16x8_max_s [V128 V128] V128;
            I16x8MaxU i16x8_max_u [V128 V128] V128;
            I16x8AvgrU i16x8_avgr_u [V128 V128] V128;
            I16x8ExtMulLowI8x16S i16x8_extmul_low_i8x16_s [V128 V128] V128;
            I16x8ExtMulHighI8x16S i16x8_extmul_high_i8x16_s [V128 V128] V128;
            I16x8ExtMulLowI8x16U i16x8_extmul_low_i8x16_u [V128 V128] V128;
            I16x8ExtMulHighI8x16U i16x8_extmul_high_i8x16_u [V128 V128] V128;
            I32x4ExtAddPairwiseI16x8S i32x4_extadd_pairwise_i16x8_s [V128] V128;
            I32x4ExtAddPairwiseI16x8U i32x4_extadd_pairwise_i16x8_u [V128] V128;
            I32x4Abs i32x4_abs [V128] V128;
            I32x4Neg i32x4_neg [V128] V128;
            I32x4AllTrue i32x4_all_true [V128] I32;
            I32x4Bitmask i32x4_bitmask [V128] I32;
            I32x4ExtendLowI16x8S i32x4_extend_low_i16x8_s [V128] V128;
            I32x4ExtendHighI16x8S i32x4_extend_high_i16x8_s [V128] V128;
            I32x4ExtendLowI16x8U i32x4_extend_low_i16x8_u [V128] V128;
            I32x4ExtendHighI16x8U i32x4_extend_high_i16x8_u [V128] V128;
            I32x4Shl i32x4_shl [V128 I32] V128;
            I32x4ShrS i32x4_shr_s [V128 I32] V128;
            I32x4ShrU i32x4_shr_u [V128 I32] V128;
            I32x4Add i32x4_add [V128 V128] V128;
            I32x4Sub i32x4_sub [V128 V128] V128;
            I32x4Mul i32x4_mul [V128 V128] V128;
            I32x4MinS i32x4_min_s [V128 V128] V128;
            I32x4MinU i32x4_min_u [V128 V128] V128;
            I32x4MaxS i32x4_max_s [V128 V128] V128;
            I32x4MaxU i32x4_max_u [V128 V128] V128;
            I32x4DotI16x8S i32x4_dot_i16x8_s [V128 V128] V128;
            I32x4ExtMulLowI16x8S i32x4_extmul_low_i16x8_s [V128 V128] V128;
            I32x4ExtMulHighI16x8S i32x4_extmul_high_i16x8_s [V128 V128] V128;
            I32x4ExtMulLowI16x8U i32x4_extmul_low_i16x8_u [V128 V128] V128;
            I32x4ExtMulHighI16x8U i32x4_extmul_high_i16x8_u [V128 V128] V128;
            I64x2Abs i64x2_abs [V128] V128;
            I64x2Neg i64x2_neg [V128] V128;
            I64x2AllTrue i64x2_all_true [V128] I32;
            I64x2Bitmask i64x2_bitmask [V128] I32;
            I64x2ExtendLowI32x4S i64x2_extend_low_i32x4_s [V128] V128;
            I64x2ExtendHighI32x4S i64x2_extend_high_i32x4_s [V128] V128;
            I64x2ExtendLowI32x4U i64x2_extend_low_i32x4_u [V128] V128;
            I64x2ExtendHighI32x4U i64x2_extend_high_i32x4_u [V128] V128;
            I64x2Shl i64x2_shl [V128 I32] V128;
            I64x2ShrS i64x2_shr_s [V128 I32] V128;
            I64x2ShrU i64x2_shr_u [V128 I32] V128;
            I64x2Add i64x2_add [V128 V128] V128;
            I64x2Sub i64x2_sub [V128 V128] V128;
            I64x2Mul i64x2_mul [V128 V128] V128;
            I64x2ExtMulLowI32x4S i64x2_extmul_low_i32x4_s [V128 V128] V128;
            I64x2ExtMulHighI32x4S i64x2_extmul_high_i32x4_s [V128 V128] V128;
            I64x2ExtMulLowI32x4U i64x2_extmul_low_i32x4_u [V128 V128] V128;
            I64x2ExtMulHighI32x4U i64x2_extmul_high_i32x4_u [V128 V128] V128;
            F32x4Ceil f32x4_ceil [V128] V128;
            F32x4Floor f32x4_floor [V128] V128;
            F32x4Trunc f32x4_trunc [V128] V128;
            F32x4Nearest f32x4_nearest [V128] V128;
            F32x4Abs f32x4_abs [V128] V128;
            F32x4Neg f32x4_neg [V128] V128;
            F32x4Sqrt f32x4_sqrt [V128] V128;
            F32x4Add f32x4_add [V128 V128] V128;
            F32x4Sub f32x4_sub [V128 V128] V128;
            F32x4Mul f32x4_mul [V128 V128] V128;
            F32x4Div f32x4_div [V128 V128] V128;
            F32x4Min f32x4_min [V128 V128] V128;
            F32x4Max f32x4_max [V128 V128] V128;
            F32x4PMin f32x4_pmin [V128 V128] V128;
            F32x4PMax f32x4_pmax [V128 V128] V128;
            F64x2Ceil f64x2_ceil [V128] V128;
            F64x2Floor f64x2_floor [V128] V128;
            F64x2Trunc f64x2_trunc [V128] V128;
            F64x2Nearest f64x2_nearest [V128] V128;
            F64x2Abs f64x2_abs [V128] V128;
            F64x2Neg f64x2_neg [V128] V128;
            F64x2Sqrt f64x2_sqrt [V128] V128;
            F64x2Add f64x2_add [V128 V128] V128;
            F64x2Sub f64x2_sub [V128 V128] V128;
            F64x2Mul f64x2_mul [V128 V128] V128;
            F64x2Div f64x2_div [V128 V128] V128;
            F64x2Min f64x2_min [V128 V128] V128;
            F64x2Max f64x2_max [V128 V128] V128;
            F64x2PMin f64x2_pmin [V128 V128] V128;
            F64x2PMax f64x2_pmax [V128 V128] V128;
            I32x4TruncSatF32x4S i32x4_trunc_sat_f32x4_s [V128] V128;
            I32x4TruncSatF32x4U i32x4_trunc_sat_f32x4_u [V128] V128;
            F32x4ConvertI32x4S f32x4_convert_i32x4_s [V128] V128;
            F32x4ConvertI32x4U f32x4_convert_i32x4_u [V128] V128;
            I32x4TruncSatF64x2SZero i32x4_trunc_sat_f64x2_s_zero [V128] V128;
            I32x4TruncSatF64x2UZero i32x4_trunc_sat_f64x2_u_zero [V128] V128;
            F64x2ConvertLowI32x4S f64x2_convert_low_i32x4_s [V128] V128;
            F64x2ConvertLowI32x4U f64x2_convert_low_i32x4_u [V128] V128;
            F32x4DemoteF64x2Zero f32x4_demote_f64x2_zero [V128] V128;
            F64x2PromoteLowF32x4 f64x2_promote_low_f32x4 [V128] V128;
            I8x16RelaxedSwizzle i8x16_relaxed_swizzle [V128 V128] V128;
            I32x4RelaxedTruncF32x4S i32x4_relaxed_trunc_f32x4_s [V128] V128;
            I32x4RelaxedTruncF32x4U i32x4_relaxed_trunc_f32x4_u [V128] V128;
            I32x4RelaxedTruncF64x2SZero i32x4_relaxed_trunc_f64x2_s_zero [V128] V128;
            I32x4RelaxedTruncF64x2UZero i32x4_relaxed_trunc_f64x2_u_zero [V128] V128;
            F32x4RelaxedMadd f32x4_relaxed_madd [V128 V128 V128] V128;
            F32x4RelaxedNmadd f32x4_relaxed_nmadd [V128 V128 V128] V128;
            F64x2RelaxedMadd f64x2_relaxed_madd [V128 V128 V128] V128;
            F64x2RelaxedNmadd f64x2_relaxed_nmadd [V128 V128 V128] V128;
            I8x16RelaxedLaneselect i8x16_relaxed_laneselect [V128 V128 V128] V128;
            I16x8RelaxedLaneselect i16x8_relaxed_laneselect [V128 V128 V128] V128;
            I32x4RelaxedLaneselect i32x4_relaxed_laneselect [V128 V128 V128] V128;
            I64x2RelaxedLaneselect i64x2_relaxed_laneselect [V128 V128 V128] V128;
            F32x4RelaxedMin f32x4_relaxed_min [V128 V128] V128;
            F32x4RelaxedMax f32x4_relaxed_max [V128 V128] V128;
            F64x2RelaxedMin f64x2_relaxed_min [V128 V128] V128;
            F64x2RelaxedMax f64x2_relaxed_max [V128 V128] V128;
            I16x8RelaxedQ15mulrS i16x8_relaxed_q15mulr_s [V128 V128] V128;
            I16x8RelaxedDotI8x16I7x16S i16x8_relaxed_dot_i8x16_i7x16_s [V128 V128] V128;
            I32x4RelaxedDotI8x16I7x16AddS i32x4_relaxed_dot_i8x16_i7x16_add_s [V128 V128 V128] V128;
        }
    };
}
