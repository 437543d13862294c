//! The workshop's compression lab (Part 2): one variable of one store written with Blosc zstd,
//! lz4 and zlib, gzip and no compression; a table of bytes on disk, ratio, write and read time,
//! and a bar chart of the ratios.
//!
//! ```text
//! cargo run --release -p cumulus --example compression_lab -- data/tiny [YEAR] [VARIABLE] [OUT]
//! ```
//!
//! Defaults: 2019, `temperature`, OUT = `<data>/compression-lab`; the chart is
//! `OUT/compression-ratios.png`.

use std::path::PathBuf;

use anyhow::Context;
use cumulus::prelude::*;
use cumulus::store::{compression_lab, workshop_codecs};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(args.next().context("usage: compression_lab DATA [YEAR] [VARIABLE] [OUT]")?);
    let year: i32 = args.next().map(|y| y.parse()).transpose()?.unwrap_or(2019);
    let variable = args.next().unwrap_or_else(|| "temperature".into());
    let out = args.next().map_or_else(|| data.join("compression-lab"), PathBuf::from);
    let ds = open_zarr(data.join(store_name(year)))?;
    let lab = compression_lab(&ds, &variable, &out, &workshop_codecs())?;
    println!("{variable} of {year}, {:.1} MB in memory\n", lab.runs[0].uncompressed_bytes as f64 / 1e6);
    println!("{lab}");
    let labels: Vec<String> = lab.runs.iter().map(|r| r.codec.to_string()).collect();
    let ratios: Vec<f64> = lab.runs.iter().map(|r| r.ratio).collect();
    let chart = out.join("compression-ratios.png");
    bar_chart(&labels, &ratios)
        .title(format!("compression ratio of {variable} (uncompressed / on disk)"))
        .ylabel("ratio")
        .bar_labels(true)
        .bar_label_decimals(2)
        .save(&chart)?;
    println!("chart: {}", chart.display());
    Ok(())
}
