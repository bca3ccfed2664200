//! The preview1 ABI as numbers: the flag sets, enumerations and struct
//! layouts of `wasi_snapshot_preview1`, for both guest widths.
//!
//! Fixed-width types (`fd` u32, `errno` u16, `filesize`/`timestamp` u64, the
//! flag sets) are the same in wasm32 and wasm64. Only witx pointers and
//! `size` change: 4 bytes in a memory32 module, 8 in a memory64 one (see
//! `docs/wasm64-wasip1.md`). The structs below hold no pointer or `size`
//! except `iovec`/`ciovec` and `prestat`, whose layouts [`Layout`] computes
//! per width.

use bitflags::bitflags;

bitflags! {
    /// `$rights`: what a descriptor may be used for.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Rights: u64 {
        const FD_DATASYNC = 1 << 0;
        const FD_READ = 1 << 1;
        const FD_SEEK = 1 << 2;
        const FD_FDSTAT_SET_FLAGS = 1 << 3;
        const FD_SYNC = 1 << 4;
        const FD_TELL = 1 << 5;
        const FD_WRITE = 1 << 6;
        const FD_ADVISE = 1 << 7;
        const FD_ALLOCATE = 1 << 8;
        const PATH_CREATE_DIRECTORY = 1 << 9;
        const PATH_CREATE_FILE = 1 << 10;
        const PATH_LINK_SOURCE = 1 << 11;
        const PATH_LINK_TARGET = 1 << 12;
        const PATH_OPEN = 1 << 13;
        const FD_READDIR = 1 << 14;
        const PATH_READLINK = 1 << 15;
        const PATH_RENAME_SOURCE = 1 << 16;
        const PATH_RENAME_TARGET = 1 << 17;
        const PATH_FILESTAT_GET = 1 << 18;
        const PATH_FILESTAT_SET_SIZE = 1 << 19;
        const PATH_FILESTAT_SET_TIMES = 1 << 20;
        const FD_FILESTAT_GET = 1 << 21;
        const FD_FILESTAT_SET_SIZE = 1 << 22;
        const FD_FILESTAT_SET_TIMES = 1 << 23;
        const PATH_SYMLINK = 1 << 24;
        const PATH_REMOVE_DIRECTORY = 1 << 25;
        const PATH_UNLINK_FILE = 1 << 26;
        const POLL_FD_READWRITE = 1 << 27;
        const SOCK_SHUTDOWN = 1 << 28;
        const SOCK_ACCEPT = 1 << 29;
    }
}

impl Rights {
    /// Rights that apply to a regular file.
    pub const FILE: Rights = Rights::FD_DATASYNC
        .union(Rights::FD_READ)
        .union(Rights::FD_SEEK)
        .union(Rights::FD_FDSTAT_SET_FLAGS)
        .union(Rights::FD_SYNC)
        .union(Rights::FD_TELL)
        .union(Rights::FD_WRITE)
        .union(Rights::FD_ADVISE)
        .union(Rights::FD_ALLOCATE)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::FD_FILESTAT_SET_SIZE)
        .union(Rights::FD_FILESTAT_SET_TIMES)
        .union(Rights::POLL_FD_READWRITE);

    /// Rights that apply to a directory itself.
    pub const DIR: Rights = Rights::FD_FDSTAT_SET_FLAGS
        .union(Rights::FD_SYNC)
        .union(Rights::FD_ADVISE)
        .union(Rights::PATH_CREATE_DIRECTORY)
        .union(Rights::PATH_CREATE_FILE)
        .union(Rights::PATH_LINK_SOURCE)
        .union(Rights::PATH_LINK_TARGET)
        .union(Rights::PATH_OPEN)
        .union(Rights::FD_READDIR)
        .union(Rights::PATH_READLINK)
        .union(Rights::PATH_RENAME_SOURCE)
        .union(Rights::PATH_RENAME_TARGET)
        .union(Rights::PATH_FILESTAT_GET)
        .union(Rights::PATH_FILESTAT_SET_SIZE)
        .union(Rights::PATH_FILESTAT_SET_TIMES)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::FD_FILESTAT_SET_TIMES)
        .union(Rights::PATH_SYMLINK)
        .union(Rights::PATH_REMOVE_DIRECTORY)
        .union(Rights::PATH_UNLINK_FILE);

    /// Rights of a character stream (stdio, pipes).
    pub const STREAM: Rights = Rights::FD_READ
        .union(Rights::FD_WRITE)
        .union(Rights::FD_FDSTAT_SET_FLAGS)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::POLL_FD_READWRITE);
}

bitflags! {
    /// `$fdflags` (u16).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct FdFlags: u16 {
        const APPEND = 1 << 0;
        const DSYNC = 1 << 1;
        const NONBLOCK = 1 << 2;
        const RSYNC = 1 << 3;
        const SYNC = 1 << 4;
    }
}

bitflags! {
    /// `$oflags` (u16): how `path_open` creates or truncates.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct OFlags: u16 {
        const CREAT = 1 << 0;
        const DIRECTORY = 1 << 1;
        const EXCL = 1 << 2;
        const TRUNC = 1 << 3;
    }
}

bitflags! {
    /// `$lookupflags` (u32).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct LookupFlags: u32 {
        const SYMLINK_FOLLOW = 1 << 0;
    }
}

bitflags! {
    /// `$fstflags` (u16): which timestamps `*_set_times` changes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct FstFlags: u16 {
        const ATIM = 1 << 0;
        const ATIM_NOW = 1 << 1;
        const MTIM = 1 << 2;
        const MTIM_NOW = 1 << 3;
    }
}

/// `$filetype` (u8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FileType {
    /// Not known, or not one of the others.
    Unknown = 0,
    /// A block device.
    BlockDevice = 1,
    /// A character device (stdio, a terminal).
    CharacterDevice = 2,
    /// A directory.
    Directory = 3,
    /// A regular file.
    RegularFile = 4,
    /// A datagram socket (no socket is offered yet; kept for the ABI).
    #[allow(dead_code)]
    SocketDgram = 5,
    /// A stream socket.
    SocketStream = 6,
    /// A symbolic link.
    SymbolicLink = 7,
}

/// `$clockid` values.
pub mod clockid {
    /// Wall-clock time.
    pub const REALTIME: u32 = 0;
    /// A clock that never goes back.
    pub const MONOTONIC: u32 = 1;
    /// CPU time of the process.
    pub const PROCESS_CPUTIME: u32 = 2;
    /// CPU time of the thread.
    pub const THREAD_CPUTIME: u32 = 3;
}

/// `$whence` values.
pub mod whence {
    /// From the start.
    pub const SET: u32 = 0;
    /// From the current position.
    pub const CUR: u32 = 1;
    /// From the end.
    pub const END: u32 = 2;
}

/// `$eventtype` values.
pub mod eventtype {
    /// A clock subscription.
    pub const CLOCK: u8 = 0;
    /// Readable descriptor.
    pub const FD_READ: u8 = 1;
    /// Writable descriptor.
    pub const FD_WRITE: u8 = 2;
}

/// `$subclockflags`: the timeout is an absolute time.
pub const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1;

/// Sizes of the fixed structs (identical in both widths).
pub mod size {
    /// `$subscription`.
    pub const SUBSCRIPTION: u64 = 48;
    /// `$event`.
    pub const EVENT: u64 = 32;
}

/// The layout of the width-dependent structs for one guest width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Bytes of a pointer or `size`: 4 (wasm32) or 8 (wasm64).
    pub ptr: u64,
}

impl Layout {
    /// The layout of a memory32 module.
    pub const WASM32: Layout = Layout { ptr: 4 };
    /// The layout of a memory64 module.
    pub const WASM64: Layout = Layout { ptr: 8 };

    /// Bytes of one `iovec`/`ciovec` (`buf`, `buf_len`): 8 or 16.
    pub fn iovec(self) -> u64 {
        2 * self.ptr
    }

    /// Bytes of a `prestat` (tag u8, then `pr_name_len: size` aligned to
    /// its size): 8 or 16.
    pub fn prestat(self) -> u64 {
        2 * self.ptr
    }

    /// Offset of `pr_name_len` in a `prestat`: 4 or 8.
    pub fn prestat_name_len(self) -> u64 {
        self.ptr
    }
}
