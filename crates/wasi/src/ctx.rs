//! [`WasiCtx`], the state of one WASI program (arguments, environment,
//! descriptors, clocks, randomness), and [`WasiCtxBuilder`], which makes it
//! in the shape wasmtime's users know.

use std::io;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bitflags::bitflags;
use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::abi::{FdFlags, Rights};
use crate::stdio::{
    EmptyInput, HostStderr, HostStdin, HostStdout, InputStream, OutputStream, Sink,
};
use crate::table::{DirEntry, Entry, FdTable, Kind};

bitflags! {
    /// What a guest may do with a preopened directory's entries.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct DirPerms: u8 {
        /// List it, stat its entries, open them.
        const READ = 1;
        /// Create, remove, rename and link entries.
        const MUTATE = 2;
    }
}

bitflags! {
    /// What a guest may do with the files under a preopened directory.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct FilePerms: u8 {
        /// Read them.
        const READ = 1;
        /// Write, truncate and resize them.
        const WRITE = 2;
    }
}

/// The wall clock a guest sees (`clock_time_get(realtime)`).
pub trait WallClock: Send {
    /// Time since the Unix epoch.
    fn now(&self) -> Duration;
    /// The clock's resolution.
    fn resolution(&self) -> Duration;
}

/// The monotonic clock a guest sees (`clock_time_get(monotonic)`, the CPU
/// time clocks, and the timeouts of `poll_oneoff`).
pub trait MonotonicClock: Send {
    /// Nanoseconds since some fixed point; never decreases.
    fn now(&self) -> u64;
    /// The clock's resolution.
    fn resolution(&self) -> Duration;
}

/// Where `random_get` takes its bytes from.
pub trait RandomSource: Send {
    /// Fill `buf` with random bytes.
    ///
    /// # Errors
    /// If no randomness is available; the guest sees `io`.
    fn fill(&mut self, buf: &mut [u8]) -> io::Result<()>;
}

struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now(&self) -> Duration {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    }
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }
}

struct SystemMonotonicClock(Instant);

impl MonotonicClock for SystemMonotonicClock {
    fn now(&self) -> u64 {
        u64::try_from(self.0.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }
}

struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) -> io::Result<()> {
        getrandom::fill(buf).map_err(io::Error::other)
    }
}

/// The state of one WASI program. Put it in the store's data and hand
/// [`add_to_linker`](crate::add_to_linker) a function that finds it there.
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: FdTable,
    pub(crate) wall: Box<dyn WallClock>,
    pub(crate) monotonic: Box<dyn MonotonicClock>,
    pub(crate) random: Box<dyn RandomSource>,
}

impl WasiCtx {
    /// A builder; by default no arguments, no environment, stdin empty,
    /// stdout and stderr discarded, no preopened directory.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }
}

impl core::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("fds", &self.fds.len())
            .finish()
    }
}

/// Builds a [`WasiCtx`].
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdin: Box<dyn InputStream>,
    stdout: Box<dyn OutputStream>,
    stderr: Box<dyn OutputStream>,
    preopens: Vec<DirEntry>,
    wall: Box<dyn WallClock>,
    monotonic: Box<dyn MonotonicClock>,
    random: Box<dyn RandomSource>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// See [`WasiCtx::builder`].
    pub fn new() -> Self {
        Self {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Box::new(EmptyInput),
            stdout: Box::new(Sink),
            stderr: Box::new(Sink),
            preopens: Vec::new(),
            wall: Box::new(SystemWallClock),
            monotonic: Box::new(SystemMonotonicClock(Instant::now())),
            random: Box::new(OsRandom),
        }
    }

    /// Append one argument (the first is the program name, `argv[0]`).
    /// A NUL byte in it is cut off there, as C would see it.
    pub fn arg(&mut self, arg: impl AsRef<str>) -> &mut Self {
        self.args.push(c_string(arg.as_ref()));
        self
    }

    /// Append arguments.
    pub fn args(&mut self, args: impl IntoIterator<Item = impl AsRef<str>>) -> &mut Self {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// Add the environment variable `key=value`.
    pub fn env(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> &mut Self {
        self.env
            .push(c_string(&format!("{}={}", key.as_ref(), value.as_ref())));
        self
    }

    /// Add environment variables.
    pub fn envs(
        &mut self,
        vars: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
    ) -> &mut Self {
        for (k, v) in vars {
            self.env(k, v);
        }
        self
    }

    /// Add every environment variable of the host process.
    pub fn inherit_env(&mut self) -> &mut Self {
        for (k, v) in std::env::vars() {
            self.env(k, v);
        }
        self
    }

    /// Use the host's stdin, stdout and stderr.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.stdin = Box::new(HostStdin);
        self.stdout = Box::new(HostStdout);
        self.stderr = Box::new(HostStderr);
        self
    }

    /// The guest's stdin.
    pub fn stdin(&mut self, stream: impl InputStream + 'static) -> &mut Self {
        self.stdin = Box::new(stream);
        self
    }

    /// The guest's stdout.
    pub fn stdout(&mut self, stream: impl OutputStream + 'static) -> &mut Self {
        self.stdout = Box::new(stream);
        self
    }

    /// The guest's stderr.
    pub fn stderr(&mut self, stream: impl OutputStream + 'static) -> &mut Self {
        self.stderr = Box::new(stream);
        self
    }

    /// The wall clock the guest sees.
    pub fn wall_clock(&mut self, clock: impl WallClock + 'static) -> &mut Self {
        self.wall = Box::new(clock);
        self
    }

    /// The monotonic clock the guest sees.
    pub fn monotonic_clock(&mut self, clock: impl MonotonicClock + 'static) -> &mut Self {
        self.monotonic = Box::new(clock);
        self
    }

    /// The source of `random_get`'s bytes.
    pub fn random(&mut self, source: impl RandomSource + 'static) -> &mut Self {
        self.random = Box::new(source);
        self
    }

    /// Give the guest the host directory `host` under the name `guest`
    /// (e.g. `/` or `.`), with what it may do with the directory and its
    /// files. Everything the guest reaches through it stays inside it:
    /// paths are resolved by `cap-std`, so `..`, absolute paths and
    /// symlinks cannot lead out.
    ///
    /// # Errors
    /// If `host` cannot be opened as a directory.
    pub fn preopened_dir(
        &mut self,
        host: impl AsRef<Path>,
        guest: impl AsRef<str>,
        dir_perms: DirPerms,
        file_perms: FilePerms,
    ) -> io::Result<&mut Self> {
        let dir = Dir::open_ambient_dir(host.as_ref(), ambient_authority())?;
        self.preopens.push(DirEntry {
            dir,
            preopen: Some(guest.as_ref().to_string()),
            dir_perms,
            file_perms,
        });
        Ok(self)
    }

    /// The context. The builder is left with the defaults of
    /// [`WasiCtxBuilder::new`].
    pub fn build(&mut self) -> WasiCtx {
        let b = std::mem::take(self);
        let mut fds = FdTable::default();
        let stream = |kind| Entry {
            kind,
            base: Rights::STREAM,
            inheriting: Rights::empty(),
            flags: FdFlags::empty(),
        };
        fds.insert_at(0, stream(Kind::Input(b.stdin)));
        fds.insert_at(1, stream(Kind::Output(b.stdout)));
        fds.insert_at(2, stream(Kind::Output(b.stderr)));
        for (fd, dir) in (3..).zip(b.preopens) {
            let (base, inheriting) = dir.rights();
            fds.insert_at(
                fd,
                Entry {
                    kind: Kind::Dir(dir),
                    base,
                    inheriting,
                    flags: FdFlags::empty(),
                },
            );
        }
        WasiCtx {
            args: b.args,
            env: b.env,
            fds,
            wall: b.wall,
            monotonic: b.monotonic,
            random: b.random,
        }
    }
}

/// `s` up to its first NUL, as bytes.
fn c_string(s: &str) -> Vec<u8> {
    s.bytes().take_while(|&b| b != 0).collect()
}
