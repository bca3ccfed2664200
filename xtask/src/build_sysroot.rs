//! `cargo xtask build-sysroot`: builds the C sysroots for WASI preview1,
//! `target/sysroot/wasm32-wasip1/` and `target/sysroot/wasm64-wasip1/`, from
//! one wasi-libc source patched for memory64 (see `toolchain/README.md`).
//!
//! 1. Checks the tools: `clang-16`, `llvm-ar-16`, `llvm-nm-16`, `wasm-ld-16`,
//!    compiler-rt's builtins for both widths, `make`, `patch`, `dpkg-source`,
//!    printing the `apt-get install` command for whatever is missing.
//! 2. Downloads Debian bookworm's source package of wasi-libc
//!    ([`SOURCE_VERSION`]) with `apt-get source --download-only` into
//!    `target/sysroot-build/` (once; it needs a `deb-src` line in apt's
//!    sources, and says how to add one), checks the `.dsc` against its pinned
//!    SHA-256 and unpacks a fresh tree with `dpkg-source -x` (which checks the
//!    tarballs against the `.dsc` and applies Debian's patches).
//! 3. Applies `toolchain/wasi-libc-wasm64.patch`.
//! 4. Builds each width with wasi-libc's Makefile and the system clang
//!    (`TARGET_TRIPLE=wasm32-wasi`, then `wasm64-wasi`), into a fresh
//!    sysroot, logging to `target/sysroot-build/build-<width>.log`. The
//!    Makefile's own check compares the libraries' defined and undefined
//!    symbols with the list wasi-libc ships.
//! 5. Adds `toolchain/wasm64-comparetf2.c`, compiled, to the wasm64 `libc.a`:
//!    int-returning `long double` comparison builtins, which replace
//!    compiler-rt 16's mistyped ones (see that file).
//! 6. Links a small program against each sysroot (warnings are errors, so a
//!    signature mismatch fails) and checks the module: its
//!    memory is memory64 exactly for wasm64, and its `fd_write` import has
//!    the signature of docs/wasm64-wasip1.md (`i64` pointers and sizes).
//!
//! The layout is the one clang expects for `--target=wasm64-wasi
//! --sysroot=DIR`: headers in `DIR/include`, libraries and `crt1*.o` in
//! `DIR/lib/wasm64-wasi`. Compiler-rt's builtins stay where Debian's packages
//! put them (`clang-16 --target=wasm64-wasi -print-libgcc-file-name`), where
//! clang finds them by itself.
//!
//! `STRATA_SYSROOT_CLANG=clang-22 cargo xtask build-sysroot` builds the same
//! sysroots with clang 22 instead ([`LLVM22`]), into `target/sysroot-llvm22/`
//! with `lib/wasm64-wasip1`, clang 22's spelling of the triple; the default
//! ([`LLVM16`], `target/sysroot/`) is unchanged. `cargo xtask
//! build-real-programs` needs them (see `toolchain/README.md`).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, ensure, Context, Result};

use crate::steps::workspace_root;

/// The Debian source package and its version.
const SOURCE_PACKAGE: &str = "wasi-libc";
const SOURCE_VERSION: &str = "0.0~git20220510.9886d3d-2";
/// Its `.dsc` file and the file's SHA-256 (which pins the tarballs in turn).
const DSC_FILE: &str = "wasi-libc_0.0~git20220510.9886d3d-2.dsc";
const DSC_SHA256: &str = "3405fb077e79bf9a3aba06b2523eefbd12079494649d511545a27b3e4f3d307c";
/// The `deb-src` line that makes `apt-get source` find the package.
const DEB_SRC_LINE: &str = "deb-src http://deb.debian.org/debian bookworm main";

/// The committed patch, relative to the workspace root.
const PATCH: &str = "toolchain/wasi-libc-wasm64.patch";
/// The wasm64 comparison builtins added to that sysroot's `libc.a`.
const COMPARETF2: &str = "toolchain/wasm64-comparetf2.c";

/// One of the two sysroots.
pub struct Width {
    /// `wasm32` or `wasm64`: the architecture of the clang target.
    pub name: &'static str,
    /// The folder under `target/sysroot/` and `programs/*/`.
    pub folder: &'static str,
}

/// Both widths, wasm32 first.
pub const WIDTHS: &[Width] = &[
    Width {
        name: "wasm32",
        folder: "wasm32-wasip1",
    },
    Width {
        name: "wasm64",
        folder: "wasm64-wasip1",
    },
];

impl Width {
    /// The folder of `libc.a` and `crt1*.o` in the default sysroot.
    pub fn lib_dir(&self, root: &Path) -> PathBuf {
        LLVM16.lib_dir(root, self)
    }
}

/// An LLVM release whose clang (also the linker driver), `llvm-ar`,
/// `llvm-nm` and `wasm-ld` build a pair of sysroots, all named with the
/// version (`clang-16`, `wasm-ld-16`), as Debian installs them.
pub struct Toolchain {
    /// The LLVM major version.
    pub llvm: u32,
    /// How this clang spells WASI preview1 in a target triple (`wasi` or
    /// `wasip1`). wasi-libc's `TARGET_TRIPLE` is spelled the same, so the
    /// libraries land in `lib/<triple>`, where this clang looks for them.
    os: &'static str,
    /// The folder under `target/` that holds this toolchain's sysroots.
    dir: &'static str,
    /// Flags added to wasi-libc's `EXTRA_CFLAGS` (after `-O2 -DNDEBUG`).
    libc_flags: &'static [&'static str],
}

/// The default toolchain, Debian bookworm's clang 16: `target/sysroot/`.
pub const LLVM16: Toolchain = Toolchain {
    llvm: 16,
    os: "wasi",
    dir: "sysroot",
    libc_flags: &[],
};

/// Clang 22: `target/sysroot-llvm22/`, for programs that need the current
/// exception-handling instructions (setjmp/longjmp), which clang 16 cannot
/// emit. Its wasm64 objects do not link with clang 16's: clang 22 makes the
/// function table a table64 and indexes `call_indirect` with an `i64`, clang
/// 16 wraps the index to `i32`, so a mixed module is invalid. Hence its own
/// sysroots. The extra flags keep wasi-libc's own symbol check passing:
/// with reference types on (clang 22's default) every object that calls
/// through a pointer imports `__indirect_function_table`, which the expected
/// lists do not have; and musl's `"0123456789ABCDEF"` tables, which fill
/// their arrays exactly, warn since clang 21.
pub const LLVM22: Toolchain = Toolchain {
    llvm: 22,
    os: "wasip1",
    dir: "sysroot-llvm22",
    libc_flags: &[
        "-mno-reference-types",
        "-mno-call-indirect-overlong",
        "-Wno-error=unterminated-string-initialization",
    ],
};

/// The environment variable that selects `build-sysroot`'s toolchain by its
/// clang: `clang-16` (the default) or `clang-22`.
pub const CLANG_ENV: &str = "STRATA_SYSROOT_CLANG";

impl Toolchain {
    /// The toolchain [`CLANG_ENV`] names, else [`LLVM16`].
    ///
    /// # Errors
    /// If it names another clang.
    pub fn from_env() -> Result<&'static Toolchain> {
        let Some(value) = std::env::var_os(CLANG_ENV) else {
            return Ok(&LLVM16);
        };
        let value = value.to_string_lossy();
        [&LLVM16, &LLVM22]
            .into_iter()
            .find(|tc| tc.clang() == value)
            .with_context(|| {
                format!("{CLANG_ENV}={value}: the sysroots can be built with clang-16 (the default) or clang-22")
            })
    }

    /// The versioned name of the LLVM tool `name` (`wasm-ld` → `wasm-ld-16`).
    pub fn tool(&self, name: &str) -> String {
        format!("{name}-{}", self.llvm)
    }

    /// The C compiler and linker driver, `clang-N`.
    pub fn clang(&self) -> String {
        self.tool("clang")
    }

    /// The clang target of `width` (`wasm64-wasi`, `wasm64-wasip1`).
    pub fn triple(&self, width: &Width) -> String {
        format!("{}-{}", width.name, self.os)
    }

    /// The sysroot folder of `width`, `target/<dir>/<folder>`.
    pub fn sysroot(&self, root: &Path, width: &Width) -> PathBuf {
        root.join("target").join(self.dir).join(width.folder)
    }

    /// The folder of `libc.a` and `crt1*.o` in the sysroot of `width`.
    pub fn lib_dir(&self, root: &Path, width: &Width) -> PathBuf {
        self.sysroot(root, width)
            .join("lib")
            .join(self.triple(width))
    }

    /// The prefix of this toolchain's object folders and logs in
    /// `target/sysroot-build/` (empty for the default, as before).
    fn work_prefix(&self) -> String {
        if self.llvm == LLVM16.llvm {
            String::new()
        } else {
            format!("llvm{}-", self.llvm)
        }
    }

    /// The tools a sysroot build needs (besides compiler-rt, checked apart).
    fn sysroot_tools(&self) -> Vec<Tool> {
        vec![
            Tool::new(self.clang(), format!("clang-{}", self.llvm)),
            Tool::new(self.tool("llvm-ar"), format!("llvm-{}", self.llvm)),
            Tool::new(self.tool("llvm-nm"), format!("llvm-{}", self.llvm)),
            Tool::new(self.tool("wasm-ld"), format!("lld-{}", self.llvm)),
            Tool::new("make".into(), "make".into()),
            Tool::new("patch".into(), "patch".into()),
            Tool::new("dpkg-source".into(), "dpkg-dev".into()),
        ]
    }

    /// The tools compiling a program against a sysroot needs.
    fn program_tools(&self) -> Vec<Tool> {
        vec![
            Tool::new(self.clang(), format!("clang-{}", self.llvm)),
            Tool::new(self.tool("wasm-ld"), format!("lld-{}", self.llvm)),
        ]
    }
}

/// A command the build needs and the Debian package that provides it.
pub struct Tool {
    command: String,
    package: String,
}

impl Tool {
    /// `command`, from the Debian package `package`.
    pub fn new(command: String, package: String) -> Tool {
        Tool { command, package }
    }
}

/// Builds both sysroots with the toolchain [`CLANG_ENV`] selects (clang 16
/// by default).
///
/// # Errors
/// If the variable names an unknown clang, or as [`build`].
pub fn run() -> Result<()> {
    build(Toolchain::from_env()?)
}

/// Builds both sysroots of `tc`.
///
/// # Errors
/// If a tool is missing, the source cannot be had, the patch does not apply,
/// a build fails or a built sysroot does not produce the expected modules.
pub fn build(tc: &Toolchain) -> Result<()> {
    let root = workspace_root()?;
    let work = root.join("target").join("sysroot-build");

    step(&format!("checking the tools (clang {})", tc.llvm));
    check_tools(&tc.sysroot_tools(), tc)?;

    step(&format!(
        "getting the source of {SOURCE_PACKAGE} {SOURCE_VERSION}"
    ));
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let src = unpack_source(&work)?;

    step(&format!("applying {PATCH}"));
    run_checked(
        Command::new("patch")
            .args(["-p1", "--batch", "--forward", "-i"])
            .arg(root.join(PATCH))
            .current_dir(&src),
        "patch",
    )
    .with_context(|| format!("{PATCH} does not apply to {}", src.display()))?;

    let jobs = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    for width in WIDTHS {
        step(&format!(
            "building the {} sysroot ({}, {jobs} jobs)",
            width.name,
            tc.triple(width)
        ));
        build_width(tc, &root, &work, &src, width, jobs)?;
        if width.name == "wasm64" {
            step(&format!("adding {COMPARETF2} to the wasm64 libc.a"));
            add_comparetf2(tc, &root, &work, width)?;
        }
    }

    for width in WIDTHS {
        step(&format!("checking the {} sysroot", width.name));
        smoke_test(tc, &root, &work, width)?;
    }

    println!("\nsysroots built:");
    for width in WIDTHS {
        println!("  {}", tc.sysroot(&root, width).display());
    }
    let wasm64 = &WIDTHS[1];
    println!(
        "compile a program with (see toolchain/README.md):\n  \
         {} --target={} --sysroot=target/{}/{} -O2 prog.c -o prog.wasm",
        tc.clang(),
        tc.triple(wasm64),
        tc.dir,
        wasm64.folder
    );
    Ok(())
}

/// Prints the start of a step.
/// Print the heading of a build step.
pub(crate) fn step(what: &str) {
    println!("==> {what}");
}

/// Fails, naming the `apt-get install` command to run, if a tool of `tools`
/// or compiler-rt's builtins of `tc` for either width are missing.
pub fn check_tools(tools: &[Tool], tc: &Toolchain) -> Result<()> {
    let mut missing: Vec<String> = Vec::new();
    let add = |missing: &mut Vec<String>, package: &str| {
        if !missing.iter().any(|p| p == package) {
            missing.push(package.to_string());
        }
    };
    for tool in tools {
        let found = Command::new(&tool.command)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if found {
            println!("    {:<12} found", tool.command);
        } else {
            println!(
                "    {:<12} MISSING (package {})",
                tool.command, tool.package
            );
            add(&mut missing, &tool.package);
        }
    }
    let clang_package = format!("clang-{}", tc.llvm);
    let clang_missing = missing.contains(&clang_package);
    for width in WIDTHS {
        let package = format!("libclang-rt-{}-dev-{}", tc.llvm, width.name);
        let package = package.as_str();
        if clang_missing {
            // Without clang the builtins cannot be located: list their
            // package too, so that one command installs everything.
            println!(
                "    builtins for {} not checked (package {package})",
                width.name
            );
            add(&mut missing, package);
            continue;
        }
        match builtins_path(tc, width) {
            Ok(path) if path.is_file() => {
                println!("    builtins for {} found: {}", width.name, path.display());
            }
            Ok(path) => {
                println!(
                    "    builtins for {} MISSING: {} (package {package})",
                    width.name,
                    path.display()
                );
                add(&mut missing, package);
            }
            Err(err) => {
                println!("    builtins for {} unknown: {err:#}", width.name);
                add(&mut missing, package);
            }
        }
    }
    if !missing.is_empty() {
        bail!(
            "missing tools; install them (as root) with:\n  apt-get update && apt-get install -y {}",
            missing.join(" ")
        );
    }
    Ok(())
}

/// Checks the tools `cargo xtask build-programs` needs.
///
/// # Errors
/// If one is missing (the message names the `apt-get install` command).
pub fn check_program_tools() -> Result<()> {
    check_tools(&LLVM16.program_tools(), &LLVM16)
}

/// Checks the tools compiling against `tc`'s sysroots needs, and `extra`.
///
/// # Errors
/// If one is missing (the message names the `apt-get install` command).
pub fn check_program_tools_of(tc: &Toolchain, extra: Vec<Tool>) -> Result<()> {
    let mut tools = tc.program_tools();
    tools.extend(extra);
    check_tools(&tools, tc)
}

/// Where `tc`'s clang looks for compiler-rt's builtins for `width`.
fn builtins_path(tc: &Toolchain, width: &Width) -> Result<PathBuf> {
    let clang = tc.clang();
    let triple = tc.triple(width);
    let out = Command::new(&clang)
        .arg(format!("--target={triple}"))
        .arg("-print-libgcc-file-name")
        .output()
        .with_context(|| format!("cannot run `{clang}`"))?;
    ensure!(
        out.status.success(),
        "`{clang} --target={triple} -print-libgcc-file-name` failed"
    );
    let text = String::from_utf8(out.stdout).context("clang printed a non-UTF-8 path")?;
    Ok(PathBuf::from(text.trim()))
}

/// Downloads the source package into `work` if it is not there yet, checks
/// it, and unpacks a fresh tree; the tree's path.
fn unpack_source(work: &Path) -> Result<PathBuf> {
    let dsc = work.join(DSC_FILE);
    if dsc.is_file() {
        println!("    using the downloaded {}", dsc.display());
    } else {
        if !has_deb_src()? {
            bail!(
                "apt has no `deb-src` source, so `apt-get source` cannot download {SOURCE_PACKAGE}; \
                 add one (as root) and retry:\n  \
                 echo '{DEB_SRC_LINE}' > /etc/apt/sources.list.d/deb-src.list && apt-get update"
            );
        }
        let status = Command::new("apt-get")
            .args(["source", "--download-only"])
            .arg(format!("{SOURCE_PACKAGE}={SOURCE_VERSION}"))
            .current_dir(work)
            .status()
            .context("cannot run `apt-get`")?;
        if !status.success() {
            bail!(
                "`apt-get source --download-only {SOURCE_PACKAGE}={SOURCE_VERSION}` failed; \
                 if apt's source lists are missing or old, run (as root) `apt-get update` and \
                 retry (apt needs a line like `{DEB_SRC_LINE}`)"
            );
        }
        ensure!(
            dsc.is_file(),
            "`apt-get source` did not produce {}",
            dsc.display()
        );
    }
    let digest = sha256(&dsc)?;
    ensure!(
        digest == DSC_SHA256,
        "{} has SHA-256 {digest}, expected {DSC_SHA256}; delete it to download it again",
        dsc.display()
    );
    let src = work.join("wasi-libc-src");
    if src.exists() {
        std::fs::remove_dir_all(&src).with_context(|| format!("removing {}", src.display()))?;
    }
    run_checked(
        Command::new("dpkg-source")
            .arg("-x")
            .arg(DSC_FILE)
            .arg("wasi-libc-src")
            .current_dir(work)
            .stdout(Stdio::null()),
        "dpkg-source -x",
    )?;
    println!("    unpacked {}", src.display());
    Ok(src)
}

/// Whether any of apt's source lists has a `deb-src` entry: a `deb-src` line
/// in a one-line-style `.list` file, or a `Types:` field naming `deb-src` in
/// a deb822-style `.sources` file.
fn has_deb_src() -> Result<bool> {
    let mut files = vec![PathBuf::from("/etc/apt/sources.list")];
    let dir = Path::new("/etc/apt/sources.list.d");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry
                .with_context(|| format!("reading {}", dir.display()))?
                .path();
            if path
                .extension()
                .is_some_and(|e| e == "list" || e == "sources")
            {
                files.push(path);
            }
        }
    }
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let found = text.lines().map(str::trim).any(|line| {
            line.starts_with("deb-src ")
                || line
                    .strip_prefix("Types:")
                    .is_some_and(|types| types.split_whitespace().any(|t| t == "deb-src"))
        });
        if found {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The SHA-256 of `path`, in hex, by `sha256sum`.
pub(crate) fn sha256(path: &Path) -> Result<String> {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .context("cannot run `sha256sum`")?;
    ensure!(
        out.status.success(),
        "`sha256sum {}` failed",
        path.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .next()
        .map(str::to_string)
        .with_context(|| format!("`sha256sum {}` printed nothing", path.display()))
}

/// Builds one sysroot with wasi-libc's Makefile, into a fresh folder.
fn build_width(
    tc: &Toolchain,
    root: &Path,
    work: &Path,
    src: &Path,
    width: &Width,
    jobs: usize,
) -> Result<()> {
    let sysroot = tc.sysroot(root, width);
    let prefix = tc.work_prefix();
    let objdir = work.join(format!("obj-{prefix}{}", width.name));
    for dir in [&sysroot, &objdir] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    let log_path = work.join(format!("build-{prefix}{}.log", width.name));
    let log =
        File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .with_context(|| format!("opening {}", log_path.display()))?;
    let mut cflags = String::from("-O2 -DNDEBUG");
    for flag in tc.libc_flags {
        cflags.push(' ');
        cflags.push_str(flag);
    }
    let triple = tc.triple(width);
    let mut command = Command::new("make");
    command
        .current_dir(src)
        .arg(format!("-j{jobs}"))
        .arg(format!("CC={}", tc.clang()))
        .arg(format!("AR={}", tc.tool("llvm-ar")))
        .arg(format!("NM={}", tc.tool("llvm-nm")))
        // Set here so that an EXTRA_CFLAGS in the environment cannot leak in.
        .arg(format!("EXTRA_CFLAGS={cflags}"))
        .arg(format!("TARGET_TRIPLE={triple}"))
        .arg(format!("SYSROOT={}", sysroot.display()))
        .arg(format!("OBJDIR={}", objdir.display()))
        .arg("finish")
        .stdout(log)
        .stderr(log_err);
    println!(
        "    make TARGET_TRIPLE={triple} finish  (log: {})",
        log_path.display()
    );
    let status = command.status().context("cannot run `make`")?;
    if !status.success() {
        let text = std::fs::read_to_string(&log_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(25)..].join("\n");
        bail!(
            "building the {} sysroot failed; the end of {}:\n{tail}",
            width.name,
            log_path.display()
        );
    }
    let libc = tc.lib_dir(root, width).join("libc.a");
    let size = std::fs::metadata(&libc)
        .with_context(|| format!("the build made no {}", libc.display()))?
        .len();
    println!("    {}  {size} bytes", libc.display());
    Ok(())
}

/// Compiles [`COMPARETF2`] for `width` and adds it to its `libc.a` (Debian's
/// compiler-rt 22 still has the bug, so both toolchains need it).
fn add_comparetf2(tc: &Toolchain, root: &Path, work: &Path, width: &Width) -> Result<()> {
    let object = work
        .join(format!("obj-{}{}", tc.work_prefix(), width.name))
        .join("comparetf2.o");
    let clang = tc.clang();
    run_checked(
        Command::new(&clang)
            .arg(format!("--target={}", tc.triple(width)))
            .arg(format!("--sysroot={}", tc.sysroot(root, width).display()))
            .args(["-O2", "-Wall", "-Wextra", "-Werror", "-c", "-o"])
            .arg(&object)
            .arg(root.join(COMPARETF2)),
        &clang,
    )
    .with_context(|| format!("compiling {COMPARETF2}"))?;
    let libc = tc.lib_dir(root, width).join("libc.a");
    let ar = tc.tool("llvm-ar");
    run_checked(
        Command::new(&ar).arg("rs").arg(&libc).arg(&object),
        &format!("{ar} rs"),
    )
    .with_context(|| format!("adding {} to {}", object.display(), libc.display()))?;
    println!("    {} += comparetf2.o", libc.display());
    Ok(())
}

/// A program that needs `fd_write` (through `printf`), `malloc` and the
/// builtins: `long double` arithmetic, comparison and printing.
const SMOKE_SOURCE: &str = r#"#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    char *p = malloc(16);
    long double x = (long double)argc / 3;
    printf("%s %p %Lg %d\n", argv[0], (void *)p, x, x < 1.0L);
    free(p);
    return 0;
}
"#;

/// Links [`SMOKE_SOURCE`] against `tc`'s `width` sysroot and checks the
/// module's memory type and `fd_write` import.
fn smoke_test(tc: &Toolchain, root: &Path, work: &Path, width: &Width) -> Result<()> {
    let source = work.join("smoke.c");
    std::fs::write(&source, SMOKE_SOURCE)
        .with_context(|| format!("writing {}", source.display()))?;
    let out = work.join(format!("smoke-{}{}.wasm", tc.work_prefix(), width.name));
    compile_with(
        tc,
        root,
        width,
        &source,
        &out,
        &["-lc-printscan-long-double"],
    )?;
    check_module(&out, width)
}

/// Checks the module `out` built for `width`: its memory is memory64 exactly
/// for wasm64, and it imports `fd_write` with the signature of
/// docs/wasm64-wasip1.md (`i64` pointers and sizes for wasm64). Prints both.
///
/// # Errors
/// If the module cannot be read or parsed, or either check fails.
pub fn check_module(out: &Path, width: &Width) -> Result<()> {
    let bytes = std::fs::read(out).with_context(|| format!("reading {}", out.display()))?;
    let module =
        wasm::Summary::parse(&bytes).with_context(|| format!("reading {}", out.display()))?;
    let memory64 = module
        .memory64
        .with_context(|| format!("{} defines no memory", out.display()))?;
    let wide = width.name == "wasm64";
    ensure!(
        memory64 == wide,
        "{}: memory is {}, expected {}",
        out.display(),
        if memory64 { "memory64" } else { "32-bit" },
        if wide { "memory64" } else { "32-bit" }
    );
    let (ptr, expected) = if wide {
        ("i64", "(i32, i64, i64, i64) -> i32")
    } else {
        ("i32", "(i32, i32, i32, i32) -> i32")
    };
    let fd_write = module
        .import_signature("wasi_snapshot_preview1", "fd_write")
        .with_context(|| format!("{} does not import fd_write", out.display()))?;
    ensure!(
        fd_write == expected,
        "{}: fd_write is imported as {fd_write}, expected {expected} ({ptr} pointers and sizes)",
        out.display()
    );
    println!(
        "    {}: {} memory, fd_write {fd_write}",
        out.display(),
        if memory64 { "memory64" } else { "32-bit" }
    );
    Ok(())
}

/// Flags for every program compiled against a sysroot.
pub const PROGRAM_FLAGS: &[&str] = &[
    "-O2",
    "-g0",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wl,--fatal-warnings",
    "-Wl,--strip-all",
];

/// Compiles and links the C file `source` into `out` against the default
/// `width` sysroot, with [`PROGRAM_FLAGS`] and then `extra` arguments.
///
/// # Errors
/// If clang cannot be run or fails.
pub fn compile(
    root: &Path,
    width: &Width,
    source: &Path,
    out: &Path,
    extra: &[&str],
) -> Result<()> {
    compile_with(&LLVM16, root, width, source, out, extra)
}

/// [`compile`] with the toolchain `tc` and its sysroot.
fn compile_with(
    tc: &Toolchain,
    root: &Path,
    width: &Width,
    source: &Path,
    out: &Path,
    extra: &[&str],
) -> Result<()> {
    let clang = tc.clang();
    let mut command = Command::new(&clang);
    command
        .arg(format!("--target={}", tc.triple(width)))
        .arg(format!("--sysroot={}", tc.sysroot(root, width).display()))
        .args(PROGRAM_FLAGS)
        .arg("-o")
        .arg(out)
        .arg(source)
        .args(extra);
    run_checked(&mut command, &clang)
        .with_context(|| format!("compiling {} for {}", source.display(), width.name))
}

/// Runs `command`, failing if it cannot start or exits unsuccessfully.
///
/// # Errors
/// If it cannot be started or fails.
pub fn run_checked(command: &mut Command, name: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run `{name}`"))?;
    if !status.success() {
        let code = status
            .code()
            .map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}"));
        bail!("`{name}` failed ({code})");
    }
    Ok(())
}

/// Just enough of the WebAssembly binary format to check a built module:
/// its memory's index type and its imported functions' signatures.
mod wasm {
    use anyhow::{bail, ensure, Context, Result};

    /// What a module says about its memory and function imports.
    #[derive(Debug, Default)]
    pub struct Summary {
        /// Memory 0's index type (`Some(true)` for memory64), if it has one.
        pub memory64: Option<bool>,
        /// The function types, as `(i32, i64) -> i32`.
        types: Vec<String>,
        /// Imported functions: module, name, type index.
        imports: Vec<(String, String, u32)>,
    }

    impl Summary {
        /// Reads `bytes` (a whole module).
        pub fn parse(bytes: &[u8]) -> Result<Summary> {
            let mut r = Reader { bytes, pos: 0 };
            ensure!(
                r.take(8)? == b"\0asm\x01\0\0\0",
                "not a WebAssembly 1.0 binary"
            );
            let mut summary = Summary::default();
            while r.pos < bytes.len() {
                let id = r.byte()?;
                let size = r.len()?;
                let body = r.take(size)?;
                let mut s = Reader {
                    bytes: body,
                    pos: 0,
                };
                match id {
                    1 => summary.read_types(&mut s)?,
                    2 => summary.read_imports(&mut s)?,
                    5 if summary.memory64.is_none() && s.len()? > 0 => {
                        summary.memory64 = Some(s.byte()? & 0x04 != 0);
                    }
                    _ => {}
                }
            }
            Ok(summary)
        }

        /// The signature of the function `module.name` imports, if it does.
        pub fn import_signature(&self, module: &str, name: &str) -> Option<&str> {
            let (_, _, ty) = self
                .imports
                .iter()
                .find(|(m, n, _)| m == module && n == name)?;
            self.types
                .get(usize::try_from(*ty).ok()?)
                .map(String::as_str)
        }

        fn read_types(&mut self, r: &mut Reader) -> Result<()> {
            for _ in 0..r.len()? {
                ensure!(r.byte()? == 0x60, "a type is not a function type");
                let params = (0..r.len()?)
                    .map(|_| value_type(r.byte()?))
                    .collect::<Result<Vec<_>>>()?;
                let results = (0..r.len()?)
                    .map(|_| value_type(r.byte()?))
                    .collect::<Result<Vec<_>>>()?;
                let results = match results.as_slice() {
                    [] => "()".to_string(),
                    [one] => (*one).to_string(),
                    many => format!("({})", many.join(", ")),
                };
                self.types
                    .push(format!("({}) -> {results}", params.join(", ")));
            }
            Ok(())
        }

        fn read_imports(&mut self, r: &mut Reader) -> Result<()> {
            for _ in 0..r.len()? {
                let module = r.name()?;
                let name = r.name()?;
                match r.byte()? {
                    0x00 => {
                        let ty = r.u32()?;
                        self.imports.push((module, name, ty));
                    }
                    0x01 => {
                        r.byte()?; // element type
                        limits(r)?;
                    }
                    0x02 => {
                        let flags = limits(r)?;
                        if self.memory64.is_none() {
                            self.memory64 = Some(flags & 0x04 != 0);
                        }
                    }
                    0x03 => {
                        r.take(2)?; // value type, mutability
                    }
                    kind => bail!("unknown import kind {kind:#x}"),
                }
            }
            Ok(())
        }
    }

    /// Skips a limits field (table or memory); its flags byte.
    fn limits(r: &mut Reader) -> Result<u8> {
        let flags = r.byte()?;
        r.u64()?;
        if flags & 0x01 != 0 {
            r.u64()?;
        }
        Ok(flags)
    }

    fn value_type(byte: u8) -> Result<&'static str> {
        Ok(match byte {
            0x7f => "i32",
            0x7e => "i64",
            0x7d => "f32",
            0x7c => "f64",
            0x7b => "v128",
            0x70 => "funcref",
            0x6f => "externref",
            other => bail!("unknown value type {other:#x}"),
        })
    }

    /// A cursor over bytes.
    struct Reader<'a> {
        bytes: &'a [u8],
        pos: usize,
    }

    impl<'a> Reader<'a> {
        fn take(&mut self, n: usize) -> Result<&'a [u8]> {
            let end = self
                .pos
                .checked_add(n)
                .filter(|&end| end <= self.bytes.len())
                .context("unexpected end of the module")?;
            let out = &self.bytes[self.pos..end];
            self.pos = end;
            Ok(out)
        }

        fn byte(&mut self) -> Result<u8> {
            Ok(self.take(1)?[0])
        }

        /// An unsigned LEB128 of at most 64 bits.
        fn u64(&mut self) -> Result<u64> {
            let mut value = 0u64;
            for shift in (0..64).step_by(7) {
                let b = self.byte()?;
                value |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    return Ok(value);
                }
            }
            bail!("LEB128 number too long")
        }

        fn u32(&mut self) -> Result<u32> {
            u32::try_from(self.u64()?).context("LEB128 number above u32")
        }

        fn len(&mut self) -> Result<usize> {
            usize::try_from(self.u32()?).context("length does not fit in usize")
        }

        fn name(&mut self) -> Result<String> {
            let n = self.len()?;
            String::from_utf8(self.take(n)?.to_vec()).context("a name is not UTF-8")
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn reads_memory_and_imports() -> Result<()> {
            // (module (type (func (param i32 i64) (result i32)))
            //   (import "m" "f" (func (type 0))) (memory i64 1))
            let bytes = b"\0asm\x01\0\0\0\
                \x01\x07\x01\x60\x02\x7f\x7e\x01\x7f\
                \x02\x07\x01\x01m\x01f\x00\x00\
                \x05\x03\x01\x04\x01";
            let s = Summary::parse(bytes)?;
            assert_eq!(s.memory64, Some(true));
            assert_eq!(s.import_signature("m", "f"), Some("(i32, i64) -> i32"));
            assert_eq!(s.import_signature("m", "g"), None);
            assert!(Summary::parse(&bytes[..20]).is_err());
            assert!(Summary::parse(b"\0asm\x02\0\0\0").is_err());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        let root = Path::new("/w");
        assert_eq!(
            WIDTHS[1].lib_dir(root),
            Path::new("/w/target/sysroot/wasm64-wasip1/lib/wasm64-wasi")
        );
        assert_eq!(
            LLVM22.lib_dir(root, &WIDTHS[1]),
            Path::new("/w/target/sysroot-llvm22/wasm64-wasip1/lib/wasm64-wasip1")
        );
        assert_eq!(WIDTHS[0].folder, "wasm32-wasip1");
        assert_eq!(LLVM16.tool("wasm-ld"), "wasm-ld-16");
        assert_eq!(LLVM22.triple(&WIDTHS[0]), "wasm32-wasip1");
    }
}
