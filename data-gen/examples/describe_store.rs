//! Prints what the Rust side sees in a generated store, as JSON: sizes, chunks, attributes,
//! coordinates and spot values, read back with zarrs. CI compares it with what xarray reads.
//!
//! ```sh
//! cargo run -p cumulus-data-gen --example describe_store -- data/era5_2019_10N40N_100E140E.zarr
//! ```

use std::sync::Arc;

use serde_json::{Value, json};
use zarrs::array::{Array, ArraySubset, Element, FromArrayBytes};
use zarrs::filesystem::FilesystemStore;

/// Opens one array of the store and reads it whole.
fn read_all<T>(store: &Arc<FilesystemStore>, name: &str) -> anyhow::Result<(Array<FilesystemStore>, Vec<T>)>
where
    T: Element,
    Vec<T>: FromArrayBytes,
{
    let a = Array::open(store.clone(), &format!("/{name}"))?;
    let data = a.retrieve_array_subset(&ArraySubset::new_with_shape(a.shape().to_vec()))?;
    Ok((a, data))
}

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: describe_store STORE"))?;
    let store = Arc::new(FilesystemStore::new(&path)?);
    let mut vars = serde_json::Map::new();
    for name in cumulus_data_gen::Variable::ALL.map(|v| v.name()) {
        let (a, data) = read_all::<f32>(&store, name)?;
        let shape = a.shape().to_vec();
        // Spot values at a fixed stride through the flattened array, with their indices.
        let mut spots = vec![];
        for n in (0..data.len()).step_by(data.len() / 7 + 1) {
            let mut idx = vec![0u64; shape.len()];
            let mut rest = n as u64;
            for d in (0..shape.len()).rev() {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
            spots.push(json!({"index": idx, "value": data[n]}));
        }
        let mean = data.iter().map(|&x| f64::from(x)).sum::<f64>() / data.len() as f64;
        let chunks = a.chunk_shape(&vec![0; shape.len()])?.iter().map(|c| c.get()).collect::<Vec<_>>();
        vars.insert(
            name.to_owned(),
            json!({"shape": shape, "chunks": chunks, "attributes": a.attributes(), "mean": mean, "spots": spots}),
        );
    }
    let (time, hours) = read_all::<i64>(&store, "time")?;
    let (_, levels) = read_all::<i32>(&store, "level")?;
    let out = json!({
        "store": path,
        "time_hours_since_1900": hours,
        "time_attributes": Value::Object(time.attributes().clone()),
        "level": levels,
        "latitude": read_all::<f32>(&store, "latitude")?.1,
        "longitude": read_all::<f32>(&store, "longitude")?.1,
        "variables": vars,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
