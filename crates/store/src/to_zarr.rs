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
use std::path::{Path, PathBuf};

use cumulus_chunked::{Block, BlockElement, ChunkedArray, ComputeOptions, DType as EngineDType};
use cumulus_labeled::time::CfTime;
use cumulus_labeled::variable::block_i64;
use cumulus_labeled::{Dataset, Variable};
use ndarray::{ArrayD, IxDyn, SliceInfoElem};
use serde_json::Value;

use crate::codec::Compressor;
use crate::error::StoreError;
use crate::spec::{ArraySpec, DType, StoreElement, ZarrFormat};
use crate::writer::{StoreWriter, WriteMode};

/// How one variable is stored.
#[derive(Debug, Clone, Default)]
pub struct VarEncoding {
    /// Chunk shape (default: the variable's chunks, which must then be regular).
    pub chunks: Option<Vec<usize>>,
    /// Compressor (default: the options' compressor).
    pub compressor: Option<Compressor>,
}

/// Options of [`to_zarr`].
#[derive(Debug, Clone)]
pub struct ToZarrOptions {
    /// `Create` (xarray's `mode="w-"`) or `Overwrite` (`mode="w"`).
    pub mode: WriteMode,
    /// Zarr format 2 (the class's choice, the default) or 3.
    pub format: ZarrFormat,
    /// Compressor for every variable without its own (default Blosc zstd 3, bit shuffle).
    pub compressor: Compressor,
    /// Per-variable encodings.
    pub encoding: BTreeMap<String, VarEncoding>,
    /// How to compute (threads, memory limit, progress subscribers).
    pub compute: ComputeOptions,
}

impl Default for ToZarrOptions {
    fn default() -> Self {
        ToZarrOptions {
            mode: WriteMode::Create,
            format: ZarrFormat::V2,
            compressor: Compressor::blosc_zstd(3),
            encoding: BTreeMap::new(),
            compute: ComputeOptions::default(),
        }
    }
}

fn store_dtype(path: &Path, name: &str, d: EngineDType) -> Result<DType, StoreError> {
    Ok(match d {
        EngineDType::F32 => DType::F32,
        EngineDType::F64 => DType::F64,
        EngineDType::I32 => DType::I32,
        EngineDType::I64 => DType::I64,
        other => {
            return Err(StoreError::InvalidSpec {
                store: path.to_path_buf(),
                variable: name.to_string(),
                reason: format!("to_zarr writes float32, float64, int32 and int64; convert {other} with astype first"),
            });
        }
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

/// `block` placed at the start of a chunk of `chunk_shape` filled with `fill` (edge chunks are
/// stored padded to the full chunk shape).
fn padded<T: BlockElement>(block: Block, chunk_shape: &[usize], fill: T) -> Vec<T> {
    let a = T::unwrap(block).unwrap_or_else(|_| unreachable!("the dtype was converted before"));
    if a.shape() == chunk_shape {
        return a.as_standard_layout().iter().copied().collect();
    }
    let mut out = ArrayD::from_elem(IxDyn(chunk_shape), fill);
    let info: Vec<SliceInfoElem> =
        a.shape().iter().map(|&n| SliceInfoElem::Slice { start: 0, end: Some(n as isize), step: 1 }).collect();
    out.slice_mut(info.as_slice()).assign(&a);
    out.into_raw_vec_and_offset().0
}

fn write_var<T: StoreElement + BlockElement>(
    w: &StoreWriter,
    name: &str,
    data: &ChunkedArray,
    chunk_shape: &[usize],
    fill: T,
    opts: &ComputeOptions,
) -> Result<(), StoreError> {
    let data = data.rechunk(chunk_shape)?;
    let err = std::sync::Mutex::new(None);
    let sink = |idx: &[usize], block: Block| -> cumulus_chunked::Result<()> {
        let idx64: Vec<u64> = idx.iter().map(|&i| i as u64).collect();
        let values = padded::<T>(block.into_dtype(<T as cumulus_chunked::Element>::DTYPE), chunk_shape, fill);
        w.write_chunk(name, &idx64, &values).map_err(|e| {
            let msg = e.to_string();
            *err.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            cumulus_chunked::ChunkedError::Task { task: "to_zarr".into(), chunk: idx.to_vec(), message: msg }
        })
    };
    match data.stream(opts, &sink) {
        Ok(_) => Ok(()),
        Err(e) => Err(err.into_inner().unwrap_or_else(|p| p.into_inner()).unwrap_or(StoreError::Engine(e))),
    }
}

/// Write `ds` to a Zarr store at `path`; returns the store's path.
///
/// # Errors
/// An existing store with `WriteMode::Create`; a dtype Zarr writing does not support here; a
/// failing chunk (the partial store is removed).
pub fn to_zarr(ds: &Dataset, path: impl AsRef<Path>, opts: &ToZarrOptions) -> Result<PathBuf, StoreError> {
    let path = path.as_ref();
    let mut w = StoreWriter::create(path, opts.format, opts.mode)?;
    match write_all(ds, path, opts, &mut w) {
        Ok(()) => w.finish(),
        Err(e) => {
            let _ = w.abort();
            Err(e)
        }
    }
}

fn write_all(ds: &Dataset, path: &Path, opts: &ToZarrOptions, w: &mut StoreWriter) -> Result<(), StoreError> {
    w.set_attrs(ds.attrs().clone());
    // Coordinates: whole, CF-encoding datetimes.
    for (name, var, _) in ds.coords().iter() {
        if var.dims().is_empty() {
            continue; // scalar coordinates (after sel(level=850)) are not stored
        }
        let dims: Vec<(&str, u64)> = var.dims().iter().zip(var.shape()).map(|(d, &n)| (d.as_str(), n as u64)).collect();
        let mut attrs = var.attrs().clone();
        if var.is_datetime() {
            let units =
                attrs.get("units").and_then(Value::as_str).unwrap_or("hours since 1900-01-01 00:00:00").to_string();
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
            w.add_array(ArraySpec::new(name, DType::I64, &dims).with_compressor(Compressor::None).with_attrs(attrs))?;
            w.write_array(name, &values)?;
            continue;
        }
        let block = var.data().compute()?;
        let dtype = store_dtype(path, name, var.dtype())?;
        w.add_array(ArraySpec::new(name, dtype, &dims).with_compressor(Compressor::None).with_attrs(attrs))?;
        match dtype {
            DType::F32 => w.write_array(
                name,
                block.as_array::<f32>().map(|a| a.iter().copied().collect::<Vec<_>>()).unwrap_or_default().as_slice(),
            )?,
            DType::F64 => w.write_array(
                name,
                block.as_array::<f64>().map(|a| a.iter().copied().collect::<Vec<_>>()).unwrap_or_default().as_slice(),
            )?,
            DType::I32 => w.write_array(
                name,
                block.as_array::<i32>().map(|a| a.iter().copied().collect::<Vec<_>>()).unwrap_or_default().as_slice(),
            )?,
            DType::I64 => w.write_array(
                name,
                block.as_array::<i64>().map(|a| a.iter().copied().collect::<Vec<_>>()).unwrap_or_default().as_slice(),
            )?,
        }
    }
    // Data variables: streamed chunk by chunk.
    for name in ds.data_vars() {
        let da = ds.get(name).map_err(|source| StoreError::Labeled { store: path.to_path_buf(), source })?;
        let var = da.variable();
        let enc = opts.encoding.get(name).cloned().unwrap_or_default();
        let chunks = match enc.chunks {
            Some(c) => c,
            None => regular_chunks(path, name, var)?,
        };
        let dtype = store_dtype(path, name, var.dtype())?;
        let dims: Vec<(&str, u64)> = var.dims().iter().zip(var.shape()).map(|(d, &n)| (d.as_str(), n as u64)).collect();
        let spec = ArraySpec::new(name, dtype, &dims)
            .with_chunks(&chunks.iter().map(|&c| c as u64).collect::<Vec<_>>())
            .with_compressor(enc.compressor.unwrap_or(opts.compressor))
            .with_attrs(var.attrs().clone());
        w.add_array(spec)?;
        match dtype {
            DType::F32 => write_var::<f32>(w, name, var.data(), &chunks, f32::NAN, &opts.compute)?,
            DType::F64 => write_var::<f64>(w, name, var.data(), &chunks, f64::NAN, &opts.compute)?,
            DType::I32 => write_var::<i32>(w, name, var.data(), &chunks, 0, &opts.compute)?,
            DType::I64 => write_var::<i64>(w, name, var.data(), &chunks, 0, &opts.compute)?,
        }
    }
    Ok(())
}
