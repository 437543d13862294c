//! `to_zarr` beyond a fresh store: appending along time, writing a region, packing into
//! int16, and appending to a store that xarray wrote. CI has xarray check every result
//! (`.ci/interop/write_modes_xarray.py`).
//!
//! `cargo run -p cumulus --example write_modes -- DATA_DIR OUT_DIR`
//!
//! `OUT_DIR/xarray_packed.zarr` must already exist (the script's `prepare` step writes it with
//! xarray: the first 40 steps of T850, packed into int16); this program appends the rest.

use cumulus::prelude::*;
use cumulus::store::{DType, ToZarrOptions, VarEncoding, to_zarr};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (data, out) = match (args.get(1), args.get(2)) {
        (Some(d), Some(o)) => (std::path::PathBuf::from(d), std::path::PathBuf::from(o)),
        _ => anyhow::bail!("usage: write_modes DATA_DIR OUT_DIR"),
    };
    let ds = open_zarr(data.join(store_name(2019)))?;
    // T850 as a one-variable dataset (time, latitude, longitude).
    let t850 = ds.select_vars(&["temperature"])?.sel([("level", Selector::from(850))])?;
    let nt = t850.sizes().into_iter().find(|(d, _)| d == "time").map_or(0, |(_, n)| n);
    anyhow::ensure!(nt >= 60, "expected at least 60 time steps in {}, found {nt}", data.display());

    // ANCHOR: append
    // Three writes: 0..25, then 25..47 and 47..nt appended along time. The pieces do not end on
    // chunk boundaries (the store keeps the chunks of the first write).
    let appended = out.join("appended.zarr");
    let overwrite = ToZarrOptions { mode: WriteMode::Overwrite, ..ToZarrOptions::default() };
    to_zarr(&t850.isel([("time", 0..25)])?, &appended, &overwrite)?;
    to_zarr(&t850.isel([("time", 25..47)])?, &appended, &ToZarrOptions::append("time"))?;
    to_zarr(&t850.isel([("time", 47..nt)])?, &appended, &ToZarrOptions::append("time"))?;
    // ANCHOR_END: append

    // ANCHOR: region
    // The whole year, then steps 5..29 replaced by T850 + 1 K.
    let region = out.join("region.zarr");
    to_zarr(&t850, &region, &overwrite)?;
    let plus_one = t850.isel([("time", 5..29)])?.map(|da| Ok(da + 1.0))?;
    to_zarr(&plus_one, &region, &ToZarrOptions::region(&[("time", 5..29)]))?;
    // ANCHOR_END: region

    // ANCHOR: packed
    // ERA5-style packing: int16 with a scale of 0.01 K around 280 K, -32767 for missing values.
    let packed = out.join("packed.zarr");
    let enc = VarEncoding::default().dtype(DType::I16).scale_offset(0.01, 280.0).fill_value(-32767.0);
    to_zarr(&t850, &packed, &overwrite.clone().with_encoding("temperature", enc))?;
    // ANCHOR_END: packed

    // Append to xarray's packed store: the store's own encoding is used.
    to_zarr(&t850.isel([("time", 40..nt)])?, out.join("xarray_packed.zarr"), &ToZarrOptions::append("time"))?;
    println!("wrote {}", out.display());
    Ok(())
}
