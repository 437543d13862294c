//! Zarr versus NetCDF-4 on the same data: size on disk, write time and the time to read a
//! whole variable (its mean) with one and with two threads. The table in the book's Part 1
//! ("Why Zarr") is this program's output.
//!
//! ```text
//! cargo run --release -p cumulus --features netcdf --example zarr_vs_netcdf -- DIR [DAYS]
//! ```
//!
//! It generates one year of the `demo` preset (the full 0.25° grid, DAYS days from 1 June,
//! default 7) twice into DIR: once as Zarr only, once as Zarr and NetCDF-4, so the NetCDF
//! write time is the difference. Reads use `open_zarr` and `open_netcdf`; both give the same
//! mean, checked before the table is printed.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, ensure};
use cumulus::data_gen::GenArgs;
use cumulus::prelude::*;
use cumulus::store::{disk_usage, open_netcdf};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().context("usage: zarr_vs_netcdf DIR [DAYS]")?;
    let days: u32 = args.next().map(|d| d.parse()).transpose()?.unwrap_or(7);
    let dir = Path::new(&dir);
    let generate = |out: &Path, netcdf: bool| -> anyhow::Result<f64> {
        let started = Instant::now();
        GenArgs {
            years: Some(vec![2019]),
            days: Some(days),
            netcdf,
            overwrite: true,
            quiet: true,
            ..GenArgs::for_preset(Preset::Demo, out)
        }
        .run()?;
        Ok(started.elapsed().as_secs_f64())
    };
    let zarr_only = generate(&dir.join("zarr"), false)?;
    let both = generate(&dir.join("both"), true)?;
    let zarr = dir.join("both").join(store_name(2019));
    let nc = zarr.with_extension("nc");

    let read = |ds: &Dataset, threads: usize| -> anyhow::Result<(f64, f64)> {
        let t = ds.get("temperature")?;
        let mean = t.mean(["time", "level", "latitude", "longitude"])?;
        let started = Instant::now();
        let value = mean.compute_with(&ComputeOptions::default().threads(threads))?.item()?;
        Ok((started.elapsed().as_secs_f64(), value))
    };
    let (zds, nds) = (open_zarr(&zarr)?, open_netcdf(&nc)?);
    let uncompressed = zds.get("temperature")?.data().nbytes();
    let (z1, zm) = read(&zds, 1)?;
    let (z2, _) = read(&zds, 2)?;
    let (n1, nm) = read(&nds, 1)?;
    let (n2, _) = read(&nds, 2)?;
    ensure!((zm - nm).abs() < 1e-6 * zm.abs(), "the two formats disagree: Zarr mean {zm}, NetCDF mean {nm}");

    let gb = |b: u64| b as f64 / 1e9;
    println!(
        "| format | files | on disk | write (all 9 variables) | read `temperature` ({:.2} GB), 1 thread | 2 threads |",
        uncompressed as f64 / 1e9
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| Zarr v2, Blosc zstd-3 bit shuffle | {} | {:.2} GB | {zarr_only:.1} s | {z1:.2} s | {z2:.2} s ({:.2}×) |",
        count_files(&zarr)?,
        gb(disk_usage(&zarr)?),
        z1 / z2
    );
    println!(
        "| NetCDF-4, zlib level 1 + shuffle | 1 | {:.2} GB | {:.1} s | {n1:.2} s | {n2:.2} s ({:.2}×) |",
        gb(disk_usage(&nc)?),
        both - zarr_only,
        n1 / n2
    );
    println!();
    println!(
        "One year of the `demo` preset ({days} days from 1 June, 0.25° grid, 9 variables); the same mean \
         ({zm:.4} K) from both. NetCDF write time = (Zarr + NetCDF) − (Zarr alone)."
    );
    Ok(())
}

fn count_files(dir: &Path) -> anyhow::Result<usize> {
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        n += if path.is_dir() { count_files(&path)? } else { 1 };
    }
    Ok(n)
}
