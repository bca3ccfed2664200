//! Virtual-memory primitives behind the default backing of a
//! [`MemoryInstance`](super::MemoryInstance): reserve address space, commit
//! (make read/write) a prefix of it, and unmap it on drop; and
//! [`MmapBacking`], the [`MemoryBacking`] built on them.
//!
//! With [`backing`](super::backing), this is one of the two modules of the
//! memory layer that contain `unsafe` code. Its primitive, [`Mmap`], upholds
//! these invariants, on which every `unsafe` block below relies:
//!
//! - if `reserved == 0` there is no mapping, `ptr` is dangling (never
//!   dereferenced) and `committed == 0`;
//! - otherwise `[ptr, ptr + reserved)` is one anonymous private mapping created
//!   by [`Mmap::reserve`] and owned exclusively by this value; `ptr` is
//!   host-page aligned, `reserved` is a multiple of the host page size and at
//!   most `isize::MAX`;
//! - `[ptr, ptr + committed)` is `PROT_READ | PROT_WRITE`, the rest of the
//!   reservation is `PROT_NONE`; `committed <= reserved` and `committed` is a
//!   multiple of the host page size (or equal to `reserved`);
//! - committed memory is initialized: anonymous pages read as zero until
//!   written, and nothing is ever decommitted, so bytes once committed keep the
//!   values written to them.
//!
//! The system calls live in the private `os` module. Under Miri, which
//! cannot run `PROT_NONE` reservations or `mprotect`, `os` is a heap
//! stand-in with the same contract (small reservations only, nothing
//! faulting past the committed length), so the memory layer and the
//! interpreter's accesses run under Miri unchanged (`cargo xtask miri`).
#![deny(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]

use std::io;
use std::ptr::NonNull;
use std::sync::OnceLock;

use super::backing::{BackingError, MemoryBacking, MemoryRequest};
use super::error::MemoryError;

/// `MAP_NORESERVE` where the host has it: do not account swap for the
/// reservation (only touched pages cost anything).
#[cfg(all(not(miri), any(target_os = "linux", target_os = "android")))]
const MAP_NORESERVE: libc::c_int = libc::MAP_NORESERVE;
#[cfg(all(not(miri), not(any(target_os = "linux", target_os = "android"))))]
const MAP_NORESERVE: libc::c_int = 0;

/// The host's page size in bytes (a power of two), queried once.
pub(super) fn host_page_size() -> usize {
    static PAGE_SIZE: OnceLock<usize> = OnceLock::new();
    *PAGE_SIZE.get_or_init(|| {
        // SAFETY: `sysconf` has no preconditions; it only reads a system
        // configuration value.
        let raw = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        match usize::try_from(raw) {
            Ok(size) if size.is_power_of_two() => size,
            _ => 4096,
        }
    })
}

/// `bytes` rounded up to a multiple of the host page size, if that fits.
pub(super) fn round_up_to_host_page(bytes: usize) -> Option<usize> {
    let mask = host_page_size() - 1;
    bytes.checked_add(mask).map(|v| v & !mask)
}

fn out_of_address_space(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::OutOfMemory, what.to_owned())
}

/// An owned region of reserved virtual memory whose first `committed` bytes
/// are readable and writable. See the module documentation for invariants.
pub(super) struct Mmap {
    ptr: NonNull<u8>,
    reserved: usize,
    committed: usize,
}

// SAFETY: an `Mmap` owns its mapping exclusively — no other value holds a
// pointer into it that it did not hand out for the duration of a borrow — so,
// like a `Box<[u8]>`, it may be moved to and dropped on another thread.
unsafe impl Send for Mmap {}

// SAFETY: through `&Mmap` the mapping can only be read (`slice`; the base
// `MmapBacking::base` hands out is a raw pointer whose use is the caller's
// own `unsafe`); every mutation
// (`slice_mut`, `commit`, drop) needs `&mut Mmap` or ownership, so shared
// references on several threads cannot race.
unsafe impl Sync for Mmap {}

impl Mmap {
    /// A reservation of zero bytes: no mapping at all.
    pub(super) const fn empty() -> Self {
        Mmap {
            ptr: NonNull::dangling(),
            reserved: 0,
            committed: 0,
        }
    }

    /// Reserve at least `bytes` bytes (rounded up to the host page size) of
    /// address space as `PROT_NONE`. Costs no physical memory. Zero bytes
    /// gives [`Mmap::empty`].
    pub(super) fn reserve(bytes: usize) -> io::Result<Self> {
        if bytes == 0 {
            return Ok(Self::empty());
        }
        let len = round_up_to_host_page(bytes)
            .filter(|&len| isize::try_from(len).is_ok())
            .ok_or_else(|| out_of_address_space("reservation exceeds the host address space"))?;
        let ptr = os::reserve(len)?;
        Ok(Mmap {
            ptr,
            reserved: len,
            committed: 0,
        })
    }

    /// Bytes of address space owned, starting at the base.
    #[inline]
    pub(super) fn reserved(&self) -> usize {
        self.reserved
    }

    /// Bytes committed (readable and writable) from the base.
    #[inline]
    pub(super) fn committed(&self) -> usize {
        self.committed
    }

    /// Make at least the first `len` bytes readable and writable (rounded up
    /// to the host page size, never beyond the reservation). Newly committed
    /// bytes read as zero. Fails, changing nothing, if `len` exceeds the
    /// reservation or the OS refuses.
    pub(super) fn commit(&mut self, len: usize) -> io::Result<()> {
        if len <= self.committed {
            return Ok(());
        }
        if len > self.reserved {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "commit beyond the reservation",
            ));
        }
        // `reserved` is a page multiple and `len <= reserved`, so rounding up
        // cannot overflow or pass it; `min` keeps that obvious.
        let end = round_up_to_host_page(len)
            .unwrap_or(self.reserved)
            .min(self.reserved);
        let start = self.committed;
        // SAFETY: `start <= end <= reserved`, so `[base + start, base + end)`
        // lies inside our own reservation (and `add` stays in bounds).
        // `base` is page aligned and `start` a page multiple. The range is
        // not yet committed and not covered by any Rust reference (slices
        // cover at most `[0, committed)`), so committing it invalidates
        // nothing.
        unsafe { os::commit(self.ptr.as_ptr().add(start), end - start) }?;
        self.committed = end;
        Ok(())
    }

    /// The first `len` bytes, which must be committed (`len` is clamped to the
    /// committed size otherwise).
    #[inline]
    pub(super) fn slice(&self, len: usize) -> &[u8] {
        debug_assert!(len <= self.committed, "slice beyond committed memory");
        let len = len.min(self.committed);
        if len == 0 {
            return &[];
        }
        // SAFETY: `[base, base + len)` is within the committed, readable part
        // of our mapping and initialized (zero-filled anonymous memory or
        // bytes written since); `len <= reserved <= isize::MAX`. The slice
        // borrows `self`, and writing requires `&mut self`, so no mutable
        // alias exists while it lives; the mapping outlives it (unmapped only
        // on drop).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), len) }
    }

    /// The first `len` bytes, mutably (clamped like [`Mmap::slice`]).
    #[inline]
    pub(super) fn slice_mut(&mut self, len: usize) -> &mut [u8] {
        debug_assert!(len <= self.committed, "slice beyond committed memory");
        let len = len.min(self.committed);
        if len == 0 {
            return &mut [];
        }
        // SAFETY: as for `slice`, and the slice borrows `self` mutably, so it
        // is the only reference into the mapping while it lives.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), len) }
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        if self.reserved == 0 {
            return;
        }
        // SAFETY: `[ptr, ptr + reserved)` is exactly the reservation
        // `reserve` made, owned by us alone; every slice into it borrowed
        // `self` and has ended. Raw pointers handed out as the backing's base
        // are documented as invalid once the owning memory is dropped.
        unsafe { os::release(self.ptr, self.reserved) };
    }
}

/// The operating system's side of [`Mmap`]: `mmap`, `mprotect`, `munmap`.
#[cfg(not(miri))]
mod os {
    use std::io;
    use std::ptr::{self, NonNull};

    use super::{out_of_address_space, MAP_NORESERVE};

    /// Reserve `len` bytes (a non-zero multiple of the host page size, at
    /// most `isize::MAX`) of address space as `PROT_NONE`.
    pub(super) fn reserve(len: usize) -> io::Result<NonNull<u8>> {
        // SAFETY: an anonymous mapping with a null address hint and without
        // MAP_FIXED: the kernel picks a range that overlaps no existing
        // mapping, so no memory visible to Rust is affected. `len > 0`, and
        // `fd = -1`, `offset = 0` are what MAP_ANONYMOUS requires.
        let raw = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | MAP_NORESERVE,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        match NonNull::new(raw.cast::<u8>()) {
            Some(ptr) => Ok(ptr),
            None => {
                // SAFETY: the kernel just created this mapping of `len` bytes
                // at address 0 for us; nothing refers to it yet.
                unsafe { libc::munmap(raw, len) };
                Err(out_of_address_space("mmap returned a null mapping"))
            }
        }
    }

    /// Make `[at, at + len)` readable and writable.
    ///
    /// # Safety
    /// The range must lie in a reservation of [`reserve`], start on a host
    /// page and be covered by no Rust reference.
    pub(super) unsafe fn commit(at: *mut u8, len: usize) -> io::Result<()> {
        // SAFETY: the caller's promise: a page-aligned range of our own
        // mapping that nothing borrows, so changing its protection
        // invalidates nothing.
        let rc = unsafe {
            libc::mprotect(
                at.cast::<libc::c_void>(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Unmap a reservation.
    ///
    /// # Safety
    /// `(ptr, len)` must be a reservation of [`reserve`] that nothing uses
    /// any more.
    pub(super) unsafe fn release(ptr: NonNull<u8>, len: usize) {
        // SAFETY: the caller's promise: exactly one mapping of ours, unused.
        let rc = unsafe { libc::munmap(ptr.as_ptr().cast::<libc::c_void>(), len) };
        debug_assert_eq!(rc, 0, "munmap of an owned mapping failed");
    }
}

/// Under Miri, which runs neither `PROT_NONE` reservations nor `mprotect`:
/// the same primitives on the heap. A reservation is one zeroed, page-aligned
/// allocation of at most [`os::MAX_RESERVATION`] bytes (larger ones fail, so
/// [`MmapBacking`]'s fallbacks to smaller reservations and moving growth are
/// what run), committing only moves the committed length, and nothing past
/// it faults (so [`MmapBacking::faults_past_accessible`] is false under
/// Miri and every tier checks every access).
#[cfg(miri)]
mod os {
    use std::alloc::Layout;
    use std::io;
    use std::ptr::NonNull;

    use super::{host_page_size, out_of_address_space};

    /// The largest reservation the heap stand-in makes.
    pub(super) const MAX_RESERVATION: usize = 16 << 20;

    fn layout(len: usize) -> io::Result<Layout> {
        Layout::from_size_align(len, host_page_size())
            .map_err(|_| out_of_address_space("reservation exceeds the host address space"))
    }

    /// Allocate `len` zeroed bytes (a non-zero multiple of the host page
    /// size), if at most [`MAX_RESERVATION`].
    pub(super) fn reserve(len: usize) -> io::Result<NonNull<u8>> {
        if len > MAX_RESERVATION {
            return Err(out_of_address_space(
                "reservation over the Miri stand-in's heap cap",
            ));
        }
        let layout = layout(len)?;
        // SAFETY: `layout` has a non-zero size (`len > 0`).
        let raw = unsafe { std::alloc::alloc_zeroed(layout) };
        NonNull::new(raw).ok_or_else(|| out_of_address_space("heap allocation failed"))
    }

    /// Nothing to do: the whole allocation is readable, writable and zero.
    ///
    /// # Safety
    /// As for the operating system's `commit` (nothing is done here).
    pub(super) unsafe fn commit(_at: *mut u8, _len: usize) -> io::Result<()> {
        Ok(())
    }

    /// Free a reservation.
    ///
    /// # Safety
    /// `(ptr, len)` must be a reservation of [`reserve`] that nothing uses
    /// any more.
    pub(super) unsafe fn release(ptr: NonNull<u8>, len: usize) {
        if let Ok(layout) = layout(len) {
            // SAFETY: the caller's promise: allocated by `reserve` with this
            // very layout (`reserve` succeeded with it), and unused.
            unsafe { std::alloc::dealloc(ptr.as_ptr(), layout) };
        }
    }
}

impl core::fmt::Debug for Mmap {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Mmap")
            .field("base", &self.ptr)
            .field("reserved", &self.reserved)
            .field("committed", &self.committed)
            .finish()
    }
}

/// The default [`MemoryBacking`]: one [`Mmap`] reservation, committed as the
/// memory grows, replaced by a larger one (contents copied) when growth goes
/// past it and the request allows moving.
#[derive(Debug)]
pub(super) struct MmapBacking {
    map: Mmap,
    /// The request's `maximum_bytes`, clamped to the host: the most a moving
    /// growth reserves.
    max_len: usize,
    may_move: bool,
}

fn host_too_small(bytes: u64) -> MemoryError {
    MemoryError::Reserve {
        bytes,
        source: io::Error::new(
            io::ErrorKind::OutOfMemory,
            "size exceeds the host address space",
        ),
    }
}

impl MmapBacking {
    /// Reserve for `request`: the full `reserve_bytes` if the OS gives it,
    /// else the maximum size without a guard, else (if the base may move,
    /// or the maximum is the initial size) only the initial size.
    /// `minimal` skips straight to the last candidate (tests of moving
    /// growth).
    pub(super) fn new(request: &MemoryRequest, minimal: bool) -> Result<Self, MemoryError> {
        let min_bytes = request.initial_bytes;
        let min_len = usize::try_from(min_bytes).map_err(|_| host_too_small(min_bytes))?;
        let max_len = usize::try_from(request.maximum_bytes).unwrap_or(usize::MAX);
        let initial_only = request.base_may_move || request.maximum_bytes == min_bytes;
        let candidates: [Option<u64>; 3] = if minimal {
            [Some(min_bytes), None, None]
        } else {
            [
                Some(request.reserve_bytes),
                Some(request.maximum_bytes),
                initial_only.then_some(min_bytes),
            ]
        };
        let mut last_error = None;
        let mut tried: Option<usize> = None;
        for bytes in candidates.into_iter().flatten() {
            let Ok(size) = usize::try_from(bytes) else {
                continue;
            };
            if tried.is_some_and(|t| t <= size) {
                continue; // a reservation at least this large already failed
            }
            tried = Some(size);
            let result = Mmap::reserve(size).and_then(|mut map| {
                map.commit(min_len)?;
                Ok(map)
            });
            match result {
                Ok(map) => {
                    return Ok(MmapBacking {
                        map,
                        max_len,
                        may_move: request.base_may_move,
                    })
                }
                Err(source) => last_error = Some(MemoryError::Reserve { bytes, source }),
            }
        }
        Err(last_error.unwrap_or_else(|| host_too_small(request.maximum_bytes)))
    }

    /// Growth past the reservation: map a new, larger region (about double,
    /// capped by the maximum), commit it, copy the contents over and release
    /// the old one. Leaves `self` untouched on failure.
    fn relocate(&mut self, new_len: usize) -> io::Result<()> {
        let old_len = self.map.committed();
        let roomy = old_len
            .saturating_mul(2)
            .max(new_len)
            .min(self.max_len.max(new_len));
        let mut map = match Mmap::reserve(roomy) {
            Ok(map) => map,
            Err(_) if roomy > new_len => Mmap::reserve(new_len)?,
            Err(e) => return Err(e),
        };
        map.commit(new_len)?;
        // `new_len > old reserved >= old_len`, and the new commit covers at
        // least `new_len`.
        map.slice_mut(old_len)
            .copy_from_slice(self.map.slice(old_len));
        self.map = map;
        Ok(())
    }
}

// SAFETY: the contract points, from the invariants of `Mmap`:
// 1. `[ptr, ptr + committed)` is read-write and initialized, `committed <=
//    reserved <= isize::MAX`;
// 2. the mapping is anonymous, private and owned by the `Mmap` alone;
// 3. anonymous pages read as zero until written, nothing is decommitted, and
//    `relocate` copies every committed byte;
// 4. `[ptr + committed, ptr + reserved)` is `PROT_NONE`, and `committed` is
//    `len` rounded up to the host page (the exception the contract allows);
// 5. only `grow_to` changes the mapping, moving it only when `may_move`, and
//    both `commit` and `relocate` change nothing on failure;
// 6. `Mmap` is `Send + Sync` (see its impls).
unsafe impl MemoryBacking for MmapBacking {
    fn base(&self) -> NonNull<u8> {
        // Dangling but non-null when nothing is reserved.
        self.map.ptr
    }

    fn reserved(&self) -> usize {
        self.map.reserved()
    }

    fn accessible(&self) -> usize {
        self.map.committed()
    }

    fn faults_past_accessible(&self) -> bool {
        // Under Miri the reservation is a heap allocation (see `os`).
        !cfg!(miri)
    }

    fn grow_to(&mut self, new_len: usize) -> Result<(), BackingError> {
        if new_len <= self.map.reserved() {
            self.map.commit(new_len)?;
        } else if self.may_move {
            self.relocate(new_len)?;
        } else {
            return Err(format!(
                "growing to {new_len} bytes needs more than the {} bytes reserved, and the memory may not move",
                self.map.reserved()
            )
            .into());
        }
        Ok(())
    }
}
