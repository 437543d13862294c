//! Predictions back on the map (the workshop's §3.5): run a model over every patch of a
//! period and stitch the per-pixel outputs into one `(time, latitude, longitude)`
//! [`DataArray`] with the original coordinates, averaging where patches overlap.

use cumulus_batches::dataset::MapDataset;
use cumulus_batches::{BatchGenerator, PatchDataset, Stitcher};
use cumulus_labeled::{DataArray, Dataset};
use ndarray::{Array3, ArrayView4};

use super::data::patch_generator_checked;
use super::error::MlError;

/// xbatcher's `BatchGenerator` for predicting over a whole grid: `patch` × `patch` squares
/// overlapping by `overlap` pixels, `batch_time` hours per batch, and — unlike xbatcher —
/// a last square (and batch) aligned to the south and east edges (and the last hour) when
/// the regular ones stop short, so that every pixel and hour is predicted
/// ([`cover_edges`](cumulus_batches::BatchGeneratorBuilder::cover_edges)).
///
/// # Errors
/// [`MlError::BadArgument`] for a zero `patch` or `batch_time`, an `overlap` not below
/// `patch`, or a grid smaller than a patch.
pub fn prediction_generator(
    ds: &Dataset,
    patch: usize,
    overlap: usize,
    batch_time: usize,
) -> Result<BatchGenerator, MlError> {
    if overlap >= patch {
        return Err(MlError::BadArgument {
            argument: "overlap",
            reason: format!("{overlap} must be smaller than the patch ({patch})"),
        });
    }
    patch_generator_checked(ds, patch, batch_time)?;
    Ok(BatchGenerator::builder(ds)
        .input_dims([("latitude", patch), ("longitude", patch)])
        .input_overlap([("latitude", overlap), ("longitude", overlap)])
        .batch_dims([("time", batch_time)])
        .cover_edges(true)
        .build()?)
}

/// Runs `predict` (features `(n, height, width, channel)` → one value per pixel
/// `(n, height, width)`, e.g. [`ConvNet::predict_proba`](super::ConvNet::predict_proba)) on
/// every batch of `dataset` and stitches the outputs into a [`DataArray`] called `name` on
/// the grid of the dataset's label variable: same dimensions, coordinates and chunks. Where
/// patches overlap the outputs are averaged; pixels no patch covered are NaN (build the
/// generator with [`prediction_generator`] so that there are none).
///
/// # Errors
/// [`MlError::Batches`] when a batch cannot be read or does not fit the grid; whatever
/// `predict` returns; [`MlError::Shape`] when `predict` gives the wrong shape.
pub fn predict_map<F>(dataset: &PatchDataset, name: &str, mut predict: F) -> Result<DataArray, MlError>
where
    F: FnMut(ArrayView4<f32>) -> Result<Array3<f32>, MlError>,
{
    let bgen = dataset.generator();
    let mut stitcher = Stitcher::for_generator(bgen, dataset.label(), name)?;
    for i in 0..dataset.len() {
        let batch = dataset.get(i)?;
        let p = predict(batch.x.view())?;
        if p.dim() != batch.y.dim() {
            return Err(MlError::Shape {
                what: "the model's output",
                expected: format!("one value per pixel, {:?}", batch.y.shape()),
                got: p.shape().to_vec(),
            });
        }
        stitcher.add_batch(bgen, i, p.into_dyn().view())?;
    }
    Ok(stitcher.finish()?)
}
