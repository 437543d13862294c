//! The `cumulus` command: generate the class data, run the workshop demo.

mod info;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use cumulus::data_gen::{GenArgs, GenConfig, Preset, Variable, human_bytes, store_name};
use cumulus::store::disk_usage;

// Chunks are large, short-lived buffers: mimalloc reuses them instead of returning them to the
// kernel and faulting fresh pages in for every chunk (version 2: see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cumulus", version, about = "Chunked, out-of-core weather data in Rust: the cumulus teaching kit")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate synthetic ERA5-like Zarr stores (the same as `era5-gen`).
    Gen(Box<GenArgs>),
    /// Run the peer's workloads (W1–W10) on cumulus, each repetition in a fresh process (in
    /// this process with --dashboard, so that the dashboard sees them).
    Bench(Box<BenchCmd>),
    /// Describe a Zarr store, a folder of stores, an s3:// or http(s):// store (remote
    /// feature) or a .nc file (netcdf feature): format, every array with its dims, dtype,
    /// shape, chunks, codec and size on disk, then the dataset as xarray shows it.
    Info {
        /// The store, folder of *.zarr stores, URL or NetCDF file.
        path: PathBuf,
        /// Also compute min, mean, max and the NaN count of every data variable (reads all data).
        #[arg(long)]
        stats: bool,
        /// Print everything as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Copy a store (or a .nc file with the netcdf feature) into a new Zarr store, with
    /// another format, compressor or chunks, or (DST ending in .nc, netcdf feature) into a
    /// NetCDF-4 file; streams chunk by chunk.
    Convert {
        /// The store or file to read.
        src: PathBuf,
        /// The Zarr store to write, or a NetCDF-4 file (.nc).
        dst: PathBuf,
        /// Zarr format of the new store: 2 or 3.
        #[arg(long, default_value_t = 2)]
        zarr_format: u8,
        /// Compressor: zstd, lz4, lz4hc, blosc-zlib, gzip, none (NetCDF: gzip keeps its level, Blosc becomes deflate 1 with shuffle).
        #[arg(long, default_value = "zstd")]
        compressor: String,
        /// Compression level (0–9).
        #[arg(long)]
        clevel: Option<u8>,
        /// New chunks for some dimensions, e.g. time=96,latitude=25 (others keep theirs).
        #[arg(long)]
        chunks: Option<String>,
        /// Replace DST if it exists.
        #[arg(long)]
        overwrite: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run the workshop pipeline on the demo data, generating it into DATA first if missing.
    Demo {
        /// Folder with (or for) the demo stores.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Preset to generate when the data are missing (demo, or tiny for a quick look).
        #[arg(long, default_value = "demo")]
        preset: String,
        /// No progress bars.
        #[arg(long, short)]
        quiet: bool,
        /// Which parts of the workshop to run after Part 0 (the data): 1 (chunked
        /// computation) and 3 (the ML pipeline); Part 2 is the part2 example.
        #[arg(long, value_delimiter = ',', default_value = "1,3", value_parser = ["1", "3"])]
        parts: Vec<String>,
        #[command(flatten)]
        dashboard: DashboardArgs,
        /// Write a performance report of the demo's computes to FILE: one self-contained HTML
        /// page (task stream, durations by task kind, memory, task graph), as dask's
        /// `performance_report` does.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
}

/// `cumulus bench` with its dashboard options.
#[derive(clap::Args)]
struct BenchCmd {
    #[command(flatten)]
    args: cumulus::bench::BenchArgs,
    #[command(flatten)]
    dashboard: DashboardArgs,
}

/// The live dashboard while a command computes.
#[derive(clap::Args, Clone, Debug)]
struct DashboardArgs {
    /// Serve the live dashboard (task stream, progress, memory, threads, task graph) while
    /// the work runs, on ADDR (default 127.0.0.1:8787; port 0 picks a free port).
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = cumulus::dashboard::DEFAULT_ADDR)]
    dashboard: Option<String>,
    /// Keep the dashboard up this many seconds after the work ends, to look at it.
    #[arg(long, value_name = "SECS", default_value_t = 0.0, requires = "dashboard")]
    dashboard_linger: f64,
}

impl DashboardArgs {
    /// Start the dashboard if asked, printing its address.
    fn start(&self) -> anyhow::Result<Option<cumulus::dashboard::Dashboard>> {
        let Some(addr) = &self.dashboard else { return Ok(None) };
        anyhow::ensure!(
            self.dashboard_linger.is_finite() && self.dashboard_linger >= 0.0,
            "--dashboard-linger {}: expected a number of seconds, 0 or more",
            self.dashboard_linger
        );
        let dash = cumulus::dashboard::Dashboard::start(addr)?;
        println!("dashboard: {}", dash.url());
        Ok(Some(dash))
    }

    /// Keep `dash` up for --dashboard-linger seconds, then stop it.
    fn linger(&self, dash: Option<cumulus::dashboard::Dashboard>) {
        let Some(dash) = dash else { return };
        if self.dashboard_linger > 0.0 {
            println!("dashboard: still up at {} for {} s (Ctrl-C to stop)", dash.url(), self.dashboard_linger);
            std::thread::sleep(std::time::Duration::from_secs_f64(self.dashboard_linger));
        }
        dash.stop();
    }
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Gen(args) => {
            let report = args.run()?;
            println!("{report}");
        }
        Command::Demo { data, preset, quiet, parts, dashboard, report } => {
            let (part1, part3) = (parts.iter().any(|p| p == "1"), parts.iter().any(|p| p == "3"));
            let run = || demo(&data, &preset, quiet, part1, part3);
            let dash = dashboard.start()?;
            match &report {
                // Computes made with default options are heard through the process-wide
                // telemetry, hence `performance_report_all`.
                Some(path) => {
                    let (done, r) = cumulus::dashboard::performance_report_all(path, |_| run())?;
                    println!(
                        "performance report: {} ({} computes, {} tasks, {:.3} s)",
                        path.display(),
                        r.computes.len(),
                        r.tasks,
                        r.wall_time.as_secs_f64()
                    );
                    done?;
                }
                None => run()?,
            }
            dashboard.linger(dash);
        }
        Command::Info { path, stats, json } => info::info(&path, stats, json)?,
        Command::Convert { src, dst, zarr_format, compressor, clevel, chunks, overwrite, quiet } => {
            convert(&src, &dst, zarr_format, &compressor, clevel, chunks.as_deref(), overwrite, quiet)?;
        }
        Command::Bench(cmd) => {
            let BenchCmd { mut args, dashboard } = *cmd;
            let dash = if args.child.is_none() { dashboard.start()? } else { None };
            args.in_process = dash.is_some();
            let r = cumulus::bench::run(&args)?;
            if args.child.is_none() {
                print_bench(&r);
            }
            dashboard.linger(dash);
        }
    }
    Ok(())
}

fn demo(data: &Path, preset: &str, quiet: bool, with_part1: bool, with_part3: bool) -> anyhow::Result<()> {
    let preset: Preset = preset.parse()?;
    let cfg = GenConfig::preset(preset, data);
    println!("== Part 0: the data ==");
    let missing: Vec<i32> = cfg.years.iter().copied().filter(|&y| !cfg.store_path(y).exists()).collect();
    if missing.is_empty() {
        println!("using the {preset} stores already in {}", data.display());
    } else {
        println!("generating the {preset} data into {} (years {missing:?}) ...", data.display());
        let args = GenArgs { years: Some(missing), quiet, ..GenArgs::for_preset(preset, data) };
        let report = args.run().context("generating the demo data")?;
        println!("{report}");
    }
    if with_part1 {
        println!();
        println!("== Part 1: what a Zarr store is made of ==");
        for &year in &cfg.years {
            describe_store(&data.join(store_name(year)))?;
        }
        println!();
        part1(data, &cfg, quiet)?;
    }
    if with_part3 {
        println!();
        part3(data, quiet)?;
    }
    Ok(())
}

/// Part 3 of the workshop: classify convection, train a CNN, put its predictions back on the
/// map and verify them ([`cumulus::ml::run_part3`], as the convection example does, on the demo
/// stores with fewer hours and epochs so that it takes under a minute in a release build). The
/// figures go next to Part 1's, into DATA.
#[cfg(feature = "ml")]
fn part3(data: &Path, quiet: bool) -> anyhow::Result<()> {
    use cumulus::ml::{Part3Options, run_part3};
    println!("== Part 3: machine learning (convection) ==");
    let t0 = std::time::Instant::now();
    // Train on 2019-2020, validate on 2021 (the default split); one hour in PART3_TIME_STRIDE.
    let opts = Part3Options {
        time_stride: PART3_TIME_STRIDE,
        epochs: PART3_EPOCHS,
        progress: !quiet,
        ..Part3Options::new(data, data)
    };
    let r = run_part3(&opts, &mut std::io::stdout().lock()).context("Part 3 (the convection models)")?;
    for f in &r.figures {
        println!("figure: {}", f.display());
    }
    println!(
        "Part 3 in {:.1} s; logistic regression and CNN {} climatology (CSI, ETS and AUC)",
        t0.elapsed().as_secs_f64(),
        if r.beats_climatology() { "beat" } else { "do not both beat" }
    );
    Ok(())
}

/// Part 3 of the demo keeps one hour in this many.
#[cfg(feature = "ml")]
const PART3_TIME_STRIDE: usize = 6;

/// Epochs of the CNN in the demo.
#[cfg(feature = "ml")]
const PART3_EPOCHS: usize = 2;

/// Without the `ml` feature: how to get Part 3.
#[cfg(not(feature = "ml"))]
fn part3(_data: &Path, _quiet: bool) -> anyhow::Result<()> {
    println!(
        "Part 3 (the convection models) needs the ml feature: cargo run --release -p cumulus --features ml -- demo"
    );
    Ok(())
}

/// Part 1 of the workshop: open the stores lazily, select, reduce, compute with progress.
fn part1(data: &Path, cfg: &GenConfig, quiet: bool) -> anyhow::Result<()> {
    use cumulus::prelude::*;
    println!("== Part 1: lazy arrays ==");
    let paths: Vec<PathBuf> = cfg.years.iter().map(|&y| data.join(store_name(y))).collect();
    let ds = open_mfdataset(&paths).context("opening the stores")?;
    println!("{ds}");
    let t = ds.get("temperature")?;
    let first = t.index("time")?.numeric(0).unwrap_or(0.0) as i64;
    let month = cumulus::labeled::time::format_ns(first)[..7].to_string();
    let t850 = t.sel([("time", Selector::from(month.as_str())), ("level", 850.into())])?.mean("time")?;
    let graph = t850.data().graph(&ComputeOptions::default())?;
    println!(
        "temperature.sel(time={month:?}, level=850).mean(\"time\"): {}, {} tasks to compute, nothing read yet",
        t850.data(),
        graph.len()
    );
    let progress = ComputeProgress::visible("T850 mean", !quiet);
    let result = t850.compute_with(&ComputeOptions::default().subscriber(progress.clone()))?;
    progress.finish();
    let v = result.sel([("latitude", nearest(25.0)), ("longitude", nearest(121.0))])?.item()?;
    println!("T850 mean of {month} nearest 25N 121E: {v:.2} K");
    let figure = data.join("t850-mean.png");
    map(&result).title(format!("Temperature at 850 hPa, mean of {month}")).save(&figure)?;
    println!("map of the mean: {}", figure.display());
    Ok(())
}

/// One line per variable: number of chunk files and bytes on disk.
fn describe_store(path: &Path) -> anyhow::Result<()> {
    let total = disk_usage(path)?;
    println!("{}  {}", path.display(), human_bytes(total));
    for v in Variable::ALL {
        let dir = path.join(v.name());
        if !dir.exists() {
            continue;
        }
        let files = std::fs::read_dir(&dir)
            .with_context(|| format!("listing {}", dir.display()))?
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.') && e.file_name() != "zarr.json")
            .count();
        println!("  {:<40} {:>6} chunk files {:>12}", v.name(), files, human_bytes(disk_usage(&dir)?));
    }
    Ok(())
}

/// How to get NetCDF support, for the errors of a build without it.
#[cfg(not(feature = "netcdf"))]
const NETCDF_FEATURE: &str =
    "NetCDF support, which this cumulus was built without (rebuild with --features netcdf after installing libnetcdf)";

/// Whether a path names a NetCDF file (`.nc`, `.nc4`).
fn is_netcdf(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "nc" || e == "nc4")
}

/// Opens a store, or a NetCDF file when the build has the netcdf feature.
fn open_any(path: &Path, opts: &cumulus::store::OpenOptions) -> anyhow::Result<cumulus::labeled::Dataset> {
    if is_netcdf(path) {
        #[cfg(feature = "netcdf")]
        return Ok(cumulus::store::open_netcdf(path)?);
        #[cfg(not(feature = "netcdf"))]
        anyhow::bail!("{} is a NetCDF file: reading it needs {NETCDF_FEATURE}", path.display());
    }
    Ok(cumulus::store::open_zarr_with(path, opts)?)
}

/// `cumulus convert`: open, optionally rechunk, and stream into a new Zarr store.
#[allow(clippy::too_many_arguments)]
fn convert(
    src: &Path,
    dst: &Path,
    zarr_format: u8,
    compressor: &str,
    clevel: Option<u8>,
    chunks: Option<&str>,
    overwrite: bool,
    quiet: bool,
) -> anyhow::Result<()> {
    use cumulus::store::{Compressor, OpenOptions, ToZarrOptions, WriteMode, ZarrFormat, to_zarr};
    let format = match zarr_format {
        2 => ZarrFormat::V2,
        3 => ZarrFormat::V3,
        other => anyhow::bail!("--zarr-format {other}: expected 2 or 3"),
    };
    let mut codec: Compressor = compressor.parse().map_err(|e: String| anyhow::anyhow!("--compressor: {e}"))?;
    if let Some(level) = clevel {
        codec = codec.with_level(level);
    }
    codec.validate().map_err(|e| anyhow::anyhow!("--clevel: {e}"))?;
    let mut sizes: Vec<(String, usize)> = Vec::new();
    for part in chunks.unwrap_or("").split(',').filter(|p| !p.trim().is_empty()) {
        let (dim, n) = part
            .split_once('=')
            .with_context(|| format!("--chunks: {part:?} is not DIM=SIZE (e.g. time=96,latitude=25)"))?;
        let n: usize = n.trim().parse().with_context(|| format!("--chunks: {n:?} in {part:?} is not a size"))?;
        anyhow::ensure!(n > 0, "--chunks: {part:?}: a chunk size must be at least 1");
        sizes.push((dim.trim().to_owned(), n));
    }
    let ds = open_any(src, &OpenOptions::default())?;
    let ds = if sizes.is_empty() {
        ds
    } else {
        let sizes: Vec<(&str, usize)> = sizes.iter().map(|(d, n)| (d.as_str(), *n)).collect();
        ds.chunk(&sizes).with_context(|| format!("rechunking {}", src.display()))?
    };
    let progress = cumulus::dashboard::ComputeProgress::visible("convert", !quiet);
    let opts = ToZarrOptions {
        mode: if overwrite { WriteMode::Overwrite } else { WriteMode::Create },
        format,
        compressor: codec,
        compute: cumulus::chunked::ComputeOptions::default().subscriber(progress.clone()),
        ..ToZarrOptions::default()
    };
    if is_netcdf(dst) {
        #[cfg(feature = "netcdf")]
        {
            let nc = cumulus::store::ToNetcdfOptions {
                mode: opts.mode,
                compressor: codec,
                compute: opts.compute,
                ..Default::default()
            };
            let written = cumulus::store::to_netcdf(&ds, dst, &nc)?;
            progress.finish();
            let deflate = match cumulus::store::netcdf_deflate(codec) {
                Some((level, shuffle)) => {
                    format!("deflate level {level}{}", if shuffle { " with shuffle" } else { "" })
                }
                None => "no compression".into(),
            };
            println!(
                "wrote {} (NetCDF-4, {deflate}, {} on disk)",
                written.display(),
                human_bytes(disk_usage(&written)?)
            );
            return Ok(());
        }
        #[cfg(not(feature = "netcdf"))]
        anyhow::bail!("{}: writing NetCDF needs {NETCDF_FEATURE}", dst.display());
    }
    let written = to_zarr(&ds, dst, &opts)?;
    progress.finish();
    println!(
        "wrote {} (Zarr format {zarr_format}, {codec}, {} on disk)",
        written.display(),
        human_bytes(disk_usage(&written)?)
    );
    Ok(())
}

/// One line per workload: wall time, decode floor, peak RSS, tasks.
fn print_bench(r: &serde_json::Value) {
    println!("{:<6} {:>10} {:>10} {:>8} {:>10} {:>8}", "", "wall s", "floor s", "/floor", "peak MB", "tasks");
    if let Some(s) = r["summary"]["cumulus"].as_object() {
        for (name, e) in s {
            let wall = e["median_wall_s"].as_f64().unwrap_or(f64::NAN);
            let floor = e["decode_floor_s"].as_f64();
            println!(
                "{name:<6} {wall:>10.3} {:>10} {:>8} {:>10.0} {:>8}",
                floor.map_or("-".into(), |f| format!("{f:.3}")),
                floor.map_or("-".into(), |f| format!("{:.2}", wall / f)),
                e["max_peak_rss_mb"].as_f64().unwrap_or(f64::NAN),
                e["n_tasks"].as_u64().map_or("-".into(), |n| n.to_string())
            );
        }
    }
}
