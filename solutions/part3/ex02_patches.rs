//! # Exercise 2: patches with xbatcher's semantics
//!
//! A CNN looks at small square patches of the map. xbatcher cuts them with a sliding window:
//! `input_dims` is the window's size, `input_overlap` how much two neighbouring windows share.
//! Dimensions that are not named (here `time`) stay whole in every batch:
//!
//! ```python
//! bgen = xbatcher.BatchGenerator(ds[["convective_available_potential_energy", "k_index"]],
//!                                input_dims={"latitude": 8, "longitude": 8},
//!                                input_overlap={"latitude": 4, "longitude": 4})
//! len(bgen), bgen[0]
//! ```
//!
//! **Task:** build that generator over the two variables of `ds`. The test counts the batches
//! and prints the corners of the first and the last one.
//!
//! ## Hint
//! `ds.select_vars(&[...])?` keeps the two variables. `BatchGenerator::builder(&ds2)` then
//! takes `.input_dims([("latitude", 8), ("longitude", 8)])`, `.input_overlap(...)` the same way,
//! and `.build()?`.

use cumulus::prelude::*;

use crate::Result;

/// 8 × 8 patches overlapping by 4, of CAPE and the K index.
pub fn patch_generator(ds: &Dataset) -> Result<BatchGenerator> {
    let features = ds.select_vars(&["convective_available_potential_energy", "k_index"])?;
    Ok(BatchGenerator::builder(&features)
        .input_dims([("latitude", 8), ("longitude", 8)])
        .input_overlap([("latitude", 4), ("longitude", 4)])
        .build()?)
}
