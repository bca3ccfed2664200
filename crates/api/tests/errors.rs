//! Every error path of the embedding API: each test asserts the error's kind
//! and its message.
#![cfg(feature = "interp")]

use strata_api::{
    Caller, Config, Engine, Error, ErrorKind, Func, FuncType, GrowError, GuestAddr, GuestSize,
    IndexType, Limits, Linker, Memory, MemoryAccessError, MemoryType, Module, Store, StoreLimits,
    Trap, TrapCode, Val, ValType,
};

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, wat).unwrap_or_else(|e| panic!("test module does not load: {e}"))
}

fn memory_type(index: IndexType, min: u64, max: Option<u64>) -> MemoryType {
    MemoryType {
        index,
        limits: Limits { min, max },
        shared: false,
        page_size_log2: 16,
    }
}

#[test]
fn load_errors() {
    let engine = Engine::default();
    let err = Module::new(&engine, b"\0asm\x02\0\0\0").expect_err("bad version");
    assert_eq!(err.kind(), ErrorKind::Malformed);
    assert!(
        err.to_string()
            .starts_with("failed to load module: malformed"),
        "{err}"
    );
    assert!(err.load_error().is_some());

    let err = Module::new(&engine, "(module (func (result i32) (i64.const 0)))")
        .expect_err("type mismatch");
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(
        err.to_string()
            .starts_with("failed to load module: invalid"),
        "{err}"
    );
    assert!(err.to_string().contains("type mismatch"), "{err}");

    let err = Module::new(&engine, "(module (func").expect_err("unclosed text");
    assert_eq!(err.kind(), ErrorKind::Malformed);
}

#[test]
fn unknown_import_is_named() {
    let engine = Engine::default();
    let m = module(&engine, r#"(module (import "env" "missing" (func)))"#);
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &m)
        .expect_err("undefined import");
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "failed to link module: unknown import: function `env`.`missing` was not provided"
    );
    assert!(err.link_error().is_some());
}

#[test]
fn mismatched_extern_imports_show_both_types() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module (import "env" "f" (func (param i32))) (import "env" "mem" (memory 1)))"#,
    );
    let mut store = Store::new(&engine, ());
    let wrong_func = Func::new(&mut store, FuncType::new([ValType::I64], []), |_, _, _| {
        Ok(())
    });
    let right_func = Func::new(&mut store, FuncType::new([ValType::I32], []), |_, _, _| {
        Ok(())
    });
    let mem64 = Memory::new(&mut store, memory_type(IndexType::I64, 1, None)).expect("memory");
    let mut linker = Linker::new(&engine);
    linker.define("env", "f", wrong_func).expect("define");
    linker.define("env", "mem", mem64).expect("define");
    let err = linker.instantiate(&mut store, &m).expect_err("func type");
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for function `env`.`f`: expected (func (param i32)), found (func (param i64))"
    );

    linker.define("env", "f", right_func).expect("define");
    let err = linker
        .instantiate(&mut store, &m)
        .expect_err("memory index type");
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for memory `env`.`mem`: expected (memory i32 1), found (memory i64 1)"
    );

    linker.define("env", "mem", right_func).expect("define");
    let err = linker.instantiate(&mut store, &m).expect_err("kind");
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for memory `env`.`mem`: expected (memory i32 1), found (func (param i32))"
    );
}

#[test]
fn width_generic_host_function_mismatches_name_both_signatures() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .func_wrap(
            "env",
            "write",
            |_: Caller<'_, ()>, _ptr: GuestAddr, _len: GuestSize| {},
        )
        .expect("define");
    linker
        .func_wrap("env", "one", |_: Caller<'_, ()>, x: i32| x)
        .expect("define");
    let mut store = Store::new(&engine, ());

    // A memory32 module importing the pointer pair as i64.
    let m = module(
        &engine,
        r#"(module (import "env" "write" (func (param i64 i64))) (memory 1))"#,
    );
    let err = linker
        .instantiate(&mut store, &m)
        .expect_err("i64 pointer into memory32");
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for function `env`.`write`: expected (func (param i64 i64)), \
         found host function (func (param ptr len)), i.e. (func (param i32 i32)) for a memory32 module"
    );

    // The same import is right for a memory64 module.
    let m64 = module(
        &engine,
        r#"(module (import "env" "write" (func (param i64 i64))) (memory i64 1))"#,
    );
    linker
        .instantiate(&mut store, &m64)
        .expect("i64 pointer into memory64");

    // No memory at all.
    let m = module(
        &engine,
        r#"(module (import "env" "write" (func (param i32 i32))))"#,
    );
    let err = linker.instantiate(&mut store, &m).expect_err("no memory");
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for function `env`.`write`: expected (func (param i32 i32)), \
         found host function (func (param ptr len)), which takes guest addresses or sizes, but the module has no memory"
    );

    // Wrong arity, and a host function where a memory is expected.
    let m = module(
        &engine,
        r#"(module (import "env" "one" (func (param i32 i32) (result i32))))"#,
    );
    let err = linker.instantiate(&mut store, &m).expect_err("arity");
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for function `env`.`one`: expected (func (param i32 i32) (result i32)), \
         found host function (func (param i32) (result i32))"
    );
    let m = module(&engine, r#"(module (import "env" "one" (memory 1)))"#);
    let err = linker.instantiate(&mut store, &m).expect_err("kind");
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for memory `env`.`one`: expected (memory i32 1), \
         found host function (func (param i32) (result i32))"
    );
}

#[test]
fn resource_limits_at_instantiation_name_the_limit() {
    let engine = Engine::default();
    let linker = Linker::<()>::new(&engine);

    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().instances(1));
    let empty = module(&engine, "(module)");
    linker
        .instantiate(&mut store, &empty)
        .expect("first instance");
    let err = linker
        .instantiate(&mut store, &empty)
        .expect_err("second instance");
    assert_eq!(err.kind(), ErrorKind::Resource);
    assert_eq!(
        err.to_string(),
        "failed to instantiate module: store limit reached: the store allows at most 1 instances"
    );

    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().total_memory_bytes(100_000));
    let two = module(&engine, "(module (memory 1) (memory 1))");
    let err = linker
        .instantiate(&mut store, &two)
        .expect_err("total memory");
    assert_eq!(err.kind(), ErrorKind::Resource);
    assert_eq!(
        err.to_string(),
        "failed to instantiate module: store limit reached: memory 1: a memory of 65536 bytes would bring \
         the store's memories to 131072 bytes, over its limit of 100000 bytes"
    );

    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().memories(1));
    let err = linker
        .instantiate(&mut store, &two)
        .expect_err("memory count");
    assert_eq!(
        err.to_string(),
        "failed to instantiate module: store limit reached: the store allows at most 1 memories"
    );

    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().table_elements(10));
    let table = module(&engine, "(module (table 100 funcref))");
    let err = linker
        .instantiate(&mut store, &table)
        .expect_err("table cap");
    assert_eq!(err.kind(), ErrorKind::Resource);
    assert_eq!(
        err.to_string(),
        "failed to instantiate module: table 0: table minimum of 100 elements exceeds the configured cap of 10 elements"
    );

    // The spec's largest memory64 loads, and is refused with the cap named.
    let engine = Engine::new(&Config::new().max_memory_bytes(1 << 30)).expect("engine");
    let huge = module(&engine, "(module (memory i64 281474976710656))");
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &huge)
        .expect_err("2^48 pages");
    assert_eq!(err.kind(), ErrorKind::Resource);
    assert!(
        err.to_string()
            .contains("(281474976710656 pages) exceeds the configured cap of 1073741824 bytes"),
        "{err}"
    );
    let err = Memory::new(&mut store, memory_type(IndexType::I64, 1 << 48, None))
        .expect_err("host memory over the cap");
    assert_eq!(err.kind(), ErrorKind::Resource);
    assert!(
        err.to_string()
            .starts_with("resource limit: host memory: memory minimum"),
        "{err}"
    );
}

#[test]
fn traps_carry_code_and_backtrace() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
             (func $inner (unreachable))
             (func $outer (export "outer") (call $inner)))"#,
    );
    let mut store = Store::new(&engine, ());
    let outer = Linker::new(&engine)
        .instantiate(&mut store, &m)
        .and_then(|i| i.get_typed_func::<(), ()>(&store, "outer"))
        .expect("outer");
    let err = outer.call(&mut store, ()).expect_err("unreachable");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::Unreachable));
    let frames: Vec<(u32, &str)> = err
        .frames()
        .iter()
        .map(|f| (f.func.0, f.name.as_str()))
        .collect();
    assert_eq!(frames, [(0, "inner"), (1, "outer")]);
    let text = err.to_string();
    assert!(
        text.starts_with("wasm trap: unreachable\n  at inner (func 0)"),
        "{text}"
    );
    assert!(text.contains("\n  at outer (func 1)"), "{text}");
}

#[test]
fn host_traps_and_memory_errors_unwind_the_guest() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .func_wrap("env", "fail", |_: Caller<'_, ()>| -> Result<(), Trap> {
            Err(Trap::host("boom"))
        })
        .expect("define");
    linker
        .func_wrap(
            "env",
            "peek",
            |caller: Caller<'_, ()>, ptr: GuestAddr| -> Result<u64, Trap> {
                let memory = caller.memory().ok_or_else(|| Trap::host("no memory"))?;
                let mut buf = [0; 8];
                memory.read(&caller, ptr, &mut buf)?;
                Ok(u64::from_le_bytes(buf))
            },
        )
        .expect("define");
    let m = module(
        &engine,
        r#"(module
             (import "env" "fail" (func $fail))
             (import "env" "peek" (func $peek (param i64) (result i64)))
             (memory i64 1)
             (func (export "fail") (call $fail))
             (func (export "peek") (param i64) (result i64) (call $peek (local.get 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    let inst = linker.instantiate(&mut store, &m).expect("instance");
    let err = inst
        .get_typed_func::<(), ()>(&store, "fail")
        .and_then(|f| f.call(&mut store, ()))
        .expect_err("host trap");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::HostError));
    assert!(
        err.to_string()
            .starts_with("wasm trap: host function error in `env.fail`: boom"),
        "{err}"
    );
    assert_eq!(err.trap().and_then(|t| t.host_function()), Some("env.fail"));

    let peek = inst
        .get_typed_func::<u64, u64>(&store, "peek")
        .expect("peek");
    assert_eq!(peek.call(&mut store, 0).expect("in bounds"), 0);
    let err = peek.call(&mut store, 65_530).expect_err("crosses the end");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::HostError));
    assert!(
        err.to_string().starts_with(
            "wasm trap: host function error in `env.peek`: out of bounds memory access: 8 bytes at 0xfffa in a memory of 65536 bytes"
        ),
        "{err}"
    );
    let err = peek.call(&mut store, u64::MAX - 3).expect_err("wraps");
    assert!(
        err.to_string().contains("8 bytes at 0xfffffffffffffffc in a memory of 65536 bytes (address + length overflows 64 bits)"),
        "{err}"
    );
}

#[test]
fn host_memory_access_is_checked_and_typed() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mem = Memory::new(&mut store, memory_type(IndexType::I64, 1, Some(3))).expect("memory");
    assert_eq!(mem.index_type(&store).ok(), Some(IndexType::I64));
    assert_eq!(
        (mem.size(&store).ok(), mem.size_bytes(&store).ok()),
        (Some(1), Some(65_536))
    );
    mem.write(&mut store, GuestAddr(65_532), b"wxyz")
        .expect("last bytes");
    let mut buf = [0; 4];
    mem.read(&store, GuestAddr(65_532), &mut buf)
        .expect("read back");
    assert_eq!(&buf, b"wxyz");
    assert_eq!(mem.slice(&store, 65_534u64, 2u64).expect("slice"), b"yz");
    mem.slice_mut(&mut store, 0u64, 2u64)
        .expect("slice_mut")
        .copy_from_slice(b"ab");
    assert_eq!(&mem.data(&store).expect("data")[..2], b"ab");

    let oob = MemoryAccessError::OutOfBounds {
        addr: GuestAddr(65_533),
        len: 4,
        size: 65_536,
    };
    assert_eq!(mem.write(&mut store, GuestAddr(65_533), b"wxyz"), Err(oob));
    assert_eq!(mem.read(&store, GuestAddr(65_533), &mut buf), Err(oob));
    assert_eq!(mem.slice(&store, GuestAddr(65_533), 4u64), Err(oob));
    assert_eq!(mem.slice_mut(&mut store, GuestAddr(65_533), 4u64), Err(oob));
    assert_eq!(
        oob.to_string(),
        "out of bounds memory access: 4 bytes at 0xfffd in a memory of 65536 bytes"
    );
    let wrap = mem
        .slice(&store, GuestAddr(u64::MAX), 2u64)
        .expect_err("overflow");
    assert_eq!(
        wrap.to_string(),
        "out of bounds memory access: 2 bytes at 0xffffffffffffffff in a memory of 65536 bytes (address + length overflows 64 bits)"
    );
    let above_4g = mem
        .slice(&store, GuestAddr(1 << 32), 1u64)
        .expect_err("above 4 GiB");
    assert!(
        above_4g.to_string().contains("at 0x100000000"),
        "{above_4g}"
    );
    let err = Error::from(oob);
    assert_eq!(err.kind(), ErrorKind::MemoryAccess);
    assert_eq!(err.memory_access_error(), Some(&oob));
    assert_eq!(err.to_string(), oob.to_string());
}

#[test]
fn grow_returns_the_old_size_or_names_the_limit() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mem = Memory::new(&mut store, memory_type(IndexType::I64, 1, Some(3))).expect("memory");
    mem.write(&mut store, GuestAddr(10), b"keep")
        .expect("write");
    assert_eq!(mem.grow(&mut store, 0), Ok(1));
    assert_eq!(mem.grow(&mut store, 1), Ok(1));
    let err = mem
        .grow(&mut store, 2)
        .expect_err("over the type's maximum");
    assert_eq!(
        err,
        GrowError::MaximumExceeded {
            current_pages: 2,
            delta_pages: 2,
            max_pages: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "growing a memory of 2 pages by 2 pages exceeds its maximum of 3 pages"
    );
    let err = mem
        .grow(&mut store, u64::MAX)
        .expect_err("overflowing delta");
    assert!(matches!(err, GrowError::MaximumExceeded { .. }), "{err}");
    let err = Error::from(err);
    assert_eq!(err.kind(), ErrorKind::Resource);
    assert!(
        err.to_string()
            .starts_with("memory.grow refused: growing a memory"),
        "{err}"
    );

    let unbounded = Memory::new(&mut store, memory_type(IndexType::I32, 1, None)).expect("memory");
    store.set_limits(StoreLimits::new().total_memory_bytes(4 << 16));
    let err = unbounded.grow(&mut store, 2).expect_err("total limit");
    assert_eq!(
        err.to_string(),
        "growing the memory needs 327680 bytes, over the store's total memory limit of 262144 bytes"
    );
    store.set_limits(
        StoreLimits::new()
            .total_memory_bytes(u64::MAX)
            .memory_bytes(2 << 16),
    );
    let err = unbounded.grow(&mut store, 2).expect_err("per-memory limit");
    assert_eq!(
        err.to_string(),
        "growing the memory needs 196608 bytes, over the store's per-memory limit of 131072 bytes"
    );
    assert_eq!(unbounded.grow(&mut store, 1), Ok(1));
    assert_eq!(unbounded.size(&store).ok(), Some(2));
    assert_eq!(mem.slice(&store, 10u64, 4u64).expect("intact"), b"keep");
}

#[test]
fn wasm_grow_past_store_limits_returns_minus_one() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
             (memory (export "mem") i64 1)
             (table (export "tab") 1 funcref)
             (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
             (func (export "grow_table") (param i32) (result i32)
               (table.grow (ref.null func) (local.get 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &m)
        .expect("instance");
    store.set_limits(
        StoreLimits::new()
            .total_memory_bytes(3 << 16)
            .table_elements(4),
    );
    let grow = inst
        .get_typed_func::<i64, i64>(&store, "grow")
        .expect("grow");
    assert_eq!(grow.call(&mut store, 2).expect("grow"), 1);
    assert_eq!(grow.call(&mut store, 1).expect("grow"), -1);
    assert_eq!(grow.call(&mut store, 1 << 40).expect("grow"), -1);
    assert_eq!(store.runtime().total_memory_bytes(), 3 << 16);
    let grow_table = inst
        .get_typed_func::<i32, i32>(&store, "grow_table")
        .expect("grow_table");
    assert_eq!(grow_table.call(&mut store, 3).expect("grow"), 1);
    assert_eq!(grow_table.call(&mut store, 1).expect("grow"), -1);
    let table = inst.get_table(&store, "tab").expect("table");
    let err = table
        .grow(&mut store, 1, Val::FuncRef(None))
        .expect_err("host table grow");
    assert_eq!(err.kind(), ErrorKind::Resource);
    assert_eq!(
        err.to_string(),
        "resource limit: table.grow of a table of 4 elements by 1 elements refused (type maximum: none, store limit: 4 elements)"
    );
}

#[test]
fn typed_function_errors() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module (memory (export "mem") 1)
             (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
             (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &m)
        .expect("instance");
    let add = inst
        .get_typed_func::<(i32, i32), i32>(&store, "add")
        .expect("add");
    assert_eq!(add.call(&mut store, (2, 40)).expect("call"), 42);

    let err = inst
        .get_typed_func::<i64, i32>(&store, "add")
        .expect_err("mismatch");
    assert_eq!(err.kind(), ErrorKind::Type);
    assert_eq!(
        err.to_string(),
        "type error: function type mismatch: the function has type (func (param i32 i32) (result i32)), \
         the typed view asks for (func (param i64) (result i32))"
    );
    let err = inst
        .get_typed_func::<(), ()>(&store, "nope")
        .expect_err("missing");
    assert_eq!(err.kind(), ErrorKind::MissingExport);
    assert_eq!(
        err.to_string(),
        "missing export: the instance has no export `nope`"
    );
    let err = inst
        .get_typed_func::<(), ()>(&store, "mem")
        .expect_err("not a function");
    assert_eq!(err.kind(), ErrorKind::Type);
    assert_eq!(
        err.to_string(),
        "type error: the instance's export `mem` is a memory, not a function"
    );

    let load = inst
        .get_typed_func::<GuestAddr, u32>(&store, "load")
        .expect("ptr is i32 here");
    assert_eq!(load.call(&mut store, GuestAddr(3)).expect("load"), 0);
    let err = load
        .call(&mut store, GuestAddr(1 << 32))
        .expect_err("does not fit");
    assert_eq!(err.kind(), ErrorKind::Type);
    assert_eq!(
        err.to_string(),
        "type error: guest address 0x100000000 does not fit the i32 index type of a memory32 memory"
    );
    let err = inst
        .get_typed_func::<GuestSize, u32>(&store, "add")
        .expect_err("arity");
    assert!(
        err.to_string().ends_with(
            "asks for (func (param len) (result i32)), i.e. (func (param i32) (result i32))"
        ),
        "{err}"
    );

    let host = Func::new(&mut store, FuncType::new([ValType::I32], []), |_, _, _| {
        Ok(())
    });
    let err = host
        .typed::<GuestAddr, ()>(&store)
        .expect_err("host function, no memory");
    assert_eq!(
        err.to_string(),
        "type error: typed function (func (param ptr)) takes guest addresses or sizes, but the function (func (param i32)) has no memory"
    );
    let err = add
        .func()
        .call(&mut store, &[Val::I32(1)])
        .expect_err("untyped arity");
    assert_eq!(
        err.to_string(),
        "type error: argument type mismatch: expected [i32 i32], given [i32]"
    );
}

#[test]
fn host_results_that_do_not_fit_memory32_trap() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .func_wrap("env", "alloc", |_: Caller<'_, ()>| GuestAddr(1 << 32))
        .expect("define");
    let m = module(
        &engine,
        r#"(module (import "env" "alloc" (func $alloc (result i32))) (memory 1)
             (func (export "run") (result i32) (call $alloc)))"#,
    );
    let mut store = Store::new(&engine, ());
    let run = linker
        .instantiate(&mut store, &m)
        .and_then(|i| i.get_typed_func::<(), u32>(&store, "run"))
        .expect("run");
    let err = run.call(&mut store, ()).expect_err("address too large");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::HostError));
    assert!(
        err.to_string().starts_with(
            "wasm trap: host function error in `env.alloc`: host function result: guest address 0x100000000 does not fit the i32 index type of a memory32 memory"
        ),
        "{err}"
    );
}

#[test]
fn fuel_and_foreign_handles() {
    let engine = Engine::new(&Config::new().consume_fuel(true)).expect("engine");
    let m = module(
        &engine,
        r#"(module (func (export "f") (result i32) (i32.const 7)))"#,
    );
    let mut store = Store::new(&engine, ());
    assert_eq!(store.fuel(), Some(0));
    let f = Linker::new(&engine)
        .instantiate(&mut store, &m)
        .and_then(|i| i.get_typed_func::<(), i32>(&store, "f"))
        .expect("f");
    let err = f.call(&mut store, ()).expect_err("no fuel");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::OutOfFuel));
    assert!(
        err.to_string().starts_with("wasm trap: all fuel consumed"),
        "{err}"
    );
    store.set_fuel(5);
    assert_eq!(f.call(&mut store, ()).expect("fueled"), 7);
    assert_eq!(store.fuel(), Some(4));
    store.disable_fuel();
    assert_eq!(store.fuel(), None);

    // A handle of another store is refused, naming the import and both
    // stores (even where the smaller store has no entity at that address).
    let mut big = Store::new(&engine, ());
    for _ in 0..3 {
        Func::new(&mut big, FuncType::new([], []), |_, _, _| Ok(()));
    }
    let foreign = Func::new(&mut big, FuncType::new([], []), |_, _, _| Ok(()));
    let importer = module(&engine, r#"(module (import "env" "f" (func)))"#);
    let mut small = Store::new(&engine, ());
    let err = strata_api::Instance::new(&mut small, &importer, &[foreign.into()])
        .expect_err("foreign handle");
    assert_eq!(err.kind(), ErrorKind::WrongStore);
    assert_eq!(
        err.to_string(),
        format!(
            "wrong store: import 0 (env.f): a Func of store {} used with store {}",
            big.id(),
            small.id()
        )
    );
}

#[test]
fn module_types_show_index_types_and_limits() {
    let engine = Engine::default();
    let m = module(
        &engine,
        r#"(module
             (import "env" "mem" (memory i64 1 65537))
             (import "env" "f" (func (param i64 i32) (result f64)))
             (table (export "t64") i64 2 10 funcref)
             (memory (export "m32") 1 2)
             (global (export "g") (mut i64) (i64.const 0)))"#,
    );
    let imports: Vec<String> = m
        .imports()
        .map(|i| format!("{}.{}: {}", i.module(), i.name(), i.ty()))
        .collect();
    assert_eq!(
        imports,
        [
            "env.mem: (memory i64 1 65537)",
            "env.f: (func (param i64 i32) (result f64))"
        ]
    );
    let exports: Vec<String> = m
        .exports()
        .map(|e| format!("{}: {}", e.name(), e.ty()))
        .collect();
    assert_eq!(
        exports,
        [
            "t64: (table i64 2 10 funcref)",
            "m32: (memory i32 1 2)",
            "g: (global (mut i64))"
        ]
    );
}

#[test]
fn func_wrap_fixes_the_index_type() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, 0u64);
    let f = Func::wrap(
        &mut store,
        IndexType::I32,
        |mut caller: Caller<'_, u64>, ptr: GuestAddr| *caller.data_mut() = ptr.get(),
    );
    assert_eq!(f.ty(&store).ok(), Some(FuncType::new([ValType::I32], [])));
    f.call(&mut store, &[Val::I32(-1)]).expect("direct call");
    assert_eq!(
        *store.data(),
        u64::from(u32::MAX),
        "i32 addresses are zero-extended"
    );
    let m = module(
        &engine,
        r#"(module (import "env" "f" (func (param i64))) (memory i64 1))"#,
    );
    let mut linker = Linker::new(&engine);
    linker.define("env", "f", f).expect("define");
    let err = linker
        .instantiate(&mut store, &m)
        .expect_err("i32 host function, i64 import");
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "failed to link module: incompatible import type for function `env`.`f`: expected (func (param i64)), found (func (param i32))"
    );
}

#[test]
fn unsupported_and_instantiation_traps() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut shared = memory_type(IndexType::I32, 1, Some(1));
    shared.shared = true;
    let err = Memory::new(&mut store, shared).expect_err("shared memory");
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert_eq!(
        err.to_string(),
        "unsupported: host memory: shared memories are not supported"
    );

    let linker = Linker::new(&engine);
    let segment = module(
        &engine,
        r#"(module (memory 1) (data (i32.const 65535) "ab"))"#,
    );
    let err = linker
        .instantiate(&mut store, &segment)
        .expect_err("segment out of bounds");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::MemoryOutOfBounds));
    assert_eq!(
        err.to_string(),
        "wasm trap during instantiation: out of bounds memory access"
    );
    let start = module(&engine, "(module (func $s (unreachable)) (start $s))");
    let err = linker
        .instantiate(&mut store, &start)
        .expect_err("start traps");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::Unreachable));
    assert!(
        err.to_string()
            .starts_with("wasm trap during instantiation: unreachable\n  at s (func 0)"),
        "{err}"
    );
    assert_eq!(err.frames().len(), 1);
}
