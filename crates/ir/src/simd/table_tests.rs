//! Every row of `for_each_simd_op!` has its function in `crate::simd` with
//! the row's signature: this module does not compile otherwise.

macro_rules! check_signatures {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident;)*) => {
        #[test]
        fn every_row_has_its_function() {
            let mut count = 0usize;
            $(
                let _: fn($(check_signatures!(@ty $param)),*) -> check_signatures!(@ty $result) =
                    crate::simd::$snake;
                count += 1;
            )*
            assert_eq!(count, crate::SimdOp::ALL.len());
        }
    };
    (@ty V128) => { u128 };
    (@ty I32) => { u64 };
    (@ty I64) => { u64 };
    (@ty F32) => { u64 };
    (@ty F64) => { u64 };
}
crate::for_each_simd_op!(check_signatures);
