//! The backtrace check of the conformance kit: traps raised in wasm code, in
//! a host function and in another instance must name every frame they
//! unwind, innermost first, with the function's index and name. Byte offsets
//! are not compared (a tier may not record them). The spec suite checks only
//! trap codes; this check is what a tier's users see when a program fails.

use strata_api::{Caller, Config, Engine, Linker, Module, Store, Trap, TrapCode, Val};

const CALLEE: &str = r#"(module
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.div_u (i32.const 1) (local.get 0))))))"#;

const CALLER: &str = r#"(module
  (import "callee" "deep" (func $deep (param i32) (result i32)))
  (import "env" "fail" (func $fail))
  (memory 1)
  (func $oob (export "oob") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 65536))))
  (func $via_host (export "via_host") (call $fail))
  (func $across (export "across") (result i32)
    (call $deep (i32.const 2)))
  (func $top (export "top") (param i32) (result i32)
    (call $oob (local.get 0))))"#;

/// One case: the export of `CALLER` to call, and the trap it must give.
struct Case {
    export: &'static str,
    args: &'static [Val],
    code: TrapCode,
    frames: &'static [(u32, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        export: "top",
        args: &[Val::I32(0)],
        code: TrapCode::MemoryOutOfBounds,
        frames: &[(2, "oob"), (5, "top")],
    },
    Case {
        export: "via_host",
        args: &[],
        code: TrapCode::HostError,
        frames: &[(3, "via_host")],
    },
    Case {
        export: "across",
        args: &[],
        code: TrapCode::IntegerDivideByZero,
        frames: &[(0, "deep"), (0, "deep"), (0, "deep"), (4, "across")],
    },
];

/// Runs every backtrace case on an engine of `config`; `Err` lists each
/// case whose trap code or frames differ from the expected ones.
pub fn check_trap_backtraces(config: &Config) -> Result<(), String> {
    let engine = Engine::new(config).map_err(|e| format!("engine: {e}"))?;
    let mut wrong = Vec::new();
    for case in CASES {
        match trap_of(&engine, case) {
            Err(setup) => wrong.push(format!("{}: {setup}", case.export)),
            Ok((code, frames)) => {
                let expected: Vec<(u32, String)> = case
                    .frames
                    .iter()
                    .map(|(i, n)| (*i, n.to_string()))
                    .collect();
                if code != case.code || frames != expected {
                    wrong.push(format!(
                        "{}: got {code:?} at {frames:?}, expected {:?} at {expected:?}",
                        case.export, case.code
                    ));
                }
            }
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

/// Calls the case's export and returns the trap code and its frames as
/// `(function index, name)`.
fn trap_of(engine: &Engine, case: &Case) -> Result<(TrapCode, Vec<(u32, String)>), String> {
    let mut store = Store::new(engine, ());
    let mut linker = Linker::<()>::new(engine);
    linker
        .func_wrap("env", "fail", |_: Caller<'_, ()>| -> Result<(), Trap> {
            Err(Trap::host("refused"))
        })
        .map_err(|e| e.to_string())?;
    let callee = Module::new(engine, CALLEE).map_err(|e| e.to_string())?;
    let callee = linker
        .instantiate(&mut store, &callee)
        .map_err(|e| e.to_string())?;
    linker
        .instance(&store, "callee", callee)
        .map_err(|e| e.to_string())?;
    let caller = Module::new(engine, CALLER).map_err(|e| e.to_string())?;
    let caller = linker
        .instantiate(&mut store, &caller)
        .map_err(|e| e.to_string())?;
    let f = caller
        .get_func(&store, case.export)
        .ok_or_else(|| format!("no export {}", case.export))?;
    let err = match f.call(&mut store, case.args) {
        Ok(v) => return Err(format!("returned {v:?} instead of trapping")),
        Err(e) => e,
    };
    let code = err
        .trap()
        .map(|t| t.code())
        .ok_or_else(|| format!("not a trap: {err}"))?;
    let frames = err
        .frames()
        .iter()
        .map(|f| (f.func.0, f.name.clone()))
        .collect();
    Ok((code, frames))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interpreter_names_every_frame() {
        assert_eq!(check_trap_backtraces(&Config::default()), Ok(()));
    }
}
