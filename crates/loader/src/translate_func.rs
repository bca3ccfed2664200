//! Validation and translation of one function body in a single pass.
//!
//! Each operator is decoded (errors are malformed), validated with wasmparser's
//! [`FuncValidator`] (errors are invalid), and, when it is live, translated to
//! an [`Op`]. Code after an unconditional control transfer is validated but
//! not emitted, up to the `else` or `end` that closes the enclosing block.
//! Block structure is resolved with a control stack: `Block`, `Loop`, `If`
//! and `Else` get the op indices of their `Else`/`End` patched in when those
//! are emitted.

use strata_ir::{Catch, CatchKind, FuncBody, Op, TagIdx, TryTableIdx, ValType};
use wasmparser::{self as wp, FuncValidator, Operator, OperatorsReader, ValidatorResources};

use crate::error::LoadError;
use crate::op_map::{ends_reachability, map_op, opens_block};
use crate::types::{block_type, val_type};

/// Outcome of a body that validated: its translation, or why it can not be
/// represented (to be reported once the whole module has validated).
pub(crate) type Translated = Result<FuncBody, LoadError>;

/// An open block of live code.
struct Ctl {
    /// Op index of the `Block`, `Loop` or `If`.
    start: usize,
    /// Op index of the `Else`, once emitted.
    else_: Option<u32>,
}

/// The op stream under construction.
#[derive(Default)]
struct Emitter {
    ops: Vec<Op>,
    offsets: Vec<u32>,
    br_tables: Vec<Box<[u32]>>,
    try_tables: Vec<Box<[Catch]>>,
    ctl: Vec<Ctl>,
    /// `Some(depth)` while skipping dead code, `depth` counting the blocks
    /// opened inside the dead code.
    dead: Option<u32>,
    max_stack: u32,
}

fn offset_u32(offset: u64) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl Emitter {
    /// Emits a live operator; `height` is the operand stack height after it.
    fn emit(
        &mut self,
        op: &Operator<'_>,
        offset: u64,
        select_ty: Option<ValType>,
        height: u32,
    ) -> Result<(), LoadError> {
        let idx = self.ops.len();
        let idx32 = u32::try_from(idx)
            .map_err(|_| LoadError::unsupported("function body too large", offset))?;
        let ir = match *op {
            Operator::Block { blockty } => {
                let ty = block_type(blockty, offset)?;
                self.ctl.push(Ctl {
                    start: idx,
                    else_: None,
                });
                Op::Block { ty, end: 0 }
            }
            Operator::Loop { blockty } => {
                let ty = block_type(blockty, offset)?;
                self.ctl.push(Ctl {
                    start: idx,
                    else_: None,
                });
                Op::Loop { ty, end: 0 }
            }
            Operator::If { blockty } => {
                let ty = block_type(blockty, offset)?;
                self.ctl.push(Ctl {
                    start: idx,
                    else_: None,
                });
                Op::If {
                    ty,
                    else_: 0,
                    end: 0,
                }
            }
            Operator::TryTable { ref try_table } => {
                let ty = block_type(try_table.ty, offset)?;
                let catches: Vec<Catch> = try_table
                    .catches
                    .iter()
                    .map(|c| match *c {
                        wp::Catch::One { tag, label } => Catch {
                            kind: CatchKind::Tag(TagIdx(tag)),
                            label,
                        },
                        wp::Catch::OneRef { tag, label } => Catch {
                            kind: CatchKind::TagRef(TagIdx(tag)),
                            label,
                        },
                        wp::Catch::All { label } => Catch {
                            kind: CatchKind::All,
                            label,
                        },
                        wp::Catch::AllRef { label } => Catch {
                            kind: CatchKind::AllRef,
                            label,
                        },
                    })
                    .collect();
                let table = u32::try_from(self.try_tables.len())
                    .map_err(|_| LoadError::unsupported("too many try_table operators", offset))?;
                self.try_tables.push(catches.into());
                self.ctl.push(Ctl {
                    start: idx,
                    else_: None,
                });
                Op::TryTable {
                    ty,
                    end: 0,
                    catches: TryTableIdx(table),
                }
            }
            Operator::Else => {
                // The validator guarantees an enclosing `if`.
                if let Some(top) = self.ctl.last_mut() {
                    top.else_ = Some(idx32);
                    if let Some(Op::If { else_, .. }) = self.ops.get_mut(top.start) {
                        *else_ = idx32;
                    }
                }
                Op::Else { end: 0 }
            }
            Operator::End => {
                // With an empty control stack this is the function's own end.
                if let Some(c) = self.ctl.pop() {
                    self.patch_end(c, idx32);
                }
                Op::End
            }
            _ => {
                let ir = map_op(op, offset, select_ty, &mut self.br_tables)?;
                if ends_reachability(op) {
                    self.dead = Some(0);
                }
                ir
            }
        };
        self.ops.push(ir);
        self.offsets.push(offset_u32(offset));
        self.max_stack = self.max_stack.max(height);
        Ok(())
    }

    fn patch_end(&mut self, c: Ctl, end_idx: u32) {
        match self.ops.get_mut(c.start) {
            Some(Op::Block { end, .. } | Op::Loop { end, .. } | Op::TryTable { end, .. }) => {
                *end = end_idx
            }
            Some(Op::If { else_, end, .. }) => {
                *end = end_idx;
                if c.else_.is_none() {
                    *else_ = end_idx;
                }
            }
            _ => {}
        }
        if let Some(e) = c.else_ {
            if let Some(Op::Else { end }) = self.ops.get_mut(e as usize) {
                *end = end_idx;
            }
        }
    }

    /// Handles an operator while skipping dead code. Returns `true` if the
    /// operator closes the dead region (and must be emitted).
    fn skip_dead(&mut self, op: &Operator<'_>) -> bool {
        let Some(depth) = self.dead.as_mut() else {
            return true;
        };
        if *depth == 0 && matches!(op, Operator::Else | Operator::End) {
            self.dead = None;
            return true;
        }
        if opens_block(op) {
            *depth += 1;
        } else if matches!(op, Operator::End | Operator::Delegate { .. }) {
            *depth = depth.saturating_sub(1);
        }
        false
    }
}

/// The operand type of an untyped `select` about to be validated.
fn select_operand_type(fv: &FuncValidator<ValidatorResources>) -> Option<ValType> {
    [1, 2]
        .into_iter()
        .find_map(|depth| match fv.get_operand_type(depth) {
            Some(Some(t)) => val_type(t, 0).ok(),
            _ => None,
        })
}

/// Validates and translates a function body. The outer error is fatal
/// (malformed or invalid); the inner one is an unsupported construct.
pub(crate) fn translate_body(
    body: &wp::FunctionBody<'_>,
    fv: &mut FuncValidator<ValidatorResources>,
) -> Result<Translated, LoadError> {
    let body_offset = body.range().start;
    let mut reader = body.get_binary_reader();
    let mut unsupported: Option<LoadError> = None;

    // Locals: only expanded once the validator accepted the declaration (it
    // bounds the total count).
    let mut locals = Vec::new();
    let decls = reader.read_var_u32().map_err(LoadError::malformed)?;
    for _ in 0..decls {
        let pos = reader.original_position();
        let count = reader.read_var_u32().map_err(LoadError::malformed)?;
        let ty: wp::ValType = reader.read().map_err(LoadError::malformed)?;
        fv.define_locals(pos, count, ty)
            .map_err(LoadError::from_validator)?;
        if unsupported.is_none() {
            match val_type(ty, pos) {
                Ok(t) => locals.extend(std::iter::repeat_n(t, count as usize)),
                Err(e) => unsupported = Some(e),
            }
        }
    }

    let mut ops = OperatorsReader::new(reader);
    let mut em = Emitter::default();
    // Operators take one byte or more; reserving for one per two bytes saves
    // most regrowth, and the excess is returned below.
    let range = body.range();
    let estimate = usize::try_from(range.end.saturating_sub(range.start) / 2).unwrap_or(0) + 8;
    em.ops.reserve(estimate);
    em.offsets.reserve(estimate);
    while !ops.eof() {
        let (op, pos) = ops.read_with_offset().map_err(LoadError::malformed)?;
        let live = em.dead.is_none() && unsupported.is_none();
        let select_ty = if live && matches!(op, Operator::Select) {
            select_operand_type(fv)
        } else {
            None
        };
        fv.op(pos, &op).map_err(LoadError::from_validator)?;
        if unsupported.is_some() || !em.skip_dead(&op) {
            continue;
        }
        if let Err(e) = em.emit(&op, pos, select_ty, fv.operand_stack_height()) {
            unsupported = Some(e);
        }
    }
    ops.finish().map_err(LoadError::malformed)?;

    if em.ops.capacity() > em.ops.len() + em.ops.len() / 4 + 8 {
        em.ops.shrink_to_fit();
        em.offsets.shrink_to_fit();
    }
    Ok(match unsupported {
        Some(e) => Err(e),
        None => Ok(FuncBody {
            locals: locals.into(),
            ops: em.ops,
            offsets: em.offsets,
            br_tables: em.br_tables,
            try_tables: em.try_tables,
            max_stack: em.max_stack,
            offset: offset_u32(body_offset),
        }),
    })
}
