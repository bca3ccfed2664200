//! Store addresses: indices of entities in a [`Store`](crate::Store). Unlike
//! module-local indices they are unique across all instances of a store.

pub use strata_ir::{AnyAddr, ExnAddr, ExternAddr, FuncAddr};

macro_rules! define_addr {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The address as a `usize`, for indexing the store's vectors.
            #[inline(always)]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

define_addr! {
    /// Address of a table in a store.
    TableAddr;
    /// Address of a linear memory in a store.
    MemAddr;
    /// Address of a global in a store.
    GlobalAddr;
    /// Address of an instance in a store.
    InstanceAddr;
    /// Address of an element segment in a store.
    ElemAddr;
    /// Address of a data segment in a store.
    DataAddr;
    /// Address of an exception tag in a store.
    TagAddr;
}

/// Anything an export can name or an import can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExternVal {
    /// A function.
    Func(FuncAddr),
    /// A table.
    Table(TableAddr),
    /// A memory.
    Memory(MemAddr),
    /// A global.
    Global(GlobalAddr),
    /// An exception tag.
    Tag(TagAddr),
}

impl ExternVal {
    /// The kind of entity.
    pub fn kind(&self) -> strata_ir::ExternKind {
        match self {
            ExternVal::Func(_) => strata_ir::ExternKind::Func,
            ExternVal::Table(_) => strata_ir::ExternKind::Table,
            ExternVal::Memory(_) => strata_ir::ExternKind::Memory,
            ExternVal::Global(_) => strata_ir::ExternKind::Global,
            ExternVal::Tag(_) => strata_ir::ExternKind::Tag,
        }
    }
}
