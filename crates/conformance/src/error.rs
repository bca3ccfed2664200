//! The conformance kit's error type: failures to set a run up (no engine,
//! no suite, an unreadable list). Failures *of* tests are not errors; they
//! are in the reports.

use std::path::PathBuf;

use crate::expected::ExpectedParseError;

/// Why a run could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The engine could not be created.
    #[error("cannot create the engine: {0}")]
    Api(#[from] strata_api::Error),
    /// The expected-failure list is malformed.
    #[error(transparent)]
    Expected(#[from] ExpectedParseError),
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The test-suite folder does not exist.
    #[error("test suite not found at {} (set STRATA_TESTSUITE to its folder)", .0.display())]
    SuiteNotFound(PathBuf),
}
