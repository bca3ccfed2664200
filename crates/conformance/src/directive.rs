//! Execution of single `.wast` directives against one file's state: a store
//! with the `spectest` module, a linker of registered instances, the
//! current and the named instances, and `module definition`s waiting to be
//! instantiated.
//!
//! Each directive yields one [`Outcome`]. Checking rules:
//! - `assert_return`: results compared by [`crate::values`];
//! - `assert_trap` / `assert_exhaustion`: the call (or the module's
//!   instantiation) must trap, and the expected text must be contained in the
//!   trap's message (or start with it: `uninitialized element 2`);
//! - `assert_invalid`: loading must fail with [`ErrorKind::Invalid`];
//! - `assert_malformed`: loading must fail with [`ErrorKind::Malformed`], or
//!   the text of a `module quote` must already fail to parse;
//! - `assert_unlinkable`: instantiation must fail with a link, resource or
//!   other non-trap instantiation error.
//!
//! Loader messages are not compared with the spec's (they are wasmparser's);
//! a wrong *kind* is reported with both messages.

use std::collections::HashMap;

use strata_api::{
    Engine, Error, ErrorKind, Instance, Linker, Module, Store, Trap, TrapCode, Val, Watchdog,
};

use crate::limits::DirectiveLimits;
use wast::{QuoteWat, QuoteWatTest, Wast, WastArg, WastDirective, WastExecute, WastInvoke, Wat};

use crate::spectest::define_spectest;
use crate::values::{self, describe_ret, describe_vals, Arg, ExternLookup};

/// What one directive came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It did what the file says.
    Pass,
    /// It did not; the message says what happened.
    Fail(String),
    /// The runner does not execute it; the reason says why.
    Skip(String),
}

/// A failed execution: an error of the engine, or one of the runner (a
/// missing export, an argument it cannot build).
enum ExecError {
    Api(Error),
    Runner(String),
}

impl core::fmt::Display for ExecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ExecError::Api(e) => write!(f, "{e}"),
            ExecError::Runner(m) => f.write_str(m),
        }
    }
}

impl From<Error> for ExecError {
    fn from(e: Error) -> Self {
        ExecError::Api(e)
    }
}

/// The short name of a directive, for reports.
pub(crate) fn kind_name(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap {
            exec: WastExecute::Wat(_),
            ..
        } => "assert_trap (module)",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// The per-file state.
pub(crate) struct FileContext {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    current: Option<Instance>,
    named: HashMap<String, Instance>,
    definitions: HashMap<String, Module>,
    last_definition: Option<Module>,
    extern_refs: HashMap<u32, Val>,
    limits: DirectiveLimits,
}

impl ExternLookup for Store<()> {
    fn extern_number(&self, v: &Val) -> Option<u32> {
        self.extern_ref_data(v)?.downcast_ref::<u32>().copied()
    }
}

impl FileContext {
    /// A fresh store with `spectest` defined.
    pub(crate) fn new(engine: &Engine, limits: DirectiveLimits) -> Result<Self, Error> {
        let mut store = Store::new(engine, ());
        let mut linker = Linker::new(engine);
        define_spectest(&mut linker, &mut store)?;
        Ok(Self {
            engine: engine.clone(),
            store,
            linker,
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            extern_refs: HashMap::new(),
            limits,
        })
    }

    /// Run one directive within the limits.
    pub(crate) fn run(&mut self, d: WastDirective<'_>) -> Outcome {
        if let Some(fuel) = self.limits.fuel {
            self.store.set_fuel(fuel);
        }
        let watchdog = self
            .limits
            .timeout
            .map(|t| Watchdog::start(self.store.interrupt_handle(), t));
        let outcome = self.run_unbounded(d);
        let timed_out = watchdog.as_ref().is_some_and(Watchdog::fired);
        drop(watchdog);
        match outcome {
            Outcome::Fail(m) => Outcome::Fail(self.limits.explain(m, self.store.fuel(), timed_out)),
            other => other,
        }
    }

    fn run_unbounded(&mut self, d: WastDirective<'_>) -> Outcome {
        match d {
            WastDirective::Module(m) => self.module(m),
            WastDirective::ModuleDefinition(m) => self.module_definition(m),
            WastDirective::ModuleInstance {
                instance, module, ..
            } => self.module_instance(instance.map(|i| i.name()), module.map(|m| m.name())),
            WastDirective::Register { name, module, .. } => {
                self.register(name, module.map(|m| m.name()))
            }
            WastDirective::Invoke(call) => match self.invoke(&call) {
                Ok(_) => Outcome::Pass,
                Err(e) => Outcome::Fail(e.to_string()),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => {
                let r = self.execute(exec);
                expect_trap(r, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let r = self.invoke(&call);
                expect_trap(r, message)
            }
            WastDirective::AssertInvalid {
                module, message, ..
            } => self.assert_invalid(module, message),
            WastDirective::AssertMalformed {
                module, message, ..
            } => self.assert_malformed(module, message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => self.assert_unlinkable(module, message),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                Outcome::Skip("custom-section assertions are not supported by the runner".into())
            }
            WastDirective::AssertException { exec, .. } => expect_exception(self.execute(exec)),
            WastDirective::AssertSuspension { .. } => {
                Outcome::Skip("assert_suspension needs stack switching (not supported)".into())
            }
            WastDirective::Thread(_) => {
                Outcome::Skip("thread needs the threads proposal (not supported)".into())
            }
            WastDirective::Wait { .. } => {
                Outcome::Skip("wait needs the threads proposal (not supported)".into())
            }
        }
    }

    /// `(module ...)`: load, instantiate, make current (and named).
    fn module(&mut self, mut m: QuoteWat<'_>) -> Outcome {
        if is_component(&m) {
            return Outcome::Skip("components are not supported".into());
        }
        let name = m.name().map(|id| id.name().to_string());
        if let Some(n) = &name {
            self.named.remove(n);
        }
        self.current = None;
        let bytes = match m.encode() {
            Ok(b) => b,
            Err(e) => return Outcome::Fail(format!("the module text does not encode: {e}")),
        };
        match self.instantiate(&bytes) {
            Ok(inst) => {
                self.current = Some(inst);
                if let Some(n) = name {
                    self.named.insert(n, inst);
                }
                Outcome::Pass
            }
            Err(e) => Outcome::Fail(e.to_string()),
        }
    }

    /// `(module definition $M ...)`: load and keep for `module instance`.
    fn module_definition(&mut self, mut m: QuoteWat<'_>) -> Outcome {
        if is_component(&m) {
            return Outcome::Skip("components are not supported".into());
        }
        let name = m.name().map(|id| id.name().to_string());
        let bytes = match m.encode() {
            Ok(b) => b,
            Err(e) => return Outcome::Fail(format!("the module text does not encode: {e}")),
        };
        match Module::new(&self.engine, &bytes) {
            Ok(module) => {
                if let Some(n) = name {
                    self.definitions.insert(n, module.clone());
                }
                self.last_definition = Some(module);
                Outcome::Pass
            }
            Err(e) => Outcome::Fail(e.to_string()),
        }
    }

    /// `(module instance $I $M)`.
    fn module_instance(&mut self, instance: Option<&str>, module: Option<&str>) -> Outcome {
        let def = match module {
            Some(m) => self.definitions.get(m),
            None => self.last_definition.as_ref(),
        };
        let Some(def) = def.cloned() else {
            return Outcome::Fail(format!(
                "no module definition {}",
                module.map_or("before this directive".to_string(), |m| format!("${m}"))
            ));
        };
        if let Some(n) = instance {
            self.named.remove(n);
        }
        self.current = None;
        match self.linker.instantiate(&mut self.store, &def) {
            Ok(inst) => {
                self.current = Some(inst);
                if let Some(n) = instance {
                    self.named.insert(n.to_string(), inst);
                }
                Outcome::Pass
            }
            Err(e) => Outcome::Fail(e.to_string()),
        }
    }

    /// `(register "name" $M?)`.
    fn register(&mut self, as_name: &str, module: Option<&str>) -> Outcome {
        let inst = match self.instance(module) {
            Ok(i) => i,
            Err(e) => return Outcome::Fail(e),
        };
        match self.linker.instance(&self.store, as_name, inst) {
            Ok(_) => Outcome::Pass,
            Err(e) => Outcome::Fail(e.to_string()),
        }
    }

    fn instance(&self, module: Option<&str>) -> Result<Instance, String> {
        match module {
            Some(m) => self
                .named
                .get(m)
                .copied()
                .ok_or_else(|| format!("no instance named ${m} (or it failed to instantiate)")),
            None => self
                .current
                .ok_or_else(|| "no current module (the last one failed or none was given)".into()),
        }
    }

    fn instantiate(&mut self, bytes: &[u8]) -> Result<Instance, Error> {
        let module = Module::new(&self.engine, bytes)?;
        self.linker.instantiate(&mut self.store, &module)
    }

    fn arg(&mut self, a: &WastArg<'_>) -> Result<Val, ExecError> {
        match values::arg(a).map_err(ExecError::Runner)? {
            Arg::Val(v) => Ok(v),
            Arg::Extern(n) => {
                if let Some(v) = self.extern_refs.get(&n) {
                    return Ok(*v);
                }
                let v = self.store.new_extern_ref(n);
                self.extern_refs.insert(n, v);
                Ok(v)
            }
        }
    }

    fn invoke(&mut self, call: &WastInvoke<'_>) -> Result<Vec<Val>, ExecError> {
        let inst = self
            .instance(call.module.map(|m| m.name()))
            .map_err(ExecError::Runner)?;
        let func = inst.get_func(&self.store, call.name).ok_or_else(|| {
            ExecError::Runner(format!("no function export named \"{}\"", call.name))
        })?;
        let mut args = Vec::with_capacity(call.args.len());
        for a in &call.args {
            args.push(self.arg(a)?);
        }
        Ok(func.call(&mut self.store, &args)?)
    }

    /// Run the `exec` of an assertion.
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, ExecError> {
        match exec {
            WastExecute::Invoke(call) => self.invoke(&call),
            WastExecute::Get { module, global, .. } => {
                let inst = self
                    .instance(module.map(|m| m.name()))
                    .map_err(ExecError::Runner)?;
                let g = inst.get_global(&self.store, global).ok_or_else(|| {
                    ExecError::Runner(format!("no global export named \"{global}\""))
                })?;
                Ok(vec![g.get(&self.store).map_err(ExecError::Api)?])
            }
            WastExecute::Wat(mut wat) => {
                if matches!(wat, Wat::Component(_)) {
                    return Err(ExecError::Runner("components are not supported".into()));
                }
                let bytes = wat.encode().map_err(|e| {
                    ExecError::Runner(format!("the module text does not encode: {e}"))
                })?;
                self.instantiate(&bytes)?;
                Ok(Vec::new())
            }
        }
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, expected: &[wast::WastRet<'_>]) -> Outcome {
        let actual = match self.execute(exec) {
            Ok(v) => v,
            Err(e) => return Outcome::Fail(e.to_string()),
        };
        if actual.len() != expected.len() {
            return Outcome::Fail(format!(
                "expected {} results, got {}: {}",
                expected.len(),
                actual.len(),
                describe_vals(&actual)
            ));
        }
        for (i, (e, a)) in expected.iter().zip(&actual).enumerate() {
            match values::matches(e, a, &self.store) {
                Ok(true) => {}
                Ok(false) => {
                    return Outcome::Fail(format!(
                        "result {i}: expected {}, got {} (all results: {})",
                        describe_ret(e),
                        values::describe_val(a),
                        describe_vals(&actual)
                    ))
                }
                Err(unsupported) => return Outcome::Fail(unsupported),
            }
        }
        Outcome::Pass
    }

    fn assert_invalid(&mut self, mut m: QuoteWat<'_>, message: &str) -> Outcome {
        let bytes = match m.encode() {
            Ok(b) => b,
            Err(e) => {
                return Outcome::Fail(format!(
                    "expected invalid (\"{message}\"), but the text does not encode: {e}"
                ))
            }
        };
        expect_load_error(
            Module::new(&self.engine, &bytes),
            ErrorKind::Invalid,
            message,
        )
    }

    fn assert_malformed(&mut self, mut m: QuoteWat<'_>, message: &str) -> Outcome {
        let bytes = match m.to_test() {
            // `module quote`: the text itself must fail to parse, or encode
            // to a binary the loader rejects.
            Ok(QuoteWatTest::Text(text)) => match encode_text(&text) {
                Ok(b) => b,
                Err(_) => return Outcome::Pass,
            },
            Ok(QuoteWatTest::Binary(b)) => b,
            // A non-quoted text module that does not encode (an unresolved
            // name) is malformed text.
            Err(_) => return Outcome::Pass,
        };
        expect_load_error(
            Module::new(&self.engine, &bytes),
            ErrorKind::Malformed,
            message,
        )
    }

    fn assert_unlinkable(&mut self, mut wat: Wat<'_>, message: &str) -> Outcome {
        let bytes = match wat.encode() {
            Ok(b) => b,
            Err(e) => return Outcome::Fail(format!("the module text does not encode: {e}")),
        };
        let module = match Module::new(&self.engine, &bytes) {
            Ok(m) => m,
            Err(e) => {
                return Outcome::Fail(format!(
                    "expected a link error (\"{message}\"), but the module does not load: {e}"
                ))
            }
        };
        match self.linker.instantiate(&mut self.store, &module) {
            Ok(_) => Outcome::Fail(format!(
                "expected a link error (\"{message}\"), but the module instantiated"
            )),
            Err(e) => match e.kind() {
                ErrorKind::Link | ErrorKind::Resource | ErrorKind::Instantiation => Outcome::Pass,
                _ => Outcome::Fail(format!("expected a link error (\"{message}\"), got: {e}")),
            },
        }
    }
}

/// Parse and encode the text of a `module quote`.
fn encode_text(text: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(text).map_err(|e| e.to_string())?;
    let buf = wast::parser::ParseBuffer::new(text).map_err(|e| e.to_string())?;
    let mut wat: Wat<'_> = wast::parser::parse(&buf).map_err(|e| e.to_string())?;
    wat.encode().map_err(|e| e.to_string())
}

fn is_component(m: &QuoteWat<'_>) -> bool {
    matches!(
        m,
        QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)
    )
}

/// Check that loading failed with `want`.
fn expect_load_error(r: Result<Module, Error>, want: ErrorKind, message: &str) -> Outcome {
    let what = if want == ErrorKind::Invalid {
        "invalid"
    } else {
        "malformed"
    };
    match r {
        Ok(_) => Outcome::Fail(format!(
            "expected a {what} module (\"{message}\"), but it loaded"
        )),
        Err(e) if e.kind() == want => Outcome::Pass,
        Err(e) => Outcome::Fail(format!(
            "expected a {what} module (\"{message}\"), got {} instead: {e}",
            e.kind()
        )),
    }
}

/// Whether a trap's message satisfies the expected text.
pub(crate) fn trap_message_matches(expected: &str, trap: &Trap) -> bool {
    let actual = trap.code().message();
    actual.contains(expected)
        || expected.starts_with(actual)
        || trap.detail().is_some_and(|d| d.contains(expected))
}

/// Check that an execution trapped with `message`.
fn expect_trap(r: Result<Vec<Val>, ExecError>, message: &str) -> Outcome {
    match r {
        Ok(vals) => Outcome::Fail(format!(
            "expected trap \"{message}\", got results {}",
            describe_vals(&vals)
        )),
        Err(ExecError::Api(e)) => match e.trap() {
            Some(t) if trap_message_matches(message, t) => Outcome::Pass,
            Some(t) => Outcome::Fail(format!(
                "expected trap \"{message}\", got trap \"{}\"",
                t.code().message()
            )),
            None => Outcome::Fail(format!("expected trap \"{message}\", got: {e}")),
        },
        Err(e @ ExecError::Runner(_)) => Outcome::Fail(e.to_string()),
    }
}

/// `assert_exception`: the action must end with a wasm exception that no
/// handler caught (a trap that carries the exception, not any trap).
fn expect_exception(r: Result<Vec<Val>, ExecError>) -> Outcome {
    match r {
        Ok(vals) => Outcome::Fail(format!(
            "expected an uncaught exception, got results {}",
            describe_vals(&vals)
        )),
        Err(ExecError::Api(e)) => match e.trap() {
            Some(t) if t.code() == TrapCode::UncaughtException && t.thrown().is_some() => {
                Outcome::Pass
            }
            Some(t) => Outcome::Fail(format!(
                "expected an uncaught exception, got trap \"{}\"",
                t.code().message()
            )),
            None => Outcome::Fail(format!("expected an uncaught exception, got: {e}")),
        },
        Err(e @ ExecError::Runner(_)) => Outcome::Fail(e.to_string()),
    }
}

/// Parse a whole file.
pub(crate) fn parse_wast<'a>(
    buf: &'a wast::parser::ParseBuffer<'a>,
) -> wast::parser::Result<Wast<'a>> {
    wast::parser::parse::<Wast<'a>>(buf)
}
