//! [`ChunkedArray`]: the lazy N-d array users build expressions with.
//!
//! Nothing is computed until [`ChunkedArray::compute`] (or `persist`, `compute_many`,
//! `stream`). Every method checks its arguments when it is called and returns an error that
//! names the shapes, axes or dtypes involved.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use ndarray::{ArrayD, IxDyn};
//!
//! let a = ArrayD::from_shape_fn(IxDyn(&[6, 4]), |i| (i[0] * 4 + i[1]) as f64);
//! let x = ChunkedArray::from_array(a, &[4, 2]).unwrap();     // 2×2 chunks
//! let y = ((&x * 2.0) - 1.0).mean(0).unwrap();               // lazy
//! let out = y.compute().unwrap();
//! let v = out.as_array::<f64>().unwrap();
//! assert_eq!(v.as_slice().unwrap(), &[19.0, 21.0, 23.0, 25.0]);
//! ```

use std::fmt;
use std::sync::{Arc, Mutex};

use ndarray::{ArrayD, IxDyn};

use crate::block::{Block, BlockElement};
use crate::chunks::Chunks;
use crate::dtype::DType;
use crate::error::{ChunkedError, Result};
use crate::graph::TaskGraph;
use crate::kernels::elementwise::{BinaryOp, Scalar, UnaryOp};
use crate::kernels::pair::PairStat;
use crate::kernels::reduce::{ReduceOp, Reduction};
use crate::plan::eval::place;
use crate::plan::explain;
use crate::plan::node::{self, AxisIndex, NodeRef};
use crate::plan::optimize::{OptFlags, optimize};
use crate::scheduler::{self, ComputeOptions, ComputeStats};
use crate::source::{ChunkSource, FnSource, MemorySource};

/// A lazy chunked N-d array.
#[derive(Clone)]
pub struct ChunkedArray {
    pub(crate) node: NodeRef,
}

/// Which axes a reduction runs over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Axes {
    /// Every axis.
    All,
    /// These axes.
    Some(Vec<usize>),
}

impl From<usize> for Axes {
    fn from(a: usize) -> Axes {
        Axes::Some(vec![a])
    }
}
impl From<&[usize]> for Axes {
    fn from(a: &[usize]) -> Axes {
        Axes::Some(a.to_vec())
    }
}
impl From<Vec<usize>> for Axes {
    fn from(a: Vec<usize>) -> Axes {
        Axes::Some(a)
    }
}
impl<const N: usize> From<[usize; N]> for Axes {
    fn from(a: [usize; N]) -> Axes {
        Axes::Some(a.to_vec())
    }
}

impl fmt::Debug for ChunkedArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for ChunkedArray {
    /// Like dask's repr: shape, dtype, chunks, number of chunks, bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ChunkedArray<{}, shape={:?}, chunks={}, {} chunks, {}>",
            self.dtype(),
            self.shape(),
            self.chunks(),
            self.num_chunks(),
            human_bytes(self.nbytes())
        )
    }
}

/// `1536` → `"1.5 KiB"`.
pub fn human_bytes(n: usize) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

fn regular_chunks(op: &str, shape: &[usize], chunks: &[usize]) -> Result<Chunks> {
    if chunks.len() != shape.len() {
        return Err(ChunkedError::arg(op, format!("{} chunk lengths for shape {shape:?}", chunks.len())));
    }
    Chunks::checked_regular(shape, chunks)
}

impl ChunkedArray {
    // ---------------------------------------------------------------- construction

    /// Wrap a plan node.
    pub fn from_node(node: NodeRef) -> ChunkedArray {
        ChunkedArray { node }
    }

    /// The plan node (for crates building on this one).
    pub fn node(&self) -> &NodeRef {
        &self.node
    }

    /// An array read from a source, one task per source chunk.
    ///
    /// # Errors
    /// When the source's chunks do not tile its shape.
    pub fn from_source(src: Arc<dyn ChunkSource>) -> Result<ChunkedArray> {
        Ok(ChunkedArray { node: node::source(src)? })
    }

    /// An in-memory array cut into regular chunks of `chunks` (one length per axis; 0 means
    /// the whole axis).
    ///
    /// # Errors
    /// When `chunks` has the wrong number of axes.
    pub fn from_array<T: BlockElement>(a: ArrayD<T>, chunks: &[usize]) -> Result<ChunkedArray> {
        let c = regular_chunks("from_array", a.shape(), chunks)?;
        Self::from_block(T::wrap(a), c)
    }

    /// An in-memory block with an explicit chunking.
    ///
    /// # Errors
    /// When the chunks do not tile the block.
    pub fn from_block(b: Block, chunks: Chunks) -> Result<ChunkedArray> {
        if chunks.shape() != b.shape() {
            return Err(ChunkedError::BadChunks {
                reason: format!("chunks {chunks} do not tile the array's shape {:?}", b.shape()),
            });
        }
        Self::from_source(Arc::new(MemorySource::new("array", b, chunks)))
    }

    /// An array whose every element is `value` (as `dtype`); never stored whole.
    ///
    /// # Errors
    /// When `chunks` has the wrong number of axes.
    pub fn full(shape: &[usize], chunks: &[usize], value: f64, dtype: DType) -> Result<ChunkedArray> {
        let c = regular_chunks("full", shape, chunks)?;
        let name = format!("full({value})");
        Self::from_source(Arc::new(FnSource::new(name, dtype, c, move |r| {
            let s: Vec<usize> = r.iter().map(|x| x.end - x.start).collect();
            Block::full(dtype, &s, value)
        })))
    }

    /// Zeros.
    ///
    /// # Errors
    /// When `chunks` has the wrong number of axes.
    pub fn zeros(shape: &[usize], chunks: &[usize], dtype: DType) -> Result<ChunkedArray> {
        Self::full(shape, chunks, 0.0, dtype)
    }

    /// Ones.
    ///
    /// # Errors
    /// When `chunks` has the wrong number of axes.
    pub fn ones(shape: &[usize], chunks: &[usize], dtype: DType) -> Result<ChunkedArray> {
        Self::full(shape, chunks, 1.0, dtype)
    }

    /// `start, start + step, …` below `stop` (f64, 1-d, chunks of `chunk`), like NumPy.
    ///
    /// # Panics
    /// Never: regular chunks always tile the shape.
    pub fn arange(start: f64, stop: f64, step: f64, chunk: usize) -> ChunkedArray {
        let n = if step == 0.0 { 0 } else { ((stop - start) / step).ceil().max(0.0) as usize };
        let c = Chunks::regular(&[n], &[chunk]);
        let src = FnSource::from_index_fn("arange", c, move |i| start + i[0] as f64 * step);
        Self::from_source(Arc::new(src)).expect("regular chunks tile the shape")
    }

    /// `num` evenly spaced values from `start` to `stop` inclusive (f64, 1-d), like NumPy.
    ///
    /// # Panics
    /// Never: regular chunks always tile the shape.
    pub fn linspace(start: f64, stop: f64, num: usize, chunk: usize) -> ChunkedArray {
        let c = Chunks::regular(&[num], &[chunk]);
        let step = if num > 1 { (stop - start) / (num - 1) as f64 } else { 0.0 };
        let src = FnSource::from_index_fn("linspace", c, move |i| {
            if num > 1 && i[0] == num - 1 { stop } else { start + i[0] as f64 * step }
        });
        Self::from_source(Arc::new(src)).expect("regular chunks tile the shape")
    }

    /// Uniform random values in `[0, 1)` (f64). Each element depends only on the seed and its
    /// index, so the values do not depend on the chunking or on the thread count.
    ///
    /// # Errors
    /// When `chunks` has the wrong number of axes.
    pub fn random(shape: &[usize], chunks: &[usize], seed: u64) -> Result<ChunkedArray> {
        let c = regular_chunks("random", shape, chunks)?;
        let dims = shape.to_vec();
        let src = FnSource::from_index_fn("random", c, move |i| {
            let flat = i.iter().zip(&dims).fold(0u64, |acc, (&x, &n)| acc * n as u64 + x as u64);
            (splitmix64(seed ^ splitmix64(flat)) >> 11) as f64 / (1u64 << 53) as f64
        });
        Self::from_source(Arc::new(src))
    }

    // ---------------------------------------------------------------- metadata

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }
    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.node.shape.len()
    }
    /// The element type.
    pub fn dtype(&self) -> DType {
        self.node.dtype
    }
    /// The chunking.
    pub fn chunks(&self) -> &Chunks {
        &self.node.chunks
    }
    /// Number of chunks.
    pub fn num_chunks(&self) -> usize {
        self.node.chunks.num_chunks()
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.node.shape.iter().product()
    }
    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Bytes the whole array would take in memory.
    pub fn nbytes(&self) -> usize {
        self.len() * self.dtype().size()
    }

    // ---------------------------------------------------------------- elementwise

    fn wrap(node: NodeRef) -> ChunkedArray {
        ChunkedArray { node }
    }

    /// Apply an elementwise function.
    pub fn unary(&self, op: UnaryOp) -> ChunkedArray {
        Self::wrap(node::unary(op, &self.node))
    }

    /// Combine with another array, broadcasting NumPy-style.
    ///
    /// # Errors
    /// [`ChunkedError::ShapeMismatch`] with both shapes when they do not broadcast.
    pub fn binary(&self, op: BinaryOp, other: &ChunkedArray) -> Result<ChunkedArray> {
        Ok(Self::wrap(node::binary(op, &self.node, &other.node)?))
    }

    /// Combine with a scalar (`self op s`).
    pub fn scalar(&self, op: BinaryOp, s: impl Into<Scalar>) -> ChunkedArray {
        Self::wrap(node::scalar(op, &self.node, s.into(), false))
    }

    /// Combine with a scalar on the left (`s op self`).
    pub fn rscalar(&self, op: BinaryOp, s: impl Into<Scalar>) -> ChunkedArray {
        Self::wrap(node::scalar(op, &self.node, s.into(), true))
    }

    /// `√x`
    pub fn sqrt(&self) -> ChunkedArray {
        self.unary(UnaryOp::Sqrt)
    }
    /// `|x|`
    pub fn abs(&self) -> ChunkedArray {
        self.unary(UnaryOp::Abs)
    }
    /// `eˣ`
    pub fn exp(&self) -> ChunkedArray {
        self.unary(UnaryOp::Exp)
    }
    /// natural logarithm
    pub fn log(&self) -> ChunkedArray {
        self.unary(UnaryOp::Log)
    }
    /// sine
    pub fn sin(&self) -> ChunkedArray {
        self.unary(UnaryOp::Sin)
    }
    /// cosine
    pub fn cos(&self) -> ChunkedArray {
        self.unary(UnaryOp::Cos)
    }
    /// `xᵖ` with a scalar exponent
    pub fn powf(&self, p: impl Into<Scalar>) -> ChunkedArray {
        self.scalar(BinaryOp::Pow, p)
    }
    /// NaN test (bool)
    pub fn isnan(&self) -> ChunkedArray {
        self.unary(UnaryOp::IsNan)
    }
    /// logical not (bool)
    pub fn not(&self) -> ChunkedArray {
        self.unary(UnaryOp::Not)
    }
    /// Clamp into `[lo, hi]`.
    pub fn clip(&self, lo: f64, hi: f64) -> ChunkedArray {
        self.unary(UnaryOp::Clip(lo, hi))
    }
    /// Convert to `dtype`.
    pub fn astype(&self, dtype: DType) -> ChunkedArray {
        if dtype == self.dtype() { self.clone() } else { self.unary(UnaryOp::Cast(dtype)) }
    }
    /// `self == s` for a scalar (bool).
    pub fn eq_scalar(&self, s: impl Into<Scalar>) -> ChunkedArray {
        self.scalar(BinaryOp::Eq, s)
    }
    /// `self > s` for a scalar (bool).
    pub fn gt_scalar(&self, s: impl Into<Scalar>) -> ChunkedArray {
        self.scalar(BinaryOp::Gt, s)
    }
    /// `self < s` for a scalar (bool).
    pub fn lt_scalar(&self, s: impl Into<Scalar>) -> ChunkedArray {
        self.scalar(BinaryOp::Lt, s)
    }

    /// `where(cond, x, y)`: `x` where `cond` is true, else `y` (broadcasting).
    ///
    /// # Errors
    /// When the three shapes do not broadcast.
    pub fn where_(cond: &ChunkedArray, x: &ChunkedArray, y: &ChunkedArray) -> Result<ChunkedArray> {
        Ok(Self::wrap(node::where_(&cond.node, &x.node, &y.node)?))
    }

    // ---------------------------------------------------------------- indexing

    /// Python slicing along `axis`: `start..stop` with `step` (negative steps count down;
    /// `None` means the end, as in `x[::-1]`; negative bounds count from the end).
    ///
    /// # Errors
    /// A zero step or an axis out of range.
    pub fn slice_axis(
        &self,
        axis: usize,
        start: Option<isize>,
        stop: Option<isize>,
        step: isize,
    ) -> Result<ChunkedArray> {
        if axis >= self.ndim() {
            return Err(ChunkedError::arg(
                "slice",
                format!("axis {axis} is out of range for shape {:?}", self.shape()),
            ));
        }
        if step == 0 {
            return Err(ChunkedError::arg("slice", "slice step cannot be zero"));
        }
        let (first, len) = python_slice(self.shape()[axis], start, stop, step);
        self.index(axis, AxisIndex::Slice { start: first, step, len })
    }

    /// Keep `index` along `axis`.
    ///
    /// # Errors
    /// An axis or position out of range.
    pub fn index(&self, axis: usize, index: AxisIndex) -> Result<ChunkedArray> {
        Ok(Self::wrap(node::index(&self.node, axis, index)?))
    }

    /// Keep the positions `indices` along `axis`, in that order (NumPy `take`).
    ///
    /// # Errors
    /// A position out of range.
    pub fn take(&self, axis: usize, indices: &[usize]) -> Result<ChunkedArray> {
        self.index(axis, AxisIndex::Take(indices.into()))
    }

    /// Keep the positions where `mask` is true along `axis` (NumPy `compress`).
    ///
    /// # Errors
    /// When the mask's length differs from the axis length.
    pub fn mask(&self, axis: usize, mask: &[bool]) -> Result<ChunkedArray> {
        if axis >= self.ndim() || mask.len() != self.shape()[axis] {
            return Err(ChunkedError::arg(
                "mask",
                format!("a mask of length {} for axis {axis} of shape {:?}", mask.len(), self.shape()),
            ));
        }
        let idx: Vec<usize> = mask.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i).collect();
        self.take(axis, &idx)
    }

    /// Select one position along `axis` and drop the axis (`x[i]`).
    ///
    /// # Errors
    /// A position out of range.
    pub fn index_axis(&self, axis: usize, i: usize) -> Result<ChunkedArray> {
        self.index(axis, AxisIndex::Slice { start: i, step: 1, len: 1 })?.squeeze(axis)
    }

    /// Permute axes (`perm[i]` is the input axis that becomes axis `i`).
    ///
    /// # Errors
    /// When `perm` is not a permutation of the axes.
    pub fn transpose(&self, perm: &[usize]) -> Result<ChunkedArray> {
        Ok(Self::wrap(node::transpose(&self.node, perm)?))
    }

    /// Insert a length-1 axis.
    ///
    /// # Errors
    /// An axis beyond `ndim`.
    pub fn expand_dims(&self, axis: usize) -> Result<ChunkedArray> {
        Ok(Self::wrap(node::insert_axis(&self.node, axis)?))
    }

    /// Remove a length-1 axis.
    ///
    /// # Errors
    /// When the axis does not have length 1.
    pub fn squeeze(&self, axis: usize) -> Result<ChunkedArray> {
        Ok(Self::wrap(node::remove_axis(&self.node, axis)?))
    }

    /// Join arrays along an existing axis.
    ///
    /// # Errors
    /// When shapes differ on another axis, or the list is empty.
    pub fn concatenate(arrays: &[ChunkedArray], axis: usize) -> Result<ChunkedArray> {
        let nodes: Vec<NodeRef> = arrays.iter().map(|a| a.node.clone()).collect();
        Ok(Self::wrap(node::concat(&nodes, axis)?))
    }

    /// Join arrays along a new axis.
    ///
    /// # Errors
    /// When shapes differ, or the list is empty.
    pub fn stack(arrays: &[ChunkedArray], axis: usize) -> Result<ChunkedArray> {
        let expanded = arrays.iter().map(|a| a.expand_dims(axis)).collect::<Result<Vec<_>>>()?;
        Self::concatenate(&expanded, axis)
    }

    /// Same values, regular chunks of `chunks` (0 = whole axis). Each new chunk is read from
    /// the old chunks it overlaps, so memory stays bounded by a few chunks per task.
    ///
    /// # Errors
    /// When `chunks` has the wrong number of axes.
    pub fn rechunk(&self, chunks: &[usize]) -> Result<ChunkedArray> {
        let c = regular_chunks("rechunk", self.shape(), chunks)?;
        self.rechunk_to(c)
    }

    /// Same values, explicit chunks.
    ///
    /// # Errors
    /// When `chunks` does not tile the shape.
    pub fn rechunk_to(&self, chunks: Chunks) -> Result<ChunkedArray> {
        Ok(Self::wrap(node::rechunk(&self.node, chunks)?))
    }

    // ---------------------------------------------------------------- reductions

    /// Reduce along `axes`.
    ///
    /// # Errors
    /// An axis out of range, or several axes for argmin/argmax.
    pub fn reduce(&self, op: ReduceOp, axes: impl Into<Axes>, skipna: bool) -> Result<ChunkedArray> {
        let axes = match axes.into() {
            Axes::All => (0..self.ndim()).collect(),
            Axes::Some(a) => a,
        };
        let red = Reduction { op, skipna };
        Ok(Self::wrap(node::reduce(&self.node, red, &axes)?))
    }

    /// A statistic of the pairs `(self, other)` along `axes` (xarray's `xr.cov` and `xr.corr`,
    /// xskillscore's `me`, `mse`, `mae`, `r2`). The two arrays must have the same shape; their
    /// chunks may differ (the tasks follow `self`'s). Several pair statistics of the same two
    /// arrays over the same axes, computed together, share one pass over the data.
    ///
    /// ```
    /// use cumulus_chunked::{ChunkedArray, PairStat};
    /// let a = ChunkedArray::arange(1.0, 5.0, 1.0, 2); // 1 2 3 4
    /// let b = (&a * 2.0).rechunk(&[3])?; // 2 4 6 8, in other chunks
    /// let r = a.pair_reduce(&b, PairStat::Correlation, [0], false)?;
    /// let mae = a.pair_reduce(&b, PairStat::MeanAbsoluteError, [0], false)?;
    /// let (v, _) = ChunkedArray::compute_many_with(&[r, mae], &Default::default())?;
    /// let scalar = |b: &cumulus_chunked::Block| cumulus_chunked::array::scalar_value(b).unwrap();
    /// assert!((scalar(&v[0]) - 1.0).abs() < 1e-15);
    /// assert_eq!(scalar(&v[1]), 2.5);
    /// # Ok::<(), cumulus_chunked::ChunkedError>(())
    /// ```
    ///
    /// # Errors
    /// Arrays of different shapes, an axis out of range.
    pub fn pair_reduce(
        &self,
        other: &ChunkedArray,
        stat: PairStat,
        axes: impl Into<Axes>,
        skipna: bool,
    ) -> Result<ChunkedArray> {
        let axes = match axes.into() {
            Axes::All => (0..self.ndim()).collect(),
            Axes::Some(a) => a,
        };
        Ok(Self::wrap(node::pair_reduce(&self.node, &other.node, stat, skipna, &axes)?))
    }

    /// Sum (NaN propagates).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn sum(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Sum, axes, false)
    }
    /// Sum skipping NaN.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nansum(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Sum, axes, true)
    }
    /// Mean (NaN propagates).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn mean(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Mean, axes, false)
    }
    /// Mean skipping NaN (xarray's default for floats).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nanmean(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Mean, axes, true)
    }
    /// Minimum (NaN propagates).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn min(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Min, axes, false)
    }
    /// Minimum skipping NaN.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nanmin(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Min, axes, true)
    }
    /// Maximum (NaN propagates).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn max(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Max, axes, false)
    }
    /// Maximum skipping NaN.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nanmax(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Max, axes, true)
    }
    /// Variance with `ddof` (NaN propagates).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn var(&self, axes: impl Into<Axes>, ddof: u32) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Var(ddof), axes, false)
    }
    /// Variance skipping NaN.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nanvar(&self, axes: impl Into<Axes>, ddof: u32) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Var(ddof), axes, true)
    }
    /// Standard deviation with `ddof` (NaN propagates).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn std(&self, axes: impl Into<Axes>, ddof: u32) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Std(ddof), axes, false)
    }
    /// Standard deviation skipping NaN.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nanstd(&self, axes: impl Into<Axes>, ddof: u32) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Std(ddof), axes, true)
    }
    /// Number of non-NaN elements.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn count(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Count, axes, true)
    }
    /// True where any element is non-zero.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn any(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::Any, axes, false)
    }
    /// True where all elements are non-zero.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn all(&self, axes: impl Into<Axes>) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::All, axes, false)
    }
    /// Position of the minimum along `axis` (the first NaN if any, like NumPy).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn argmin(&self, axis: usize) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::ArgMin, axis, false)
    }
    /// Position of the minimum along `axis`, skipping NaN.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nanargmin(&self, axis: usize) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::ArgMin, axis, true)
    }
    /// Position of the maximum along `axis` (the first NaN if any).
    ///
    /// # Errors
    /// An axis out of range.
    pub fn argmax(&self, axis: usize) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::ArgMax, axis, false)
    }
    /// Position of the maximum along `axis`, skipping NaN.
    ///
    /// # Errors
    /// An axis out of range.
    pub fn nanargmax(&self, axis: usize) -> Result<ChunkedArray> {
        self.reduce(ReduceOp::ArgMax, axis, true)
    }

    /// Reduce by group along `axis`: `labels[i]` is the group (`0..ngroups`) of position `i`,
    /// negative to leave it out. The axis becomes a group axis of length `ngroups` (one chunk).
    /// Each chunk is reduced per group, then the per-group states are combined in a tree
    /// (flox's map-reduce).
    ///
    /// # Errors
    /// Labels of the wrong length or out of range, argmin/argmax.
    pub fn grouped(
        &self,
        op: ReduceOp,
        axis: usize,
        labels: &[i64],
        ngroups: usize,
        skipna: bool,
    ) -> Result<ChunkedArray> {
        let red = Reduction { op, skipna };
        Ok(Self::wrap(node::group_reduce(&self.node, red, axis, labels.into(), ngroups)?))
    }

    /// Apply `f` to every chunk; it must return a block of the same shape and of `dtype`.
    /// Panics and errors inside `f` stop the compute with the chunk's index in the error.
    pub fn map_blocks(
        &self,
        name: &str,
        dtype: DType,
        f: impl Fn(&Block) -> std::result::Result<Block, String> + Send + Sync + 'static,
    ) -> ChunkedArray {
        Self::wrap(node::map_blocks(&self.node, name, dtype, Arc::new(f)))
    }

    // ---------------------------------------------------------------- inspection

    /// The plan as text, before and after optimization, with the task counts by kind.
    pub fn explain(&self) -> String {
        let mut s = String::from("logical plan:\n");
        s.push_str(&explain::tree(std::slice::from_ref(&self.node)));
        match optimize(std::slice::from_ref(&self.node), OptFlags::default()) {
            Ok(opt) => {
                s.push_str("\noptimized plan:\n");
                s.push_str(&explain::tree(&opt));
                let g = TaskGraph::build(&opt);
                s.push_str(&format!("\ntasks: {} ({} dependencies)\n", g.len(), g.num_edges()));
                for (k, n) in g.counts_by_kind() {
                    s.push_str(&format!("  {k:<32} {n}\n"));
                }
            }
            Err(e) => s.push_str(&format!("\noptimizer failed: {e}\n")),
        }
        s
    }

    /// The task graph this array would run (optimized unless `opts.no_optimize`).
    ///
    /// # Errors
    /// Only on an optimizer bug.
    pub fn graph(&self, opts: &ComputeOptions) -> Result<TaskGraph> {
        build_graph(std::slice::from_ref(self), opts)
    }

    /// The task graph as Graphviz DOT (`dot -Tsvg`); above 200 tasks, one node per task kind.
    ///
    /// # Errors
    /// Only on an optimizer bug.
    pub fn visualize(&self) -> Result<String> {
        Ok(self.graph(&ComputeOptions::default())?.to_dot(200))
    }

    // ---------------------------------------------------------------- execution

    /// Compute into one in-memory block.
    ///
    /// # Errors
    /// The first failing task (with its chunk).
    pub fn compute(&self) -> Result<Block> {
        self.compute_with(&ComputeOptions::default()).map(|(b, _)| b)
    }

    /// Compute with options, returning statistics too.
    ///
    /// # Errors
    /// The first failing task (with its chunk).
    ///
    /// # Panics
    /// Never: one array in, one result out.
    pub fn compute_with(&self, opts: &ComputeOptions) -> Result<(Block, ComputeStats)> {
        let (mut v, stats) = Self::compute_many_with(std::slice::from_ref(self), opts)?;
        Ok((v.pop().expect("one output"), stats))
    }

    /// Compute several arrays in one pass: shared reads and stages run once.
    ///
    /// # Errors
    /// The first failing task.
    pub fn compute_many(arrays: &[ChunkedArray]) -> Result<Vec<Block>> {
        Self::compute_many_with(arrays, &ComputeOptions::default()).map(|(v, _)| v)
    }

    /// [`ChunkedArray::compute_many`] with options.
    ///
    /// # Errors
    /// The first failing task.
    pub fn compute_many_with(arrays: &[ChunkedArray], opts: &ComputeOptions) -> Result<(Vec<Block>, ComputeStats)> {
        for a in arrays {
            check_fits_in_memory(a)?;
        }
        // Each result is assembled while its chunks arrive: an array of one chunk starts empty
        // and keeps its block; a larger one starts as the whole (zeroed) result and every chunk
        // is copied in and dropped at once, so a compute holds its result once, not its chunks
        // and then a copy of them.
        let results: Vec<Mutex<Option<Block>>> = arrays
            .iter()
            .map(|a| Mutex::new((a.num_chunks() > 1).then(|| Block::zeros(a.dtype(), a.shape()))))
            .collect();
        let stats = Self::stream_many(arrays, opts, &|o, idx, b| {
            let mut slot = results[o].lock().unwrap_or_else(|e| e.into_inner());
            match slot.as_mut() {
                Some(whole) => place(whole, &arrays[o].chunks().region(idx), &b),
                None => *slot = Some(b),
            }
            Ok(())
        })?;
        let out = arrays
            .iter()
            .zip(results)
            .map(|(a, r)| {
                let block = r.into_inner().unwrap_or_else(|e| e.into_inner());
                // An array without elements produces no chunk.
                block.unwrap_or_else(|| Block::zeros(a.dtype(), a.shape())).into_standard_layout()
            })
            .collect();
        Ok((out, stats))
    }

    /// Materialize every chunk in memory and return an array with the same chunks reading
    /// from them (dask's `persist`).
    ///
    /// # Errors
    /// The first failing task.
    pub fn persist(&self) -> Result<ChunkedArray> {
        let block = self.compute()?;
        Self::from_block(block, self.chunks().clone())
    }

    /// Compute and hand each output chunk to `sink(chunk index, block)` as soon as it is
    /// ready, never holding the whole result (used by `to_zarr`).
    ///
    /// # Errors
    /// The first failing task, or the first error from `sink`.
    pub fn stream(
        &self,
        opts: &ComputeOptions,
        sink: &(dyn Fn(&[usize], Block) -> Result<()> + Sync),
    ) -> Result<ComputeStats> {
        Self::stream_many(std::slice::from_ref(self), opts, &|_, idx, b| sink(idx, b))
    }

    fn stream_many(arrays: &[ChunkedArray], opts: &ComputeOptions, sink: &scheduler::Sink<'_>) -> Result<ComputeStats> {
        let graph = build_graph(arrays, opts)?;
        scheduler::run(&graph, opts, sink)
    }
}

fn build_graph(arrays: &[ChunkedArray], opts: &ComputeOptions) -> Result<TaskGraph> {
    let nodes: Vec<NodeRef> = arrays.iter().map(|a| a.node.clone()).collect();
    let nodes = if opts.no_optimize { nodes } else { optimize(&nodes, OptFlags::default())? };
    Ok(TaskGraph::build(&nodes))
}

/// Python's `slice(start, stop, step).indices(n)`, as (first position, count).
fn python_slice(n: usize, start: Option<isize>, stop: Option<isize>, step: isize) -> (usize, usize) {
    let n = n as isize;
    let clamp = |v: isize, lo: isize, hi: isize| v.max(lo).min(hi);
    let norm = |v: isize| if v < 0 { v + n } else { v };
    let (s, e) = if step > 0 {
        (start.map_or(0, |v| clamp(norm(v), 0, n)), stop.map_or(n, |v| clamp(norm(v), 0, n)))
    } else {
        (start.map_or(n - 1, |v| clamp(norm(v), -1, n - 1)), stop.map_or(-1, |v| clamp(norm(v), -1, n - 1)))
    };
    let len = if step > 0 {
        if e > s { (e - s + step - 1) / step } else { 0 }
    } else if s > e {
        (s - e + (-step) - 1) / (-step)
    } else {
        0
    };
    (if len > 0 { s as usize } else { 0 }, len as usize)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------- operators

macro_rules! scalar_ops {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        impl<S: Into<Scalar>> std::ops::$trait<S> for &ChunkedArray {
            type Output = ChunkedArray;
            fn $method(self, s: S) -> ChunkedArray { self.scalar(BinaryOp::$op, s) }
        }
        impl<S: Into<Scalar>> std::ops::$trait<S> for ChunkedArray {
            type Output = ChunkedArray;
            fn $method(self, s: S) -> ChunkedArray { self.scalar(BinaryOp::$op, s) }
        }
    )*};
}
scalar_ops!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);

macro_rules! array_ops {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        /// Elementwise with broadcasting; a shape mismatch is an `Err` naming both shapes.
        impl std::ops::$trait<&ChunkedArray> for &ChunkedArray {
            type Output = Result<ChunkedArray>;
            fn $method(self, o: &ChunkedArray) -> Result<ChunkedArray> { self.binary(BinaryOp::$op, o) }
        }
    )*};
}
array_ops!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);

impl std::ops::Neg for &ChunkedArray {
    type Output = ChunkedArray;
    fn neg(self) -> ChunkedArray {
        self.unary(UnaryOp::Neg)
    }
}

/// Turn a computed block into a typed `ArrayD` (helper for tests and examples).
///
/// # Errors
/// Gives the block back when its dtype is not `T`.
pub fn into_typed<T: BlockElement>(b: Block) -> std::result::Result<ArrayD<T>, Block> {
    b.into_array::<T>()
}

/// A 0-d block's single value as `f64`.
pub fn scalar_value(b: &Block) -> Option<f64> {
    if b.len() != 1 {
        return None;
    }
    let f = b.cast(DType::F64);
    f.as_array::<f64>().and_then(|a| a.iter().next().copied())
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<ChunkedArray>();
    let _ = IxDyn(&[0]);
}

/// Fails with [`ChunkedError::TooLarge`] when the result of `a` cannot be allocated (its size
/// overflows, or the allocator refuses it), instead of aborting the process half-way through a
/// compute: allocation failure in Rust is not an error but an abort. The reservation is only
/// address space and is released at once.
fn check_fits_in_memory(a: &ChunkedArray) -> Result<()> {
    let too_large = |bytes: String| ChunkedError::TooLarge {
        what: a.node.label(),
        shape: a.shape().to_vec(),
        dtype: a.dtype(),
        bytes,
    };
    let bytes = a
        .shape()
        .iter()
        .try_fold(a.dtype().size(), |acc, &n| acc.checked_mul(n))
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or_else(|| too_large("more bytes than this machine can address".into()))?;
    let mut probe: Vec<u8> = Vec::new();
    probe.try_reserve_exact(bytes).map_err(|_| too_large(human_bytes(bytes)))?;
    Ok(())
}
