//! The set of WebAssembly proposals a module may use.
//!
//! The loader validates with exactly these features on; tiers may refuse a
//! module whose features they do not implement.

/// Enabled WebAssembly features. The default is the Strata core scope: Wasm 3.0
/// without SIMD, GC and exception handling.
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
    /// 128-bit SIMD (not in the core scope).
    pub simd: bool,
}

impl Features {
    /// The core scope: every feature above except SIMD (GC validation rules
    /// on, GC objects unsupported).
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
        simd: false,
    };
}

impl Default for Features {
    fn default() -> Self {
        Self::CORE
    }
}
