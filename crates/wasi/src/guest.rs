//! [`GuestMemory`]: a WASI function's view of the calling module's linear
//! memory, which knows the guest width and checks every access.
//!
//! Addresses and lengths come from the guest and are never trusted: every
//! access checks `addr + len` for overflow and against the memory's current
//! size, and a failure is [`Errno::Fault`] (or [`Errno::Overflow`] for a
//! length the host cannot hold), never a host access out of bounds. Arrays
//! the guest describes (iovecs, subscriptions) are bounded by the memory
//! that holds them, so an absurd count fails before anything is allocated.

use crate::abi::Layout;
use crate::errno::Errno;

/// The calling module's memory and its width.
pub(crate) struct GuestMemory<'a> {
    bytes: &'a mut [u8],
    layout: Layout,
}

/// One `iovec`/`ciovec` as the guest wrote it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IoVec {
    pub buf: u64,
    pub len: u64,
}

impl<'a> GuestMemory<'a> {
    pub(crate) fn new(bytes: &'a mut [u8], layout: Layout) -> Self {
        Self { bytes, layout }
    }

    pub(crate) fn layout(&self) -> Layout {
        self.layout
    }

    /// The range `[addr, addr + len)` as host indices.
    fn range(&self, addr: u64, len: u64) -> Result<core::ops::Range<usize>, Errno> {
        let end = addr.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.bytes.len() as u64 {
            return Err(Errno::Fault);
        }
        // Both fit in usize: they are at most the length of a host slice.
        Ok(addr as usize..end as usize)
    }

    pub(crate) fn slice(&self, addr: u64, len: u64) -> Result<&[u8], Errno> {
        let r = self.range(addr, len)?;
        Ok(&self.bytes[r])
    }

    pub(crate) fn slice_mut(&mut self, addr: u64, len: u64) -> Result<&mut [u8], Errno> {
        let r = self.range(addr, len)?;
        Ok(&mut self.bytes[r])
    }

    pub(crate) fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Errno> {
        self.slice_mut(addr, data.len() as u64)?
            .copy_from_slice(data);
        Ok(())
    }

    fn read_array<const N: usize>(&self, addr: u64) -> Result<[u8; N], Errno> {
        let mut out = [0; N];
        out.copy_from_slice(self.slice(addr, N as u64)?);
        Ok(out)
    }

    pub(crate) fn read_u8(&self, addr: u64) -> Result<u8, Errno> {
        Ok(self.read_array::<1>(addr)?[0])
    }

    pub(crate) fn read_u16(&self, addr: u64) -> Result<u16, Errno> {
        self.read_array(addr).map(u16::from_le_bytes)
    }

    pub(crate) fn read_u32(&self, addr: u64) -> Result<u32, Errno> {
        self.read_array(addr).map(u32::from_le_bytes)
    }

    pub(crate) fn read_u64(&self, addr: u64) -> Result<u64, Errno> {
        self.read_array(addr).map(u64::from_le_bytes)
    }

    pub(crate) fn write_u8(&mut self, addr: u64, v: u8) -> Result<(), Errno> {
        self.write(addr, &[v])
    }

    pub(crate) fn write_u32(&mut self, addr: u64, v: u32) -> Result<(), Errno> {
        self.write(addr, &v.to_le_bytes())
    }

    pub(crate) fn write_u64(&mut self, addr: u64, v: u64) -> Result<(), Errno> {
        self.write(addr, &v.to_le_bytes())
    }

    /// A witx pointer or `size` at `addr`: 4 bytes in wasm32, 8 in wasm64.
    pub(crate) fn read_ptr(&self, addr: u64) -> Result<u64, Errno> {
        match self.layout.ptr {
            4 => self.read_u32(addr).map(u64::from),
            _ => self.read_u64(addr),
        }
    }

    /// Write a pointer or `size` output. In wasm32 a value above `u32::MAX`
    /// cannot be represented: [`Errno::Overflow`].
    pub(crate) fn write_ptr(&mut self, addr: u64, v: u64) -> Result<(), Errno> {
        match self.layout.ptr {
            4 => self.write_u32(addr, u32::try_from(v).map_err(|_| Errno::Overflow)?),
            _ => self.write_u64(addr, v),
        }
    }

    /// Fail unless a pointer or `size` output at `addr` lies in memory:
    /// checked before a call does its work, so no I/O happens whose count
    /// the guest could not receive.
    pub(crate) fn check_out_ptr(&self, addr: u64) -> Result<(), Errno> {
        self.range(addr, self.layout.ptr).map(drop)
    }

    /// The `count` iovecs at `addr`. The whole array must lie in memory
    /// before any of it is read, so `count` is bounded by the memory size.
    pub(crate) fn iovecs(&self, addr: u64, count: u64) -> Result<Vec<IoVec>, Errno> {
        let size = self.layout.iovec();
        let bytes = count.checked_mul(size).ok_or(Errno::Fault)?;
        self.range(addr, bytes)?;
        (0..count)
            .map(|i| {
                let at = addr + i * size;
                Ok(IoVec {
                    buf: self.read_ptr(at)?,
                    len: self.read_ptr(at + self.layout.ptr)?,
                })
            })
            .collect()
    }

    /// The guest buffers an iovec list names, each checked against memory.
    pub(crate) fn check_iovecs(&self, iovs: &[IoVec]) -> Result<(), Errno> {
        iovs.iter()
            .try_for_each(|v| self.range(v.buf, v.len).map(|_| ()))
    }

    /// A path argument: `len` bytes of UTF-8 at `addr`.
    pub(crate) fn string(&self, addr: u64, len: u64) -> Result<&str, Errno> {
        core::str::from_utf8(self.slice(addr, len)?).map_err(|_| Errno::Ilseq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accesses_are_checked_and_width_aware() {
        let mut bytes = vec![0u8; 64];
        let mut m = GuestMemory::new(&mut bytes, Layout::WASM64);
        m.write_ptr(8, 0x1_0000_0000).unwrap();
        assert_eq!(m.read_u64(8).unwrap(), 0x1_0000_0000);
        assert_eq!(m.read_u32(62), Err(Errno::Fault));
        assert_eq!(m.slice(u64::MAX, 2).err(), Some(Errno::Fault));
        assert_eq!(m.iovecs(0, u64::MAX / 8).err(), Some(Errno::Fault));
        let mut bytes = vec![0u8; 64];
        let mut m = GuestMemory::new(&mut bytes, Layout::WASM32);
        assert_eq!(m.write_ptr(0, 1 << 32), Err(Errno::Overflow));
        m.write_u32(0, 16).unwrap();
        m.write_u32(4, 3).unwrap();
        let v = m.iovecs(0, 1).unwrap();
        assert_eq!((v[0].buf, v[0].len), (16, 3));
    }
}
