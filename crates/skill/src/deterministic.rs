//! Deterministic metrics on DataArrays, as xskillscore's `rmse`, `mse`, `mae`, `me`,
//! `pearson_r`, `r2` and `spearman_r`: two inputs reduced over named dimensions, the other
//! dimensions and their coordinates kept.
//!
//! As in xskillscore:
//!
//! - the inputs are aligned on their coordinate labels and broadcast by dimension name; a
//!   shared dimension without common labels is an error naming it ([`SkillError::Align`]).
//!   cumulus aligns with an inner join on every dimension, as xarray's arithmetic does;
//!   xskillscore 0.0.29 instead refuses labels that differ along a reduced dimension
//!   (`AlignmentError ... join='exact'`) and outer-joins the kept ones (NaN where a label is
//!   missing). On aligned inputs the two agree (`.ci/interop/skill_oracle.py`);
//! - a position where either input is NaN is NaN in both ("pairwise");
//! - `skipna = false` (the default) makes any NaN in a reduced slice give NaN; with
//!   `skipna = true` the NaN pairs are left out, and a slice with no pair left gives NaN;
//! - `weights` (non-negative, along some of the reduced dimensions, broadcast by name) turn
//!   every mean into `Σ w x / Σ w`;
//! - `pearson_r` is clipped to [−1, 1] and is NaN when either input is constant;
//! - `me(a, b)` is the mean of `a − b`, and `r2(a, b)` takes `a` as the truth.
//!
//! The metrics except `spearman_r` are lazy: they add nodes to the plan and read nothing
//! until computed, so they run out of core, chunk by chunk.
//!
//! ```
//! use cumulus_labeled::{DataArray, Variable};
//! use cumulus_skill::{MetricOptions, mae, pearson_r, rmse};
//! let obs = DataArray::new("t", Variable::from_vec("time", vec![1.0_f64, 2.0, 3.0, 4.0]));
//! let fcst = DataArray::new("t", Variable::from_vec("time", vec![1.5_f64, 2.5, 2.5, 4.5]));
//! let opts = MetricOptions::default();
//! assert_eq!(mae(&fcst, &obs, "time", &opts)?.item()?, 0.5);
//! assert_eq!(rmse(&fcst, &obs, "time", &opts)?.item()?, 0.5);
//! let r = pearson_r(&fcst, &obs, "time", &opts)?.item()?;
//! assert!((r - 4.5 / 23.75_f64.sqrt()).abs() < 1e-12); // Σ da db / √(Σ da² Σ db²)
//! # Ok::<(), cumulus_skill::SkillError>(())
//! ```

use cumulus_chunked::{BinaryOp, PairStat, ReduceOp, UnaryOp};
use cumulus_labeled::{DataArray, Dims};

use crate::error::{Result, SkillError};
use crate::flat;
use crate::prepare::{Pair, check_weights, finish, from_values, kept_first, pair};

/// Options of the deterministic metrics: xskillscore's `skipna` and `weights`.
#[derive(Debug, Clone, Default)]
pub struct MetricOptions {
    skipna: bool,
    weights: Option<DataArray>,
}

impl MetricOptions {
    /// The defaults: `skipna = false`, no weights.
    pub fn new() -> MetricOptions {
        MetricOptions::default()
    }

    /// Leave out the pairs where either input is NaN (xskillscore's `skipna=True`).
    pub fn skipna(mut self, yes: bool) -> MetricOptions {
        self.skipna = yes;
        self
    }

    /// Weigh every position (e.g. `cos(latitude)` along `latitude`): non-negative values along
    /// some of the reduced dimensions, broadcast by name over the others.
    pub fn weights(mut self, weights: &DataArray) -> MetricOptions {
        self.weights = Some(weights.clone());
        self
    }
}

/// The aligned pair and the checked weights.
struct Prepared {
    pair: Pair,
    w: Option<DataArray>,
    skipna: bool,
}

fn prepare(metric: &'static str, a: &DataArray, b: &DataArray, dims: Dims, opts: &MetricOptions) -> Result<Prepared> {
    // Unweighted metrics are pair reductions, which pair the NaN themselves.
    let pairwise_nan = opts.skipna && opts.weights.is_some();
    let pair = pair(metric, a, b, dims, pairwise_nan)?;
    let w = match &opts.weights {
        Some(w) => Some(check_weights(metric, w, &pair.a, &pair.dims)?),
        None => None,
    };
    Ok(Prepared { pair, w, skipna: opts.skipna })
}

impl Prepared {
    fn dims(&self) -> Dims {
        Dims::Some(self.pair.dims.clone())
    }

    /// The (weighted) mean of `x` over the reduced dimensions.
    fn mean_of(&self, x: &DataArray) -> Result<DataArray> {
        Ok(match &self.w {
            None => x.reduce(ReduceOp::Mean, self.dims(), Some(self.skipna))?,
            Some(w) if self.skipna => x.weighted_mean(w, self.dims())?,
            Some(w) => {
                let num = x.binary(BinaryOp::Mul, w)?.reduce(ReduceOp::Sum, self.dims(), Some(false))?;
                // Σ w over the broadcast shape (NaN in x make the numerator NaN anyway).
                let den = (&(x * 0.0) + w)?.reduce(ReduceOp::Sum, self.dims(), Some(false))?;
                (&num / &den)?
            }
        })
    }

    /// The (weighted) sum of `x` over the reduced dimensions.
    fn sum_of(&self, x: &DataArray) -> Result<DataArray> {
        let wx = match &self.w {
            Some(w) => (x * w)?,
            None => x.clone(),
        };
        Ok(wx.reduce(ReduceOp::Sum, self.dims(), Some(self.skipna))?)
    }

    /// The engine's one-pass pair statistic, when there are no weights (`None` otherwise).
    /// Metrics of the same two float arrays that are already aligned (same dimensions in the
    /// same order, same labels) over the same dimensions, computed together, share one pass
    /// over the data. Inputs that need a cast or an alignment get new plan nodes in every
    /// metric call, so their metrics are correct but do not share the pass.
    fn pair_stat(&self, stat: PairStat) -> Result<Option<DataArray>> {
        if self.w.is_some() {
            return Ok(None);
        }
        Ok(Some(self.pair.a.pair_reduce(&self.pair.b, stat, self.dims(), self.skipna)?))
    }

    fn error(&self) -> Result<DataArray> {
        Ok((&self.pair.a - &self.pair.b)?)
    }

    /// Mean squared error: the pair reduction, or the weighted mean of `(a − b)²`.
    fn mse(&self) -> Result<DataArray> {
        match self.pair_stat(PairStat::MeanSquaredError)? {
            Some(x) => Ok(x),
            None => self.mean_of(&self.error()?.map_unary(UnaryOp::Square)),
        }
    }

    /// Anomalies `a − ā` and `b − b̄` (weighted means when weighted).
    fn anomalies(&self) -> Result<(DataArray, DataArray)> {
        let am = (&self.pair.a - &self.mean_of(&self.pair.a)?)?;
        let bm = (&self.pair.b - &self.mean_of(&self.pair.b)?)?;
        Ok((am, bm))
    }
}

/// Mean error `mean(a − b)` over `dims` (xskillscore's `me`).
///
/// # Errors
/// An empty `dims`, a dimension one input lacks, inputs that do not align, bad weights.
pub fn me(a: &DataArray, b: &DataArray, dims: impl Into<Dims>, opts: &MetricOptions) -> Result<DataArray> {
    let p = prepare("me", a, b, dims.into(), opts)?;
    let me = match p.pair_stat(PairStat::MeanError)? {
        Some(x) => x,
        None => p.mean_of(&p.error()?)?,
    };
    Ok(finish(me, "me"))
}

/// Mean squared error `mean((a − b)²)` over `dims`.
///
/// # Errors
/// An empty `dims`, a dimension one input lacks, inputs that do not align, bad weights.
pub fn mse(a: &DataArray, b: &DataArray, dims: impl Into<Dims>, opts: &MetricOptions) -> Result<DataArray> {
    let p = prepare("mse", a, b, dims.into(), opts)?;
    Ok(finish(p.mse()?, "mse"))
}

/// Root mean squared error `√mean((a − b)²)` over `dims`.
///
/// ```
/// use cumulus_labeled::{DataArray, Variable};
/// use cumulus_skill::{MetricOptions, rmse};
/// let a = DataArray::new("x", Variable::from_vec("i", vec![0.0_f64, 0.0, f64::NAN]));
/// let b = DataArray::new("x", Variable::from_vec("i", vec![3.0_f64, 4.0, 1.0]));
/// // skipna = false (the default, as xskillscore): the NaN makes the result NaN.
/// assert!(rmse(&a, &b, "i", &MetricOptions::new())?.item()?.is_nan());
/// // skipna = true: the NaN pair is left out; √((9 + 16) / 2).
/// let r = rmse(&a, &b, "i", &MetricOptions::new().skipna(true))?.item()?;
/// assert!((r - 12.5_f64.sqrt()).abs() < 1e-12);
/// # Ok::<(), cumulus_skill::SkillError>(())
/// ```
///
/// # Errors
/// An empty `dims`, a dimension one input lacks, inputs that do not align, bad weights.
pub fn rmse(a: &DataArray, b: &DataArray, dims: impl Into<Dims>, opts: &MetricOptions) -> Result<DataArray> {
    let p = prepare("rmse", a, b, dims.into(), opts)?;
    Ok(finish(p.mse()?.sqrt(), "rmse"))
}

/// Mean absolute error `mean(|a − b|)` over `dims`.
///
/// # Errors
/// An empty `dims`, a dimension one input lacks, inputs that do not align, bad weights.
pub fn mae(a: &DataArray, b: &DataArray, dims: impl Into<Dims>, opts: &MetricOptions) -> Result<DataArray> {
    let p = prepare("mae", a, b, dims.into(), opts)?;
    let mae = match p.pair_stat(PairStat::MeanAbsoluteError)? {
        Some(x) => x,
        None => p.mean_of(&p.error()?.abs())?,
    };
    Ok(finish(mae, "mae"))
}

/// Pearson's correlation coefficient over `dims`, clipped to [−1, 1]; NaN where either input
/// is constant along `dims`.
///
/// ```
/// use cumulus_labeled::{DataArray, Variable};
/// use cumulus_skill::{MetricOptions, pearson_r};
/// let a = DataArray::new("x", Variable::from_vec("i", vec![1.0_f64, 2.0, 4.0]));
/// let b = &(&a * 3.0) + 1.0; // a x + b with a > 0
/// assert_eq!(pearson_r(&a, &b, "i", &MetricOptions::new())?.item()?, 1.0);
/// let constant = DataArray::new("x", Variable::from_vec("i", vec![2.0_f64, 2.0, 2.0]));
/// assert!(pearson_r(&a, &constant, "i", &MetricOptions::new())?.item()?.is_nan());
/// # Ok::<(), cumulus_skill::SkillError>(())
/// ```
///
/// # Errors
/// An empty `dims`, a dimension one input lacks, inputs that do not align, bad weights.
pub fn pearson_r(a: &DataArray, b: &DataArray, dims: impl Into<Dims>, opts: &MetricOptions) -> Result<DataArray> {
    let p = prepare("pearson_r", a, b, dims.into(), opts)?;
    let r = match p.pair_stat(PairStat::Correlation)? {
        Some(r) => r,
        None => {
            let (am, bm) = p.anomalies()?;
            let num = p.sum_of(&(&am * &bm)?)?;
            let saa = p.sum_of(&am.map_unary(UnaryOp::Square))?;
            let sbb = p.sum_of(&bm.map_unary(UnaryOp::Square))?;
            (&num / &(&saa * &sbb)?.sqrt())?
        }
    };
    Ok(finish(r.map_unary(UnaryOp::Clip(-1.0, 1.0)), "pearson_r"))
}

/// Coefficient of determination `1 − Σ(a − b)² / Σ(a − ā)²` over `dims`, with `a` the truth
/// (sklearn's `r2_score(a, b)`).
///
/// # Errors
/// An empty `dims`, a dimension one input lacks, inputs that do not align, bad weights.
pub fn r2(a: &DataArray, b: &DataArray, dims: impl Into<Dims>, opts: &MetricOptions) -> Result<DataArray> {
    let p = prepare("r2", a, b, dims.into(), opts)?;
    if let Some(r2) = p.pair_stat(PairStat::R2)? {
        return Ok(finish(r2, "r2"));
    }
    let (am, _) = p.anomalies()?;
    let num = p.sum_of(&p.error()?.map_unary(UnaryOp::Square))?;
    let den = p.sum_of(&am.map_unary(UnaryOp::Square))?;
    let ratio = (&num / &den)?;
    Ok(finish(&(&ratio * -1.0) + 1.0, "r2"))
}

/// A deterministic metric as a function: `(a, b, dims, options)`.
pub type Metric = fn(&DataArray, &DataArray, Dims, &MetricOptions) -> Result<DataArray>;

/// The lazy deterministic metrics by their xskillscore names, to loop over (as one would over
/// `getattr(xs, name)`): `rmse`, `mse`, `mae`, `me`, `pearson_r`, `r2`.
///
/// ```
/// use cumulus_labeled::{DataArray, Variable};
/// use cumulus_skill::{MetricOptions, deterministic::METRICS};
/// let a = DataArray::new("a", Variable::from_vec("time", vec![1.0_f64, 2.0, 4.0]));
/// let b = DataArray::new("b", Variable::from_vec("time", vec![1.0_f64, 3.0, 4.0]));
/// for (name, metric) in METRICS {
///     let v = metric(&a, &b, "time".into(), &MetricOptions::new())?.item()?;
///     println!("{name}: {v:.3}");
/// }
/// # Ok::<(), cumulus_skill::SkillError>(())
/// ```
pub const METRICS: [(&str, Metric); 6] = [
    ("rmse", |a, b, d, o| rmse(a, b, d, o)),
    ("mse", |a, b, d, o| mse(a, b, d, o)),
    ("mae", |a, b, d, o| mae(a, b, d, o)),
    ("me", |a, b, d, o| me(a, b, d, o)),
    ("pearson_r", |a, b, d, o| pearson_r(a, b, d, o)),
    ("r2", |a, b, d, o| r2(a, b, d, o)),
];

/// Spearman's rank correlation over `dims`: Pearson's r of the ranks (ties share their mean
/// rank). With `skipna = true` the NaN pairs are left out before ranking (as xskillscore with
/// bottleneck's `nanrankdata`; without bottleneck, xskillscore gives NaN for any slice with a
/// NaN). **Loads the inputs** into memory, as xskillscore needs the reduced dimensions in
/// one chunk. Weights are not supported.
///
/// ```
/// use cumulus_labeled::{DataArray, Variable};
/// use cumulus_skill::{MetricOptions, spearman_r};
/// let a = DataArray::new("x", Variable::from_vec("i", vec![1.0_f64, 2.0, 3.0, 4.0]));
/// let b = DataArray::new("x", Variable::from_vec("i", vec![1.0_f64, 8.0, 27.0, 64.0]));
/// assert_eq!(spearman_r(&a, &b, "i", &MetricOptions::new())?.item()?, 1.0);
/// # Ok::<(), cumulus_skill::SkillError>(())
/// ```
///
/// # Errors
/// An empty `dims`, a dimension one input lacks, inputs that do not align, weights given, a
/// failing chunk while loading.
pub fn spearman_r(a: &DataArray, b: &DataArray, dims: impl Into<Dims>, opts: &MetricOptions) -> Result<DataArray> {
    if opts.weights.is_some() {
        return Err(SkillError::Weights { metric: "spearman_r", reason: "spearman_r takes no weights".into() });
    }
    let p = prepare("spearman_r", a, b, dims.into(), opts)?;
    let template = p.pair.a.reduce(ReduceOp::Sum, p.dims(), Some(true))?;
    let kept = template.dims().to_vec();
    let x = kept_first(&p.pair.a, &kept, &p.pair.dims)?;
    let y = kept_first(&p.pair.b, &kept, &p.pair.dims)?;
    let n: usize = p.pair.dims.iter().map(|d| p.pair.a.size(d)).collect::<Result<Vec<_>, _>>()?.iter().product();
    let values: Vec<f64> = if n == 0 {
        vec![f64::NAN; template.shape().iter().product()]
    } else {
        x.chunks(n)
            .zip(y.chunks(n))
            .map(|(xs, ys)| {
                if !p.skipna && xs.iter().chain(ys).any(|v| v.is_nan()) {
                    f64::NAN
                } else {
                    flat::spearman_r(xs, ys).unwrap_or(f64::NAN)
                }
            })
            .collect()
    };
    from_values(&template, values, "spearman_r")
}
