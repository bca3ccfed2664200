//! One Strata engine per tier, built once per process, all with the same
//! limits: fuel metering on, a call depth the fuel can reach, and caps on
//! memories and tables that the oracle is given too.

use std::sync::{Arc, OnceLock};

use strata_api::{Aot, Config, Engine, Interp, Jit, JitConfig};

/// Fuel each run (instantiation, then each export) starts with. Every tier
/// consumes one unit per call and per loop iteration, at the same points.
pub const FUEL: u64 = 5_000;
/// The deepest wasm call nesting; below the fuel, so deep recursion ends in
/// "call stack exhausted" at the same depth in every tier.
pub const MAX_CALL_DEPTH: usize = 1_000;
/// Cap on any one linear memory (instantiation fails above it, `memory.grow`
/// past it returns -1).
pub const MAX_MEMORY_BYTES: u64 = 4 << 20;
/// Cap on any one table's elements.
pub const MAX_TABLE_ELEMENTS: u64 = 10_000;

/// A Strata execution tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// The interpreter.
    Interp,
    /// The baseline JIT (Spectre hardening on, the default).
    Jit,
    /// The baseline JIT with Spectre hardening off (its other code path).
    JitUnhardened,
    /// The AOT tier on Cranelift.
    Aot,
}

impl Tier {
    /// The tiers a differential run compares.
    pub const COMPARED: [Tier; 3] = [Tier::Interp, Tier::Jit, Tier::Aot];

    /// The tier's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Interp => "interp",
            Tier::Jit => "jit",
            Tier::JitUnhardened => "jit (unhardened)",
            Tier::Aot => "aot",
        }
    }
}

/// The configuration every engine shares, on `tier`.
pub fn config(tier: Arc<dyn strata_api::Tier>) -> Config {
    Config::new()
        .tier(tier)
        .consume_fuel(true)
        .max_call_depth(MAX_CALL_DEPTH)
        .max_memory_bytes(MAX_MEMORY_BYTES)
        .max_table_elements(MAX_TABLE_ELEMENTS)
}

fn build(tier: Tier) -> Engine {
    let tier: Arc<dyn strata_api::Tier> = match tier {
        Tier::Interp => Arc::new(Interp::default()),
        Tier::Jit => Arc::new(Jit::default()),
        Tier::JitUnhardened => Arc::new(Jit::new(JitConfig::default().spectre_hardening(false))),
        Tier::Aot => Arc::new(Aot::default()),
    };
    Engine::new(&config(tier)).expect("the fuzzing configuration is valid")
}

/// The engine of `tier` (built on first use).
pub fn engine(tier: Tier) -> &'static Engine {
    static ENGINES: [OnceLock<Engine>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let slot = match tier {
        Tier::Interp => 0,
        Tier::Jit => 1,
        Tier::JitUnhardened => 2,
        Tier::Aot => 3,
    };
    ENGINES[slot].get_or_init(|| build(tier))
}
