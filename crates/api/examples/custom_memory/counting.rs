//! A [`MemoryCreator`] whose backings count their growth: each wraps the
//! runtime's default backing ([`DefaultMemoryCreator`]), so the memory keeps
//! its guard reservation, and forwards every call, counting successful
//! growths and refusing growth past a budget. The creator can also refuse
//! memories larger than it is willing to serve.
//!
//! Shared by the `custom_memory` example and `tests/custom_memory.rs`.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use strata_api::{BackingError, DefaultMemoryCreator, MemoryBacking, MemoryCreator, MemoryRequest};

/// What the memories of one [`CountingCreator`] did, together.
#[derive(Debug, Default)]
pub struct Counts {
    /// Memories created.
    pub memories: AtomicU64,
    /// Successful growths.
    pub grows: AtomicU64,
    /// Growths the backing refused (over the budget).
    pub refused_grows: AtomicU64,
}

impl Counts {
    /// `(memories, grows, refused grows)`.
    pub fn get(&self) -> (u64, u64, u64) {
        (
            self.memories.load(Ordering::Relaxed),
            self.grows.load(Ordering::Relaxed),
            self.refused_grows.load(Ordering::Relaxed),
        )
    }
}

/// Makes [`CountingBacking`]s; see the module docs.
#[derive(Debug, Default)]
pub struct CountingCreator {
    counts: Arc<Counts>,
    /// Successful growths allowed over all memories; `None`: no budget.
    grow_budget: Option<u64>,
    /// Refuse memories whose maximum is larger; `None`: serve any.
    max_bytes: Option<u64>,
}

impl CountingCreator {
    /// A creator without budget or size limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// Refuse growth once `grows` growths succeeded.
    pub fn grow_budget(mut self, grows: u64) -> Self {
        self.grow_budget = Some(grows);
        self
    }

    /// Refuse memories that may grow past `bytes`.
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = Some(bytes);
        self
    }

    /// The counts of this creator's memories.
    pub fn counts(&self) -> Arc<Counts> {
        self.counts.clone()
    }
}

impl MemoryCreator for CountingCreator {
    fn new_memory(&self, request: &MemoryRequest) -> Result<Box<dyn MemoryBacking>, BackingError> {
        if let Some(limit) = self.max_bytes {
            if request.maximum_bytes > limit {
                return Err(format!(
                    "this creator serves memories of at most {limit} bytes, not {}",
                    request.maximum_bytes
                )
                .into());
            }
        }
        let inner = DefaultMemoryCreator::new().new_memory(request)?;
        self.counts.memories.fetch_add(1, Ordering::Relaxed);
        Ok(Box::new(CountingBacking {
            inner,
            counts: self.counts.clone(),
            grow_budget: self.grow_budget,
        }))
    }
}

/// The default backing, counted.
pub struct CountingBacking {
    inner: Box<dyn MemoryBacking>,
    counts: Arc<Counts>,
    grow_budget: Option<u64>,
}

// SAFETY: every promise of the contract is the inner backing's, which keeps
// it: the wrapper forwards each call unchanged, and when it refuses a growth
// it does so before calling the inner backing, so nothing changes.
unsafe impl MemoryBacking for CountingBacking {
    fn base(&self) -> NonNull<u8> {
        self.inner.base()
    }

    fn reserved(&self) -> usize {
        self.inner.reserved()
    }

    fn accessible(&self) -> usize {
        self.inner.accessible()
    }

    fn faults_past_accessible(&self) -> bool {
        self.inner.faults_past_accessible()
    }

    fn grow_to(&mut self, new_len: usize) -> Result<(), BackingError> {
        let done = self.counts.grows.load(Ordering::Relaxed);
        if self.grow_budget.is_some_and(|budget| done >= budget) {
            self.counts.refused_grows.fetch_add(1, Ordering::Relaxed);
            return Err(format!("grow budget of {done} growths spent").into());
        }
        self.inner.grow_to(new_len)?;
        self.counts.grows.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
