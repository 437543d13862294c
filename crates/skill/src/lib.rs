//! # cumulus-skill
//!
//! Verification metrics (rmse, mae, pearson_r, ...), contingency tables and a classification
//! report, playing the part of xskillscore and scikit-learn metrics.
//!
//! **Status:** not built yet (issue 8). Nothing in this crate is public until it works.
