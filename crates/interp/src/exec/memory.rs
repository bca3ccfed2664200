//! Scalar load and store handlers, generic over the memory's index width.
//!
//! BOUNDS CHECKS: every access goes through `MemoryInstance::load`/`store`,
//! which check `[addr + offset, addr + offset + N)` against the current
//! length with `Address::checked_ea` (no wrap-around for memory64, one compare
//! for memory32). Changes here want two reviews.

use strata_ir::{Address, LoadKind, MemIdx, StoreKind, TrapCode};
use strata_runtime::{InstanceAddr, MemAddr, MemoryInstance, Store};

/// Load `kind` from `$m` (anything with a `load::<A, N>` method) and extend
/// it to its raw slot form.
macro_rules! load_extend {
    ($m:expr, $kind:expr, $addr:expr, $offset:expr) => {{
        let (m, addr, offset) = ($m, $addr, $offset);
        Ok(match $kind {
            LoadKind::I32 | LoadKind::F32 | LoadKind::I64U32 => {
                u64::from(u32::from_le_bytes(m.load::<A, 4>(addr, offset)?))
            }
            LoadKind::I64 | LoadKind::F64 => u64::from_le_bytes(m.load::<A, 8>(addr, offset)?),
            LoadKind::I32S8 => {
                u64::from(i8::from_le_bytes(m.load::<A, 1>(addr, offset)?) as i32 as u32)
            }
            LoadKind::I32U8 | LoadKind::I64U8 => u64::from(m.load::<A, 1>(addr, offset)?[0]),
            LoadKind::I32S16 => {
                u64::from(i16::from_le_bytes(m.load::<A, 2>(addr, offset)?) as i32 as u32)
            }
            LoadKind::I32U16 | LoadKind::I64U16 => {
                u64::from(u16::from_le_bytes(m.load::<A, 2>(addr, offset)?))
            }
            LoadKind::I64S8 => i8::from_le_bytes(m.load::<A, 1>(addr, offset)?) as i64 as u64,
            LoadKind::I64S16 => i16::from_le_bytes(m.load::<A, 2>(addr, offset)?) as i64 as u64,
            LoadKind::I64S32 => i32::from_le_bytes(m.load::<A, 4>(addr, offset)?) as i64 as u64,
        })
    }};
}

/// Store the low bytes of `$value` to `$m` (anything with a
/// `store::<A, N>` method) as `kind` says.
macro_rules! store_truncate {
    ($m:expr, $kind:expr, $addr:expr, $offset:expr, $value:expr) => {{
        let (m, addr, offset, value) = ($m, $addr, $offset, $value);
        match $kind {
            StoreKind::I32 | StoreKind::F32 | StoreKind::I64As32 => {
                m.store::<A, 4>(addr, offset, (value as u32).to_le_bytes())
            }
            StoreKind::I64 | StoreKind::F64 => m.store::<A, 8>(addr, offset, value.to_le_bytes()),
            StoreKind::I32As8 | StoreKind::I64As8 => m.store::<A, 1>(addr, offset, [value as u8]),
            StoreKind::I32As16 | StoreKind::I64As16 => {
                m.store::<A, 2>(addr, offset, (value as u16).to_le_bytes())
            }
        }
    }};
}

/// The store address of memory `mem` of `instance`; `mem0` is the cached
/// address of its memory 0.
#[inline(always)]
fn mem_addr(store: &Store, instance: InstanceAddr, mem0: Option<MemAddr>, mem: MemIdx) -> MemAddr {
    match mem0 {
        Some(addr) if mem.0 == 0 => addr,
        _ => store.instance(instance).memories[mem.index()],
    }
}

/// The memory `mem` of `instance`.
#[inline(always)]
pub(super) fn mem(
    store: &Store,
    instance: InstanceAddr,
    mem0: Option<MemAddr>,
    mem: MemIdx,
) -> &MemoryInstance {
    let addr = mem_addr(store, instance, mem0, mem);
    store.memory(addr)
}

/// The memory `mem` of `instance`, mutably.
#[inline(always)]
pub(super) fn mem_mut(
    store: &mut Store,
    instance: InstanceAddr,
    mem0: Option<MemAddr>,
    mem: MemIdx,
) -> &mut MemoryInstance {
    let addr = mem_addr(store, instance, mem0, mem);
    store.memory_mut(addr)
}

/// Load and extend a value of `kind` to its raw slot form.
#[inline(always)]
pub(super) fn load<A: Address>(
    m: &MemoryInstance,
    kind: LoadKind,
    addr: A,
    offset: u64,
) -> Result<u64, TrapCode> {
    load_extend!(m, kind, addr, offset)
}

/// Store the low bytes of a raw value as `kind` says.
#[inline(always)]
pub(super) fn store_value<A: Address>(
    m: &mut MemoryInstance,
    kind: StoreKind,
    addr: A,
    offset: u64,
    value: u64,
) -> Result<(), TrapCode> {
    store_truncate!(m, kind, addr, offset, value)
}

/// A cached view of one memory for the instruction loop: base pointer and
/// current length, taken from [`MemoryInstance::raw`].
///
/// Validity: the view is refreshed after every instruction that can change a
/// memory's size or location (`memory.grow`, and everything that leaves the
/// loop, such as calls). While the loop runs, no Rust reference to the memory's
/// bytes is alive: references are only created inside handlers that return
/// before the next access through the view.
#[derive(Clone, Copy)]
pub(super) struct MemView {
    base: *mut u8,
    len: usize,
}

impl MemView {
    /// The current view of `memory`.
    #[inline(always)]
    pub(super) fn of(memory: &MemoryInstance) -> Self {
        let raw = memory.raw();
        Self {
            base: raw.base,
            len: raw.len,
        }
    }

    /// Read `N` bytes at `addr + offset`, bounds-checked.
    #[inline(always)]
    pub(super) fn load<A: Address, const N: usize>(
        &self,
        addr: A,
        offset: u64,
    ) -> Result<[u8; N], TrapCode> {
        let ea = addr
            .checked_ea(offset, N as u64, self.len)
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        // SAFETY: `ea + N <= len` was just checked, and `[base, base + len)`
        // is the accessible, committed part of the memory (the contract of
        // `MemoryInstance::raw`), still current per the type's validity rule.
        Ok(unsafe { core::ptr::read_unaligned(self.base.add(ea).cast::<[u8; N]>()) })
    }

    /// Write `N` bytes at `addr + offset`, bounds-checked.
    #[inline(always)]
    pub(super) fn store<A: Address, const N: usize>(
        &self,
        addr: A,
        offset: u64,
        bytes: [u8; N],
    ) -> Result<(), TrapCode> {
        let ea = addr
            .checked_ea(offset, N as u64, self.len)
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        // SAFETY: as in `load`; the store holds the memory mutably borrowed by
        // the running loop, so nothing else accesses it concurrently.
        unsafe { core::ptr::write_unaligned(self.base.add(ea).cast::<[u8; N]>(), bytes) };
        Ok(())
    }
}

/// Load through a cached view (same extension rules as [`load`]).
#[inline(always)]
pub(super) fn load_view<A: Address>(
    m: &MemView,
    kind: LoadKind,
    addr: A,
    offset: u64,
) -> Result<u64, TrapCode> {
    load_extend!(m, kind, addr, offset)
}

/// Store through a cached view (same truncation rules as [`store_value`]).
#[inline(always)]
pub(super) fn store_view<A: Address>(
    m: &MemView,
    kind: StoreKind,
    addr: A,
    offset: u64,
    value: u64,
) -> Result<(), TrapCode> {
    store_truncate!(m, kind, addr, offset, value)
}
