//! `cargo xtask build-real-programs [--check]`: builds two real programs
//! from Debian bookworm's source packages for wasm32-wasip1 and
//! wasm64-wasip1, and natively for comparison:
//!
//! - the Lua 5.4 interpreter (`lua5.4`), into
//!   `programs/lua/<width folder>/lua.wasm`;
//! - the SQLite 3 shell (`sqlite3`, its amalgamation `sqlite3.c` and
//!   `shell.c`), into `programs/sqlite/<width folder>/sqlite3.wasm`.
//!
//! Steps:
//!
//! 1. Checks the tools: clang 22 and `wasm-ld-22` (Lua's setjmp/longjmp needs
//!    the current exception-handling instructions, which clang 16 cannot
//!    emit), `dpkg-source`, `patch`, `make`, `tclsh` and a native `cc` (to
//!    generate SQLite's amalgamation).
//! 2. Builds clang 22's sysroots (`target/sysroot-llvm22/`, see
//!    [`build_sysroot::LLVM22`]) if they are missing.
//! 3. Downloads each source package ([`LUA`], [`SQLITE`]) with `apt-get
//!    source --download-only` into `target/real-programs-build/` (once),
//!    checks its `.dsc` against a pinned SHA-256, unpacks a fresh tree with
//!    `dpkg-source -x` (Debian's patches applied) and applies the committed
//!    patch of `toolchain/` (see `toolchain/README.md`). For SQLite it then
//!    runs `configure` and `make sqlite3.c shell.c` in the tree.
//! 4. Compiles each program three times from the same tree: for both widths
//!    against the clang 22 sysroots (`-O2`, stripped, warnings in the link
//!    are errors), and natively for x86-64 into
//!    `target/real-programs-build/native/`, with the same options except the
//!    WASI-only ones. The three builds of a program run in parallel. Each
//!    module is checked: memory64 exactly for wasm64, `fd_write` imported
//!    with that width's signature.
//! 5. Runs each test ([`TESTS`]) with the native build, in a fresh copy of
//!    the test's folder as current directory, and writes the test's
//!    specification `NAME.json` for `strata wasi-test` next to both modules,
//!    with the native run's stdout as the expected output. So the
//!    expectations come from the native build of the same sources, and the
//!    same file is checked for both widths.
//!
//! With `--check`, nothing is written: the native programs are rebuilt
//! (steps 1, 3, and 4 for the native target only) and their stdout compared
//! with the committed `NAME.json` files, which fails if any differs.
//!
//! The tests use relative paths only. Natively they resolve against the
//! current directory (the copy); in WebAssembly wasi-libc resolves them
//! against its initial working directory, `/`, which `strata wasi-test`
//! preopens as a copy of the same folder (the json's `root`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, ensure, Context, Result};

use crate::build_sysroot::{self, sha256, step, Tool, Toolchain, Width, LLVM22, WIDTHS};
use crate::steps::workspace_root;

/// The toolchain of the WebAssembly and native builds.
const TOOLCHAIN: &Toolchain = &LLVM22;

/// A Debian source package, pinned.
struct SourcePackage {
    /// The source package's name.
    name: &'static str,
    /// Its version (bookworm's at the time of writing).
    version: &'static str,
    /// The `.dsc` file `apt-get source` downloads.
    dsc: &'static str,
    /// The SHA-256 of the `.dsc`, which pins the tarballs in turn.
    dsc_sha256: &'static str,
    /// The folder of the unpacked tree under the build folder.
    tree: &'static str,
    /// The committed patch applied to the tree, relative to the workspace.
    patch: &'static str,
}

/// Lua 5.4.
const LUA: SourcePackage = SourcePackage {
    name: "lua5.4",
    version: "5.4.4-3+deb12u1",
    dsc: "lua5.4_5.4.4-3+deb12u1.dsc",
    dsc_sha256: "d47c50154294a68c8a209c5d61bc09e5b22891c01b7c47501ac3f9725eb4a813",
    tree: "lua-src",
    patch: "toolchain/lua5.4-wasi.patch",
};

/// SQLite 3.
const SQLITE: SourcePackage = SourcePackage {
    name: "sqlite3",
    version: "3.40.1-2+deb12u2",
    dsc: "sqlite3_3.40.1-2+deb12u2.dsc",
    dsc_sha256: "ee3459ae9d00939741c7708fc1b8ce1bde12d8c3fb1dfa005bbbc8651d884e23",
    tree: "sqlite-src",
    patch: "toolchain/sqlite3-wasi.patch",
};

/// Flags of every build, WebAssembly and native.
const COMMON_FLAGS: &[&str] = &["-O2", "-g0"];

/// Link flags of every WebAssembly build: a signature mismatch is an error,
/// and the module carries no names or debug information.
const WASM_LINK_FLAGS: &[&str] = &["-Wl,--fatal-warnings", "-Wl,--strip-all"];

/// The `<setjmp.h>` the 2022 wasi-libc lacks (an include folder).
const SJLJ_INCLUDE: &str = "toolchain/sjlj-include";
/// The runtime of LLVM's setjmp/longjmp lowering.
const SJLJ_RUNTIME: &str = "toolchain/wasm-setjmp-rt.c";
/// SQLite's operating-system layer for `SQLITE_OS_OTHER`.
const SQLITE_OS: &str = "toolchain/sqlite-wasi-os.c";

/// Lua's options, as its own Makefile's (`-std=gnu99 -DLUA_COMPAT_5_3`) for
/// the portable ("generic") build: no `LUA_USE_POSIX`, whose `popen` and
/// `mkstemp` WASI does not have.
const LUA_FLAGS: &[&str] = &["-std=gnu99", "-DLUA_COMPAT_5_3"];

/// Lua's WebAssembly-only flags: setjmp/longjmp lowered to the current
/// exception-handling instructions (`try_table`, `throw`, `throw_ref`,
/// `exnref`; `-wasm-use-legacy-eh=false`, as clang 22 defaults to the
/// legacy `try`/`catch`), and wasi-libc's emulations of `signal` (`lua.c`'s
/// SIGINT handler) and `clock` (`os.clock`).
const LUA_WASM_FLAGS: &[&str] = &[
    "-fwasm-exceptions",
    "-mllvm",
    "-wasm-enable-sjlj",
    "-mllvm",
    "-wasm-use-legacy-eh=false",
    "-D_WASI_EMULATED_SIGNAL",
    "-D_WASI_EMULATED_PROCESS_CLOCKS",
];
const LUA_WASM_LIBS: &[&str] = &["-lwasi-emulated-signal", "-lwasi-emulated-process-clocks"];

/// SQLite's options, the same natively: the demo VFS (no locks, no mmap, no
/// WAL; see `toolchain/sqlite-wasi-os.c`) with temporary files in memory,
/// single-threaded, no extension loading, and a shell without `popen` and
/// `system` (so no `.system`, `.shell`, `.once -x`), nor readline.
const SQLITE_FLAGS: &[&str] = &[
    "-DSQLITE_OS_OTHER=1",
    "-DSQLITE_TEMP_STORE=3",
    "-DSQLITE_THREADSAFE=0",
    "-DSQLITE_OMIT_LOAD_EXTENSION",
    "-DSQLITE_MAX_MMAP_SIZE=0",
    "-DSQLITE_OMIT_WAL",
    "-DSQLITE_OMIT_POPEN",
    "-DSQLITE_NOHAVE_SYSTEM",
];

/// SQLite's WebAssembly-only flags: wasi-libc's emulations of `getpid`,
/// `signal` (the shell's SIGINT handler) and `clock`/`getrusage`
/// (`.timer`).
const SQLITE_WASM_FLAGS: &[&str] = &[
    "-D_WASI_EMULATED_GETPID",
    "-D_WASI_EMULATED_SIGNAL",
    "-D_WASI_EMULATED_PROCESS_CLOCKS",
];
const SQLITE_WASM_LIBS: &[&str] = &[
    "-lwasi-emulated-getpid",
    "-lwasi-emulated-signal",
    "-lwasi-emulated-process-clocks",
];

/// One of the two programs.
#[derive(Clone, Copy)]
struct Program {
    /// The folder under `programs/` (and the native binary's name's stem).
    name: &'static str,
    /// The module's file name in each width folder.
    wasm: &'static str,
    /// The native binary's file name.
    native: &'static str,
}

const LUA_PROGRAM: Program = Program {
    name: "lua",
    wasm: "lua.wasm",
    native: "lua",
};

const SQLITE_PROGRAM: Program = Program {
    name: "sqlite",
    wasm: "sqlite3.wasm",
    native: "sqlite3",
};

/// A run of a program whose output the tests check.
struct Test {
    program: Program,
    /// The guest's arguments after its name.
    args: &'static [&'static str],
    /// The folder under `programs/<name>/` that is the current directory
    /// natively and the preopened `/` in WebAssembly.
    root: &'static str,
}

/// The tests: one per program (a `strata wasi-test` folder runs each
/// `.wasm` once, with its `.json`).
const TESTS: &[Test] = &[
    Test {
        program: LUA_PROGRAM,
        args: &["suite.lua"],
        root: "tests",
    },
    Test {
        program: SQLITE_PROGRAM,
        args: &[
            "-batch",
            "-init",
            "build.sql",
            "test.db",
            ".read readback.sql",
        ],
        root: "tests",
    },
];

/// What to build for.
#[derive(Clone, Copy)]
enum Target {
    Wasm(&'static Width),
    Native,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Wasm(width) => width.name,
            Target::Native => "native",
        }
    }
}

/// Parses the options and runs.
///
/// # Errors
/// If an option is unknown, or as the build or the check fails.
pub fn run(args: &[String]) -> Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!(
            "usage: cargo xtask build-real-programs [--check] (got `{}`)",
            args.join(" ")
        ),
    };
    let root = workspace_root()?;
    let work = root.join("target").join("real-programs-build");

    step("checking the tools");
    build_sysroot::check_program_tools_of(
        TOOLCHAIN,
        vec![
            Tool::new("dpkg-source".into(), "dpkg-dev".into()),
            Tool::new("patch".into(), "patch".into()),
            Tool::new("make".into(), "make".into()),
            Tool::new("tclsh".into(), "tcl".into()),
            Tool::new("cc".into(), "gcc".into()),
        ],
    )?;
    if !check {
        let missing: Vec<&Width> = WIDTHS
            .iter()
            .filter(|w| !TOOLCHAIN.lib_dir(&root, w).join("libc.a").is_file())
            .collect();
        if !missing.is_empty() {
            step(&format!(
                "building the clang {} sysroots (as `{}={} cargo xtask build-sysroot`)",
                TOOLCHAIN.llvm,
                build_sysroot::CLANG_ENV,
                TOOLCHAIN.clang()
            ));
            build_sysroot::build(TOOLCHAIN)?;
        }
    }
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;

    let targets: Vec<Target> = if check {
        vec![Target::Native]
    } else {
        WIDTHS
            .iter()
            .map(Target::Wasm)
            .chain([Target::Native])
            .collect()
    };

    step(&format!("getting {} {}", LUA.name, LUA.version));
    let lua_tree = unpack(&root, &work, &LUA)?;
    step(&format!("getting {} {}", SQLITE.name, SQLITE.version));
    let sqlite_tree = unpack(&root, &work, &SQLITE)?;
    step("generating SQLite's amalgamation (configure; make sqlite3.c shell.c)");
    let amalgamation = amalgamate(&sqlite_tree)?;

    step(&format!("building Lua ({})", names(&targets).join(", ")));
    build_all(&targets, |target| {
        build_lua(&root, &work, &lua_tree, target)
    })?;
    step(&format!(
        "building the SQLite shell ({})",
        names(&targets).join(", ")
    ));
    build_all(&targets, |target| {
        build_sqlite(&root, &work, &sqlite_tree, &amalgamation, target)
    })?;

    step(if check {
        "checking the committed expectations against the native builds"
    } else {
        "running the tests natively and writing their expectations"
    });
    let mut stale = Vec::new();
    for test in TESTS {
        let spec = native_spec(&root, &work, test)?;
        let program_dir = root.join("programs").join(test.program.name);
        let stem = wasm_stem(test.program);
        for width in WIDTHS {
            let path = program_dir.join(width.folder).join(format!("{stem}.json"));
            if check {
                let committed = std::fs::read_to_string(&path).unwrap_or_default();
                if committed == spec {
                    println!("    {}: matches the native run", path.display());
                } else {
                    println!("    {}: DIFFERS from the native run", path.display());
                    stale.push(path);
                }
            } else {
                std::fs::write(&path, &spec)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("    {}", path.display());
            }
        }
    }
    ensure!(
        stale.is_empty(),
        "{} specification(s) differ from the native runs; rebuild them with \
         `cargo xtask build-real-programs`",
        stale.len()
    );
    if !check {
        println!(
            "\nrun the tests with:\n  target/release/strata wasi-test programs/lua/wasm32-wasip1 \
             programs/lua/wasm64-wasip1 programs/sqlite/wasm32-wasip1 programs/sqlite/wasm64-wasip1"
        );
    }
    Ok(())
}

fn names(targets: &[Target]) -> Vec<&'static str> {
    targets.iter().map(|t| t.name()).collect()
}

/// Runs `build` for every target, in parallel; the first error, if any.
fn build_all(targets: &[Target], build: impl Fn(Target) -> Result<()> + Sync) -> Result<()> {
    let build = &build;
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .iter()
            .map(|&target| scope.spawn(move || build(target)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a build thread panicked")))
            })
            .collect()
    });
    results.into_iter().collect()
}

/// Downloads `package` into `work` if needed, checks its `.dsc`, unpacks a
/// fresh tree and applies its patch; the tree.
fn unpack(root: &Path, work: &Path, package: &SourcePackage) -> Result<PathBuf> {
    let dsc = work.join(package.dsc);
    if dsc.is_file() {
        println!("    using the downloaded {}", dsc.display());
    } else {
        let spec = format!("{}={}", package.name, package.version);
        let status = Command::new("apt-get")
            .args(["source", "--download-only", &spec])
            .current_dir(work)
            .status()
            .context("cannot run `apt-get`")?;
        ensure!(
            status.success(),
            "`apt-get source --download-only {spec}` failed; apt needs a `deb-src` line \
             (see toolchain/README.md) and current lists (`apt-get update`, as root)"
        );
        ensure!(
            dsc.is_file(),
            "`apt-get source` did not produce {}",
            dsc.display()
        );
    }
    let digest = sha256(&dsc)?;
    ensure!(
        digest == package.dsc_sha256,
        "{} has SHA-256 {digest}, expected {}; delete it to download it again",
        dsc.display(),
        package.dsc_sha256
    );
    let tree = work.join(package.tree);
    if tree.exists() {
        std::fs::remove_dir_all(&tree).with_context(|| format!("removing {}", tree.display()))?;
    }
    build_sysroot::run_checked(
        Command::new("dpkg-source")
            .arg("-x")
            .arg(package.dsc)
            .arg(package.tree)
            .current_dir(work)
            .stdout(Stdio::null()),
        "dpkg-source -x",
    )?;
    build_sysroot::run_checked(
        Command::new("patch")
            .args(["-p1", "--batch", "--forward", "--quiet", "-i"])
            .arg(root.join(package.patch))
            .current_dir(&tree),
        "patch",
    )
    .with_context(|| format!("{} does not apply to {}", package.patch, tree.display()))?;
    println!(
        "    unpacked {} and applied {}",
        tree.display(),
        package.patch
    );
    Ok(tree)
}

/// Runs SQLite's `configure` and `make sqlite3.c shell.c` in `tree/bld`
/// (which needs `tclsh` and a native compiler for its generators), logging
/// to `tree/bld/amalgamation.log`; the folder holding the two files.
fn amalgamate(tree: &Path) -> Result<PathBuf> {
    let bld = tree.join("bld");
    std::fs::create_dir_all(&bld).with_context(|| format!("creating {}", bld.display()))?;
    let log_path = bld.join("amalgamation.log");
    for (name, command) in [
        (
            "configure",
            vec!["../configure", "--disable-tcl", "--disable-readline"],
        ),
        ("make", vec!["make", "sqlite3.c", "shell.c"]),
    ] {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("opening {}", log_path.display()))?;
        let log_err = log
            .try_clone()
            .with_context(|| format!("opening {}", log_path.display()))?;
        build_sysroot::run_checked(
            Command::new(command[0])
                .args(&command[1..])
                .current_dir(&bld)
                .stdout(log)
                .stderr(log_err),
            name,
        )
        .with_context(|| format!("see {}", log_path.display()))?;
    }
    for file in ["sqlite3.c", "shell.c", "sqlite3.h"] {
        ensure!(
            bld.join(file).is_file(),
            "the amalgamation has no {file} (see {})",
            log_path.display()
        );
    }
    println!("    {}/{{sqlite3.c,shell.c}}", bld.display());
    Ok(bld)
}

/// Where `program` built for `target` goes.
fn output(root: &Path, work: &Path, program: Program, target: Target) -> PathBuf {
    match target {
        Target::Wasm(width) => root
            .join("programs")
            .join(program.name)
            .join(width.folder)
            .join(program.wasm),
        Target::Native => work.join("native").join(program.native),
    }
}

/// The stem of a program's module (and of its `.json`).
fn wasm_stem(program: Program) -> &'static str {
    program.wasm.strip_suffix(".wasm").unwrap_or(program.wasm)
}

/// The compiler command for `target`, with the flags every build of it has.
fn compiler(root: &Path, target: Target) -> Command {
    let mut command = Command::new(TOOLCHAIN.clang());
    if let Target::Wasm(width) = target {
        command
            .arg(format!("--target={}", TOOLCHAIN.triple(width)))
            .arg(format!(
                "--sysroot={}",
                TOOLCHAIN.sysroot(root, width).display()
            ));
    }
    command.args(COMMON_FLAGS);
    command
}

/// Compiles Lua (every `src/*.c` but the compiler `luac.c`) for `target`.
fn build_lua(root: &Path, work: &Path, tree: &Path, target: Target) -> Result<()> {
    let src = tree.join("src");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(&src).with_context(|| format!("reading {}", src.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", src.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "c")
            && path.file_name().is_some_and(|n| n != "luac.c")
        {
            sources.push(path);
        }
    }
    sources.sort();
    ensure!(
        sources.len() > 30,
        "{} holds only {} C files",
        src.display(),
        sources.len()
    );
    // Debian's luaconf.h includes this header, which its rules generate, to
    // name the multiarch folder of C modules in `package.cpath`.
    let multiarch = match target {
        Target::Wasm(width) => TOOLCHAIN.triple(width),
        Target::Native => "x86_64-linux-gnu".to_string(),
    };
    let generated = work.join("generated").join(target.name());
    std::fs::create_dir_all(&generated)
        .with_context(|| format!("creating {}", generated.display()))?;
    let header = generated.join("lua5.4-deb-multiarch.h");
    std::fs::write(
        &header,
        format!(
            "#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n\
             #define DEB_HOST_MULTIARCH \"{multiarch}\"\n#endif\n"
        ),
    )
    .with_context(|| format!("writing {}", header.display()))?;

    let out = output(root, work, LUA_PROGRAM, target);
    let mut command = compiler(root, target);
    command.args(LUA_FLAGS).arg("-I").arg(&generated);
    match target {
        Target::Wasm(_) => {
            command
                .arg("-isystem")
                .arg(root.join(SJLJ_INCLUDE))
                .args(LUA_WASM_FLAGS)
                .args(&sources)
                .arg(root.join(SJLJ_RUNTIME))
                .args(LUA_WASM_LIBS)
                .args(WASM_LINK_FLAGS);
        }
        Target::Native => {
            command.args(&sources).arg("-lm");
        }
    }
    link(command, target, &out)
}

/// Compiles the SQLite shell (the amalgamation, the demo VFS and
/// [`SQLITE_OS`]) for `target`.
fn build_sqlite(
    root: &Path,
    work: &Path,
    tree: &Path,
    amalgamation: &Path,
    target: Target,
) -> Result<()> {
    let out = output(root, work, SQLITE_PROGRAM, target);
    let mut command = compiler(root, target);
    command
        .args(SQLITE_FLAGS)
        .arg("-I")
        .arg(amalgamation)
        .arg(amalgamation.join("sqlite3.c"))
        .arg(amalgamation.join("shell.c"))
        .arg(tree.join("src").join("test_demovfs.c"))
        .arg(root.join(SQLITE_OS));
    match target {
        Target::Wasm(_) => {
            command
                .args(SQLITE_WASM_FLAGS)
                .args(SQLITE_WASM_LIBS)
                .args(WASM_LINK_FLAGS);
        }
        Target::Native => {
            command.arg("-lm");
        }
    }
    link(command, target, &out)
}

/// Runs the compile-and-link `command` into `out`, then checks a module.
fn link(mut command: Command, target: Target, out: &Path) -> Result<()> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    command.arg("-o").arg(out);
    build_sysroot::run_checked(&mut command, &TOOLCHAIN.clang())
        .with_context(|| format!("building {} ({})", out.display(), target.name()))?;
    let size = std::fs::metadata(out)
        .with_context(|| format!("reading {}", out.display()))?
        .len();
    if let Target::Wasm(width) = target {
        build_sysroot::check_module(out, width)?;
    }
    println!("    {}  {size} bytes", out.display());
    Ok(())
}

/// Runs `test` with the native build and returns its `strata wasi-test`
/// specification, with the run's stdout as the expected stdout.
fn native_spec(root: &Path, work: &Path, test: &Test) -> Result<String> {
    let program_dir = root.join("programs").join(test.program.name);
    let source = program_dir.join(test.root);
    let scratch = work.join("run").join(test.program.name);
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("removing {}", scratch.display()))?;
    }
    copy_tree(&source, &scratch)?;
    let binary = output(root, work, test.program, Target::Native);
    let started = std::time::Instant::now();
    let out = Command::new(&binary)
        .args(test.args)
        .current_dir(&scratch)
        .env_clear()
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(
        out.status.success(),
        "{} {} failed ({}); stderr:\n{}",
        binary.display(),
        test.args.join(" "),
        out.status,
        stderr.trim_end()
    );
    let stdout = String::from_utf8(out.stdout)
        .with_context(|| format!("{} printed non-UTF-8 output", binary.display()))?;
    println!(
        "    native {} {}: {} lines in {:.2} s",
        test.program.native,
        test.args.join(" "),
        stdout.lines().count(),
        elapsed.as_secs_f64()
    );
    Ok(spec_json(test, &stdout))
}

/// The specification of `test` with the expected `stdout`: the json's
/// `root` is relative to the json, which sits in a width folder.
fn spec_json(test: &Test, stdout: &str) -> String {
    let args: Vec<String> = test.args.iter().map(|a| json_string(a)).collect();
    format!(
        "{{\n  \"args\": [{}],\n  \"root\": {},\n  \"exit_code\": 0,\n  \"stdout\": {}\n}}\n",
        args.join(", "),
        json_string(&format!("../{}", test.root)),
        json_string(stdout)
    )
}

/// `s` as a JSON string literal (non-ASCII characters kept as UTF-8).
fn json_string(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Copies the folder `from` (files and folders only) to `to`.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry.with_context(|| format!("reading {}", from.display()))?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .with_context(|| format!("reading {}", path.display()))?;
        if kind.is_dir() {
            copy_tree(&path, &dest)?;
        } else if kind.is_file() {
            std::fs::copy(&path, &dest)
                .with_context(|| format!("copying {} to {}", path.display(), dest.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings() {
        assert_eq!(
            json_string("a\"b\\c\nd\u{1}é"),
            "\"a\\\"b\\\\c\\nd\\u0001é\""
        );
    }

    #[test]
    fn specs() {
        let spec = spec_json(&TESTS[0], "x\n");
        assert_eq!(
            spec,
            "{\n  \"args\": [\"suite.lua\"],\n  \"root\": \"../tests\",\n  \"exit_code\": 0,\n  \"stdout\": \"x\\n\"\n}\n"
        );
        assert_eq!(wasm_stem(SQLITE_PROGRAM), "sqlite3");
    }
}
