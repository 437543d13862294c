//! The logical plan: a tree (a DAG when subexpressions are shared) of [`Node`]s, each knowing
//! its shape, chunking and dtype before anything is computed.
//!
//! Constructors here validate their arguments, so every shape or dtype error is reported while
//! the expression is built, naming both operands.

use std::fmt;
use std::sync::Arc;

use crate::block::Block;
use crate::chunks::{Chunks, unify_axis};
use crate::dtype::DType;
use crate::error::{ChunkedError, Result};
use crate::kernels::elementwise::{BinaryOp, Scalar, UnaryOp};
use crate::kernels::pair::PairStat;
use crate::kernels::reduce::Reduction;
use crate::source::ChunkSource;

/// A shared plan node.
pub type NodeRef = Arc<Node>;

/// A user function applied to every block by `map_blocks`.
pub type BlockFn = Arc<dyn Fn(&Block) -> std::result::Result<Block, String> + Send + Sync>;

/// Which indices along one axis an index operation keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisIndex {
    /// `len` positions `start, start + step, …` (`step` may be negative; never 0).
    Slice {
        /// the first position
        start: usize,
        /// distance between positions
        step: isize,
        /// number of positions
        len: usize,
    },
    /// Arbitrary positions, in order (NumPy `take`).
    Take(Arc<[usize]>),
}

impl AxisIndex {
    /// Number of positions selected.
    pub fn len(&self) -> usize {
        match self {
            AxisIndex::Slice { len, .. } => *len,
            AxisIndex::Take(t) => t.len(),
        }
    }

    /// True when nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The input position of output position `i`.
    pub fn position(&self, i: usize) -> usize {
        match self {
            AxisIndex::Slice { start, step, .. } => (*start as isize + i as isize * step) as usize,
            AxisIndex::Take(t) => t[i],
        }
    }

    /// Select `inner` out of this selection's output (the composition `x[self][inner]`).
    pub fn compose(&self, inner: &AxisIndex) -> AxisIndex {
        match (self, inner) {
            (AxisIndex::Slice { start, step, .. }, AxisIndex::Slice { start: s2, step: st2, len }) => {
                AxisIndex::Slice {
                    start: (*start as isize + *s2 as isize * step) as usize,
                    step: step * st2,
                    len: *len,
                }
            }
            _ => AxisIndex::Take((0..inner.len()).map(|i| self.position(inner.position(i))).collect()),
        }
    }
}

impl fmt::Display for AxisIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AxisIndex::Slice { start, step, len } => {
                let stop = *start as isize + *len as isize * step;
                if *step == 1 { write!(f, "{start}:{stop}") } else { write!(f, "{start}:{stop}:{step}") }
            }
            AxisIndex::Take(t) if t.len() <= 6 => write!(f, "{:?}", &t[..]),
            AxisIndex::Take(t) => write!(f, "[{}, {}, … {} positions]", t[0], t[1], t.len()),
        }
    }
}

/// What a node does.
pub enum Op {
    /// Chunks from a source.
    Source(Arc<dyn ChunkSource>),
    /// An elementwise function.
    Unary(UnaryOp, NodeRef),
    /// An elementwise operation with a scalar (`left`: the scalar is the left operand).
    Scalar {
        /// the operation
        op: BinaryOp,
        /// the array operand
        input: NodeRef,
        /// the scalar operand
        scalar: Scalar,
        /// true for `scalar op array`
        left: bool,
    },
    /// An elementwise operation of two arrays with the same number of dimensions; size-1 axes
    /// broadcast.
    Binary(BinaryOp, NodeRef, NodeRef),
    /// `where(cond, x, y)`, broadcasting like [`Op::Binary`].
    Where(NodeRef, NodeRef, NodeRef),
    /// Keep some positions along one axis.
    Index {
        /// the array indexed
        input: NodeRef,
        /// the axis
        axis: usize,
        /// the positions kept
        index: AxisIndex,
    },
    /// Permute axes: output axis `i` is input axis `perm[i]`.
    Transpose(NodeRef, Vec<usize>),
    /// Insert a length-1 axis at this position.
    InsertAxis(NodeRef, usize),
    /// Remove a length-1 axis.
    RemoveAxis(NodeRef, usize),
    /// Join along an axis.
    Concat(Vec<NodeRef>, usize),
    /// Same values, new chunks (the node's own chunking).
    Rechunk(NodeRef),
    /// A reduction along some axes (removed from the result).
    Reduce {
        /// the array reduced
        input: NodeRef,
        /// what is computed
        red: Reduction,
        /// the reduced axes, sorted
        axes: Vec<usize>,
    },
    /// A reduction by group along one axis, which becomes the group axis.
    GroupReduce {
        /// the array reduced
        input: NodeRef,
        /// what is computed
        red: Reduction,
        /// the grouped axis
        axis: usize,
        /// the group of every position along the axis (negative: left out)
        labels: Arc<[i64]>,
        /// number of groups
        ngroups: usize,
    },
    /// A statistic of two arrays of the same shape along some axes (removed from the result).
    PairReduce {
        /// the first array (the truth, for [`PairStat::R2`])
        a: NodeRef,
        /// the second array
        b: NodeRef,
        /// what is computed
        stat: PairStat,
        /// leave out the pairs where either value is NaN
        skipna: bool,
        /// the reduced axes, sorted
        axes: Vec<usize>,
    },
    /// A user function applied to every chunk.
    MapBlocks {
        /// the input
        input: NodeRef,
        /// a name for plans and errors
        name: String,
        /// the function
        f: BlockFn,
    },
}

/// One node of the logical plan.
pub struct Node {
    /// A process-unique id (identity for sharing and caching).
    pub id: u64,
    /// What it does.
    pub op: Op,
    /// The shape of its result.
    pub shape: Vec<usize>,
    /// The chunking of its result.
    pub chunks: Chunks,
    /// The dtype of its result.
    pub dtype: DType,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Node#{} {} {} {:?} {}", self.id, self.label(), self.dtype, self.shape, self.chunks)
    }
}

fn make(op: Op, shape: Vec<usize>, chunks: Chunks, dtype: DType) -> NodeRef {
    Arc::new(Node { id: crate::ids::unique_id(), op, shape, chunks, dtype })
}

impl Node {
    /// The node's inputs.
    pub fn inputs(&self) -> Vec<&NodeRef> {
        match &self.op {
            Op::Source(_) => vec![],
            Op::Unary(_, x)
            | Op::Scalar { input: x, .. }
            | Op::Index { input: x, .. }
            | Op::Transpose(x, _)
            | Op::InsertAxis(x, _)
            | Op::RemoveAxis(x, _)
            | Op::Rechunk(x)
            | Op::Reduce { input: x, .. }
            | Op::GroupReduce { input: x, .. }
            | Op::MapBlocks { input: x, .. } => vec![x],
            Op::Binary(_, a, b) | Op::PairReduce { a, b, .. } => vec![a, b],
            Op::Where(c, a, b) => vec![c, a, b],
            Op::Concat(xs, _) => xs.iter().collect(),
        }
    }

    /// True for nodes whose chunks are computed by their own tasks (reductions, map_blocks)
    /// rather than pulled through by their consumers.
    pub fn is_stage(&self) -> bool {
        matches!(self.op, Op::Reduce { .. } | Op::GroupReduce { .. } | Op::PairReduce { .. } | Op::MapBlocks { .. })
    }

    /// True for elementwise nodes (the ones fused into a read).
    pub fn is_elementwise(&self) -> bool {
        matches!(self.op, Op::Unary(..) | Op::Scalar { .. } | Op::Binary(..) | Op::Where(..))
    }

    /// A one-line description for plans.
    pub fn label(&self) -> String {
        match &self.op {
            Op::Source(s) => format!("read {}", s.name()),
            Op::Unary(op, _) => op.name(),
            Op::Scalar { op, scalar, left: true, .. } => format!("{scalar} {} x", op.symbol()),
            Op::Scalar { op, scalar, left: false, .. } => format!("x {} {scalar}", op.symbol()),
            Op::Binary(op, _, _) => op.symbol().to_string(),
            Op::Where(..) => "where".into(),
            Op::Index { axis, index, .. } => format!("index axis {axis} [{index}]"),
            Op::Transpose(_, p) => format!("transpose {p:?}"),
            Op::InsertAxis(_, a) => format!("expand_dims axis {a}"),
            Op::RemoveAxis(_, a) => format!("squeeze axis {a}"),
            Op::Concat(_, a) => format!("concatenate axis {a}"),
            Op::Rechunk(_) => format!("rechunk {}", self.chunks),
            Op::Reduce { red, axes, .. } => format!("{} over axes {axes:?}", red.op.name(red.skipna)),
            Op::GroupReduce { red, axis, ngroups, .. } => {
                format!("grouped {} along axis {axis} into {ngroups} groups", red.op.name(red.skipna))
            }
            Op::PairReduce { stat, skipna, axes, .. } => format!("{} of a pair over axes {axes:?}", stat.name(*skipna)),
            Op::MapBlocks { name, .. } => format!("map_blocks {name}"),
        }
    }

    /// A short name for task kinds: `read`, `add`, `nanmean`, …
    pub fn kind_name(&self) -> String {
        match &self.op {
            Op::Source(_) => "read".into(),
            Op::Unary(op, _) => match op {
                UnaryOp::Cast(_) => "astype".into(),
                UnaryOp::Clip(..) => "clip".into(),
                other => other.name(),
            },
            Op::Scalar { op, .. } | Op::Binary(op, _, _) => op.name(),
            Op::Where(..) => "where".into(),
            Op::Index { .. } => "getitem".into(),
            Op::Transpose(..) => "transpose".into(),
            Op::InsertAxis(..) => "expand_dims".into(),
            Op::RemoveAxis(..) => "squeeze".into(),
            Op::Concat(..) => "concatenate".into(),
            Op::Rechunk(_) => "rechunk".into(),
            Op::Reduce { red, .. } => red.op.name(red.skipna).replace(['(', ')', '='], ""),
            Op::GroupReduce { red, .. } => format!("group-{}", red.op.name(red.skipna)).replace(['(', ')', '='], ""),
            Op::PairReduce { stat, skipna, .. } => stat.name(*skipna).replace(['(', ')', '='], ""),
            Op::MapBlocks { name, .. } => format!("map_blocks-{name}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Constructors: every one validates and derives shape, chunks and dtype.

/// A source node.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn source(src: Arc<dyn ChunkSource>) -> Result<NodeRef> {
    let shape = src.shape();
    let chunks = src.chunks();
    if chunks.shape() != shape {
        return Err(ChunkedError::BadChunks {
            reason: format!("source {} has shape {:?} but its chunks tile {:?}", src.name(), shape, chunks.shape()),
        });
    }
    let dtype = src.dtype();
    Ok(make(Op::Source(src), shape, chunks, dtype))
}

/// An elementwise function.
pub fn unary(op: UnaryOp, x: &NodeRef) -> NodeRef {
    make(Op::Unary(op, x.clone()), x.shape.clone(), x.chunks.clone(), op.out_dtype(x.dtype))
}

/// An operation with a scalar.
pub fn scalar(op: BinaryOp, x: &NodeRef, s: Scalar, left: bool) -> NodeRef {
    let dtype = if op.gives_bool() { DType::Bool } else { op.compute_dtype_scalar(x.dtype, s.kind()) };
    make(Op::Scalar { op, input: x.clone(), scalar: s, left }, x.shape.clone(), x.chunks.clone(), dtype)
}

/// Give `x` leading length-1 axes up to `ndim` dimensions (NumPy broadcasting aligns trailing
/// axes).
fn lift(x: &NodeRef, ndim: usize) -> NodeRef {
    let mut x = x.clone();
    while x.shape.len() < ndim {
        x = insert_axis(&x, 0).expect("axis 0 is always valid");
    }
    x
}

/// The broadcast shape and chunks of several operands of equal dimensionality.
fn broadcast(op: &str, xs: &[&NodeRef]) -> Result<(Vec<usize>, Chunks)> {
    let ndim = xs[0].shape.len();
    let mut shape = Vec::with_capacity(ndim);
    let mut axes = Vec::with_capacity(ndim);
    for d in 0..ndim {
        let n = xs.iter().map(|x| x.shape[d]).max().unwrap_or(1);
        let mut chunks: Option<Vec<usize>> = None;
        for x in xs {
            let m = x.shape[d];
            if m == n {
                let c = x.chunks.axis(d).to_vec();
                chunks = Some(match chunks {
                    None => c,
                    Some(prev) => unify_axis(&prev, &c),
                });
            } else if m != 1 {
                let (l, r) = (xs[0].shape.clone(), x.shape.clone());
                return Err(ChunkedError::ShapeMismatch { op: op.to_string(), left: l, right: r });
            }
        }
        shape.push(n);
        axes.push(chunks.unwrap_or_else(|| vec![n]));
    }
    let chunks = Chunks::from_axes(&shape, axes)?;
    Ok((shape, chunks))
}

/// A binary elementwise operation with NumPy broadcasting.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn binary(op: BinaryOp, a: &NodeRef, b: &NodeRef) -> Result<NodeRef> {
    let ndim = a.shape.len().max(b.shape.len());
    let (a2, b2) = (lift(a, ndim), lift(b, ndim));
    let (shape, chunks) = broadcast(op.symbol(), &[&a2, &b2]).map_err(|e| match e {
        ChunkedError::ShapeMismatch { op, .. } => {
            ChunkedError::ShapeMismatch { op, left: a.shape.clone(), right: b.shape.clone() }
        }
        other => other,
    })?;
    let dtype = op.out_dtype(a.dtype, b.dtype);
    Ok(make(Op::Binary(op, a2, b2), shape, chunks, dtype))
}

/// `where(cond, x, y)`.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn where_(cond: &NodeRef, x: &NodeRef, y: &NodeRef) -> Result<NodeRef> {
    let ndim = cond.shape.len().max(x.shape.len()).max(y.shape.len());
    let (c2, x2, y2) = (lift(cond, ndim), lift(x, ndim), lift(y, ndim));
    let (shape, chunks) = broadcast("where", &[&c2, &x2, &y2])?;
    let dtype = x.dtype.promote(y.dtype);
    Ok(make(Op::Where(c2, x2, y2), shape, chunks, dtype))
}

fn check_axis(op: &str, x: &NodeRef, axis: usize) -> Result<()> {
    if axis >= x.shape.len() {
        return Err(ChunkedError::arg(op, format!("axis {axis} is out of range for shape {:?}", x.shape)));
    }
    Ok(())
}

/// Keep `index` along `axis`.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn index(x: &NodeRef, axis: usize, index: AxisIndex) -> Result<NodeRef> {
    check_axis("index", x, axis)?;
    let n = x.shape[axis];
    match &index {
        AxisIndex::Slice { start, step, len } => {
            if *step == 0 {
                return Err(ChunkedError::arg("index", "slice step cannot be zero"));
            }
            if *len > 0 {
                let last = *start as isize + (*len as isize - 1) * step;
                if *start >= n || last < 0 || last as usize >= n {
                    return Err(ChunkedError::arg(
                        "index",
                        format!("slice {index} is out of bounds for axis {axis} of length {n}"),
                    ));
                }
            }
        }
        AxisIndex::Take(t) => {
            if let Some(bad) = t.iter().find(|&&i| i >= n) {
                return Err(ChunkedError::arg(
                    "take",
                    format!("index {bad} is out of bounds for axis {axis} of length {n}"),
                ));
            }
        }
    }
    let mut shape = x.shape.clone();
    shape[axis] = index.len();
    let mut axes = x.chunks.axes().to_vec();
    axes[axis] = index_chunks(x.chunks.axis(axis), &index);
    let chunks = Chunks::from_axes(&shape, axes)?;
    Ok(make(Op::Index { input: x.clone(), axis, index }, shape, chunks, x.dtype))
}

/// Output chunks of an index: consecutive output positions that come from the same input chunk
/// form one output chunk.
pub(crate) fn index_chunks(input_chunks: &[usize], index: &AxisIndex) -> Vec<usize> {
    let v: Vec<usize> = runs(input_chunks, index).iter().map(|r| r.1.len()).collect();
    if v.is_empty() { vec![0] } else { v }
}

/// Split an index's output positions into runs that read one input chunk each:
/// `(input chunk, output positions)`.
pub(crate) fn runs(input_chunks: &[usize], index: &AxisIndex) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut bounds = Vec::with_capacity(input_chunks.len() + 1);
    let mut at = 0;
    bounds.push(0);
    for &c in input_chunks {
        at += c;
        bounds.push(at);
    }
    let chunk_of = |p: usize| bounds.partition_point(|&b| b <= p) - 1;
    let mut out: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for i in 0..index.len() {
        let c = chunk_of(index.position(i));
        match out.last_mut() {
            Some((lc, r)) if *lc == c && r.end == i => r.end = i + 1,
            _ => out.push((c, i..i + 1)),
        }
    }
    out
}

/// Permute axes.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn transpose(x: &NodeRef, perm: &[usize]) -> Result<NodeRef> {
    let mut seen = perm.to_vec();
    seen.sort_unstable();
    if seen != (0..x.shape.len()).collect::<Vec<_>>() {
        return Err(ChunkedError::arg(
            "transpose",
            format!("{perm:?} is not a permutation of the {} axes of shape {:?}", x.shape.len(), x.shape),
        ));
    }
    let shape = perm.iter().map(|&p| x.shape[p]).collect::<Vec<_>>();
    let axes = perm.iter().map(|&p| x.chunks.axis(p).to_vec()).collect();
    let chunks = Chunks::from_axes(&shape, axes)?;
    Ok(make(Op::Transpose(x.clone(), perm.to_vec()), shape, chunks, x.dtype))
}

/// Insert a length-1 axis.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn insert_axis(x: &NodeRef, axis: usize) -> Result<NodeRef> {
    if axis > x.shape.len() {
        return Err(ChunkedError::arg("expand_dims", format!("axis {axis} is out of range for shape {:?}", x.shape)));
    }
    let mut shape = x.shape.clone();
    shape.insert(axis, 1);
    let mut axes = x.chunks.axes().to_vec();
    axes.insert(axis, vec![1]);
    let chunks = Chunks::from_axes(&shape, axes)?;
    Ok(make(Op::InsertAxis(x.clone(), axis), shape, chunks, x.dtype))
}

/// Remove a length-1 axis.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn remove_axis(x: &NodeRef, axis: usize) -> Result<NodeRef> {
    check_axis("squeeze", x, axis)?;
    if x.shape[axis] != 1 {
        return Err(ChunkedError::arg(
            "squeeze",
            format!(
                "axis {axis} has length {} in shape {:?}; only length-1 axes can be squeezed",
                x.shape[axis], x.shape
            ),
        ));
    }
    let mut shape = x.shape.clone();
    shape.remove(axis);
    let mut axes = x.chunks.axes().to_vec();
    axes.remove(axis);
    let chunks = Chunks::from_axes(&shape, axes)?;
    Ok(make(Op::RemoveAxis(x.clone(), axis), shape, chunks, x.dtype))
}

/// Join along `axis`; dtypes promote.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn concat(xs: &[NodeRef], axis: usize) -> Result<NodeRef> {
    let Some(first) = xs.first() else {
        return Err(ChunkedError::arg("concatenate", "needs at least one array"));
    };
    check_axis("concatenate", first, axis)?;
    let dtype = xs.iter().fold(first.dtype, |d, x| d.promote(x.dtype));
    let mut shape = first.shape.clone();
    shape[axis] = 0;
    let mut axes: Vec<Vec<usize>> = first.chunks.axes().to_vec();
    axes[axis] = vec![];
    for x in xs {
        if x.shape.len() != first.shape.len()
            || x.shape.iter().zip(&first.shape).enumerate().any(|(d, (a, b))| d != axis && a != b)
        {
            return Err(ChunkedError::ShapeMismatch {
                op: format!("concatenate along axis {axis}"),
                left: first.shape.clone(),
                right: x.shape.clone(),
            });
        }
        shape[axis] += x.shape[axis];
        for (d, a) in axes.iter_mut().enumerate() {
            if d == axis {
                a.extend(x.chunks.axis(d).iter().copied().filter(|&c| c > 0));
            } else {
                *a = unify_axis(a, x.chunks.axis(d));
            }
        }
    }
    if axes[axis].is_empty() {
        axes[axis].push(0);
    }
    let parts: Vec<NodeRef> =
        xs.iter().map(|x| if x.dtype == dtype { x.clone() } else { unary(UnaryOp::Cast(dtype), x) }).collect();
    let chunks = Chunks::from_axes(&shape, axes)?;
    Ok(make(Op::Concat(parts, axis), shape, chunks, dtype))
}

/// Same values, new chunks.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn rechunk(x: &NodeRef, chunks: Chunks) -> Result<NodeRef> {
    if chunks.shape() != x.shape {
        return Err(ChunkedError::BadChunks {
            reason: format!("chunks {} tile {:?}, not the array's shape {:?}", chunks, chunks.shape(), x.shape),
        });
    }
    if chunks == x.chunks {
        return Ok(x.clone());
    }
    Ok(make(Op::Rechunk(x.clone()), x.shape.clone(), chunks, x.dtype))
}

/// Reduce along `axes`.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn reduce(x: &NodeRef, red: Reduction, axes: &[usize]) -> Result<NodeRef> {
    let mut axes = axes.to_vec();
    axes.sort_unstable();
    axes.dedup();
    for &a in &axes {
        check_axis(&red.op.name(red.skipna), x, a)?;
    }
    if red.op.single_axis() && axes.len() != 1 {
        return Err(ChunkedError::arg(&red.op.name(red.skipna), format!("needs exactly one axis, got {axes:?}")));
    }
    let kept: Vec<usize> = (0..x.shape.len()).filter(|d| !axes.contains(d)).collect();
    let shape = kept.iter().map(|&d| x.shape[d]).collect::<Vec<_>>();
    let chunk_axes = kept.iter().map(|&d| x.chunks.axis(d).to_vec()).collect();
    let chunks = Chunks::from_axes(&shape, chunk_axes)?;
    let dtype = red.op.out_dtype(x.dtype);
    Ok(make(Op::Reduce { input: x.clone(), red, axes }, shape, chunks, dtype))
}

/// Reduce by group along `axis`.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn group_reduce(x: &NodeRef, red: Reduction, axis: usize, labels: Arc<[i64]>, ngroups: usize) -> Result<NodeRef> {
    let name = format!("grouped {}", red.op.name(red.skipna));
    check_axis(&name, x, axis)?;
    if red.op.single_axis() {
        return Err(ChunkedError::arg(&name, "argmin/argmax cannot be grouped"));
    }
    if labels.len() != x.shape[axis] {
        return Err(ChunkedError::arg(
            &name,
            format!("{} labels for axis {axis} of length {}", labels.len(), x.shape[axis]),
        ));
    }
    if let Some(bad) = labels.iter().find(|&&g| g >= ngroups as i64) {
        return Err(ChunkedError::arg(&name, format!("label {bad} is not below the number of groups {ngroups}")));
    }
    let mut shape = x.shape.clone();
    shape[axis] = ngroups;
    let mut axes = x.chunks.axes().to_vec();
    axes[axis] = vec![ngroups];
    let chunks = Chunks::from_axes(&shape, axes)?;
    let dtype = red.op.out_dtype(x.dtype);
    Ok(make(Op::GroupReduce { input: x.clone(), red, axis, labels, ngroups }, shape, chunks, dtype))
}

/// A statistic of the pairs `(a, b)` along `axes`; `a` and `b` must have the same shape (their
/// chunks may differ: the tasks follow `a`'s).
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn pair_reduce(a: &NodeRef, b: &NodeRef, stat: PairStat, skipna: bool, axes: &[usize]) -> Result<NodeRef> {
    let name = stat.name(skipna);
    if a.shape != b.shape {
        return Err(ChunkedError::arg(
            &name,
            format!("needs two arrays of the same shape, got {:?} and {:?}", a.shape, b.shape),
        ));
    }
    let mut axes = axes.to_vec();
    axes.sort_unstable();
    axes.dedup();
    for &d in &axes {
        check_axis(&name, a, d)?;
    }
    let kept: Vec<usize> = (0..a.shape.len()).filter(|d| !axes.contains(d)).collect();
    let shape = kept.iter().map(|&d| a.shape[d]).collect::<Vec<_>>();
    let chunks = Chunks::from_axes(&shape, kept.iter().map(|&d| a.chunks.axis(d).to_vec()).collect())?;
    let dtype = PairStat::out_dtype(a.dtype, b.dtype);
    Ok(make(Op::PairReduce { a: a.clone(), b: b.clone(), stat, skipna, axes }, shape, chunks, dtype))
}

/// Apply a function to every block; it must keep the block's shape and return `dtype`.
pub fn map_blocks(x: &NodeRef, name: &str, dtype: DType, f: BlockFn) -> NodeRef {
    make(Op::MapBlocks { input: x.clone(), name: name.to_string(), f }, x.shape.clone(), x.chunks.clone(), dtype)
}

/// Rebuild `node` with new inputs (same operation), re-deriving metadata. Used by the
/// optimizer.
///
/// # Errors
/// The argument errors named in [`ChunkedError`], with the shapes or axes involved.
pub fn with_inputs(node: &NodeRef, inputs: Vec<NodeRef>) -> Result<NodeRef> {
    let same = node.inputs().iter().zip(&inputs).all(|(a, b)| Arc::ptr_eq(a, b));
    if same {
        return Ok(node.clone());
    }
    let i = |k: usize| &inputs[k];
    Ok(match &node.op {
        Op::Source(_) => node.clone(),
        Op::Unary(op, _) => unary(*op, i(0)),
        Op::Scalar { op, scalar: s, left, .. } => scalar(*op, i(0), *s, *left),
        Op::Binary(op, _, _) => binary(*op, i(0), i(1))?,
        Op::Where(..) => where_(i(0), i(1), i(2))?,
        Op::Index { axis, index: ix, .. } => index(i(0), *axis, ix.clone())?,
        Op::Transpose(_, p) => transpose(i(0), p)?,
        Op::InsertAxis(_, a) => insert_axis(i(0), *a)?,
        Op::RemoveAxis(_, a) => remove_axis(i(0), *a)?,
        Op::Concat(_, a) => concat(&inputs, *a)?,
        Op::Rechunk(_) => rechunk(i(0), node.chunks.clone())?,
        Op::Reduce { red, axes, .. } => reduce(i(0), *red, axes)?,
        Op::GroupReduce { red, axis, labels, ngroups, .. } => {
            group_reduce(i(0), *red, *axis, labels.clone(), *ngroups)?
        }
        Op::PairReduce { stat, skipna, axes, .. } => pair_reduce(i(0), i(1), *stat, *skipna, axes)?,
        Op::MapBlocks { name, f, .. } => map_blocks(i(0), name, node.dtype, f.clone()),
    })
}
