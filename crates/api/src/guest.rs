//! Guest addresses and sizes: [`GuestAddr`] and [`GuestSize`], one 64-bit
//! type each for every memory, memory32 or memory64.
//!
//! A memory32 address is simply a `GuestAddr` below 2^32. Host functions that
//! take a `GuestAddr` or `GuestSize` parameter are width-generic: linked into
//! a memory32 module the parameter is an `i32` (zero-extended), into a
//! memory64 module an `i64` (see [`Linker::func_wrap`](crate::Linker::func_wrap)).
//! Arithmetic is checked: nothing here wraps.

use core::fmt;

/// An address in a guest's linear memory: a byte offset from the start of the
/// memory, 64 bits wide for memory32 and memory64 alike.
///
/// `Display` prints it in hex (`0x100000000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GuestAddr(pub u64);

impl GuestAddr {
    /// The address `addr`.
    pub const fn new(addr: u64) -> Self {
        Self(addr)
    }

    /// The address as a number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self + bytes`, or `None` if that overflows a `u64`.
    pub const fn checked_add(self, bytes: u64) -> Option<Self> {
        match self.0.checked_add(bytes) {
            Some(a) => Some(Self(a)),
            None => None,
        }
    }

    /// The end of the range `[self, self + len)`, or `None` if it overflows.
    pub fn end(self, len: GuestSize) -> Option<Self> {
        self.checked_add(len.0)
    }
}

impl From<u64> for GuestAddr {
    fn from(addr: u64) -> Self {
        Self(addr)
    }
}

impl From<u32> for GuestAddr {
    fn from(addr: u32) -> Self {
        Self(u64::from(addr))
    }
}

impl From<GuestAddr> for u64 {
    fn from(addr: GuestAddr) -> Self {
        addr.0
    }
}

impl fmt::Display for GuestAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// A length in bytes of a range in a guest's linear memory (the guest's
/// `size_t`), 64 bits wide for memory32 and memory64 alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GuestSize(pub u64);

impl GuestSize {
    /// The size `bytes`.
    pub const fn new(bytes: u64) -> Self {
        Self(bytes)
    }

    /// The size as a number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for GuestSize {
    fn from(bytes: u64) -> Self {
        Self(bytes)
    }
}

impl From<u32> for GuestSize {
    fn from(bytes: u32) -> Self {
        Self(u64::from(bytes))
    }
}

impl From<GuestSize> for u64 {
    fn from(size: GuestSize) -> Self {
        size.0
    }
}

impl fmt::Display for GuestSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_checked() {
        let a = GuestAddr::new(u64::MAX - 3);
        assert_eq!(a.checked_add(3), Some(GuestAddr(u64::MAX)));
        assert_eq!(a.checked_add(4), None);
        assert_eq!(a.end(GuestSize(4)), None);
        assert_eq!(GuestAddr::from(1u32 << 31).to_string(), "0x80000000");
        assert_eq!(u64::from(GuestSize::from(7u32)), 7);
    }
}
