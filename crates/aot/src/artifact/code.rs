//! Executable memory for a code image: map read-write, copy, then flip to
//! read-execute (W^X: never writable and executable at once). The image is
//! linked and position-independent (`crate::link`), so nothing is patched
//! here; no system linker and no `dlopen` are involved.
//!
//! This is the `unsafe` of code loading: mapping, copying into and
//! protecting executable memory.
#![allow(unsafe_code)]

use crate::link::CodeImage;

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
    /// Load `image` for execution on this host. The caller has checked the
    /// image (`super::image::check`): its symbols lie inside its code.
    ///
    /// # Errors
    /// A symbol outside the image, or a failed `mmap`/`mprotect`.
    pub(crate) fn load(image: &CodeImage) -> Result<Self, ArtifactError> {
        if image.symbols.iter().any(|s| s.end() > image.code.len()) {
            return Err(ArtifactError::Symbols(
                "a symbol lies outside the code".into(),
            ));
        }
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
                .map(|s| ptr as usize + s.offset as usize)
                .collect(),
        };
        {
            // SAFETY: the mapping is `size >= code.len()` bytes, read-write,
            // and owned by `mem` alone; the slice ends with this block,
            // before the mapping turns executable.
            let bytes = unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u8>(), size) };
            bytes[..image.code.len()].copy_from_slice(&image.code);
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
