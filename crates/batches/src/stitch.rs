//! [`Stitcher`]: model outputs for patches put back together into one labeled array with the
//! original coordinates — the workshop's "predictions → xarray" step, done for a whole grid.
//!
//! The workshop builds one `xr.DataArray` per patch by hand and leaves overlaps as "an
//! advanced topic". Here every patch's output is added where it came from; where patches
//! overlap, the outputs are averaged; points no patch covered stay NaN (build the generator
//! with [`cover_edges`](crate::BatchGeneratorBuilder::cover_edges) so that none are left).
//!
//! ```
//! use cumulus_batches::{BatchGenerator, Stitcher};
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_labeled::{Dataset, Variable};
//! use ndarray::{ArrayD, IxDyn};
//!
//! // A 2 × 10 × 10 field, patches of 4 × 4 overlapping by 2 with the edges covered.
//! let t = ArrayD::from_shape_fn(IxDyn(&[2, 10, 10]), |i| (i[0] * 100 + i[1] * 10 + i[2]) as f32);
//! let var = Variable::new(&["time", "y", "x"], ChunkedArray::from_array(t.clone(), &[1, 5, 5]).unwrap()).unwrap();
//! let ds = Dataset::new().with_var("t", var).unwrap()
//!     .with_coord("x", Variable::from_vec("x", (0..10).map(|i| i as f64 * 0.5).collect::<Vec<_>>())).unwrap();
//! let bgen = BatchGenerator::builder(&ds)
//!     .input_dims([("y", 4), ("x", 4)])
//!     .input_overlap([("y", 2), ("x", 2)])
//!     .cover_edges(true)
//!     .build().unwrap();
//! assert_eq!(bgen.len(), 4 * 4); // each batch holds both times
//!
//! // A "model" that returns its input: the stitched map is the field itself.
//! let mut st = Stitcher::for_generator(&bgen, "t", "t_again").unwrap();
//! for i in 0..bgen.len() {
//!     let x = bgen.get_tensors(i as isize).unwrap().remove(0).values;
//!     st.add_batch(&bgen, i, x.view()).unwrap();
//! }
//! assert_eq!(st.uncovered(), 0);
//! let back = st.finish().unwrap();
//! assert_eq!(back.dims(), ["time", "y", "x"]);
//! assert!(back.coords().get("x").is_some());
//! let v = back.values().unwrap().cast(cumulus_chunked::DType::F32).into_array::<f32>().unwrap();
//! assert_eq!(v, t);
//! ```

use std::ops::Range;

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{DataArray, Variable};
use ndarray::{ArrayD, ArrayViewD, IxDyn};

use crate::dataset::feature;
use crate::error::{BatchError, Result};
use crate::generator::BatchGenerator;

/// Accumulates outputs for patches of a grid and averages them into a [`DataArray`].
#[derive(Debug, Clone)]
pub struct Stitcher {
    name: String,
    template: DataArray,
    sum: ArrayD<f64>,
    count: ArrayD<u32>,
}

impl Stitcher {
    /// A stitcher onto the grid of `template` (its dimensions, shape and coordinates; its
    /// values are never read): the result is called `name`.
    pub fn new(template: &DataArray, name: &str) -> Stitcher {
        let shape = IxDyn(template.shape());
        Stitcher {
            name: name.to_string(),
            template: template.clone(),
            sum: ArrayD::zeros(shape.clone()),
            count: ArrayD::zeros(shape),
        }
    }

    /// A stitcher onto the grid of variable `like` of the generator's dataset (e.g. the
    /// label the model predicts).
    ///
    /// # Errors
    /// [`BatchError::NoVariable`] when the dataset has no such variable.
    pub fn for_generator(bgen: &BatchGenerator, like: &str, name: &str) -> Result<Stitcher> {
        Ok(Stitcher::new(&feature(bgen.dataset(), like)?, name))
    }

    /// The dimensions of the result.
    pub fn dims(&self) -> &[String] {
        self.template.dims()
    }

    /// Add the output for one `patch` (ranges along some of the dimensions, as
    /// [`BatchGenerator::patches`] gives them). `values` has the result's dimensions in the
    /// result's order, each as long as the patch's range along it (or the whole dimension
    /// when the patch does not slice it). NaN values are not counted.
    ///
    /// # Errors
    /// [`BatchError::NoDim`] when the patch slices a dimension the result lacks;
    /// [`BatchError::BadArgument`] for a range past the end; [`BatchError::BadShape`] when
    /// `values` does not have the patch's shape.
    pub fn add(&mut self, patch: &[(String, Range<usize>)], values: ArrayViewD<f32>) -> Result<()> {
        let dims = self.template.dims().to_vec();
        for (d, _) in patch {
            if !dims.contains(d) {
                return Err(BatchError::NoDim { argument: "patch", dim: d.clone(), available: dims });
            }
        }
        let shape = self.sum.shape().to_vec();
        let mut region = Vec::with_capacity(dims.len());
        for (d, n) in dims.iter().zip(&shape) {
            let r = patch.iter().find(|(x, _)| x == d).map_or(0..*n, |(_, r)| r.clone());
            if r.end > *n || r.start > r.end {
                return Err(BatchError::BadArgument {
                    argument: "patch",
                    reason: format!("range {r:?} along {d:?} does not fit in its {n} points"),
                });
            }
            region.push(r);
        }
        let want: Vec<usize> = region.iter().map(|r| r.len()).collect();
        if values.shape() != want.as_slice() {
            return Err(BatchError::BadShape {
                name: self.name.clone(),
                reason: format!(
                    "values of shape {:?} for a patch of shape {want:?} over dims {dims:?}",
                    values.shape()
                ),
            });
        }
        let mut sum = self.sum.slice_each_axis_mut(|ax| region[ax.axis.index()].clone().into());
        let mut count = self.count.slice_each_axis_mut(|ax| region[ax.axis.index()].clone().into());
        ndarray::Zip::from(&mut sum).and(&mut count).and(&values).for_each(|s, c, &v| {
            if !v.is_nan() {
                *s += f64::from(v);
                *c += 1;
            }
        });
        Ok(())
    }

    /// Add the output for batch `index` of `bgen`, laid out as the batch's variables come
    /// out of [`BatchGenerator::get_tensors`]: the variable's own dimension order when at
    /// most one dimension is not an input dimension, otherwise `(sample, *input_dims)` with
    /// `sample` stacking the other dimensions (xbatcher's layout). With
    /// `concat_input_dims`, the batch's patches come one after the other along the first
    /// axis (`input_batch`, or `sample` with `input_batch` stacked first).
    ///
    /// # Errors
    /// [`BatchError::IndexOutOfRange`]; [`BatchError::BadShape`] when `values` does not have
    /// the batch's shape; as [`Stitcher::add`].
    pub fn add_batch(&mut self, bgen: &BatchGenerator, index: usize, values: ArrayViewD<f32>) -> Result<()> {
        let patches = bgen.patches(index as isize)?.to_vec();
        let input: Vec<String> = bgen.schema().input_dims.iter().map(|(d, _)| d.clone()).collect();
        let non_input: Vec<String> =
            bgen.dim_sizes().iter().map(|(d, _)| d.clone()).filter(|d| !input.contains(d)).collect();
        if !bgen.schema().concat_input_dims {
            let Some(patch) = patches.first() else {
                return Err(BatchError::EmptyBatch { index });
            };
            return self.add_laid_out(bgen, patch, values, non_input.len() >= 2, &non_input, &input);
        }
        // Concatenated: `input_batch` is stacked with the other non-input dimensions when
        // there are any, so each patch is a contiguous run along the first axis either way.
        let n = patches.len();
        if n == 0 || values.shape().first().is_none_or(|&m| m % n != 0) {
            return Err(BatchError::BadShape {
                name: self.name.clone(),
                reason: format!(
                    "values of shape {:?} for a batch of {n} concatenated patches (input_batch first)",
                    values.shape()
                ),
            });
        }
        let per = values.len() / n;
        let flat = values.as_standard_layout().into_owned().into_shape_with_order(IxDyn(&[n, per])).map_err(|e| {
            BatchError::BadShape { name: self.name.clone(), reason: format!("cannot split the batch by patch: {e}") }
        })?;
        for (k, p) in patches.iter().enumerate() {
            let one = flat.index_axis(ndarray::Axis(0), k).into_owned();
            self.add_laid_out(bgen, p, one.view(), !non_input.is_empty(), &non_input, &input)?;
        }
        Ok(())
    }

    /// One patch's values in the generator's layout — `(*stack, *input)` flattened or not
    /// when `stacked`, the result's own order otherwise — added in the result's order.
    /// Stacked dimensions the result lacks must be of length 1.
    fn add_laid_out(
        &mut self,
        bgen: &BatchGenerator,
        patch: &[(String, Range<usize>)],
        values: ArrayViewD<f32>,
        stacked: bool,
        stack: &[String],
        input: &[String],
    ) -> Result<()> {
        let dims = self.template.dims().to_vec();
        let len = |d: &String| {
            let n = self.template.shape()[dims.iter().position(|x| x == d).unwrap_or(0)];
            patch.iter().find(|(x, _)| x == d).map_or(n, |(_, r)| r.len())
        };
        let laid: Vec<String> = if stacked {
            stack.iter().chain(input.iter().filter(|d| dims.contains(d))).cloned().collect()
        } else {
            dims.clone()
        };
        let shape: Vec<usize> =
            laid.iter().map(|d| if dims.contains(d) { len(d) } else { bgen.dim_len(patch, d) }).collect();
        let bad = || BatchError::BadShape {
            name: self.name.clone(),
            reason: format!("values of shape {:?}; the patch is {laid:?} of sizes {shape:?}", values.shape()),
        };
        if values.len() != shape.iter().product::<usize>() {
            return Err(bad());
        }
        if !stacked && values.shape() == shape.as_slice() {
            return self.add(patch, values);
        }
        let mut full =
            values.as_standard_layout().into_owned().into_shape_with_order(IxDyn(&shape)).map_err(|_| bad())?;
        let mut kept = laid.clone();
        for k in (0..kept.len()).rev() {
            if !dims.contains(&kept[k]) {
                if full.shape()[k] != 1 {
                    return Err(bad());
                }
                full = full.index_axis_move(ndarray::Axis(k), 0);
                kept.remove(k);
            }
        }
        let perm: Vec<usize> = dims.iter().filter_map(|d| kept.iter().position(|x| x == d)).collect();
        if perm.len() != dims.len() {
            return Err(bad());
        }
        self.add(patch, full.permuted_axes(IxDyn(&perm)).view())
    }

    /// How many outputs were added at each point.
    pub fn coverage(&self) -> ArrayViewD<'_, u32> {
        self.count.view()
    }

    /// The number of points no output was added to (they will be NaN).
    pub fn uncovered(&self) -> usize {
        self.count.iter().filter(|&&c| c == 0).count()
    }

    /// The mean of the outputs added at each point (NaN where none was), as a `f32`
    /// [`DataArray`] with the template's dimensions, coordinates and chunking.
    ///
    /// # Errors
    /// [`BatchError::Chunked`] when the array cannot be built (it always can for a template
    /// that is a valid array).
    pub fn finish(self) -> Result<DataArray> {
        let mean: ArrayD<f32> = ndarray::Zip::from(&self.sum)
            .and(&self.count)
            .map_collect(|&s, &c| if c == 0 { f32::NAN } else { (s / f64::from(c)) as f32 });
        let chunks = self.template.data().chunks().axes().iter().map(|a| a.first().copied().unwrap_or(1).max(1));
        let chunk: Vec<usize> = chunks.collect();
        let data = ChunkedArray::from_array(mean, &chunk)?;
        let dims: Vec<&str> = self.template.dims().iter().map(String::as_str).collect();
        let var = Variable::new(&dims, data)?;
        Ok(DataArray::from_parts(Some(self.name), var, self.template.coords().clone()))
    }
}
