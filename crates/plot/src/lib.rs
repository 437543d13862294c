//! # cumulus-plot
//!
//! Plots for labeled arrays, drawn with plotters — the part matplotlib plays in the workshop.
//!
//! What exists:
//! - [`Colormap`]: matplotlib's `viridis`, `turbo` and `RdBu_r` as lookup tables giving the
//!   same colours as matplotlib.
//!
//! Not built yet: maps, coastlines, multi-panel figures, line, bar and task-stream charts.

pub mod colormap;
pub mod error;

pub use colormap::{Colormap, Rgba};
pub use error::{PlotError, Result};
