//! [`PlotError`]: what can go wrong when drawing a figure.

use thiserror::Error;

/// Errors of `cumulus-plot`. Messages name the argument or variable and what was expected.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The array does not have the dimensions the plot needs.
    #[error("{plot} needs {expected}, got ({})", .got.join(", "))]
    Dims {
        /// Which plot ("map", "line chart").
        plot: &'static str,
        /// What was expected, e.g. "a 2-D array with dims latitude and longitude".
        expected: &'static str,
        /// The dimensions the array has.
        got: Vec<String>,
    },
    /// A dimension has no coordinate values, or values that cannot place the cells.
    #[error("{plot} needs the {dim:?} coordinate: {reason}")]
    Coordinate {
        /// Which plot.
        plot: &'static str,
        /// The dimension.
        dim: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Colour limits that cannot be used.
    #[error("bad colour limits vmin = {vmin}, vmax = {vmax}: {reason}")]
    Limits {
        /// The lower limit.
        vmin: f64,
        /// The upper limit.
        vmax: f64,
        /// Why not.
        reason: &'static str,
    },
    /// Every value is NaN, so no limits can be taken from the data.
    #[error("every value of {name} is NaN: {hint}")]
    AllNan {
        /// The variable's name (or "the array").
        name: String,
        /// What follows, and what to do.
        hint: &'static str,
    },
    /// An argument out of its range (a size of zero, mismatched lengths, …).
    #[error("bad argument {arg}: {reason}")]
    Argument {
        /// The argument's name.
        arg: &'static str,
        /// What was expected.
        reason: String,
    },
    /// Computing the array's values failed.
    #[error("computing the values of {name}: {source}")]
    Compute {
        /// The variable's name.
        name: String,
        /// The underlying error.
        source: cumulus_labeled::LabeledError,
    },
    /// One panel of a multi-panel figure failed; `row` and `col` count from 0, as
    /// matplotlib's `axes[row, col]`.
    #[error("panel (row {row}, column {col}): {source}")]
    Panel {
        /// The panel's row, from 0 at the top.
        row: usize,
        /// The panel's column, from 0 at the left.
        col: usize,
        /// What went wrong in that panel.
        source: Box<PlotError>,
    },
    /// plotters failed to draw.
    #[error("drawing the {what}: {reason}")]
    Draw {
        /// What was being drawn.
        what: &'static str,
        /// plotters' message.
        reason: String,
    },
    /// Encoding the PNG failed.
    #[error("encoding the PNG: {0}")]
    Png(#[from] png::EncodingError),
    /// Reading or writing a file failed.
    #[error("writing {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `Result` with [`PlotError`].
pub type Result<T, E = PlotError> = std::result::Result<T, E>;

/// Turn a plotters error into a [`PlotError::Draw`].
pub(crate) fn draw_err<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> PlotError {
    move |e| PlotError::Draw { what, reason: e.to_string() }
}
