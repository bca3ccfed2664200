//! Per-store limits: memory and table caps, call depth, instance counts,
//! live exceptions.

use crate::memory::MemoryConfig;

/// Limits and settings of one store. An engine supplies the defaults; a store
/// may override them.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Memory reservation settings and the per-memory size cap.
    pub memory: MemoryConfig,
    /// Cap on any one table's size in elements.
    pub max_table_elements: u64,
    /// Maximum wasm call depth; deeper calls trap with "call stack exhausted".
    pub max_call_depth: usize,
    /// Maximum number of value slots on one interpreter value stack.
    pub max_value_stack: usize,
    /// Maximum number of instances in the store.
    pub max_instances: usize,
    /// Maximum number of linear memories in the store.
    pub max_memories: usize,
    /// Maximum number of tables in the store.
    pub max_tables: usize,
    /// Cap on the total bytes of all linear memories of the store.
    pub max_total_memory_bytes: u64,
    /// Cap on exception objects alive at once; a `throw` past it traps.
    pub max_live_exceptions: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            memory: MemoryConfig::default(),
            max_table_elements: 10_000_000,
            max_call_depth: 10_000,
            max_value_stack: 16 << 20,
            max_instances: 100_000,
            max_memories: 100_000,
            max_tables: 100_000,
            max_total_memory_bytes: u64::MAX,
            max_live_exceptions: 1 << 20,
        }
    }
}
