//! [`BatchGenerator`]: xbatcher's `BatchGenerator` over a cumulus [`Dataset`] or
//! [`DataArray`], with random access (`bgen[i]` is [`BatchGenerator::get`]), an iterator,
//! and a fast path to plain `ndarray` tensors.

use std::ops::Range;

use cumulus_chunked::{Block, DType};
use cumulus_labeled::{Attrs, DataArray, Dataset};
use ndarray::ArrayD;

use crate::error::{BatchError, Result};
use crate::frame::{Frame, Item, stack_blocks};
use crate::schema::{BatchSchema, Patch};
use crate::window::{CacheStats, WindowReader};

/// The variables and coordinates read for one patch.
type PatchItems = (Vec<Item>, Vec<Item>);

/// The default size of the chunk cache: 256 MiB of decoded chunks.
pub const DEFAULT_CACHE_BYTES: usize = 256 << 20;

/// Settings of a [`BatchGenerator`] (xbatcher's keyword arguments), made with
/// [`BatchGenerator::builder`].
#[derive(Debug, Clone)]
pub struct BatchGeneratorBuilder {
    ds: Dataset,
    dataarray: Option<String>,
    input_dims: Vec<(String, usize)>,
    input_overlap: Vec<(String, usize)>,
    batch_dims: Vec<(String, usize)>,
    concat_input_dims: bool,
    preload_batch: bool,
    cache_bytes: usize,
    cover_edges: bool,
}

fn as_ref(v: &[(String, usize)]) -> Vec<(&str, usize)> {
    v.iter().map(|(d, n)| (d.as_str(), *n)).collect()
}

fn pairs<'a>(v: impl IntoIterator<Item = (&'a str, usize)>) -> Vec<(String, usize)> {
    v.into_iter().map(|(d, n)| (d.to_string(), n)).collect()
}

impl BatchGeneratorBuilder {
    /// The patch size along each input dimension (`input_dims={"latitude": 16, …}`); these are
    /// the dimensions the model sees.
    pub fn input_dims<'a>(mut self, dims: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
        self.input_dims = pairs(dims);
        self
    }

    /// How many points neighbouring patches share along a dimension (`input_overlap`).
    pub fn input_overlap<'a>(mut self, dims: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
        self.input_overlap = pairs(dims);
        self
    }

    /// The batch size along dimensions that are always iterated over (`batch_dims`).
    pub fn batch_dims<'a>(mut self, dims: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
        self.batch_dims = pairs(dims);
        self
    }

    /// Concatenate the patches of a batch along `input_batch` (xbatcher's
    /// `concat_input_dims`, default false).
    pub fn concat_input_dims(mut self, yes: bool) -> Self {
        self.concat_input_dims = yes;
        self
    }

    /// Load each batch into memory (default true, as in xbatcher). With false, a batch that
    /// needs no stacking and no concatenation keeps lazy variables: nothing is read until it
    /// is computed.
    pub fn preload_batch(mut self, yes: bool) -> Self {
        self.preload_batch = yes;
        self
    }

    /// Bytes of decoded chunks kept between batches (default [`DEFAULT_CACHE_BYTES`]; 0
    /// turns the cache off, so that each batch decodes every chunk it touches).
    pub fn cache_bytes(mut self, bytes: usize) -> Self {
        self.cache_bytes = bytes;
        self
    }

    /// Add, along each sliced dimension, a last patch (or batch along a batch dimension)
    /// ending at the end when the regular ones stop short of it, so that every point is in
    /// some patch (default false: xbatcher drops the remainder). For predicting over a whole
    /// grid and stitching the patches back with [`Stitcher`](crate::stitch::Stitcher); see
    /// [`BatchSchema::new_covering`].
    pub fn cover_edges(mut self, yes: bool) -> Self {
        self.cover_edges = yes;
        self
    }

    /// Compute the batch layout; nothing is read.
    ///
    /// # Errors
    /// As xbatcher: an unknown dimension, an overlap not smaller than its patch, a patch
    /// longer than its dimension.
    pub fn build(self) -> Result<BatchGenerator> {
        let sizes = dim_order(&self.ds)?;
        let schema = if self.cover_edges { BatchSchema::new_covering } else { BatchSchema::new };
        let schema = schema(
            &sizes,
            &as_ref(&self.input_dims),
            &as_ref(&self.input_overlap),
            &as_ref(&self.batch_dims),
            self.concat_input_dims,
        )?;
        let vars = self
            .ds
            .data_vars()
            .iter()
            .map(|n| Ok((n.to_string(), self.ds.get(n)?.variable().clone())))
            .collect::<Result<Vec<_>>>()?;
        Ok(BatchGenerator {
            vars,
            reader: WindowReader::new(self.cache_bytes),
            ds: self.ds,
            dataarray: self.dataarray,
            sizes,
            schema,
            preload_batch: self.preload_batch,
        })
    }
}

/// Cuts a dataset into patches and batches exactly as xbatcher 0.4.0 does, reading each
/// batch lazily through a chunk cache.
///
/// ```
/// use cumulus_batches::BatchGenerator;
/// use cumulus_chunked::ChunkedArray;
/// use cumulus_labeled::{Dataset, Variable};
/// use ndarray::{ArrayD, IxDyn};
///
/// // time 10 × lat 6 × lon 8, values = flat position.
/// let a = ArrayD::from_shape_fn(IxDyn(&[10, 6, 8]), |i| (i[0] * 48 + i[1] * 8 + i[2]) as f32);
/// let data = ChunkedArray::from_array(a, &[5, 3, 4]).unwrap();
/// let ds = Dataset::new()
///     .with_var("t2m", Variable::new(&["time", "lat", "lon"], data).unwrap()).unwrap()
///     .with_coord("lat", Variable::from_vec("lat", vec![0.0f64, 1.0, 2.0, 3.0, 4.0, 5.0])).unwrap();
/// let bgen = BatchGenerator::builder(&ds)
///     .input_dims([("lat", 4), ("lon", 4)])
///     .input_overlap([("lat", 2)])
///     .batch_dims([("time", 5)])
///     .build()
///     .unwrap();
/// // 2 time batches × 2 lat patches (starts 0, 2) × 2 lon patches (starts 0, 4).
/// assert_eq!(bgen.len(), 8);
/// let b = bgen.get(3).unwrap(); // time 0..5, lat 2..6, lon 4..8
/// let lat = b.get("lat").unwrap().to_vec_f64().unwrap();
/// assert_eq!(lat, vec![2.0, 3.0, 4.0, 5.0]);
/// let v = b.get("t2m").unwrap().to_vec_f64().unwrap();
/// assert_eq!(v[0], (2 * 8 + 4) as f64);
/// ```
#[derive(Debug)]
pub struct BatchGenerator {
    ds: Dataset,
    dataarray: Option<String>,
    sizes: Vec<(String, usize)>,
    vars: Vec<(String, cumulus_labeled::Variable)>,
    schema: BatchSchema,
    preload_batch: bool,
    reader: WindowReader,
}

/// One variable of a batch as a plain array, from [`BatchGenerator::get_tensors`].
#[derive(Debug, Clone)]
pub struct Tensor {
    /// The variable's name.
    pub name: String,
    /// Its dimension names (as in the labeled batch: `sample` first when stacked).
    pub dims: Vec<String>,
    /// Its values as `f32`.
    pub values: ArrayD<f32>,
}

impl BatchGenerator {
    /// Start building a generator over `ds`.
    pub fn builder(ds: &Dataset) -> BatchGeneratorBuilder {
        BatchGeneratorBuilder {
            ds: ds.clone(),
            dataarray: None,
            input_dims: Vec::new(),
            input_overlap: Vec::new(),
            batch_dims: Vec::new(),
            concat_input_dims: false,
            preload_batch: true,
            cache_bytes: DEFAULT_CACHE_BYTES,
            cover_edges: false,
        }
    }

    /// Start building a generator over one array; its batches come out of
    /// [`BatchGenerator::get_dataarray`].
    ///
    /// # Errors
    /// When the array's coordinates cannot be put in a dataset.
    pub fn builder_for_dataarray(da: &DataArray) -> Result<BatchGeneratorBuilder> {
        let name = da.name().unwrap_or("__xarray_dataarray_variable__").to_string();
        let mut ds = Dataset::new();
        for (cname, var, _) in da.coords().iter() {
            ds = ds.with_coord(cname, var.clone())?;
        }
        ds = ds.with_var(&name, da.variable().clone())?;
        let mut b = Self::builder(&ds);
        b.dataarray = Some(name);
        Ok(b)
    }

    /// The number of batches (`len(bgen)`).
    pub fn len(&self) -> usize {
        self.schema.len()
    }

    /// True when there is no batch.
    pub fn is_empty(&self) -> bool {
        self.schema.is_empty()
    }

    /// The batch layout (which patches make up each batch).
    pub fn schema(&self) -> &BatchSchema {
        &self.schema
    }

    /// The data being cut.
    pub fn dataset(&self) -> &Dataset {
        &self.ds
    }

    /// Chunk-cache counters so far (decoded chunks, hits, windows read).
    pub fn cache_stats(&self) -> CacheStats {
        self.reader.stats()
    }

    fn resolve(&self, index: isize) -> Result<usize> {
        let len = self.len();
        let i = if index < 0 { index + len as isize } else { index };
        if i < 0 || i as usize >= len {
            return Err(BatchError::IndexOutOfRange { index, len });
        }
        Ok(i as usize)
    }

    /// The patches of batch `index` (negative counts from the end).
    ///
    /// # Errors
    /// [`BatchError::IndexOutOfRange`].
    pub fn patches(&self, index: isize) -> Result<&[Patch]> {
        Ok(&self.schema.selectors[self.resolve(index)?])
    }

    /// Batch `index` as a labeled dataset with xbatcher's dimensions and coordinates
    /// (`bgen[index]`; negative counts from the end).
    ///
    /// # Errors
    /// An index out of range, an empty batch, a chunk that cannot be read.
    pub fn get(&self, index: isize) -> Result<Dataset> {
        let i = self.resolve(index)?;
        if !self.preload_batch && !self.schema.concat_input_dims && self.stack_dims(&self.sizes).len() < 2 {
            return self.lazy_patch(&self.schema.selectors[i][0]);
        }
        self.frame(i, true, None)?.into_dataset(self.ds.attrs())
    }

    /// Batch `index` of a generator built with [`BatchGenerator::builder_for_dataarray`], as
    /// a [`DataArray`].
    ///
    /// # Errors
    /// As [`BatchGenerator::get`]; [`BatchError::BadArgument`] for a generator over a dataset.
    pub fn get_dataarray(&self, index: isize) -> Result<DataArray> {
        let Some(name) = &self.dataarray else {
            return Err(BatchError::BadArgument {
                argument: "get_dataarray",
                reason: "this generator was built over a Dataset; use get".into(),
            });
        };
        Ok(self.get(index)?.get(name)?)
    }

    /// The fast path: batch `index` as one `f32` array per data variable, laid out as in
    /// [`BatchGenerator::get`] but without building coordinates.
    ///
    /// # Errors
    /// As [`BatchGenerator::get`].
    pub fn get_tensors(&self, index: isize) -> Result<Vec<Tensor>> {
        let names = self.ds.data_vars();
        self.get_tensors_for(index, &names)
    }

    /// [`BatchGenerator::get_tensors`] for only the variables `names`, in that order (the
    /// others are not read).
    ///
    /// # Errors
    /// As [`BatchGenerator::get`]; [`BatchError::NoVariable`] for an unknown name.
    pub fn get_tensors_for(&self, index: isize, names: &[&str]) -> Result<Vec<Tensor>> {
        let i = self.resolve(index)?;
        let all = self.ds.data_vars();
        let mut keys = Vec::with_capacity(names.len());
        for n in names {
            let k = all.iter().position(|x| x == n).ok_or_else(|| BatchError::NoVariable {
                name: n.to_string(),
                available: all.iter().map(|s| s.to_string()).collect(),
            })?;
            keys.push(k);
        }
        let frame = self.frame(i, false, Some(&keys))?;
        Ok(frame
            .vars
            .into_iter()
            .map(|it| {
                let values = it.block.into_dtype(DType::F32).into_array::<f32>().unwrap_or_default();
                Tensor { name: it.name, dims: it.dims, values }
            })
            .collect())
    }

    /// The dimensions that would be stacked into `sample` (all but the input dimensions).
    fn stack_dims(&self, sizes: &[(String, usize)]) -> Vec<String> {
        sizes.iter().map(|(d, _)| d.clone()).filter(|d| !self.schema.input_dims.iter().any(|(x, _)| x == d)).collect()
    }

    /// The dataset's dimensions and sizes in the order the generator uses (xarray's order
    /// for `ds[names]`: first appearance in the data variables, then the coordinates); the
    /// stacked `sample` dimension follows it.
    pub fn dim_sizes(&self) -> &[(String, usize)] {
        &self.sizes
    }

    /// The length of `patch` along `dim` (the whole dimension when it does not slice it).
    pub(crate) fn dim_len(&self, patch: &[(String, Range<usize>)], dim: &str) -> usize {
        self.range_of(patch, dim).len()
    }

    fn range_of(&self, patch: &[(String, Range<usize>)], dim: &str) -> Range<usize> {
        patch
            .iter()
            .find(|(d, _)| d == dim)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| 0..self.sizes.iter().find(|(d, _)| d == dim).map_or(0, |(_, n)| *n))
    }

    /// Read every variable (and, with `coords`, every coordinate) of one patch.
    fn read_patch(&self, patch: &Patch, coords: bool, only: Option<&[usize]>) -> Result<PatchItems> {
        let read = |name: &str, key: usize, var: &cumulus_labeled::Variable| -> Result<Item> {
            let region: Vec<Range<usize>> = var.dims().iter().map(|d| self.range_of(patch, d)).collect();
            let block = self.reader.read(name, key, var.data(), &region)?;
            Ok(Item {
                name: name.to_string(),
                dims: var.dims().to_vec(),
                block,
                datetime: var.is_datetime(),
                attrs: var.attrs().clone(),
            })
        };
        let names = &self.vars;
        let keys: Vec<usize> = only.map_or_else(|| (0..names.len()).collect(), <[usize]>::to_vec);
        let mut vars = Vec::new();
        for k in keys {
            vars.push(read(&names[k].0, k, &names[k].1)?);
        }
        let mut cs = Vec::new();
        if coords {
            let n = names.len();
            for (k, (name, var, _)) in self.ds.coords().iter().enumerate() {
                cs.push(read(name, n + k, var)?);
            }
        }
        Ok((vars, cs))
    }

    fn patch_sizes(&self, patch: &Patch) -> Vec<(String, usize)> {
        self.sizes.iter().map(|(d, _)| (d.clone(), self.range_of(patch, d).len())).collect()
    }

    /// The batch as blocks, stacked like xbatcher's.
    fn frame(&self, i: usize, coords: bool, only: Option<&[usize]>) -> Result<Frame> {
        let patches = &self.schema.selectors[i];
        let input: Vec<String> = self.schema.input_dims.iter().map(|(d, _)| d.clone()).collect();
        if !self.schema.concat_input_dims {
            let (vars, coords) = self.read_patch(&patches[0], coords, only)?;
            let frame = Frame { sizes: self.patch_sizes(&patches[0]), vars, coords };
            return Ok(frame.maybe_stack(&input));
        }
        let Some(first) = patches.first() else {
            return Err(BatchError::EmptyBatch { index: i });
        };
        let renamed = |d: &String| if input.contains(d) { format!("{d}_input") } else { d.clone() };
        let mut per_patch = Vec::with_capacity(patches.len());
        for p in patches {
            per_patch.push(self.read_patch(p, coords, only)?);
        }
        let n = patches.len();
        let mut sizes = vec![("input_batch".to_string(), n)];
        sizes.extend(self.patch_sizes(first).iter().map(|(d, m)| (renamed(d), *m)));
        let concat_items = |pick: &dyn Fn(&PatchItems) -> &Vec<Item>, k: usize| -> Item {
            let it0 = &pick(&per_patch[0])[k];
            let blocks: Vec<Block> = per_patch.iter().map(|pp| pick(pp)[k].block.clone()).collect();
            let mut dims = vec!["input_batch".to_string()];
            dims.extend(it0.dims.iter().map(renamed));
            Item { dims, block: stack_blocks(it0.block.dtype(), blocks), ..it0.clone() }
        };
        let vars = (0..per_patch[0].0.len()).map(|k| concat_items(&|pp| &pp.0, k)).collect();
        let mut cs = Vec::new();
        for k in 0..per_patch[0].1.len() {
            let c0 = &per_patch[0].1[k];
            let same = per_patch.iter().all(|pp| blocks_equal(&pp.1[k].block, &c0.block));
            if same {
                // xarray's concat keeps a coordinate that is equal in every patch as it is.
                cs.push(Item { dims: c0.dims.iter().map(renamed).collect(), ..c0.clone() });
            } else {
                cs.push(concat_items(&|pp| &pp.1, k));
            }
        }
        let input_renamed: Vec<String> = input.iter().map(renamed).collect();
        Ok(Frame { sizes, vars, coords: cs }.maybe_stack(&input_renamed))
    }

    /// `preload_batch=false` without stacking: the lazy selection itself.
    fn lazy_patch(&self, patch: &Patch) -> Result<Dataset> {
        use cumulus_labeled::Positions;
        use cumulus_labeled::coords::isel_variable;
        let mut out = Dataset::new().with_attrs(self.ds.attrs().clone());
        let pos = |d: &str| Positions::Range(self.range_of(patch, d));
        let sel = |v: &cumulus_labeled::Variable| -> Result<cumulus_labeled::Variable> {
            let mut v = v.clone();
            for (d, _) in patch {
                v = isel_variable(&v, d, &pos(d))?;
            }
            Ok(v)
        };
        for (name, var, _) in self.ds.coords().iter() {
            out = out.with_coord(name, sel(var)?)?;
        }
        for name in self.ds.data_vars() {
            out = out.with_var(name, sel(self.ds.get(name)?.variable())?)?;
        }
        Ok(out)
    }

    /// Iterate over the batches in order (`for batch in bgen`).
    pub fn iter(&self) -> impl Iterator<Item = Result<Dataset>> + '_ {
        (0..self.len()).map(|i| self.get(i as isize))
    }

    /// The dataset's attributes.
    pub fn attrs(&self) -> &Attrs {
        self.ds.attrs()
    }
}

/// The dimensions in the order xarray gives a dataset subset `ds[names]` (and a DataArray):
/// first appearance in the data variables, then in the coordinates. The stacked `sample`
/// dimension follows this order.
fn dim_order(ds: &Dataset) -> Result<Vec<(String, usize)>> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for name in ds.data_vars() {
        let da = ds.get(name)?;
        for (d, n) in da.dims().iter().zip(da.shape()) {
            if !out.iter().any(|(x, _)| x == d) {
                out.push((d.clone(), *n));
            }
        }
    }
    for (d, n) in ds.sizes() {
        if !out.iter().any(|(x, _)| *x == d) {
            out.push((d, n));
        }
    }
    Ok(out)
}

fn blocks_equal(a: &Block, b: &Block) -> bool {
    a.shape() == b.shape() && {
        let (x, y) = (a.cast(DType::F64), b.cast(DType::F64));
        match (x.as_array::<f64>(), y.as_array::<f64>()) {
            (Some(x), Some(y)) => x.iter().zip(y.iter()).all(|(p, q)| p == q || (p.is_nan() && q.is_nan())),
            _ => false,
        }
    }
}
