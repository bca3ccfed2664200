//! The `--tier` and `--tier-plugin` options: which execution tier runs the
//! code.
//!
//! The interpreter is always built and the JIT with the `jit` feature (on by
//! default); `aot` with the `aot` feature (off by default, as it builds
//! Cranelift); a tier not built in fails with a clear message. A plugin
//! tier is loaded with `Config::load_tier`, which checks its build.

#[cfg(not(all(feature = "jit", feature = "aot")))]
use anyhow::bail;
use anyhow::Result;
use clap::ValueEnum;
use strata_api::Config;

use crate::cli::TierArgs;

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

/// An engine configuration that executes on the tier `args` name.
///
/// # Errors
/// If the tier is not built into this binary, or the plugin is refused.
pub fn engine_config(args: &TierArgs) -> Result<Config> {
    match &args.tier_plugin {
        Some(path) => plugin_config(path),
        None => builtin_config(args.tier),
    }
}

/// An engine configuration on the tier of the plugin at `path`.
#[allow(unsafe_code)]
fn plugin_config(path: &std::path::Path) -> Result<Config> {
    // SAFETY: the user named the plugin with `--tier-plugin`, the trust
    // decision `load_tier` asks for (its help says the code runs in this
    // process); `load_tier` checks the plugin's build before using it.
    unsafe { Config::new().load_tier(path) }.map_err(|e| anyhow::anyhow!("{e}"))
}

/// An engine configuration on the built-in `tier`.
fn builtin_config(tier: TierName) -> Result<Config> {
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
        TierName::Aot => {
            bail!("tier `aot` is not built into this binary (enable the `aot` feature)")
        }
    }
}
