//! # Exercise 1: the convection label
//!
//! Part 3 teaches a model to recognise convection. Its label comes from the rain: an hour with
//! more than 5 mm of precipitation at a grid point counts as convective. The workshop turns
//! the comparison into floats, so that a loss function can use it:
//!
//! ```python
//! y = (ds.total_precipitation > 5).astype("float32")
//! ```
//!
//! **Task:** return that label for the dataset `ds`: a lazy `DataArray` of 1.0 (convective) and
//! 0.0, of type `f32`, with the dimensions of `total_precipitation`. The test counts the
//! convective hours.
//!
//! ## Hint
//! `scalar_op(BinaryOp::Gt, 5.0)` compares every value with 5 (`BinaryOp` is in
//! `cumulus::chunked`), and `.astype(DType::F32)` turns `true`/`false` into 1.0/0.0. The
//! `threshold_label` function of `cumulus::batches` does both, once you have written it yourself.

use cumulus::chunked::BinaryOp;
use cumulus::prelude::*;

use crate::Result;

/// `total_precipitation > 5` as 1.0 / 0.0 (`f32`), lazily.
pub fn convection_label(ds: &Dataset) -> Result<DataArray> {
    todo!("exercise: replace this with your code")
}
