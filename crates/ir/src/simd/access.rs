//! The SIMD operators with immediates, as functions every tier can call:
//! `i8x16.shuffle`, lane extraction and replacement, and the vector load
//! forms given the bytes read from memory (the bounds check and the read
//! itself are the tier's).

use super::lanes::*;
use crate::op::{ExtractLane, LaneWidth, Shape, V128LoadKind};

/// `i8x16.shuffle(a, b)`: lane `i` is byte `lanes[i]` of `a ++ b` (each
/// index below 32, validated; a larger one, impossible after validation,
/// gives 0).
#[inline(always)]
pub fn i8x16_shuffle(a: u128, b: u128, lanes: [u8; 16]) -> u128 {
    let (a, b) = (u8s(a), u8s(b));
    from_u8s(lanes.map(|l| {
        let l = usize::from(l);
        if l < 16 {
            a[l]
        } else {
            b.get(l - 16).copied().unwrap_or(0)
        }
    }))
}

/// `*.extract_lane`: lane `lane` (modulo the lane count) as a raw scalar
/// slot; `i8x16`/`i16x8` lanes sign- or zero-extended to `i32`.
#[inline(always)]
pub fn extract_lane(v: u128, op: ExtractLane, lane: u8) -> u64 {
    let w = op.shape.width();
    let lane = u32::from(lane % w.lanes());
    let bits = (v >> (lane * w.bytes() * 8)) as u64;
    match (op.shape, op.signed) {
        (Shape::I8x16, true) => u64::from(bits as i8 as i32 as u32),
        (Shape::I8x16, false) => bits & 0xff,
        (Shape::I16x8, true) => u64::from(bits as i16 as i32 as u32),
        (Shape::I16x8, false) => bits & 0xffff,
        (Shape::I32x4 | Shape::F32x4, _) => bits & 0xffff_ffff,
        (Shape::I64x2 | Shape::F64x2, _) => bits,
    }
}

/// `*.replace_lane`: `v` with lane `lane` (modulo the lane count) set to
/// the low bits of the raw scalar slot `x`.
#[inline(always)]
pub fn replace_lane(v: u128, shape: Shape, lane: u8, x: u64) -> u128 {
    insert(v, shape.width(), lane, x)
}

/// `v` with lane `lane` (modulo the lane count) of width `w` set to the
/// low bits of `x`: what `replace_lane` and `v128.load*_lane` do.
#[inline(always)]
pub fn insert(v: u128, w: LaneWidth, lane: u8, x: u64) -> u128 {
    let bits = w.bytes() * 8;
    let shift = u32::from(lane % w.lanes()) * bits;
    let ones = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let mask = u128::from(ones) << shift;
    (v & !mask) | ((u128::from(x & ones) << shift) & mask)
}

/// Lane `lane` (modulo the lane count) of width `w`, zero-extended: what
/// `v128.store*_lane` writes.
#[inline(always)]
pub fn lane_bits(v: u128, w: LaneWidth, lane: u8) -> u64 {
    let bits = w.bytes() * 8;
    let shift = u32::from(lane % w.lanes()) * bits;
    let ones = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    (v >> shift) as u64 & ones
}

/// The vector a `v128.load*` produces from the `kind.width()` bytes it
/// read, given little-endian in the low bytes of `raw` (the higher bytes
/// are ignored).
#[inline(always)]
pub fn load(kind: V128LoadKind, raw: u128) -> u128 {
    use V128LoadKind as K;
    let low = raw as u64;
    let half = |x: u64| u128::from(x);
    match kind {
        K::V128 => raw,
        K::I16x8S8 => from_i16s(core::array::from_fn(|i| {
            i16::from((low >> (8 * i)) as u8 as i8)
        })),
        K::I16x8U8 => from_u16s(core::array::from_fn(|i| u16::from((low >> (8 * i)) as u8))),
        K::I32x4S16 => from_i32s(core::array::from_fn(|i| {
            i32::from((low >> (16 * i)) as u16 as i16)
        })),
        K::I32x4U16 => from_u32s(core::array::from_fn(|i| {
            u32::from((low >> (16 * i)) as u16)
        })),
        K::I64x2S32 => from_i64s(core::array::from_fn(|i| {
            i64::from((low >> (32 * i)) as u32 as i32)
        })),
        K::I64x2U32 => from_u64s(core::array::from_fn(|i| {
            u64::from((low >> (32 * i)) as u32)
        })),
        K::Splat8 => from_u8s([low as u8; 16]),
        K::Splat16 => from_u16s([low as u16; 8]),
        K::Splat32 => from_u32s([low as u32; 4]),
        K::Splat64 => from_u64s([low; 2]),
        K::Zero32 => half(low & 0xffff_ffff),
        K::Zero64 => half(low),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_picks_from_both_operands() {
        let a = from_u8s(core::array::from_fn(|i| i as u8));
        let b = from_u8s(core::array::from_fn(|i| 16 + i as u8));
        let mut lanes: [u8; 16] = core::array::from_fn(|i| 31 - i as u8);
        lanes[0] = 0;
        let r = u8s(i8x16_shuffle(a, b, lanes));
        assert_eq!(r[0], 0);
        assert_eq!(r[1], 30);
        assert_eq!(r[15], 16);
    }

    #[test]
    fn lanes_extract_and_replace() {
        let v = from_i16s([-1, 2, 3, 4, 5, 6, 7, -8]);
        let s = |shape, signed| ExtractLane { shape, signed };
        assert_eq!(extract_lane(v, s(Shape::I16x8, true), 0), 0xffff_ffff);
        assert_eq!(extract_lane(v, s(Shape::I16x8, false), 0), 0xffff);
        assert_eq!(extract_lane(v, s(Shape::I16x8, true), 7), 0xffff_fff8);
        assert_eq!(extract_lane(v, s(Shape::I8x16, false), 2), 2);
        let r = replace_lane(v, Shape::I32x4, 3, 0x1234_5678_9abc_def0);
        assert_eq!(u32s(r)[3], 0x9abc_def0);
        assert_eq!(u32s(r)[..3], u32s(v)[..3]);
        let r = replace_lane(0, Shape::I64x2, 1, u64::MAX);
        assert_eq!(u64s(r), [0, u64::MAX]);
        assert_eq!(lane_bits(r, LaneWidth::B8, 15), 0xff);
        assert_eq!(lane_bits(r, LaneWidth::B16, 3), 0);
    }

    #[test]
    fn load_forms() {
        let raw = u128::from(0x8081_8283_0405_06ffu64) | (u128::MAX << 64);
        assert_eq!(load(V128LoadKind::V128, raw), raw);
        assert_eq!(i16s(load(V128LoadKind::I16x8S8, raw))[0], -1);
        assert_eq!(u16s(load(V128LoadKind::I16x8U8, raw))[0], 255);
        assert_eq!(
            i32s(load(V128LoadKind::I32x4S16, raw))[3],
            i32::from(0x8081u16 as i16)
        );
        assert_eq!(u64s(load(V128LoadKind::I64x2U32, raw))[1], 0x8081_8283);
        assert_eq!(u8s(load(V128LoadKind::Splat8, raw)), [0xff; 16]);
        assert_eq!(load(V128LoadKind::Zero32, raw), 0x0405_06ff);
        assert_eq!(load(V128LoadKind::Zero64, raw), 0x8081_8283_0405_06ff);
    }
}
