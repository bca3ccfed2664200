//! [`ExternType`], the type of an import or export, and the text form of
//! Wasm types used in messages: `i32`, `funcref`, `(ref null $3)`,
//! `(memory i64 1 2)`, `(func (param i32) (result i64))`.

use core::fmt;

use strata_ir::{
    FuncType, GlobalType, HeapType, IndexType, Limits, MemoryType, RefType, TableType, ValType,
};

/// The type of an import, an export or an [`Extern`](crate::Extern).
///
/// Memory and table types carry their index type (`i32` or `i64`) and their
/// limits; `Display` shows them in text-format syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A linear memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// An exception tag; its payload is the parameters of the function type.
    Tag(FuncType),
}

impl ExternType {
    /// The function type, if this is a function.
    pub fn func(&self) -> Option<&FuncType> {
        match self {
            ExternType::Func(t) => Some(t),
            _ => None,
        }
    }

    /// The memory type, if this is a memory.
    pub fn memory(&self) -> Option<&MemoryType> {
        match self {
            ExternType::Memory(t) => Some(t),
            _ => None,
        }
    }

    /// The table type, if this is a table.
    pub fn table(&self) -> Option<&TableType> {
        match self {
            ExternType::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The global type, if this is a global.
    pub fn global(&self) -> Option<&GlobalType> {
        match self {
            ExternType::Global(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => write!(f, "(func{})", FuncTypeText(t)),
            ExternType::Table(t) => write!(
                f,
                "(table {} {} {})",
                index_text(t.index),
                LimitsText(t.limits),
                ValTypeText(ValType::Ref(t.elem))
            ),
            ExternType::Memory(t) => {
                write!(
                    f,
                    "(memory {} {}",
                    index_text(t.index),
                    LimitsText(t.limits)
                )?;
                if t.shared {
                    f.write_str(" shared")?;
                }
                if t.page_size_log2 != 16 {
                    write!(f, " (pagesize {})", t.page_size())?;
                }
                f.write_str(")")
            }
            ExternType::Global(t) if t.mutable => {
                write!(f, "(global (mut {}))", ValTypeText(t.ty))
            }
            ExternType::Global(t) => write!(f, "(global {})", ValTypeText(t.ty)),
            ExternType::Tag(t) => write!(f, "(tag{})", FuncTypeText(t)),
        }
    }
}

fn index_text(index: IndexType) -> &'static str {
    match index {
        IndexType::I32 => "i32",
        IndexType::I64 => "i64",
    }
}

/// `min max` or `min` of a limits pair.
struct LimitsText(Limits);

impl fmt::Display for LimitsText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.max {
            Some(max) => write!(f, "{} {max}", self.0.min),
            None => write!(f, "{}", self.0.min),
        }
    }
}

/// The text form of a value type.
pub(crate) struct ValTypeText(pub(crate) ValType);

impl fmt::Display for ValTypeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => fmt_ref(r, f),
        }
    }
}

fn fmt_ref(r: RefType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let short = match (r.nullable, r.heap) {
        (true, HeapType::Func) => Some("funcref"),
        (true, HeapType::Extern) => Some("externref"),
        (true, HeapType::NoFunc) => Some("nullfuncref"),
        (true, HeapType::NoExtern) => Some("nullexternref"),
        _ => None,
    };
    if let Some(s) = short {
        return f.write_str(s);
    }
    f.write_str(if r.nullable { "(ref null " } else { "(ref " })?;
    match r.heap {
        HeapType::Func => f.write_str("func")?,
        HeapType::Extern => f.write_str("extern")?,
        HeapType::NoFunc => f.write_str("nofunc")?,
        HeapType::NoExtern => f.write_str("noextern")?,
        HeapType::Concrete(t) => write!(f, "${}", t.0)?,
        HeapType::Any => f.write_str("any")?,
        HeapType::Eq => f.write_str("eq")?,
        HeapType::I31 => f.write_str("i31")?,
        HeapType::Struct => f.write_str("struct")?,
        HeapType::Array => f.write_str("array")?,
        HeapType::None => f.write_str("none")?,
        HeapType::Exn => f.write_str("exn")?,
        HeapType::NoExn => f.write_str("noexn")?,
    }
    f.write_str(")")
}

/// ` (param ..) (result ..)` of a function type (empty lists omitted).
pub(crate) struct FuncTypeText<'a>(pub(crate) &'a FuncType);

impl fmt::Display for FuncTypeText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (word, list) in [("param", &self.0.params), ("result", &self.0.results)] {
            if list.is_empty() {
                continue;
            }
            write!(f, " ({word}")?;
            for t in list.iter() {
                write!(f, " {}", ValTypeText(*t))?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// `[i32 f64]`: the text of a list of value types, for messages.
pub(crate) fn types_text(types: &[ValType]) -> String {
    let items: Vec<String> = types.iter().map(|t| ValTypeText(*t).to_string()).collect();
    format!("[{}]", items.join(" "))
}

/// The value type of a value (for messages; references show their
/// hierarchy's top type).
pub(crate) fn val_type_of(v: &strata_ir::Val) -> ValType {
    match v {
        strata_ir::Val::I32(_) => ValType::I32,
        strata_ir::Val::I64(_) => ValType::I64,
        strata_ir::Val::F32(_) => ValType::F32,
        strata_ir::Val::F64(_) => ValType::F64,
        strata_ir::Val::V128(_) => ValType::V128,
        strata_ir::Val::FuncRef(_) => ValType::FUNCREF,
        strata_ir::Val::ExternRef(_) => ValType::EXTERNREF,
        strata_ir::Val::AnyRef(_) => ValType::Ref(strata_ir::RefType {
            nullable: true,
            heap: HeapType::Any,
        }),
        strata_ir::Val::ExnRef(_) => ValType::Ref(strata_ir::RefType {
            nullable: true,
            heap: HeapType::Exn,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        let mem = ExternType::Memory(MemoryType {
            index: IndexType::I64,
            limits: Limits {
                min: 1,
                max: Some(2),
            },
            shared: false,
            page_size_log2: 16,
        });
        assert_eq!(mem.to_string(), "(memory i64 1 2)");
        let table = ExternType::Table(TableType {
            index: IndexType::I32,
            elem: RefType::FUNCREF,
            limits: Limits { min: 10, max: None },
        });
        assert_eq!(table.to_string(), "(table i32 10 funcref)");
        let func = ExternType::Func(FuncType::new([ValType::I32, ValType::EXTERNREF], []));
        assert_eq!(func.to_string(), "(func (param i32 externref))");
        let r = ValType::Ref(RefType {
            nullable: false,
            heap: HeapType::Concrete(strata_ir::TypeIdx(3)),
        });
        assert_eq!(ValTypeText(r).to_string(), "(ref $3)");
        assert_eq!(types_text(&[ValType::I32, ValType::F64]), "[i32 f64]");
    }
}
