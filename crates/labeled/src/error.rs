//! [`LabeledError`]: what can go wrong with names, labels and coordinates.

use thiserror::Error;

/// Errors of the labeled layer; engine errors pass through as [`LabeledError::Engine`].
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LabeledError {
    /// A dimension name that the object does not have.
    #[error("no dimension {dim:?}; the dimensions are {available:?}")]
    NoDim {
        /// The name asked for.
        dim: String,
        /// The names that exist.
        available: Vec<String>,
    },
    /// A variable or coordinate name that does not exist.
    #[error("no variable {name:?}; the variables are {available:?}")]
    NoVariable {
        /// The name asked for.
        name: String,
        /// The names that exist.
        available: Vec<String>,
    },
    /// A label not found in an index.
    #[error("{label} is not in the {dim:?} coordinate ({summary})")]
    NoLabel {
        /// The dimension.
        dim: String,
        /// The label asked for.
        label: String,
        /// A short description of the coordinate (first/last values).
        summary: String,
    },
    /// The nearest label is further than the tolerance.
    #[error("the nearest {dim:?} value to {label} is {nearest}, further than the tolerance {tolerance}")]
    BeyondTolerance {
        /// The dimension.
        dim: String,
        /// The label asked for.
        label: String,
        /// The nearest value found.
        nearest: String,
        /// The tolerance given.
        tolerance: String,
    },
    /// A selector that does not fit the coordinate (a string on a numeric axis, …).
    #[error("cannot select {selector} on {dim:?}: {reason}")]
    BadSelector {
        /// The dimension.
        dim: String,
        /// The selector.
        selector: String,
        /// Why not.
        reason: String,
    },
    /// A date string that cannot be read.
    #[error("cannot read the date {text:?}: expected {expected}")]
    BadDate {
        /// The text.
        text: String,
        /// The accepted forms.
        expected: String,
    },
    /// CF time metadata that cannot be decoded.
    #[error("cannot decode CF time units {units:?}: {reason}")]
    CfTime {
        /// The `units` attribute.
        units: String,
        /// Why not.
        reason: String,
    },
    /// Objects that do not fit together (sizes of a dimension, coordinates).
    #[error("{op}: {reason}")]
    Mismatch {
        /// The operation.
        op: String,
        /// What does not fit.
        reason: String,
    },
    /// An error from the chunked engine (shapes, a failing chunk, …).
    #[error(transparent)]
    Engine(#[from] cumulus_chunked::ChunkedError),
}

/// Shorthand for results in this crate.
pub type Result<T, E = LabeledError> = std::result::Result<T, E>;
