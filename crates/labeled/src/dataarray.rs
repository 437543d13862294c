//! [`DataArray`]: one variable with its coordinates and a name — xarray's `DataArray`.
//!
//! ```
//! use cumulus_labeled::{DataArray, Variable, nearest};
//! use cumulus_chunked::ChunkedArray;
//! use ndarray::{ArrayD, IxDyn};
//!
//! // 3 latitudes (descending) × 4 longitudes of temperature.
//! let t = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| 280.0 + i[0] as f32 + 0.1 * i[1] as f32);
//! let da = DataArray::new("temperature", Variable::new(&["latitude", "longitude"],
//!         ChunkedArray::from_array(t, &[2, 2]).unwrap()).unwrap())
//!     .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0])).unwrap()
//!     .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0])).unwrap();
//! let box_mean = da.sel([("latitude", (24.5..=23.0).into())]).unwrap().mean("latitude").unwrap();
//! assert_eq!(box_mean.dims(), &["longitude"]);
//! let v = da.sel([("latitude", nearest(24.2)), ("longitude", nearest(121.4))]).unwrap().item().unwrap();
//! assert!((v - 281.1).abs() < 1e-4);
//! ```

use std::fmt;

use cumulus_chunked::array::human_bytes;
use cumulus_chunked::{BinaryOp, Block, ChunkedArray, ComputeOptions, DType, PairStat, ReduceOp, Scalar, UnaryOp};

use crate::coords::{Coords, isel_positions, isel_variable};
use crate::error::{LabeledError, Result};
use crate::index::{Index, IndexValues, Positions};
use crate::time::{self, parts};
use crate::variable::{Attrs, Isel, Selector, Variable, block_f64, block_i64};

/// Which positions [`DataArray::dropna`] and [`Dataset::dropna`](crate::Dataset::dropna) drop:
/// xarray's `how="any"` and `how="all"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// Where any value is NaN (xarray's default).
    Any,
    /// Where every value is NaN.
    All,
}

/// Which dimensions a reduction runs over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dims {
    /// Every dimension.
    All,
    /// These names.
    Some(Vec<String>),
}

impl From<&str> for Dims {
    fn from(d: &str) -> Dims {
        Dims::Some(vec![d.to_string()])
    }
}
impl<const N: usize> From<[&str; N]> for Dims {
    fn from(d: [&str; N]) -> Dims {
        Dims::Some(d.iter().map(|s| s.to_string()).collect())
    }
}
impl From<&[&str]> for Dims {
    fn from(d: &[&str]) -> Dims {
        Dims::Some(d.iter().map(|s| s.to_string()).collect())
    }
}

/// A labeled N-d array.
#[derive(Clone, Debug)]
pub struct DataArray {
    name: Option<String>,
    var: Variable,
    coords: Coords,
}

impl DataArray {
    /// A named array without coordinates.
    pub fn new(name: &str, var: Variable) -> DataArray {
        DataArray { name: Some(name.to_string()), var, coords: Coords::new() }
    }

    /// From parts (used by `Dataset`).
    pub fn from_parts(name: Option<String>, var: Variable, coords: Coords) -> DataArray {
        let coords = coords.restrict(var.dims());
        DataArray { name, var, coords }
    }

    /// Add a coordinate.
    ///
    /// # Errors
    /// When the coordinate's dimensions or sizes do not fit.
    pub fn with_coord(mut self, name: &str, coord: Variable) -> Result<DataArray> {
        for (d, n) in coord.dims().iter().zip(coord.shape()) {
            let axis = self.var.axis(d)?;
            if self.var.shape()[axis] != *n {
                return Err(LabeledError::Mismatch {
                    op: "assign_coords".into(),
                    reason: format!(
                        "coordinate {name:?} has {n} values along {d:?}, the array {}",
                        self.var.shape()[axis]
                    ),
                });
            }
        }
        self.coords.insert(name, coord)?;
        Ok(self)
    }

    /// The name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// The variable.
    pub fn variable(&self) -> &Variable {
        &self.var
    }
    /// The lazy data.
    pub fn data(&self) -> &ChunkedArray {
        self.var.data()
    }
    /// Dimension names.
    pub fn dims(&self) -> &[String] {
        self.var.dims()
    }
    /// The shape.
    pub fn shape(&self) -> &[usize] {
        self.var.shape()
    }
    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.var.dtype()
    }
    /// Attributes.
    pub fn attrs(&self) -> &Attrs {
        self.var.attrs()
    }
    /// Coordinates.
    pub fn coords(&self) -> &Coords {
        &self.coords
    }
    /// The size of a dimension.
    ///
    /// # Errors
    /// [`LabeledError::NoDim`].
    pub fn size(&self, dim: &str) -> Result<usize> {
        Ok(self.shape()[self.var.axis(dim)?])
    }

    /// A coordinate as a `DataArray` (xarray's `da["latitude"]`), with the coordinates that
    /// share its dimensions. After a scalar selection it is 0-dimensional, so `.item()` gives
    /// the label that was picked:
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable, nearest};
    /// let da = DataArray::new("t", Variable::from_vec("latitude", vec![280.0_f64, 285.0, 290.0]))
    ///     .with_coord("latitude", Variable::from_vec("latitude", vec![30.0_f64, 25.0, 20.0]))?;
    /// let point = da.sel([("latitude", nearest(24.0))])?;
    /// assert_eq!(point.item()?, 285.0);
    /// assert_eq!(point.coord("latitude")?.item()?, 25.0);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// [`LabeledError::NoVariable`] naming the coordinates that exist.
    pub fn coord(&self, name: &str) -> Result<DataArray> {
        let var = self.coords.get(name).ok_or_else(|| LabeledError::NoVariable {
            name: name.to_string(),
            available: self.coords.names().iter().map(|s| (*s).to_string()).collect(),
        })?;
        let coords = self.coords.restrict(var.dims());
        Ok(DataArray { name: Some(name.to_string()), var: var.clone(), coords })
    }

    /// The index of a dimension.
    ///
    /// # Errors
    /// When the dimension has no coordinate.
    pub fn index(&self, dim: &str) -> Result<&Index> {
        self.var.axis(dim)?;
        self.coords.index(dim).ok_or_else(|| LabeledError::BadSelector {
            dim: dim.to_string(),
            selector: "a label".into(),
            reason: "this dimension has no coordinate; select by position with isel".into(),
        })
    }

    fn with_var(&self, var: Variable, coords: Coords) -> DataArray {
        DataArray { name: self.name.clone(), var, coords }
    }

    /// Rename.
    pub fn rename(mut self, name: &str) -> DataArray {
        self.name = Some(name.to_string());
        self
    }

    // ------------------------------------------------------------------ selection

    fn select_positions(&self, dim: &str, pos: &Positions) -> Result<DataArray> {
        let var = isel_variable(&self.var, dim, pos)?;
        let coords = self.coords.isel(dim, pos)?;
        Ok(self.with_var(var, coords))
    }

    /// Select by position (`da.isel(time=0)`).
    ///
    /// # Errors
    /// An unknown dimension or a position out of range.
    pub fn isel<I: Into<Isel>>(&self, sel: impl IntoIterator<Item = (&'static str, I)>) -> Result<DataArray> {
        let mut out = self.clone();
        for (dim, s) in sel {
            let n = out.size(dim)?;
            let pos = isel_positions(dim, n, &s.into())?;
            out = out.select_positions(dim, &pos)?;
        }
        Ok(out)
    }

    /// Select by label (`da.sel(time="2019-06", level=850)`), see [`Selector`].
    ///
    /// # Errors
    /// An unknown dimension, a missing label, a label of the wrong kind.
    pub fn sel<'a>(&self, sel: impl IntoIterator<Item = (&'a str, Selector)>) -> Result<DataArray> {
        let mut out = self.clone();
        for (dim, s) in sel {
            let pos = resolve(out.index(dim)?, &s)?;
            out = out.select_positions(dim, &pos)?;
        }
        Ok(out)
    }

    /// Pointwise selection along a new dimension (xarray's vectorized indexing): point `k`
    /// takes label `labels[k]` on every listed dimension, and the points line up along
    /// `new_dim` — e.g. Taipei, Taichung and Kaohsiung as a `city` dimension from their
    /// latitudes and longitudes. With `nearest`, each label picks the nearest value. The
    /// selected labels become coordinates along `new_dim`. As in xarray, `new_dim` takes the
    /// place of the indexed dimensions when they are adjacent (`(time, level, latitude,
    /// longitude)` → `(time, level, city)`), and comes first otherwise.
    ///
    /// # Errors
    /// Lists of different lengths, an unknown dimension, a missing label.
    pub fn sel_points(
        &self,
        new_dim: &str,
        points: &[(&str, Vec<crate::index::Label>)],
        nearest: bool,
    ) -> Result<DataArray> {
        let n = points.first().map_or(0, |p| p.1.len());
        if n == 0 || points.iter().any(|p| p.1.len() != n) {
            return Err(LabeledError::Mismatch {
                op: "sel_points".into(),
                reason: format!(
                    "every dimension needs the same, non-zero number of labels, got {:?}",
                    points.iter().map(|p| p.1.len()).collect::<Vec<_>>()
                ),
            });
        }
        let mut positions: Vec<Vec<usize>> = Vec::new();
        for (dim, labels) in points {
            let idx = self.index(dim)?;
            let pos = labels
                .iter()
                .map(|l| {
                    if nearest {
                        idx.nearest(l, None)
                    } else {
                        match idx.get(l)? {
                            Positions::Scalar(i) => Ok(i),
                            _ => Err(LabeledError::BadSelector {
                                dim: dim.to_string(),
                                selector: l.to_string(),
                                reason: "selects more than one value".into(),
                            }),
                        }
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            positions.push(pos);
        }
        let mut parts = Vec::with_capacity(n);
        for k in 0..n {
            let mut one = self.clone();
            for ((dim, _), pos) in points.iter().zip(&positions) {
                one = one.select_positions(dim, &Positions::Scalar(pos[k]))?;
            }
            parts.push(one.data().expand_dims(0)?);
        }
        let data = ChunkedArray::concatenate(&parts, 0)?;
        let first = {
            let mut one = self.clone();
            for ((dim, _), pos) in points.iter().zip(&positions) {
                one = one.select_positions(dim, &Positions::Scalar(pos[0]))?;
            }
            one
        };
        // Where the new dimension goes, as in xarray (and NumPy's advanced indexing): in place of
        // the indexed dimensions when they are next to each other, else first.
        let mut axes: Vec<usize> = points.iter().filter_map(|(d, _)| self.dims().iter().position(|x| x == d)).collect();
        axes.sort_unstable();
        axes.dedup();
        let adjacent = axes.windows(2).all(|w| w[1] == w[0] + 1);
        let at = if adjacent { axes.first().copied().unwrap_or(0) } else { 0 };
        let mut dims: Vec<String> = first.dims().to_vec();
        dims.insert(at, new_dim.to_string());
        let data = if at == 0 {
            data
        } else {
            let mut perm: Vec<usize> = (1..=at).collect();
            perm.push(0);
            perm.extend(at + 1..dims.len());
            data.transpose(&perm)?
        };
        let var = self.var.replace(dims.clone(), data);
        let mut coords = first.coords.restrict(&dims);
        for ((dim, _), pos) in points.iter().zip(&positions) {
            let idx = self.index(dim)?;
            let values: Vec<f64> = pos.iter().map(|&i| idx.numeric(i).unwrap_or(f64::NAN)).collect();
            let v = Variable::from_vec(new_dim, values);
            coords.insert(dim, v)?;
        }
        Ok(DataArray { name: self.name.clone(), var, coords })
    }

    // ------------------------------------------------------------------ computation

    /// Apply an elementwise function.
    pub fn map_unary(&self, op: UnaryOp) -> DataArray {
        self.with_var(self.var.replace(self.dims().to_vec(), self.data().unary(op)), self.coords.clone())
    }

    /// `√x`
    pub fn sqrt(&self) -> DataArray {
        self.map_unary(UnaryOp::Sqrt)
    }
    /// `|x|`
    pub fn abs(&self) -> DataArray {
        self.map_unary(UnaryOp::Abs)
    }
    /// Convert the dtype.
    pub fn astype(&self, dtype: DType) -> DataArray {
        self.map_unary(UnaryOp::Cast(dtype))
    }

    /// Combine with a scalar (`self op s`).
    pub fn scalar_op(&self, op: BinaryOp, s: impl Into<Scalar>) -> DataArray {
        // xarray keeps the attributes through operations with scalars (comparisons too).
        let v = self.var.replace(self.dims().to_vec(), self.data().scalar(op, s));
        self.with_var(v, self.coords.clone())
    }

    /// Combine with another DataArray: broadcast by dimension name, aligned on coordinate
    /// labels with an inner join (xarray's default).
    ///
    /// # Errors
    /// When a shared dimension has no common labels, or sizes differ without coordinates.
    pub fn binary(&self, op: BinaryOp, other: &DataArray) -> Result<DataArray> {
        let (a, b) = align(self, other)?;
        let mut dims: Vec<String> = a.dims().to_vec();
        for d in b.dims() {
            if !dims.contains(d) {
                dims.push(d.clone());
            }
        }
        let x = broadcast_to_dims(a.data(), a.dims(), &dims)?;
        let y = broadcast_to_dims(b.data(), b.dims(), &dims)?;
        let data = x.binary(op, &y)?;
        let name = if a.name == b.name { a.name.clone() } else { None };
        let attrs = drop_conflicts(a.attrs(), b.attrs());
        let var = Variable::from_parts(dims, data, attrs)?;
        Ok(DataArray { name, var, coords: a.coords.union(&b.coords) })
    }

    /// `where(cond, self, other)`: keep values where `cond` is true, else `other` (NaN by
    /// default in xarray; pass `f64::NAN`).
    ///
    /// # Errors
    /// When `cond` does not broadcast.
    pub fn where_(&self, cond: &DataArray, other: f64) -> Result<DataArray> {
        let (a, c) = align(self, cond)?;
        let dims = a.dims().to_vec();
        let cx = broadcast_to_dims(c.data(), c.dims(), &dims)?;
        let fill = ChunkedArray::full(&[1], &[1], other, a.dtype())?;
        let data = ChunkedArray::where_(&cx, a.data(), &fill)?;
        Ok(a.with_var(a.var.replace(dims, data), a.coords.clone()))
    }

    /// Test every element for membership in `values` (xarray's `da.isin(values)`): a lazy
    /// boolean array with the same dimensions and coordinates. Comparison is by value as
    /// `f64` (integers and booleans are converted); NaN is never a member, as in NumPy.
    ///
    /// With [`DataArray::sel_mask`] it selects by a datetime component, e.g. the summer
    /// months of an hourly series (xarray's `da.sel(time=da.time.dt.month.isin([6, 7, 8]))`):
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// // The 1st of every month of 2019, value = month.
    /// let t: Vec<i64> = (1..=12).map(|m| days_from_civil(2019, m, 1) * NS_PER_DAY).collect();
    /// let da = DataArray::new("x", Variable::from_vec("time", (1..=12).map(f64::from).collect::<Vec<_>>()))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// let summer = da.dt("time", "month")?.isin(&[6.0, 7.0, 8.0]);
    /// assert_eq!(da.sel_mask("time", &summer)?.to_vec_f64()?, vec![6.0, 7.0, 8.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    pub fn isin(&self, values: &[f64]) -> DataArray {
        let members: Vec<f64> = values.to_vec();
        let data = self.data().map_blocks("isin", DType::Bool, move |b| {
            let out: Vec<bool> = block_f64(b).iter().map(|x| members.contains(x)).collect();
            Block::from_vec(b.shape(), out).map_err(|(n, m)| format!("isin: {n} values for {m} elements"))
        });
        self.with_var(self.var.replace(self.dims().to_vec(), data), self.coords.clone())
    }

    /// Keep the positions along `dim` where the 1-d boolean `mask` is true — xarray's
    /// `da.isel(dim=mask)` / `da.sel(dim=mask)` with a boolean DataArray, such as one from
    /// [`DataArray::isin`] or a comparison. The mask is computed (it is one value per label);
    /// the data stays lazy. The dimension is kept, even with one or no position left.
    ///
    /// The mask must lie along `dim` only, be boolean, have the dimension's length, and, if
    /// it has a coordinate along `dim`, have the same labels (as xarray, which refuses a
    /// conflicting indexer coordinate).
    ///
    /// # Errors
    /// [`LabeledError::NoDim`] for an unknown dimension; [`LabeledError::BadSelector`] for a
    /// mask of other dimensions, dtype or length; [`LabeledError::Mismatch`] when the mask's
    /// coordinate differs from the array's.
    pub fn sel_mask(&self, dim: &str, mask: &DataArray) -> Result<DataArray> {
        let pos = mask_positions(dim, self.size(dim)?, self.coords.index(dim), mask)?;
        self.select_positions(dim, &pos)
    }

    /// Reduce over dimensions. `skipna`: `None` means xarray's default (skip NaN for floats).
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn reduce(&self, op: ReduceOp, dims: impl Into<Dims>, skipna: Option<bool>) -> Result<DataArray> {
        let dims: Vec<String> = match dims.into() {
            Dims::All => self.dims().to_vec(),
            Dims::Some(d) => d,
        };
        let axes = dims.iter().map(|d| self.var.axis(d)).collect::<Result<Vec<_>>>()?;
        let skip = skipna.unwrap_or(self.dtype().is_float());
        let data = self.data().reduce(op, axes, skip)?;
        let kept: Vec<String> = self.dims().iter().filter(|d| !dims.contains(d)).cloned().collect();
        // Reductions keep the attributes, as xarray does by default.
        let var = Variable::from_parts(kept.clone(), data, self.attrs().clone())?;
        Ok(DataArray { name: self.name.clone(), var, coords: self.coords.restrict(&kept) })
    }

    /// A statistic of the pairs `(self, other)` over `dims` (see [`PairStat`]): the engine's
    /// one-pass pair reduction, which every statistic of the same two arrays over the same
    /// dimensions shares when they are computed together. `other` must have the same
    /// dimensions (in any order) with the same sizes; align the two first (e.g. with
    /// arithmetic, which takes the inner join) when their labels differ. The result keeps the
    /// other dimensions and their coordinates, and `self`'s name, without attributes.
    ///
    /// ```
    /// use cumulus_chunked::PairStat;
    /// use cumulus_labeled::{DataArray, Variable};
    /// let a = DataArray::new("a", Variable::from_vec("time", vec![1.0_f64, 2.0, 3.0]));
    /// let b = DataArray::new("b", Variable::from_vec("time", vec![2.0_f64, 2.0, 5.0]));
    /// let mse = a.pair_reduce(&b, PairStat::MeanSquaredError, "time", false)?;
    /// assert!((mse.item()? - 5.0 / 3.0).abs() < 1e-15); // (1 + 0 + 4) / 3
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// An unknown dimension; [`LabeledError::Mismatch`] when `other` has other dimensions or
    /// sizes.
    pub fn pair_reduce(
        &self,
        other: &DataArray,
        stat: PairStat,
        dims: impl Into<Dims>,
        skipna: bool,
    ) -> Result<DataArray> {
        let op = stat.name(skipna);
        let mut same_dims = other.dims().to_vec();
        same_dims.sort();
        let mut mine = self.dims().to_vec();
        mine.sort();
        if mine != same_dims {
            return Err(LabeledError::Mismatch {
                op,
                reason: format!(
                    "the arrays have dimensions {:?} and {:?}; expected the same",
                    self.dims(),
                    other.dims()
                ),
            });
        }
        let order: Vec<&str> = self.dims().iter().map(String::as_str).collect();
        let other = if other.dims() == self.dims() { other.clone() } else { other.transpose(&order)? };
        if other.shape() != self.shape() {
            return Err(LabeledError::Mismatch {
                op,
                reason: format!(
                    "the arrays have sizes {:?} and {:?} along {:?}; align them first",
                    self.shape(),
                    other.shape(),
                    self.dims()
                ),
            });
        }
        for d in self.dims() {
            if let (Some(x), Some(y)) = (self.coords.index(d), other.coords.index(d))
                && x.values() != y.values()
            {
                return Err(LabeledError::Mismatch {
                    op,
                    reason: format!("the arrays have other labels along {d:?}; align them first"),
                });
            }
        }
        let dims: Vec<String> = match dims.into() {
            Dims::All => self.dims().to_vec(),
            Dims::Some(d) => d,
        };
        let axes = dims.iter().map(|d| self.var.axis(d)).collect::<Result<Vec<_>>>()?;
        let data = self.data().pair_reduce(other.data(), stat, axes, skipna)?;
        let kept: Vec<String> = self.dims().iter().filter(|d| !dims.contains(d)).cloned().collect();
        let var = Variable::from_parts(kept.clone(), data, Attrs::new())?;
        Ok(DataArray { name: self.name.clone(), var, coords: self.coords.restrict(&kept) })
    }

    /// Mean (NaN skipped for floats).
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn mean(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.reduce(ReduceOp::Mean, dims, None)
    }
    /// Sum.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn sum(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.reduce(ReduceOp::Sum, dims, None)
    }
    /// Minimum.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn min(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.reduce(ReduceOp::Min, dims, None)
    }
    /// Maximum.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn max(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.reduce(ReduceOp::Max, dims, None)
    }
    /// Standard deviation (ddof 0, as xarray).
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn std(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.reduce(ReduceOp::Std(0), dims, None)
    }
    /// Variance (ddof 0).
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn var(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.reduce(ReduceOp::Var(0), dims, None)
    }
    /// Number of non-NaN values.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn count(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.reduce(ReduceOp::Count, dims, Some(true))
    }

    /// The weighted mean over `dims` (xarray's `da.weighted(weights).mean(dims)`): the sum of
    /// `weights × values` over the values that are not NaN, divided by the sum of the weights
    /// of those values. `weights` broadcast by dimension name (e.g. `cos(latitude)` along
    /// `latitude` only) and must not contain NaN.
    ///
    /// # Errors
    /// An unknown dimension, weights that do not align.
    pub fn weighted_mean(&self, weights: &DataArray, dims: impl Into<Dims>) -> Result<DataArray> {
        let dims = dims.into();
        let (valid, filled) = self.valid_and_filled()?;
        let num = filled.binary(BinaryOp::Mul, weights)?.reduce(ReduceOp::Sum, dims.clone(), Some(false))?;
        let den = valid.binary(BinaryOp::Mul, weights)?.reduce(ReduceOp::Sum, dims, Some(false))?;
        let mut out = num.binary(BinaryOp::Div, &den)?;
        out.name = self.name.clone();
        Ok(out)
    }

    /// The weighted sum over `dims` (xarray's `da.weighted(weights).sum(dims)`): the sum of
    /// `weights × values` over the values that are not NaN (NaN count as 0, so a position
    /// where every value is NaN gives 0, as in xarray). `weights` broadcast by dimension name
    /// and must not contain NaN.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let x = DataArray::new("x", Variable::from_vec("i", vec![1.0_f64, f64::NAN, 3.0]));
    /// let w = DataArray::new("w", Variable::from_vec("i", vec![2.0_f64, 5.0, 0.5]));
    /// // 2 × 1 + 0.5 × 3; the NaN is left out.
    /// assert_eq!(x.weighted_sum(&w, "i")?.item()?, 3.5);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// An unknown dimension, weights that do not align.
    pub fn weighted_sum(&self, weights: &DataArray, dims: impl Into<Dims>) -> Result<DataArray> {
        let (_, filled) = self.valid_and_filled()?;
        let mut out = filled.binary(BinaryOp::Mul, weights)?.reduce(ReduceOp::Sum, dims, Some(false))?;
        out.name = self.name.clone();
        Ok(out)
    }

    /// Where the values are not NaN, and the values with NaN replaced by 0.
    fn valid_and_filled(&self) -> Result<(DataArray, DataArray)> {
        let valid = self.data().isnan().not();
        let valid =
            DataArray { name: None, var: self.var.replace(self.dims().to_vec(), valid), coords: self.coords.clone() };
        let zero = ChunkedArray::full(&[1], &[1], 0.0, self.dtype())?;
        let filled = ChunkedArray::where_(&valid.data().clone(), self.data(), &zero)?;
        let filled = DataArray {
            name: self.name.clone(),
            var: self.var.replace(self.dims().to_vec(), filled),
            coords: self.coords.clone(),
        };
        Ok((valid, filled))
    }

    /// The median over `dims`, NaN skipped (xarray's `da.median(dims)`); see
    /// [`DataArray::quantile`], of which it is `q = 0.5` (without the `quantile` coordinate).
    ///
    /// **Loads the data**: like xarray, which needs the whole of the reduced dimensions in
    /// one chunk, this computes the input into memory first; the result is in memory.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let x = DataArray::new("x", Variable::from_vec("i", vec![1.0_f64, 3.0, 2.0, f64::NAN]));
    /// assert_eq!(x.median("i")?.item()?, 2.0);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// An unknown dimension; the first failing task while loading.
    pub fn median(&self, dims: impl Into<Dims>) -> Result<DataArray> {
        self.quantile_impl(&[0.5], dims.into(), Quantiles::Bare)
    }

    /// The `q`-quantile over `dims` (xarray's `da.quantile(q, dims)`), NaN skipped, with
    /// NumPy's default method `"linear"`: for the `n` sorted values `x`, position
    /// `h = q (n − 1)` and `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])`. Positions where every value is
    /// NaN give NaN. The reduced dimensions are dropped and, as in xarray, a scalar
    /// `quantile` coordinate holds `q`. Float32 data gives float32, other types float64.
    ///
    /// **Loads the data**: like xarray, which needs the whole of the reduced dimensions in
    /// one chunk, this computes the input into memory first; the result is in memory.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let x = DataArray::new("x", Variable::from_vec("i", vec![1.0_f64, 2.0, 3.0, 4.0]));
    /// let q = x.quantile(0.25, "i")?;
    /// assert_eq!(q.item()?, 1.75);
    /// assert_eq!(q.coord("quantile")?.item()?, 0.25);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// `q` outside `[0, 1]` ([`LabeledError::Mismatch`]); an unknown dimension; the first
    /// failing task while loading.
    pub fn quantile(&self, q: f64, dims: impl Into<Dims>) -> Result<DataArray> {
        self.quantile_impl(&[q], dims.into(), Quantiles::Scalar)
    }

    /// Several quantiles at once (xarray's `da.quantile([q1, q2, ...], dims)`): the result has
    /// a new first dimension `quantile`, with the `qs` as its coordinate. The data are sorted
    /// once for all of them.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let x = DataArray::new("x", Variable::from_vec("i", vec![4.0_f64, 1.0, 3.0, 2.0, f64::NAN]));
    /// let q = x.quantiles(&[0.0, 0.25, 0.5, 1.0], "i")?;
    /// assert_eq!(q.dims(), &["quantile"]);
    /// assert_eq!(q.to_vec_f64()?, vec![1.0, 1.75, 2.5, 4.0]);
    /// assert_eq!(q.coord("quantile")?.to_vec_f64()?, vec![0.0, 0.25, 0.5, 1.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// A `q` outside `[0, 1]` or no `q` at all ([`LabeledError::Mismatch`]); an unknown
    /// dimension; the first failing task while loading.
    pub fn quantiles(&self, qs: &[f64], dims: impl Into<Dims>) -> Result<DataArray> {
        self.quantile_impl(qs, dims.into(), Quantiles::Dim)
    }

    fn quantile_impl(&self, qs: &[f64], dims: Dims, shape: Quantiles) -> Result<DataArray> {
        if let Some(q) = qs.iter().find(|q| !(0.0..=1.0).contains(*q)) {
            return Err(LabeledError::Mismatch {
                op: "quantile".into(),
                reason: format!("q = {q}; expected a value between 0 and 1"),
            });
        }
        if qs.is_empty() {
            return Err(LabeledError::Mismatch { op: "quantile".into(), reason: "no q given".into() });
        }
        let mut dims: Vec<String> = match dims {
            Dims::All => self.dims().to_vec(),
            Dims::Some(d) => d,
        };
        let mut seen = Vec::new();
        dims.retain(|d| {
            if seen.contains(d) {
                false
            } else {
                seen.push(d.clone());
                true
            }
        });
        let red_axes = dims.iter().map(|d| self.var.axis(d)).collect::<Result<Vec<_>>>()?;
        let kept_axes: Vec<usize> = (0..self.dims().len()).filter(|a| !red_axes.contains(a)).collect();
        let kept: Vec<String> = kept_axes.iter().map(|&a| self.dims()[a].clone()).collect();
        let kept_shape: Vec<usize> = kept_axes.iter().map(|&a| self.shape()[a]).collect();
        let nk: usize = kept_shape.iter().product();
        let nr: usize = red_axes.iter().map(|&a| self.shape()[a]).product();
        let perm: Vec<usize> = kept_axes.iter().chain(&red_axes).copied().collect();
        // Kept axes first, reduced axes last: every run of `nr` values is one output's sample.
        let flat = block_f64(&self.values()?.permuted(&perm));
        // Quantile-major: all positions of the first q, then of the next.
        let mut out = vec![f64::NAN; qs.len() * nk];
        if nr > 0 {
            for (k, c) in flat.chunks(nr).enumerate() {
                let mut v: Vec<f64> = c.iter().copied().filter(|x| !x.is_nan()).collect();
                v.sort_unstable_by(f64::total_cmp);
                for (i, &q) in qs.iter().enumerate() {
                    out[i * nk + k] = linear_quantile(&v, q);
                }
            }
        }
        let (kept, kept_shape) = if shape == Quantiles::Dim {
            let mut d = vec!["quantile".to_string()];
            d.extend(kept);
            let mut n = vec![qs.len()];
            n.extend(kept_shape);
            (d, n)
        } else {
            (kept, kept_shape)
        };
        let block = Block::from_vec(&kept_shape, out).map_err(|(n, m)| LabeledError::Mismatch {
            op: "quantile".into(),
            reason: format!("{n} results for {m} positions"),
        })?;
        let dtype = if self.dtype() == DType::F32 { DType::F32 } else { DType::F64 };
        let data = ChunkedArray::from_block(block.cast(dtype), cumulus_chunked::Chunks::single(&kept_shape))?;
        let var = Variable::from_parts(kept.clone(), data, self.attrs().clone())?;
        let mut coords = self.coords.restrict(&kept);
        match shape {
            Quantiles::Bare => {}
            Quantiles::Scalar => {
                let scalar = ndarray::ArrayD::from_elem(ndarray::IxDyn(&[]), qs[0]);
                coords.insert("quantile", Variable::new(&[], ChunkedArray::from_array(scalar, &[])?)?)?;
            }
            Quantiles::Dim => coords.insert("quantile", Variable::from_vec("quantile", qs.to_vec()))?,
        }
        Ok(DataArray { name: self.name.clone(), var, coords })
    }

    /// Group along the dimension of a coordinate component: `"time.month"`, `"time.hour"`,
    /// `"time.dayofyear"`, `"time.year"`, `"time.season"`, or a plain integer coordinate name.
    /// The groups are sorted as in xarray; seasons alphabetically, so the `season` dimension
    /// of the result has the string labels `DJF`, `JJA`, `MAM`, `SON` (those present).
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// // One value on the 1st of every month of 2019: value = month.
    /// let t: Vec<i64> = (1..=12).map(|m| days_from_civil(2019, m, 1) * NS_PER_DAY).collect();
    /// let da = DataArray::new("x", Variable::from_vec("time", (1..=12).map(f64::from).collect::<Vec<_>>()))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// let by_season = da.groupby("time.season")?;
    /// assert_eq!(by_season.group_labels(), ["DJF", "JJA", "MAM", "SON"]);
    /// let clim = by_season.mean()?;
    /// assert_eq!(clim.dims(), &["season"]);
    /// // DJF = (1 + 2 + 12) / 3, JJA = 7, MAM = 4, SON = 10.
    /// assert_eq!(clim.to_vec_f64()?, vec![5.0, 7.0, 4.0, 10.0]);
    /// assert_eq!(clim.index("season")?.label_string(1), "JJA");
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// An unknown coordinate or component.
    pub fn groupby(&self, key: &str) -> Result<GroupBy> {
        GroupBy::new(self.clone(), key)
    }

    /// Bin along a time dimension: a fixed frequency (`"1D"`, `"6h"`, `"30min"`) or calendar
    /// bins (`"1MS"` month starts, `"QS-DEC"` quarters starting in December: DJF, MAM, JJA,
    /// SON, `"YS"` years); bins are labelled by their start and empty bins give NaN, as in
    /// xarray.
    ///
    /// # Errors
    /// A dimension without a time index, or a bad frequency.
    pub fn resample(&self, dim: &str, freq: &str) -> Result<Resample> {
        let idx = self.index(dim)?;
        let IndexValues::Time(t) = idx.values() else {
            return Err(LabeledError::BadSelector {
                dim: dim.to_string(),
                selector: freq.to_string(),
                reason: "resample needs a time coordinate".into(),
            });
        };
        let (starts, labels) = match crate::index::parse_calendar_freq(freq) {
            Some((months, anchor)) => crate::index::calendar_bins(t, months, anchor),
            None => crate::index::time_bins(t, crate::index::parse_freq(freq)?),
        };
        Ok(Resample { obj: self.clone(), dim: dim.to_string(), starts, labels })
    }

    /// Values of a time coordinate's component (`month`, `hour`, …) — the `dt` accessor on a
    /// dimension coordinate, as a 1-d DataArray along that dimension.
    ///
    /// # Errors
    /// When `dim` has no time index or the component is unknown.
    pub fn dt(&self, dim: &str, component: &str) -> Result<DataArray> {
        let idx = self.index(dim)?;
        let values = dt_component(idx, component)?;
        let var = Variable::from_vec(dim, values);
        DataArray::new(component, var).with_coord(dim, Variable::from_times(dim, time_values(idx)))
    }

    // ------------------------------------------------------------------ shape

    /// Permute dimensions.
    ///
    /// # Errors
    /// When `dims` is not a permutation of the dimensions.
    pub fn transpose(&self, dims: &[&str]) -> Result<DataArray> {
        let perm = dims.iter().map(|d| self.var.axis(d)).collect::<Result<Vec<_>>>()?;
        let data = self.data().transpose(&perm)?;
        let names = dims.iter().map(|d| d.to_string()).collect();
        Ok(self.with_var(self.var.replace(names, data), self.coords.clone()))
    }

    /// Add a length-1 dimension in front.
    ///
    /// # Errors
    /// When the name exists.
    pub fn expand_dims(&self, dim: &str) -> Result<DataArray> {
        if self.dims().iter().any(|d| d == dim) {
            return Err(LabeledError::Mismatch { op: "expand_dims".into(), reason: format!("{dim:?} already exists") });
        }
        let mut dims = vec![dim.to_string()];
        dims.extend(self.dims().iter().cloned());
        Ok(self.with_var(self.var.replace(dims, self.data().expand_dims(0)?), self.coords.clone()))
    }

    /// Drop a length-1 dimension.
    ///
    /// # Errors
    /// When the dimension does not have length 1.
    pub fn squeeze(&self, dim: &str) -> Result<DataArray> {
        self.select_positions(dim, &Positions::Scalar(0)).and_then(|d| {
            if self.size(dim)? == 1 {
                Ok(d)
            } else {
                Err(LabeledError::Mismatch {
                    op: "squeeze".into(),
                    reason: format!("{dim:?} has length {}", self.size(dim)?),
                })
            }
        })
    }

    /// Rename a dimension (and its coordinate).
    ///
    /// # Errors
    /// When the dimension does not exist.
    pub fn rename_dim(&self, from: &str, to: &str) -> Result<DataArray> {
        self.var.axis(from)?;
        let dims = self.dims().iter().map(|d| if d == from { to.to_string() } else { d.clone() }).collect();
        Ok(self.with_var(self.var.replace(dims, self.data().clone()), self.coords.rename_dim(from, to)))
    }

    /// Remove a coordinate.
    pub fn drop_vars(&self, name: &str) -> DataArray {
        let mut c = self.coords.clone();
        c.remove(name);
        self.with_var(self.var.clone(), c)
    }

    /// Drop positions along `dim` that hold NaN: with [`How::Any`] (xarray's default) where
    /// any value is NaN, with [`How::All`] where every value is. Computes what is needed to
    /// decide.
    ///
    /// ```
    /// use cumulus_chunked::ChunkedArray;
    /// use cumulus_labeled::{DataArray, How, Variable};
    /// let a = ndarray::arr2(&[[1.0, f64::NAN], [f64::NAN, f64::NAN], [3.0, 4.0]]).into_dyn();
    /// let da = DataArray::new("x", Variable::new(&["time", "y"], ChunkedArray::from_array(a, &[3, 2])?)?);
    /// assert_eq!(da.dropna("time", How::Any)?.shape(), &[1, 2]);
    /// assert_eq!(da.dropna("time", How::All)?.shape(), &[2, 2]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// An unknown dimension; engine errors.
    pub fn dropna(&self, dim: &str, how: How) -> Result<DataArray> {
        let axis = self.var.axis(dim)?;
        let others: Vec<usize> = (0..self.dims().len()).filter(|&a| a != axis).collect();
        let per_position: usize = others.iter().map(|&a| self.shape()[a]).product();
        let counts = if others.is_empty() {
            self.data().isnan().not().astype(DType::I64).compute()?
        } else {
            self.data().count(others)?.compute()?
        };
        let keep: Vec<usize> = block_i64(&counts)
            .iter()
            .enumerate()
            .filter(|(_, c)| match how {
                How::Any => **c as usize == per_position,
                How::All => **c > 0,
            })
            .map(|(i, _)| i)
            .collect();
        self.select_positions(dim, &Positions::List(keep))
    }

    // ------------------------------------------------------------------ execution

    /// Compute into memory (one chunk).
    ///
    /// # Errors
    /// The first failing task.
    pub fn compute(&self) -> Result<DataArray> {
        self.compute_with(&ComputeOptions::default())
    }

    /// Compute with options.
    ///
    /// # Errors
    /// The first failing task.
    pub fn compute_with(&self, opts: &ComputeOptions) -> Result<DataArray> {
        let (b, _) = self.data().compute_with(opts)?;
        let shape = b.shape().to_vec();
        let data = ChunkedArray::from_block(b, cumulus_chunked::Chunks::single(&shape))?;
        Ok(self.with_var(self.var.replace(self.dims().to_vec(), data), self.coords.clone()))
    }

    /// Rechunk lazily (xarray's `.chunk({"time": 48})`): every named dimension gets chunks of
    /// that size; the others keep their chunks. Only the plan changes; the engine's rechunk
    /// reads each source chunk once.
    ///
    /// ```
    /// use cumulus_chunked::ChunkedArray;
    /// use cumulus_labeled::{DataArray, Variable};
    /// let da = DataArray::new("x", Variable::new(&["time"], ChunkedArray::arange(0.0, 10.0, 1.0, 2))?);
    /// assert_eq!(da.data().num_chunks(), 5);
    /// let re = da.chunk(&[("time", 5)])?;
    /// assert_eq!(re.data().num_chunks(), 2);
    /// assert_eq!(re.to_vec_f64()?, da.to_vec_f64()?);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// [`LabeledError::NoDim`] for a dimension the array does not have; a chunk size of 0.
    pub fn chunk(&self, chunks: &[(&str, usize)]) -> Result<DataArray> {
        let mut sizes: Vec<usize> =
            self.data().chunks().axes().iter().map(|a| a.first().copied().unwrap_or(1)).collect();
        for &(dim, size) in chunks {
            let axis = self.var.axis(dim)?;
            if size == 0 {
                return Err(LabeledError::Mismatch {
                    op: "chunk".into(),
                    reason: format!("chunk size 0 for dimension {dim:?}; expected at least 1"),
                });
            }
            sizes[axis] = size;
        }
        let data = self.data().rechunk(&sizes)?;
        Ok(self.with_var(self.var.replace(self.dims().to_vec(), data), self.coords.clone()))
    }

    /// Compute in place (xarray's `load`): afterwards `self` holds its values in memory, and
    /// later operations on it read no store.
    ///
    /// ```
    /// use cumulus_chunked::ChunkedArray;
    /// use cumulus_labeled::{DataArray, Variable};
    /// let lazy = ChunkedArray::arange(0.0, 6.0, 1.0, 2).sqrt();
    /// let mut da = DataArray::new("x", Variable::new(&["i"], lazy)?);
    /// assert_eq!(da.data().num_chunks(), 3);
    /// da.load()?;
    /// assert_eq!(da.data().num_chunks(), 1);
    /// assert_eq!(da.to_vec_f64()?[4], 2.0);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// The first failing task; `self` is unchanged then.
    pub fn load(&mut self) -> Result<&mut DataArray> {
        *self = self.compute()?;
        Ok(self)
    }

    /// Compute every chunk and keep them in memory, chunked as before (dask's `persist`): the
    /// result is still a chunked array whose later operations run in parallel per chunk, but
    /// read nothing from the store.
    ///
    /// # Errors
    /// The first failing task.
    pub fn persist(&self) -> Result<DataArray> {
        let data = self.data().persist()?;
        Ok(self.with_var(self.var.replace(self.dims().to_vec(), data), self.coords.clone()))
    }

    /// The computed values.
    ///
    /// # Errors
    /// The first failing task.
    pub fn values(&self) -> Result<Block> {
        Ok(self.data().compute()?)
    }

    /// The computed values as `f64`.
    ///
    /// # Errors
    /// The first failing task.
    pub fn to_vec_f64(&self) -> Result<Vec<f64>> {
        Ok(block_f64(&self.values()?))
    }

    /// The single value of a 0-d (or one-element) array.
    ///
    /// # Errors
    /// When there is not exactly one element.
    pub fn item(&self) -> Result<f64> {
        let v = self.to_vec_f64()?;
        if v.len() != 1 {
            return Err(LabeledError::Mismatch {
                op: "item".into(),
                reason: format!("the array has {} elements (shape {:?})", v.len(), self.shape()),
            });
        }
        Ok(v[0])
    }
}

/// The positions along `dim` (of length `n`, with the index `own` if any) where the 1-d
/// boolean `mask` is true; the checks of [`DataArray::sel_mask`]. Computes the mask.
///
/// # Errors
/// [`LabeledError::BadSelector`] for a mask of other dimensions, dtype or length;
/// [`LabeledError::Mismatch`] when the mask's coordinate differs from `own`.
pub(crate) fn mask_positions(dim: &str, n: usize, own: Option<&Index>, mask: &DataArray) -> Result<Positions> {
    let bad = |reason: String| LabeledError::BadSelector {
        dim: dim.to_string(),
        selector: format!("a mask with dimensions {:?}, shape {:?}, dtype {}", mask.dims(), mask.shape(), mask.dtype()),
        reason,
    };
    if mask.dims().len() != 1 || mask.dims()[0] != dim {
        return Err(bad(format!("expected a 1-d boolean mask along {dim:?}")));
    }
    if mask.dtype() != DType::Bool {
        return Err(bad("expected dtype bool (from isin or a comparison)".into()));
    }
    if mask.shape()[0] != n {
        return Err(bad(format!("expected {n} values, the length of {dim:?}")));
    }
    if let (Some(a), Some(b)) = (own, mask.coords.index(dim))
        && a.values() != b.values()
    {
        return Err(LabeledError::Mismatch {
            op: "sel_mask".into(),
            reason: format!(
                "the mask's {dim:?} coordinate ({}) differs from the array's ({})",
                b.summary(),
                a.summary()
            ),
        });
    }
    let keep = block_i64(&mask.values()?).iter().enumerate().filter(|(_, k)| **k != 0).map(|(i, _)| i).collect();
    Ok(Positions::List(keep))
}

/// NumPy's `"linear"` quantile of sorted values without NaN (NaN when empty), with NumPy's
/// two-sided interpolation so results agree to the last bit in most cases.
fn linear_quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = q * (n - 1) as f64;
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let t = h - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let diff = b - a;
    if t >= 0.5 { b - diff * (1.0 - t) } else { a + diff * t }
}

/// Resolve a selector against an index.
///
/// # Errors
/// A missing label, a label of the wrong kind, a mask of the wrong length.
pub fn resolve(index: &Index, s: &Selector) -> Result<Positions> {
    match s {
        Selector::Label(l) => index.get(l),
        Selector::Slice(a, b) => index.slice(a.as_ref(), b.as_ref()),
        Selector::Nearest(l, tol) => Ok(Positions::Scalar(index.nearest(l, *tol)?)),
        Selector::List(ls) => Ok(Positions::List(index.get_many(ls)?)),
        Selector::Mask(m) => {
            if m.len() != index.len() {
                return Err(LabeledError::BadSelector {
                    dim: index.dim().to_string(),
                    selector: format!("a mask of length {}", m.len()),
                    reason: format!("the dimension has length {}", index.len()),
                });
            }
            Ok(Positions::List(m.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i).collect()))
        }
    }
}

/// xarray's `drop_conflicts`: the union of both attribute sets, without the keys whose values
/// differ (so `temperature - its climatology` keeps its units, `a - b` with different units
/// keeps none).
fn drop_conflicts(a: &Attrs, b: &Attrs) -> Attrs {
    let mut out = a.clone();
    for (k, v) in b {
        match a.get(k) {
            Some(x) if x != v => {
                out.remove(k);
            }
            Some(_) => {}
            None => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// Align two arrays on the coordinates of their shared dimensions (inner join).
fn align(a: &DataArray, b: &DataArray) -> Result<(DataArray, DataArray)> {
    let (mut a, mut b) = (a.clone(), b.clone());
    let shared: Vec<String> = a.dims().iter().filter(|d| b.dims().contains(d)).cloned().collect();
    for d in shared {
        let (na, nb) = (a.size(&d)?, b.size(&d)?);
        match (a.coords.index(&d), b.coords.index(&d)) {
            (Some(ia), Some(ib)) if ia.values() != ib.values() => {
                let (pa, pb) = inner_join(ia, ib);
                if pa.is_empty() {
                    return Err(LabeledError::Mismatch {
                        op: "align".into(),
                        reason: format!("no common {d:?} labels: {} and {}", ia.summary(), ib.summary()),
                    });
                }
                a = a.select_positions(&d, &Positions::List(pa))?;
                b = b.select_positions(&d, &Positions::List(pb))?;
            }
            _ if na != nb && na != 1 && nb != 1 => {
                return Err(LabeledError::Mismatch {
                    op: "align".into(),
                    reason: format!("dimension {d:?} has size {na} and {nb} and no coordinates to align on"),
                });
            }
            _ => {}
        }
    }
    Ok((a, b))
}

fn inner_join(a: &Index, b: &Index) -> (Vec<usize>, Vec<usize>) {
    let mut pa = Vec::new();
    let mut pb = Vec::new();
    for i in 0..a.len() {
        let found = match (a.values(), b.values()) {
            (IndexValues::Str(x), IndexValues::Str(y)) => y.iter().position(|v| *v == x[i]),
            _ => (0..b.len()).find(|&j| b.numeric(j) == a.numeric(i)),
        };
        if let Some(j) = found {
            pa.push(i);
            pb.push(j);
        }
    }
    (pa, pb)
}

/// Arrange `data` (with `dims`) to `target` dims: transpose, then insert length-1 axes.
fn broadcast_to_dims(data: &ChunkedArray, dims: &[String], target: &[String]) -> Result<ChunkedArray> {
    let order: Vec<usize> = target.iter().filter_map(|t| dims.iter().position(|d| d == t)).collect::<Vec<_>>();
    let mut x = if order.iter().enumerate().all(|(i, &p)| i == p) { data.clone() } else { data.transpose(&order)? };
    for (k, t) in target.iter().enumerate() {
        if !dims.contains(t) {
            x = x.expand_dims(k)?;
        }
    }
    Ok(x)
}

fn time_values(idx: &Index) -> Vec<i64> {
    match idx.values() {
        IndexValues::Time(t) => t.to_vec(),
        _ => vec![],
    }
}

/// A datetime component for every label of a time index.
///
/// # Errors
/// When the index is not a time index, or the component is unknown.
pub fn dt_component(idx: &Index, component: &str) -> Result<Vec<i64>> {
    let IndexValues::Time(t) = idx.values() else {
        return Err(LabeledError::BadSelector {
            dim: idx.dim().to_string(),
            selector: format!("dt.{component}"),
            reason: "the coordinate is not a datetime".into(),
        });
    };
    let f: fn(&time::Parts) -> i64 = match component {
        "year" => |p| p.year,
        "month" => |p| p.month as i64,
        "day" => |p| p.day as i64,
        "hour" => |p| p.hour as i64,
        "dayofyear" => |p| p.dayofyear as i64,
        "dayofweek" => |p| p.dayofweek as i64,
        other => {
            return Err(LabeledError::BadSelector {
                dim: idx.dim().to_string(),
                selector: format!("dt.{other}"),
                reason: "known components: year, month, day, hour, dayofyear, dayofweek (season: dt_season)".into(),
            });
        }
    };
    Ok(t.iter().map(|&v| f(&parts(v))).collect())
}

/// Seasons ("DJF", …) of every label of a time index.
///
/// # Errors
/// When the index is not a time index.
pub fn dt_season(idx: &Index) -> Result<Vec<&'static str>> {
    Ok(dt_component(idx, "month")?.into_iter().map(|m| time::season(m as u32)).collect())
}

/// A grouping of a DataArray along one dimension: by integer keys (`"time.month"`,
/// `"time.hour"`, an integer coordinate) or by names (`"time.season"`).
///
/// As in xarray, the groups come sorted: months 1…12, and seasons alphabetically
/// (`DJF`, `JJA`, `MAM`, `SON`). Only the groups present in the data appear.
#[derive(Debug, Clone)]
pub struct GroupBy {
    obj: DataArray,
    dim: String,
    group: String,
    keys: Vec<i64>,
    unique: Vec<i64>,
    /// For groups by name: the sorted names; `keys` and `unique` are then positions in it.
    names: Option<Vec<String>>,
}

impl GroupBy {
    fn new(obj: DataArray, key: &str) -> Result<GroupBy> {
        let (dim, comp) = match key.split_once('.') {
            Some((d, c)) => (d.to_string(), Some(c.to_string())),
            None => (key.to_string(), None),
        };
        let idx = obj.index(&dim)?;
        let mut names = None;
        let keys = match comp.as_deref() {
            Some("season") => {
                let seasons = dt_season(idx)?;
                let mut sorted: Vec<String> = seasons.iter().map(|s| (*s).to_string()).collect();
                sorted.sort_unstable();
                sorted.dedup();
                let keys = seasons.iter().map(|s| sorted.iter().position(|n| n == s).unwrap_or(0) as i64).collect();
                names = Some(sorted);
                keys
            }
            Some(c) => dt_component(idx, c)?,
            None => {
                if let IndexValues::Str(_) = idx.values() {
                    return Err(LabeledError::BadSelector {
                        dim: dim.clone(),
                        selector: format!("groupby({key:?})"),
                        reason: "groups need an integer coordinate or a datetime component \
                                 (time.month, time.season, …)"
                            .into(),
                    });
                }
                (0..idx.len()).map(|i| idx.numeric(i).unwrap_or(0.0) as i64).collect()
            }
        };
        let mut unique: Vec<i64> = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        Ok(GroupBy { obj, group: comp.unwrap_or_else(|| dim.clone()), dim, keys, unique, names })
    }

    /// The group keys, sorted (for groups by name, positions in [`GroupBy::group_labels`]).
    pub fn groups(&self) -> &[i64] {
        &self.unique
    }

    /// The group labels as text, in the result's order: `["DJF", "JJA", "MAM", "SON"]` for
    /// `"time.season"`, `["6", "7"]` for `"time.month"` over June and July.
    pub fn group_labels(&self) -> Vec<String> {
        match &self.names {
            Some(n) => n.clone(),
            None => self.unique.iter().map(|k| k.to_string()).collect(),
        }
    }

    fn labels(&self) -> Vec<i64> {
        self.keys.iter().map(|k| self.unique.binary_search(k).map_or(-1, |i| i as i64)).collect()
    }

    /// The coordinate of the group dimension: integer labels, or for groups by name a string
    /// index whose variable holds the positions `0..n` (variables hold numbers only).
    fn group_coord(&self) -> (Variable, Index) {
        match &self.names {
            Some(n) => (
                Variable::from_vec(&self.group, (0..n.len() as i64).collect::<Vec<i64>>()),
                Index::new(self.group.clone(), IndexValues::Str(n.clone().into())),
            ),
            None => (
                Variable::from_vec(&self.group, self.unique.clone()),
                Index::new(self.group.clone(), IndexValues::Int(self.unique.clone().into())),
            ),
        }
    }

    /// Reduce every group (the grouped dimension becomes the group dimension).
    ///
    /// # Errors
    /// Engine errors.
    pub fn reduce(&self, op: ReduceOp, skipna: Option<bool>) -> Result<DataArray> {
        let axis = self.obj.var.axis(&self.dim)?;
        let skip = skipna.unwrap_or(self.obj.dtype().is_float());
        let data = self.obj.data().grouped(op, axis, &self.labels(), self.unique.len(), skip)?;
        let dims: Vec<String> =
            self.obj.dims().iter().map(|d| if *d == self.dim { self.group.clone() } else { d.clone() }).collect();
        let var = Variable::from_parts(dims.clone(), data, self.obj.attrs().clone())?;
        let mut coords = self.obj.coords.restrict(&dims);
        let (cvar, cidx) = self.group_coord();
        coords.insert_with_index(&self.group, cvar, Some(cidx));
        Ok(DataArray { name: self.obj.name.clone(), var, coords })
    }

    /// Mean of every group.
    ///
    /// # Errors
    /// Engine errors.
    pub fn mean(&self) -> Result<DataArray> {
        self.reduce(ReduceOp::Mean, None)
    }

    /// `grouped op per_group`: combine every element with the value of its group, e.g. the
    /// anomaly `da.groupby("time.month") - clim`. The result has the grouped array's
    /// dimensions and, as in xarray, the group keys as a non-index coordinate along the
    /// grouped dimension: `month` (int64, along `time`) for `"time.month"`, `hour` for
    /// `"time.hour"`, and so on. Groups by name (`"time.season"`) get no such coordinate
    /// (xarray's holds strings, and variables here hold numbers only); a group by the
    /// dimension coordinate itself needs none.
    ///
    /// ```
    /// use cumulus_chunked::BinaryOp;
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{DataArray, Variable};
    /// // Jan 1, Jan 2, Feb 1.
    /// let t: Vec<i64> = [(1, 1), (1, 2), (2, 1)].iter().map(|&(m, d)| days_from_civil(2019, m, d) * NS_PER_DAY).collect();
    /// let x = DataArray::new("x", Variable::from_vec("time", vec![1.0_f64, 3.0, 7.0]))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// let by_month = x.groupby("time.month")?;
    /// let anomaly = by_month.binary(BinaryOp::Sub, &by_month.mean()?)?;
    /// assert_eq!(anomaly.to_vec_f64()?, vec![-1.0, 1.0, 0.0]);
    /// let month = anomaly.coord("month")?;
    /// assert_eq!((month.dims(), month.to_vec_f64()?), (&["time".to_string()][..], vec![1.0, 1.0, 2.0]));
    /// assert!(anomaly.coords().index("month").is_none()); // not an index: time stays the dimension
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// When `per_group` lacks the group dimension or a group.
    pub fn binary(&self, op: BinaryOp, per_group: &DataArray) -> Result<DataArray> {
        Ok(self.with_key_coord(self.obj.binary(op, &self.spread(per_group)?)?))
    }

    /// `grouped - per_group`: the anomaly from a climatology, xarray's
    /// `da.groupby("time.month") - clim` (see [`GroupBy::binary`]).
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{DataArray, Variable};
    /// let t: Vec<i64> = [(1, 1), (1, 2), (2, 1)].iter().map(|&(m, d)| days_from_civil(2019, m, d) * NS_PER_DAY).collect();
    /// let x = DataArray::new("x", Variable::from_vec("time", vec![1.0_f64, 3.0, 7.0]))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// let by_month = x.groupby("time.month")?;
    /// assert_eq!(by_month.sub(&by_month.mean()?)?.to_vec_f64()?, vec![-1.0, 1.0, 0.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// As [`GroupBy::binary`].
    pub fn sub(&self, per_group: &DataArray) -> Result<DataArray> {
        self.binary(BinaryOp::Sub, per_group)
    }

    /// `out` with the group keys as a non-index coordinate along the grouped dimension (after
    /// the dimension's own coordinate), as xarray's groupby arithmetic leaves them.
    fn with_key_coord(&self, mut out: DataArray) -> DataArray {
        if self.names.is_none() && self.group != self.dim {
            let keys = Variable::from_vec(&self.dim, self.keys.clone());
            out.coords.insert_after(&self.dim, &self.group, keys);
        }
        out
    }

    /// `per_group`'s value of every element's group, along the grouped dimension.
    fn spread(&self, per_group: &DataArray) -> Result<DataArray> {
        let gidx = per_group.index(&self.group)?;
        let find = |k: i64| -> Option<usize> {
            match (&self.names, gidx.values()) {
                (Some(names), IndexValues::Str(v)) => v.iter().position(|x| *x == names[k as usize]),
                (None, IndexValues::Str(_)) | (Some(_), _) => None,
                (None, _) => (0..gidx.len()).find(|&j| gidx.numeric(j) == Some(k as f64)),
            }
        };
        let pos: Vec<usize> = self
            .keys
            .iter()
            .map(|&k| {
                find(k).ok_or_else(|| LabeledError::NoLabel {
                    dim: self.group.clone(),
                    label: match &self.names {
                        Some(n) => format!("{:?}", n[k as usize]),
                        None => k.to_string(),
                    },
                    summary: gidx.summary(),
                })
            })
            .collect::<Result<_>>()?;
        let spread = per_group.select_positions(&self.group, &Positions::List(pos))?;
        let mut spread = spread.drop_vars(&self.group).rename_dim(&self.group, &self.dim)?;
        if let Some(c) = self.obj.coords.get(&self.dim) {
            let idx = self.obj.coords.index(&self.dim).cloned();
            spread.coords.insert_with_index(&self.dim, c.clone(), idx);
        }
        Ok(spread)
    }

    /// For a Dataset groupby: the result of a reduction for a variable that lacks the grouped
    /// dimension (see [`reduce_absent`]). `self` groups the dimension coordinate.
    pub(crate) fn reduce_other(&self, other: &DataArray, op: ReduceOp, skipna: Option<bool>) -> Result<DataArray> {
        let (cvar, cidx) = self.group_coord();
        reduce_absent(other, op, skipna, &self.group, cvar, cidx)
    }

    /// For a Dataset groupby: `other op per_group` for a variable that lacks the grouped
    /// dimension; the result gets the grouped dimension in front, as in xarray.
    pub(crate) fn binary_other(&self, other: &DataArray, op: BinaryOp, per_group: &DataArray) -> Result<DataArray> {
        let mut out = self.with_key_coord(other.binary(op, &self.spread(per_group)?)?);
        out.name = other.name.clone();
        let mut order: Vec<&str> = vec![self.dim.as_str()];
        order.extend(out.dims().iter().map(String::as_str).filter(|d| *d != self.dim));
        out.transpose(&order)
    }

    /// The grouped dimension (`"time"` for `"time.month"`).
    pub(crate) fn dim(&self) -> &str {
        &self.dim
    }
}

/// Fixed-frequency bins along a time dimension.
#[derive(Debug, Clone)]
pub struct Resample {
    obj: DataArray,
    dim: String,
    starts: Vec<i64>,
    labels: Vec<i64>,
}

impl Resample {
    /// Reduce every bin; the dimension keeps its name and gets the bin starts as labels.
    ///
    /// # Errors
    /// Engine errors.
    pub fn reduce(&self, op: ReduceOp, skipna: Option<bool>) -> Result<DataArray> {
        let axis = self.obj.var.axis(&self.dim)?;
        let skip = skipna.unwrap_or(self.obj.dtype().is_float());
        let data = self.obj.data().grouped(op, axis, &self.labels, self.starts.len(), skip)?;
        let var = self.obj.var.replace(self.obj.dims().to_vec(), data);
        // Coordinates along the resampled dimension no longer apply; the bins get new labels.
        let mut coords = crate::coords::Coords::new();
        for (n, v, i) in self.obj.coords.iter() {
            if !v.dims().contains(&self.dim) {
                coords.insert_with_index(n, v.clone(), i.cloned());
            }
        }
        coords.insert(&self.dim, Variable::from_times(&self.dim, self.starts.clone()))?;
        let r = DataArray { name: self.obj.name.clone(), var, coords };
        if matches!(op, ReduceOp::Mean | ReduceOp::Min | ReduceOp::Max | ReduceOp::Var(_) | ReduceOp::Std(_)) {
            return Ok(r); // the engine's reduction of nothing is already NaN
        }
        self.mask_empty(r)
    }

    /// NaN in the bins that hold no position, whatever the reduction (xarray reindexes the
    /// non-empty bins onto the full range): sums and counts of nothing become NaN rather than
    /// 0, and integer results become float64 when a bin is empty.
    fn mask_empty(&self, r: DataArray) -> Result<DataArray> {
        let mut seen = vec![false; self.starts.len()];
        for &l in &self.labels {
            if let Some(s) = usize::try_from(l).ok().and_then(|l| seen.get_mut(l)) {
                *s = true;
            }
        }
        if seen.iter().all(|&s| s) {
            return Ok(r);
        }
        let r = if r.dtype().is_float() { r } else { r.astype(DType::F64) };
        let cond = DataArray::new("nonempty", Variable::from_vec(&self.dim, seen))
            .with_coord(&self.dim, Variable::from_times(&self.dim, self.starts.clone()))?;
        r.where_(&cond, f64::NAN)
    }

    /// Mean of every bin (NaN for empty bins; NaN skipped for floats), xarray's
    /// `da.resample(time="1D").mean()`.
    ///
    /// ```
    /// use cumulus_labeled::time::NS_PER_HOUR;
    /// use cumulus_labeled::{DataArray, Variable};
    /// // Every 12 hours from 1970-01-01 00:00; the third day has no values.
    /// let t: Vec<i64> = [0, 12, 24, 36, 72].iter().map(|h| h * NS_PER_HOUR).collect();
    /// let da = DataArray::new("x", Variable::from_vec("time", vec![1.0_f64, 3.0, 5.0, f64::NAN, 9.0]))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// let daily = da.resample("time", "1D")?.mean()?;
    /// assert_eq!(daily.index("time")?.label_string(0), "1970-01-01T00:00:00");
    /// let v = daily.to_vec_f64()?;
    /// assert_eq!((v[0], v[1], v[3]), (2.0, 5.0, 9.0));
    /// assert!(v[2].is_nan()); // an empty bin
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn mean(&self) -> Result<DataArray> {
        self.reduce(ReduceOp::Mean, None)
    }

    /// Sum of every bin (NaN skipped for floats, so a bin of NaN only sums to 0; a bin
    /// without any time step is NaN, as in xarray).
    ///
    /// ```
    /// use cumulus_labeled::time::NS_PER_HOUR;
    /// use cumulus_labeled::{DataArray, Variable};
    /// let t: Vec<i64> = [0, 12, 24, 36].iter().map(|h| h * NS_PER_HOUR).collect();
    /// let da = DataArray::new("tp", Variable::from_vec("time", vec![1.0_f64, 3.0, 5.0, f64::NAN]))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// assert_eq!(da.resample("time", "1D")?.sum()?.to_vec_f64()?, vec![4.0, 5.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn sum(&self) -> Result<DataArray> {
        self.reduce(ReduceOp::Sum, None)
    }

    /// Minimum of every bin.
    ///
    /// ```
    /// use cumulus_labeled::time::NS_PER_HOUR;
    /// use cumulus_labeled::{DataArray, Variable};
    /// let t: Vec<i64> = [0, 12, 24, 36].iter().map(|h| h * NS_PER_HOUR).collect();
    /// let da = DataArray::new("t2m", Variable::from_vec("time", vec![290.0_f64, 285.0, 288.0, 291.0]))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// assert_eq!(da.resample("time", "1D")?.min()?.to_vec_f64()?, vec![285.0, 288.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn min(&self) -> Result<DataArray> {
        self.reduce(ReduceOp::Min, None)
    }

    /// Maximum of every bin.
    ///
    /// ```
    /// use cumulus_labeled::time::NS_PER_HOUR;
    /// use cumulus_labeled::{DataArray, Variable};
    /// let t: Vec<i64> = [0, 12, 24, 36].iter().map(|h| h * NS_PER_HOUR).collect();
    /// let da = DataArray::new("t2m", Variable::from_vec("time", vec![290.0_f64, 285.0, 288.0, 291.0]))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// assert_eq!(da.resample("time", "1D")?.max()?.to_vec_f64()?, vec![290.0, 291.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn max(&self) -> Result<DataArray> {
        self.reduce(ReduceOp::Max, None)
    }

    /// Number of values that are not NaN in every bin: 0 for a bin of NaN only, NaN (and a
    /// float64 result) for a bin without any time step, as in xarray.
    ///
    /// ```
    /// use cumulus_labeled::time::NS_PER_HOUR;
    /// use cumulus_labeled::{DataArray, Variable};
    /// let t: Vec<i64> = [0, 12, 24, 72].iter().map(|h| h * NS_PER_HOUR).collect();
    /// let da = DataArray::new("x", Variable::from_vec("time", vec![1.0_f64, 2.0, f64::NAN, 7.0]))
    ///     .with_coord("time", Variable::from_times("time", t))?;
    /// let n = da.resample("time", "1D")?.count()?.to_vec_f64()?;
    /// assert_eq!((n[0], n[1], n[3]), (2.0, 0.0, 1.0));
    /// assert!(n[2].is_nan()); // the third day has no time step
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn count(&self) -> Result<DataArray> {
        self.reduce(ReduceOp::Count, Some(true))
    }

    /// The same bins for another array with the same time coordinate (a Dataset's variable).
    pub(crate) fn with_obj(&self, obj: DataArray) -> Resample {
        Resample { obj, dim: self.dim.clone(), starts: self.starts.clone(), labels: self.labels.clone() }
    }

    /// The resampled dimension.
    pub(crate) fn dim(&self) -> &str {
        &self.dim
    }

    /// For a Dataset resample: the result of a reduction for a variable that lacks the
    /// resampled dimension (see [`reduce_absent`]).
    pub(crate) fn reduce_other(&self, other: &DataArray, op: ReduceOp, skipna: Option<bool>) -> Result<DataArray> {
        let cvar = Variable::from_times(&self.dim, self.starts.clone());
        let cidx = cvar.to_index(&self.dim)?;
        self.mask_empty(reduce_absent(other, op, skipna, &self.dim, cvar, cidx)?)
    }
}

/// For a Dataset groupby or resample: the result of a reduction for a variable that lacks the
/// grouped dimension, as xarray gives it: repeated for every group along a leading dimension
/// `group` (with coordinate `cvar` and its index), unchanged for sum, mean, min and max,
/// reduced over no values otherwise (count: 1 where not NaN; std and var: 0).
fn reduce_absent(
    other: &DataArray,
    op: ReduceOp,
    skipna: Option<bool>,
    group: &str,
    cvar: Variable,
    cidx: Index,
) -> Result<DataArray> {
    let other =
        DataArray { name: other.name.clone(), var: other.var.clone(), coords: other.coords.restrict(other.dims()) };
    let r = if matches!(op, ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Min | ReduceOp::Max) {
        other.clone()
    } else {
        const ONE: &str = "__cumulus_one__";
        other.expand_dims(ONE)?.reduce(op, ONE, skipna)?
    };
    let n = cvar.shape()[0];
    let mut coords = Coords::new();
    coords.insert_with_index(group, cvar, Some(cidx));
    let zeros = ChunkedArray::full(&[n], &[n.max(1)], 0.0, r.dtype())?;
    let zeros =
        DataArray { name: None, var: Variable::from_parts(vec![group.to_string()], zeros, Attrs::new())?, coords };
    let mut out = zeros.binary(BinaryOp::Add, &r)?;
    out.name = other.name.clone();
    Ok(out)
}

impl fmt::Display for DataArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dims: Vec<String> = self.dims().iter().zip(self.shape()).map(|(d, n)| format!("{d}: {n}")).collect();
        writeln!(
            f,
            "<cumulus.DataArray '{}' ({})> Size: {}",
            self.name.as_deref().unwrap_or(""),
            dims.join(", "),
            human_bytes(self.data().nbytes())
        )?;
        writeln!(f, "{} chunked {}", self.dtype(), self.data().chunks())?;
        crate::repr::write_coords(f, &self.coords)?;
        crate::repr::write_attrs(f, self.attrs())
    }
}

/// How the quantiles of [`DataArray::quantile_impl`] are labelled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quantiles {
    /// No `quantile` coordinate (median).
    Bare,
    /// A scalar `quantile` coordinate (one q).
    Scalar,
    /// A leading `quantile` dimension (several q).
    Dim,
}
