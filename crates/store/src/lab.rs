//! The compression lab of the workshop's Part 2: the same variable written with several
//! compressors, and for each the bytes on disk, the compression ratio, the time to write and
//! the time to read it back.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cumulus_labeled::Dataset;

use crate::codec::Compressor;
use crate::error::StoreError;
use crate::open::open_zarr;
use crate::to_zarr::{ToZarrOptions, to_zarr};
use crate::usage::disk_usage;
use crate::writer::WriteMode;

/// The compressors the workshop's table compares, all with bit shuffle: Blosc zstd level 3
/// (the class's), Blosc lz4 level 5, Blosc zlib level 5 (its "Blosc-GZIP"), and none; plus
/// plain gzip level 5 (numcodecs' GZip, no shuffle), which NetCDF users know.
#[must_use]
pub fn workshop_codecs() -> Vec<Compressor> {
    vec![
        Compressor::blosc_zstd(3),
        Compressor::blosc_lz4(5),
        Compressor::blosc_zlib(5),
        Compressor::Gzip { level: 5 },
        Compressor::None,
    ]
}

/// One row of the lab's table.
#[derive(Clone, Debug, PartialEq)]
pub struct CodecRun {
    /// The compressor.
    pub codec: Compressor,
    /// Bytes of the variable in memory.
    pub uncompressed_bytes: u64,
    /// Bytes of its folder on disk.
    pub on_disk_bytes: u64,
    /// `uncompressed_bytes / on_disk_bytes`.
    pub ratio: f64,
    /// Seconds to encode and write it (from memory).
    pub write_s: f64,
    /// Seconds to read and decode all of it back.
    pub read_s: f64,
}

/// The lab's results, one row per compressor, printable as a Markdown table.
#[derive(Clone, Debug, PartialEq)]
pub struct CompressionLab {
    /// The variable measured.
    pub variable: String,
    /// One row per compressor, in the order given.
    pub runs: Vec<CodecRun>,
}

impl fmt::Display for CompressionLab {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "| codec | on disk MB | ratio | write s | read s |")?;
        writeln!(f, "|---|---:|---:|---:|---:|")?;
        for r in &self.runs {
            writeln!(
                f,
                "| {} | {:.2} | {:.2} | {:.3} | {:.3} |",
                r.codec,
                r.on_disk_bytes as f64 / 1e6,
                r.ratio,
                r.write_s,
                r.read_s
            )?;
        }
        Ok(())
    }
}

/// Writes `variable` of `ds` once per compressor into `dir/<codec>.zarr` (format 2, replacing
/// an older run) and measures each. The variable is computed into memory first, so the write
/// time is encoding and writing only; the read time is opening the store and decoding every
/// chunk. Both use all threads.
///
/// ```
/// use cumulus_chunked::ChunkedArray;
/// use cumulus_labeled::{Dataset, Variable};
/// use cumulus_store::{Compressor, compression_lab};
/// let x = ChunkedArray::linspace(0.0, 1.0, 4000, 1000).astype(cumulus_chunked::DType::F32);
/// let ds = Dataset::new().with_var("x", Variable::new(&["i"], x)?)?;
/// let dir = tempfile::tempdir()?;
/// let lab = compression_lab(&ds, "x", dir.path(), &[Compressor::blosc_zstd(3), Compressor::None])?;
/// assert_eq!(lab.runs.len(), 2);
/// assert!(lab.runs[0].ratio > lab.runs[1].ratio, "a smooth ramp compresses");
/// println!("{lab}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// An unknown variable; a failing write or read (named by store).
pub fn compression_lab(
    ds: &Dataset,
    variable: &str,
    dir: &Path,
    codecs: &[Compressor],
) -> Result<CompressionLab, StoreError> {
    let labeled = |source| StoreError::Labeled { store: dir.to_path_buf(), source };
    let one = ds.select_vars(&[variable]).map_err(labeled)?.compute().map_err(labeled)?;
    let uncompressed = one.get(variable).map_err(labeled)?.data().nbytes() as u64;
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create folder", dir, e))?;
    let mut runs = Vec::with_capacity(codecs.len());
    for &codec in codecs {
        let path: PathBuf = dir.join(format!("{codec}.zarr"));
        let opts = ToZarrOptions { mode: WriteMode::Overwrite, compressor: codec, ..ToZarrOptions::default() };
        let started = Instant::now();
        to_zarr(&one, &path, &opts)?;
        let write_s = started.elapsed().as_secs_f64();
        let on_disk = disk_usage(&path.join(variable))?;
        let started = Instant::now();
        let back = open_zarr(&path)?.get(variable).map_err(labeled)?;
        back.data().compute()?;
        let read_s = started.elapsed().as_secs_f64();
        runs.push(CodecRun {
            codec,
            uncompressed_bytes: uncompressed,
            on_disk_bytes: on_disk,
            ratio: uncompressed as f64 / on_disk.max(1) as f64,
            write_s,
            read_s,
        });
    }
    Ok(CompressionLab { variable: variable.to_owned(), runs })
}
