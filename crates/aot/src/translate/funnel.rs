//! Many-to-one edges through a tree of empty blocks.
//!
//! Every trap path of a function leaves through one exit block, and every
//! call inside a `try_table` can continue at its landing pad. Jumping
//! straight there gives that block one predecessor per site. regalloc2
//! computes dominators with the iterative Cooper–Harvey–Kennedy algorithm,
//! which pays, at each join, the dominator-tree distance from every
//! predecessor up to their common dominator: for one block reached from
//! sites all along a function that is the sum of the sites' depths, so
//! quadratic in a long function (100k calls in a row, or nested loops, each
//! of whose interruption polls can trap).
//!
//! A [`Funnel`] instead hands out leaves, each taking at most [`FAN_IN`]
//! edges from consecutive sites, and at [`Funnel::finish`] joins the leaves
//! four at a time, level by level, into the target. Each join then merges
//! neighbours in program order, whose common dominator is close, and the
//! algorithm's total is O(blocks · log sites). The tree's blocks hold only a
//! jump, which Cranelift's emitter threads (a branch to such a block is
//! resolved to the block's own target), so they cost no code unless the
//! register allocator places a move on one.

use cranelift_codegen::ir::{Block, InstBuilder};
use cranelift_frontend::FunctionBuilder;

/// Edges each block of the tree takes.
pub(crate) const FAN_IN: u32 = 4;

/// The tree of blocks leading to one join target.
#[derive(Debug)]
pub(crate) struct Funnel {
    /// Where the tree ends.
    target: Block,
    /// The leaves handed out, in order.
    leaves: Vec<Block>,
    /// Edges the last leaf has taken.
    used: u32,
}

impl Funnel {
    /// A funnel into `target`.
    pub(crate) fn new(target: Block) -> Self {
        Self {
            target,
            leaves: Vec::new(),
            used: FAN_IN,
        }
    }

    /// The block the next edge to the target should go to.
    pub(crate) fn entry(&mut self, b: &mut FunctionBuilder) -> Block {
        if self.used == FAN_IN {
            let leaf = b.create_block();
            b.set_cold_block(leaf);
            self.leaves.push(leaf);
            self.used = 0;
        }
        self.used += 1;
        // A leaf was pushed above if there was none.
        self.leaves.last().copied().unwrap_or(self.target)
    }

    /// Fill the tree and seal the target: every edge to it has been
    /// taken. The builder's current block must be filled (or empty); it
    /// is left for another.
    pub(crate) fn finish(self, b: &mut FunctionBuilder) {
        let mut level = self.leaves;
        while level.len() > 1 {
            let mut next = Vec::with_capacity(level.len().div_ceil(FAN_IN as usize));
            for group in level.chunks(FAN_IN as usize) {
                let parent = b.create_block();
                b.set_cold_block(parent);
                for &child in group {
                    b.switch_to_block(child);
                    b.seal_block(child);
                    b.ins().jump(parent, &[]);
                }
                next.push(parent);
            }
            level = next;
        }
        if let Some(&root) = level.first() {
            b.switch_to_block(root);
            b.seal_block(root);
            b.ins().jump(self.target, &[]);
        }
        b.seal_block(self.target);
    }
}
