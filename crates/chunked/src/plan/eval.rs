//! Pull evaluation: compute any region of a node from the regions of its inputs.
//!
//! This is how elementwise work is fused into the read of each chunk: a task asks the top of a
//! fused pipeline for its region, every node maps the region to its inputs, and only the
//! touched source chunks — and only the touched part of each — are read. Stage nodes
//! (reductions, `map_blocks`) are not pulled through: their chunks are the results of earlier
//! tasks and arrive in a [`StageValues`] map.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use crate::block::{Block, BlockElement, concat_blocks};
use crate::cache::ChunkCache;
use crate::chunks::{Chunks, Region, grid_indices};
use crate::error::{ChunkedError, Result};
use crate::kernels::elementwise::where_blocks;
use crate::plan::node::{AxisIndex, NodeRef, Op};
use crate::source::ChunkSource;
use crate::with_dtype;

/// Key of a stage chunk: (node id, chunk index).
pub type StageKey = (u64, Vec<usize>);

/// Finished stage chunks a task may read.
pub type StageValues = HashMap<StageKey, Arc<Block>>;

/// The region of `x` that broadcasts to `region` of an output of `out_shape`.
fn broadcast_region(x: &NodeRef, region: &Region, out_shape: &[usize]) -> Region {
    region
        .iter()
        .enumerate()
        .map(|(d, r)| if x.shape[d] == 1 && out_shape[d] != 1 { 0..1 } else { r.clone() })
        .collect()
}

/// Output positions `out` along an indexed axis grouped by input chunk:
/// `(range of output positions relative to out.start, covering input range)`.
fn index_runs(
    input_chunks: &Chunks,
    axis: usize,
    index: &AxisIndex,
    out: &Range<usize>,
) -> Vec<(Range<usize>, Range<usize>)> {
    let bounds = input_chunks.bounds(axis);
    let chunk_of = |p: usize| bounds.partition_point(|&b| b <= p) - 1;
    let mut runs: Vec<(usize, Range<usize>, Range<usize>)> = Vec::new();
    for i in out.clone() {
        let p = index.position(i);
        let c = chunk_of(p);
        let rel = i - out.start;
        match runs.last_mut() {
            Some((lc, r, cover)) if *lc == c && r.end == rel => {
                r.end = rel + 1;
                cover.start = cover.start.min(p);
                cover.end = cover.end.max(p + 1);
            }
            _ => runs.push((c, rel..rel + 1, p..p + 1)),
        }
    }
    runs.into_iter().map(|(_, r, cover)| (r, cover)).collect()
}

/// The input regions a node needs to produce `region`, in the order [`Evaluator`] uses them.
/// Sources and stages need nothing (they are leaves of a pull).
pub fn requirements(node: &NodeRef, region: &Region) -> Vec<(NodeRef, Region)> {
    match &node.op {
        Op::Source(_) | Op::Reduce { .. } | Op::GroupReduce { .. } | Op::PairReduce { .. } | Op::MapBlocks { .. } => {
            vec![]
        }
        Op::Unary(_, x) | Op::Scalar { input: x, .. } | Op::Rechunk(x) => vec![(x.clone(), region.clone())],
        Op::Binary(_, a, b) => {
            vec![
                (a.clone(), broadcast_region(a, region, &node.shape)),
                (b.clone(), broadcast_region(b, region, &node.shape)),
            ]
        }
        Op::Where(c, a, b) => {
            [c, a, b].iter().map(|x| ((*x).clone(), broadcast_region(x, region, &node.shape))).collect()
        }
        Op::Index { input, axis, index } => index_runs(&input.chunks, *axis, index, &region[*axis])
            .into_iter()
            .map(|(_, cover)| {
                let mut r = region.clone();
                r[*axis] = cover;
                (input.clone(), r)
            })
            .collect(),
        Op::Transpose(x, perm) => {
            let mut r = vec![0..0; perm.len()];
            for (i, &p) in perm.iter().enumerate() {
                r[p] = region[i].clone();
            }
            vec![(x.clone(), r)]
        }
        Op::InsertAxis(x, axis) => {
            let mut r = region.clone();
            r.remove(*axis);
            vec![(x.clone(), r)]
        }
        Op::RemoveAxis(x, axis) => {
            let mut r = region.clone();
            r.insert(*axis, 0..1);
            vec![(x.clone(), r)]
        }
        Op::Concat(xs, axis) => {
            let mut out = Vec::new();
            let mut offset = 0;
            let want = &region[*axis];
            for x in xs {
                let n = x.shape[*axis];
                let (s, e) = (want.start.max(offset), want.end.min(offset + n));
                if s < e || (want.is_empty() && out.is_empty() && s == e && n == 0) {
                    let mut r = region.clone();
                    r[*axis] = s - offset..e - offset;
                    out.push((x.clone(), r));
                }
                offset += n;
            }
            out
        }
    }
}

/// Collect the stage chunks (node id, chunk) that producing `region` of `node` reads.
pub fn stage_deps(node: &NodeRef, region: &Region, out: &mut BTreeSet<StageKey>) {
    if node.is_stage() {
        for idx in overlapping_chunks(&node.chunks, region) {
            out.insert((node.id, idx));
        }
        return;
    }
    for (x, r) in requirements(node, region) {
        stage_deps(&x, &r, out);
    }
}

fn overlapping_chunks(chunks: &Chunks, region: &Region) -> Vec<Vec<usize>> {
    let per_axis = chunks.overlaps(region);
    let counts: Vec<usize> = per_axis.iter().map(Vec::len).collect();
    grid_indices(&counts).into_iter().map(|k| k.iter().enumerate().map(|(d, &j)| per_axis[d][j].0).collect()).collect()
}

/// Evaluates regions of nodes for one task, caching shared subexpressions.
pub struct Evaluator<'a> {
    stages: &'a StageValues,
    cache: Option<&'a ChunkCache>,
    memo: HashMap<(u64, Region), Block>,
    /// Nodes reached more than once from the root being evaluated (worth caching).
    shared: Option<std::collections::HashSet<u64>>,
    /// Source chunks that other tasks read too (worth keeping decoded).
    shared_chunks: Option<&'a std::collections::HashSet<(usize, Vec<usize>)>>,
}

/// Nodes reachable more than once from `roots` (together) without crossing a stage.
fn shared_nodes(roots: &[&NodeRef]) -> std::collections::HashSet<u64> {
    let mut seen = std::collections::HashSet::new();
    let mut shared = std::collections::HashSet::new();
    let mut stack: Vec<NodeRef> = roots.iter().map(|r| (*r).clone()).collect();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id) {
            shared.insert(n.id);
            continue;
        }
        if !n.is_stage() {
            stack.extend(n.inputs().into_iter().cloned());
        }
    }
    shared
}

impl<'a> Evaluator<'a> {
    /// An evaluator that reads stage chunks from `stages`.
    pub fn new(stages: &'a StageValues) -> Evaluator<'a> {
        Evaluator { stages, cache: None, memo: HashMap::new(), shared: None, shared_chunks: None }
    }

    /// Share decoded chunks that are only partly read through `cache`.
    pub fn with_cache(mut self, cache: &'a ChunkCache) -> Evaluator<'a> {
        self.cache = Some(cache);
        self
    }

    /// Only chunks in `shared` (read by several tasks) go through the cache.
    pub fn with_shared_chunks(mut self, shared: &'a std::collections::HashSet<(usize, Vec<usize>)>) -> Evaluator<'a> {
        self.shared_chunks = Some(shared);
        self
    }

    /// Produce `region` of `node`.
    ///
    /// # Errors
    /// A failing source chunk, with the source's name and chunk index.
    pub fn eval(&mut self, node: &NodeRef, region: &Region) -> Result<Block> {
        if self.shared.is_none() {
            self.shared = Some(shared_nodes(&[node]));
        }
        let shared = self.shared.as_ref().is_some_and(|s| s.contains(&node.id));
        if shared && let Some(b) = self.memo.get(&(node.id, region.clone())) {
            return Ok(b.clone());
        }
        let out = self.eval_uncached(node, region)?;
        if shared {
            self.memo.insert((node.id, region.clone()), out.clone());
        }
        Ok(out)
    }

    /// Produce the same `region` of several nodes, evaluating what they have in common once
    /// (a pair reduction's two inputs that both read the same source, for example).
    ///
    /// # Errors
    /// As [`Evaluator::eval`].
    pub fn eval_all(&mut self, nodes: &[&NodeRef], region: &Region) -> Result<Vec<Block>> {
        if self.shared.is_none() {
            self.shared = Some(shared_nodes(nodes));
        }
        nodes.iter().map(|n| self.eval(n, region)).collect()
    }

    fn eval_uncached(&mut self, node: &NodeRef, region: &Region) -> Result<Block> {
        if let Op::Source(src) = &node.op {
            return read_source(src, &node.chunks, region, self.cache, self.shared_chunks);
        }
        if node.is_stage() {
            return self.read_stage(node, region);
        }
        let reqs = requirements(node, region);
        let mut inputs = Vec::with_capacity(reqs.len());
        for (x, r) in &reqs {
            inputs.push(self.eval(x, r)?);
        }
        let shape: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
        let fit = |b: Block| -> Block {
            if b.shape() == shape.as_slice() { b } else { b.broadcast_to(&shape).expect("broadcast regions fit") }
        };
        Ok(match &node.op {
            Op::Unary(op, _) => op.apply_owned(inputs.pop().expect("one input")),
            Op::Scalar { op, scalar, left, .. } => {
                op.apply_scalar_owned(inputs.pop().expect("one input"), *scalar, *left)
            }
            Op::Rechunk(_) => inputs.pop().expect("one input"),
            Op::Binary(op, _, _) => {
                let b = inputs.pop().expect("two inputs");
                let a = inputs.pop().expect("two inputs");
                op.apply_owned(a, b)
            }
            Op::Where(..) => {
                let y = fit(inputs.pop().expect("three inputs"));
                let x = fit(inputs.pop().expect("three inputs"));
                let c = fit(inputs.pop().expect("three inputs"));
                where_blocks(&c, &x, &y, node.dtype)
            }
            Op::Index { input, axis, index } => {
                let runs = index_runs(&input.chunks, *axis, index, &region[*axis]);
                let mut parts = Vec::with_capacity(runs.len());
                for ((rel, cover), block) in runs.into_iter().zip(inputs) {
                    let local: Vec<usize> =
                        rel.clone().map(|i| index.position(region[*axis].start + i) - cover.start).collect();
                    let contiguous = local.iter().enumerate().all(|(k, &p)| p == k) && local.len() == cover.len();
                    parts.push(if contiguous { block } else { block.select(*axis, &local) });
                }
                if parts.len() == 1 {
                    parts.pop().expect("one part")
                } else if parts.is_empty() {
                    Block::full(node.dtype, &shape, 0.0)
                } else {
                    concat_blocks(*axis, &parts)
                }
            }
            Op::Transpose(_, perm) => inputs[0].permuted(perm),
            Op::InsertAxis(..) | Op::RemoveAxis(..) => inputs.pop().expect("one input").reshaped(&shape),
            Op::Concat(..) => {
                let axis = match &node.op {
                    Op::Concat(_, a) => *a,
                    _ => unreachable!(),
                };
                if inputs.len() == 1 {
                    inputs.pop().expect("one part")
                } else if inputs.is_empty() {
                    Block::full(node.dtype, &shape, 0.0)
                } else {
                    concat_blocks(axis, &inputs)
                }
            }
            Op::Source(_)
            | Op::Reduce { .. }
            | Op::GroupReduce { .. }
            | Op::PairReduce { .. }
            | Op::MapBlocks { .. } => unreachable!(),
        })
    }

    fn read_stage(&self, node: &NodeRef, region: &Region) -> Result<Block> {
        let pieces = node.chunks.overlaps(region);
        let counts: Vec<usize> = pieces.iter().map(Vec::len).collect();
        let mut parts = Vec::new();
        for k in grid_indices(&counts) {
            let idx: Vec<usize> = k.iter().enumerate().map(|(d, &j)| pieces[d][j].0).collect();
            let local: Vec<_> = k.iter().enumerate().map(|(d, &j)| pieces[d][j].1.clone()).collect();
            let dest: Vec<_> = k.iter().enumerate().map(|(d, &j)| pieces[d][j].2.clone()).collect();
            let block = self.stages.get(&(node.id, idx.clone())).ok_or_else(|| ChunkedError::Task {
                task: node.kind_name(),
                chunk: idx.clone(),
                message: "internal error: a stage chunk was not computed before it was needed".into(),
            })?;
            parts.push((dest, slice_if_needed(block, &local)));
        }
        let shape: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
        Ok(assemble(node.dtype, &shape, parts))
    }
}

fn slice_if_needed(block: &Block, local: &[Range<usize>]) -> Block {
    if local.iter().zip(block.shape()).all(|(r, &n)| r.start == 0 && r.end == n) {
        block.clone()
    } else {
        block.slice(&local.iter().map(|r| (r.start, r.end, 1)).collect::<Vec<_>>())
    }
}

/// Read `region` of a source, chunk by chunk, copying only the touched part of each.
///
/// # Errors
/// A failing source chunk, or a source returning a block of the wrong shape or dtype.
pub fn read_source(
    src: &Arc<dyn ChunkSource>,
    chunks: &Chunks,
    region: &Region,
    cache: Option<&ChunkCache>,
    shared: Option<&std::collections::HashSet<(usize, Vec<usize>)>>,
) -> Result<Block> {
    let src_id = Arc::as_ptr(src) as *const () as usize;
    let whole = src.decodes_whole_chunks();
    let pieces = chunks.overlaps(region);
    let counts: Vec<usize> = pieces.iter().map(Vec::len).collect();
    let mut parts = Vec::new();
    for k in grid_indices(&counts) {
        let idx: Vec<usize> = k.iter().enumerate().map(|(d, &j)| pieces[d][j].0).collect();
        let chunk_region = chunks.region(&idx);
        let global: Region = k
            .iter()
            .enumerate()
            .map(|(d, &j)| {
                let l = &pieces[d][j].1;
                chunk_region[d].start + l.start..chunk_region[d].start + l.end
            })
            .collect();
        let dest: Vec<_> = k.iter().enumerate().map(|(d, &j)| pieces[d][j].2.clone()).collect();
        let err =
            |e: crate::SourceError| ChunkedError::Source { source_name: src.name(), chunk: idx.clone(), message: e.0 };
        let partial = global.iter().zip(&chunk_region).any(|(g, c)| g != c);
        let block = match cache {
            Some(cache) if partial && whole && shared.is_none_or(|s| s.contains(&(src_id, idx.clone()))) => {
                let full = match cache.get(src_id, &idx) {
                    Some(b) => b,
                    None => {
                        let b = Arc::new(src.read_chunk(&idx).map_err(err)?);
                        check_block(src.as_ref(), &idx, &b, &chunk_region)?;
                        cache.put(src_id, &idx, b.clone());
                        b
                    }
                };
                let local: Vec<_> =
                    global.iter().zip(&chunk_region).map(|(g, c)| (g.start - c.start, g.end - c.start, 1)).collect();
                full.slice(&local)
            }
            _ => src.read_region(&idx, &global).map_err(err)?,
        };
        check_block(src.as_ref(), &idx, &block, &global)?;
        parts.push((dest, block));
    }
    let shape: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
    Ok(assemble(src.dtype(), &shape, parts))
}

fn check_block(src: &dyn ChunkSource, idx: &[usize], block: &Block, region: &Region) -> Result<()> {
    let want: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
    if block.shape() != want.as_slice() || block.dtype() != src.dtype() {
        return Err(ChunkedError::Source {
            source_name: src.name(),
            chunk: idx.to_vec(),
            message: format!(
                "the source returned a {} block of shape {:?}, expected {} {:?}",
                block.dtype(),
                block.shape(),
                src.dtype(),
                want
            ),
        });
    }
    Ok(())
}

/// Place blocks into a new block of `shape` (no copy when one block covers everything).
///
/// # Panics
/// Never: every part has the dtype given (checked by the callers).
pub fn assemble(dtype: crate::DType, shape: &[usize], mut parts: Vec<(Region, Block)>) -> Block {
    if parts.len() == 1 && parts[0].1.shape() == shape {
        return parts.pop().expect("one part").1;
    }
    let mut out = Block::zeros(dtype, shape);
    for (dest, b) in &parts {
        place(&mut out, dest, b);
    }
    out
}

/// Copy `part` into `region` of `out` (same dtype; `part` has the region's shape).
///
/// # Panics
/// If the dtypes differ or `part` does not have the region's shape: callers place the chunks
/// of an output into that output, so either would be an engine bug.
pub fn place(out: &mut Block, region: &Region, part: &Block) {
    assert!(
        part.shape().iter().zip(region).all(|(&n, r)| n == r.end - r.start) && part.shape().len() == region.len(),
        "a part of shape {:?} placed in the region {region:?}",
        part.shape()
    );
    let info: Vec<ndarray::SliceInfoElem> = region
        .iter()
        .map(|r| ndarray::SliceInfoElem::Slice { start: r.start as isize, end: Some(r.end as isize), step: 1 })
        .collect();
    with_dtype!(out.dtype(), T => {
        let src = T::unwrap_ref(part).expect("parts share the dtype");
        let dst = T::unwrap_mut(out).expect("parts share the dtype");
        dst.slice_mut(info.as_slice()).assign(src);
    })
}
