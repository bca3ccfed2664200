//! The `--tier` option: which execution tier runs the code.
//!
//! The interpreter is always built and the JIT with the `jit` feature (on by
//! default); `aot` with the `aot` feature (off by default, as it builds
//! Cranelift); a tier not built in fails with a clear message.

#[cfg(not(all(feature = "jit", feature = "aot")))]
use anyhow::bail;
use anyhow::Result;
use clap::ValueEnum;
use strata_api::Config;

/// A tier name as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TierName {
    /// The interpreter.
    Interp,
    /// The baseline JIT (with the `jit` feature).
    Jit,
    /// The ahead-of-time compiler on Cranelift (with the `aot` feature).
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
        #[cfg(feature = "jit")]
        TierName::Jit => Ok(Config::new().tier(std::sync::Arc::new(strata_api::Jit::default()))),
        #[cfg(not(feature = "jit"))]
        TierName::Jit => {
            bail!("tier `jit` is not built into this binary (enable the `jit` feature)")
        }
        #[cfg(feature = "aot")]
        TierName::Aot => Ok(Config::new().tier(std::sync::Arc::new(strata_api::Aot::default()))),
        #[cfg(not(feature = "aot"))]
        TierName::Aot => bail!(
            "tier `{}` is not built into this binary (enable the `aot` feature)",
            tier.as_str()
        ),
    }
}
