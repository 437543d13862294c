//! Reading stores: the array metadata of a Zarr v2 or v3 store (from consolidated metadata,
//! or a scan of the store when there is none and the storage can list) and [`StoredArray`], a
//! lazy chunk source that decodes one stored chunk at a time through zarrs.
//!
//! Everything goes through a [`StoreHandle`] (zarrs' storage traits), so the same code reads a
//! local folder, an S3 bucket or an HTTP server.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cumulus_chunked::{Block, ChunkSource, Chunks, DType, SourceError};
use serde_json::{Map, Value};
use zarrs::array::Array;
use zarrs::array::CodecOptions;
use zarrs::storage::ReadableStorageTraits;

use crate::error::StoreError;
use crate::spec::ZarrFormat;
use crate::storage::{RemoteOptions, StoreHandle};

/// What the metadata says about one array.
#[derive(Debug, Clone)]
pub struct ArrayMeta {
    /// Array name (path inside the store, without the leading `/`).
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// Chunk shape.
    pub chunk_shape: Vec<usize>,
    /// Element type.
    pub dtype: DType,
    /// Dimension names (`_ARRAY_DIMENSIONS` in v2, `dimension_names` in v3).
    pub dims: Vec<String>,
    /// Attributes, without `_ARRAY_DIMENSIONS`.
    pub attrs: Map<String, Value>,
    /// The fill value, when numeric.
    pub fill_value: Option<f64>,
    /// The compressor or codecs, as a short description.
    pub codecs: String,
}

/// The metadata of every array in a store.
#[derive(Debug, Clone)]
pub struct StoreMeta {
    /// The store folder or URL.
    pub path: PathBuf,
    /// Its format.
    pub format: ZarrFormat,
    /// Arrays, sorted by name.
    pub arrays: Vec<ArrayMeta>,
    /// Group attributes.
    pub attrs: Map<String, Value>,
    /// Things the user should know (e.g. "not consolidated").
    pub warnings: Vec<String>,
}

fn v2_dtype(s: &str) -> Option<DType> {
    Some(match s.trim_start_matches(['<', '>', '|', '=']) {
        "f4" => DType::F32,
        "f8" => DType::F64,
        "i1" => DType::I8,
        "i2" => DType::I16,
        "i4" => DType::I32,
        "i8" => DType::I64,
        "u1" => DType::U8,
        "u2" => DType::U16,
        "u4" => DType::U32,
        "u8" => DType::U64,
        "b1" => DType::Bool,
        _ => return None,
    })
}

fn v3_dtype(s: &str) -> Option<DType> {
    Some(match s {
        "float32" => DType::F32,
        "float64" => DType::F64,
        "int8" => DType::I8,
        "int16" => DType::I16,
        "int32" => DType::I32,
        "int64" => DType::I64,
        "uint8" => DType::U8,
        "uint16" => DType::U16,
        "uint32" => DType::U32,
        "uint64" => DType::U64,
        "bool" => DType::Bool,
        _ => return None,
    })
}

fn usizes(v: &Value) -> Option<Vec<usize>> {
    v.as_array()?.iter().map(|x| x.as_u64().map(|n| n as usize)).collect()
}

fn fill(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s == "NaN" => Some(f64::NAN),
        Value::String(s) if s == "Infinity" => Some(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

fn describe_v2_compressor(c: &Value) -> String {
    match c {
        Value::Null => "none".into(),
        Value::Object(m) => {
            let id = m.get("id").and_then(Value::as_str).unwrap_or("?");
            match id {
                "blosc" => {
                    let shuffle = match m.get("shuffle").and_then(Value::as_i64) {
                        Some(0) => "noshuffle",
                        Some(1) => "shuffle",
                        Some(2) => "bitshuffle",
                        _ => "shuffle?",
                    };
                    format!(
                        "blosc {} clevel={} {shuffle}",
                        m.get("cname").and_then(Value::as_str).unwrap_or("?"),
                        m.get("clevel").and_then(Value::as_i64).unwrap_or(0)
                    )
                }
                other => match m.get("level").and_then(Value::as_i64) {
                    Some(l) => format!("{other} level={l}"),
                    None => other.to_string(),
                },
            }
        }
        other => other.to_string(),
    }
}

fn meta_v2(store: &Path, name: &str, zarray: &Value, zattrs: Option<&Value>) -> Result<ArrayMeta, StoreError> {
    let bad =
        |reason: String| StoreError::InvalidSpec { store: store.to_path_buf(), variable: name.to_string(), reason };
    let shape = usizes(&zarray["shape"]).ok_or_else(|| bad(".zarray has no valid \"shape\"".into()))?;
    let chunk_shape = usizes(&zarray["chunks"]).ok_or_else(|| bad(".zarray has no valid \"chunks\"".into()))?;
    let dt = zarray["dtype"].as_str().unwrap_or("");
    let dtype = v2_dtype(dt).ok_or_else(|| bad(format!("dtype {dt:?} is not supported (numbers and bool are)")))?;
    let mut attrs = zattrs.and_then(Value::as_object).cloned().unwrap_or_default();
    let dims = match attrs.remove("_ARRAY_DIMENSIONS") {
        Some(Value::Array(d)) => d.iter().map(|x| x.as_str().unwrap_or("").to_string()).collect(),
        _ => (0..shape.len()).map(|i| format!("dim_{i}")).collect(),
    };
    Ok(ArrayMeta {
        name: name.to_string(),
        shape,
        chunk_shape,
        dtype,
        dims,
        attrs,
        fill_value: fill(&zarray["fill_value"]),
        codecs: describe_v2_compressor(&zarray["compressor"]),
    })
}

fn meta_v3(store: &Path, name: &str, m: &Value) -> Result<ArrayMeta, StoreError> {
    let bad =
        |reason: String| StoreError::InvalidSpec { store: store.to_path_buf(), variable: name.to_string(), reason };
    let shape = usizes(&m["shape"]).ok_or_else(|| bad("zarr.json has no valid \"shape\"".into()))?;
    let chunk_shape = usizes(&m["chunk_grid"]["configuration"]["chunk_shape"])
        .ok_or_else(|| bad("zarr.json has no regular chunk grid".into()))?;
    let dt = m["data_type"].as_str().unwrap_or("");
    let dtype = v3_dtype(dt).ok_or_else(|| bad(format!("data type {dt:?} is not supported (numbers and bool are)")))?;
    let dims = match &m["dimension_names"] {
        Value::Array(d) => {
            d.iter().enumerate().map(|(i, x)| x.as_str().map_or(format!("dim_{i}"), String::from)).collect()
        }
        _ => (0..shape.len()).map(|i| format!("dim_{i}")).collect(),
    };
    let codecs = m["codecs"]
        .as_array()
        .map(|cs| cs.iter().filter_map(|c| c["name"].as_str()).collect::<Vec<_>>().join(" + "))
        .unwrap_or_default();
    Ok(ArrayMeta {
        name: name.to_string(),
        shape,
        chunk_shape,
        dtype,
        dims,
        attrs: m["attributes"].as_object().cloned().unwrap_or_default(),
        fill_value: fill(&m["fill_value"]),
        codecs,
    })
}

/// Read the metadata of every array of the store at `path` (a folder, or a URL with the
/// `remote` feature).
///
/// # Errors
/// [`StoreError::NotAStore`] when there is neither `.zgroup`/`.zmetadata` nor `zarr.json`;
/// [`StoreError::Json`] naming a broken metadata file.
pub fn read_store_meta(path: &Path) -> Result<StoreMeta, StoreError> {
    read_store_meta_in(&StoreHandle::open(path, &RemoteOptions::default())?)
}

/// [`read_store_meta`] of an opened store. Consolidated metadata is read with one request; a
/// store without it is scanned when the storage can list (folders, S3), and is an error when
/// it cannot (plain HTTP).
///
/// # Errors
/// As [`read_store_meta`]; [`StoreError::Storage`] when the storage fails to answer.
pub fn read_store_meta_in(store: &StoreHandle) -> Result<StoreMeta, StoreError> {
    let path = store.label();
    let mut warnings = Vec::new();
    if let Some(root) = store.get_json("zarr.json")? {
        let mut arrays = Vec::new();
        match root["consolidated_metadata"]["metadata"].as_object() {
            Some(meta) => {
                for (name, m) in meta {
                    if m["node_type"] == "array" {
                        arrays.push(meta_v3(path, name, m)?);
                    }
                }
            }
            None => {
                warnings.push(format!("{} has no consolidated metadata; scanned the store instead", path.display()));
                for name in scan(store, "zarr.json")? {
                    if let Some(m) = store.get_json(&format!("{name}/zarr.json"))?
                        && m["node_type"] == "array"
                    {
                        arrays.push(meta_v3(path, &name, &m)?);
                    }
                }
            }
        }
        arrays.sort_by(|a, b| a.name.cmp(&b.name));
        let attrs = root["attributes"].as_object().cloned().unwrap_or_default();
        return Ok(StoreMeta { path: path.to_path_buf(), format: ZarrFormat::V3, arrays, attrs, warnings });
    }
    let zmeta = store.get_json(".zmetadata")?;
    let mut arrays = Vec::new();
    let attrs = match zmeta {
        Some(z) => {
            let meta = z["metadata"].as_object().cloned().unwrap_or_default();
            for (key, zarray) in &meta {
                if let Some(name) = key.strip_suffix("/.zarray") {
                    arrays.push(meta_v2(path, name, zarray, meta.get(&format!("{name}/.zattrs")))?);
                }
            }
            meta.get(".zattrs").and_then(Value::as_object).cloned().unwrap_or_default()
        }
        None => {
            if store.get_json(".zgroup")?.is_none() {
                // On S3, listing tells a missing bucket (an error that says so) from a prefix
                // that holds no store.
                if store.is_remote() {
                    store.subfolders()?;
                }
                return Err(StoreError::NotAStore {
                    path: path.to_path_buf(),
                    reason: "there is no .zgroup, .zmetadata or zarr.json".into(),
                });
            }
            warnings.push(format!(
                "{} has no consolidated metadata (.zmetadata); scanned the store instead",
                path.display()
            ));
            for name in scan(store, ".zmetadata")? {
                if let Some(zarray) = store.get_json(&format!("{name}/.zarray"))? {
                    let zattrs = store.get_json(&format!("{name}/.zattrs"))?;
                    arrays.push(meta_v2(path, &name, &zarray, zattrs.as_ref())?);
                }
            }
            store.get_json(".zattrs")?.and_then(|v| v.as_object().cloned()).unwrap_or_default()
        }
    };
    arrays.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(StoreMeta { path: path.to_path_buf(), format: ZarrFormat::V2, arrays, attrs, warnings })
}

/// The top-level folders of a store without consolidated metadata, or an error saying why it
/// cannot be scanned (`missing`: the consolidated metadata it lacks).
fn scan(store: &StoreHandle, missing: &str) -> Result<Vec<String>, StoreError> {
    store.subfolders()?.ok_or_else(|| StoreError::NotAStore {
        path: store.label().to_path_buf(),
        reason: format!(
            "it has no consolidated metadata ({missing}) and this storage cannot list its keys, so its \
             arrays cannot be found; write it with consolidated metadata (to_zarr and StoreWriter do) \
             or serve it from storage that can list (a folder, S3)"
        ),
    })
}

/// One stored array as a lazy chunk source: opening reads metadata only; every
/// [`ChunkSource::read_chunk`] decodes one chunk with zarrs (missing chunks are the fill value,
/// as the Zarr spec says).
pub struct StoredArray {
    meta: ArrayMeta,
    label: String,
    chunks: Chunks,
    array: Array<dyn ReadableStorageTraits>,
    options: CodecOptions,
}

impl std::fmt::Debug for StoredArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredArray").field("name", &self.label).field("shape", &self.meta.shape).finish()
    }
}

impl StoredArray {
    /// Open array `meta.name` of `store`.
    ///
    /// # Errors
    /// [`StoreError::Zarr`] when zarrs cannot open it (unknown codec, bad metadata).
    pub fn open(store: &StoreHandle, meta: ArrayMeta) -> Result<StoredArray, StoreError> {
        let path = store.label();
        let array = Array::open(store.storage(), &format!("/{}", meta.name)).map_err(|e| StoreError::Zarr {
            store: path.to_path_buf(),
            variable: meta.name.clone(),
            message: e.to_string(),
        })?;
        let chunks = Chunks::checked_regular(&meta.shape, &meta.chunk_shape).map_err(|e| StoreError::Zarr {
            store: path.to_path_buf(),
            variable: meta.name.clone(),
            message: e.to_string(),
        })?;
        // Local chunks are named by the store folder; remote ones by the whole URL.
        let file = match path.file_name() {
            Some(f) if !store.is_remote() => f.to_string_lossy().into_owned(),
            _ => path.display().to_string().trim_end_matches('/').to_owned(),
        };
        // One decode thread per chunk: the engine already decodes many chunks in parallel.
        let options = CodecOptions::default().with_concurrent_target(1);
        Ok(StoredArray { label: format!("{file}/{}", meta.name), meta, chunks, array, options })
    }

    /// The metadata.
    pub fn meta(&self) -> &ArrayMeta {
        &self.meta
    }

    fn decode<T: zarrs::array::ElementOwned + cumulus_chunked::BlockElement>(
        &self,
        idx: &[usize],
    ) -> Result<Block, SourceError> {
        let region = self.chunks.region(idx);
        let shape: Vec<usize> = region.iter().map(|r| r.end - r.start).collect();
        let idx64: Vec<u64> = idx.iter().map(|&i| i as u64).collect();
        // Always decode the whole stored chunk (edge chunks are stored padded): zarrs' partial
        // decoder for a sub-region of a Blosc chunk decompresses it piece by piece, several
        // times slower than one full decompression. The padding is then cut off with one copy
        // of the smaller region, so the block's memory is what its shape says (the engine's
        // memory accounting and chunk cache count elements).
        let values: Vec<T> = self
            .array
            .retrieve_chunk_opt::<Vec<T>>(&idx64, &self.options)
            .map_err(|e| SourceError(format!("cannot decode the chunk: {e}")))?;
        let full = Block::from_vec(&self.meta.chunk_shape, values).map_err(|(want, got)| {
            SourceError(format!(
                "the chunk decoded to {got} values; the chunk shape {:?} needs {want}",
                self.meta.chunk_shape
            ))
        })?;
        if shape == self.meta.chunk_shape {
            Ok(full)
        } else {
            Ok(full.slice(&shape.iter().map(|&n| (0, n, 1)).collect::<Vec<_>>()))
        }
    }
}

impl ChunkSource for StoredArray {
    fn name(&self) -> String {
        self.label.clone()
    }
    fn dtype(&self) -> DType {
        self.meta.dtype
    }
    fn shape(&self) -> Vec<usize> {
        self.meta.shape.clone()
    }
    fn chunks(&self) -> Chunks {
        self.chunks.clone()
    }
    fn read_chunk(&self, idx: &[usize]) -> Result<Block, SourceError> {
        match self.meta.dtype {
            DType::F32 => self.decode::<f32>(idx),
            DType::F64 => self.decode::<f64>(idx),
            DType::I8 => self.decode::<i8>(idx),
            DType::I16 => self.decode::<i16>(idx),
            DType::I32 => self.decode::<i32>(idx),
            DType::I64 => self.decode::<i64>(idx),
            DType::U8 => self.decode::<u8>(idx),
            DType::U16 => self.decode::<u16>(idx),
            DType::U32 => self.decode::<u32>(idx),
            DType::U64 => self.decode::<u64>(idx),
            DType::Bool => self.decode::<bool>(idx),
        }
    }
}

/// Open every array of a store as a [`StoredArray`].
///
/// # Errors
/// As [`read_store_meta`] and [`StoredArray::open`].
pub fn open_arrays(path: &Path) -> Result<(StoreMeta, Vec<Arc<StoredArray>>), StoreError> {
    open_arrays_in(&StoreHandle::open(path, &RemoteOptions::default())?)
}

/// [`open_arrays`] of an opened store.
///
/// # Errors
/// As [`read_store_meta_in`] and [`StoredArray::open`].
pub fn open_arrays_in(store: &StoreHandle) -> Result<(StoreMeta, Vec<Arc<StoredArray>>), StoreError> {
    let meta = read_store_meta_in(store)?;
    let arrays =
        meta.arrays.iter().map(|m| StoredArray::open(store, m.clone()).map(Arc::new)).collect::<Result<Vec<_>, _>>()?;
    Ok((meta, arrays))
}
