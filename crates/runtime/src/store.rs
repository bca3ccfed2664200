//! The store: every runtime entity of a set of instances, addressed by the
//! newtypes of [`crate::addr`], and the generic call entry point.

use std::any::Any;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use strata_ir::{
    ExnAddr, FuncIdx, FuncType, GlobalType, Module, RefHierarchy, Trap, TrapCode, Val, ValType,
};

use crate::addr::*;
use crate::config::StoreConfig;
pub use crate::exceptions::ExceptionEntity;
use crate::exceptions::ExceptionHeap;
use crate::memory::MemoryInstance;
use crate::signature::{SigId, SigRegistry};
use crate::table::TableEntity;
use crate::tier::CompiledModule;
use crate::value;

mod entity_ops;

/// The identity of a [`Store`]: unique among the stores of a process, so a
/// handle stamped with it names its store. `Display` shows `#n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(NonZeroU64);

impl StoreId {
    /// A new identity, never handed out before in this process. (The counter
    /// saturates after 2^64 - 1 stores, far beyond any process's lifetime.)
    fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        StoreId(NonZeroU64::MIN.saturating_add(n))
    }

    /// The identity as a number (at least 1).
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

impl core::fmt::Display for StoreId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A handle that stops a running guest from another thread: after
/// [`InterruptHandle::interrupt`], the guest traps with "interrupted" at its
/// next loop iteration or call.
#[derive(Debug, Clone, Default)]
pub struct InterruptHandle(Arc<AtomicBool>);

impl InterruptHandle {
    /// Ask the guest running in the store to stop.
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Withdraw an interrupt that has not fired yet (one asked for while no
    /// guest ran, or too late to stop the guest it was meant for), so that it
    /// does not stop the next guest.
    pub fn cancel(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Fuel and the interrupt flag of a store. Tiers call [`Interrupt::check`]
/// at every loop header and function entry.
#[derive(Debug, Default)]
pub struct Interrupt {
    flag: InterruptHandle,
    /// Remaining fuel: one unit per loop iteration or call; `None` is unlimited.
    pub fuel: Option<u64>,
}

impl Interrupt {
    /// A handle other threads can use to interrupt this store's guests.
    pub fn handle(&self) -> InterruptHandle {
        self.flag.clone()
    }

    /// The interrupt flag itself, for compiled tiers that poll it inline
    /// (when it is set they call [`Interrupt::check`]). It lives as long as
    /// the store.
    pub fn flag(&self) -> &AtomicBool {
        &self.flag.0
    }

    /// Consume one unit of fuel and look at the interrupt flag (which is
    /// cleared when it fires, so the store can run again).
    #[inline(always)]
    pub fn check(&mut self) -> Result<(), TrapCode> {
        if let Some(fuel) = self.fuel.as_mut() {
            if *fuel == 0 {
                return Err(TrapCode::OutOfFuel);
            }
            *fuel -= 1;
        }
        if self.flag.0.load(Ordering::Relaxed) {
            self.flag.0.store(false, Ordering::Relaxed);
            return Err(TrapCode::Interrupted);
        }
        Ok(())
    }
}

/// What a host function sees of its caller.
pub struct HostContext<'a> {
    /// The store, for memory access and re-entrant calls.
    pub store: &'a mut Store,
    /// The instance whose code made the call, if a wasm function did.
    pub caller: Option<InstanceAddr>,
}

/// A host function: reads `params`, writes `results` (already sized to the
/// function's result count), or traps.
pub type HostFunc =
    Arc<dyn Fn(HostContext<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync>;

/// What a function is.
#[derive(Clone)]
pub enum FuncKind {
    /// A wasm function of an instance.
    Wasm {
        /// Its instance.
        instance: InstanceAddr,
        /// Its index in the instance's module.
        index: FuncIdx,
    },
    /// A host function.
    Host(HostFunc),
}

impl core::fmt::Debug for FuncKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FuncKind::Wasm { instance, index } => f
                .debug_struct("Wasm")
                .field("instance", instance)
                .field("index", index)
                .finish(),
            FuncKind::Host(_) => f.write_str("Host"),
        }
    }
}

/// A wasm function as a tier sees it at call entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WasmFunc {
    /// Its canonical signature.
    pub sig: SigId,
    /// Its instance.
    pub instance: InstanceAddr,
    /// Its index in the instance's module.
    pub index: FuncIdx,
}

/// A function instance.
#[derive(Debug, Clone)]
pub struct FuncEntity {
    /// Its canonical signature.
    pub sig: SigId,
    /// What it is.
    pub kind: FuncKind,
}

/// A global instance; its type is canonical (see [`crate::signature`]).
#[derive(Debug, Clone)]
pub struct GlobalEntity {
    /// Canonical type.
    pub ty: GlobalType,
    /// Raw value ([`value::to_raw_wide`]): a scalar or reference in the low
    /// 64 bits, a `v128` in all 128.
    pub value: u128,
}

impl GlobalEntity {
    /// Where compiled code reads and writes the value: the low 64 bits of a
    /// scalar or reference global, the low half of a `v128` one (the high
    /// half follows at `+ 8`). Valid while the store holds the global and
    /// does not move its entities.
    #[inline]
    pub fn value_ptr(&mut self) -> *mut u64 {
        const _: () = assert!(
            cfg!(target_endian = "little"),
            "globals assume a little-endian host"
        );
        (&raw mut self.value).cast::<u64>()
    }
}

/// An element segment instance: evaluated raw references, empty once dropped.
#[derive(Debug, Clone, Default)]
pub struct ElemEntity {
    /// Raw references.
    pub items: Vec<u64>,
}

/// A data segment instance: its module's bytes until dropped.
#[derive(Debug, Clone)]
pub struct DataEntity {
    module: Arc<Module>,
    index: usize,
    dropped: bool,
}

impl DataEntity {
    /// Segment `index` of `module`.
    pub fn new(module: Arc<Module>, index: usize) -> Self {
        Self {
            module,
            index,
            dropped: false,
        }
    }

    /// Its bytes (empty once dropped).
    pub fn bytes(&self) -> &[u8] {
        if self.dropped {
            return &[];
        }
        self.module
            .datas
            .get(self.index)
            .map_or(&[], |d| &d.bytes[..])
    }

    /// `data.drop`.
    pub fn drop_bytes(&mut self) {
        self.dropped = true;
    }
}

/// An exception tag instance.
#[derive(Debug, Clone)]
pub struct TagEntity {
    /// Canonical signature; the payload is its parameters.
    pub sig: SigId,
}

/// An instance: a module's index spaces resolved to store addresses.
pub struct InstanceEntity {
    /// The module.
    pub module: Arc<Module>,
    /// Its compiled code.
    pub code: Arc<dyn CompiledModule>,
    /// Canonical signature of each module type index.
    pub sigs: Vec<SigId>,
    /// Function index space.
    pub funcs: Vec<FuncAddr>,
    /// Table index space.
    pub tables: Vec<TableAddr>,
    /// Memory index space.
    pub memories: Vec<MemAddr>,
    /// Global index space.
    pub globals: Vec<GlobalAddr>,
    /// Element segments.
    pub elems: Vec<ElemAddr>,
    /// Data segments.
    pub datas: Vec<DataAddr>,
    /// Tag index space.
    pub tags: Vec<TagAddr>,
}

impl InstanceEntity {
    /// Resolve an export by name.
    pub fn export(&self, name: &str) -> Option<ExternVal> {
        let e = self.module.export(name)?;
        let i = e.index as usize;
        Some(match e.kind {
            strata_ir::ExternKind::Func => ExternVal::Func(*self.funcs.get(i)?),
            strata_ir::ExternKind::Table => ExternVal::Table(*self.tables.get(i)?),
            strata_ir::ExternKind::Memory => ExternVal::Memory(*self.memories.get(i)?),
            strata_ir::ExternKind::Global => ExternVal::Global(*self.globals.get(i)?),
            strata_ir::ExternKind::Tag => ExternVal::Tag(*self.tags.get(i)?),
        })
    }
}

/// All runtime state of a group of instances. Single-threaded: share a
/// module across threads, give each thread its own store.
///
/// Its fields are private: entities are read through accessors (`func`,
/// `memory`, ... for this store's own addresses, `get_*` for addresses that
/// may not be its own), added with the `push_*` methods, and changed through
/// `*_mut` accessors or the methods for what the tiers do (calls counted by
/// [`Store::enter_call`], [`Store::call_host`], the bulk and grow
/// operations, exceptions).
pub struct Store {
    /// This store's identity, fixed at creation.
    id: StoreId,
    /// Limits in force.
    config: StoreConfig,
    /// Canonical signatures.
    sigs: SigRegistry,
    /// Functions.
    funcs: Vec<FuncEntity>,
    /// Tables.
    tables: Vec<TableEntity>,
    /// Linear memories.
    memories: Vec<MemoryInstance>,
    /// Globals.
    globals: Vec<GlobalEntity>,
    /// Element segments.
    elems: Vec<ElemEntity>,
    /// Data segments.
    datas: Vec<DataEntity>,
    /// Instances.
    instances: Vec<InstanceEntity>,
    /// Host values referenced by `externref`s.
    externs: Vec<Box<dyn Any + Send>>,
    /// Exception tags.
    tags: Vec<TagEntity>,
    /// Live exception objects (see [`crate::exceptions`]).
    exceptions: ExceptionHeap,
    /// Embedder state.
    host_data: Box<dyn Any + Send>,
    /// Current wasm call depth across re-entrant calls.
    call_depth: usize,
    /// Interruption state, checked by tiers at loop headers and calls.
    interrupt: Interrupt,
    /// Total bytes of all memories.
    total_memory_bytes: u64,
    /// [`Store::invoke`]s in progress: 0 when the embedder is outside wasm.
    entries: usize,
}

impl Store {
    /// An empty store.
    pub fn new(config: StoreConfig, host_data: Box<dyn Any + Send>) -> Self {
        Self {
            id: StoreId::fresh(),
            config,
            sigs: SigRegistry::default(),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            instances: Vec::new(),
            externs: Vec::new(),
            tags: Vec::new(),
            exceptions: ExceptionHeap::default(),
            host_data,
            call_depth: 0,
            interrupt: Interrupt::default(),
            total_memory_bytes: 0,
            entries: 0,
        }
    }

    /// This store's identity: unique in the process, fixed at creation.
    #[inline(always)]
    pub fn id(&self) -> StoreId {
        self.id
    }

    /// The limits in force.
    #[inline(always)]
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// The limits, to change: for the embedder's API. A change applies to
    /// what is created or grown afterwards.
    #[inline]
    pub fn config_mut(&mut self) -> &mut StoreConfig {
        &mut self.config
    }

    /// The canonical signatures.
    #[inline(always)]
    pub fn sigs(&self) -> &SigRegistry {
        &self.sigs
    }

    /// Intern the canonical function type `canon` (see
    /// [`SigRegistry::intern`]).
    pub fn intern_sig(&mut self, canon: FuncType) -> SigId {
        self.sigs.intern(canon)
    }

    /// Intern a module's types (see [`SigRegistry::intern_module_types`]).
    pub fn intern_module_types(&mut self, types: &[FuncType]) -> Vec<SigId> {
        self.sigs.intern_module_types(types)
    }

    /// The function at `func`, an address of this store.
    #[inline(always)]
    pub fn func(&self, func: FuncAddr) -> &FuncEntity {
        &self.funcs[func.index()]
    }

    /// The function at `func`, `None` for an address this store never gave.
    #[inline]
    pub fn get_func(&self, func: FuncAddr) -> Option<&FuncEntity> {
        self.funcs.get(func.index())
    }

    /// How many functions the store holds.
    #[inline]
    pub fn func_count(&self) -> usize {
        self.funcs.len()
    }

    /// Add a function.
    pub fn push_func(&mut self, func: FuncEntity) -> FuncAddr {
        self.funcs.push(func);
        FuncAddr(self.funcs.len() as u32 - 1)
    }

    /// The instance at `instance`, an address of this store.
    #[inline(always)]
    pub fn instance(&self, instance: InstanceAddr) -> &InstanceEntity {
        &self.instances[instance.index()]
    }

    /// The instance at `instance`, `None` for an address this store never
    /// gave.
    #[inline]
    pub fn get_instance(&self, instance: InstanceAddr) -> Option<&InstanceEntity> {
        self.instances.get(instance.index())
    }

    /// How many instances the store holds.
    #[inline]
    pub fn instance_count(&self) -> usize {
        self.instances.len()
    }

    /// The address [`Store::push_instance`] will give the next instance (its
    /// functions name it before it exists).
    #[inline]
    pub fn next_instance(&self) -> InstanceAddr {
        InstanceAddr(self.instances.len() as u32)
    }

    /// Add an instance.
    pub fn push_instance(&mut self, instance: InstanceEntity) -> InstanceAddr {
        self.instances.push(instance);
        InstanceAddr(self.instances.len() as u32 - 1)
    }

    /// The memory at `mem`, an address of this store.
    #[inline(always)]
    pub fn memory(&self, mem: MemAddr) -> &MemoryInstance {
        &self.memories[mem.index()]
    }

    /// The memory at `mem`, mutably. (Grow it with [`Store::grow_memory`],
    /// which keeps the store's total up to date.)
    #[inline(always)]
    pub fn memory_mut(&mut self, mem: MemAddr) -> &mut MemoryInstance {
        &mut self.memories[mem.index()]
    }

    /// The memory at `mem`, `None` for an address this store never gave.
    #[inline]
    pub fn get_memory(&self, mem: MemAddr) -> Option<&MemoryInstance> {
        self.memories.get(mem.index())
    }

    /// The memory at `mem` mutably, `None` for an address this store never
    /// gave.
    #[inline]
    pub fn get_memory_mut(&mut self, mem: MemAddr) -> Option<&mut MemoryInstance> {
        self.memories.get_mut(mem.index())
    }

    /// The memory at `mem` and the embedder state, both mutably (a host
    /// function writing guest memory while updating its own state).
    pub fn memory_and_host_data_mut(
        &mut self,
        mem: MemAddr,
    ) -> Option<(&mut MemoryInstance, &mut (dyn Any + Send))> {
        let memory = self.memories.get_mut(mem.index())?;
        Some((memory, &mut *self.host_data))
    }

    /// How many memories the store holds.
    #[inline]
    pub fn memory_count(&self) -> usize {
        self.memories.len()
    }

    /// Total bytes of all memories.
    #[inline]
    pub fn total_memory_bytes(&self) -> u64 {
        self.total_memory_bytes
    }

    /// Add a memory, counting its bytes against the store's total memory
    /// limit.
    ///
    /// # Errors
    /// The message of [`Store::check_new_memory`] if the memory does not fit
    /// (it is not added).
    pub fn push_memory(&mut self, mem: MemoryInstance) -> Result<MemAddr, String> {
        self.check_new_memory(mem.size_bytes())?;
        self.total_memory_bytes = self.total_memory_bytes.saturating_add(mem.size_bytes());
        self.memories.push(mem);
        Ok(MemAddr(self.memories.len() as u32 - 1))
    }

    /// The table at `table`, an address of this store.
    #[inline(always)]
    pub fn table(&self, table: TableAddr) -> &TableEntity {
        &self.tables[table.index()]
    }

    /// The table at `table`, mutably.
    #[inline(always)]
    pub fn table_mut(&mut self, table: TableAddr) -> &mut TableEntity {
        &mut self.tables[table.index()]
    }

    /// The table at `table`, `None` for an address this store never gave.
    #[inline]
    pub fn get_table(&self, table: TableAddr) -> Option<&TableEntity> {
        self.tables.get(table.index())
    }

    /// The table at `table` mutably, `None` for an address this store never
    /// gave.
    #[inline]
    pub fn get_table_mut(&mut self, table: TableAddr) -> Option<&mut TableEntity> {
        self.tables.get_mut(table.index())
    }

    /// How many tables the store holds.
    #[inline]
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    /// Add a table.
    pub fn push_table(&mut self, table: TableEntity) -> TableAddr {
        self.tables.push(table);
        TableAddr(self.tables.len() as u32 - 1)
    }

    /// The global at `global`, an address of this store.
    #[inline(always)]
    pub fn global(&self, global: GlobalAddr) -> &GlobalEntity {
        &self.globals[global.index()]
    }

    /// The global at `global`, mutably.
    #[inline(always)]
    pub fn global_mut(&mut self, global: GlobalAddr) -> &mut GlobalEntity {
        &mut self.globals[global.index()]
    }

    /// The global at `global`, `None` for an address this store never gave.
    #[inline]
    pub fn get_global(&self, global: GlobalAddr) -> Option<&GlobalEntity> {
        self.globals.get(global.index())
    }

    /// How many globals the store holds.
    #[inline]
    pub fn global_count(&self) -> usize {
        self.globals.len()
    }

    /// Add a global.
    pub fn push_global(&mut self, global: GlobalEntity) -> GlobalAddr {
        self.globals.push(global);
        GlobalAddr(self.globals.len() as u32 - 1)
    }

    /// The element segment at `elem`, an address of this store.
    #[inline(always)]
    pub fn elem(&self, elem: ElemAddr) -> &ElemEntity {
        &self.elems[elem.index()]
    }

    /// The element segment at `elem`, mutably.
    #[inline(always)]
    pub fn elem_mut(&mut self, elem: ElemAddr) -> &mut ElemEntity {
        &mut self.elems[elem.index()]
    }

    /// Add an element segment.
    pub fn push_elem(&mut self, elem: ElemEntity) -> ElemAddr {
        self.elems.push(elem);
        ElemAddr(self.elems.len() as u32 - 1)
    }

    /// The data segment at `data`, an address of this store.
    #[inline(always)]
    pub fn data(&self, data: DataAddr) -> &DataEntity {
        &self.datas[data.index()]
    }

    /// The data segment at `data`, mutably.
    #[inline(always)]
    pub fn data_mut(&mut self, data: DataAddr) -> &mut DataEntity {
        &mut self.datas[data.index()]
    }

    /// Add a data segment.
    pub fn push_data(&mut self, data: DataEntity) -> DataAddr {
        self.datas.push(data);
        DataAddr(self.datas.len() as u32 - 1)
    }

    /// The tag at `tag`, an address of this store.
    #[inline(always)]
    pub fn tag(&self, tag: TagAddr) -> &TagEntity {
        &self.tags[tag.index()]
    }

    /// The tag at `tag`, `None` for an address this store never gave.
    #[inline]
    pub fn get_tag(&self, tag: TagAddr) -> Option<&TagEntity> {
        self.tags.get(tag.index())
    }

    /// Add a tag.
    pub fn push_tag(&mut self, tag: TagEntity) -> TagAddr {
        self.tags.push(tag);
        TagAddr(self.tags.len() as u32 - 1)
    }

    /// The host value of an `externref`, `None` for an address this store
    /// never gave.
    #[inline]
    pub fn get_extern(&self, addr: ExternAddr) -> Option<&(dyn Any + Send)> {
        self.externs.get(addr.index()).map(|b| &**b)
    }

    /// How many host values `externref`s can name.
    #[inline]
    pub fn extern_count(&self) -> usize {
        self.externs.len()
    }

    /// The embedder state.
    #[inline]
    pub fn host_data(&self) -> &(dyn Any + Send) {
        &*self.host_data
    }

    /// The embedder state, mutably.
    #[inline]
    pub fn host_data_mut(&mut self) -> &mut (dyn Any + Send) {
        &mut *self.host_data
    }

    /// Consume the store, returning the embedder state.
    pub fn into_host_data(self) -> Box<dyn Any + Send> {
        self.host_data
    }

    /// Fuel and the interrupt flag.
    #[inline(always)]
    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    /// Fuel and the interrupt flag, mutably (to set fuel, or for
    /// [`Interrupt::check`]).
    #[inline(always)]
    pub fn interrupt_mut(&mut self) -> &mut Interrupt {
        &mut self.interrupt
    }

    /// The current wasm call depth across re-entrant calls.
    #[inline(always)]
    pub fn call_depth(&self) -> usize {
        self.call_depth
    }

    /// Set the call depth: a tier restoring it when an entry returns, or
    /// handing the depth its compiled code kept to the store before calling
    /// out.
    #[inline(always)]
    pub fn set_call_depth(&mut self, depth: usize) {
        self.call_depth = depth;
    }

    /// Count one more call under `config.max_call_depth`.
    ///
    /// # Errors
    /// [`TrapCode::StackExhausted`] if the depth is at the limit (it is then
    /// unchanged).
    #[inline(always)]
    pub fn enter_call(&mut self) -> Result<(), TrapCode> {
        if self.call_depth >= self.config.max_call_depth {
            return Err(TrapCode::StackExhausted);
        }
        self.call_depth += 1;
        Ok(())
    }

    /// A call counted by [`Store::enter_call`] has returned.
    #[inline(always)]
    pub fn leave_call(&mut self) {
        self.call_depth = self.call_depth.saturating_sub(1);
    }

    /// Call host function `f` on behalf of `caller` (`None`: the embedder),
    /// counted as a call (see [`Store::enter_call`]). `results` is already
    /// sized to the function's result count.
    ///
    /// # Errors
    /// [`TrapCode::StackExhausted`] at the depth limit (`f` is not called),
    /// or `f`'s trap.
    pub fn call_host(
        &mut self,
        f: &HostFunc,
        caller: Option<InstanceAddr>,
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        self.enter_call()?;
        let r = f(
            HostContext {
                store: &mut *self,
                caller,
            },
            args,
            results,
        );
        self.leave_call();
        r
    }

    /// Add a host function of canonical signature `sig`.
    pub fn push_host_func(&mut self, sig: SigId, f: HostFunc) -> FuncAddr {
        self.funcs.push(FuncEntity {
            sig,
            kind: FuncKind::Host(f),
        });
        FuncAddr(self.funcs.len() as u32 - 1)
    }

    /// Add a host value for `externref`s.
    pub fn push_extern(&mut self, value: Box<dyn Any + Send>) -> ExternAddr {
        self.externs.push(value);
        ExternAddr(self.externs.len() as u32 - 1)
    }

    /// The wasm function at `func`, for a tier's `CompiledModule::invoke`:
    /// its signature, instance and index, or a host trap naming `tier` if
    /// the address is unknown or a host function.
    pub fn wasm_func(&self, func: FuncAddr, tier: &str) -> Result<WasmFunc, Trap> {
        let entity = self
            .funcs
            .get(func.index())
            .ok_or_else(|| Trap::host(format!("no function at address {}", func.0)))?;
        match entity.kind {
            FuncKind::Wasm { instance, index } => Ok(WasmFunc {
                sig: entity.sig,
                instance,
                index,
            }),
            FuncKind::Host(_) => Err(Trap::host(format!(
                "the {tier} tier was asked to run a host function"
            ))),
        }
    }

    /// A global's current value.
    pub fn global_value(&self, g: GlobalAddr) -> Val {
        let e = &self.globals[g.index()];
        value::from_raw_wide(e.value, e.ty.ty)
    }

    /// `memory.grow` for any tier and for the embedder: grow memory `mem` by
    /// `delta_pages` under the store's limits, keeping
    /// [`Store::total_memory_bytes`] up to date.
    ///
    /// Returns the old size in pages, or `None` (wasm -1) if the memory
    /// refuses (its type's maximum, the spec's limit, the cap it was created
    /// with, the OS) or the new size would exceed the store's current
    /// per-memory cap (`config.memory.max_memory_bytes`) or its total
    /// (`config.max_total_memory_bytes`). Contents are intact on refusal.
    pub fn grow_memory(&mut self, mem: MemAddr, delta_pages: u64) -> Option<u64> {
        let max_one = self.config.memory.max_memory_bytes;
        let max_total = self.config.max_total_memory_bytes;
        let total = self.total_memory_bytes;
        let memory = self.memories.get_mut(mem.index())?;
        let before = memory.size_bytes();
        let mut allow = |old: u64, new: u64| {
            new <= max_one && total.saturating_sub(old).saturating_add(new) <= max_total
        };
        let old = memory.grow(delta_pages, &mut allow)?;
        let after = memory.size_bytes();
        self.total_memory_bytes = total.saturating_sub(before).saturating_add(after);
        Some(old)
    }

    /// `table.grow` for any tier and for the embedder: grow table `table` by
    /// `delta` elements set to the raw reference `init`.
    ///
    /// Returns the old size, or `None` (wasm -1) if the table refuses (its
    /// type's maximum, the cap it was created with) or the new size would
    /// exceed the store's current per-table cap (`config.max_table_elements`).
    pub fn grow_table(&mut self, table: TableAddr, delta: u64, init: u64) -> Option<u64> {
        let max = self.config.max_table_elements;
        let table = self.tables.get_mut(table.index())?;
        table.grow(delta, init, &mut |_, new| new <= max)
    }

    /// Whether a new memory of `bytes` fits in the store's total memory
    /// limit; the error message names the limit.
    pub fn check_new_memory(&self, bytes: u64) -> Result<(), String> {
        let limit = self.config.max_total_memory_bytes;
        let total = self.total_memory_bytes.saturating_add(bytes);
        if total > limit {
            return Err(format!(
                "a memory of {bytes} bytes would bring the store's memories to {total} bytes, over its limit of {limit} bytes"
            ));
        }
        Ok(())
    }

    /// `throw`: a new exception of `tag` with the raw `payload`, counted
    /// against `config.max_live_exceptions` (past it: the
    /// [`TrapCode::ExceptionLimit`] trap).
    pub fn throw_exception(
        &mut self,
        tag: TagAddr,
        payload: Vec<u64>,
    ) -> Result<ExnAddr, TrapCode> {
        let limit = self.config.max_live_exceptions;
        self.exceptions.alloc(tag, payload, limit)
    }

    /// The live exception a trap from a call carries, if it is one: the
    /// caller must throw it on at the call site.
    #[inline]
    pub fn thrown_by(&self, trap: &Trap) -> Option<ExnAddr> {
        trap.thrown()
            .filter(|exn| self.exceptions.get(*exn).is_some())
    }

    /// The live exception at `exn`, `None` if it was freed.
    #[inline]
    pub fn exception(&self, exn: ExnAddr) -> Option<&ExceptionEntity> {
        self.exceptions.get(exn)
    }

    /// A handler took exception `exn`: by reference (`catch_ref`,
    /// `catch_all_ref`) or by its payload alone, which frees an exception no
    /// `exnref` has named. Call it after reading the payload.
    #[inline]
    pub fn catch_exception(&mut self, exn: ExnAddr, by_ref: bool) {
        self.exceptions.caught(exn, by_ref);
    }

    /// Keep exception `exn` alive for the store's lifetime: the embedder was
    /// handed a reference to it.
    pub fn pin_exception(&self, exn: ExnAddr) {
        self.exceptions.pin(exn);
    }

    /// Live exception objects.
    pub fn live_exceptions(&self) -> usize {
        self.exceptions.live()
    }

    /// Free the exceptions nothing can reach any more. Only sound with no
    /// wasm frame live, which [`Store::invoke`] ensures by calling it only
    /// when the embedder enters the store.
    fn sweep_exceptions(&mut self) {
        let is_exn =
            |ty: ValType| matches!(ty, ValType::Ref(r) if r.heap.hierarchy() == RefHierarchy::Exn);
        let as_exn = |raw: u64| raw.checked_sub(1).map(ExnAddr);
        let globals = self
            .globals
            .iter()
            .filter(|g| is_exn(g.ty.ty))
            .filter_map(|g| as_exn(g.value as u64));
        let tables = self
            .tables
            .iter()
            .filter(|t| is_exn(ValType::Ref(t.ty().elem)))
            .flat_map(|t| t.elements().iter().filter_map(|raw| as_exn(*raw)));
        let roots: Vec<ExnAddr> = globals.chain(tables).collect();
        let (tags, sigs) = (&self.tags, &self.sigs);
        self.exceptions.sweep(roots, |e| {
            let Some(tag) = tags.get(e.tag.index()) else {
                return Vec::new();
            };
            let params = &sigs.get(tag.sig).params;
            params
                .iter()
                .zip(&e.payload)
                .filter(|(t, _)| is_exn(**t))
                .filter_map(|(_, raw)| as_exn(*raw))
                .collect()
        });
    }

    /// Call any function with `args` (checked against its signature here) and
    /// return its results, on behalf of the embedder (a host function called
    /// this way sees no calling instance).
    pub fn invoke(&mut self, func: FuncAddr, args: &[Val]) -> Result<Vec<Val>, Trap> {
        self.call_as(None, func, args)
    }

    /// Call any function from wasm code of instance `caller`: how a tier
    /// calls what it does not run itself (a host function, or a wasm
    /// function of another tier's module). A host function sees `caller`
    /// (its memory, for width-generic host functions) and the call counts
    /// toward the call depth; a wasm function runs on its own tier.
    ///
    /// # Errors
    /// The callee's trap (or exception), or a host trap if `args` do not
    /// match its signature.
    pub fn call_from(
        &mut self,
        caller: InstanceAddr,
        func: FuncAddr,
        args: &[Val],
    ) -> Result<Vec<Val>, Trap> {
        self.call_as(Some(caller), func, args)
    }

    fn call_as(
        &mut self,
        caller: Option<InstanceAddr>,
        func: FuncAddr,
        args: &[Val],
    ) -> Result<Vec<Val>, Trap> {
        if self.entries == 0
            && self.call_depth == 0
            && self.exceptions.wants_sweep(self.config.max_live_exceptions)
        {
            self.sweep_exceptions();
        }
        self.entries += 1;
        let r = self.invoke_entered(caller, func, args);
        self.entries -= 1;
        r
    }

    fn invoke_entered(
        &mut self,
        caller: Option<InstanceAddr>,
        func: FuncAddr,
        args: &[Val],
    ) -> Result<Vec<Val>, Trap> {
        let entity = self
            .funcs
            .get(func.index())
            .ok_or_else(|| Trap::host(format!("no function at address {}", func.0)))?
            .clone();
        let ty = self.sigs.get(entity.sig);
        if args.len() != ty.params.len()
            || !args
                .iter()
                .zip(ty.params.iter())
                .all(|(a, t)| a.matches_shape(*t))
        {
            return Err(Trap::host(format!(
                "argument mismatch: expected {:?}, got {:?}",
                ty.params, args
            )));
        }
        let result_types = ty.results.clone();
        let mut results = Vec::with_capacity(result_types.len());
        match entity.kind {
            FuncKind::Host(f) => {
                results.extend(result_types.iter().map(|t| Val::default_for(*t)));
                self.call_host(&f, caller, args, &mut results)?;
            }
            FuncKind::Wasm { instance, .. } => {
                let code = self.instances[instance.index()].code.clone();
                // However the tier's code ends, the call depth is what it
                // was before (a tier cannot leave it off after a trap).
                let depth = self.call_depth;
                let outcome = code.invoke(self, func, args, &mut results);
                self.call_depth = depth;
                outcome?;
            }
        }
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_ir::{IndexType, Limits, MemoryType, RefType, TableType};

    fn store_with(config: StoreConfig) -> Store {
        Store::new(config, Box::new(()))
    }

    #[test]
    fn grow_memory_applies_the_store_limits() {
        let mut store = store_with(StoreConfig {
            max_total_memory_bytes: 3 << 16,
            ..StoreConfig::default()
        });
        let ty = MemoryType {
            index: IndexType::I64,
            limits: Limits { min: 1, max: None },
            shared: false,
            page_size_log2: 16,
        };
        let mem = MemoryInstance::new(ty, &store.config().memory).expect("one page");
        let m = store.push_memory(mem).expect("fits");
        assert_eq!(store.total_memory_bytes(), 1 << 16);
        assert_eq!(store.grow_memory(m, 2), Some(1));
        assert_eq!(store.total_memory_bytes, 3 << 16);
        assert_eq!(store.grow_memory(m, 1), None);
        assert_eq!(store.grow_memory(m, u64::MAX), None);
        assert_eq!(store.grow_memory(m, 0), Some(3));
        assert_eq!(store.grow_memory(MemAddr(7), 1), None);
        store.config.max_total_memory_bytes = u64::MAX;
        store.config.memory.max_memory_bytes = 4 << 16;
        assert_eq!(store.grow_memory(m, 2), None, "over the per-memory cap");
        assert_eq!(store.grow_memory(m, 1), Some(3));
        assert!(store.check_new_memory(1).is_ok());
        store.config.max_total_memory_bytes = 4 << 16;
        let err = store.check_new_memory(1).expect_err("over the total");
        assert!(err.contains("over its limit of 262144 bytes"), "{err}");
    }

    #[test]
    fn calls_are_counted_up_to_the_depth_limit() {
        let mut store = store_with(StoreConfig {
            max_call_depth: 2,
            ..StoreConfig::default()
        });
        assert_eq!(store.enter_call(), Ok(()));
        assert_eq!(store.enter_call(), Ok(()));
        assert_eq!(store.enter_call(), Err(TrapCode::StackExhausted));
        assert_eq!(store.call_depth(), 2, "a refused call is not counted");
        store.leave_call();
        assert_eq!(store.call_depth(), 1);
        store.set_call_depth(0);
        store.leave_call();
        assert_eq!(store.call_depth(), 0);
        let f: HostFunc = Arc::new(|cx, _, _| {
            assert_eq!(cx.store.call_depth(), 1);
            Ok(())
        });
        assert!(store.call_host(&f, None, &[], &mut []).is_ok());
        assert_eq!(store.call_depth(), 0);
        store.set_call_depth(2);
        let err = store
            .call_host(&f, None, &[], &mut [])
            .expect_err("at the limit");
        assert_eq!(err.code(), TrapCode::StackExhausted);
    }

    #[test]
    fn unknown_addresses_are_none_or_out_of_bounds() {
        let mut store = store_with(StoreConfig::default());
        assert!(store.get_func(FuncAddr(0)).is_none());
        assert!(store.get_instance(InstanceAddr(0)).is_none());
        assert!(store.get_memory(MemAddr(0)).is_none());
        assert!(store.get_table(TableAddr(0)).is_none());
        assert!(store.get_global(GlobalAddr(0)).is_none());
        assert!(store.get_tag(TagAddr(0)).is_none());
        assert!(store.get_extern(ExternAddr(0)).is_none());
        assert_eq!(
            store.memory_init(MemAddr(0), DataAddr(0), 0, 0, 0),
            Err(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            store.table_init(TableAddr(0), ElemAddr(0), 0, 0, 0),
            Err(TrapCode::TableOutOfBounds)
        );
        store.data_drop(DataAddr(0));
        store.elem_drop(ElemAddr(0));
        let e = store.push_extern(Box::new(7u8));
        assert_eq!(
            store.get_extern(e).and_then(|v| v.downcast_ref()),
            Some(&7u8)
        );
    }

    #[test]
    fn store_ids_are_unique() {
        let (a, b) = (
            store_with(StoreConfig::default()),
            store_with(StoreConfig::default()),
        );
        assert_ne!(a.id(), b.id());
        assert!(a.id().get() >= 1 && b.id().get() >= 1);
        assert_eq!(a.id().to_string(), format!("#{}", a.id().get()));
    }

    #[test]
    fn grow_table_applies_the_store_cap() {
        let mut store = store_with(StoreConfig::default());
        let ty = TableType {
            index: IndexType::I32,
            elem: RefType::FUNCREF,
            limits: Limits { min: 1, max: None },
        };
        let table = TableEntity::new(ty, 0, store.config.max_table_elements).expect("table");
        store.tables.push(table);
        store.config.max_table_elements = 3;
        assert_eq!(store.grow_table(TableAddr(0), 2, 0), Some(1));
        assert_eq!(store.grow_table(TableAddr(0), 1, 0), None);
        assert_eq!(store.grow_table(TableAddr(1), 1, 0), None);
    }
}
