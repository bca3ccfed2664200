//! Linear memories: the byte arrays behind `memory.*` instructions, shared by
//! every execution tier (the interpreter, the baseline JIT and the AOT tier).
//!
//! [`MemoryInstance`] is the one place that knows a memory's layout — base,
//! accessible length, reservation, guard, page size — and its bounds policy:
//! what is checked where, and what compiled tiers may rely on instead of a
//! check. Tiers get the layout from [`MemoryInstance::raw`] and never compute
//! it themselves; growth, limits and size accounting happen here only.
//!
//! # The index width
//!
//! A memory has one index width for its whole life — memory32 or memory64,
//! taken from its [`MemoryType`] — and the instance is parameterized by it
//! where it matters, per access rather than per value: the typed accessors
//! [`MemoryInstance::load`] and [`MemoryInstance::store`] are generic over
//! [`strata_ir::Address`] (`u32` for memory32, `u64` for memory64) and
//! monomorphized, and a tier picks the width when it translates an access,
//! never at run time. For `u32` the effective address `addr + offset + N`
//! cannot overflow a `u64` (validation bounds the offset), so the check is
//! one compare; for `u64` both additions are overflow-checked. So memory32
//! code pays nothing for memory64 existing, and neither ever wraps around
//! 2^32 or 2^64. Sizes, limits and bulk operands are `u64` for both widths.
//! Every access made through this type is bounds-checked against the
//! *current* size. Contents are plain bytes; the caller decides their
//! (little-endian) interpretation.
//!
//! # Virtual-memory layout
//!
//! ```text
//! base                  len               max accessible        reserved
//!  | read/write (RW)     | PROT_NONE (grows into) |  PROT_NONE guard    |
//!  +---------------------+------------------------+--------------------+
//! ```
//!
//! At creation an instance asks its backing (see below) for address space for
//! its largest possible size plus [`MemoryConfig::guard_bytes`]; the default
//! backing reserves it `PROT_NONE`, `MAP_PRIVATE | MAP_ANONYMOUS |
//! MAP_NORESERVE`, costing no physical memory, and makes only the initial
//! size readable and writable. `memory.grow` just `mprotect`s more of the
//! reservation, so the base pointer never moves, and pages cost memory only
//! once touched: a 5 GiB memory64 memory with two pages written uses two
//! pages. The largest possible size is the smallest of the type's maximum,
//! the spec's limit (2^16 pages for memory32 with 64 KiB pages, 2^48 for
//! memory64) and the configured cap [`MemoryConfig::max_memory_bytes`].
//!
//! A memory32 memory with 64 KiB pages asks for the full 4 GiB index space
//! plus the guard, whatever its declared maximum. When it gets it (see
//! [`MemoryInstance::guard_bytes`]), a compiled tier may drop its bounds
//! check for any access whose `offset + width` fits in the guard:
//! `addr + offset + width <= 4 GiB + guard_bytes <= reserved`, and every
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
//! # Backings: the default and the embedder's
//!
//! The address space comes from a [`MemoryBacking`], made by a
//! [`MemoryCreator`] from a [`MemoryRequest`] (bytes to reserve including the
//! guard, initial and maximum accessible bytes, whether the base may move).
//! The default, [`DefaultMemoryCreator`], is the `mmap` reservation above;
//! an embedder installs its own with [`MemoryConfig::creator`] (file-backed
//! memory, a pool, a backing that counts or vetoes growth). The instance keeps
//! the layout, the limits and every check; a backing only provides bytes, and
//! its promises about them are the `unsafe` contract of [`MemoryBacking`].
//! A backing that reserves less than requested, or whose bytes past the
//! accessible length do not fault, is reported as such through
//! [`RawMemory::reserved`] and [`MemoryInstance::guard_bytes`], so compiled
//! tiers keep explicit checks for it. A creator's refusal is a
//! [`MemoryError::Creator`]; a backing's refusal to grow is `memory.grow`
//! returning -1.
//!
//! # Fallback when address space is short
//!
//! If the full reservation fails (e.g. `ENOMEM` under `ulimit -v`, or on a
//! 32-bit host), the default backing first tries to reserve the largest
//! possible size without a guard, and then (unless
//! [`MemoryConfig::base_may_move`] is false) only the current size. A memory
//! whose reservation is smaller than its largest possible size grows by
//! reserving a new, larger region (about double, capped by the maximum),
//! committing it, copying the contents over and unmapping the old one: growth
//! then *moves* the base pointer. [`RawMemory::reserved`] tells a compiled
//! tier which case it is in; in any case it must re-read
//! [`MemoryInstance::raw`] after every grow.
//!
//! # Hosts
//!
//! memory64 needs a 64-bit host: on 32-bit hosts [`MemoryInstance::new`]
//! returns [`MemoryError::Memory64On32BitHost`]. Shared memories are not
//! supported ([`MemoryError::SharedUnsupported`]).

#[allow(unsafe_code)]
mod backing;
pub mod bounds_plan;
mod bulk;
mod error;
#[allow(unsafe_code)]
mod mmap;
#[cfg(test)]
mod tests;
#[cfg(test)]
#[allow(unsafe_code)]
mod tests_backing;

pub use backing::{
    BackingError, DefaultMemoryCreator, MemoryBacking, MemoryCreator, MemoryRequest,
};
pub use bounds_plan::{plan_access, AccessFacts, BoundsCheck, BoundsPlan};
pub use error::MemoryError;

use std::sync::Arc;

use backing::Region;
use strata_ir::{Address, IndexType, MemoryType, TrapCode};

/// The largest supported `page_size_log2` (the standard 64 KiB page).
const MAX_PAGE_SIZE_LOG2: u8 = 16;

/// Configuration of memory reservations.
#[derive(Clone)]
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
    /// Whether growth may move a memory's base ([`MemoryRequest::base_may_move`]).
    /// Every tier re-reads the base after a grow, so this is a policy, not a
    /// correctness need: when false, the default backing does not fall back
    /// to an initial-size reservation and growth past the reservation returns
    /// -1 instead of copying the memory. Default: true.
    pub base_may_move: bool,
    /// The embedder's [`MemoryCreator`], which supplies the backing of every
    /// memory created under this configuration; `None` (the default) uses
    /// [`DefaultMemoryCreator`].
    pub creator: Option<Arc<dyn MemoryCreator>>,
}

impl core::fmt::Debug for MemoryConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryConfig")
            .field("max_memory_bytes", &self.max_memory_bytes)
            .field("guard_bytes", &self.guard_bytes)
            .field("base_may_move", &self.base_may_move)
            .field("creator", &self.creator.as_ref().map(|_| "custom"))
            .finish()
    }
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
            base_may_move: true,
            creator: None,
        }
    }
}

/// A memory's raw view, for compiled tiers.
///
/// `[base, base + len)` is readable and writable; `[base + len, base +
/// reserved)` is owned by the memory and faults on access (bar the rounding
/// to host pages described in the [module docs](self)). A backing whose bytes
/// past the accessible length do not fault reports `reserved == len`, so a
/// tier that elides checks from `reserved` keeps them. Getting it is safe;
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
    /// Bytes from `base` that are either accessible or fault on access
    /// (accessible, growable and guard bytes together), never less than
    /// `len`.
    pub reserved: usize,
}

/// A linear memory: the one owner of its layout (base, length, reservation,
/// guard, page size), its limits and its bounds checks, over a reservation of
/// address space — its [`MemoryBacking`] — of which the first
/// [`size_bytes`](MemoryInstance::size_bytes) bytes are accessible.
///
/// Not generic itself: the index width is a property of its type, and the
/// accessors that depend on it ([`load`](MemoryInstance::load),
/// [`store`](MemoryInstance::store)) are generic over [`Address`] and
/// monomorphized per width (see the [module docs](self)).
///
/// Owns its backing exclusively; it is released on drop. `Send + Sync`:
/// shared references only read, all writes take `&mut self`.
pub struct MemoryInstance {
    /// The declared type (minimum as declared, not the current size).
    ty: MemoryType,
    /// The backing; its first `region.len()` bytes are the memory, always
    /// `pages << page_size_log2` bytes.
    region: Region,
    /// Largest page count growth may reach: min(type max, spec max, cap).
    max_pages: u64,
}

impl core::fmt::Debug for MemoryInstance {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryInstance")
            .field("ty", &self.ty)
            .field("size_bytes", &self.region.len())
            .field("max_pages", &self.max_pages)
            .field("base", &self.region.base())
            .field("reserved", &self.region.reserved())
            .field("faults_past_len", &self.region.faults_past_len())
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

/// The bytes from the base a memory's addresses can reach, which the guard
/// follows: memory32 with 64 KiB pages covers its whole 4 GiB index space,
/// so the guard covers every address it can form; any other memory its
/// largest possible size, `max_bytes`.
fn reach(ty: &MemoryType, max_bytes: u64) -> u64 {
    if ty.index == IndexType::I32 && ty.page_size_log2 == MAX_PAGE_SIZE_LOG2 {
        1 << 32
    } else {
        max_bytes
    }
}

/// A creator's error as a [`MemoryError`]: passed on as it is if it is one
/// (a creator wrapping the [`DefaultMemoryCreator`]), else
/// [`MemoryError::Creator`].
fn creator_error(source: BackingError) -> MemoryError {
    match source.downcast::<MemoryError>() {
        Ok(e) => *e,
        Err(source) => MemoryError::Creator { source },
    }
}

impl MemoryInstance {
    /// Create a memory of type `ty`, `ty.limits.min` pages long and zeroed,
    /// on a backing from `config.creator` (the [`DefaultMemoryCreator`] if
    /// none).
    ///
    /// Fails if the type is shared, is memory64 on a 32-bit host, has a
    /// minimum above `config.max_memory_bytes` (also when `min * page size`
    /// overflows), is malformed (see [`MemoryError::InvalidType`]), if the OS
    /// cannot provide even the initial size, or if the creator refuses
    /// ([`MemoryError::Creator`]).
    pub fn new(ty: MemoryType, config: &MemoryConfig) -> Result<Self, MemoryError> {
        let (request, max_pages) = Self::request(ty, config)?;
        let backing = match &config.creator {
            None => DefaultMemoryCreator::new().create(&request)?,
            Some(creator) => creator.new_memory(&request).map_err(creator_error)?,
        };
        // `initial_bytes` fit a usize when the request was made.
        let region = Region::new(backing, request.initial_bytes as usize)?;
        Ok(MemoryInstance {
            ty,
            region,
            max_pages,
        })
    }

    /// The layout a memory of type `ty` needs (see the module docs), and its
    /// largest size in pages; or why the type cannot be created at all.
    fn request(ty: MemoryType, config: &MemoryConfig) -> Result<(MemoryRequest, u64), MemoryError> {
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
        if usize::try_from(min_bytes).is_err() {
            return Err(MemoryError::Reserve {
                bytes: min_bytes,
                source: std::io::Error::new(
                    std::io::ErrorKind::OutOfMemory,
                    "size exceeds the host address space",
                ),
            });
        }
        let reach = reach(&ty, max_bytes);
        let request = MemoryRequest {
            ty,
            reserve_bytes: reach.saturating_add(config.guard_bytes),
            guard_bytes: config.guard_bytes,
            initial_bytes: min_bytes,
            maximum_bytes: max_bytes,
            base_may_move: config.base_may_move,
        };
        Ok((request, max_pages))
    }

    /// The declared type. Its `limits.min` is the *initial* size; see
    /// [`MemoryInstance::current_type`] for the type at the current size.
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
        self.size_bytes() >> self.ty.page_size_log2
    }

    /// Current size in bytes.
    #[inline]
    pub fn size_bytes(&self) -> u64 {
        self.region.len() as u64
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
    /// `delta_pages == 0`); or the backing refuses (the OS, or the embedder's
    /// [`MemoryBacking::grow_to`]). On refusal the contents and the size are
    /// unchanged. `grow(0, ..)` returns the current size.
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
        self.region.grow_to(new_len).ok()?;
        Some(old_pages)
    }

    /// The accessible bytes.
    #[inline]
    pub fn data(&self) -> &[u8] {
        self.region.slice()
    }

    /// The accessible bytes, mutably.
    #[inline]
    pub fn data_mut(&mut self) -> &mut [u8] {
        self.region.slice_mut()
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

    /// Typed scalar store of `N` bytes; the mirror of [`MemoryInstance::load`].
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
    /// the bytes reserved that are accessible or fault (just `len` when the
    /// backing's bytes past it do not fault). Getting it is safe; see
    /// [`RawMemory`] for its use.
    #[inline]
    pub fn raw(&self) -> RawMemory {
        let len = self.region.len();
        RawMemory {
            base: self.region.base(),
            len,
            reserved: if self.region.faults_past_len() {
                self.region.reserved()
            } else {
                len
            },
        }
    }

    /// Guard bytes past the memory's reach that are reserved and fault on
    /// access: the reach is the 4 GiB index space for memory32 with 64 KiB
    /// pages and the largest possible size otherwise. With the default
    /// backing's full reservation this is at least
    /// [`MemoryConfig::guard_bytes`]; it is 0 when the reservation fell back
    /// to a smaller one or the backing is the embedder's and does not provide
    /// a faulting guard. A compiled tier may drop the bounds check of a
    /// memory32 access with `offset + width <= guard_bytes()` only on a
    /// memory32 memory with 64 KiB pages, and only while this holds.
    pub fn guard_bytes(&self) -> u64 {
        let reach = reach(&self.ty, self.max_pages << self.ty.page_size_log2);
        (self.raw().reserved as u64).saturating_sub(reach)
    }
}
