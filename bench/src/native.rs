//! The host builds of the kernels (compiled by `build.rs` with the host C
//! compiler), behind safe wrappers: the reference checksums and the native
//! column of the report.
#![allow(unsafe_code)]

use std::sync::Mutex;

/// Serializes calls: the kernels keep their buffers in C statics.
static NATIVE_LOCK: Mutex<()> = Mutex::new(());

mod ffi {
    extern "C" {
        pub fn strata_kernel_sort(n: u32) -> u64;
        pub fn strata_kernel_sha256(n: u32) -> u64;
        pub fn strata_kernel_nbody(n: u32) -> u64;
        pub fn strata_kernel_hashmap(n: u32) -> u64;
        pub fn strata_kernel_memops(n: u32) -> u64;
        pub fn strata_kernel_intmix(n: u32) -> u64;
        pub fn strata_kernel_simd_blend(n: u32) -> u64;
        pub fn strata_kernel_simd_matmul(n: u32) -> u64;
    }
}

macro_rules! wrap {
    ($name:ident, $ffi:ident) => {
        /// The host build of this kernel's `run(n)`.
        pub fn $name(n: u32) -> u64 {
            let _guard = NATIVE_LOCK
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // SAFETY: the kernel is C compiled from `kernels/` with the signature
            // `uint64_t run(uint32_t n)`; it clamps `n` to its static buffers and
            // touches no memory but its own statics, which `NATIVE_LOCK` keeps
            // from being used by two calls at once.
            unsafe { ffi::$ffi(n) }
        }
    };
}

wrap!(sort, strata_kernel_sort);
wrap!(sha256, strata_kernel_sha256);
wrap!(nbody, strata_kernel_nbody);
wrap!(simd_blend, strata_kernel_simd_blend);
wrap!(simd_matmul, strata_kernel_simd_matmul);
wrap!(hashmap, strata_kernel_hashmap);
wrap!(memops, strata_kernel_memops);
wrap!(intmix, strata_kernel_intmix);
