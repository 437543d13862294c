//! # cumulus-data-gen
//!
//! Synthetic, deterministic ERA5-like data for the cumulus class, so that nobody needs the
//! 200 GB download: one Zarr store per year, `era5_<year>_10N40N_100E140E.zarr`, with the
//! workshop's grid (latitude 40 → 10°N, longitude 100 → 140°E, 0.25°), its 13 pressure levels,
//! hourly time, nine variables and its chunking and compression, readable by xarray with
//! zarr-python 2.
//!
//! - [`model`] documents the physics, formula by formula.
//! - The noise is counter-based: every value depends only on the seed and on its
//!   coordinates, so the bytes do not depend on the thread count, and the first N days are
//!   the same whatever the last day is.
//! - Chunks are generated and written in parallel with bounded memory (one chunk column of all
//!   variables per thread), and each store is moved into place only when complete.
//!
//! ```no_run
//! use cumulus_data_gen::{GenConfig, Preset, generate};
//! let cfg = GenConfig::preset(Preset::Tiny, "data/tiny");
//! let report = generate(&cfg, &indicatif::ProgressBar::hidden())?;
//! println!("{report}");
//! # Ok::<(), cumulus_data_gen::GenError>(())
//! ```

pub mod cli;
mod config;
mod error;
mod generate;
mod grid;
pub mod model;
mod noise;
mod variables;

pub use cli::GenArgs;
pub use config::{Chunks, DEFAULT_SEED, GenConfig, MonthDay, Preset, store_name};
pub use error::GenError;
pub use generate::{GenReport, StoreReport, generate, human_bytes, planned_bytes, preflight};
pub use grid::{Grid, Hour, LEVELS, TIME_CALENDAR, TIME_UNITS, time_axis};
pub use variables::{Variable, VariableInfo};
