//! The bounds plan: what a compiled tier must emit to keep one wasm load or
//! store inside its linear memory. The baseline JIT and the AOT tier both ask
//! [`plan`] per access and emit what it says; the sandbox argument for each
//! answer is written here, once.
//!
//! BOUNDS CHECKS — a good rule of thumb is to get two reviews on any
//! substantive change in here.
//!
//! # The facts and the invariant
//!
//! An access reads or writes `size` bytes at `index + offset`, where `index`
//! is the dynamic address (an `i32` zero-extended to 64 bits for memory32, an
//! `i64` for memory64) and `offset` the instruction's static offset. It is in
//! bounds exactly when `index + offset + size <= len` in unbounded
//! arithmetic, `len` being the memory's *current* length in bytes. Let
//! `k = offset + size`, a compile-time constant.
//!
//! The plan relies on one invariant of the runtime: **a memory is never
//! smaller than its declared minimum** (`min_pages << page_size_log2` bytes).
//! Memories never shrink, a defined memory starts at its minimum, and an
//! imported memory must be at least as large as the importing module's
//! declared type (import matching checks it). It does **not** rely on
//! validation: `strata_ir::Module` can be built by hand, so a memory32 offset
//! above `u32::MAX` is planned for, not assumed away.
//!
//! # The plans and why each is sound
//!
//! [`BoundsCheck::AlwaysTrap`] — `offset + size` overflows a `u64`, so the
//! access ends past 2^64 and no memory can hold it. The tier emits an
//! unconditional trap and no access.
//!
//! [`BoundsCheck::CompareAgainstLenMinusK`] — chosen when `k <=` the declared
//! minimum in bytes and `k <= i32::MAX`. Then `len >= min >= k`, so
//! `len - k` does not underflow, and `index + k <= len` is exactly
//! `index <= len - k`: one unsigned 64-bit compare of the whole index, with
//! nothing added to it, so no address can wrap (this holds for memory64 as
//! much as for memory32). `k <= i32::MAX` makes `k` and `offset` (`< k`)
//! signed 32-bit immediates, so both tiers fold them into one instruction
//! and an addressing mode. `len - k` depends only on the length, so a tier
//! may compute it once and share it between accesses (the AOT tier does:
//! Cranelift hoists it out of loops). The access is at
//! `base + index + offset`.
//!
//! [`BoundsCheck::AddThenCompare`] — memory32 with `offset <= u32::MAX` (what
//! validation allows) whose `k` is not known to fit the minimum. The index is
//! below 2^32 after zero extension and `k <= u32::MAX + u32::MAX`, so
//! `index + k < 2^34` and the 64-bit sum cannot wrap; `index + k <= len` is
//! one add and one compare.
//!
//! [`BoundsCheck::AddWithCarryThenCompare`] — everything else: memory64 with
//! `k` above the minimum (or above `i32::MAX`), and memory32 with an offset
//! validation would refuse. `index + k` is computed modulo 2^64 together with
//! its carry; a carry means the true sum is at least 2^64, out of bounds for
//! any memory. Without a carry the sum is exact and is compared with `len`.
//!
//! A check elided through the guard region (memory32 with 64 KiB pages
//! reserves 4 GiB plus a guard, see the [module docs](super)) is deliberately
//! not a plan: neither tier installs a signal handler, so a guard-page fault
//! would kill the process instead of trapping, and the guard a memory really
//! has is not known when a module compiles (an imported memory, or a
//! reservation that fell back to a smaller size, may have none).
//!
//! # Spectre
//!
//! With [`BoundsPlan::spectre_mask`] set, the tier must also make the access
//! itself harmless under a mispredicted bounds branch: a data-dependent
//! select (`cmov` on x86-64, Cranelift's `select_spectre_guard`) on the
//! *same* out-of-bounds condition the branch tests replaces the address
//! before the access, and it is never turned into a branch. What it is
//! replaced with:
//!
//! - [`BoundsCheck::CompareAgainstLenMinusK`]: any index `i <= len - k` —
//!   the AOT tier uses 0, the JIT the bound `len - k` itself (it is already
//!   in a register) — so the speculative access covers
//!   `[i + offset, i + k)` with `i + k <= len`: inside the memory;
//! - the add plans: the effective address `base + 0`, so the speculative
//!   access covers `[0, size)`: inside the memory whenever it has at least
//!   `size` bytes, and otherwise still starting at the memory's base, never
//!   at a guest-chosen address. With a carry, the select covers the carry
//!   as well as the compare (the two conditions are or-ed, or each selects).
//!
//! [`BoundsCheck::AlwaysTrap`] emits no access, so it needs no mask and its
//! plan says `spectre_mask: false`.

use strata_ir::{IndexType, MemoryType};

/// What to check before one access; see the [module docs](self) for the
/// argument behind each variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoundsCheck {
    /// The access can never be in bounds: trap unconditionally.
    AlwaysTrap,
    /// In bounds iff `index <= len - k` (unsigned, 64-bit); `len - k` cannot
    /// underflow. `k <= i32::MAX`, and `offset = k - size` is the access's
    /// displacement.
    CompareAgainstLenMinusK {
        /// `offset + size`.
        k: u64,
    },
    /// In bounds iff `index + k <= len` (unsigned, 64-bit), where the
    /// addition cannot wrap (memory32, zero-extended index).
    AddThenCompare {
        /// `offset + size`.
        k: u64,
    },
    /// In bounds iff `index + k` does not carry out of 64 bits and the
    /// wrapped sum is `<= len`.
    AddWithCarryThenCompare {
        /// `offset + size`.
        k: u64,
    },
}

/// The plan for one access: the check, and whether the access must be
/// masked against speculation past it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BoundsPlan {
    /// The check to emit.
    pub check: BoundsCheck,
    /// Whether to replace the address on the out-of-bounds condition (a
    /// conditional move after the compare), as the [module docs](self)
    /// describe. Never set for [`BoundsCheck::AlwaysTrap`].
    pub spectre_mask: bool,
}

/// The facts of one access that the plan depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessFacts {
    /// The memory's index width.
    pub index: IndexType,
    /// The instruction's static offset (not trusted to fit 32 bits on
    /// memory32).
    pub offset: u64,
    /// Bytes accessed (1 to 16 for scalar and vector accesses).
    pub size: u32,
    /// The memory's declared minimum size, in bytes (see
    /// [`declared_min_bytes`]).
    pub min_bytes: u64,
    /// Whether the tier wants the Spectre mask.
    pub spectre_hardening: bool,
}

impl AccessFacts {
    /// The facts of an access of `size` bytes at static offset `offset` into
    /// a memory of type `ty`.
    pub fn new(ty: &MemoryType, offset: u64, size: u32, spectre_hardening: bool) -> Self {
        AccessFacts {
            index: ty.index,
            offset,
            size,
            min_bytes: declared_min_bytes(ty),
            spectre_hardening,
        }
    }
}

/// The declared minimum of `ty` in bytes, `min_pages << page_size_log2`;
/// 0 (nothing known) when that does not fit a `u64` or the page size is
/// malformed. Such a memory cannot be created, so 0 costs nothing and is
/// never wrong.
pub fn declared_min_bytes(ty: &MemoryType) -> u64 {
    let log2 = u32::from(ty.page_size_log2);
    ty.limits
        .min
        .checked_shl(log2)
        .filter(|bytes| bytes.checked_shr(log2) == Some(ty.limits.min))
        .unwrap_or(0)
}

/// The plan for one access.
pub fn plan(facts: AccessFacts) -> BoundsPlan {
    let Some(k) = facts.offset.checked_add(u64::from(facts.size)) else {
        return BoundsPlan {
            check: BoundsCheck::AlwaysTrap,
            spectre_mask: false,
        };
    };
    let check = if k <= facts.min_bytes && k <= i32::MAX as u64 {
        BoundsCheck::CompareAgainstLenMinusK { k }
    } else if facts.index == IndexType::I32 && facts.offset <= u64::from(u32::MAX) {
        BoundsCheck::AddThenCompare { k }
    } else {
        BoundsCheck::AddWithCarryThenCompare { k }
    };
    BoundsPlan {
        check,
        spectre_mask: facts.spectre_hardening,
    }
}

/// [`plan`] for an access of `size` bytes at static offset `offset` into a
/// memory of type `ty`.
pub fn plan_access(ty: &MemoryType, offset: u64, size: u32, spectre_hardening: bool) -> BoundsPlan {
    plan(AccessFacts::new(ty, offset, size, spectre_hardening))
}

#[cfg(test)]
mod tests;
