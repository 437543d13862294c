//! Maps through the public API: what the SVG says (title, colorbar label, ticks,
//! coastlines), what the PNG is, and the errors for input a map cannot show.

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{Attrs, DataArray, Variable};
use cumulus_plot::{Colormap, PlotError, map};
use ndarray::{ArrayD, IxDyn};

fn with_units(var: Variable, units: &str) -> Variable {
    let mut attrs = Attrs::new();
    attrs.insert("units".into(), units.into());
    var.with_attrs(attrs)
}

/// Temperature at 850 hPa on 3 latitudes (descending) × 4 longitudes around Taiwan, with the
/// level left as a scalar coordinate.
fn taiwan_t850() -> DataArray {
    let a = ArrayD::from_shape_fn(IxDyn(&[2, 3, 4]), |i| 280.0 + 10.0 * i[1] as f64 + i[2] as f64);
    let var =
        Variable::new(&["level", "latitude", "longitude"], ChunkedArray::from_array(a, &[1, 3, 4]).unwrap()).unwrap();
    DataArray::new("temperature", with_units(var, "K"))
        .with_coord("level", Variable::from_vec("level", vec![1000.0f64, 850.0]))
        .unwrap()
        .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0]))
        .unwrap()
        .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0]))
        .unwrap()
        .isel([("level", 1)])
        .unwrap()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn svg_has_title_colorbar_label_and_degree_ticks() {
    let svg = map(&taiwan_t850()).size(600, 450).to_svg().unwrap();
    assert!(svg.starts_with("<svg width=\"600\" height=\"450\""), "{}", &svg[..80]);
    assert!(svg.contains("temperature (level = 850)"), "the title names the selected level");
    assert!(svg.contains("temperature [K]"), "the colorbar label has the units");
    for tick in ["120°E", "122°E", "23°N", "25°N"] {
        assert!(svg.contains(tick), "tick {tick}");
    }
    let titled = map(&taiwan_t850()).title("My title").colorbar_label("T (K)").to_svg().unwrap();
    assert!(titled.contains("My title") && titled.contains("T (K)"));
    assert!(!titled.contains("level = 850"));
}

#[test]
fn coastlines_and_borders_are_drawn_only_when_asked() {
    let da = taiwan_t850();
    let bare = map(&da).coastlines(false).borders(false).to_svg().unwrap();
    let coast = map(&da).borders(false).to_svg().unwrap();
    // Taiwan's coast crosses the 22.5–25.5°N, 119.5–123.5°E box: polylines are added.
    assert!(count(&coast, "<polyline") > count(&bare, "<polyline"), "coastline paths are drawn");
    // Borders are drawn in grey; there is no land border near Taiwan, but there is over Indochina.
    let lat: Vec<f64> = (0..=8).map(|i| 24.0 - 2.0 * i as f64).collect();
    let lon: Vec<f64> = (0..=8).map(|j| 98.0 + 2.0 * j as f64).collect();
    let a = ArrayD::from_shape_fn(IxDyn(&[9, 9]), |i| (i[0] + i[1]) as f64);
    let var = Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[9, 9]).unwrap()).unwrap();
    let indochina = DataArray::new("x", var)
        .with_coord("latitude", Variable::from_vec("latitude", lat))
        .unwrap()
        .with_coord("longitude", Variable::from_vec("longitude", lon))
        .unwrap();
    let with = map(&indochina).to_svg().unwrap();
    let without = map(&indochina).borders(false).to_svg().unwrap();
    assert!(count(&with, "stroke=\"#505050\"") > 0);
    assert_eq!(count(&without, "stroke=\"#505050\""), 0);
}

#[test]
fn smallest_and_largest_values_get_the_ends_of_the_colormap() {
    // Values 280 … 303: vmin = 280 → first colour, vmax = 303 → last colour (SVG capitals).
    let svg = map(&taiwan_t850()).cmap(Colormap::Turbo).to_svg().unwrap();
    for hex in ["#30123B", "#7A0403"] {
        assert!(count(&svg, &format!("fill=\"{hex}\"")) >= 2, "{hex} in a cell and in the colorbar");
    }
}

#[test]
fn png_has_the_asked_size() {
    let png = map(&taiwan_t850()).size(640, 480).to_png_bytes().unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (640, 480));
    assert_eq!(info.color_type, png::ColorType::Rgb);
}

#[test]
fn save_writes_png_or_svg_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let m = map(&taiwan_t850()).size(400, 300);
    m.save(dir.path().join("a.png")).unwrap();
    m.save(dir.path().join("a.svg")).unwrap();
    assert_eq!(&std::fs::read(dir.path().join("a.png")).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    assert!(std::fs::read_to_string(dir.path().join("a.svg")).unwrap().starts_with("<svg"));
    let e = m.save(dir.path().join("a.jpg")).unwrap_err().to_string();
    assert!(e.contains("path") && e.contains(".png or .svg"), "{e}");
    let e = m.save_png(dir.path().join("no/such/dir/a.png")).unwrap_err();
    assert!(matches!(e, PlotError::Io { .. }), "{e}");
}

#[test]
fn a_3d_array_is_refused_naming_its_dims() {
    let a = ArrayD::from_elem(IxDyn(&[2, 3, 4]), 1.0f64);
    let var =
        Variable::new(&["time", "latitude", "longitude"], ChunkedArray::from_array(a, &[2, 3, 4]).unwrap()).unwrap();
    let e = map(&DataArray::new("t", var)).to_svg().unwrap_err();
    assert_eq!(
        e.to_string(),
        "map needs a 2-D array with dims latitude and longitude, got (time, latitude, longitude)"
    );
}

#[test]
fn missing_latitude_is_refused() {
    // A dimension of another name…
    let a = ArrayD::from_elem(IxDyn(&[3, 4]), 1.0f64);
    let var = Variable::new(&["y", "longitude"], ChunkedArray::from_array(a.clone(), &[3, 4]).unwrap()).unwrap();
    let e = map(&DataArray::new("t", var)).to_svg().unwrap_err().to_string();
    assert!(e.contains("latitude and longitude, got (y, longitude)"), "{e}");
    // …or the right name without coordinate values.
    let var = Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[3, 4]).unwrap()).unwrap();
    let da = DataArray::new("t", var)
        .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0]))
        .unwrap();
    let e = map(&da).to_svg().unwrap_err();
    assert!(matches!(&e, PlotError::Coordinate { dim, .. } if dim == "latitude"), "{e}");
}

#[test]
fn all_nan_needs_limits_and_then_draws_a_blank_map() {
    let nan = taiwan_t850().scalar_op(cumulus_chunked::BinaryOp::Mul, f64::NAN);
    let e = map(&nan).to_svg().unwrap_err().to_string();
    assert!(e.contains("every value of \"temperature\" is NaN") && e.contains("pass vmin and vmax"), "{e}");
    let blank = map(&nan).vmin(270.0).vmax(310.0).to_svg().unwrap();
    let full = map(&taiwan_t850()).vmin(270.0).vmax(310.0).to_svg().unwrap();
    // The same figure without the 3 × 4 cells (every one a different colour): NaN cells are
    // left out (white).
    assert_eq!(count(&full, "<rect") - count(&blank, "<rect"), 12);
    assert!(blank.contains("temperature [K]"));
    // Cells of one colour along a row are drawn as one rectangle: rows 280, 290, 300 → 3.
    let rows = taiwan_t850()
        .isel([("longitude", cumulus_labeled::Isel::List(vec![0, 0, 0, 0]))])
        .unwrap()
        .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0]))
        .unwrap();
    let striped = map(&rows).vmin(270.0).vmax(310.0).to_svg().unwrap();
    assert_eq!(count(&striped, "<rect") - count(&blank, "<rect"), 3);
}

#[test]
fn bad_limits_and_sizes_are_refused() {
    let da = taiwan_t850();
    let e = map(&da).vmin(300.0).vmax(290.0).to_svg().unwrap_err().to_string();
    assert_eq!(e, "bad colour limits vmin = 300, vmax = 290: vmin must be below vmax");
    let e = map(&da).vmin(5.0).vmax(5.0).to_png_bytes().unwrap_err();
    assert!(matches!(e, PlotError::Limits { .. }));
    let e = map(&da).size(100, 50).to_svg().unwrap_err().to_string();
    assert!(e.contains("size") && e.contains("100×50"), "{e}");
}

/// The field of `taiwan_t850` built with latitude ascending and/or dims (longitude, latitude).
fn reordered(ascending: bool, lon_first: bool) -> DataArray {
    let lat = if ascending { vec![23.0f64, 24.0, 25.0] } else { vec![25.0, 24.0, 23.0] };
    // Same value at the same place: 280 + 10·(row from 25°N) + column.
    let value = |lat: f64, j: usize| 280.0 + 10.0 * (25.0 - lat) + j as f64;
    let (dims, a) = if lon_first {
        (["longitude", "latitude"], ArrayD::from_shape_fn(IxDyn(&[4, 3]), |i| value(lat[i[1]], i[0])))
    } else {
        (["latitude", "longitude"], ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| value(lat[i[0]], i[1])))
    };
    let var = Variable::new(&dims, ChunkedArray::from_array(a.clone(), a.shape()).unwrap()).unwrap();
    DataArray::new("temperature", with_units(var, "K"))
        .with_coord("latitude", Variable::from_vec("latitude", lat))
        .unwrap()
        .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0]))
        .unwrap()
}

#[test]
fn latitude_order_and_dim_order_do_not_change_the_picture() {
    let png = |da: &DataArray| map(da).size(500, 400).to_png_bytes().unwrap();
    let reference = png(&reordered(false, false));
    assert!(png(&reordered(true, false)) == reference, "ascending latitude draws the same map");
    assert!(png(&reordered(false, true)) == reference, "(longitude, latitude) draws the same map");
    assert!(png(&reordered(true, true)) == reference, "both draw the same map");
}

#[test]
fn data_of_both_signs_gets_rdbu_r_centred_on_zero() {
    let anomaly = taiwan_t850().scalar_op(cumulus_chunked::BinaryOp::Sub, 290.0); // -10 … 13
    let svg = map(&anomaly).to_svg().unwrap();
    // Limits ±13: the colorbar runs from RdBu_r's first to last colour, and −10 is not the
    // bottom colour (it would be, were the limits −10 … 13).
    for end in [Colormap::RdBuR.rgba(0.0), Colormap::RdBuR.rgba(1.0)] {
        assert!(svg.contains(&end.to_hex().to_uppercase()), "{end}");
    }
    let minus_ten = Colormap::RdBuR.color_of(-10.0, -13.0, 13.0).to_hex().to_uppercase();
    assert!(svg.contains(&format!("fill=\"{minus_ten}\"")), "{minus_ten}");
    assert!(svg.contains(">\n-10\n<") && svg.contains(">\n10\n<"), "ticks on both sides of zero");
}
