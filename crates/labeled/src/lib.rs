//! # cumulus-labeled
//!
//! `Variable`, `DataArray` and `Dataset` with coordinates and indexes, CF time, `sel`/`isel`,
//! arithmetic, reductions, `groupby`, `resample` and `weighted`, playing the part of xarray.
//!
//! **Status:** not built yet (issue 5). Nothing in this crate is public until it works.
