//! End-to-end checks of the interpreter on small modules: loader → interp →
//! runtime store, without the embedding API.

use strata_interp::Interp;
use strata_ir::{Features, TrapCode, Val};
use strata_loader::Loader;
use strata_runtime::{instantiate::instantiate, ExternVal, Store, StoreConfig, Tier};

fn instance(wat: &str) -> (Store, strata_runtime::InstanceAddr) {
    instance_with(wat, StoreConfig::default())
}

fn instance_with(wat: &str, config: StoreConfig) -> (Store, strata_runtime::InstanceAddr) {
    let module = Loader::new(Features::default())
        .load_wat(wat)
        .expect("test module loads");
    let code = Interp::default().compile(&module).expect("compiles");
    let mut store = Store::new(config, Box::new(()));
    let inst = instantiate(&mut store, module.arc(), code, &[]).expect("instantiates");
    (store, inst)
}

fn call(
    store: &mut Store,
    inst: strata_runtime::InstanceAddr,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, strata_ir::Trap> {
    let Some(ExternVal::Func(f)) = store.instance(inst).export(name) else {
        panic!("no export {name}");
    };
    store.invoke(f, args)
}

#[test]
fn recursive_fib() {
    let (mut s, i) = instance(
        r#"(module (func $fib (export "fib") (param i64) (result i64)
            (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
              (then (local.get 0))
              (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                             (call $fib (i64.sub (local.get 0) (i64.const 2))))))))"#,
    );
    // Fewer calls under Miri, which interprets the interpreter.
    let (n, fib) = if cfg!(miri) { (10, 55) } else { (20, 6765) };
    assert_eq!(
        call(&mut s, i, "fib", &[Val::I64(n)]),
        Ok(vec![Val::I64(fib)])
    );
}

#[test]
fn loop_with_locals_and_br_if() {
    let (mut s, i) = instance(
        r#"(module (func (export "sum") (param i32) (result i32) (local i32)
            (block (loop
              (br_if 1 (i32.eqz (local.get 0)))
              (local.set 1 (i32.add (local.get 1) (local.get 0)))
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (br 0)))
            (local.get 1)))"#,
    );
    assert_eq!(
        call(&mut s, i, "sum", &[Val::I32(100)]),
        Ok(vec![Val::I32(5050)])
    );
}

#[test]
fn swap_via_lazy_locals() {
    let (mut s, i) = instance(
        r#"(module (func (export "swap") (param i32 i32) (result i32 i32)
            (local.get 1) (local.get 0)))"#,
    );
    assert_eq!(
        call(&mut s, i, "swap", &[Val::I32(1), Val::I32(2)]),
        Ok(vec![Val::I32(2), Val::I32(1)])
    );
}

#[test]
#[cfg_attr(miri, ignore = "needs a memory above 4 GiB (an mmap reservation)")]
fn memory64_above_4gib_does_not_alias() {
    let (mut s, i) = instance(
        r#"(module (memory i64 65537)
            (func (export "f") (result i64)
              (i64.store (i64.const 8) (i64.const 1))
              (i64.store (i64.const 0x1_0000_0008) (i64.const 2))
              (i64.add (i64.mul (i64.load (i64.const 8)) (i64.const 10))
                       (i64.load (i64.const 0x1_0000_0008))))
            (func (export "oob") (param i64) (result i64)
              (i64.load offset=8 (local.get 0))))"#,
    );
    assert_eq!(call(&mut s, i, "f", &[]), Ok(vec![Val::I64(12)]));
    let trap = call(&mut s, i, "oob", &[Val::I64(-4)]).expect_err("wraps would be a bug");
    assert_eq!(trap.code(), TrapCode::MemoryOutOfBounds);
}

#[test]
fn deep_recursion_traps() {
    let config = StoreConfig {
        max_call_depth: 500,
        ..StoreConfig::default()
    };
    let (mut s, i) = instance_with(
        r#"(module (func $r (export "r") (param i32) (result i32) (call $r (local.get 0))))"#,
        config,
    );
    let trap = call(&mut s, i, "r", &[Val::I32(0)]).expect_err("must trap");
    assert_eq!(trap.code(), TrapCode::StackExhausted);
}

#[test]
fn tail_calls_do_not_grow_the_stack() {
    let config = StoreConfig {
        max_call_depth: 100,
        ..StoreConfig::default()
    };
    let (mut s, i) = instance_with(
        r#"(module (func $count (export "count") (param i64 i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
              (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                        (i64.add (local.get 1) (i64.const 2)))))))"#,
        config,
    );
    // Still 20 times the depth limit under Miri, which is slow.
    let n = if cfg!(miri) { 2_000 } else { 100_000 };
    assert_eq!(
        call(&mut s, i, "count", &[Val::I64(n), Val::I64(0)]),
        Ok(vec![Val::I64(2 * n)])
    );
}

#[test]
fn br_table_with_values() {
    let (mut s, i) = instance(
        r#"(module (func (export "f") (param i32) (result i32)
            (block (result i32) (block (result i32) (block (result i32)
              (i32.const 10) (local.get 0) (br_table 0 1 2))
              (i32.const 1) (i32.add)) (i32.const 2) (i32.add))))"#,
    );
    assert_eq!(call(&mut s, i, "f", &[Val::I32(0)]), Ok(vec![Val::I32(13)]));
    assert_eq!(call(&mut s, i, "f", &[Val::I32(1)]), Ok(vec![Val::I32(12)]));
    assert_eq!(call(&mut s, i, "f", &[Val::I32(7)]), Ok(vec![Val::I32(10)]));
}

#[test]
#[cfg_attr(miri, ignore = "needs a memory above 4 GiB (an mmap reservation)")]
fn memory32_and_memory64_side_by_side() {
    let (mut s, i) = instance(
        r#"(module
            (memory $m32 1)
            (memory $m64 i64 65537)
            (data (memory $m64) (i64.const 0x1_0000_0000) "\2a")
            (data (memory $m32) (i32.const 0) "\07")
            (func (export "f") (result i32)
              (i32.store8 $m64 (i64.const 0x1_0000_0001) (i32.const 5))
              (memory.copy $m32 $m64 (i32.const 1) (i64.const 0x1_0000_0000) (i32.const 2))
              (i32.add
                (i32.load16_u $m32 (i32.const 1))
                (i32.load8_u $m32 (i32.const 0))))
            (func (export "sizes") (result i32 i64)
              (memory.size $m32) (memory.size $m64)))"#,
    );
    assert_eq!(call(&mut s, i, "f", &[]), Ok(vec![Val::I32(0x052a + 7)]));
    assert_eq!(
        call(&mut s, i, "sizes", &[]),
        Ok(vec![Val::I32(1), Val::I64(65537)])
    );
}

#[test]
fn memory64_grow_with_huge_deltas_returns_minus_one() {
    let (mut s, i) = instance(
        r#"(module (memory i64 1)
            (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
            (func (export "peek") (result i32) (i32.load8_u (i64.const 0)))
            (data (i64.const 0) "\63"))"#,
    );
    for delta in [1i64 << 32, 1 << 48, i64::MAX, -1] {
        assert_eq!(
            call(&mut s, i, "grow", &[Val::I64(delta)]),
            Ok(vec![Val::I64(-1)])
        );
    }
    assert_eq!(call(&mut s, i, "peek", &[]), Ok(vec![Val::I32(0x63)]));
    assert_eq!(
        call(&mut s, i, "grow", &[Val::I64(2)]),
        Ok(vec![Val::I64(1)])
    );
}

#[test]
fn table64_beyond_u32_indices_trap() {
    let (mut s, i) = instance(
        r#"(module (table $t i64 4 funcref)
            (func $k (result i32) (i32.const 9))
            (elem (table $t) (i64.const 3) func $k)
            (func (export "call") (param i64) (result i32)
              (call_indirect $t (result i32) (local.get 0)))
            (func (export "grow") (param i64) (result i64)
              (table.grow $t (ref.null func) (local.get 0))))"#,
    );
    assert_eq!(
        call(&mut s, i, "call", &[Val::I64(3)]),
        Ok(vec![Val::I32(9)])
    );
    let trap = call(&mut s, i, "call", &[Val::I64((1 << 32) + 3)]).expect_err("no wrap to 3");
    assert_eq!(trap.code(), TrapCode::UndefinedElement);
    assert_eq!(
        call(&mut s, i, "grow", &[Val::I64(1 << 32)]),
        Ok(vec![Val::I64(-1)])
    );
}

#[test]
fn fuel_stops_an_infinite_loop() {
    let (mut s, i) = instance(r#"(module (func (export "spin") (loop (br 0))))"#);
    s.interrupt_mut().fuel = Some(10_000);
    let trap = call(&mut s, i, "spin", &[]).expect_err("fuel runs out");
    assert_eq!(trap.code(), TrapCode::OutOfFuel);
    assert_eq!(s.interrupt().fuel, Some(0));
}

#[test]
fn interrupt_from_another_thread() {
    let (mut s, i) = instance(r#"(module (func (export "spin") (loop (br 0))))"#);
    let handle = s.interrupt().handle();
    let stopper = std::thread::spawn(move || {
        // Miri's clock is virtual: a long wait is millions of spins there.
        let wait = if cfg!(miri) { 1 } else { 50 };
        std::thread::sleep(std::time::Duration::from_millis(wait));
        handle.interrupt();
    });
    let trap = call(&mut s, i, "spin", &[]).expect_err("interrupted");
    assert_eq!(trap.code(), TrapCode::Interrupted);
    stopper.join().expect("stopper thread");
    // The flag is cleared when it fires: the store runs again (and now stops
    // for lack of fuel, not because of the old interrupt).
    s.interrupt_mut().fuel = Some(100);
    let trap = call(&mut s, i, "spin", &[]).expect_err("fuel runs out");
    assert_eq!(trap.code(), TrapCode::OutOfFuel);
}
