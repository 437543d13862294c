//! [`ConfusionMatrix`] of class labels and sklearn's `classification_report`.
//!
//! ```
//! use cumulus_skill::ConfusionMatrix;
//! // sklearn's documentation example.
//! let y_true = [0, 1, 2, 2, 2];
//! let y_pred = [0, 0, 2, 2, 1];
//! let cm = ConfusionMatrix::new(&y_true, &y_pred, 3)?;
//! assert_eq!(cm.get(2, 2), 2);
//! let report = cm.classification_report(Some(&["class 0", "class 1", "class 2"]), 2)?;
//! let expected = "              precision    recall  f1-score   support
//!
//!      class 0       0.50      1.00      0.67         1
//!      class 1       0.00      0.00      0.00         1
//!      class 2       1.00      0.67      0.80         3
//!
//!     accuracy                           0.60         5
//!    macro avg       0.50      0.56      0.49         5
//! weighted avg       0.70      0.60      0.61         5
//! ";
//! assert_eq!(report, expected);
//! # Ok::<(), cumulus_skill::SkillError>(())
//! ```

use std::fmt::Write as _;

use crate::binary::BinaryTable;
use crate::error::{Result, SkillError};
use crate::flat::check_len;

/// Counts of (true class, predicted class) pairs: rows are the true classes, columns the
/// predictions (sklearn's `confusion_matrix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionMatrix {
    n: usize,
    counts: Vec<u64>,
}

/// Precision, recall, F1 and support of one class (sklearn's `zero_division=0`: a 0 / 0 is 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassScores {
    /// `tp / (tp + fp)`.
    pub precision: f64,
    /// `tp / (tp + fn)`.
    pub recall: f64,
    /// `2 tp / (2 tp + fp + fn)`.
    pub f1: f64,
    /// Number of true members of the class.
    pub support: u64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl ConfusionMatrix {
    /// Count the pairs of class labels `0..n_classes`.
    ///
    /// # Errors
    /// Different lengths; a label `>= n_classes` ([`SkillError::BadValue`]).
    pub fn new(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Result<ConfusionMatrix> {
        check_len("confusion_matrix", "y_true", y_true.len(), "y_pred", y_pred.len())?;
        let mut counts = vec![0u64; n_classes * n_classes];
        for (argument, ys) in [("y_true", y_true), ("y_pred", y_pred)] {
            if let Some(y) = ys.iter().find(|&&y| y >= n_classes) {
                return Err(SkillError::BadValue {
                    metric: "confusion_matrix",
                    argument,
                    reason: format!("holds the class {y}; expected classes 0..{n_classes}"),
                });
            }
        }
        for (&t, &p) in y_true.iter().zip(y_pred) {
            counts[t * n_classes + p] += 1;
        }
        Ok(ConfusionMatrix { n: n_classes, counts })
    }

    /// The 2 × 2 matrix of yes/no labels (class 0 = `false`, class 1 = `true`).
    ///
    /// # Errors
    /// Different lengths.
    pub fn from_bools(y_true: &[bool], y_pred: &[bool]) -> Result<ConfusionMatrix> {
        let t: Vec<usize> = y_true.iter().map(|&b| usize::from(b)).collect();
        let p: Vec<usize> = y_pred.iter().map(|&b| usize::from(b)).collect();
        ConfusionMatrix::new(&t, &p, 2)
    }

    /// The number of classes.
    pub fn n_classes(&self) -> usize {
        self.n
    }

    /// The count of true class `t` predicted as `p` (0 outside the classes).
    pub fn get(&self, t: usize, p: usize) -> u64 {
        if t < self.n && p < self.n { self.counts[t * self.n + p] } else { 0 }
    }

    /// The rows (true classes) of counts.
    pub fn rows(&self) -> Vec<Vec<u64>> {
        self.counts.chunks(self.n.max(1)).map(<[u64]>::to_vec).collect()
    }

    /// The number of pairs.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Fraction of correct predictions.
    pub fn accuracy(&self) -> f64 {
        ratio((0..self.n).map(|k| self.get(k, k)).sum(), self.total())
    }

    /// Class `k` against the others as a yes/no table (`k` is "yes").
    pub fn one_vs_rest(&self, k: usize) -> BinaryTable {
        let tp = self.get(k, k);
        let support: u64 = (0..self.n).map(|p| self.get(k, p)).sum();
        let predicted: u64 = (0..self.n).map(|t| self.get(t, k)).sum();
        BinaryTable {
            hits: tp,
            misses: support - tp,
            false_alarms: predicted - tp,
            correct_negatives: self.total() + tp - support - predicted,
        }
    }

    /// Precision, recall, F1 and support of class `k`.
    pub fn scores(&self, k: usize) -> ClassScores {
        let t = self.one_vs_rest(k);
        ClassScores {
            precision: ratio(t.hits, t.hits + t.false_alarms),
            recall: ratio(t.hits, t.hits + t.misses),
            f1: ratio(2 * t.hits, 2 * t.hits + t.false_alarms + t.misses),
            support: t.hits + t.misses,
        }
    }

    /// The classes that occur as truth or prediction (sklearn's `unique_labels`).
    pub fn present_classes(&self) -> Vec<usize> {
        (0..self.n).filter(|&k| (0..self.n).any(|j| self.get(k, j) > 0 || self.get(j, k) > 0)).collect()
    }

    /// sklearn's `classification_report(y_true, y_pred, target_names=..., digits=...)` as text:
    /// one row per class present, then accuracy, macro and support-weighted averages.
    /// `target_names` name the present classes in order (default: their numbers).
    ///
    /// # Errors
    /// [`SkillError::BadValue`] when the number of names differs from the classes present.
    pub fn classification_report(&self, target_names: Option<&[&str]>, digits: usize) -> Result<String> {
        let classes = self.present_classes();
        let names: Vec<String> = match target_names {
            Some(n) if n.len() != classes.len() => {
                return Err(SkillError::BadValue {
                    metric: "classification_report",
                    argument: "target_names",
                    reason: format!("has {} names for the {} classes present {classes:?}", n.len(), classes.len()),
                });
            }
            Some(n) => n.iter().map(|s| s.to_string()).collect(),
            None => classes.iter().map(|k| k.to_string()).collect(),
        };
        let last = "weighted avg";
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).max(last.len()).max(digits);
        let mut out = String::new();
        let _ = write!(out, "{:>width$} ", "");
        for h in ["precision", "recall", "f1-score", "support"] {
            let _ = write!(out, " {h:>9}");
        }
        out.push_str("\n\n");
        let row = |out: &mut String, name: &str, p: f64, r: f64, f: f64, s: u64| {
            let _ = writeln!(out, "{name:>width$}  {p:>9.digits$} {r:>9.digits$} {f:>9.digits$} {s:>9}");
        };
        let scores: Vec<ClassScores> = classes.iter().map(|&k| self.scores(k)).collect();
        for (name, s) in names.iter().zip(&scores) {
            row(&mut out, name, s.precision, s.recall, s.f1, s.support);
        }
        out.push('\n');
        let total: u64 = scores.iter().map(|s| s.support).sum();
        let _ =
            writeln!(out, "{:>width$}  {:>9} {:>9} {:>9.digits$} {:>9}", "accuracy", "", "", self.accuracy(), total);
        let n = scores.len().max(1) as f64;
        let macro_avg = |f: fn(&ClassScores) -> f64| scores.iter().map(f).sum::<f64>() / n;
        row(&mut out, "macro avg", macro_avg(|s| s.precision), macro_avg(|s| s.recall), macro_avg(|s| s.f1), total);
        let weighted = |f: fn(&ClassScores) -> f64| {
            if total == 0 { 0.0 } else { scores.iter().map(|s| f(s) * s.support as f64).sum::<f64>() / total as f64 }
        };
        row(&mut out, "weighted avg", weighted(|s| s.precision), weighted(|s| s.recall), weighted(|s| s.f1), total);
        Ok(out)
    }
}

/// sklearn's `classification_report` of yes/no labels (classes `0` = false, `1` = true), e.g.
/// a convection classifier's predictions against the labels.
///
/// # Errors
/// Different lengths.
pub fn classification_report(y_true: &[bool], y_pred: &[bool], target_names: Option<&[&str]>) -> Result<String> {
    ConfusionMatrix::from_bools(y_true, y_pred)?.classification_report(target_names, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_matches_the_table() {
        let t = [true, true, false, false, true];
        let p = [true, false, false, true, true];
        let cm = ConfusionMatrix::from_bools(&t, &p).unwrap();
        assert_eq!(cm.rows(), vec![vec![1, 1], vec![1, 2]]);
        let b = BinaryTable::from_bools(&t, &p).unwrap();
        assert_eq!(cm.one_vs_rest(1), b);
        assert_eq!(cm.scores(1).f1, b.f1());
    }

    #[test]
    fn bad_labels_are_errors() {
        assert!(ConfusionMatrix::new(&[0, 3], &[0, 1], 2).is_err());
        assert!(ConfusionMatrix::new(&[0], &[0, 1], 2).is_err());
        let cm = ConfusionMatrix::new(&[0, 1], &[0, 1], 2).unwrap();
        assert!(cm.classification_report(Some(&["only one"]), 2).is_err());
    }
}
