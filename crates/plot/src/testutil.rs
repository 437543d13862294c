//! Small in-memory fields for unit tests.

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{Attrs, DataArray, Variable};
use ndarray::{ArrayD, IxDyn};

/// A `"t"` field on (latitude, longitude) with value `f(i, j)` and `units = "K"`.
pub(crate) fn field_da(lat: &[f64], lon: &[f64], f: impl Fn(usize, usize) -> f64) -> DataArray {
    let a = ArrayD::from_shape_fn(IxDyn(&[lat.len(), lon.len()]), |ix| f(ix[0], ix[1]));
    let mut attrs = Attrs::new();
    attrs.insert("units".into(), "K".into());
    let var = Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[lat.len(), lon.len()]).unwrap())
        .unwrap()
        .with_attrs(attrs);
    DataArray::new("t", var)
        .with_coord("latitude", Variable::from_vec("latitude", lat.to_vec()))
        .unwrap()
        .with_coord("longitude", Variable::from_vec("longitude", lon.to_vec()))
        .unwrap()
}

/// The value of attribute `name` in the SVG tag text `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let k = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[k..k + tag[k..].find('"')?])
}

/// An SVG `<rect>`: left, top, width, height and fill (plotters writes colours in capitals).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SvgRect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub fill: String,
}

/// Every `<rect>` of an SVG.
pub(crate) fn svg_rects(svg: &str) -> Vec<SvgRect> {
    svg.split("<rect")
        .skip(1)
        .filter_map(|t| {
            let n = |a| attr(t, a)?.parse::<i32>().ok();
            Some(SvgRect { x: n("x")?, y: n("y")?, w: n("width")?, h: n("height")?, fill: attr(t, "fill")?.into() })
        })
        .collect()
}

/// An SVG `<text>`: anchor point, fill and the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SvgText {
    pub x: i32,
    pub y: i32,
    pub fill: String,
    pub text: String,
}

/// Every `<text>` of an SVG.
pub(crate) fn svg_texts(svg: &str) -> Vec<SvgText> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let n = |a| attr(t, a)?.parse::<i32>().ok();
            let open = t.find('>')?;
            let close = t.find("</text>")?;
            let text = t[open + 1..close].trim().to_string();
            Some(SvgText { x: n("x")?, y: n("y")?, fill: attr(&t[..open], "fill")?.into(), text })
        })
        .collect()
}

/// The points of every SVG `<polyline>` stroked in `color` (plotters writes it in capitals).
pub(crate) fn svg_polylines(svg: &str, color: &str) -> Vec<Vec<(i32, i32)>> {
    svg.split("<polyline")
        .skip(1)
        .filter(|t| t.contains(&format!("stroke=\"{color}\"")))
        .filter_map(|t| {
            let pts = attr(t, "points")?;
            pts.split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect()
        })
        .collect()
}
