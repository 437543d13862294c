//! [`BatchSchema`]: which patches go into which batch — xbatcher's `BatchSchema`,
//! `_gen_slices` and `_iterate_through_dimensions`, computed from dimension sizes alone.
//!
//! ```
//! use cumulus_batches::schema::{BatchSchema, gen_slices};
//!
//! // 10 points, patches of 4 overlapping by 2: starts 0, 2, 4, 6 (8..12 would not fit).
//! assert_eq!(gen_slices("x", 10, 4, 0 + 2).unwrap(), vec![0..4, 2..6, 4..8, 6..10]);
//!
//! let sizes = [("time".to_string(), 100), ("lat".to_string(), 30)];
//! let s = BatchSchema::new(&sizes, &[("lat", 10)], &[("lat", 5)], &[("time", 32)], false).unwrap();
//! assert_eq!(s.len(), 3 * 5); // 3 time batches (the last 4 steps are dropped) × 5 lat patches
//! ```

use std::ops::Range;

use crate::error::{BatchError, Result};

/// One patch: a range of positions along each sliced dimension, in the schema's dimension
/// order (the unique batch dimensions, then the input dimensions).
pub type Patch = Vec<(String, Range<usize>)>;

/// The slices that chop one dimension of length `dim_size` into patches of `slice_size`
/// overlapping by `overlap` (xbatcher's `_gen_slices`): starts step by `slice_size - overlap`
/// and a patch that would run past the end is dropped.
///
/// # Errors
/// [`BatchError::OverlapTooLarge`] when `overlap >= slice_size`.
pub fn gen_slices(dim: &str, dim_size: usize, slice_size: usize, overlap: usize) -> Result<Vec<Range<usize>>> {
    if overlap >= slice_size {
        return Err(BatchError::OverlapTooLarge { dim: dim.to_string(), input: slice_size, overlap });
    }
    let stride = slice_size - overlap;
    Ok((0..dim_size).step_by(stride).filter(|s| s + slice_size <= dim_size).map(|s| s..s + slice_size).collect())
}

/// [`gen_slices`], plus one more slice ending at the last point when the others stop short of
/// it, so that every point is in some patch (the last one overlaps its neighbour more than
/// `overlap`). xbatcher has no such option; cumulus uses it to predict over a whole grid and
/// stitch the patches back ([`crate::stitch`]).
///
/// ```
/// use cumulus_batches::schema::{cover_slices, gen_slices};
/// // 10 points in patches of 4: xbatcher stops at 8, the cover adds 6..10.
/// assert_eq!(gen_slices("x", 10, 4, 0).unwrap(), vec![0..4, 4..8]);
/// assert_eq!(cover_slices("x", 10, 4, 0).unwrap(), vec![0..4, 4..8, 6..10]);
/// // When the patches fit exactly, nothing is added.
/// assert_eq!(cover_slices("x", 8, 4, 0).unwrap(), vec![0..4, 4..8]);
/// ```
///
/// # Errors
/// [`BatchError::OverlapTooLarge`] when `overlap >= slice_size`.
pub fn cover_slices(dim: &str, dim_size: usize, slice_size: usize, overlap: usize) -> Result<Vec<Range<usize>>> {
    let mut slices = gen_slices(dim, dim_size, slice_size, overlap)?;
    let end = slices.last().map_or(0, |r| r.end);
    if end < dim_size && slice_size <= dim_size {
        slices.push(dim_size - slice_size..dim_size);
    }
    Ok(slices)
}

/// Which patches make up each batch, for data of the given dimension sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSchema {
    /// The patch size along each input dimension, in the order given.
    pub input_dims: Vec<(String, usize)>,
    /// The overlap along dimensions (0 when absent).
    pub input_overlap: Vec<(String, usize)>,
    /// The batch size along each batch dimension.
    pub batch_dims: Vec<(String, usize)>,
    /// Whether the patches of a batch are concatenated along `input_batch` (xbatcher's
    /// `concat_input_dims`).
    pub concat_input_dims: bool,
    /// Whether a last patch (or batch) aligned to the end is added along each sliced
    /// dimension that the others do not cover ([`cover_slices`]; not in xbatcher).
    pub cover_edges: bool,
    /// The patches of each batch, in order.
    pub selectors: Vec<Vec<Patch>>,
}

fn owned(v: &[(&str, usize)]) -> Vec<(String, usize)> {
    v.iter().map(|(d, n)| (d.to_string(), *n)).collect()
}

fn lookup(v: &[(String, usize)], dim: &str) -> Option<usize> {
    v.iter().find(|(d, _)| d == dim).map(|(_, n)| *n)
}

impl BatchSchema {
    /// The schema of data with `sizes` (dimension, length).
    ///
    /// # Errors
    /// A dimension the data lacks ([`BatchError::NoDim`]), an overlap not smaller than its
    /// patch, a patch or batch longer than its dimension — as xbatcher raises them.
    pub fn new(
        sizes: &[(String, usize)],
        input_dims: &[(&str, usize)],
        input_overlap: &[(&str, usize)],
        batch_dims: &[(&str, usize)],
        concat_input_dims: bool,
    ) -> Result<BatchSchema> {
        BatchSchema::build(sizes, input_dims, input_overlap, batch_dims, concat_input_dims, false)
    }

    /// As [`BatchSchema::new`], but every point of every sliced dimension is in some patch:
    /// along each dimension a last patch (or batch) ending at the end is added when the
    /// others stop short of it ([`cover_slices`]). Use it to predict over a whole grid.
    ///
    /// ```
    /// use cumulus_batches::BatchSchema;
    /// let sizes = [("time".to_string(), 10), ("lat".to_string(), 30)];
    /// let s = BatchSchema::new_covering(&sizes, &[("lat", 16)], &[], &[("time", 4)], false).unwrap();
    /// // time batches 0..4, 4..8, 6..10; lat patches 0..16, 14..30.
    /// assert_eq!(s.len(), 3 * 2);
    /// assert_eq!(s.selectors[5][0], vec![("time".to_string(), 6..10), ("lat".to_string(), 14..30)]);
    /// ```
    ///
    /// # Errors
    /// As [`BatchSchema::new`]; [`BatchError::BadArgument`] when a dimension is in both
    /// `input_dims` and `batch_dims` with `concat_input_dims` (xbatcher's grouping for that
    /// case counts patches on a regular grid, which the extra patches would break).
    pub fn new_covering(
        sizes: &[(String, usize)],
        input_dims: &[(&str, usize)],
        input_overlap: &[(&str, usize)],
        batch_dims: &[(&str, usize)],
        concat_input_dims: bool,
    ) -> Result<BatchSchema> {
        BatchSchema::build(sizes, input_dims, input_overlap, batch_dims, concat_input_dims, true)
    }

    fn build(
        sizes: &[(String, usize)],
        input_dims: &[(&str, usize)],
        input_overlap: &[(&str, usize)],
        batch_dims: &[(&str, usize)],
        concat_input_dims: bool,
        cover_edges: bool,
    ) -> Result<BatchSchema> {
        let available = || sizes.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>();
        for (argument, list) in
            [("input_dims", input_dims), ("input_overlap", input_overlap), ("batch_dims", batch_dims)]
        {
            for (d, _) in list {
                if lookup(sizes, d).is_none() {
                    return Err(BatchError::NoDim { argument, dim: d.to_string(), available: available() });
                }
            }
        }
        let mut schema = BatchSchema {
            input_dims: owned(input_dims),
            input_overlap: owned(input_overlap),
            batch_dims: owned(batch_dims),
            concat_input_dims,
            cover_edges,
            selectors: Vec::new(),
        };
        let shared = schema.batch_dims.iter().find(|(d, _)| lookup(&schema.input_dims, d).is_some());
        if let (true, true, Some((d, _))) = (cover_edges, concat_input_dims, shared) {
            return Err(BatchError::BadArgument {
                argument: "cover_edges",
                reason: format!(
                    "cannot cover the edges when {d:?} is in both input_dims and batch_dims with concat_input_dims"
                ),
            });
        }
        let patches = schema.patches(sizes)?;
        schema.selectors = if !concat_input_dims {
            patches.into_iter().map(|p| vec![p]).collect()
        } else if schema.batch_dims.is_empty() {
            vec![patches]
        } else if schema.batch_dims.iter().any(|(d, _)| lookup(&schema.input_dims, d).is_some()) {
            schema.group_by_input_and_batch_dims(sizes, patches)
        } else {
            schema.group_by_batch_dims(patches)
        };
        Ok(schema)
    }

    /// The number of batches (`len(bgen)`).
    pub fn len(&self) -> usize {
        self.selectors.len()
    }

    /// True when there is no batch.
    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }

    fn overlap(&self, dim: &str) -> usize {
        lookup(&self.input_overlap, dim).unwrap_or(0)
    }

    /// Batch dimensions that are not input dimensions (xbatcher's `_unique_batch_dims`).
    fn unique_batch_dims(&self) -> Vec<(String, usize)> {
        self.batch_dims.iter().filter(|(d, _)| lookup(&self.input_dims, d).is_none()).cloned().collect()
    }

    /// The sliced dimensions in iteration order: unique batch dimensions, then input dimensions.
    pub fn sliced_dims(&self) -> Vec<(String, usize)> {
        let mut v = self.unique_batch_dims();
        v.extend(self.input_dims.iter().cloned());
        v
    }

    /// Every patch, the first sliced dimension varying slowest (`_iterate_through_dimensions`).
    fn patches(&self, sizes: &[(String, usize)]) -> Result<Vec<Patch>> {
        let dims = self.sliced_dims();
        let mut per_dim = Vec::with_capacity(dims.len());
        for (d, n) in &dims {
            let size = lookup(sizes, d).unwrap_or(0);
            if *n > size {
                return Err(BatchError::InputTooLarge { dim: d.clone(), input: *n, size });
            }
            let slices = if self.cover_edges { cover_slices } else { gen_slices };
            per_dim.push(slices(d, size, *n, self.overlap(d))?);
        }
        let mut out: Vec<Patch> = vec![Vec::new()];
        for ((d, _), slices) in dims.iter().zip(&per_dim) {
            let mut next = Vec::with_capacity(out.len() * slices.len());
            for p in &out {
                for s in slices {
                    let mut q = p.clone();
                    q.push((d.clone(), s.clone()));
                    next.push(q);
                }
            }
            out = next;
        }
        Ok(out)
    }

    /// Consecutive patches with the same slices along the batch dimensions form a batch
    /// (`_combine_patches_grouped_by_batch_dims`).
    fn group_by_batch_dims(&self, patches: Vec<Patch>) -> Vec<Vec<Patch>> {
        let key = |p: &Patch| -> Vec<Range<usize>> {
            self.batch_dims.iter().filter_map(|(d, _)| p.iter().find(|(x, _)| x == d).map(|(_, r)| r.clone())).collect()
        };
        let mut out: Vec<Vec<Patch>> = Vec::new();
        let mut last: Option<Vec<Range<usize>>> = None;
        for p in patches {
            let k = key(&p);
            if last.as_ref() == Some(&k) {
                if let Some(b) = out.last_mut() {
                    b.push(p);
                }
            } else {
                out.push(vec![p]);
                last = Some(k);
            }
        }
        out
    }

    /// A dimension in both `input_dims` and `batch_dims`: each batch gathers
    /// `ceil(batch / stride)` consecutive patches along it
    /// (`_combine_patches_grouped_by_input_and_batch_dims`); batches may stay empty.
    fn group_by_input_and_batch_dims(&self, sizes: &[(String, usize)], patches: Vec<Patch>) -> Vec<Vec<Patch>> {
        let dims = self.sliced_dims();
        let size = |d: &str| lookup(sizes, d).unwrap_or(0);
        let stride = |d: &str| lookup(&self.input_dims, d).map(|n| n - self.overlap(d));
        let patches_per_batch: Vec<Option<usize>> = dims
            .iter()
            .map(|(d, _)| lookup(&self.batch_dims, d).map(|b| b.div_ceil(stride(d).unwrap_or(b).max(1))))
            .collect();
        let patches_per_dim: Vec<usize> =
            dims.iter().map(|(d, n)| (size(d) - self.overlap(d)) / (n - self.overlap(d))).collect();
        let batches_per_dim: Vec<usize> =
            dims.iter().map(|(d, _)| size(d) / lookup(&self.batch_dims, d).unwrap_or(size(d)).max(1)).collect();
        let n_batches: usize = batches_per_dim.iter().product();
        let mut out: Vec<Vec<Patch>> = vec![Vec::new(); n_batches];
        // Patches come in row-major order over `patches_per_dim`.
        for (flat, p) in patches.into_iter().enumerate() {
            let mut rem = flat;
            let mut multi = vec![0usize; dims.len()];
            for k in (0..dims.len()).rev() {
                multi[k] = rem % patches_per_dim[k].max(1);
                rem /= patches_per_dim[k].max(1);
            }
            let bid: Vec<usize> = multi
                .iter()
                .zip(&patches_per_batch)
                .zip(&patches_per_dim)
                .map(|((&m, ppb), &n)| m / ppb.unwrap_or(n + 1))
                .collect();
            if bid.iter().zip(&batches_per_dim).all(|(b, m)| b < m) {
                let idx = bid.iter().zip(&batches_per_dim).fold(0, |acc, (b, m)| acc * m + b);
                out[idx].push(p);
            }
        }
        out
    }
}
