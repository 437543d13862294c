//! What an array in a store looks like: name, data type, dimensions, chunks, codec, attributes.

use serde_json::{Map, Value};

use crate::codec::Compressor;

/// The Zarr format of a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZarrFormat {
    /// Zarr format 2: `.zgroup`, `.zarray`, `.zattrs`, chunk keys `0.0.0`; what xarray with
    /// zarr-python 2 reads, and what the workshop pins.
    V2,
    /// Zarr format 3: one `zarr.json` per node, chunk keys `c/0/0/0`.
    V3,
}

/// The element types a store array can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// 32-bit signed integer.
    I32,
    /// 64-bit signed integer.
    I64,
}

impl DType {
    /// Bytes per element.
    #[must_use]
    pub fn size(self) -> usize {
        match self {
            DType::F32 | DType::I32 => 4,
            DType::F64 | DType::I64 => 8,
        }
    }

    pub(crate) fn v2_name(self) -> &'static str {
        match self {
            DType::F32 => "<f4",
            DType::F64 => "<f8",
            DType::I32 => "<i4",
            DType::I64 => "<i8",
        }
    }

    pub(crate) fn v3_name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::I32 => "int32",
            DType::I64 => "int64",
        }
    }

    /// Floats are filled with NaN where nothing was written; integers have no fill value in
    /// format 2 (`null`) and 0 in format 3, which requires one.
    pub(crate) fn fill_value(self, format: ZarrFormat) -> Value {
        match (self, format) {
            (DType::F32 | DType::F64, _) => Value::String("NaN".into()),
            (_, ZarrFormat::V2) => Value::Null,
            (_, ZarrFormat::V3) => Value::from(0),
        }
    }
}

/// Element types that can be written to a store, tied to their [`DType`].
pub trait StoreElement: zarrs::array::Element + Copy + Send + Sync + 'static {
    /// The store data type of this element type.
    const DTYPE: DType;
}

impl StoreElement for f32 {
    const DTYPE: DType = DType::F32;
}
impl StoreElement for f64 {
    const DTYPE: DType = DType::F64;
}
impl StoreElement for i32 {
    const DTYPE: DType = DType::I32;
}
impl StoreElement for i64 {
    const DTYPE: DType = DType::I64;
}

/// One array of a store: its name, type, named dimensions, chunk shape, compressor and
/// attributes.
///
/// ```
/// use cumulus_store::{ArraySpec, DType};
/// let spec = ArraySpec::new("t2m", DType::F32, &[("time", 48), ("latitude", 121)]).with_chunks(&[24, 50]);
/// assert_eq!(spec.chunk_grid(), vec![2, 3]);
/// assert_eq!(spec.chunk_len(), 24 * 50);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ArraySpec {
    /// The variable name (a folder in the store).
    pub name: String,
    /// Element type.
    pub dtype: DType,
    /// Dimension names, in storage order (xarray's `_ARRAY_DIMENSIONS`).
    pub dims: Vec<String>,
    /// Array shape.
    pub shape: Vec<u64>,
    /// Chunk shape; defaults to the whole array.
    pub chunks: Vec<u64>,
    /// Compressor; defaults to [`Compressor::None`].
    pub compressor: Compressor,
    /// Attributes (units, long_name, CF encoding, ...).
    pub attrs: Map<String, Value>,
}

impl ArraySpec {
    /// A new array of `dtype` with named dimensions and sizes, one chunk, no compression.
    #[must_use]
    pub fn new(name: &str, dtype: DType, dims: &[(&str, u64)]) -> Self {
        let shape: Vec<u64> = dims.iter().map(|d| d.1).collect();
        ArraySpec {
            name: name.to_owned(),
            dtype,
            dims: dims.iter().map(|d| d.0.to_owned()).collect(),
            chunks: shape.iter().map(|&s| s.max(1)).collect(),
            shape,
            compressor: Compressor::None,
            attrs: Map::new(),
        }
    }

    /// Sets the chunk shape.
    #[must_use]
    pub fn with_chunks(mut self, chunks: &[u64]) -> Self {
        self.chunks = chunks.to_vec();
        self
    }

    /// Sets the compressor.
    #[must_use]
    pub fn with_compressor(mut self, compressor: Compressor) -> Self {
        self.compressor = compressor;
        self
    }

    /// Adds attributes (all but `_ARRAY_DIMENSIONS`, which comes from the dimensions).
    #[must_use]
    pub fn with_attrs(mut self, attrs: Map<String, Value>) -> Self {
        for (k, v) in attrs {
            if k != "_ARRAY_DIMENSIONS" {
                self.attrs.insert(k, v);
            }
        }
        self
    }

    /// Adds one attribute.
    #[must_use]
    pub fn with_attr(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.attrs.insert(key.to_owned(), value.into());
        self
    }

    /// Number of chunks along each dimension.
    #[must_use]
    pub fn chunk_grid(&self) -> Vec<u64> {
        self.shape.iter().zip(&self.chunks).map(|(&s, &c)| s.div_ceil(c.max(1))).collect()
    }

    /// Number of elements in one (full, edge-padded) chunk.
    #[must_use]
    pub fn chunk_len(&self) -> usize {
        self.chunks.iter().map(|&c| usize::try_from(c).unwrap_or(usize::MAX)).product()
    }

    /// Why chunk `chunk` with `len` elements of `dtype` cannot be written to this array, if it
    /// cannot (shared by the Zarr and NetCDF writers, which wrap it in their own error).
    pub(crate) fn chunk_problem(&self, chunk: &[u64], dtype: DType, len: usize) -> Option<String> {
        if dtype != self.dtype {
            return Some(format!("the array holds {:?}, the data are {dtype:?}", self.dtype));
        }
        let grid = self.chunk_grid();
        if chunk.len() != grid.len() || chunk.iter().zip(&grid).any(|(i, n)| i >= n) {
            return Some(format!("index outside the chunk grid {grid:?}"));
        }
        if len != self.chunk_len() {
            return Some(format!("{len} elements given, a chunk of shape {:?} has {}", self.chunks, self.chunk_len()));
        }
        None
    }

    /// Why `len` elements of `dtype` cannot be written as the whole array at once, if they
    /// cannot (shared by the Zarr and NetCDF writers).
    pub(crate) fn array_problem(&self, dtype: DType, len: usize) -> Option<String> {
        let n: u64 = self.shape.iter().product();
        (dtype != self.dtype || len as u64 != n)
            .then(|| format!("whole-array write needs {n} elements of {:?}, got {len} of {dtype:?}", self.dtype))
    }

    /// Why this spec cannot be written, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.name.is_empty() || self.name.contains('/') || self.name.starts_with('.') {
            return Some(format!("invalid variable name {:?}", self.name));
        }
        if self.dims.len() != self.shape.len() || self.chunks.len() != self.shape.len() {
            return Some(format!(
                "{} dimension names, shape {:?} and chunks {:?} disagree in length",
                self.dims.len(),
                self.shape,
                self.chunks
            ));
        }
        if let Some(i) = self.chunks.iter().position(|&c| c == 0) {
            return Some(format!("chunk size along {:?} is 0; chunks must be at least 1", self.dims[i]));
        }
        self.compressor.validate().err()
    }
}
