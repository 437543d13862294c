//! The deterministic metrics on flat slices (`&[f32]`, `&[f64]`, `&[bool]`, …): what a
//! training loop or a notebook cell calls on the flattened predictions and labels.
//!
//! Pairs where either value is NaN are left out, as xskillscore does with `skipna=True`; the
//! metric of no pair is NaN. The sums run in `f64` whatever the input type.
//!
//! ```
//! use cumulus_skill::flat;
//! let obs = [0.0_f32, 1.0, 2.0, 3.0];
//! let fcst = [0.5_f32, 1.0, 2.0, 2.0];
//! assert_eq!(flat::mae(&fcst, &obs)?, 0.375);
//! assert_eq!(flat::me(&fcst, &obs)?, -0.125); // mean of fcst - obs
//! assert!((flat::rmse(&fcst, &obs)? - (1.25_f64 / 4.0).sqrt()).abs() < 1e-12);
//! # Ok::<(), cumulus_skill::SkillError>(())
//! ```

use crate::error::{Result, SkillError};

/// The pairs of `a` and `b` (as `f64`) where neither is NaN.
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn valid_pairs<A: Copy + Into<f64>, B: Copy + Into<f64>>(
    metric: &'static str,
    a: &[A],
    b: &[B],
) -> Result<(Vec<f64>, Vec<f64>)> {
    check_len(metric, "a", a.len(), "b", b.len())?;
    let mut x = Vec::with_capacity(a.len());
    let mut y = Vec::with_capacity(b.len());
    for (&p, &q) in a.iter().zip(b) {
        let (p, q): (f64, f64) = (p.into(), q.into());
        if !p.is_nan() && !q.is_nan() {
            x.push(p);
            y.push(q);
        }
    }
    Ok((x, y))
}

pub(crate) fn check_len(
    metric: &'static str,
    a_name: &'static str,
    a: usize,
    b_name: &'static str,
    b: usize,
) -> Result<()> {
    if a != b {
        return Err(SkillError::Length { metric, a_name, a_len: a, b_name, b_len: b });
    }
    Ok(())
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0usize);
    for x in v {
        s += x;
        n += 1;
    }
    if n == 0 { f64::NAN } else { s / n as f64 }
}

/// Mean error `mean(a − b)` (xskillscore's `me`, the bias of `a` against `b`).
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn me<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> Result<f64> {
    let (x, y) = valid_pairs("me", a, b)?;
    Ok(mean(x.iter().zip(&y).map(|(p, q)| p - q)))
}

/// Mean squared error `mean((a − b)²)`.
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn mse<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> Result<f64> {
    let (x, y) = valid_pairs("mse", a, b)?;
    Ok(mean(x.iter().zip(&y).map(|(p, q)| (p - q) * (p - q))))
}

/// Root mean squared error `√mean((a − b)²)`.
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn rmse<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> Result<f64> {
    Ok(mse(a, b).map_err(|e| rename(e, "rmse"))?.sqrt())
}

/// Mean absolute error `mean(|a − b|)`.
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn mae<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> Result<f64> {
    let (x, y) = valid_pairs("mae", a, b)?;
    Ok(mean(x.iter().zip(&y).map(|(p, q)| (p - q).abs())))
}

/// Pearson's correlation coefficient, clipped to [−1, 1]; NaN when either series is
/// constant (0 / 0), as in xskillscore.
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn pearson_r<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> Result<f64> {
    let (x, y) = valid_pairs("pearson_r", a, b)?;
    Ok(pearson_of(&x, &y))
}

/// Coefficient of determination `1 − Σ(a − b)² / Σ(a − ā)²` (sklearn's `r2_score(a, b)` with
/// `a` the truth).
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn r2<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> Result<f64> {
    let (x, y) = valid_pairs("r2", a, b)?;
    let ma = mean(x.iter().copied());
    let num: f64 = x.iter().zip(&y).map(|(p, q)| (p - q) * (p - q)).sum();
    let den: f64 = x.iter().map(|p| (p - ma) * (p - ma)).sum();
    Ok(1.0 - num / den)
}

/// Spearman's rank correlation: Pearson's r of the ranks, ties sharing their mean rank.
///
/// # Errors
/// [`SkillError::Length`] when the slices differ in length.
pub fn spearman_r<A: Copy + Into<f64>, B: Copy + Into<f64>>(a: &[A], b: &[B]) -> Result<f64> {
    let (x, y) = valid_pairs("spearman_r", a, b)?;
    Ok(pearson_of(&rank(&x), &rank(&y)))
}

/// Pearson's r of two NaN-free series of equal length (two-pass, as xskillscore).
pub(crate) fn pearson_of(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x.iter().copied()), mean(y.iter().copied()));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (p, q) in x.iter().zip(y) {
        let (dp, dq) = (p - mx, q - my);
        sxy += dp * dq;
        sxx += dp * dp;
        syy += dq * dq;
    }
    let r = sxy / (sxx * syy).sqrt();
    if r.is_nan() { r } else { r.clamp(-1.0, 1.0) }
}

/// Ranks 1…n of NaN-free values, ties sharing their mean rank (scipy's `rankdata`).
pub fn rank(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && x[order[j]] == x[order[i]] {
            j += 1;
        }
        // Positions i..j share ranks i+1 ..= j.
        let r = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            out[k] = r;
        }
        i = j;
    }
    out
}

fn rename(e: SkillError, metric: &'static str) -> SkillError {
    match e {
        SkillError::Length { a_name, a_len, b_name, b_len, .. } => {
            SkillError::Length { metric, a_name, a_len, b_name, b_len }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        let a = [1.0_f64, 2.0, 3.0, 4.0];
        let b = [2.0_f64, 2.0, 5.0, 1.0];
        // a - b = [-1, 0, -2, 3]
        assert_eq!(me(&a, &b).unwrap(), 0.0);
        assert_eq!(mse(&a, &b).unwrap(), 14.0 / 4.0);
        assert_eq!(mae(&a, &b).unwrap(), 6.0 / 4.0);
        // ā = 2.5, b̄ = 2.5; Σ da db = (-1.5)(-0.5) + (-0.5)(-0.5) + (0.5)(2.5) + (1.5)(-1.5) = 0
        assert_eq!(pearson_r(&a, &b).unwrap(), 0.0);
        // r2 = 1 - 14 / 5
        assert!((r2(&a, &b).unwrap() - (1.0 - 14.0 / 5.0)).abs() < 1e-15);
    }

    #[test]
    fn nan_pairs_are_skipped_and_constants_give_nan() {
        let a = [1.0_f32, f32::NAN, 3.0];
        let b = [1.0_f32, 100.0, f32::NAN];
        assert_eq!(mae(&a, &b).unwrap(), 0.0);
        assert!(pearson_r(&[2.0_f32, 2.0, 2.0], &[1.0_f32, 2.0, 3.0]).unwrap().is_nan());
        assert!(rmse::<f32, f32>(&[], &[]).unwrap().is_nan());
    }

    #[test]
    fn ranks_share_ties() {
        assert_eq!(rank(&[10.0, 20.0, 10.0, 30.0]), vec![1.5, 3.0, 1.5, 4.0]);
    }

    #[test]
    fn length_mismatch_is_an_error() {
        let e = rmse(&[1.0_f64, 2.0], &[1.0_f64]).unwrap_err();
        assert!(e.to_string().contains("rmse"), "{e}");
        assert!(e.to_string().contains("2 values"), "{e}");
    }
}
