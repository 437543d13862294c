//! # Exercise 2: the 850 hPa June mean
//!
//! The workshop's first computation, in xarray:
//!
//! ```python
//! ds["temperature"].sel(time="2019-06", level=850).mean(dim="time")
//! ```
//!
//! `sel` picks by label: a partial date such as `"2019-06"` selects the whole month, a number
//! selects one pressure level. `mean` reduces a dimension away. Nothing is read yet: the result
//! is a plan, computed only when asked.
//!
//! **Task:** return that lazy mean for the 2019 store at `path`: a `DataArray` with the
//! dimensions `latitude` and `longitude`. The test computes it.
//!
//! ## Hint
//! `open_zarr(path)?.get("temperature")?` gives the variable. `sel` takes pairs of a dimension
//! name and a `Selector`: `Selector::from("2019-06")` and `850.into()`. Then `.mean("time")`.

use std::path::Path;

use cumulus::prelude::*;

use crate::Result;

/// The mean temperature at 850 hPa over June 2019, lazily.
pub fn june_mean_850(path: &Path) -> Result<DataArray> {
    let t = open_zarr(path)?.get("temperature")?;
    Ok(t.sel([("time", Selector::from("2019-06")), ("level", 850.into())])?.mean("time")?)
}
