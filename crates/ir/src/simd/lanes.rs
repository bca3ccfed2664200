//! Views of a `v128` (a `u128`, lane 0 in the low bits) as arrays of lanes,
//! and back. Each is a byte-wise reinterpretation that the compiler turns
//! into nothing or a register move, so lane-wise code over the arrays
//! vectorizes.

macro_rules! lane_views {
    ($($split:ident $join:ident $t:ty, $n:literal, $bytes:literal;)*) => {$(
        #[doc = concat!("The lanes of `v` as `", stringify!($t), "`s, lane 0 first.")]
        #[inline(always)]
        pub(crate) fn $split(v: u128) -> [$t; $n] {
            let b = v.to_le_bytes();
            core::array::from_fn(|i| <$t>::from_le_bytes(core::array::from_fn(|j| b[i * $bytes + j])))
        }

        #[doc = concat!("The vector whose `", stringify!($t), "` lanes are `lanes`, lane 0 first.")]
        #[inline(always)]
        pub(crate) fn $join(lanes: [$t; $n]) -> u128 {
            let mut b = [0u8; 16];
            for (i, lane) in lanes.iter().enumerate() {
                b[i * $bytes..(i + 1) * $bytes].copy_from_slice(&lane.to_le_bytes());
            }
            u128::from_le_bytes(b)
        }
    )*};
}

lane_views! {
    i8s from_i8s i8, 16, 1;
    u8s from_u8s u8, 16, 1;
    i16s from_i16s i16, 8, 2;
    u16s from_u16s u16, 8, 2;
    i32s from_i32s i32, 4, 4;
    u32s from_u32s u32, 4, 4;
    i64s from_i64s i64, 2, 8;
    u64s from_u64s u64, 2, 8;
    f32s from_f32s f32, 4, 4;
    f64s from_f64s f64, 2, 8;
}

/// `f(a[i], b[i])` for every lane.
#[inline(always)]
pub(crate) fn zip<T: Copy, U, const N: usize>(
    a: [T; N],
    b: [T; N],
    f: impl Fn(T, T) -> U,
) -> [U; N] {
    core::array::from_fn(|i| f(a[i], b[i]))
}

/// All ones (`true`) or all zeros (`false`), as a comparison lane is.
#[inline(always)]
pub(crate) fn mask<T: From<i8>>(b: bool) -> T {
    T::from(if b { -1 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_zero_is_the_low_bits() {
        let v = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128;
        assert_eq!(u8s(v)[0], 0x00);
        assert_eq!(u8s(v)[15], 0x0f);
        assert_eq!(u16s(v)[1], 0x0302);
        assert_eq!(u32s(v)[3], 0x0f0e_0d0c);
        assert_eq!(u64s(v), [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]);
        assert_eq!(from_u32s(u32s(v)), v);
        assert_eq!(from_i8s(i8s(v)), v);
        assert_eq!(from_f64s(f64s(v)).to_le_bytes(), v.to_le_bytes());
    }
}
