//! # cumulus
//!
//! Chunked, out-of-core weather data in Rust, and the facade of the cumulus teaching kit:
//! `use cumulus::prelude::*` is the API the book teaches.
//!
//! What works today:
//!
//! - [`data_gen`]: the synthetic ERA5-like data generator (`cumulus gen`, `era5-gen`).
//! - [`store`]: Zarr v2/v3 stores: `open_zarr`, `open_mfdataset`, and the writer.
//! - [`chunked`]: the lazy engine (plans, optimizer, task graphs, scheduler, telemetry).
//! - [`labeled`]: `Dataset`/`DataArray` with coordinates, `sel`, `groupby`, `resample`.
//! - [`plot`](mod@plot): maps with colorbars and coastlines, bar and line charts (PNG, SVG,
//!   inline in evcxr notebooks).
//! - [`skill`]: verification metrics (rmse, pearson_r, contingency scores, ROC AUC,
//!   classification report), the xskillscore of cumulus.
//! - [`batches`]: xbatcher's `BatchGenerator`, `(X, y)` datasets and a `DataLoader`.
//! - [`bench`](mod@bench): `cumulus bench`, the peer's workloads on cumulus.
//! - [`dashboard`]: progress bars, the live web dashboard (`Dashboard::start`,
//!   `cumulus demo --dashboard`) and HTML performance reports (`performance_report`,
//!   `cumulus demo --report FILE`).
//! - `ml` (feature `ml`, on by default): the convection models of Part 3 — climatology, logistic regression
//!   and a small CNN on candle, with their scores.
//!
//! Every crate of the architecture is in place; see `ARCHITECTURE.md`.
//!
//! ```
//! use cumulus::prelude::*;
//! let cfg = GenConfig::preset(Preset::Tiny, "data/tiny");
//! assert_eq!(cfg.years, vec![2019, 2020, 2021]);
//! assert_eq!(store_name(2019), "era5_2019_10N40N_100E140E.zarr");
//! ```

pub mod bench;
mod bench_w9;
#[cfg(feature = "ml")]
pub mod ml;

pub use cumulus_batches as batches;
pub use cumulus_chunked as chunked;
pub use cumulus_dashboard as dashboard;
pub use cumulus_data_gen as data_gen;
pub use cumulus_labeled as labeled;
pub use cumulus_plot as plot;
pub use cumulus_skill as skill;
pub use cumulus_store as store;

/// The `ndarray` crate of [`batches::Batch`]'s arrays and the models' outputs (`Array3`,
/// `ArrayView4`, …), so that user code names the same version.
pub use cumulus_batches::ndarray;

/// The names the book and the notebooks use.
pub mod prelude {
    pub use cumulus_batches::{
        Batch, BatchGenerator, DataLoader, MapDataset, Normalizer, PatchDataset, Stitcher, threshold_label,
    };
    pub use cumulus_chunked::{ChunkedArray, Chunks, ComputeOptions, DType, ReduceOp};
    pub use cumulus_dashboard::{ComputeProgress, Dashboard, performance_report};
    pub use cumulus_data_gen::{GenConfig, Preset, generate, store_name};
    pub use cumulus_labeled::{DataArray, Dataset, Dims, Isel, Selector, Variable, nearest, nearest_within, slice};
    pub use cumulus_plot::{Colormap, bar_chart, line_chart, map};
    pub use cumulus_skill::{
        BinaryTable, ConfusionMatrix, Contingency, MetricOptions, brier_score, classification_report, mae, me, mse,
        pearson_r, r2, rmse, roc_auc, roc_auc_flat, spearman_r,
    };
    #[cfg(feature = "netcdf")]
    pub use cumulus_store::open_netcdf;
    pub use cumulus_store::{
        ArraySpec, Compressor, OpenOptions, StoreWriter, WriteMode, ZarrFormat, open_mfdataset, open_zarr,
        open_zarr_with,
    };
}
