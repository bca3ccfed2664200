//! [`Watchdog`]: a guest past its timeout traps with "interrupted" in every
//! built tier, and a watchdog dropped after its timer fired leaves no
//! interrupt behind for the store's next call.

use std::time::Duration;

use strata_api::{Config, Engine, Linker, Module, Store, TrapCode, Val, Watchdog};

const SPIN: &str = r#"(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (i32.const 7)))"#;

/// An engine of every built tier (the default config is the interpreter's).
fn engines() -> Vec<Engine> {
    let mut configs = vec![Config::default()];
    #[cfg(feature = "jit")]
    configs.push(Config::default().tier(std::sync::Arc::new(strata_api::Jit::default())));
    #[cfg(feature = "aot")]
    configs.push(Config::default().tier(std::sync::Arc::new(strata_api::Aot::default())));
    configs
        .iter()
        .map(|c| Engine::new(c).expect("engine"))
        .collect()
}

#[test]
fn a_guest_past_its_timeout_is_interrupted_and_the_next_call_is_not() {
    for engine in engines() {
        let tier = engine.tier_name();
        let module = Module::new(&engine, SPIN).expect("module");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .expect("instance");
        let spin = instance.get_func(&store, "spin").expect("spin");
        let count = instance.get_func(&store, "count").expect("count");

        let watchdog = Watchdog::start(store.interrupt_handle(), Duration::from_millis(50));
        let err = spin.call(&mut store, &[]).expect_err("spin never returns");
        assert_eq!(
            err.trap().map(|t| t.code()),
            Some(TrapCode::Interrupted),
            "{tier}: {err}"
        );
        assert!(watchdog.fired(), "{tier}");
        drop(watchdog);

        // A timer that fires while no guest runs asks for an interrupt that
        // nobody takes; dropping the watchdog withdraws it.
        let watchdog = Watchdog::start(store.interrupt_handle(), Duration::from_millis(1));
        while !watchdog.fired() {
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(watchdog);
        let out = count
            .call(&mut store, &[Val::I32(100)])
            .expect("no stale interrupt");
        assert_eq!(out, vec![Val::I32(7)], "{tier}");

        // A watchdog dropped before its timeout never interrupts.
        let watchdog = Watchdog::start(store.interrupt_handle(), Duration::from_secs(60));
        let out = count.call(&mut store, &[Val::I32(100)]).expect("in time");
        assert_eq!(out, vec![Val::I32(7)], "{tier}");
        assert!(!watchdog.fired(), "{tier}");
    }
}
