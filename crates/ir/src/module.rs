//! The validated module: types, imports, definitions, segments, exports and
//! function bodies, with index spaces laid out as in the Wasm spec (imports
//! first, then definitions).

use std::borrow::Cow;

use crate::features::Features;
use crate::index::*;
use crate::op::{BrTableIdx, Op, TryTableIdx};
use crate::types::*;

/// What an import or export refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ExternKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A linear memory.
    Memory,
    /// A global.
    Global,
    /// An exception tag.
    Tag,
}

impl core::fmt::Display for ExternKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ExternKind::Func => "function",
            ExternKind::Table => "table",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
            ExternKind::Tag => "tag",
        })
    }
}

/// The type an import must satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ImportType {
    /// A function of this type.
    Func(TypeIdx),
    /// A table of this type.
    Table(TableType),
    /// A memory of this type.
    Memory(MemoryType),
    /// A global of this type.
    Global(GlobalType),
    /// An exception tag whose payload is the parameters of this function type.
    Tag(TypeIdx),
}

impl ImportType {
    /// The kind of entity imported.
    pub fn kind(&self) -> ExternKind {
        match self {
            ImportType::Func(_) => ExternKind::Func,
            ImportType::Table(_) => ExternKind::Table,
            ImportType::Memory(_) => ExternKind::Memory,
            ImportType::Global(_) => ExternKind::Global,
            ImportType::Tag(_) => ExternKind::Tag,
        }
    }
}

/// One import, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// Required type.
    pub ty: ImportType,
}

/// One export.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Export {
    /// Export name (unique within the module).
    pub name: String,
    /// Kind of entity.
    pub kind: ExternKind,
    /// Index into the index space of that kind.
    pub index: u32,
}

/// One operator of a constant expression.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum ConstOp {
    I32Const(i32),
    I64Const(i64),
    F32Const(u32),
    F64Const(u64),
    V128Const([u8; 16]),
    RefNull(HeapType),
    RefFunc(FuncIdx),
    GlobalGet(GlobalIdx),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A validated constant expression (global initializers, segment offsets,
/// element items). It evaluates to exactly one value.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConstExpr {
    /// Operators in order, without the final `end`.
    pub ops: Box<[ConstOp]>,
}

/// A global defined by the module.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GlobalDef {
    /// Its type.
    pub ty: GlobalType,
    /// Its initializer.
    pub init: ConstExpr,
}

/// A table defined by the module.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TableDef {
    /// Its type.
    pub ty: TableType,
    /// Initial value of every element; `None` means null.
    pub init: Option<ConstExpr>,
}

/// When an element segment is applied.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ElemMode {
    /// Available to `table.init` until dropped.
    Passive,
    /// Copied into a table at instantiation, then dropped.
    Active {
        /// Destination table.
        table: TableIdx,
        /// Start index (an i32 or i64 expression matching the table's index type).
        offset: ConstExpr,
    },
    /// Only declares functions referenceable by `ref.func`; dropped at once.
    Declared,
}

/// An element segment.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ElemSegment {
    /// When it is applied.
    pub mode: ElemMode,
    /// Element type.
    pub ty: RefType,
    /// One constant expression per element.
    pub items: Box<[ConstExpr]>,
}

/// When a data segment is applied.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DataMode {
    /// Available to `memory.init` until dropped.
    Passive,
    /// Copied into a memory at instantiation, then dropped.
    Active {
        /// Destination memory.
        mem: MemIdx,
        /// Start address (i32 or i64 per the memory's index type).
        offset: ConstExpr,
    },
}

/// A data segment.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DataSegment {
    /// When it is applied.
    pub mode: DataMode,
    /// Its bytes.
    pub bytes: Box<[u8]>,
}

/// A validated function body. See [`crate::op`] for the invariants of `ops`.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FuncBody {
    /// Types of the declared locals, after the parameters.
    pub locals: Box<[ValType]>,
    /// The operators, ending with the function's own `End`.
    pub ops: Vec<Op>,
    /// Byte offset in the module of each op (same length as `ops`), for error
    /// messages and trap locations.
    pub offsets: Vec<u32>,
    /// Target lists of `br_table` ops; the last entry of each is the default.
    pub br_tables: Vec<Box<[u32]>>,
    /// Catch clauses of `try_table` ops, in source order.
    pub try_tables: Vec<Box<[Catch]>>,
    /// The highest operand-stack height reached, in values.
    pub max_stack: u32,
    /// Byte offset of the body in the module.
    pub offset: u32,
}

impl FuncBody {
    /// The target list of a `br_table` (default last).
    pub fn br_table(&self, idx: BrTableIdx) -> &[u32] {
        &self.br_tables[idx.0 as usize]
    }

    /// The catch clauses of a `try_table`.
    pub fn try_table(&self, idx: TryTableIdx) -> &[Catch] {
        &self.try_tables[idx.0 as usize]
    }
}

/// What a `try_table` catch clause matches and delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CatchKind {
    /// Exceptions of this tag; delivers the payload.
    Tag(TagIdx),
    /// Exceptions of this tag; delivers the payload and the exnref.
    TagRef(TagIdx),
    /// Any exception; delivers nothing.
    All,
    /// Any exception; delivers the exnref.
    AllRef,
}

/// One catch clause of a `try_table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Catch {
    /// What it matches.
    pub kind: CatchKind,
    /// The label it branches to, relative to the block enclosing the
    /// `try_table` (the `try_table`'s own label is not in scope).
    pub label: u32,
}

/// A validated WebAssembly module.
///
/// Index spaces hold imports first, then definitions: `funcs[i]` is the type
/// of function `i` whether imported or defined, and `bodies[i - num_imported_funcs]`
/// is its body when defined. The same holds for tables, memories and globals.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Module {
    /// Features the module was validated with.
    pub features: Features,
    /// The type section.
    pub types: Vec<FuncType>,
    /// Imports in declaration order.
    pub imports: Vec<Import>,
    /// Type of every function in the function index space.
    pub funcs: Vec<TypeIdx>,
    /// Number of imported functions (they come first in `funcs`).
    pub num_imported_funcs: u32,
    /// Type of every table in the table index space.
    pub tables: Vec<TableType>,
    /// Initializers of the defined tables (after the imported ones).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Number of imported tables.
    pub num_imported_tables: u32,
    /// Type of every memory in the memory index space.
    pub memories: Vec<MemoryType>,
    /// Number of imported memories.
    pub num_imported_memories: u32,
    /// Type of every global in the global index space.
    pub globals: Vec<GlobalType>,
    /// Initializers of the defined globals (after the imported ones).
    pub global_inits: Vec<ConstExpr>,
    /// Number of imported globals.
    pub num_imported_globals: u32,
    /// Type of every exception tag in the tag index space (imports first).
    pub tags: Vec<TypeIdx>,
    /// Number of imported tags.
    pub num_imported_tags: u32,
    /// Exports in declaration order.
    pub exports: Vec<Export>,
    /// The start function.
    pub start: Option<FuncIdx>,
    /// Element segments.
    pub elems: Vec<ElemSegment>,
    /// Data segments.
    pub datas: Vec<DataSegment>,
    /// Bodies of the defined functions.
    pub bodies: Vec<FuncBody>,
    /// Names from the `name` section, indexed by function index, where given.
    pub func_names: Vec<Option<String>>,
    /// Size of the module's bytes.
    pub byte_len: usize,
}

impl Module {
    /// The type of a function in the function index space.
    pub fn func_type(&self, func: FuncIdx) -> &FuncType {
        &self.types[self.funcs[func.index()].index()]
    }

    /// Whether the function is imported.
    pub fn is_imported_func(&self, func: FuncIdx) -> bool {
        func.0 < self.num_imported_funcs
    }

    /// The body of a defined function, `None` for imports.
    pub fn body(&self, func: FuncIdx) -> Option<&FuncBody> {
        let defined = func.0.checked_sub(self.num_imported_funcs)?;
        self.bodies.get(defined as usize)
    }

    /// Parameter and result types of a block type.
    pub fn block_signature(&self, ty: BlockType) -> (Cow<'_, [ValType]>, Cow<'_, [ValType]>) {
        match ty {
            BlockType::Empty => (Cow::Borrowed(&[]), Cow::Borrowed(&[])),
            BlockType::Value(v) => (Cow::Borrowed(&[]), Cow::Owned(vec![v])),
            BlockType::Func(t) => {
                let f = &self.types[t.index()];
                (Cow::Borrowed(&f.params), Cow::Borrowed(&f.results))
            }
        }
    }

    /// Number of parameters and results of a block type.
    pub fn block_arity(&self, ty: BlockType) -> (usize, usize) {
        match ty {
            BlockType::Empty => (0, 0),
            BlockType::Value(_) => (0, 1),
            BlockType::Func(t) => {
                let f = &self.types[t.index()];
                (f.params.len(), f.results.len())
            }
        }
    }

    /// Whether the module uses SIMD anywhere: a `v128` in a type, global,
    /// local or block type, a `v128` constant expression, or a SIMD operator.
    /// A tier without SIMD refuses such a module as a whole.
    pub fn uses_simd(&self) -> bool {
        let v128 = |t: &ValType| *t == ValType::V128;
        self.types
            .iter()
            .any(|f| f.params.iter().any(v128) || f.results.iter().any(v128))
            || self.globals.iter().any(|g| v128(&g.ty))
            || self.bodies.iter().any(|b| {
                b.locals.iter().any(v128)
                    || b.ops.iter().any(|op| {
                        op.is_simd()
                            || matches!(
                                op,
                                Op::Block {
                                    ty: BlockType::Value(ValType::V128),
                                    ..
                                } | Op::Loop {
                                    ty: BlockType::Value(ValType::V128),
                                    ..
                                } | Op::If {
                                    ty: BlockType::Value(ValType::V128),
                                    ..
                                } | Op::TryTable {
                                    ty: BlockType::Value(ValType::V128),
                                    ..
                                } | Op::Select(ValType::V128)
                            )
                    })
            })
    }

    /// Find an export by name.
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.name == name)
    }

    /// Display name of a function: its `name`-section name, else its export
    /// name, else `func[N]`.
    pub fn func_display_name(&self, func: FuncIdx) -> String {
        if let Some(Some(name)) = self.func_names.get(func.index()) {
            return name.clone();
        }
        if let Some(e) = self
            .exports
            .iter()
            .find(|e| e.kind == ExternKind::Func && e.index == func.0)
        {
            return e.name.clone();
        }
        format!("func[{}]", func.0)
    }

    /// The backtrace frame of defined function `defined` (counted after the
    /// imported ones), for tiers that record no byte offsets.
    pub fn defined_func_frame(&self, defined: u32) -> crate::TrapFrame {
        let func = FuncIdx(self.num_imported_funcs + defined);
        crate::TrapFrame {
            func,
            name: self.func_display_name(func),
            offset: None,
        }
    }
}
