//! Runtime contracts shared by every tier: values, store addresses, traps and
//! the sealed [`Address`] trait that makes a memory's index width a type.

use crate::index::FuncIdx;
use crate::types::{IndexType, RefHierarchy, ValType};

/// Address of a function in a store (not a module-local index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncAddr(pub u32);

/// Address of a host (`externref`) value in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternAddr(pub u32);

impl FuncAddr {
    /// The address as a `usize`, for indexing the store's vectors.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ExternAddr {
    /// The address as a `usize`, for indexing the store's vectors.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Address of an exception object in a store: a slot of the store's
/// exception heap in the low 32 bits and the slot's generation in the high
/// 32 bits. Slots are reused once their exception is freed; the generation
/// tells a stale address from the slot's new occupant. Its raw slot form
/// (see `strata_runtime::value`) is the address plus one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExnAddr(pub u64);

impl ExnAddr {
    /// The address of slot `index` in generation `generation`.
    #[inline(always)]
    pub fn new(index: u32, generation: u32) -> Self {
        ExnAddr(u64::from(generation) << 32 | u64::from(index))
    }

    /// The slot, as a `usize` for indexing.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as u32 as usize
    }

    /// The slot's generation this address was made in.
    #[inline(always)]
    pub fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

/// Address of an internal (GC) object in a store. No such objects exist
/// until GC is implemented; the type lets `anyref` values be null.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyAddr(pub u32);

/// A Wasm value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// 32-bit integer.
    I32(i32),
    /// 64-bit integer.
    I64(i64),
    /// 32-bit float, as raw bits (NaN payloads are preserved).
    F32(u32),
    /// 64-bit float, as raw bits.
    F64(u64),
    /// 128-bit vector; its little-endian bytes are the vector's bytes (lane 0
    /// of every shape in the low bits).
    V128(u128),
    /// A function reference or null.
    FuncRef(Option<FuncAddr>),
    /// A host reference or null.
    ExternRef(Option<ExternAddr>),
    /// An internal (GC hierarchy) reference or null.
    AnyRef(Option<AnyAddr>),
    /// An exception reference or null.
    ExnRef(Option<ExnAddr>),
}

impl Val {
    /// The zero (or null) value of a type, as locals and tables start out.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) => match r.heap.hierarchy() {
                RefHierarchy::Func => Val::FuncRef(None),
                RefHierarchy::Extern => Val::ExternRef(None),
                RefHierarchy::Any => Val::AnyRef(None),
                RefHierarchy::Exn => Val::ExnRef(None),
            },
        }
    }

    /// Whether the value fits the (unparameterized) type: numeric types must
    /// match exactly; references must be of the right hierarchy and non-null
    /// where the type says so. Concrete function types are checked by the
    /// store, which knows each function's type.
    pub fn matches_shape(&self, ty: ValType) -> bool {
        match (self, ty) {
            (Val::I32(_), ValType::I32)
            | (Val::I64(_), ValType::I64)
            | (Val::F32(_), ValType::F32)
            | (Val::F64(_), ValType::F64)
            | (Val::V128(_), ValType::V128) => true,
            (Val::FuncRef(f), ValType::Ref(r)) => {
                r.heap.hierarchy() == RefHierarchy::Func && (r.nullable || f.is_some())
            }
            (Val::ExternRef(e), ValType::Ref(r)) => {
                r.heap.hierarchy() == RefHierarchy::Extern && (r.nullable || e.is_some())
            }
            (Val::AnyRef(a), ValType::Ref(r)) => {
                r.heap.hierarchy() == RefHierarchy::Any && (r.nullable || a.is_some())
            }
            (Val::ExnRef(e), ValType::Ref(r)) => {
                r.heap.hierarchy() == RefHierarchy::Exn && (r.nullable || e.is_some())
            }
            _ => false,
        }
    }

    /// The value as an i32, if it is one.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as an i64, if it is one.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }
}

impl core::fmt::Display for Val {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Val::I32(v) => write!(f, "{v}: i32"),
            Val::I64(v) => write!(f, "{v}: i64"),
            Val::F32(v) => write!(f, "{}: f32", f32::from_bits(*v)),
            Val::F64(v) => write!(f, "{}: f64", f64::from_bits(*v)),
            Val::V128(v) => write!(f, "{v:#034x}: v128"),
            Val::FuncRef(None) => write!(f, "null: funcref"),
            Val::FuncRef(Some(a)) => write!(f, "func@{}: funcref", a.0),
            Val::ExternRef(None) => write!(f, "null: externref"),
            Val::ExternRef(Some(a)) => write!(f, "extern@{}: externref", a.0),
            Val::AnyRef(None) => write!(f, "null: anyref"),
            Val::AnyRef(Some(a)) => write!(f, "any@{}: anyref", a.0),
            Val::ExnRef(None) => write!(f, "null: exnref"),
            Val::ExnRef(Some(a)) => write!(f, "exn@{}.{}: exnref", a.index(), a.generation()),
        }
    }
}

/// Why execution trapped. `Display` gives the spec's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// A memory access (or bulk memory range) was out of bounds.
    MemoryOutOfBounds,
    /// A table access (or bulk table range) was out of bounds.
    TableOutOfBounds,
    /// `call_indirect` read an index past the table's end.
    UndefinedElement,
    /// `call_indirect` read a null entry.
    UninitializedElement,
    /// `call_indirect` found a function of the wrong type.
    IndirectCallTypeMismatch,
    /// Signed division overflow.
    IntegerOverflow,
    /// Division or remainder by zero.
    IntegerDivideByZero,
    /// Float-to-int conversion of NaN or an out-of-range value.
    InvalidConversionToInteger,
    /// The call-depth limit (or the native stack limit) was reached.
    StackExhausted,
    /// `ref.as_non_null` on null.
    NullReference,
    /// `call_ref` on null.
    NullFunctionReference,
    /// Execution was interrupted by the embedder.
    Interrupted,
    /// The store's fuel ran out.
    OutOfFuel,
    /// A host function failed.
    HostError,
    /// An exception was thrown and not caught inside wasm.
    UncaughtException,
    /// `throw_ref` on null.
    NullExceptionReference,
    /// A `throw` would exceed the store's limit on live exception objects.
    ExceptionLimit,
}

impl TrapCode {
    /// Every trap code, in a fixed order: compiled tiers number trap codes
    /// by their position here.
    pub const ALL: [TrapCode; 18] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivideByZero,
        TrapCode::InvalidConversionToInteger,
        TrapCode::StackExhausted,
        TrapCode::NullReference,
        TrapCode::NullFunctionReference,
        TrapCode::Interrupted,
        TrapCode::OutOfFuel,
        TrapCode::HostError,
        TrapCode::UncaughtException,
        TrapCode::NullExceptionReference,
        TrapCode::ExceptionLimit,
    ];
}

impl TrapCode {
    /// The message the spec test suite expects.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::StackExhausted => "call stack exhausted",
            TrapCode::NullReference => "null reference",
            TrapCode::NullFunctionReference => "null function reference",
            TrapCode::Interrupted => "interrupted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::HostError => "host function error",
            TrapCode::UncaughtException => "uncaught exception",
            TrapCode::NullExceptionReference => "null exception reference",
            TrapCode::ExceptionLimit => "too many live exceptions",
        }
    }
}

impl core::fmt::Display for TrapCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

/// One frame of a trap's wasm backtrace, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapFrame {
    /// Function index within its module.
    pub func: FuncIdx,
    /// The function's display name.
    pub name: String,
    /// Byte offset in the module of the trapping (or calling) instruction.
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TrapInner {
    code: TrapCode,
    message: Option<String>,
    frames: Vec<TrapFrame>,
    /// Set when a host function ended the program on purpose (WASI
    /// `proc_exit`): the exit status it asked for.
    exit_status: Option<i32>,
    /// Set when the trap is a wasm exception on its way out of a tier (or a
    /// host function): the exception, in the store that threw it.
    exception: Option<ExnAddr>,
    /// The host function that raised a [`TrapCode::HostError`], if known.
    host_function: Option<String>,
}

/// A trap: its code, an optional detail message, and a wasm backtrace.
/// One word wide, so `Result<T, Trap>` stays small on hot paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap(Box<TrapInner>);

impl Trap {
    /// A trap with only a code.
    #[cold]
    pub fn new(code: TrapCode) -> Self {
        Trap(Box::new(TrapInner {
            code,
            message: None,
            frames: Vec::new(),
            exit_status: None,
            exception: None,
            host_function: None,
        }))
    }

    /// A trap raised by a host function, with its message.
    #[cold]
    pub fn host(message: impl Into<String>) -> Self {
        Trap(Box::new(TrapInner {
            code: TrapCode::HostError,
            message: Some(message.into()),
            frames: Vec::new(),
            exit_status: None,
            exception: None,
            host_function: None,
        }))
    }

    /// A host function's request to end the program with exit status
    /// `status` (WASI `proc_exit`). It unwinds every wasm frame like any
    /// trap; embedders tell it apart with [`Trap::exit_status`].
    #[cold]
    pub fn exit(status: i32) -> Self {
        Trap(Box::new(TrapInner {
            code: TrapCode::HostError,
            message: Some(format!("exit with status {status}")),
            frames: Vec::new(),
            exit_status: Some(status),
            exception: None,
            host_function: None,
        }))
    }

    /// A wasm exception leaving a tier's frames, or thrown by a host
    /// function: every tier that receives it from a call treats it as the
    /// exception `exn` thrown at the call, and catches it if a handler
    /// matches. It reaches the embedder as an "uncaught exception" trap.
    #[cold]
    pub fn exception(exn: ExnAddr) -> Self {
        Trap(Box::new(TrapInner {
            code: TrapCode::UncaughtException,
            message: None,
            frames: Vec::new(),
            exit_status: None,
            exception: Some(exn),
            host_function: None,
        }))
    }

    /// The exception this trap carries, if it is one ([`Trap::exception`]).
    pub fn thrown(&self) -> Option<ExnAddr> {
        self.0.exception
    }

    /// The exit status, if this trap is a program exit ([`Trap::exit`]).
    pub fn exit_status(&self) -> Option<i32> {
        self.0.exit_status
    }

    /// The trap code.
    pub fn code(&self) -> TrapCode {
        self.0.code
    }

    /// Name the host function (`module.field`) that raised this trap, if
    /// it is a host error not named already (the innermost host function
    /// names it; traps of other codes pass through host functions unnamed).
    #[cold]
    pub fn in_host_function(mut self, name: &str) -> Self {
        if self.0.code == TrapCode::HostError && self.0.host_function.is_none() {
            self.0.host_function = Some(name.to_string());
        }
        self
    }

    /// The host function that raised this host error, if known.
    pub fn host_function(&self) -> Option<&str> {
        self.0.host_function.as_deref()
    }

    /// The detail message, if any.
    pub fn detail(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The wasm backtrace, innermost frame first.
    pub fn frames(&self) -> &[TrapFrame] {
        &self.0.frames
    }

    /// Append a frame (the caller of the frames already recorded).
    pub fn push_frame(&mut self, frame: TrapFrame) {
        self.0.frames.push(frame);
    }
}

impl From<TrapCode> for Trap {
    #[cold]
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}

impl core::fmt::Display for Trap {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0.code)?;
        if let Some(name) = &self.0.host_function {
            write!(f, " in `{name}`")?;
        }
        if let Some(m) = &self.0.message {
            write!(f, ": {m}")?;
        }
        for frame in &self.0.frames {
            write!(f, "\n  at {} (func {})", frame.name, frame.func.0)?;
            if let Some(off) = frame.offset {
                write!(f, " @ {off:#x}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// The index width of a linear memory or table, as a type: implemented for
/// `u32` (memory32) and `u64` (memory64) only.
///
/// Code generic over `A: Address` is monomorphized per width, so a memory32
/// access pays nothing for memory64 existing: for `u32` the effective address
/// `addr + offset` cannot overflow a `u64` (validation bounds `offset` by
/// `u32::MAX`), so one comparison against the length suffices.
pub trait Address:
    Copy + Ord + Eq + core::fmt::Debug + Into<u64> + sealed::Sealed + Send + Sync + 'static
{
    /// The index type this width stands for.
    const INDEX_TYPE: IndexType;
    /// The largest value of this width, as u64.
    const MAX: u64;

    /// Truncate a raw 64-bit slot value to this width (an i32 operand is
    /// stored zero- or sign-extended; only its low 32 bits count).
    fn from_raw(raw: u64) -> Self;

    /// Convert from u64 if the value fits.
    fn try_from_u64(v: u64) -> Option<Self>;

    /// The value widened to u64.
    #[inline(always)]
    fn to_u64(self) -> u64 {
        self.into()
    }

    /// Host index of the first byte of `[self + offset, self + offset + size)`
    /// if that whole range lies within `len` bytes; `None` if it does not or
    /// if the sum overflows.
    fn checked_ea(self, offset: u64, size: u64, len: usize) -> Option<usize>;
}

impl Address for u32 {
    const INDEX_TYPE: IndexType = IndexType::I32;
    const MAX: u64 = u32::MAX as u64;

    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as u32
    }

    #[inline(always)]
    fn try_from_u64(v: u64) -> Option<Self> {
        u32::try_from(v).ok()
    }

    #[inline(always)]
    fn checked_ea(self, offset: u64, size: u64, len: usize) -> Option<usize> {
        // offset <= u32::MAX and size <= 2^32 by validation and construction,
        // so this sum cannot overflow u64.
        let ea = u64::from(self) + offset;
        if ea + size <= len as u64 {
            Some(ea as usize)
        } else {
            None
        }
    }
}

impl Address for u64 {
    const INDEX_TYPE: IndexType = IndexType::I64;
    const MAX: u64 = u64::MAX;

    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw
    }

    #[inline(always)]
    fn try_from_u64(v: u64) -> Option<Self> {
        Some(v)
    }

    #[inline(always)]
    fn checked_ea(self, offset: u64, size: u64, len: usize) -> Option<usize> {
        let ea = self.checked_add(offset)?;
        let end = ea.checked_add(size)?;
        if end <= len as u64 {
            Some(ea as usize)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u32_effective_address_bounds() {
        assert_eq!(10u32.checked_ea(6, 4, 20), Some(16));
        assert_eq!(10u32.checked_ea(7, 4, 20), None);
        assert_eq!(u32::MAX.checked_ea(u64::from(u32::MAX), 8, 1 << 20), None);
    }

    #[test]
    fn u64_effective_address_never_wraps() {
        assert_eq!(u64::MAX.checked_ea(1, 1, usize::MAX), None);
        assert_eq!((u64::MAX - 3).checked_ea(0, 8, usize::MAX), None);
        assert_eq!(
            (1u64 << 32).checked_ea(8, 8, (1 << 32) + 16),
            Some((1 << 32) + 8)
        );
    }

    #[test]
    fn trap_messages_match_the_spec() {
        assert_eq!(TrapCode::StackExhausted.to_string(), "call stack exhausted");
        assert_eq!(
            Trap::new(TrapCode::MemoryOutOfBounds).to_string(),
            "out of bounds memory access"
        );
    }
}
