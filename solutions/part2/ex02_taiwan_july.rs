//! # Exercise 2: July over Taiwan
//!
//! Selections by label: a boolean mask on `time` built from the month of each time step, and
//! two coordinate slices. Latitude is stored from north to south, so the slice goes from north
//! to south too, and both ends are included:
//!
//! ```python
//! july = ds.sel(time=ds.time.dt.month == 7)
//! taiwan = july.sel(latitude=slice(25, 22), longitude=slice(120, 122))
//! ```
//!
//! **Task:** from the three-year dataset `ds`, keep the time steps of July (of every year) and
//! the box 25°N–22°N, 120°E–122°E. Return the lazy `Dataset`; the test prints its sizes, its
//! coordinates and the mean of its temperature at 850 hPa.
//!
//! ## Hint
//! `ds.get("time")?.dt("time", "month")?` is the month of each time step; `.equal(7.0)` turns it
//! into a mask for `ds.sel_mask("time", &mask)?`. Then `.sel([("latitude", slice(25.0, 22.0)),
//! ("longitude", slice(120.0, 122.0))])?`.

use cumulus::prelude::*;

use crate::Result;

/// The July time steps of `ds`, over the box around Taiwan.
pub fn taiwan_july(ds: &Dataset) -> Result<Dataset> {
    let month = ds.get("time")?.dt("time", "month")?;
    let july = ds.sel_mask("time", &month.equal(7.0))?;
    Ok(july.sel([("latitude", slice(25.0, 22.0)), ("longitude", slice(120.0, 122.0))])?)
}
