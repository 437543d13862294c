//! Dataset-level `groupby`, `resample` and `weighted`: [`DatasetGroupBy`] (xarray's
//! `ds.groupby("time.month")`), [`DatasetResample`] (`ds.resample(time="1D")`) and
//! [`DatasetWeighted`] (`ds.weighted(weights)`), built on the DataArray forms ([`GroupBy`],
//! [`Resample`], [`DataArray::weighted_mean`]) variable by variable.

use cumulus_chunked::{BinaryOp, ReduceOp};

use crate::dataarray::{DataArray, Dims, GroupBy, Resample};
use crate::dataset::Dataset;
use crate::error::{LabeledError, Result};

impl Dataset {
    /// Group every data variable along one dimension, as [`DataArray::groupby`] does: `key`
    /// is a datetime component of a dimension coordinate (`"time.month"`, `"time.season"`,
    /// `"time.hour"`, …) or the name of an integer dimension coordinate
    /// (xarray's `ds.groupby("time.month")`).
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    ///
    /// // The 1st and 15th of January and February 2019.
    /// let t: Vec<i64> = [(1, 1), (1, 15), (2, 1), (2, 15)]
    ///     .iter()
    ///     .map(|&(m, d)| days_from_civil(2019, m, d) * NS_PER_DAY)
    ///     .collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("t2m", Variable::from_vec("time", vec![1.0_f64, 3.0, 10.0, f64::NAN]))?;
    /// let clim = ds.groupby("time.month")?.mean()?;
    /// assert_eq!(clim.get("t2m")?.dims(), &["month"]);
    /// assert_eq!(clim.get("t2m")?.to_vec_f64()?, vec![2.0, 10.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// [`LabeledError::NoDim`] when the dataset has no such dimension;
    /// [`LabeledError::BadSelector`] when the dimension has no coordinate, or the component is
    /// unknown or needs a datetime coordinate.
    pub fn groupby(&self, key: &str) -> Result<DatasetGroupBy> {
        let dim = key.split_once('.').map_or(key, |(d, _)| d);
        let template = self.dim_coord_array(dim, &format!("groupby({key:?})"))?.groupby(key)?;
        Ok(DatasetGroupBy { obj: self.clone(), key: key.to_string(), template })
    }

    /// Weight every data variable for a weighted [`DatasetWeighted::mean`] or
    /// [`DatasetWeighted::sum`] (xarray's `ds.weighted(weights)`); the weights broadcast by
    /// dimension name and must not contain NaN.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Dataset, Variable};
    ///
    /// let ds = Dataset::new()
    ///     .with_coord("lat", Variable::from_vec("lat", vec![0.0_f64, 60.0]))?
    ///     .with_var("t", Variable::from_vec("lat", vec![300.0_f64, 270.0]))?;
    /// let w = DataArray::new("w", Variable::from_vec("lat", vec![1.0_f64, 0.5]));
    /// // (1 × 300 + 0.5 × 270) / 1.5
    /// assert_eq!(ds.weighted(&w).mean("lat")?.get("t")?.item()?, 290.0);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    pub fn weighted(&self, weights: &DataArray) -> DatasetWeighted {
        DatasetWeighted { obj: self.clone(), weights: weights.clone() }
    }

    /// Bin every data variable along a time dimension, as [`DataArray::resample`] does
    /// (xarray's `ds.resample(time="1D")`): a fixed frequency (`"1h"`, `"3h"`, `"1D"`) or
    /// calendar bins (`"1MS"`, `"QS-DEC"`, `"YS"`), labelled by their start; then
    /// [`DatasetResample::mean`], `sum`, `min`, `max` or `count`.
    ///
    /// ```
    /// use cumulus_labeled::time::NS_PER_HOUR;
    /// use cumulus_labeled::{Dataset, Variable};
    /// // Every 12 hours from 1970-01-01 00:00.
    /// let t: Vec<i64> = [0, 12, 24, 36].iter().map(|h| h * NS_PER_HOUR).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("t2m", Variable::from_vec("time", vec![290.0_f64, 292.0, 287.0, 289.0]))?
    ///     .with_var("tp", Variable::from_vec("time", vec![0.5_f64, 1.5, 0.0, 4.0]))?;
    /// let daily = ds.resample("time", "1D")?;
    /// assert_eq!(daily.mean()?.get("t2m")?.to_vec_f64()?, vec![291.0, 288.0]);
    /// assert_eq!(daily.sum()?.get("tp")?.to_vec_f64()?, vec![2.0, 4.0]);
    /// assert_eq!(daily.mean()?.get("time")?.to_vec_f64()?, vec![0.0, 24.0 * NS_PER_HOUR as f64]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// [`LabeledError::NoDim`] when the dataset has no such dimension;
    /// [`LabeledError::BadSelector`] when the dimension has no time coordinate or the
    /// frequency is not understood.
    pub fn resample(&self, dim: &str, freq: &str) -> Result<DatasetResample> {
        let template = self.dim_coord_array(dim, &format!("resample({freq:?})"))?.resample(dim, freq)?;
        Ok(DatasetResample { obj: self.clone(), template })
    }

    /// The coordinate of dimension `dim` as a DataArray (with the dataset's coordinates), the
    /// template a Dataset groupby or resample is planned on; `what` names the operation in the
    /// error when `dim` has no coordinate.
    fn dim_coord_array(&self, dim: &str, what: &str) -> Result<DataArray> {
        let Some(coord) = self.coords().get(dim) else {
            let sizes = self.sizes();
            if sizes.iter().any(|(d, _)| d == dim) {
                return Err(LabeledError::BadSelector {
                    dim: dim.to_string(),
                    selector: what.to_string(),
                    reason: "this dimension has no coordinate to group by".into(),
                });
            }
            return Err(LabeledError::NoDim {
                dim: dim.to_string(),
                available: sizes.into_iter().map(|(d, _)| d).collect(),
            });
        };
        Ok(DataArray::from_parts(Some(dim.to_string()), coord.clone(), self.coords().clone()))
    }
}

/// A [`Dataset`] binned along time ([`Dataset::resample`]).
///
/// Every data variable with the resampled dimension is reduced per bin (the dimension keeps
/// its name and gets the bin starts as labels); as in xarray, a variable without it is
/// repeated for every bin along a leading time dimension (unchanged by `sum`, `mean`, `min`
/// and `max`; 1 where not NaN for `count`), and bins without any time step are NaN in every
/// variable. Coordinates along the dimension other than its own are dropped; the dataset's
/// attributes are kept.
#[derive(Debug, Clone)]
pub struct DatasetResample {
    obj: Dataset,
    /// The bins of the dimension coordinate.
    template: Resample,
}

impl DatasetResample {
    /// Reduce every bin of every data variable with `op`; `skipna`: `None` means xarray's
    /// default (skip NaN for floats).
    ///
    /// ```
    /// use cumulus_chunked::ReduceOp;
    /// use cumulus_labeled::time::NS_PER_HOUR;
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [0, 12, 24].iter().map(|h| h * NS_PER_HOUR).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![1.0_f64, f64::NAN, 5.0]))?;
    /// let r = ds.resample("time", "1D")?;
    /// assert_eq!(r.reduce(ReduceOp::Max, None)?.get("x")?.to_vec_f64()?, vec![1.0, 5.0]);
    /// assert!(r.reduce(ReduceOp::Max, Some(false))?.get("x")?.to_vec_f64()?[0].is_nan());
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn reduce(&self, op: ReduceOp, skipna: Option<bool>) -> Result<Dataset> {
        let dim = self.template.dim();
        self.obj.map(|da| {
            if da.dims().iter().any(|d| d == dim) {
                self.template.with_obj(da.clone()).reduce(op, skipna)
            } else {
                self.template.reduce_other(da, op, skipna)
            }
        })
    }

    /// Mean of every bin (NaN for bins without data): `ds.resample(time="1D").mean()`.
    ///
    /// # Errors
    /// Engine errors.
    pub fn mean(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Mean, None)
    }

    /// Sum of every bin (NaN skipped for floats; NaN for bins without any time step).
    ///
    /// # Errors
    /// Engine errors.
    pub fn sum(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Sum, None)
    }

    /// Minimum of every bin.
    ///
    /// # Errors
    /// Engine errors.
    pub fn min(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Min, None)
    }

    /// Maximum of every bin.
    ///
    /// # Errors
    /// Engine errors.
    pub fn max(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Max, None)
    }

    /// Number of values that are not NaN in every bin (NaN for bins without any time step).
    ///
    /// # Errors
    /// Engine errors.
    pub fn count(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Count, Some(true))
    }
}

/// A [`Dataset`] grouped along one dimension ([`Dataset::groupby`]).
///
/// Reductions follow xarray: every data variable with the grouped dimension is reduced per
/// group (the dimension replaced by the group dimension, `month`, `season`, …, with its
/// coordinate, groups sorted as in [`GroupBy`]); a variable without it is repeated for every
/// group along a leading group dimension — unchanged by `sum`, `mean`, `min` and `max`,
/// 1 where not NaN for `count`, 0 (NaN for NaN) for `std`. Coordinates along the grouped
/// dimension other than its own are dropped; the dataset's attributes are kept.
#[derive(Debug, Clone)]
pub struct DatasetGroupBy {
    obj: Dataset,
    key: String,
    /// The grouping of the dimension coordinate: groups, labels, the group coordinate.
    template: GroupBy,
}

impl DatasetGroupBy {
    /// The group labels as text, in the result's order (see [`GroupBy::group_labels`]).
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = (1..=12).map(|m| days_from_civil(2019, m, 1) * NS_PER_DAY).collect();
    /// let ds = Dataset::new().with_coord("time", Variable::from_times("time", t))?;
    /// assert_eq!(ds.groupby("time.season")?.group_labels(), ["DJF", "JJA", "MAM", "SON"]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    pub fn group_labels(&self) -> Vec<String> {
        self.template.group_labels()
    }

    /// Reduce every group of every data variable with `op`; `skipna`: `None` means xarray's
    /// default (skip NaN for floats).
    ///
    /// ```
    /// use cumulus_chunked::ReduceOp;
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 1, 2].iter().map(|&m| days_from_civil(2019, m, 1 + m) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![1.0_f64, f64::NAN, 5.0]))?;
    /// let g = ds.groupby("time.month")?;
    /// assert_eq!(g.reduce(ReduceOp::Max, None)?.get("x")?.to_vec_f64()?, vec![1.0, 5.0]);
    /// assert!(g.reduce(ReduceOp::Max, Some(false))?.get("x")?.to_vec_f64()?[0].is_nan());
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn reduce(&self, op: ReduceOp, skipna: Option<bool>) -> Result<Dataset> {
        let dim = self.template.dim();
        self.obj.map(|da| {
            if da.dims().iter().any(|d| d == dim) {
                da.groupby(&self.key)?.reduce(op, skipna)
            } else {
                self.template.reduce_other(da, op, skipna)
            }
        })
    }

    /// Mean of every group (NaN skipped for floats): the climatology of
    /// `ds.groupby("time.month").mean()`.
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 2, 13].iter().map(|&d| days_from_civil(2019, 1, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![1.0_f64, 2.0, 6.0]))?;
    /// assert_eq!(ds.groupby("time.month")?.mean()?.get("x")?.to_vec_f64()?, vec![3.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn mean(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Mean, None)
    }

    /// Sum of every group (NaN skipped for floats).
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 2, 13].iter().map(|&d| days_from_civil(2019, 1, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![1.0_f64, f64::NAN, 6.0]))?;
    /// assert_eq!(ds.groupby("time.month")?.sum()?.get("x")?.to_vec_f64()?, vec![7.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn sum(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Sum, None)
    }

    /// Minimum of every group.
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 2, 13].iter().map(|&d| days_from_civil(2019, 1, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![4.0_f64, 2.0, 6.0]))?;
    /// assert_eq!(ds.groupby("time.month")?.min()?.get("x")?.to_vec_f64()?, vec![2.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn min(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Min, None)
    }

    /// Maximum of every group.
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 2, 13].iter().map(|&d| days_from_civil(2019, 1, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![4.0_f64, 2.0, 6.0]))?;
    /// assert_eq!(ds.groupby("time.month")?.max()?.get("x")?.to_vec_f64()?, vec![6.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn max(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Max, None)
    }

    /// Standard deviation of every group (ddof 0, as xarray).
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 2].iter().map(|&d| days_from_civil(2019, 1, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![1.0_f64, 3.0]))?;
    /// assert_eq!(ds.groupby("time.month")?.std()?.get("x")?.to_vec_f64()?, vec![1.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn std(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Std(0), None)
    }

    /// Number of values that are not NaN in every group.
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 2, 13].iter().map(|&d| days_from_civil(2019, 1, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![4.0_f64, f64::NAN, 6.0]))?;
    /// assert_eq!(ds.groupby("time.month")?.count()?.get("x")?.to_vec_f64()?, vec![2.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// Engine errors.
    pub fn count(&self) -> Result<Dataset> {
        self.reduce(ReduceOp::Count, Some(true))
    }

    /// `grouped op per_group` for every data variable (`ds.groupby("time.month") - clim`):
    /// each variable combined with the value of its group in the same-named variable of
    /// `per_group`, which must have the group dimension. As in xarray, only the variables
    /// present in both datasets are in the result; a variable without the grouped dimension
    /// gets it, in front. As in xarray (and [`GroupBy::binary`]), the group keys become a
    /// non-index coordinate along the grouped dimension: `month` (int64, along `time`) for
    /// `"time.month"`; none for groups by name (`"time.season"`).
    ///
    /// ```
    /// use cumulus_chunked::BinaryOp;
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [(1, 1), (1, 2), (2, 1)].iter().map(|&(m, d)| days_from_civil(2019, m, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![1.0_f64, 3.0, 7.0]))?;
    /// let g = ds.groupby("time.month")?;
    /// let anomaly = g.binary(BinaryOp::Sub, &g.mean()?)?;
    /// assert_eq!(anomaly.get("x")?.to_vec_f64()?, vec![-1.0, 1.0, 0.0]);
    /// assert_eq!(anomaly.coords().names(), ["time", "month"]);
    /// assert_eq!(anomaly.get("month")?.to_vec_f64()?, vec![1.0, 1.0, 2.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// When a shared variable of `per_group` lacks the group dimension or one of the groups.
    pub fn binary(&self, op: BinaryOp, per_group: &Dataset) -> Result<Dataset> {
        let dim = self.template.dim();
        let shared: Vec<&str> =
            self.obj.data_vars().into_iter().filter(|n| per_group.data_vars().contains(n)).collect();
        let results = shared
            .into_iter()
            .map(|n| {
                let da = self.obj.get(n)?;
                let other = per_group.get(n)?;
                let r = if da.dims().iter().any(|d| d == dim) {
                    da.groupby(&self.key)?.binary(op, &other)?
                } else {
                    self.template.binary_other(&da, op, &other)?
                };
                Ok((n.to_string(), r))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Dataset::from_arrays(results, self.obj.attrs().clone()))
    }

    /// `grouped - per_group`: the anomaly from a climatology (see [`DatasetGroupBy::binary`]).
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// let t: Vec<i64> = [1, 2].iter().map(|&d| days_from_civil(2019, 1, d) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", vec![1.0_f64, 3.0]))?;
    /// let g = ds.groupby("time.month")?;
    /// assert_eq!(g.sub(&g.mean()?)?.get("x")?.to_vec_f64()?, vec![-1.0, 1.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// As [`DatasetGroupBy::binary`].
    pub fn sub(&self, per_group: &Dataset) -> Result<Dataset> {
        self.binary(BinaryOp::Sub, per_group)
    }
}

/// A [`Dataset`] with weights ([`Dataset::weighted`]).
///
/// As in xarray, every data variable is reduced over `dims`, with the weights broadcast
/// against it: a variable lacking a dimension the weights have is broadcast along it (so a
/// weighted mean leaves it unchanged, a weighted sum multiplies it by the sum of the
/// weights); a dimension that neither the variable nor the weights have is an error.
#[derive(Debug, Clone)]
pub struct DatasetWeighted {
    obj: Dataset,
    weights: DataArray,
}

impl DatasetWeighted {
    /// The weighted mean of every data variable over `dims` ([`DataArray::weighted_mean`]:
    /// NaN values and their weights left out).
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Dataset, Variable};
    /// let ds = Dataset::new()
    ///     .with_var("a", Variable::from_vec("lat", vec![1.0_f64, 4.0, f64::NAN]))?
    ///     .with_var("b", Variable::from_vec("lat", vec![2.0_f64, 2.0, 2.0]))?;
    /// let w = DataArray::new("w", Variable::from_vec("lat", vec![2.0_f64, 1.0, 5.0]));
    /// let m = ds.weighted(&w).mean("lat")?;
    /// assert_eq!(m.get("a")?.item()?, 2.0); // (2 × 1 + 1 × 4) / 3
    /// assert_eq!(m.get("b")?.item()?, 2.0);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// A dimension that neither a variable nor the weights have; weights that do not align.
    pub fn mean(&self, dims: impl Into<Dims>) -> Result<Dataset> {
        let dims = dims.into();
        self.obj.map(|da| da.weighted_mean(&self.weights, dims.clone()))
    }

    /// The weighted sum of every data variable over `dims` ([`DataArray::weighted_sum`]:
    /// NaN values count as 0).
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Dataset, Variable};
    /// let ds = Dataset::new().with_var("a", Variable::from_vec("lat", vec![1.0_f64, 4.0, f64::NAN]))?;
    /// let w = DataArray::new("w", Variable::from_vec("lat", vec![2.0_f64, 1.0, 5.0]));
    /// assert_eq!(ds.weighted(&w).sum("lat")?.get("a")?.item()?, 6.0);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// A dimension that neither a variable nor the weights have; weights that do not align.
    pub fn sum(&self, dims: impl Into<Dims>) -> Result<Dataset> {
        let dims = dims.into();
        self.obj.map(|da| da.weighted_sum(&self.weights, dims.clone()))
    }
}

#[cfg(test)]
mod tests {
    use cumulus_chunked::{BinaryOp, ChunkedArray};
    use ndarray::{ArrayD, IxDyn};

    use crate::time::{NS_PER_DAY, days_from_civil};
    use crate::{DataArray, Dataset, LabeledError, Variable};

    /// Four days (two in January, two in February) × two latitudes; `a` has a NaN, `b` is
    /// along time only, `c` along lat only, `tt` a non-index coordinate along time.
    fn ds() -> Dataset {
        let t: Vec<i64> =
            [(1, 1), (1, 2), (2, 1), (2, 2)].iter().map(|&(m, d)| days_from_civil(2019, m, d) * NS_PER_DAY).collect();
        let a = ArrayD::from_shape_vec(IxDyn(&[4, 2]), vec![1.0, 10.0, 3.0, f64::NAN, 5.0, 30.0, 7.0, 50.0]).unwrap();
        let mut attrs = crate::Attrs::new();
        attrs.insert("title".into(), "test".into());
        Dataset::new()
            .with_coord("time", Variable::from_times("time", t))
            .unwrap()
            .with_coord("lat", Variable::from_vec("lat", vec![0.0_f64, 60.0]))
            .unwrap()
            .with_coord("tt", Variable::from_vec("time", vec![0.0_f64, 1.0, 2.0, 3.0]))
            .unwrap()
            .with_var("a", Variable::new(&["time", "lat"], ChunkedArray::from_array(a, &[2, 2]).unwrap()).unwrap())
            .unwrap()
            .with_var("b", Variable::from_vec("time", vec![2.0_f64, 4.0, 6.0, 8.0]))
            .unwrap()
            .with_var("c", Variable::from_vec("lat", vec![f64::NAN, 9.0]))
            .unwrap()
            .with_attrs(attrs)
    }

    #[test]
    fn mean_by_month_hand_computed() {
        let m = ds().groupby("time.month").unwrap().mean().unwrap();
        assert_eq!(m.data_vars(), ["a", "b", "c"]);
        let a = m.get("a").unwrap();
        assert_eq!(a.dims(), ["month", "lat"]);
        // January: lat 0 → (1 + 3) / 2, lat 60 → 10 (NaN skipped); February: 6, 40.
        assert_eq!(a.to_vec_f64().unwrap(), vec![2.0, 10.0, 6.0, 40.0]);
        assert_eq!(m.get("b").unwrap().to_vec_f64().unwrap(), vec![3.0, 7.0]);
        // A variable without the grouped dimension is repeated for every group, unchanged.
        let c = m.get("c").unwrap();
        assert_eq!(c.dims(), ["month", "lat"]);
        let c = c.to_vec_f64().unwrap();
        assert!(c[0].is_nan() && c[2].is_nan() && c[1] == 9.0 && c[3] == 9.0);
        // Coordinates: the group coordinate and lat; tt (along time) is gone; attrs kept.
        assert_eq!(m.coords().index("month").unwrap().label_string(1), "2");
        assert!(m.coords().get("lat").is_some() && m.coords().get("tt").is_none() && m.coords().get("time").is_none());
        assert_eq!(m.attrs()["title"], "test");
    }

    #[test]
    fn count_and_std_of_a_variable_without_the_dimension() {
        let g = ds().groupby("time.month").unwrap();
        assert_eq!(g.count().unwrap().get("a").unwrap().to_vec_f64().unwrap(), vec![2.0, 1.0, 2.0, 2.0]);
        assert_eq!(g.count().unwrap().get("c").unwrap().to_vec_f64().unwrap(), vec![0.0, 1.0, 0.0, 1.0]);
        let s = g.std().unwrap().get("c").unwrap().to_vec_f64().unwrap();
        assert!(s[0].is_nan() && s[1] == 0.0);
        assert_eq!(g.sum().unwrap().get("b").unwrap().to_vec_f64().unwrap(), vec![6.0, 14.0]);
        assert_eq!(g.min().unwrap().get("a").unwrap().to_vec_f64().unwrap(), vec![1.0, 10.0, 5.0, 30.0]);
        assert_eq!(g.max().unwrap().get("a").unwrap().to_vec_f64().unwrap(), vec![3.0, 10.0, 7.0, 50.0]);
    }

    #[test]
    fn anomaly_from_the_climatology() {
        let g = ds().groupby("time.month").unwrap();
        let an = g.sub(&g.mean().unwrap()).unwrap();
        assert_eq!(an.get("b").unwrap().to_vec_f64().unwrap(), vec![-1.0, 1.0, -1.0, 1.0]);
        let a = an.get("a").unwrap().to_vec_f64().unwrap();
        // January climatology [2, 10], February [6, 40].
        assert_eq!(a[..3], [-1.0, 0.0, 1.0]);
        assert!(a[3].is_nan());
        assert_eq!(a[4..], [-1.0, -10.0, 1.0, 10.0]);
        // c (lat only) minus its repeated climatology: time in front, 0 or NaN.
        let c = an.get("c").unwrap();
        assert_eq!(c.dims(), ["time", "lat"]);
        assert_eq!(c.to_vec_f64().unwrap().iter().filter(|v| **v == 0.0).count(), 4);
        assert_eq!(an.coords().index("time").unwrap().len(), 4);
        // xarray's non-index `month` coordinate: int64 along time, right after time, for the
        // variables with time and for c, which got time from the grouping.
        let month = an.coords().get("month").unwrap();
        assert_eq!((month.dims(), month.dtype()), (&["time".to_string()][..], cumulus_chunked::DType::I64));
        assert!(an.coords().index("month").is_none());
        assert_eq!(an.coords().names()[..2], ["time", "month"]);
        assert_eq!(an.get("month").unwrap().to_vec_f64().unwrap(), vec![1.0, 1.0, 2.0, 2.0]);
        assert_eq!(c.coord("month").unwrap().to_vec_f64().unwrap(), vec![1.0, 1.0, 2.0, 2.0]);
        // Groups by name get no such coordinate (it would hold strings).
        let s = ds().groupby("time.season").unwrap();
        let by_season = s.sub(&s.mean().unwrap()).unwrap();
        assert!(by_season.coords().get("season").is_none() && by_season.coords().get("month").is_none());
    }

    #[test]
    fn variables_missing_from_the_climatology_are_left_out_as_in_xarray() {
        let g = ds().groupby("time.month").unwrap();
        let clim = g.mean().unwrap().select_vars(&["b"]).unwrap();
        let an = g.binary(BinaryOp::Sub, &clim).unwrap();
        assert_eq!(an.data_vars(), ["b"]);
        assert!(matches!(an.get("a"), Err(LabeledError::NoVariable { name, .. }) if name == "a"));
    }

    #[test]
    fn climatology_without_the_group_dimension_is_an_error() {
        let g = ds().groupby("time.month").unwrap();
        let not_grouped = ds().mean("time").unwrap();
        assert!(g.sub(&not_grouped).is_err());
        let seasons = ds().groupby("time.season").unwrap().mean().unwrap();
        assert!(g.sub(&seasons).is_err());
    }

    #[test]
    fn bad_keys_are_typed_errors() {
        let ds = ds();
        assert!(matches!(ds.groupby("level.month"), Err(LabeledError::NoDim { dim, .. }) if dim == "level"));
        assert!(matches!(ds.groupby("time.fortnight"), Err(LabeledError::BadSelector { .. })));
        assert!(matches!(ds.groupby("lat.month"), Err(LabeledError::BadSelector { .. })));
        let no_coord = Dataset::new().with_var("v", Variable::from_vec("x", vec![1.0_f64, 2.0])).unwrap();
        assert!(matches!(no_coord.groupby("x"), Err(LabeledError::BadSelector { dim, .. }) if dim == "x"));
    }

    #[test]
    fn weighted_mean_and_sum() {
        let ds = ds();
        let w = DataArray::new("w", Variable::from_vec("lat", vec![3.0_f64, 1.0]))
            .with_coord("lat", Variable::from_vec("lat", vec![0.0_f64, 60.0]))
            .unwrap();
        let m = ds.weighted(&w).mean("lat").unwrap();
        // Row 1: 3 × 3 alone (the NaN and its weight left out) → 3.
        assert_eq!(m.get("a").unwrap().to_vec_f64().unwrap(), vec![3.25, 3.0, 11.25, 17.75]);
        // b lacks lat: broadcast, so the mean leaves it unchanged and the sum scales it by 4.
        assert_eq!(m.get("b").unwrap().to_vec_f64().unwrap(), vec![2.0, 4.0, 6.0, 8.0]);
        assert_eq!(m.get("c").unwrap().item().unwrap(), 9.0);
        let s = ds.weighted(&w).sum("lat").unwrap();
        assert_eq!(s.get("b").unwrap().to_vec_f64().unwrap(), vec![8.0, 16.0, 24.0, 32.0]);
        // Over both dims, c has no time and the weights neither: an error, as in xarray.
        assert!(ds.weighted(&w).mean(["time", "lat"]).is_err());
        let ab = ds.select_vars(&["a"]).unwrap().weighted(&w).mean(["time", "lat"]).unwrap();
        // (3 × (1 + 3 + 5 + 7) + 1 × (10 + 30 + 50)) / (3 × 4 + 1 × 3)
        assert!((ab.get("a").unwrap().item().unwrap() - 138.0 / 15.0).abs() < 1e-12);
    }

    #[test]
    fn group_by_an_integer_coordinate_keeps_variable_attributes() {
        let x = ArrayD::from_shape_vec(IxDyn(&[3, 2]), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        let mut attrs = crate::Attrs::new();
        attrs.insert("units".into(), "K".into());
        let var = Variable::new(&["m", "x"], ChunkedArray::from_array(x, &[3, 2]).unwrap()).unwrap().with_attrs(attrs);
        let ds = Dataset::new()
            .with_coord("m", Variable::from_vec("m", vec![2_i64, 1, 2]))
            .unwrap()
            .with_var("a", var)
            .unwrap();
        let s = ds.groupby("m").unwrap().sum().unwrap();
        let a = s.get("a").unwrap();
        assert_eq!(a.dims(), ["m", "x"]);
        // Group 1: row 1; group 2: rows 0 + 2 (as xarray: [[2, 3], [4, 6]]).
        assert_eq!(a.to_vec_f64().unwrap(), vec![2.0, 3.0, 4.0, 6.0]);
        assert_eq!(a.attrs()["units"], "K");
        let g = ds.groupby("m").unwrap();
        let an = g.sub(&g.mean().unwrap()).unwrap();
        assert_eq!(an.get("a").unwrap().attrs()["units"], "K");
        // Grouped by the dimension coordinate itself: no extra coordinate, m keeps its labels.
        assert_eq!(an.coords().names(), ["m"]);
        assert_eq!(an.get("m").unwrap().to_vec_f64().unwrap(), vec![2.0, 1.0, 2.0]);
    }
}
