//! # cumulus-plot
//!
//! Plots for labeled arrays, drawn with plotters — the part matplotlib and cartopy play in
//! the workshop.
//!
//! What exists:
//! - [`map()`]: a 2-D latitude × longitude [`DataArray`](cumulus_labeled::DataArray) as
//!   coloured cells with a colorbar, degree ticks, gridlines, coastlines and borders; a title
//!   from the name and the selected level and time; limits from the data (or the 2nd–98th
//!   percentiles with `robust`) or set by hand. Out as SVG, PNG (text in the embedded DejaVu
//!   Sans, no system fonts needed), files, or inline in a Jupyter notebook with evcxr.
//!   Optional overlays: contour lines ([`Map::contours`], by marching squares — see
//!   [`contour`]) and wind arrows from u/v with a reference arrow ([`Map::quiver`] — see
//!   [`quiver`]).
//! - [`Colormap`]: matplotlib's `viridis`, `turbo` and `RdBu_r`, giving matplotlib's colours.
//! - [`coastline`]: Natural Earth 1:50m coastlines and borders for 98–142°E, 8–42°N.
//! - [`bar_chart`]: labelled bars (e.g. store sizes per compressor), with optional value labels.
//! - [`line_chart`]: a 1-D array along `time` as a line with a date axis; NaN leaves gaps;
//!   optionally a log value axis ([`LineChart::log_y`]).
//! - [`panels()`]: several figures in a grid, like matplotlib's `plt.subplots(rows, cols)` —
//!   e.g. a 2 × 3 panel of maps, each with its own colormap, limits, colorbar and title, under
//!   one figure title. Each panel is drawn at its cell's size; maps can share one colour
//!   scale and colorbar ([`Panels::shared_colorbar`]).
//! - [`confusion_matrix`]: a classifier's counts per (true, predicted) class as a heatmap with
//!   the count in each cell, like scikit-learn's `ConfusionMatrixDisplay`; optionally as row
//!   fractions (recall per class).
//! - [`task_stream()`]: the tasks of one compute from its telemetry events, one row per worker
//!   thread, coloured by kind ([`task_stream::KIND_PALETTE`], the task graph's colours).
//!
//! Every figure has the same outputs: `to_svg()`, `to_png_bytes()`, `save_png(path)`,
//! `save_svg(path)`, `save(path)` (by extension) and `evcxr_display()`, which shows it inline
//! in Jupyter with the evcxr kernel when the figure is a cell's last expression.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_labeled::{DataArray, Variable};
//! use ndarray::{ArrayD, IxDyn};
//!
//! let lat: Vec<f64> = (0..=12).map(|i| 40.0 - 2.5 * i as f64).collect();
//! let lon: Vec<f64> = (0..=16).map(|j| 100.0 + 2.5 * j as f64).collect();
//! let t = ArrayD::from_shape_fn(IxDyn(&[13, 17]), |i| 300.0 - i[0] as f64 + i[1] as f64 * 0.1);
//! let da = DataArray::new("temperature",
//!         Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(t, &[13, 17]).unwrap()).unwrap())
//!     .with_coord("latitude", Variable::from_vec("latitude", lat)).unwrap()
//!     .with_coord("longitude", Variable::from_vec("longitude", lon)).unwrap();
//! let png = cumulus_plot::map(&da).robust(true).size(640, 480).to_png_bytes().unwrap();
//! assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
//! ```
//!
//! In a Jupyter notebook with the evcxr kernel, end a cell with the figure (no semicolon)
//! and it shows inline as a PNG:
//!
//! ```text
//! :dep cumulus-plot = { path = "../crates/plot" }
//! cumulus_plot::map(&t850).robust(true).title("850 hPa temperature")
//! ```
//!

mod axis;
pub mod bar;
pub mod coastline;
pub mod colormap;
pub mod confusion;
pub mod contour;
pub mod error;
mod field;
mod font;
pub mod labels;
pub mod limits;
pub mod line;
pub mod map;
mod output;
pub mod panels;
pub mod quiver;
pub mod task_stream;
#[cfg(test)]
mod testutil;
pub mod time_axis;

pub use bar::{BarChart, bar_chart};
pub use colormap::{Colormap, Rgba};
pub use confusion::{ConfusionMatrix, confusion_matrix};
pub use error::{PlotError, Result};
pub use line::{LineChart, line_chart};
pub use map::{Map, map};
pub use panels::{Panel, Panels, panels};
pub use task_stream::{TaskStream, task_stream};
