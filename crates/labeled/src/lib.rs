//! # cumulus-labeled
//!
//! Labeled arrays on top of `cumulus-chunked`, playing the part of xarray in the workshop:
//! [`Variable`] (named dimensions over lazy data), [`DataArray`] (a variable with
//! coordinates), [`Dataset`] (variables sharing coordinates), indexes for numeric and datetime
//! coordinates with xarray's selection rules, CF time, reductions by dimension name, arithmetic
//! aligned by coordinates, `groupby` and `resample`, [`concat()`] and [`merge()`].
//!
//! Names and semantics follow xarray: `isel`, `sel` (inclusive label slices, descending
//! latitude, partial date strings, `nearest`), `mean("time")` skipping NaN for floats,
//! `groupby("time.month")`, `resample(time="1D")` with NaN for empty bins.

pub mod combine;
pub mod coords;
pub mod dataarray;
pub mod dataset;
pub mod dataset_groupby;
pub mod error;
pub mod index;
pub mod math;
pub mod ops;
mod repr;
pub mod repr_html;
pub mod time;
pub mod variable;

pub use combine::{concat, merge};
pub use coords::Coords;
pub use dataarray::{DataArray, Dims, GroupBy, How, Resample};
pub use dataset::Dataset;
pub use dataset_groupby::{DatasetGroupBy, DatasetResample, DatasetWeighted};
pub use error::{LabeledError, Result};
pub use index::{Index, IndexValues, Label, Positions};
pub use variable::{Attrs, Isel, Selector, Variable, nearest, nearest_within, slice};
