//! [`Config`]: the settings an [`Engine`](crate::Engine) is built from — the
//! execution tier, the enabled proposals, fuel metering and the resource
//! limits every store of the engine starts with.

use std::sync::Arc;

use strata_ir::Features;
use strata_runtime::{MemoryConfig, MemoryCreator, StoreConfig, Tier};

use crate::limits::StoreLimits;

/// Engine settings, built with chained setters:
///
/// ```
/// # use strata_api::Config;
/// let config = Config::new().max_call_depth(5_000).max_memory_bytes(1 << 30);
/// ```
#[derive(Clone)]
pub struct Config {
    pub(crate) features: Features,
    pub(crate) tier: Option<Arc<dyn Tier>>,
    pub(crate) max_call_depth: usize,
    pub(crate) max_memory_bytes: u64,
    pub(crate) max_table_elements: u64,
    pub(crate) consume_fuel: bool,
    pub(crate) limits: StoreLimits,
    pub(crate) memory_creator: Option<Arc<dyn MemoryCreator>>,
    pub(crate) memory_may_move: bool,
}

impl Config {
    /// The default configuration: the core feature set, the runtime's default
    /// limits and, with the `interp` feature, the interpreter tier.
    pub fn new() -> Self {
        let store = StoreConfig::default();
        Self {
            features: Features::default(),
            tier: default_tier(),
            max_call_depth: store.max_call_depth,
            max_memory_bytes: store.memory.max_memory_bytes,
            max_table_elements: store.max_table_elements,
            consume_fuel: false,
            limits: StoreLimits::new(),
            memory_creator: None,
            memory_may_move: store.memory.base_may_move,
        }
    }

    /// Supply the backing of every linear memory of the engine's stores —
    /// those a module defines, at instantiation, and those made with
    /// [`Memory::new`](crate::Memory::new) — through `creator`, instead of
    /// the runtime's own `mmap` reservation. The runtime keeps the layout,
    /// the limits and the bounds checks; the creator provides address space
    /// under the `unsafe` contract of [`MemoryBacking`](crate::MemoryBacking).
    /// A creator's refusal fails instantiation with an error naming the
    /// memory ([`Error::memory_error`](crate::Error::memory_error) gives it);
    /// a backing's refusal to grow makes `memory.grow` return -1.
    pub fn memory_creator(mut self, creator: Arc<dyn MemoryCreator>) -> Self {
        self.memory_creator = Some(creator);
        self
    }

    /// Whether growing a memory may move its base (default true; see
    /// [`MemoryRequest::base_may_move`](crate::MemoryRequest::base_may_move)).
    /// With false, growth that does not fit the memory's reservation returns
    /// -1 instead of copying the memory to a larger one.
    pub fn memory_may_move(mut self, may_move: bool) -> Self {
        self.memory_may_move = may_move;
        self
    }

    /// Meter execution with fuel: every new store starts with 0 fuel, so it
    /// must be given some with [`Store::set_fuel`](crate::Store::set_fuel)
    /// before running wasm. One unit is consumed per loop iteration and per
    /// call; running out traps with "all fuel consumed"
    /// ([`TrapCode::OutOfFuel`](crate::TrapCode::OutOfFuel)). Off by default
    /// (a store can still opt in with `set_fuel`).
    pub fn consume_fuel(mut self, enable: bool) -> Self {
        self.consume_fuel = enable;
        self
    }

    /// Store-wide limits every new store starts with (applied after
    /// [`Config::max_memory_bytes`] and [`Config::max_table_elements`], so
    /// the limits set here win).
    pub fn store_limits(mut self, limits: StoreLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Whether new stores meter fuel.
    pub fn get_consume_fuel(&self) -> bool {
        self.consume_fuel
    }

    /// The deepest wasm call nesting allowed; deeper calls trap with "call
    /// stack exhausted".
    pub fn max_call_depth(mut self, depth: usize) -> Self {
        self.max_call_depth = depth;
        self
    }

    /// Cap on the size of any one linear memory, in bytes. A module declaring
    /// a larger minimum fails to instantiate; `memory.grow` past it returns -1.
    pub fn max_memory_bytes(mut self, bytes: u64) -> Self {
        self.max_memory_bytes = bytes;
        self
    }

    /// Cap on the size of any one table, in elements.
    pub fn max_table_elements(mut self, elements: u64) -> Self {
        self.max_table_elements = elements;
        self
    }

    /// The WebAssembly proposals modules may use.
    pub fn features(mut self, features: Features) -> Self {
        self.features = features;
        self
    }

    /// The execution tier that compiles and runs modules.
    pub fn tier(mut self, tier: Arc<dyn Tier>) -> Self {
        self.tier = Some(tier);
        self
    }

    /// The enabled proposals.
    pub fn get_features(&self) -> &Features {
        &self.features
    }

    /// The configured tier, if any.
    pub fn get_tier(&self) -> Option<&Arc<dyn Tier>> {
        self.tier.as_ref()
    }

    /// The limits a new store of this configuration starts with.
    pub(crate) fn store_config(&self) -> StoreConfig {
        let mut config = StoreConfig {
            memory: MemoryConfig {
                max_memory_bytes: self.max_memory_bytes,
                base_may_move: self.memory_may_move,
                creator: self.memory_creator.clone(),
                ..MemoryConfig::default()
            },
            max_table_elements: self.max_table_elements,
            max_call_depth: self.max_call_depth,
            ..StoreConfig::default()
        };
        self.limits.apply(&mut config);
        config
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for Config {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Config")
            .field("features", &self.features)
            .field("tier", &self.tier.as_ref().map(|t| t.name()))
            .field("max_call_depth", &self.max_call_depth)
            .field("max_memory_bytes", &self.max_memory_bytes)
            .field("max_table_elements", &self.max_table_elements)
            .field("consume_fuel", &self.consume_fuel)
            .field("limits", &self.limits)
            .field(
                "memory_creator",
                &self.memory_creator.as_ref().map(|_| "custom"),
            )
            .field("memory_may_move", &self.memory_may_move)
            .finish()
    }
}

#[cfg(feature = "interp")]
fn default_tier() -> Option<Arc<dyn Tier>> {
    Some(Arc::new(strata_interp::Interp::default()))
}

#[cfg(not(feature = "interp"))]
fn default_tier() -> Option<Arc<dyn Tier>> {
    None
}
