//! wasm-smith configurations inside Strata's scope: no GC, threads,
//! wide arithmetic or custom page sizes (Strata implements none of them),
//! no imports (the targets instantiate with an empty linker), every entity
//! exported (the targets call every exported function and read every
//! exported global, memory and table) and NaNs canonicalized (so results
//! compare bit for bit).

use arbitrary::{Result, Unstructured};

/// Turn off what Strata does not implement (or not in every tier: SIMD) and
/// bound the sizes, keeping the rest of `config` (which may come from the
/// fuzzer).
pub fn restrict(config: &mut wasm_smith::Config) {
    config.simd_enabled = false;
    config.relaxed_simd_enabled = false;
    config.gc_enabled = false;
    config.threads_enabled = false;
    config.shared_everything_threads_enabled = false;
    config.wide_arithmetic_enabled = false;
    config.custom_page_sizes_enabled = false;
    config.custom_descriptors_enabled = false;
    config.acquire_release_atomics_enabled = false;
    config.multibyte_array_access_enabled = false;
    config.max_imports = 0;
    config.min_imports = 0;
    config.available_imports = None;
    config.export_everything = true;
    config.canonicalize_nans = true;
    config.max_types = config.max_types.min(100);
    config.max_funcs = config.max_funcs.min(50);
    config.max_globals = config.max_globals.min(100);
    config.max_tags = config.max_tags.min(50);
    config.max_exports = config.max_exports.min(200);
    config.max_element_segments = config.max_element_segments.min(50);
    config.max_elements = config.max_elements.min(1_000);
    config.max_data_segments = config.max_data_segments.min(50);
    config.max_instructions = config.max_instructions.min(1_000);
    config.max_memories = config.max_memories.min(4);
    config.max_tables = config.max_tables.min(4);
    config.max_memory32_bytes = config.max_memory32_bytes.min(1 << 20);
    config.max_memory64_bytes = config.max_memory64_bytes.min(1 << 20);
    config.max_table_elements = config.max_table_elements.min(1_000);
}

/// A configuration chosen by the fuzzer (`wasm_smith::Config`'s own
/// `Arbitrary`), restricted to Strata's scope.
///
/// # Errors
/// If `u` runs out of bytes.
pub fn arbitrary_config(u: &mut Unstructured<'_>) -> Result<wasm_smith::Config> {
    let mut config: wasm_smith::Config = u.arbitrary()?;
    restrict(&mut config);
    Ok(config)
}

/// The differential configuration, after `crates/aot/tests/differential.rs`:
/// memory32 and memory64, up to two memories and tables, multi-value, tail
/// calls, bulk memory, reference types, extended constants; exceptions only
/// with `exceptions` (wasmi, the oracle, has no exception handling, so
/// modules without them are the ones it can check); SIMD and relaxed SIMD
/// only with `simd` (the oracle is built without SIMD and refuses such
/// modules).
pub fn differential_config(exceptions: bool, simd: bool) -> wasm_smith::Config {
    let mut config = wasm_smith::Config {
        exceptions_enabled: exceptions,
        memory64_enabled: true,
        tail_call_enabled: true,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        extended_const_enabled: true,
        max_memories: 2,
        max_tables: 2,
        max_memory32_bytes: 1 << 20,
        max_memory64_bytes: 1 << 20,
        max_table_elements: 1_000,
        max_instructions: 500,
        min_funcs: 1,
        max_funcs: 20,
        ..wasm_smith::Config::default()
    };
    restrict(&mut config);
    config.simd_enabled = simd;
    config.relaxed_simd_enabled = simd;
    config
}

/// A small configuration for the artifact target (each module is compiled
/// by Cranelift before its artifact is mutated).
pub fn artifact_config() -> wasm_smith::Config {
    let mut config = differential_config(true, false);
    config.max_funcs = 6;
    config.max_instructions = 100;
    config
}

/// A module of `config` from the fuzzer's bytes, in binary form.
///
/// # Errors
/// If wasm-smith cannot build a module from `u`.
pub fn module(config: wasm_smith::Config, u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}
