//! Why a linear memory could not be created.

use super::backing::BackingError;

/// Why [`MemoryInstance::new`](super::MemoryInstance::new) failed. Growth failures
/// are not errors: `memory.grow` returns -1 ([`None`]) instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MemoryError {
    /// The declared minimum is larger than the configured per-memory cap
    /// ([`MemoryConfig::max_memory_bytes`](super::MemoryConfig::max_memory_bytes)),
    /// or `min * page size` does not even fit in a u64.
    #[error(
        "memory minimum of {requested_bytes} bytes ({requested_pages} pages) exceeds the configured cap of {cap_bytes} bytes"
    )]
    ExceedsCap {
        /// The declared minimum, in pages.
        requested_pages: u64,
        /// The declared minimum in bytes (exact: 2^48 pages of 64 KiB is
        /// 2^64 bytes, which does not fit a u64).
        requested_bytes: u128,
        /// The configured cap in bytes.
        cap_bytes: u64,
    },
    /// A memory64 memory was requested on a 32-bit host.
    #[error("memory64 requires a 64-bit host")]
    Memory64On32BitHost,
    /// The OS refused to reserve (or commit the initial part of) the address
    /// space, or the size does not fit the host's address space.
    #[error("could not reserve {bytes} bytes of virtual memory: {source}")]
    Reserve {
        /// Size of the (last) reservation or commit attempted, in bytes.
        bytes: u64,
        /// The OS error.
        source: std::io::Error,
    },
    /// The memory type is `shared` (threads are not supported).
    #[error("shared memories are not supported")]
    SharedUnsupported,
    /// The memory type is malformed in a way validation rejects (minimum above
    /// the maximum or the spec's page limit, or a page size above 64 KiB).
    /// Never produced for types of validated modules.
    #[error("invalid memory type: {0}")]
    InvalidType(&'static str),
    /// The embedder's [`MemoryCreator`](super::MemoryCreator) refused or
    /// failed to provide the memory's backing.
    #[error("the memory creator refused the memory: {source}")]
    Creator {
        /// The creator's error.
        source: BackingError,
    },
    /// A [`MemoryBacking`](super::MemoryBacking) broke its contract in a way
    /// the runtime can see (e.g. fewer accessible bytes than requested).
    #[error("the memory backing broke its contract: {0}")]
    BrokenBacking(&'static str),
}
