//! The benchmark kernels: C sources in `kernels/`, compiled once for wasm32
//! and once for wasm64 (`cargo xtask build-kernels`, files committed) and once
//! for the host by `build.rs` (the native reference).
//!
//! Every kernel exports `run(n: i32) -> i64`: work proportional to `n`, then
//! a checksum of everything computed. Calling it again recomputes from
//! scratch, so every call on one instance returns the same checksum.

use crate::native;

/// Index width of a kernel build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Width {
    /// `--target=wasm32`: memory32, i32 pointers.
    W32,
    /// `--target=wasm64`: memory64, i64 pointers.
    W64,
}

impl Width {
    /// Both widths, wasm32 first.
    pub const ALL: [Width; 2] = [Width::W32, Width::W64];

    /// `wasm32` or `wasm64`.
    pub fn name(self) -> &'static str {
        match self {
            Width::W32 => "wasm32",
            Width::W64 => "wasm64",
        }
    }
}

/// One kernel: its name, what it stresses, its builds and its sizes.
pub struct Kernel {
    /// File stem in `kernels/`.
    pub name: &'static str,
    /// One line on what it does.
    pub what: &'static str,
    /// `kernels/wasm32/<name>.wasm`.
    pub wasm32: &'static [u8],
    /// `kernels/wasm64/<name>.wasm`.
    pub wasm64: &'static [u8],
    /// The host build of the same source.
    pub native: fn(u32) -> u64,
    /// `n` for a full run.
    pub n_full: u32,
    /// `n` for `--quick`.
    pub n_quick: u32,
}

impl Kernel {
    /// The module bytes for `width`.
    pub fn wasm(&self, width: Width) -> &'static [u8] {
        match width {
            Width::W32 => self.wasm32,
            Width::W64 => self.wasm64,
        }
    }

    /// `n` for the chosen mode.
    pub fn n(&self, quick: bool) -> u32 {
        if quick {
            self.n_quick
        } else {
            self.n_full
        }
    }
}

macro_rules! kernel {
    ($name:literal, $native:path, $full:expr, $quick:expr, $what:literal) => {
        Kernel {
            name: $name,
            what: $what,
            wasm32: include_bytes!(concat!("../../kernels/wasm32/", $name, ".wasm")),
            wasm64: include_bytes!(concat!("../../kernels/wasm64/", $name, ".wasm")),
            native: $native,
            n_full: $full,
            n_quick: $quick,
        }
    };
}

/// Every kernel, in report order. Sizes are chosen so that one full-size call
/// takes tens of milliseconds in an interpreter.
pub const KERNELS: &[Kernel] = &[
    kernel!(
        "sort",
        native::sort,
        100_000,
        20_000,
        "recursive quicksort of 32-bit keys"
    ),
    kernel!(
        "sha256",
        native::sha256,
        24,
        4,
        "SHA-256 over a chained 16 KiB message"
    ),
    kernel!(
        "nbody",
        native::nbody,
        40_000,
        8_000,
        "five-body simulation in f64"
    ),
    kernel!(
        "hashmap",
        native::hashmap,
        40_000,
        8_000,
        "open-addressing map: insert, lookup, delete"
    ),
    kernel!(
        "memops",
        native::memops,
        12_000,
        1_200,
        "memset/memcpy/memmove on a 1 MiB buffer"
    ),
    kernel!(
        "intmix",
        native::intmix,
        400_000,
        80_000,
        "sieve, Collatz, gcd, bit tricks, division"
    ),
    kernel!(
        "simd_blend",
        native::simd_blend,
        100,
        20,
        "SIMD: RGBA blend, saturating add, blur, threshold (i8x16/i16x8)"
    ),
    kernel!(
        "simd_matmul",
        native::simd_matmul,
        100,
        20,
        "SIMD: f32x4 matrix product, clamp, f64x2 dot product"
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_fips_vector() {
        // run(0) hashes only "abc": FIPS 180-4's first example begins ba7816bf 8f01cfea.
        assert_eq!(native::sha256(0), 0xba78_16bf_8f01_cfea);
    }

    #[test]
    fn every_kernel_is_deterministic_natively() {
        for kernel in KERNELS {
            let n = kernel.n_quick;
            assert_eq!((kernel.native)(n), (kernel.native)(n), "{}", kernel.name);
            assert_ne!(
                (kernel.native)(n),
                (kernel.native)(n / 2),
                "{}",
                kernel.name
            );
        }
    }

    #[test]
    fn every_kernel_has_both_widths() {
        for kernel in KERNELS {
            assert!(kernel.wasm32.starts_with(b"\0asm"), "{}", kernel.name);
            assert!(kernel.wasm64.starts_with(b"\0asm"), "{}", kernel.name);
            assert_ne!(kernel.wasm32, kernel.wasm64, "{}", kernel.name);
        }
    }
}
