//! The bar chart of `bench/RESULTS.md`: how many times faster cumulus is than the Python peer,
//! per workload, from the two JSON files `bench/compare` writes.
//!
//! ```text
//! cargo run --release -p cumulus --example bench_chart -- bench/out/peer.json bench/out/cumulus.json bench/ratios.png
//! ```

use anyhow::Context;
use cumulus::prelude::*;
use serde_json::Value;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [peer, ours, out] = args.as_slice() else {
        anyhow::bail!("usage: bench_chart PEER.json CUMULUS.json OUT.png|OUT.svg");
    };
    let read = |p: &str| -> anyhow::Result<Value> {
        Ok(serde_json::from_str(&std::fs::read_to_string(p).with_context(|| format!("reading {p}"))?)?)
    };
    let (peer, ours) = (read(peer)?, read(ours)?);
    let peer = peer["summary"]["threads"].as_object().context("no summary.threads in the peer's results")?;
    let ours = ours["summary"]["cumulus"].as_object().context("no summary.cumulus in cumulus' results")?;
    let mut labels = Vec::new();
    let mut ratios = Vec::new();
    for (name, p) in peer {
        let (Some(pt), Some(ct)) =
            (p["median_wall_s"].as_f64(), ours.get(name).and_then(|c| c["median_wall_s"].as_f64()))
        else {
            continue;
        };
        labels.push(name.clone());
        ratios.push(pt / ct);
        println!("{name:<6} peer {pt:>8.3} s  cumulus {ct:>8.3} s  {:>7.2}x", pt / ct);
    }
    anyhow::ensure!(!labels.is_empty(), "no workload appears in both files");
    bar_chart(&labels, &ratios)
        .title("cumulus speed-up over xarray + dask (peer time / cumulus time)")
        .ylabel("times faster")
        .bar_labels(true)
        .bar_label_decimals(1)
        .bar_label_suffix("×")
        .size(900, 450)
        .save(out)?;
    println!("wrote {out}");
    Ok(())
}
