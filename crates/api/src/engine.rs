//! [`Engine`]: the shared, immutable context of compilation — the execution
//! tier, the enabled proposals and the default store limits.

use std::sync::Arc;

use strata_ir::Features;
use strata_runtime::{StoreConfig, Tier};

use crate::config::Config;
use crate::errors::{Error, ErrorKind};

struct EngineInner {
    config: Config,
    tier: Arc<dyn Tier>,
}

/// A compilation and execution context. Cheap to clone (an `Arc` inside),
/// `Send` and `Sync`: one engine can serve every thread.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

impl Engine {
    /// An engine with the settings of `config`.
    ///
    /// # Errors
    /// Kind [`ErrorKind::Unsupported`] if the configuration names no tier (the
    /// `interp` feature is off and [`Config::tier`] was not called).
    pub fn new(config: &Config) -> Result<Self, Error> {
        let Some(tier) = config.tier.clone() else {
            return Err(Error::msg(
                ErrorKind::Unsupported,
                "no execution tier configured: enable the `interp` feature of strata-api or set one with `Config::tier`",
            ));
        };
        Ok(Self {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                tier,
            }),
        })
    }

    /// The configuration the engine was built from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The execution tier.
    pub fn tier(&self) -> &Arc<dyn Tier> {
        &self.inner.tier
    }

    /// The tier's short name (`interp`, ...).
    pub fn tier_name(&self) -> &'static str {
        self.inner.tier.name()
    }

    /// The proposals modules may use.
    pub fn features(&self) -> &Features {
        &self.inner.config.features
    }

    /// Compile a module (binary or text) ahead of time into an artifact for
    /// this host, validated with the engine's features, for
    /// [`Module::deserialize`](crate::Module::deserialize) to load later
    /// (in this process or another, on a host with the same target and CPU
    /// features). Whatever the engine's tier, the artifact holds AOT code.
    /// `strata_aot::artifact::sign` signs it for
    /// [`Module::deserialize_trusted`](crate::Module::deserialize_trusted).
    ///
    /// # Errors
    /// [`Malformed`](ErrorKind::Malformed), [`Invalid`](ErrorKind::Invalid)
    /// or [`Unsupported`](ErrorKind::Unsupported) from loading;
    /// [`Compile`](ErrorKind::Compile) if the AOT tier refuses the module.
    #[cfg(feature = "aot")]
    pub fn precompile_module(&self, bytes: &[u8]) -> Result<Vec<u8>, Error> {
        use strata_aot::CompileArtifactError as E;
        strata_aot::Aot::default()
            .compile_artifact(bytes, *self.features(), None, &|_, _| {})
            .map_err(|e| match e {
                E::Load(e) => Error::from(e),
                E::Compile(e) => Error::compile("aot", e),
                E::Artifact(e) => crate::module::artifact_error(e),
                other => crate::module::artifact_error(strata_aot::ArtifactError::Malformed(
                    other.to_string(),
                )),
            })
    }

    /// Whether two handles name the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    pub(crate) fn store_config(&self) -> StoreConfig {
        self.inner.config.store_config()
    }
}

/// The engine of [`Config::default`], running on the interpreter.
#[cfg(feature = "interp")]
impl Default for Engine {
    fn default() -> Self {
        Self {
            inner: Arc::new(EngineInner {
                config: Config::default(),
                tier: Arc::new(strata_interp::Interp::default()),
            }),
        }
    }
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("tier", &self.tier_name())
            .field("config", &self.inner.config)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_thread_safe() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        fn assert_send<T: Send>() {}
        assert_send_sync::<Engine>();
        assert_send_sync::<crate::Module>();
        assert_send::<crate::Store<()>>();
        assert_send_sync::<crate::Linker<()>>();
        assert_send_sync::<crate::InterruptHandle>();
        assert_send_sync::<crate::TypedFunc<(crate::GuestAddr, i64), u32>>();
    }

    #[cfg(not(feature = "interp"))]
    #[test]
    fn no_tier_is_an_error() {
        let e = Engine::new(&Config::new()).expect_err("no tier configured");
        assert_eq!(e.kind(), ErrorKind::Unsupported);
    }
}
