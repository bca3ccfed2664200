//! Tier plugins: the versioned descriptor a plugin library exports, and the
//! [`export_tier!`](crate::export_tier) macro that writes it.
//!
//! A plugin is a `cdylib` that depends on `strata-api` and calls
//! `strata_api::export_tier!(MyTier::new())` once. That exports one symbol,
//! [`PLUGIN_ENTRY_SYMBOL`], returning a [`PluginDescriptor`]: the plugin ABI
//! version, then the Strata version, compiler version and target the plugin
//! was built with. Tiers cross the library boundary as Rust trait objects,
//! which is sound only between builds of the same Strata by the same
//! compiler for the same target, so the loader (`Config::load_tier`, with
//! the `plugins` feature) reads and compares all of them before it uses
//! anything else, and refuses a mismatch naming both sides.
//!
//! This module holds the one `unsafe impl` of the plugin machinery: the
//! descriptor is `Sync` because its pointers name static strings.

use std::ffi::{c_char, c_void, CStr};
use std::sync::Arc;

use strata_runtime::Tier;

/// The version of [`PluginDescriptor`]'s layout. Its first field keeps this
/// number in every later layout, so a loader can always read it.
pub const PLUGIN_ABI_VERSION: u32 = 1;

/// The name of the function every plugin exports (`extern "C" fn() ->
/// *const PluginDescriptor`).
pub const PLUGIN_ENTRY_SYMBOL: &str = "strata_tier_plugin_v1";

/// The Strata version this crate was built as.
pub const STRATA_VERSION: &CStr = c_str(concat!(env!("CARGO_PKG_VERSION"), "\0"));

/// The compiler that built this crate (`rustc -V`).
pub const RUSTC_VERSION: &CStr = c_str(concat!(env!("STRATA_RUSTC_VERSION"), "\0"));

/// The target this crate was built for.
pub const TARGET: &CStr = c_str(concat!(env!("STRATA_TARGET"), "\0"));

const fn c_str(s: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(s.as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("a version string holds a NUL byte"),
    }
}

/// What a plugin library describes itself with. `#[repr(C)]`, read by the
/// loader field by field before it trusts anything Rust-typed.
#[repr(C)]
#[derive(Debug)]
pub struct PluginDescriptor {
    /// [`PLUGIN_ABI_VERSION`] of the plugin's build.
    pub abi_version: u32,
    /// The Strata version the plugin was built against (NUL-terminated).
    pub strata_version: *const c_char,
    /// The compiler that built it (NUL-terminated `rustc -V`).
    pub rustc_version: *const c_char,
    /// The target it was built for (NUL-terminated triple).
    pub target: *const c_char,
    /// Make the tier: returns a `Box<Arc<dyn Tier>>` as a raw pointer
    /// (see [`plugin_box`]). Called once, only after every check passed.
    pub create: extern "C" fn() -> *mut c_void,
}

// SAFETY: the three pointers name `'static` NUL-terminated strings that are
// never written (`STRATA_VERSION`, `RUSTC_VERSION`, `TARGET`, or a plugin's
// own constants), so sharing the descriptor between threads shares only
// immutable data; `create` is a plain function pointer.
#[allow(unsafe_code)]
unsafe impl Sync for PluginDescriptor {}

impl PluginDescriptor {
    /// The descriptor of this build, with the plugin's `create` function.
    pub const fn this_build(create: extern "C" fn() -> *mut c_void) -> Self {
        PluginDescriptor {
            abi_version: PLUGIN_ABI_VERSION,
            strata_version: STRATA_VERSION.as_ptr(),
            rustc_version: RUSTC_VERSION.as_ptr(),
            target: TARGET.as_ptr(),
            create,
        }
    }
}

/// Box a plugin's tier for [`PluginDescriptor::create`] (the loader takes
/// it back with `Box::from_raw`).
pub fn plugin_box(tier: Arc<dyn Tier>) -> *mut c_void {
    Box::into_raw(Box::new(tier)).cast()
}

/// Export a tier from a plugin library (a `cdylib`): writes the entry
/// function [`PLUGIN_ENTRY_SYMBOL`] returning this build's
/// [`PluginDescriptor`]; `$make` makes the tier (a value of a type that
/// implements [`Tier`]) when the loader asks, after its checks.
///
/// ```ignore
/// strata_api::export_tier!(MyTier::default());
/// ```
#[macro_export]
macro_rules! export_tier {
    ($make:expr) => {
        /// The plugin's entry point (see `strata_api::tier::PluginDescriptor`).
        #[unsafe(no_mangle)]
        pub extern "C" fn strata_tier_plugin_v1() -> *const $crate::tier::PluginDescriptor {
            extern "C" fn create() -> *mut ::std::ffi::c_void {
                $crate::tier::plugin_box(::std::sync::Arc::new($make))
            }
            static DESCRIPTOR: $crate::tier::PluginDescriptor =
                $crate::tier::PluginDescriptor::this_build(create);
            &DESCRIPTOR
        }
    };
}

#[cfg(feature = "plugins")]
pub(crate) mod load;
