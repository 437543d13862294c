//! Scores of probabilistic yes/no forecasts: CSI, ETS, F1 at a threshold, and the ROC AUC.
//!
//! Thin wrappers over cumulus-skill (`BinaryTable`, `roc_auc_flat`, `roc_curve`) that take the
//! models' `(n, height, width)` arrays.

use cumulus_skill::{BinaryTable, roc_auc_flat, roc_curve};
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

/// Scores probabilities `p` against labels `y` (1 = convection), forecasting convection where
/// `p >= threshold`: the contingency table is cumulus-skill's [`BinaryTable`] (xskillscore's
/// `threat_score`, `equit_threat_score` and the F1 of its counts), the AUC is
/// [`roc_auc_flat`] (the Mann–Whitney form of scikit-learn's `roc_auc_score`). A score whose
/// denominator is zero is NaN, as in xskillscore.
///
/// # Errors
/// [`MlError::Shape`] when the shapes differ, [`MlError::Empty`] with no pixel,
/// [`MlError::BadArgument`] for a non-finite probability, [`MlError::Skill`] when the labels
/// hold only one class (the AUC is undefined).
pub fn evaluate(p: ArrayView3<f32>, y: ArrayView3<f32>, threshold: f32) -> Result<Scores, MlError> {
    let (p, y) = flatten(p, y)?;
    let t = BinaryTable::from_scores(&y, &p, f64::from(threshold))?;
    let auc = roc_auc_flat(&y, &p)?;
    Ok(Scores {
        threshold,
        csi: t.csi(),
        ets: t.equit_threat_score(),
        f1: t.f1(),
        auc,
        base_rate: (t.hits + t.misses) as f64 / t.total() as f64,
    })
}

/// The threshold with the highest CSI on `(p, y)` (choose it on the training data), among the
/// distinct values of `p`: a walk along cumulus-skill's [`roc_curve`], where the point at
/// threshold `t` forecasts yes for `p >= t` with `hits = tpr · P` and
/// `false alarms = fpr · N`, so `CSI = hits / (P + false alarms)`.
///
/// # Errors
/// As [`evaluate`].
pub fn best_threshold(p: ArrayView3<f32>, y: ArrayView3<f32>) -> Result<f32, MlError> {
    let (p, y) = flatten(p, y)?;
    let curve = roc_curve(&y, &p)?;
    let pos = y.iter().filter(|&&v| v).count() as f64;
    let neg = y.len() as f64 - pos;
    let mut best = (f32::INFINITY, -1.0);
    // The first point is the +inf threshold (nothing forecast); skip it.
    for ((&fpr, &tpr), &t) in curve.fpr.iter().zip(&curve.tpr).zip(&curve.thresholds).skip(1) {
        let (hits, false_alarms) = ((tpr * pos).round(), (fpr * neg).round());
        let csi = hits / (pos + false_alarms);
        if csi > best.1 {
            best = (t as f32, csi);
        }
    }
    Ok(best.0)
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
        // One class only: no ROC AUC (cumulus-skill's OneClass), not a silent 0.5.
        assert!(matches!(evaluate(arr(&[0.3, 0.6]).view(), arr(&[0.0, 0.0]).view(), 0.5), Err(MlError::Skill(_))));
    }
}
