//! `to_zarr`: write a lazy [`Dataset`] to a Zarr store, streaming chunk by chunk.
//!
//! Each data variable is computed with the engine's streaming sink: every finished output
//! chunk is encoded and written at once, so memory holds a few chunks, never a variable.
//! Coordinates are written whole (they are small), datetimes CF-encoded (`units`,
//! `calendar`). The store is built in `<path>.partial` and its consolidated metadata is written
//! last, then it is renamed into place: an interrupted write never looks complete, and a failed
//! one is removed.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_labeled::{Dataset, Variable};
//! use cumulus_store::{ToZarrOptions, open_zarr, to_zarr};
//! use ndarray::{ArrayD, IxDyn};
//!
//! let dir = tempfile::tempdir()?;
//! let a = ArrayD::from_shape_fn(IxDyn(&[5, 3]), |i| (i[0] * 3 + i[1]) as f32);
//! let ds = Dataset::new()
//!     .with_coord("x", Variable::from_vec("x", vec![0.0f64, 1.0, 2.0, 3.0, 4.0]))?
//!     .with_var("v", Variable::new(&["x", "y"], ChunkedArray::from_array(a, &[2, 3])?)?)?;
//! let path = dir.path().join("out.zarr");
//! to_zarr(&ds, &path, &ToZarrOptions::default())?;
//! let back = open_zarr(&path)?;
//! assert_eq!(back.get("v")?.to_vec_f64()?[14], 14.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use cumulus_chunked::{Block, BlockElement, ChunkedArray, ComputeOptions, DType as EngineDType};
use cumulus_labeled::time::CfTime;
use cumulus_labeled::variable::block_i64;
use cumulus_labeled::{Dataset, Variable};
use ndarray::{ArrayD, IxDyn, SliceInfoElem};
use serde_json::Value;

use crate::codec::Compressor;
use crate::encode::CfEncoding;
use crate::error::StoreError;
use crate::open::COORDINATES;
use crate::spec::{ArraySpec, DType, StoreElement, ZarrFormat};
use crate::writer::{ArrayWriter, StoreWriter, WritableElement, WriteMode};

/// Runs `$body` with `$t` the Rust element type of the store type `$d`.
macro_rules! with_store_type {
    ($d:expr, $t:ident => $body:expr) => {
        match $d {
            DType::F32 => {
                type $t = f32;
                $body
            }
            DType::F64 => {
                type $t = f64;
                $body
            }
            DType::I8 => {
                type $t = i8;
                $body
            }
            DType::I16 => {
                type $t = i16;
                $body
            }
            DType::I32 => {
                type $t = i32;
                $body
            }
            DType::I64 => {
                type $t = i64;
                $body
            }
            DType::U8 => {
                type $t = u8;
                $body
            }
            DType::U16 => {
                type $t = u16;
                $body
            }
        }
    };
}
pub(crate) use with_store_type;

/// How one variable is stored (xarray's `encoding={name: {...}}`).
///
/// ```
/// use cumulus_store::{DType, VarEncoding};
/// // ERA5's packing: int16 with a scale, an offset and a fill value for NaN.
/// let enc = VarEncoding::default().dtype(DType::I16).scale_offset(0.002, 270.0).fill_value(-32767.0);
/// assert_eq!(enc.dtype, Some(DType::I16));
/// ```
#[derive(Debug, Clone, Default)]
pub struct VarEncoding {
    /// Chunk shape (default: the variable's chunks, which must then be regular).
    pub chunks: Option<Vec<usize>>,
    /// Compressor (default: the options' compressor).
    pub compressor: Option<Compressor>,
    /// Stored type (default: the variable's type).
    pub dtype: Option<DType>,
    /// `_FillValue`: stored where the values are NaN (needed for integer types with NaN).
    pub fill_value: Option<f64>,
    /// Values are stored as `(x - add_offset) / scale_factor`, rounded for integer types.
    pub scale_factor: Option<f64>,
    /// See `scale_factor`.
    pub add_offset: Option<f64>,
}

impl VarEncoding {
    /// Sets the chunk shape.
    #[must_use]
    pub fn chunks(mut self, chunks: &[usize]) -> Self {
        self.chunks = Some(chunks.to_vec());
        self
    }

    /// Sets the compressor.
    #[must_use]
    pub fn compressor(mut self, c: Compressor) -> Self {
        self.compressor = Some(c);
        self
    }

    /// Sets the stored type.
    #[must_use]
    pub fn dtype(mut self, d: DType) -> Self {
        self.dtype = Some(d);
        self
    }

    /// Sets `_FillValue`.
    #[must_use]
    pub fn fill_value(mut self, f: f64) -> Self {
        self.fill_value = Some(f);
        self
    }

    /// Sets `scale_factor` and `add_offset`.
    #[must_use]
    pub fn scale_offset(mut self, scale_factor: f64, add_offset: f64) -> Self {
        self.scale_factor = Some(scale_factor);
        self.add_offset = Some(add_offset);
        self
    }

    fn cf(&self, stored: DType) -> CfEncoding {
        CfEncoding {
            dtype: self.dtype.unwrap_or(stored),
            fill_value: self.fill_value,
            scale_factor: self.scale_factor,
            add_offset: self.add_offset,
        }
    }
}

/// Options of [`to_zarr`].
#[derive(Debug, Clone)]
pub struct ToZarrOptions {
    /// `Create` (xarray's `mode="w-"`), `Overwrite` (`mode="w"`) or `Append` (`mode="a"`:
    /// add or replace variables in an existing store, append along `append_dim`, or write a
    /// `region`).
    pub mode: WriteMode,
    /// Zarr format 2 (the class's choice, the default) or 3. Appends keep the store's format.
    pub format: ZarrFormat,
    /// Compressor for every variable without its own (default Blosc zstd 3, bit shuffle).
    pub compressor: Compressor,
    /// Per-variable encodings.
    pub encoding: BTreeMap<String, VarEncoding>,
    /// With `Append`: the dimension to append along (xarray's `append_dim`).
    pub append_dim: Option<String>,
    /// With `Append`: write into this part of the existing arrays, given as index ranges by
    /// dimension name (xarray's `region={"time": slice(0, 24)}`).
    pub region: Option<BTreeMap<String, Range<usize>>>,
    /// How to compute (threads, memory limit, progress subscribers). The data are computed
    /// and written chunk by chunk through these options, so a subscriber sees every write
    /// task: `cumulus_dashboard::ComputeProgress` shows an indicatif bar (tasks done/total,
    /// rate, ETA), as `cumulus convert` does, and a dashboard's `options()` show the write live.
    pub compute: ComputeOptions,
    /// How to reach a remote target (`s3://` URLs, with the `remote` feature).
    pub remote: crate::storage::RemoteOptions,
}

impl Default for ToZarrOptions {
    fn default() -> Self {
        ToZarrOptions {
            mode: WriteMode::Create,
            format: ZarrFormat::V2,
            compressor: Compressor::blosc_zstd(3),
            encoding: BTreeMap::new(),
            append_dim: None,
            region: None,
            compute: ComputeOptions::default(),
            remote: crate::storage::RemoteOptions::default(),
        }
    }
}

impl ToZarrOptions {
    /// Append along `dim` to an existing store (xarray's `mode="a", append_dim=dim`).
    #[must_use]
    pub fn append(dim: &str) -> Self {
        ToZarrOptions { mode: WriteMode::Append, append_dim: Some(dim.to_owned()), ..ToZarrOptions::default() }
    }

    /// Write into a region of an existing store (xarray's `region={dim: slice(start, stop)}`).
    #[must_use]
    pub fn region(region: &[(&str, Range<usize>)]) -> Self {
        ToZarrOptions {
            mode: WriteMode::Append,
            region: Some(region.iter().map(|(d, r)| ((*d).to_owned(), r.clone())).collect()),
            ..ToZarrOptions::default()
        }
    }

    /// Sets the encoding of one variable.
    #[must_use]
    pub fn with_encoding(mut self, name: &str, enc: VarEncoding) -> Self {
        self.encoding.insert(name.to_owned(), enc);
        self
    }
}

pub(crate) fn store_dtype(path: &Path, name: &str, d: EngineDType) -> Result<DType, StoreError> {
    DType::from_engine(d).ok_or_else(|| StoreError::InvalidSpec {
        store: path.to_path_buf(),
        variable: name.to_string(),
        reason: format!("to_zarr writes float32/64 and (u)int8/16, int32/64; convert {d} with astype first"),
    })
}

/// The regular chunk shape of a variable: the first chunk of every axis, if all other chunks
/// but the last have that length.
fn regular_chunks(path: &Path, name: &str, var: &Variable) -> Result<Vec<usize>, StoreError> {
    let mut out = Vec::new();
    for (axis, a) in var.chunks().axes().iter().enumerate() {
        let first = a[0];
        let ok = a.iter().rev().skip(1).all(|&c| c == first) && a.last().is_some_and(|&c| c <= first);
        if !ok {
            return Err(StoreError::InvalidSpec {
                store: path.to_path_buf(),
                variable: name.to_string(),
                reason: format!(
                    "its chunks along {:?} are irregular ({a:?}); Zarr needs equal chunks: rechunk, or give encoding chunks",
                    var.dims()[axis]
                ),
            });
        }
        out.push(first.max(1));
    }
    Ok(out)
}

/// The stored values of `block` in C order, encoded with `enc`, and placed at the start of a
/// chunk of `pad_to` filled with the fill value when given (edge chunks are stored padded to
/// the full chunk shape).
pub(crate) fn encode_block<T: StoreElement + BlockElement>(
    block: Block,
    enc: &CfEncoding,
    pad_to: Option<&[usize]>,
) -> Result<Vec<T>, String> {
    let fill = T::cast_f64(enc.fill_value.unwrap_or(if enc.dtype.is_float() { f64::NAN } else { 0.0 }));
    let a: ArrayD<T> = if enc.transforms()
        && !(block.dtype() == <T as cumulus_chunked::Element>::DTYPE
            && enc.fill_value.is_none()
            && enc.scale_factor.is_none()
            && enc.add_offset.is_none())
    {
        let x = f64::unwrap(block.into_dtype(EngineDType::F64)).unwrap_or_else(|_| unreachable!("converted to f64"));
        let mut out = Vec::with_capacity(x.len());
        let xs = x.as_standard_layout();
        for &v in xs.as_slice().unwrap_or_else(|| unreachable!("standard layout")) {
            out.push(T::cast_f64(enc.encode(v)?));
        }
        ArrayD::from_shape_vec(x.shape(), out).map_err(|e| e.to_string())?
    } else {
        T::unwrap(block.into_dtype(<T as cumulus_chunked::Element>::DTYPE))
            .unwrap_or_else(|_| unreachable!("the dtype was converted before"))
    };
    match pad_to {
        Some(target) => pad_chunk(a.view(), target, fill)
            .ok_or_else(|| format!("a block of shape {:?} does not fit a chunk of shape {target:?}", a.shape())),
        None => Ok(cumulus_chunked::block::row_major_vec(a.view())),
    }
}

/// A block as a stored chunk: its values in C order, padded with `fill` to the full chunk
/// shape `chunk` when the block is an edge block (Zarr stores every chunk at full size, also
/// past the array's end). A block that already has the chunk's shape is only laid out in C
/// order. `None` if the block does not fit in the chunk (another number of dimensions, or
/// larger along some axis).
///
/// ```
/// use ndarray::array;
/// let edge = array![[1.0_f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let chunk = cumulus_store::pad_chunk(edge.view().into_dyn(), &[3, 3], f32::NAN).unwrap();
/// assert_eq!(chunk.len(), 9);
/// assert_eq!(&chunk[..2], &[1.0, 2.0]);
/// assert!(chunk[2].is_nan());
/// assert_eq!(&chunk[3..5], &[3.0, 4.0]);
/// assert!(cumulus_store::pad_chunk(edge.view().into_dyn(), &[2, 2], 0.0).is_none());
/// ```
pub fn pad_chunk<T: Clone>(block: ndarray::ArrayViewD<'_, T>, chunk: &[usize], fill: T) -> Option<Vec<T>> {
    if block.shape() == chunk {
        return Some(block.as_standard_layout().iter().cloned().collect());
    }
    if block.ndim() != chunk.len() || block.shape().iter().zip(chunk).any(|(b, c)| b > c) {
        return None;
    }
    let mut out = ArrayD::from_elem(IxDyn(chunk), fill);
    let info: Vec<SliceInfoElem> =
        block.shape().iter().map(|&n| SliceInfoElem::Slice { start: 0, end: Some(n as isize), step: 1 }).collect();
    out.slice_mut(info.as_slice()).assign(&block);
    Some(out.into_raw_vec_and_offset().0)
}

/// The error a sink reports to the engine, keeping the store error to return it.
pub(crate) fn sink_error(
    slot: &std::sync::Mutex<Option<StoreError>>,
    idx: &[usize],
    e: StoreError,
) -> cumulus_chunked::ChunkedError {
    let msg = e.to_string();
    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
    cumulus_chunked::ChunkedError::Task { task: "to_zarr".into(), chunk: idx.to_vec(), message: msg }
}

fn write_var<T: WritableElement + BlockElement, W: ArrayWriter>(
    w: &W,
    name: &str,
    data: &ChunkedArray,
    chunk_shape: &[usize],
    enc: &CfEncoding,
    opts: &ComputeOptions,
) -> Result<(), StoreError> {
    let data = data.rechunk(chunk_shape)?;
    let err = std::sync::Mutex::new(None);
    let sink = |idx: &[usize], block: Block| -> cumulus_chunked::Result<()> {
        let idx64: Vec<u64> = idx.iter().map(|&i| i as u64).collect();
        let values = encode_block::<T>(block, enc, Some(chunk_shape)).map_err(|reason| {
            sink_error(
                &err,
                idx,
                StoreError::BadChunk {
                    store: w.target().to_owned(),
                    variable: name.to_owned(),
                    chunk: idx64.clone(),
                    reason,
                },
            )
        })?;
        w.put_chunk(name, &idx64, &values).map_err(|e| sink_error(&err, idx, e))
    };
    match data.stream(opts, &sink) {
        Ok(_) => Ok(()),
        Err(e) => Err(err.into_inner().unwrap_or_else(|p| p.into_inner()).unwrap_or(StoreError::Engine(e))),
    }
}

/// Write `ds` to a Zarr store at `path`; returns the store's path.
///
/// With the `remote` feature, `path` may be an `s3://bucket/prefix` URL (modes `Create` and
/// `Overwrite`): the store is written to a local scratch folder and uploaded with its
/// consolidated metadata last (see `upload_store`).
///
/// # Errors
/// An existing store with `WriteMode::Create`; a dtype Zarr writing does not support here; a
/// failing chunk (the partial store is removed); [`StoreError::RemoteDisabled`] for a URL
/// without the `remote` feature.
pub fn to_zarr(ds: &Dataset, path: impl AsRef<Path>, opts: &ToZarrOptions) -> Result<PathBuf, StoreError> {
    let path = path.as_ref();
    if crate::storage::url_scheme(path).is_some() {
        let url = path.to_str().unwrap_or_default();
        #[cfg(feature = "remote")]
        return crate::remote::to_zarr_remote(ds, url, opts);
        #[cfg(not(feature = "remote"))]
        return Err(StoreError::RemoteDisabled { url: url.to_owned() });
    }
    if opts.mode != WriteMode::Append && (opts.append_dim.is_some() || opts.region.is_some()) {
        return Err(StoreError::InvalidSpec {
            store: path.to_path_buf(),
            variable: String::new(),
            reason: "append_dim and region need mode Append (xarray's mode=\"a\")".into(),
        });
    }
    if opts.mode == WriteMode::Append && (path.exists() || opts.append_dim.is_some() || opts.region.is_some()) {
        return crate::update::update(ds, path, opts);
    }
    let mut w = StoreWriter::create(path, opts.format, opts.mode)?;
    match write_all(ds, path, opts, &mut w) {
        Ok(()) => w.finish(),
        Err(e) => {
            let _ = w.abort();
            Err(e)
        }
    }
}

/// CF's `coordinates` attributes, as xarray writes them, so that readers (xarray, and
/// `open_zarr`) know which arrays are coordinates without an index: each data variable lists,
/// sorted and space-separated, the non-index coordinates whose dimensions it has (`month`
/// along `time` after a groupby anomaly); the non-index coordinates no data variable lists go
/// into the dataset's attribute. Returns the lists per data variable and the dataset's
/// attributes with their `coordinates` entry set (or removed when there is nothing to list).
pub(crate) fn coordinates_attrs(ds: &Dataset) -> (BTreeMap<String, String>, serde_json::Map<String, Value>) {
    let non_index: Vec<(&str, &Variable)> = ds
        .coords()
        .iter()
        .filter(|(_, v, index)| index.is_none() && !v.dims().is_empty())
        .map(|(n, v, _)| (n, v))
        .collect();
    let mut per_var = BTreeMap::new();
    let mut listed: Vec<&str> = Vec::new();
    for name in ds.data_vars() {
        let Ok(da) = ds.get(name) else { continue };
        let dims = da.dims();
        let mut names: Vec<&str> =
            non_index.iter().filter(|(_, c)| c.dims().iter().all(|d| dims.contains(d))).map(|(n, _)| *n).collect();
        if names.is_empty() {
            continue;
        }
        names.sort_unstable();
        listed.extend(&names);
        per_var.insert(name.to_string(), names.join(" "));
    }
    let mut rest: Vec<&str> = non_index.iter().map(|(n, _)| *n).filter(|n| !listed.contains(n)).collect();
    rest.sort_unstable();
    let mut attrs = ds.attrs().clone();
    attrs.remove(COORDINATES);
    if !rest.is_empty() {
        attrs.insert(COORDINATES.into(), Value::String(rest.join(" ")));
    }
    (per_var, attrs)
}

/// `var` with its CF `coordinates` attribute from [`coordinates_attrs`] (none if `list` is
/// `None`).
pub(crate) fn with_coordinates(var: &Variable, list: Option<&String>) -> Variable {
    let mut attrs = var.attrs().clone();
    attrs.remove(COORDINATES);
    if let Some(list) = list {
        attrs.insert(COORDINATES.into(), Value::String(list.clone()));
    }
    var.clone().with_attrs(attrs)
}

/// Writes `ds` through `w`: the global attributes, the coordinates whole, the data variables
/// streamed chunk by chunk.
pub(crate) fn write_all<W: ArrayWriter>(
    ds: &Dataset,
    path: &Path,
    opts: &ToZarrOptions,
    w: &mut W,
) -> Result<(), StoreError> {
    let (per_var, attrs) = coordinates_attrs(ds);
    w.global_attrs(attrs)?;
    // Coordinates: whole, CF-encoding datetimes.
    for (name, var, _) in ds.coords().iter() {
        if var.dims().is_empty() {
            continue; // scalar coordinates (after sel(level=850)) are not stored
        }
        write_coord(w, path, name, var)?;
    }
    // Data variables: streamed chunk by chunk.
    for name in ds.data_vars() {
        let da = ds.get(name).map_err(|source| StoreError::Labeled { store: path.to_path_buf(), source })?;
        write_new_var(w, path, name, &with_coordinates(da.variable(), per_var.get(name)), opts)?;
    }
    Ok(())
}

/// Declares and writes one data variable as a new array of `w`.
pub(crate) fn write_new_var<W: ArrayWriter>(
    w: &mut W,
    path: &Path,
    name: &str,
    var: &Variable,
    opts: &ToZarrOptions,
) -> Result<(), StoreError> {
    let enc = opts.encoding.get(name).cloned().unwrap_or_default();
    let chunks = match &enc.chunks {
        Some(c) => c.clone(),
        None => regular_chunks(path, name, var)?,
    };
    let cf = enc.cf(store_dtype(path, name, var.dtype())?);
    if let Some(reason) = cf.problem() {
        return Err(StoreError::InvalidSpec { store: path.to_path_buf(), variable: name.to_string(), reason });
    }
    let dims: Vec<(&str, u64)> = var.dims().iter().zip(var.shape()).map(|(d, &n)| (d.as_str(), n as u64)).collect();
    let mut attrs = var.attrs().clone();
    attrs.extend(cf.attrs());
    let mut spec = ArraySpec::new(name, cf.dtype, &dims)
        .with_chunks(&chunks.iter().map(|&c| c as u64).collect::<Vec<_>>())
        .with_compressor(enc.compressor.unwrap_or(opts.compressor))
        .with_attrs(attrs);
    spec.fill_value = cf.fill_value;
    w.declare(spec)?;
    with_store_type!(cf.dtype, T => write_var::<T, W>(w, name, var.data(), &chunks, &cf, &opts.compute))
}

/// Declares and writes one coordinate as a new array of `w`, whole, CF-encoding datetimes.
pub(crate) fn write_coord<W: ArrayWriter>(
    w: &mut W,
    path: &Path,
    name: &str,
    var: &Variable,
) -> Result<(), StoreError> {
    let dims: Vec<(&str, u64)> = var.dims().iter().zip(var.shape()).map(|(d, &n)| (d.as_str(), n as u64)).collect();
    let mut attrs = var.attrs().clone();
    if var.is_datetime() {
        let units = attrs.get("units").and_then(Value::as_str).unwrap_or("hours since 1900-01-01 00:00:00").to_string();
        let calendar = attrs.get("calendar").and_then(Value::as_str).unwrap_or("gregorian").to_string();
        let cf = CfTime::parse(&units, Some(&calendar))
            .map_err(|source| StoreError::Labeled { store: path.to_path_buf(), source })?;
        let ns = block_i64(&var.data().compute()?);
        let values: Vec<i64> = ns.iter().map(|&t| cf.encode(t)).collect();
        if ns.iter().zip(&values).any(|(&t, &v)| cf.decode(v) != t) {
            return Err(StoreError::InvalidSpec {
                store: path.to_path_buf(),
                variable: name.to_string(),
                reason: format!("its times are not whole multiples of {units:?}; set finer units"),
            });
        }
        attrs.insert("units".into(), Value::String(units));
        attrs.insert("calendar".into(), Value::String(calendar));
        w.declare(ArraySpec::new(name, DType::I64, &dims).with_compressor(Compressor::None).with_attrs(attrs))?;
        w.put_array(name, &values)?;
        return Ok(());
    }
    let block = var.data().compute()?;
    let dtype = store_dtype(path, name, var.dtype())?;
    w.declare(ArraySpec::new(name, dtype, &dims).with_compressor(Compressor::None).with_attrs(attrs))?;
    let enc = CfEncoding::plain(dtype);
    let bad =
        |reason| StoreError::BadChunk { store: path.to_path_buf(), variable: name.to_string(), chunk: vec![], reason };
    with_store_type!(dtype, T => w.put_array(name, &encode_block::<T>(block, &enc, None).map_err(bad)?))?;
    Ok(())
}
