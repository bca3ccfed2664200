//! WASI commands on the engines that can run them: Strata's tiers through
//! `strata-wasi` (wasm32 and wasm64) and wasmtime through `wasmtime-wasi`'s
//! preview1 (wasm32 only: its preview1 has no wasm64 ABI, so linking a
//! wasm64 program fails and the cell reports wasmtime's own error).
//!
//! A [`Command`] is a program compiled once; every [`Command::run`] is one
//! run of it as a process would be: a fresh store, WASI context and
//! instance, its arguments, the given folder preopened as `/`, stdout and
//! stderr captured, `_start` called, the exit status taken from
//! `proc_exit` (or 0).

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

/// What one run of a program left behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Its exit status.
    pub exit_code: i32,
    /// Everything it wrote to stdout.
    pub stdout: Vec<u8>,
    /// Everything it wrote to stderr.
    pub stderr: Vec<u8>,
}

/// A WASI program, compiled and ready to run any number of times.
pub trait Command {
    /// Runs it once with `args` (after `argv[0]`) and `dir` preopened as `/`.
    fn run(&self, args: &[String], dir: &Path) -> Result<Output>;
}

/// `argv[0]` of every run.
const ARGV0: &str = "program";
/// The most a run may write to stdout or stderr.
const CAPTURE_LIMIT: usize = 64 << 20;

/// Strata: a module compiled by one tier's engine.
pub struct StrataCommand {
    engine: strata_api::Engine,
    module: strata_api::Module,
}

impl StrataCommand {
    /// Compiles `wasm` with `engine`.
    ///
    /// # Errors
    /// If the module does not load.
    pub fn new(engine: &strata_api::Engine, wasm: &[u8]) -> Result<Self> {
        let module = strata_api::Module::new(engine, wasm)?;
        Ok(Self {
            engine: engine.clone(),
            module,
        })
    }
}

impl Command for StrataCommand {
    fn run(&self, args: &[String], dir: &Path) -> Result<Output> {
        use strata_wasi::{DirPerms, FilePerms, MemoryOutputPipe, WasiCtx};
        struct State {
            wasi: WasiCtx,
        }
        let stdout = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let stderr = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let mut builder = WasiCtx::builder();
        builder
            .arg(ARGV0)
            .args(args)
            .stdout(stdout.clone())
            .stderr(stderr.clone());
        builder
            .preopened_dir(dir, "/", DirPerms::all(), FilePerms::all())
            .with_context(|| format!("preopening {}", dir.display()))?;
        let mut store = strata_api::Store::new(
            &self.engine,
            State {
                wasi: builder.build(),
            },
        );
        let mut linker = strata_api::Linker::new(&self.engine);
        strata_wasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi)?;
        let instance = linker.instantiate(&mut store, &self.module)?;
        let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
        let exit_code = match start.call(&mut store, ()) {
            Ok(()) => 0,
            Err(err) => match err.exit_status() {
                Some(code) => code,
                None => return Err(err.into()),
            },
        };
        Ok(Output {
            exit_code,
            stdout: stdout.contents(),
            stderr: stderr.contents(),
        })
    }
}

/// wasmtime: a module compiled by its engine, with a preview1 linker.
pub struct WasmtimeCommand {
    engine: wasmtime::Engine,
    pre: wasmtime::InstancePre<wasmtime_wasi::p1::WasiP1Ctx>,
}

impl WasmtimeCommand {
    /// Compiles `wasm` with `engine` and links it against preview1.
    ///
    /// # Errors
    /// If the module does not compile or its imports do not match
    /// wasmtime's preview1 (as for every wasm64 program).
    pub fn new(engine: &wasmtime::Engine, wasm: &[u8]) -> Result<Self> {
        let module = wasmtime::Module::new(engine, wasm).map_err(|err| anyhow!("{err:?}"))?;
        let mut linker = wasmtime::Linker::new(engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx)
            .map_err(|err| anyhow!("{err:?}"))?;
        let pre = linker
            .instantiate_pre(&module)
            .map_err(|err| anyhow!("{err:?}"))?;
        Ok(Self {
            engine: engine.clone(),
            pre,
        })
    }
}

impl Command for WasmtimeCommand {
    fn run(&self, args: &[String], dir: &Path) -> Result<Output> {
        use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
        let stdout = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let stderr = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let mut argv = vec![ARGV0.to_string()];
        argv.extend(args.iter().cloned());
        let mut builder = wasmtime_wasi::WasiCtxBuilder::new();
        builder
            .args(&argv)
            .stdout(stdout.clone())
            .stderr(stderr.clone());
        builder
            .preopened_dir(dir, "/", wasmtime_wasi::FsPerms::ReadWrite)
            .map_err(|err| anyhow!("preopening {}: {err:?}", dir.display()))?;
        let mut store = wasmtime::Store::new(&self.engine, builder.build_p1());
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(|err| anyhow!("{err:?}"))?;
        let start = instance
            .get_typed_func::<(), ()>(&mut store, "_start")
            .map_err(|err| anyhow!("{err:?}"))?;
        let exit_code = match start.call(&mut store, ()) {
            Ok(()) => 0,
            Err(err) => match err.downcast_ref::<wasmtime_wasi::I32Exit>() {
                Some(exit) => exit.0,
                None => bail!("{err:?}"),
            },
        };
        drop(store);
        Ok(Output {
            exit_code,
            stdout: stdout.contents().to_vec(),
            stderr: stderr.contents().to_vec(),
        })
    }
}
