//! The `--tier` option: which execution tier runs the code.
//!
//! Only the interpreter is built today; `jit` and `aot` are accepted by the
//! parser so that scripts can name them, and fail with a clear message.

use anyhow::{bail, Result};
use clap::ValueEnum;
use strata_api::Config;

/// A tier name as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TierName {
    /// The interpreter.
    Interp,
    /// The baseline JIT (not built yet).
    Jit,
    /// The ahead-of-time compiler (not built yet).
    Aot,
}

impl TierName {
    /// The name as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            TierName::Interp => "interp",
            TierName::Jit => "jit",
            TierName::Aot => "aot",
        }
    }
}

/// An engine configuration that executes on `tier`.
///
/// # Errors
/// If the tier is not built into this binary.
pub fn engine_config(tier: TierName) -> Result<Config> {
    match tier {
        TierName::Interp => Ok(Config::new()),
        TierName::Jit | TierName::Aot => bail!(
            "tier `{}` is not built yet (available tiers: interp)",
            tier.as_str()
        ),
    }
}
