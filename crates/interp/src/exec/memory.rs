//! Scalar load and store handlers, generic over the memory's index width.
//!
//! BOUNDS CHECKS: every access goes through `LinearMemory::load`/`store`,
//! which check `[addr + offset, addr + offset + N)` against the current
//! length with `Address::checked_ea` (no wrap-around for memory64, one compare
//! for memory32). Changes here want two reviews.

use strata_ir::{Address, LoadKind, MemIdx, StoreKind, TrapCode};
use strata_runtime::{InstanceAddr, LinearMemory, Store};

/// The memory `mem` of `instance`.
#[inline(always)]
pub(super) fn mem(store: &Store, instance: InstanceAddr, mem: MemIdx) -> &LinearMemory {
    let addr = store.instances[instance.index()].memories[mem.index()];
    &store.memories[addr.index()]
}

/// The memory `mem` of `instance`, mutably.
#[inline(always)]
pub(super) fn mem_mut(store: &mut Store, instance: InstanceAddr, mem: MemIdx) -> &mut LinearMemory {
    let addr = store.instances[instance.index()].memories[mem.index()];
    &mut store.memories[addr.index()]
}

/// Load and extend a value of `kind` to its raw slot form.
#[inline(always)]
pub(super) fn load<A: Address>(
    m: &LinearMemory,
    kind: LoadKind,
    addr: A,
    offset: u64,
) -> Result<u64, TrapCode> {
    Ok(match kind {
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
}

/// Store the low bytes of a raw value as `kind` says.
#[inline(always)]
pub(super) fn store_value<A: Address>(
    m: &mut LinearMemory,
    kind: StoreKind,
    addr: A,
    offset: u64,
    value: u64,
) -> Result<(), TrapCode> {
    match kind {
        StoreKind::I32 | StoreKind::F32 | StoreKind::I64As32 => {
            m.store::<A, 4>(addr, offset, (value as u32).to_le_bytes())
        }
        StoreKind::I64 | StoreKind::F64 => m.store::<A, 8>(addr, offset, value.to_le_bytes()),
        StoreKind::I32As8 | StoreKind::I64As8 => m.store::<A, 1>(addr, offset, [value as u8]),
        StoreKind::I32As16 | StoreKind::I64As16 => {
            m.store::<A, 2>(addr, offset, (value as u16).to_le_bytes())
        }
    }
}
