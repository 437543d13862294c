//! # Exercise 3: daily means, and the days in between
//!
//! `resample` cuts time into regular bins and reduces each one:
//!
//! ```python
//! t850 = ds["temperature"].sel(level=850).mean(dim=["latitude", "longitude"])
//! daily = t850.resample(time="1D").mean()
//! ```
//!
//! The bins cover the whole span from the first day to the last, so a data set of a few summer
//! days per year also gets a bin for every day between the summers. Those bins have no time
//! step: their mean is NaN, as in xarray. `dropna("time")` keeps the days that have data.
//!
//! **Task:** return the daily mean of the temperature at 850 hPa averaged over the whole grid,
//! for the three-year dataset `ds`, **with** the empty days (the test counts them, then drops
//! them itself).
//!
//! ## Hint
//! `ds.get("temperature")?.sel([("level", 850.into())])?` then `.mean(["latitude",
//! "longitude"])?`, then `.resample("time", "1D")?.mean()?`.

use cumulus::prelude::*;

use crate::Result;

/// The daily mean temperature at 850 hPa over the grid, one bin per calendar day.
pub fn daily_t850(ds: &Dataset) -> Result<DataArray> {
    todo!("exercise: replace this with your code")
}
