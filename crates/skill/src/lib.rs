//! # cumulus-skill
//!
//! Verification metrics of forecasts against observations, playing the part of
//! [xskillscore](https://xskillscore.readthedocs.io) 0.0.29 and of the scikit-learn metrics
//! the workshop uses:
//!
//! - deterministic metrics on [`DataArray`](cumulus_labeled::DataArray)s reduced over named
//!   dimensions, lazily: [`rmse`], [`mse`], [`mae`], [`me`], [`pearson_r`], [`r2`], and
//!   [`spearman_r`], with xskillscore's `skipna` and `weights` ([`MetricOptions`]);
//! - the same on flat slices ([`flat`]) for training loops;
//! - categorical verification: [`Contingency`] (xskillscore's, with category edges, per
//!   position) and [`BinaryTable`] (2 × 2, on slices): hits, misses, false alarms, correct
//!   negatives, POD, FAR, POFD, CSI, ETS, Heidke, Peirce, bias, accuracy, precision,
//!   recall, F1;
//! - probabilistic: [`brier_score`], [`roc_auc`] (and `_flat` forms), [`roc_curve`];
//! - classification: [`ConfusionMatrix`] and sklearn's [`classification_report`].
//!
//! ```
//! use cumulus_skill::{BinaryTable, flat, roc_auc_flat};
//! // A convection classifier's probabilities against the labels, flattened.
//! let label = [true, false, false, true, false, false];
//! let prob = [0.8_f32, 0.3, 0.1, 0.45, 0.5, 0.2];
//! let yes: Vec<bool> = prob.iter().map(|p| *p >= 0.5).collect();
//! let t = BinaryTable::from_bools(&label, &yes)?;
//! println!("CSI {:.2} ETS {:.2} F1 {:.2}", t.csi(), t.equit_threat_score(), t.f1());
//! assert_eq!(roc_auc_flat(&label, &prob)?, 7.0 / 8.0);
//! assert!(flat::rmse(&prob, &label.map(f32::from))? > 0.0);
//! # Ok::<(), cumulus_skill::SkillError>(())
//! ```

pub mod binary;
pub mod confusion;
pub mod contingency;
pub mod deterministic;
pub mod error;
pub mod flat;
mod prepare;
pub mod probabilistic;

pub use binary::BinaryTable;
pub use confusion::{ClassScores, ConfusionMatrix, classification_report};
pub use contingency::Contingency;
pub use deterministic::{MetricOptions, mae, me, mse, pearson_r, r2, rmse, spearman_r};
pub use error::{Result, SkillError};
pub use probabilistic::{RocCurve, brier_score, brier_score_flat, roc_auc, roc_auc_flat, roc_curve};
