//! Deterministic measures of translation whose growth with nesting would
//! make compile time or memory superlinear: Cranelift blocks per level,
//! predecessors per block (regalloc2's dominator computation pays for wide
//! joins of distant blocks), alias chains (each lookup walks its chain), and
//! which pipeline a body gets.

use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir;
use cranelift_codegen::settings::OptLevel;
use cranelift_frontend::FunctionBuilderContext;
use strata_ir::{FuncIdx, ValidModule};

use crate::compile::build_isa;

/// The last function of `wat`, translated, with its loop-nest cost and
/// number of ops.
fn translate(wat: &str) -> (ir::Function, u64, usize) {
    let module: ValidModule = strata_loader::Loader::default()
        .load_wat(wat)
        .expect("test module");
    let isas = build_isa(None).expect("host isa");
    let last = module.bodies.len() - 1;
    let func = FuncIdx(module.num_imported_funcs + last as u32);
    let mut clif = ir::Function::new();
    clif.signature = super::wasm_signature(module.func_type(func)).expect("signature");
    let body = &module.bodies[last];
    let cost = super::translate_function(
        &module,
        func,
        body,
        isas.speed.default_call_conv(),
        isas.speed.frontend_config(),
        &mut clif,
        &mut FunctionBuilderContext::new(),
    )
    .expect("translates");
    (clif, cost, body.ops.len())
}

fn blocks(f: &ir::Function) -> usize {
    f.layout.blocks().count()
}

/// `n` nested `open` … `end` around `inner`, in `run: (i32) -> i32`.
fn nest(open: &str, inner: &str, close: &str, n: usize, locals: &str) -> String {
    format!(
        "(module (func (export \"run\") (param i32) (result i32) {locals} {} {inner} {} local.get 0))",
        open.repeat(n),
        close.repeat(n)
    )
}

/// Nested loops each ending in a back edge taken while a counter (local
/// 1, written at every level) stays above the argument (local 0, only
/// read); local 2 is copied onto itself at every level.
fn back_edged(n: usize) -> String {
    nest(
        "loop ",
        "",
        "local.get 2 local.set 2 \
         local.get 1 i32.const 1 i32.sub local.tee 1 local.get 0 i32.gt_s br_if 0 end ",
        n,
        "(local i32 i32) local.get 0 local.set 1",
    )
}

/// The longest chain of value aliases.
fn longest_alias_chain(f: &ir::Function) -> usize {
    f.dfg
        .values()
        .map(|mut v| {
            let mut n = 0;
            while let Some(next) = f.dfg.value_alias_dest_for_serialization(v) {
                v = next;
                n += 1;
            }
            n
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn nests_nothing_branches_to_are_straight_line() {
    for open in ["block ", "loop "] {
        let (small, ..) = translate(&nest(open, "", "end ", 10, ""));
        let (big, ..) = translate(&nest(open, "", "end ", 2_000, ""));
        assert_eq!(blocks(&small), blocks(&big), "`{open}` nest");
        assert_eq!(small.dfg.num_insts(), big.dfg.num_insts(), "`{open}` nest");
    }
}

#[test]
fn back_edged_nests_grow_linearly_without_alias_chains() {
    let (one, ..) = translate(&back_edged(1_000));
    let (two, ..) = translate(&back_edged(2_000));
    // The same blocks and instructions per level at either depth.
    assert!(
        blocks(&two) <= 2 * blocks(&one),
        "{} {}",
        blocks(&one),
        blocks(&two)
    );
    assert!(two.dfg.num_insts() <= 2 * one.dfg.num_insts());
    assert!(two.dfg.num_values() <= 2 * one.dfg.num_values());
    assert!(blocks(&one) <= 8 * 1_000, "{} blocks", blocks(&one));
    // Placeholders left at open headers would alias the enclosing one's,
    // level after level.
    assert!(
        longest_alias_chain(&two) <= 1,
        "{}",
        longest_alias_chain(&two)
    );
}

#[test]
fn trap_edges_join_a_few_at_a_time() {
    // Every call and every division can trap; 2000 of each in a row.
    let wat = format!(
        "(module (func $f (param i32) (result i32) local.get 0)
           (func (export \"run\") (param i32) (result i32) {} local.get 0))",
        "local.get 0 call $f i32.const 3 i32.div_u drop ".repeat(2_000)
    );
    let (f, ..) = translate(&wat);
    let cfg = ControlFlowGraph::with_function(&f);
    let widest = f
        .layout
        .blocks()
        .map(|b| cfg.pred_iter(b).count())
        .max()
        .unwrap_or(0);
    assert!(
        widest <= super::funnel::FAN_IN as usize,
        "{widest} predecessors"
    );
}

#[test]
fn only_deep_back_edged_nests_take_the_linear_pipeline() {
    let isas = build_isa(None).expect("host isa");
    let level = |wat: &str| {
        let (_, cost, ops) = translate(wat);
        isas.for_body(ops, cost).flags().opt_level()
    };
    assert_eq!(level(&back_edged(3)), OptLevel::Speed);
    assert_eq!(level(&back_edged(1_000)), OptLevel::None);
    // Deep nests of other constructs cost nothing here.
    assert_eq!(
        level(&nest("loop ", "", "end ", 10_000, "")),
        OptLevel::Speed
    );
    assert_eq!(
        level(&nest("block ", "local.get 0 br_if 0 ", "end ", 10_000, "")),
        OptLevel::Speed
    );
}
