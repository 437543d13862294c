//! # Exercise 5: lazy, then eager
//!
//! In xarray with dask, `ds["temperature"].mean(dim=["latitude", "longitude"])` returns at
//! once: it only builds a task graph. `.compute()` runs the graph and gives the numbers.
//! cumulus works the same way: operations on a `DataArray` build a plan, `compute()` runs it.
//!
//! **Task:** open all three years at once (`paths`), take `temperature` at 850 hPa, and build
//! its area mean over `latitude` and `longitude` without computing it. Report how many tasks
//! its graph has, then compute it and report the first three hourly values.
//!
//! ## Hint
//! `open_mfdataset(paths)?` joins the years along time. `.mean(["latitude", "longitude"])`
//! takes a list of dimensions. The graph: `lazy.data().graph(&ComputeOptions::default())?.len()`.
//! Then `lazy.compute()?.to_vec_f64()?` gives the values in order.

use std::path::PathBuf;

use cumulus::prelude::*;

use crate::Result;

/// The lazy plan's size and, once computed, its first values.
#[derive(Clone, Debug, PartialEq)]
pub struct LazyThenEager {
    /// Tasks in the graph of the lazy area mean.
    pub tasks: usize,
    /// Number of hourly values in the result.
    pub len: usize,
    /// The first three hourly values, in K.
    pub first_values: Vec<f64>,
}

/// The 850 hPa area mean over all years: first lazy, then computed.
pub fn area_mean(paths: &[PathBuf]) -> Result<LazyThenEager> {
    todo!("exercise: replace this with your code")
}
