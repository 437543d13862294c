//! `cumulus bench`: the workloads of `../shared/peer/README.md` (W1–W10) on cumulus, each
//! repetition in a fresh process, with the decode floor, written in the peer's JSON shape.
//!
//! The parent process runs `cumulus bench --child W5 …` once per repetition and once more with
//! `--floor` (read and decompress exactly the chunks the workload touches, all threads, no
//! arithmetic), then writes `summary.cumulus.<workload>.{median_wall_s, max_peak_rss_mb,
//! n_tasks, check, decode_floor_s, …}`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use cumulus_chunked::graph::read_touched;
use cumulus_chunked::{ChunkedArray, ComputeOptions};
use cumulus_labeled::{DataArray, Dataset, Selector, nearest, slice};
use serde_json::{Value, json};

/// Workloads cumulus runs today (the others need crates that are not built yet).
pub const WORKLOADS: [&str; 14] =
    ["W1a", "W1b", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W8m", "W9", "W10a", "W10b", "W10c"];

#[path = "bench_w8.rs"]
mod w8;

/// Arguments of `cumulus bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Folder with the yearly stores.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// Years to use (the peer's defaults).
    #[arg(long, num_args = 1.., default_values_t = [2019, 2020])]
    pub years: Vec<i32>,
    /// Only these workloads (W1 = W1a W1b, W10 = W10a W10b W10c).
    #[arg(long, num_args = 1..)]
    pub only: Vec<String>,
    /// Repetitions per workload, each in a fresh process.
    #[arg(long, default_value_t = 3)]
    pub reps: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Where to write the results.
    #[arg(long, default_value = "bench/out/cumulus-results.json")]
    pub out: PathBuf,
    /// Run one workload in this process and print its JSON (used by the parent).
    #[arg(long, hide = true)]
    pub child: Option<String>,
    /// With --child: measure the decode floor instead of the workload.
    #[arg(long, hide = true)]
    pub floor: bool,
    /// Run the repetitions in this process instead of fresh ones (so that a dashboard in this
    /// process sees them; peak RSS then covers all workloads so far).
    #[arg(skip)]
    pub in_process: bool,
}

fn expand(only: &[String]) -> anyhow::Result<Vec<String>> {
    if only.is_empty() {
        return Ok(WORKLOADS.iter().map(|s| s.to_string()).collect());
    }
    let mut out = Vec::new();
    for o in only {
        let group: Vec<&str> = match o.as_str() {
            "W1" => vec!["W1a", "W1b"],
            "W10" => vec!["W10a", "W10b", "W10c"],
            "W8" => vec!["W8", "W8m"],
            w if WORKLOADS.contains(&w) => vec![w],
            w => bail!("workload {w} is not available in cumulus yet; available: {}", WORKLOADS.join(" ")),
        };
        out.extend(group.into_iter().map(String::from));
    }
    Ok(out)
}

/// Peak and current resident memory of this process in MB, from `/proc/self/status`.
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// CPU seconds (user + system, all threads) of this process, from `/proc/self/stat`.
pub(crate) fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (1-based) of the whole line: 12 and 13 here.
    (ticks(11) + ticks(12)) / 100.0
}

fn store_paths(data: &Path, years: &[i32]) -> Vec<PathBuf> {
    years.iter().map(|&y| data.join(cumulus_data_gen::store_name(y))).collect()
}

fn open_all(args: &BenchArgs) -> anyhow::Result<Dataset> {
    Ok(cumulus_store::open_mfdataset(&store_paths(&args.data, &args.years))?)
}

fn open_one(args: &BenchArgs) -> anyhow::Result<Dataset> {
    Ok(cumulus_store::open_zarr(&store_paths(&args.data, &args.years[..1])[0])?)
}

/// Turns the computed results of a workload into its check values.
type Check = Box<dyn Fn(&[DataArray]) -> anyhow::Result<Value>>;

/// What a workload computes: the lazy arrays, and how to turn their values into checks.
struct Job {
    arrays: Vec<ChunkedArray>,
    check: Check,
    labeled: Vec<DataArray>,
    extra: Value,
}

fn job(labeled: Vec<DataArray>, extra: Value, check: impl Fn(&[DataArray]) -> anyhow::Result<Value> + 'static) -> Job {
    Job { arrays: labeled.iter().map(|d| d.data().clone()).collect(), labeled, check: Box::new(check), extra }
}

fn w10_chunks(name: &str) -> [usize; 4] {
    match name {
        "W10a" => [10, 13, 20, 20],
        "W10b" => [24, 13, 50, 50],
        _ => [100, 13, 100, 100],
    }
}

fn build(name: &str, args: &BenchArgs) -> anyhow::Result<Job> {
    Ok(match name {
        "W2" => {
            let ds = open_one(args)?;
            let t = ds.get("temperature")?;
            let month =
                cumulus_labeled::time::format_ns(t.index("time")?.numeric(0).unwrap_or(0.0) as i64)[..7].to_string();
            let res = t.sel([("time", Selector::from(month.as_str())), ("level", 850.into())])?.mean("time")?;
            job(vec![res], json!({ "month": month }), |v| {
                let r = v[0].compute()?;
                Ok(json!({
                    "t850_mean_25N_121E": r.sel([("latitude", nearest(25.0)), ("longitude", nearest(121.0))])?.item()?,
                    "field_mean": r.mean(cumulus_labeled::Dims::All)?.item()?,
                }))
            })
        }
        "W3" => {
            let ds = open_all(args)?;
            // ds.sel(time=ds.time.dt.month.isin([6, 7, 8, 9]), latitude=slice(25, 22), longitude=slice(120, 122))
            let month = ds.get("time")?.dt("time", "month")?;
            let sub = ds
                .sel_mask("time", &month.isin(&[6.0, 7.0, 8.0, 9.0]))?
                .sel([("latitude", slice(25.0, 22.0)), ("longitude", slice(120.0, 122.0))])?;
            let sizes = sub.sizes();
            let size = |d: &str| sizes.iter().find(|(n, _)| n == d).map_or(0, |(_, n)| *n);
            let box_shape = json!([size("latitude"), size("longitude")]);
            let daily = sub.resample("time", "1D")?.mean()?.mean(["latitude", "longitude"])?;
            let names: Vec<String> = daily.data_vars().iter().map(|s| s.to_string()).collect();
            let arrays = names.iter().map(|n| daily.get(n)).collect::<Result<Vec<_>, _>>()?;
            job(arrays, json!({}), move |v| {
                // dropna("time", how="all"): days where some variable has a value.
                let n_time = v[0].size("time")?;
                let mut keep = vec![false; n_time];
                for da in v {
                    let axis = da.variable().axis("time")?;
                    let per_day = if da.dims().len() == 1 {
                        da.clone()
                    } else {
                        let others: Vec<&str> = da.dims().iter().filter(|d| *d != "time").map(String::as_str).collect();
                        let _ = axis;
                        da.count(others.as_slice())?
                    };
                    let counts = per_day.to_vec_f64()?;
                    for (k, c) in counts.iter().enumerate() {
                        keep[k] |= if da.dims().len() == 1 { !c.is_nan() } else { *c > 0.0 };
                    }
                }
                let find = |n: &str| v.iter().find(|d| d.name() == Some(n)).cloned();
                let t = find("temperature").ok_or_else(|| anyhow::anyhow!("no temperature"))?;
                let tp = find("total_precipitation").ok_or_else(|| anyhow::anyhow!("no total_precipitation"))?;
                Ok(json!({
                    "n_days": keep.iter().filter(|k| **k).count(),
                    "t850_mean_of_daily": t.sel([("level", 850.into())])?.mean(cumulus_labeled::Dims::All)?.item()?,
                    "tp_mean_of_daily": tp.mean(cumulus_labeled::Dims::All)?.item()?,
                    "box": box_shape,
                }))
            })
        }
        "W5" => {
            let ds = open_all(args)?;
            let t = ds.get("temperature")?;
            let input = t.data().nbytes();
            job(vec![t.mean("time")?], json!({}), move |v| {
                let r = v[0].compute()?;
                Ok(json!({
                    "mean": r.mean(cumulus_labeled::Dims::All)?.item()?,
                    "t850_25N_121E": r.sel([("level", 850.into()), ("latitude", nearest(25.0)), ("longitude", nearest(121.0))])?.item()?,
                    "input_bytes": input,
                }))
            })
        }
        "W6" => {
            let ds = open_all(args)?;
            let t = ds.get("temperature")?.sel([("level", slice(1000, 500))])?;
            let levels: Vec<f64> = t.index("level").map(|i| (0..i.len()).filter_map(|k| i.numeric(k)).collect())?;
            let input = t.data().nbytes();
            let z = t
                .binary(cumulus_chunked::BinaryOp::Sub, &t.mean("time")?)?
                .binary(cumulus_chunked::BinaryOp::Div, &t.std("time")?)?;
            let frac = z.abs().scalar_op(cumulus_chunked::BinaryOp::Gt, 2.0).mean(["time", "latitude", "longitude"])?;
            job(vec![frac], json!({}), move |v| {
                let by_level = v[0].to_vec_f64()?;
                let mean = by_level.iter().sum::<f64>() / by_level.len() as f64;
                Ok(json!({
                    "levels": levels.iter().map(|l| *l as i64).collect::<Vec<_>>(),
                    "frac_gt2_by_level": by_level.iter().map(|x| (x * 1e6).round() / 1e6).collect::<Vec<_>>(),
                    "frac_gt2": mean,
                    "input_bytes": input,
                }))
            })
        }
        "W7" => {
            let ds = open_all(args)?;
            let u = ds.get("u_component_of_wind")?;
            let v = ds.get("v_component_of_wind")?;
            let input = u.data().nbytes() + v.data().nbytes();
            let sq = |x: &DataArray| x.scalar_op(cumulus_chunked::BinaryOp::Pow, 2);
            let ws = sq(&u).binary(cumulus_chunked::BinaryOp::Add, &sq(&v))?.sqrt().mean(cumulus_labeled::Dims::All)?;
            job(vec![ws], json!({}), move |v| Ok(json!({ "mean_wind_speed": v[0].item()?, "input_bytes": input })))
        }
        w if w.starts_with("W10") => {
            let ds = open_one(args)?;
            let t = ds.get("temperature")?;
            let c = w10_chunks(w);
            let data = t.data().rechunk(&c)?;
            let var = cumulus_labeled::Variable::from_parts(t.dims().to_vec(), data.clone(), Default::default())?;
            let m = DataArray::from_parts(Some("temperature".into()), var, t.coords().clone())
                .mean(cumulus_labeled::Dims::All)?;
            let chunksize: Vec<usize> = data.chunks().axes().iter().map(|a| a[0]).collect();
            job(vec![m], json!({ "n_chunks": data.num_chunks(), "chunksize": chunksize }), |v| {
                Ok(json!({ "mean": v[0].item()? }))
            })
        }
        other => bail!("{other} has no lazy computation (W1 only opens)"),
    })
}

/// Run one workload (or its floor) in this process and return its record.
///
/// # Errors
/// When the stores cannot be opened or a compute fails.
pub fn child(name: &str, args: &BenchArgs) -> anyhow::Result<Value> {
    if name == "W8" || name == "W8m" {
        return w8::child(name, args);
    }
    let opts = args.threads.map_or_else(ComputeOptions::default, |n| ComputeOptions::default().threads(n));
    let threads = args.threads.unwrap_or_else(rayon_threads);
    let (_, rss0) = rss_mb();
    let (cpu0, t0) = (cpu_s(), Instant::now());
    let mut out = json!({ "workload": name, "engine": "cumulus" });
    if name == "W4" {
        let (check, wall, tasks) = w4(args, &opts)?;
        out["check"] = check;
        out["wall_s"] = json!(wall);
        out["n_tasks"] = json!(tasks);
    } else if name == "W9" {
        crate::bench_w9::child(args, &opts, threads, &mut out)?;
    } else if name == "W1a" || name == "W1b" {
        let ds = if name == "W1a" { open_one(args)? } else { open_all(args)? };
        let wall = t0.elapsed().as_secs_f64();
        let sizes: serde_json::Map<String, Value> = ds.sizes().into_iter().map(|(d, n)| (d, json!(n))).collect();
        out["check"] = json!({ "sizes": sizes, "n_vars": ds.data_vars().len() });
        out["wall_s"] = json!(wall);
    } else {
        let job = build(name, args)?;
        let graph = {
            let mut g = 0;
            for a in &job.arrays {
                g += a.graph(&opts)?.len();
            }
            g
        };
        out["n_tasks"] = json!(graph);
        let setup = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let cpu1 = cpu_s();
        if args.floor {
            let mut touched = Vec::new();
            for a in &job.arrays {
                touched.extend(a.graph(&opts)?.touched_chunks());
            }
            let bytes = read_touched(&touched, threads)?;
            out["floor_chunks"] = json!(touched.len());
            out["floor_bytes"] = json!(bytes);
        } else {
            let (blocks, stats) = ChunkedArray::compute_many_with(&job.arrays, &opts)?;
            let computed: Vec<DataArray> = job
                .labeled
                .iter()
                .zip(blocks)
                .map(|(d, b)| {
                    let shape = b.shape().to_vec();
                    let data = ChunkedArray::from_block(b, cumulus_chunked::Chunks::single(&shape))?;
                    let var = cumulus_labeled::Variable::from_parts(d.dims().to_vec(), data, Default::default())?;
                    Ok(DataArray::from_parts(d.name().map(String::from), var, d.coords().clone()))
                })
                .collect::<anyhow::Result<_>>()?;
            out["tracked_peak_mb"] = json!(stats.peak_memory as f64 / 1048576.0);
            let wall = t1.elapsed().as_secs_f64();
            out["check"] = (job.check)(&computed)?;
            out["wall_s"] = json!(wall);
        }
        if args.floor {
            out["wall_s"] = json!(t1.elapsed().as_secs_f64());
        }
        out["setup_s"] = json!(setup);
        out["cpu_s"] = json!(cpu_s() - cpu1);
        if let Value::Object(extra) = job.extra {
            for (k, v) in extra {
                out[k] = v;
            }
        }
    }
    if out.get("cpu_s").is_none() {
        out["cpu_s"] = json!(cpu_s() - cpu0);
    }
    let (peak, _) = rss_mb();
    out["rss0_mb"] = json!(rss0);
    out["peak_rss_mb"] = json!(peak);
    out["threads"] = json!(threads);
    Ok(out)
}

/// W4: the Taiwan box's monthly climatology and anomaly of all variables, written with
/// `to_zarr` (Blosc zstd-3 bit shuffle) into `<data>/scratch`, checked by reading it back.
fn w4(args: &BenchArgs, opts: &ComputeOptions) -> anyhow::Result<(Value, f64, usize)> {
    let ds = open_all(args)?;
    let scratch = args.data.join("scratch");
    std::fs::create_dir_all(&scratch)?;
    let target = scratch.join(format!("w4_anom_cumulus_{}.zarr", std::process::id()));
    let t0 = Instant::now();
    let sub = ds.sel([("latitude", slice(25.0, 22.0)), ("longitude", slice(120.0, 122.0))])?;
    let anom = sub.map(|da| {
        let by_month = da.groupby("time.month")?;
        by_month.binary(cumulus_chunked::BinaryOp::Sub, &by_month.mean()?)
    })?;
    let mut tasks = 0;
    let mut touched = Vec::new();
    for n in anom.data_vars() {
        let g = anom.get(n)?.data().graph(opts)?;
        tasks += g.len();
        touched.extend(g.touched_chunks());
    }
    if args.floor {
        let t1 = Instant::now();
        let bytes = read_touched(&touched, args.threads.unwrap_or_else(rayon_threads))?;
        return Ok((json!({ "floor_chunks": touched.len(), "floor_bytes": bytes }), t1.elapsed().as_secs_f64(), tasks));
    }
    let to = cumulus_store::ToZarrOptions {
        mode: cumulus_store::WriteMode::Overwrite,
        compute: opts.clone(),
        ..Default::default()
    };
    cumulus_store::to_zarr(&anom, &target, &to)?;
    let wall = t0.elapsed().as_secs_f64();
    let unc: usize = anom.data_vars().iter().map(|n| anom.get(n).map(|d| d.data().nbytes())).sum::<Result<_, _>>()?;
    let disk = cumulus_store::disk_usage(&target)? as usize;
    let n_months = sub.dt("time", "month")?.into_iter().collect::<std::collections::BTreeSet<_>>().len();
    let back = cumulus_store::open_zarr(&target)?;
    let t850 = back.get("temperature")?.sel([("level", 850.into())])?;
    let check = json!({
        "uncompressed_bytes": unc,
        "on_disk_bytes": disk,
        "compression_ratio": (unc as f64 / disk as f64 * 1e4).round() / 1e4,
        "n_months": n_months,
        "t850_anom_abs_mean": t850.abs().mean(cumulus_labeled::Dims::All)?.item()?,
        "t850_anom_mean": t850.mean(cumulus_labeled::Dims::All)?.item()?,
    });
    std::fs::remove_dir_all(&target)?;
    Ok((check, wall, tasks))
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// The arguments of a floor run in this process.
fn floor_args(args: &BenchArgs) -> BenchArgs {
    BenchArgs { floor: true, ..args.clone() }
}

fn spawn_child(name: &str, args: &BenchArgs, floor: bool) -> anyhow::Result<Value> {
    let exe = std::env::current_exe().context("finding the cumulus executable")?;
    let mut cmd = Command::new(exe);
    cmd.arg("bench").arg("--child").arg(name).arg("--data").arg(&args.data).arg("--years");
    for y in &args.years {
        cmd.arg(y.to_string());
    }
    if let Some(t) = args.threads {
        cmd.arg("--threads").arg(t.to_string());
    }
    if floor {
        cmd.arg("--floor");
    }
    let out = cmd.output().with_context(|| format!("running the {name} child"))?;
    if !out.status.success() {
        bail!("{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    serde_json::from_slice(&out.stdout).with_context(|| format!("reading the {name} child's JSON"))
}

/// Run the workloads, each repetition in a fresh process, and write the results file.
///
/// # Errors
/// A failing workload, or the results file cannot be written.
pub fn run(args: &BenchArgs) -> anyhow::Result<Value> {
    if let Some(name) = &args.child {
        let v = child(name, args)?;
        println!("{v}");
        return Ok(v);
    }
    for p in store_paths(&args.data, &args.years) {
        if !p.exists() {
            bail!(
                "{} is missing: generate the data first (cumulus gen --out {} ...)",
                p.display(),
                args.data.display()
            );
        }
    }
    let mut summary = serde_json::Map::new();
    let mut runs = Vec::new();
    for name in expand(&args.only)? {
        let mut reps = Vec::new();
        for r in 0..args.reps.max(1) {
            let v = if args.in_process { child(&name, args)? } else { spawn_child(&name, args, false)? };
            eprintln!(
                "{name} rep {r}: {:.3} s, peak RSS {:.0} MB",
                v["wall_s"].as_f64().unwrap_or(f64::NAN),
                v["peak_rss_mb"].as_f64().unwrap_or(f64::NAN)
            );
            reps.push(v);
        }
        let floor = if name == "W1a" || name == "W1b" {
            None
        } else {
            let mut f: Vec<f64> = Vec::new();
            for _ in 0..args.reps.max(1) {
                let v =
                    if args.in_process { child(&name, &floor_args(args))? } else { spawn_child(&name, args, true)? };
                f.push(v["wall_s"].as_f64().unwrap_or(f64::NAN));
            }
            Some(median(&mut f))
        };
        let mut walls: Vec<f64> = reps.iter().filter_map(|r| r["wall_s"].as_f64()).collect();
        let mut cpus: Vec<f64> = reps.iter().filter_map(|r| r["cpu_s"].as_f64()).collect();
        let mut rss0: Vec<f64> = reps.iter().filter_map(|r| r["rss0_mb"].as_f64()).collect();
        let peak = reps.iter().filter_map(|r| r["peak_rss_mb"].as_f64()).fold(0.0, f64::max);
        let mut entry = json!({
            "n": reps.len(),
            "median_wall_s": median(&mut walls),
            "min_wall_s": walls.first().copied(),
            "max_wall_s": walls.last().copied(),
            "median_cpu_s": if cpus.is_empty() { Value::Null } else { json!(median(&mut cpus)) },
            "max_peak_rss_mb": peak,
            "median_rss0_mb": median(&mut rss0),
            "n_tasks": reps[0].get("n_tasks").cloned().unwrap_or(Value::Null),
            "check": reps[0]["check"].clone(),
            "decode_floor_s": floor,
        });
        for k in [
            "n_chunks",
            "chunksize",
            "month",
            "len_bgen",
            "batches_per_s",
            "load_s",
            "decoded_chunks",
            "decoded_chunks_without_cache",
        ] {
            if let Some(v) = reps[0].get(k) {
                entry[k] = v.clone();
            }
        }
        summary.insert(name.clone(), entry);
        runs.extend(reps);
    }
    let result = json!({
        "meta": {
            "engine": "cumulus",
            "version": env!("CARGO_PKG_VERSION"),
            "data": args.data.display().to_string(),
            "years": args.years,
            "threads": args.threads.unwrap_or_else(rayon_threads),
        },
        "summary": { "cumulus": summary },
        "runs": runs,
    });
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&result)?)
        .with_context(|| format!("writing {}", args.out.display()))?;
    Ok(result)
}
