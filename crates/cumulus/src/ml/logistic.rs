//! [`LogisticRegression`]: the per-pixel baseline, `p = σ(b + Σ w_c x_c)`, fitted by Newton's
//! method (iteratively reweighted least squares) on the class-weighted log loss.
//!
//! Why not `linfa-logistic`: it is built on ndarray 0.16 (the workspace uses 0.17, so every
//! array would be copied between two ndarray versions, and a second ndarray plus argmin would
//! be compiled), and it takes no class weights. With 4 features, Newton's method is a 5 × 5
//! linear solve per step and converges in a handful of steps to the exact optimum.

use ndarray::{Array3, ArrayView4};

use super::Batch;
use super::batch::check;
use super::error::MlError;

/// How to fit a [`LogisticRegression`].
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticOptions {
    /// Weight of each positive pixel relative to a negative one; `None` balances the classes
    /// (`n_negative / n_positive`, scikit-learn's `class_weight="balanced"` up to a common
    /// factor).
    pub pos_weight: Option<f64>,
    /// L2 penalty on the coefficients (not the intercept), per unit of total weight.
    pub l2: f64,
    /// Most Newton steps.
    pub max_iter: usize,
    /// Stop when no parameter moves by more than this.
    pub tol: f64,
}

impl Default for LogisticOptions {
    fn default() -> Self {
        LogisticOptions { pos_weight: None, l2: 1e-6, max_iter: 50, tol: 1e-8 }
    }
}

/// A fitted logistic regression on the channels of each pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticRegression {
    /// One coefficient per channel.
    pub coef: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
    /// Newton steps taken.
    pub n_iter: usize,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl LogisticRegression {
    /// Fits the model to every pixel of `train` (features best standardized first, see
    /// [`Standardizer`](super::Standardizer)).
    ///
    /// # Errors
    /// [`MlError::Empty`] with no pixel or no positive or negative pixel when balancing;
    /// [`MlError::BadArgument`] for a non-positive `pos_weight`, a negative `l2` or a
    /// singular system (a constant or duplicated feature with `l2 = 0`).
    pub fn fit(train: &Batch, opts: &LogisticOptions) -> Result<LogisticRegression, MlError> {
        check(train.x.shape(), train.y.shape())?;
        let c = train.x.shape()[3];
        let x: Vec<f32> = train.x.iter().copied().collect();
        let y: Vec<f32> = train.y.iter().copied().collect();
        if y.is_empty() {
            return Err(MlError::Empty { what: "the training pixels" });
        }
        if opts.l2 < 0.0 || !opts.l2.is_finite() {
            return Err(MlError::BadArgument { argument: "l2", reason: format!("must be >= 0, got {}", opts.l2) });
        }
        let pos = y.iter().filter(|&&v| v > 0.5).count();
        let pos_weight = match opts.pos_weight {
            Some(w) if w > 0.0 && w.is_finite() => w,
            Some(w) => {
                return Err(MlError::BadArgument { argument: "pos_weight", reason: format!("must be > 0, got {w}") });
            }
            None if pos == 0 || pos == y.len() => {
                return Err(MlError::Empty { what: "one of the two classes (cannot balance them)" });
            }
            None => (y.len() - pos) as f64 / pos as f64,
        };
        let d = c + 1; // intercept first
        let mut beta = vec![0.0f64; d];
        let mut n_iter = 0;
        let mut row = vec![0.0f64; d];
        for _ in 0..opts.max_iter {
            n_iter += 1;
            let mut grad = vec![0.0f64; d];
            let mut hess = vec![0.0f64; d * d];
            let mut total = 0.0;
            for (k, &yk) in y.iter().enumerate() {
                row[0] = 1.0;
                for j in 0..c {
                    row[j + 1] = f64::from(x[k * c + j]);
                }
                let z: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
                let p = sigmoid(z);
                let w = if yk > 0.5 { pos_weight } else { 1.0 };
                total += w;
                let r = w * (p - f64::from(yk));
                let h = w * p * (1.0 - p);
                for a in 0..d {
                    grad[a] += r * row[a];
                    for b in 0..=a {
                        hess[a * d + b] += h * row[a] * row[b];
                    }
                }
            }
            for a in 0..d {
                for b in 0..a {
                    hess[b * d + a] = hess[a * d + b];
                }
            }
            for a in 1..d {
                grad[a] += opts.l2 * total * beta[a];
                hess[a * d + a] += opts.l2 * total;
            }
            let step = solve(&mut hess, &mut grad, d)
                .ok_or(MlError::BadArgument { argument: "train.x", reason: "the features are collinear or constant (the Newton system is singular); standardize them or set l2 > 0".into() })?;
            let mut moved = 0.0f64;
            for (b, s) in beta.iter_mut().zip(&step) {
                *b -= s;
                moved = moved.max(s.abs());
            }
            if moved < opts.tol {
                break;
            }
        }
        Ok(LogisticRegression { coef: beta[1..].to_vec(), intercept: beta[0], n_iter })
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, Array4};

    /// A deterministic uniform generator in [0, 1).
    fn uniform(state: &mut u64) -> f64 {
        *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
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
        let (n, truth, b0) = (2000usize, [2.0, -0.5, 0.0], -1.0);
        let mut st = 7u64;
        let x = Array4::from_shape_simple_fn((n, 10, 10, 3), || (uniform(&mut st) * 4.0 - 2.0) as f32);
        let y = Array3::from_shape_fn((n, 10, 10), |(k, i, j)| {
            let z = b0 + (0..3).map(|c| truth[c] * f64::from(x[[k, i, j, c]])).sum::<f64>();
            f32::from(uniform(&mut st) < sigmoid(z))
        });
        let b = Batch { x, y };
        let m = LogisticRegression::fit(&b, &LogisticOptions { pos_weight: Some(1.0), ..Default::default() }).unwrap();
        assert!((m.intercept - b0).abs() < 0.05, "intercept {}", m.intercept);
        for (got, want) in m.coef.iter().zip(truth) {
            assert!((got - want).abs() < 0.05, "coef {got} vs {want}");
        }
        assert!(m.n_iter < 15);
        // Weighting positives by w shifts only the intercept, by ln w (a known property of
        // the weighted log loss for a well-specified model).
        let w = LogisticRegression::fit(&b, &LogisticOptions { pos_weight: Some(4.0), ..Default::default() }).unwrap();
        assert!((w.intercept - (b0 + 4f64.ln())).abs() < 0.05, "weighted intercept {}", w.intercept);
        let p = m.predict_proba(b.x.view()).unwrap();
        let z = m.intercept + m.coef.iter().enumerate().map(|(c, w)| w * f64::from(b.x[[3, 1, 2, c]])).sum::<f64>();
        assert!((f64::from(p[[3, 1, 2]]) - sigmoid(z)).abs() < 1e-6);
    }

    #[test]
    fn bad_input_is_an_error() {
        let b = Batch { x: Array4::ones((2, 2, 2, 1)), y: Array3::zeros((2, 2, 2)) };
        assert!(matches!(LogisticRegression::fit(&b, &LogisticOptions::default()), Err(MlError::Empty { .. })));
        let bad = LogisticOptions { pos_weight: Some(-1.0), ..Default::default() };
        assert!(matches!(LogisticRegression::fit(&b, &bad), Err(MlError::BadArgument { argument: "pos_weight", .. })));
        let m = LogisticRegression { coef: vec![1.0], intercept: 0.0, n_iter: 0 };
        assert!(matches!(m.predict_proba(Array4::zeros((1, 2, 2, 2)).view()), Err(MlError::Shape { .. })));
    }
}
