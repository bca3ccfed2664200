//! [`Linker`]: a name table of externs — host definitions and the exports
//! of registered instances — that resolves a module's imports by
//! `(module, name)` and instantiates it.
//!
//! Later definitions of the same name replace earlier ones (as the spec
//! test suite's `register` needs). Rust-typed host functions
//! ([`Linker::func_wrap`]) are kept as templates and resolved per module:
//! their guest pointers become `i32` or `i64` after the module's memory.
//!
//! Store entities carry their store (see [`crate::handle`]): a linker holds
//! entities of one store only, and instantiating in another store with one
//! of them as an import fails with [`ErrorKind::WrongStore`].

use std::collections::HashMap;
use std::marker::PhantomData;

use strata_ir::IndexType;
use strata_runtime::{LinkError, LinkErrorKind, StoreId};

use crate::engine::Engine;
use crate::errors::{Error, ErrorKind};
use crate::externals::Extern;
use crate::func::Func;
use crate::host::{HostFuncDef, IntoHostFunc};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::AsStore;
use crate::typed::HostFuncType;
use crate::types::ExternType;

/// One definition: an entity of a store, or a Rust-typed host function
/// that is put into a store (with its guest pointers resolved) when a module
/// importing it is instantiated.
#[derive(Debug, Clone)]
enum Definition {
    Extern(Extern),
    Host(HostFuncDef),
}

/// Resolves imports by name. `T` is the data type of the stores it is used
/// with.
///
/// A linker holds two kinds of definitions: entities of a store ([`Func`],
/// [`Memory`](crate::Memory), [`Table`](crate::Table),
/// [`Global`](crate::Global), or every export of an [`Instance`]), which
/// must then only be used with that store, and Rust-typed host functions
/// ([`Linker::func_wrap`]), which work with any store of data type `T`.
/// Entities of a second store are refused with [`ErrorKind::WrongStore`].
pub struct Linker<T> {
    engine: Engine,
    defs: HashMap<(String, String), Definition>,
    /// The store of the entities among the definitions, once there is one.
    store: Option<StoreId>,
    _data: PhantomData<fn() -> T>,
}

impl<T: Send + 'static> Linker<T> {
    /// An empty linker for stores of `engine`.
    pub fn new(engine: &Engine) -> Self {
        Self {
            engine: engine.clone(),
            defs: HashMap::new(),
            store: None,
            _data: PhantomData,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Define `module`.`name` as `item`, replacing an earlier definition.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if the linker already holds entities of
    /// another store than `item`'s (the message names both stores); nothing
    /// is defined then.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        let item = item.into();
        let item_store = item.store();
        match self.store {
            Some(store) if store != item_store => {
                return Err(Error::msg(
                    ErrorKind::WrongStore,
                    format!(
                        "defining {module}.{name}: {} of store {item_store} given to a linker \
                         holding entities of store {store}",
                        extern_kind_text(&item)
                    ),
                ))
            }
            Some(_) => {}
            None => self.store = Some(item_store),
        }
        self.defs.insert(
            (module.to_string(), name.to_string()),
            Definition::Extern(item),
        );
        Ok(self)
    }

    /// Define `module`.`name` as the Rust closure `f`: `Fn(Caller<'_, T>,
    /// A1, .., An) -> R` with up to ten [`WasmTy`](crate::WasmTy)
    /// arguments, returning `()`, a value, a tuple, or a `Result` of one with
    /// a [`Trap`](crate::Trap).
    ///
    /// Parameters (and results) of type [`GuestAddr`](crate::GuestAddr) or
    /// [`GuestSize`](crate::GuestSize) are width-generic: a module whose
    /// memory 0 is memory32 imports them as `i32`, one whose memory 0 is
    /// memory64 as `i64`, from the same definition. Inside the function, the
    /// address resolves against [`Caller::memory`](crate::Caller::memory),
    /// the calling instance's memory 0.
    ///
    /// # Errors
    /// None yet (see [`Linker::define`]); a mismatch with an import is
    /// reported by [`Linker::instantiate`].
    ///
    /// ```
    /// # use strata_api::*;
    /// # fn main() -> Result<(), Error> {
    /// let engine = Engine::default();
    /// let mut linker = Linker::<u64>::new(&engine);
    /// linker.func_wrap("env", "sum", |caller: Caller<'_, u64>, ptr: GuestAddr, len: GuestSize| {
    ///     let memory = caller.memory().ok_or_else(|| Trap::host("no memory"))?;
    ///     let bytes = memory.slice(&caller, ptr, len)?;
    ///     Ok::<_, Trap>(bytes.iter().map(|&b| u64::from(b)).sum::<u64>())
    /// })?;
    /// for index in ["i32", "i64"] {
    ///     let module = Module::new(&engine, format!(
    ///         r#"(module (import "env" "sum" (func $sum (param {index} {index}) (result i64)))
    ///              (memory {index} 1) (data ({index}.const 8) "\01\02\03")
    ///              (func (export "run") (result i64) (call $sum ({index}.const 8) ({index}.const 3))))"#))?;
    ///     let mut store = Store::new(&engine, 0);
    ///     let instance = linker.instantiate(&mut store, &module)?;
    ///     let run = instance.get_typed_func::<(), u64>(&store, "run")?;
    ///     assert_eq!(run.call(&mut store, ())?, 6);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn func_wrap<P, R>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoHostFunc<T, P, R>,
    ) -> Result<&mut Self, Error> {
        self.defs.insert(
            (module.to_string(), name.to_string()),
            Definition::Host(f.into_def()),
        );
        Ok(self)
    }

    /// Define every export of `instance` under `module_name`.
    ///
    /// # Errors
    /// [`ErrorKind::WrongStore`] if `instance` is not of `store`; otherwise
    /// as [`Linker::define`].
    pub fn instance(
        &mut self,
        store: &impl AsStore<Data = T>,
        module_name: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        instance
            .0
            .get(store.rt(), "Instance")
            .map_err(|e| e.context(format_args!("Linker::instance `{module_name}`")))?;
        let exports: Vec<(String, Extern)> = instance
            .exports(store)
            .map(|(name, ext)| (name.to_string(), ext))
            .collect();
        for (name, ext) in exports {
            self.define(module_name, &name, ext)?;
        }
        Ok(self)
    }

    /// The store entity defined as `module`.`name`; `None` if there is none
    /// or the definition is a Rust-typed host function (see
    /// [`Linker::host_func_type`]).
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        match self.defs.get(&(module.to_string(), name.to_string()))? {
            Definition::Extern(e) => Some(*e),
            Definition::Host(_) => None,
        }
    }

    /// The signature template of the Rust-typed host function defined as
    /// `module`.`name`, if that is what it is.
    pub fn host_func_type(&self, module: &str, name: &str) -> Option<&HostFuncType> {
        match self.defs.get(&(module.to_string(), name.to_string()))? {
            Definition::Host(def) => Some(&def.ty),
            Definition::Extern(_) => None,
        }
    }

    /// Instantiate `module` in `store`, resolving each import by `(module,
    /// name)`. Rust-typed host functions are put into the store with their
    /// guest addresses and sizes typed for the module's memory 0.
    ///
    /// # Errors
    /// [`ErrorKind::Link`](crate::ErrorKind::Link) naming the first import
    /// that is not defined, or whose definition has the wrong type (the
    /// message shows both types; for a width-generic host function also
    /// what it becomes for the module's memory, or that the module has no
    /// memory); [`ErrorKind::WrongStore`] naming the first import whose
    /// definition is an entity of another store than `store`; the other
    /// errors of [`Instance::new`].
    pub fn instantiate(
        &self,
        store: &mut impl AsStore<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let id = store.rt().id();
        let ir = module.ir();
        let index = ir.memories.first().map(|m| m.index);
        let mut imports = Vec::with_capacity(ir.imports.len());
        for (import, ty) in ir.imports.iter().zip(module.imports()) {
            let link_error = |error| -> Error {
                LinkError {
                    module: import.module.clone(),
                    name: import.name.clone(),
                    kind: import.ty.kind(),
                    error,
                }
                .into()
            };
            let key = (import.module.clone(), import.name.clone());
            match self.defs.get(&key) {
                None => return Err(link_error(LinkErrorKind::UnknownImport)),
                Some(Definition::Extern(ext)) => match ext.to_rt(id) {
                    Ok(_) => imports.push(*ext),
                    Err(e) => {
                        return Err(
                            e.context(format_args!("import {}.{}", import.module, import.name))
                        )
                    }
                },
                Some(Definition::Host(def)) => {
                    let expected = ty.ty();
                    let resolved = def.ty.resolve(index);
                    match (&expected, resolved) {
                        (ExternType::Func(want), Some(have)) if *want == have => {
                            let name = format!("{}.{}", import.module, import.name);
                            let f =
                                Func::from_def(store.rt_mut(), def, have, index, Some(name.into()));
                            imports.push(Extern::Func(f));
                        }
                        (_, resolved) => {
                            return Err(link_error(LinkErrorKind::IncompatibleImportType {
                                expected: expected.to_string(),
                                actual: describe_host(&def.ty, resolved.as_ref(), index),
                            }))
                        }
                    }
                }
            }
        }
        Instance::new(store, module, &imports)
    }
}

/// `a Func`, `a Memory`, ...: the kind of a store entity, for messages.
fn extern_kind_text(e: &Extern) -> &'static str {
    match e {
        Extern::Func(_) => "a Func",
        Extern::Table(_) => "a Table",
        Extern::Memory(_) => "a Memory",
        Extern::Global(_) => "a Global",
        Extern::Tag(_) => "a Tag",
    }
}

/// `host function (func (param ptr len)), i.e. (func (param i32 i32)) for a
/// memory32 module`: a host function's template and what it resolved to.
fn describe_host(
    ty: &HostFuncType,
    resolved: Option<&strata_ir::FuncType>,
    index: Option<IndexType>,
) -> String {
    if !ty.is_width_generic() {
        return format!("host function {ty}");
    }
    match (resolved, index) {
        (Some(r), Some(index)) => {
            let width = match index {
                IndexType::I32 => "memory32",
                IndexType::I64 => "memory64",
            };
            format!(
                "host function {ty}, i.e. {} for a {width} module",
                ExternType::Func(r.clone())
            )
        }
        _ => format!(
            "host function {ty}, which takes guest addresses or sizes, but the module has no memory"
        ),
    }
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Self {
            engine: self.engine.clone(),
            defs: self.defs.clone(),
            store: self.store,
            _data: PhantomData,
        }
    }
}

impl<T> core::fmt::Debug for Linker<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Linker")
            .field("definitions", &self.defs.len())
            .finish()
    }
}

#[cfg(all(test, feature = "interp"))]
mod tests {
    use super::*;
    use crate::{ErrorKind, Func, FuncType, Store, Trap, TrapCode, Val, ValType};

    fn module(engine: &Engine, wat: &str) -> Module {
        match Module::new(engine, wat) {
            Ok(m) => m,
            Err(e) => panic!("test module does not load: {e}"),
        }
    }

    #[test]
    fn call_an_export() -> Result<(), Error> {
        let engine = Engine::default();
        let m = module(
            &engine,
            r#"(module (func (export "add") (param i32 i32) (result i32)
                 (i32.add (local.get 0) (local.get 1))))"#,
        );
        let mut store = Store::new(&engine, ());
        let linker = Linker::new(&engine);
        let inst = linker.instantiate(&mut store, &m)?;
        let add = inst
            .get_func(&store, "add")
            .ok_or_else(|| Error::msg(ErrorKind::Link, "no add"))?;
        assert_eq!(
            add.call(&mut store, &[Val::I32(2), Val::I32(40)])?,
            [Val::I32(42)]
        );
        assert_eq!(
            add.ty(&store)?,
            FuncType::new([ValType::I32; 2], [ValType::I32])
        );
        let err = add
            .call(&mut store, &[Val::I32(1)])
            .expect_err("arity mismatch must fail");
        assert_eq!(err.kind(), ErrorKind::Type);
        assert!(
            err.to_string().contains("expected [i32 i32], given [i32]"),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn host_function_called_from_wasm() -> Result<(), Error> {
        let engine = Engine::default();
        let m = module(
            &engine,
            r#"(module
                 (import "host" "log" (func $log (param i64)))
                 (func (export "run") (call $log (i64.const 7)) (call $log (i64.const 8))))"#,
        );
        let mut store = Store::new(&engine, Vec::<i64>::new());
        let log = Func::new(
            &mut store,
            FuncType::new([ValType::I64], []),
            |mut caller, args, _results| {
                let v = args[0].i64().ok_or_else(|| Trap::host("not an i64"))?;
                caller.data_mut().push(v);
                Ok(())
            },
        );
        let mut linker = Linker::new(&engine);
        linker.define("host", "log", log)?;
        let inst = linker.instantiate(&mut store, &m)?;
        let run = inst
            .get_func(&store, "run")
            .ok_or_else(|| Error::msg(ErrorKind::Link, "no run"))?;
        assert_eq!(run.call(&mut store, &[])?, []);
        assert_eq!(store.data(), &[7, 8]);
        Ok(())
    }

    #[test]
    fn link_error_names_the_import() {
        let engine = Engine::default();
        let m = module(&engine, r#"(module (import "env" "missing_fn" (func)))"#);
        let mut store = Store::new(&engine, ());
        let err = Linker::new(&engine)
            .instantiate(&mut store, &m)
            .expect_err("the import is not defined");
        assert_eq!(err.kind(), ErrorKind::Link);
        let msg = err.to_string();
        assert!(msg.contains("env") && msg.contains("missing_fn"), "{msg}");
    }

    #[test]
    fn trap_code_is_reported() -> Result<(), Error> {
        let engine = Engine::default();
        let m = module(
            &engine,
            r#"(module (memory 1)
                 (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
                 (func (export "load") (param i64) (result i32) (i32.load (i32.wrap_i64 (local.get 0)))))"#,
        );
        let mut store = Store::new(&engine, ());
        let inst = Linker::new(&engine).instantiate(&mut store, &m)?;
        let div = inst
            .get_func(&store, "div")
            .ok_or_else(|| Error::msg(ErrorKind::Link, "no div"))?;
        let err = div
            .call(&mut store, &[Val::I32(0)])
            .expect_err("divide by zero");
        assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::IntegerDivideByZero));
        assert_eq!(
            err.trap().map(|t| t.code()),
            Some(TrapCode::IntegerDivideByZero)
        );
        let load = inst
            .get_func(&store, "load")
            .ok_or_else(|| Error::msg(ErrorKind::Link, "no load"))?;
        let err = load
            .call(&mut store, &[Val::I64(65536)])
            .expect_err("out of bounds");
        assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::MemoryOutOfBounds));
        Ok(())
    }

    #[test]
    fn instantiation_trap_and_resource_errors() {
        let engine =
            Engine::new(&crate::Config::new().max_memory_bytes(1 << 20)).expect("interp engine");
        let mut store = Store::new(&engine, ());
        let linker = Linker::new(&engine);
        let trapping = module(
            &engine,
            r#"(module (memory 1) (data (i32.const 65535) "ab"))"#,
        );
        let err = linker
            .instantiate(&mut store, &trapping)
            .expect_err("data segment out of bounds");
        assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::MemoryOutOfBounds));
        let big = module(&engine, r#"(module (memory i64 100))"#);
        let err = linker
            .instantiate(&mut store, &big)
            .expect_err("memory over the cap");
        assert_eq!(err.kind(), ErrorKind::Resource);
        let msg = err.to_string();
        assert!(
            msg.contains("1048576") && msg.contains("100 pages"),
            "{msg}"
        );
    }

    #[test]
    fn host_entities_and_extern_refs() -> Result<(), Error> {
        use crate::{Global, GlobalType, IndexType, Limits, Memory, MemoryType};
        let engine = Engine::default();
        let mut store = Store::new(&engine, ());
        let g = Global::new(
            &mut store,
            GlobalType {
                ty: ValType::I32,
                mutable: false,
            },
            Val::I32(666),
        )?;
        assert_eq!(g.get(&store)?, Val::I32(666));
        assert_eq!(
            g.set(&mut store, Val::I32(1)).map_err(|e| e.kind()),
            Err(ErrorKind::Type)
        );
        let mem = Memory::new(
            &mut store,
            MemoryType {
                index: IndexType::I64,
                limits: Limits {
                    min: 1,
                    max: Some(2),
                },
                shared: false,
                page_size_log2: 16,
            },
        )?;
        assert_eq!(mem.size(&store)?, 1);
        assert_eq!(mem.grow(&mut store, 1)?, 1);
        assert!(mem.grow(&mut store, 1).is_err());
        assert_eq!(mem.data(&store)?.len(), 2 << 16);
        let r = store.new_extern_ref(42u32);
        let data = store
            .extern_ref_data(&r)
            .and_then(|d| d.downcast_ref::<u32>());
        assert_eq!(data, Some(&42));
        Ok(())
    }
}
