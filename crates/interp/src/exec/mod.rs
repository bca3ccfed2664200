//! The executor: the frame stack, calls and returns between frames, host
//! calls, and trap backtraces. The per-instruction loop of one frame lives in
//! [`run`]; memory and table handlers in [`memory`] and [`table`].

#[allow(unsafe_code)]
mod dispatch;
#[allow(unsafe_code)]
mod memory;
#[allow(unsafe_code)]
mod regs;
mod table;
#[allow(unsafe_code)]
mod vector;

use std::ptr::NonNull;
use std::sync::Arc;

use strata_ir::{CatchKind, FuncIdx, Trap, TrapCode, TrapFrame, Val};
use strata_runtime::{rows, CompiledModule, ExnAddr, FuncAddr, FuncKind, InstanceAddr, Store};

use crate::bytecode::Slot;
use crate::code::{CompiledFunc, InterpModule};

/// What a frame's instruction loop stopped for.
pub(crate) enum Action {
    /// The frame returned; its results are in slots `0..n`.
    Return,
    /// Call `callee` with arguments starting at slot `args`.
    Call { callee: FuncAddr, args: Slot },
    /// Tail-call `callee` with arguments starting at slot `args`.
    TailCall { callee: FuncAddr, args: Slot },
    /// An exception was thrown (or rethrown).
    Throw(ExnAddr),
}

/// One activation.
struct Frame {
    /// Index into [`Executor::modules`].
    module: usize,
    func: FuncIdx,
    instance: InstanceAddr,
    /// Next instruction.
    ip: usize,
    /// First slot of the frame in the slot stack.
    base: usize,
}

struct Executor {
    stack: Vec<u64>,
    frames: Vec<Frame>,
    /// Interpreter modules of the instances this call has entered.
    modules: Vec<EnteredModule>,
    /// The store's call depth when this invocation started.
    depth_at_entry: usize,
}

/// Run the wasm function `func` of an interpreter-compiled instance of
/// `module`.
pub(crate) fn invoke(
    store: &mut Store,
    code: &InterpModule,
    func: FuncAddr,
    args: &[Val],
    results: &mut Vec<Val>,
) -> Result<(), Trap> {
    // Wasm calls inside this invocation never grow the native stack, but
    // entries do (a host function or another tier's code calling back into
    // wasm): an entry already below the thread's limit is refused.
    let strata_runtime::Entry {
        sig,
        instance,
        index,
        ..
    } = strata_runtime::Entry::new(store, func, &code.module, "interpreter")?;
    let mut exec = Executor {
        stack: Vec::new(),
        frames: Vec::new(),
        // The entered instance runs `code`, whatever the store holds for it
        // (a wrapping tier's module, say).
        modules: vec![EnteredModule::entry(store, instance, code)],
        depth_at_entry: store.call_depth(),
    };
    let module = 0;
    let stride = code.stride as usize;
    rows::write_vals(&mut exec.stack, 0, stride, args);
    // The depth is restored however the entry ends, also when its first
    // frame is refused.
    let outcome = exec
        .push_frame(store, module, instance, index, 0)
        .and_then(|()| exec.run(store));
    store.set_call_depth(exec.depth_at_entry);
    outcome?;
    let types = store.sigs().get(sig).results.clone();
    results.clear();
    results.extend(rows::read_vals(&exec.stack, stride, &types));
    Ok(())
}

/// An instance whose interpreter code this invocation has entered.
struct EnteredModule {
    instance: InstanceAddr,
    /// Keeps the code alive (and in place) while `interp` points into it;
    /// `None` for the module the invocation entered, which its caller
    /// borrows for longer than the invocation lasts.
    _code: Option<Arc<dyn CompiledModule>>,
    /// The same module, downcast once.
    interp: NonNull<InterpModule>,
    /// The store address of the instance's memory 0.
    mem0: Option<strata_runtime::MemAddr>,
}

impl EnteredModule {
    /// `instance`'s code, if the interpreter compiled it.
    fn new(store: &Store, instance: InstanceAddr) -> Option<Self> {
        let code = store.instance(instance).code.clone();
        let interp = NonNull::from(code.as_any().downcast_ref::<InterpModule>()?);
        Some(Self {
            instance,
            _code: Some(code),
            interp,
            mem0: store.instance(instance).memories.first().copied(),
        })
    }

    /// The module `invoke` was called on, for the instance it entered.
    fn entry(store: &Store, instance: InstanceAddr, code: &InterpModule) -> Self {
        Self {
            instance,
            _code: None,
            interp: NonNull::from(code),
            mem0: store.instance(instance).memories.first().copied(),
        }
    }

    #[allow(unsafe_code)]
    fn interp(&self) -> &InterpModule {
        // SAFETY: `interp` points into the allocation owned by `_code`, an
        // `Arc` this struct holds for its whole life, or (for the entered
        // module) at the module `invoke` borrows for the whole invocation,
        // which outlives the executor holding this struct; `Arc` contents
        // never move, and the module is immutable once compiled.
        unsafe { self.interp.as_ref() }
    }
}

/// The interpreter code of `func` in the `module`-th entered module.
fn compiled_in(
    modules: &[EnteredModule],
    module: usize,
    func: FuncIdx,
) -> Result<&CompiledFunc, Trap> {
    modules
        .get(module)
        .and_then(|m| m.interp().func(func))
        .ok_or_else(|| Trap::host(format!("function {func} has no interpreter code")))
}

impl Executor {
    /// The index in `modules` of `instance`'s interpreter module.
    #[inline(always)]
    fn module_index(&mut self, store: &Store, instance: InstanceAddr) -> Result<usize, Trap> {
        if let Some(frame) = self.frames.last() {
            if frame.instance == instance {
                return Ok(frame.module);
            }
        }
        if let Some(i) = self.modules.iter().position(|m| m.instance == instance) {
            return Ok(i);
        }
        let entered = EnteredModule::new(store, instance)
            .ok_or_else(|| Trap::host("the callee was compiled by another tier"))?;
        self.modules.push(entered);
        Ok(self.modules.len() - 1)
    }

    fn compiled(&self, module: usize, func: FuncIdx) -> Result<&CompiledFunc, Trap> {
        compiled_in(&self.modules, module, func)
    }

    /// The slot stride of the `module`-th entered module.
    fn stride_of(&self, module: usize) -> usize {
        self.modules
            .get(module)
            .map_or(1, |m| m.interp().stride as usize)
    }

    /// The slot stride of the running frame.
    fn stride(&self) -> usize {
        self.frames.last().map_or(1, |f| self.stride_of(f.module))
    }

    /// The entered module of `instance` if its frames can be pushed right
    /// on the running one's: the interpreter compiled it, with the same
    /// slot stride.
    fn same_layout(&mut self, store: &Store, instance: InstanceAddr) -> Option<usize> {
        let module = self.module_index(store, instance).ok()?;
        (self.stride_of(module) == self.stride()).then_some(module)
    }

    /// Push a frame for `func` whose arguments are already at `base`.
    #[inline(always)]
    fn push_frame(
        &mut self,
        store: &mut Store,
        module: usize,
        instance: InstanceAddr,
        func: FuncIdx,
        base: usize,
    ) -> Result<(), Trap> {
        // A refusal below leaves the depth counted; the entry restores it.
        store.enter_call()?;
        store.interrupt_mut().check()?;
        self.enter_frame(store, module, func, base)?;
        self.frames.push(Frame {
            module,
            func,
            instance,
            ip: 0,
            base,
        });
        Ok(())
    }

    /// Make room for `func`'s frame at `base` and zero its declared locals.
    #[inline(always)]
    fn enter_frame(
        &mut self,
        store: &Store,
        module: usize,
        func: FuncIdx,
        base: usize,
    ) -> Result<(), Trap> {
        // Borrow only `modules`, so `stack` can be written below.
        let f = compiled_in(&self.modules, module, func)?;
        let stride = f.stride as usize;
        let (params, locals, size) = (
            stride * f.num_params as usize,
            stride * f.num_locals as usize,
            f.frame_size as usize,
        );
        let end = base + size;
        if end > store.config().max_value_stack {
            return Err(Trap::new(TrapCode::StackExhausted));
        }
        if self.stack.len() < end {
            self.stack.resize(end, 0);
        }
        if locals > params {
            self.stack[base + params..base + locals].fill(0);
        }
        for (i, c) in f.consts.iter().enumerate() {
            self.stack[base + locals + stride * i] = *c;
        }
        Ok(())
    }

    fn run(&mut self, store: &mut Store) -> Result<(), Trap> {
        loop {
            let Some(frame) = self.frames.last() else {
                return Ok(());
            };
            let (module, func, instance, base, mut ip) = (
                frame.module,
                frame.func,
                frame.instance,
                frame.base,
                frame.ip,
            );
            let action = {
                let code = compiled_in(&self.modules, module, func)?;
                let end = base + code.frame_size as usize;
                let regs = &mut self.stack[base..end];
                let mem0 = self.modules.get(module).and_then(|m| m.mem0);
                let r = dispatch::run_frame(store, code, instance, mem0, regs, &mut ip);
                if let Some(frame) = self.frames.last_mut() {
                    frame.ip = ip;
                }
                match r {
                    Ok(action) => action,
                    Err(code) => return Err(self.backtrace(store, Trap::new(code))),
                }
            };
            let step = match action {
                Action::Return => {
                    self.frames.pop();
                    store.leave_call();
                    Ok(())
                }
                Action::Call { callee, args } => self
                    .call(store, callee, base + args as usize)
                    .or_else(|trap| self.rethrow(store, trap)),
                Action::TailCall { callee, args } => self
                    .tail_call(store, callee, base, base + args as usize)
                    .or_else(|trap| self.rethrow(store, trap)),
                Action::Throw(exn) => self.unwind(store, exn),
            };
            if let Err(trap) = step {
                return Err(self.backtrace(store, trap));
            }
        }
    }

    /// Call `callee` with its arguments at absolute slot `at`.
    #[inline(always)]
    fn call(&mut self, store: &mut Store, callee: FuncAddr, at: usize) -> Result<(), Trap> {
        let entity = store.func(callee);
        let sig = entity.sig;
        match &entity.kind {
            FuncKind::Host(f) => {
                let f = f.clone();
                let caller = self.frames.last().map(|f| f.instance);
                self.call_host(store, &f, sig, caller, at)
            }
            &FuncKind::Wasm { instance, index } => match self.same_layout(store, instance) {
                Some(module) => self.push_frame(store, module, instance, index, at),
                None => self.call_foreign(store, callee, sig, at),
            },
        }
    }

    /// A tail call from the frame at `base`: move the arguments down, then
    /// replace the frame (or, for a host callee, call it and return).
    fn tail_call(
        &mut self,
        store: &mut Store,
        callee: FuncAddr,
        base: usize,
        at: usize,
    ) -> Result<(), Trap> {
        let entity = store.func(callee).clone();
        let n = self.stride() * store.sigs().get(entity.sig).params.len();
        self.stack.copy_within(at..at + n, base);
        let same_layout = match &entity.kind {
            &FuncKind::Wasm { instance, .. } => self.same_layout(store, instance),
            FuncKind::Host(_) => None,
        };
        match (entity.kind, same_layout) {
            (FuncKind::Wasm { instance, index }, Some(module)) => {
                store.interrupt_mut().check()?;
                self.enter_frame(store, module, index, base)?;
                if let Some(frame) = self.frames.last_mut() {
                    *frame = Frame {
                        module,
                        func: index,
                        instance,
                        ip: 0,
                        base,
                    };
                }
                Ok(())
            }
            _ => {
                let r = self.call(store, callee, base);
                // A wasm callee of another tier or a host function has run to
                // completion (or thrown): the calling frame is gone either
                // way, replaced by its callee.
                self.frames.pop();
                store.leave_call();
                r
            }
        }
    }

    fn call_host(
        &mut self,
        store: &mut Store,
        f: &strata_runtime::HostFunc,
        sig: strata_runtime::SigId,
        caller: Option<InstanceAddr>,
        at: usize,
    ) -> Result<(), Trap> {
        let ty = store.sigs().get(sig).clone();
        let args = rows::read_vals(
            self.stack.get(at..).unwrap_or(&[]),
            self.stride(),
            &ty.params,
        );
        let mut results: Vec<Val> = ty.results.iter().map(|t| Val::default_for(*t)).collect();
        store.call_host(f, caller, &args, &mut results)?;
        self.write_results(&ty.results, &results, at)
    }

    /// A wasm callee compiled by another tier: go through the store.
    fn call_foreign(
        &mut self,
        store: &mut Store,
        callee: FuncAddr,
        sig: strata_runtime::SigId,
        at: usize,
    ) -> Result<(), Trap> {
        let ty = store.sigs().get(sig).clone();
        let args = rows::read_vals(
            self.stack.get(at..).unwrap_or(&[]),
            self.stride(),
            &ty.params,
        );
        let results = store.invoke(callee, &args)?;
        self.write_results(&ty.results, &results, at)
    }

    fn write_results(
        &mut self,
        types: &[strata_ir::ValType],
        results: &[Val],
        at: usize,
    ) -> Result<(), Trap> {
        if results.len() != types.len()
            || !results.iter().zip(types).all(|(v, t)| v.matches_shape(*t))
        {
            return Err(Trap::host(format!(
                "host function returned {results:?}, expected {types:?}"
            )));
        }
        let stride = self.stride();
        rows::write_vals(&mut self.stack, at, stride, results);
        Ok(())
    }

    /// Unwind to the innermost handler whose catch clause matches `exn`:
    /// deliver the clause's values into the handling frame and continue at
    /// its landing pad. With no handler in this invocation the exception
    /// leaves wasm as an "uncaught exception" trap.
    fn unwind(&mut self, store: &mut Store, exn: ExnAddr) -> Result<(), Trap> {
        let Some(exception) = store.exception(exn) else {
            return Err(Trap::host("an exception reference outlived its exception"));
        };
        let (tag, payload) = (exception.tag, exception.payload.clone());
        let payload_types = store.sigs().get(store.tag(tag).sig).params.clone();
        while let Some(frame) = self.frames.last() {
            let pc = frame.ip.saturating_sub(1) as u32;
            let tags = &store.instance(frame.instance).tags;
            let code = compiled_in(&self.modules, frame.module, frame.func)?;
            let found = code
                .handlers
                .iter()
                .rev()
                .filter(|h| h.start <= pc && pc < h.end)
                .find_map(|h| {
                    h.catches.iter().find(|c| match c.kind {
                        CatchKind::Tag(t) | CatchKind::TagRef(t) => {
                            tags.get(t.index()) == Some(&tag)
                        }
                        CatchKind::All | CatchKind::AllRef => true,
                    })
                })
                .copied();
            if let Some(catch) = found {
                let at = frame.base + catch.dst as usize;
                let stride = self.stride_of(frame.module);
                let mut values = match catch.kind {
                    CatchKind::Tag(_) | CatchKind::TagRef(_) => {
                        rows::from_canonical(&payload, &payload_types)
                    }
                    CatchKind::All | CatchKind::AllRef => Vec::new(),
                };
                let by_ref = matches!(catch.kind, CatchKind::TagRef(_) | CatchKind::AllRef);
                if by_ref {
                    values.push(Val::ExnRef(Some(exn)));
                }
                store.catch_exception(exn, by_ref);
                rows::write_vals(&mut self.stack, at, stride, &values);
                if let Some(frame) = self.frames.last_mut() {
                    frame.ip = catch.pad as usize;
                }
                return Ok(());
            }
            self.frames.pop();
            store.leave_call();
        }
        Err(Trap::exception(exn))
    }

    /// A call's trap: an exception it carries is thrown on from the calling
    /// frame (the call site is the frame's current instruction); any other
    /// trap goes on unwinding.
    fn rethrow(&mut self, store: &mut Store, trap: Trap) -> Result<(), Trap> {
        match store.thrown_by(&trap) {
            Some(exn) => self.unwind(store, exn),
            None => Err(trap),
        }
    }

    /// Attach the wasm backtrace (innermost first) to a trap.
    fn backtrace(&self, store: &Store, mut trap: Trap) -> Trap {
        for frame in self.frames.iter().rev() {
            let module = &store.instance(frame.instance).module;
            let offset = self
                .compiled(frame.module, frame.func)
                .ok()
                .and_then(|f| f.offsets.get(frame.ip.saturating_sub(1)).copied());
            trap.push_frame(TrapFrame {
                func: frame.func,
                name: module.func_display_name(frame.func),
                offset,
            });
        }
        trap
    }
}
