//! What every metric on DataArrays does first: pick the dimensions, align the two inputs
//! (inner join on coordinate labels, broadcast by dimension name), put NaN pairwise, and
//! check the weights. Also the way back from computed values to a labeled result.

use cumulus_chunked::{BinaryOp, Block, ChunkedArray, Chunks, DType};
use cumulus_labeled::variable::block_f64;
use cumulus_labeled::{Attrs, DataArray, Dims, LabeledError, Variable};

use crate::error::{Result, SkillError};

/// The two inputs of a metric after alignment, with the dimensions to reduce.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    /// First input (float), NaN wherever either input is NaN.
    pub a: DataArray,
    /// Second input (float), NaN wherever either input is NaN.
    pub b: DataArray,
    /// The dimensions to reduce.
    pub dims: Vec<String>,
}

/// A float copy (integers and booleans become `f64`), lazily.
pub(crate) fn to_float(x: &DataArray) -> DataArray {
    if x.dtype().is_float() { x.clone() } else { x.astype(DType::F64) }
}

/// Resolve `dims` against `a`, and check that `a` and `b` both have them.
pub(crate) fn resolve_dims(
    metric: &'static str,
    dims: Dims,
    (a_name, a): (&'static str, &DataArray),
    (b_name, b): (&'static str, &DataArray),
) -> Result<Vec<String>> {
    let dims = match dims {
        Dims::All => a.dims().to_vec(),
        Dims::Some(d) => d,
    };
    if dims.is_empty() {
        return Err(SkillError::EmptyDims { metric });
    }
    for d in &dims {
        for (argument, x) in [(a_name, a), (b_name, b)] {
            if !x.dims().contains(d) {
                return Err(SkillError::NoDim { metric, argument, dim: d.clone(), available: x.dims().to_vec() });
            }
        }
    }
    Ok(dims)
}

/// Turn an alignment failure of the labeled layer into [`SkillError::Align`] naming the dim.
pub(crate) fn align_error(metric: &'static str, a: &DataArray, e: LabeledError) -> SkillError {
    match e {
        LabeledError::Mismatch { op, reason } if op == "align" => {
            let dim = a.dims().iter().find(|d| reason.contains(&format!("{d:?}"))).cloned().unwrap_or_default();
            SkillError::Align { metric, dim, reason }
        }
        other => SkillError::Labeled(other),
    }
}

/// True when `a` and `b` have the same dimensions, in the same order, with the same sizes and
/// the same labels (or none): nothing to align or broadcast.
fn already_aligned(a: &DataArray, b: &DataArray) -> bool {
    a.dims() == b.dims()
        && a.shape() == b.shape()
        && a.dims().iter().all(|d| match (a.coords().index(d), b.coords().index(d)) {
            (Some(x), Some(y)) => x.values() == y.values(),
            (None, None) => true,
            _ => false,
        })
}

/// Align `a` and `b` as xarray does (inner join, broadcast by name) and, when `pairwise_nan`,
/// make their NaN pairwise: `a + 0·b` and `b + 0·a`. Inputs that are already aligned are used
/// as they are unless `pairwise_nan` (saving four operations per element): a NaN in either
/// input already makes every sum over it NaN when NaN are not skipped, and the engine's pair
/// reductions pair the NaN themselves.
pub(crate) fn pair(metric: &'static str, a: &DataArray, b: &DataArray, dims: Dims, pairwise_nan: bool) -> Result<Pair> {
    let dims = resolve_dims(metric, dims, ("a", a), ("b", b))?;
    let (a, b) = (to_float(a), to_float(b));
    if !pairwise_nan && already_aligned(&a, &b) {
        return Ok(Pair { a, b, dims });
    }
    let a2 = a.binary(BinaryOp::Add, &(&b * 0.0)).map_err(|e| align_error(metric, &a, e))?;
    let b2 = b.binary(BinaryOp::Add, &(&a * 0.0)).map_err(|e| align_error(metric, &a, e))?;
    Ok(Pair { a: a2, b: b2, dims })
}

/// Check weights: only reduced dimensions, their sizes, no NaN, no negative value.
pub(crate) fn check_weights(
    metric: &'static str,
    w: &DataArray,
    like: &DataArray,
    dims: &[String],
) -> Result<DataArray> {
    for d in w.dims() {
        if !dims.contains(d) {
            return Err(SkillError::Weights {
                metric,
                reason: format!(
                    "the weights have dimension {d:?}, which is not reduced (the reduced dimensions are {dims:?})"
                ),
            });
        }
        let (nw, nx) = (w.size(d)?, like.size(d)?);
        if nw != nx {
            return Err(SkillError::Weights {
                metric,
                reason: format!("the weights have {nw} values along {d:?}, the data {nx}"),
            });
        }
    }
    let values = block_f64(&w.values()?);
    if let Some(x) = values.iter().find(|x| x.is_nan()) {
        return Err(SkillError::Weights { metric, reason: format!("they contain {x}; expected no NaN") });
    }
    if let Some(x) = values.iter().find(|x| **x < 0.0) {
        return Err(SkillError::Weights { metric, reason: format!("they contain {x}; expected no negative weight") });
    }
    Ok(to_float(w))
}

/// A result with the dimensions and coordinates of `template`, the given values, the metric's
/// name and no attributes (xskillscore's default `keep_attrs=False`).
pub(crate) fn from_values(template: &DataArray, values: Vec<f64>, name: &str) -> Result<DataArray> {
    let shape = template.shape().to_vec();
    let block = Block::from_vec(&shape, values).map_err(|(n, m)| LabeledError::Mismatch {
        op: name.to_string(),
        reason: format!("{m} results for {n} positions"),
    })?;
    let data = ChunkedArray::from_block(block, Chunks::single(&shape))?;
    let var = Variable::from_parts(template.dims().to_vec(), data, Attrs::new())?;
    Ok(DataArray::from_parts(Some(name.to_string()), var, template.coords().clone()))
}

/// Rename and drop the attributes (xskillscore's `keep_attrs=False`).
pub(crate) fn finish(x: DataArray, name: &str) -> DataArray {
    let var = x.variable().clone().with_attrs(Attrs::new());
    DataArray::from_parts(Some(name.to_string()), var, x.coords().clone())
}

/// The values of `x` arranged so that the dimensions of `kept` come first (in its order) and
/// `dims` last: every run of `product(sizes of dims)` values is one output's sample.
pub(crate) fn kept_first(x: &DataArray, kept: &[String], dims: &[String]) -> Result<Vec<f64>> {
    let perm = kept.iter().chain(dims).map(|d| x.variable().axis(d)).collect::<Result<Vec<_>, _>>()?;
    Ok(block_f64(&x.values()?.permuted(&perm)))
}
