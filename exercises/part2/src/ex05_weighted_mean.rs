//! # Exercise 5: an area-weighted mean
//!
//! On a latitude-longitude grid, a cell near the pole covers less of the Earth than a cell at
//! the equator: its area is proportional to the cosine of its latitude. A plain mean over the
//! grid gives the northern cells too much weight; the workshop weights them:
//!
//! ```python
//! weights = np.cos(np.deg2rad(ds.latitude))
//! t850.weighted(weights).mean(["latitude", "longitude"])
//! ```
//!
//! **Task:** for the temperature at 850 hPa of `ds`, averaged over all time steps, return the
//! plain mean over the grid and the mean weighted by the cosine of latitude, in that order. Our
//! grid spans 10°N–40°N, where the weights go from 0.98 to 0.77.
//!
//! ## Hint
//! `ds.get("latitude")?.deg2rad().cos()` are the weights. A `DataArray` has
//! `weighted_mean(&weights, ["latitude", "longitude"])`. Reduce `time` first with
//! `.mean("time")?`, and get a number out with `.item()?`.

use cumulus::prelude::*;

use crate::Result;

/// (plain mean, cos-latitude weighted mean) of the time-mean temperature at 850 hPa.
pub fn plain_and_weighted(ds: &Dataset) -> Result<(f64, f64)> {
    todo!("exercise: replace this with your code")
}
