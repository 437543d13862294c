//! [`load_patches`]: the stores' features and label in memory, cut into non-overlapping
//! patches. A stand-in for `cumulus-batches`' `BatchGenerator` + `DataLoader` (which stream the
//! same patches out of core); kept in this one function so that swapping it is one change.

use std::path::Path;

use cumulus_chunked::DType;
use ndarray::{Array3, Array4, ArrayD, Axis, Ix3, Slice};

use super::batch::Batch;
use super::error::MlError;
use super::window;

/// The feature variables, in channel order: CAPE, CIN, K index, boundary-layer height.
pub const FEATURES: [&str; 4] =
    ["convective_available_potential_energy", "convective_inhibition", "k_index", "boundary_layer_height"];

/// The variable the label comes from.
pub const LABEL: &str = "total_precipitation";

/// Convection: `total_precipitation` above this many mm/hr.
pub const LABEL_THRESHOLD: f32 = 5.0;

/// Patches cut from a grid, with where each one came from (for per-pixel climatology).
#[derive(Clone, Debug, PartialEq)]
pub struct Patches {
    /// The features and labels.
    pub batch: Batch,
    /// The (latitude, longitude) index of each patch's first pixel in the grid.
    pub corners: Vec<(usize, usize)>,
    /// The grid's (latitude, longitude) size.
    pub grid: (usize, usize),
}

/// Loads [`FEATURES`] and the label ([`LABEL`] `>` [`LABEL_THRESHOLD`]) of every store in
/// `stores` (one per year, all on the same grid), keeps every `time_stride`-th hour, and cuts
/// each hour into non-overlapping `patch` × `patch` squares (xbatcher's
/// `input_dims={"latitude": patch, "longitude": patch}` without overlap); pixels at the south
/// and east edges that do not fill a square are dropped, as xbatcher does.
///
/// Everything is loaded into memory: use it for the small presets.
///
/// # Errors
/// [`MlError::BadArgument`] for a zero `patch` or `time_stride`, or a grid smaller than a
/// patch; [`MlError::Empty`] with no store; [`MlError::Load`] when a store or variable cannot
/// be read; [`MlError::Shape`] when a variable is not `(time, latitude, longitude)` or the
/// stores' grids differ.
pub fn load_patches<P: AsRef<Path>>(stores: &[P], patch: usize, time_stride: usize) -> Result<Patches, MlError> {
    if patch == 0 {
        return Err(MlError::BadArgument { argument: "patch", reason: "must be at least 1".into() });
    }
    if time_stride == 0 {
        return Err(MlError::BadArgument { argument: "time_stride", reason: "must be at least 1".into() });
    }
    if stores.is_empty() {
        return Err(MlError::Empty { what: "the list of stores" });
    }
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let mut corners = Vec::new();
    let mut grid = None;
    for store in stores {
        let store = store.as_ref();
        let ds = cumulus_store::open_zarr(store)
            .map_err(|e| MlError::Load { variable: store.display().to_string(), source: Box::new(e) })?;
        let mut fields = Vec::with_capacity(FEATURES.len() + 1);
        for name in FEATURES.iter().chain([&LABEL]) {
            fields.push(load_field(&ds, name, time_stride)?);
        }
        let (nt, nlat, nlon) = fields[0].dim();
        if let Some(g) = grid
            && g != (nlat, nlon)
        {
            return Err(MlError::Shape {
                what: "the grid of a later store",
                expected: format!("{g:?} like the first store"),
                got: vec![nlat, nlon],
            });
        }
        grid = Some((nlat, nlon));
        if nlat < patch || nlon < patch {
            return Err(MlError::BadArgument {
                argument: "patch",
                reason: format!("{patch} does not fit in the {nlat} x {nlon} grid"),
            });
        }
        let (pi, pj) = (nlat / patch, nlon / patch);
        let mut x = Array4::<f32>::zeros((nt * pi * pj, patch, patch, FEATURES.len()));
        let mut y = Array3::<f32>::zeros((nt * pi * pj, patch, patch));
        let mut k = 0;
        for t in 0..nt {
            for a in 0..pi {
                for b in 0..pj {
                    let (i0, j0) = (a * patch, b * patch);
                    for (c, f) in fields[..FEATURES.len()].iter().enumerate() {
                        let src = f.index_axis(Axis(0), t);
                        x.index_axis_mut(Axis(0), k).index_axis_move(Axis(2), c).assign(&window(
                            &src,
                            (i0, j0),
                            (patch, patch),
                        ));
                    }
                    let src = fields[FEATURES.len()].index_axis(Axis(0), t);
                    let label = window(&src, (i0, j0), (patch, patch));
                    y.index_axis_mut(Axis(0), k).assign(&label.mapv(|v| f32::from(v > LABEL_THRESHOLD)));
                    corners.push((i0, j0));
                    k += 1;
                }
            }
        }
        xs.push(x);
        ys.push(y);
    }
    let cat = |e: ndarray::ShapeError| MlError::Shape { what: "patches", expected: e.to_string(), got: vec![] };
    let x = ndarray::concatenate(ndarray::Axis(0), &xs.iter().map(|a| a.view()).collect::<Vec<_>>()).map_err(cat)?;
    let y = ndarray::concatenate(ndarray::Axis(0), &ys.iter().map(|a| a.view()).collect::<Vec<_>>()).map_err(cat)?;
    Ok(Patches { batch: Batch::new(x, y)?, corners, grid: grid.unwrap_or_default() })
}

/// One `(time, latitude, longitude)` variable as `f32`, every `stride`-th time.
fn load_field(ds: &cumulus_labeled::Dataset, name: &str, stride: usize) -> Result<Array3<f32>, MlError> {
    let load = |e: cumulus_labeled::LabeledError| MlError::Load { variable: name.into(), source: Box::new(e) };
    let da = ds.get(name).map_err(load)?;
    if da.dims() != ["time", "latitude", "longitude"] {
        return Err(MlError::Shape {
            what: "a feature or label variable",
            expected: format!("{name} with dims (time, latitude, longitude), got {:?}", da.dims()),
            got: da.shape().to_vec(),
        });
    }
    let block = da.values().map_err(load)?.into_dtype(DType::F32);
    let a: ArrayD<f32> = block.into_array().map_err(|b| MlError::Shape {
        what: "a loaded variable",
        expected: format!("{name} as float32"),
        got: b.shape().to_vec(),
    })?;
    let a = a.into_dimensionality::<Ix3>().map_err(|_| MlError::Shape {
        what: "a loaded variable",
        expected: format!("{name} with 3 dims"),
        got: vec![],
    })?;
    Ok(a.slice_axis(Axis(0), Slice::new(0, None, stride as isize)).to_owned())
}
