//! # Part 2 exercises: spatio-temporal processing
//!
//! The workshop's Part 2 in six steps: many yearly stores as one dataset, selections by label,
//! daily means with `resample`, a monthly climatology and its anomaly with `groupby`, an
//! area-weighted mean, and writing a result with `to_zarr`. As in Part 1, each `exNN_*.rs` file
//! states its task in its first doc comment, ends with a hint, and has `todo!()` where your
//! code goes; `cargo run -p grader` grades them in order. The snapshots were checked against
//! xarray on the same data (`.ci/interop/exercises_xarray.py`).
//!
//! The data is the class's `tiny` preset (three years, 29 June – 2 July, a 2° grid), generated
//! into `exercises/data/tiny` the first time a test needs it ([`data::tiny`]).
//!
//! With `--features solutions` the modules are compiled from `solutions/part2/` instead, and the
//! very same tests must pass: that is how CI knows every exercise can be solved.

#![cfg_attr(not(feature = "solutions"), allow(unused_imports, unused_variables))]

pub use class_data as data;

/// What every exercise returns: any error converts with `?`.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[cfg_attr(feature = "solutions", path = "../../../solutions/part2/ex01_open_many.rs")]
pub mod ex01_open_many;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part2/ex02_taiwan_july.rs")]
pub mod ex02_taiwan_july;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part2/ex03_daily_means.rs")]
pub mod ex03_daily_means;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part2/ex04_anomaly.rs")]
pub mod ex04_anomaly;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part2/ex05_weighted_mean.rs")]
pub mod ex05_weighted_mean;
#[cfg_attr(feature = "solutions", path = "../../../solutions/part2/ex06_to_zarr.rs")]
pub mod ex06_to_zarr;
