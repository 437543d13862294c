//! The live dashboard while the Part 1 experiments run, slowly enough to watch: a simple mean,
//! a standardized anomaly and a wind speed, computed in turn with pauses between them.
//!
//! ```text
//! cargo run -p cumulus --example dashboard -- [DATA] [ADDR] [ROUNDS]
//! # DATA: the tiny data folder (generated if missing, default data/tiny)
//! # ADDR: where to serve the dashboard (default 127.0.0.1:8787; port 0 picks a free one)
//! # ROUNDS: how many times to run the three experiments (default 3)
//! ```
//!
//! Open the printed address in a browser: the task stream fills as each experiment runs, the
//! progress bars count its tasks by kind, and the task graph switches with every compute.

use std::path::PathBuf;
use std::time::Duration;

use cumulus::data_gen::GenArgs;
use cumulus::prelude::*;

/// The pause between two computes, so that each can be seen.
const PAUSE: Duration = Duration::from_millis(2500);

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(args.next().unwrap_or_else(|| "data/tiny".into()));
    let addr = args.next().unwrap_or_else(|| cumulus::dashboard::DEFAULT_ADDR.into());
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse()).map_err(|e| anyhow::anyhow!("ROUNDS: {e}"))?;

    let years = [2019, 2020, 2021];
    if !years.iter().all(|&y| data.join(store_name(y)).exists()) {
        eprintln!("generating the tiny data into {}", data.display());
        GenArgs { quiet: true, overwrite: true, ..GenArgs::for_preset(Preset::Tiny, &data) }.run()?;
    }
    // ANCHOR: start
    let dash = Dashboard::start(&addr)?; // e.g. "127.0.0.1:8787"; stops when `dash` is dropped
    println!("dashboard: {} (open it now; the first compute starts in {} s)", dash.url(), PAUSE.as_secs_f64());
    // ANCHOR_END: start
    std::thread::sleep(PAUSE);

    let paths: Vec<PathBuf> = years.iter().map(|&y| data.join(store_name(y))).collect();
    let ds = open_mfdataset(&paths)?;
    let t = ds.get("temperature")?;
    let (u, v) = (ds.get("u_component_of_wind")?, ds.get("v_component_of_wind")?);
    let simple = t.mean("time")?;
    let anomaly = (&(&t - &t.mean("time")?)? / &t.std("time")?)?;
    let wind_speed = (&(&u * &u)? + &(&v * &v)?)?.sqrt().mean(["time", "level", "latitude", "longitude"])?;

    // Two threads: the task stream shows two rows, and the computes last a little longer.
    let opts = ComputeOptions::default().threads(2);
    for round in 1..=rounds {
        for (name, x) in [("simple mean", &simple), ("standardized anomaly", &anomaly), ("wind speed", &wind_speed)] {
            let tasks = x.data().graph(&opts)?.len();
            let started = std::time::Instant::now();
            x.compute_with(&opts)?;
            println!("round {round}/{rounds}: {name:<21} {tasks:>5} tasks in {:.2} s", started.elapsed().as_secs_f64());
            std::thread::sleep(PAUSE);
        }
    }
    println!("done: {} tasks seen by the dashboard; it stops in 10 s", dash.tasks_done());
    std::thread::sleep(Duration::from_secs(10));
    Ok(())
}
