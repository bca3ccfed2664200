//! Store-stamped handles in every tier: a `Func`, `Memory`, `Table`,
//! `Global`, `Tag` or `Instance` of one store, or a reference of one store
//! inside a `Val`, used with another store fails with
//! `ErrorKind::WrongStore` (naming the kind of handle and both stores) and
//! leaves the other store untouched; the same operations on the right store
//! work. Run a tier's tests with its feature:
//! `cargo test -p strata-api --features jit,aot --test wrong_store`.
#![cfg(any(feature = "interp", feature = "jit", feature = "aot"))]

use strata_api::{
    Caller, Config, Engine, Error, ErrorKind, Extern, Func, FuncType, Global, GlobalType,
    GrowError, GuestAddr, IndexType, Instance, Limits, Linker, Memory, MemoryAccessError, Module,
    RefType, Store, StoreId, Table, TableType, TrapCode, Val, ValType,
};

/// The module both stores instantiate.
const EXPORTS: &str = r#"(module
  (type $i2i (func (param i32) (result i32)))
  (memory (export "memory") 1 4)
  (table (export "table") 2 10 funcref)
  (global (export "counter") (mut i32) (i32.const 7))
  (global (export "fref") (mut funcref) (ref.null func))
  (tag $t (export "tag") (param i32))
  (elem declare func $double)
  (func $double (export "double") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  (func (export "get_double") (result funcref) (ref.func $double))
  (func (export "call_at") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 1) (local.get 0)))
  (func (export "is_null") (param funcref) (result i32) (ref.is_null (local.get 0)))
  (func (export "is_null_extern") (param externref) (result i32)
    (ref.is_null (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "catch_exn") (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $t (i32.const 5)))
      (unreachable)))
  (func (export "rethrow") (param exnref) (throw_ref (local.get 0))))"#;

/// A module importing one entity of each kind.
const IMPORTS: &str = r#"(module
  (import "host" "f" (func $f (param i32) (result i32)))
  (import "host" "mem" (memory 1))
  (import "host" "g" (global (mut i32)))
  (import "host" "t" (table 2 funcref))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $f (local.get 0))
      (i32.add (global.get 0) (i32.load8_u (i32.const 0))))))"#;

/// A module calling a host function that returns a `funcref`.
const HOST_RESULT: &str = r#"(module
  (import "host" "make" (func $make (result funcref)))
  (func (export "run") (result i32) (ref.is_null (call $make))))"#;

fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, wat).unwrap_or_else(|e| panic!("test module does not load: {e}"))
}

/// Two stores of one engine, each with an instance of [`EXPORTS`].
struct Two {
    engine: Engine,
    s1: Store<()>,
    s2: Store<()>,
    i1: Instance,
    i2: Instance,
}

impl Two {
    fn new(config: &Config) -> Self {
        let engine = Engine::new(config).unwrap_or_else(|e| panic!("engine: {e}"));
        let m = module(&engine, EXPORTS);
        let (mut s1, mut s2) = (Store::new(&engine, ()), Store::new(&engine, ()));
        let i1 = Instance::new(&mut s1, &m, &[]).unwrap_or_else(|e| panic!("store 1: {e}"));
        let i2 = Instance::new(&mut s2, &m, &[]).unwrap_or_else(|e| panic!("store 2: {e}"));
        assert_ne!(s1.id(), s2.id());
        Self {
            engine,
            s1,
            s2,
            i1,
            i2,
        }
    }

    /// The message every misuse of a `what` of store 1 with store 2 carries.
    fn message(&self, what: &str) -> String {
        foreign(what, self.s1.id(), self.s2.id())
    }
}

fn foreign(what: &str, handle: StoreId, store: StoreId) -> String {
    format!("a {what} of store {handle} used with store {store}")
}

fn export(store: &Store<()>, instance: Instance, name: &str) -> Extern {
    instance
        .get_export(store, name)
        .unwrap_or_else(|| panic!("no export `{name}`"))
}

fn func(store: &Store<()>, instance: Instance, name: &str) -> Func {
    export(store, instance, name)
        .into_func()
        .expect("a function")
}

fn memory(store: &Store<()>, instance: Instance) -> Memory {
    export(store, instance, "memory")
        .into_memory()
        .expect("a memory")
}

fn table(store: &Store<()>, instance: Instance) -> Table {
    export(store, instance, "table")
        .into_table()
        .expect("a table")
}

fn global(store: &Store<()>, instance: Instance, name: &str) -> Global {
    export(store, instance, name)
        .into_global()
        .expect("a global")
}

/// The error of `r`, checked to be `WrongStore` with `message` in it.
#[track_caller]
fn wrong_store<T: core::fmt::Debug>(r: Result<T, Error>, message: &str) -> Error {
    let err = r.expect_err("a handle of another store must be refused");
    assert_eq!(err.kind(), ErrorKind::WrongStore, "{err}");
    let text = err.to_string();
    assert!(text.starts_with("wrong store: "), "{text}");
    assert!(
        text.contains(message),
        "`{text}` does not contain `{message}`"
    );
    err
}

fn i32_result(r: Result<Vec<Val>, Error>) -> Result<i32, Error> {
    match r?.as_slice() {
        [Val::I32(v)] => Ok(*v),
        other => panic!("expected one i32, got {other:?}"),
    }
}

/// Calls, types and typed views of a function of store 1 with store 2.
fn calls(config: &Config) -> Result<(), Error> {
    let mut t = Two::new(config);
    let msg = t.message("Func");
    let double1 = func(&t.s1, t.i1, "double");

    wrong_store(double1.call(&mut t.s2, &[Val::I32(21)]), &msg);
    wrong_store(double1.ty(&t.s2), &msg);
    wrong_store(double1.typed::<i32, i32>(&t.s2), &msg);
    wrong_store(Extern::Func(double1).ty(&t.s2), &msg);
    let typed = double1.typed::<i32, i32>(&t.s1)?;
    wrong_store(typed.call(&mut t.s2, 21), &msg);

    // The right store.
    assert_eq!(i32_result(double1.call(&mut t.s1, &[Val::I32(21)]))?, 42);
    assert_eq!(typed.call(&mut t.s1, 4)?, 8);
    assert_eq!(
        double1.ty(&t.s1)?,
        FuncType::new([ValType::I32], [ValType::I32])
    );
    let double2 = func(&t.s2, t.i2, "double");
    assert_eq!(i32_result(double2.call(&mut t.s2, &[Val::I32(5)]))?, 10);
    Ok(())
}

/// Reads, writes and growth of a memory of store 1 with store 2.
fn memories(config: &Config) -> Result<(), Error> {
    let mut t = Two::new(config);
    let msg = t.message("Memory");
    let (m1, m2) = (memory(&t.s1, t.i1), memory(&t.s2, t.i2));
    let wrong = MemoryAccessError::WrongStore {
        memory_store: t.s1.id(),
        store: t.s2.id(),
    };

    let mut buf = [0u8; 4];
    assert_eq!(m1.read(&t.s2, GuestAddr(0), &mut buf), Err(wrong));
    assert_eq!(m1.write(&mut t.s2, GuestAddr(0), b"evil"), Err(wrong));
    assert_eq!(m1.slice(&t.s2, GuestAddr(0), 1u64), Err(wrong));
    assert_eq!(m1.slice_mut(&mut t.s2, GuestAddr(0), 1u64), Err(wrong));
    wrong_store(
        m1.write(&mut t.s2, GuestAddr(0), b"evil")
            .map_err(Error::from),
        &msg,
    );
    let grow_err = m1.grow(&mut t.s2, 1).expect_err("another store");
    assert_eq!(
        grow_err,
        GrowError::WrongStore {
            memory_store: t.s1.id(),
            store: t.s2.id()
        }
    );
    wrong_store(Err::<(), _>(Error::from(grow_err)), &msg);
    wrong_store(m1.size(&t.s2), &msg);
    wrong_store(m1.size_bytes(&t.s2), &msg);
    wrong_store(m1.ty(&t.s2), &msg);
    wrong_store(m1.index_type(&t.s2), &msg);
    wrong_store(m1.page_size(&t.s2), &msg);
    wrong_store(m1.data(&t.s2), &msg);
    wrong_store(m1.data_mut(&mut t.s2), &msg);
    wrong_store(m1.data_and_store_mut(&mut t.s2).map(|_| ()), &msg);
    // Store 2's memory is untouched.
    assert_eq!(m2.size(&t.s2)?, 1);
    assert_eq!(m2.slice(&t.s2, GuestAddr(0), 4u64)?, [0; 4]);

    // The right store.
    m1.write(&mut t.s1, GuestAddr(0), b"\x2a\x01\x02\x03")?;
    m1.read(&t.s1, GuestAddr(0), &mut buf)?;
    assert_eq!(buf, *b"\x2a\x01\x02\x03");
    assert_eq!(m1.grow(&mut t.s1, 1), Ok(1));
    assert_eq!(m1.size(&t.s1)?, 2);
    assert_eq!(m1.index_type(&t.s1)?, IndexType::I32);
    let load1 = func(&t.s1, t.i1, "load");
    assert_eq!(i32_result(load1.call(&mut t.s1, &[Val::I32(0)]))?, 0x2a);
    let load2 = func(&t.s2, t.i2, "load");
    assert_eq!(i32_result(load2.call(&mut t.s2, &[Val::I32(0)]))?, 0);
    Ok(())
}

/// Table and global accesses of store 1 with store 2, and funcrefs of store
/// 1 put into store 2's table and globals.
fn tables_and_globals(config: &Config) -> Result<(), Error> {
    let mut t = Two::new(config);
    let (table1, table2) = (table(&t.s1, t.i1), table(&t.s2, t.i2));
    let (counter1, counter2) = (
        global(&t.s1, t.i1, "counter"),
        global(&t.s2, t.i2, "counter"),
    );
    let double1 = func(&t.s1, t.i1, "double");
    let msg = t.message("Table");
    wrong_store(table1.get(&t.s2, 0), &msg);
    wrong_store(table1.set(&mut t.s2, 0, Val::FuncRef(None)), &msg);
    wrong_store(table1.grow(&mut t.s2, 1, Val::FuncRef(None)), &msg);
    wrong_store(table1.size(&t.s2), &msg);
    wrong_store(table1.ty(&t.s2), &msg);
    let msg = t.message("Global");
    wrong_store(counter1.get(&t.s2), &msg);
    wrong_store(counter1.set(&mut t.s2, Val::I32(1)), &msg);
    wrong_store(counter1.ty(&t.s2), &msg);

    // A funcref of store 1 into store 2's table and global.
    let msg = t.message("Func");
    let err = wrong_store(table2.set(&mut t.s2, 0, double1.to_val()), &msg);
    assert!(err.to_string().contains("table.set: "), "{err}");
    let err = wrong_store(table2.grow(&mut t.s2, 1, double1.to_val()), &msg);
    assert!(err.to_string().contains("table.grow: "), "{err}");
    let fref2 = global(&t.s2, t.i2, "fref");
    let err = wrong_store(fref2.set(&mut t.s2, double1.to_val()), &msg);
    assert!(err.to_string().contains("global.set: "), "{err}");
    let funcref = GlobalType {
        ty: ValType::FUNCREF,
        mutable: true,
    };
    wrong_store(Global::new(&mut t.s2, funcref, double1.to_val()), &msg);
    let ty = TableType {
        index: IndexType::I32,
        elem: RefType::FUNCREF,
        limits: Limits { min: 1, max: None },
    };
    wrong_store(Table::new(&mut t.s2, ty, double1.to_val()), &msg);
    // Store 2's entities are untouched.
    assert_eq!(table2.size(&t.s2)?, 2);
    assert_eq!(table2.get(&t.s2, 0)?, Some(Val::FuncRef(None)));
    assert_eq!(fref2.get(&t.s2)?, Val::FuncRef(None));
    assert_eq!(counter2.get(&t.s2)?, Val::I32(7));
    let call_at2 = func(&t.s2, t.i2, "call_at");
    let err = call_at2
        .call(&mut t.s2, &[Val::I32(0), Val::I32(1)])
        .expect_err("the slot is still null");
    assert_eq!(
        err.kind(),
        ErrorKind::Trap(TrapCode::UninitializedElement),
        "{err}"
    );

    // The right store: the funcref set in store 1's table is called there.
    table1.set(&mut t.s1, 1, double1.to_val())?;
    assert_eq!(table1.get(&t.s1, 1)?, Some(double1.to_val()));
    assert_eq!(table1.get(&t.s1, 99)?, None);
    let call_at1 = func(&t.s1, t.i1, "call_at");
    assert_eq!(
        i32_result(call_at1.call(&mut t.s1, &[Val::I32(1), Val::I32(8)]))?,
        16
    );
    assert_eq!(table1.grow(&mut t.s1, 1, double1.to_val())?, 2);
    assert_eq!(
        i32_result(call_at1.call(&mut t.s1, &[Val::I32(2), Val::I32(9)]))?,
        18
    );
    counter1.set(&mut t.s1, Val::I32(-3))?;
    assert_eq!(counter1.get(&t.s1)?, Val::I32(-3));
    let fref1 = global(&t.s1, t.i1, "fref");
    fref1.set(&mut t.s1, double1.to_val())?;
    assert_eq!(fref1.get(&t.s1)?, double1.to_val());
    let host = Global::new(&mut t.s1, funcref, double1.to_val())?;
    assert_eq!(host.get(&t.s1)?.func_ref(), Some(double1));
    Ok(())
}

/// References returned by store 1 and given to functions of store 2.
fn references_in_arguments(config: &Config) -> Result<(), Error> {
    let mut t = Two::new(config);
    let get1 = func(&t.s1, t.i1, "get_double");
    let [r1] = get1.call(&mut t.s1, &[])?[..] else {
        panic!("one result");
    };
    let double1 = Func::from_val(&r1).expect("a non-null funcref");
    assert_eq!(double1, func(&t.s1, t.i1, "double"));

    let is_null2 = func(&t.s2, t.i2, "is_null");
    let err = wrong_store(is_null2.call(&mut t.s2, &[r1]), &t.message("Func"));
    assert!(err.to_string().contains("argument 0: "), "{err}");
    let is_null1 = func(&t.s1, t.i1, "is_null");
    assert_eq!(i32_result(is_null1.call(&mut t.s1, &[r1]))?, 0);
    assert_eq!(
        i32_result(is_null2.call(&mut t.s2, &[Val::FuncRef(None)]))?,
        1
    );

    let e1 = t.s1.new_extern_ref(5u32);
    let is_null_extern2 = func(&t.s2, t.i2, "is_null_extern");
    wrong_store(
        is_null_extern2.call(&mut t.s2, &[e1]),
        &t.message("ExternRef"),
    );
    assert!(t.s2.extern_ref_data(&e1).is_none());
    let data =
        t.s1.extern_ref_data(&e1)
            .and_then(|d| d.downcast_ref::<u32>());
    assert_eq!(data, Some(&5));
    let is_null_extern1 = func(&t.s1, t.i1, "is_null_extern");
    assert_eq!(i32_result(is_null_extern1.call(&mut t.s1, &[e1]))?, 0);

    let catch1 = func(&t.s1, t.i1, "catch_exn");
    let [x1] = catch1.call(&mut t.s1, &[])?[..] else {
        panic!("one result");
    };
    assert!(matches!(x1, Val::ExnRef(Some(_))), "{x1:?}");
    let rethrow2 = func(&t.s2, t.i2, "rethrow");
    wrong_store(rethrow2.call(&mut t.s2, &[x1]), &t.message("ExnRef"));
    let rethrow1 = func(&t.s1, t.i1, "rethrow");
    let err = rethrow1.call(&mut t.s1, &[x1]).expect_err("rethrown");
    assert_eq!(
        err.kind(),
        ErrorKind::Trap(TrapCode::UncaughtException),
        "{err}"
    );

    let tag1 = export(&t.s1, t.i1, "tag");
    wrong_store(tag1.ty(&t.s2), &t.message("Tag"));
    assert_eq!(
        tag1.ty(&t.s1)?.to_string(),
        "(tag (param i32))",
        "the tag's type"
    );
    Ok(())
}

/// Imports of store 1 given to a module instantiated in store 2, directly
/// and through a linker.
fn imports(config: &Config) -> Result<(), Error> {
    let mut t = Two::new(config);
    let m = module(&t.engine, IMPORTS);
    let ext1 = |s: &Store<()>, i| {
        [
            export(s, i, "double"),
            export(s, i, "memory"),
            export(s, i, "counter"),
            export(s, i, "table"),
        ]
    };
    let (from1, from2) = (ext1(&t.s1, t.i1), ext1(&t.s2, t.i2));

    let err = wrong_store(Instance::new(&mut t.s2, &m, &from1), &t.message("Func"));
    assert!(err.to_string().contains("import 0 (host.f): "), "{err}");
    let mixed = [from2[0], from1[1], from2[2], from2[3]];
    let err = wrong_store(Instance::new(&mut t.s2, &m, &mixed), &t.message("Memory"));
    assert!(err.to_string().contains("import 1 (host.mem): "), "{err}");
    let mixed = [from2[0], from2[1], from1[2], from2[3]];
    wrong_store(Instance::new(&mut t.s2, &m, &mixed), &t.message("Global"));
    let mixed = [from2[0], from2[1], from2[2], from1[3]];
    wrong_store(Instance::new(&mut t.s2, &m, &mixed), &t.message("Table"));
    let instances = t.s2.runtime().instance_count();

    let mut linker = Linker::<()>::new(&t.engine);
    for (name, ext) in ["f", "mem", "g", "t"].into_iter().zip(from1) {
        linker.define("host", name, ext)?;
    }
    let err = wrong_store(linker.instantiate(&mut t.s2, &m), &t.message("Func"));
    assert!(err.to_string().contains("import host.f: "), "{err}");
    // A linker holds entities of one store.
    let err = linker
        .define("host", "f", from2[0])
        .map(|_| ())
        .expect_err("a second store");
    assert_eq!(err.kind(), ErrorKind::WrongStore, "{err}");
    assert!(
        err.to_string().contains(&format!(
            "a Func of store {} given to a linker holding entities of store {}",
            t.s2.id(),
            t.s1.id()
        )),
        "{err}"
    );
    // Nothing was instantiated in store 2.
    assert_eq!(t.s2.runtime().instance_count(), instances);

    // The right store, directly and through the linker.
    let memory1 = memory(&t.s1, t.i1);
    memory1.write(&mut t.s1, GuestAddr(0), &[100])?;
    let direct = Instance::new(&mut t.s1, &m, &from1)?;
    let run = direct.get_typed_func::<i32, i32>(&t.s1, "run")?;
    assert_eq!(run.call(&mut t.s1, 5)?, 10 + 7 + 100);
    let linked = linker.instantiate(&mut t.s1, &m)?;
    let run = linked.get_typed_func::<i32, i32>(&t.s1, "run")?;
    assert_eq!(run.call(&mut t.s1, 1)?, 2 + 7 + 100);
    let direct2 = Instance::new(&mut t.s2, &m, &from2)?;
    let run = direct2.get_typed_func::<i32, i32>(&t.s2, "run")?;
    assert_eq!(run.call(&mut t.s2, 1)?, 2 + 7);
    Ok(())
}

/// An instance of store 1 looked into with store 2.
fn instances(config: &Config) -> Result<(), Error> {
    let mut t = Two::new(config);
    let msg = t.message("Instance");
    wrong_store(t.i1.get_typed_func::<i32, i32>(&t.s2, "double"), &msg);
    assert!(t.i1.get_export(&t.s2, "double").is_none());
    assert!(t.i1.get_func(&t.s2, "double").is_none());
    assert_eq!(t.i1.exports(&t.s2).count(), 0);
    let mut linker = Linker::<()>::new(&t.engine);
    let err = wrong_store(linker.instance(&t.s2, "m", t.i1).map(|_| ()), &msg);
    assert!(err.to_string().contains("Linker::instance `m`: "), "{err}");
    assert!(linker.get("m", "double").is_none());

    // The right store.
    assert_eq!(t.i1.exports(&t.s1).count(), 13);
    linker.instance(&t.s1, "m", t.i1)?;
    assert_eq!(
        linker.get("m", "double"),
        Some(export(&t.s1, t.i1, "double"))
    );
    let double = t.i1.get_typed_func::<i32, i32>(&t.s1, "double")?;
    assert_eq!(double.call(&mut t.s1, 3)?, 6);
    Ok(())
}

/// A host function of store 2 handing store 1's references to wasm, and
/// using store 1's handles through its `Caller`.
fn host_functions(config: &Config) -> Result<(), Error> {
    let mut t = Two::new(config);
    let m = module(&t.engine, HOST_RESULT);
    let make_ty = FuncType::new([], [ValType::FUNCREF]);
    let double1 = func(&t.s1, t.i1, "double");
    let double2 = func(&t.s2, t.i2, "double");
    let memory1 = memory(&t.s1, t.i1);

    let foreign_make = Func::new(&mut t.s2, make_ty.clone(), move |_, _, results| {
        results[0] = double1.to_val();
        Ok(())
    });
    let inst = Instance::new(&mut t.s2, &m, &[foreign_make.into()])?;
    let run = inst.get_typed_func::<(), i32>(&t.s2, "run")?;
    let err = run
        .call(&mut t.s2, ())
        .expect_err("a result of another store");
    assert_eq!(err.kind(), ErrorKind::Trap(TrapCode::HostError), "{err}");
    let expected = format!("host function result 0: {}", t.message("Func"));
    assert!(err.to_string().contains(&expected), "{err}");

    let peek = Func::new(
        &mut t.s2,
        FuncType::new([], [ValType::FUNCREF]),
        move |caller: Caller<'_, ()>, _, results| {
            let mut byte = [0u8];
            memory1.read(&caller, GuestAddr(0), &mut byte)?;
            results[0] = Val::FuncRef(None);
            Ok(())
        },
    );
    let inst = Instance::new(&mut t.s2, &m, &[peek.into()])?;
    let run = inst.get_typed_func::<(), i32>(&t.s2, "run")?;
    let err = run
        .call(&mut t.s2, ())
        .expect_err("a memory of another store");
    assert!(err.to_string().contains(&t.message("Memory")), "{err}");

    // The right store.
    let make = Func::new(&mut t.s2, make_ty, move |_, _, results| {
        results[0] = double2.to_val();
        Ok(())
    });
    let inst = Instance::new(&mut t.s2, &m, &[make.into()])?;
    let run = inst.get_typed_func::<(), i32>(&t.s2, "run")?;
    assert_eq!(run.call(&mut t.s2, ())?, 0);
    let [r] = make.call(&mut t.s2, &[])?[..] else {
        panic!("one result");
    };
    assert_eq!(r.func_ref(), Some(double2));
    Ok(())
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
            fn calls_check_the_store() -> Result<(), Error> {
                calls(&config())
            }

            #[test]
            fn memory_reads_writes_and_grows_check_the_store() -> Result<(), Error> {
                memories(&config())
            }

            #[test]
            fn tables_and_globals_check_the_store_of_handles_and_funcrefs() -> Result<(), Error> {
                tables_and_globals(&config())
            }

            #[test]
            fn references_in_arguments_check_the_store() -> Result<(), Error> {
                references_in_arguments(&config())
            }

            #[test]
            fn imports_check_the_store() -> Result<(), Error> {
                imports(&config())
            }

            #[test]
            fn instances_check_the_store() -> Result<(), Error> {
                instances(&config())
            }

            #[test]
            fn host_functions_check_the_store() -> Result<(), Error> {
                host_functions(&config())
            }
        }
    };
}

tier_tests!(interp, "interp", Config::new());
tier_tests!(
    jit,
    "jit",
    Config::new().tier(std::sync::Arc::new(strata_api::Jit::default()))
);
tier_tests!(
    aot,
    "aot",
    Config::new().tier(std::sync::Arc::new(strata_api::Aot::new()))
);
