//! Scores of probability forecasts of a yes/no event: the Brier score and the area under the
//! ROC curve, on flat slices and on DataArrays.
//!
//! ```
//! use cumulus_skill::{brier_score_flat, roc_auc_flat};
//! let obs = [true, false, true, false];
//! let prob = [0.9_f32, 0.2, 0.6, 0.7];
//! // Brier: mean of (p - o)²: (0.01 + 0.04 + 0.16 + 0.49) / 4
//! assert!((brier_score_flat(&obs, &prob)? - 0.175).abs() < 1e-7);
//! // AUC: of the 4 (positive, negative) pairs, the positive scores higher in 3.
//! assert_eq!(roc_auc_flat(&obs, &prob)?, 0.75);
//! # Ok::<(), cumulus_skill::SkillError>(())
//! ```

use cumulus_chunked::{BinaryOp, ReduceOp, UnaryOp};
use cumulus_labeled::{DataArray, Dims};

use crate::error::{Result, SkillError};
use crate::flat::{check_len, rank};
use crate::prepare::{align_error, from_values, kept_first, resolve_dims, to_float};

/// Check that observations are 0, 1 (or NaN).
fn check_binary(metric: &'static str, o: f64) -> Result<()> {
    if !o.is_nan() && o != 0.0 && o != 1.0 {
        return Err(SkillError::BadValue {
            metric,
            argument: "observations",
            reason: format!("holds {o}; expected 0 or 1 (false or true), or NaN"),
        });
    }
    Ok(())
}

/// Brier score `mean((p − o)²)` of probabilities `p` in [0, 1] against outcomes `o` (0/1,
/// `false`/`true`); pairs with a NaN are left out (xarray's `mean` skips them), as in
/// xskillscore's `brier_score` (properscoring's checks included).
///
/// # Errors
/// Different lengths; a probability outside [0, 1]; an observation other than 0 or 1.
pub fn brier_score_flat<O: Copy + Into<f64>, P: Copy + Into<f64>>(
    observations: &[O],
    probabilities: &[P],
) -> Result<f64> {
    const M: &str = "brier_score";
    check_len(M, "observations", observations.len(), "probabilities", probabilities.len())?;
    let (mut s, mut n) = (0.0, 0usize);
    for (&o, &p) in observations.iter().zip(probabilities) {
        let (o, p): (f64, f64) = (o.into(), p.into());
        check_binary(M, o)?;
        check_probability(M, p)?;
        if !o.is_nan() && !p.is_nan() {
            s += (p - o) * (p - o);
            n += 1;
        }
    }
    Ok(if n == 0 { f64::NAN } else { s / n as f64 })
}

fn check_probability(metric: &'static str, p: f64) -> Result<()> {
    if !p.is_nan() && !(0.0..=1.0 + f64::EPSILON).contains(&p) {
        return Err(SkillError::BadValue {
            metric,
            argument: "probabilities",
            reason: format!("holds {p}; expected values in [0, 1]"),
        });
    }
    Ok(())
}

/// Area under the ROC curve of `scores` (any real numbers: probabilities, logits) for the
/// outcomes `observations` (0/1, `false`/`true`). Computed as the Mann–Whitney U statistic:
/// the fraction of (positive, negative) pairs in which the positive scores higher, ties
/// counting one half — the same number as the trapezoidal area under the ROC curve through
/// every threshold (xskillscore's `roc(..., bin_edges="continuous")`, sklearn's
/// `roc_auc_score`). Pairs with a NaN are left out. It depends only on the order of the
/// scores, so any increasing transform of them gives the same area.
///
/// # Errors
/// Different lengths; an observation other than 0 or 1; [`SkillError::OneClass`] when only
/// one class is observed.
pub fn roc_auc_flat<O: Copy + Into<f64>, S: Copy + Into<f64>>(observations: &[O], scores: &[S]) -> Result<f64> {
    const M: &str = "roc_auc";
    check_len(M, "observations", observations.len(), "scores", scores.len())?;
    let mut s = Vec::with_capacity(scores.len());
    let mut pos = Vec::with_capacity(scores.len());
    for (&o, &x) in observations.iter().zip(scores) {
        let (o, x): (f64, f64) = (o.into(), x.into());
        check_binary(M, o)?;
        if !o.is_nan() && !x.is_nan() {
            s.push(x);
            pos.push(o == 1.0);
        }
    }
    let np = pos.iter().filter(|p| **p).count();
    let nn = pos.len() - np;
    if np == 0 || nn == 0 {
        return Err(SkillError::OneClass { metric: M, positives: np, negatives: nn });
    }
    Ok(mann_whitney_auc(&rank(&s), &pos, np, nn))
}

/// `(Σ ranks of the positives − np(np + 1)/2) / (np · nn)`.
fn mann_whitney_auc(ranks: &[f64], positive: &[bool], np: usize, nn: usize) -> f64 {
    let rank_sum: f64 = ranks.iter().zip(positive).filter(|(_, p)| **p).map(|(r, _)| r).sum();
    let (np, nn) = (np as f64, nn as f64);
    (rank_sum - np * (np + 1.0) / 2.0) / (np * nn)
}

/// Points of the ROC curve (sklearn's `roc_curve` without dropping collinear points).
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    /// False positive rate (POFD) at each threshold, from 0 up to 1.
    pub fpr: Vec<f64>,
    /// True positive rate (POD) at each threshold.
    pub tpr: Vec<f64>,
    /// The thresholds, decreasing: "yes" is `score >= threshold`; the first is +∞.
    pub thresholds: Vec<f64>,
}

impl RocCurve {
    /// The trapezoidal area under the curve.
    pub fn area(&self) -> f64 {
        self.fpr.windows(2).zip(self.tpr.windows(2)).map(|(f, t)| (f[1] - f[0]) * (t[1] + t[0]) / 2.0).sum()
    }
}

/// The ROC curve of `scores` for `observations`: one point per distinct score.
///
/// # Errors
/// As [`roc_auc_flat`].
pub fn roc_curve<O: Copy + Into<f64>, S: Copy + Into<f64>>(observations: &[O], scores: &[S]) -> Result<RocCurve> {
    const M: &str = "roc_curve";
    check_len(M, "observations", observations.len(), "scores", scores.len())?;
    let mut pairs = Vec::with_capacity(scores.len());
    for (&o, &x) in observations.iter().zip(scores) {
        let (o, x): (f64, f64) = (o.into(), x.into());
        check_binary(M, o)?;
        if !o.is_nan() && !x.is_nan() {
            pairs.push((x, o == 1.0));
        }
    }
    let np = pairs.iter().filter(|p| p.1).count();
    let nn = pairs.len() - np;
    if np == 0 || nn == 0 {
        return Err(SkillError::OneClass { metric: M, positives: np, negatives: nn });
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut curve = RocCurve { fpr: vec![0.0], tpr: vec![0.0], thresholds: vec![f64::INFINITY] };
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < pairs.len() {
        let t = pairs[i].0;
        while i < pairs.len() && pairs[i].0 == t {
            if pairs[i].1 {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        curve.fpr.push(fp as f64 / nn as f64);
        curve.tpr.push(tp as f64 / np as f64);
        curve.thresholds.push(t);
    }
    Ok(curve)
}

/// Brier score of DataArrays: `(p − o)²` averaged over `dims` (NaN skipped, as xarray's
/// `mean`), lazily. Probabilities outside [0, 1] and observations other than 0/1 are refused,
/// which computes two small reductions first.
///
/// # Errors
/// An empty `dims`, a dimension an input lacks, inputs that do not align, bad values.
pub fn brier_score(observations: &DataArray, probabilities: &DataArray, dims: impl Into<Dims>) -> Result<DataArray> {
    const M: &str = "brier_score";
    let dims = resolve_dims(M, dims.into(), ("observations", observations), ("probabilities", probabilities))?;
    let (o, p) = (to_float(observations), to_float(probabilities));
    let (lo, hi) = (p.min(Dims::All)?.item()?, p.max(Dims::All)?.item()?);
    for x in [lo, hi] {
        check_probability(M, x)?;
    }
    // Observations other than 0, 1 and NaN: o (o - 1) is 0 only for 0 and 1.
    let off = (&(&o - 1.0) * &o)?.map_unary(UnaryOp::Abs).reduce(ReduceOp::Max, Dims::All, Some(true))?.item()?;
    if off > 0.0 {
        return Err(SkillError::BadValue {
            metric: M,
            argument: "observations",
            reason: "hold values other than 0 and 1; expected 0 or 1 (false or true), or NaN".into(),
        });
    }
    let d = p.binary(BinaryOp::Sub, &o).map_err(|e| align_error(M, &o, e))?;
    let out = d.map_unary(UnaryOp::Square).reduce(ReduceOp::Mean, Dims::Some(dims), Some(true))?;
    Ok(crate::prepare::finish(out, "brier_score"))
}

/// Area under the ROC curve per position, over `dims` (xskillscore's `roc(observations,
/// forecasts, bin_edges="continuous", dim=dims)`), see [`roc_auc_flat`]; NaN where only one
/// class is observed. **Loads the inputs**.
///
/// # Errors
/// An empty `dims`, a dimension an input lacks, inputs that do not align, an observation
/// other than 0 or 1, a failing chunk.
pub fn roc_auc(observations: &DataArray, scores: &DataArray, dims: impl Into<Dims>) -> Result<DataArray> {
    const M: &str = "roc_auc";
    let dims = resolve_dims(M, dims.into(), ("observations", observations), ("scores", scores))?;
    let (o, s) = (to_float(observations), to_float(scores));
    let o2 = o.binary(BinaryOp::Add, &(&s * 0.0)).map_err(|e| align_error(M, &o, e))?;
    let s2 = s.binary(BinaryOp::Add, &(&o * 0.0)).map_err(|e| align_error(M, &o, e))?;
    let template = o2.reduce(ReduceOp::Sum, Dims::Some(dims.clone()), Some(true))?;
    let kept = template.dims().to_vec();
    let x = kept_first(&o2, &kept, &dims)?;
    let y = kept_first(&s2, &kept, &dims)?;
    let n: usize = dims.iter().map(|d| o2.size(d)).collect::<Result<Vec<_>, _>>()?.iter().product();
    let npos: usize = template.shape().iter().product();
    let mut values = Vec::with_capacity(npos);
    for k in 0..npos {
        let (xs, ys) = (&x[k * n..(k + 1) * n], &y[k * n..(k + 1) * n]);
        values.push(match roc_auc_flat(xs, ys) {
            Ok(v) => v,
            Err(SkillError::OneClass { .. }) => f64::NAN,
            Err(e) => return Err(e),
        });
    }
    from_values(&template, values, "roc_auc")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AUC by brute force over all (positive, negative) pairs.
    fn auc_pairs(o: &[bool], s: &[f64]) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for (i, &oi) in o.iter().enumerate() {
            for (j, &oj) in o.iter().enumerate() {
                if oi && !oj {
                    den += 1.0;
                    num += if s[i] > s[j] {
                        1.0
                    } else if s[i] == s[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        num / den
    }

    #[test]
    fn auc_is_mann_whitney_and_the_trapezoid() {
        let o = [true, false, true, true, false, false, true, false];
        let s = [0.9, 0.1, 0.4, 0.4, 0.4, 0.8, 0.7, 0.3];
        let auc = roc_auc_flat(&o, &s).unwrap();
        // By hand: positives 0.9, 0.4, 0.4, 0.7; negatives 0.1, 0.4, 0.8, 0.3.
        // 0.9 beats 4; 0.4 beats 0.1 and 0.3 and ties 0.4 (2.5) twice; 0.7 beats 3 → 12 / 16.
        assert_eq!(auc, 12.0 / 16.0);
        assert_eq!(auc, auc_pairs(&o, &s));
        assert!((roc_curve(&o, &s).unwrap().area() - auc).abs() < 1e-15);
    }

    #[test]
    fn one_class_is_an_error() {
        let e = roc_auc_flat(&[true, true], &[0.1_f64, 0.2]).unwrap_err();
        assert!(matches!(e, SkillError::OneClass { positives: 2, negatives: 0, .. }), "{e}");
    }

    #[test]
    fn brier_refuses_bad_values() {
        assert!(brier_score_flat(&[1.0_f64], &[1.5_f64]).is_err());
        assert!(brier_score_flat(&[2.0_f64], &[0.5_f64]).is_err());
        assert_eq!(brier_score_flat(&[1.0_f64, f64::NAN], &[0.5_f64, 0.5]).unwrap(), 0.25);
    }
}
