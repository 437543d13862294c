//! How fast does one thread decode the chunks of one variable? (A check on the codec path.)
//!
//! `cargo run --release -p cumulus-store --example decode_speed -- STORE VARIABLE [N]`

use std::time::Instant;

use cumulus_chunked::ChunkSource;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (path, var) = (args.get(1).ok_or("STORE")?, args.get(2).ok_or("VARIABLE")?);
    let n: usize = args.get(3).map_or(Ok(200), |s| s.parse())?;
    let arrays = cumulus_store::stored_arrays(std::path::Path::new(path))?;
    let a = arrays.iter().find(|a| a.meta().name == *var).ok_or("no such variable")?;
    let idx: Vec<Vec<usize>> = a.chunks().indices().into_iter().take(n).collect();
    let t = Instant::now();
    let mut bytes = 0;
    for i in &idx {
        bytes += a.read_chunk(i)?.nbytes();
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "{} chunks, {:.2} GB/s decoded, {:.2} ms/chunk",
        idx.len(),
        bytes as f64 / dt / 1e9,
        dt / idx.len() as f64 * 1e3
    );
    Ok(())
}
