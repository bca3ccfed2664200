//! `strata run`: load a module, link WASI and the host module, instantiate
//! it (which runs its start function), then call the entry point and print
//! its results.
//!
//! The entry point is the export named by `--invoke`, else `_start`, else
//! `main`; a module with none of them only runs its start function. The
//! exit status is the guest's (`proc_exit`), 0 when the entry point returns,
//! 134 after a trap (with `error: ...` and the wasm backtrace on stderr;
//! first a line naming `--fuel` or `--timeout` if one of them ended the
//! guest), 1 for any other failure.

use std::fs;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use strata_api::{Engine, ExternType, Func, Instance, Linker, Module, Store, Val, ValType};

use crate::cli::RunArgs;
use crate::host::{self, HostState};
use crate::limits::GuestLimits;
use crate::tier;
use crate::values::{format_val, parse_val, type_name};

/// `--stats`: one line on stderr with the time since `started` and the peak
/// resident memory so far, against the module's `size` in bytes.
fn print_stats(what: &str, started: std::time::Instant, size: usize) {
    let secs = started.elapsed().as_secs_f64();
    let rss = match strata_conformance::process_memory::peak_rss_kib() {
        Some(kib) => format!(
            "peak RSS {:.0} MiB ({:.1}x the module's {:.1} MB)",
            kib as f64 / 1024.0,
            (kib * 1024) as f64 / (size.max(1)) as f64,
            size as f64 / 1e6
        ),
        None => "peak RSS unknown on this system".to_string(),
    };
    eprintln!("stats: {what}: {secs:.2} s, {rss}");
}

/// Entry points tried, in order, when `--invoke` is not given.
const DEFAULT_ENTRY_POINTS: [&str; 2] = ["_start", "main"];

/// The exit status after a trap (as a process killed by SIGABRT reports).
const TRAP_EXIT_STATUS: u8 = 134;

/// Run `strata run`.
///
/// # Errors
/// On any failure to read, load, link, instantiate or call the module, or to
/// parse the arguments.
pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let config = tier::engine_config(&args.tier)?;
    let file = args.file();
    let path = file.display();
    let bytes = fs::read(&file).with_context(|| format!("cannot read `{path}`"))?;
    let engine = Engine::new(&config)
        .map_err(api_error)
        .context("cannot create the engine")?;
    let started = std::time::Instant::now();
    let module = if crate::compile::is_artifact(&bytes) {
        if !args.allow_precompiled {
            bail!(
                "`{path}` is a precompiled AOT artifact: running it runs its machine code in this process; pass --allow-precompiled if you trust it"
            );
        }
        crate::compile::load_artifact(&engine, &bytes, &args.trust)
    } else {
        Module::new_named(&engine, &bytes, &file).map_err(api_error)
    }
    .with_context(|| format!("cannot load `{path}`"))?;
    if args.stats {
        print_stats("load + compile", started, bytes.len());
    }

    #[cfg(not(feature = "wasi"))]
    if !args.env.is_empty() || !args.dirs.is_empty() {
        bail!("--env and --dir need WASI, which this binary is built without (the `wasi` feature)");
    }
    let state = HostState {
        #[cfg(feature = "wasi")]
        wasi: crate::wasi::context(args)?,
    };
    let mut store = Store::new(&engine, state);
    let limits = args.limits();
    let _watchdog = limits.apply(&mut store);
    let mut linker = Linker::new(&engine);
    #[cfg(feature = "wasi")]
    strata_wasi::add_to_linker(&mut linker, |s: &mut HostState| &mut s.wasi).map_err(api_error)?;
    host::define_imports(&mut linker, &mut store, &module)?;
    let started = std::time::Instant::now();
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(err) => {
            return guest_outcome(err, &limits)
                .with_context(|| format!("cannot instantiate `{path}`"));
        }
    };
    if args.stats {
        print_stats("instantiate", started, bytes.len());
    }

    let Some((name, func)) = entry_point(&store, &instance, &module, args.invoke.as_deref())?
    else {
        if !args.guest_args().is_empty() {
            bail!("arguments given, but the module exports neither `_start` nor `main` (use --invoke NAME)");
        }
        // Instantiation ran the start function, if any; say that nothing
        // else happened, so a missing entry point is not mistaken for a
        // silent program.
        eprintln!(
            "note: `{path}` exports neither `_start` nor `main`, so nothing was called after instantiation; use --invoke NAME (exported functions: {})",
            exported_functions(&module)
        );
        return Ok(ExitCode::SUCCESS);
    };

    let ty = func.ty(&store).map_err(api_error)?;
    // Without --invoke the arguments are the guest's (WASI) arguments,
    // unless the entry point takes parameters.
    let values: &[String] = if args.invoke.is_some() || !ty.params.is_empty() {
        args.guest_args()
    } else {
        &[]
    };
    let params = parse_args(&name, &ty.params, values)?;
    match func.call(&mut store, &params) {
        Ok(results) => {
            print_results(&results)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => guest_outcome(err, &limits).with_context(|| format!("`{name}` failed")),
    }
}

/// The exit status for an error the guest caused: its own exit status for
/// `proc_exit`, 134 with the error printed for a trap (first saying which
/// of `limits` ended the guest, if one did); other errors are returned.
fn guest_outcome(err: strata_api::Error, limits: &GuestLimits) -> Result<ExitCode> {
    if let Some(status) = err.exit_status() {
        // The low 8 bits, as a POSIX process exit reports them.
        return Ok(ExitCode::from(status as u8));
    }
    if err.trap().is_some() {
        if let Some(why) = limits.explain(&err) {
            eprintln!("error: {why}");
        }
        eprintln!("error: {err}");
        return Ok(ExitCode::from(TRAP_EXIT_STATUS));
    }
    Err(api_error(err))
}

/// An API error as one message. Its `Display` already includes the error it
/// wraps, so the source chain is not kept (it would print twice).
fn api_error(err: strata_api::Error) -> anyhow::Error {
    anyhow!("{err}")
}

/// The function to call and its name, or `None` if there is nothing to call.
fn entry_point(
    store: &Store<HostState>,
    instance: &Instance,
    module: &Module,
    invoke: Option<&str>,
) -> Result<Option<(String, Func)>> {
    if let Some(name) = invoke {
        return match instance.get_func(store, name) {
            Some(func) => Ok(Some((name.to_string(), func))),
            None => bail!(
                "the module exports no function `{name}` (exported functions: {})",
                exported_functions(module)
            ),
        };
    }
    Ok(DEFAULT_ENTRY_POINTS.iter().find_map(|name| {
        instance
            .get_func(store, name)
            .map(|func| ((*name).to_string(), func))
    }))
}

/// Comma-separated names of the module's function exports, for messages.
fn exported_functions(module: &Module) -> String {
    let names: Vec<String> = module
        .exports()
        .filter(|export| matches!(export.ty(), ExternType::Func(_)))
        .map(|export| format!("`{}`", export.name()))
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Parse the command-line arguments of `name` per its parameter types.
fn parse_args(name: &str, params: &[ValType], args: &[String]) -> Result<Vec<Val>> {
    if params.len() != args.len() {
        let types: Vec<&str> = params.iter().map(|ty| type_name(*ty)).collect();
        bail!(
            "`{name}` takes {} argument(s) ({}), but {} were given",
            params.len(),
            types.join(", "),
            args.len()
        );
    }
    params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (ty, text))| {
            parse_val(text, *ty).with_context(|| format!("argument {} of `{name}`", i + 1))
        })
        .collect()
}

fn print_results(results: &[Val]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for value in results {
        writeln!(out, "{}", format_val(value)).context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")
}
