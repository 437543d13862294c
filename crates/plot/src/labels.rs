//! Text on plots: degree tick labels (`120°E`, `25°N`), titles from the scalar coordinates
//! left after a selection (`level = 850, time = 2019-06-01`), and colorbar labels from the
//! `long_name` and `units` attributes — as xarray writes them.

use cumulus_labeled::DataArray;
use cumulus_labeled::time::format_ns;
use cumulus_labeled::variable::{block_f64, block_i64};

/// A number without a useless fractional part: `850`, `0.25`, `-1.5`.
///
/// ```
/// use cumulus_plot::labels::number;
/// assert_eq!(number(850.0), "850");
/// assert_eq!(number(0.25), "0.25");
/// assert_eq!(number(1.0 / 3.0), "0.3333");
/// ```
pub fn number(x: f64) -> String {
    if x == x.round() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A longitude as a tick label: `120°E`, `60°W`, `0°`, `180°` (values beyond ±180 wrap).
///
/// ```
/// use cumulus_plot::labels::lon_label;
/// assert_eq!(lon_label(120.0), "120°E");
/// assert_eq!(lon_label(-60.0), "60°W");
/// assert_eq!(lon_label(200.0), "160°W");
/// assert_eq!(lon_label(120.5), "120.5°E");
/// assert_eq!(lon_label(0.0), "0°");
/// ```
pub fn lon_label(lon: f64) -> String {
    let x = (lon + 180.0).rem_euclid(360.0) - 180.0;
    let x = if x == -180.0 && lon > 0.0 { 180.0 } else { x };
    let deg = number(x.abs());
    if x == 0.0 || x.abs() == 180.0 {
        format!("{deg}°")
    } else if x > 0.0 {
        format!("{deg}°E")
    } else {
        format!("{deg}°W")
    }
}

/// A latitude as a tick label: `25°N`, `10°S`, `0°`.
///
/// ```
/// use cumulus_plot::labels::lat_label;
/// assert_eq!(lat_label(25.0), "25°N");
/// assert_eq!(lat_label(-10.0), "10°S");
/// assert_eq!(lat_label(0.0), "0°");
/// ```
pub fn lat_label(lat: f64) -> String {
    let deg = number(lat.abs());
    if lat == 0.0 {
        format!("{deg}°")
    } else if lat > 0.0 {
        format!("{deg}°N")
    } else {
        format!("{deg}°S")
    }
}

/// A datetime (ns since 1970) as xarray prints it in titles: the date alone at midnight,
/// else `2019-06-01T12:00:00`.
///
/// ```
/// use cumulus_plot::labels::time_label;
/// assert_eq!(time_label(0), "1970-01-01");
/// assert_eq!(time_label(43_200_000_000_000), "1970-01-01T12:00:00");
/// ```
pub fn time_label(ns: i64) -> String {
    let s = format_ns(ns);
    match s.strip_suffix("T00:00:00") {
        Some(date) => date.to_string(),
        None => s,
    }
}

/// The scalar coordinates of `da` (what a selection of one value leaves behind), as
/// `name = value` in coordinate order: `["level = 850", "time = 2019-06-01"]`.
///
/// Coordinates whose value cannot be computed are left out: a title is not worth an error.
///
/// ```
/// use cumulus_chunked::ChunkedArray;
/// use cumulus_labeled::{DataArray, Variable};
/// use ndarray::{ArrayD, IxDyn};
///
/// let a = ArrayD::from_elem(IxDyn(&[2, 3]), 1.0f64);
/// let da = DataArray::new("t", Variable::new(&["level", "x"], ChunkedArray::from_array(a, &[2, 3]).unwrap()).unwrap())
///     .with_coord("level", Variable::from_vec("level", vec![1000.0f64, 850.0])).unwrap();
/// let one = da.isel([("level", 1)]).unwrap();
/// assert_eq!(cumulus_plot::labels::scalar_coords(&one), vec!["level = 850"]);
/// ```
pub fn scalar_coords(da: &DataArray) -> Vec<String> {
    da.coords()
        .iter()
        .filter(|(_, var, _)| var.dims().is_empty())
        .filter_map(|(name, var, _)| {
            let block = var.data().compute().ok()?;
            let value = if var.is_datetime() {
                time_label(*block_i64(&block).first()?)
            } else {
                number(*block_f64(&block).first()?)
            };
            Some(format!("{name} = {value}"))
        })
        .collect()
}

/// A map's default title: the name, then the scalar coordinates in parentheses:
/// `temperature (level = 850, time = 2019-06-01)`.
pub(crate) fn default_title(da: &DataArray) -> String {
    let coords = scalar_coords(da).join(", ");
    match (da.name(), coords.is_empty()) {
        (Some(n), true) => n.to_string(),
        (Some(n), false) => format!("{n} ({coords})"),
        (None, _) => coords,
    }
}

/// A colorbar label as xarray writes it: `long_name` (or `standard_name`, or the name), then
/// `[units]` when the array has a `units` attribute: `temperature [K]`.
pub(crate) fn colorbar_label(da: &DataArray) -> String {
    let attr = |k: &str| da.attrs().get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    let name = attr("long_name").or_else(|| attr("standard_name")).or(da.name()).unwrap_or("");
    match attr("units") {
        Some(u) if name.is_empty() => format!("[{u}]"),
        Some(u) => format!("{name} [{u}]"),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::field_da;
    use cumulus_chunked::ChunkedArray;
    use cumulus_labeled::Variable;
    use cumulus_labeled::time::{NS_PER_DAY, NS_PER_HOUR, days_from_civil};
    use ndarray::{ArrayD, IxDyn};

    #[test]
    fn titles_name_the_selected_level_and_time() {
        let t0 = days_from_civil(2019, 6, 1) * NS_PER_DAY;
        let a = ArrayD::from_shape_fn(IxDyn(&[2, 2, 2, 3]), |i| i[3] as f64);
        let var = Variable::new(
            &["time", "level", "latitude", "longitude"],
            ChunkedArray::from_array(a, &[1, 1, 2, 3]).unwrap(),
        )
        .unwrap();
        let da = DataArray::new("temperature", var)
            .with_coord("time", Variable::from_times("time", vec![t0, t0 + 12 * NS_PER_HOUR]))
            .unwrap()
            .with_coord("level", Variable::from_vec("level", vec![1000.0f64, 850.0]))
            .unwrap()
            .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0]))
            .unwrap()
            .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0]))
            .unwrap();
        let one = da.isel([("level", 1), ("time", 0)]).unwrap();
        assert_eq!(default_title(&one), "temperature (time = 2019-06-01, level = 850)");
        let noon = da.isel([("time", 1), ("level", 0)]).unwrap();
        assert_eq!(scalar_coords(&noon), vec!["time = 2019-06-01T12:00:00", "level = 1000"]);
        assert_eq!(default_title(&da), "temperature");
    }

    #[test]
    fn colorbar_labels_follow_xarray() {
        let da = field_da(&[1.0, 2.0], &[1.0, 2.0], |_, _| 0.0);
        assert_eq!(colorbar_label(&da), "t [K]");
        let mut attrs = da.attrs().clone();
        attrs.insert("long_name".into(), "Temperature".into());
        let named =
            DataArray::from_parts(Some("t".into()), da.variable().clone().with_attrs(attrs), da.coords().clone());
        assert_eq!(colorbar_label(&named), "Temperature [K]");
    }
}
