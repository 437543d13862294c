//! Scores of probabilistic yes/no forecasts: CSI, ETS, F1 at a threshold, and the ROC AUC.
//!
//! Small private versions until `cumulus-skill` lands; the formulas are xskillscore's
//! (`threat_score`, `equit_threat_score`, `f1`-style from the contingency table, `roc`'s area).

use ndarray::ArrayView3;

use super::error::MlError;

/// The scores of one model on one data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    /// The probability above which convection is forecast.
    pub threshold: f32,
    /// Critical success index (threat score): `hits / (hits + misses + false alarms)`.
    pub csi: f64,
    /// Equitable threat score (Gilbert skill score): the CSI corrected for hits by chance.
    pub ets: f64,
    /// F1 score: `2 hits / (2 hits + misses + false alarms)`.
    pub f1: f64,
    /// Area under the ROC curve (0.5: no skill, 1: perfect); ties count one half.
    pub auc: f64,
    /// Fraction of pixels with convection.
    pub base_rate: f64,
}

fn flatten(p: ArrayView3<f32>, y: ArrayView3<f32>) -> Result<(Vec<f32>, Vec<bool>), MlError> {
    if p.shape() != y.shape() {
        return Err(MlError::Shape {
            what: "probabilities",
            expected: format!("the labels' shape {:?}", y.shape()),
            got: p.shape().to_vec(),
        });
    }
    if p.is_empty() {
        return Err(MlError::Empty { what: "the pixels to score" });
    }
    if let Some(v) = p.iter().find(|v| !v.is_finite()) {
        return Err(MlError::BadArgument { argument: "probabilities", reason: format!("must be finite, got {v}") });
    }
    Ok((p.iter().copied().collect(), y.iter().map(|&v| v > 0.5).collect()))
}

/// Hits, false alarms, misses, correct negatives.
fn table(a: f64, b: f64, c: f64, d: f64) -> (f64, f64, f64) {
    let n = a + b + c + d;
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
    let csi = ratio(a, a + b + c);
    let random = (a + b) * (a + c) / n;
    let ets = ratio(a - random, a + b + c - random);
    let f1 = ratio(2.0 * a, 2.0 * a + b + c);
    (csi, ets, f1)
}

/// Scores probabilities `p` against labels `y` (1 = convection), forecasting convection where
/// `p >= threshold`.
///
/// # Errors
/// [`MlError::Shape`] when the shapes differ, [`MlError::Empty`] with no pixel,
/// [`MlError::BadArgument`] for a non-finite probability.
pub fn evaluate(p: ArrayView3<f32>, y: ArrayView3<f32>, threshold: f32) -> Result<Scores, MlError> {
    let (p, y) = flatten(p, y)?;
    let (mut a, mut b, mut c, mut d) = (0.0, 0.0, 0.0, 0.0);
    for (&pk, &yk) in p.iter().zip(&y) {
        match (pk >= threshold, yk) {
            (true, true) => a += 1.0,
            (true, false) => b += 1.0,
            (false, true) => c += 1.0,
            (false, false) => d += 1.0,
        }
    }
    let (csi, ets, f1) = table(a, b, c, d);
    Ok(Scores { threshold, csi, ets, f1, auc: auc(&p, &y), base_rate: (a + c) / p.len() as f64 })
}

/// The threshold with the highest CSI on `(p, y)` (choose it on the training data), among the
/// distinct values of `p`.
///
/// # Errors
/// As [`evaluate`].
pub fn best_threshold(p: ArrayView3<f32>, y: ArrayView3<f32>) -> Result<f32, MlError> {
    let (p, y) = flatten(p, y)?;
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&i, &j| p[j].total_cmp(&p[i]));
    let pos = y.iter().filter(|&&v| v).count() as f64;
    let (mut a, mut b) = (0.0, 0.0);
    let (mut best, mut best_csi) = (f32::INFINITY, -1.0);
    let mut k = 0;
    while k < order.len() {
        // Forecast yes for every pixel with p >= p[order[k]] (whole tie groups at once).
        let t = p[order[k]];
        while k < order.len() && p[order[k]] == t {
            if y[order[k]] {
                a += 1.0
            } else {
                b += 1.0
            }
            k += 1;
        }
        let csi = a / (pos + b).max(1.0);
        if csi > best_csi {
            (best, best_csi) = (t, csi);
        }
    }
    Ok(best)
}

/// The ROC AUC by the Mann–Whitney rank sum, ties sharing their mean rank; 0.5 when one class
/// is absent.
fn auc(p: &[f32], y: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
    let (mut rank_sum, mut k) = (0.0f64, 0usize);
    while k < order.len() {
        let start = k;
        while k < order.len() && p[order[k]] == p[order[start]] {
            k += 1;
        }
        let mean_rank = (start + k + 1) as f64 / 2.0; // ranks start..k are 1-based start+1..=k
        rank_sum += mean_rank * order[start..k].iter().filter(|&&i| y[i]).count() as f64;
    }
    let n_pos = y.iter().filter(|&&v| v).count() as f64;
    let n_neg = y.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return 0.5;
    }
    (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    fn arr(v: &[f32]) -> Array3<f32> {
        Array3::from_shape_vec((1, 1, v.len()), v.to_vec()).unwrap()
    }

    #[test]
    fn scores_match_a_hand_computed_table() {
        // Forecast yes at p >= 0.5: hits 2, false alarms 1, misses 1, correct negatives 4.
        let p = arr(&[0.9, 0.8, 0.7, 0.2, 0.1, 0.1, 0.3, 0.4]);
        let y = arr(&[1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
        let s = evaluate(p.view(), y.view(), 0.5).unwrap();
        assert!((s.csi - 0.5).abs() < 1e-12);
        // hits by chance (2+1)(2+1)/8 = 9/8; ETS = (2 - 9/8) / (4 - 9/8) = 7/23
        assert!((s.ets - 7.0 / 23.0).abs() < 1e-12);
        assert!((s.f1 - 4.0 / 6.0).abs() < 1e-12);
        // Pairs (positive, negative) ranked right: 0.9 and 0.8 beat all 5 negatives, 0.2 beats
        // 0.1 and 0.1 only: (5 + 5 + 2) / 15.
        assert!((s.auc - 12.0 / 15.0).abs() < 1e-12);
        assert!((s.base_rate - 3.0 / 8.0).abs() < 1e-12);
    }

    #[test]
    fn ties_count_one_half_and_best_threshold_maximises_csi() {
        let s = evaluate(arr(&[0.5, 0.5]).view(), arr(&[1.0, 0.0]).view(), 0.5).unwrap();
        assert!((s.auc - 0.5).abs() < 1e-12);
        // CSI at 0.9: 1/2, at 0.8: 2/2 (best), at 0.7: 2/3.
        let t = best_threshold(arr(&[0.9, 0.8, 0.7, 0.2]).view(), arr(&[1.0, 1.0, 0.0, 0.0]).view()).unwrap();
        assert_eq!(t, 0.8);
        assert!(matches!(evaluate(arr(&[0.1]).view(), arr(&[1.0, 0.0]).view(), 0.5), Err(MlError::Shape { .. })));
        assert!(matches!(evaluate(arr(&[f32::NAN]).view(), arr(&[1.0]).view(), 0.5), Err(MlError::BadArgument { .. })));
    }
}
