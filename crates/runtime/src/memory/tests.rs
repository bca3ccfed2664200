//! Behavioural tests of the memory layer: real reservations, real growth.

use super::*;
use strata_ir::Limits;

const GIB: u64 = 1 << 30;

fn mem_type(index: IndexType, min: u64, max: Option<u64>, page_size_log2: u8) -> MemoryType {
    MemoryType {
        index,
        limits: Limits { min, max },
        shared: false,
        page_size_log2,
    }
}

fn m32(min: u64, max: Option<u64>) -> MemoryType {
    mem_type(IndexType::I32, min, max, 16)
}

fn m64(min: u64, max: Option<u64>) -> MemoryType {
    mem_type(IndexType::I64, min, max, 16)
}

fn new(ty: MemoryType) -> MemoryInstance {
    match MemoryInstance::new(ty, &MemoryConfig::default()) {
        Ok(mem) => mem,
        Err(e) => panic!("creating {ty:?}: {e}"),
    }
}

fn yes() -> impl FnMut(u64, u64) -> bool {
    |_, _| true
}

const OOB: Result<(), TrapCode> = Err(TrapCode::MemoryOutOfBounds);

#[test]
fn memory_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<MemoryInstance>();
}

#[test]
#[cfg_attr(miri, ignore = "needs a memory above 4 GiB (an mmap reservation)")]
fn memory64_above_4gib_does_not_alias() {
    // 80000 pages = 5_242_880_000 bytes, about 4.9 GiB; only touched pages cost.
    let config = MemoryConfig {
        max_memory_bytes: 1 << 34,
        ..MemoryConfig::default()
    };
    let rss_before = resident_bytes();
    let mut mem = MemoryInstance::new(m64(80_000, None), &config).expect("5 GiB memory64");
    assert_eq!(mem.size_pages(), 80_000);
    assert_eq!(mem.size_bytes(), 80_000 * 65_536);
    assert_eq!(mem.index_type(), IndexType::I64);

    let high = (1u64 << 32) + 8;
    mem.store::<u64, 8>(high, 0, 0x0102_0304_0506_0708u64.to_le_bytes())
        .unwrap();
    assert_eq!(
        mem.load::<u64, 8>(high, 0),
        Ok(0x0102_0304_0506_0708u64.to_le_bytes())
    );
    assert_eq!(mem.load::<u64, 8>(8, 0), Ok([0; 8]), "2^32 + 8 aliased 8");
    assert_eq!(
        mem.load::<u64, 8>(1 << 32, 8),
        Ok(0x0102_0304_0506_0708u64.to_le_bytes())
    );
    mem.store::<u64, 4>(8, 0, [9; 4]).unwrap();
    assert_eq!(
        mem.load::<u64, 8>(high, 0),
        Ok(0x0102_0304_0506_0708u64.to_le_bytes())
    );

    // The last byte is accessible, one past is not.
    let end = mem.size_bytes();
    mem.store::<u64, 1>(end - 1, 0, [0xAB]).unwrap();
    assert_eq!(mem.load::<u64, 1>(end - 1, 0), Ok([0xAB]));
    assert_eq!(
        mem.load::<u64, 2>(end - 1, 0),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(mem.load::<u64, 1>(end, 0), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(
        mem.data()[(high as usize)..][..8],
        0x0102_0304_0506_0708u64.to_le_bytes()
    );

    // Bulk ops work above 4 GiB too.
    mem.copy_within(end - 16, high, 8).unwrap();
    assert_eq!(
        mem.load::<u64, 8>(end - 16, 0),
        Ok(0x0102_0304_0506_0708u64.to_le_bytes())
    );

    // Only touched pages are resident (generous slack for concurrent tests).
    if let (Some(before), Some(after)) = (rss_before, resident_bytes()) {
        assert!(
            after.saturating_sub(before) < 256 << 20,
            "{before} -> {after}"
        );
    }
}

/// Resident set size of this process, where the host exposes it.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * mmap::host_page_size() as u64)
}

#[test]
fn memory64_addresses_near_2_pow_64_trap_without_wrapping() {
    let mut mem = new(m64(1, None));
    mem.store::<u64, 8>(0, 0, [0xFF; 8]).unwrap();
    assert_eq!(
        mem.load::<u64, 4>(u64::MAX - 1, 4),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.load::<u64, 1>(u64::MAX, 1),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.load::<u64, 1>(u64::MAX, 0),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.load::<u64, 8>(u64::MAX - 3, 0),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.load::<u64, 8>(0, u64::MAX),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.load::<u64, 8>(8, u64::MAX - 7),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(mem.store::<u64, 8>(u64::MAX - 7, 8, [1; 8]), OOB);
    assert_eq!(mem.store::<u64, 2>(1, u64::MAX, [1; 2]), OOB);
    // Nothing was written by the trapping stores.
    assert_eq!(mem.load::<u64, 8>(0, 0), Ok([0xFF; 8]));
    assert!(mem.data()[8..].iter().all(|&b| b == 0));
}

#[test]
fn memory32_bounds_without_wrapping() {
    let mut mem = new(m32(1, None));
    assert_eq!(
        mem.load::<u32, 1>(u32::MAX, u64::from(u32::MAX)),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.store::<u32, 8>(u32::MAX, u64::from(u32::MAX), [1; 8]),
        OOB
    );
    assert_eq!(
        mem.load::<u32, 4>(u32::MAX, 1),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(mem.load::<u32, 4>(65_532, 0), Ok([0; 4]));
    assert_eq!(mem.load::<u32, 4>(65_530, 2), Ok([0; 4]));
    assert_eq!(
        mem.load::<u32, 4>(65_533, 0),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.load::<u32, 4>(65_532, 1),
        Err(TrapCode::MemoryOutOfBounds)
    );
    mem.store::<u32, 4>(100, 4, 0xDEAD_BEEFu32.to_le_bytes())
        .unwrap();
    assert_eq!(mem.data()[104..108], 0xDEAD_BEEFu32.to_le_bytes());
}

#[test]
#[cfg_attr(miri, ignore = "needs a 4 GiB memory (an mmap reservation)")]
fn memory32_full_4gib() {
    // Grow to the full 2^16 pages; the last byte is at u32::MAX.
    let mut mem = new(m32(0, None));
    assert_eq!(mem.max_pages(), 65_536);
    assert_eq!(mem.grow(65_536, &mut yes()), Some(0));
    assert_eq!(mem.size_bytes(), 1 << 32);
    mem.store::<u32, 1>(u32::MAX, 0, [7]).unwrap();
    assert_eq!(mem.load::<u32, 1>(u32::MAX, 0), Ok([7]));
    assert_eq!(mem.load::<u32, 1>(u32::MAX - 1, 1), Ok([7]));
    assert_eq!(
        mem.load::<u32, 2>(u32::MAX, 0),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        mem.load::<u32, 1>(u32::MAX, 1),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(mem.load::<u32, 1>(0, 0), Ok([0]));
    assert_eq!(mem.grow(1, &mut yes()), None);
    assert_eq!(mem.size_pages(), 65_536);
}

#[test]
#[cfg_attr(miri, ignore = "checks the mmap reservation and its guard")]
fn memory32_reserves_index_space_plus_guard() {
    let config = MemoryConfig::default();
    let mem = new(m32(1, Some(2)));
    let raw = mem.raw();
    assert!(!raw.base.is_null());
    assert_eq!(raw.len, 65_536);
    assert!(raw.reserved as u64 >= (1 << 32) + config.guard_bytes);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "ends by growing a memory to 4 GiB (an mmap reservation)"
)]
fn grow_never_truncates_delta() {
    let mut mem = new(m64(2, None));
    mem.store::<u64, 8>(65_536 + 3, 0, *b"contents").unwrap();
    for delta in [
        1u64 << 32,
        (1 << 32) - 2,
        1 << 48,
        (1 << 48) - 2,
        1 << 63,
        u64::MAX,
        u64::MAX - 1,
    ] {
        let mut called = false;
        let mut allow = |_: u64, _: u64| {
            called = true;
            true
        };
        assert_eq!(mem.grow(delta, &mut allow), None, "delta {delta}");
        assert!(!called, "limiter consulted for an impossible delta {delta}");
        assert_eq!(mem.size_pages(), 2);
        assert_eq!(mem.load::<u64, 8>(65_536 + 3, 0), Ok(*b"contents"));
    }
    // memory32: 2^32 pages must not wrap to 0 or to a small count either.
    let mut mem = new(m32(1, None));
    mem.store::<u32, 1>(5, 0, [1]).unwrap();
    for delta in [1u64 << 32, (1 << 32) + 1, 1 << 48, u64::MAX, 65_536] {
        assert_eq!(mem.grow(delta, &mut yes()), None, "delta {delta}");
        assert_eq!(mem.size_pages(), 1);
        assert_eq!(mem.load::<u32, 1>(5, 0), Ok([1]));
    }
    assert_eq!(mem.grow(65_535, &mut yes()), Some(1));
}

#[test]
fn grow_up_to_the_maximum_and_no_further() {
    let mut mem = new(m32(1, Some(3)));
    mem.store::<u32, 4>(0, 0, [1, 2, 3, 4]).unwrap();
    assert_eq!(mem.grow(0, &mut yes()), Some(1));
    assert_eq!(mem.grow(1, &mut yes()), Some(1));
    assert_eq!(mem.size_pages(), 2);
    assert_eq!(
        mem.load::<u32, 4>(65_536, 0),
        Ok([0; 4]),
        "grown pages are zero"
    );
    assert_eq!(mem.grow(2, &mut yes()), None);
    assert_eq!(mem.grow(1, &mut yes()), Some(2));
    assert_eq!(mem.size_pages(), 3);
    assert_eq!(mem.grow(1, &mut yes()), None);
    assert_eq!(mem.grow(0, &mut yes()), Some(3));
    assert_eq!(mem.size_bytes(), 3 * 65_536);
    assert_eq!(mem.load::<u32, 4>(0, 0), Ok([1, 2, 3, 4]));
    mem.store::<u32, 4>(3 * 65_536 - 4, 0, [9; 4]).unwrap();
    assert_eq!(mem.store::<u32, 4>(3 * 65_536 - 3, 0, [9; 4]), OOB);

    // The type keeps its declared minimum; the current type reflects the size.
    assert_eq!(mem.ty().limits.min, 1);
    assert_eq!(
        mem.current_type().limits,
        Limits {
            min: 3,
            max: Some(3)
        }
    );
}

#[test]
fn grow_is_capped_by_the_config() {
    let config = MemoryConfig {
        max_memory_bytes: 4 * 65_536 + 100, // not a page multiple: rounds down
        guard_bytes: 0,
        ..MemoryConfig::default()
    };
    let mut mem = MemoryInstance::new(m64(1, None), &config).unwrap();
    assert_eq!(mem.max_pages(), 4);
    assert_eq!(mem.grow(3, &mut yes()), Some(1));
    assert_eq!(mem.grow(1, &mut yes()), None);
    assert_eq!(mem.size_pages(), 4);
}

#[test]
fn limiter_can_refuse() {
    let mut mem = new(m64(1, Some(10)));
    mem.store::<u64, 1>(9, 0, [42]).unwrap();
    let mut seen = Vec::new();
    let mut refuse = |current: u64, new: u64| {
        seen.push((current, new));
        false
    };
    assert_eq!(mem.grow(2, &mut refuse), None);
    assert_eq!(seen, [(65_536, 3 * 65_536)]);
    assert_eq!(mem.size_pages(), 1);
    assert_eq!(mem.load::<u64, 1>(9, 0), Ok([42]));
    let mut budget = |_: u64, new: u64| new <= 2 * 65_536;
    assert_eq!(mem.grow(1, &mut budget), Some(1));
    assert_eq!(mem.grow(1, &mut budget), None);
    assert_eq!(mem.size_pages(), 2);
}

#[test]
fn minimum_over_the_cap_is_reported() {
    let config = MemoryConfig {
        max_memory_bytes: 1 << 20,
        ..MemoryConfig::default()
    };
    let err = MemoryInstance::new(m64(17, None), &config).unwrap_err();
    assert!(matches!(
        err,
        MemoryError::ExceedsCap {
            requested_pages: 17,
            requested_bytes: 1_114_112,
            cap_bytes: 1_048_576
        }
    ));
    assert_eq!(
        err.to_string(),
        "memory minimum of 1114112 bytes (17 pages) exceeds the configured cap of 1048576 bytes"
    );
    // Exactly at the cap is fine.
    assert_eq!(
        MemoryInstance::new(m64(16, None), &config)
            .unwrap()
            .size_pages(),
        16
    );

    // 2^48 pages of 64 KiB is 2^64 bytes: the product overflows u64.
    let err = MemoryInstance::new(m64(1 << 48, None), &MemoryConfig::default()).unwrap_err();
    assert!(matches!(
        err,
        MemoryError::ExceedsCap {
            requested_pages: 281_474_976_710_656,
            requested_bytes: 18_446_744_073_709_551_616,
            cap_bytes: 17_179_869_184
        }
    ));
    let msg = err.to_string();
    assert!(msg.contains("281474976710656 pages"), "{msg}");
    assert!(msg.contains("18446744073709551616 bytes"), "{msg}");
    assert!(msg.contains("cap of 17179869184 bytes"), "{msg}");

    for min in [u64::MAX, 1 << 63, (1 << 48) + 1, 1 << 32] {
        let err = MemoryInstance::new(m64(min, None), &MemoryConfig::default()).unwrap_err();
        assert!(
            matches!(err, MemoryError::ExceedsCap { requested_pages, .. } if requested_pages == min),
            "{err}"
        );
    }
}

#[test]
fn malformed_types_are_errors_not_panics() {
    let config = MemoryConfig::default();
    let mut shared = m32(1, Some(1));
    shared.shared = true;
    assert!(matches!(
        MemoryInstance::new(shared, &config),
        Err(MemoryError::SharedUnsupported)
    ));
    for log2 in [17, 32, 64, 200, 255] {
        assert!(matches!(
            MemoryInstance::new(mem_type(IndexType::I32, 0, None, log2), &config),
            Err(MemoryError::InvalidType(_))
        ));
    }
    assert!(matches!(
        MemoryInstance::new(m32(3, Some(2)), &config),
        Err(MemoryError::InvalidType(_))
    ));
    assert!(matches!(
        MemoryInstance::new(m32(65_537, None), &config),
        Err(MemoryError::InvalidType(_))
    ));
    // A declared maximum above the spec's limit is clamped to it.
    let mem = MemoryInstance::new(m32(0, Some(1 << 20)), &config).unwrap();
    assert_eq!(mem.max_pages(), 65_536);
}

#[test]
fn zero_sized_memories_work() {
    for ty in [
        m32(0, None),
        m64(0, Some(0)),
        mem_type(IndexType::I64, 0, Some(0), 0),
    ] {
        let mut mem = new(ty);
        assert_eq!(mem.size_pages(), 0);
        assert!(mem.data().is_empty());
        assert!(mem.data_mut().is_empty());
        assert!(!mem.raw().base.is_null());
        assert_eq!(mem.raw().len, 0);
        assert_eq!(mem.load::<u64, 1>(0, 0), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(mem.store::<u64, 1>(0, 0, [1]), OOB);
        assert_eq!(mem.fill(0, 1, 0), Ok(()));
        assert_eq!(mem.fill(1, 1, 0), OOB);
        assert_eq!(mem.copy_within(0, 0, 0), Ok(()));
        assert_eq!(mem.init(0, &[], 0, 0), Ok(()));
        assert_eq!(mem.grow(0, &mut yes()), Some(0));
    }
    // A max-0 memory with no guard reserves nothing at all.
    let config = MemoryConfig {
        guard_bytes: 0,
        ..MemoryConfig::default()
    };
    let mut mem = MemoryInstance::new(m64(0, Some(0)), &config).unwrap();
    assert_eq!(mem.raw().reserved, 0);
    assert!(!mem.raw().base.is_null());
    assert!(mem.data().is_empty());
    assert_eq!(mem.grow(1, &mut yes()), None);

    let mut mem = new(m32(0, None));
    assert_eq!(mem.grow(1, &mut yes()), Some(0));
    mem.store::<u32, 2>(65_534, 0, [1, 2]).unwrap();
    assert_eq!(mem.load::<u32, 2>(65_534, 0), Ok([1, 2]));
}

#[test]
fn one_byte_pages() {
    for index in [IndexType::I32, IndexType::I64] {
        let mut mem = new(mem_type(index, 3, Some(10), 0));
        assert_eq!(mem.size_pages(), 3);
        assert_eq!(mem.size_bytes(), 3);
        mem.store::<u64, 3>(0, 0, [1, 2, 3]).unwrap();
        assert_eq!(mem.load::<u64, 2>(2, 0), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(mem.grow(5, &mut yes()), Some(3));
        assert_eq!(mem.size_bytes(), 8);
        assert_eq!(mem.data(), [1, 2, 3, 0, 0, 0, 0, 0]);
        assert_eq!(mem.load::<u64, 8>(0, 0), Ok([1, 2, 3, 0, 0, 0, 0, 0]));
        assert_eq!(mem.load::<u64, 1>(8, 0), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(mem.grow(3, &mut yes()), None);
        assert_eq!(mem.grow(2, &mut yes()), Some(8));
        assert_eq!(mem.size_pages(), 10);
        assert_eq!(mem.grow(1, &mut yes()), None);
    }
    // memory32 with 1-byte pages: the spec limit is 2^32 pages of 1 byte.
    let mem = new(mem_type(IndexType::I32, 1, None, 0));
    assert_eq!(mem.max_pages(), 1 << 32);
    // Odd page sizes in between also work.
    let mut mem = new(mem_type(IndexType::I64, 1, None, 10));
    assert_eq!(mem.size_bytes(), 1024);
    assert_eq!(mem.grow(3, &mut yes()), Some(1));
    assert_eq!(mem.size_bytes(), 4096);
    mem.store::<u64, 4>(4092, 0, [1; 4]).unwrap();
    assert_eq!(mem.store::<u64, 4>(4093, 0, [1; 4]), OOB);
}

#[test]
fn moving_growth_fallback_keeps_contents() {
    let config = MemoryConfig {
        creator: Some(std::sync::Arc::new(DefaultMemoryCreator::minimal())),
        ..MemoryConfig::default()
    };
    for ty in [
        m64(1, Some(100)),
        m32(1, None),
        mem_type(IndexType::I64, 5, None, 0),
    ] {
        let mut mem = MemoryInstance::new(ty, &config).unwrap();
        let initial = mem.size_bytes();
        // The reservation tiers see: only faulting bytes count past the
        // length, and nothing faults on Miri's heap stand-in for mmap.
        let reserved = if cfg!(miri) {
            initial
        } else {
            initial.next_multiple_of(mmap::host_page_size() as u64)
        };
        assert_eq!(mem.raw().reserved as u64, reserved);
        mem.store::<u64, 4>(initial - 4, 0, [1, 2, 3, 4]).unwrap();
        mem.store::<u64, 1>(0, 0, [9]).unwrap();
        let mut pages = mem.size_pages();
        // Under Miri two moves (each copying the contents) are enough and
        // affordable.
        let rounds = if cfg!(miri) { 2 } else { 6 };
        for _ in 0..rounds {
            assert_eq!(mem.grow(pages, &mut yes()), Some(pages));
            pages *= 2;
            assert_eq!(mem.size_pages(), pages);
            assert!(mem.raw().reserved as u64 >= mem.size_bytes());
            assert_eq!(mem.load::<u64, 4>(initial - 4, 0), Ok([1, 2, 3, 4]));
            assert_eq!(mem.load::<u64, 1>(0, 0), Ok([9]));
            assert!(mem.data()[initial as usize..].iter().all(|&b| b == 0));
            let end = mem.size_bytes();
            mem.store::<u64, 1>(end - 1, 0, [0xEE]).unwrap();
            assert_eq!(mem.load::<u64, 1>(end, 0), Err(TrapCode::MemoryOutOfBounds));
            mem.store::<u64, 1>(end - 1, 0, [0]).unwrap();
        }
    }
    // The maximum still holds in fallback mode.
    let mut mem = MemoryInstance::new(m64(1, Some(3)), &config).unwrap();
    assert_eq!(mem.grow(2, &mut yes()), Some(1));
    assert_eq!(mem.grow(1, &mut yes()), None);
}

#[test]
fn fill_bounds() {
    let mut mem = new(m64(1, None));
    let end = mem.size_bytes();
    assert_eq!(mem.fill(10, 0xAA, 5), Ok(()));
    assert_eq!(mem.data()[9..16], [0, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0]);
    assert_eq!(mem.fill(end - 4, 1, 4), Ok(()));
    assert_eq!(
        mem.fill(end, 1, 0),
        Ok(()),
        "len 0 at the exact end is allowed"
    );
    assert_eq!(mem.fill(end + 1, 1, 0), OOB, "len 0 one past the end traps");
    assert_eq!(mem.fill(end - 4, 2, 5), OOB);
    assert_eq!(
        mem.data()[end as usize - 4..],
        [1; 4],
        "a trapping fill writes nothing"
    );
    assert_eq!(mem.fill(u64::MAX, 1, 1), OOB);
    assert_eq!(mem.fill(1, 1, u64::MAX), OOB);
    assert_eq!(mem.fill(u64::MAX, 1, 0), OOB);
    assert_eq!(mem.fill(0, 3, end), Ok(()));
    assert!(mem.data().iter().all(|&b| b == 3));
}

#[test]
fn copy_within_bounds_and_overlap() {
    let mut mem = new(m32(1, None));
    let end = mem.size_bytes();
    let pattern: Vec<u8> = (1..=10).collect();
    mem.data_mut()[100..110].copy_from_slice(&pattern);

    // Forward overlap (dst > src).
    assert_eq!(mem.copy_within(104, 100, 10), Ok(()));
    assert_eq!(
        mem.data()[100..114],
        [1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    );

    // Backward overlap (dst < src).
    mem.data_mut()[200..210].copy_from_slice(&pattern);
    assert_eq!(mem.copy_within(197, 200, 10), Ok(()));
    assert_eq!(
        mem.data()[197..210],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 8, 9, 10]
    );

    // Bounds, with both operands at the edge.
    assert_eq!(mem.copy_within(end, 0, 0), Ok(()));
    assert_eq!(mem.copy_within(0, end, 0), Ok(()));
    assert_eq!(mem.copy_within(end + 1, 0, 0), OOB);
    assert_eq!(mem.copy_within(0, end + 1, 0), OOB);
    assert_eq!(mem.copy_within(end - 10, 100, 10), Ok(()));
    assert_eq!(
        mem.data()[end as usize - 10..],
        [1, 2, 3, 4, 1, 2, 3, 4, 5, 6]
    );
    let before = mem.data().to_vec();
    assert_eq!(mem.copy_within(end - 9, 100, 10), OOB);
    assert_eq!(mem.copy_within(100, end - 9, 10), OOB);
    assert_eq!(mem.copy_within(u64::MAX, 0, 2), OOB);
    assert_eq!(mem.copy_within(0, 1, u64::MAX), OOB);
    assert_eq!(mem.data(), &before[..], "trapping copies write nothing");
}

#[test]
fn copy_between_memories() {
    let mut src = new(m64(1, None));
    let mut dst = new(m32(1, None));
    src.store::<u64, 4>(65_532, 0, [5, 6, 7, 8]).unwrap();
    let end = 65_536u64;
    assert_eq!(dst.copy_from(0, &src, end - 4, 4), Ok(()));
    assert_eq!(dst.load::<u32, 4>(0, 0), Ok([5, 6, 7, 8]));
    assert_eq!(dst.copy_from(end, &src, end, 0), Ok(()));
    assert_eq!(dst.copy_from(end + 1, &src, 0, 0), OOB);
    assert_eq!(dst.copy_from(0, &src, end + 1, 0), OOB);
    assert_eq!(dst.copy_from(8, &src, end - 3, 4), OOB);
    assert_eq!(dst.copy_from(end - 3, &src, 0, 4), OOB);
    assert_eq!(dst.load::<u32, 4>(8, 0), Ok([0; 4]));
    // Different sizes: a grown source.
    assert_eq!(src.grow(1, &mut yes()), Some(1));
    src.store::<u64, 2>(100_000, 0, [1, 2]).unwrap();
    assert_eq!(dst.copy_from(10, &src, 100_000, 2), Ok(()));
    assert_eq!(dst.load::<u32, 2>(10, 0), Ok([1, 2]));
    assert_eq!(src.copy_from(end * 2 - 2, &dst, 10, 2), Ok(()));
    assert_eq!(src.load::<u64, 2>(end * 2 - 2, 0), Ok([1, 2]));
}

#[test]
fn init_bounds() {
    let mut mem = new(m32(1, None));
    let end = mem.size_bytes();
    let data = [10u8, 20, 30, 40, 50];
    assert_eq!(mem.init(7, &data, 1, 3), Ok(()));
    assert_eq!(mem.data()[6..11], [0, 20, 30, 40, 0]);
    assert_eq!(mem.init(end - 5, &data, 0, 5), Ok(()));
    assert_eq!(mem.data()[end as usize - 5..], data);
    // len 0 at the exact ends is allowed; one past either end traps.
    assert_eq!(mem.init(end, &data, 5, 0), Ok(()));
    assert_eq!(mem.init(end + 1, &data, 0, 0), OOB);
    assert_eq!(mem.init(0, &data, 6, 0), OOB);
    assert_eq!(mem.init(0, &[], 0, 0), Ok(()));
    assert_eq!(mem.init(0, &[], 1, 0), OOB);
    // Partly out of bounds: nothing written.
    assert_eq!(mem.init(100, &data, 1, 5), OOB);
    assert_eq!(mem.init(end - 2, &data, 0, 3), OOB);
    assert_eq!(mem.init(u64::MAX, &data, 0, 1), OOB);
    assert_eq!(mem.init(0, &data, u64::MAX, 1), OOB);
    assert_eq!(mem.init(0, &data, 1, u64::MAX), OOB);
    assert_eq!(mem.data()[100..106], [0; 6]);
    assert_eq!(mem.data()[end as usize - 5..], data);
}

#[test]
fn raw_view_matches_data() {
    let mut mem = new(m64(2, Some(4)));
    mem.store::<u64, 1>(3, 0, [77]).unwrap();
    let raw = mem.raw();
    assert_eq!(raw.base.cast_const(), mem.data().as_ptr());
    assert_eq!(raw.len, 2 * 65_536);
    // (Miri's heap stand-in for mmap reserves no guard.)
    if !cfg!(miri) {
        assert!(raw.reserved as u64 >= 4 * 65_536 + MemoryConfig::default().guard_bytes);
    }
    assert_eq!(mem.grow(2, &mut yes()), Some(2));
    assert_eq!(mem.raw().base, raw.base, "a full reservation never moves");
    assert_eq!(mem.raw().len, 4 * 65_536);
}

#[test]
fn memories_can_move_between_threads() {
    let mut mem = new(m64(1, None));
    mem.store::<u64, 8>(0, 0, *b"threaded").unwrap();
    let mem = std::thread::spawn(move || {
        assert_eq!(mem.load::<u64, 8>(0, 0), Ok(*b"threaded"));
        mem
    })
    .join()
    .unwrap();
    let shared = &mem;
    std::thread::scope(|s| {
        s.spawn(|| assert_eq!(shared.load::<u64, 8>(0, 0), Ok(*b"threaded")));
        s.spawn(|| assert_eq!(shared.load::<u64, 8>(0, 0), Ok(*b"threaded")));
    });
}

#[test]
#[cfg_attr(miri, ignore = "needs an 8 GiB memory (an mmap reservation)")]
fn grow_huge_memory64_only_costs_touched_pages() {
    // 8 GiB grown in one step, touching a page at each end.
    let mut mem = new(m64(0, None));
    assert_eq!(mem.grow(8 * GIB / 65_536, &mut yes()), Some(0));
    assert_eq!(mem.size_bytes(), 8 * GIB);
    mem.store::<u64, 8>(8 * GIB - 8, 0, *b"lastbyte").unwrap();
    mem.store::<u64, 8>(0, 0, *b"firstbyt").unwrap();
    assert_eq!(mem.load::<u64, 8>(8 * GIB - 8, 0), Ok(*b"lastbyte"));
    assert_eq!(mem.load::<u64, 8>(4 * GIB, 0), Ok([0; 8]));
}
