//! Semantics of the SIMD operators: one function per row of
//! `for_each_simd_op!` (see `strata_ir`'s `simd_ops.rs`), each named after
//! the row's `snake_name`, plus the operators with immediates
//! ([`i8x16_shuffle`], [`extract_lane`], [`replace_lane`], the vector load
//! forms [`load`], and the lane helpers [`insert`] and [`lane_bits`]), and
//! [`apply`], which runs any row by its [`SimdOp`](crate::op::SimdOp).
//!
//! A `v128` travels as a `u128` whose little-endian bytes are the vector's
//! bytes: lane 0 of every shape is in the low bits. Scalar operands and
//! results travel as raw 64-bit slots, as in [`crate::numeric`] (an `i32`
//! in the low 32 bits, zero above; floats as their bits). No operator traps.
//!
//! The code is lane-wise over arrays (`lanes.rs`), written so that the
//! compiler vectorizes it; there is no per-lane dispatch. Float NaN results
//! are quiet NaNs, as for scalars. Each relaxed operator has one
//! deterministic behaviour, listed in `relaxed.rs`, which every tier
//! follows.

mod access;
mod apply;
mod convert;
mod float;
mod int;
mod lanes;
mod relaxed;

pub use access::*;
pub use apply::apply;
pub use convert::*;
pub use float::*;
pub use int::*;
pub use relaxed::*;

#[cfg(test)]
mod table_tests;
