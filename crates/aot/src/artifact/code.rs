//! Executable memory for a code image: map read-write, copy, apply the
//! relocations, then flip to read-execute (W^X: never writable and executable
//! at once). No system linker and no `dlopen` are involved.

use crate::compile::{CodeImage, RelocKind};

use super::ArtifactError;

/// A loaded, relocated, executable code image. Unmapped on drop.
#[derive(Debug)]
pub(crate) struct CodeMemory {
    /// Address of the mapping (kept as an integer: nothing dereferences it
    /// from Rust once it is executable).
    base: usize,
    /// Size of the mapping.
    size: usize,
    /// Absolute address of every symbol.
    symbols: Vec<usize>,
}

fn page_size() -> usize {
    // SAFETY: `sysconf` has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(p).unwrap_or(4096).max(4096)
}

impl CodeMemory {
    /// Load `image` for execution on this host.
    ///
    /// # Errors
    /// A relocation that points outside the image or does not fit its field,
    /// or a failed `mmap`/`mprotect`.
    pub(crate) fn load(image: &CodeImage) -> Result<Self, ArtifactError> {
        let len = image.code.len().max(1);
        let page = page_size();
        let size = len.div_ceil(page) * page;
        // SAFETY: an anonymous private mapping at an address of the kernel's
        // choosing aliases nothing.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(ArtifactError::Map(
                std::io::Error::last_os_error().to_string(),
            ));
        }
        let mem = CodeMemory {
            base: ptr as usize,
            size,
            symbols: image
                .symbols
                .iter()
                .map(|s| ptr as usize + *s as usize)
                .collect(),
        };
        // SAFETY: the mapping is `size >= code.len()` bytes, read-write, and
        // owned by `mem` alone.
        let bytes = unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u8>(), size) };
        bytes[..image.code.len()].copy_from_slice(&image.code);
        for r in &image.relocs {
            let at = r.at as usize;
            let target = image
                .symbols
                .get(r.symbol as usize)
                .ok_or(ArtifactError::Relocation("symbol out of range"))?;
            let place = mem.base as i64 + at as i64;
            let value = mem.base as i64 + i64::from(*target) + r.addend;
            match r.kind {
                RelocKind::X86PcRel4 => {
                    let field = bytes
                        .get_mut(at..at + 4)
                        .ok_or(ArtifactError::Relocation("offset out of range"))?;
                    let rel = i32::try_from(value - place)
                        .map_err(|_| ArtifactError::Relocation("displacement out of range"))?;
                    field.copy_from_slice(&rel.to_le_bytes());
                }
                RelocKind::Arm64Call => {
                    let field = bytes
                        .get_mut(at..at + 4)
                        .ok_or(ArtifactError::Relocation("offset out of range"))?;
                    let rel = value - place;
                    if rel % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&rel) {
                        return Err(ArtifactError::Relocation("branch out of range"));
                    }
                    let mut insn = u32::from_le_bytes([field[0], field[1], field[2], field[3]]);
                    insn = (insn & 0xfc00_0000) | (((rel >> 2) as u32) & 0x03ff_ffff);
                    field.copy_from_slice(&insn.to_le_bytes());
                }
                RelocKind::Abs8 => {
                    let field = bytes
                        .get_mut(at..at + 8)
                        .ok_or(ArtifactError::Relocation("offset out of range"))?;
                    field.copy_from_slice(&(value as u64).to_le_bytes());
                }
            }
        }
        // SAFETY: `ptr..ptr + size` is the mapping made above; from here on
        // it is read-execute and no Rust reference to its bytes remains.
        let rc = unsafe { libc::mprotect(ptr, size, libc::PROT_READ | libc::PROT_EXEC) };
        if rc != 0 {
            return Err(ArtifactError::Map(
                std::io::Error::last_os_error().to_string(),
            ));
        }
        #[cfg(target_arch = "aarch64")]
        {
            extern "C" {
                fn __clear_cache(start: *mut libc::c_void, end: *mut libc::c_void);
            }
            // SAFETY: flushes the instruction cache over the mapping just written.
            unsafe { __clear_cache(ptr, ptr.cast::<u8>().add(size).cast()) };
        }
        Ok(mem)
    }

    /// Absolute address of symbol `i`.
    pub(crate) fn symbol(&self, i: usize) -> Option<usize> {
        self.symbols.get(i).copied()
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: `base..base + size` is a mapping this value owns; no code in
        // it runs any more (every module using it has been dropped).
        unsafe {
            libc::munmap(self.base as *mut libc::c_void, self.size);
        }
    }
}
