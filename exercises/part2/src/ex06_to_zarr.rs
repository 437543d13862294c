//! # Exercise 6: writing a result to Zarr
//!
//! A computed result is worth keeping. `to_zarr` writes a dataset chunk by chunk, compressing
//! each chunk with the codec named in its encoding, and writes the consolidated metadata last
//! (a store without it was interrupted):
//!
//! ```python
//! encoding = {"temperature": {"compressor": zarr.Blosc(cname="zstd", clevel=3)}}
//! anomaly.to_dataset(name="temperature").to_zarr(path, mode="w", encoding=encoding)
//! ```
//!
//! **Task:** write `ds` to a Zarr store at `path` (replacing whatever is there), with every data
//! variable compressed by Blosc zstd at level 3, and return the store's size on disk in bytes.
//! The test reads the store back and compares it with what was written.
//!
//! ## Hint
//! Start from `ToZarrOptions { mode: WriteMode::Overwrite, ..Default::default() }` and, for each
//! name in `ds.data_vars()`, replace it with
//! `opts.with_encoding(name, VarEncoding::default().compressor(Compressor::blosc_zstd(3)))`.
//! Then `to_zarr(ds, path, &opts)?` and `disk_usage(path)?` (both in `cumulus::store`).

use std::path::Path;

use cumulus::prelude::*;
use cumulus::store::{Compressor, ToZarrOptions, VarEncoding, disk_usage, to_zarr};

use crate::Result;

/// Write `ds` with Blosc zstd level 3 and return the bytes it takes on disk.
pub fn write_zstd(ds: &Dataset, path: &Path) -> Result<u64> {
    todo!("exercise: replace this with your code")
}
