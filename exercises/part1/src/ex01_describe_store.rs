//! # Exercise 1: open a store and describe it
//!
//! A Zarr store is a folder: one sub-folder per variable, one file per chunk, and small JSON
//! files saying how they fit together. `open_zarr` reads only that metadata; no chunk is
//! decompressed until you compute something.
//!
//! **Task:** open the store at `path` and fill in a [`StoreSummary`]: the dimensions with their
//! sizes (in the order `Dataset::sizes` gives them), the names of the data variables, sorted,
//! the dimensions of `temperature` and its chunk shape (the size of its first chunk along each
//! dimension).
//!
//! ## Hint
//! `open_zarr(path)?` gives a `Dataset`. Look at `ds.sizes()`, `ds.data_vars()` and
//! `ds.get("temperature")?`, a `DataArray` with `dims()`. Its `data().chunks()` are the chunk
//! sizes along each axis: `chunks.axis(i)[0]` is the first chunk's size along axis `i`.

use std::path::Path;

use cumulus::prelude::*;

use crate::Result;

/// What a store holds, in a few numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreSummary {
    /// Dimension names and sizes.
    pub sizes: Vec<(String, usize)>,
    /// Data variable names, sorted.
    pub data_vars: Vec<String>,
    /// The dimensions of `temperature`, in order.
    pub temperature_dims: Vec<String>,
    /// The chunk shape of `temperature`.
    pub temperature_chunks: Vec<usize>,
}

/// Describes the store at `path`.
pub fn describe(path: &Path) -> Result<StoreSummary> {
    todo!("exercise: replace this with your code")
}
