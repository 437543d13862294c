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
use cumulus_labeled::{DataArray, Dataset, Variable};
use serde_json::Value;

use crate::error::StoreError;
use crate::read::{ArrayMeta, StoredArray, open_arrays, open_arrays_in};
use crate::spec::ZarrFormat;
use crate::storage::{RemoteOptions, StoreHandle};

fn labeled(store: &Path) -> impl Fn(cumulus_labeled::LabeledError) -> StoreError + '_ {
    move |source| StoreError::Labeled { store: store.to_path_buf(), source }
}

fn is_coordinate(m: &ArrayMeta) -> bool {
    m.dims.len() == 1 && m.dims[0] == m.name
}

/// The names CF's `coordinates` attributes list (the dataset's and every array's): the
/// non-index coordinates, such as `month` along `time` after a groupby anomaly, or the
/// `latitude` and `longitude` of a pointwise selection along `city`.
fn listed_coordinates(
    attrs: &serde_json::Map<String, Value>,
    arrays: &[(ArrayMeta, Arc<dyn ChunkSource>)],
) -> Vec<String> {
    let mut names: Vec<String> = std::iter::once(attrs)
        .chain(arrays.iter().map(|(m, _)| &m.attrs))
        .filter_map(|a| a.get(COORDINATES).and_then(Value::as_str))
        .flat_map(|s| s.split_whitespace().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The CF attribute that lists a variable's non-index coordinates.
pub(crate) const COORDINATES: &str = "coordinates";

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
///
/// With `zarr_fill_mask` (Zarr format 2), the array's own fill value masks too, as xarray's
/// `use_zarr_fill_value_as_mask` does by default for format 2: xarray stores a variable's
/// `_FillValue` encoding there, not among the attributes.
fn decode_cf(data: ChunkedArray, m: &ArrayMeta, zarr_fill_mask: bool) -> Result<ChunkedArray, StoreError> {
    let num = |k: &str| m.attrs.get(k).and_then(Value::as_f64);
    let scale = num("scale_factor");
    let offset = num("add_offset");
    let mut fills: Vec<f64> =
        ["_FillValue", "missing_value"].iter().filter_map(|k| num(k)).filter(|f| !f.is_nan()).collect();
    if zarr_fill_mask && let Some(f) = m.fill_value.filter(|f| !f.is_nan() && !fills.contains(f)) {
        fills.push(f);
    }
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

/// Open one store as a lazy [`Dataset`]: a folder, or (with the `remote` feature) an
/// `s3://bucket/prefix` or `http(s)://` URL, configured by the AWS environment variables (see
/// [`RemoteOptions`]; pass them explicitly with [`open_zarr_with`]).
///
/// ```
/// let err = cumulus_store::open_zarr("no/such/store.zarr").unwrap_err();
/// assert!(err.to_string().contains("no such folder"));
/// # #[cfg(not(feature = "remote"))]
/// assert!(cumulus_store::open_zarr("s3://bucket/a.zarr").unwrap_err().to_string().contains("feature `remote`"));
/// ```
///
/// # Errors
/// A path that is not a store, broken metadata, coordinates that cannot be read or decoded;
/// [`StoreError::RemoteDisabled`] for a URL without the `remote` feature.
pub fn open_zarr(path: impl AsRef<Path>) -> Result<Dataset, StoreError> {
    open_zarr_with(path, &OpenOptions::default())
}

/// The engine chunks of an opened store (xarray's `chunks=` argument).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ChunkSpec {
    /// One engine chunk per stored chunk (xarray's `chunks={}`; the default).
    #[default]
    Stored,
    /// These sizes for the named dimensions, the stored chunks for the others (xarray's
    /// `chunks={"time": 48}`): a lazy rechunk.
    Explicit(Vec<(String, usize)>),
    /// Read every variable into memory now (xarray's `chunks=None` followed by `.load()`).
    InMemory,
}

/// How [`open_zarr_with`] opens a store: xarray's `open_zarr` keyword arguments.
///
/// ```
/// use cumulus_store::{OpenOptions, ZarrFormat};
/// let opts = OpenOptions::default()
///     .zarr_format(ZarrFormat::V2)
///     .drop_variables(&["k_index"])
///     .chunks(&[("time", 48)]);
/// assert_eq!(opts.drop_variables, vec!["k_index".to_string()]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Require this Zarr format, as a library that reads only one does (zarr-python 2 reads
    /// only format 2). `None`: whichever the store has.
    pub zarr_format: Option<ZarrFormat>,
    /// Variables not to open (names the store does not have are ignored, as in xarray).
    pub drop_variables: Vec<String>,
    /// Engine chunks.
    pub chunks: ChunkSpec,
    /// How to reach remote stores (endpoint, credentials, timeouts); ignored for folders.
    pub remote: RemoteOptions,
}

impl OpenOptions {
    /// Require Zarr format `format`.
    #[must_use]
    pub fn zarr_format(mut self, format: ZarrFormat) -> Self {
        self.zarr_format = Some(format);
        self
    }

    /// Leave these variables out.
    #[must_use]
    pub fn drop_variables(mut self, names: &[&str]) -> Self {
        self.drop_variables = names.iter().map(|n| (*n).to_owned()).collect();
        self
    }

    /// Engine chunks of these sizes along the named dimensions.
    #[must_use]
    pub fn chunks(mut self, sizes: &[(&str, usize)]) -> Self {
        self.chunks = ChunkSpec::Explicit(sizes.iter().map(|(d, n)| ((*d).to_owned(), *n)).collect());
        self
    }

    /// Read everything into memory at open.
    #[must_use]
    pub fn in_memory(mut self) -> Self {
        self.chunks = ChunkSpec::InMemory;
        self
    }

    /// Reach remote stores this way.
    #[must_use]
    pub fn remote(mut self, remote: RemoteOptions) -> Self {
        self.remote = remote;
        self
    }
}

/// Open one store as a [`Dataset`] with [`OpenOptions`].
///
/// ```
/// # use cumulus_store::*;
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("v3.zarr");
/// # let mut w = StoreWriter::create(&path, ZarrFormat::V3, WriteMode::Create)?;
/// # w.add_array(ArraySpec::new("x", DType::F32, &[("time", 2)]))?;
/// # w.write_array("x", &[1.0_f32, 2.0])?;
/// # w.finish()?;
/// // A format 3 store, opened as a zarr-python 2 reader would:
/// let err = open_zarr_with(&path, &OpenOptions::default().zarr_format(ZarrFormat::V2)).unwrap_err();
/// assert!(err.to_string().contains("is Zarr format 3"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`open_zarr`]; [`StoreError::FormatMismatch`] when the store's format is not the one
/// required; a chunk size for a dimension the store does not have.
pub fn open_zarr_with(path: impl AsRef<Path>, opts: &OpenOptions) -> Result<Dataset, StoreError> {
    open_zarr_in(&StoreHandle::open(path, &opts.remote)?, opts)
}

/// [`open_zarr_with`] on an opened store (any zarrs storage, see [`StoreHandle`]);
/// `opts.remote` is not used.
///
/// # Errors
/// As [`open_zarr_with`].
pub fn open_zarr_in(store: &StoreHandle, opts: &OpenOptions) -> Result<Dataset, StoreError> {
    let path = store.label();
    if let Some(asked) = opts.zarr_format {
        let found = detect_format(store)?;
        if found != asked {
            return Err(StoreError::FormatMismatch { path: path.to_owned(), asked, found });
        }
    }
    let (meta, arrays) = open_arrays_in(store)?;
    let arrays = arrays
        .into_iter()
        .filter(|a| !opts.drop_variables.contains(&a.meta().name))
        .map(|a| (a.meta().clone(), a as Arc<dyn ChunkSource>))
        .collect();
    let ds = build_dataset(path, meta.attrs.clone(), arrays, meta.format == ZarrFormat::V2)?;
    apply_chunks(ds, &opts.chunks, path)
}

fn apply_chunks(ds: Dataset, chunks: &ChunkSpec, path: &Path) -> Result<Dataset, StoreError> {
    match chunks {
        ChunkSpec::Stored => Ok(ds),
        ChunkSpec::Explicit(sizes) => {
            let sizes: Vec<(&str, usize)> = sizes.iter().map(|(d, n)| (d.as_str(), *n)).collect();
            ds.chunk(&sizes).map_err(labeled(path))
        }
        ChunkSpec::InMemory => ds.map(DataArray::compute).map_err(labeled(path)),
    }
}

/// The key that marks a store of Zarr format 3.
const V3_MARKER: &str = "zarr.json";
/// The keys that mark a store (a group) of Zarr format 2.
const V2_MARKERS: [&str; 2] = [".zgroup", ".zmetadata"];

/// Whether the local folder `path` is a Zarr store: it has format 3's `zarr.json` or format
/// 2's `.zgroup` or `.zmetadata` at its root, the keys [`open_zarr`] looks for first. Nothing
/// is parsed, so a store with broken metadata is still a store (and `open_zarr` says what is
/// wrong with it); a folder of stores is not one.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// assert!(!cumulus_store::is_store(dir.path()));
/// std::fs::write(dir.path().join(".zgroup"), r#"{"zarr_format": 2}"#).unwrap();
/// assert!(cumulus_store::is_store(dir.path()));
/// ```
pub fn is_store(path: impl AsRef<Path>) -> bool {
    let path = path.as_ref();
    std::iter::once(V3_MARKER).chain(V2_MARKERS).any(|m| path.join(m).is_file())
}

/// The format of a store from its marker keys, without parsing anything else.
fn detect_format(store: &StoreHandle) -> Result<ZarrFormat, StoreError> {
    let [zgroup, zmetadata] = V2_MARKERS;
    if store.exists(V3_MARKER)? {
        Ok(ZarrFormat::V3)
    } else if store.exists(zgroup)? || store.exists(zmetadata)? {
        Ok(ZarrFormat::V2)
    } else {
        Err(StoreError::NotAStore {
            path: store.label().to_owned(),
            reason: "no zarr.json (Zarr format 3) and no .zgroup or .zmetadata (format 2) in it".into(),
        })
    }
}

/// A lazy [`Dataset`] from arrays and their metadata (any storage: Zarr, NetCDF): coordinates
/// (1-D arrays named after their dimension) are read now and CF-decoded (times); data
/// variables stay lazy, with CF mask and scale applied lazily.
pub(crate) fn build_dataset(
    path: &Path,
    attrs: serde_json::Map<String, Value>,
    arrays: Vec<(ArrayMeta, Arc<dyn ChunkSource>)>,
    zarr_fill_mask: bool,
) -> Result<Dataset, StoreError> {
    // As xarray: arrays named in a `coordinates` attribute are coordinates (without an index),
    // and the attribute itself is dropped from the decoded attributes.
    let listed = listed_coordinates(&attrs, &arrays);
    let is_listed = |m: &ArrayMeta| !is_coordinate(m) && listed.contains(&m.name);
    let mut attrs = attrs;
    attrs.remove(COORDINATES);
    let mut ds = Dataset::new().with_attrs(attrs);
    // Coordinates first (read now: they are small and every selection needs them): those of a
    // dimension, then the non-index ones.
    let coords = arrays.iter().filter(|(m, _)| is_coordinate(m)).chain(arrays.iter().filter(|(m, _)| is_listed(m)));
    for (m, a) in coords {
        let values = ChunkedArray::from_source(a.clone())?.compute()?;
        let var = match cf_time(path, m)? {
            Some(cf) => {
                let out_of_range = |v: String| StoreError::InvalidSpec {
                    store: path.to_path_buf(),
                    variable: m.name.clone(),
                    reason: format!(
                        "the time value {v} ({}) lies beyond the datetimes cumulus holds (years 1678-2262)",
                        m.attrs.get("units").and_then(Value::as_str).unwrap_or_default()
                    ),
                };
                let ns = if values.dtype().is_float() {
                    cumulus_labeled::variable::block_f64(&values)
                        .into_iter()
                        .map(|v| cf.checked_decode_f64(v).ok_or_else(|| out_of_range(v.to_string())))
                        .collect::<Result<Vec<i64>, _>>()?
                } else {
                    block_i64(&values)
                        .into_iter()
                        .map(|v| cf.checked_decode(v).ok_or_else(|| out_of_range(v.to_string())))
                        .collect::<Result<Vec<i64>, _>>()?
                };
                Variable::from_times(&m.name, ns)
            }
            None => {
                let data = decode_cf(
                    ChunkedArray::from_block(values.clone(), cumulus_chunked::Chunks::single(values.shape()))?,
                    m,
                    zarr_fill_mask,
                )?;
                Variable::from_parts(m.dims.clone(), data, Default::default()).map_err(labeled(path))?
            }
        };
        let var = var.with_attrs(decoded_attrs(m)).with_encoding(encoding(m));
        ds = ds.with_coord(&m.name, var).map_err(labeled(path))?;
    }
    for (m, a) in arrays.iter().filter(|(m, _)| !is_coordinate(m) && !is_listed(m)) {
        let data = ChunkedArray::from_source(a.clone())?;
        let data = decode_cf(data, m, zarr_fill_mask)?;
        let var = Variable::from_parts(m.dims.clone(), data, decoded_attrs(m))
            .map_err(labeled(path))?
            .with_encoding(encoding(m));
        ds = ds.with_var(&m.name, var).map_err(labeled(path))?;
    }
    Ok(ds)
}

/// Attributes that describe the stored form, not the decoded values: like xarray, decoding
/// moves them from the attributes into the encoding, so that writing decoded values does not
/// claim they are still packed.
const CF_ENCODING_ATTRS: [&str; 4] = ["scale_factor", "add_offset", "_FillValue", "missing_value"];

fn decoded_attrs(m: &ArrayMeta) -> serde_json::Map<String, Value> {
    m.attrs
        .iter()
        .filter(|(k, _)| !CF_ENCODING_ATTRS.contains(&k.as_str()) && k.as_str() != COORDINATES)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn encoding(m: &ArrayMeta) -> serde_json::Map<String, Value> {
    let mut e = serde_json::Map::new();
    for k in CF_ENCODING_ATTRS {
        if let Some(v) = m.attrs.get(k) {
            e.insert(k.into(), v.clone());
        }
    }
    e.insert("chunks".into(), serde_json::json!(m.chunk_shape));
    e.insert("compressor".into(), Value::String(m.codecs.clone()));
    e.insert("dtype".into(), Value::String(m.dtype.to_string()));
    if let Some(f) = m.fill_value
        && !e.contains_key("_FillValue")
    {
        e.insert(
            "_FillValue".into(),
            serde_json::json!(if f.is_nan() { Value::String("NaN".into()) } else { serde_json::json!(f) }),
        );
    }
    e
}

/// Open several stores and join them along `time` (xarray's `open_mfdataset` with
/// `combine="by_coords"`): the metadata of all stores is read in parallel, stores are ordered
/// by their first time, and every other coordinate, variable and dtype must agree. Paths may be
/// folders, glob patterns such as `"data/era5_*.zarr"` (expanded by [`glob`](fn@glob), as xarray
/// expands a string) or (with the `remote` feature) URLs.
///
/// # Errors
/// A store that cannot be opened; a pattern that matches nothing; two stores that disagree
/// (named, with the difference); overlapping times.
pub fn open_mfdataset<P: AsRef<Path> + Sync>(paths: &[P]) -> Result<Dataset, StoreError> {
    open_mfdataset_with(paths, &OpenOptions::default())
}

/// [`open_mfdataset`] with xarray's keyword arguments: `drop_variables` and `zarr_format` apply
/// to every store, `chunks` to the combined dataset (as stored, explicit sizes per dimension,
/// or loaded into memory), `remote` to every URL.
///
/// ```
/// # use cumulus_store::*;
/// # use cumulus_labeled::{Dataset, Variable};
/// # let dir = tempfile::tempdir()?;
/// # let mut paths = Vec::new();
/// # for (year, t0) in [(2024, 0_i64), (2025, 4)] {
/// #     let times: Vec<i64> = (t0..t0 + 4).map(|h| h * 3_600_000_000_000).collect();
/// #     let ds = Dataset::new()
/// #         .with_coord("time", Variable::from_times("time", times))?
/// #         .with_var("t2m", Variable::from_vec("time", vec![1.0_f64, 2.0, 3.0, 4.0]))?
/// #         .with_var("k_index", Variable::from_vec("time", vec![0.0_f64; 4]))?;
/// #     let p = dir.path().join(format!("{year}.zarr"));
/// #     to_zarr(&ds, &p, &ToZarrOptions::default())?;
/// #     paths.push(p);
/// # }
/// let opts = OpenOptions::default().drop_variables(&["k_index"]).chunks(&[("time", 8)]);
/// let ds = open_mfdataset_with(&paths, &opts)?;
/// assert_eq!(ds.data_vars(), vec!["t2m"]);
/// assert_eq!(ds.get("t2m")?.data().chunks().axes()[0], vec![8]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`open_mfdataset`] and [`open_zarr_with`].
pub fn open_mfdataset_with<P: AsRef<Path> + Sync>(paths: &[P], opts: &OpenOptions) -> Result<Dataset, StoreError> {
    if paths.is_empty() {
        return Err(StoreError::NotAStore { path: PathBuf::new(), reason: "open_mfdataset got no paths".into() });
    }
    let paths = expand_patterns(paths)?;
    let each = OpenOptions { chunks: ChunkSpec::Stored, ..opts.clone() };
    let opened: Vec<Result<Dataset, StoreError>> = std::thread::scope(|s| {
        let each = &each;
        let handles: Vec<_> = paths.iter().map(|p| s.spawn(move || open_zarr_with(p, each))).collect();
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
        parts.push((p.clone(), d?));
    }
    let first = parts.iter().map(|(p, _)| p.clone()).min().unwrap_or_default();
    let ds = combine_by_time(parts)?;
    apply_chunks(ds, &opts.chunks, &first)
}

/// The paths that match a glob pattern, sorted: Python's `sorted(glob.glob(pattern))`, the
/// workshop's way to list the yearly stores. `*` and `?` match within one path component,
/// `[abc]`/`[a-z]` a set of characters, and `**` any number of folders.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// for year in [2021, 2019, 2020] {
///     std::fs::create_dir(dir.path().join(format!("era5_{year}.zarr")))?;
/// }
/// let found = cumulus_store::glob(dir.path().join("era5_202?.zarr"))?;
/// let names: Vec<_> = found.iter().map(|p| p.file_name().unwrap().to_string_lossy()).collect();
/// assert_eq!(names, ["era5_2020.zarr", "era5_2021.zarr"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`StoreError::Pattern`] for a pattern that is not valid or matches nothing (an empty list
/// would only fail later, further from the typo).
pub fn glob(pattern: impl AsRef<Path>) -> Result<Vec<PathBuf>, StoreError> {
    let pattern = pattern.as_ref();
    let bad = |reason: String| StoreError::Pattern { pattern: pattern.display().to_string(), reason };
    let text = pattern.to_str().ok_or_else(|| bad("is not valid UTF-8".into()))?;
    let entries = ::glob::glob(text).map_err(|e| bad(format!("is not valid: {} (at character {})", e.msg, e.pos)))?;
    let mut found = Vec::new();
    for entry in entries {
        found.push(
            entry.map_err(|e| bad(format!("matched {}, which cannot be read: {}", e.path().display(), e.error())))?,
        );
    }
    if found.is_empty() {
        return Err(bad("matches no path".into()));
    }
    found.sort();
    Ok(found)
}

/// Whether a path is a glob pattern: it has `*`, `?` or `[` and does not exist as written.
fn is_pattern(p: &Path) -> bool {
    let s = p.to_string_lossy();
    !s.contains("://") && s.contains(['*', '?', '[']) && !p.exists()
}

/// `paths` with every glob pattern replaced by its sorted matches.
fn expand_patterns<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<PathBuf>, StoreError> {
    let mut out = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if is_pattern(p) {
            out.extend(glob(p)?);
        } else {
            out.push(p.to_path_buf());
        }
    }
    Ok(out)
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
    // A variable (data or non-index coordinate, such as `month`) with a time dimension: the
    // stores' pieces one after the other.
    let joined = |name: &str, var: &Variable| -> Result<Variable, StoreError> {
        let Some(axis) = var.dims().iter().position(|d| d == "time") else {
            return Ok(var.clone());
        };
        let pieces = parts
            .iter()
            .map(|(p, d)| d.get(name).map(|a| a.data().clone()).map_err(labeled(p)))
            .collect::<Result<Vec<_>, _>>()?;
        let data = ChunkedArray::concatenate(&pieces, axis)?;
        Ok(Variable::from_parts(var.dims().to_vec(), data, var.attrs().clone())
            .map_err(labeled(p0))?
            .with_encoding(var.encoding().clone()))
    };
    for (name, var, _) in d0.coords().iter() {
        let v = if name == "time" {
            Variable::from_times("time", times.clone())
                .with_attrs(var.attrs().clone())
                .with_encoding(var.encoding().clone())
        } else {
            joined(name, var)?
        };
        out = out.with_coord(name, v).map_err(labeled(p0))?;
    }
    for name in d0.data_vars() {
        let first = d0.get(name).map_err(labeled(p0))?;
        out = out.with_var(name, joined(name, first.variable())?).map_err(labeled(p0))?;
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
