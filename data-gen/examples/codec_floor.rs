//! The floor under the generator: how long it takes just to *make* the values of DAYS days
//! (default 2, from 1 June) of the full grid, held in memory, and just to *compress* them with the workshop's codec (Blosc zstd-3 bit
//! shuffle, in memory, no files), on all threads.
//!
//! ```sh
//! cargo run --release -p cumulus-data-gen --example codec_floor -- [DAYS]
//! ```

use std::sync::Arc;
use std::time::Instant;

use cumulus_data_gen::model::{Block, Model};
use cumulus_data_gen::{DEFAULT_SEED, GenConfig, Grid, MonthDay, Preset, Variable, time_axis};
use rayon::prelude::*;
use zarrs::array::Array;
use zarrs::storage::store::MemoryStore;
use zarrs::storage::{StoreKey, WritableStorageTraits};

fn main() -> anyhow::Result<()> {
    let days: u32 = std::env::args().nth(1).map_or(Ok(2), |d| d.parse())?;
    let grid = Grid::new(0.25)?;
    let last = GenConfig::preset(Preset::Demo, "unused").with_days(days)?.last;
    let hours = time_axis(2019, MonthDay::new(6, 1), last)?;
    let model = Model::new(DEFAULT_SEED);
    let units: Vec<(usize, usize, usize)> =
        (0..hours.len().div_ceil(24)).flat_map(|a| (0..3).flat_map(move |b| (0..4).map(move |c| (a, b, c)))).collect();
    let block = |&(a, b, c): &(usize, usize, usize)| Block {
        hours: &hours[a * 24..(a * 24 + 24).min(hours.len())],
        lats: &grid.latitude[b * 50..(b * 50 + 50).min(121)],
        lons: &grid.longitude[c * 50..(c * 50 + 50).min(161)],
        padded: [24, 50, 50],
    };
    let t0 = Instant::now();
    let chunks: Vec<Vec<(Variable, Vec<f32>)>> =
        units.par_iter().map(|u| model.generate(&block(u), &Variable::ALL)).collect();
    let generate_s = t0.elapsed().as_secs_f64();

    let store = Arc::new(MemoryStore::new());
    for (name, shape, chunk) in [("a4", "[100000,13,50,50]", "[24,13,50,50]"), ("a3", "[100000,50,50]", "[24,50,50]")] {
        let meta = format!(
            r#"{{"chunks":{chunk},"compressor":{{"id":"blosc","cname":"zstd","clevel":3,"shuffle":2,"blocksize":0}},"dtype":"<f4","fill_value":"NaN","filters":null,"order":"C","shape":{shape},"zarr_format":2}}"#
        );
        store.set(&StoreKey::new(format!("{name}/.zarray"))?, meta.into_bytes().into())?;
    }
    let (a4, a3) = (Array::open(store.clone(), "/a4")?, Array::open(store.clone(), "/a3")?);
    let t1 = Instant::now();
    chunks.par_iter().enumerate().try_for_each(|(n, vars)| -> anyhow::Result<()> {
        for (i, (v, data)) in vars.iter().enumerate() {
            let idx = (n * 9 + i) as u64;
            if v.info().has_level {
                a4.store_chunk(&[idx, 0, 0, 0], data.as_slice())?
            } else {
                a3.store_chunk(&[idx, 0, 0], data.as_slice())?
            }
        }
        Ok(())
    })?;
    let compress_s = t1.elapsed().as_secs_f64();
    let bytes: usize = chunks.iter().flatten().map(|(_, d)| d.len() * 4).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "{days} day(s), {mb:.0} MB (padded chunks) on {} threads: generate {generate_s:.2} s ({:.0} MB/s), compress {compress_s:.2} s ({:.0} MB/s)",
        rayon::current_num_threads(),
        mb / generate_s,
        mb / compress_s
    );
    Ok(())
}
