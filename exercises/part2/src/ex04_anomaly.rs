//! # Exercise 4: climatology and anomaly
//!
//! The climatology is the mean of each calendar month over all years; the anomaly is each time
//! step minus the climatology of its month. xarray writes both with `groupby`, and the
//! subtraction broadcasts the right month back onto every time step:
//!
//! ```python
//! t850 = ds["temperature"].sel(level=850)
//! climatology = t850.groupby("time.month").mean("time")
//! anomaly = t850.groupby("time.month") - climatology
//! ```
//!
//! **Task:** return the anomaly of the temperature at 850 hPa of the three-year dataset `ds`,
//! lazily, with the dimensions `time`, `latitude` and `longitude`. The test checks that every
//! month of it averages to zero and prints a few of its values.
//!
//! ## Hint
//! `let by_month = t850.groupby("time.month")?;` then `by_month.sub(&by_month.mean()?)?`.

use cumulus::prelude::*;

use crate::Result;

/// The temperature at 850 hPa minus its monthly climatology.
pub fn t850_anomaly(ds: &Dataset) -> Result<DataArray> {
    todo!("exercise: replace this with your code")
}
