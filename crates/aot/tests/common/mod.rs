//! Helpers shared by the integration tests: run a module's export on the
//! AOT tier (and on the interpreter, for comparisons).

#![allow(dead_code)]

pub mod artifacts;
pub mod forge;

use std::sync::Arc;

use strata_api::{Config, Engine, Instance, Linker, Module, Store, Val};

/// An engine on the AOT tier.
pub fn aot_engine() -> Engine {
    Engine::new(&Config::new().tier(Arc::new(strata_aot::Aot::default()))).expect("engine")
}

/// An engine on the interpreter.
pub fn interp_engine() -> Engine {
    Engine::new(&Config::new()).expect("engine")
}

/// Instantiate `wat` on `engine`.
pub fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).expect("module");
    let linker = Linker::<()>::new(engine);
    let mut store = Store::new(engine, ());
    let instance = linker.instantiate(&mut store, &module).expect("instance");
    (store, instance)
}

/// Call export `name`; `Err` is the trap message.
pub fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, String> {
    let f = instance.get_func(store, name).expect("export");
    f.call(store, args).map_err(|e| match e.trap() {
        Some(t) => t.code().to_string(),
        None => e.to_string(),
    })
}
