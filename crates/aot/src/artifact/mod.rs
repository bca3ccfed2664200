//! Artifacts: the versioned file `strata compile` writes, and the loader
//! that maps code for execution.
//!
//! This module and its children are the crate's `unsafe` for code loading:
//! mapping, relocating and protecting executable memory ([`code`]).
#![allow(unsafe_code)]

pub(crate) mod code;
pub(crate) mod format;

pub use format::{is_artifact, ARTIFACT_VERSION, MAGIC, STRATA_VERSION};

/// Why an artifact was refused or could not be loaded. Each variant names the
/// check that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArtifactError {
    /// The file does not start with the artifact magic.
    #[error("not a Strata artifact (bad magic)")]
    BadMagic,
    /// The file is shorter than its header or its sections say.
    #[error("truncated artifact")]
    Truncated,
    /// The format version differs from this build's.
    #[error("artifact format version {found}, this build reads {expected}")]
    FormatVersion {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// Written by another Strata version.
    #[error("artifact written by Strata {found}, this is Strata {expected}")]
    StrataVersion {
        /// Version in the file.
        found: String,
        /// This build's version.
        expected: String,
    },
    /// Compiled for another target.
    #[error("artifact compiled for `{found}`, this host is `{expected}`")]
    Target {
        /// Target triple in the file.
        found: String,
        /// The host's triple.
        expected: String,
    },
    /// Compiled for CPU features this host lacks.
    #[error("artifact needs CPU features `{0}` that this host lacks")]
    CpuFeatures(String),
    /// The checksum does not match the contents.
    #[error("artifact checksum mismatch (corrupt file)")]
    Checksum,
    /// A section is malformed although the checksum matched.
    #[error("malformed artifact: {0}")]
    Malformed(String),
    /// A relocation does not fit.
    #[error("bad relocation: {0}")]
    Relocation(&'static str),
    /// Mapping or protecting memory failed.
    #[error("cannot map code: {0}")]
    Map(String),
}
