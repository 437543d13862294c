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
    /// 8-bit signed integer (packed data).
    I8,
    /// 16-bit signed integer (packed data, like ERA5's NetCDF files).
    I16,
    /// 8-bit unsigned integer (packed data, masks).
    U8,
    /// 16-bit unsigned integer (packed data).
    U16,
}

impl DType {
    /// Bytes per element.
    #[must_use]
    pub fn size(self) -> usize {
        match self {
            DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
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
            DType::I8 => "|i1",
            DType::I16 => "<i2",
            DType::U8 => "|u1",
            DType::U16 => "<u2",
        }
    }

    pub(crate) fn v3_name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
        }
    }

    /// True for the floating-point types.
    #[must_use]
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// The range of values this type holds (floats: the whole real line).
    #[must_use]
    pub fn range(self) -> (f64, f64) {
        match self {
            DType::F32 | DType::F64 => (f64::NEG_INFINITY, f64::INFINITY),
            DType::I8 => (f64::from(i8::MIN), f64::from(i8::MAX)),
            DType::I16 => (f64::from(i16::MIN), f64::from(i16::MAX)),
            DType::U8 => (0.0, f64::from(u8::MAX)),
            DType::U16 => (0.0, f64::from(u16::MAX)),
            DType::I32 => (f64::from(i32::MIN), f64::from(i32::MAX)),
            // Beyond 2^53 not every integer is a float64; good enough for a range check.
            DType::I64 => (-9.223_372_036_854_776e18, 9.223_372_036_854_776e18),
        }
    }

    /// The type of the same name in the engine, if it has one.
    pub(crate) fn from_engine(d: cumulus_chunked::DType) -> Option<DType> {
        use cumulus_chunked::DType as E;
        Some(match d {
            E::F32 => DType::F32,
            E::F64 => DType::F64,
            E::I8 => DType::I8,
            E::I16 => DType::I16,
            E::I32 => DType::I32,
            E::I64 => DType::I64,
            E::U8 => DType::U8,
            E::U16 => DType::U16,
            _ => return None,
        })
    }

    /// The fill value written into the metadata: `fill` (a variable's `_FillValue`) when given;
    /// otherwise NaN for floats, and for integers none in format 2 (`null`) and 0 in format 3,
    /// which requires one.
    pub(crate) fn fill_value(self, format: ZarrFormat, fill: Option<f64>) -> Value {
        match (fill, self, format) {
            (Some(f), _, _) if f.is_nan() => Value::String("NaN".into()),
            (Some(f), d, _) if !d.is_float() => Value::from(f as i64),
            (Some(f), _, _) => Value::from(f),
            (None, DType::F32 | DType::F64, _) => Value::String("NaN".into()),
            (None, _, ZarrFormat::V2) => Value::Null,
            (None, _, ZarrFormat::V3) => Value::from(0),
        }
    }
}

/// Element types that can be written to a store, tied to their [`DType`].
pub trait StoreElement: zarrs::array::Element + Copy + Send + Sync + 'static {
    /// The store data type of this element type.
    const DTYPE: DType;
    /// `x` converted with Rust's `as` (rounding toward zero and saturating for integers);
    /// callers round and range-check first.
    fn cast_f64(x: f64) -> Self;
}

macro_rules! store_element {
    ($($t:ty => $d:ident),*) => {$(
        impl StoreElement for $t {
            const DTYPE: DType = DType::$d;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            fn cast_f64(x: f64) -> Self {
                x as $t
            }
        }
    )*};
}
store_element!(f32 => F32, f64 => F64, i32 => I32, i64 => I64, i8 => I8, i16 => I16, u8 => U8, u16 => U16);

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
    /// The fill value (a variable's `_FillValue` encoding), which readers mask as missing;
    /// `None` writes the default of [`DType`] (NaN for floats).
    pub fill_value: Option<f64>,
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
            fill_value: None,
        }
    }

    /// Sets the fill value (`_FillValue`): where the stored data equal it, readers see NaN.
    #[must_use]
    pub fn with_fill_value(mut self, fill: f64) -> Self {
        self.fill_value = Some(fill);
        self
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
