//! [`open_netcdf`]: a NetCDF file as a lazy dataset, one engine chunk per HDF5 chunk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cumulus_chunked::{Block, BlockElement, ChunkSource, Chunks, DType, SourceError};
use cumulus_labeled::Dataset;
use serde_json::{Map, Value};

use crate::error::StoreError;
use crate::open::build_dataset;
use crate::read::ArrayMeta;

/// Chunks of a contiguous (unchunked) variable are cut along its first dimension to about
/// this many bytes, so that a large classic NetCDF variable is still read piece by piece.
const CONTIGUOUS_CHUNK_BYTES: usize = 16 << 20;

pub(crate) fn nc_error(path: &Path, variable: &str, action: &str, e: &netcdf::Error) -> StoreError {
    StoreError::NetCdf {
        path: path.to_owned(),
        variable: variable.to_owned(),
        message: format!("cannot {action}: {e}"),
    }
}

/// One variable of an open NetCDF file, read chunk by chunk (a hyperslab per chunk).
#[derive(Debug)]
pub struct NetcdfArray {
    file: Arc<netcdf::File>,
    path: PathBuf,
    meta: ArrayMeta,
    chunks: Chunks,
}

impl NetcdfArray {
    /// The variable's metadata.
    #[must_use]
    pub fn meta(&self) -> &ArrayMeta {
        &self.meta
    }

    fn read<T: BlockElement + netcdf::NcTypeDescriptor + Copy>(&self, idx: &[usize]) -> Result<Block, SourceError> {
        let region = self.chunks.region(idx);
        let start: Vec<usize> = region.iter().map(|r| r.start).collect();
        let count: Vec<usize> = region.iter().map(|r| r.len()).collect();
        let var = self
            .file
            .variable(&self.meta.name)
            .ok_or_else(|| SourceError(format!("{}: the variable has disappeared", self.path.display())))?;
        let values: Vec<T> =
            if count.is_empty() { var.get_values(..) } else { var.get_values((&start[..], &count[..])) }.map_err(
                |e| SourceError(format!("{}: cannot read the hyperslab {region:?}: {e}", self.path.display())),
            )?;
        Block::from_vec(&count, values)
            .map_err(|(want, got)| SourceError(format!("libnetcdf returned {got} values, the chunk needs {want}")))
    }
}

impl ChunkSource for NetcdfArray {
    fn name(&self) -> String {
        format!("{}/{}", self.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(), self.meta.name)
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
            DType::F32 => self.read::<f32>(idx),
            DType::F64 => self.read::<f64>(idx),
            DType::I8 => self.read::<i8>(idx),
            DType::I16 => self.read::<i16>(idx),
            DType::I32 => self.read::<i32>(idx),
            DType::I64 => self.read::<i64>(idx),
            DType::U8 => self.read::<u8>(idx),
            DType::U16 => self.read::<u16>(idx),
            DType::U32 => self.read::<u32>(idx),
            DType::U64 => self.read::<u64>(idx),
            DType::Bool => Err(SourceError("NetCDF has no boolean type".into())),
        }
    }
}

/// Open a NetCDF file (NetCDF-4 or classic) as a lazy [`Dataset`], as xarray's
/// `open_dataset(path, engine="netcdf4", chunks={})` does: only metadata and coordinates are
/// read now; each data variable is one engine chunk per HDF5 chunk, decoded on compute, with
/// CF decoding (times, `_FillValue`/`missing_value`, `scale_factor`/`add_offset`).
///
/// ```no_run
/// let ds = cumulus_store::open_netcdf("data/tiny/era5_2019_10N40N_100E140E.nc")?;
/// println!("{ds}");
/// # Ok::<(), cumulus_store::StoreError>(())
/// ```
///
/// # Errors
/// [`StoreError::NetCdf`] if libnetcdf cannot open the file or a variable has a type cumulus
/// has no engine type for (strings, compound types), naming the variable.
pub fn open_netcdf(path: impl AsRef<Path>) -> Result<Dataset, StoreError> {
    let path = path.as_ref();
    if !path.is_file() {
        return Err(StoreError::NotAStore { path: path.to_owned(), reason: "no such NetCDF file".into() });
    }
    let file = Arc::new(netcdf::open(path).map_err(|e| nc_error(path, "", "open the file", &e))?);
    let attrs: Map<String, Value> =
        file.attributes().filter_map(|a| Some((a.name().to_owned(), json(a.value().ok()?)?))).collect();
    let mut arrays: Vec<(ArrayMeta, Arc<dyn ChunkSource>)> = Vec::new();
    for var in file.variables() {
        let name = var.name();
        let dtype = dtype_of(&var.vartype()).ok_or_else(|| StoreError::NetCdf {
            path: path.to_owned(),
            variable: name.clone(),
            message: format!("its type {:?} has no cumulus dtype (numbers only)", var.vartype()),
        })?;
        let dims: Vec<String> = var.dimensions().iter().map(|d| d.name()).collect();
        let shape: Vec<usize> = var.dimensions().iter().map(netcdf::Dimension::len).collect();
        let stored = var.chunking().map_err(|e| nc_error(path, &name, "read the chunking", &e))?;
        let chunk_shape = match stored {
            Some(c) if c.len() == shape.len() => c.iter().zip(&shape).map(|(&c, &n)| c.clamp(1, n.max(1))).collect(),
            _ => contiguous_chunks(&shape, dtype.size()),
        };
        let var_attrs: Map<String, Value> =
            var.attributes().filter_map(|a| Some((a.name().to_owned(), json(a.value().ok()?)?))).collect();
        let fill_value = var_attrs.get("_FillValue").and_then(Value::as_f64);
        let codecs = match var_attrs.get("_DeflateLevel") {
            Some(level) => format!("zlib level {level}"),
            None => "NetCDF".to_owned(),
        };
        let meta = ArrayMeta {
            name: name.clone(),
            shape: shape.clone(),
            chunk_shape: chunk_shape.clone(),
            dtype,
            dims,
            attrs: var_attrs,
            fill_value,
            codecs,
        };
        let chunks = Chunks::checked_regular(&shape, &chunk_shape).map_err(|e| StoreError::NetCdf {
            path: path.to_owned(),
            variable: name.clone(),
            message: e.to_string(),
        })?;
        let array = NetcdfArray { file: file.clone(), path: path.to_owned(), meta: meta.clone(), chunks };
        arrays.push((meta, Arc::new(array)));
    }
    build_dataset(path, attrs, arrays, false)
}

/// One chunk along everything but the first dimension, which is cut to about
/// [`CONTIGUOUS_CHUNK_BYTES`].
fn contiguous_chunks(shape: &[usize], itemsize: usize) -> Vec<usize> {
    let Some((&first, rest)) = shape.split_first() else { return vec![] };
    let row: usize = rest.iter().product::<usize>().max(1) * itemsize;
    let rows = (CONTIGUOUS_CHUNK_BYTES / row).clamp(1, first.max(1));
    std::iter::once(rows).chain(rest.iter().map(|&n| n.max(1))).collect()
}

fn dtype_of(t: &netcdf::types::NcVariableType) -> Option<DType> {
    use netcdf::types::{FloatType, IntType, NcVariableType as V};
    Some(match t {
        V::Float(FloatType::F32) => DType::F32,
        V::Float(FloatType::F64) => DType::F64,
        V::Int(IntType::I8) => DType::I8,
        V::Int(IntType::I16) => DType::I16,
        V::Int(IntType::I32) => DType::I32,
        V::Int(IntType::I64) => DType::I64,
        V::Int(IntType::U8) => DType::U8,
        V::Int(IntType::U16) => DType::U16,
        V::Int(IntType::U32) => DType::U32,
        V::Int(IntType::U64) => DType::U64,
        _ => return None,
    })
}

/// A NetCDF attribute as JSON (the form attributes take everywhere in cumulus).
fn json(v: netcdf::AttributeValue) -> Option<Value> {
    use netcdf::AttributeValue as A;
    let num = |x: f64| serde_json::Number::from_f64(x).map(Value::Number).or(Some(Value::String("NaN".into())));
    Some(match v {
        A::Str(s) => Value::String(s),
        A::Strs(v) => Value::from(v),
        A::Uchar(x) => Value::from(x),
        A::Schar(x) => Value::from(x),
        A::Ushort(x) => Value::from(x),
        A::Short(x) => Value::from(x),
        A::Uint(x) => Value::from(x),
        A::Int(x) => Value::from(x),
        A::Ulonglong(x) => Value::from(x),
        A::Longlong(x) => Value::from(x),
        A::Float(x) => num(f64::from(x))?,
        A::Double(x) => num(x)?,
        A::Uchars(v) => Value::from(v),
        A::Schars(v) => Value::from(v),
        A::Ushorts(v) => Value::from(v),
        A::Shorts(v) => Value::from(v),
        A::Uints(v) => Value::from(v),
        A::Ints(v) => Value::from(v),
        A::Ulonglongs(v) => Value::from(v),
        A::Longlongs(v) => Value::from(v),
        A::Floats(v) => Value::from(v.into_iter().map(f64::from).collect::<Vec<_>>()),
        A::Doubles(v) => Value::from(v),
    })
}
