//! The set of WebAssembly proposals a module may use.
//!
//! The loader validates with exactly these features on; tiers may refuse a
//! module whose features they do not implement.

/// Enabled WebAssembly features. The default is Wasm 3.0 ([`Features::CORE`]),
/// whose GC objects are not supported yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Features {
    /// Mutable globals may be imported and exported.
    pub mutable_global: bool,
    /// Sign-extension operators.
    pub sign_extension: bool,
    /// Non-trapping float-to-int conversions.
    pub saturating_float_to_int: bool,
    /// Multiple results and block parameters.
    pub multi_value: bool,
    /// `externref`, multiple tables, `table.*` instructions.
    pub reference_types: bool,
    /// `memory.copy`, `memory.fill`, passive segments.
    pub bulk_memory: bool,
    /// More than one memory.
    pub multi_memory: bool,
    /// 64-bit memories and tables.
    pub memory64: bool,
    /// `i32.add` and friends in constant expressions.
    pub extended_const: bool,
    /// `return_call` and friends.
    pub tail_call: bool,
    /// Typed function references (`call_ref`, `(ref $t)`).
    pub function_references: bool,
    /// Exception handling: tags, `throw`, `throw_ref`, `try_table`.
    pub exceptions: bool,
    /// Validation follows the GC proposal's rules (part of Wasm 3.0): abstract
    /// heap types such as `anyref` and `exnref`, and `global.get` of defined
    /// immutable globals in constant expressions. Struct and array types and
    /// the GC instructions are refused as unsupported until GC is implemented.
    pub gc: bool,
    /// 128-bit SIMD: `v128`, its loads, stores and lane-wise operators.
    pub simd: bool,
    /// Relaxed SIMD (needs `simd`); every tier gives each relaxed operator
    /// the one deterministic behaviour written in [`crate::simd`].
    pub relaxed_simd: bool,
}

impl Features {
    /// Wasm 3.0: every feature above, SIMD and relaxed SIMD included (GC
    /// validation rules on, GC objects unsupported). A tier that lacks SIMD
    /// refuses a module that uses it with a compile error.
    pub const CORE: Self = Self {
        mutable_global: true,
        sign_extension: true,
        saturating_float_to_int: true,
        multi_value: true,
        reference_types: true,
        bulk_memory: true,
        multi_memory: true,
        memory64: true,
        extended_const: true,
        tail_call: true,
        function_references: true,
        exceptions: true,
        gc: true,
        simd: true,
        relaxed_simd: true,
    };
}

impl Default for Features {
    fn default() -> Self {
        Self::CORE
    }
}
