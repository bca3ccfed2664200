//! Tests of embedder-supplied backings: a creator that wraps the default
//! backing, counts growth, can refuse creation or growth, and can hide the
//! guard (a smaller reservation, or bytes past the length that do not
//! fault).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::*;
use strata_ir::Limits;

fn ty(index: IndexType, min: u64, max: Option<u64>) -> MemoryType {
    MemoryType {
        index,
        limits: Limits { min, max },
        shared: false,
        page_size_log2: 16,
    }
}

/// How the test creator behaves.
#[derive(Default)]
struct Creator {
    /// Successful growths, over all its memories.
    grows: Arc<AtomicU64>,
    /// The requests it saw.
    requests: Mutex<Vec<MemoryRequest>>,
    /// Refuse every memory.
    refuse: bool,
    /// Refuse growth past this many bytes.
    grow_limit: Option<usize>,
    /// Reserve only the maximum size, without the guard.
    no_guard: bool,
    /// Claim that bytes past the length do not fault.
    hide_faults: bool,
    /// Report half the accessible bytes (a broken backing).
    under_report: bool,
}

struct Counting {
    inner: Box<dyn MemoryBacking>,
    grows: Arc<AtomicU64>,
    grow_limit: Option<usize>,
    hide_faults: bool,
    under_report: bool,
}

// SAFETY: every promise is the inner backing's, which upholds the contract:
// the wrapper only forwards, refuses growth before forwarding (changing
// nothing), and claims faults only when the inner backing does. With
// `under_report` it reports fewer accessible bytes than it has, which
// promises less, not more: `[base, base + accessible())` stays valid.
unsafe impl MemoryBacking for Counting {
    fn base(&self) -> core::ptr::NonNull<u8> {
        self.inner.base()
    }
    fn reserved(&self) -> usize {
        self.inner.reserved()
    }
    fn accessible(&self) -> usize {
        if self.under_report {
            self.inner.accessible() / 2
        } else {
            self.inner.accessible()
        }
    }
    fn faults_past_accessible(&self) -> bool {
        !self.hide_faults && self.inner.faults_past_accessible()
    }
    fn grow_to(&mut self, new_len: usize) -> Result<(), BackingError> {
        if self.grow_limit.is_some_and(|limit| new_len > limit) {
            return Err(format!("the test backing refuses to grow to {new_len} bytes").into());
        }
        self.inner.grow_to(new_len)?;
        self.grows.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl MemoryCreator for Creator {
    fn new_memory(&self, request: &MemoryRequest) -> Result<Box<dyn MemoryBacking>, BackingError> {
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(request.clone());
        }
        if self.refuse {
            return Err("the test creator refuses".into());
        }
        let mut request = request.clone();
        if self.no_guard {
            request.reserve_bytes = request.maximum_bytes;
        }
        Ok(Box::new(Counting {
            inner: DefaultMemoryCreator::new().new_memory(&request)?,
            grows: self.grows.clone(),
            grow_limit: self.grow_limit,
            hide_faults: self.hide_faults,
            under_report: self.under_report,
        }))
    }
}

fn with_creator(creator: Creator) -> (MemoryConfig, Arc<Creator>) {
    let creator = Arc::new(creator);
    let config = MemoryConfig {
        creator: Some(creator.clone()),
        ..MemoryConfig::default()
    };
    (config, creator)
}

fn new(ty: MemoryType, config: &MemoryConfig) -> MemoryInstance {
    match MemoryInstance::new(ty, config) {
        Ok(mem) => mem,
        Err(e) => panic!("creating {ty:?}: {e}"),
    }
}

#[test]
fn the_request_describes_the_layout() {
    let (config, creator) = with_creator(Creator::default());
    new(ty(IndexType::I32, 1, Some(3)), &config);
    new(ty(IndexType::I64, 2, Some(100_000)), &config);
    let requests = creator
        .requests
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default();
    let guard = config.guard_bytes;
    assert_eq!(requests.len(), 2);
    // memory32: the whole index space plus the guard, whatever the maximum.
    assert_eq!(requests[0].reserve_bytes, (1 << 32) + guard);
    assert_eq!(requests[0].guard_bytes, guard);
    assert_eq!(requests[0].initial_bytes, 65_536);
    assert_eq!(requests[0].maximum_bytes, 3 * 65_536);
    assert!(requests[0].base_may_move);
    // memory64: the maximum (over 4 GiB) plus the guard.
    assert_eq!(requests[1].reserve_bytes, 100_000 * 65_536 + guard);
    assert_eq!(requests[1].initial_bytes, 2 * 65_536);
    assert_eq!(requests[1].maximum_bytes, 100_000 * 65_536);
}

#[test]
fn growth_is_counted_and_contents_kept() {
    let (config, creator) = with_creator(Creator::default());
    let mut mem = new(ty(IndexType::I64, 1, Some(100_000)), &config);
    mem.store::<u64, 8>(8, 0, *b"contents").unwrap();
    assert_eq!(mem.grow(2, &mut |_, _| true), Some(1));
    assert_eq!(mem.grow(0, &mut |_, _| true), Some(3), "no backing call");
    assert_eq!(mem.grow(1, &mut |_, _| false), None, "the limiter first");
    assert_eq!(mem.grow(100_000, &mut |_, _| true), None, "over the max");
    assert_eq!(creator.grows.load(Ordering::Relaxed), 1);
    assert_eq!(mem.size_pages(), 3);
    let high = 3 * 65_536 - 8;
    mem.store::<u64, 8>(high, 0, *b"high end").unwrap();
    assert_eq!(mem.load::<u64, 8>(high, 0), Ok(*b"high end"));
    assert_eq!(mem.load::<u64, 8>(8, 0), Ok(*b"contents"));
    assert_eq!(
        mem.load::<u64, 8>(1 << 32, 0),
        Err(TrapCode::MemoryOutOfBounds)
    );
    // (Miri's heap stand-in for mmap reserves no guard.)
    if !cfg!(miri) {
        assert!(mem.guard_bytes() >= config.guard_bytes);
    }
}

#[test]
fn a_refusing_creator_is_a_typed_error() {
    let (config, _) = with_creator(Creator {
        refuse: true,
        ..Creator::default()
    });
    let err = MemoryInstance::new(ty(IndexType::I32, 1, None), &config).expect_err("refused");
    assert!(matches!(err, MemoryError::Creator { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the memory creator refused the memory: the test creator refuses"
    );
}

#[test]
fn errors_of_the_default_backing_pass_through_a_wrapper() {
    let (config, _) = with_creator(Creator::default());
    // A reservation no host can give: the default backing's typed error.
    let config = MemoryConfig {
        max_memory_bytes: u64::MAX,
        guard_bytes: u64::MAX,
        ..config
    };
    match MemoryInstance::new(ty(IndexType::I64, 1 << 47, None), &config) {
        Err(MemoryError::Reserve { .. }) => {}
        other => panic!("expected a reservation error, got {other:?}"),
    }
}

#[test]
fn a_refusing_backing_makes_grow_return_none() {
    let (config, creator) = with_creator(Creator {
        grow_limit: Some(2 * 65_536),
        ..Creator::default()
    });
    let mut mem = new(ty(IndexType::I32, 1, None), &config);
    mem.store::<u32, 4>(0, 0, [1, 2, 3, 4]).unwrap();
    assert_eq!(mem.grow(1, &mut |_, _| true), Some(1));
    assert_eq!(mem.grow(1, &mut |_, _| true), None);
    assert_eq!(mem.size_pages(), 2);
    assert_eq!(mem.load::<u32, 4>(0, 0), Ok([1, 2, 3, 4]));
    assert_eq!(creator.grows.load(Ordering::Relaxed), 1);
}

#[test]
fn a_backing_without_guard_reports_it() {
    // A smaller reservation: no guard past the 4 GiB index space.
    let (config, _) = with_creator(Creator {
        no_guard: true,
        ..Creator::default()
    });
    let mut mem = new(ty(IndexType::I32, 1, Some(4)), &config);
    assert_eq!(mem.guard_bytes(), 0);
    let raw = mem.raw();
    assert!(raw.reserved >= raw.len);
    assert!((raw.reserved as u64) < 1 << 32);
    assert_eq!(mem.grow(3, &mut |_, _| true), Some(1));
    assert_eq!(mem.guard_bytes(), 0);

    // Bytes past the length that do not fault: nothing past `len` counts.
    let (hiding, _) = with_creator(Creator {
        hide_faults: true,
        ..Creator::default()
    });
    let mut mem = new(ty(IndexType::I32, 1, None), &hiding);
    assert_eq!(mem.guard_bytes(), 0);
    assert_eq!(mem.raw().reserved, 65_536);
    assert_eq!(mem.grow(1, &mut |_, _| true), Some(1));
    assert_eq!(mem.raw().reserved, 2 * 65_536);
    assert_eq!(mem.raw().len, 2 * 65_536);
}

#[test]
fn a_memory_that_may_not_move_refuses_to_outgrow_its_reservation() {
    // A reservation of the initial size only (the fallback path), which
    // growth must not leave.
    let config = MemoryConfig {
        base_may_move: false,
        creator: Some(Arc::new(DefaultMemoryCreator::minimal())),
        ..MemoryConfig::default()
    };
    let mut mem = new(ty(IndexType::I64, 1, None), &config);
    let base = mem.raw().base;
    assert_eq!(mem.grow(1, &mut |_, _| true), None);
    assert_eq!(mem.raw().base, base);
    assert_eq!(mem.size_pages(), 1);
    // With moving allowed, the same memory grows by moving.
    let config = MemoryConfig {
        base_may_move: true,
        ..config
    };
    let mut mem = new(ty(IndexType::I64, 1, None), &config);
    assert_eq!(mem.grow(1, &mut |_, _| true), Some(1));
    assert_eq!(mem.size_pages(), 2);
}

#[test]
fn a_backing_short_of_bytes_is_an_error_not_a_memory() {
    let (config, _) = with_creator(Creator {
        under_report: true,
        ..Creator::default()
    });
    let err = MemoryInstance::new(ty(IndexType::I32, 1, None), &config).expect_err("short");
    assert!(matches!(err, MemoryError::BrokenBacking(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the memory backing broke its contract: it has fewer accessible bytes than requested"
    );
    // An empty memory needs no bytes: the same backing serves it, and its
    // growth is refused (the backing has fewer bytes than asked for).
    let mut mem = new(ty(IndexType::I32, 0, None), &config);
    assert_eq!(mem.grow(1, &mut |_, _| true), None);
    assert_eq!(mem.size_bytes(), 0);
}
