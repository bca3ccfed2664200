//! A pass over a body before translating it: which constructs some branch
//! targets, what each targeted loop reads and writes, and how deeply such
//! loops nest.
//!
//! Only a label that is branched to needs a Cranelift block: a `block` (or
//! `try_table`) no branch targets ends in the block its body ends in, and a
//! `loop` no branch targets runs its body once and gets no header block (a
//! loop's end is reached by falling through only, so never needs one). A
//! deep nest of such constructs is then straight-line code.
//!
//! A targeted loop's header is a join whose back edges are only known at
//! the loop's `end`, so it stays unsealed while its body is translated. Left to
//! itself, the frontend would give the header a placeholder parameter for
//! every variable looked up inside; placeholders that turn out redundant
//! become aliases of the enclosing header's placeholder, and through a deep
//! nest those alias chains make every later lookup walk the nest (quadratic).
//! With the sets found here the translator instead passes each variable the
//! loop writes as an explicit header parameter, and defines each variable it
//! only reads in the header from the value at entry: no placeholder is ever
//! made at an open header. Work: the sum over targeted loops of the distinct
//! variables they touch.
//!
//! [`Prepass::nest_cost`] is the sum, over the ops, of the square of the
//! number of targeted loops around each: it bounds the work of Cranelift's
//! loop-invariant code motion, which walks the loop nest for every operand
//! of every instruction in a loop.

use std::collections::{HashMap, HashSet};

use strata_ir::{FuncBody, Op};

/// What a targeted loop (its nested code included) reads and writes.
#[derive(Debug, Default)]
pub(crate) struct LoopVars {
    /// Locals read (`local.get`), not written.
    pub reads: Vec<u32>,
    /// Locals written (`local.set`, `local.tee`).
    pub writes: Vec<u32>,
    /// Whether it accesses memory (reads the base and length variables).
    pub reads_memory: bool,
    /// Whether it may re-read the base and length (an op that calls out).
    pub writes_memory: bool,
}

/// The result of the pass.
#[derive(Debug, Default)]
pub(crate) struct Prepass {
    /// The `block`, `loop`, `if` and `try_table` ops some branch targets.
    pub targeted: HashSet<usize>,
    /// What each targeted loop reads and writes, by op index.
    pub loop_vars: HashMap<usize, LoopVars>,
    /// Sum over ops of (targeted loops around the op)², saturating.
    pub nest_cost: u64,
}

/// A loop being scanned.
#[derive(Default)]
struct Open {
    pc: usize,
    reads: HashSet<u32>,
    writes: HashSet<u32>,
    reads_memory: bool,
    writes_memory: bool,
}

/// Whether translating `op` can redefine the memory variables (it calls a
/// helper or a function, after which memories are re-read). Anything not
/// listed here is assumed to.
fn keeps_memories(op: &Op) -> bool {
    matches!(
        op,
        Op::Unreachable
            | Op::Nop
            | Op::Block { .. }
            | Op::Loop { .. }
            | Op::If { .. }
            | Op::Else { .. }
            | Op::End
            | Op::Br(_)
            | Op::BrIf(_)
            | Op::BrTable(_)
            | Op::Return
            | Op::Drop
            | Op::Select(_)
            | Op::LocalGet(_)
            | Op::LocalSet(_)
            | Op::LocalTee(_)
            | Op::GlobalGet(_)
            | Op::GlobalSet(_)
            | Op::Load(..)
            | Op::Store(..)
            | Op::I32Const(_)
            | Op::I64Const(_)
            | Op::F32Const(_)
            | Op::F64Const(_)
            | Op::Num(_)
            | Op::RefNull(_)
            | Op::RefIsNull
            | Op::RefAsNonNull
            | Op::BrOnNull(_)
            | Op::BrOnNonNull(_)
            | Op::MemorySize(_)
    )
}

/// Scan `body`. Linear in its ops plus the sizes of the sets.
pub(crate) fn analyze(body: &FuncBody) -> Prepass {
    // The op index of each open construct (`None` for the function body,
    // at the bottom) and, for a loop, its index in `loops`.
    let mut constructs: Vec<(Option<usize>, Option<usize>)> = vec![(None, None)];
    let mut loops: Vec<Open> = Vec::new();
    let mut out = Prepass::default();

    fn mark(constructs: &[(Option<usize>, Option<usize>)], depth: u32, out: &mut Prepass) {
        let at = constructs.len().checked_sub(1 + depth as usize);
        if let Some((Some(pc), _)) = at.and_then(|i| constructs.get(i)) {
            out.targeted.insert(*pc);
        }
    }

    for (pc, op) in body.ops.iter().enumerate() {
        if let Some(l) = loops.last_mut() {
            match *op {
                Op::LocalGet(i) => {
                    l.reads.insert(i.0);
                }
                Op::LocalSet(i) | Op::LocalTee(i) => {
                    l.writes.insert(i.0);
                }
                Op::Load(..) | Op::Store(..) => l.reads_memory = true,
                _ => {}
            }
            if !keeps_memories(op) {
                l.writes_memory = true;
            }
        }
        match *op {
            Op::Block { .. } | Op::If { .. } => constructs.push((Some(pc), None)),
            Op::Loop { .. } => {
                constructs.push((Some(pc), Some(loops.len())));
                loops.push(Open {
                    pc,
                    ..Open::default()
                });
            }
            Op::TryTable { catches, .. } => {
                // Catch labels are relative to the enclosing construct.
                for c in body.try_table(catches) {
                    mark(&constructs, c.label, &mut out);
                }
                constructs.push((Some(pc), None));
            }
            Op::Br(d) | Op::BrIf(d) | Op::BrOnNull(d) | Op::BrOnNonNull(d) => {
                mark(&constructs, d, &mut out)
            }
            Op::BrTable(t) => {
                for &d in body.br_table(t) {
                    mark(&constructs, d, &mut out);
                }
            }
            Op::End => {
                if let Some((_, Some(_))) = constructs.pop() {
                    if let Some(done) = loops.pop() {
                        close(done, loops.last_mut(), &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    out.nest_cost = nest_cost(body, &out.targeted);
    out
}

/// Merge a finished loop's sets into its enclosing loop and record them if
/// it is targeted.
fn close(done: Open, parent: Option<&mut Open>, out: &mut Prepass) {
    if let Some(p) = parent {
        p.reads.extend(done.reads.iter().copied());
        p.writes.extend(done.writes.iter().copied());
        p.reads_memory |= done.reads_memory;
        p.writes_memory |= done.writes_memory;
    }
    if out.targeted.contains(&done.pc) {
        let mut writes: Vec<u32> = done.writes.iter().copied().collect();
        writes.sort_unstable();
        let mut reads: Vec<u32> = done
            .reads
            .iter()
            .copied()
            .filter(|r| !done.writes.contains(r))
            .collect();
        reads.sort_unstable();
        out.loop_vars.insert(
            done.pc,
            LoopVars {
                reads,
                writes,
                reads_memory: done.reads_memory,
                writes_memory: done.writes_memory,
            },
        );
    }
}

/// Sum over ops of the square of the targeted loops around them.
fn nest_cost(body: &FuncBody, targeted: &HashSet<usize>) -> u64 {
    // Per open construct: whether it is a targeted loop.
    let mut constructs: Vec<bool> = Vec::new();
    let mut depth: u64 = 0;
    let mut cost: u64 = 0;
    for (pc, op) in body.ops.iter().enumerate() {
        match op {
            Op::Block { .. } | Op::If { .. } | Op::TryTable { .. } => constructs.push(false),
            Op::Loop { .. } => {
                let t = targeted.contains(&pc);
                depth += u64::from(t);
                constructs.push(t);
            }
            Op::End => {
                let closes_targeted = constructs.pop() == Some(true);
                depth = depth.saturating_sub(u64::from(closes_targeted));
            }
            _ => {}
        }
        cost = cost.saturating_add(depth.saturating_mul(depth));
    }
    cost
}
