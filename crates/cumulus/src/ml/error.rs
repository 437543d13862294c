//! [`MlError`]: what can go wrong loading data for, training and scoring the models.

use thiserror::Error;

/// An error of the [`ml`](crate::ml) module; each names the argument or variable at fault.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MlError {
    /// An array has the wrong shape.
    #[error("{what}: expected shape {expected}, got {got:?}")]
    Shape {
        /// Which array.
        what: &'static str,
        /// The shape that was expected, in words.
        expected: String,
        /// The shape that came.
        got: Vec<usize>,
    },
    /// An argument is out of its range.
    #[error("{argument}: {reason}")]
    BadArgument {
        /// Which argument.
        argument: &'static str,
        /// What was wrong and what was expected.
        reason: String,
    },
    /// There is nothing to train on or to score.
    #[error("{what} is empty")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// Reading the stores failed.
    #[error("loading {variable}: {source}")]
    Load {
        /// The variable being read.
        variable: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Features hold NaN or infinite values (missing data the models cannot use).
    #[error(
        "{variable}: {count} NaN or infinite values (first: {first}); expected finite values (fill or drop missing data before training)"
    )]
    NotFinite {
        /// The variable, or the array and channel, at fault.
        variable: String,
        /// How many values are not finite.
        count: usize,
        /// The first one and where it is.
        first: String,
    },
    /// A split of the data (training or validation) has no data.
    #[error("the {split} split is empty: {reason}")]
    EmptySplit {
        /// `"training"` or `"validation"`.
        split: &'static str,
        /// What is missing and what was expected.
        reason: String,
    },
    /// Two arrays that must share their coordinates do not.
    #[error("{what}: coordinate {coord} differs from {other}'s ({detail})")]
    Coordinates {
        /// The array at fault.
        what: String,
        /// The array it must match.
        other: String,
        /// The coordinate (dimension) that differs.
        coord: String,
        /// How it differs.
        detail: String,
    },
    /// A model library (linfa) failed to fit.
    #[error("fitting {model}: {reason}")]
    Fit {
        /// The model.
        model: &'static str,
        /// linfa's message.
        reason: String,
    },
    /// Writing a figure failed (boxed: a plot error is large, and every `Result` of this
    /// module carries the size of its largest variant).
    #[error("figure: {0}")]
    Plot(Box<cumulus_plot::PlotError>),
    /// Working with labeled arrays failed (selection, reduction, computation).
    #[error("labeled arrays: {0}")]
    Labeled(#[from] cumulus_labeled::LabeledError),
    /// Writing the report or a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or stream.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing the results (to stdout or a file) failed.
    #[error("writing the results: {0}")]
    Report(#[from] std::io::Error),
    /// Scoring failed in cumulus-skill (e.g. labels of only one class have no ROC AUC).
    #[error("scoring: {0}")]
    Skill(#[from] cumulus_skill::SkillError),
    /// Building or reading batches failed in cumulus-batches.
    #[error("batches: {0}")]
    Batches(#[from] cumulus_batches::BatchError),
    /// The tensor library failed (a bug or out of memory, not bad input).
    #[error("tensor computation in {context}: {source}")]
    Tensor {
        /// What was being done.
        context: &'static str,
        /// The underlying error.
        #[source]
        source: candle_core::Error,
    },
    /// Reading or writing a checkpoint failed.
    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// Wraps a candle error with what was being done.
pub(crate) fn tensor(context: &'static str) -> impl FnOnce(candle_core::Error) -> MlError {
    move |source| MlError::Tensor { context, source }
}

impl From<cumulus_plot::PlotError> for MlError {
    fn from(e: cumulus_plot::PlotError) -> Self {
        MlError::Plot(Box::new(e))
    }
}
