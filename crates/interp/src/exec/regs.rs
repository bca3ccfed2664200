//! Unchecked access to the slots of the running frame.
//!
//! The translator's verifier (`translate::verify`) proves, once per function,
//! that every slot operand is below the function's `frame_size`; the executor
//! hands the instruction loop exactly `frame_size` slots. Together these make
//! the unchecked reads and writes below sound. Debug builds check anyway.

use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::bytecode::Slot;

/// The slots of one frame.
pub(super) struct Regs<'a> {
    ptr: NonNull<u64>,
    len: usize,
    _frame: PhantomData<&'a mut [u64]>,
}

impl<'a> Regs<'a> {
    /// Wrap a frame's slots.
    #[inline(always)]
    pub(super) fn new(slots: &'a mut [u64]) -> Self {
        Self {
            len: slots.len(),
            ptr: NonNull::from(slots).cast(),
            _frame: PhantomData,
        }
    }

    /// Read a slot.
    ///
    /// # Safety
    /// `slot` must be below the frame size (guaranteed for slot operands of
    /// verified code).
    #[inline(always)]
    pub(super) unsafe fn get(&self, slot: Slot) -> u64 {
        debug_assert!((slot as usize) < self.len);
        // SAFETY: the caller guarantees `slot < len`, and `ptr` points to
        // `len` initialized slots borrowed mutably for `'a`.
        unsafe { *self.ptr.as_ptr().add(slot as usize) }
    }

    /// Write a slot.
    ///
    /// # Safety
    /// As for [`Regs::get`].
    #[inline(always)]
    pub(super) unsafe fn set(&mut self, slot: Slot, value: u64) {
        debug_assert!((slot as usize) < self.len);
        // SAFETY: as in `get`; `&mut self` gives exclusive access.
        unsafe { *self.ptr.as_ptr().add(slot as usize) = value }
    }

    /// Read the `v128` in the slot pair at `slot` (low half first).
    ///
    /// # Safety
    /// `slot + 1` must be below the frame size (guaranteed for vector
    /// operands of verified code).
    #[inline(always)]
    pub(super) unsafe fn get128(&self, slot: Slot) -> u128 {
        // SAFETY: the caller guarantees both slots are in the frame.
        let (lo, hi) = unsafe { (self.get(slot), self.get(slot + 1)) };
        strata_runtime::value::v128_from_slots(lo, hi)
    }

    /// Write a `v128` to the slot pair at `slot`.
    ///
    /// # Safety
    /// As for [`Regs::get128`].
    #[inline(always)]
    pub(super) unsafe fn set128(&mut self, slot: Slot, value: u128) {
        let [lo, hi] = strata_runtime::value::v128_to_slots(value);
        // SAFETY: the caller guarantees both slots are in the frame.
        unsafe {
            self.set(slot, lo);
            self.set(slot + 1, hi);
        }
    }

    /// Checked read, for rare paths.
    #[inline]
    pub(super) fn read(&self, slot: Slot) -> u64 {
        assert!((slot as usize) < self.len, "slot out of frame");
        // SAFETY: checked just above.
        unsafe { self.get(slot) }
    }

    /// Checked write, for rare paths.
    #[inline]
    pub(super) fn write(&mut self, slot: Slot, value: u64) {
        assert!((slot as usize) < self.len, "slot out of frame");
        // SAFETY: checked just above.
        unsafe { self.set(slot, value) }
    }

    /// `n` slots starting at `start`, checked.
    pub(super) fn range(&self, start: Slot, n: usize) -> &[u64] {
        let start = start as usize;
        assert!(start + n <= self.len, "slot range out of frame");
        // SAFETY: the range was checked to lie within the `len` slots.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr().add(start), n) }
    }
}

/// Read a slot of verified code.
macro_rules! get {
    ($regs:ident, $slot:expr) => {
        // SAFETY: slot operands of verified code are below the frame size,
        // and `$regs` holds exactly one frame (see `exec::regs`).
        unsafe { $regs.get($slot) }
    };
}

/// Write a slot of verified code.
macro_rules! set {
    ($regs:ident, $slot:expr, $value:expr) => {{
        let value = $value;
        // SAFETY: as for `get!`.
        unsafe { $regs.set($slot, value) }
    }};
}

/// Read the slot pair of a vector operand of verified code.
macro_rules! get128 {
    ($regs:ident, $slot:expr) => {
        // SAFETY: the verifier checked that every vector operand's pair lies
        // below the frame size, and `$regs` holds exactly one frame.
        unsafe { $regs.get128($slot) }
    };
}

/// Write the slot pair of a vector result of verified code.
macro_rules! set128 {
    ($regs:ident, $slot:expr, $value:expr) => {{
        let value = $value;
        // SAFETY: as for `get128!`.
        unsafe { $regs.set128($slot, value) }
    }};
}

pub(super) use {get, get128, set, set128};
