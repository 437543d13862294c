//! NetCDF-4 files (HDF5 underneath) through libnetcdf: the format the workshop compares Zarr
//! with. Enabled by the `netcdf` cargo feature (Debian: `apt-get install libnetcdf-dev`).
//!
//! [`NetcdfWriter`] mirrors [`StoreWriter`](crate::StoreWriter): declare arrays with the same
//! [`ArraySpec`](crate::ArraySpec), write chunks (from many threads), finish. The differences are the lesson:
//!
//! - one file, not a folder of chunk files, and libnetcdf/HDF5 are not thread-safe, so every
//!   call goes through one global lock: chunks can be *computed* in parallel, but they are
//!   compressed and written one at a time;
//! - NetCDF-4 portably offers only zlib (deflate) with an optional byte shuffle, so a Blosc
//!   compressor becomes deflate level 1 with shuffle (see [`netcdf_deflate`]).
//!
//! The file is written as `<path>.partial` and renamed into place by [`NetcdfWriter::finish`],
//! so an interrupted write never leaves a file that looks complete.
//!
//! ```no_run
//! use cumulus_store::{ArraySpec, DType, NetcdfWriter, WriteMode};
//! let mut w = NetcdfWriter::create("t.nc".as_ref(), WriteMode::Overwrite)?;
//! w.add_array(ArraySpec::new("t", DType::F32, &[("time", 4), ("latitude", 3)]).with_chunks(&[2, 3]))?;
//! w.write_chunk("t", &[0, 0], &[1.0_f32, 2., 3., 4., 5., 6.])?;
//! w.write_chunk("t", &[1, 0], &[7.0_f32, 8., 9., 10., 11., 12.])?;
//! w.finish()?;
//! # Ok::<(), cumulus_store::StoreError>(())
//! ```
//!
//! [`to_netcdf`] writes a whole [`Dataset`](cumulus_labeled::Dataset) this way, with
//! `to_zarr`'s CF encoding.
//!
//! [`open_netcdf`] reads such a file (or any NetCDF-4/classic file with named dimensions) as a
//! lazy [`Dataset`](cumulus_labeled::Dataset), one engine chunk per HDF5 chunk, with the same CF
//! decoding as [`open_zarr`](crate::open_zarr). Reads go through libnetcdf's lock too, so they
//! do not run in parallel: the measured difference with Zarr is the lesson.

mod read;
mod to_netcdf;
mod write;

pub use read::{NetcdfArray, open_netcdf};
pub use to_netcdf::{ToNetcdfOptions, to_netcdf};
pub use write::{NcElement, NetcdfWriter, netcdf_deflate};
