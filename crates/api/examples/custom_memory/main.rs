//! Embedder-supplied memory: every linear memory of an engine gets its
//! backing from a [`CountingCreator`] (installed with
//! `Config::memory_creator`), which wraps the runtime's default backing and
//! counts growth. The same scenario runs in every tier built in — the
//! interpreter always, the JIT and the AOT tier with their features:
//!
//! - a memory32 module grows its memory twice and writes and reads its
//!   last bytes: both growths are counted;
//! - with a budget of one growth, the backing refuses the second one and
//!   `memory.grow` returns -1 to wasm, although the type would allow it;
//! - a memory64 module declaring more than 4 GiB (100000 pages) grows to 4
//!   pages and accesses them at a high static offset; an access at 4 GiB
//!   traps;
//! - a creator that serves at most 1 MiB refuses a memory without maximum:
//!   instantiation fails with a typed error naming the memory.
//!
//! `cargo run -p strata-api --features jit,aot --example custom_memory`.

mod counting;

use std::sync::Arc;

use counting::CountingCreator;
use strata_api::{Config, Engine, Error, Linker, MemoryError, Module, Store, TrapCode};

/// A memory32 memory of 1 to 8 pages, with `grow`, `store` and `load`.
const MEMORY32: &str = r#"(module
  (memory (export "memory") 1 8)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0))))"#;

/// A memory64 memory declaring up to 100000 pages (6.1 GiB); accesses use a
/// static offset of 128 KiB.
const MEMORY64: &str = r#"(module
  (memory (export "memory") i64 1 100000)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "store") (param i64 i64) (i64.store offset=0x20000 (local.get 0) (local.get 1)))
  (func (export "load") (param i64) (result i64) (i64.load offset=0x20000 (local.get 0))))"#;

/// A memory32 memory without maximum.
const UNBOUNDED: &str = r#"(module (memory (export "memory") 1))"#;

/// The tiers built in, by name, with their configuration.
fn tiers() -> Vec<(&'static str, Config)> {
    #[allow(unused_mut)]
    let mut tiers = vec![("interp", Config::new())];
    #[cfg(feature = "jit")]
    tiers.push((
        "jit",
        Config::new().tier(Arc::new(strata_api::Jit::default())),
    ));
    #[cfg(feature = "aot")]
    tiers.push(("aot", Config::new().tier(Arc::new(strata_api::Aot::new()))));
    tiers
}

/// A store and instance of `wat` on an engine of `config` whose memories
/// come from `creator`.
fn instantiate(
    config: &Config,
    creator: &Arc<CountingCreator>,
    wat: &str,
) -> Result<(Store<()>, strata_api::Instance), Error> {
    let engine = Engine::new(&config.clone().memory_creator(creator.clone()))?;
    let module = Module::new(&engine, wat)?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module)?;
    Ok((store, instance))
}

/// memory32: two growths, then the last 8 bytes written and read back.
fn memory32(config: &Config) -> Result<String, Box<dyn std::error::Error>> {
    let creator = Arc::new(CountingCreator::new());
    let (mut store, instance) = instantiate(config, &creator, MEMORY32)?;
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow")?;
    let store_i64 = instance.get_typed_func::<(i32, i64), ()>(&store, "store")?;
    let load = instance.get_typed_func::<i32, i64>(&store, "load")?;
    let first = grow.call(&mut store, 1)?;
    let second = grow.call(&mut store, 2)?;
    let last = 4 * 65_536 - 8;
    store_i64.call(&mut store, (last, 0x1122_3344_5566_7788))?;
    let read = load.call(&mut store, last)?;
    let memory = instance
        .get_memory(&store, "memory")
        .ok_or("no memory export")?;
    let host_view = memory.slice(&store, last as u64, 8u64)?;
    let (memories, grows, refused) = creator.counts().get();
    Ok(format!(
        "memory32: grow(1) = {first}, grow(2) = {second}, now {} pages; read back {read:#x} (host sees {:#x}); {memories} memory, {grows} grows, {refused} refused",
        memory.size(&store)?,
        u64::from_le_bytes(host_view.try_into()?),
    ))
}

/// A budget of one growth: the second `memory.grow` is refused by the
/// backing and returns -1, the size unchanged.
fn budget(config: &Config) -> Result<String, Box<dyn std::error::Error>> {
    let creator = Arc::new(CountingCreator::new().grow_budget(1));
    let (mut store, instance) = instantiate(config, &creator, MEMORY32)?;
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow")?;
    let first = grow.call(&mut store, 1)?;
    let second = grow.call(&mut store, 1)?;
    let size = grow.call(&mut store, 0)?;
    let (_, grows, refused) = creator.counts().get();
    Ok(format!(
        "budget of 1 grow: grow(1) = {first}, grow(1) = {second}, size {size}; {grows} grows, {refused} refused"
    ))
}

/// memory64 above 4 GiB declared: grow to 4 pages, access the last bytes
/// through a 128 KiB static offset, and trap at 4 GiB.
fn memory64(config: &Config) -> Result<String, Box<dyn std::error::Error>> {
    let creator = Arc::new(CountingCreator::new());
    let (mut store, instance) = instantiate(config, &creator, MEMORY64)?;
    let grow = instance.get_typed_func::<i64, i64>(&store, "grow")?;
    let store_i64 = instance.get_typed_func::<(i64, i64), ()>(&store, "store")?;
    let load = instance.get_typed_func::<i64, i64>(&store, "load")?;
    let old = grow.call(&mut store, 3)?;
    let addr = 4 * 65_536 - 8 - 0x20000;
    store_i64.call(&mut store, (addr, 0x0102_0304_0506_0708))?;
    let read = load.call(&mut store, addr)?;
    let trap = match load.call(&mut store, 1 << 32) {
        Ok(v) => format!("read {v} (unexpected)"),
        Err(e) if e.trap().map(|t| t.code()) == Some(TrapCode::MemoryOutOfBounds) => {
            "traps".to_owned()
        }
        Err(e) => return Err(e.into()),
    };
    let (_, grows, _) = creator.counts().get();
    Ok(format!(
        "memory64: grow(3) = {old}; at {:#x} read back {read:#x}; at 4 GiB + 128 KiB {trap}; {grows} grow",
        addr + 0x20000
    ))
}

/// A creator serving at most 1 MiB refuses a memory that may grow to 4 GiB.
fn refused(config: &Config) -> Result<String, Box<dyn std::error::Error>> {
    let creator = Arc::new(CountingCreator::new().max_bytes(1 << 20));
    match instantiate(config, &creator, UNBOUNDED) {
        Ok(_) => Err("the creator should have refused".into()),
        Err(e) => match e.memory_error() {
            Some(MemoryError::Creator { .. }) => Ok(format!("refused: {e}")),
            _ => Err(e.into()),
        },
    }
}

/// Every scenario in every tier; one line per scenario.
fn run() -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    for (tier, config) in tiers() {
        for scenario in [memory32, budget, memory64, refused] {
            out.push_str(&format!("{tier}: {}\n", scenario(&config)?));
        }
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", run()?);
    Ok(())
}

#[test]
fn example_runs() -> Result<(), Box<dyn std::error::Error>> {
    let mut expected = String::new();
    for (tier, _) in tiers() {
        expected.push_str(&format!(
            "{tier}: memory32: grow(1) = 1, grow(2) = 2, now 4 pages; read back 0x1122334455667788 (host sees 0x1122334455667788); 1 memory, 2 grows, 0 refused\n\
             {tier}: budget of 1 grow: grow(1) = 1, grow(1) = -1, size 2; 1 grows, 1 refused\n\
             {tier}: memory64: grow(3) = 1; at 0x3fff8 read back 0x102030405060708; at 4 GiB + 128 KiB traps; 1 grow\n\
             {tier}: refused: failed to instantiate module: memory 0: the memory creator refused the memory: this creator serves memories of at most 1048576 bytes, not 4294967296\n"
        ));
    }
    assert_eq!(run()?, expected);
    Ok(())
}
