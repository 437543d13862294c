//! [`LogisticRegression`]: the per-pixel baseline, `p = σ(b + Σ w_c x_c)`, fitted by
//! [linfa-logistic](https://docs.rs/linfa-logistic/0.8.1) (L-BFGS on the L2-penalised log loss),
//! the scikit-learn `LogisticRegression` of Rust.
//!
//! Two things the wrapper adds to linfa:
//!
//! - **Arrays.** linfa 0.8 is built on ndarray 0.16 while cumulus uses 0.17, so the pixels are
//!   copied once into a linfa `Dataset` (`(pixels, channels)` records, `bool` targets).
//! - **Class weights.** linfa-logistic 0.8.1 has no class or sample weights: its loss is the
//!   plain sum of the log losses (the weights a linfa `Dataset` can carry are not read by its
//!   `Fit`). scikit-learn's `class_weight` is therefore reproduced by the *prior correction*
//!   of King and Zeng (2001): the unweighted fit, then `ln(pos_weight)` added to the intercept.
//!   For a well-specified model this is the weighted fit (weighting positives by `w` moves only
//!   the intercept, by `ln w`; see the tests against an independent weighted Newton solver);
//!   otherwise the coefficients are the unweighted ones. The ranking of the pixels, hence the
//!   AUC and every score at a threshold chosen on the training data
//!   ([`best_threshold`](super::best_threshold)), do not depend on the shift at all.

use linfa::traits::Fit;
use ndarray::{Array3, ArrayView4};

use super::Batch;
use super::batch::{check, check_finite};
use super::error::MlError;

/// How to fit a [`LogisticRegression`].
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticOptions {
    /// Weight of each positive pixel relative to a negative one, applied as `ln(pos_weight)`
    /// added to the intercept (see [`LogisticRegression::fit`]); `None` balances the classes
    /// (`n_negative / n_positive`, scikit-learn's `class_weight="balanced"` up to a common
    /// factor).
    pub pos_weight: Option<f64>,
    /// L2 penalty on the coefficients (not the intercept), per pixel: linfa's `alpha` is
    /// `l2 × pixels`.
    pub l2: f64,
    /// Most L-BFGS iterations.
    pub max_iter: u64,
    /// Stop when the gradient of the mean log loss is below this (linfa's
    /// `gradient_tolerance` is `tol × pixels`, for its summed loss).
    pub tol: f64,
}

impl Default for LogisticOptions {
    /// Balanced classes, `l2 = 1e-6`, 200 iterations, `tol = 1e-7`.
    fn default() -> Self {
        LogisticOptions { pos_weight: None, l2: 1e-6, max_iter: 200, tol: 1e-7 }
    }
}

/// A fitted logistic regression on the channels of each pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticRegression {
    /// One coefficient per channel.
    pub coef: Vec<f64>,
    /// The intercept, including `ln(pos_weight)`.
    pub intercept: f64,
    /// The weight of the positive class the intercept was shifted for.
    pub pos_weight: f64,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl LogisticRegression {
    /// Fits the model to every pixel of `train` with linfa-logistic (features best
    /// standardized first, see [`Standardizer`](super::Standardizer)), then shifts the
    /// intercept by `ln(pos_weight)` for the class weights.
    ///
    /// ```
    /// use cumulus::ml::{Batch, LogisticOptions, LogisticRegression};
    /// use ndarray::{Array3, Array4};
    ///
    /// // One channel; convection where it is above 0.5, in 1 pixel out of 4.
    /// let x = Array4::from_shape_fn((4, 2, 2, 1), |(n, i, j, _)| ((n * 4 + i * 2 + j) % 4) as f32 / 3.0);
    /// let y = Array3::from_shape_fn((4, 2, 2), |(n, i, j)| f32::from(x[[n, i, j, 0]] > 0.8));
    /// let m = LogisticRegression::fit(&Batch { x, y }, &LogisticOptions { l2: 1e-3, ..Default::default() })?;
    /// assert!(m.coef[0] > 0.0);
    /// assert_eq!(m.pos_weight, 3.0); // balanced: 12 negatives / 4 positives
    /// # Ok::<(), cumulus::ml::MlError>(())
    /// ```
    ///
    /// # Errors
    /// [`MlError::Shape`] when `train.y` is not `train.x` without its channel dim;
    /// [`MlError::Empty`] with no pixel or without both classes; [`MlError::NotFinite`] for
    /// NaN or infinite features (naming the channel); [`MlError::BadArgument`] for a
    /// non-positive `pos_weight` or `tol` or a negative `l2`; [`MlError::Fit`] when linfa fails.
    pub fn fit(train: &Batch, opts: &LogisticOptions) -> Result<LogisticRegression, MlError> {
        check(train.x.shape(), train.y.shape())?;
        let c = train.x.shape()[3];
        let n = train.y.len();
        if n == 0 {
            return Err(MlError::Empty { what: "the training pixels" });
        }
        check_finite(train.x.view(), "train.x")?;
        if !(opts.l2 >= 0.0 && opts.l2.is_finite()) {
            return Err(MlError::BadArgument { argument: "l2", reason: format!("must be >= 0, got {}", opts.l2) });
        }
        if !(opts.tol > 0.0 && opts.tol.is_finite()) {
            return Err(MlError::BadArgument { argument: "tol", reason: format!("must be > 0, got {}", opts.tol) });
        }
        let y: Vec<bool> = train.y.iter().map(|&v| v > 0.5).collect();
        let pos = y.iter().filter(|&&v| v).count();
        if pos == 0 || pos == n {
            return Err(MlError::Empty { what: "one of the two classes in train.y (logistic regression needs both)" });
        }
        let pos_weight = match opts.pos_weight {
            Some(w) if w > 0.0 && w.is_finite() => w,
            Some(w) => {
                return Err(MlError::BadArgument { argument: "pos_weight", reason: format!("must be > 0, got {w}") });
            }
            None => (n - pos) as f64 / pos as f64,
        };
        // x iterates in logical order, channel fastest: one row per pixel.
        let records = linfa_ndarray::Array2::from_shape_vec((n, c), train.x.iter().map(|&v| f64::from(v)).collect())
            .map_err(|e| MlError::Shape { what: "train.x", expected: e.to_string(), got: train.x.shape().to_vec() })?;
        let dataset = linfa::Dataset::new(records, linfa_ndarray::Array1::from(y));
        let fitted = linfa_logistic::LogisticRegression::default()
            .alpha(opts.l2 * n as f64)
            .max_iterations(opts.max_iter)
            .gradient_tolerance(opts.tol * n as f64)
            .fit(&dataset)
            .map_err(|e| MlError::Fit { model: "logistic regression (linfa)", reason: e.to_string() })?;
        // linfa's "positive" class is the more frequent one (here usually no convection):
        // flip the signs so that the model gives the probability of `true`.
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        Ok(LogisticRegression {
            coef: fitted.params().iter().map(|w| sign * w).collect(),
            intercept: sign * fitted.intercept() + pos_weight.ln(),
            pos_weight,
        })
    }

    /// The probability of convection at every pixel of `x` (`(n, height, width, channel)`).
    ///
    /// # Errors
    /// [`MlError::Shape`] when `x` has another number of channels than the model.
    pub fn predict_proba(&self, x: ArrayView4<f32>) -> Result<Array3<f32>, MlError> {
        let (n, h, w, c) = x.dim();
        if c != self.coef.len() {
            return Err(MlError::Shape {
                what: "x",
                expected: format!("{} channels (as fitted)", self.coef.len()),
                got: x.shape().to_vec(),
            });
        }
        Ok(Array3::from_shape_fn((n, h, w), |(k, i, j)| {
            let z = self.intercept + (0..c).map(|ch| self.coef[ch] * f64::from(x[[k, i, j, ch]])).sum::<f64>();
            sigmoid(z) as f32
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, Array4};

    /// A deterministic uniform generator in [0, 1).
    fn uniform(state: &mut u64) -> f64 {
        *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Pixels whose labels are drawn from `σ(b0 + Σ truth_c x_c)`, x uniform in [-2, 2).
    fn well_specified(n: usize, truth: [f64; 3], b0: f64, seed: u64) -> Batch {
        let mut st = seed;
        let x = Array4::from_shape_simple_fn((n, 10, 10, 3), || (uniform(&mut st) * 4.0 - 2.0) as f32);
        let y = Array3::from_shape_fn((n, 10, 10), |(k, i, j)| {
            let z = b0 + (0..3).map(|c| truth[c] * f64::from(x[[k, i, j, c]])).sum::<f64>();
            f32::from(uniform(&mut st) < sigmoid(z))
        });
        Batch { x, y }
    }

    /// The reference solver: Newton's method (iteratively reweighted least squares) on the
    /// class-weighted log loss with penalty `l2 · total weight / 2 · |w|²`, written
    /// independently of linfa. Returns (coefficients, intercept, steps).
    fn newton(b: &Batch, pos_weight: f64, l2: f64) -> (Vec<f64>, f64, usize) {
        let c = b.x.shape()[3];
        let x: Vec<f32> = b.x.iter().copied().collect();
        let d = c + 1; // intercept first
        let mut beta = vec![0.0f64; d];
        let mut row = vec![0.0f64; d];
        for it in 1..=50 {
            let mut grad = vec![0.0f64; d];
            let mut hess = vec![0.0f64; d * d];
            let mut total = 0.0;
            for (k, &yk) in b.y.iter().enumerate() {
                row[0] = 1.0;
                for j in 0..c {
                    row[j + 1] = f64::from(x[k * c + j]);
                }
                let p = sigmoid(row.iter().zip(&beta).map(|(a, b)| a * b).sum());
                let w = if yk > 0.5 { pos_weight } else { 1.0 };
                total += w;
                let (r, h) = (w * (p - f64::from(yk)), w * p * (1.0 - p));
                for a in 0..d {
                    grad[a] += r * row[a];
                    for bb in 0..d {
                        hess[a * d + bb] += h * row[a] * row[bb];
                    }
                }
            }
            for a in 1..d {
                grad[a] += l2 * total * beta[a];
                hess[a * d + a] += l2 * total;
            }
            let step = solve(&mut hess, &mut grad, d).expect("a regular Newton system");
            let moved = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
            for (b, s) in beta.iter_mut().zip(&step) {
                *b -= s;
            }
            if moved < 1e-10 {
                return (beta[1..].to_vec(), beta[0], it);
            }
        }
        (beta[1..].to_vec(), beta[0], 50)
    }

    /// Solves `a · s = b` (`a` is `d × d`, row-major) by Gaussian elimination with partial
    /// pivoting; `None` when `a` is singular.
    fn solve(a: &mut [f64], b: &mut [f64], d: usize) -> Option<Vec<f64>> {
        let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for col in 0..d {
            let piv = (col..d).max_by(|&i, &j| a[i * d + col].abs().total_cmp(&a[j * d + col].abs()))?;
            if a[piv * d + col].abs() <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
                return None;
            }
            if piv != col {
                for k in 0..d {
                    a.swap(piv * d + k, col * d + k);
                }
                b.swap(piv, col);
            }
            for r in col + 1..d {
                let f = a[r * d + col] / a[col * d + col];
                for k in col..d {
                    a[r * d + k] -= f * a[col * d + k];
                }
                b[r] -= f * b[col];
            }
        }
        let mut s = vec![0.0; d];
        for r in (0..d).rev() {
            let acc: f64 = (r + 1..d).map(|k| a[r * d + k] * s[k]).sum();
            s[r] = (b[r] - acc) / a[r * d + r];
        }
        Some(s)
    }

    #[test]
    fn solve_matches_a_hand_solution() {
        // 2x + y = 5, x + 3y = 10  ->  x = 1, y = 3
        let s = solve(&mut [2.0, 1.0, 1.0, 3.0], &mut [5.0, 10.0], 2).unwrap();
        assert!((s[0] - 1.0).abs() < 1e-12 && (s[1] - 3.0).abs() < 1e-12);
        assert!(solve(&mut [1.0, 2.0, 2.0, 4.0], &mut [1.0, 1.0], 2).is_none());
    }

    #[test]
    fn recovers_known_coefficients() {
        // Labels drawn from σ(-1 + 2 x0 - 0.5 x1 + 0 x2): with 200 000 pixels the maximum
        // likelihood estimate is within a few standard errors (~0.01) of the truth.
        let (truth, b0) = ([2.0, -0.5, 0.0], -1.0);
        let b = well_specified(2000, truth, b0, 7);
        let m = LogisticRegression::fit(&b, &LogisticOptions { pos_weight: Some(1.0), ..Default::default() }).unwrap();
        assert!((m.intercept - b0).abs() < 0.05, "intercept {}", m.intercept);
        for (got, want) in m.coef.iter().zip(truth) {
            assert!((got - want).abs() < 0.05, "coef {got} vs {want}");
        }
        let p = m.predict_proba(b.x.view()).unwrap();
        let z = m.intercept + m.coef.iter().enumerate().map(|(c, w)| w * f64::from(b.x[[3, 1, 2, c]])).sum::<f64>();
        assert!((f64::from(p[[3, 1, 2]]) - sigmoid(z)).abs() < 1e-6);
    }

    #[test]
    fn linfa_and_newton_agree_on_the_same_unweighted_data() {
        // Two independent solvers of the same penalised likelihood: L-BFGS (linfa) and Newton.
        let b = well_specified(500, [1.5, -1.0, 0.25], 0.5, 11);
        let l2 = 1e-4;
        let m =
            LogisticRegression::fit(&b, &LogisticOptions { pos_weight: Some(1.0), l2, ..Default::default() }).unwrap();
        let (coef, intercept, steps) = newton(&b, 1.0, l2);
        assert!(steps < 20);
        assert!((m.intercept - intercept).abs() < 1e-4, "{} vs {intercept}", m.intercept);
        for (a, b) in m.coef.iter().zip(&coef) {
            assert!((a - b).abs() < 1e-4, "{:?} vs {coef:?}", m.coef);
        }
    }

    #[test]
    fn class_weights_shift_the_intercept_as_a_weighted_fit_would() {
        // Rare positives (about 10 %). For a well-specified model, weighting positives by w in
        // the likelihood (Newton, weighted) and the prior correction (linfa, + ln w) give the
        // same model up to sampling noise.
        let b = well_specified(2000, [1.0, 0.5, 0.0], -3.0, 5);
        for w in [4.0, 9.0] {
            let m =
                LogisticRegression::fit(&b, &LogisticOptions { pos_weight: Some(w), ..Default::default() }).unwrap();
            let (coef, intercept, _) = newton(&b, w, 1e-6);
            assert!((m.intercept - intercept).abs() < 0.05, "w {w}: {} vs {intercept}", m.intercept);
            for (a, c) in m.coef.iter().zip(&coef) {
                assert!((a - c).abs() < 0.05, "w {w}: {:?} vs {coef:?}", m.coef);
            }
        }
        // Balanced by default: pos_weight = negatives / positives.
        let m = LogisticRegression::fit(&b, &LogisticOptions::default()).unwrap();
        let pos = b.y.iter().filter(|&&v| v > 0.5).count() as f64;
        assert!((m.pos_weight - (b.y.len() as f64 - pos) / pos).abs() < 1e-12);
    }

    #[test]
    fn gives_the_probability_of_convection_whichever_class_is_more_frequent() {
        // linfa's "positive" class is the majority: with positives rare or frequent, a
        // feature that makes convection likely must get a positive coefficient.
        for b0 in [-2.0, 2.0] {
            let b = well_specified(200, [1.0, 0.0, 0.0], b0, 3);
            let m =
                LogisticRegression::fit(&b, &LogisticOptions { pos_weight: Some(1.0), ..Default::default() }).unwrap();
            assert!((m.coef[0] - 1.0).abs() < 0.2 && (m.intercept - b0).abs() < 0.2, "b0 {b0}: {m:?}");
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let b = Batch { x: Array4::ones((2, 2, 2, 1)), y: Array3::zeros((2, 2, 2)) };
        assert!(matches!(LogisticRegression::fit(&b, &LogisticOptions::default()), Err(MlError::Empty { .. })));
        let b = well_specified(2, [1.0, 0.0, 0.0], 0.0, 1);
        let bad = LogisticOptions { pos_weight: Some(-1.0), ..Default::default() };
        assert!(matches!(LogisticRegression::fit(&b, &bad), Err(MlError::BadArgument { argument: "pos_weight", .. })));
        let bad = LogisticOptions { l2: -1.0, ..Default::default() };
        assert!(matches!(LogisticRegression::fit(&b, &bad), Err(MlError::BadArgument { argument: "l2", .. })));
        // y must be x without its channel dim.
        let mismatched = Batch { x: b.x.clone(), y: Array3::zeros((2, 10, 9)) };
        let err = LogisticRegression::fit(&mismatched, &LogisticOptions::default()).unwrap_err();
        assert!(matches!(err, MlError::Shape { what: "y", .. }), "{err}");
        assert!(err.to_string().contains("[2, 10, 10]"), "{err}");
        // NaN in a feature names the channel.
        let mut nan = b.clone();
        nan.x[[1, 2, 3, 2]] = f32::NAN;
        let err = LogisticRegression::fit(&nan, &LogisticOptions::default()).unwrap_err();
        assert!(
            matches!(&err, MlError::NotFinite { variable, count: 1, .. } if variable == "train.x channel 2"),
            "{err}"
        );
        let m = LogisticRegression { coef: vec![1.0], intercept: 0.0, pos_weight: 1.0 };
        assert!(matches!(m.predict_proba(Array4::zeros((1, 2, 2, 2)).view()), Err(MlError::Shape { .. })));
    }
}
