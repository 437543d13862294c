//! # cumulus-batches
//!
//! Cut chunked, labeled data into patches and batches for machine learning: the xbatcher and
//! the PyTorch `DataLoader` of cumulus.
//!
//! | module | plays |
//! |---|---|
//! | [`schema`] | xbatcher's `BatchSchema`: which patches go into which batch |
//! | [`generator`] | xbatcher's `BatchGenerator` (`len(bgen)`, `bgen[i]`, iteration) |
//! | [`window`] | reading patches through a chunk cache (dask decodes chunks again for every batch) |
//! | [`dataset`] | a map-style dataset of `(X, y)` batches with normalisation |
//! | [`loader`] | PyTorch's `DataLoader`: batch size, seeded shuffle, workers, prefetch |
//! | [`stitch`] | model outputs per patch back into one labeled array (overlaps averaged) |
//!
//! ```
//! use cumulus_batches::schema::gen_slices;
//! // xbatcher's windows along latitude for the workshop: 121 points, 16 wide, overlap 4.
//! let s = gen_slices("latitude", 121, 16, 4).unwrap();
//! assert_eq!(s.len(), 9);
//! assert_eq!(s[8], 96..112);
//! ```

pub mod dataset;
pub mod error;
mod frame;
pub mod generator;
pub mod loader;
pub mod schema;
pub mod stitch;
pub mod window;

pub use dataset::{Batch, Collate, MapDataset, Normalizer, PatchDataset, threshold_label};
pub use error::{BatchError, Result};
pub use generator::{BatchGenerator, BatchGeneratorBuilder, Tensor};
pub use loader::DataLoader;
pub use schema::BatchSchema;
pub use stitch::Stitcher;
pub use window::{CacheStats, WindowReader};

/// The `ndarray` crate whose arrays a [`Batch`] holds, re-exported so that code using the
/// batches (a notebook, a model) names the very same version: `cumulus::ndarray::Array3`.
pub use ndarray;
