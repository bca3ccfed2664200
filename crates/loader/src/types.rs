//! Conversion of wasmparser's types to the IR's types.
//!
//! Every conversion takes the byte offset of the construct so that a type the
//! IR can not represent (GC heap types, shared types, exception references)
//! becomes an [`LoadErrorKind::Unsupported`](crate::LoadErrorKind) error at
//! the right place. Concrete heap types must carry a module-local type index
//! (`UnpackedIndex::Module`), which is what wasmparser's readers produce.

use strata_ir::{
    BlockType, FuncType, GlobalType, HeapType, IndexType, Limits, MemoryType, RefType, TableType,
    TypeIdx, ValType,
};
use wasmparser as wp;

use crate::error::LoadError;

/// Result of a type conversion.
pub(crate) type Result<T> = std::result::Result<T, LoadError>;

/// Converts a heap type.
pub(crate) fn heap_type(ht: wp::HeapType, offset: u64) -> Result<HeapType> {
    use wp::AbstractHeapType as A;
    match ht {
        wp::HeapType::Abstract { shared: false, ty } => match ty {
            A::Func => Ok(HeapType::Func),
            A::Extern => Ok(HeapType::Extern),
            A::NoFunc => Ok(HeapType::NoFunc),
            A::NoExtern => Ok(HeapType::NoExtern),
            A::Any => Ok(HeapType::Any),
            A::Eq => Ok(HeapType::Eq),
            A::I31 => Ok(HeapType::I31),
            A::Struct => Ok(HeapType::Struct),
            A::Array => Ok(HeapType::Array),
            A::None => Ok(HeapType::None),
            A::Exn => Ok(HeapType::Exn),
            A::NoExn => Ok(HeapType::NoExn),
            other => Err(LoadError::unsupported(
                format!("heap type `{other:?}`"),
                offset,
            )),
        },
        wp::HeapType::Abstract { shared: true, .. } => {
            Err(LoadError::unsupported("shared heap types", offset))
        }
        wp::HeapType::Concrete(idx) => match idx {
            wp::UnpackedIndex::Module(i) => Ok(HeapType::Concrete(TypeIdx(i))),
            other => Err(LoadError::unsupported(
                format!("non-module type index {other}"),
                offset,
            )),
        },
        wp::HeapType::Exact(_) => Err(LoadError::unsupported("exact heap types", offset)),
    }
}

/// Converts a reference type.
pub(crate) fn ref_type(rt: wp::RefType, offset: u64) -> Result<RefType> {
    Ok(RefType {
        nullable: rt.is_nullable(),
        heap: heap_type(rt.heap_type(), offset)?,
    })
}

/// Converts a value type.
pub(crate) fn val_type(vt: wp::ValType, offset: u64) -> Result<ValType> {
    Ok(match vt {
        wp::ValType::I32 => ValType::I32,
        wp::ValType::I64 => ValType::I64,
        wp::ValType::F32 => ValType::F32,
        wp::ValType::F64 => ValType::F64,
        wp::ValType::V128 => ValType::V128,
        wp::ValType::Ref(rt) => ValType::Ref(ref_type(rt, offset)?),
    })
}

/// Converts a list of value types.
pub(crate) fn val_types(tys: &[wp::ValType], offset: u64) -> Result<Box<[ValType]>> {
    tys.iter().map(|&t| val_type(t, offset)).collect()
}

/// Converts a function type.
pub(crate) fn func_type(ft: &wp::FuncType, offset: u64) -> Result<FuncType> {
    Ok(FuncType {
        params: val_types(ft.params(), offset)?,
        results: val_types(ft.results(), offset)?,
    })
}

/// Converts one entry of the type section; only final function types without
/// supertypes are supported.
pub(crate) fn sub_type(st: &wp::SubType, offset: u64) -> Result<FuncType> {
    if !st.is_final || !st.supertype_idxs.is_empty() {
        return Err(LoadError::unsupported("type subtyping (GC)", offset));
    }
    let ct = &st.composite_type;
    if ct.shared || ct.descriptor_idx.is_some() || ct.describes_idx.is_some() {
        return Err(LoadError::unsupported(
            "shared or descriptor composite types",
            offset,
        ));
    }
    match &ct.inner {
        wp::CompositeInnerType::Func(ft) => func_type(ft, offset),
        wp::CompositeInnerType::Array(_) => Err(LoadError::unsupported("array types (GC)", offset)),
        wp::CompositeInnerType::Struct(_) => {
            Err(LoadError::unsupported("struct types (GC)", offset))
        }
        wp::CompositeInnerType::Cont(_) => Err(LoadError::unsupported(
            "continuation types (stack switching)",
            offset,
        )),
    }
}

/// Converts a block type.
pub(crate) fn block_type(bt: wp::BlockType, offset: u64) -> Result<BlockType> {
    Ok(match bt {
        wp::BlockType::Empty => BlockType::Empty,
        wp::BlockType::Type(t) => BlockType::Value(val_type(t, offset)?),
        wp::BlockType::FuncType(i) => BlockType::Func(TypeIdx(i)),
    })
}

fn index_type(is_64: bool) -> IndexType {
    if is_64 {
        IndexType::I64
    } else {
        IndexType::I32
    }
}

/// Converts a table type.
pub(crate) fn table_type(tt: &wp::TableType, offset: u64) -> Result<TableType> {
    if tt.shared {
        return Err(LoadError::unsupported("shared tables", offset));
    }
    Ok(TableType {
        index: index_type(tt.table64),
        elem: ref_type(tt.element_type, offset)?,
        limits: Limits {
            min: tt.initial,
            max: tt.maximum,
        },
    })
}

/// Converts a memory type.
pub(crate) fn memory_type(mt: &wp::MemoryType, offset: u64) -> Result<MemoryType> {
    let page_size_log2 = match mt.page_size_log2 {
        None => 16,
        Some(p) => u8::try_from(p)
            .ok()
            .filter(|&p| p <= 16)
            .ok_or_else(|| LoadError::unsupported(format!("page size 2^{p}"), offset))?,
    };
    Ok(MemoryType {
        index: index_type(mt.memory64),
        limits: Limits {
            min: mt.initial,
            max: mt.maximum,
        },
        shared: mt.shared,
        page_size_log2,
    })
}

/// Converts a global type.
pub(crate) fn global_type(gt: &wp::GlobalType, offset: u64) -> Result<GlobalType> {
    if gt.shared {
        return Err(LoadError::unsupported("shared globals", offset));
    }
    Ok(GlobalType {
        ty: val_type(gt.content_type, offset)?,
        mutable: gt.mutable,
    })
}
