//! WASI preview1 (`wasi_snapshot_preview1`) for Strata, for memory32
//! (wasm32-wasip1) and memory64 (wasm64-wasip1) modules from one
//! implementation.
//!
//! ```text
//! WasiCtxBuilder ──build──► WasiCtx (in the store's data)
//!                              │ args, env, descriptor table, clocks, random
//! add_to_linker(&mut linker, |data| &mut data.wasi)
//!                              │ 46 width-generic host functions
//! guest call ──► GuestMemory (width-aware, checked) ──► preview1::{env, fd, path, poll, sock}
//! ```
//!
//! # The wasm64 ABI
//! A memory64 module imports the same functions under the same names; every
//! witx pointer and `size` parameter is `i64`, guest structs use 8-byte
//! pointers and sizes (an `iovec` is 16 bytes, a `prestat` 16 with its name
//! length at offset 8), and `size` outputs (`nread`, `nwritten`,
//! `bufused`, argument and environment sizes) are written as 8 bytes.
//! Fixed-width types keep their widths. `docs/wasm64-wasip1.md` in the
//! repository is the full description.
//!
//! # Sandboxing
//! Files are reachable only under preopened directories, resolved with
//! `cap-std`; permissions ([`DirPerms`], [`FilePerms`]) and preview1 rights
//! are enforced. Guest addresses and lengths are checked against the
//! memory before use; a bad one is an errno (`fault`, `overflow`, `inval`)
//! to the guest, never a host fault.
//!
//! # Exit
//! `proc_exit(n)` unwinds the guest as a trap whose
//! [`Error::exit_status`](strata_api::Error::exit_status) is `Some(n)` and
//! whose kind is [`ErrorKind::Exit(n)`](strata_api::ErrorKind::Exit).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod abi;
mod ctx;
mod errno;
mod guest;
mod link;
mod preview1;
mod stdio;
mod table;

pub use ctx::{
    DirPerms, FilePerms, MonotonicClock, RandomSource, WallClock, WasiCtx, WasiCtxBuilder,
};
pub use errno::Errno;
pub use link::{add_to_linker, MODULE};
pub use stdio::{InputStream, MemoryInputPipe, MemoryOutputPipe, OutputStream};
