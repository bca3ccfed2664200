//! Wasm types as the IR sees them: value, reference, function, block, table,
//! memory and global types, and the [`IndexType`] that tells 32-bit from 64-bit
//! memories and tables.

use crate::index::TypeIdx;

/// Width of a memory's or a table's index: `i32` (classic) or `i64` (memory64 /
/// table64). It is a property of each memory and table, never a build switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum IndexType {
    /// 32-bit addresses and indices.
    I32,
    /// 64-bit addresses and indices.
    I64,
}

impl IndexType {
    /// Whether this is the 64-bit index type.
    #[inline]
    pub fn is_64(self) -> bool {
        matches!(self, IndexType::I64)
    }

    /// The value type of an address or index of this width.
    #[inline]
    pub fn val_type(self) -> ValType {
        match self {
            IndexType::I32 => ValType::I32,
            IndexType::I64 => ValType::I64,
        }
    }

    /// The largest index value of this width.
    #[inline]
    pub fn max_value(self) -> u64 {
        match self {
            IndexType::I32 => u64::from(u32::MAX),
            IndexType::I64 => u64::MAX,
        }
    }
}

/// A heap type: what a reference points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HeapType {
    /// Any function (`func`).
    Func,
    /// Any host reference (`extern`).
    Extern,
    /// The bottom of the function hierarchy (`nofunc`).
    NoFunc,
    /// The bottom of the extern hierarchy (`noextern`).
    NoExtern,
    /// A function of the given module-local type (`(ref $t)`).
    Concrete(TypeIdx),
    /// The top of the internal (GC) hierarchy (`any`). Only null values
    /// exist until GC is implemented.
    Any,
    /// Comparable GC references (`eq`).
    Eq,
    /// Unboxed scalars (`i31`).
    I31,
    /// Any struct (`struct`).
    Struct,
    /// Any array (`array`).
    Array,
    /// The bottom of the internal hierarchy (`none`).
    None,
    /// Exception references (`exn`).
    Exn,
    /// The bottom of the exception hierarchy (`noexn`).
    NoExn,
}

/// The hierarchy a heap type belongs to; references of different
/// hierarchies never mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RefHierarchy {
    /// Function references.
    Func,
    /// Host references.
    Extern,
    /// Internal (GC) references.
    Any,
    /// Exception references.
    Exn,
}

impl HeapType {
    /// Whether values of this heap type are function references.
    pub fn is_func(self) -> bool {
        self.hierarchy() == RefHierarchy::Func
    }

    /// The hierarchy this heap type belongs to.
    pub fn hierarchy(self) -> RefHierarchy {
        match self {
            HeapType::Func | HeapType::NoFunc | HeapType::Concrete(_) => RefHierarchy::Func,
            HeapType::Extern | HeapType::NoExtern => RefHierarchy::Extern,
            HeapType::Exn | HeapType::NoExn => RefHierarchy::Exn,
            HeapType::Any
            | HeapType::Eq
            | HeapType::I31
            | HeapType::Struct
            | HeapType::Array
            | HeapType::None => RefHierarchy::Any,
        }
    }
}

/// A reference type: a heap type and whether `null` is a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RefType {
    /// Whether the null reference is a value of this type.
    pub nullable: bool,
    /// What the reference points to.
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`, i.e. `(ref null func)`.
    pub const FUNCREF: Self = Self {
        nullable: true,
        heap: HeapType::Func,
    };
    /// `externref`, i.e. `(ref null extern)`.
    pub const EXTERNREF: Self = Self {
        nullable: true,
        heap: HeapType::Extern,
    };
    /// `exnref`, i.e. `(ref null exn)`.
    pub const EXNREF: Self = Self {
        nullable: true,
        heap: HeapType::Exn,
    };
}

/// A value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// 128-bit vector (SIMD; not in the core scope).
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    /// `funcref`.
    pub const FUNCREF: Self = ValType::Ref(RefType::FUNCREF);
    /// `externref`.
    pub const EXTERNREF: Self = ValType::Ref(RefType::EXTERNREF);
    /// `exnref`.
    pub const EXNREF: Self = ValType::Ref(RefType::EXNREF);

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }
}

/// A function type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FuncType {
    /// Parameter types, in order.
    pub params: Box<[ValType]>,
    /// Result types, in order.
    pub results: Box<[ValType]>,
}

impl FuncType {
    /// A function type from parameter and result lists.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        Self {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }
}

/// The type of a block, loop or if.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BlockType {
    /// No parameters, no results.
    Empty,
    /// No parameters, one result.
    Value(ValType),
    /// Parameters and results of a function type.
    Func(TypeIdx),
}

/// Size limits of a table or memory, in elements or pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// Minimum (initial) size.
    pub min: u64,
    /// Optional maximum size.
    pub max: Option<u64>,
}

/// The type of a linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MemoryType {
    /// Width of addresses into this memory.
    pub index: IndexType,
    /// Limits in pages.
    pub limits: Limits,
    /// Whether the memory is shared between threads.
    pub shared: bool,
    /// log2 of the page size in bytes (16 for the standard 64 KiB page).
    pub page_size_log2: u8,
}

impl MemoryType {
    /// Page size in bytes.
    pub fn page_size(&self) -> u64 {
        1u64 << self.page_size_log2
    }

    /// The largest page count the spec allows for this memory's index type and
    /// page size (2^16 for memory32 with 64 KiB pages, 2^48 for memory64).
    pub fn max_pages_by_spec(&self) -> u64 {
        let addr_bits = match self.index {
            IndexType::I32 => 32,
            IndexType::I64 => 64,
        };
        1u64.checked_shl(addr_bits - u32::from(self.page_size_log2))
            .unwrap_or(u64::MAX)
    }
}

/// The type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TableType {
    /// Width of indices into this table.
    pub index: IndexType,
    /// Element type.
    pub elem: RefType,
    /// Limits in elements.
    pub limits: Limits,
}

/// The type of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GlobalType {
    /// Value type.
    pub ty: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}
