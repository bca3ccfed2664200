//! [`Linker`]: a name table of externs — host definitions and the exports
//! of registered instances — that resolves a module's imports by
//! `(module, name)` and instantiates it.
//!
//! Later definitions of the same name replace earlier ones (as the spec
//! test suite's `register` needs).

use std::collections::HashMap;
use std::marker::PhantomData;

use strata_runtime::{LinkError, LinkErrorKind};

use crate::engine::Engine;
use crate::errors::Error;
use crate::externals::Extern;
use crate::instance::Instance;
use crate::module::Module;
use crate::store::AsStore;

/// Resolves imports by name. `T` is the data type of the stores it is used
/// with.
pub struct Linker<T> {
    engine: Engine,
    defs: HashMap<(String, String), Extern>,
    _data: PhantomData<fn() -> T>,
}

impl<T: Send + 'static> Linker<T> {
    /// An empty linker for stores of `engine`.
    pub fn new(engine: &Engine) -> Self {
        Self {
            engine: engine.clone(),
            defs: HashMap::new(),
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
    /// None yet; the `Result` leaves room for checks (for example refusing
    /// shadowing) without an API break.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        self.defs
            .insert((module.to_string(), name.to_string()), item.into());
        Ok(self)
    }

    /// Define every export of `instance` under `module_name`.
    ///
    /// # Errors
    /// As [`Linker::define`].
    pub fn instance(
        &mut self,
        store: &impl AsStore<Data = T>,
        module_name: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        let exports: Vec<(String, Extern)> = instance
            .exports(store)
            .map(|(name, ext)| (name.to_string(), ext))
            .collect();
        for (name, ext) in exports {
            self.define(module_name, &name, ext)?;
        }
        Ok(self)
    }

    /// The definition of `module`.`name`.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.defs
            .get(&(module.to_string(), name.to_string()))
            .copied()
    }

    /// Instantiate `module`, resolving each import by `(module, name)`.
    ///
    /// # Errors
    /// [`ErrorKind::Link`](crate::ErrorKind::Link) naming the first import
    /// that is not defined, or whose definition has the wrong type; the
    /// other errors of [`Instance::new`].
    pub fn instantiate(
        &self,
        store: &mut impl AsStore<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let mut imports = Vec::with_capacity(module.ir().imports.len());
        for import in &module.ir().imports {
            match self.get(&import.module, &import.name) {
                Some(ext) => imports.push(ext),
                None => {
                    return Err(LinkError {
                        module: import.module.clone(),
                        name: import.name.clone(),
                        kind: import.ty.kind(),
                        error: LinkErrorKind::UnknownImport,
                    }
                    .into())
                }
            }
        }
        Instance::new(store, module, &imports)
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
            add.ty(&store),
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
        assert_eq!(g.get(&store), Val::I32(666));
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
        assert_eq!(mem.size(&store), 1);
        assert_eq!(mem.grow(&mut store, 1)?, 1);
        assert!(mem.grow(&mut store, 1).is_err());
        assert_eq!(mem.data(&store).len(), 2 << 16);
        let r = store.new_extern_ref(42u32);
        let data = store
            .extern_ref_data(&r)
            .and_then(|d| d.downcast_ref::<u32>());
        assert_eq!(data, Some(&42));
        Ok(())
    }
}
