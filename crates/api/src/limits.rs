//! [`StoreLimits`]: the resource limiter of a store — memory bytes (per
//! memory and in total), table elements, and counts of instances, memories
//! and tables, live exceptions — built with chained setters and applied with
//! [`Store::set_limits`](crate::Store::set_limits) or, as every new store's
//! defaults, with [`Config::store_limits`](crate::Config::store_limits).
//!
//! Limits are enforced by the runtime store, so every tier sees the same
//! ones: a memory or table whose minimum exceeds a limit fails to
//! instantiate with an error naming the limit, and `memory.grow` or
//! `table.grow` past one returns -1 (the embedder's
//! [`Memory::grow`](crate::Memory::grow) returns a
//! [`GrowError`](crate::GrowError) naming it); a `throw` past the limit on
//! live exceptions traps with "too many live exceptions".

use strata_runtime::StoreConfig;

/// Resource limits of a store. Unset limits keep the value the store already
/// has (the engine's configuration, or the runtime's defaults).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreLimits {
    memory_bytes: Option<u64>,
    total_memory_bytes: Option<u64>,
    table_elements: Option<u64>,
    instances: Option<usize>,
    memories: Option<usize>,
    tables: Option<usize>,
    exceptions: Option<usize>,
}

impl StoreLimits {
    /// No limits set: applying it changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cap on any one linear memory, in bytes. A memory whose minimum is
    /// larger fails to instantiate; growth past it is refused. A memory
    /// reserves address space for its largest size when it is created, so
    /// the cap in force then bounds it for good; lowering the cap later still
    /// refuses growth past the new value.
    pub fn memory_bytes(mut self, bytes: u64) -> Self {
        self.memory_bytes = Some(bytes);
        self
    }

    /// Cap on the bytes of all linear memories of the store together.
    pub fn total_memory_bytes(mut self, bytes: u64) -> Self {
        self.total_memory_bytes = Some(bytes);
        self
    }

    /// Cap on any one table, in elements.
    pub fn table_elements(mut self, elements: u64) -> Self {
        self.table_elements = Some(elements);
        self
    }

    /// Cap on the number of instances in the store.
    pub fn instances(mut self, count: usize) -> Self {
        self.instances = Some(count);
        self
    }

    /// Cap on the number of linear memories in the store (defined by
    /// instances or created by the host).
    pub fn memories(mut self, count: usize) -> Self {
        self.memories = Some(count);
        self
    }

    /// Cap on the number of tables in the store.
    pub fn tables(mut self, count: usize) -> Self {
        self.tables = Some(count);
        self
    }

    /// Cap on exception objects alive at once in the store. An exception
    /// caught by its payload alone is freed at once; one caught as an
    /// `exnref` lives until no global, table or embedder can reach it (found
    /// when the embedder next calls in). A `throw` past the cap traps with
    /// "too many live exceptions"
    /// ([`TrapCode::ExceptionLimit`](crate::TrapCode::ExceptionLimit)).
    pub fn exceptions(mut self, count: usize) -> Self {
        self.exceptions = Some(count);
        self
    }

    /// The limits in force in `config`.
    pub(crate) fn of(config: &StoreConfig) -> Self {
        Self {
            memory_bytes: Some(config.memory.max_memory_bytes),
            total_memory_bytes: Some(config.max_total_memory_bytes),
            table_elements: Some(config.max_table_elements),
            instances: Some(config.max_instances),
            memories: Some(config.max_memories),
            tables: Some(config.max_tables),
            exceptions: Some(config.max_live_exceptions),
        }
    }

    /// Write the limits that are set into `config`.
    pub(crate) fn apply(&self, config: &mut StoreConfig) {
        if let Some(v) = self.memory_bytes {
            config.memory.max_memory_bytes = v;
        }
        if let Some(v) = self.total_memory_bytes {
            config.max_total_memory_bytes = v;
        }
        if let Some(v) = self.table_elements {
            config.max_table_elements = v;
        }
        if let Some(v) = self.instances {
            config.max_instances = v;
        }
        if let Some(v) = self.memories {
            config.max_memories = v;
        }
        if let Some(v) = self.tables {
            config.max_tables = v;
        }
        if let Some(v) = self.exceptions {
            config.max_live_exceptions = v;
        }
    }

    /// The per-memory cap, if set.
    pub fn get_memory_bytes(&self) -> Option<u64> {
        self.memory_bytes
    }

    /// The total memory cap, if set.
    pub fn get_total_memory_bytes(&self) -> Option<u64> {
        self.total_memory_bytes
    }

    /// The per-table cap, if set.
    pub fn get_table_elements(&self) -> Option<u64> {
        self.table_elements
    }

    /// The instance count cap, if set.
    pub fn get_instances(&self) -> Option<usize> {
        self.instances
    }

    /// The live exception cap, if set.
    pub fn get_exceptions(&self) -> Option<usize> {
        self.exceptions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_set_limits_are_applied() {
        let mut config = StoreConfig::default();
        let before = config.clone();
        StoreLimits::new().apply(&mut config);
        assert_eq!(StoreLimits::of(&config), StoreLimits::of(&before));
        StoreLimits::new()
            .memory_bytes(1 << 20)
            .instances(3)
            .apply(&mut config);
        assert_eq!(config.memory.max_memory_bytes, 1 << 20);
        assert_eq!(config.max_instances, 3);
        assert_eq!(config.max_tables, before.max_tables);
    }
}
