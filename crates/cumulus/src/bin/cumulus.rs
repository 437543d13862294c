//! The `cumulus` command: generate the class data, run the workshop demo.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use cumulus::data_gen::{GenArgs, GenConfig, Preset, Variable, human_bytes, store_name};
use cumulus::store::disk_usage;

// Chunks are large, short-lived buffers: mimalloc reuses them instead of returning them to the
// kernel and faulting fresh pages in for every chunk.
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
    /// Run the peer's workloads (W1–W10) on cumulus, each repetition in a fresh process.
    Bench(Box<cumulus::bench::BenchArgs>),
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
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Gen(args) => {
            let report = args.run()?;
            println!("{report}");
        }
        Command::Demo { data, preset, quiet } => demo(&data, &preset, quiet)?,
        Command::Bench(args) => {
            let r = cumulus::bench::run(&args)?;
            if args.child.is_none() {
                print_bench(&r);
            }
        }
    }
    Ok(())
}

fn demo(data: &Path, preset: &str, quiet: bool) -> anyhow::Result<()> {
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
    println!();
    println!("== Part 1: what a Zarr store is made of ==");
    for &year in &cfg.years {
        describe_store(&data.join(store_name(year)))?;
    }
    println!();
    part1(data, &cfg, quiet)?;
    println!();
    println!("(maps, the dashboard and the ML pipeline join this demo as they land)");
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
