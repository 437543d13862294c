//! [`BinaryTable`]: the 2 × 2 contingency table of a yes/no forecast (hits, misses, false
//! alarms, correct negatives) and its scores, on flat slices. [`Contingency`] gives the same
//! scores per position of a DataArray.
//!
//! The scores follow xskillscore's `Contingency` (a 0 / 0 is NaN), and sklearn's names are
//! there too: `precision` = success ratio, `recall` = hit rate (POD), `f1`.
//!
//! ```
//! use cumulus_skill::BinaryTable;
//! // Convection observed / forecast at 8 grid points.
//! let obs =  [true, true, true, false, false, false, false, false];
//! let fcst = [true, true, false, true, false, false, false, false];
//! let t = BinaryTable::from_bools(&obs, &fcst)?;
//! assert_eq!((t.hits, t.misses, t.false_alarms, t.correct_negatives), (2, 1, 1, 4));
//! assert_eq!(t.threat_score(), 0.5);            // CSI = 2 / (2 + 1 + 1)
//! assert_eq!(t.hit_rate(), 2.0 / 3.0);          // POD
//! assert_eq!(t.false_alarm_ratio(), 1.0 / 3.0); // FAR
//! assert_eq!(t.accuracy(), 0.75);
//! # Ok::<(), cumulus_skill::SkillError>(())
//! ```
//!
//! [`Contingency`]: crate::Contingency

use crate::error::Result;
use crate::flat::check_len;

/// Counts of a yes/no forecast against yes/no observations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BinaryTable {
    /// Observed yes, forecast yes.
    pub hits: u64,
    /// Observed yes, forecast no.
    pub misses: u64,
    /// Observed no, forecast yes.
    pub false_alarms: u64,
    /// Observed no, forecast no.
    pub correct_negatives: u64,
}

impl BinaryTable {
    /// Count the pairs of two boolean slices.
    ///
    /// # Errors
    /// [`SkillError::Length`](crate::SkillError::Length) when the slices differ in length.
    pub fn from_bools(observed: &[bool], forecast: &[bool]) -> Result<BinaryTable> {
        check_len("BinaryTable", "observed", observed.len(), "forecast", forecast.len())?;
        let mut t = BinaryTable::default();
        for (&o, &f) in observed.iter().zip(forecast) {
            t.add(o, f);
        }
        Ok(t)
    }

    /// Count the pairs of two numeric slices, an event being a value `>= threshold` (the
    /// upper category of xskillscore's edges `[-inf, threshold, inf]`); pairs with a NaN are
    /// left out. For a strict `> 5` (as the workshop's `tp > 5` label), compare yourself and
    /// use [`BinaryTable::from_bools`].
    ///
    /// ```
    /// use cumulus_skill::BinaryTable;
    /// let t = BinaryTable::from_threshold(&[0.0_f32, 7.0, 5.0, f32::NAN], &[6.0_f32, 9.0, 1.0, 8.0], 5.0)?;
    /// assert_eq!((t.hits, t.misses, t.false_alarms, t.correct_negatives), (1, 1, 1, 0));
    /// # Ok::<(), cumulus_skill::SkillError>(())
    /// ```
    ///
    /// # Errors
    /// [`SkillError::Length`](crate::SkillError::Length) when the slices differ in length.
    pub fn from_threshold<A: Copy + Into<f64>, B: Copy + Into<f64>>(
        observed: &[A],
        forecast: &[B],
        threshold: f64,
    ) -> Result<BinaryTable> {
        check_len("BinaryTable", "observed", observed.len(), "forecast", forecast.len())?;
        let mut t = BinaryTable::default();
        for (&o, &f) in observed.iter().zip(forecast) {
            let (o, f): (f64, f64) = (o.into(), f.into());
            if !o.is_nan() && !f.is_nan() {
                t.add(o >= threshold, f >= threshold);
            }
        }
        Ok(t)
    }

    /// Count yes/no labels against scores (a classifier's probabilities, say), a score
    /// `>= threshold` meaning "yes"; pairs with a NaN score are left out.
    ///
    /// ```
    /// use cumulus_skill::BinaryTable;
    /// let label = [true, false, true, false];
    /// let prob = [0.9_f32, 0.6, 0.3, f32::NAN];
    /// let t = BinaryTable::from_scores(&label, &prob, 0.5)?;
    /// assert_eq!((t.hits, t.misses, t.false_alarms, t.correct_negatives), (1, 1, 1, 0));
    /// # Ok::<(), cumulus_skill::SkillError>(())
    /// ```
    ///
    /// # Errors
    /// [`SkillError::Length`](crate::SkillError::Length) when the slices differ in length.
    pub fn from_scores<S: Copy + Into<f64>>(observed: &[bool], scores: &[S], threshold: f64) -> Result<BinaryTable> {
        check_len("BinaryTable", "observed", observed.len(), "scores", scores.len())?;
        let mut t = BinaryTable::default();
        for (&o, &s) in observed.iter().zip(scores) {
            let s: f64 = s.into();
            if !s.is_nan() {
                t.add(o, s >= threshold);
            }
        }
        Ok(t)
    }

    /// Count one pair.
    pub fn add(&mut self, observed: bool, forecast: bool) {
        match (observed, forecast) {
            (true, true) => self.hits += 1,
            (true, false) => self.misses += 1,
            (false, true) => self.false_alarms += 1,
            (false, false) => self.correct_negatives += 1,
        }
    }

    /// The four counts as `f64`: hits, misses, false alarms, correct negatives.
    fn f(&self) -> (f64, f64, f64, f64) {
        (self.hits as f64, self.misses as f64, self.false_alarms as f64, self.correct_negatives as f64)
    }

    /// Number of pairs.
    pub fn total(&self) -> u64 {
        self.hits + self.misses + self.false_alarms + self.correct_negatives
    }

    /// Frequency bias `(hits + false alarms) / (hits + misses)`.
    pub fn bias_score(&self) -> f64 {
        let (a, c, b, _) = self.f();
        (a + b) / (a + c)
    }

    /// Hit rate, probability of detection (POD), sklearn's recall: `hits / (hits + misses)`.
    pub fn hit_rate(&self) -> f64 {
        let (a, c, _, _) = self.f();
        a / (a + c)
    }

    /// Probability of detection: the same as [`BinaryTable::hit_rate`].
    pub fn pod(&self) -> f64 {
        self.hit_rate()
    }

    /// False alarm ratio (FAR) `false alarms / (hits + false alarms)`.
    pub fn false_alarm_ratio(&self) -> f64 {
        let (a, _, b, _) = self.f();
        b / (a + b)
    }

    /// False alarm rate, probability of false detection (POFD):
    /// `false alarms / (correct negatives + false alarms)`.
    pub fn false_alarm_rate(&self) -> f64 {
        let (_, _, b, d) = self.f();
        b / (d + b)
    }

    /// Success ratio, sklearn's precision: `hits / (hits + false alarms)`.
    pub fn success_ratio(&self) -> f64 {
        let (a, _, b, _) = self.f();
        a / (a + b)
    }

    /// Threat score, critical success index (CSI): `hits / (hits + misses + false alarms)`.
    pub fn threat_score(&self) -> f64 {
        let (a, c, b, _) = self.f();
        a / (a + c + b)
    }

    /// Critical success index: the same as [`BinaryTable::threat_score`].
    pub fn csi(&self) -> f64 {
        self.threat_score()
    }

    /// Equitable threat score (ETS, Gilbert skill score): the threat score with the hits
    /// expected by chance, `(hits + misses)(hits + false alarms) / total`, taken out.
    pub fn equit_threat_score(&self) -> f64 {
        let (a, c, b, _) = self.f();
        let random = (a + c) * (a + b) / self.total() as f64;
        (a - random) / (a + c + b - random)
    }

    /// Odds ratio `hits · correct negatives / (misses · false alarms)`.
    pub fn odds_ratio(&self) -> f64 {
        let (a, c, b, d) = self.f();
        (a * d) / (c * b)
    }

    /// Odds ratio skill score (Yule's Q) `(ad − bc) / (ad + bc)`.
    pub fn odds_ratio_skill_score(&self) -> f64 {
        let (a, c, b, d) = self.f();
        (a * d - c * b) / (a * d + c * b)
    }

    /// Fraction of correct forecasts `(hits + correct negatives) / total`.
    pub fn accuracy(&self) -> f64 {
        let (a, _, _, d) = self.f();
        (a + d) / self.total() as f64
    }

    /// Heidke skill score: accuracy against the accuracy expected by chance.
    pub fn heidke_score(&self) -> f64 {
        let (a, c, b, d) = self.f();
        let n = self.total() as f64;
        let chance = ((a + c) * (a + b) + (b + d) * (c + d)) / (n * n);
        (self.accuracy() - chance) / (1.0 - chance)
    }

    /// Peirce skill score (Hanssen–Kuipers, true skill statistic): hit rate − false alarm rate.
    pub fn peirce_score(&self) -> f64 {
        let (a, c, b, d) = self.f();
        let n = self.total() as f64;
        let chance = ((a + c) * (a + b) + (b + d) * (c + d)) / (n * n);
        let obs2 = ((a + c) * (a + c) + (b + d) * (b + d)) / (n * n);
        (self.accuracy() - chance) / (1.0 - obs2)
    }

    /// sklearn's precision of the "yes" class: the success ratio (NaN when nothing is
    /// forecast yes; sklearn reports 0 there with a warning).
    pub fn precision(&self) -> f64 {
        self.success_ratio()
    }

    /// sklearn's recall of the "yes" class: the hit rate.
    pub fn recall(&self) -> f64 {
        self.hit_rate()
    }

    /// F1 score `2 · hits / (2 · hits + misses + false alarms)`, the harmonic mean of
    /// precision and recall.
    pub fn f1(&self) -> f64 {
        let (a, c, b, _) = self.f();
        2.0 * a / (2.0 * a + c + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wilks (2011), Table 8.1: the Finley tornado forecasts (a = 28, b = 72, c = 23,
    /// d = 2680), with the scores Wilks gives.
    #[test]
    fn finley_tornado_forecasts() {
        let t = BinaryTable { hits: 28, false_alarms: 72, misses: 23, correct_negatives: 2680 };
        let close = |x: f64, y: f64, tol: f64| assert!((x - y).abs() < tol, "{x} vs {y}");
        close(t.accuracy(), 0.966, 5e-4);
        close(t.threat_score(), 0.228, 5e-4);
        close(t.hit_rate(), 0.549, 5e-4);
        close(t.false_alarm_ratio(), 0.720, 5e-4);
        close(t.bias_score(), 1.96, 5e-3);
        close(t.heidke_score(), 0.355, 5e-4);
        close(t.peirce_score(), 0.523, 5e-4);
        close(t.equit_threat_score(), 0.216, 5e-4);
    }

    #[test]
    fn perfect_forecast() {
        let obs = [true, false, true, false, false];
        let t = BinaryTable::from_bools(&obs, &obs).unwrap();
        assert_eq!(t.threat_score(), 1.0);
        assert_eq!(t.equit_threat_score(), 1.0);
        assert_eq!(t.heidke_score(), 1.0);
        assert_eq!(t.f1(), 1.0);
        assert_eq!(t.false_alarm_ratio(), 0.0);
    }

    #[test]
    fn no_event_gives_nan_not_a_panic() {
        let t = BinaryTable::from_bools(&[false, false], &[false, false]).unwrap();
        assert!(t.threat_score().is_nan());
        assert!(t.hit_rate().is_nan());
        assert_eq!(t.accuracy(), 1.0);
    }
}
