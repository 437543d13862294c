//! The `cumulus` command: generate the class data, run the workshop demo.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use cumulus::data_gen::{GenArgs, GenConfig, Preset, Variable, human_bytes, store_name};
use cumulus::store::disk_usage;

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
    println!("(lazy arrays, selections, maps, the dashboard and the ML pipeline join this demo as they land)");
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
