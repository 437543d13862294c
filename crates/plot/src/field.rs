//! [`Field`]: a 2-D latitude × longitude array pulled out of a `DataArray`, with the cell
//! edges that place each value on the map.

use cumulus_labeled::DataArray;

use crate::error::{PlotError, Result};

const PLOT: &str = "map";
const EXPECTED: &str = "a 2-D array with dims latitude and longitude";

/// The values of a map, row by row from the first latitude, with coordinates and cell edges.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// Latitudes, in the array's order (ascending or descending).
    pub lat: Vec<f64>,
    /// Longitudes, in the array's order.
    pub lon: Vec<f64>,
    /// `lat.len() + 1` edges: halfway between neighbours, half a step beyond the ends.
    pub lat_edges: Vec<f64>,
    /// `lon.len() + 1` edges.
    pub lon_edges: Vec<f64>,
    /// `values[i * lon.len() + j]` is the value at `lat[i]`, `lon[j]`.
    pub values: Vec<f64>,
}

impl Field {
    /// Pull the field out of `da` (dims latitude and longitude, in either order).
    pub fn from_dataarray(da: &DataArray) -> Result<Field> {
        let dims = da.dims();
        let has = |d: &str| dims.iter().any(|x| x == d);
        if dims.len() != 2 || !has("latitude") || !has("longitude") {
            return Err(PlotError::Dims { plot: PLOT, expected: EXPECTED, got: dims.to_vec() });
        }
        let lat = coordinate(da, "latitude")?;
        let lon = coordinate(da, "longitude")?;
        let raw = da.to_vec_f64().map_err(|source| PlotError::Compute { name: display_name(da), source })?;
        let (nlat, nlon) = (lat.len(), lon.len());
        let values = if dims[0] == "latitude" {
            raw
        } else {
            // Stored as (longitude, latitude): transpose to rows of latitude.
            let mut v = vec![f64::NAN; nlat * nlon];
            for j in 0..nlon {
                for i in 0..nlat {
                    v[i * nlon + j] = raw[j * nlat + i];
                }
            }
            v
        };
        Ok(Field { lat_edges: edges(&lat), lon_edges: edges(&lon), lat, lon, values })
    }

    /// The value at row `i` (latitude) and column `j` (longitude).
    pub fn value(&self, i: usize, j: usize) -> f64 {
        self.values[i * self.lon.len() + j]
    }

    /// `(min, max)` of the longitude edges.
    pub fn lon_range(&self) -> (f64, f64) {
        min_max(&self.lon_edges)
    }

    /// `(min, max)` of the latitude edges.
    pub fn lat_range(&self) -> (f64, f64) {
        min_max(&self.lat_edges)
    }
}

/// The array's name for messages: `"temperature"` (quoted) or "the array".
pub(crate) fn display_name(da: &DataArray) -> String {
    da.name().map_or_else(|| "the array".to_string(), |n| format!("{n:?}"))
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// The numeric, strictly monotonic values of a dimension coordinate (at least 2 of them).
fn coordinate(da: &DataArray, dim: &str) -> Result<Vec<f64>> {
    let bad = |reason: String| PlotError::Coordinate { plot: PLOT, dim: dim.to_string(), reason };
    let index = da
        .coords()
        .index(dim)
        .ok_or_else(|| bad("the array has no coordinate values along it (add them with with_coord)".into()))?;
    if index.is_time() {
        return Err(bad("expected degrees, got datetimes".into()));
    }
    let values = (0..index.len())
        .map(|i| index.numeric(i).ok_or_else(|| bad("expected degrees, got strings".into())))
        .collect::<Result<Vec<f64>>>()?;
    if values.len() < 2 {
        return Err(bad(format!(
            "expected at least 2 values to know the size of a cell, got {} (select a range, not one value)",
            values.len()
        )));
    }
    if let Some(x) = values.iter().find(|x| !x.is_finite()) {
        return Err(bad(format!("expected finite degrees, got {x}")));
    }
    let up = values.windows(2).all(|w| w[0] < w[1]);
    let down = values.windows(2).all(|w| w[0] > w[1]);
    if !up && !down {
        return Err(bad("expected strictly ascending or descending values (sort the array first)".into()));
    }
    Ok(values)
}

/// Cell edges of centres `x` (at least 2): halfway between neighbours, and half a step beyond
/// each end — xarray's `_infer_interval_breaks`.
pub(crate) fn edges(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut e = Vec::with_capacity(n + 1);
    e.push(x[0] - 0.5 * (x[1] - x[0]));
    e.extend(x.windows(2).map(|w| 0.5 * (w[0] + w[1])));
    e.push(x[n - 1] + 0.5 * (x[n - 1] - x[n - 2]));
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::field_da;

    #[test]
    fn edges_are_midpoints_and_half_steps() {
        assert_eq!(edges(&[40.0, 39.75, 39.5]), vec![40.125, 39.875, 39.625, 39.375]);
        assert_eq!(edges(&[100.0, 101.0, 103.0]), vec![99.5, 100.5, 102.0, 104.0]);
    }

    #[test]
    fn transposed_input_gives_the_same_rows() {
        let da = field_da(&[25.0, 24.0, 23.0], &[120.0, 121.0], |i, j| (10 * i + j) as f64);
        let f = Field::from_dataarray(&da).unwrap();
        let t = Field::from_dataarray(&da.transpose(&["longitude", "latitude"]).unwrap()).unwrap();
        assert_eq!(f.values, vec![0.0, 1.0, 10.0, 11.0, 20.0, 21.0]);
        assert_eq!(t.values, f.values);
        assert_eq!(t.value(2, 1), 21.0);
        assert_eq!(f.lat_range(), (22.5, 25.5));
        assert_eq!(f.lon_range(), (119.5, 121.5));
    }

    #[test]
    fn one_latitude_is_refused_with_a_reason() {
        let da = field_da(&[25.0], &[120.0, 121.0], |_, _| 1.0);
        let e = Field::from_dataarray(&da).unwrap_err().to_string();
        assert!(e.contains("\"latitude\"") && e.contains("at least 2 values"), "{e}");
    }

    #[test]
    fn unsorted_longitudes_are_refused() {
        let da = field_da(&[25.0, 24.0], &[120.0, 122.0, 121.0], |_, _| 1.0);
        let e = Field::from_dataarray(&da).unwrap_err().to_string();
        assert!(e.contains("\"longitude\"") && e.contains("ascending or descending"), "{e}");
    }
}
