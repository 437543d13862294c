//! `open_zarr` and `open_mfdataset`: stores as lazy labeled datasets.
//!
//! Only metadata and the (small) coordinate arrays are read; data variables stay lazy, one
//! engine chunk per stored chunk. CF decoding: times (`units: "<unit> since <date>"`,
//! gregorian calendars) become datetimes; `scale_factor`/`add_offset` and `_FillValue` /
//! `missing_value` are applied lazily (mask and scale), as xarray does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cumulus_chunked::{BinaryOp, ChunkSource, ChunkedArray, DType};
use cumulus_labeled::time::CfTime;
use cumulus_labeled::variable::block_i64;
use cumulus_labeled::{Dataset, Variable};
use serde_json::Value;

use crate::error::StoreError;
use crate::read::{ArrayMeta, StoredArray, open_arrays};

fn labeled(store: &Path) -> impl Fn(cumulus_labeled::LabeledError) -> StoreError + '_ {
    move |source| StoreError::Labeled { store: store.to_path_buf(), source }
}

fn is_coordinate(m: &ArrayMeta) -> bool {
    m.dims.len() == 1 && m.dims[0] == m.name
}

/// CF time of a variable's attributes, if it has time units.
fn cf_time(store: &Path, m: &ArrayMeta) -> Result<Option<CfTime>, StoreError> {
    let Some(units) = m.attrs.get("units").and_then(Value::as_str) else {
        return Ok(None);
    };
    if !units.contains(" since ") {
        return Ok(None);
    }
    let calendar = m.attrs.get("calendar").and_then(Value::as_str);
    CfTime::parse(units, calendar).map(Some).map_err(labeled(store))
}

/// Apply CF mask and scale lazily: `_FillValue`/`missing_value` → NaN, then
/// `x * scale_factor + add_offset` (ints become float32, or float64 for 32/64-bit ints,
/// following xarray's choice).
fn decode_cf(data: ChunkedArray, m: &ArrayMeta) -> Result<ChunkedArray, StoreError> {
    let num = |k: &str| m.attrs.get(k).and_then(Value::as_f64);
    let scale = num("scale_factor");
    let offset = num("add_offset");
    let fills: Vec<f64> =
        ["_FillValue", "missing_value"].iter().filter_map(|k| num(k)).filter(|f| !f.is_nan()).collect();
    if scale.is_none() && offset.is_none() && fills.is_empty() {
        return Ok(data);
    }
    let float =
        if data.dtype() == DType::F64 || matches!(data.dtype(), DType::I32 | DType::I64 | DType::U32 | DType::U64) {
            DType::F64
        } else {
            DType::F32
        };
    let raw = data.clone();
    let mut x = data.astype(float);
    for f in fills {
        let is_fill = raw.eq_scalar(f);
        let nan = ChunkedArray::full(&[1], &[1], f64::NAN, float)?;
        x = ChunkedArray::where_(&is_fill, &nan, &x)?;
    }
    if let Some(s) = scale {
        x = x.scalar(BinaryOp::Mul, s);
    }
    if let Some(o) = offset {
        x = x.scalar(BinaryOp::Add, o);
    }
    Ok(x)
}

/// Open one store as a lazy [`Dataset`].
///
/// # Errors
/// A path that is not a store, broken metadata, coordinates that cannot be read or decoded.
pub fn open_zarr(path: impl AsRef<Path>) -> Result<Dataset, StoreError> {
    let path = path.as_ref();
    let (meta, arrays) = open_arrays(path)?;
    let arrays = arrays.into_iter().map(|a| (a.meta().clone(), a as Arc<dyn ChunkSource>)).collect();
    build_dataset(path, meta.attrs.clone(), arrays)
}

/// A lazy [`Dataset`] from arrays and their metadata (any storage: Zarr, NetCDF): coordinates
/// (1-D arrays named after their dimension) are read now and CF-decoded (times); data
/// variables stay lazy, with CF mask and scale applied lazily.
pub(crate) fn build_dataset(
    path: &Path,
    attrs: serde_json::Map<String, Value>,
    arrays: Vec<(ArrayMeta, Arc<dyn ChunkSource>)>,
) -> Result<Dataset, StoreError> {
    let mut ds = Dataset::new().with_attrs(attrs);
    // Coordinates first (read now: they are small and every selection needs them).
    for (m, a) in arrays.iter().filter(|(m, _)| is_coordinate(m)) {
        let values = ChunkedArray::from_source(a.clone())?.compute()?;
        let var = match cf_time(path, m)? {
            Some(cf) => {
                let ns = if values.dtype().is_float() {
                    cumulus_labeled::variable::block_f64(&values).into_iter().map(|v| cf.decode_f64(v)).collect()
                } else {
                    block_i64(&values).into_iter().map(|v| cf.decode(v)).collect()
                };
                Variable::from_times(&m.name, ns)
            }
            None => {
                let data = decode_cf(
                    ChunkedArray::from_block(values.clone(), cumulus_chunked::Chunks::single(values.shape()))?,
                    m,
                )?;
                Variable::from_parts(m.dims.clone(), data, Default::default()).map_err(labeled(path))?
            }
        };
        let var = var.with_attrs(m.attrs.clone()).with_encoding(encoding(m));
        ds = ds.with_coord(&m.name, var).map_err(labeled(path))?;
    }
    for (m, a) in arrays.iter().filter(|(m, _)| !is_coordinate(m)) {
        let data = ChunkedArray::from_source(a.clone())?;
        let data = decode_cf(data, m)?;
        let var = Variable::from_parts(m.dims.clone(), data, m.attrs.clone())
            .map_err(labeled(path))?
            .with_encoding(encoding(m));
        ds = ds.with_var(&m.name, var).map_err(labeled(path))?;
    }
    Ok(ds)
}

fn encoding(m: &ArrayMeta) -> serde_json::Map<String, Value> {
    let mut e = serde_json::Map::new();
    e.insert("chunks".into(), serde_json::json!(m.chunk_shape));
    e.insert("compressor".into(), Value::String(m.codecs.clone()));
    e.insert("dtype".into(), Value::String(m.dtype.to_string()));
    if let Some(f) = m.fill_value {
        e.insert(
            "_FillValue".into(),
            serde_json::json!(if f.is_nan() { Value::String("NaN".into()) } else { serde_json::json!(f) }),
        );
    }
    e
}

/// Open several stores and join them along `time` (xarray's `open_mfdataset` with
/// `combine="by_coords"`): the metadata of all stores is read in parallel, stores are ordered
/// by their first time, and every other coordinate, variable and dtype must agree.
///
/// # Errors
/// A store that cannot be opened; two stores that disagree (named, with the difference);
/// overlapping times.
pub fn open_mfdataset<P: AsRef<Path> + Sync>(paths: &[P]) -> Result<Dataset, StoreError> {
    if paths.is_empty() {
        return Err(StoreError::NotAStore { path: PathBuf::new(), reason: "open_mfdataset got no paths".into() });
    }
    let opened: Vec<Result<Dataset, StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = paths.iter().map(|p| s.spawn(move || open_zarr(p.as_ref()))).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(StoreError::NotAStore {
                        path: PathBuf::new(),
                        reason: "a thread opening a store panicked".into(),
                    })
                })
            })
            .collect()
    });
    let mut parts: Vec<(PathBuf, Dataset)> = Vec::new();
    for (p, d) in paths.iter().zip(opened) {
        parts.push((p.as_ref().to_path_buf(), d?));
    }
    combine_by_time(parts)
}

fn first_time(ds: &Dataset) -> i64 {
    ds.coords().index("time").and_then(|i| i.numeric(0)).map_or(i64::MIN, |v| v as i64)
}

fn combine_by_time(mut parts: Vec<(PathBuf, Dataset)>) -> Result<Dataset, StoreError> {
    parts.sort_by_key(|(_, d)| first_time(d));
    if parts.len() == 1 {
        return Ok(parts.pop().expect("one part").1);
    }
    let (p0, d0) = &parts[0];
    for (p, d) in &parts[1..] {
        let mismatch = |reason: String| StoreError::Mismatch { first: p0.clone(), second: p.clone(), reason };
        if d.data_vars() != d0.data_vars() {
            return Err(mismatch(format!("variables {:?} vs {:?}", d0.data_vars(), d.data_vars())));
        }
        for name in d0.coords().names() {
            if name == "time" {
                continue;
            }
            let (a, b) = (d0.coords().index(name), d.coords().index(name));
            if a.map(|i| i.values()) != b.map(|i| i.values()) {
                return Err(mismatch(format!(
                    "coordinate {name:?} differs: {} vs {}",
                    a.map_or("missing".into(), |i| i.summary()),
                    b.map_or("missing".into(), |i| i.summary())
                )));
            }
        }
        for v in d0.data_vars() {
            let (a, b) = (d0.get(v).map_err(labeled(p0))?, d.get(v).map_err(labeled(p))?);
            if a.dtype() != b.dtype() || a.dims() != b.dims() {
                return Err(mismatch(format!(
                    "variable {v:?} is {} {:?} vs {} {:?}",
                    a.dtype(),
                    a.dims(),
                    b.dtype(),
                    b.dims()
                )));
            }
        }
    }
    for w in parts.windows(2) {
        let last = w[0].1.coords().index("time").and_then(|i| i.numeric(i.len().saturating_sub(1)));
        let first = w[1].1.coords().index("time").and_then(|i| i.numeric(0));
        if let (Some(l), Some(f)) = (last, first)
            && f <= l
        {
            return Err(StoreError::Mismatch {
                first: w[0].0.clone(),
                second: w[1].0.clone(),
                reason: format!(
                    "their times overlap: the first ends at {}, the second starts at {}",
                    cumulus_labeled::time::format_ns(l as i64),
                    cumulus_labeled::time::format_ns(f as i64)
                ),
            });
        }
    }
    // Join time coordinates and every variable that has a time dimension.
    let mut times = Vec::new();
    for (_, d) in &parts {
        if let Some(cumulus_labeled::IndexValues::Time(t)) = d.coords().index("time").map(|i| i.values().clone()) {
            times.extend(t.iter().copied());
        }
    }
    let mut out = Dataset::new().with_attrs(d0.attrs().clone());
    for (name, var, _) in d0.coords().iter() {
        let v = if name == "time" {
            Variable::from_times("time", times.clone())
                .with_attrs(var.attrs().clone())
                .with_encoding(var.encoding().clone())
        } else {
            var.clone()
        };
        out = out.with_coord(name, v).map_err(labeled(p0))?;
    }
    for name in d0.data_vars() {
        let first = d0.get(name).map_err(labeled(p0))?;
        let var = first.variable();
        let v = match var.dims().iter().position(|d| d == "time") {
            Some(axis) => {
                let pieces = parts
                    .iter()
                    .map(|(p, d)| d.get(name).map(|a| a.data().clone()).map_err(labeled(p)))
                    .collect::<Result<Vec<_>, _>>()?;
                let data = ChunkedArray::concatenate(&pieces, axis)?;
                Variable::from_parts(var.dims().to_vec(), data, var.attrs().clone())
                    .map_err(labeled(p0))?
                    .with_encoding(var.encoding().clone())
            }
            None => var.clone(),
        };
        out = out.with_var(name, v).map_err(labeled(p0))?;
    }
    Ok(out)
}

/// A store's arrays without building a dataset (for tools that list or copy raw data).
///
/// # Errors
/// As [`open_arrays`].
pub fn stored_arrays(path: &Path) -> Result<Vec<Arc<StoredArray>>, StoreError> {
    Ok(open_arrays(path)?.1)
}
