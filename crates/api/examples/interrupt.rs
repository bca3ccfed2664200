//! Stopping a runaway guest: an infinite loop is interrupted from another
//! thread through the store's interrupt handle, and the same loop runs out
//! of fuel in a metered store.
//!
//! `cargo run -p strata-api --example interrupt`.

use std::time::Duration;

use strata_api::{Engine, Error, ErrorKind, Linker, Module, Store, TrapCode};

const WAT: &str = r#"(module (func (export "spin") (loop $l (br $l))))"#;

/// Run the scenario; returns one line per run.
fn run() -> Result<String, Error> {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT)?;
    let linker = Linker::<()>::new(&engine);
    let mut out = String::new();

    let mut store = Store::new(&engine, ());
    let spin = linker
        .instantiate(&mut store, &module)?
        .get_typed_func::<(), ()>(&store, "spin")?;
    let handle = store.interrupt_handle();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let result = spin.call(&mut store, ());
    if stopper.join().is_err() {
        out.push_str("the interrupting thread panicked\n");
    }
    match result {
        Ok(()) => out.push_str("interrupt: returned (unexpected)\n"),
        Err(e) => out.push_str(&format!(
            "interrupt: {}: {}\n",
            e.kind() == ErrorKind::Trap(TrapCode::Interrupted),
            describe(&e)
        )),
    }

    store.set_fuel(10_000);
    match spin.call(&mut store, ()) {
        Ok(()) => out.push_str("fuel: returned (unexpected)\n"),
        Err(e) => out.push_str(&format!(
            "fuel: {}: {}, {:?} left\n",
            e.kind() == ErrorKind::Trap(TrapCode::OutOfFuel),
            describe(&e),
            store.fuel()
        )),
    }
    Ok(out)
}

/// The error's first line and the names in its wasm backtrace.
fn describe(e: &Error) -> String {
    let first = e.to_string().lines().next().unwrap_or_default().to_string();
    let frames: Vec<&str> = e.frames().iter().map(|f| f.name.as_str()).collect();
    format!("{first} in {}", frames.join(" < "))
}

fn main() -> Result<(), Error> {
    print!("{}", run()?);
    Ok(())
}

#[test]
fn example_runs() -> Result<(), Error> {
    let out = run()?;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "interrupt: true: wasm trap: interrupted in spin",
            "fuel: true: wasm trap: all fuel consumed in spin, Some(0) left",
        ]
    );
    Ok(())
}
