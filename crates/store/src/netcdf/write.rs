//! [`NetcdfWriter`]: one NetCDF-4 file, written chunk by chunk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Map, Value};

use crate::codec::{Compressor, Shuffle};
use crate::error::StoreError;
use crate::spec::{ArraySpec, DType, StoreElement};
use crate::writer::WriteMode;

use crate::netcdf::read::nc_error;

/// Element types a [`NetcdfWriter`] can write: the store's element types that libnetcdf knows.
pub trait NcElement: StoreElement + netcdf::NcTypeDescriptor {}
impl<T: StoreElement + netcdf::NcTypeDescriptor> NcElement for T {}

/// Builds one NetCDF-4 file. Chunks can be written concurrently ([`NetcdfWriter::write_chunk`]
/// takes `&self`); they are serialized by a lock, as libnetcdf requires.
#[derive(Debug)]
pub struct NetcdfWriter {
    path: PathBuf,
    partial: PathBuf,
    file: Mutex<Option<netcdf::FileMut>>,
    specs: BTreeMap<String, ArraySpec>,
}

/// The file a NetCDF file is written to before it is complete: `<path>.partial`.
fn partial_file(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// The NetCDF-4 compression used for a Zarr [`Compressor`]: `Some((deflate level, shuffle))`,
/// or `None` for no compression. gzip keeps its level; Blosc (zstd or lz4, which NetCDF-4 does
/// not portably have) becomes deflate level 1 (Blosc zlib too, for the same speed), with a byte shuffle if Blosc shuffled.
///
/// ```
/// use cumulus_store::{Compressor, netcdf_deflate};
/// assert_eq!(netcdf_deflate(Compressor::blosc_zstd(3)), Some((1, true)));
/// assert_eq!(netcdf_deflate(Compressor::Gzip { level: 5 }), Some((5, false)));
/// assert_eq!(netcdf_deflate(Compressor::None), None);
/// ```
#[must_use]
pub fn netcdf_deflate(compressor: Compressor) -> Option<(u8, bool)> {
    match compressor {
        Compressor::None => None,
        Compressor::Gzip { level } => Some((level.min(9), false)),
        Compressor::BloscZstd { shuffle, .. }
        | Compressor::BloscLz4 { shuffle, .. }
        | Compressor::BloscLz4hc { shuffle, .. }
        | Compressor::BloscZlib { shuffle, .. } => Some((1, shuffle != Shuffle::None)),
    }
}

impl NetcdfWriter {
    /// Starts a new NetCDF-4 file at `path`.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if `path` exists and `mode` is [`WriteMode::Create`];
    /// [`StoreError::NetCdf`] if libnetcdf cannot create the file.
    pub fn create(path: &Path, mode: WriteMode) -> Result<Self, StoreError> {
        if path.exists() && mode != WriteMode::Overwrite {
            return Err(StoreError::AlreadyExists { path: path.to_owned() });
        }
        let partial = partial_file(path);
        if partial.exists() {
            std::fs::remove_file(&partial).map_err(|e| StoreError::io("remove the unfinished file", &partial, e))?;
        }
        let file = netcdf::create(&partial).map_err(|e| nc_error(path, "", "create the file", &e))?;
        Ok(NetcdfWriter { path: path.to_owned(), partial, file: Mutex::new(Some(file)), specs: BTreeMap::new() })
    }

    /// The path the finished file will have.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with_file<R>(
        &self,
        variable: &str,
        action: &str,
        f: impl FnOnce(&mut netcdf::FileMut) -> Result<R, netcdf::Error>,
    ) -> Result<R, StoreError> {
        let mut guard = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let file = guard.as_mut().ok_or_else(|| StoreError::NetCdf {
            path: self.path.clone(),
            variable: variable.to_owned(),
            message: format!("cannot {action}: the file is already closed"),
        })?;
        f(file).map_err(|e| nc_error(&self.path, variable, action, &e))
    }

    /// Sets the global attributes (strings, numbers, lists of numbers or strings).
    ///
    /// # Errors
    /// [`StoreError::NetCdf`] if an attribute cannot be written (a nested object, say).
    pub fn set_attrs(&mut self, attrs: &Map<String, Value>) -> Result<(), StoreError> {
        for (name, value) in attrs {
            let value = attribute_value(value).ok_or_else(|| StoreError::NetCdf {
                path: self.path.clone(),
                variable: String::new(),
                message: format!("global attribute {name:?} = {value} has no NetCDF type"),
            })?;
            self.with_file("", "write a global attribute", |f| f.add_attribute(name, value).map(|_| ()))?;
        }
        Ok(())
    }

    /// Declares a variable: its dimensions (created on first use, checked afterwards), type,
    /// chunking, compression, `_FillValue` (NaN for floats) and attributes.
    ///
    /// # Errors
    /// [`StoreError::InvalidSpec`] for a bad spec or a dimension declared with two lengths;
    /// [`StoreError::DuplicateVariable`]; [`StoreError::NetCdf`] if libnetcdf rejects it.
    pub fn add_array(&mut self, spec: ArraySpec) -> Result<(), StoreError> {
        let invalid =
            |reason: String| StoreError::InvalidSpec { store: self.path.clone(), variable: spec.name.clone(), reason };
        if let Some(reason) = spec.problem() {
            return Err(invalid(reason));
        }
        if self.specs.contains_key(&spec.name) {
            return Err(StoreError::DuplicateVariable { store: self.path.clone(), variable: spec.name });
        }
        for (dim, &len) in spec.dims.iter().zip(&spec.shape) {
            let known = self.with_file(&spec.name, "look up a dimension", |f| Ok(f.dimension_len(dim)))?;
            match known {
                Some(n) if n as u64 != len => {
                    return Err(invalid(format!("dimension {dim:?} has length {n} in the file, {len} here")));
                }
                Some(_) => {}
                None => {
                    self.with_file(&spec.name, "add a dimension", |f| f.add_dimension(dim, len as usize).map(|_| ()))?;
                }
            }
        }
        let dims: Vec<&str> = spec.dims.iter().map(String::as_str).collect();
        let chunks: Vec<usize> = spec.chunks.iter().map(|&c| c as usize).collect();
        let deflate = netcdf_deflate(spec.compressor);
        let attrs: Vec<(String, netcdf::AttributeValue)> = spec
            .attrs
            .iter()
            .filter(|(k, _)| k.as_str() != "_FillValue")
            .map(|(k, v)| {
                attribute_value(v)
                    .map(|v| (k.clone(), v))
                    .ok_or_else(|| invalid(format!("attribute {k:?} = {v} has no NetCDF type")))
            })
            .collect::<Result<_, _>>()?;
        self.with_file(&spec.name, "define the variable", |f| {
            let mut var = match spec.dtype {
                DType::F32 => f.add_variable::<f32>(&spec.name, &dims)?,
                DType::F64 => f.add_variable::<f64>(&spec.name, &dims)?,
                DType::I32 => f.add_variable::<i32>(&spec.name, &dims)?,
                DType::I64 => f.add_variable::<i64>(&spec.name, &dims)?,
                DType::I8 => f.add_variable::<i8>(&spec.name, &dims)?,
                DType::I16 => f.add_variable::<i16>(&spec.name, &dims)?,
                DType::U8 => f.add_variable::<u8>(&spec.name, &dims)?,
                DType::U16 => f.add_variable::<u16>(&spec.name, &dims)?,
            };
            if !dims.is_empty() {
                var.set_chunking(&chunks)?;
            }
            if let Some((level, shuffle)) = deflate {
                var.set_compression(i32::from(level), shuffle)?;
            }
            // A variable's own `_FillValue` (packed data), else NaN for floats.
            match (spec.dtype, spec.fill_value) {
                (DType::F32, f) => var.set_fill_value(f.unwrap_or(f64::NAN) as f32)?,
                (DType::F64, f) => var.set_fill_value(f.unwrap_or(f64::NAN))?,
                (DType::I8, Some(f)) => var.set_fill_value(i8::cast_f64(f))?,
                (DType::I16, Some(f)) => var.set_fill_value(i16::cast_f64(f))?,
                (DType::I32, Some(f)) => var.set_fill_value(i32::cast_f64(f))?,
                (DType::I64, Some(f)) => var.set_fill_value(i64::cast_f64(f))?,
                (DType::U8, Some(f)) => var.set_fill_value(u8::cast_f64(f))?,
                (DType::U16, Some(f)) => var.set_fill_value(u16::cast_f64(f))?,
                (_, None) => {}
            }
            for (k, v) in attrs {
                var.put_attribute(&k, v)?;
            }
            Ok(())
        })?;
        self.specs.insert(spec.name.clone(), spec);
        Ok(())
    }

    fn spec(&self, name: &str) -> Result<&ArraySpec, StoreError> {
        self.specs.get(name).ok_or_else(|| StoreError::UnknownVariable {
            store: self.path.clone(),
            variable: name.to_owned(),
            known: self.specs.keys().cloned().collect(),
        })
    }

    /// Writes chunk `chunk` (its index in the chunk grid) of variable `name`. `data` is the
    /// chunk in C order, padded to the full chunk shape at the edges as Zarr chunks are; the
    /// padding is cut off before writing.
    ///
    /// # Errors
    /// [`StoreError::BadChunk`] for an index outside the grid, the wrong element type or the
    /// wrong length; [`StoreError::NetCdf`] if libnetcdf fails.
    pub fn write_chunk<T: NcElement>(&self, name: &str, chunk: &[u64], data: &[T]) -> Result<(), StoreError> {
        let spec = self.spec(name)?;
        if let Some(reason) = spec.chunk_problem(chunk, T::DTYPE, data.len()) {
            return Err(StoreError::BadChunk {
                store: self.path.clone(),
                variable: name.to_owned(),
                chunk: chunk.to_vec(),
                reason,
            });
        }
        let start: Vec<usize> = chunk.iter().zip(&spec.chunks).map(|(&i, &c)| (i * c) as usize).collect();
        let count: Vec<usize> = start
            .iter()
            .zip(&spec.chunks)
            .zip(&spec.shape)
            .map(|((&s, &c), &n)| (c as usize).min(n as usize - s))
            .collect();
        let padded: Vec<usize> = spec.chunks.iter().map(|&c| c as usize).collect();
        let trimmed;
        let values = if count == padded {
            data
        } else {
            trimmed = unpad(data, &padded, &count);
            &trimmed[..]
        };
        self.with_file(name, "write a chunk", |f| {
            let mut var = f.variable_mut(name).ok_or(netcdf::Error::NotFound(name.to_owned()))?;
            var.put_values(values, (&start[..], &count[..]))
        })
    }

    /// Writes a whole variable at once (coordinates).
    ///
    /// # Errors
    /// [`StoreError::BadChunk`] if the type or length is wrong; [`StoreError::NetCdf`].
    pub fn write_array<T: NcElement>(&self, name: &str, data: &[T]) -> Result<(), StoreError> {
        let spec = self.spec(name)?;
        if let Some(reason) = spec.array_problem(T::DTYPE, data.len()) {
            return Err(StoreError::BadChunk {
                store: self.path.clone(),
                variable: name.to_owned(),
                chunk: vec![],
                reason,
            });
        }
        self.with_file(name, "write the variable", |f| {
            let mut var = f.variable_mut(name).ok_or(netcdf::Error::NotFound(name.to_owned()))?;
            var.put_values(data, ..)
        })
    }

    /// Closes the file and moves it into place (replacing an older file if the mode allowed
    /// it). Returns the path.
    ///
    /// # Errors
    /// [`StoreError::NetCdf`] if closing fails, [`StoreError::Io`] if the rename fails.
    pub fn finish(self) -> Result<PathBuf, StoreError> {
        let file = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(file) = file {
            file.close().map_err(|e| nc_error(&self.path, "", "close the file", &e))?;
        }
        std::fs::rename(&self.partial, &self.path).map_err(|e| StoreError::io("rename", &self.partial, e))?;
        Ok(self.path)
    }

    /// Gives up: closes and removes the unfinished `.partial` file.
    ///
    /// # Errors
    /// [`StoreError::Io`] if it cannot be removed.
    pub fn abort(self) -> Result<(), StoreError> {
        drop(self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
        std::fs::remove_file(&self.partial).map_err(|e| StoreError::io("remove the unfinished file", &self.partial, e))
    }
}

impl crate::writer::ArrayWriter for NetcdfWriter {
    fn target(&self) -> &Path {
        self.path()
    }
    fn global_attrs(&mut self, attrs: Map<String, Value>) -> Result<(), StoreError> {
        self.set_attrs(&attrs)
    }
    fn declare(&mut self, spec: ArraySpec) -> Result<(), StoreError> {
        self.add_array(spec)
    }
    fn put_chunk<T: crate::writer::WritableElement>(
        &self,
        name: &str,
        chunk: &[u64],
        data: &[T],
    ) -> Result<(), StoreError> {
        self.write_chunk(name, chunk, data)
    }
    fn put_array<T: crate::writer::WritableElement>(&self, name: &str, data: &[T]) -> Result<(), StoreError> {
        self.write_array(name, data)
    }
}

/// Copies the `count` corner of a C-order block of shape `padded`.
fn unpad<T: Copy>(data: &[T], padded: &[usize], count: &[usize]) -> Vec<T> {
    let n: usize = count.iter().product();
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    let rank = padded.len();
    let row = count[rank - 1];
    // Strides of the padded block.
    let mut strides = vec![1usize; rank];
    for d in (0..rank.saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * padded[d + 1];
    }
    let mut index = vec![0usize; rank.saturating_sub(1)];
    loop {
        let offset: usize = index.iter().zip(&strides).map(|(i, s)| i * s).sum();
        out.extend_from_slice(&data[offset..offset + row]);
        // Next row index (odometer over the outer dimensions).
        let mut d = rank - 1;
        loop {
            if d == 0 {
                return out;
            }
            d -= 1;
            index[d] += 1;
            if index[d] < count[d] {
                break;
            }
            index[d] = 0;
        }
    }
}

/// A JSON attribute as a NetCDF attribute: strings, integers, floats, booleans (as 0/1) and
/// homogeneous lists of numbers or strings.
fn attribute_value(v: &Value) -> Option<netcdf::AttributeValue> {
    use netcdf::AttributeValue as A;
    match v {
        Value::String(s) => Some(A::Str(s.clone())),
        Value::Bool(b) => Some(A::Schar(i8::from(*b))),
        Value::Number(n) => n.as_i64().map(A::Longlong).or_else(|| n.as_f64().map(A::Double)),
        Value::Array(items) if !items.is_empty() => {
            if items.iter().all(Value::is_string) {
                Some(A::Strs(items.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()))
            } else if items.iter().all(|x| x.as_i64().is_some()) {
                Some(A::Longlongs(items.iter().filter_map(Value::as_i64).collect()))
            } else if items.iter().all(Value::is_number) {
                Some(A::Doubles(items.iter().filter_map(Value::as_f64).collect()))
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::unpad;

    #[test]
    fn unpad_cuts_the_corner() {
        // A 3 x 4 block whose valid part is 2 x 3.
        let data: Vec<i32> = (0..12).collect();
        assert_eq!(unpad(&data, &[3, 4], &[2, 3]), vec![0, 1, 2, 4, 5, 6]);
        // 2 x 2 x 3, valid 2 x 1 x 2.
        let data: Vec<i32> = (0..12).collect();
        assert_eq!(unpad(&data, &[2, 2, 3], &[2, 1, 2]), vec![0, 1, 6, 7]);
        assert_eq!(unpad(&data, &[12], &[5]), vec![0, 1, 2, 3, 4]);
    }
}
