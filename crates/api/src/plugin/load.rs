//! Loading a tier plugin (the `plugins` feature): open the library with
//! `libloading`, read its [`PluginDescriptor`] and compare every field with
//! this build before making the tier.
//!
//! Plugin libraries are never unloaded: code and vtables of a tier may be
//! referenced by any module it compiled, instance or trap, for as long as the
//! process runs, and unloading code still referenced is the classic plugin
//! bug. Loading the same path again reuses the open library (the system
//! loader counts references).

use std::ffi::{c_char, CStr};
use std::path::Path;
use std::sync::Arc;

use strata_runtime::Tier;

use super::{
    PluginDescriptor, PLUGIN_ABI_VERSION, PLUGIN_ENTRY_SYMBOL, RUSTC_VERSION, STRATA_VERSION,
    TARGET,
};
use crate::config::Config;
use crate::errors::{Error, ErrorKind};

impl Config {
    /// Use the tier of the plugin library at `path` (built with
    /// [`export_tier!`](crate::export_tier)).
    ///
    /// The library's descriptor is read first: its plugin ABI version, then
    /// the Strata version, compiler version and target it was built with
    /// must all equal this program's, or the plugin is refused with an
    /// [`ErrorKind::Plugin`] error naming both sides, and nothing else of
    /// it runs. The library stays loaded for the rest of the process.
    ///
    /// # Errors
    /// [`ErrorKind::Plugin`]: the library does not open, has no entry
    /// symbol, or was built for another ABI, Strata, compiler or target.
    ///
    /// # Safety
    /// Opening a library runs its initializers, and its tier's code runs in
    /// this process with the store's memory in reach: the checks catch
    /// mismatched builds, not malice. Load only plugins you trust as much
    /// as this program. The plugin must also use the same global allocator
    /// (the default one) as this program.
    #[allow(unsafe_code)]
    pub unsafe fn load_tier(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let err = |what: String| {
            Error::msg(
                ErrorKind::Plugin,
                format!("tier plugin `{}`: {what}", path.display()),
            )
        };
        // SAFETY: opening the library runs its initializers; the caller
        // vouches for the library (this function's contract).
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| err(e.to_string()))?;
        // SAFETY: the symbol is declared with the type `export_tier!` gives
        // it; a library exporting the name with another type breaks the
        // caller's promise of a Strata plugin.
        let entry = unsafe {
            lib.get::<extern "C" fn() -> *const PluginDescriptor>(PLUGIN_ENTRY_SYMBOL.as_bytes())
        }
        .map_err(|e| err(format!("no entry symbol `{PLUGIN_ENTRY_SYMBOL}`: {e}")))?;
        let descriptor = entry();
        if descriptor.is_null() {
            return Err(err("the entry symbol returned no descriptor".into()));
        }
        // SAFETY: the entry returned a non-null pointer to its static
        // descriptor; every layout version starts with the `u32` ABI version.
        let abi = unsafe { descriptor.cast::<u32>().read() };
        if abi != PLUGIN_ABI_VERSION {
            return Err(err(format!(
                "plugin ABI version {abi}, but this program loads version {PLUGIN_ABI_VERSION}"
            )));
        }
        // SAFETY: with ABI version 1 the pointer is to a `PluginDescriptor`
        // of this layout, static in the library, which stays loaded.
        let d = unsafe { &*descriptor };
        for (what, theirs, ours) in [
            ("Strata", d.strata_version, STRATA_VERSION),
            ("compiler", d.rustc_version, RUSTC_VERSION),
            ("target", d.target, TARGET),
        ] {
            // SAFETY: a version-1 descriptor's strings are NUL-terminated and
            // static (or null, which `read_c_str` refuses).
            let theirs = unsafe { read_c_str(theirs) }
                .ok_or_else(|| err(format!("the descriptor has no {what} version")))?;
            if theirs != ours.to_string_lossy() {
                return Err(err(format!(
                    "built for {what} `{theirs}`, but this program is {what} `{}`",
                    ours.to_string_lossy()
                )));
            }
        }
        let raw = (d.create)();
        if raw.is_null() {
            return Err(err("the plugin made no tier".into()));
        }
        // SAFETY: `create` is `export_tier!`'s, which returns
        // `plugin_box(Arc<dyn Tier>)`; the checks above established that the
        // plugin was built from this Strata by this compiler for this
        // target, so `Arc<dyn Tier>` has the same layout on both sides.
        let tier: Box<Arc<dyn Tier>> = unsafe { Box::from_raw(raw.cast()) };
        // Never unload (see the module comment).
        std::mem::forget(lib);
        Ok(self.tier(*tier))
    }
}

/// The string at `p`, if it is not null.
///
/// # Safety
/// A non-null `p` points to a NUL-terminated string that outlives the call.
#[allow(unsafe_code)]
unsafe fn read_c_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated (the caller's promise).
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}
