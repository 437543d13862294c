//! Writing the stores: one per year, chunks generated and written in parallel, metadata last.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cumulus_store::{ArraySpec, DType, StoreElement, StoreWriter, WriteMode, disk_usage};
use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::config::GenConfig;
use crate::error::GenError;
use crate::grid::{Grid, Hour, LEVELS, TIME_CALENDAR, TIME_UNITS, time_axis};
use crate::model::{Block, Model};
use crate::variables::Variable;

/// What was written for one year.
#[derive(Clone, Debug, Serialize)]
pub struct StoreReport {
    /// The year.
    pub year: i32,
    /// The store path.
    pub path: PathBuf,
    /// Number of hourly time steps.
    pub n_time: usize,
    /// First time step, ISO 8601.
    pub start: String,
    /// Last time step, ISO 8601.
    pub end: String,
    /// Bytes of the data variables in memory (float32).
    pub uncompressed_bytes: u64,
    /// Bytes of the whole store on disk.
    pub on_disk_bytes: u64,
    /// `uncompressed_bytes / on_disk_bytes`.
    pub compression_ratio: f64,
    /// Wall-clock seconds spent on this store (and its NetCDF file, if any).
    pub seconds: f64,
    /// The NetCDF-4 file written beside the store (`--netcdf`).
    pub netcdf: Option<PathBuf>,
    /// Bytes of the NetCDF-4 file on disk.
    pub netcdf_bytes: Option<u64>,
}

/// What a whole run wrote.
#[derive(Clone, Debug, Serialize)]
pub struct GenReport {
    /// One entry per year.
    pub stores: Vec<StoreReport>,
    /// Wall-clock seconds for the whole run.
    pub total_seconds: f64,
    /// Worker threads used.
    pub threads: usize,
}

impl GenReport {
    /// Total uncompressed bytes of all stores.
    #[must_use]
    pub fn uncompressed_bytes(&self) -> u64 {
        self.stores.iter().map(|s| s.uncompressed_bytes).sum()
    }
}

impl fmt::Display for GenReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<44} {:>6} {:>12} {:>12} {:>6} {:>8}",
            "store", "time", "uncompressed", "on disk", "ratio", "seconds"
        )?;
        for s in &self.stores {
            let name = s.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            writeln!(
                f,
                "{name:<44} {:>6} {:>12} {:>12} {:>6.3} {:>8.2}",
                s.n_time,
                human_bytes(s.uncompressed_bytes),
                human_bytes(s.on_disk_bytes),
                s.compression_ratio,
                s.seconds
            )?;
            if let (Some(path), Some(bytes)) = (&s.netcdf, s.netcdf_bytes) {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                writeln!(
                    f,
                    "{name:<44} {:>6} {:>12} {:>12} {:>6.3}",
                    s.n_time,
                    human_bytes(s.uncompressed_bytes),
                    human_bytes(bytes),
                    s.uncompressed_bytes as f64 / bytes.max(1) as f64
                )?;
            }
        }
        let secs = self.total_seconds.max(1e-9);
        write!(
            f,
            "total {} in {:.2} s on {} threads ({}/s)",
            human_bytes(self.uncompressed_bytes()),
            self.total_seconds,
            self.threads,
            human_bytes((self.uncompressed_bytes() as f64 / secs) as u64)
        )
    }
}

/// Bytes with a decimal unit (`1.49 GB`).
#[must_use]
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    match n {
        n if n >= 1e9 => format!("{:.2} GB", n / 1e9),
        n if n >= 1e6 => format!("{:.2} MB", n / 1e6),
        n if n >= 1e3 => format!("{:.1} kB", n / 1e3),
        n => format!("{n} B"),
    }
}

/// Checks the configuration and the output folder, without writing anything but a probe file
/// in the folder (removed again).
///
/// # Errors
/// A [`GenError`] naming the bad setting, the existing stores, or the unwritable folder.
pub fn preflight(cfg: &GenConfig) -> Result<(), GenError> {
    cfg.validate()?;
    let existing: Vec<PathBuf> = cfg
        .years
        .iter()
        .flat_map(|&y| {
            let nc = cfg.netcdf.then(|| cfg.netcdf_path(y));
            std::iter::once(cfg.store_path(y)).chain(nc)
        })
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() && !cfg.overwrite {
        return Err(GenError::StoresExist { paths: existing });
    }
    let unwritable = |source| GenError::Unwritable { dir: cfg.out.clone(), source };
    if cfg.out.exists() && !cfg.out.is_dir() {
        return Err(unwritable(std::io::Error::other("it is a file, not a folder")));
    }
    let created = !cfg.out.exists();
    std::fs::create_dir_all(&cfg.out).map_err(unwritable)?;
    let probe = cfg.out.join(format!(".era5-gen-probe-{}", std::process::id()));
    let result = std::fs::write(&probe, b"probe").and_then(|()| std::fs::remove_file(&probe));
    if let Err(e) = result {
        if created {
            let _ = std::fs::remove_dir(&cfg.out);
        }
        return Err(unwritable(e));
    }
    Ok(())
}

/// Uncompressed bytes the run will produce (for progress bars).
#[must_use]
pub fn planned_bytes(cfg: &GenConfig) -> u64 {
    let Ok(grid) = Grid::new(cfg.step) else { return 0 };
    let plane = (grid.latitude.len() * grid.longitude.len()) as u64;
    let per_hour: u64 =
        cfg.variables.iter().map(|v| if v.info().has_level { LEVELS.len() as u64 } else { 1 } * plane * 4).sum();
    cfg.years.iter().filter_map(|&y| time_axis(y, cfg.first, cfg.last).ok()).map(|t| t.len() as u64 * per_hour).sum()
}

/// Generates every store of `cfg`, reporting bytes done to `bar`.
///
/// # Errors
/// A [`GenError`]: bad input is reported before anything is written; a failure while writing
/// removes the unfinished store.
pub fn generate(cfg: &GenConfig, bar: &ProgressBar) -> Result<GenReport, GenError> {
    preflight(cfg)?;
    let threads = cfg.threads.unwrap_or_else(rayon::current_num_threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| GenError::Threads { threads, message: e.to_string() })?;
    let started = Instant::now();
    let grid = Grid::new(cfg.step)?;
    let model = Model::new(cfg.seed);
    let mut stores = Vec::with_capacity(cfg.years.len());
    for &year in &cfg.years {
        bar.set_message(format!("{year}"));
        let t0 = Instant::now();
        let hours = time_axis(year, cfg.first, cfg.last)?;
        let path = cfg.store_path(year);
        let mode = if cfg.overwrite { WriteMode::Overwrite } else { WriteMode::Create };
        let mut sinks = Sinks::create(cfg, &path, year, mode)?;
        let written = declare_store(cfg, &mut sinks, year, &grid, &hours)
            .and_then(|()| pool.install(|| write_data(cfg, &sinks, &model, &grid, &hours, bar)));
        let (path, netcdf) = match written {
            Ok(()) => sinks.finish()?,
            Err(e) => {
                sinks.abort();
                return Err(e);
            }
        };
        let uncompressed = data_bytes(cfg, &grid, hours.len());
        let on_disk = disk_usage(&path)?;
        stores.push(StoreReport {
            year,
            path,
            n_time: hours.len(),
            start: iso(hours.first()),
            end: iso(hours.last()),
            uncompressed_bytes: uncompressed,
            on_disk_bytes: on_disk,
            compression_ratio: round3(uncompressed as f64 / on_disk.max(1) as f64),
            seconds: round3(t0.elapsed().as_secs_f64()),
            netcdf_bytes: match &netcdf {
                Some(p) => Some(disk_usage(p)?),
                None => None,
            },
            netcdf,
        });
    }
    let report = GenReport { stores, total_seconds: round3(started.elapsed().as_secs_f64()), threads };
    write_manifest(cfg, &report)?;
    Ok(report)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn iso(h: Option<&Hour>) -> String {
    let Some(h) = h else { return String::new() };
    let epoch =
        chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default();
    (epoch + chrono::Duration::hours(h.since_1900)).format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn data_bytes(cfg: &GenConfig, grid: &Grid, n_time: usize) -> u64 {
    let plane = (grid.latitude.len() * grid.longitude.len() * n_time) as u64 * 4;
    cfg.variables.iter().map(|v| if v.info().has_level { LEVELS.len() as u64 } else { 1 } * plane).sum()
}

fn attrs(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// Creates the store with its coordinates and the metadata of every data variable.
fn declare_store(cfg: &GenConfig, w: &mut Sinks, year: i32, grid: &Grid, hours: &[Hour]) -> Result<(), GenError> {
    let (nt, ny, nx) = (hours.len() as u64, grid.latitude.len() as u64, grid.longitude.len() as u64);
    let nl = LEVELS.len() as u64;
    w.set_attrs(attrs(&[
        ("title", json!("Synthetic ERA5-like data for the cumulus class (deterministic, seeded)")),
        ("source", json!(format!("cumulus-data-gen {}", env!("CARGO_PKG_VERSION")))),
        ("Conventions", json!("CF-1.8")),
        ("institution", json!("cumulus")),
        ("year", json!(year)),
        ("preset", json!(cfg.preset.to_string())),
        ("seed", json!(cfg.seed)),
        ("grid_step_degrees", json!(cfg.step)),
    ]))?;
    let coord = |spec: ArraySpec| spec.with_compressor(cfg.compressor);
    let mut time = coord(ArraySpec::new("time", DType::I64, &[("time", nt)]));
    time.attrs = attrs(&[
        ("units", json!(TIME_UNITS)),
        ("calendar", json!(TIME_CALENDAR)),
        ("standard_name", json!("time")),
        ("long_name", json!("time")),
        ("axis", json!("T")),
    ]);
    let mut level = coord(ArraySpec::new("level", DType::I32, &[("level", nl)]));
    level.attrs = attrs(&[
        ("units", json!("hPa")),
        ("long_name", json!("pressure_level")),
        ("standard_name", json!("air_pressure")),
        ("positive", json!("down")),
        ("axis", json!("Z")),
    ]);
    let mut lat = coord(ArraySpec::new("latitude", DType::F32, &[("latitude", ny)]));
    lat.attrs = attrs(&[
        ("units", json!("degrees_north")),
        ("long_name", json!("latitude")),
        ("standard_name", json!("latitude")),
        ("axis", json!("Y")),
    ]);
    let mut lon = coord(ArraySpec::new("longitude", DType::F32, &[("longitude", nx)]));
    lon.attrs = attrs(&[
        ("units", json!("degrees_east")),
        ("long_name", json!("longitude")),
        ("standard_name", json!("longitude")),
        ("axis", json!("X")),
    ]);
    for spec in [time, level, lat, lon] {
        w.add_array(spec)?;
    }
    w.write_array("time", &hours.iter().map(|h| h.since_1900).collect::<Vec<i64>>())?;
    w.write_array("level", &LEVELS)?;
    w.write_array("latitude", &grid.latitude)?;
    w.write_array("longitude", &grid.longitude)?;

    let c = cfg.chunks;
    for &v in &cfg.variables {
        let info = v.info();
        let spec = if info.has_level {
            ArraySpec::new(info.name, DType::F32, &[("time", nt), ("level", nl), ("latitude", ny), ("longitude", nx)])
                .with_chunks(&[c.time.min(nt), c.level.min(nl), c.latitude.min(ny), c.longitude.min(nx)])
        } else {
            ArraySpec::new(info.name, DType::F32, &[("time", nt), ("latitude", ny), ("longitude", nx)]).with_chunks(&[
                c.time.min(nt),
                c.latitude.min(ny),
                c.longitude.min(nx),
            ])
        };
        let mut spec = spec
            .with_compressor(cfg.compressor)
            .with_attr("units", info.units)
            .with_attr("long_name", info.long_name)
            .with_attr("short_name", info.short_name);
        if let Some(sn) = info.standard_name {
            spec = spec.with_attr("standard_name", sn);
        }
        w.add_array(spec)?;
    }
    Ok(())
}

/// Generates and writes every data chunk of one store, in parallel.
fn write_data(
    cfg: &GenConfig,
    w: &Sinks,
    model: &Model,
    grid: &Grid,
    hours: &[Hour],
    bar: &ProgressBar,
) -> Result<(), GenError> {
    let (nt, ny, nx) = (hours.len(), grid.latitude.len(), grid.longitude.len());
    let chunks = cfg.chunks;
    let (ct, cy, cx) =
        ((chunks.time as usize).min(nt), (chunks.latitude as usize).min(ny), (chunks.longitude as usize).min(nx));
    let cl = (chunks.level as usize).min(LEVELS.len());
    let units: Vec<(usize, usize, usize)> = (0..nt.div_ceil(ct))
        .flat_map(|a| (0..ny.div_ceil(cy)).flat_map(move |b| (0..nx.div_ceil(cx)).map(move |c| (a, b, c))))
        .collect();
    units.into_par_iter().try_for_each(|(a, b, c)| {
        let span = |idx: usize, size: usize, n: usize| idx * size..((idx + 1) * size).min(n);
        let (ts, ys, xs) = (span(a, ct, nt), span(b, cy, ny), span(c, cx, nx));
        let block = Block {
            hours: &hours[ts.clone()],
            lats: &grid.latitude[ys.clone()],
            lons: &grid.longitude[xs.clone()],
            padded: [ct, cy, cx],
        };
        let mut bytes = 0u64;
        for (v, data) in model.generate(&block, &cfg.variables) {
            let (a, b, c) = (a as u64, b as u64, c as u64);
            if v.info().has_level {
                write_levels(w, v, [a, b, c], &data, [ct, cy, cx], cl)?;
                bytes += (ts.len() * LEVELS.len() * ys.len() * xs.len() * 4) as u64;
            } else {
                w.write_chunk(v.name(), &[a, b, c], &data)?;
                bytes += (ts.len() * ys.len() * xs.len() * 4) as u64;
            }
        }
        bar.inc(bytes);
        Ok(())
    })
}

/// Splits a `(time, 13 levels, lat, lon)` block into level chunks of `cl` and writes them.
fn write_levels(
    w: &Sinks,
    v: Variable,
    [a, b, c]: [u64; 3],
    data: &[f32],
    [ct, cy, cx]: [usize; 3],
    cl: usize,
) -> Result<(), GenError> {
    let nl = LEVELS.len();
    if cl == nl {
        w.write_chunk(v.name(), &[a, 0, b, c], data)?;
        return Ok(());
    }
    let plane = cy * cx;
    for lk in 0..nl.div_ceil(cl) {
        let mut chunk = vec![f32::NAN; ct * cl * plane];
        for t in 0..ct {
            for k in lk * cl..((lk + 1) * cl).min(nl) {
                let src = &data[(t * nl + k) * plane..][..plane];
                chunk[(t * cl + k - lk * cl) * plane..][..plane].copy_from_slice(src);
            }
        }
        w.write_chunk(v.name(), &[a, lk as u64, b, c], &chunk)?;
    }
    Ok(())
}

fn write_manifest(cfg: &GenConfig, report: &GenReport) -> Result<(), GenError> {
    let path = cfg.out.join("manifest.json");
    let manifest = json!({
        "generator": format!("cumulus-data-gen {}", env!("CARGO_PKG_VERSION")),
        "config": {
            "preset": cfg.preset.to_string(),
            "years": cfg.years,
            "first": cfg.first.to_string(),
            "last": cfg.last.to_string(),
            "step": cfg.step,
            "variables": cfg.variables.iter().map(|v| v.name()).collect::<Vec<_>>(),
            "chunks": {"time": cfg.chunks.time, "level": cfg.chunks.level,
                       "latitude": cfg.chunks.latitude, "longitude": cfg.chunks.longitude},
            "compressor": cfg.compressor.to_string(),
            "zarr_format": match cfg.format { cumulus_store::ZarrFormat::V2 => 2, cumulus_store::ZarrFormat::V3 => 3 },
            "seed": cfg.seed,
        },
        "report": report,
    });
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    std::fs::write(&path, text + "\n").map_err(|source| GenError::Manifest { path, source })
}

/// Element types written to every sink: the Zarr store's, and libnetcdf's with `--netcdf`.
#[cfg(feature = "netcdf")]
trait Elem: StoreElement + cumulus_store::NcElement {}
#[cfg(feature = "netcdf")]
impl<T: StoreElement + cumulus_store::NcElement> Elem for T {}
#[cfg(not(feature = "netcdf"))]
trait Elem: StoreElement {}
#[cfg(not(feature = "netcdf"))]
impl<T: StoreElement> Elem for T {}

/// Where one year goes: the Zarr store, and with `--netcdf` the NetCDF-4 file beside it. Every
/// call is made on both, so the two hold the same bytes.
struct Sinks {
    zarr: StoreWriter,
    #[cfg(feature = "netcdf")]
    netcdf: Option<cumulus_store::NetcdfWriter>,
}

impl Sinks {
    #[cfg_attr(not(feature = "netcdf"), allow(unused_variables))]
    fn create(cfg: &GenConfig, path: &Path, year: i32, mode: WriteMode) -> Result<Self, GenError> {
        let zarr = StoreWriter::create(path, cfg.format, mode)?;
        #[cfg(feature = "netcdf")]
        let netcdf = if cfg.netcdf {
            match cumulus_store::NetcdfWriter::create(&cfg.netcdf_path(year), mode) {
                Ok(w) => Some(w),
                Err(e) => {
                    let _ = zarr.abort();
                    return Err(e.into());
                }
            }
        } else {
            None
        };
        Ok(Sinks {
            zarr,
            #[cfg(feature = "netcdf")]
            netcdf,
        })
    }

    fn set_attrs(&mut self, attrs: Map<String, Value>) -> Result<(), GenError> {
        #[cfg(feature = "netcdf")]
        if let Some(nc) = &mut self.netcdf {
            nc.set_attrs(&attrs)?;
        }
        self.zarr.set_attrs(attrs);
        Ok(())
    }

    fn add_array(&mut self, spec: ArraySpec) -> Result<(), GenError> {
        #[cfg(feature = "netcdf")]
        if let Some(nc) = &mut self.netcdf {
            nc.add_array(spec.clone())?;
        }
        Ok(self.zarr.add_array(spec)?)
    }

    fn write_array<T: Elem>(&self, name: &str, data: &[T]) -> Result<(), GenError> {
        #[cfg(feature = "netcdf")]
        if let Some(nc) = &self.netcdf {
            nc.write_array(name, data)?;
        }
        Ok(self.zarr.write_array(name, data)?)
    }

    fn write_chunk(&self, name: &str, chunk: &[u64], data: &[f32]) -> Result<(), GenError> {
        self.zarr.write_chunk(name, chunk, data)?;
        #[cfg(feature = "netcdf")]
        if let Some(nc) = &self.netcdf {
            nc.write_chunk(name, chunk, data)?;
        }
        Ok(())
    }

    /// Finishes both; returns the store's path and the NetCDF file's.
    fn finish(self) -> Result<(PathBuf, Option<PathBuf>), GenError> {
        #[cfg(feature = "netcdf")]
        let netcdf = match self.netcdf {
            Some(nc) => match nc.finish() {
                Ok(p) => Some(p),
                Err(e) => {
                    let _ = self.zarr.abort();
                    return Err(e.into());
                }
            },
            None => None,
        };
        #[cfg(not(feature = "netcdf"))]
        let netcdf = None;
        Ok((self.zarr.finish()?, netcdf))
    }

    /// Removes whatever was written.
    fn abort(self) {
        #[cfg(feature = "netcdf")]
        if let Some(nc) = self.netcdf {
            let _ = nc.abort();
        }
        let _ = self.zarr.abort();
    }
}
