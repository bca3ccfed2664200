//! Compiled functions and modules of the interpreter tier.

use std::sync::Arc;

use strata_ir::{FuncIdx, Module, Trap, Val};
use strata_runtime::{CompiledModule, FuncAddr, Store};

use crate::bytecode::Instr;

/// One function in register bytecode.
#[derive(Debug)]
pub struct CompiledFunc {
    /// Its index in the module.
    pub func: FuncIdx,
    /// The instructions.
    pub code: Box<[Instr]>,
    /// Byte offset in the module of the op each instruction came from.
    pub offsets: Box<[u32]>,
    /// Number of parameters.
    pub num_params: u32,
    /// Number of results.
    pub num_results: u32,
    /// Parameters plus declared locals.
    pub num_locals: u32,
    /// Slots the frame needs.
    pub frame_size: u32,
    /// Pooled constants, written to slots `num_locals..` on frame entry.
    pub consts: Box<[u64]>,
    /// Exception handlers, outermost first (search them in reverse).
    pub handlers: Box<[crate::bytecode::Handler]>,
    /// Slots per local or operand position: 2 in a module that uses SIMD,
    /// 1 otherwise (see [`crate::vector`]).
    pub stride: u32,
    /// The vector instructions `Instr::Vector` indexes.
    pub vector: Box<[crate::vector::VInstr]>,
    /// 128-bit immediates of the vector instructions.
    pub vconsts: Box<[u128]>,
}

/// A module translated to register bytecode.
#[derive(Debug)]
pub struct InterpModule {
    pub(crate) module: Arc<Module>,
    /// Defined functions, by defined-function index.
    pub(crate) funcs: Vec<CompiledFunc>,
    /// The slot stride of every function (see [`crate::vector`]).
    pub(crate) stride: u32,
}

impl InterpModule {
    /// The compiled functions (for inspection and tests).
    pub fn debug_funcs(&self) -> &[CompiledFunc] {
        &self.funcs
    }

    /// The compiled function for module function index `func`, if defined.
    pub(crate) fn func(&self, func: FuncIdx) -> Option<&CompiledFunc> {
        let defined = func.0.checked_sub(self.module.num_imported_funcs)?;
        self.funcs.get(defined as usize)
    }
}

impl CompiledModule for InterpModule {
    fn module(&self) -> &Arc<Module> {
        &self.module
    }

    fn invoke(
        &self,
        store: &mut Store,
        func: FuncAddr,
        args: &[Val],
        results: &mut Vec<Val>,
    ) -> Result<(), Trap> {
        crate::exec::invoke(store, self, func, args, results)
    }
}
