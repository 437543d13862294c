//! How much a dashboard (with one open page reading its event stream) slows a compute of many
//! small tasks down: the same sum runs without and with it.
//!
//! ```text
//! cargo run -p cumulus-dashboard --example throughput --release -- [CHUNKS]
//! ```

use std::io::{Read, Write};
use std::time::Instant;

use cumulus_chunked::{ChunkedArray, ComputeOptions};
use cumulus_dashboard::Dashboard;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let chunks: usize = std::env::args().nth(1).map_or(Ok(20_000), |s| s.parse())?;
    let x = ChunkedArray::random(&[chunks * 4, 16], &[4, 16], 1)?.sum(0)?;
    let tasks = x.graph(&ComputeOptions::default())?.len();
    x.compute()?; // warm up
    let t = Instant::now();
    x.compute()?;
    let plain = t.elapsed().as_secs_f64();

    let dash = Dashboard::start("127.0.0.1:0")?;
    let mut page = std::net::TcpStream::connect(dash.addr())?;
    page.write_all(b"GET /events HTTP/1.1\r\n\r\n")?;
    let reader = std::thread::spawn(move || {
        let (mut buf, mut bytes) = ([0u8; 65536], 0usize);
        while let Ok(n) = page.read(&mut buf) {
            if n == 0 {
                break;
            }
            bytes += n;
        }
        bytes
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let t = Instant::now();
    x.compute()?;
    let watched = t.elapsed().as_secs_f64();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let seen = dash.tasks_done();
    dash.stop();
    let streamed = reader.join().unwrap_or(0);
    println!("{tasks} tasks: {plain:.3} s alone ({:.0} tasks/s)", tasks as f64 / plain);
    println!(
        "{tasks} tasks: {watched:.3} s with the dashboard and one open page ({:.0} tasks/s); it saw {seen} tasks, the page got {:.1} MB",
        tasks as f64 / watched,
        streamed as f64 / 1e6
    );
    Ok(())
}
