//! Tier plugins are checked before anything in them is used: a library
//! built for another Strata version, another plugin ABI, or with no entry
//! symbol is refused with an error naming both sides (the example plugin
//! `strata-trace-tier` is run by `cargo xtask test`, through the CLI).
#![cfg(feature = "plugins")]

use std::path::{Path, PathBuf};
use std::process::Command;

use strata_api::tier::STRATA_VERSION;
use strata_api::{Config, ErrorKind};

/// Build `tests/plugins/fake_plugin.rs` with `cfg` as a `cdylib`.
fn fake_plugin(cfg: Option<&str>) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fake-plugins");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let name = cfg.unwrap_or("plain");
    let out = dir.join(format!("libfake_{name}{}", std::env::consts::DLL_SUFFIX));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plugins/fake_plugin.rs");
    let mut rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()));
    rustc
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "cdylib",
            "--crate-name",
        ])
        .arg(format!("fake_{name}"))
        .arg("-o")
        .arg(&out)
        .arg(&src);
    if let Some(cfg) = cfg {
        rustc.args(["--cfg", cfg]);
    }
    let status = rustc.status().expect("run rustc");
    assert!(status.success(), "rustc failed on {}", src.display());
    out
}

fn refusal(path: &Path) -> String {
    #[allow(unsafe_code)]
    // SAFETY: the library is this test's own stand-in plugin, whose only
    // code is its entry function.
    let result = unsafe { Config::new().load_tier(path) };
    let err = result.map(|_| ()).expect_err("the plugin must be refused");
    assert_eq!(err.kind(), ErrorKind::Plugin, "{err}");
    err.to_string()
}

#[test]
fn a_plugin_of_another_strata_version_is_refused_naming_both() {
    let err = refusal(&fake_plugin(None));
    let ours = STRATA_VERSION.to_string_lossy();
    assert!(
        err.contains("built for Strata `0.0.0-another-strata`")
            && err.contains(&format!("this program is Strata `{ours}`")),
        "{err}"
    );
}

#[test]
fn a_plugin_of_another_abi_version_is_refused() {
    let err = refusal(&fake_plugin(Some("abi2")));
    assert!(
        err.contains("plugin ABI version 2") && err.contains("loads version 1"),
        "{err}"
    );
}

#[test]
fn a_library_without_the_entry_symbol_is_refused() {
    let err = refusal(&fake_plugin(Some("no_entry")));
    assert!(
        err.contains("no entry symbol `strata_tier_plugin_v1`"),
        "{err}"
    );
}

#[test]
fn a_missing_library_is_refused() {
    let err = refusal(Path::new("/nonexistent/libnothing.so"));
    assert!(err.contains("/nonexistent/libnothing.so"), "{err}");
}
