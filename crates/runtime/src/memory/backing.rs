//! Embedder-supplied memory: the [`MemoryBacking`] contract, the
//! [`MemoryCreator`] that makes backings from a [`MemoryRequest`], and
//! [`Region`], the instance's one `unsafe` view of a backing's bytes.
//!
//! The split of work: a [`MemoryInstance`](super::MemoryInstance) decides
//! the layout (how much address space to reserve, the guard, the page size,
//! the limits) and does all size accounting and bounds checks; a backing only
//! provides address space and makes more of it accessible when asked. The
//! default backing is the crate's own `mmap` reservation
//! ([`DefaultMemoryCreator`]); an embedder supplies another through
//! [`MemoryConfig::creator`](super::MemoryConfig::creator), e.g. to place
//! memories in a file, count or veto growth, or allocate from its own pool.
//!
//! Compiled tiers read and write a memory through its raw base pointer,
//! without asking the backing, so what a backing promises about its bytes is
//! a safety contract: [`MemoryBacking`] is an `unsafe trait`. This module
//! holds the only `unsafe` code that relies on it (turning the base pointer
//! into slices, in [`Region`]).
#![deny(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]

use core::ptr::NonNull;

use strata_ir::MemoryType;

use super::error::MemoryError;

/// The error a backing or a creator reports when it refuses: any error,
/// boxed. A refused creation becomes [`MemoryError::Creator`] (or the
/// [`MemoryError`] itself if the creator passed one on, as wrappers of the
/// [`DefaultMemoryCreator`] do); a refused growth makes `memory.grow` return
/// -1.
pub type BackingError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What a memory needs from its backing, decided by
/// [`MemoryInstance`](super::MemoryInstance) from the memory's type and the
/// [`MemoryConfig`](super::MemoryConfig).
///
/// All sizes are in bytes. `initial_bytes <= maximum_bytes`, and
/// `reserve_bytes` is the layout the instance would like: large enough that
/// the base never moves and, for memory32 with 64 KiB pages, that any access
/// with a static offset below `guard_bytes` lands in reserved, faulting
/// address space. A backing may reserve less (then it reports it through
/// [`MemoryBacking::reserved`] and compiled tiers keep their explicit bounds
/// checks), but never less than the accessible bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoryRequest {
    /// The memory's declared type (index width, limits, page size).
    pub ty: MemoryType,
    /// Address space to reserve from the base: the largest accessible size
    /// (the full 4 GiB index space for memory32 with 64 KiB pages, the
    /// maximum otherwise) plus `guard_bytes`; saturates at `u64::MAX`.
    pub reserve_bytes: u64,
    /// The guard part of `reserve_bytes`: bytes past the largest accessible
    /// size that should fault on access.
    pub guard_bytes: u64,
    /// Bytes that must be accessible (readable, writable, zero) at creation.
    pub initial_bytes: u64,
    /// The largest accessible size growth may ask for: the smallest of the
    /// type's maximum, the spec's limit and the configured cap.
    pub maximum_bytes: u64,
    /// Whether [`MemoryBacking::grow_to`] may move the base. When false, a
    /// backing must grow in place or refuse.
    pub base_may_move: bool,
}

/// The address space behind one linear memory, supplied by an embedder (or
/// the default `mmap` reservation).
///
/// The runtime calls [`grow_to`](MemoryBacking::grow_to) with a length it
/// has already checked against the memory's limits; the backing only
/// decides whether it *can* provide the bytes.
///
/// # Safety
///
/// Compiled tiers and the interpreter access the memory through raw
/// pointers derived from [`base`](MemoryBacking::base), so an implementation
/// must guarantee, from creation until it is dropped:
///
/// 1. **Validity**: `[base, base + accessible())` is readable and writable,
///    initialized memory, and `reserved() >= accessible()`,
///    `reserved() <= isize::MAX`.
/// 2. **Exclusive ownership**: the whole reservation `[base, base +
///    reserved())` belongs to this backing alone. No other Rust object,
///    allocation or mapping lives in it, and nothing but the memory's owner
///    reads or writes it (no other thread, no signal handler, no other
///    mapping of the same file writing concurrently); the backing itself does
///    not touch the accessible bytes except inside `grow_to`.
/// 3. **Zero fill**: bytes read as zero when they become accessible (at
///    creation and in `grow_to`), and bytes once accessible keep the values
///    written to them (a moving `grow_to` copies them to the new base).
/// 4. **Past the accessible length**: bytes in `[base + accessible(), base +
///    reserved())` are at least inside the reservation (point 2), so a stray
///    access there corrupts nothing else. If
///    [`faults_past_accessible`](MemoryBacking::faults_past_accessible)
///    returns true, every access to them faults (e.g. `PROT_NONE`), except
///    within the host page that holds the last accessible byte.
/// 5. **Stability**: `base()`, `reserved()` and `accessible()` change only
///    during a successful `grow_to`, and `base()` only if the request allowed
///    moving. A failed `grow_to` changes nothing.
/// 6. **Threads**: the backing is `Send + Sync` as a type that owns its
///    bytes would be (the runtime writes through `&mut` only).
pub unsafe trait MemoryBacking: Send + Sync + 'static {
    /// Address of byte 0 of the memory (non-null even when nothing is
    /// reserved).
    fn base(&self) -> NonNull<u8>;

    /// Bytes of address space owned from [`base`](MemoryBacking::base):
    /// accessible, growable and guard bytes together.
    fn reserved(&self) -> usize;

    /// Bytes currently accessible from the base: at least what the runtime
    /// last asked for (creation's `initial_bytes` or the last successful
    /// [`grow_to`](MemoryBacking::grow_to)); may be more (host-page
    /// rounding).
    fn accessible(&self) -> usize;

    /// Whether every byte past the accessible length within the reservation
    /// faults on access (see point 4 of the contract). Compiled tiers may
    /// rely on such faults to drop bounds checks; a backing that cannot
    /// promise them returns false, the default, and every access is then
    /// checked explicitly.
    fn faults_past_accessible(&self) -> bool {
        false
    }

    /// Make the first `new_len` bytes accessible (`new_len` is larger than
    /// the current accessible length asked for, and at most the request's
    /// `maximum_bytes`), the new ones reading as zero. May move the base if
    /// the request allowed it, copying the contents. On `Err` nothing
    /// changes and `memory.grow` returns -1.
    fn grow_to(&mut self, new_len: usize) -> Result<(), BackingError>;
}

/// Makes the backings of new memories: the hook through which an embedder
/// supplies its own memory (installed with
/// [`MemoryConfig::creator`](super::MemoryConfig::creator)).
///
/// Called once per defined memory at instantiation and per host memory
/// created through the embedding API. An error fails that instantiation
/// with an error naming the memory; it never panics the runtime.
pub trait MemoryCreator: Send + Sync + 'static {
    /// A backing for `request` with at least `request.initial_bytes`
    /// accessible, or the reason there is none.
    fn new_memory(&self, request: &MemoryRequest) -> Result<Box<dyn MemoryBacking>, BackingError>;
}

/// The runtime's own backing: an anonymous `mmap` reservation of
/// `reserve_bytes` (`PROT_NONE`, committed on growth with `mprotect`), with
/// the fallbacks described in the [memory module docs](super). Its errors
/// are [`MemoryError`]s, so a creator wrapping it can pass them on.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultMemoryCreator {
    /// Skip straight to the smallest reservation (tests of moving growth).
    minimal: bool,
}

impl DefaultMemoryCreator {
    /// The default creator.
    pub const fn new() -> Self {
        Self { minimal: false }
    }

    /// A creator that reserves only the initial size, so growth moves.
    #[cfg(test)]
    pub(super) const fn minimal() -> Self {
        Self { minimal: true }
    }

    /// [`MemoryCreator::new_memory`] with its typed error.
    pub(super) fn create(
        &self,
        request: &MemoryRequest,
    ) -> Result<Box<dyn MemoryBacking>, MemoryError> {
        let backing = super::mmap::MmapBacking::new(request, self.minimal)?;
        Ok(Box::new(backing))
    }
}

impl MemoryCreator for DefaultMemoryCreator {
    fn new_memory(&self, request: &MemoryRequest) -> Result<Box<dyn MemoryBacking>, BackingError> {
        Ok(self.create(request)?)
    }
}

/// A backing and the state the instance reads on every access, cached from
/// it: base, the length the instance uses, whether bytes past it fault.
///
/// Invariant (from the [`MemoryBacking`] contract, checked on creation and
/// after every growth): `len <= accessible <= reserved <= isize::MAX` and
/// `base` is the backing's current base, so `[base, base + len)` is valid,
/// initialized memory owned by the backing, which `self` owns.
pub(super) struct Region {
    backing: Box<dyn MemoryBacking>,
    base: NonNull<u8>,
    len: usize,
    reserved: usize,
    faults: bool,
}

// SAFETY: `Region` owns its backing, which is `Send`; `base` points into the
// backing's reservation, which no one else uses (contract point 2), so
// moving the region to another thread moves sole ownership of those bytes,
// as for a `Box<[u8]>`.
unsafe impl Send for Region {}

// SAFETY: through `&Region` the bytes are only read (`slice`; `base` hands
// out a raw pointer whose use is its user's own `unsafe`); every write
// (`slice_mut`, `grow_to`) takes `&mut Region`, and the backing is `Sync`.
unsafe impl Sync for Region {}

impl Region {
    /// Take `backing`, whose first `len` bytes must be accessible.
    pub(super) fn new(backing: Box<dyn MemoryBacking>, len: usize) -> Result<Self, MemoryError> {
        let mut region = Region {
            backing,
            base: NonNull::dangling(),
            len: 0,
            reserved: 0,
            faults: false,
        };
        region.refresh(len).map_err(MemoryError::BrokenBacking)?;
        Ok(region)
    }

    /// Re-read the backing's state and set the length to `len` if the
    /// backing provides it; otherwise keep the old length and say how the
    /// backing broke its contract.
    fn refresh(&mut self, len: usize) -> Result<(), &'static str> {
        let accessible = self.backing.accessible();
        let reserved = self.backing.reserved();
        self.base = self.backing.base();
        self.faults = self.backing.faults_past_accessible();
        if reserved > isize::MAX as usize || accessible > reserved {
            // Trust nothing past what was accessible before.
            self.reserved = self.len;
            self.faults = false;
            return Err("it reports more accessible bytes than reserved, or over isize::MAX");
        }
        self.reserved = reserved;
        if len > accessible {
            // The old length is still accessible (contract point 5).
            return Err("it has fewer accessible bytes than requested");
        }
        self.len = len;
        Ok(())
    }

    /// Bytes the instance uses from the base.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Address of byte 0.
    #[inline]
    pub(super) fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    /// Bytes of address space owned from the base.
    #[inline]
    pub(super) fn reserved(&self) -> usize {
        self.reserved
    }

    /// Whether bytes past the accessible length fault.
    #[inline]
    pub(super) fn faults_past_len(&self) -> bool {
        self.faults
    }

    /// Grow the accessible length to `new_len` (larger than the current
    /// one). On failure the length is unchanged.
    pub(super) fn grow_to(&mut self, new_len: usize) -> Result<(), BackingError> {
        let result = self.backing.grow_to(new_len);
        // Re-read even on failure: a backing that broke contract point 5
        // must not leave a stale base behind.
        let refreshed = self.refresh(if result.is_ok() { new_len } else { self.len });
        result?;
        refreshed.map_err(|what| MemoryError::BrokenBacking(what).into())
    }

    /// The first `len` bytes.
    #[inline]
    pub(super) fn slice(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: by the type's invariant `[base, base + len)` is valid,
        // initialized memory of the backing, `len <= isize::MAX`. The slice
        // borrows `self`, which owns the backing, and every write goes
        // through `&mut self`, so no mutable alias exists while it lives
        // (the raw pointers of compiled tiers are used only while no such
        // borrow is alive; see `RawMemory`).
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }

    /// The first `len` bytes, mutably.
    #[inline]
    pub(super) fn slice_mut(&mut self) -> &mut [u8] {
        if self.len == 0 {
            return &mut [];
        }
        // SAFETY: as for `slice`; the slice borrows `self` mutably, so it is
        // the only reference into the memory while it lives.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }
}
