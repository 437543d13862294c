//! [`SkillError`]: what can go wrong when scoring forecasts.

use thiserror::Error;

/// Errors of the verification metrics. Each names the argument or dimension at fault and
/// what was expected; errors of the labeled layer pass through as [`SkillError::Labeled`].
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SkillError {
    /// A metric was asked to reduce over no dimension (xskillscore refuses `dim=[]` too).
    #[error("{metric}: the list of dimensions to reduce is empty; name at least one, or use Dims::All")]
    EmptyDims {
        /// The metric.
        metric: &'static str,
    },
    /// A dimension to reduce that one of the inputs lacks.
    #[error("{metric}: argument {argument:?} has no dimension {dim:?}; its dimensions are {available:?}")]
    NoDim {
        /// The metric.
        metric: &'static str,
        /// Which argument (`a`, `b`, `observations`, `weights`, …).
        argument: &'static str,
        /// The dimension asked for.
        dim: String,
        /// The dimensions the argument has.
        available: Vec<String>,
    },
    /// Two inputs that cannot be aligned (no common labels, or different sizes without
    /// coordinates) along a dimension.
    #[error("{metric}: cannot align the inputs along {dim:?}: {reason}")]
    Align {
        /// The metric.
        metric: &'static str,
        /// The dimension.
        dim: String,
        /// What does not fit.
        reason: String,
    },
    /// Weights that do not fit the metric.
    #[error("{metric}: bad weights: {reason}")]
    Weights {
        /// The metric.
        metric: &'static str,
        /// Why not.
        reason: String,
    },
    /// Two flat inputs of different lengths.
    #[error("{metric}: {a_name} has {a_len} values but {b_name} has {b_len}; expected the same length")]
    Length {
        /// The metric.
        metric: &'static str,
        /// Name of the first argument.
        a_name: &'static str,
        /// Its length.
        a_len: usize,
        /// Name of the second argument.
        b_name: &'static str,
        /// Its length.
        b_len: usize,
    },
    /// Values outside what the metric accepts (probabilities outside [0, 1], observations
    /// that are not 0 or 1, class labels beyond the number of classes, …).
    #[error("{metric}: {argument} {reason}")]
    BadValue {
        /// The metric.
        metric: &'static str,
        /// Which argument.
        argument: &'static str,
        /// What is wrong, with the first offending value.
        reason: String,
    },
    /// Category edges that are not at least two strictly increasing numbers.
    #[error("{argument}: {reason}; expected at least two strictly increasing edges, e.g. [-inf, 5, inf]")]
    Edges {
        /// `observation_category_edges` or `forecast_category_edges`.
        argument: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A score defined only for two categories asked of a larger table.
    #[error(
        "{score} can only be computed for dichotomous (2-category) data; this table has {n_observation} observation and {n_forecast} forecast categories"
    )]
    NotDichotomous {
        /// The score.
        score: &'static str,
        /// Observation categories.
        n_observation: usize,
        /// Forecast categories.
        n_forecast: usize,
    },
    /// A score that needs both classes (ROC AUC) on data with one.
    #[error(
        "{metric}: the observations hold only one class ({positives} positive, {negatives} negative); the score needs both"
    )]
    OneClass {
        /// The metric.
        metric: &'static str,
        /// Number of positive observations.
        positives: usize,
        /// Number of negative observations.
        negatives: usize,
    },
    /// An error of the labeled layer (an engine error, a failing chunk, …).
    #[error(transparent)]
    Labeled(#[from] cumulus_labeled::LabeledError),
}

/// Shorthand for results in this crate.
pub type Result<T, E = SkillError> = std::result::Result<T, E>;

impl From<cumulus_chunked::ChunkedError> for SkillError {
    fn from(e: cumulus_chunked::ChunkedError) -> SkillError {
        SkillError::Labeled(e.into())
    }
}
