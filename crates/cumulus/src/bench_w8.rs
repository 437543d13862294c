//! W8 and W8m of `cumulus bench`: the workshop's xbatcher step on cumulus-batches.
//!
//! Both years, features CAPE, CIN, k_index and BLH, label `(total_precipitation > 5)` as
//! `f32`; `BatchGenerator(input_dims={latitude: 16, longitude: 16}, input_overlap={latitude:
//! 4, longitude: 4}, batch_dims={time: 32})`. The timed part builds the generator and turns
//! batches 0..50 into `X (32, 16, 16, 4)` and `y (32, 16, 16)`. W8 reads lazily from the
//! stores through the chunk cache; W8m first loads the five variables (`load_s`, untimed).
//! The decode floor decodes each chunk the 50 batches touch once (W8), or copies the 50
//! windows out of memory (W8m).

use std::time::Instant;

use cumulus_batches::{BatchGenerator, MapDataset, PatchDataset, threshold_label};
use cumulus_labeled::Dataset;
use serde_json::{Value, json};

use super::{BenchArgs, cpu_s, open_all, rss_mb};

const FEATURES: [&str; 4] =
    ["convective_available_potential_energy", "convective_inhibition", "k_index", "boundary_layer_height"];
const N_BATCHES: usize = 50;

fn generator(sub: &Dataset, cache_bytes: usize) -> anyhow::Result<BatchGenerator> {
    Ok(BatchGenerator::builder(sub)
        .input_dims([("latitude", 16), ("longitude", 16)])
        .input_overlap([("latitude", 4), ("longitude", 4)])
        .batch_dims([("time", 32)])
        .cache_bytes(cache_bytes)
        .build()?)
}

/// `ds[FEATURES].assign(label=(ds.total_precipitation > 5).astype("float32"))`.
fn subset(args: &BenchArgs) -> anyhow::Result<Dataset> {
    let ds = open_all(args)?;
    let label = threshold_label(&ds.get("total_precipitation")?, 5.0);
    // xarray's `ds[names]` keeps only the coordinates of the variables' dimensions.
    Ok(ds.select_vars(&FEATURES)?.drop_vars(&["level"]).with_var("label", label.variable().clone())?)
}

/// Run W8 or W8m (or its floor) in this process and return its record.
///
/// # Errors
/// When the stores cannot be opened or a batch cannot be read.
pub(super) fn child(name: &str, args: &BenchArgs) -> anyhow::Result<Value> {
    let (_, rss_start) = rss_mb();
    let mut sub = subset(args)?;
    let mut out = json!({ "workload": name, "engine": "cumulus" });
    if name == "W8m" {
        let t = Instant::now();
        // One variable at a time, so that at most one is held twice while it is assembled.
        let mut loaded = Dataset::new().with_attrs(sub.attrs().clone());
        for (c, v, _) in sub.coords().iter() {
            loaded = loaded.with_coord(c, v.clone())?;
        }
        for n in sub.data_vars() {
            loaded = loaded.with_var(n, sub.get(n)?.compute()?.variable().clone())?;
        }
        sub = loaded;
        out["load_s"] = json!(t.elapsed().as_secs_f64());
    }
    let (_, rss0) = rss_mb();
    let cpu0 = cpu_s();
    let t0 = Instant::now();
    if args.floor {
        let bgen = generator(&sub, 0)?;
        let n = N_BATCHES.min(bgen.len());
        if name == "W8" {
            // Each touched chunk once: a generator whose cache holds everything.
            let all = generator(&sub, usize::MAX)?;
            for i in 0..n {
                all.get_tensors(i as isize)?;
            }
            out["floor_chunks"] = json!(all.cache_stats().decoded);
        } else {
            for i in 0..n {
                bgen.get_tensors(i as isize)?;
            }
        }
        out["wall_s"] = json!(t0.elapsed().as_secs_f64());
    } else {
        let t_a = Instant::now();
        let bgen = generator(&sub, cumulus_batches::generator::DEFAULT_CACHE_BYTES)?;
        let data = PatchDataset::new(bgen, &FEATURES, "label")?;
        let init_s = t_a.elapsed().as_secs_f64();
        let t_b = Instant::now();
        let n = N_BATCHES.min(data.len());
        let (mut xsum, mut ysum) = (0.0f64, 0.0f64);
        let (mut xshape, mut yshape) = (vec![], vec![]);
        for i in 0..n {
            let b = data.get(i)?;
            xsum += b.x.iter().map(|&v| v as f64).sum::<f64>();
            ysum += b.y.iter().map(|&v| v as f64).sum::<f64>();
            xshape = b.x.shape().to_vec();
            yshape = b.y.shape().to_vec();
        }
        let batches_s = t_b.elapsed().as_secs_f64();
        let wall = t0.elapsed().as_secs_f64();
        let stats = data.generator().cache_stats();
        let y_size: usize = yshape.iter().product();
        out["wall_s"] = json!(wall);
        out["init_s"] = json!(init_s);
        out["batches_s"] = json!(batches_s);
        out["batches_per_s"] = json!(n as f64 / batches_s);
        out["len_bgen"] = json!(data.len());
        out["decoded_chunks"] = json!(stats.decoded);
        out["decoded_chunks_per_batch"] = json!(stats.decoded as f64 / n.max(1) as f64);
        out["check"] = json!({
            "len_bgen": data.len(),
            "X_shape": xshape,
            "y_shape": yshape,
            "X_sum_first50": xsum,
            "label_pos_frac_first50": ysum / (n * y_size).max(1) as f64,
        });
        out["cpu_s"] = json!(cpu_s() - cpu0);
        // Untimed: the same batches without the chunk cache, to count what it saves.
        if name == "W8" {
            let plain = generator(&sub, 0)?;
            for i in 0..n {
                plain.get_tensors(i as isize)?;
            }
            out["decoded_chunks_without_cache"] = json!(plain.cache_stats().decoded);
        }
    }
    if out.get("cpu_s").is_none() {
        out["cpu_s"] = json!(cpu_s() - cpu0);
    }
    let (peak, _) = rss_mb();
    out["rss0_mb"] = json!(rss0.max(rss_start));
    out["peak_rss_mb"] = json!(peak);
    out["threads"] = json!(args.threads.unwrap_or_else(super::rayon_threads));
    Ok(out)
}
