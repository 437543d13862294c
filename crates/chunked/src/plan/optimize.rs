//! The optimizer: rewrites a logical plan before it is lowered to tasks.
//!
//! Rules (each a local rewrite, applied bottom-up until nothing changes):
//! - **selection pushdown**: an index along an axis moves below elementwise operations,
//!   transposes, axis insertions/removals, concatenations along other axes and reductions over
//!   other axes — down to the reads, so only the touched chunks are ever decoded, and a
//!   reduction followed by a selection reduces only what is selected;
//! - **index fusion**: two indexes on the same axis become one;
//! - **transpose fusion**: two transposes become one; the identity transpose disappears;
//! - **rechunk fusion**: a rechunk of a rechunk keeps only the last.
//!
//! Unused branches never reach the task graph (only nodes reachable from the requested
//! outputs are lowered) and shared subexpressions are lowered once.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Result;
use crate::plan::node::{self, AxisIndex, NodeRef, Op};

/// Which rules to run (all by default; a test or a lesson can switch one off).
#[derive(Debug, Clone, Copy)]
pub struct OptFlags {
    /// Push selections towards the reads.
    pub pushdown: bool,
    /// Fuse consecutive indexes, transposes and rechunks.
    pub fuse: bool,
}

impl Default for OptFlags {
    fn default() -> Self {
        OptFlags { pushdown: true, fuse: true }
    }
}

struct Optimizer {
    flags: OptFlags,
    done: HashMap<u64, NodeRef>,
    pushed: HashMap<(u64, usize, String), NodeRef>,
}

/// Optimize several outputs together (shared nodes stay shared).
///
/// # Errors
/// Only if a rewrite produces an invalid node, which would be a bug in a rule.
pub fn optimize(outputs: &[NodeRef], flags: OptFlags) -> Result<Vec<NodeRef>> {
    let mut o = Optimizer { flags, done: HashMap::new(), pushed: HashMap::new() };
    outputs.iter().map(|n| o.visit(n)).collect()
}

impl Optimizer {
    fn visit(&mut self, n: &NodeRef) -> Result<NodeRef> {
        if let Some(x) = self.done.get(&n.id) {
            return Ok(x.clone());
        }
        let inputs: Vec<NodeRef> = n.inputs().into_iter().map(|i| self.visit(i)).collect::<Result<_>>()?;
        let rebuilt = node::with_inputs(n, inputs)?;
        let mut out = self.rewrite(&rebuilt)?;
        // A rewrite keeps the values but may regroup them into other chunks (a fused `take`
        // followed by a stepped slice makes its own runs); the consumers of `n` and the
        // assembly of the result rely on `n`'s chunks, so restore them.
        if out.chunks != n.chunks {
            out = node::rechunk(&out, n.chunks.clone())?;
        }
        self.done.insert(n.id, out.clone());
        Ok(out)
    }

    /// `index(x, axis, ix)`, optimized, shared when the same selection is pushed twice.
    fn index(&mut self, x: &NodeRef, axis: usize, ix: &AxisIndex) -> Result<NodeRef> {
        let key = (x.id, axis, format!("{ix:?}"));
        if let Some(n) = self.pushed.get(&key) {
            return Ok(n.clone());
        }
        let raw = node::index(x, axis, ix.clone())?;
        let n = self.rewrite(&raw)?;
        self.pushed.insert(key, n.clone());
        Ok(n)
    }

    fn rewrite(&mut self, n: &NodeRef) -> Result<NodeRef> {
        match &n.op {
            Op::Index { input, axis, index } => self.rewrite_index(n, input, *axis, index),
            Op::Transpose(x, perm) if self.flags.fuse => {
                if perm.iter().enumerate().all(|(i, &p)| i == p) {
                    return Ok(x.clone());
                }
                if let Op::Transpose(inner, p0) = &x.op {
                    let composed: Vec<usize> = perm.iter().map(|&p| p0[p]).collect();
                    let t = node::transpose(inner, &composed)?;
                    return self.rewrite(&t);
                }
                Ok(n.clone())
            }
            Op::Rechunk(x) if self.flags.fuse => {
                if let Op::Rechunk(inner) = &x.op {
                    return node::rechunk(inner, n.chunks.clone());
                }
                Ok(n.clone())
            }
            _ => Ok(n.clone()),
        }
    }

    fn rewrite_index(&mut self, n: &NodeRef, input: &NodeRef, axis: usize, ix: &AxisIndex) -> Result<NodeRef> {
        // A selection of everything, in order, is no selection.
        if let AxisIndex::Slice { start: 0, step: 1, len } = ix
            && *len == input.shape[axis]
        {
            return Ok(input.clone());
        }
        if self.flags.fuse
            && let Op::Index { input: inner, axis: a0, index: i0 } = &input.op
            && *a0 == axis
        {
            let composed = i0.compose(ix);
            return self.index(inner, axis, &composed);
        }
        if !self.flags.pushdown {
            return Ok(n.clone());
        }
        // Operands that broadcast along `axis` (length 1 there) are left alone.
        let push = |this: &mut Self, x: &NodeRef| -> Result<NodeRef> {
            if x.shape[axis] == 1 && input.shape[axis] != 1 { Ok(x.clone()) } else { this.index(x, axis, ix) }
        };
        match &input.op {
            Op::Unary(..) | Op::Scalar { .. } | Op::Binary(..) | Op::Where(..) => {
                let mut new_inputs = Vec::new();
                for x in input.inputs() {
                    new_inputs.push(push(self, x)?);
                }
                node::with_inputs(input, new_inputs)
            }
            Op::Transpose(x, perm) => {
                let inner = self.index(x, perm[axis], ix)?;
                node::transpose(&inner, perm)
            }
            Op::InsertAxis(x, a) if *a != axis => {
                let inner_axis = if axis > *a { axis - 1 } else { axis };
                let inner = self.index(x, inner_axis, ix)?;
                node::insert_axis(&inner, *a)
            }
            Op::RemoveAxis(x, a) => {
                let inner_axis = if axis >= *a { axis + 1 } else { axis };
                let inner = self.index(x, inner_axis, ix)?;
                node::remove_axis(&inner, *a)
            }
            Op::Concat(xs, a) if *a != axis => {
                let parts = xs.iter().map(|x| self.index(x, axis, ix)).collect::<Result<Vec<_>>>()?;
                node::concat(&parts, *a)
            }
            Op::Reduce { input: x, red, axes } => {
                // Output axis `axis` is the input's `axis`-th kept axis.
                let kept: Vec<usize> = (0..x.shape.len()).filter(|d| !axes.contains(d)).collect();
                let inner = self.index(x, kept[axis], ix)?;
                node::reduce(&inner, *red, axes)
            }
            Op::PairReduce { a, b, stat, skipna, axes } => {
                let kept: Vec<usize> = (0..a.shape.len()).filter(|d| !axes.contains(d)).collect();
                let (ia, ib) = (self.index(a, kept[axis], ix)?, self.index(b, kept[axis], ix)?);
                node::pair_reduce(&ia, &ib, *stat, *skipna, axes)
            }
            Op::GroupReduce { input: x, red, axis: g, labels, ngroups } if *g != axis => {
                let inner = self.index(x, axis, ix)?;
                node::group_reduce(&inner, *red, *g, Arc::clone(labels), *ngroups)
            }
            _ => Ok(n.clone()),
        }
    }
}
