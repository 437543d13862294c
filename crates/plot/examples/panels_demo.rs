//! The workshop's 2 × 3 verification panel from synthetic fields: observation, prediction and
//! their difference at one time (top row); RMSE, correlation and MAE over time (bottom row),
//! each map with its own colormap, limits and colorbar. Writes `panels_demo.png`, and a
//! confusion matrix of "convection" (observed vs predicted warm anomaly) as
//! `confusion_demo.png`.
//!
//! ```text
//! cargo run -p cumulus-plot --example panels_demo -- /tmp/panels
//! ```

use std::path::PathBuf;

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{Attrs, DataArray, Variable};
use cumulus_plot::{Colormap, confusion_matrix, map, panels};
use ndarray::{Array3, ArrayD, Axis};

/// A (latitude, longitude) field named `name` with `units`.
fn field(
    name: &str,
    units: &str,
    values: ArrayD<f64>,
    lat: &[f64],
    lon: &[f64],
) -> Result<DataArray, Box<dyn std::error::Error>> {
    let mut attrs = Attrs::new();
    attrs.insert("units".into(), units.into());
    let shape = [lat.len(), lon.len()];
    let var = Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(values, &shape)?)?.with_attrs(attrs);
    Ok(DataArray::new(name, var)
        .with_coord("latitude", Variable::from_vec("latitude", lat.to_vec()))?
        .with_coord("longitude", Variable::from_vec("longitude", lon.to_vec()))?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;

    // 10–40°N, 100–140°E at 0.5°, latitude descending; 48 hourly times.
    let lat: Vec<f64> = (0..61).map(|i| 40.0 - 0.5 * f64::from(i)).collect();
    let lon: Vec<f64> = (0..81).map(|j| 100.0 + 0.5 * f64::from(j)).collect();
    let nt = 48;
    let obs = Array3::from_shape_fn((nt, lat.len(), lon.len()), |(t, i, j)| {
        let (y, x, h) = (lat[i], lon[j], t as f64);
        292.0 - 0.45 * (y - 10.0) + 2.0 * (0.35 * x + 0.26 * h).sin() * (0.25 * y).cos()
    });
    // The "model": a lagged, damped copy with a warm bias growing to the east.
    let pred = Array3::from_shape_fn((nt, lat.len(), lon.len()), |(t, i, j)| {
        let (y, x, h) = (lat[i], lon[j], t as f64);
        292.3 - 0.45 * (y - 10.0) + 1.6 * (0.35 * x + 0.26 * h - 0.4).sin() * (0.25 * y).cos() + 0.02 * (x - 100.0)
    });
    let diff = &pred - &obs;
    let rmse = diff.mapv(|d| d * d).mean_axis(Axis(0)).unwrap().mapv(f64::sqrt);
    let mae = diff.mapv(f64::abs).mean_axis(Axis(0)).unwrap();
    let (om, pm) = (obs.mean_axis(Axis(0)).unwrap(), pred.mean_axis(Axis(0)).unwrap());
    let corr = ndarray::Array2::from_shape_fn((lat.len(), lon.len()), |(i, j)| {
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for t in 0..nt {
            let (a, b) = (obs[[t, i, j]] - om[[i, j]], pred[[t, i, j]] - pm[[i, j]]);
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        sxy / (sxx * syy).sqrt()
    });

    let t0 = 12;
    let at = |a: &Array3<f64>| a.index_axis(Axis(0), t0).to_owned().into_dyn();
    let fig = panels(2, 3)
        .map(map(&field("observation", "K", at(&obs), &lat, &lon)?).title("Observation").vmin(280.0).vmax(300.0))
        .map(map(&field("prediction", "K", at(&pred), &lat, &lon)?).title("Prediction").vmin(280.0).vmax(300.0))
        .map(map(&field("difference", "K", at(&diff), &lat, &lon)?).title("Prediction − observation"))
        .map(map(&field("RMSE", "K", rmse.into_dyn(), &lat, &lon)?).title("RMSE over 48 h").cmap(Colormap::Viridis))
        .map(map(&field("correlation", "1", corr.into_dyn(), &lat, &lon)?).title("Correlation").vmin(0.0).vmax(1.0))
        .map(map(&field("MAE", "K", mae.into_dyn(), &lat, &lon)?).title("MAE over 48 h").cmap(Colormap::Turbo))
        .title("2 m temperature: a synthetic model against synthetic observations")
        .size(1800, 960);
    fig.save_png(dir.join("panels_demo.png"))?;

    // "Convection" where the anomaly from the time mean exceeds 1 K, observed vs predicted.
    let mut counts = [[0u64; 2]; 2];
    for ((t, i, j), &o) in obs.indexed_iter() {
        let truth = usize::from(o - om[[i, j]] > 1.0);
        let guess = usize::from(pred[[t, i, j]] - pm[[i, j]] > 1.0);
        counts[truth][guess] += 1;
    }
    let labels = ["no convection", "convection"];
    let cm = panels(1, 2)
        .panel(confusion_matrix(&counts, &labels).title("Counts"))
        .panel(confusion_matrix(&counts, &labels).normalize(true).title("Recall per class"))
        .size(1100, 460);
    cm.save_png(dir.join("confusion_demo.png"))?;
    println!("wrote {} and {}", dir.join("panels_demo.png").display(), dir.join("confusion_demo.png").display());
    Ok(())
}
