//! # cumulus-store
//!
//! Zarr storage for cumulus, built on [zarrs](https://zarrs.dev). This crate plays the part of
//! zarr-python and netCDF4 in the workshop.
//!
//! What exists today is the **writing side** that the data generator needs:
//!
//! - [`StoreWriter`] creates a Zarr group in format 2 (the workshop's choice) or 3, with one
//!   array per [`ArraySpec`], CF attributes and xarray's dimension names, writes chunks from
//!   many threads at once, and writes consolidated metadata last.
//! - The store is built under a `<name>.partial` folder and renamed into place only by
//!   [`StoreWriter::finish`], so an interrupted write never leaves a store that looks complete.
//! - [`Compressor`] names the codecs the class compares (Blosc zstd, lz4, lz4hc and zlib with
//!   their shuffles, gzip, none); [`compression_lab`] measures them on one variable.
//!
//! The **reading side**: [`open_zarr`] and [`open_mfdataset`] give lazy labeled datasets
//! (consolidated metadata, or a scan with a warning; Zarr v2 and v3; CF time, mask and scale),
//! with one engine chunk per stored chunk, decoded by zarrs only when computed.
//!
//! With the `netcdf` feature (libnetcdf installed), `NetcdfWriter` writes the same arrays as
//! one NetCDF-4 file, for the lesson that compares NetCDF with Zarr.
//!
//! With the `remote` feature, every function that opens a store also takes an
//! `s3://bucket/prefix` or `http(s)://` URL (object_store's clients through zarrs' storage
//! traits; endpoint and credentials from the AWS environment variables or [`RemoteOptions`]),
//! and [`to_zarr`] writes to `s3://`. Without it, a URL gives [`StoreError::RemoteDisabled`].
//!
//! ```
//! use cumulus_store::{ArraySpec, Compressor, DType, StoreWriter, WriteMode, ZarrFormat};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("demo.zarr");
//! let mut w = StoreWriter::create(&path, ZarrFormat::V2, WriteMode::Create)?;
//! w.add_array(
//!     ArraySpec::new("x", DType::F32, &[("time", 4), ("latitude", 3)])
//!         .with_chunks(&[2, 3])
//!         .with_compressor(Compressor::blosc_zstd(3))
//!         .with_attr("units", "K"),
//! )?;
//! w.write_chunk("x", &[0, 0], &[1.0_f32, 2., 3., 4., 5., 6.])?;
//! w.write_chunk("x", &[1, 0], &[7.0_f32, 8., 9., 10., 11., 12.])?;
//! let path = w.finish()?;
//! assert!(path.join(".zmetadata").exists());
//! assert!(path.join("x/1.0").exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod codec;
mod consolidate;
mod encode;
mod error;
mod lab;
#[cfg(feature = "netcdf")]
pub mod netcdf;
mod open;
pub mod read;
#[cfg(feature = "remote")]
mod remote;
mod spec;
mod storage;
mod to_zarr;
mod update;
mod usage;
mod writer;

pub use codec::{Compressor, Shuffle};
pub use encode::CfEncoding;
pub use error::StoreError;
pub use lab::{CodecRun, CompressionLab, compression_lab, workshop_codecs};
#[cfg(feature = "netcdf")]
pub use netcdf::{NcElement, NetcdfArray, NetcdfWriter, ToNetcdfOptions, netcdf_deflate, open_netcdf, to_netcdf};
pub use open::{
    ChunkSpec, OpenOptions, glob, is_store, open_mfdataset, open_mfdataset_with, open_zarr, open_zarr_in,
    open_zarr_with, stored_arrays,
};
pub use read::{ArrayMeta, StoreMeta, StoredArray, read_store_meta, read_store_meta_in};
#[cfg(feature = "remote")]
pub use remote::upload_store;
pub use spec::{ArraySpec, DType, StoreElement, ZarrFormat};
pub use storage::{RemoteOptions, StoreHandle, url_scheme};
pub use to_zarr::{ToZarrOptions, VarEncoding, pad_chunk, to_zarr};
pub use usage::disk_usage;
pub use writer::{StoreWriter, WriteMode, partial_path};
