//! The API's one error type, [`Error`], with its [`ErrorKind`], and the
//! layer errors it wraps ([`LoadError`], [`CompileError`], [`LinkError`],
//! [`InstantiationError`], [`MemoryError`], [`Trap`], [`MemoryAccessError`],
//! [`GrowError`]),
//! re-exported so an embedder can inspect them.
//!
//! `Display` gives the whole story in one line: what was being done, then the
//! underlying error (for a trap, its wasm backtrace follows on further lines).

pub use strata_loader::{LoadError, LoadErrorKind};
pub use strata_runtime::{
    CompileError, InstantiationError, LinkError, LinkErrorKind, MemoryError, TableError,
};

pub use crate::memory::{GrowError, MemoryAccessError};

use strata_ir::{Trap, TrapCode, TrapFrame};
use strata_runtime::StoreId;

use crate::handle::Stored;
use crate::store::AsStore;
use crate::val::ExnRef;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes or text do not decode as a module (spec: `assert_malformed`).
    Malformed,
    /// The module decodes but does not validate (spec: `assert_invalid`).
    Invalid,
    /// The module is valid but uses something Strata does not implement.
    Unsupported,
    /// The execution tier could not compile the module.
    Compile,
    /// An import is missing or has the wrong type (spec: `assert_unlinkable`).
    Link,
    /// Instantiation failed for another reason than a link error or a trap.
    Instantiation,
    /// A resource limit was reached: a memory or table over the configured
    /// cap, or a store-wide limit.
    Resource,
    /// Execution trapped — during a call, or while instantiating (a segment
    /// out of bounds, or the start function).
    Trap(TrapCode),
    /// A value or handle of the wrong type was given (call arguments, global
    /// values, table elements, setting an immutable global, a typed view of
    /// a function of another type).
    Type,
    /// An instance has no export of the name asked for (or none of the kind
    /// asked for: see the message).
    MissingExport,
    /// A host access to a linear memory was out of bounds.
    MemoryAccess,
    /// A tier plugin could not be loaded: the library does not open, has no
    /// entry symbol, or was built for another plugin ABI, Strata version,
    /// compiler or target (the message names both sides).
    Plugin,
    /// A handle, or a reference inside a value, made by one store was used
    /// with another (the message names the kind of handle and both stores,
    /// as in "a Func of store #3 used with store #5"). Nothing was done.
    WrongStore,
    /// The program ended itself with this exit status (WASI `proc_exit`):
    /// not a failure of the runtime. [`Error::exit_status`] gives the same
    /// number.
    Exit(i32),
}

impl core::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ErrorKind::Malformed => f.write_str("malformed module"),
            ErrorKind::Invalid => f.write_str("invalid module"),
            ErrorKind::Unsupported => f.write_str("unsupported"),
            ErrorKind::Compile => f.write_str("compile error"),
            ErrorKind::Link => f.write_str("link error"),
            ErrorKind::Instantiation => f.write_str("instantiation error"),
            ErrorKind::Resource => f.write_str("resource limit"),
            ErrorKind::Trap(code) => write!(f, "trap: {code}"),
            ErrorKind::Type => f.write_str("type error"),
            ErrorKind::MissingExport => f.write_str("missing export"),
            ErrorKind::MemoryAccess => f.write_str("memory access error"),
            ErrorKind::Plugin => f.write_str("plugin error"),
            ErrorKind::WrongStore => f.write_str("wrong store"),
            ErrorKind::Exit(status) => write!(f, "exit with status {status}"),
        }
    }
}

#[derive(Debug)]
enum Source {
    Load(LoadError),
    Compile {
        tier: &'static str,
        error: CompileError,
    },
    Link(LinkError),
    Instantiation(InstantiationError),
    /// A host memory ([`Memory::new`](crate::Memory::new)) could not be made.
    HostMemory(MemoryError),
    Trap(Trap),
    /// A trap of a call into the store `store`: if it carries an exception,
    /// the exception is of that store.
    CallTrap {
        trap: Trap,
        store: StoreId,
    },
    MemoryAccess(MemoryAccessError),
    Grow(GrowError),
    Message(String),
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    source: Source,
}

/// An error of the embedding API: a load, compile, link or instantiation
/// failure, a trap, or a misuse (wrong value types, a handle of another
/// store). One word wide.
#[derive(Debug)]
pub struct Error(Box<Inner>);

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The trap, if execution trapped (also during instantiation).
    pub fn trap(&self) -> Option<&Trap> {
        match &self.0.source {
            Source::Trap(t)
            | Source::CallTrap { trap: t, .. }
            | Source::Instantiation(InstantiationError::Trap(t)) => Some(t),
            _ => None,
        }
    }

    /// The exception wasm threw and no handler caught, as an `exnref` of
    /// `store` (the store of the call that failed): `Ok(None)` if the error
    /// is no uncaught exception. The exception stays alive as long as the
    /// store, like every exception the embedder is handed.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the call ran in another store.
    pub fn exception(&self, store: &impl AsStore) -> Result<Option<ExnRef>, Error> {
        let Source::CallTrap { trap, store: id } = &self.0.source else {
            return Ok(None);
        };
        let rt = store.rt();
        if *id != rt.id() {
            return Err(Error::msg(
                ErrorKind::WrongStore,
                format!("an exception of store {id} looked up in store {}", rt.id()),
            ));
        }
        Ok(rt.thrown_by(trap).map(|exn| {
            rt.pin_exception(exn);
            ExnRef(Stored::new(*id, exn))
        }))
    }

    /// The error of a trap from a call into store `store`.
    #[cold]
    pub(crate) fn call_trap(trap: Trap, store: StoreId) -> Self {
        Self(Box::new(Inner {
            kind: trap_kind(&trap),
            source: Source::CallTrap { trap, store },
        }))
    }

    /// The exit status, if the program ended itself (WASI `proc_exit`).
    pub fn exit_status(&self) -> Option<i32> {
        match self.0.kind {
            ErrorKind::Exit(status) => Some(status),
            _ => None,
        }
    }

    /// The wasm backtrace of a trap, innermost frame first (function index,
    /// name and byte offset where known); empty for other errors.
    pub fn frames(&self) -> &[TrapFrame] {
        self.trap().map_or(&[], |t| t.frames())
    }

    /// The memory access error, if a host access was out of bounds.
    pub fn memory_access_error(&self) -> Option<&MemoryAccessError> {
        match &self.0.source {
            Source::MemoryAccess(e) => Some(e),
            _ => None,
        }
    }

    /// The grow error, if a memory refused to grow.
    pub fn grow_error(&self) -> Option<&GrowError> {
        match &self.0.source {
            Source::Grow(e) => Some(e),
            _ => None,
        }
    }

    /// The loader's error, if the module failed to load.
    pub fn load_error(&self) -> Option<&LoadError> {
        match &self.0.source {
            Source::Load(e) => Some(e),
            _ => None,
        }
    }

    /// The tier's error, if the module failed to compile.
    pub fn compile_error(&self) -> Option<&CompileError> {
        match &self.0.source {
            Source::Compile { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The memory error, if a linear memory could not be created: one the
    /// module defines, at instantiation (the message names its index), or a
    /// host memory made with [`Memory::new`](crate::Memory::new). A
    /// [`MemoryCreator`](crate::MemoryCreator)'s refusal is
    /// [`MemoryError::Creator`].
    pub fn memory_error(&self) -> Option<&MemoryError> {
        match &self.0.source {
            Source::HostMemory(e)
            | Source::Instantiation(InstantiationError::Memory { source: e, .. }) => Some(e),
            _ => None,
        }
    }

    /// The link error, if an import could not be satisfied.
    pub fn link_error(&self) -> Option<&LinkError> {
        match &self.0.source {
            Source::Link(e) | Source::Instantiation(InstantiationError::Link(e)) => Some(e),
            _ => None,
        }
    }

    /// An error of `kind` with a message.
    #[cold]
    pub(crate) fn msg(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            kind,
            source: Source::Message(message.into()),
        }))
    }

    /// A host memory could not be created.
    #[cold]
    pub(crate) fn host_memory(e: MemoryError) -> Self {
        Self(Box::new(Inner {
            kind: memory_error_kind(&e),
            source: Source::HostMemory(e),
        }))
    }

    /// A compile error of `tier`.
    #[cold]
    pub(crate) fn compile(tier: &'static str, error: CompileError) -> Self {
        Self(Box::new(Inner {
            kind: ErrorKind::Compile,
            source: Source::Compile { tier, error },
        }))
    }
}

impl From<LoadError> for Error {
    #[cold]
    fn from(e: LoadError) -> Self {
        let kind = match e.kind() {
            LoadErrorKind::Malformed(_) => ErrorKind::Malformed,
            LoadErrorKind::Unsupported(_) => ErrorKind::Unsupported,
            _ => ErrorKind::Invalid,
        };
        Self(Box::new(Inner {
            kind,
            source: Source::Load(e),
        }))
    }
}

impl From<MemoryAccessError> for Error {
    #[cold]
    fn from(e: MemoryAccessError) -> Self {
        let kind = match e {
            MemoryAccessError::WrongStore { .. } => ErrorKind::WrongStore,
            _ => ErrorKind::MemoryAccess,
        };
        Self(Box::new(Inner {
            kind,
            source: Source::MemoryAccess(e),
        }))
    }
}

impl From<GrowError> for Error {
    #[cold]
    fn from(e: GrowError) -> Self {
        let kind = match e {
            GrowError::WrongStore { .. } => ErrorKind::WrongStore,
            _ => ErrorKind::Resource,
        };
        Self(Box::new(Inner {
            kind,
            source: Source::Grow(e),
        }))
    }
}

/// Inside a host function: an out-of-bounds access becomes a host trap
/// carrying the error's message, so `?` works on [`Memory`](crate::Memory)
/// accesses.
impl From<MemoryAccessError> for Trap {
    #[cold]
    fn from(e: MemoryAccessError) -> Self {
        Trap::host(e.to_string())
    }
}

/// Inside a host function: a trap of a nested call passes through as it is;
/// any other error becomes a host trap carrying its message.
impl From<Error> for Trap {
    #[cold]
    fn from(e: Error) -> Self {
        match e.trap() {
            Some(t) => t.clone(),
            None => Trap::host(e.to_string()),
        }
    }
}

impl From<LinkError> for Error {
    #[cold]
    fn from(e: LinkError) -> Self {
        Self(Box::new(Inner {
            kind: ErrorKind::Link,
            source: Source::Link(e),
        }))
    }
}

impl From<Trap> for Error {
    #[cold]
    fn from(t: Trap) -> Self {
        Self(Box::new(Inner {
            kind: trap_kind(&t),
            source: Source::Trap(t),
        }))
    }
}

impl From<InstantiationError> for Error {
    #[cold]
    fn from(e: InstantiationError) -> Self {
        let kind = match &e {
            InstantiationError::Link(_) => ErrorKind::Link,
            InstantiationError::Trap(t) => trap_kind(t),
            InstantiationError::Memory { source, .. } => memory_error_kind(source),
            InstantiationError::Table { .. } | InstantiationError::Limit(_) => ErrorKind::Resource,
            _ => ErrorKind::Instantiation,
        };
        Self(Box::new(Inner {
            kind,
            source: Source::Instantiation(e),
        }))
    }
}

/// The kind of a trap: an exit when a host function ended the program.
fn trap_kind(t: &Trap) -> ErrorKind {
    match t.exit_status() {
        Some(status) => ErrorKind::Exit(status),
        None => ErrorKind::Trap(t.code()),
    }
}

/// The kind of a failure to create a memory.
pub(crate) fn memory_error_kind(e: &MemoryError) -> ErrorKind {
    match e {
        MemoryError::ExceedsCap { .. } | MemoryError::Reserve { .. } => ErrorKind::Resource,
        MemoryError::Memory64On32BitHost | MemoryError::SharedUnsupported => ErrorKind::Unsupported,
        MemoryError::InvalidType(_) => ErrorKind::Invalid,
        _ => ErrorKind::Instantiation,
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.0.source {
            Source::Load(e) => write!(f, "failed to load module: {e}"),
            Source::Compile { tier, error } => {
                write!(f, "failed to compile module with tier `{tier}`: {error}")
            }
            Source::Link(e) => write!(f, "failed to link module: {e}"),
            Source::Instantiation(InstantiationError::Trap(t)) => {
                write!(f, "wasm trap during instantiation: {t}")
            }
            Source::Instantiation(InstantiationError::Link(e)) => {
                write!(f, "failed to link module: {e}")
            }
            Source::Instantiation(e) => write!(f, "failed to instantiate module: {e}"),
            Source::Trap(t) | Source::CallTrap { trap: t, .. } if t.exit_status().is_some() => {
                write!(f, "{}", self.0.kind)
            }
            Source::Trap(t) | Source::CallTrap { trap: t, .. } => write!(f, "wasm trap: {t}"),
            Source::MemoryAccess(e @ MemoryAccessError::WrongStore { .. }) => {
                write!(f, "{}: {e}", self.0.kind)
            }
            Source::MemoryAccess(e) => write!(f, "{e}"),
            Source::Grow(e @ GrowError::WrongStore { .. }) => write!(f, "{}: {e}", self.0.kind),
            Source::Grow(e) => write!(f, "memory.grow refused: {e}"),
            Source::Message(m) => write!(f, "{}: {m}", self.0.kind),
            Source::HostMemory(e) => write!(f, "{}: host memory: {e}", self.0.kind),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.source {
            Source::Load(e) => Some(e),
            Source::Compile { error, .. } => Some(error),
            Source::Link(e) => Some(e),
            Source::Instantiation(e) => Some(e),
            Source::HostMemory(e) => Some(e),
            Source::Trap(t) | Source::CallTrap { trap: t, .. } => Some(t),
            Source::MemoryAccess(e) => Some(e),
            Source::Grow(e) => Some(e),
            Source::Message(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_word_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn kinds_follow_the_wrapped_error() {
        let e = Error::from(LoadError::new(
            LoadErrorKind::Malformed("bad magic".into()),
            0,
        ));
        assert_eq!(e.kind(), ErrorKind::Malformed);
        assert!(e.to_string().contains("bad magic"));
        let e = Error::from(Trap::new(TrapCode::IntegerDivideByZero));
        assert_eq!(e.kind(), ErrorKind::Trap(TrapCode::IntegerDivideByZero));
        assert_eq!(e.to_string(), "wasm trap: integer divide by zero");
        assert!(e.trap().is_some());
        let e = Error::from(InstantiationError::Trap(Trap::new(
            TrapCode::MemoryOutOfBounds,
        )));
        assert_eq!(e.kind(), ErrorKind::Trap(TrapCode::MemoryOutOfBounds));
        assert!(e.trap().is_some());
        let e = Error::from(InstantiationError::Table {
            index: 0,
            source: TableError::ExceedsCap {
                requested: 100,
                cap: 10,
            },
        });
        assert_eq!(e.kind(), ErrorKind::Resource);
        assert!(e.to_string().contains("cap of 10"), "{e}");
        assert!(e.to_string().contains("100"), "{e}");
    }
}
