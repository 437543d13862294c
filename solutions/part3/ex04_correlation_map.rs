//! # Exercise 4: a map of skill
//!
//! Scores over `time` keep the map: one value per grid point, which shows where a predictor
//! works. The workshop draws such maps from xskillscore:
//!
//! ```python
//! r = xs.pearson_r(ds.convective_available_potential_energy, ds.total_precipitation, dim="time")
//! ```
//!
//! **Task:** return the map of Pearson's correlation over `time` between CAPE and the
//! precipitation of `ds`. The test prints its shape, its mean, and where it is largest.
//!
//! ## Hint
//! `pearson_r(&a, &b, "time", &MetricOptions::new())?`.

use cumulus::prelude::*;

use crate::Result;

/// Pearson's r over time between CAPE and total precipitation, per grid point.
pub fn cape_rain_correlation(ds: &Dataset) -> Result<DataArray> {
    let cape = ds.get("convective_available_potential_energy")?;
    let rain = ds.get("total_precipitation")?;
    Ok(pearson_r(&cape, &rain, "time", &MetricOptions::new())?)
}
