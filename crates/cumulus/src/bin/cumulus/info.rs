//! `cumulus info`: what a Zarr store, a folder of stores, a NetCDF file or a remote store holds
//! (like `ncdump -h` and xarray's repr), with `--stats` (min, mean, max and NaN count of every
//! data variable, in one pass over the data) and `--json` (all of it as one JSON document).

use std::path::{Path, PathBuf};

use anyhow::Context;
use cumulus::chunked::array::scalar_value;
use cumulus::chunked::{Axes, ChunkedArray, ComputeOptions, DType};
use cumulus::data_gen::human_bytes;
use cumulus::labeled::Dataset;
use cumulus::store::{OpenOptions, StoreHandle, ZarrFormat, disk_usage, open_mfdataset, read_store_meta_in};
use serde_json::{Value, json};

/// What `PATH` is.
enum Source {
    /// One Zarr store: a folder, or an `s3://` / `http(s)://` URL.
    Store,
    /// A folder holding Zarr stores (`*.zarr`), opened together with `open_mfdataset`.
    Stores(Vec<PathBuf>),
    /// A NetCDF file.
    Netcdf,
}

fn classify(path: &Path) -> anyhow::Result<Source> {
    if super::is_netcdf(path) {
        return Ok(Source::Netcdf);
    }
    if cumulus::store::url_scheme(path).is_some() || !path.is_dir() || cumulus::store::is_store(path) {
        return Ok(Source::Store);
    }
    let mut stores: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("listing {}", path.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.extension().is_some_and(|e| e == "zarr"))
        .collect();
    stores.sort();
    anyhow::ensure!(
        !stores.is_empty(),
        "{} is neither a Zarr store (no .zgroup, .zmetadata or zarr.json) nor a folder of *.zarr stores",
        path.display()
    );
    Ok(Source::Stores(stores))
}

/// The arrays of one Zarr store as stored: format, dims, dtype, shape, chunks, codec, bytes.
fn store_arrays(path: &Path) -> anyhow::Result<Value> {
    let handle = StoreHandle::open(path, &Default::default())?;
    let meta = read_store_meta_in(&handle)?;
    let arrays: Vec<Value> = meta
        .arrays
        .iter()
        .map(|a| {
            let grid: usize = a.shape.iter().zip(&a.chunk_shape).map(|(n, c)| n.div_ceil((*c).max(1))).product();
            let dir = path.join(&a.name);
            let bytes = (handle.local_path().is_some() && dir.is_dir()).then(|| disk_usage(&dir).ok()).flatten();
            json!({
                "name": a.name, "dims": a.dims, "dtype": a.dtype.to_string(), "shape": a.shape,
                "chunks": a.chunk_shape, "nchunks": grid, "bytes_on_disk": bytes, "codec": a.codecs,
            })
        })
        .collect();
    let format = match meta.format {
        ZarrFormat::V2 => 2,
        ZarrFormat::V3 => 3,
    };
    let bytes = handle.local_path().map(disk_usage).transpose()?;
    Ok(json!({"zarr_format": format, "bytes_on_disk": bytes, "warnings": meta.warnings, "arrays": arrays}))
}

/// Min, mean, max (NaN skipped), NaN count and size of every data variable, computed together
/// so each chunk is read once.
fn stats(ds: &Dataset, quiet: bool) -> anyhow::Result<Value> {
    let names: Vec<String> = ds.data_vars().iter().map(|s| s.to_string()).collect();
    let mut arrays: Vec<ChunkedArray> = Vec::new();
    for name in &names {
        let a = ds.get(name)?.data().clone();
        let a = if a.dtype().is_float() { a } else { a.astype(DType::F64) };
        arrays.extend([a.nanmin(Axes::All)?, a.nanmean(Axes::All)?]);
        arrays.extend([a.nanmax(Axes::All)?, a.count(Axes::All)?]);
    }
    let progress = cumulus::dashboard::ComputeProgress::visible("stats", !quiet);
    let (blocks, _) =
        ChunkedArray::compute_many_with(&arrays, &ComputeOptions::default().subscriber(progress.clone()))?;
    progress.finish();
    let mut out = serde_json::Map::new();
    for (name, b) in names.iter().zip(blocks.chunks(4)) {
        let size: usize = ds.get(name)?.shape().iter().product();
        let value = |i: usize| scalar_value(&b[i]).filter(|v| v.is_finite());
        let count = scalar_value(&b[3]).unwrap_or(0.0) as usize;
        out.insert(
            name.clone(),
            json!({"min": value(0), "mean": value(1), "max": value(2), "nan_count": size - count, "size": size}),
        );
    }
    Ok(Value::Object(out))
}

/// The dataset as JSON: sizes, coordinates and data variables with dtype, dims, shape, chunks
/// and attributes, and the global attributes.
fn dataset_json(ds: &Dataset) -> anyhow::Result<Value> {
    let var = |name: &str, v: &cumulus::labeled::Variable| {
        json!({
            "name": name, "dims": v.dims(), "dtype": v.dtype().to_string(), "shape": v.shape(),
            "chunks": v.chunks().axes().iter().map(|a| a.first().copied().unwrap_or(0)).collect::<Vec<_>>(),
            "attrs": v.attrs(),
        })
    };
    let coords: Vec<Value> = ds.coords().iter().map(|(n, v, _)| var(n, v)).collect();
    let mut vars = Vec::new();
    for name in ds.data_vars() {
        vars.push(var(name, ds.get(name)?.variable()));
    }
    let sizes: serde_json::Map<String, Value> = ds.sizes().into_iter().map(|(d, n)| (d, json!(n))).collect();
    Ok(json!({"sizes": sizes, "coords": coords, "data_vars": vars, "attrs": ds.attrs()}))
}

fn print_arrays(path: &Path, store: &Value) {
    let bytes = store["bytes_on_disk"].as_u64().map_or_else(|| "remote".to_string(), |b| human_bytes(b) + " on disk");
    println!("{}: Zarr format {}, {bytes}", path.display(), store["zarr_format"]);
    for w in store["warnings"].as_array().into_iter().flatten() {
        println!("warning: {}", w.as_str().unwrap_or_default());
    }
    println!(
        "{:<40} {:<34} {:<8} {:<22} {:<18} {:>7} {:>10}  codec",
        "array", "dims", "dtype", "shape", "chunks", "nchunks", "on disk"
    );
    let list = |v: &Value| v.as_array().map(|a| a.iter().map(|x| x.to_string().replace('"', "")).collect::<Vec<_>>());
    for a in store["arrays"].as_array().into_iter().flatten() {
        println!(
            "{:<40} {:<34} {:<8} {:<22} {:<18} {:>7} {:>10}  {}",
            a["name"].as_str().unwrap_or_default(),
            format!("({})", list(&a["dims"]).unwrap_or_default().join(", ")),
            a["dtype"].as_str().unwrap_or_default(),
            format!("[{}]", list(&a["shape"]).unwrap_or_default().join(", ")),
            format!("[{}]", list(&a["chunks"]).unwrap_or_default().join(", ")),
            a["nchunks"],
            a["bytes_on_disk"].as_u64().map_or("-".into(), human_bytes),
            a["codec"].as_str().unwrap_or_default()
        );
    }
    println!();
}

fn print_stats(stats: &Value) {
    println!();
    println!("{:<40} {:>14} {:>14} {:>14} {:>12}", "variable", "min", "mean", "max", "NaN count");
    let num = |v: &Value| v.as_f64().map_or("-".into(), |x| format!("{x:.6}"));
    for (name, s) in stats.as_object().into_iter().flatten() {
        println!(
            "{name:<40} {:>14} {:>14} {:>14} {:>12}",
            num(&s["min"]),
            num(&s["mean"]),
            num(&s["max"]),
            s["nan_count"]
        );
    }
}

/// Runs `cumulus info PATH [--stats] [--json]`.
pub fn info(path: &Path, with_stats: bool, as_json: bool) -> anyhow::Result<()> {
    let source = classify(path)?;
    let (ds, stores, kind) = match &source {
        Source::Netcdf => (super::open_any(path, &OpenOptions::default())?, Vec::new(), "netcdf"),
        Source::Store => {
            let ds = super::open_any(path, &OpenOptions::default())?;
            (ds, vec![(path.to_path_buf(), store_arrays(path)?)], "zarr")
        }
        Source::Stores(paths) => {
            let ds = open_mfdataset(paths).with_context(|| format!("opening the stores in {}", path.display()))?;
            let described = paths.iter().map(|p| Ok((p.clone(), store_arrays(p)?))).collect::<anyhow::Result<_>>()?;
            (ds, described, "zarr stores")
        }
    };
    let stats = with_stats.then(|| stats(&ds, as_json)).transpose()?;
    if as_json {
        let mut doc = json!({
            "path": path.display().to_string(),
            "kind": kind,
            "stores": stores.iter().map(|(p, s)| {
                let mut s = s.clone();
                s["path"] = json!(p.display().to_string());
                s
            }).collect::<Vec<_>>(),
            "dataset": dataset_json(&ds)?,
        });
        if kind == "netcdf" {
            doc["bytes_on_disk"] = json!(disk_usage(path)?);
        }
        if let Some(s) = stats {
            doc["stats"] = s;
        }
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    if let Source::Stores(paths) = &source {
        println!("{}: {} Zarr stores, opened together along time", path.display(), paths.len());
    }
    if kind == "netcdf" {
        println!("{}: NetCDF, {} on disk", path.display(), human_bytes(disk_usage(path)?));
    }
    for (p, s) in &stores {
        print_arrays(p, s);
    }
    println!("{ds}");
    if let Some(s) = stats {
        print_stats(&s);
    }
    Ok(())
}
