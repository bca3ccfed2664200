//! Values crossing a frame's edge, for tiers whose frames hold values in
//! strided slots: one position per value, `stride` slots each (1 in modules
//! without SIMD, 2 where a position must fit a `v128`, low half first).
//! Converts between such rows and the store's forms: [`Val`]s and
//! canonical raw rows ([`crate::value`]: one slot per value, two for a
//! `v128`).

use strata_ir::{Val, ValType};

use crate::value;

/// The value of type `ty` at position `i` of the strided row starting at
/// `slots[0]`; slots past the end read as zero.
pub fn read_val(slots: &[u64], stride: usize, i: usize, ty: ValType) -> Val {
    let at = |k: usize| slots.get(k).copied().unwrap_or(0);
    if stride >= 2 {
        let wide = value::v128_from_slots(at(stride * i), at(stride * i + 1));
        value::from_raw_wide(wide, ty)
    } else {
        value::from_raw(at(i), ty)
    }
}

/// The values of `types` in the strided row at `slots[0]`.
pub fn read_vals(slots: &[u64], stride: usize, types: &[ValType]) -> Vec<Val> {
    types
        .iter()
        .enumerate()
        .map(|(i, t)| read_val(slots, stride, i, *t))
        .collect()
}

/// Write `vals` as the strided row at `stack[at..]`, growing `stack` as
/// needed (see [`store_vals`] for a fixed slice).
pub fn write_vals(stack: &mut Vec<u64>, at: usize, stride: usize, vals: &[Val]) {
    let end = at + stride * vals.len();
    if stack.len() < end {
        stack.resize(end, 0);
    }
    for (i, v) in vals.iter().enumerate() {
        let k = at + stride * i;
        if stride >= 2 {
            let [lo, hi] = value::v128_to_slots(value::to_raw_wide(*v));
            stack[k] = lo;
            stack[k + 1] = hi;
        } else {
            stack[k] = value::to_raw(*v);
        }
    }
}

/// Write `vals` as the strided row at `slots[0]`; values past the end of
/// `slots` are dropped (a caller sizes the row first).
pub fn store_vals(slots: &mut [u64], stride: usize, vals: &[Val]) {
    for (i, v) in vals.iter().enumerate() {
        let k = stride * i;
        if stride >= 2 {
            let [lo, hi] = value::v128_to_slots(value::to_raw_wide(*v));
            if let Some(pair) = slots.get_mut(k..k + 2) {
                pair[0] = lo;
                pair[1] = hi;
            }
        } else if let Some(s) = slots.get_mut(k) {
            *s = value::to_raw(*v);
        }
    }
}

/// The canonical raw row of the values of `types` in the strided row at
/// `slots[0]` (an exception payload, say).
pub fn to_canonical(slots: &[u64], stride: usize, types: &[ValType]) -> Vec<u64> {
    let mut raw = Vec::with_capacity(types.len());
    for (i, t) in types.iter().enumerate() {
        value::push_raw(&mut raw, read_val(slots, stride, i, *t));
    }
    raw
}

/// The values of `types` in the canonical raw row `raw`.
pub fn from_canonical(raw: &[u64], types: &[ValType]) -> Vec<Val> {
    let mut vals = Vec::with_capacity(types.len());
    let mut k = 0;
    for t in types {
        let (v, n) = value::read_raw(raw.get(k..).unwrap_or(&[]), *t);
        vals.push(v);
        k += n;
    }
    vals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_rows_round_trip_through_canonical_rows() {
        let types = [ValType::I32, ValType::V128, ValType::F64];
        let vals = [
            Val::I32(-3),
            Val::V128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210),
            Val::F64(0x4000_0000_0000_0001),
        ];
        let mut stack = vec![7; 3];
        write_vals(&mut stack, 1, 2, &vals);
        assert_eq!(stack.len(), 7);
        assert_eq!(stack[0], 7);
        assert_eq!(read_vals(&stack[1..], 2, &types), vals);
        let raw = to_canonical(&stack[1..], 2, &types);
        assert_eq!(
            raw,
            vec![
                0xffff_fffd,
                0xfedc_ba98_7654_3210,
                0x0123_4567_89ab_cdef,
                0x4000_0000_0000_0001
            ]
        );
        assert_eq!(from_canonical(&raw, &types), vals);
        let mut fixed = [0u64; 6];
        store_vals(&mut fixed, 2, &vals);
        assert_eq!(fixed[..], stack[1..]);
        let mut short = [0u64; 3];
        store_vals(&mut short, 2, &vals);
        assert_eq!(short[..2], stack[1..3]);
    }

    #[test]
    fn stride_one_rows_hold_one_slot_per_value() {
        let types = [ValType::I64, ValType::I32];
        let vals = [Val::I64(-1), Val::I32(5)];
        let mut stack = Vec::new();
        write_vals(&mut stack, 0, 1, &vals);
        assert_eq!(stack, vec![u64::MAX, 5]);
        assert_eq!(read_vals(&stack, 1, &types), vals);
        assert_eq!(to_canonical(&stack, 1, &types), stack);
    }
}
