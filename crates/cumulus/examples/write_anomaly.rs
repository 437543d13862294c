//! Write the Taiwan box's monthly anomaly of every variable with `to_zarr` (the workshop's
//! Part 2 exercise, and CI's check that xarray reads what cumulus writes).
//!
//! `cargo run --release -p cumulus --example write_anomaly -- DATA_DIR OUT.zarr [YEAR ...]`

use cumulus::prelude::*;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (data, out) = (args.get(1).map_or("data", String::as_str), args.get(2).map_or("anomaly.zarr", String::as_str));
    let years: Vec<i32> =
        if args.len() > 3 { args[3..].iter().map(|y| y.parse()).collect::<Result<_, _>>()? } else { vec![2019, 2020] };
    let paths: Vec<std::path::PathBuf> =
        years.iter().map(|&y| std::path::Path::new(data).join(store_name(y))).collect();
    let ds = open_mfdataset(&paths)?;
    // ANCHOR: anomaly
    let sub = ds.sel([("latitude", slice(25.0, 22.0)), ("longitude", slice(120.0, 122.0))])?;
    let anom = sub.map(|da| {
        let by_month = da.groupby("time.month")?;
        by_month.binary(cumulus::chunked::BinaryOp::Sub, &by_month.mean()?)
    })?;
    let opts = cumulus::store::ToZarrOptions { mode: WriteMode::Overwrite, ..Default::default() };
    cumulus::store::to_zarr(&anom, out, &opts)?;
    // ANCHOR_END: anomaly
    println!("wrote {out}");
    Ok(())
}
