//! The operators of a validated function body, in stack form.
//!
//! An [`Op`] stream is what the loader emits while it validates; each tier
//! lowers it in one forward pass (to register bytecode, machine code, or
//! cranelift IR). Invariants, guaranteed by the loader:
//!
//! - **No unreachable code.** After `Unreachable`, `Br`, `BrTable`, `Return`,
//!   `ReturnCall*` the next op is the `Else` or `End` that closes the
//!   innermost open block; everything in between was dropped. The operand
//!   stack height is therefore always known exactly.
//! - **Resolved structure.** `Block`, `Loop` and `If` carry the op index of
//!   their `End` (and `If` of its `Else`, or its `End` when there is none).
//! - Branch operands are relative label depths, as in Wasm; depth 0 is the
//!   innermost block, and depth `n` where `n` is the number of open blocks is
//!   the function body itself (a branch to it returns).
//! - The last op of every body is the function's own `End`.
//! - `Throw` and `ThrowRef` end reachability like `Br`.

use crate::index::*;
use crate::types::{BlockType, HeapType, ValType};

macro_rules! define_num_op {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident $trap:literal;)*) => {
        /// A pure numeric operator (arithmetic, comparison, conversion). Its
        /// signature and whether it can trap come from [`for_each_num_op!`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[allow(missing_docs)]
        pub enum NumOp {
            $($name,)*
        }

        impl NumOp {
            /// Operand types, bottom of the stack first.
            pub fn params(self) -> &'static [ValType] {
                match self {
                    $(NumOp::$name => &[$(ValType::$param),*],)*
                }
            }

            /// The result type.
            pub fn result(self) -> ValType {
                match self {
                    $(NumOp::$name => ValType::$result,)*
                }
            }

            /// Whether the operator can trap (division, float-to-int conversion).
            pub fn can_trap(self) -> bool {
                match self {
                    $(NumOp::$name => $trap,)*
                }
            }

            /// The operator's name in snake case (`i32_add`).
            pub fn name(self) -> &'static str {
                match self {
                    $(NumOp::$name => stringify!($snake),)*
                }
            }
        }
    };
}
crate::for_each_num_op!(define_num_op);

macro_rules! define_simd_op {
    ($($name:ident $snake:ident [$($param:ident)*] $result:ident;)*) => {
        /// A pure SIMD operator (lane-wise arithmetic, comparison, conversion,
        /// splat, bit tests). Its signature comes from [`for_each_simd_op!`];
        /// none traps.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[allow(missing_docs)]
        pub enum SimdOp {
            $($name,)*
        }

        impl SimdOp {
            /// Every operator, in table order.
            pub const ALL: &'static [SimdOp] = &[$(SimdOp::$name,)*];

            /// Operand types, bottom of the stack first.
            pub fn params(self) -> &'static [ValType] {
                match self {
                    $(SimdOp::$name => &[$(ValType::$param),*],)*
                }
            }

            /// The result type.
            pub fn result(self) -> ValType {
                match self {
                    $(SimdOp::$name => ValType::$result,)*
                }
            }

            /// The operator's name in snake case (`i8x16_add`).
            pub fn name(self) -> &'static str {
                match self {
                    $(SimdOp::$name => stringify!($snake),)*
                }
            }

            /// Whether the operator belongs to relaxed SIMD.
            pub fn is_relaxed(self) -> bool {
                self.name().contains("relaxed")
            }
        }
    };
}
crate::for_each_simd_op!(define_simd_op);

/// What a `v128.load*` reads and how it fills the vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum V128LoadKind {
    /// `v128.load`: 16 bytes.
    V128,
    /// `v128.load8x8_s`: 8 bytes, each sign-extended to 16 bits.
    I16x8S8,
    /// `v128.load8x8_u`: 8 bytes, each zero-extended to 16 bits.
    I16x8U8,
    /// `v128.load16x4_s`: four 16-bit values sign-extended to 32 bits.
    I32x4S16,
    /// `v128.load16x4_u`: four 16-bit values zero-extended to 32 bits.
    I32x4U16,
    /// `v128.load32x2_s`: two 32-bit values sign-extended to 64 bits.
    I64x2S32,
    /// `v128.load32x2_u`: two 32-bit values zero-extended to 64 bits.
    I64x2U32,
    /// `v128.load8_splat`: one byte in every lane.
    Splat8,
    /// `v128.load16_splat`.
    Splat16,
    /// `v128.load32_splat`.
    Splat32,
    /// `v128.load64_splat`.
    Splat64,
    /// `v128.load32_zero`: 4 bytes into lane 0, the rest zero.
    Zero32,
    /// `v128.load64_zero`: 8 bytes into lane 0, the rest zero.
    Zero64,
}

impl V128LoadKind {
    /// Bytes read from memory.
    pub fn width(self) -> u32 {
        match self {
            V128LoadKind::V128 => 16,
            V128LoadKind::I16x8S8
            | V128LoadKind::I16x8U8
            | V128LoadKind::I32x4S16
            | V128LoadKind::I32x4U16
            | V128LoadKind::I64x2S32
            | V128LoadKind::I64x2U32
            | V128LoadKind::Splat64
            | V128LoadKind::Zero64 => 8,
            V128LoadKind::Splat8 => 1,
            V128LoadKind::Splat16 => 2,
            V128LoadKind::Splat32 | V128LoadKind::Zero32 => 4,
        }
    }
}

/// The width of one lane, for lane loads and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum LaneWidth {
    B8,
    B16,
    B32,
    B64,
}

impl LaneWidth {
    /// Bytes in one lane.
    pub fn bytes(self) -> u32 {
        match self {
            LaneWidth::B8 => 1,
            LaneWidth::B16 => 2,
            LaneWidth::B32 => 4,
            LaneWidth::B64 => 8,
        }
    }

    /// Lanes in a vector (the lane immediate is below this).
    pub fn lanes(self) -> u8 {
        (16 / self.bytes()) as u8
    }
}

/// The interpretation of a vector: lane type and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum Shape {
    I8x16,
    I16x8,
    I32x4,
    I64x2,
    F32x4,
    F64x2,
}

impl Shape {
    /// The scalar type of one lane as it is extracted or replaced (`i32` for
    /// the narrow integer lanes).
    pub fn lane_type(self) -> ValType {
        match self {
            Shape::I8x16 | Shape::I16x8 | Shape::I32x4 => ValType::I32,
            Shape::I64x2 => ValType::I64,
            Shape::F32x4 => ValType::F32,
            Shape::F64x2 => ValType::F64,
        }
    }

    /// The lane width.
    pub fn width(self) -> LaneWidth {
        match self {
            Shape::I8x16 => LaneWidth::B8,
            Shape::I16x8 => LaneWidth::B16,
            Shape::I32x4 | Shape::F32x4 => LaneWidth::B32,
            Shape::I64x2 | Shape::F64x2 => LaneWidth::B64,
        }
    }
}

/// Which lane an `extract_lane` reads, and for the narrow integer shapes
/// how it extends to `i32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExtractLane {
    /// The vector's shape.
    pub shape: Shape,
    /// Sign-extend (`_s`) rather than zero-extend (`_u`); only meaningful
    /// for `I8x16` and `I16x8`, `false` otherwise.
    pub signed: bool,
}

/// A memory operand: which memory, the static offset and the alignment hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MemArg {
    /// The memory accessed.
    pub mem: MemIdx,
    /// Static offset added to the dynamic address. At most `u32::MAX` on a
    /// 32-bit memory (validation guarantees it).
    pub offset: u64,
    /// log2 of the alignment hint.
    pub align_log2: u8,
}

/// What a load reads and how it extends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum LoadKind {
    I32,
    I64,
    F32,
    F64,
    I32S8,
    I32U8,
    I32S16,
    I32U16,
    I64S8,
    I64U8,
    I64S16,
    I64U16,
    I64S32,
    I64U32,
}

impl LoadKind {
    /// Bytes read from memory.
    pub fn width(self) -> u32 {
        match self {
            LoadKind::I32S8 | LoadKind::I32U8 | LoadKind::I64S8 | LoadKind::I64U8 => 1,
            LoadKind::I32S16 | LoadKind::I32U16 | LoadKind::I64S16 | LoadKind::I64U16 => 2,
            LoadKind::I32 | LoadKind::F32 | LoadKind::I64S32 | LoadKind::I64U32 => 4,
            LoadKind::I64 | LoadKind::F64 => 8,
        }
    }

    /// The type of the loaded value.
    pub fn result(self) -> ValType {
        match self {
            LoadKind::I32
            | LoadKind::I32S8
            | LoadKind::I32U8
            | LoadKind::I32S16
            | LoadKind::I32U16 => ValType::I32,
            LoadKind::F32 => ValType::F32,
            LoadKind::F64 => ValType::F64,
            _ => ValType::I64,
        }
    }
}

/// What a store writes (the value is truncated to the width).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum StoreKind {
    I32,
    I64,
    F32,
    F64,
    I32As8,
    I32As16,
    I64As8,
    I64As16,
    I64As32,
}

impl StoreKind {
    /// Bytes written to memory.
    pub fn width(self) -> u32 {
        match self {
            StoreKind::I32As8 | StoreKind::I64As8 => 1,
            StoreKind::I32As16 | StoreKind::I64As16 => 2,
            StoreKind::I32 | StoreKind::F32 | StoreKind::I64As32 => 4,
            StoreKind::I64 | StoreKind::F64 => 8,
        }
    }

    /// The type of the stored operand.
    pub fn operand(self) -> ValType {
        match self {
            StoreKind::I32 | StoreKind::I32As8 | StoreKind::I32As16 => ValType::I32,
            StoreKind::F32 => ValType::F32,
            StoreKind::F64 => ValType::F64,
            _ => ValType::I64,
        }
    }
}

/// Index of a `br_table` target list in [`FuncBody::br_tables`](crate::FuncBody::br_tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BrTableIdx(pub u32);

/// Index of a `try_table` catch list in [`FuncBody::try_tables`](crate::FuncBody::try_tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TryTableIdx(pub u32);

/// One operator of a validated function body. See the module docs for the
/// invariants every tier may rely on.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Op {
    /// Trap with "unreachable".
    Unreachable,
    /// Do nothing.
    Nop,
    /// Open a block; `end` is the op index of its `End`.
    Block {
        /// Parameters and results.
        ty: BlockType,
        /// Op index of the matching `End`.
        end: u32,
    },
    /// Open a loop; branches to it jump back to its start.
    Loop {
        /// Parameters and results.
        ty: BlockType,
        /// Op index of the matching `End`.
        end: u32,
    },
    /// Pop an i32 and run the then-arm if it is non-zero, else the else-arm.
    If {
        /// Parameters and results.
        ty: BlockType,
        /// Op index of the `Else`, or of the `End` when there is no else-arm.
        else_: u32,
        /// Op index of the matching `End`.
        end: u32,
    },
    /// Start of an if's else-arm; `end` is the `End` it closes with.
    Else {
        /// Op index of the matching `End`.
        end: u32,
    },
    /// Close the innermost block (or the function).
    End,
    /// Branch to the label at this relative depth.
    Br(u32),
    /// Pop an i32; branch if it is non-zero.
    BrIf(u32),
    /// Pop an i32 index and branch to the chosen label (last entry is the default).
    BrTable(BrTableIdx),
    /// Return from the function.
    Return,
    /// Call a function.
    Call(FuncIdx),
    /// Call through a table, checking the callee's type.
    CallIndirect {
        /// Expected function type.
        ty: TypeIdx,
        /// Table to read the callee from.
        table: TableIdx,
    },
    /// Call a typed function reference popped from the stack.
    CallRef(TypeIdx),
    /// Tail-call a function.
    ReturnCall(FuncIdx),
    /// Tail-call through a table.
    ReturnCallIndirect {
        /// Expected function type.
        ty: TypeIdx,
        /// Table to read the callee from.
        table: TableIdx,
    },
    /// Tail-call a typed function reference.
    ReturnCallRef(TypeIdx),
    /// Drop the top operand.
    Drop,
    /// Pop a condition and two operands of type `ty`; keep the first if non-zero.
    Select(ValType),
    /// Push a local.
    LocalGet(LocalIdx),
    /// Pop into a local.
    LocalSet(LocalIdx),
    /// Copy the top operand into a local.
    LocalTee(LocalIdx),
    /// Push a global.
    GlobalGet(GlobalIdx),
    /// Pop into a mutable global.
    GlobalSet(GlobalIdx),
    /// Push `table[i]`.
    TableGet(TableIdx),
    /// `table[i] = v`.
    TableSet(TableIdx),
    /// Push the table's size.
    TableSize(TableIdx),
    /// Grow the table; push the old size or -1.
    TableGrow(TableIdx),
    /// Fill a range of the table.
    TableFill(TableIdx),
    /// Copy a range between tables.
    TableCopy {
        /// Destination table.
        dst: TableIdx,
        /// Source table.
        src: TableIdx,
    },
    /// Copy from an element segment into a table.
    TableInit {
        /// Destination table.
        table: TableIdx,
        /// Source segment.
        elem: ElemIdx,
    },
    /// Drop an element segment.
    ElemDrop(ElemIdx),
    /// Load from memory.
    Load(LoadKind, MemArg),
    /// Store to memory.
    Store(StoreKind, MemArg),
    /// Push the memory's size in pages.
    MemorySize(MemIdx),
    /// Grow the memory; push the old size in pages or -1.
    MemoryGrow(MemIdx),
    /// Fill a range of memory with a byte.
    MemoryFill(MemIdx),
    /// Copy a range between memories.
    MemoryCopy {
        /// Destination memory.
        dst: MemIdx,
        /// Source memory.
        src: MemIdx,
    },
    /// Copy from a data segment into memory.
    MemoryInit {
        /// Destination memory.
        mem: MemIdx,
        /// Source segment.
        data: DataIdx,
    },
    /// Drop a data segment.
    DataDrop(DataIdx),
    /// Push an i32 constant.
    I32Const(i32),
    /// Push an i64 constant.
    I64Const(i64),
    /// Push an f32 constant (raw bits).
    F32Const(u32),
    /// Push an f64 constant (raw bits).
    F64Const(u64),
    /// A pure numeric operator.
    Num(NumOp),
    /// Push a null reference of the heap type.
    RefNull(HeapType),
    /// Pop a reference; push 1 if it is null.
    RefIsNull,
    /// Push a reference to a function.
    RefFunc(FuncIdx),
    /// Trap with "null reference" if the top reference is null.
    RefAsNonNull,
    /// Branch if the top reference is null (popping it); else keep it.
    BrOnNull(u32),
    /// Branch with the reference if it is not null; else pop it.
    BrOnNonNull(u32),
    /// A block whose exceptions are caught by its catch clauses.
    TryTable {
        /// Parameters and results.
        ty: BlockType,
        /// Op index of the matching `End`.
        end: u32,
        /// Its catch clauses.
        catches: TryTableIdx,
    },
    /// Throw a new exception of the tag with the payload on the stack.
    Throw(TagIdx),
    /// Rethrow the exception of an exnref.
    ThrowRef,
    /// Push a `v128` constant (its 16 bytes, lane 0 first, little-endian).
    V128Const([u8; 16]),
    /// A pure SIMD operator.
    Simd(SimdOp),
    /// Pop two vectors; push the bytes the 16 lane indices (each below 32,
    /// validated) pick from their concatenation.
    I8x16Shuffle([u8; 16]),
    /// Pop a vector; push one lane as a scalar (`lane` is below the
    /// shape's lane count, validated).
    ExtractLane(ExtractLane, u8),
    /// Pop a scalar and a vector; push the vector with one lane replaced.
    ReplaceLane(Shape, u8),
    /// Load into a vector.
    V128Load(V128LoadKind, MemArg),
    /// Store a whole vector.
    V128Store(MemArg),
    /// Pop a vector and an address; load one lane from memory into it.
    V128LoadLane(LaneWidth, u8, MemArg),
    /// Pop a vector and an address; store one of its lanes.
    V128StoreLane(LaneWidth, u8, MemArg),
}

impl Op {
    /// Whether this is one of the SIMD operators (they all produce or consume
    /// a `v128`).
    pub fn is_simd(&self) -> bool {
        matches!(
            self,
            Op::V128Const(_)
                | Op::Simd(_)
                | Op::I8x16Shuffle(_)
                | Op::ExtractLane(..)
                | Op::ReplaceLane(..)
                | Op::V128Load(..)
                | Op::V128Store(_)
                | Op::V128LoadLane(..)
                | Op::V128StoreLane(..)
        )
    }
}
