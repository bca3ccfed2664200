//! Link and instantiation errors.

use strata_ir::{ExternKind, Trap};

use crate::memory::MemoryError;
use crate::table::TableError;

/// Why an import could not be satisfied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkErrorKind {
    /// Nothing was provided under that name.
    UnknownImport,
    /// Something was provided, of the wrong kind or type.
    IncompatibleImportType {
        /// What the module declares.
        expected: String,
        /// What was provided.
        actual: String,
    },
}

/// An import that could not be satisfied, naming it and the mismatch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct LinkError {
    /// Import module name.
    pub module: String,
    /// Import field name.
    pub name: String,
    /// Kind of the import.
    pub kind: ExternKind,
    /// What went wrong.
    pub error: LinkErrorKind,
}

impl LinkError {
    fn describe(&self) -> String {
        match &self.error {
            LinkErrorKind::UnknownImport => format!(
                "unknown import: {} `{}`.`{}` was not provided",
                self.kind, self.module, self.name
            ),
            LinkErrorKind::IncompatibleImportType { expected, actual } => format!(
                "incompatible import type for {} `{}`.`{}`: expected {expected}, found {actual}",
                self.kind, self.module, self.name
            ),
        }
    }
}

/// Why instantiation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstantiationError {
    /// An import was missing or mismatched.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// A memory could not be created.
    #[error("memory {index}: {source}")]
    Memory {
        /// Index of the memory in the module.
        index: u32,
        /// The cause.
        source: MemoryError,
    },
    /// A table could not be created.
    #[error("table {index}: {source}")]
    Table {
        /// Index of the table in the module.
        index: u32,
        /// The cause.
        source: TableError,
    },
    /// A store-wide limit was reached.
    #[error("store limit reached: {0}")]
    Limit(String),
    /// Initialization (a segment or the start function) trapped.
    #[error(transparent)]
    Trap(#[from] Trap),
}
