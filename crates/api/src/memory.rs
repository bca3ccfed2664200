//! [`Memory`]: a linear memory handle with checked host access by 64-bit
//! [`GuestAddr`], and its typed errors [`MemoryAccessError`] and
//! [`GrowError`].
//!
//! Every access takes a 64-bit address and length and checks
//! `address + length` for overflow before comparing it with the current size,
//! so no access near 2^32 or 2^64 wraps around. Sizes are `u64` for both
//! index widths.
//!
//! A memory handle used with another store than its own fails with
//! [`ErrorKind::WrongStore`] (as [`MemoryAccessError::WrongStore`] and
//! [`GrowError::WrongStore`] where those are the error types).

use core::fmt;

use strata_ir::{IndexType, MemoryType};
use strata_runtime::{MemAddr, MemoryInstance, StoreId};

use crate::errors::{Error, ErrorKind};
use crate::guest::{GuestAddr, GuestSize};
use crate::handle::{Foreign, Stored};
use crate::store::AsStore;

/// Why a host access to a linear memory failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MemoryAccessError {
    /// `[addr, addr + len)` is not inside the memory (or `addr + len`
    /// overflows a `u64`).
    OutOfBounds {
        /// Start address of the access.
        addr: GuestAddr,
        /// Length of the access in bytes.
        len: u64,
        /// The memory's current size in bytes.
        size: u64,
    },
    /// The memory is of another store than the one it was used with.
    WrongStore {
        /// The store of the memory.
        memory_store: StoreId,
        /// The store it was used with.
        store: StoreId,
    },
}

impl From<Foreign> for MemoryAccessError {
    #[cold]
    fn from(e: Foreign) -> Self {
        MemoryAccessError::WrongStore {
            memory_store: e.handle,
            store: e.store,
        }
    }
}

impl fmt::Display for MemoryAccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemoryAccessError::OutOfBounds { addr, len, size } => {
                write!(
                    f,
                    "out of bounds memory access: {len} bytes at {addr} in a memory of {size} bytes"
                )?;
                if addr.checked_add(*len).is_none() {
                    f.write_str(" (address + length overflows 64 bits)")?;
                }
                Ok(())
            }
            MemoryAccessError::WrongStore {
                memory_store,
                store,
            } => write!(
                f,
                "a Memory of store {memory_store} used with store {store}"
            ),
        }
    }
}

impl std::error::Error for MemoryAccessError {}

/// Why [`Memory::grow`] refused to grow a memory. The memory is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrowError {
    /// The new size would exceed the memory's maximum: the smaller of its
    /// type's maximum and the spec's limit for its index type.
    MaximumExceeded {
        /// Size before the request, in pages.
        current_pages: u64,
        /// The requested growth, in pages.
        delta_pages: u64,
        /// The largest size the memory may reach, in pages.
        max_pages: u64,
    },
    /// The new size would exceed a limit of the store: the per-memory cap
    /// (the one in force now, or the smaller one the memory was created
    /// under) or the store's total.
    StoreLimitExceeded {
        /// Which limit: `"per-memory"` or `"total memory"`.
        limit: &'static str,
        /// Bytes the request would need under that limit.
        requested_bytes: u64,
        /// The limit in bytes.
        limit_bytes: u64,
    },
    /// The host could not provide the memory.
    OutOfHostMemory {
        /// The size that could not be committed, in bytes.
        requested_bytes: u64,
    },
    /// The memory is of another store than the one it was used with.
    WrongStore {
        /// The store of the memory.
        memory_store: StoreId,
        /// The store it was used with.
        store: StoreId,
    },
}

impl From<Foreign> for GrowError {
    #[cold]
    fn from(e: Foreign) -> Self {
        GrowError::WrongStore {
            memory_store: e.handle,
            store: e.store,
        }
    }
}

impl fmt::Display for GrowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrowError::MaximumExceeded {
                current_pages,
                delta_pages,
                max_pages,
            } => write!(
                f,
                "growing a memory of {current_pages} pages by {delta_pages} pages exceeds its maximum of {max_pages} pages"
            ),
            GrowError::StoreLimitExceeded {
                limit,
                requested_bytes,
                limit_bytes,
            } => write!(
                f,
                "growing the memory needs {requested_bytes} bytes, over the store's {limit} limit of {limit_bytes} bytes"
            ),
            GrowError::OutOfHostMemory { requested_bytes } => write!(
                f,
                "the host could not provide {requested_bytes} bytes of memory"
            ),
            GrowError::WrongStore {
                memory_store,
                store,
            } => write!(f, "a Memory of store {memory_store} used with store {store}"),
        }
    }
}

impl std::error::Error for GrowError {}

/// A linear memory in a store (memory32 or memory64, as its type says).
/// A `Copy` handle stamped with its store: used with another store, every
/// method fails with [`ErrorKind::WrongStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) Stored<MemAddr>);

impl Memory {
    /// A host memory of type `ty`, under the store's limits.
    ///
    /// # Errors
    /// [`ErrorKind::Resource`] if the minimum exceeds the per-memory cap (the
    /// message names both), the store's total memory limit or its memory
    /// count limit; [`ErrorKind::Unsupported`] for shared memories;
    /// [`ErrorKind::Instantiation`] if the engine's
    /// [`MemoryCreator`](crate::MemoryCreator) refuses. For a memory that
    /// could not be created, [`Error::memory_error`] gives the reason.
    pub fn new(store: &mut impl AsStore, ty: MemoryType) -> Result<Memory, Error> {
        let rt = store.rt_mut();
        if rt.memory_count() >= rt.config().max_memories {
            return Err(Error::msg(
                ErrorKind::Resource,
                format!(
                    "the store allows at most {} memories",
                    rt.config().max_memories
                ),
            ));
        }
        let mem = MemoryInstance::new(ty, &rt.config().memory).map_err(Error::host_memory)?;
        let addr = rt
            .push_memory(mem)
            .map_err(|e| Error::msg(ErrorKind::Resource, format!("host memory: {e}")))?;
        Ok(Memory(Stored::new(rt.id(), addr)))
    }

    /// The memory entity, if the handle is of `store`.
    #[inline]
    fn entity<'s>(&self, store: &'s impl AsStore) -> Result<&'s MemoryInstance, Foreign> {
        let rt = store.rt();
        let addr = self.0.get(rt, "Memory")?;
        Ok(rt.memory(addr))
    }

    /// The memory entity, mutably, if the handle is of `store`.
    #[inline]
    fn entity_mut<'s>(
        &self,
        store: &'s mut impl AsStore,
    ) -> Result<&'s mut MemoryInstance, Foreign> {
        let rt = store.rt_mut();
        let addr = self.0.get(rt, "Memory")?;
        Ok(rt.memory_mut(addr))
    }

    /// The memory's type, with its current size as minimum.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the memory is of another store (so for
    /// all methods below).
    pub fn ty(&self, store: &impl AsStore) -> Result<MemoryType, Error> {
        Ok(self.entity(store)?.current_type())
    }

    /// The index type: [`IndexType::I32`] for memory32, [`IndexType::I64`]
    /// for memory64.
    pub fn index_type(&self, store: &impl AsStore) -> Result<IndexType, Error> {
        Ok(self.entity(store)?.index_type())
    }

    /// Current size in pages.
    pub fn size(&self, store: &impl AsStore) -> Result<u64, Error> {
        Ok(self.entity(store)?.size_pages())
    }

    /// Current size in pages (the same as [`Memory::size`]).
    pub fn size_pages(&self, store: &impl AsStore) -> Result<u64, Error> {
        self.size(store)
    }

    /// Current size in bytes.
    pub fn size_bytes(&self, store: &impl AsStore) -> Result<u64, Error> {
        Ok(self.entity(store)?.size_bytes())
    }

    /// The page size in bytes (64 KiB unless the type says otherwise).
    pub fn page_size(&self, store: &impl AsStore) -> Result<u64, Error> {
        Ok(self.entity(store)?.ty().page_size())
    }

    /// The accessible bytes.
    pub fn data<'s>(&self, store: &'s impl AsStore) -> Result<&'s [u8], Error> {
        Ok(self.entity(store)?.data())
    }

    /// The accessible bytes, mutably.
    pub fn data_mut<'s>(&self, store: &'s mut impl AsStore) -> Result<&'s mut [u8], Error> {
        Ok(self.entity_mut(store)?.data_mut())
    }

    /// The accessible bytes and the store's data, both mutably at once: what
    /// a host function needs to move bytes between guest memory and state it
    /// keeps in the store (files, pipes) without copying them first.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the memory is of another store.
    pub fn data_and_store_mut<'s, S: AsStore>(
        &self,
        store: &'s mut S,
    ) -> Result<(&'s mut [u8], &'s mut S::Data), Error> {
        let rt = store.rt_mut();
        let addr = self.0.get(rt, "Memory")?;
        let Some((mem, host_data)) = rt.memory_and_host_data_mut(addr) else {
            return Err(Error::msg(
                ErrorKind::WrongStore,
                format!("no memory at address {} in this store", addr.0),
            ));
        };
        Ok((
            mem.data_mut(),
            crate::store::host_data_mut::<S::Data>(host_data),
        ))
    }

    /// The `len` bytes at `addr`. Both take what a host function receives
    /// ([`GuestAddr`], [`GuestSize`]) as well as plain `u64`/`u32`.
    ///
    /// # Errors
    /// [`MemoryAccessError::OutOfBounds`] if any of them is out of bounds or
    /// `addr + len` overflows; [`MemoryAccessError::WrongStore`] if the
    /// memory is of another store.
    pub fn slice<'s>(
        &self,
        store: &'s impl AsStore,
        addr: impl Into<GuestAddr>,
        len: impl Into<GuestSize>,
    ) -> Result<&'s [u8], MemoryAccessError> {
        let data = self.entity(store)?.data();
        let range = checked_range(addr.into(), len.into().get(), data.len())?;
        Ok(&data[range])
    }

    /// The `len` bytes at `addr`, mutably.
    ///
    /// # Errors
    /// As [`Memory::slice`].
    pub fn slice_mut<'s>(
        &self,
        store: &'s mut impl AsStore,
        addr: impl Into<GuestAddr>,
        len: impl Into<GuestSize>,
    ) -> Result<&'s mut [u8], MemoryAccessError> {
        let data = self.entity_mut(store)?.data_mut();
        let range = checked_range(addr.into(), len.into().get(), data.len())?;
        Ok(&mut data[range])
    }

    /// Copy `buf.len()` bytes at `addr` into `buf`.
    ///
    /// # Errors
    /// As [`Memory::slice`]; nothing is copied.
    pub fn read(
        &self,
        store: &impl AsStore,
        addr: impl Into<GuestAddr>,
        buf: &mut [u8],
    ) -> Result<(), MemoryAccessError> {
        buf.copy_from_slice(self.slice(store, addr, buf.len() as u64)?);
        Ok(())
    }

    /// Copy `buf` into the memory at `addr`.
    ///
    /// # Errors
    /// As [`Memory::slice`]; nothing is copied.
    pub fn write(
        &self,
        store: &mut impl AsStore,
        addr: impl Into<GuestAddr>,
        buf: &[u8],
    ) -> Result<(), MemoryAccessError> {
        self.slice_mut(store, addr, buf.len() as u64)?
            .copy_from_slice(buf);
        Ok(())
    }

    /// Grow by `delta_pages` pages, zero-filled; returns the old size in
    /// pages. Growing by 0 returns the current size.
    ///
    /// # Errors
    /// A [`GrowError`] naming the maximum or limit that refused the growth,
    /// or [`GrowError::WrongStore`] if the memory is of another store; the
    /// size and contents are then unchanged.
    pub fn grow(&self, store: &mut impl AsStore, delta_pages: u64) -> Result<u64, GrowError> {
        let rt = store.rt_mut();
        let addr = self.0.get(rt, "Memory")?;
        let mem = rt.memory(addr);
        let current_pages = mem.size_pages();
        if delta_pages == 0 {
            return Ok(current_pages);
        }
        let ty = *mem.ty();
        let type_max = ty.limits.max.unwrap_or(u64::MAX).min(spec_max_pages(&ty));
        let new_pages = current_pages
            .checked_add(delta_pages)
            .filter(|&p| p <= type_max)
            .ok_or(GrowError::MaximumExceeded {
                current_pages,
                delta_pages,
                max_pages: type_max,
            })?;
        let new_bytes = new_pages.saturating_mul(ty.page_size());
        // The cap in force now, and the one the memory was created under
        // (its reservation), whichever is smaller.
        let cap = rt.config().memory.max_memory_bytes;
        let created_cap = mem.max_pages() << ty.page_size_log2;
        if new_bytes > cap || new_pages > mem.max_pages() {
            return Err(GrowError::StoreLimitExceeded {
                limit: "per-memory",
                requested_bytes: new_bytes,
                limit_bytes: cap.min(created_cap),
            });
        }
        let total = rt
            .total_memory_bytes()
            .saturating_sub(mem.size_bytes())
            .saturating_add(new_bytes);
        let limit = rt.config().max_total_memory_bytes;
        if total > limit {
            return Err(GrowError::StoreLimitExceeded {
                limit: "total memory",
                requested_bytes: total,
                limit_bytes: limit,
            });
        }
        rt.grow_memory(addr, delta_pages)
            .ok_or(GrowError::OutOfHostMemory {
                requested_bytes: new_bytes,
            })
    }
}

/// The spec's page limit of a memory type: 2^32 or 2^64 bytes in pages
/// (saturating at `u64::MAX` for memory64 with 1-byte pages).
fn spec_max_pages(ty: &MemoryType) -> u64 {
    let bits: u32 = if ty.index.is_64() { 64 } else { 32 };
    1u64.checked_shl(bits.saturating_sub(u32::from(ty.page_size_log2)))
        .unwrap_or(u64::MAX)
}

/// The host range of `[addr, addr + len)` in a memory of `size` bytes.
fn checked_range(
    addr: GuestAddr,
    len: u64,
    size: usize,
) -> Result<core::ops::Range<usize>, MemoryAccessError> {
    let err = MemoryAccessError::OutOfBounds {
        addr,
        len,
        size: size as u64,
    };
    let end = addr.checked_add(len).ok_or(err)?;
    if end.get() > size as u64 {
        return Err(err);
    }
    // Both are at most `size`, a usize.
    Ok(addr.get() as usize..end.get() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_never_wrap() {
        assert_eq!(checked_range(GuestAddr(2), 3, 5), Ok(2..5));
        assert_eq!(checked_range(GuestAddr(5), 0, 5), Ok(5..5));
        let err = checked_range(GuestAddr(u64::MAX), 2, 5).expect_err("overflow");
        assert_eq!(
            err.to_string(),
            "out of bounds memory access: 2 bytes at 0xffffffffffffffff in a memory of 5 bytes (address + length overflows 64 bits)"
        );
        let err = checked_range(GuestAddr(1 << 32), 1, 5).expect_err("past the end");
        assert_eq!(
            err,
            MemoryAccessError::OutOfBounds {
                addr: GuestAddr(1 << 32),
                len: 1,
                size: 5
            }
        );
    }
}
