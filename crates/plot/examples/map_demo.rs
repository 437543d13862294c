//! Draw a synthetic 850 hPa temperature field over the workshop's domain (10–40°N, 100–140°E,
//! 0.25°, latitude descending as in ERA5) and write `map_demo.png` and `map_demo.svg`.
//!
//! ```text
//! cargo run -p cumulus-plot --example map_demo -- /tmp/maps
//! ```

use std::path::PathBuf;

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::time::{NS_PER_DAY, NS_PER_HOUR, days_from_civil};
use cumulus_labeled::{Attrs, DataArray, Variable};
use ndarray::{ArrayD, IxDyn};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;

    let lat: Vec<f64> = (0..121).map(|i| 40.0 - 0.25 * f64::from(i)).collect();
    let lon: Vec<f64> = (0..161).map(|j| 100.0 + 0.25 * f64::from(j)).collect();
    // Warmer to the south, a travelling wave, a warm blob east of Taiwan.
    let t = ArrayD::from_shape_fn(IxDyn(&[1, 1, lat.len(), lon.len()]), |ix| {
        let (y, x) = (lat[ix[2]], lon[ix[3]]);
        let blob = 3.0 * (-((x - 124.0).powi(2) + (y - 23.0).powi(2)) / 20.0).exp();
        (292.0 - 0.45 * (y - 10.0) + 2.0 * (0.35 * x).sin() * (0.25 * y).cos() + blob) as f32
    });
    let mut attrs = Attrs::new();
    attrs.insert("units".into(), "K".into());
    let var =
        Variable::new(&["time", "level", "latitude", "longitude"], ChunkedArray::from_array(t, &[1, 1, 50, 50])?)?
            .with_attrs(attrs);
    let noon = days_from_civil(2019, 6, 15) * NS_PER_DAY + 12 * NS_PER_HOUR;
    let da = DataArray::new("temperature", var)
        .with_coord("time", Variable::from_times("time", vec![noon]))?
        .with_coord("level", Variable::from_vec("level", vec![850.0f64]))?
        .with_coord("latitude", Variable::from_vec("latitude", lat))?
        .with_coord("longitude", Variable::from_vec("longitude", lon))?;
    // Select like the workshop does: one time, one level; they become the title.
    let t850 = da.isel([("time", 0), ("level", 0)])?;

    let m = cumulus_plot::map(&t850).robust(true).size(800, 600);
    m.save_png(dir.join("map_demo.png"))?;
    m.save_svg(dir.join("map_demo.svg"))?;
    println!("wrote {} and {}", dir.join("map_demo.png").display(), dir.join("map_demo.svg").display());
    Ok(())
}
