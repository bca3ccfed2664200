//! Semantics of the pure SIMD operators, one function per row of
//! `for_each_simd_op!` (see `strata_ir`'s `simd_ops.rs`), each named after the
//! row's `snake_name`.
//!
//! A `v128` travels as a `u128` whose little-endian bytes are the vector's
//! bytes: lane 0 of every shape is in the low bits. Scalar operands and
//! results travel as raw 64-bit slots, as in [`crate::numeric`].
