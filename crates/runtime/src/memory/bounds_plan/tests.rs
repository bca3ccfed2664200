//! Tests of the bounds plan: the variant chosen at every edge, and a
//! simulation of each check's 64-bit arithmetic against the exact bounds
//! rule for lengths and indices around the edges.

use strata_ir::{IndexType, Limits, MemoryType};

use super::{declared_min_bytes, plan, plan_access, AccessFacts, BoundsCheck, BoundsPlan};

const M32: IndexType = IndexType::I32;
const M64: IndexType = IndexType::I64;
const U32_MAX: u64 = u32::MAX as u64;
const I32_MAX: u64 = i32::MAX as u64;

fn facts(index: IndexType, offset: u64, size: u32, min_bytes: u64) -> AccessFacts {
    AccessFacts {
        index,
        offset,
        size,
        min_bytes,
        spectre_hardening: true,
    }
}

fn check(index: IndexType, offset: u64, size: u32, min_bytes: u64) -> BoundsCheck {
    plan(facts(index, offset, size, min_bytes)).check
}

fn memory(index: IndexType, min_pages: u64, page_size_log2: u8) -> MemoryType {
    MemoryType {
        index,
        limits: Limits {
            min: min_pages,
            max: None,
        },
        shared: false,
        page_size_log2,
    }
}

/// What the emitted code computes for `check`, in 64-bit arithmetic as the
/// machine does it: `true` if the access proceeds.
fn emitted_passes(check: BoundsCheck, index: u64, len: u64) -> bool {
    match check {
        BoundsCheck::AlwaysTrap => false,
        BoundsCheck::CompareAgainstLenMinusK { k } => index <= len.wrapping_sub(k),
        BoundsCheck::AddThenCompare { k } => index.wrapping_add(k) <= len,
        BoundsCheck::AddWithCarryThenCompare { k } => {
            let (end, carry) = index.overflowing_add(k);
            !carry && end <= len
        }
    }
}

/// The spec's rule, in unbounded arithmetic.
fn in_bounds(index: u64, offset: u64, size: u32, len: u64) -> bool {
    u128::from(index) + u128::from(offset) + u128::from(size) <= u128::from(len)
}

/// Indices and lengths around every edge the checks have.
fn edges(min_bytes: u64, offset: u64, size: u32) -> Vec<u64> {
    let k = offset.wrapping_add(u64::from(size));
    let mut v = vec![0, 1, 2, 15, 16, 17];
    for base in [
        min_bytes,
        k,
        offset,
        U32_MAX,
        U32_MAX + 1,
        I32_MAX,
        1 << 34,
        u64::MAX,
        u64::MAX - k,
        min_bytes.wrapping_sub(k),
        0u64.wrapping_sub(k),
    ] {
        for d in [-17i64, -16, -2, -1, 0, 1, 2, 16, 17] {
            v.push(base.wrapping_add_signed(d));
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Checks the plan of one access against the exact rule, for every edge
/// index (below 2^32 on memory32) and every edge length at least the
/// declared minimum; and checks the Spectre-masked index of the fast path
/// is in bounds.
fn assert_sound(index_ty: IndexType, offset: u64, size: u32, min_bytes: u64) {
    let p = plan(facts(index_ty, offset, size, min_bytes));
    let points = edges(min_bytes, offset, size);
    for &len in points.iter().filter(|&&len| len >= min_bytes) {
        for &index in &points {
            if index_ty == M32 && index > U32_MAX {
                continue;
            }
            assert_eq!(
                emitted_passes(p.check, index, len),
                in_bounds(index, offset, size, len),
                "{p:?}: index {index:#x}, offset {offset:#x}, size {size}, len {len:#x}, min {min_bytes:#x}",
            );
        }
        if let BoundsCheck::CompareAgainstLenMinusK { k } = p.check {
            // The masked index: 0 (AOT) or len - k (JIT).
            for masked in [0, len - k] {
                assert!(in_bounds(masked, offset, size, len), "{p:?}, len {len:#x}");
            }
        }
    }
}

#[test]
fn offset_plus_size_overflowing_u64_always_traps() {
    for size in 1..=16u32 {
        for index in [M32, M64] {
            for offset in [u64::MAX, u64::MAX - u64::from(size) + 1] {
                assert_eq!(
                    plan(facts(index, offset, size, 1 << 16)),
                    BoundsPlan {
                        check: BoundsCheck::AlwaysTrap,
                        spectre_mask: false
                    },
                    "offset {offset:#x}, size {size}"
                );
            }
            // One less: `k` is exactly u64::MAX, which fits; only the
            // carry-checked add can tell.
            let offset = u64::MAX - u64::from(size);
            assert_eq!(
                check(index, offset, size, 1 << 16),
                BoundsCheck::AddWithCarryThenCompare { k: u64::MAX }
            );
        }
    }
}

#[test]
fn memory32_offset_u32_max_adds_without_carry_check() {
    for size in 1..=16u32 {
        let k = U32_MAX + u64::from(size);
        assert_eq!(
            check(M32, U32_MAX, size, 1 << 16),
            BoundsCheck::AddThenCompare { k }
        );
        // Even a memory with the full 4 GiB minimum does not fit it.
        assert_eq!(
            check(M32, U32_MAX, size, 1 << 32),
            BoundsCheck::AddThenCompare { k }
        );
        assert_sound(M32, U32_MAX, size, 1 << 16);
    }
}

#[test]
fn memory32_offset_past_u32_max_is_carry_checked() {
    // Only a hand-built IR has these: validation refuses them.
    for size in 1..=16u32 {
        for offset in [U32_MAX + 1, 1 << 40, u64::MAX - 16 - u64::from(size)] {
            let k = offset + u64::from(size);
            assert_eq!(
                check(M32, offset, size, 1 << 16),
                BoundsCheck::AddWithCarryThenCompare { k },
                "offset {offset:#x}"
            );
            assert_sound(M32, offset, size, 1 << 16);
        }
    }
}

#[test]
fn memory64_offsets_near_u64_max() {
    for size in 1..=16u32 {
        for offset in [
            U32_MAX,
            U32_MAX + 1,
            1 << 48,
            u64::MAX - 2 * u64::from(size),
            u64::MAX - u64::from(size),
        ] {
            assert_eq!(
                check(M64, offset, size, 1 << 16),
                BoundsCheck::AddWithCarryThenCompare {
                    k: offset + u64::from(size)
                },
                "offset {offset:#x}"
            );
            assert_sound(M64, offset, size, 1 << 16);
        }
    }
}

#[test]
fn k_equal_to_the_minimum_takes_the_fast_path_one_past_does_not() {
    for size in 1..=16u32 {
        for min in [u64::from(size), 1 << 16, 3 << 16, I32_MAX] {
            let offset = min - u64::from(size);
            for index in [M32, M64] {
                assert_eq!(
                    check(index, offset, size, min),
                    BoundsCheck::CompareAgainstLenMinusK { k: min },
                    "{index:?}, min {min:#x}, size {size}"
                );
                assert_sound(index, offset, size, min);
                assert_sound(index, offset + 1, size, min);
            }
            assert_eq!(
                check(M32, offset + 1, size, min),
                BoundsCheck::AddThenCompare { k: min + 1 }
            );
            assert_eq!(
                check(M64, offset + 1, size, min),
                BoundsCheck::AddWithCarryThenCompare { k: min + 1 }
            );
        }
    }
}

#[test]
fn the_fast_path_needs_k_to_fit_a_signed_32_bit_immediate() {
    for index in [M32, M64] {
        // A 4 GiB minimum fits any memory32 `k` but not as an immediate.
        assert_eq!(
            check(index, I32_MAX - 4, 4, 1 << 32),
            BoundsCheck::CompareAgainstLenMinusK { k: I32_MAX }
        );
        assert_ne!(
            check(index, I32_MAX - 3, 4, 1 << 32),
            BoundsCheck::CompareAgainstLenMinusK { k: I32_MAX + 1 }
        );
        assert_sound(index, I32_MAX - 3, 4, 1 << 32);
    }
}

#[test]
fn an_empty_minimum_never_takes_the_fast_path() {
    for size in 1..=16u32 {
        assert_eq!(
            check(M32, 0, size, 0),
            BoundsCheck::AddThenCompare { k: u64::from(size) }
        );
        assert_eq!(
            check(M64, 0, size, 0),
            BoundsCheck::AddWithCarryThenCompare { k: u64::from(size) }
        );
        assert_sound(M32, 0, size, 0);
        assert_sound(M64, 0, size, 0);
    }
}

#[test]
fn one_byte_pages_count_the_minimum_in_bytes() {
    for index in [M32, M64] {
        let ty = memory(index, 5, 0);
        assert_eq!(declared_min_bytes(&ty), 5);
        assert_eq!(
            plan_access(&ty, 1, 4, true).check,
            BoundsCheck::CompareAgainstLenMinusK { k: 5 }
        );
        assert_ne!(
            plan_access(&ty, 2, 4, true).check,
            BoundsCheck::CompareAgainstLenMinusK { k: 6 }
        );
        for offset in 0..8 {
            for size in 1..=16 {
                assert_sound(index, offset, size, 5);
            }
        }
    }
    // 64 KiB pages.
    assert_eq!(declared_min_bytes(&memory(M32, 2, 16)), 2 << 16);
}

#[test]
fn a_minimum_that_overflows_counts_as_nothing_known() {
    assert_eq!(declared_min_bytes(&memory(M64, 1 << 48, 16)), 0);
    assert_eq!(declared_min_bytes(&memory(M64, u64::MAX, 1)), 0);
    assert_eq!(declared_min_bytes(&memory(M64, u64::MAX, 0)), u64::MAX);
    // A malformed page size (the memory layer refuses it) is not a shift
    // panic.
    assert_eq!(declared_min_bytes(&memory(M32, 1, 200)), 0);
    assert_eq!(
        plan_access(&memory(M64, 1 << 48, 16), 0, 8, true).check,
        BoundsCheck::AddWithCarryThenCompare { k: 8 }
    );
}

#[test]
fn the_spectre_mask_follows_the_request() {
    for spectre in [true, false] {
        for (index, offset) in [(M32, 0), (M32, U32_MAX), (M32, U32_MAX + 1), (M64, 1 << 40)] {
            let p = plan(AccessFacts {
                spectre_hardening: spectre,
                ..facts(index, offset, 8, 1 << 16)
            });
            assert_ne!(p.check, BoundsCheck::AlwaysTrap);
            assert_eq!(p.spectre_mask, spectre, "{p:?}");
        }
        let trap = plan(AccessFacts {
            spectre_hardening: spectre,
            ..facts(M64, u64::MAX, 8, 1 << 16)
        });
        assert!(!trap.spectre_mask);
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "safe arithmetic only, and a grid too large to interpret"
)]
fn every_plan_is_sound_on_a_grid_of_edges() {
    let offsets = [
        0,
        1,
        15,
        (1 << 16) - 16,
        (1 << 16) - 1,
        1 << 16,
        I32_MAX - 16,
        I32_MAX,
        U32_MAX - 16,
        U32_MAX,
        U32_MAX + 1,
        u64::MAX - 32,
        u64::MAX - 16,
        u64::MAX,
    ];
    let mins = [0, 1, 16, 1 << 16, I32_MAX, 1 << 32, 1 << 34];
    for index in [M32, M64] {
        for &offset in &offsets {
            for size in 1..=16 {
                for &min in &mins {
                    if index == M32 && min > 1 << 32 {
                        continue;
                    }
                    assert_sound(index, offset, size, min);
                }
            }
        }
    }
}
