//! Writing a store: declare arrays, write chunks (from many threads), finish.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value, json};
use zarrs::array::{Array, ArraySubset};
use zarrs::filesystem::FilesystemStore;

use crate::consolidate;
use crate::error::StoreError;
use crate::spec::{ArraySpec, StoreElement, ZarrFormat};

/// What to do when the target store already exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Fail with [`StoreError::AlreadyExists`] (xarray's `mode="w-"`).
    Create,
    /// Replace it, but only once the new store is complete (xarray's `mode="w"`).
    Overwrite,
    /// Change an existing store (xarray's `mode="a"`): add or replace variables, append along
    /// a dimension, or write a region; see [`to_zarr`](crate::to_zarr). A missing store is
    /// created. Writers that only build new files ([`StoreWriter`], the NetCDF writer) treat it
    /// like `Create`.
    Append,
}

/// Builds one Zarr store (a group of arrays) on the local file system.
///
/// The store is written under `<path>.partial` and moved to `path` by [`StoreWriter::finish`],
/// after the consolidated metadata (format 2: `.zmetadata`; format 3: inline in the root
/// `zarr.json`). A crash or an error before that leaves only the `.partial` folder, which no
/// reader mistakes for a complete store and the next writer to the same path removes.
///
/// Chunks can be written concurrently: [`StoreWriter::write_chunk`] takes `&self`.
#[derive(Debug)]
pub struct StoreWriter {
    path: PathBuf,
    partial: PathBuf,
    format: ZarrFormat,
    store: Arc<FilesystemStore>,
    arrays: BTreeMap<String, Entry>,
    group_attrs: Map<String, Value>,
}

#[derive(Debug)]
struct Entry {
    spec: ArraySpec,
    array: Array<FilesystemStore>,
}

/// The folder a store is built in before it is complete: `<path>.partial`.
#[must_use]
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

impl StoreWriter {
    /// Starts a new store at `path`.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if `path` exists and `mode` is [`WriteMode::Create`];
    /// [`StoreError::Io`] if the folder cannot be created.
    pub fn create(path: &Path, format: ZarrFormat, mode: WriteMode) -> Result<Self, StoreError> {
        if path.exists() && mode != WriteMode::Overwrite {
            return Err(StoreError::AlreadyExists { path: path.to_owned() });
        }
        let partial = partial_path(path);
        if partial.exists() {
            std::fs::remove_dir_all(&partial)
                .map_err(|e| StoreError::io("remove the unfinished store", &partial, e))?;
        }
        std::fs::create_dir_all(&partial).map_err(|e| StoreError::io("create folder", &partial, e))?;
        Self::writing_into(path, partial, format)
    }

    /// A writer for the store at `path` whose files go into the folder `partial`.
    fn writing_into(path: &Path, partial: PathBuf, format: ZarrFormat) -> Result<Self, StoreError> {
        let store = FilesystemStore::new(&partial).map_err(|e| StoreError::Zarr {
            store: path.to_owned(),
            variable: String::new(),
            message: e.to_string(),
        })?;
        Ok(StoreWriter {
            path: path.to_owned(),
            partial,
            format,
            store: Arc::new(store),
            arrays: BTreeMap::new(),
            group_attrs: Map::new(),
        })
    }

    /// Adds arrays to the existing store at `path` in place; the consolidated metadata, written
    /// by [`StoreWriter::finish_in_place`], is what makes them visible.
    pub(crate) fn in_place(path: &Path, format: ZarrFormat) -> Result<Self, StoreError> {
        Self::writing_into(path, path.to_owned(), format)
    }

    /// Consolidates the metadata of an in-place writer's store: `arrays` are all the arrays
    /// the store has now.
    pub(crate) fn finish_in_place(self, attrs: &Map<String, Value>, arrays: &[&str]) -> Result<PathBuf, StoreError> {
        consolidate::write_group_and_consolidate(&self.path, &self.path, self.format, attrs, arrays)?;
        Ok(self.path)
    }

    /// The path the finished store will have.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store's format.
    #[must_use]
    pub fn format(&self) -> ZarrFormat {
        self.format
    }

    /// Sets the group (global) attributes.
    pub fn set_attrs(&mut self, attrs: Map<String, Value>) {
        self.group_attrs = attrs;
    }

    /// Declares an array and writes its metadata.
    ///
    /// # Errors
    /// [`StoreError::InvalidSpec`] for a bad name, zero chunks or mismatched lengths,
    /// [`StoreError::DuplicateVariable`], or [`StoreError::Zarr`] if zarrs rejects it.
    pub fn add_array(&mut self, spec: ArraySpec) -> Result<(), StoreError> {
        if let Some(reason) = spec.problem() {
            return Err(StoreError::InvalidSpec { store: self.path.clone(), variable: spec.name, reason });
        }
        if self.arrays.contains_key(&spec.name) {
            return Err(StoreError::DuplicateVariable { store: self.path.clone(), variable: spec.name });
        }
        let dir = self.partial.join(&spec.name);
        if dir.exists() {
            // Left by an interrupted in-place write; no metadata names it.
            std::fs::remove_dir_all(&dir).map_err(|e| StoreError::io("remove the unfinished array", &dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io("create folder", &dir, e))?;
        match self.format {
            ZarrFormat::V2 => {
                let zarray = json!({
                    "chunks": spec.chunks,
                    "compressor": spec.compressor.v2_json(),
                    "dimension_separator": ".",
                    "dtype": spec.dtype.v2_name(),
                    "fill_value": spec.dtype.fill_value(ZarrFormat::V2, spec.fill_value),
                    "filters": null,
                    "order": "C",
                    "shape": spec.shape,
                    "zarr_format": 2,
                });
                let mut zattrs = spec.attrs.clone();
                zattrs.insert("_ARRAY_DIMENSIONS".into(), json!(spec.dims));
                write_json(&dir.join(".zarray"), &zarray)?;
                write_json(&dir.join(".zattrs"), &Value::Object(zattrs))?;
            }
            ZarrFormat::V3 => {
                let mut codecs = vec![json!({"name": "bytes", "configuration": {"endian": "little"}})];
                codecs.extend(spec.compressor.v3_codecs(spec.dtype.size()));
                let meta = json!({
                    "zarr_format": 3,
                    "node_type": "array",
                    "shape": spec.shape,
                    "data_type": spec.dtype.v3_name(),
                    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": spec.chunks}},
                    "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                    "fill_value": spec.dtype.fill_value(ZarrFormat::V3, spec.fill_value),
                    "codecs": codecs,
                    "attributes": v3_attributes(&spec),
                    "dimension_names": spec.dims,
                });
                write_json(&dir.join("zarr.json"), &meta)?;
            }
        }
        let array = Array::open(self.store.clone(), &format!("/{}", spec.name)).map_err(|e| StoreError::Zarr {
            store: self.path.clone(),
            variable: spec.name.clone(),
            message: e.to_string(),
        })?;
        self.arrays.insert(spec.name.clone(), Entry { spec, array });
        Ok(())
    }

    /// The spec of a declared array.
    ///
    /// # Errors
    /// [`StoreError::UnknownVariable`] listing the declared names.
    pub fn spec(&self, name: &str) -> Result<&ArraySpec, StoreError> {
        self.entry(name).map(|e| &e.spec)
    }

    fn entry(&self, name: &str) -> Result<&Entry, StoreError> {
        self.arrays.get(name).ok_or_else(|| StoreError::UnknownVariable {
            store: self.path.clone(),
            variable: name.to_owned(),
            known: self.arrays.keys().cloned().collect(),
        })
    }

    /// Encodes and writes one chunk. `data` is the whole chunk in C order, edge chunks padded
    /// to the full chunk shape (as Zarr stores them).
    ///
    /// # Errors
    /// [`StoreError::BadChunk`] if the index is outside the chunk grid, the element type is
    /// not the array's, or `data` has the wrong length; [`StoreError::Zarr`] if encoding or
    /// writing fails.
    pub fn write_chunk<T: StoreElement>(&self, name: &str, chunk: &[u64], data: &[T]) -> Result<(), StoreError> {
        let entry = self.entry(name)?;
        if let Some(reason) = entry.spec.chunk_problem(chunk, T::DTYPE, data.len()) {
            return Err(StoreError::BadChunk {
                store: self.path.clone(),
                variable: name.to_owned(),
                chunk: chunk.to_vec(),
                reason,
            });
        }
        entry.array.store_chunk(chunk, data).map_err(|e| self.zarr_error(name, &e))
    }

    /// Writes a whole array at once (coordinates and other small arrays).
    ///
    /// # Errors
    /// [`StoreError::BadChunk`] if the element type or the length is wrong;
    /// [`StoreError::Zarr`] if encoding or writing fails.
    pub fn write_array<T: StoreElement>(&self, name: &str, data: &[T]) -> Result<(), StoreError> {
        let entry = self.entry(name)?;
        let spec = &entry.spec;
        if let Some(reason) = spec.array_problem(T::DTYPE, data.len()) {
            return Err(StoreError::BadChunk {
                store: self.path.clone(),
                variable: name.to_owned(),
                chunk: vec![],
                reason,
            });
        }
        let subset = ArraySubset::new_with_shape(spec.shape.clone());
        entry.array.store_array_subset(&subset, data).map_err(|e| self.zarr_error(name, &e))
    }

    fn zarr_error(&self, name: &str, e: &dyn std::fmt::Display) -> StoreError {
        StoreError::Zarr { store: self.path.clone(), variable: name.to_owned(), message: e.to_string() }
    }

    /// Writes the group metadata and the consolidated metadata, then moves the store into place
    /// (replacing an older store at the same path, if the mode allowed it). Returns the path.
    ///
    /// # Errors
    /// [`StoreError::Io`] or [`StoreError::Json`] if metadata cannot be written or read back.
    pub fn finish(self) -> Result<PathBuf, StoreError> {
        let names: Vec<&str> = self.arrays.keys().map(String::as_str).collect();
        consolidate::write_group_and_consolidate(&self.partial, &self.path, self.format, &self.group_attrs, &names)?;
        if self.path.exists() {
            let old = self.path.with_file_name(format!(
                "{}.replaced",
                self.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ));
            std::fs::rename(&self.path, &old).map_err(|e| StoreError::io("move aside", &self.path, e))?;
            std::fs::rename(&self.partial, &self.path).map_err(|e| StoreError::io("rename", &self.partial, e))?;
            std::fs::remove_dir_all(&old).map_err(|e| StoreError::io("remove the replaced store", &old, e))?;
        } else {
            std::fs::rename(&self.partial, &self.path).map_err(|e| StoreError::io("rename", &self.partial, e))?;
        }
        Ok(self.path)
    }

    /// Gives up: removes the unfinished `.partial` folder.
    ///
    /// # Errors
    /// [`StoreError::Io`] if it cannot be removed.
    pub fn abort(self) -> Result<(), StoreError> {
        std::fs::remove_dir_all(&self.partial)
            .map_err(|e| StoreError::io("remove the unfinished store", &self.partial, e))
    }
}

pub(crate) fn write_json(path: &Path, value: &Value) -> Result<(), StoreError> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    std::fs::write(path, text).map_err(|e| StoreError::io("write", path, e))
}

/// Format 3 keeps a variable's `_FillValue` among its attributes as well (xarray reads it from
/// there for format 3; for format 2 it reads the array's `fill_value` only).
fn v3_attributes(spec: &ArraySpec) -> Map<String, Value> {
    let mut attrs = spec.attrs.clone();
    if let Some(f) = spec.fill_value {
        attrs.insert("_FillValue".into(), spec.dtype.fill_value(ZarrFormat::V3, Some(f)));
    }
    attrs
}

/// The element types [`ArrayWriter`]s write: every store type (with the `netcdf` feature, also
/// one libnetcdf knows, which all of them are).
#[cfg(feature = "netcdf")]
pub(crate) trait WritableElement: crate::netcdf::NcElement {}
#[cfg(feature = "netcdf")]
impl<T: crate::netcdf::NcElement> WritableElement for T {}
/// The element types [`ArrayWriter`]s write: every store type.
#[cfg(not(feature = "netcdf"))]
pub(crate) trait WritableElement: StoreElement {}
#[cfg(not(feature = "netcdf"))]
impl<T: StoreElement> WritableElement for T {}

/// What `to_zarr` and `to_netcdf` write a dataset through: a Zarr store ([`StoreWriter`]) or a
/// NetCDF-4 file (`NetcdfWriter`). Both take the same [`ArraySpec`]s and C-order chunks padded
/// at the edges, so the encoding of a dataset is written once.
pub(crate) trait ArrayWriter: Sync {
    /// The path the finished store or file will have.
    fn target(&self) -> &Path;
    /// Sets the global attributes.
    fn global_attrs(&mut self, attrs: Map<String, Value>) -> Result<(), StoreError>;
    /// Declares an array.
    fn declare(&mut self, spec: ArraySpec) -> Result<(), StoreError>;
    /// Writes one chunk, padded to the full chunk shape.
    fn put_chunk<T: WritableElement>(&self, name: &str, chunk: &[u64], data: &[T]) -> Result<(), StoreError>;
    /// Writes a whole array.
    fn put_array<T: WritableElement>(&self, name: &str, data: &[T]) -> Result<(), StoreError>;
}

impl ArrayWriter for StoreWriter {
    fn target(&self) -> &Path {
        self.path()
    }
    fn global_attrs(&mut self, attrs: Map<String, Value>) -> Result<(), StoreError> {
        self.set_attrs(attrs);
        Ok(())
    }
    fn declare(&mut self, spec: ArraySpec) -> Result<(), StoreError> {
        self.add_array(spec)
    }
    fn put_chunk<T: WritableElement>(&self, name: &str, chunk: &[u64], data: &[T]) -> Result<(), StoreError> {
        self.write_chunk(name, chunk, data)
    }
    fn put_array<T: WritableElement>(&self, name: &str, data: &[T]) -> Result<(), StoreError> {
        self.write_array(name, data)
    }
}
