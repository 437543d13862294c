//! Part 1 of the class, end to end: open a store, explore it, see how a selection maps to
//! chunks, stay lazy, compute, and compare three computations by their task graphs.
//!
//! ```text
//! cargo run -p cumulus --example part1 -- data/tiny [FIGURES]   # generates the tiny data if missing
//! ```
//!
//! The book's Part 1 shows this file's sections (between the `ANCHOR` comments) and what it
//! prints (`book/src/part1/part1-output.txt`, checked against a fresh run by `.ci/book.sh`).
//! The map of the June mean (`t850-june-mean.png`) goes to FIGURES (default: the data folder);
//! the book's copy is this program's output. The task graph of the simple mean is written as
//! Graphviz DOT next to the data.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cumulus::data_gen::GenArgs;
use cumulus::prelude::*;

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/tiny".into()));
    let figures = std::env::args().nth(2).map_or_else(|| data.clone(), PathBuf::from);
    ensure_data(&data)?;
    let path = data.join(store_name(2019));

    // ANCHOR: open
    let ds = open_zarr(&path)?; // reads the metadata only
    println!("{ds}");
    // ANCHOR_END: open

    // ANCHOR: chunks
    let t = ds.get("temperature")?;
    println!("temperature dims:   {:?}", t.dims());
    println!("temperature shape:  {:?}", t.shape());
    println!("temperature chunks: {}", t.data().chunks());
    println!("{} chunks, {} when decompressed", t.data().num_chunks(), human(t.data().nbytes()));
    // ANCHOR_END: chunks

    // ANCHOR: select
    let t850 = t.sel([("time", Selector::from("2019-06")), ("level", 850.into())])?;
    let graph = t850.data().graph(&ComputeOptions::default())?;
    println!("selected: shape {:?}, {}", t850.shape(), human(t850.data().nbytes()));
    println!(
        "to compute it: read {} of {} chunks, decompress {}",
        graph.touched_chunks().len(),
        t.data().num_chunks(),
        human(graph.touched_bytes())
    );
    // ANCHOR_END: select

    // ANCHOR: lazy
    let t850_mean = t850.mean("time")?; // returns at once: a plan, nothing is read
    println!("{}", t850_mean.data().explain());
    // ANCHOR_END: lazy

    // ANCHOR: compute
    let started = Instant::now();
    let computed = t850_mean.compute()?; // now the chunks are read, in parallel
    let taipei = computed.sel([("latitude", nearest(25.0)), ("longitude", nearest(121.0))])?;
    println!(
        "mean temperature at 850 hPa, June 2019, nearest 25N 121E ({}N, {}E): {:.2} K",
        taipei.coord("latitude")?.item()?,
        taipei.coord("longitude")?.item()?,
        taipei.item()?
    );
    // ANCHOR_END: compute
    eprintln!("(computed in {:.3} s)", started.elapsed().as_secs_f64());

    // ANCHOR: map
    map(&computed).title("Temperature at 850 hPa, mean of June 2019").save(figures.join("t850-june-mean.png"))?;
    // ANCHOR_END: map

    // ANCHOR: eager
    let area_mean = t.mean(["latitude", "longitude"])?; // lazy
    let values = area_mean.compute()?; // a new, in-memory DataArray
    let mut loaded = area_mean.clone();
    loaded.load()?; // the same, in place
    let persisted = area_mean.persist()?; // in memory, still chunked
    println!(
        "compute: {} chunk; load: {} chunk; persist: {} chunks; same values: {}",
        values.data().num_chunks(),
        loaded.data().num_chunks(),
        persisted.data().num_chunks(),
        values.to_vec_f64()? == persisted.to_vec_f64()?
    );
    // ANCHOR_END: eager

    // ANCHOR: experiments
    let u = ds.get("u_component_of_wind")?;
    let v = ds.get("v_component_of_wind")?;
    let simple = t.mean("time")?;
    let anomaly = (&(&t - &t.mean("time")?)? / &t.std("time")?)?;
    let wind_speed = (&(&u * &u)? + &(&v * &v)?)?.sqrt().mean(["time", "level", "latitude", "longitude"])?;
    for (name, x) in [("simple mean", &simple), ("standardized anomaly", &anomaly), ("wind speed mean", &wind_speed)] {
        let g = x.data().graph(&ComputeOptions::default())?;
        std::fs::write(figures.join(format!("{}-graph.svg", name.replace(' ', "-"))), g.to_svg(200))?;
        println!(
            "{name:<22} {:>4} tasks, {:>4} dependencies, reads {:>3} chunks ({})",
            g.len(),
            g.num_edges(),
            g.touched_chunks().len(),
            human(g.touched_bytes())
        );
    }
    // ANCHOR_END: experiments
    println!("wind speed mean: {:.2} m/s", wind_speed.item()?);

    // ANCHOR: formats
    // The same year as Zarr format 3 (one zarr.json per node, chunk keys c/0/0/0) ...
    let v3 = data.with_file_name("tiny-v3");
    GenArgs {
        years: Some(vec![2019]),
        zarr_format: Some(3),
        quiet: true,
        overwrite: true,
        ..GenArgs::for_preset(Preset::Tiny, &v3)
    }
    .run()?;
    let v3_store = v3.join(store_name(2019));
    // ... opened as a format 2 reader (zarr-python 2, as the workshop pins) would:
    match open_zarr_with(&v3_store, &OpenOptions::default().zarr_format(ZarrFormat::V2)) {
        Ok(_) => println!("opened as format 2?!"),
        Err(e) => println!("{}", e.to_string().replace(&format!("{}", v3.display()), "tiny-v3")),
    }
    // cumulus itself reads both formats, to the same values.
    let same = open_zarr(&v3_store)?.get("temperature")?.to_vec_f64()? == t.to_vec_f64()?;
    println!("format 3 store opened by open_zarr: same temperature as format 2: {same}");
    // ANCHOR_END: formats

    let dot = data.join("simple-mean.dot");
    std::fs::write(&dot, simple.data().visualize()?)?;
    eprintln!("task graph of the simple mean: {}", dot.display());
    Ok(())
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

fn human(bytes: usize) -> String {
    cumulus::chunked::array::human_bytes(bytes)
}
