//! `to_netcdf`: write a lazy [`Dataset`] to one NetCDF-4 file, streaming chunk by chunk.
//!
//! The encoding is `to_zarr`'s, written through a [`NetcdfWriter`] instead of a Zarr store:
//! CF times, `_FillValue`, scale and offset, the `coordinates` attributes of non-index
//! coordinates, and the variables' chunks as HDF5 chunks. Compression is NetCDF-4's deflate
//! (see [`netcdf_deflate`](crate::netcdf_deflate)); as in xarray, the default is none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cumulus_chunked::ComputeOptions;
use cumulus_labeled::Dataset;

use crate::codec::Compressor;
use crate::error::StoreError;
use crate::netcdf::NetcdfWriter;
use crate::to_zarr::{ToZarrOptions, VarEncoding, write_all};
use crate::writer::WriteMode;

/// Options of [`to_netcdf`].
#[derive(Debug, Clone)]
pub struct ToNetcdfOptions {
    /// `Create` (fail if the file exists, the default) or `Overwrite` (xarray's `mode="w"`).
    pub mode: WriteMode,
    /// Compression of every variable without its own: `None` (xarray's default), gzip with its
    /// level, or a Blosc compressor, which becomes deflate level 1 with a byte shuffle.
    pub compressor: Compressor,
    /// Per-variable encodings (chunks, dtype, `_FillValue`, scale and offset, compressor).
    pub encoding: BTreeMap<String, VarEncoding>,
    /// How to compute (threads, memory limit, progress subscribers).
    pub compute: ComputeOptions,
}

impl Default for ToNetcdfOptions {
    fn default() -> Self {
        ToNetcdfOptions {
            mode: WriteMode::Create,
            compressor: Compressor::None,
            encoding: BTreeMap::new(),
            compute: ComputeOptions::default(),
        }
    }
}

impl ToNetcdfOptions {
    /// Sets the encoding of one variable.
    #[must_use]
    pub fn with_encoding(mut self, name: &str, enc: VarEncoding) -> Self {
        self.encoding.insert(name.to_owned(), enc);
        self
    }
}

/// Write `ds` to a NetCDF-4 file at `path` (xarray's `ds.to_netcdf(path)`); returns the path.
///
/// Each data variable is computed chunk by chunk and written as it finishes, so memory holds a
/// few chunks. The file is written as `<path>.partial` and renamed when complete; a failure
/// removes it.
///
/// ```
/// use cumulus_chunked::ChunkedArray;
/// use cumulus_labeled::{Dataset, Variable};
/// use cumulus_store::{ToNetcdfOptions, open_netcdf, to_netcdf};
/// use ndarray::{ArrayD, IxDyn};
///
/// let dir = tempfile::tempdir()?;
/// let a = ArrayD::from_shape_fn(IxDyn(&[5, 3]), |i| (i[0] * 3 + i[1]) as f32);
/// let ds = Dataset::new()
///     .with_coord("x", Variable::from_vec("x", vec![0.0f64, 1.0, 2.0, 3.0, 4.0]))?
///     .with_var("v", Variable::new(&["x", "y"], ChunkedArray::from_array(a, &[2, 3])?)?)?;
/// let path = to_netcdf(&ds, dir.path().join("out.nc"), &ToNetcdfOptions::default())?;
/// assert_eq!(open_netcdf(&path)?.get("v")?.to_vec_f64()?[14], 14.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`StoreError::AlreadyExists`] for an existing file with `Create`; `Append`, which NetCDF
/// files do not get here; irregular chunks without an encoding; a dtype NetCDF writing does not
/// support; a failing chunk or a libnetcdf error (the partial file is removed).
pub fn to_netcdf(ds: &Dataset, path: impl AsRef<Path>, opts: &ToNetcdfOptions) -> Result<PathBuf, StoreError> {
    let path = path.as_ref();
    if opts.mode == WriteMode::Append {
        return Err(StoreError::InvalidSpec {
            store: path.to_path_buf(),
            variable: String::new(),
            reason: "to_netcdf writes a whole file: use mode Create or Overwrite (append with to_zarr)".into(),
        });
    }
    let settings = ToZarrOptions {
        mode: opts.mode,
        compressor: opts.compressor,
        encoding: opts.encoding.clone(),
        compute: opts.compute.clone(),
        ..ToZarrOptions::default()
    };
    let mut w = NetcdfWriter::create(path, opts.mode)?;
    match write_all(ds, path, &settings, &mut w) {
        Ok(()) => w.finish(),
        Err(e) => {
            let _ = w.abort();
            Err(e)
        }
    }
}
