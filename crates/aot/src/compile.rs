//! Building the target ISA and compiling a module's functions (in parallel,
//! across the available cores) into the pieces that `crate::link` lays out
//! into one position-independent code image.
//!
//! Symbol `i < n` is defined function `i`; symbol `n + i` is its array-call
//! trampoline. The only references between symbols are calls, resolved at
//! link time; helpers are reached through the context's helper table, never
//! by address, so an image can be compiled on one machine and loaded on
//! another of the same target.
//!
//! # Two pipelines
//! Functions compile optimized for speed (e-graph optimization, the
//! backtracking register allocator). Those passes are superlinear in the
//! nesting of loops with back edges: loop-invariant code motion walks the
//! loop nest for every operand, and the allocator's dominator computation
//! walks from each back edge to its header. A function whose loop-nest cost
//! (the sum over its ops of the square of the targeted loops around each,
//! see `translate::prepass`) exceeds [`NEST_COST_PER_OP`] times its size plus
//! [`NEST_COST_FLOOR`] compiles instead without optimization and with the
//! single-pass allocator, both linear; the code is slower, the compile
//! bounded. No real program comes near: the limit is an average depth of 32
//! nested loops over the whole function.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use cranelift_codegen::ir::{
    self, types, AbiParam, ExtFuncData, ExternalName, InstBuilder, UserExternalName,
};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{binemit::Reloc, Context, FinalizedRelocTarget};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use strata_ir::{FuncIdx, Module};
use strata_runtime::CompileError;

use crate::link::{self, Call, CallKind, CodeImage, Piece};
use crate::translate::{self, trusted, wasm_signature};

/// Per op, the loop-nest cost a function may have and still be optimized.
pub(crate) const NEST_COST_PER_OP: u64 = 1024;

/// Loop-nest cost every function may have (a few milliseconds of work).
pub(crate) const NEST_COST_FLOOR: u64 = 1 << 24;

/// The ISAs of one target: the optimizing pipeline and the linear one.
pub(crate) struct Isas {
    /// Optimized for speed; what almost every function compiles with.
    pub speed: OwnedTargetIsa,
    /// No optimization, single-pass register allocation.
    pub plain: OwnedTargetIsa,
}

impl Isas {
    /// The ISA for a body of `ops` ops whose loop-nest cost is `nest_cost`.
    pub(crate) fn for_body(
        &self,
        ops: usize,
        nest_cost: u64,
    ) -> &dyn cranelift_codegen::isa::TargetIsa {
        let budget = NEST_COST_PER_OP
            .saturating_mul(ops as u64)
            .saturating_add(NEST_COST_FLOOR);
        if nest_cost > budget {
            &*self.plain
        } else {
            &*self.speed
        }
    }
}

/// Build the ISAs for `triple` (`None`: the host, with its CPU features).
pub(crate) fn build_isa(triple: Option<&str>) -> Result<Isas, String> {
    Ok(Isas {
        speed: build_one_isa(triple, true)?,
        plain: build_one_isa(triple, false)?,
    })
}

/// Build one ISA for `triple`, optimizing or not.
fn build_one_isa(triple: Option<&str>, optimize: bool) -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v).map_err(|e| format!("setting {k}={v}: {e}"))
    };
    if optimize {
        set(&mut flags, "opt_level", "speed")?;
    } else {
        set(&mut flags, "opt_level", "none")?;
        set(&mut flags, "regalloc_algorithm", "single_pass")?;
    }
    set(
        &mut flags,
        "enable_verifier",
        if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        },
    )?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    set(&mut flags, "enable_probestack", "true")?;
    set(&mut flags, "probestack_strategy", "inline")?;
    set(&mut flags, "unwind_info", "false")?;
    // Cranelift's tail calls rely on frame pointers.
    set(&mut flags, "preserve_frame_pointers", "true")?;
    let builder = match triple {
        None => cranelift_native::builder().map_err(|e| e.to_string())?,
        Some(t) => {
            let triple: target_lexicon::Triple = t
                .parse()
                .map_err(|e| format!("unknown target `{t}`: {e}"))?;
            let mut b = cranelift_codegen::isa::lookup(triple)
                .map_err(|e| format!("unsupported target `{t}`: {e}"))?;
            if t.starts_with("x86_64") {
                // A baseline that every x86-64 host of the last decade has;
                // SSE4.1 gives native rounding (no libcalls).
                for f in [
                    "has_sse3",
                    "has_ssse3",
                    "has_sse41",
                    "has_sse42",
                    "has_popcnt",
                ] {
                    b.enable(f).map_err(|e| format!("{f}: {e}"))?;
                }
            }
            b
        }
    };
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| e.to_string())
}

/// The ISA's flags that the artifact records (target CPU features).
pub(crate) fn isa_features(isa: &dyn cranelift_codegen::isa::TargetIsa) -> String {
    let mut v: Vec<String> = isa
        .isa_flags()
        .iter()
        .filter_map(|f| f.as_bool().filter(|b| *b).map(|_| f.name.to_string()))
        .collect();
    v.sort();
    v.join(",")
}

fn compile_error(func: Option<FuncIdx>, message: String) -> CompileError {
    CompileError {
        func,
        offset: None,
        message,
    }
}

/// Compile every defined function and its trampoline of `module`.
///
/// `progress` is called once per finished symbol with the number done so far.
pub(crate) fn compile_module(
    isas: &Isas,
    module: &Module,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<CodeImage, CompileError> {
    let n = module.bodies.len();
    let total = 2 * n;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Piece, CompileError>>>> =
        Mutex::new((0..total).map(|_| None).collect());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total.max(1));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut ctx = Context::new();
                let mut fctx = FunctionBuilderContext::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let r = compile_symbol(isas, module, i, &mut ctx, &mut fctx);
                    let failed = r.is_err();
                    if let Ok(mut res) = results.lock() {
                        res[i] = Some(r);
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    if failed {
                        next.store(total, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| compile_error(None, "a compile thread panicked".into()))?;
    let pieces = results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| Err(compile_error(None, "a function was not compiled".into())))
        })
        .collect::<Result<Vec<Piece>, CompileError>>()?;
    link::link(pieces).map_err(|e| compile_error(None, format!("linking: {e}")))
}

/// Compile symbol `i`: a function (`i < n`) or a trampoline.
fn compile_symbol(
    isas: &Isas,
    module: &Module,
    i: usize,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<Piece, CompileError> {
    let n = module.bodies.len();
    let defined = i % n.max(1);
    let func = FuncIdx(module.num_imported_funcs + defined as u32);
    let ty = module.func_type(func);
    let wasm_sig = wasm_signature(ty)
        .ok_or_else(|| compile_error(Some(func), "the aot tier does not support `v128`".into()))?;
    ctx.clear();
    let speed = &*isas.speed;
    let isa = if i < n {
        ctx.func.signature = wasm_sig;
        ctx.func.name = ir::UserFuncName::user(0, defined as u32);
        let body = &module.bodies[defined];
        let nest_cost = translate::translate_function(
            module,
            func,
            body,
            speed.default_call_conv(),
            speed.frontend_config(),
            &mut ctx.func,
            fctx,
        )?;
        isas.for_body(body.ops.len(), nest_cost)
    } else {
        build_trampoline(speed, defined as u32, wasm_sig, ctx, fctx);
        speed
    };
    let names = ctx.func.params.user_named_funcs().clone();
    let code = ctx
        .compile(isa, &mut Default::default())
        .map_err(|e| compile_error(Some(func), format!("cranelift: {:?}", e.inner)))?;
    let mut calls = Vec::new();
    for r in code.buffer.relocs() {
        let target = match &r.target {
            FinalizedRelocTarget::ExternalName(ExternalName::User(u)) => names[*u].index,
            other => {
                return Err(compile_error(
                    Some(func),
                    format!("unexpected relocation target {other:?}"),
                ))
            }
        };
        let kind = match r.kind {
            Reloc::X86CallPCRel4 => CallKind::X86Rel32,
            Reloc::Arm64Call => CallKind::Arm64Branch26,
            other => {
                return Err(compile_error(
                    Some(func),
                    format!("unsupported relocation kind {other:?}"),
                ))
            }
        };
        calls.push(Call {
            at: r.offset,
            kind,
            target,
            addend: r.addend,
        });
    }
    Ok(Piece {
        code: code.buffer.data().to_vec(),
        calls,
    })
}

/// The array-call trampoline of defined function `defined`: host convention
/// `(vmctx, values: *mut u64)`; reads the arguments from `values`, calls the
/// function, and writes its results back (i32/f32 in the low half, as raw
/// slots).
fn build_trampoline(
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    defined: u32,
    wasm_sig: ir::Signature,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) {
    let mut sig = ir::Signature::new(isa.default_call_conv());
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    ctx.func.signature = sig;
    let param_types: Vec<ir::Type> = wasm_sig
        .params
        .iter()
        .skip(1)
        .map(|p| p.value_type)
        .collect();
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let (vmctx, buf) = (b.block_params(entry)[0], b.block_params(entry)[1]);
    // The values array is the runtime's row of raw slots: one 8-byte slot
    // per value, two for a `v128` (only 8-byte aligned: vectors are read
    // and written without the alignment flag).
    let flags = |t: ir::Type| {
        if t.is_vector() {
            ir::MemFlagsData::new().with_notrap()
        } else {
            trusted()
        }
    };
    let width = |t: ir::Type| if t.is_vector() { 16 } else { 8 };
    let mut args = vec![vmctx];
    let mut at = 0;
    for t in param_types.iter() {
        args.push(b.ins().load(*t, flags(*t), buf, at));
        at += width(*t);
    }
    let sigref = b.import_signature(wasm_sig);
    let name = b
        .func
        .declare_imported_user_function(UserExternalName::new(0, defined));
    let fref = b.import_function(ExtFuncData {
        name: ExternalName::user(name),
        signature: sigref,
        colocated: true,
        patchable: false,
    });
    let call = b.ins().call(fref, &args);
    let results = b.inst_results(call).to_vec();
    let mut at = 0;
    for r in results.iter() {
        let ty = b.func.dfg.value_type(*r);
        let v = match ty {
            types::I32 => b.ins().uextend(types::I64, *r),
            types::F32 => {
                let bits = b.ins().bitcast(types::I32, ir::MemFlagsData::new(), *r);
                b.ins().uextend(types::I64, bits)
            }
            _ => *r,
        };
        b.ins().store(flags(ty), v, buf, at);
        at += width(ty);
    }
    b.ins().return_(&[]);
    b.seal_all_blocks();
    b.finalize(isa.frontend_config());
}
