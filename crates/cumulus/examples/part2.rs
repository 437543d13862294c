//! Part 2 of the class, end to end: open all the years as one data set, select in time and
//! space, resample, average over an area (plain and weighted by latitude), build the daily
//! mean temperature over Taiwan for each summer, a monthly climatology and its anomalies,
//! write them to Zarr with Blosc zstd, compare sizes, read them back, run the compression lab
//! and the chunk-size experiment.
//!
//! ```text
//! cargo run -p cumulus --example part2 -- data/tiny [FIGURES]   # generates the tiny data if missing
//! ```
//!
//! The book's Part 2 shows this file's sections (between the `ANCHOR` comments) and what it
//! prints (`book/src/part2/part2-output.txt`, checked against a fresh run by `.ci/book.sh`).
//! Everything printed is deterministic; timings go to stderr. The figures
//! (`taiwan-summer-daily.png`, `t850-anomaly-map.png`, `compression-ratios.png`) go to FIGURES
//! (default: the data folder); the book's copies are this program's output. Stores written
//! here go to `<data>/part2/`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cumulus::data_gen::GenArgs;
use cumulus::labeled::How;
use cumulus::prelude::*;
use cumulus::store::{Compressor, ToZarrOptions, VarEncoding, compression_lab, disk_usage, to_zarr, workshop_codecs};

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/tiny".into()));
    let figures = std::env::args().nth(2).map_or_else(|| data.clone(), PathBuf::from);
    ensure_data(&data)?;
    let out = data.join("part2");
    std::fs::create_dir_all(&out)?;
    std::fs::create_dir_all(&figures)?;

    println!("== 2.1 many files");
    // ANCHOR: open_mf
    let paths: Vec<PathBuf> = [2019, 2020, 2021].iter().map(|&y| data.join(store_name(y))).collect();
    let ds_multi = open_mfdataset(&paths)? // the metadata of the three stores, read in parallel
        .chunk(&[("time", 24), ("latitude", 50), ("longitude", 50)])?; // one chunking for all
    let time = ds_multi.get("time")?;
    let n = time.shape()[0];
    println!("{} stores joined along time", paths.len());
    println!("time from {} to {}", first_label(&time, 0)?, first_label(&time, n - 1)?);
    println!("time steps: {n}");
    // ANCHOR_END: open_mf
    println!("{ds_multi}");

    println!("== 2.2 time selections");
    // ANCHOR: time_sel
    let ds_2020 = ds_multi.sel([("time", Selector::from("2020"))])?; // a year
    let ds_range = ds_multi.sel([("time", slice("2020-06", "2020-09"))])?; // a range, both ends in
    let month = ds_multi.get("time")?.dt("time", "month")?; // ds_multi.time.dt.month
    let june = ds_multi.sel_mask("time", &month.equal(6.0))?; // time.dt.month == 6
    let summer = ds_multi.sel_mask("time", &month.isin(&[6.0, 7.0, 8.0, 9.0]))?;
    for (name, d) in [("2020", &ds_2020), ("2020-06..2020-09", &ds_range), ("June", &june), ("summer", &summer)] {
        println!("{name:<17} {:>4} time steps", d.get("time")?.shape()[0]);
    }
    let summer_t = summer.get("temperature")?;
    println!("summer temperature: {:?} {:?}", summer_t.dims(), summer_t.shape());
    // ANCHOR_END: time_sel

    // ANCHOR: resample
    let ds_daily = summer.resample("time", "1D")?.mean()?;
    let ds_monthly = summer.resample("time", "1MS")?.mean()?; // MS = month start
    let ds_seasonal = summer.resample("time", "QS-DEC")?.mean()?; // quarters from December: DJF, MAM, JJA, SON
    println!("hourly:   {:>4} steps", summer_t.size("time")?);
    for (name, ds) in [("daily", &ds_daily), ("monthly", &ds_monthly), ("seasonal", &ds_seasonal)] {
        let r = ds.get("temperature")?; // lazy: only the temperature is ever computed
        let kept = r.mean(["level", "latitude", "longitude"])?.dropna("time", How::Any)?;
        println!(
            "{name:<9} {:>4} bins from {}, {:>2} of them with data",
            r.size("time")?,
            first_label(&r, 0)?,
            kept.size("time")?
        );
    }
    // ANCHOR_END: resample

    println!("== 2.2 space selections");
    // ANCHOR: space_sel
    // Latitude is stored from north to south, so the slice runs from 25 down to 22.
    let taiwan = summer.sel([("latitude", slice(25.0, 22.0)), ("longitude", slice(120.0, 122.0))])?;
    let taipei = summer.sel([("latitude", nearest(25.03)), ("longitude", nearest(121.56))])?;
    let points = [
        ("latitude", vec![25.03.into(), 24.15.into(), 22.63.into()]),
        ("longitude", vec![121.56.into(), 120.68.into(), 120.30.into()]),
    ];
    let cities = summer.map(|da| da.sel_points("city", &points, true))?;
    // ANCHOR_END: space_sel
    let tt = taiwan.get("temperature")?;
    println!(
        "Taiwan box: latitude {:?}, longitude {:?}",
        tt.coord("latitude")?.to_vec_f64()?,
        tt.coord("longitude")?.to_vec_f64()?
    );
    let tp = taipei.get("temperature")?;
    println!(
        "Taipei, nearest grid point: {}N {}E, dims {:?}",
        tp.coord("latitude")?.item()?,
        tp.coord("longitude")?.item()?,
        tp.dims()
    );
    let ct = cities.get("temperature")?;
    println!(
        "cities: dims {:?} shape {:?}; latitudes {:?}, longitudes {:?}",
        ct.dims(),
        ct.shape(),
        ct.coord("latitude")?.to_vec_f64()?,
        ct.coord("longitude")?.to_vec_f64()?
    );

    // ANCHOR: area
    let area_mean = taiwan.mean(["latitude", "longitude"])?;
    let weights = taiwan.get("latitude")?.deg2rad().cos().rename("weights"); // np.cos(np.deg2rad(lat))
    let weighted_mean = taiwan.weighted(&weights).mean(["latitude", "longitude"])?;
    let total_precip = taiwan.get("total_precipitation")?.sum(["latitude", "longitude"])?;
    // ANCHOR_END: area
    let plain = area_mean.get("temperature")?.sel([("level", Selector::from(850))])?.mean("time")?.compute()?;
    let weighted = weighted_mean.get("temperature")?.sel([("level", Selector::from(850))])?.mean("time")?.compute()?;
    println!(
        "weights (cos latitude): {:?}",
        weights.to_vec_f64()?.iter().map(|w| format!("{w:.4}")).collect::<Vec<_>>()
    );
    println!(
        "T850 over the box, all summer hours: plain mean {:.3} K, weighted {:.3} K",
        plain.item()?,
        weighted.item()?
    );
    let precip = total_precip.compute()?;
    println!(
        "area sum of total_precipitation: {} hourly values, largest {:.2} mm/hr, summed over the summers {:.1} mm",
        precip.size("time")?,
        precip.max(Dims::All)?.item()?,
        precip.sum(Dims::All)?.item()?
    );

    // ANCHOR: combined
    // 1. summer  2. Taiwan  3. daily means  4. area mean  5. compute (only now is data read)
    let tw_summer = summer.sel([("latitude", slice(25.0, 22.0)), ("longitude", slice(120.0, 122.0))])?;
    let tw_daily = tw_summer.resample("time", "1D")?.mean()?;
    let tw_temp_daily = tw_daily.get("temperature")?.mean(["latitude", "longitude"])?;
    let started = Instant::now();
    let result = tw_temp_daily.compute()?;
    eprintln!("(Taiwan summer daily mean computed in {:.3} s)", started.elapsed().as_secs_f64());
    println!("daily bins: {:?} {:?}", result.dims(), result.shape());
    let days = result.dropna("time", How::Any)?; // days outside the summers are empty bins (NaN)
    println!("days with data: {:?} {:?}", days.dims(), days.shape());
    // ANCHOR_END: combined
    let t850_days = days.sel([("level", Selector::from(850))])?;
    for (k, v) in t850_days.to_vec_f64()?.iter().enumerate() {
        println!("  {}  {v:.2} K", first_label(&t850_days, k)?);
    }
    // ANCHOR: line
    let summer_2020 = t850_days.sel([("time", Selector::from("2020"))])?;
    line_chart(&summer_2020)
        .title("Taiwan, summer 2020: daily mean temperature at 850 hPa")
        .ylabel("temperature [K]")
        .save(figures.join("taiwan-summer-daily.png"))?;
    // ANCHOR_END: line

    println!("== 2.3 climatology and anomalies");
    // ANCHOR: climatology
    let by_month = tw_summer.groupby("time.month")?; // every variable, grouped by month
    let climatology = by_month.mean()?; // .mean(dim="time")
    let anomaly = by_month.sub(&climatology)?; // ds.groupby("time.month") - climatology
    // ANCHOR_END: climatology
    let clim_t = climatology.get("temperature")?;
    println!(
        "climatology of temperature: {:?} {:?}, months {:?}",
        clim_t.dims(),
        clim_t.shape(),
        clim_t.coord("month")?.to_vec_f64()?
    );
    let anom_t = anomaly.get("temperature")?;
    println!("anomaly of temperature: {:?} {:?}", anom_t.dims(), anom_t.shape());
    // ANCHOR: manual
    // Method 2: pick each step's month from the climatology, then subtract.
    let per_step = clim_t.sel([("month", Selector::from(tw_summer.dt("time", "month")?))])?;
    let per_step = per_step.drop_vars("month").rename_dim("month", "time")?;
    let manual = (&tw_summer.get("temperature")? - &per_step)?;
    let largest_gap = (&manual - &anom_t)?.abs().max(Dims::All)?.item()?;
    println!("method 1 and method 2 differ by at most {largest_gap} K");
    // ANCHOR_END: manual
    let month_means = anom_t.groupby("time.month")?.mean()?.abs().max(Dims::All)?.item()?;
    println!("every month of the anomaly averages to 0 (within 1e-4 K): {}", month_means < 1e-4);

    // ANCHOR: anomaly_map
    // The same anomaly over the whole domain, at 850 hPa, for one hour.
    let t850 = summer.get("temperature")?.sel([("level", Selector::from(850))])?;
    let t850_by_month = t850.groupby("time.month")?;
    let t850_anomaly = t850_by_month.sub(&t850_by_month.mean()?)?;
    let one_hour = t850_anomaly.sel([("time", Selector::from("2020-07-01T12"))])?;
    map(&one_hour)
        .cmap(Colormap::RdBuR)
        .title("T850 anomaly from the July climatology, 2020-07-01 12:00")
        .save(figures.join("t850-anomaly-map.png"))?;
    // ANCHOR_END: anomaly_map

    println!("== 2.3 to_zarr");
    // ANCHOR: to_zarr
    let output_path = out.join("taiwan_summer_anomaly.zarr");
    let mut opts = ToZarrOptions { mode: WriteMode::Overwrite, ..ToZarrOptions::default() }; // mode="w"
    for var in anomaly.data_vars() {
        // Blosc zstd, level 3, bit shuffle (the default compressor too, shown here as in the seed)
        opts = opts.with_encoding(var, VarEncoding::default().compressor(Compressor::blosc_zstd(3)));
    }
    to_zarr(&anomaly, &output_path, &opts)?; // consolidated metadata is always written
    // ANCHOR_END: to_zarr
    // ANCHOR: sizes
    let raw_size = anomaly.nbytes() as f64 / 1e6;
    let compressed_size = disk_usage(&output_path)? as f64 / 1e6;
    println!("uncompressed: {raw_size:.3} MB");
    println!("on disk:      {compressed_size:.3} MB");
    println!("compression ratio: {:.2}x", raw_size / compressed_size);
    // ANCHOR_END: sizes

    // ANCHOR: append
    // mode="a" with append_dim="time": the 2019 summer first, then the other two appended.
    let appended = out.join("anomaly_appended.zarr");
    to_zarr(
        &anomaly.sel([("time", Selector::from("2019"))])?,
        &appended,
        &ToZarrOptions { mode: WriteMode::Overwrite, ..Default::default() },
    )?;
    to_zarr(&anomaly.sel([("time", slice("2020", "2021"))])?, &appended, &ToZarrOptions::append("time"))?;
    // ANCHOR_END: append

    // ANCHOR: reload
    let started = Instant::now();
    let ds_reload = open_zarr(&output_path)?; // metadata only: almost instant
    eprintln!("(re-opened in {:.4} s)", started.elapsed().as_secs_f64());
    let back = ds_reload.get("temperature")?;
    anyhow::ensure!(back.shape() == anom_t.shape(), "shape {:?} read back, {:?} written", back.shape(), anom_t.shape());
    let same = back.to_vec_f64()? == anom_t.to_vec_f64()?;
    let same_appended = open_zarr(&appended)?.get("temperature")?.to_vec_f64()? == anom_t.to_vec_f64()?;
    println!("read back: shape {:?}, same values: {same}; appended store, same values: {same_appended}", back.shape());
    // ANCHOR_END: reload

    println!("== 2.3 compression lab");
    // ANCHOR: lab
    let one_year = open_zarr(data.join(store_name(2019)))?;
    let lab = compression_lab(&one_year, "temperature", &out.join("compression-lab"), &workshop_codecs())?;
    println!("temperature of 2019, {:.3} MB in memory", lab.runs[0].uncompressed_bytes as f64 / 1e6);
    println!("| codec | on disk MB | ratio |");
    println!("|---|---:|---:|");
    for r in &lab.runs {
        println!("| {} | {:.3} | {:.2} |", r.codec, r.on_disk_bytes as f64 / 1e6, r.ratio);
        eprintln!("{}: write {:.3} s, read {:.3} s", r.codec, r.write_s, r.read_s); // times vary: stderr
    }
    let labels: Vec<String> = lab.runs.iter().map(|r| r.codec.to_string().replace("-bitshuffle", "")).collect();
    let ratios: Vec<f64> = lab.runs.iter().map(|r| r.ratio).collect(); // sizes, not times: the same every run
    bar_chart(&labels, &ratios)
        .size(800, 400)
        .title("compression ratio of temperature, 2019 (uncompressed / on disk)")
        .ylabel("ratio")
        .bar_labels(true)
        .bar_label_decimals(2)
        .save(figures.join("compression-ratios.png"))?;
    // ANCHOR_END: lab

    println!("== 2.4 chunk sizes");
    // ANCHOR: chunk_sizes
    let ds_test = ds_multi.sel([("time", slice("2019-01", "2019-12"))])?;
    let configs = [
        ("small", [("time", 10), ("latitude", 20), ("longitude", 20)]),
        ("medium", [("time", 24), ("latitude", 50), ("longitude", 50)]),
        ("large", [("time", 100), ("latitude", 100), ("longitude", 100)]),
    ];
    for (name, config) in configs {
        let rechunked = ds_test.chunk(&config)?.get("temperature")?;
        let mean = rechunked.mean(Dims::All)?;
        let tasks = mean.data().graph(&ComputeOptions::default())?.len();
        let started = Instant::now();
        let value = mean.compute()?.item()?;
        eprintln!("{name}: {:.3} s", started.elapsed().as_secs_f64()); // times vary: stderr
        println!("{name:<6} chunks: {:>3}, tasks: {:>3}, mean {value:.3} K", rechunked.data().num_chunks(), tasks);
    }
    // ANCHOR_END: chunk_sizes
    Ok(())
}

/// The label of position `k` along `time`, as text.
fn first_label(da: &DataArray, k: usize) -> anyhow::Result<String> {
    Ok(da.index("time")?.label_string(k))
}

/// Generates the tiny data into `data` if a store is missing.
fn ensure_data(data: &Path) -> anyhow::Result<()> {
    if [2019, 2020, 2021].iter().all(|&y| data.join(store_name(y)).exists()) {
        return Ok(());
    }
    eprintln!("generating the tiny data into {}", data.display());
    GenArgs { quiet: true, overwrite: true, ..GenArgs::for_preset(Preset::Tiny, data) }.run()?;
    Ok(())
}
