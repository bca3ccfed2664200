//! Embedder-supplied memory in every tier: memories whose backing comes from
//! a `MemoryCreator` (the counting creator of the `custom_memory` example)
//! count their growth, keep their contents, refuse growth as -1 to wasm,
//! and a refusing creator fails instantiation — or `Memory::new` — with a
//! typed error naming the memory. memory64 memories declared over 4 GiB grow
//! and are accessed at high offsets and past 4 GiB.
//!
//! Run every tier: `cargo test -p strata-api --features jit,aot --test custom_memory`.
#![cfg(any(feature = "interp", feature = "jit", feature = "aot"))]

#[path = "../examples/custom_memory/counting.rs"]
mod counting;

use std::sync::Arc;

use counting::CountingCreator;
use strata_api::{
    Config, Engine, ErrorKind, GrowError, IndexType, Instance, Limits, Linker, Memory, MemoryError,
    MemoryType, Module, Store, TrapCode,
};

/// Grows its memory by one page `n` times from wasm, writing the new page's
/// number at its first and last 4 bytes, then sums every such word read
/// back; `grow` is `memory.grow`.
const GROW_LOOP: &str = r#"(module
  (memory (export "memory") 1 16)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "run") (param $n i32) (result i32)
    (local $page i32) (local $sum i32)
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $page (memory.grow (i32.const 1)))
        (br_if $done (i32.lt_s (local.get $page) (i32.const 0)))
        (i32.store (i32.mul (local.get $page) (i32.const 65536)) (local.get $page))
        (i32.store offset=65532 (i32.mul (local.get $page) (i32.const 65536)) (local.get $page))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $more)))
    (local.set $page (i32.sub (memory.size) (i32.const 1)))
    (block $summed
      (loop $each
        (br_if $summed (i32.eqz (local.get $page)))
        (local.set $sum (i32.add (local.get $sum)
          (i32.add
            (i32.load (i32.mul (local.get $page) (i32.const 65536)))
            (i32.load offset=65532 (i32.mul (local.get $page) (i32.const 65536))))))
        (local.set $page (i32.sub (local.get $page) (i32.const 1)))
        (br $each)))
    (local.get $sum)))"#;

/// memory64 declaring 100000 pages (over 4 GiB): `grow`, and `store`/`load`
/// with a static offset of 4 GiB.
const MEMORY64: &str = r#"(module
  (memory (export "memory") i64 1 100000)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "store") (param i64 i64) (i64.store offset=0x100000000 (local.get 0) (local.get 1)))
  (func (export "load") (param i64) (result i64) (i64.load offset=0x100000000 (local.get 0)))
  (func (export "load0") (param i64) (result i64) (i64.load (local.get 0))))"#;

/// Two memories: the first bounded, the second without maximum.
const TWO_MEMORIES: &str = r#"(module
  (memory (export "small") 1 2)
  (memory (export "unbounded") 1))"#;

fn engine(config: &Config, creator: &Arc<CountingCreator>) -> Engine {
    Engine::new(&config.clone().memory_creator(creator.clone()))
        .unwrap_or_else(|e| panic!("engine: {e}"))
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).unwrap_or_else(|e| panic!("module: {e}"));
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    (store, instance)
}

fn memory(store: &Store<()>, instance: &Instance, name: &str) -> Memory {
    instance
        .get_memory(store, name)
        .unwrap_or_else(|| panic!("no memory export `{name}`"))
}

/// Growth from wasm is counted once per `memory.grow`, and the contents
/// written after each growth read back, from wasm and from the host.
fn grows_are_counted(config: Config) {
    let creator = Arc::new(CountingCreator::new());
    let (mut store, instance) = instantiate(&engine(&config, &creator), GROW_LOOP);
    let run = instance
        .get_typed_func::<i32, i32>(&store, "run")
        .unwrap_or_else(|e| panic!("run: {e}"));
    let sum = run
        .call(&mut store, 5)
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(sum, 2 * (1 + 2 + 3 + 4 + 5));
    assert_eq!(creator.counts().get(), (1, 5, 0));
    let mem = memory(&store, &instance, "memory");
    assert_eq!(mem.size(&store).ok(), Some(6));
    let data = mem.data(&store).unwrap_or_else(|e| panic!("data: {e}"));
    assert_eq!(data[3 * 65_536..][..4], 3u32.to_le_bytes());
    assert_eq!(data[6 * 65_536 - 4..], 5u32.to_le_bytes());
    // `memory.grow 0` and a growth over the maximum do not reach the backing.
    let grow = instance
        .get_typed_func::<i32, i32>(&store, "grow")
        .unwrap_or_else(|e| panic!("grow: {e}"));
    assert_eq!(grow.call(&mut store, 0).ok(), Some(6));
    assert_eq!(grow.call(&mut store, 100).ok(), Some(-1));
    assert_eq!(creator.counts().get(), (1, 5, 0));
    // Growth by the host goes through the same backing.
    assert_eq!(mem.grow(&mut store, 2), Ok(6));
    assert_eq!(creator.counts().get(), (1, 6, 0));
}

/// A backing that refuses growth makes `memory.grow` return -1 to wasm,
/// the memory unchanged, and the host's `Memory::grow` an error.
fn refused_grow_is_minus_one(config: Config) {
    let creator = Arc::new(CountingCreator::new().grow_budget(2));
    let (mut store, instance) = instantiate(&engine(&config, &creator), GROW_LOOP);
    let run = instance
        .get_typed_func::<i32, i32>(&store, "run")
        .unwrap_or_else(|e| panic!("run: {e}"));
    // The loop stops at the first -1: pages 1 and 2 were written.
    assert_eq!(run.call(&mut store, 5).ok(), Some(2 * (1 + 2)));
    assert_eq!(creator.counts().get(), (1, 2, 1));
    let grow = instance
        .get_typed_func::<i32, i32>(&store, "grow")
        .unwrap_or_else(|e| panic!("grow: {e}"));
    assert_eq!(grow.call(&mut store, 1).ok(), Some(-1));
    let mem = memory(&store, &instance, "memory");
    assert_eq!(mem.size(&store).ok(), Some(3));
    assert!(
        matches!(
            mem.grow(&mut store, 1),
            Err(GrowError::OutOfHostMemory { .. })
        ),
        "the host's grow is refused too"
    );
    assert_eq!(creator.counts().get(), (1, 2, 3));
    let data = mem.data(&store).unwrap_or_else(|e| panic!("data: {e}"));
    assert_eq!(data[2 * 65_536..][..4], 2u32.to_le_bytes());
}

/// A creator's refusal fails instantiation with a typed error naming the
/// memory, and `Memory::new` with the same error.
fn refusing_creator_is_a_typed_error(config: Config) {
    let creator = Arc::new(CountingCreator::new().max_bytes(1 << 20));
    let engine = engine(&config, &creator);
    let module = Module::new(&engine, TWO_MEMORIES).unwrap_or_else(|e| panic!("module: {e}"));
    let mut store = Store::new(&engine, ());
    let err = match Linker::new(&engine).instantiate(&mut store, &module) {
        Ok(_) => panic!("the creator must refuse the unbounded memory"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::Instantiation, "{err}");
    assert!(
        matches!(err.memory_error(), Some(MemoryError::Creator { .. })),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "failed to instantiate module: memory 1: the memory creator refused the memory: \
         this creator serves memories of at most 1048576 bytes, not 4294967296"
    );
    // The first memory was created before the refusal.
    assert_eq!(creator.counts().get(), (1, 0, 0));

    let unbounded = MemoryType {
        index: IndexType::I64,
        limits: Limits { min: 1, max: None },
        shared: false,
        page_size_log2: 16,
    };
    let err = Memory::new(&mut store, unbounded).expect_err("refused host memory");
    assert!(
        matches!(err.memory_error(), Some(MemoryError::Creator { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("host memory: the memory creator refused"),
        "{err}"
    );
    let bounded = MemoryType {
        limits: Limits {
            min: 1,
            max: Some(16),
        },
        ..unbounded
    };
    let host = Memory::new(&mut store, bounded).unwrap_or_else(|e| panic!("host memory: {e}"));
    assert_eq!(host.grow(&mut store, 3), Ok(1));
    assert_eq!(creator.counts().get(), (2, 1, 0));
}

/// memory64 declared over 4 GiB, on the counting backing: grown to 4 pages
/// and accessed through a 4 GiB static offset (the address plus offset
/// checked without wrapping), then grown past 4 GiB and accessed above it
/// without aliasing the low addresses.
fn memory64_over_4gib(config: Config) {
    let creator = Arc::new(CountingCreator::new());
    let (mut store, instance) = instantiate(&engine(&config, &creator), MEMORY64);
    let grow = instance
        .get_typed_func::<i64, i64>(&store, "grow")
        .unwrap_or_else(|e| panic!("grow: {e}"));
    let store_i64 = instance
        .get_typed_func::<(i64, i64), ()>(&store, "store")
        .unwrap_or_else(|e| panic!("store: {e}"));
    let load = instance
        .get_typed_func::<i64, i64>(&store, "load")
        .unwrap_or_else(|e| panic!("load: {e}"));
    let load0 = instance
        .get_typed_func::<i64, i64>(&store, "load0")
        .unwrap_or_else(|e| panic!("load0: {e}"));
    assert_eq!(grow.call(&mut store, 3).ok(), Some(1));
    // With 4 pages, every access through the 4 GiB offset is out of bounds,
    // also one whose address would wrap it back into the memory.
    for addr in [0, 8, -(1i64 << 32), -(1i64 << 32) + 8] {
        let err = store_i64
            .call(&mut store, (addr, 1))
            .expect_err("out of bounds");
        assert_eq!(
            err.trap().map(|t| t.code()),
            Some(TrapCode::MemoryOutOfBounds),
            "{addr:#x}: {err}"
        );
    }
    assert_eq!(load0.call(&mut store, 4 * 65_536 - 8).ok(), Some(0));
    // 65537 pages: 4 GiB + 64 KiB. Only the touched pages cost memory.
    assert_eq!(grow.call(&mut store, 65_537 - 4).ok(), Some(4));
    store_i64
        .call(&mut store, (16, 0x0102_0304_0506_0708))
        .unwrap_or_else(|e| panic!("store above 4 GiB: {e}"));
    assert_eq!(load.call(&mut store, 16).ok(), Some(0x0102_0304_0506_0708));
    assert_eq!(
        load0.call(&mut store, (1 << 32) + 16).ok(),
        Some(0x0102_0304_0506_0708)
    );
    assert_eq!(
        load0.call(&mut store, 16).ok(),
        Some(0),
        "2^32 + 16 aliased 16"
    );
    let last = 65_536 - 8;
    store_i64
        .call(&mut store, (last, -1))
        .unwrap_or_else(|e| panic!("last bytes: {e}"));
    let err = load
        .call(&mut store, last + 1)
        .expect_err("one past the end");
    assert_eq!(
        err.trap().map(|t| t.code()),
        Some(TrapCode::MemoryOutOfBounds)
    );
    let mem = memory(&store, &instance, "memory");
    let high = mem
        .slice(&store, (1u64 << 32) + 16, 8u64)
        .unwrap_or_else(|e| panic!("host view: {e}"));
    assert_eq!(high, 0x0102_0304_0506_0708u64.to_le_bytes());
    assert_eq!(creator.counts().get(), (1, 2, 0));
}

/// With `memory_may_move(false)` the custom backing still serves: the
/// default backing reserves the maximum up front.
fn memories_that_may_not_move(config: Config) {
    let creator = Arc::new(CountingCreator::new());
    let config = config.memory_may_move(false);
    let (mut store, instance) = instantiate(&engine(&config, &creator), GROW_LOOP);
    let run = instance
        .get_typed_func::<i32, i32>(&store, "run")
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(
        run.call(&mut store, 15).ok(),
        Some((1..=15).sum::<i32>() * 2)
    );
    assert_eq!(creator.counts().get(), (1, 15, 0));
}

/// The tests of one tier, in a module named after it.
macro_rules! tier_tests {
    ($tier:ident, $feature:literal, $config:expr) => {
        #[cfg(feature = $feature)]
        mod $tier {
            use super::*;

            fn config() -> Config {
                $config
            }

            #[test]
            fn grows_are_counted_and_contents_kept() {
                grows_are_counted(config());
            }

            #[test]
            fn a_refused_grow_is_minus_one_to_wasm() {
                refused_grow_is_minus_one(config());
            }

            #[test]
            fn a_refusing_creator_is_a_typed_error() {
                refusing_creator_is_a_typed_error(config());
            }

            #[test]
            fn memory64_over_4gib_on_a_custom_backing() {
                memory64_over_4gib(config());
            }

            #[test]
            fn memories_that_may_not_move_grow_in_place() {
                memories_that_may_not_move(config());
            }
        }
    };
}

tier_tests!(interp, "interp", Config::new());
tier_tests!(
    jit,
    "jit",
    Config::new().tier(Arc::new(strata_api::Jit::default()))
);
tier_tests!(
    aot,
    "aot",
    Config::new().tier(Arc::new(strata_api::Aot::new()))
);
