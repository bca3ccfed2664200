//! What one run of a module observed, in a form a Strata engine and the
//! oracle (wasmi) both produce, and the two comparisons the differential
//! target makes: Strata tier against Strata tier (everything, exactly) and
//! Strata against the oracle (what both define the same way, up to the
//! first run that either side could not finish within its own bounds).

use core::fmt;

/// A value: numbers bit for bit, references by kind and null-ness; a
/// function reference also by its store address, which Strata tiers
/// allocate identically (the oracle's references have none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as bits.
    F32(u32),
    /// An `f64`, as bits.
    F64(u64),
    /// A `v128`, as bits (lane 0 low).
    V128(u128),
    /// A reference.
    Ref {
        /// Its hierarchy.
        kind: RefKind,
        /// Whether it is null.
        null: bool,
        /// A Strata function reference's address.
        func: Option<u32>,
    },
}

impl Value {
    /// The value without what only Strata can tell (a function's address).
    pub fn portable(self) -> Value {
        match self {
            Value::Ref { kind, null, .. } => Value::Ref {
                kind,
                null,
                func: None,
            },
            v => v,
        }
    }
}

/// A reference's hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// `funcref`.
    Func,
    /// `externref`.
    Extern,
    /// `anyref`.
    Any,
    /// `exnref`.
    Exn,
}

/// A trap, by what both engines distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapClass {
    /// `unreachable`.
    Unreachable,
    /// A memory access or bulk memory range out of bounds.
    MemoryOutOfBounds,
    /// A table access, bulk table range or `call_indirect` index out of
    /// bounds (Strata tells the last apart; wasmi does not).
    TableOutOfBounds,
    /// A call through a null table entry or function reference.
    NullCall,
    /// `call_indirect` to a function of another type.
    SignatureMismatch,
    /// Signed division overflow.
    IntegerOverflow,
    /// Division by zero.
    DivideByZero,
    /// A trapping float-to-int conversion.
    BadConversion,
    /// The call depth (or native stack) ran out.
    StackExhausted,
    /// The fuel ran out.
    OutOfFuel,
    /// An exception nothing caught.
    UncaughtException,
    /// Anything else (named by the message).
    Other,
}

impl TrapClass {
    /// Whether a run ending so says nothing about the other engine's run:
    /// fuel and stack budgets are each engine's own.
    pub fn is_budget(self) -> bool {
        matches!(self, TrapClass::OutOfFuel | TrapClass::StackExhausted)
    }
}

/// How one call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It returned these results.
    Returned(Vec<Value>),
    /// It trapped; `message` is the engine's own trap message.
    Trapped {
        /// The kind of trap.
        class: TrapClass,
        /// The engine's message for it.
        message: String,
    },
    /// It failed otherwise (the error's kind).
    Failed(String),
}

impl Outcome {
    /// Whether the outcome ended on a budget (fuel, stack).
    pub fn is_budget(&self) -> bool {
        matches!(self, Outcome::Trapped { class, .. } if class.is_budget())
    }

    /// The outcome as the oracle comparison sees it.
    fn portable(&self) -> Portable {
        match self {
            Outcome::Returned(values) => {
                Portable::Returned(values.iter().map(|v| v.portable()).collect())
            }
            Outcome::Trapped { class, .. } => Portable::Trapped(*class),
            Outcome::Failed(_) => Portable::Failed,
        }
    }
}

#[derive(Debug, PartialEq)]
enum Portable {
    Returned(Vec<Value>),
    Trapped(TrapClass),
    Failed,
}

/// The exported state after every call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Each exported global's value.
    pub globals: Vec<(String, Value)>,
    /// Each exported memory's bytes.
    pub memories: Vec<(String, Vec<u8>)>,
    /// Each exported table's elements.
    pub tables: Vec<(String, Vec<Value>)>,
}

impl State {
    /// Sort every list by export name (engines list exports in their own
    /// orders).
    pub fn sort(&mut self) {
        self.globals.sort_by(|a, b| a.0.cmp(&b.0));
        self.memories.sort_by(|a, b| a.0.cmp(&b.0));
        self.tables.sort_by(|a, b| a.0.cmp(&b.0));
    }

    fn portable(&self) -> State {
        let values = |v: &[Value]| v.iter().map(|v| v.portable()).collect::<Vec<_>>();
        State {
            globals: self
                .globals
                .iter()
                .map(|(n, v)| (n.clone(), v.portable()))
                .collect(),
            memories: self.memories.clone(),
            tables: self
                .tables
                .iter()
                .map(|(n, v)| (n.clone(), values(v)))
                .collect(),
        }
    }
}

/// What a run of a module observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// Instantiation failed: `Some` trap, or `None` for another error;
    /// `message` is the trap's message or the error's kind.
    NotInstantiated {
        /// The trap, if instantiation trapped.
        trap: Option<TrapClass>,
        /// What the engine said.
        message: String,
    },
    /// The instance's exported functions were called in export order.
    Ran {
        /// Each called export's name and outcome.
        calls: Vec<(String, Outcome)>,
        /// The exported state after the calls.
        state: State,
    },
}

impl Report {
    /// How many exports the oracle should call: those before the first call
    /// that ended on a budget (it and the rest compare nothing, and the
    /// oracle's larger fuel would only spin longer in them).
    pub fn calls_worth_comparing(&self) -> usize {
        match self {
            Report::NotInstantiated { .. } => 0,
            Report::Ran { calls, .. } => calls
                .iter()
                .position(|(_, o)| o.is_budget())
                .unwrap_or(calls.len()),
        }
    }
}

/// A disagreement, with what each side saw.
#[derive(Debug)]
pub struct Disagreement(pub String);

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Compare two Strata tiers' reports: everything must be equal (results,
/// trap codes, fuel and call-depth exhaustion at the same call, the state).
///
/// # Errors
/// The first difference, named.
pub fn compare_tiers(a: (&str, &Report), b: (&str, &Report)) -> Result<(), Disagreement> {
    let ((an, ar), (bn, br)) = (a, b);
    match (ar, br) {
        (
            Report::Ran {
                calls: ac,
                state: as_,
            },
            Report::Ran {
                calls: bc,
                state: bs,
            },
        ) => {
            if ac.len() != bc.len() {
                return Err(Disagreement(format!(
                    "{an} made {} calls, {bn} {}",
                    ac.len(),
                    bc.len()
                )));
            }
            for ((name, ao), (_, bo)) in ac.iter().zip(bc) {
                if ao != bo {
                    return Err(Disagreement(format!(
                        "export `{name}`: {an} {ao:?}, {bn} {bo:?}"
                    )));
                }
            }
            state_diff(an, as_, bn, bs)
        }
        _ if ar == br => Ok(()),
        _ => Err(Disagreement(format!(
            "instantiation: {an} {}, {bn} {}",
            brief(ar),
            brief(br)
        ))),
    }
}

fn brief(r: &Report) -> String {
    match r {
        Report::NotInstantiated { message, .. } => format!("failed ({message})"),
        Report::Ran { .. } => "succeeded".into(),
    }
}

fn state_diff(an: &str, a: &State, bn: &str, b: &State) -> Result<(), Disagreement> {
    if a.globals != b.globals {
        return Err(Disagreement(format!(
            "globals: {an} {:?}, {bn} {:?}",
            a.globals, b.globals
        )));
    }
    if a.tables != b.tables {
        return Err(Disagreement(format!(
            "tables: {an} {:?}, {bn} {:?}",
            a.tables, b.tables
        )));
    }
    for ((name, am), (_, bm)) in a.memories.iter().zip(&b.memories) {
        if am != bm {
            let at = am.iter().zip(bm.iter()).position(|(x, y)| x != y);
            return Err(Disagreement(format!(
                "memory `{name}`: {an} {} bytes, {bn} {} bytes, first difference at {at:?}",
                am.len(),
                bm.len()
            )));
        }
    }
    if a.memories.len() != b.memories.len() {
        return Err(Disagreement(format!(
            "{an} exports {} memories, {bn} {}",
            a.memories.len(),
            b.memories.len()
        )));
    }
    Ok(())
}

/// How far a comparison with the oracle got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    /// Instantiation and every call and the state were compared.
    All,
    /// These many calls were compared, then a run ended on a budget.
    Calls(usize),
    /// Instantiation itself ended on a budget on one side.
    Nothing,
}

/// Compare Strata's report with the oracle's, up to the first run either
/// side ended on a budget (fuel or stack: each engine's own, so the runs
/// after it start from states that may differ). Traps compare by class;
/// references by null-ness; the state only when every call compared.
///
/// # Errors
/// The first difference, named.
pub fn compare_oracle(strata: &Report, oracle: &Report) -> Result<Compared, Disagreement> {
    match (strata, oracle) {
        (Report::NotInstantiated { trap: Some(t), .. }, _) if t.is_budget() => {
            Ok(Compared::Nothing)
        }
        (_, Report::NotInstantiated { trap: Some(t), .. }) if t.is_budget() => {
            Ok(Compared::Nothing)
        }
        (Report::NotInstantiated { trap: st, .. }, Report::NotInstantiated { trap: ot, .. }) => {
            match (st, ot) {
                (Some(s), Some(o)) if s != o => Err(Disagreement(format!(
                    "instantiation traps: strata {s:?}, wasmi {o:?}"
                ))),
                _ => Ok(Compared::All),
            }
        }
        (
            Report::Ran {
                calls: sc,
                state: ss,
            },
            Report::Ran {
                calls: oc,
                state: os,
            },
        ) => {
            for (i, (name, s)) in sc.iter().enumerate() {
                if s.is_budget() {
                    return Ok(Compared::Calls(i));
                }
                let Some((oname, o)) = oc.get(i) else {
                    return Err(Disagreement(format!(
                        "wasmi made {} calls, strata {}",
                        oc.len(),
                        sc.len()
                    )));
                };
                if name != oname {
                    return Err(Disagreement(format!(
                        "call {i}: strata called `{name}`, wasmi `{oname}`"
                    )));
                }
                if o.is_budget() {
                    return Ok(Compared::Calls(i));
                }
                if s.portable() != o.portable() {
                    return Err(Disagreement(format!(
                        "export `{name}`: strata {s:?}, wasmi {o:?}"
                    )));
                }
            }
            if sc.len() != oc.len() {
                return Err(Disagreement(format!(
                    "strata made {} calls, wasmi {}",
                    sc.len(),
                    oc.len()
                )));
            }
            state_diff("strata", &ss.portable(), "wasmi", &os.portable())?;
            Ok(Compared::All)
        }
        _ => Err(Disagreement(format!(
            "instantiation: strata {}, wasmi {}",
            brief(strata),
            brief(oracle)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trap(class: TrapClass) -> Outcome {
        Outcome::Trapped {
            class,
            message: format!("{class:?}"),
        }
    }

    fn ran(calls: &[(&str, Outcome)]) -> Report {
        Report::Ran {
            calls: calls
                .iter()
                .map(|(n, o)| ((*n).to_string(), o.clone()))
                .collect(),
            state: State::default(),
        }
    }

    #[test]
    fn the_oracle_compares_up_to_the_first_budget() {
        let one = Outcome::Returned(vec![Value::I32(1)]);
        let strata = ran(&[
            ("a", one.clone()),
            ("b", trap(TrapClass::OutOfFuel)),
            ("c", one.clone()),
        ]);
        assert_eq!(strata.calls_worth_comparing(), 1);
        let oracle = ran(&[("a", one.clone())]);
        assert_eq!(
            compare_oracle(&strata, &oracle).ok(),
            Some(Compared::Calls(1))
        );
        let wrong = ran(&[("a", Outcome::Returned(vec![Value::I32(2)]))]);
        assert!(compare_oracle(&strata, &wrong).is_err());
        // The oracle's own budget ends the comparison too.
        let strata = ran(&[("a", one.clone()), ("b", one.clone())]);
        let oracle = ran(&[("a", one.clone()), ("b", trap(TrapClass::StackExhausted))]);
        assert_eq!(
            compare_oracle(&strata, &oracle).ok(),
            Some(Compared::Calls(1))
        );
        // Trap classes compare, messages do not.
        let s = ran(&[("a", trap(TrapClass::MemoryOutOfBounds))]);
        let o = ran(&[(
            "a",
            Outcome::Trapped {
                class: TrapClass::MemoryOutOfBounds,
                message: "out of bounds memory access".into(),
            },
        )]);
        assert_eq!(compare_oracle(&s, &o).ok(), Some(Compared::All));
    }

    #[test]
    fn tiers_compare_everything() {
        let f = |addr| Value::Ref {
            kind: RefKind::Func,
            null: false,
            func: Some(addr),
        };
        let a = ran(&[("a", Outcome::Returned(vec![f(3)]))]);
        let b = ran(&[("a", Outcome::Returned(vec![f(4)]))]);
        assert!(compare_tiers(("x", &a), ("y", &b)).is_err());
        assert!(compare_tiers(("x", &a), ("y", &a)).is_ok());
        // The oracle sees only null-ness.
        assert_eq!(compare_oracle(&a, &b).ok(), Some(Compared::All));
        let fuel = ran(&[("a", trap(TrapClass::OutOfFuel))]);
        let stack = ran(&[("a", trap(TrapClass::StackExhausted))]);
        assert!(compare_tiers(("x", &fuel), ("y", &stack)).is_err());
    }
}
