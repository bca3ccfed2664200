//! Fuel and interruption in the JIT: loop headers and calls poll, with the
//! same counts as the interpreter, and an interrupt from another thread
//! stops an endless loop.

use std::sync::Arc;
use std::time::Duration;

use strata_api::{Config, Engine, Instance, Module, Store, TrapCode, Val};

const WAT: &str = r#"(module
  (func $spin (export "spin") (loop (br 0)))
  (func $count (export "count") (param i32) (result i32)
    (local i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 1)))"#;

fn setup(jit: bool) -> (Store<()>, Instance) {
    let config = if jit {
        Config::new().tier(Arc::new(strata_jit::Jit::default()))
    } else {
        Config::new()
    };
    let engine = Engine::new(&config).unwrap_or_else(|e| panic!("{e}"));
    let module = Module::new(&engine, WAT).unwrap_or_else(|e| panic!("{e}"));
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap_or_else(|e| panic!("{e}"));
    (store, instance)
}

/// `count(n)` with `fuel`: the trap code, or the fuel left.
fn fuel_run(jit: bool, n: i32, fuel: u64) -> Result<u64, TrapCode> {
    let (mut store, instance) = setup(jit);
    let f = instance
        .get_func(&store, "count")
        .unwrap_or_else(|| panic!("no count"));
    store.set_fuel(fuel);
    match f.call(&mut store, &[Val::I32(n)]) {
        Ok(_) => Ok(store.fuel().unwrap_or(0)),
        Err(e) => Err(e.trap().map_or(TrapCode::HostError, |t| t.code())),
    }
}

#[test]
fn fuel_is_metered_like_the_interpreter() {
    for (n, fuel) in [
        (10, 100),
        (10, 5),
        (1000, 1000),
        (1000, 1003),
        (0, 1),
        (0, 0),
    ] {
        assert_eq!(
            fuel_run(true, n, fuel),
            fuel_run(false, n, fuel),
            "n={n} fuel={fuel}"
        );
    }
    assert_eq!(fuel_run(true, 10, 5), Err(TrapCode::OutOfFuel));
}

#[test]
fn interrupt_stops_an_endless_loop() {
    let (mut store, instance) = setup(true);
    let f = instance
        .get_func(&store, "spin")
        .unwrap_or_else(|| panic!("no spin"));
    let handle = store.interrupt_handle();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let r = f.call(&mut store, &[]);
    let _ = t.join();
    let code = r.err().and_then(|e| e.trap().map(|t| t.code()));
    assert_eq!(code, Some(TrapCode::Interrupted));
}
