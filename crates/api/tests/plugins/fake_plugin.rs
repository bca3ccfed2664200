//! A stand-in tier plugin for `tests/plugins.rs`, built with plain `rustc`
//! and without `strata-api`: it exports the entry symbol with a descriptor
//! of the version-1 layout whose fields a `--cfg` picks, so the loader's
//! refusals can be tested without building a real tier.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_void};

#[repr(C)]
pub struct Descriptor {
    abi_version: u32,
    strata_version: *const c_char,
    rustc_version: *const c_char,
    target: *const c_char,
    create: extern "C" fn() -> *mut c_void,
}

// SAFETY: the pointers name static strings.
unsafe impl Sync for Descriptor {}

extern "C" fn create() -> *mut c_void {
    // Never called: every variant is refused before `create`.
    std::process::abort()
}

#[cfg(not(abi2))]
const ABI: u32 = 1;
#[cfg(abi2)]
const ABI: u32 = 2;

static DESCRIPTOR: Descriptor = Descriptor {
    abi_version: ABI,
    strata_version: c"0.0.0-another-strata".as_ptr(),
    rustc_version: c"rustc 0.0.0 (another compiler)".as_ptr(),
    target: c"another-target".as_ptr(),
    create,
};

#[cfg(not(no_entry))]
#[unsafe(no_mangle)]
pub extern "C" fn strata_tier_plugin_v1() -> *const Descriptor {
    &DESCRIPTOR
}

#[cfg(no_entry)]
#[unsafe(no_mangle)]
pub extern "C" fn something_else() -> *const Descriptor {
    &DESCRIPTOR
}
