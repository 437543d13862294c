//! The data pipeline of Part 3, as the workshop builds it with xarray, xbatcher and PyTorch:
//!
//! 1. [`convection_dataset`]: `open_mfdataset` of the stores, the [`FEATURES`] and the label
//!    [`LABEL_NAME`] `= (total_precipitation > 5).astype("float32")`, every `time_stride`-th
//!    hour (all lazy);
//! 2. [`patch_generator`]: xbatcher's `BatchGenerator` with
//!    `input_dims={"latitude": 16, "longitude": 16}` and `batch_dims={"time": 32}` (no
//!    overlap: the workshop's training loaders);
//! 3. a [`PatchDataset`] (xbatcher's `MapDataset`) with a train-set [`Normalizer`], and a
//!    [`DataLoader`](cumulus_batches::DataLoader) over it to train the CNN
//!    ([`ConvNet::fit_loader`](super::ConvNet::fit_loader));
//! 4. [`collect_patches`]: every batch of a [`PatchDataset`] in memory with where each patch
//!    came from, for the models fitted on everything at once (climatology, logistic
//!    regression) and for scoring.

use std::path::Path;

use cumulus_batches::dataset::MapDataset;
use cumulus_batches::{BatchGenerator, PatchDataset, threshold_label};
use cumulus_labeled::{Dataset, Isel};
use ndarray::Axis;

use super::Batch;
use super::error::MlError;

/// The feature variables, in channel order: CAPE, CIN, K index, boundary-layer height.
pub const FEATURES: [&str; 4] =
    ["convective_available_potential_energy", "convective_inhibition", "k_index", "boundary_layer_height"];

/// The variable the label comes from.
pub const LABEL: &str = "total_precipitation";

/// Convection: `total_precipitation` above this many mm/hr.
pub const LABEL_THRESHOLD: f32 = 5.0;

/// The name of the label variable in [`convection_dataset`] (the workshop's).
pub const LABEL_NAME: &str = "convection_flag";

/// Patches in memory, with where each one came from (for per-pixel climatology).
#[derive(Clone, Debug, PartialEq)]
pub struct Patches {
    /// The features and labels.
    pub batch: Batch,
    /// The (latitude, longitude) index of each patch's first pixel in the grid.
    pub corners: Vec<(usize, usize)>,
    /// The time index of each patch in the dataset the generator cut.
    pub times: Vec<usize>,
    /// The grid's (latitude, longitude) size.
    pub grid: (usize, usize),
}

/// Opens `stores` (one per year, on the same grid) as one dataset along `time`
/// (`xr.open_mfdataset`), keeps every `time_stride`-th hour, and returns the [`FEATURES`] and
/// the label [`LABEL_NAME`] (`1.0` where [`LABEL`] `>` [`LABEL_THRESHOLD`], else `0.0`).
/// Nothing is read.
///
/// # Errors
/// [`MlError::BadArgument`] for a zero `time_stride`; [`MlError::Empty`] with no store;
/// [`MlError::Load`] when a store or variable cannot be opened; [`MlError::Shape`] when a
/// variable is not `(time, latitude, longitude)`.
pub fn convection_dataset<P: AsRef<Path> + Sync>(stores: &[P], time_stride: usize) -> Result<Dataset, MlError> {
    if time_stride == 0 {
        return Err(MlError::BadArgument { argument: "time_stride", reason: "must be at least 1".into() });
    }
    if stores.is_empty() {
        return Err(MlError::Empty { what: "the list of stores" });
    }
    let names = stores.iter().map(|p| p.as_ref().display().to_string()).collect::<Vec<_>>().join(", ");
    let ds =
        cumulus_store::open_mfdataset(stores).map_err(|e| MlError::Load { variable: names, source: Box::new(e) })?;
    let load = |name: &str| {
        let variable = name.to_string();
        move |e: cumulus_labeled::LabeledError| MlError::Load { variable, source: Box::new(e) }
    };
    for name in FEATURES.iter().chain([&LABEL]) {
        let da = ds.get(name).map_err(load(name))?;
        if da.dims() != ["time", "latitude", "longitude"] {
            return Err(MlError::Shape {
                what: "a feature or label variable",
                expected: format!("{name} with dims (time, latitude, longitude), got {:?}", da.dims()),
                got: da.shape().to_vec(),
            });
        }
    }
    let label = threshold_label(&ds.get(LABEL).map_err(load(LABEL))?, f64::from(LABEL_THRESHOLD));
    // `ds[FEATURES]`, as in xarray, keeps only the coordinates on the features' dims (not
    // `level`, which would otherwise become a batch dim stacked into `sample`).
    let ds = ds
        .select_vars(&FEATURES)
        .and_then(|d| d.with_var(LABEL_NAME, label.variable().clone()))
        .map_err(load(LABEL_NAME))?;
    ds.isel([("time", Isel::Slice(None, None, time_stride as isize))]).map_err(load("time"))
}

/// xbatcher's `BatchGenerator(ds, input_dims={"latitude": patch, "longitude": patch},
/// batch_dims={"time": batch_time})`: each batch is `batch_time` hours of one
/// non-overlapping `patch` × `patch` square. As in xbatcher, pixels at the south and east
/// edges that do not fill a square are dropped, and so are the last hours when they do not
/// fill a batch (pick a `batch_time` that divides the number of hours to keep them all).
///
/// # Errors
/// [`MlError::BadArgument`] for a zero `patch` or `batch_time`, or a grid smaller than a patch.
pub fn patch_generator(ds: &Dataset, patch: usize, batch_time: usize) -> Result<BatchGenerator, MlError> {
    patch_generator_checked(ds, patch, batch_time)?;
    Ok(BatchGenerator::builder(ds)
        .input_dims([("latitude", patch), ("longitude", patch)])
        .batch_dims([("time", batch_time)])
        .build()?)
}

/// The checks of [`patch_generator`]'s arguments.
pub(crate) fn patch_generator_checked(ds: &Dataset, patch: usize, batch_time: usize) -> Result<(), MlError> {
    if patch == 0 {
        return Err(MlError::BadArgument { argument: "patch", reason: "must be at least 1".into() });
    }
    if batch_time == 0 {
        return Err(MlError::BadArgument { argument: "batch_time", reason: "must be at least 1".into() });
    }
    let size = |d: &str| ds.sizes().into_iter().find(|(x, _)| x == d).map_or(0, |(_, n)| n);
    let (nlat, nlon) = (size("latitude"), size("longitude"));
    if nlat < patch || nlon < patch {
        return Err(MlError::BadArgument {
            argument: "patch",
            reason: format!("{patch} does not fit in the {nlat} x {nlon} grid"),
        });
    }
    Ok(())
}

/// Every item of `dataset` in memory, in order, with the corner, time and grid of each patch
/// (read from the generator's patch layout).
///
/// # Errors
/// [`MlError::Batches`] when a batch cannot be read; [`MlError::Empty`] with no batch;
/// [`MlError::NotFinite`] naming the feature variable with NaN or infinite values;
/// [`MlError::Shape`] when the generator does not slice `latitude`, `longitude` and `time`.
pub fn collect_patches(dataset: &PatchDataset) -> Result<Patches, MlError> {
    let bgen = dataset.generator();
    if dataset.is_empty() {
        return Err(MlError::Empty { what: "the patch generator" });
    }
    let sizes = bgen.dataset().sizes();
    let size = |d: &str| sizes.iter().find(|(x, _)| x == d).map_or(0, |(_, n)| *n);
    let mut xs = Vec::with_capacity(dataset.len());
    let mut ys = Vec::with_capacity(dataset.len());
    let (mut corners, mut times) = (Vec::new(), Vec::new());
    for i in 0..dataset.len() {
        let b = dataset.get(i)?;
        let patch = &bgen.patches(i as isize)?[0];
        let range = |d: &str| {
            patch.iter().find(|(x, _)| x == d).map(|(_, r)| r.clone()).ok_or_else(|| MlError::Shape {
                what: "the generator's patches",
                expected: format!("a slice along {d}"),
                got: vec![],
            })
        };
        let (lat, lon, time) = (range("latitude")?, range("longitude")?, range("time")?);
        if time.len() != b.len() {
            return Err(MlError::Shape {
                what: "a batch",
                expected: format!("{} samples, one per hour of {time:?}", time.len()),
                got: b.x.shape().to_vec(),
            });
        }
        for (c, name) in dataset.features().iter().enumerate() {
            let bad = b.x.index_axis(Axis(3), c).iter().filter(|v| !v.is_finite()).count();
            if bad > 0 {
                return Err(MlError::NotFinite {
                    variable: name.clone(),
                    count: bad,
                    first: format!(
                        "in the patch at latitude index {}, longitude index {}, time indices {time:?}",
                        lat.start, lon.start
                    ),
                });
            }
        }
        corners.extend(std::iter::repeat_n((lat.start, lon.start), time.len()));
        times.extend(time);
        xs.push(b.x);
        ys.push(b.y);
    }
    let cat = |e: ndarray::ShapeError| MlError::Shape { what: "patches", expected: e.to_string(), got: vec![] };
    let x = ndarray::concatenate(Axis(0), &xs.iter().map(|a| a.view()).collect::<Vec<_>>()).map_err(cat)?;
    let y = ndarray::concatenate(Axis(0), &ys.iter().map(|a| a.view()).collect::<Vec<_>>()).map_err(cat)?;
    Ok(Patches { batch: Batch { x, y }, corners, times, grid: (size("latitude"), size("longitude")) })
}

/// The whole pipeline without normalisation, in memory: [`convection_dataset`],
/// [`patch_generator`] with batches of one hour (so that no hour is dropped: xbatcher drops
/// a last batch shorter than `batch_dims`), a [`PatchDataset`] of [`FEATURES`] and
/// [`LABEL_NAME`], and [`collect_patches`]. Use it for the small presets.
///
/// # Errors
/// As the functions it chains.
pub fn load_patches<P: AsRef<Path> + Sync>(stores: &[P], patch: usize, time_stride: usize) -> Result<Patches, MlError> {
    let ds = convection_dataset(stores, time_stride)?;
    let dataset = PatchDataset::new(patch_generator(&ds, patch, 1)?, &FEATURES, LABEL_NAME)?;
    collect_patches(&dataset)
}
