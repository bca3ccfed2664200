//! Index newtypes for every Wasm index space, so that a bare `u32` never crosses
//! a crate boundary and a function index can not be mistaken for a type index.

macro_rules! define_index {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, for indexing host vectors.
            #[inline(always)]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl From<u32> for $name {
            #[inline(always)]
            fn from(value: u32) -> Self {
                Self(value)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

define_index! {
    /// Index into the module's type section.
    TypeIdx;
    /// Index into the function index space (imports first, then definitions).
    FuncIdx;
    /// Index of a function defined in the module (its position among the bodies).
    DefinedFuncIdx;
    /// Index into the table index space.
    TableIdx;
    /// Index into the memory index space.
    MemIdx;
    /// Index into the global index space.
    GlobalIdx;
    /// Index of an element segment.
    ElemIdx;
    /// Index of a data segment.
    DataIdx;
    /// Index of a local (parameters first).
    LocalIdx;
    /// Index into the tag index space.
    TagIdx;
}
