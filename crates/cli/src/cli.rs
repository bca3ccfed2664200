//! Command-line syntax of `strata`, declared with `clap`'s derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::tier::TierName;

/// Strata: a WebAssembly runtime with first-class memory64.
#[derive(Debug, Parser)]
#[command(
    name = "strata",
    version,
    about = "Strata: a WebAssembly runtime with first-class memory64"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Instantiate a module and call `_start`, `main` or the export named by
    /// `--invoke`, printing its results one per line.
    Run(RunArgs),
    /// Run `.wast` spec-test scripts and print pass/fail/skip counts.
    Wast(WastArgs),
    /// Run the official WASI testsuite (preview1) and print pass/fail/skip
    /// counts.
    WasiTest(WasiTestArgs),
    /// Compile a module ahead of time into a versioned artifact (`--tier
    /// aot`; needs the `aot` feature).
    Compile(CompileArgs),
    /// Make an Ed25519 key pair for signing artifacts: the secret key in
    /// KEYFILE (readable by its owner only), the public key in KEYFILE.pub
    /// (needs the `aot` feature).
    Keygen(KeygenArgs),
}

/// Arguments of `strata keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the secret key; the public key goes to the same name
    /// with `.pub` appended. Neither file may exist yet.
    #[arg(value_name = "KEYFILE")]
    pub file: PathBuf,
}

/// Arguments of `strata compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The module: a binary `.wasm` or a text `.wat` file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Where to write the artifact.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// Target triple (default: this host, with its CPU features), e.g.
    /// `aarch64-unknown-linux-gnu`.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,

    /// Sign the artifact with this secret key (a file `strata keygen`
    /// wrote), for `strata run --trust` with the matching public key.
    #[arg(long, value_name = "KEYFILE")]
    pub sign: Option<PathBuf>,
}

/// Arguments of `strata run`. Options come before FILE; everything after
/// FILE is the guest's: its WASI arguments (`argv[1..]`, with FILE as
/// `argv[0]`), or with `--invoke` the arguments of the called function.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Execution tier.
    #[command(flatten)]
    pub tier: TierArgs,

    /// Export to call (default: `_start`, else `main`, else only the start
    /// function runs). The arguments after FILE are then its parameters,
    /// parsed per their types: integers in decimal or `0x` hex, floats in
    /// decimal or `nan`, `inf`, `-inf`; `null` for references.
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,

    /// Give the guest an environment variable: `NAME=VALUE`, or `NAME` to
    /// pass the host's value of NAME (repeatable).
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    pub env: Vec<String>,

    /// Preopen the host directory HOST_DIR for the guest, under the name
    /// GUEST_DIR (default: HOST_DIR as written), e.g. `--dir data::/`
    /// (repeatable).
    #[arg(long = "dir", value_name = "HOST_DIR[::GUEST_DIR]")]
    pub dirs: Vec<String>,

    /// Run the file even if it is a precompiled AOT artifact: its machine
    /// code runs in this process, so only pass this for artifacts you trust
    /// as much as this program (for example, ones you compiled yourself).
    #[arg(long)]
    pub allow_precompiled: bool,

    /// Print to stderr how long loading (reading, validating, translating
    /// and compiling in the tier) and instantiating took, and the process's
    /// peak resident memory after each, in MiB and as a multiple of the
    /// module's size.
    #[arg(long)]
    pub stats: bool,

    /// With --allow-precompiled: run an artifact only if it is signed by
    /// the secret key of this public key file (`KEYFILE.pub` of `strata
    /// keygen`); repeatable, any one of the keys will do. Modules that are
    /// not artifacts are unaffected.
    #[arg(long, value_name = "PUBKEYFILE", requires = "allow_precompiled")]
    pub trust: Vec<PathBuf>,

    /// Bounds on the guest.
    #[command(flatten)]
    pub limits: LimitArgs,

    /// The module (a binary `.wasm`, a text `.wat` or an AOT artifact),
    /// then the guest's arguments.
    #[arg(
        value_name = "FILE [ARGS]...",
        required = true,
        num_args = 1..,
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub command: Vec<String>,
}

impl RunArgs {
    /// The module file.
    pub fn file(&self) -> PathBuf {
        PathBuf::from(self.command.first().map_or("", String::as_str))
    }

    /// Everything after the module file.
    pub fn guest_args(&self) -> &[String] {
        self.command.get(1..).unwrap_or_default()
    }

    /// The bounds `--fuel` and `--timeout` set.
    pub fn limits(&self) -> crate::limits::GuestLimits {
        self.limits.guest_limits()
    }
}

/// `--fuel` and `--timeout`, of `strata run` (for the whole run) and
/// `strata wast` (for each directive).
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Stop the guest after N units of fuel (one per loop iteration and per
    /// call): it traps with "all fuel consumed". With `wast`, each directive
    /// gets N.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,

    /// Stop the guest after this much wall-clock time (`500ms`, `2s`, `1m`,
    /// `1h`; a bare number is seconds): it traps with "interrupted" at its
    /// next loop iteration or call. With `wast`, each directive gets this
    /// long.
    #[arg(long, value_name = "DURATION", value_parser = crate::limits::parse_duration)]
    pub timeout: Option<std::time::Duration>,
}

impl LimitArgs {
    /// The bounds, as `strata run` applies them.
    pub fn guest_limits(&self) -> crate::limits::GuestLimits {
        crate::limits::GuestLimits {
            fuel: self.fuel,
            timeout: self.timeout,
        }
    }
}

/// `--tier` and `--tier-plugin`: which execution tier runs the code.
#[derive(Debug, Args)]
pub struct TierArgs {
    /// Execution tier.
    #[arg(long, value_enum, default_value_t = TierName::Interp)]
    pub tier: TierName,

    /// Run on the tier of this plugin library (built with
    /// `strata_api::export_tier!`, e.g. `cargo build -p strata-trace-tier`)
    /// instead of a built-in one. Its code runs in this process: load only
    /// plugins you trust. A plugin built for another Strata version,
    /// compiler or target is refused.
    #[arg(long, value_name = "PATH", conflicts_with = "tier")]
    pub tier_plugin: Option<PathBuf>,
}

/// Arguments of `strata wast`.
#[derive(Debug, Args)]
pub struct WastArgs {
    /// Execution tier.
    #[command(flatten)]
    pub tier: TierArgs,

    /// A scope file listing `.wast` names, one per line (`#` starts a
    /// comment); names are relative to the parent of the scope file's folder,
    /// so `testsuite/scopes/core.txt` lists names relative to `testsuite/`.
    #[arg(long, value_name = "SCOPE_TXT")]
    pub scope: Option<PathBuf>,

    /// Files run at once (default: the number of CPUs).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,

    /// Bounds on each directive.
    #[command(flatten)]
    pub limits: LimitArgs,

    /// The expected failures of the tier: a file of `FILE.wast:LINE reason`
    /// lines as in `crates/conformance/expected/` (default: the built-in
    /// tier's committed list; none for a plugin).
    #[arg(long, value_name = "FILE")]
    pub expected_failures: Option<PathBuf>,

    /// Also run the conformance kit's own checks on the tier (trap
    /// backtraces, untrusted memory offsets, exceptions across host
    /// functions, fuel, interruption and call depth, memory64 past 4 GiB),
    /// each counted in the total.
    #[arg(long)]
    pub kit: bool,

    /// `.wast` files to run (after those of `--scope`); a directory stands for
    /// the `.wast` files in it.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Arguments of `strata wasi-test`.
#[derive(Debug, Args)]
pub struct WasiTestArgs {
    /// Execution tier.
    #[command(flatten)]
    pub tier: TierArgs,

    /// A wasi-testsuite checkout: runs every `tests/*/testsuite/wasm32-wasip1`
    /// folder in it (default when no FOLDER is given:
    /// `$STRATA_WASI_TESTSUITE`, else `../shared/wasi-testsuite`).
    #[arg(long, value_name = "DIR")]
    pub testsuite: Option<PathBuf>,

    /// Folders of `.wasm` tests (with their `.json` specifications).
    #[arg(value_name = "FOLDER")]
    pub dirs: Vec<PathBuf>,
}
