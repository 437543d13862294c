//! `to_zarr` into an existing store (xarray's `mode="a"`): add or replace variables, append
//! along a dimension (`append_dim`), or write a region (`region`).
//!
//! Everything is checked before anything is written, so a refused write leaves the store as
//! it was. Then chunks are written, then the metadata of arrays that grew, and the
//! consolidated metadata last: until that final step, readers that use it (cumulus and xarray
//! both do) still see the store as it was, and chunks written beyond the old shape are
//! ignored. An interrupted append can therefore simply be run again. A region write changes
//! values in place, as in xarray.
//!
//! The data are cut to the store's chunk grid (shifted by the write's offset), so every piece
//! touches exactly one stored chunk and pieces can be written in parallel.
//!
//! ```
//! use cumulus_chunked::ChunkedArray;
//! use cumulus_labeled::{Dataset, Variable};
//! use cumulus_store::{ToZarrOptions, open_zarr, to_zarr};
//!
//! let part = |t0: i64, n: usize| -> Result<Dataset, Box<dyn std::error::Error>> {
//!     let t: Vec<i64> = (0..n as i64).map(|i| (t0 + i) * 3_600_000_000_000).collect();
//!     let v = ndarray::ArrayD::from_shape_vec(vec![n], (0..n).map(|i| (t0 as usize + i) as f32).collect())?;
//!     Ok(Dataset::new()
//!         .with_coord("time", Variable::from_times("time", t))?
//!         .with_var("v", Variable::new(&["time"], ChunkedArray::from_array(v, &[4])?)?)?)
//! };
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("grow.zarr");
//! to_zarr(&part(0, 6)?, &path, &ToZarrOptions::default())?;
//! to_zarr(&part(6, 5)?, &path, &ToZarrOptions::append("time"))?;
//! let back = open_zarr(&path)?;
//! assert_eq!(back.get("v")?.to_vec_f64()?, (0..11).map(f64::from).collect::<Vec<_>>());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cumulus_chunked::{Block, BlockElement, ChunkedArray, Chunks, ComputeOptions};
use cumulus_labeled::time::CfTime;
use cumulus_labeled::variable::block_i64;
use cumulus_labeled::{Dataset, Variable};
use ndarray::{ArrayD, IxDyn};
use serde_json::{Map, Value};
use zarrs::array::{Array, ArraySubset};
use zarrs::filesystem::FilesystemStore;

use crate::encode::CfEncoding;
use crate::error::StoreError;
use crate::read::{ArrayMeta, read_store_meta};
use crate::spec::{DType, StoreElement, ZarrFormat};
use crate::to_zarr::{
    ToZarrOptions, coordinates_attrs, encode_block, sink_error, store_dtype, to_zarr, with_coordinates,
    with_store_type, write_coord, write_new_var,
};
use crate::writer::{StoreWriter, WriteMode, write_json};

/// What happens to one variable of the dataset.
enum Action<'a> {
    /// Written into the existing array `meta` at `offsets`, which then has `new_shape`.
    Existing { meta: &'a ArrayMeta, data: ChunkedArray, offsets: Vec<usize>, new_shape: Vec<usize> },
    /// A new array.
    New { coord: bool },
    /// Nothing to write (a coordinate outside a region).
    Skip,
}

pub(crate) fn update(ds: &Dataset, path: &Path, opts: &ToZarrOptions) -> Result<PathBuf, StoreError> {
    let fail = |variable: &str, reason: String| StoreError::InvalidSpec {
        store: path.to_path_buf(),
        variable: variable.to_string(),
        reason,
    };
    if !path.exists() {
        if opts.region.is_some() {
            return Err(StoreError::NotAStore {
                path: path.to_path_buf(),
                reason: "a region write needs an existing store".into(),
            });
        }
        // xarray's first append creates the store.
        let create = ToZarrOptions { mode: WriteMode::Create, append_dim: None, region: None, ..opts.clone() };
        return to_zarr(ds, path, &create);
    }
    if opts.append_dim.is_some() && opts.region.is_some() {
        return Err(fail("", "give append_dim or region, not both".into()));
    }
    let meta = read_store_meta(path)?;
    let stored: BTreeMap<&str, &ArrayMeta> = meta.arrays.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &meta.arrays {
        for (d, &n) in m.dims.iter().zip(&m.shape) {
            sizes.entry(d.as_str()).or_insert(n);
        }
    }
    if let Some(d) = &opts.append_dim
        && !sizes.contains_key(d.as_str())
    {
        return Err(fail("", format!("append_dim {d:?} is not a dimension of the store (it has {:?})", sizes.keys())));
    }
    if let Some(region) = &opts.region {
        for (d, r) in region {
            let Some(&n) = sizes.get(d.as_str()) else {
                return Err(fail(
                    "",
                    format!("region dimension {d:?} is not in the store (it has {:?})", sizes.keys()),
                ));
            };
            if r.start > r.end || r.end > n {
                return Err(fail("", format!("region {d:?} {}..{} is outside 0..{n}", r.start, r.end)));
            }
        }
    }

    // Plan every variable before writing anything.
    let mut vars: Vec<(String, Variable, bool)> = Vec::new();
    for (name, var, _) in ds.coords().iter() {
        if !var.dims().is_empty() {
            vars.push((name.to_string(), var.clone(), true));
        }
    }
    let (per_var, ds_attrs) = coordinates_attrs(ds);
    for name in ds.data_vars() {
        let da = ds.get(name).map_err(|source| StoreError::Labeled { store: path.to_path_buf(), source })?;
        vars.push((name.to_string(), with_coordinates(da.variable(), per_var.get(name)), false));
    }
    let mut plan = Vec::new();
    for (name, var, coord) in &vars {
        let action = plan_var(path, name, var, *coord, stored.get(name.as_str()).copied(), opts)?;
        if matches!(action, Action::Existing { .. }) && opts.encoding.contains_key(name) {
            return Err(fail(
                name,
                "exists in the store, so it keeps the store's encoding; remove its encoding".into(),
            ));
        }
        plan.push((name.as_str(), var, action));
    }

    // Write: new arrays (invisible until the metadata is consolidated), then existing ones.
    let mut w = StoreWriter::in_place(path, meta.format)?;
    let store = Arc::new(FilesystemStore::new(path).map_err(|e| fail("", e.to_string()))?);
    let mut names: Vec<String> = meta.arrays.iter().map(|m| m.name.clone()).collect();
    let mut grown = Vec::new();
    for (name, var, action) in &plan {
        match action {
            Action::New { coord: true } => {
                write_coord(&mut w, path, name, var)?;
                names.push((*name).to_string());
            }
            Action::New { coord: false } => {
                write_new_var(&mut w, path, name, var, opts)?;
                names.push((*name).to_string());
            }
            Action::Existing { meta: m, data, offsets, new_shape } => {
                write_existing(&store, path, m, meta.format, data, offsets, new_shape, &opts.compute)?;
                if *new_shape != m.shape {
                    grown.push((*m, new_shape.clone()));
                }
            }
            Action::Skip => {}
        }
    }
    for (m, shape) in grown {
        set_stored_shape(path, meta.format, &m.name, &shape)?;
    }
    let mut attrs: Map<String, Value> = meta.attrs.clone();
    attrs.extend(ds_attrs);
    names.sort();
    names.dedup();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    w.finish_in_place(&attrs, &names)
}

/// Decide what to do with one variable, checking it against the store.
fn plan_var<'a>(
    path: &Path,
    name: &str,
    var: &Variable,
    coord: bool,
    stored: Option<&'a ArrayMeta>,
    opts: &ToZarrOptions,
) -> Result<Action<'a>, StoreError> {
    let fail =
        |reason: String| StoreError::InvalidSpec { store: path.to_path_buf(), variable: name.to_string(), reason };
    let dims = var.dims();
    let shape = var.shape();
    let has = |d: &str| dims.iter().any(|x| x == d);
    if let Some(region) = &opts.region
        && !region.keys().any(|d| has(d))
    {
        if coord {
            if let Some(m) = stored
                && m.shape == shape
            {
                return Ok(Action::Skip);
            }
            return Err(fail(format!(
                "is a coordinate outside the region {:?} that does not match the store's; drop it",
                region.keys()
            )));
        }
        return Err(fail(format!(
            "has none of the region's dimensions {:?}; drop it (drop_vars) or write it without a region",
            region.keys()
        )));
    }
    let Some(m) = stored else {
        if opts.region.is_some() {
            return Err(fail("is not in the store; a region write only changes existing variables".into()));
        }
        if let Some(d) = &opts.append_dim
            && has(d)
        {
            return Err(fail(format!(
                "is not in the store; a variable appended along {d:?} must already be there (write it first)"
            )));
        }
        return Ok(Action::New { coord });
    };
    if m.dims != dims {
        return Err(fail(format!("has dimensions {dims:?} here and {:?} in the store", m.dims)));
    }
    let mut offsets = vec![0; dims.len()];
    let mut new_shape = m.shape.clone();
    for (axis, d) in dims.iter().enumerate() {
        let n = shape[axis];
        if let Some(r) = opts.region.as_ref().and_then(|r| r.get(d)) {
            if n != r.len() {
                return Err(fail(format!("has {n} along {d:?}, the region {}..{} needs {}", r.start, r.end, r.len())));
            }
            offsets[axis] = r.start;
        } else if opts.append_dim.as_deref() == Some(d.as_str()) {
            offsets[axis] = m.shape[axis];
            new_shape[axis] = m.shape[axis] + n;
        } else if n != m.shape[axis] {
            let how = if opts.append_dim.is_some() || opts.region.is_some() {
                ""
            } else {
                "; append along it (append_dim), write a region, or overwrite the store"
            };
            return Err(fail(format!("has {n} along {d:?} here and {} in the store{how}", m.shape[axis])));
        }
    }
    let data = if var.is_datetime() { encode_times(path, name, var, m)? } else { var.data().clone() };
    Ok(Action::Existing { meta: m, data, offsets, new_shape })
}

/// Datetimes encoded with the stored array's units and calendar, in its type.
fn encode_times(path: &Path, name: &str, var: &Variable, m: &ArrayMeta) -> Result<ChunkedArray, StoreError> {
    let fail =
        |reason: String| StoreError::InvalidSpec { store: path.to_path_buf(), variable: name.to_string(), reason };
    let units =
        m.attrs.get("units").and_then(Value::as_str).ok_or_else(|| {
            fail("holds datetimes, but the stored array has no CF \"units\" to encode them with".into())
        })?;
    let calendar = m.attrs.get("calendar").and_then(Value::as_str);
    let cf =
        CfTime::parse(units, calendar).map_err(|source| StoreError::Labeled { store: path.to_path_buf(), source })?;
    let ns = block_i64(&var.data().compute()?);
    let shape = var.shape().to_vec();
    let one: Vec<usize> = shape.iter().map(|&n| n.max(1)).collect();
    let data = if m.dtype.is_float() {
        let (epoch, unit) = (cf.decode(0), cf.decode(1) - cf.decode(0));
        let v: Vec<f64> = ns.iter().map(|&t| (t - epoch) as f64 / unit as f64).collect();
        ChunkedArray::from_array(ArrayD::from_shape_vec(IxDyn(&shape), v).map_err(|e| fail(e.to_string()))?, &one)?
    } else {
        let v: Vec<i64> = ns.iter().map(|&t| cf.encode(t)).collect();
        if ns.iter().zip(&v).any(|(&t, &e)| cf.decode(e) != t) {
            return Err(fail(format!("its times are not whole multiples of the store's units {units:?}")));
        }
        ChunkedArray::from_array(ArrayD::from_shape_vec(IxDyn(&shape), v).map_err(|e| fail(e.to_string()))?, &one)?
    };
    Ok(data)
}

/// Chunks of a write of `shape` at `offsets` that follow the stored chunk grid: each piece
/// lies inside one stored chunk.
fn aligned_chunks(shape: &[usize], stored_chunks: &[usize], offsets: &[usize]) -> Result<Chunks, StoreError> {
    let axes = shape
        .iter()
        .zip(stored_chunks)
        .zip(offsets)
        .map(|((&n, &c), &o)| {
            let c = c.max(1);
            let mut out = Vec::new();
            let mut left = n;
            let mut first = (c - o % c).min(n);
            while left > 0 {
                out.push(first);
                left -= first;
                first = c.min(left);
            }
            if out.is_empty() {
                out.push(0);
            }
            out
        })
        .collect();
    Ok(Chunks::from_axes(shape, axes)?)
}

#[allow(clippy::too_many_arguments)]
fn write_existing(
    store: &Arc<FilesystemStore>,
    path: &Path,
    m: &ArrayMeta,
    format: ZarrFormat,
    data: &ChunkedArray,
    offsets: &[usize],
    new_shape: &[usize],
    opts: &ComputeOptions,
) -> Result<(), StoreError> {
    let zarr_err = |e: &dyn std::fmt::Display| StoreError::Zarr {
        store: path.to_path_buf(),
        variable: m.name.clone(),
        message: e.to_string(),
    };
    let dtype = store_dtype(path, &m.name, m.dtype)?;
    // Format 2 keeps `_FillValue` as the array's fill value; format 3 among the attributes.
    let array_fill = if format == ZarrFormat::V2 { m.fill_value } else { None };
    let enc = CfEncoding::from_stored(dtype, &m.attrs, array_fill);
    let mut array = Array::open(store.clone(), &format!("/{}", m.name)).map_err(|e| zarr_err(&e))?;
    if new_shape != m.shape {
        array.set_shape(new_shape.iter().map(|&n| n as u64).collect()).map_err(|e| zarr_err(&e))?;
    }
    if data.shape().contains(&0) {
        return Ok(());
    }
    let chunks = aligned_chunks(data.shape(), &m.chunk_shape, offsets)?;
    let data = data.rechunk_to(chunks.clone())?;
    with_store_type!(dtype, T => stream_into::<T>(&array, path, &m.name, &data, &chunks, offsets, &enc, opts))
}

#[allow(clippy::too_many_arguments)]
fn stream_into<T: StoreElement + BlockElement>(
    array: &Array<FilesystemStore>,
    path: &Path,
    name: &str,
    data: &ChunkedArray,
    chunks: &Chunks,
    offsets: &[usize],
    enc: &CfEncoding,
    opts: &ComputeOptions,
) -> Result<(), StoreError> {
    let err = Mutex::new(None);
    let sink = |idx: &[usize], block: Block| -> cumulus_chunked::Result<()> {
        let region = chunks.region(idx);
        let ranges: Vec<std::ops::Range<u64>> =
            region.iter().zip(offsets).map(|(r, &o)| (r.start + o) as u64..(r.end + o) as u64).collect();
        let bad = |reason: String| StoreError::BadChunk {
            store: path.to_path_buf(),
            variable: name.to_owned(),
            chunk: ranges.iter().map(|r| r.start).collect(),
            reason,
        };
        let values = encode_block::<T>(block, enc, None).map_err(|r| sink_error(&err, idx, bad(r)))?;
        array
            .store_array_subset(&ArraySubset::new_with_ranges(&ranges), values.as_slice())
            .map_err(|e| sink_error(&err, idx, bad(e.to_string())))
    };
    match data.stream(opts, &sink) {
        Ok(_) => Ok(()),
        Err(e) => Err(err.into_inner().unwrap_or_else(|p| p.into_inner()).unwrap_or(StoreError::Engine(e))),
    }
}

/// Rewrites the shape in an array's own metadata file, keeping everything else as it was.
fn set_stored_shape(path: &Path, format: ZarrFormat, name: &str, shape: &[usize]) -> Result<(), StoreError> {
    let file = match format {
        ZarrFormat::V2 => path.join(name).join(".zarray"),
        ZarrFormat::V3 => path.join(name).join("zarr.json"),
    };
    let text = std::fs::read_to_string(&file).map_err(|e| StoreError::io("read", &file, e))?;
    let mut v: Value = serde_json::from_str(&text).map_err(|source| StoreError::Json {
        store: path.to_path_buf(),
        file: file.strip_prefix(path).unwrap_or(&file).display().to_string(),
        source,
    })?;
    v["shape"] = Value::from(shape.to_vec());
    write_json(&file, &v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_chunks_follow_the_stored_grid() {
        // 10 values written at offset 5 of a grid of 4: pieces 5..8, 8..12, 12..15
        let c = aligned_chunks(&[10], &[4], &[5]).unwrap();
        assert_eq!(c.axes()[0], vec![3, 4, 3]);
        let c = aligned_chunks(&[8, 3], &[4, 5], &[0, 0]).unwrap();
        assert_eq!(c.axes(), &[vec![4, 4], vec![3]]);
        let c = aligned_chunks(&[2], &[4], &[1]).unwrap();
        assert_eq!(c.axes()[0], vec![2]);
        let c = aligned_chunks(&[0], &[4], &[8]).unwrap();
        assert_eq!(c.axes()[0], vec![0]);
    }
}
