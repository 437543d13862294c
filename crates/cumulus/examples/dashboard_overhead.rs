//! What watching a compute costs: the peer's W5 (the mean of temperature over time, all the
//! stores in DATA) run alternately without anyone listening, and with telemetry, an open
//! dashboard and a connected page (a client reading `/events` as a browser does) plus a
//! progress bar. Issue 7's target: under 5 % more time.
//!
//! ```text
//! cargo run --release -p cumulus --example dashboard_overhead -- DATA [REPS]
//! ```
//!
//! Each repetition runs both, in alternating order, after one warm-up run; the medians and
//! their ratio are printed, with the tasks the dashboard counted and the events the page read.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use cumulus::prelude::*;
use cumulus::store::open_mfdataset;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A page's connection to `/events`: counts the server-sent events until stopped.
struct Page {
    stop: Arc<AtomicBool>,
    events: Arc<AtomicUsize>,
    thread: std::thread::JoinHandle<()>,
}

impl Page {
    fn open(dash: &Dashboard) -> anyhow::Result<Page> {
        let mut s = TcpStream::connect(dash.addr())?;
        write!(s, "GET /events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n", dash.addr())?;
        s.set_read_timeout(Some(Duration::from_millis(200)))?;
        let (stop, events) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let (st, ev) = (stop.clone(), events.clone());
        let thread = std::thread::spawn(move || {
            let mut r = BufReader::new(s);
            let mut line = String::new();
            while !st.load(Ordering::Relaxed) {
                line.clear();
                match r.read_line(&mut line) {
                    Ok(0) => break,
                    Ok(_) if line.starts_with("event:") => {
                        ev.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
            }
        });
        Ok(Page { stop, events, thread })
    }

    fn close(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.events.load(Ordering::Relaxed)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = args.next().context("usage: dashboard_overhead DATA [REPS]")?;
    let reps: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    ensure!(reps > 0, "REPS must be at least 1");
    let ds = open_mfdataset(&[format!("{data}/era5_*.zarr")])?;
    let mean = ds.get("temperature")?.mean("time")?;
    let tasks = mean.data().graph(&ComputeOptions::default())?.len();
    let run = |opts: &ComputeOptions| -> anyhow::Result<f64> {
        let t0 = Instant::now();
        mean.data().compute_with(opts)?;
        Ok(t0.elapsed().as_secs_f64())
    };
    run(&ComputeOptions::default())?; // warm-up: the page cache, the allocator
    let (mut plain, mut watched) = (Vec::new(), Vec::new());
    let (mut counted, mut events) = (0, 0);
    for rep in 0..reps {
        for watch in if rep % 2 == 0 { [false, true] } else { [true, false] } {
            if watch {
                let dash = Dashboard::start("127.0.0.1:0")?;
                let page = Page::open(&dash)?;
                std::thread::sleep(Duration::from_millis(100)); // the page has its snapshot
                let bar = ComputeProgress::visible("W5", true);
                watched.push(run(&ComputeOptions::default().subscriber(bar.clone()))?);
                bar.finish();
                std::thread::sleep(Duration::from_millis(300)); // the last batch is sent
                counted = dash.tasks_done();
                events += page.close();
                dash.stop();
            } else {
                plain.push(run(&ComputeOptions::default())?);
            }
        }
    }
    let (p, w) = (median(plain), median(watched));
    println!("W5 (mean of temperature over time), {tasks} tasks, {reps} repetitions each, medians:");
    println!("  nobody listening:                              {p:.3} s");
    println!("  telemetry + dashboard + open page + progress:  {w:.3} s");
    println!("  overhead: {:+.1} %", (w / p - 1.0) * 100.0);
    println!("  the dashboard counted {counted} tasks in its last run; the page read {events} events in all");
    Ok(())
}
