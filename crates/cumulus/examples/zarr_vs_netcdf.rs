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
        "{:<36} {:>6} {:>9} {:>9} {:>16} {:>16}",
        "format", "files", "on disk", "write", "read, 1 thread", "read, 2 threads"
    );
    println!(
        "{:<36} {:>6} {:>7.2} GB {:>7.1} s {:>14.2} s {:>9.2} s ({:.2}x)",
        "Zarr v2, Blosc zstd-3 bit shuffle",
        count_files(&zarr)?,
        gb(disk_usage(&zarr)?),
        zarr_only,
        z1,
        z2,
        z1 / z2
    );
    println!(
        "{:<36} {:>6} {:>7.2} GB {:>7.1} s {:>14.2} s {:>9.2} s ({:.2}x)",
        "NetCDF-4, zlib level 1 + shuffle",
        1,
        gb(disk_usage(&nc)?),
        both - zarr_only,
        n1,
        n2,
        n1 / n2
    );
    println!();
    println!("data:  one year of the demo preset, {days} days from 1 June, 0.25 deg grid, 9 variables");
    println!("write: all 9 variables; NetCDF = (Zarr + NetCDF) - (Zarr alone), as the generator writes both");
    println!(
        "read:  the mean of temperature ({:.2} GB decoded), the same from both: {zm:.4} K",
        uncompressed as f64 / 1e9
    );

    // The workshop's table (Part 1.2, "speed comparison"): open, one time slice, a subregion
    // and the whole-domain mean, each the best of three runs, the same answers from both.
    println!();
    println!("{:<34} {:>10} {:>10} {:>9}", "operation (temperature)", "NetCDF s", "Zarr s", "speed-up");
    let ops: [(&str, &Op); 3] = [
        ("one time slice (all levels)", &|ds| {
            Ok(ds
                .get("temperature")?
                .isel([("time", 24)])?
                .mean(["level", "latitude", "longitude"])?
                .compute()?
                .item()?)
        }),
        ("subregion (Taiwan, all times)", &|ds| {
            let box_ = [("latitude", Selector::from(26.0..=21.0)), ("longitude", Selector::from(119.0..=123.0))];
            let t = ds.get("temperature")?.sel(box_)?;
            Ok(t.mean(["time", "level", "latitude", "longitude"])?.compute()?.item()?)
        }),
        ("whole-domain mean", &|ds| {
            Ok(ds.get("temperature")?.mean(["time", "level", "latitude", "longitude"])?.compute()?.item()?)
        }),
    ];
    let best = |f: &dyn Fn() -> anyhow::Result<f64>| -> anyhow::Result<(f64, f64)> {
        let mut times = Vec::new();
        let mut value = 0.0;
        for _ in 0..3 {
            let started = Instant::now();
            value = f()?;
            times.push(started.elapsed().as_secs_f64());
        }
        Ok((times.into_iter().fold(f64::INFINITY, f64::min), value))
    };
    let row = |name: &str, n: f64, z: f64| println!("{name:<34} {n:>10.4} {z:>10.4} {:>8.1}x", n / z);
    let (n_open, _) = best(&|| Ok(open_netcdf(&nc)?.data_vars().len() as f64))?;
    let (z_open, _) = best(&|| Ok(open_zarr(&zarr)?.data_vars().len() as f64))?;
    row("open the dataset", n_open, z_open);
    for (name, op) in ops {
        let (n, nv) = best(&|| op(&nds))?;
        let (z, zv) = best(&|| op(&zds))?;
        ensure!((zv - nv).abs() <= 1e-6 * zv.abs(), "{name}: Zarr gives {zv}, NetCDF {nv}");
        row(name, n, z);
    }
    println!("reads of data just written (in the page cache): the formats' own costs, not the disk's");

    write_throughput(&zds, &dir.join("write"))?;
    Ok(())
}

/// `to_zarr` of temperature already in memory against its floor: the same chunks compressed
/// (Blosc zstd-3, bit shuffle) and written by `StoreWriter` from all threads, no engine.
fn write_throughput(zds: &Dataset, out: &Path) -> anyhow::Result<()> {
    use cumulus::chunked::{Block, BlockElement};
    use cumulus::store::{
        ArraySpec, Compressor, DType as StoreDType, StoreWriter, ToZarrOptions, WriteMode, ZarrFormat, to_zarr,
    };
    let t = zds.get("temperature")?.persist()?;
    let ds = Dataset::new().with_var("temperature", t.variable().clone())?;
    let bytes = t.data().nbytes() as f64;
    std::fs::create_dir_all(out)?;
    let opts = ToZarrOptions { mode: WriteMode::Overwrite, ..ToZarrOptions::default() };
    let mut engine = f64::INFINITY;
    let mut floor = f64::INFINITY;
    let chunks: Vec<usize> = t.data().chunks().axes().iter().map(|a| a[0]).collect();
    // The chunks in memory, padded to the full chunk shape at the edges as Zarr stores them.
    let blocks = std::sync::Mutex::new(Vec::new());
    let pad = |idx: &[usize], block: Block| -> cumulus::chunked::Result<()> {
        let a = f32::unwrap(block.into_dtype(cumulus::chunked::DType::F32)).unwrap_or_else(|_| unreachable!("f32"));
        let key: Vec<u64> = idx.iter().map(|&i| i as u64).collect();
        let chunk = cumulus::store::pad_chunk(a.view(), &chunks, f32::NAN)
            .unwrap_or_else(|| unreachable!("a block fits its chunk"));
        blocks.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((key, chunk));
        Ok(())
    };
    t.data().stream(&ComputeOptions::default(), &pad)?;
    let blocks: Vec<(Vec<u64>, Vec<f32>)> = blocks.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    for _ in 0..3 {
        let started = Instant::now();
        to_zarr(&ds, out.join("engine.zarr"), &opts)?;
        engine = engine.min(started.elapsed().as_secs_f64());

        let started = Instant::now();
        let path = out.join("floor.zarr");
        let _ = std::fs::remove_dir_all(&path);
        let mut w = StoreWriter::create(&path, ZarrFormat::V2, WriteMode::Create)?;
        let dims: Vec<(&str, u64)> = t.dims().iter().zip(t.shape()).map(|(d, &n)| (d.as_str(), n as u64)).collect();
        w.add_array(
            ArraySpec::new("temperature", StoreDType::F32, &dims)
                .with_chunks(&chunks.iter().map(|&c| c as u64).collect::<Vec<_>>())
                .with_compressor(Compressor::blosc_zstd(3)),
        )?;
        let writer = &w;
        std::thread::scope(|s| {
            let per_thread = blocks.len().div_ceil(threads).max(1);
            let handles: Vec<_> = blocks
                .chunks(per_thread)
                .map(|part| s.spawn(move || part.iter().try_for_each(|(k, v)| writer.write_chunk("temperature", k, v))))
                .collect();
            handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })?;
        w.finish()?;
        floor = floor.min(started.elapsed().as_secs_f64());
    }
    let mbs = |s: f64| bytes / s / 1e6;
    println!();
    println!(
        "to_zarr of temperature in memory ({:.2} GB, Blosc zstd-3 bit shuffle): {engine:.2} s = {:.0} MB/s; \
         encode-and-write floor {floor:.2} s = {:.0} MB/s; to_zarr / floor = {:.2}",
        bytes / 1e9,
        mbs(engine),
        mbs(floor),
        engine / floor
    );
    Ok(())
}

/// One operation of the workshop's table on an opened dataset, giving a value to compare.
type Op = dyn Fn(&Dataset) -> anyhow::Result<f64>;

fn count_files(dir: &Path) -> anyhow::Result<usize> {
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        n += if path.is_dir() { count_files(&path)? } else { 1 };
    }
    Ok(n)
}
