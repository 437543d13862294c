//! Map-style datasets of `(X, y)` batches, as the workshop builds them from xbatcher batches:
//! the features stacked along a last, channel axis, a float label, and normalisation with
//! statistics of the training set.

use std::sync::Arc;

use cumulus_chunked::{Axes, BinaryOp, ChunkedArray, DType};
use cumulus_labeled::{DataArray, Dataset};
use ndarray::{Array3, Array4, Axis};

use crate::error::{BatchError, Result};
use crate::generator::BatchGenerator;

/// One batch for a model: `x` is `(n, h, w, channels)`, channels last as xbatcher and NumPy
/// give them (`np.stack([...], axis=-1)`), `y` is `(n, h, w)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Features, `(n, h, w, channels)`.
    pub x: Array4<f32>,
    /// Labels, `(n, h, w)`.
    pub y: Array3<f32>,
}

impl Batch {
    /// The number of samples.
    pub fn len(&self) -> usize {
        self.x.shape()[0]
    }

    /// True when there is no sample.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Something indexable that yields items (PyTorch's map-style `Dataset`).
pub trait MapDataset: Send + Sync {
    /// What one index yields.
    type Item: Send + 'static;
    /// The number of items.
    fn len(&self) -> usize;
    /// True when there is no item.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Item `index` (`0 <= index < len`).
    ///
    /// # Errors
    /// An index out of range, or whatever reading the item fails with.
    fn get(&self, index: usize) -> Result<Self::Item>;
}

/// How several items become one (PyTorch's `collate_fn`).
pub trait Collate: Sized {
    /// Join `items` into one, in order.
    ///
    /// # Errors
    /// When the items do not fit together.
    fn collate(items: Vec<Self>) -> Result<Self>;
}

impl<T> Collate for Vec<T> {
    /// Concatenate the vectors.
    fn collate(items: Vec<Vec<T>>) -> Result<Vec<T>> {
        Ok(items.into_iter().flatten().collect())
    }
}

impl Collate for Batch {
    /// Concatenate along the sample axis.
    fn collate(items: Vec<Batch>) -> Result<Batch> {
        let bad = |reason: String| BatchError::BadShape { name: "x".into(), reason };
        let xs: Vec<_> = items.iter().map(|b| b.x.view()).collect();
        let ys: Vec<_> = items.iter().map(|b| b.y.view()).collect();
        let x = ndarray::concatenate(Axis(0), &xs).map_err(|e| bad(format!("cannot collate: {e}")))?;
        let y = ndarray::concatenate(Axis(0), &ys).map_err(|e| bad(format!("cannot collate: {e}")))?;
        Ok(Batch { x, y })
    }
}

/// Per-feature mean and standard deviation (population, `ddof=0` as NumPy's default), to
/// turn features into z-scores: `(x - mean) / std`.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalizer {
    /// Feature names, in channel order.
    pub features: Vec<String>,
    /// Mean of each feature.
    pub mean: Vec<f64>,
    /// Standard deviation of each feature.
    pub std: Vec<f64>,
}

impl Normalizer {
    /// Compute the statistics over every element of each feature of `train` (pass the
    /// training part only, e.g. `ds.isel([("time", 0..n_train)])`), chunk by chunk in one pass
    /// of the engine; nothing is held whole in memory.
    ///
    /// ```
    /// use cumulus_batches::dataset::Normalizer;
    /// use cumulus_chunked::ChunkedArray;
    /// use cumulus_labeled::{Dataset, Variable};
    /// use ndarray::{ArrayD, IxDyn};
    ///
    /// let a = ArrayD::from_shape_vec(IxDyn(&[4]), vec![1.0f32, 2.0, 3.0, 4.0]).unwrap();
    /// let ds = Dataset::new()
    ///     .with_var("cape", Variable::new(&["time"], ChunkedArray::from_array(a, &[2]).unwrap()).unwrap())
    ///     .unwrap();
    /// let n = Normalizer::fit(&ds, &["cape"]).unwrap();
    /// assert_eq!(n.mean, vec![2.5]);
    /// assert!((n.std[0] - 1.25f64.sqrt()).abs() < 1e-12);
    /// ```
    ///
    /// # Errors
    /// An unknown feature, a failing chunk.
    pub fn fit(train: &Dataset, features: &[&str]) -> Result<Normalizer> {
        let mut arrays = Vec::new();
        for f in features {
            let da = feature(train, f)?;
            let x = da.data().astype(DType::F64);
            arrays.push(x.mean(Axes::All)?);
            arrays.push(x.std(Axes::All, 0)?);
        }
        let blocks = ChunkedArray::compute_many(&arrays)?;
        let vals: Vec<f64> =
            blocks.iter().map(|b| cumulus_chunked::array::scalar_value(b).unwrap_or(f64::NAN)).collect();
        Ok(Normalizer {
            features: features.iter().map(|s| s.to_string()).collect(),
            mean: vals.iter().step_by(2).copied().collect(),
            std: vals.iter().skip(1).step_by(2).copied().collect(),
        })
    }

    /// Normalise `x` (`(…, channels)`) in place; a channel with zero spread is only centred.
    ///
    /// # Errors
    /// [`BatchError::BadShape`] when the last axis is not one per feature.
    pub fn apply(&self, x: &mut Array4<f32>) -> Result<()> {
        let c = x.shape()[3];
        if c != self.features.len() {
            return Err(BatchError::BadShape {
                name: "x".into(),
                reason: format!("{c} channels, but the normalizer has {} features", self.features.len()),
            });
        }
        for (k, mut ch) in x.axis_iter_mut(Axis(3)).enumerate() {
            let (m, s) = (self.mean[k], if self.std[k] > 0.0 { self.std[k] } else { 1.0 });
            ch.mapv_inplace(|v| ((v as f64 - m) / s) as f32);
        }
        Ok(())
    }
}

/// Data variable `name` of `ds`, or [`BatchError::NoVariable`] listing the data variables.
pub(crate) fn feature(ds: &Dataset, name: &str) -> Result<DataArray> {
    if !ds.data_vars().contains(&name) {
        return Err(BatchError::NoVariable {
            name: name.to_string(),
            available: ds.data_vars().iter().map(|s| s.to_string()).collect(),
        });
    }
    Ok(ds.get(name)?)
}

/// A lazy float label `(da > threshold)` as `f32` (1.0 or 0.0), like the workshop's
/// `(ds.total_precipitation > 5).astype("float32")`.
pub fn threshold_label(da: &DataArray, threshold: f64) -> DataArray {
    da.scalar_op(BinaryOp::Gt, threshold).astype(DType::F32)
}

/// The batches of a [`BatchGenerator`] as `(X, y)`: batch `i` of the generator is item `i`.
///
/// Each feature and the label must come out of the generator as 3-D `(n, h, w)` (e.g.
/// `batch_dims={"time": 32}` over `(time, latitude, longitude)` variables).
#[derive(Debug, Clone)]
pub struct PatchDataset {
    bgen: Arc<BatchGenerator>,
    features: Vec<String>,
    label: String,
    normalizer: Option<Normalizer>,
}

impl PatchDataset {
    /// `features` become the channels of `x` in this order; `label` becomes `y`.
    ///
    /// # Errors
    /// [`BatchError::NoVariable`] for a name that is not a data variable of the generator.
    pub fn new(bgen: BatchGenerator, features: &[&str], label: &str) -> Result<PatchDataset> {
        for n in features.iter().chain([&label]) {
            feature(bgen.dataset(), n)?;
        }
        Ok(PatchDataset {
            bgen: Arc::new(bgen),
            features: features.iter().map(|s| s.to_string()).collect(),
            label: label.to_string(),
            normalizer: None,
        })
    }

    /// Normalise the features of every item with these statistics.
    ///
    /// # Errors
    /// [`BatchError::BadArgument`] when the normalizer's features are not this dataset's.
    pub fn with_normalizer(mut self, n: Normalizer) -> Result<PatchDataset> {
        if n.features != self.features {
            return Err(BatchError::BadArgument {
                argument: "normalizer",
                reason: format!("fitted on {:?}, but the dataset's features are {:?}", n.features, self.features),
            });
        }
        self.normalizer = Some(n);
        Ok(self)
    }

    /// The generator underneath.
    pub fn generator(&self) -> &BatchGenerator {
        &self.bgen
    }

    /// The feature variables, in channel order.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// The label variable.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl MapDataset for PatchDataset {
    type Item = Batch;

    fn len(&self) -> usize {
        self.bgen.len()
    }

    fn get(&self, index: usize) -> Result<Batch> {
        let mut names: Vec<&str> = self.features.iter().map(String::as_str).collect();
        names.push(&self.label);
        let tensors = self.bgen.get_tensors_for(index as isize, &names)?;
        fn three(t: &crate::generator::Tensor) -> Result<ndarray::ArrayView3<'_, f32>> {
            t.values.view().into_dimensionality::<ndarray::Ix3>().map_err(|_| BatchError::BadShape {
                name: t.name.clone(),
                reason: format!(
                    "a batch of dims {:?} and shape {:?}; (n, h, w) was expected",
                    t.dims,
                    t.values.shape()
                ),
            })
        }
        let (label, feats) = tensors
            .split_last()
            .ok_or_else(|| BatchError::BadArgument { argument: "features", reason: "no variable was read".into() })?;
        let y = three(label)?.to_owned();
        let views = feats.iter().map(three).collect::<Result<Vec<_>>>()?;
        let mut x = ndarray::stack(Axis(3), &views).map_err(|e| BatchError::BadShape {
            name: self.features.join(","),
            reason: format!("features of different shapes cannot be stacked: {e}"),
        })?;
        if let Some(n) = &self.normalizer {
            n.apply(&mut x)?;
        }
        Ok(Batch { x, y })
    }
}
