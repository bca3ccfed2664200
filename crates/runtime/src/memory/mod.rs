//! Linear memories: the byte arrays behind `memory.*` instructions, shared by
//! every execution tier (the interpreter now; the baseline JIT and the AOT
//! tier later).
//!
//! A [`LinearMemory`] has one index width for its whole life — memory32 or
//! memory64, taken from its [`MemoryType`] — and the typed accessors
//! [`LinearMemory::load`] and [`LinearMemory::store`] are monomorphized over
//! that width through [`strata_ir::Address`], so a memory32 access pays nothing
//! for memory64 existing. Every access made through this type is bounds-checked
//! against the *current* size, with overflow-checked effective addresses: an
//! access never wraps around 2^32 or 2^64. Contents are plain bytes; the
//! caller decides their (little-endian) interpretation.
//!
//! # Virtual-memory layout
//!
//! ```text
//! base                  len               max accessible        reserved
//!  | read/write (RW)     | PROT_NONE (grows into) |  PROT_NONE guard    |
//!  +---------------------+------------------------+--------------------+
//! ```
//!
//! At creation a memory reserves address space — `PROT_NONE`, `MAP_PRIVATE |
//! MAP_ANONYMOUS | MAP_NORESERVE`, costing no physical memory — for its largest
//! possible size plus [`MemoryConfig::guard_bytes`], and makes only its
//! initial size readable and writable. `memory.grow` just `mprotect`s more of
//! the reservation, so the base pointer never moves, and pages cost memory only
//! once touched: a 5 GiB memory64 memory with two pages written uses two
//! pages. The largest possible size is the smallest of the type's maximum, the
//! spec's limit (2^16 pages for memory32 with 64 KiB pages, 2^48 for
//! memory64) and the configured cap [`MemoryConfig::max_memory_bytes`].
//!
//! A memory32 memory with 64 KiB pages always reserves the full 4 GiB index
//! space plus the guard, whatever its declared maximum, so a compiled tier may
//! drop its bounds check for any access whose `offset + width` fits in the
//! guard: `addr + offset + width <= 4 GiB + guard_bytes <= reserved`, and every
//! byte past `len` faults. No tier does today (a fault would need a signal
//! handler to become a trap): what the compiled tiers check before each
//! access is decided in one place, [`bounds_plan`], which also holds the
//! sandbox argument. The checks in *this* layer are always performed.
//!
//! Custom page sizes (`page_size_log2 < 16`, down to 1-byte pages) are
//! supported generically: page size is `1 << page_size_log2`. The host commits
//! whole host pages, so up to one host page past `len` may be readable at the
//! OS level; compiled tiers must therefore keep explicit bounds checks for such
//! memories (they are not eligible for check elision anyway).
//!
//! # Fallback when address space is short
//!
//! If the full reservation fails (e.g. `ENOMEM` under `ulimit -v`, or on a
//! 32-bit host), the memory first tries to reserve its largest possible size
//! without a guard, and then only its current size. A memory whose reservation
//! is smaller than its largest possible size grows by reserving a new, larger
//! region (about double, capped by the maximum), committing it, copying the
//! contents over and unmapping the old one: growth then *moves* the base
//! pointer. [`RawMemory::reserved`] tells a compiled tier which case it is in;
//! in any case it must re-read [`LinearMemory::raw`] after every grow.
//!
//! # Hosts
//!
//! memory64 needs a 64-bit host: on 32-bit hosts [`LinearMemory::new`] returns
//! [`MemoryError::Memory64On32BitHost`]. Shared memories are not supported
//! ([`MemoryError::SharedUnsupported`]).

pub mod bounds_plan;
mod bulk;
mod error;
#[allow(unsafe_code)]
mod mmap;
#[cfg(test)]
mod tests;

pub use bounds_plan::{plan_access, AccessFacts, BoundsCheck, BoundsPlan};
pub use error::MemoryError;

use mmap::Mmap;
use strata_ir::{Address, IndexType, MemoryType, TrapCode};

/// The largest supported `page_size_log2` (the standard 64 KiB page).
const MAX_PAGE_SIZE_LOG2: u8 = 16;

/// Configuration of memory reservations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryConfig {
    /// Cap on any one memory's size in bytes (engine default, a store may
    /// override it). A memory whose declared minimum exceeds it fails to be
    /// created ([`MemoryError::ExceedsCap`]); `memory.grow` past it returns -1.
    /// Default: [`MemoryConfig::DEFAULT_MAX_MEMORY_BYTES`].
    pub max_memory_bytes: u64,
    /// Guard bytes reserved (`PROT_NONE`) after a memory's largest possible
    /// size; compiled tiers use them to elide bounds checks for memory32.
    /// Costs address space only. Default:
    /// [`MemoryConfig::DEFAULT_GUARD_BYTES`].
    pub guard_bytes: u64,
}

impl MemoryConfig {
    /// Default cap on one memory: 16 GiB (2^34 bytes) on 64-bit hosts, 1 GiB
    /// on 32-bit hosts.
    #[cfg(target_pointer_width = "64")]
    pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 1 << 34;
    /// Default cap on one memory: 16 GiB (2^34 bytes) on 64-bit hosts, 1 GiB
    /// on 32-bit hosts.
    #[cfg(not(target_pointer_width = "64"))]
    pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 1 << 30;

    /// Default guard: 2 GiB + 64 KiB on 64-bit hosts — enough for any access
    /// with a static offset below 2 GiB, plus its width — and none on 32-bit
    /// hosts, whose address space is too small to spend on guards.
    #[cfg(target_pointer_width = "64")]
    pub const DEFAULT_GUARD_BYTES: u64 = (1 << 31) + (1 << 16);
    /// Default guard: 2 GiB + 64 KiB on 64-bit hosts — enough for any access
    /// with a static offset below 2 GiB, plus its width — and none on 32-bit
    /// hosts, whose address space is too small to spend on guards.
    #[cfg(not(target_pointer_width = "64"))]
    pub const DEFAULT_GUARD_BYTES: u64 = 0;
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            max_memory_bytes: Self::DEFAULT_MAX_MEMORY_BYTES,
            guard_bytes: Self::DEFAULT_GUARD_BYTES,
        }
    }
}

/// A memory's raw view, for compiled tiers.
///
/// `[base, base + len)` is readable and writable; `[base + len, base +
/// reserved)` is owned by the memory and faults on access (bar the rounding
/// to host pages described in the [module docs](self)). Getting it is safe;
/// using it is the tier's `unsafe` business: it is valid only while the
/// memory lives and is not grown (growth may move `base`) or mutably borrowed.
/// For an empty reservation, `base` is dangling but non-null and `reserved` is
/// 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawMemory {
    /// Address of byte 0.
    pub base: *mut u8,
    /// Current accessible length in bytes.
    pub len: usize,
    /// Bytes of address space reserved from `base` (accessible, growable and
    /// guard bytes together).
    pub reserved: usize,
}

/// A linear memory: a reservation of virtual memory of which the first
/// [`size_bytes`](LinearMemory::size_bytes) bytes are accessible.
///
/// Owns its mapping exclusively; it is unmapped on drop. `Send + Sync`:
/// shared references only read, all writes take `&mut self`.
pub struct LinearMemory {
    /// The declared type (minimum as declared, not the current size).
    ty: MemoryType,
    /// The reservation; its first `len` bytes are committed.
    map: Mmap,
    /// Current size in bytes: always `pages << page_size_log2`.
    len: usize,
    /// Largest page count growth may reach: min(type max, spec max, cap).
    max_pages: u64,
}

impl core::fmt::Debug for LinearMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LinearMemory")
            .field("ty", &self.ty)
            .field("size_bytes", &self.len)
            .field("max_pages", &self.max_pages)
            .field("map", &self.map)
            .finish()
    }
}

/// [`MemoryType::max_pages_by_spec`] without its shift overflow: memory64
/// with 1-byte pages would be 2^64 pages, which saturates to `u64::MAX`.
/// Requires `page_size_log2 <= 16`.
fn spec_max_pages(ty: &MemoryType) -> u64 {
    let addr_bits: u32 = if ty.index.is_64() { 64 } else { 32 };
    1u64.checked_shl(addr_bits - u32::from(ty.page_size_log2))
        .unwrap_or(u64::MAX)
}

fn host_too_small(bytes: u64) -> MemoryError {
    MemoryError::Reserve {
        bytes,
        source: std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            "size exceeds the host address space",
        ),
    }
}

impl LinearMemory {
    /// Create a memory of type `ty`, `ty.limits.min` pages long and zeroed.
    ///
    /// Fails if the type is shared, is memory64 on a 32-bit host, has a
    /// minimum above `config.max_memory_bytes` (also when `min * page size`
    /// overflows), is malformed (see [`MemoryError::InvalidType`]), or if the
    /// OS cannot provide even the initial size.
    pub fn new(ty: MemoryType, config: &MemoryConfig) -> Result<Self, MemoryError> {
        Self::create(ty, config, false)
    }

    /// [`LinearMemory::new`], optionally skipping straight to the smallest
    /// reservation (the fallback path) so tests can exercise moving growth.
    fn create(
        ty: MemoryType,
        config: &MemoryConfig,
        minimal_reservation: bool,
    ) -> Result<Self, MemoryError> {
        if ty.shared {
            return Err(MemoryError::SharedUnsupported);
        }
        #[cfg(not(target_pointer_width = "64"))]
        if ty.index.is_64() {
            return Err(MemoryError::Memory64On32BitHost);
        }
        if ty.page_size_log2 > MAX_PAGE_SIZE_LOG2 {
            return Err(MemoryError::InvalidType("page size above 64 KiB"));
        }
        let log2 = u32::from(ty.page_size_log2);
        let cap = config.max_memory_bytes;
        let requested_pages = ty.limits.min;
        let min_bytes = match requested_pages.checked_mul(ty.page_size()) {
            Some(bytes) if bytes <= cap => bytes,
            _ => {
                return Err(MemoryError::ExceedsCap {
                    requested_pages,
                    requested_bytes: u128::from(requested_pages) * u128::from(ty.page_size()),
                    cap_bytes: cap,
                })
            }
        };
        let spec_max = spec_max_pages(&ty);
        if ty.limits.max.is_some_and(|max| requested_pages > max) {
            return Err(MemoryError::InvalidType("minimum above maximum"));
        }
        if requested_pages > spec_max {
            return Err(MemoryError::InvalidType(
                "minimum above the spec's page limit",
            ));
        }
        let max_pages = ty
            .limits
            .max
            .unwrap_or(spec_max)
            .min(spec_max)
            .min(cap >> log2);
        // `max_pages << log2 <= cap`, so this cannot overflow.
        let max_bytes = max_pages << log2;
        let min_len = usize::try_from(min_bytes).map_err(|_| host_too_small(min_bytes))?;

        // Reservation candidates, largest first (see the module docs).
        let elidable_32 = ty.index == IndexType::I32 && ty.page_size_log2 == MAX_PAGE_SIZE_LOG2;
        let full = if elidable_32 { 1u64 << 32 } else { max_bytes }.checked_add(config.guard_bytes);
        let candidates: [Option<u64>; 3] = if minimal_reservation {
            [Some(min_bytes), None, None]
        } else {
            [full, Some(max_bytes), Some(min_bytes)]
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
                    return Ok(LinearMemory {
                        ty,
                        map,
                        len: min_len,
                        max_pages,
                    })
                }
                Err(source) => last_error = Some(MemoryError::Reserve { bytes, source }),
            }
        }
        Err(last_error.unwrap_or_else(|| host_too_small(min_bytes)))
    }

    /// The declared type. Its `limits.min` is the *initial* size; see
    /// [`LinearMemory::current_type`] for the type at the current size.
    #[inline]
    pub fn ty(&self) -> &MemoryType {
        &self.ty
    }

    /// The type with `limits.min` set to the current size in pages, as import
    /// matching needs it.
    pub fn current_type(&self) -> MemoryType {
        let mut ty = self.ty;
        ty.limits.min = self.size_pages();
        ty
    }

    /// The index width (memory32 or memory64).
    #[inline]
    pub fn index_type(&self) -> IndexType {
        self.ty.index
    }

    /// Current size in pages.
    #[inline]
    pub fn size_pages(&self) -> u64 {
        (self.len as u64) >> self.ty.page_size_log2
    }

    /// Current size in bytes.
    #[inline]
    pub fn size_bytes(&self) -> u64 {
        self.len as u64
    }

    /// The largest size in pages growth may reach: the smallest of the type's
    /// maximum, the spec's limit and the configured cap.
    #[inline]
    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// `memory.grow`: grow by `delta_pages` pages, zero-filled.
    ///
    /// Returns `Some(old_pages)` on success and `None` (Wasm's -1) when
    /// refused: the new size would exceed the type's maximum, the spec's limit
    /// (2^16 pages for memory32 with 64 KiB pages, 2^48 for memory64) or the
    /// configured cap; the page count overflows (`delta_pages` is never
    /// truncated: 2^32, 2^63 or `u64::MAX` pages are refused cleanly);
    /// `allow(current_bytes, new_bytes)` returns false (the store's resource
    /// limiter; not called when the request is refused earlier or for
    /// `delta_pages == 0`); or the OS refuses. On refusal the contents and the
    /// size are unchanged. `grow(0, ..)` returns the current size.
    pub fn grow(
        &mut self,
        delta_pages: u64,
        allow: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Option<u64> {
        let old_pages = self.size_pages();
        if delta_pages == 0 {
            return Some(old_pages);
        }
        let new_pages = old_pages
            .checked_add(delta_pages)
            .filter(|&pages| pages <= self.max_pages)?;
        // `new_pages <= max_pages`, whose byte size is at most the cap.
        let new_bytes = new_pages << self.ty.page_size_log2;
        let new_len = usize::try_from(new_bytes).ok()?;
        if !allow(self.size_bytes(), new_bytes) {
            return None;
        }
        if new_len <= self.map.reserved() {
            self.map.commit(new_len).ok()?;
        } else {
            self.relocate(new_len).ok()?;
        }
        self.len = new_len;
        Some(old_pages)
    }

    /// Fallback growth past the reservation: map a new, larger region, copy
    /// the contents over and release the old one. Leaves `self` untouched on
    /// failure.
    fn relocate(&mut self, new_len: usize) -> std::io::Result<()> {
        let max_len =
            usize::try_from(self.max_pages << self.ty.page_size_log2).unwrap_or(usize::MAX);
        let roomy = self.len.saturating_mul(2).max(new_len).min(max_len);
        let mut map = match Mmap::reserve(roomy) {
            Ok(map) => map,
            Err(_) if roomy > new_len => Mmap::reserve(new_len)?,
            Err(e) => return Err(e),
        };
        map.commit(new_len)?;
        map.slice_mut(self.len).copy_from_slice(self.data());
        self.map = map;
        Ok(())
    }

    /// The accessible bytes.
    #[inline]
    pub fn data(&self) -> &[u8] {
        self.map.slice(self.len)
    }

    /// The accessible bytes, mutably.
    #[inline]
    pub fn data_mut(&mut self) -> &mut [u8] {
        self.map.slice_mut(self.len)
    }

    /// Typed scalar load of `N` bytes, monomorphized per index width: `A` is
    /// `u32` for memory32 and `u64` for memory64. The effective address
    /// `addr + offset` is checked with [`Address::checked_ea`] and never
    /// wraps; any byte out of bounds gives [`TrapCode::MemoryOutOfBounds`].
    ///
    /// For memory32 the caller passes `offset <= u32::MAX`, which validation
    /// guarantees.
    #[inline(always)]
    pub fn load<A: Address, const N: usize>(
        &self,
        addr: A,
        offset: u64,
    ) -> Result<[u8; N], TrapCode> {
        debug_assert!(
            A::MAX >= self.ty.index.max_value(),
            "address type narrower than the memory's index type"
        );
        let data = self.data();
        let bytes = addr
            .checked_ea(offset, N as u64, data.len())
            .and_then(|ea| data.get(ea..ea + N))
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Typed scalar store of `N` bytes; the mirror of [`LinearMemory::load`].
    /// Writes nothing when it traps.
    #[inline(always)]
    pub fn store<A: Address, const N: usize>(
        &mut self,
        addr: A,
        offset: u64,
        bytes: [u8; N],
    ) -> Result<(), TrapCode> {
        debug_assert!(
            A::MAX >= self.ty.index.max_value(),
            "address type narrower than the memory's index type"
        );
        let data = self.data_mut();
        let len = data.len();
        let dst = addr
            .checked_ea(offset, N as u64, len)
            .and_then(|ea| data.get_mut(ea..ea + N))
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        dst.copy_from_slice(&bytes);
        Ok(())
    }

    /// The raw view for compiled tiers: base pointer, current length and
    /// reservation size. Getting it is safe; see [`RawMemory`] for its use.
    #[inline]
    pub fn raw(&self) -> RawMemory {
        RawMemory {
            base: self.map.as_ptr(),
            len: self.len,
            reserved: self.map.reserved(),
        }
    }
}
